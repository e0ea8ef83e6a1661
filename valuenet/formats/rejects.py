"""The rejects file: rows an import left out, with the reason, ready to fix and import again.

It is written in the layout the importer reads (a CSV file whose extra columns
``source_file``, ``source_sheet``, ``source_row`` and ``error`` the importer
skips), atomically: it appears only when the import it belongs to succeeds. Text
cells go through :func:`~valuenet.formats.cells.sheet_cell`, so no spreadsheet
runs them, and import again as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from valuenet.files import AtomicFile, output_error
from valuenet.formats import columns
from valuenet.formats.cells import SheetWriter
from valuenet.formats.source import SourceTable


class RejectsWriter:
    """Writes rejected rows, with the reason, as a CSV file in the layout that imports again once fixed."""

    def __init__(self, path: str | Path, tables: Sequence[SourceTable]) -> None:
        self.path = Path(path)
        seen: dict[str, None] = {}
        for t in tables:
            for c in t.columns:
                seen.setdefault(c)
        order = {c.name: i for i, c in enumerate(columns.COLUMNS)}
        self.columns = sorted(seen, key=lambda c: (order.get(c, len(order)), c))
        self._file = AtomicFile(self.path, newline="")
        self._w = SheetWriter(self._file.file)
        self._w.writerow([*columns.REJECT_COLUMNS, *self.columns])
        self.count = 0

    def add(self, table: SourceTable | None, n: int, row: dict[str, Any], reason: str) -> None:
        """One rejected row (``table`` ``None`` for a problem with a respondent as a whole)."""
        self.count += 1
        head = [table.file if table else "", (table.sheet or "") if table else "", n or "", reason]
        try:
            self._w.writerow(head + [row.get(c, "") for c in self.columns])
        except OSError as exc:
            self._file.discard()
            raise output_error(self.path, exc) from exc

    def commit(self) -> None:
        """Put the rejects file in place."""
        self._file.commit()

    def discard(self) -> None:
        """Remove the unfinished rejects file (the import failed)."""
        self._file.discard()


__all__ = ["RejectsWriter"]

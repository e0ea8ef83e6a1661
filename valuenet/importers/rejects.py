"""The rejects file: rows an import left out, with the reason, ready to fix and import again."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from valuenet.importers import layout
from valuenet.importers.readers import Table


class RejectsWriter:
    """Writes rejected rows, with the reason, as a CSV file in the layout that imports again once fixed."""

    def __init__(self, path: str | Path, tables: Sequence[Table]) -> None:
        self.path = Path(path)
        seen: dict[str, None] = {}
        for t in tables:
            for c in t.columns:
                seen.setdefault(c)
        order = {c.name: i for i, c in enumerate(layout.COLUMNS)}
        self.columns = sorted(seen, key=lambda c: (order.get(c, len(order)), c))
        self.tmp = self.path.with_name(self.path.name + ".tmp")
        self._fh = self.tmp.open("w", encoding="utf-8", newline="")
        self._w = csv.writer(self._fh)
        self._w.writerow([*layout.REJECT_COLUMNS, *self.columns])
        self.count = 0

    def add(self, table: Table | None, n: int, row: dict[str, Any], reason: str) -> None:
        from valuenet.importers.xlsx import safe_cell

        self.count += 1
        head = [table.file if table else "", (table.sheet or "") if table else "", n or "", reason]
        self._w.writerow([safe_cell(x) for x in head] + [safe_cell(row.get(c, "")) for c in self.columns])

    def commit(self) -> None:
        self._fh.close()
        self.tmp.replace(self.path)

    def discard(self) -> None:
        self._fh.close()
        self.tmp.unlink(missing_ok=True)

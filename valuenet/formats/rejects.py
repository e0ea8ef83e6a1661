"""The rejects file: rows an import left out, with the reason, ready to fix and import again.

It is written in the layout the importer reads, with extra columns
``source_file``, ``source_sheet``, ``source_row`` and ``error`` that the importer
skips, and in the format its name asks for: ``.xlsx`` a workbook, ``.jsonl`` (or
``.ndjson``) JSON Lines, ``.json`` a JSON array, ``.tsv`` tab-separated text, anything
else CSV. :func:`rejects_path` names it after the input (``interviews.xlsx`` gives
``interviews.rejects.xlsx``), so a rejected row goes back into the tool it came
from. Rows wait in a temporary file while the import runs, and the rejects file
appears, atomically, only when the import it belongs to succeeds. CSV and XLSX
text cells go through :func:`~valuenet.formats.cells.sheet_cell`, so no
spreadsheet runs them, and import again as they were.
"""

from __future__ import annotations

import json
import marshal
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from valuenet.errors import OutputError
from valuenet.files import AtomicFile, check_output, output_error
from valuenet.formats import columns
from valuenet.formats.cells import CellError, SheetWriter
from valuenet.formats.source import SourceTable

#: The rejects file's format for each input suffix (anything else: CSV).
_FORMAT_OF = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".tsv": "tsv",
    ".tab": "tsv",
}
_SUFFIX = {"xlsx": ".xlsx", "jsonl": ".jsonl", "json": ".json", "tsv": ".tsv", "csv": ".csv"}


def rejects_format(path: str | Path) -> str:
    """The format a rejects file of this name is written in.

    >>> rejects_format("r.xlsx"), rejects_format("r.ndjson"), rejects_format("r.txt")
    ('xlsx', 'jsonl', 'csv')
    """
    return _FORMAT_OF.get(Path(path).suffix.lower(), "csv")


def rejects_path(table: str | Path) -> Path:
    """The default rejects file for an input table: beside it, in its own format.

    >>> str(rejects_path("data/interviews.xlsx")), str(rejects_path("rows.ndjson"))
    ('data/interviews.rejects.xlsx', 'rows.rejects.jsonl')
    """
    return Path(table).with_suffix(".rejects" + _SUFFIX[rejects_format(table)])


def _plain(value: Any) -> Any:
    return value if value.__class__ in (str, int, float, bool) or value is None else str(value)


class RejectsWriter:
    """Gathers rejected rows, with the reason, and writes them in the layout that imports again once fixed."""

    def __init__(self, path: str | Path, tables: Sequence[SourceTable]) -> None:
        self.path = check_output(path)
        self.format = rejects_format(self.path)
        seen: dict[str, None] = {}
        for t in tables:
            for c in t.columns:
                seen.setdefault(c)
        order = {c.name: i for i, c in enumerate(columns.COLUMNS)}
        self.columns = sorted(seen, key=lambda c: (order.get(c, len(order)), c))
        self.header = [*columns.REJECT_COLUMNS, *self.columns]
        self._spool: IO[bytes] | None = tempfile.TemporaryFile(prefix="valuenet-rejects-")
        self._part: list[list[Any]] = []
        self.count = 0

    def add(self, table: SourceTable | None, n: int, row: dict[str, Any], reason: str) -> None:
        """One rejected row (``table`` ``None`` for a problem with a respondent as a whole)."""
        self.count += 1
        head = [table.file if table else "", (table.sheet or "") if table else "", n or "", reason]
        self._part.append(head + [_plain(row.get(c)) for c in self.columns])
        if len(self._part) >= 2000:
            self._flush()

    def _flush(self) -> None:
        if self._part and self._spool is not None:
            data = marshal.dumps(self._part)
            self._spool.write(len(data).to_bytes(8, "little"))
            self._spool.write(data)
            self._part = []

    def _rows(self) -> Iterator[list[Any]]:
        self._flush()
        assert self._spool is not None
        self._spool.seek(0)
        while head := self._spool.read(8):
            yield from marshal.loads(self._spool.read(int.from_bytes(head, "little")))

    def commit(self) -> None:
        """Write the rejects file and put it in place."""
        try:
            if self.format == "xlsx":
                from valuenet.formats.xlsx import write_workbook

                rows = ([("" if v is None else v) for v in r] for r in self._rows())
                try:
                    write_workbook(self.path, [("rejects", self.header, rows)])
                except CellError as exc:
                    raise OutputError(f"cannot write the rejects file {self.path}: {exc.message} {exc.fix}") from None
            else:
                self._write_text()
        finally:
            self.discard()

    def _write_text(self) -> None:
        out = AtomicFile(self.path, newline="")
        try:
            if self.format in ("csv", "tsv"):
                w = SheetWriter(out.file, delimiter="\t" if self.format == "tsv" else ",")
                w.writerow(self.header)
                for r in self._rows():
                    w.writerow(["" if v is None else v for v in r])
            else:
                many = self.format == "json"
                out.file.write("[\n" if many else "")
                for i, r in enumerate(self._rows()):
                    obj = {k: v for k, v in zip(self.header, r, strict=True) if v not in (None, "")}
                    text = json.dumps(obj, ensure_ascii=False)
                    out.file.write((",\n" if many and i else "") + text + ("" if many else "\n"))
                out.file.write("\n]\n" if many else "")
        except OSError as exc:
            out.discard()
            raise output_error(self.path, exc) from exc
        except BaseException:
            out.discard()
            raise
        out.commit()

    def discard(self) -> None:
        """Forget the rows gathered (the import failed, or the file is written)."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None


__all__ = ["RejectsWriter", "rejects_format", "rejects_path"]

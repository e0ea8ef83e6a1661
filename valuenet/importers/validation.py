"""What the validating pass of an interview import keeps, in little memory.

:class:`ValidationState` gathers problems (the first
:data:`~valuenet.errors.MAX_PROBLEMS` kept, the rest counted), the rows rejected,
respondent values, and for each exchange row an 8-byte hash of its id (for finding
repeated exchanges with numpy at the end; only the rows whose id repeats are read
again, to compare their content).
Checked rows wait for the writing pass in a temporary file, as length-prefixed
chunks of marshalled tuples (:func:`dump_chunk`, :func:`records`): one tuple per row
checked row by row, one per chunk checked as columns (its first item ``None``). Rows are
referred to by :func:`ref`: the table's index and the row number in one int.
"""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from valuenet.errors import MAX_PROBLEMS, Problem
from valuenet.formats import columns
from valuenet.formats.source import SourceTable

_ROW_BITS = 40


class ValidationState:
    """State gathered by the validating pass."""

    def __init__(self, keep_reasons: bool) -> None:
        self.problems: list[Problem] = []
        self.count = 0
        self.keep_reasons = keep_reasons
        self.rejected: dict[int, dict[int, str]] = {}
        self.rejected_count: dict[str, int] = dict.fromkeys(columns.TABLES, 0)
        # respondent id -> values given in the tables; the row that gave them first, and the rows of
        # values first given later (kept apart: most respondents give everything on their first row)
        self.resp: dict[str, dict[str, Any]] = {}
        self.resp_at: dict[str, int] = {}
        self.resp_late: dict[str, dict[str, int]] = {}
        self.named: dict[str, None] = {}
        self.keys = array("q")
        self.refs = array("q")
        self.pending: dict[str, tuple[str, list[tuple[int, int, str]]]] = {}
        self.repeats: set[int] = set()

    def reject(self, ti: int, table: str, n: int, problems: Sequence[Problem]) -> None:
        """Reject row ``n`` of table ``ti`` for these problems (the reasons are kept for a rejects file)."""
        self.count += len(problems)
        room = MAX_PROBLEMS - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])
        rows = self.rejected.setdefault(ti, {})
        if n not in rows:
            self.rejected_count[table] += 1
            rows[n] = "; ".join(str(p) for p in problems) if self.keep_reasons else ""
        elif self.keep_reasons:
            rows[n] += "; " + "; ".join(str(p) for p in problems)

    def is_rejected(self, ti: int, n: int) -> bool:
        rows = self.rejected.get(ti)
        return rows is not None and n in rows

    def find_repeats(self, tables: Sequence[SourceTable], contents: Callable[[set[int]], dict[int, int]]) -> None:
        """Rows giving the same exchange id: identical ones count once, different ones are problems.

        ``contents(refs)`` gives a hash of the exchange each of those rows holds.
        """
        if not self.keys:
            return
        import numpy as np

        keys = np.frombuffer(self.keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        dup = np.nonzero(sk[1:] == sk[:-1])[0]
        if not len(dup):
            return
        refs = np.frombuffer(self.refs, dtype=np.int64)
        wanted = {int(refs[int(order[i])]) for i in dup.tolist()} | {int(refs[int(order[i + 1])]) for i in dup.tolist()}
        content = contents(wanted)
        first_of: dict[int, int] = {}
        for i in dup.tolist():
            a, b = int(order[i]), int(order[i + 1])
            first = first_of.setdefault(int(sk[i]), a)
            ref_first, ref_b = int(refs[first]), int(refs[b])
            ti_b, n_b = split(ref_b)
            table = tables[ti_b]
            if self.is_rejected(ti_b, n_b):
                continue
            if content[ref_first] == content[ref_b]:
                self.repeats.add(ref_b)
                continue
            ti_a, n_a = split(ref_first)
            other = tables[ti_a].where(n_a)
            self.reject(
                ti_b,
                table.table,
                n_b,
                [
                    Problem(
                        table.where(n_b),
                        f"gives the same exchange as {other} with different values.",
                        "Tell them apart by touchpoint, stage or scenario, give each an exchange_id, or remove one.",
                    )
                ],
            )


def ref(ti: int, n: int) -> int:
    """One int naming row ``n`` of the import's table number ``ti``."""
    return (ti << _ROW_BITS) | n


def split(row_ref: int) -> tuple[int, int]:
    """The table number and row number a :func:`ref` names."""
    return row_ref >> _ROW_BITS, row_ref & ((1 << _ROW_BITS) - 1)


def dump_chunk(chunk: list[tuple[Any, ...]], spill: IO[bytes]) -> None:
    """Append a chunk of records to the temporary file."""
    data = marshal.dumps(chunk)
    spill.write(len(data).to_bytes(8, "little"))
    spill.write(data)


def records(spill: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """The records the validating pass kept, in order (chunks of marshalled tuples, each after its length)."""
    while True:
        head = spill.read(8)
        if not head:
            return
        yield from marshal.loads(spill.read(int.from_bytes(head, "little")))


_PLAIN = (str, int, float, bool)  # exact types: marshal takes no subclass (such as cells.Literal)


def plain(row: dict[str, Any]) -> dict[str, Any]:
    """A row with only values the temporary file can hold (XLSX dates and times become text)."""
    return {k: v if v.__class__ in _PLAIN or v is None else str(v) for k, v in row.items()}

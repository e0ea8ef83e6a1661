"""Check one interview row against the layout and the target model.

:class:`RowChecker` reads a row (a mapping of canonical column to cell) into an
:class:`~valuenet.models.Exchange` and the respondent-level and actor-level
values it carries, collecting every problem on the row at once. The validating
pass of :mod:`valuenet.importers.interviews` runs it once per row and keeps the
checked exchanges for the writing pass, which does not check rows again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from valuenet.errors import Problem
from valuenet.formats import cells, columns
from valuenet.formats.cells import CellError, show
from valuenet.formats.source import SourceTable
from valuenet.importers.target import ImportTarget
from valuenet.models import CONTROL_IN_TEXT, DEFAULT_SCENARIO, HIDDEN_IN_ID, Exchange, exchange_id


def _exchange_id(value: Any) -> str | None:
    """An exchange id: short enough that its flows' ids (``<id>:gives``) are ids too."""
    s = cells.ident(value)
    if s is not None and len(s) > cells.MAX_ID - 6:
        raise CellError(
            f"{show(s)} is too long for an exchange id ({len(s)} characters; at most {cells.MAX_ID - 6}).",
            "Use a shorter id.",
        )
    return s


def _fast_text(value: Any) -> str | None:
    """:func:`cells.text` for the common case of a short plain string."""
    if (
        value.__class__ is str
        and len(value) <= cells.MAX_CELL
        and value
        and not value.isspace()
        and (value.isprintable() or not CONTROL_IN_TEXT.search(value))
    ):
        return value
    return None if value is None else cells.text(value)


def _fast_label(value: Any) -> str | None:
    """:func:`cells.label` for the common case of a short plain string."""
    if value.__class__ is str and len(value) <= cells.MAX_CELL:
        s: str = value.strip()
        if s and (s.isprintable() or not CONTROL_IN_TEXT.search(s)):
            return s
    return None if value is None else cells.label(value)


def _fast_ident(value: Any) -> str | None:
    """:func:`cells.ident` for the common case of a short plain string."""
    if value.__class__ is str and len(value) <= cells.MAX_CELL:
        s: str = value.strip()
        if s and len(s) <= cells.MAX_ID and (s.isprintable() or not HIDDEN_IN_ID.search(s)):
            return s
    return cells.ident(value)


#: Columns of which a row must have one to describe an exchange.
_EXCHANGE_KEYS = frozenset(("actor", "dimension", "gets", "gives", "gets_money", "gives_money"))
#: Cells the fast path remembers the meaning of (goal, scenario, actor, dimension), per checker.
_MEMO_SIZE = 4096


def _fast_float(value: Any) -> float:
    """A plain number cell as a float (raises ValueError or TypeError for anything else).

    Long digit strings (which may lie beyond 64 bits), ``_`` digit groups and
    digits outside ASCII, which :func:`float` would take, are left to
    :func:`cells.number`, which decides on them.
    """
    if isinstance(value, bool):
        raise TypeError("a yes/no is not a number")
    if value.__class__ is str and (len(value) > 18 or "_" in value or not value.isascii()):
        raise ValueError("for the full check")
    out = float(value)
    if out != out or out in (float("inf"), float("-inf")):
        raise ValueError("not finite")
    return out


@dataclass
class Checked:
    """What a row holds: an exchange (or none for a respondent-only row), respondent and actor values."""

    exchange: Exchange | None
    respondent: str | None
    respondent_values: dict[str, Any]
    problems: list[Problem]
    pending_actor: str | None = None


#: Words a yes/no cell holds; in a number column they get a message of their own.
_YES_NO_WORDS = frozenset(("true", "false", "yes", "no"))


def _number_not_yes_no(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``parse`` for a number column, refusing a yes/no cell (an XLSX or JSON boolean, "true") by what it is."""

    def checked(value: Any) -> Any:
        if isinstance(value, bool):
            shown = "TRUE" if value else "FALSE"
        elif value.__class__ is str and value.strip().casefold() in _YES_NO_WORDS:
            shown = show(value.strip())
        else:
            return parse(value)
        raise CellError(f"{shown} is a yes/no value, not a number.", "Type a number such as 4 or 2.5.")

    return checked


def _in_range(lo: float, hi: float | None, what: str) -> Callable[[Any], float | None]:
    def parse(value: Any) -> float | None:
        out = cells.number(value)
        if out is not None and (out < lo or (hi is not None and out > hi)):
            rng = f"{lo:g} to {hi:g}" if hi is not None else f"{lo:g} or more"
            raise CellError(f"{show(value)} is out of range; {what} must be {rng}.", "Fix the value.")
        return out

    return parse


def _nps(value: Any) -> int | None:
    out = cells.integer(value)
    if out is not None and not 0 <= out <= 10:
        raise CellError(f"{show(value)} is out of range; NPS is 0 to 10.", "Fix the value.")
    return out


def _list(value: Any) -> tuple[str, ...] | None:
    return tuple(cells.items(value)) or None


_RESPONDENT_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "respondent_name": ("name", cells.text),
    "persona": ("persona", cells.boolean),
    "segment": ("segment", cells.label),
    "nps": ("nps", _number_not_yes_no(_nps)),
    "churned": ("churned", cells.boolean),
    "situation": ("situation", cells.text),
    "worldview": ("worldview", cells.text),
    "comparisons": ("comparisons", _list),
    "interview": ("interview", cells.label),
}


class RowChecker:
    """Checks the rows of one table against a target model."""

    def __init__(self, table: SourceTable, target: ImportTarget, headers: dict[str, str]) -> None:
        self.table = table
        self.target = target
        self.headers = headers
        self.problems: list[Problem] = []  # problems with the table itself (its header)
        self.rcols: list[tuple[str, str, Callable[[Any], Any]]] = []
        self._seen: set[str] = set(table.columns) | {"__error__", "__extra__"}
        for col in table.columns:
            spec = self._respondent_column(col)
            if spec is not None:
                self.rcols.append((col, *spec))
        self.rkeys = tuple(c for c, _, _ in self.rcols)
        self._last_raw: tuple[Any, ...] | None = None
        # raw cells -> what they resolved to on the fast path; names only ever gain a meaning during
        # an import (actors, goals and scenarios are added, never removed), so a remembered one stays right
        self._places: dict[tuple[Any, Any], tuple[str, str]] = {}
        self._actors: dict[Any, str] = {}
        self._dims: dict[Any, str] = {}
        required = {"flows": ("actor", "dimension"), "respondents": ("respondent",), "actors": ("actor",)}
        missing = [c for c in required[table.table] if c not in table.columns]
        if table.table == "flows" and not {"gets", "gives", "gets_money", "gives_money"} & set(table.columns):
            missing.append("gets or gives")
        if missing:
            self.problems.append(
                Problem(
                    table.where(),
                    f"has no {' or '.join(repr(m) for m in missing)} column "
                    f"(it has: {', '.join(headers.get(c, c) for c in table.columns) or 'none'}).",
                    "Add the column, or rename a header to the layout's name "
                    "(see 'valuenet template' and docs/interview-layout.md).",
                )
            )

    def _respondent_column(self, col: str) -> tuple[str, Callable[[Any], Any]] | None:
        if col in _RESPONDENT_FIELDS:
            return _RESPONDENT_FIELDS[col]
        if col == "customer":
            return "actor", self._customer
        if col.startswith(columns.ATTRIBUTE_PREFIX):
            return "attributes." + col[len(columns.ATTRIBUTE_PREFIX) :], cells.scalar
        dim = columns.split_dimension_column(col)
        if dim is None:
            return None
        what, name = dim
        real = self.target.dims.get(cells.fold(name))
        if real is None:
            self.problems.append(
                Problem(
                    self.table.where(column=self.headers.get(col, col)),
                    f'"{name}" is not a dimension ({", ".join(self.target.dims.values())}).',
                    "Rename the column, or declare the dimension in the model file.",
                )
            )
            return None
        if what == "weight":
            return f"weights.{real}", _in_range(0, None, "weights")
        return f"thresholds.{real}", _in_range(0, self.target.hi, "thresholds")

    def _customer(self, value: Any) -> str | None:
        s = cells.ident(value)
        if s is None:
            return None
        found = self.target.actor_id(s)
        if found is None:
            raise self.target.unknown_actor(s)
        return found

    def _problem(self, n: int, col: str, value: Any, exc: CellError) -> Problem:
        where = self.table.where(n, self.headers.get(col, col))
        return Problem(where, exc.message, exc.fix)

    def respondent_values(self, n: int, row: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
        """The respondent-level values on a row (empty cells left out)."""
        out: dict[str, Any] = {}
        for col, key, parse in self.rcols:
            value = row.get(col)
            if value is None:
                continue
            try:
                parsed = parse(value)
            except CellError as exc:
                problems.append(self._problem(n, col, value, exc))
                continue
            if parsed is not None:
                out[key] = parsed
        return out

    def check(self, n: int, row: dict[str, Any]) -> Checked:
        """Check one row; a row naming a new actor with its kind adds that actor to the target.

        Respondent-level cells that repeat those of the previous row are not parsed
        again: ``Checked.respondent_values`` is then empty.
        """
        problems: list[Problem] = []
        if not self.table.fixed and not self._seen.issuperset(row):
            self._learn(row, problems)
        if "__error__" in row:
            problems.append(Problem(self.table.where(n), str(row["__error__"]), "Fix the line."))
            return Checked(None, None, {}, problems)
        if "__extra__" in row:
            problems.append(
                Problem(
                    self.table.where(n),
                    f"has {row['__extra__']} more cell(s) than the header; a text cell probably holds the separator.",
                    "Put that cell in double quotes.",
                )
            )
        rid = self._cell(n, row, "respondent", _fast_ident, problems)
        rvalues: dict[str, Any] = {}
        if self.rcols:
            # with each cell's type: "0034" is not '0034 (text kept as text), nor 1 the same as true
            raw = (rid, *((v.__class__, v) for v in map(row.get, self.rkeys)))
            if raw != self._last_raw:
                rvalues = self.respondent_values(n, row, problems)
            self._last_raw = raw
        if self.table.table == "actors":
            self._actor(n, row, problems)
            return Checked(None, None, {}, problems)
        if self.table.table == "respondents" or _EXCHANGE_KEYS.isdisjoint(row):
            if rid is None and not problems:
                problems.append(
                    Problem(
                        self.table.where(n, self.headers.get("respondent", "respondent")),
                        "is empty.",
                        "Give the respondent's id.",
                    )
                )
            return Checked(None, rid, rvalues, problems)
        if rid is None and rvalues:
            problems.append(
                Problem(
                    self.table.where(n),
                    "has respondent details but no respondent.",
                    "Give the respondent's id in the respondent column.",
                )
            )
        if not problems:
            fast = self._fast_exchange(row, rid)
            if fast is not None:
                return Checked(fast, rid, rvalues, problems)
        t = self.target
        goal = self._cell(n, row, "goal", lambda v: t.goal_id(cells.ident(v)), problems, always=True)
        scenario = None
        if goal is not None:
            scenario = self._cell(n, row, "scenario", lambda v: t.scenario(goal, cells.ident(v)), problems, always=True)
        actor, pending = self._actor(n, row, problems)
        dimension = self._cell(n, row, "dimension", lambda v: t.dimension(str(cells.label(v) or v)), problems)
        if "dimension" not in row:
            problems.append(
                Problem(
                    self.table.where(n, self.headers.get("dimension", "dimension")),
                    "is empty.",
                    "Give the dimension: functional, economic, experiential or symbolic.",
                )
            )
        scale = _number_not_yes_no(_in_range(t.lo, t.hi, "magnitudes on the model scale"))
        money = _number_not_yes_no(cells.number)
        gets = self._cell(n, row, "gets", scale, problems)
        gives = self._cell(n, row, "gives", scale, problems)
        gets_money = self._cell(n, row, "gets_money", money, problems)
        gives_money = self._cell(n, row, "gives_money", money, problems)
        occurrences = self._cell(n, row, "occurrences", _number_not_yes_no(_in_range(0, None, "occurrences")), problems)
        if not ({"gets", "gives", "gets_money", "gives_money"} & row.keys()):
            problems.append(
                Problem(
                    self.table.where(n),
                    "has neither gets nor gives.",
                    "Give what the customer gets, what they give up, or both.",
                )
            )
        tangible = self._cell(n, row, "tangible", cells.boolean, problems)
        touchpoint = self._cell(n, row, "touchpoint", cells.label, problems)
        stage = self._cell(n, row, "stage", cells.label, problems)
        quote = self._cell(n, row, "quote", cells.text, problems)
        note = self._cell(n, row, "note", cells.text, problems)
        responsible = self._cell(n, row, "responsible", self._customer, problems)
        xid = self._cell(n, row, "exchange_id", _exchange_id, problems)
        if problems or goal is None or scenario is None or actor is None or dimension is None:
            return Checked(None, rid, rvalues, problems, pending)
        if xid is None:
            xid = exchange_id(rid, goal, scenario, actor, dimension, touchpoint, stage)
        ex = Exchange(
            xid,
            goal,
            scenario,
            actor,
            dimension,
            gets,
            gives,
            gets_money,
            gives_money,
            1.0 if occurrences is None else occurrences,
            tangible,
            touchpoint,
            stage,
            quote,
            rid,
            responsible,
            note,
        )
        return Checked(ex, rid, rvalues, problems, pending)

    def _fast_exchange(self, row: dict[str, Any], rid: str | None) -> Exchange | None:
        """The exchange of a row with nothing unusual, read quickly; ``None`` sends the row the careful way.

        It gives the same result as the careful path for every row it accepts; any
        cell that needs a message, a new actor or a decimal comma makes it give up.
        """
        t = self.target
        get = row.get
        try:
            g, sc = get("goal"), get("scenario")
            place = self._places.get((g, sc))
            if place is None:
                goal = t.goal_id(None if g is None else cells.ident(g))
                scenario = DEFAULT_SCENARIO if sc is None else t.scenario(goal, cells.ident(sc))
                # text cells only (True and 1 are equal keys); an empty goal means "the only goal so far"
                if g.__class__ is str and sc.__class__ in (str, type(None)) and len(self._places) < _MEMO_SIZE:
                    self._places[(g, sc)] = goal, scenario
            else:
                goal, scenario = place
            a, d = get("actor"), get("dimension")
            if a is None or d is None or "actor_kind" in row:
                return None
            actor = self._actors.get(a) or self._resolve(self._actors, a, t.actor_id)
            dimension = self._dims.get(d) or self._resolve(self._dims, d, lambda c: t.dims.get(cells.fold(c)))
            if actor is None or dimension is None:
                return None
            lo, hi = t.lo, t.hi
            gets = get("gets")
            if gets is not None:
                gets = _fast_float(gets)
                if not lo <= gets <= hi:
                    return None
            gives = get("gives")
            if gives is not None:
                gives = _fast_float(gives)
                if not lo <= gives <= hi:
                    return None
            gets_money, gives_money, occ = get("gets_money"), get("gives_money"), get("occurrences")
            if gets_money is not None:
                gets_money = cells.number(gets_money)
            if gives_money is not None:
                gives_money = cells.number(gives_money)
            if gets is None and gives is None and gets_money is None and gives_money is None:
                return None
            occurrences = 1.0 if occ is None else _fast_float(occ)
            if not occurrences >= 0:
                return None
            touchpoint, stage = _fast_label(get("touchpoint")), _fast_label(get("stage"))
            quote, note = _fast_text(get("quote")), _fast_text(get("note"))
            tangible = get("tangible")
            if tangible is not None:
                tangible = cells.boolean(tangible)
            responsible = get("responsible")
            if responsible is not None:
                responsible = self._actors.get(responsible) or self._resolve(self._actors, responsible, t.actor_id)
                if responsible is None:
                    return None
            given = get("exchange_id")
            xid: str | None
            if given is None:
                xid = exchange_id(rid, goal, scenario, actor, dimension, touchpoint, stage)
            else:
                xid = _exchange_id(given)
            if xid is None:
                return None
        except (CellError, ValueError, TypeError):
            return None
        return Exchange(
            xid,
            goal,
            scenario,
            actor,
            dimension,
            gets,
            gives,
            gets_money,
            gives_money,
            occurrences,
            tangible,
            touchpoint,
            stage,
            quote,
            rid,
            responsible,
            note,
        )

    @staticmethod
    def _resolve(memo: dict[Any, str], cell: Any, find: Callable[[str], str | None]) -> str | None:
        """What a cell names (``find`` of its text), remembered when found."""
        found = find(str(cell))
        if found is not None and cell.__class__ is str and len(memo) < _MEMO_SIZE:  # True and 1 are equal keys
            memo[cell] = found
        return found

    def _learn(self, row: dict[str, Any], problems: list[Problem]) -> None:
        """Columns first met on this row (JSON rows need not all have the same keys)."""
        for col in row:
            if col in self._seen:
                continue
            self._seen.add(col)
            self.table.columns.append(col)
            before = len(self.problems)
            spec = self._respondent_column(col)
            problems.extend(self.problems[before:])
            del self.problems[before:]
            if spec is not None:
                self.rcols.append((col, *spec))
        self.rkeys = tuple(c for c, _, _ in self.rcols)
        self._last_raw = None

    def seen(self, columns: Iterable[str]) -> bool:
        """Whether every one of ``columns`` was met before (JSON rows may bring new keys)."""
        return self._seen.issuperset(columns)

    def forget(self) -> None:
        """Parse the next row's respondent cells even when they repeat this row's (this row was rejected)."""
        self._last_raw = None

    def _cell(
        self,
        n: int,
        row: dict[str, Any],
        col: str,
        parse: Callable[[Any], Any],
        problems: list[Problem],
        *,
        always: bool = False,
    ) -> Any:
        value = row.get(col)
        if value is None and not always:
            return None
        try:
            return parse(value)
        except CellError as exc:
            problems.append(self._problem(n, col, value, exc))
            return None

    def _actor(self, n: int, row: dict[str, Any], problems: list[Problem]) -> tuple[str | None, str | None]:
        """The actor id a row names, creating it when the row gives a kind; and a name still to be defined."""
        col = "actor"
        try:
            cell = cells.ident(row.get(col))
        except CellError as exc:
            problems.append(self._problem(n, col, row.get(col), exc))
            return None, None
        if cell is None:
            problems.append(
                Problem(
                    self.table.where(n, self.headers.get(col, col)),
                    "is empty.",
                    "Name the actor the customer exchanges value with.",
                )
            )
            return None, None
        t = self.target
        found = t.actor_id(cell)
        kind_cell = row.get("actor_kind")
        if found is not None:
            if kind_cell is not None and cells.fold(str(kind_cell)) != cells.fold(t.actors[found].kind):
                problems.append(
                    self._problem(
                        n,
                        "actor_kind",
                        kind_cell,
                        CellError(
                            f"{show(kind_cell)} differs from the kind of actor {found} ({t.actors[found].kind}).",
                            "Fix the kind, or leave the cell empty for actors the model already has.",
                        ),
                    )
                )
            return found, None
        if kind_cell is None:
            if self.table.table == "actors":
                problems.append(
                    Problem(
                        self.table.where(n, self.headers.get("actor_kind", "actor_kind")),
                        "is empty.",
                        "Give the new actor's kind.",
                    )
                )
                return None, None
            return cells.slug(cell), cell  # may be defined by a later row; checked at the end of the pass
        try:
            kind = t.kind(str(kind_cell))
            name = cells.text(row.get("actor_name"))
            aliases = cells.items(row.get("actor_aliases"))
            description = cells.text(row.get("actor_description"))
            perspective = cells.label(row.get("actor_perspective"))
        except CellError as exc:
            problems.append(self._problem(n, "actor_kind", kind_cell, exc))
            return None, None
        return t.add_actor(
            cell,
            kind,
            name=name,
            where=self.table.where(n, self.headers.get(col, col)),
            aliases=aliases,
            description=description,
            perspective=perspective,
            actor_id=cells.slug(cell),
        ), None

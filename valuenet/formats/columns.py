"""The columns of the long interview layout: their names, aliases and levels, and how headers are matched.

One row is one coded exchange: a respondent, in a goal, gets and gives up value in
one dimension from one actor. Respondent-level columns (segment, weights,
thresholds, NPS...) either repeat on each row or live in a respondents table;
actor columns either sit on the exchange rows or in an actors table. The layout is
documented for users in ``docs/interview-layout.md``; this module is its one
definition, used by the importer, the exporter and ``valuenet template``.

Headers match case-, space- and punctuation-insensitively, and through aliases:

>>> normalise_header("  Weight Functional ")
'weight_functional'
>>> canonical_column("Customer gets", "flows")
'gets'
>>> canonical_column("id", "respondents"), canonical_column("id", "actors")
('respondent', 'actor')
>>> split_dimension_column("experiential_threshold")
('threshold', 'experiential')
>>> suggest_column("Respondnet"), suggest_column("colour") is None
('respondent', True)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

#: The tables a workbook (or a set of files) may hold.
TABLES: tuple[str, ...] = ("actors", "respondents", "flows")

#: Sheet names accepted for each table (after :func:`normalise_header`).
SHEET_NAMES: dict[str, tuple[str, ...]] = {
    "actors": ("actors", "actor"),
    "respondents": ("respondents", "respondent", "interviewees", "participants"),
    "flows": ("flows", "exchanges", "exchange", "interviews", "rows", "data"),
}
#: Sheets a workbook may hold besides its tables; they are skipped.
IGNORED_SHEETS: tuple[str, ...] = ("readme", "notes", "about", "help", "columns", "lists")


@dataclass(frozen=True)
class Column:
    """One column of the layout: its canonical name, aliases, level and meaning."""

    name: str
    level: str  # "exchange", "respondent" or "actor"
    kind: str  # "text", "id", "number", "integer", "bool", "list"
    help: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    # -- exchange level -----------------------------------------------------------------------
    Column(
        "exchange_id",
        "exchange",
        "id",
        "Stable id of the exchange; derived from the content when left empty.",
        ("exchange", "flow_id"),
    ),
    Column(
        "respondent",
        "exchange",
        "id",
        "Id of the interviewed respondent (blank: a flow nobody reported).",
        ("respondent_id", "interviewee", "participant", "participant_id"),
    ),
    Column("goal", "exchange", "id", "Goal id or title (optional when the model has one goal).", ("goal_id",)),
    Column("scenario", "exchange", "id", "Scenario id (default: current).", ("scenario_id", "state")),
    Column(
        "actor",
        "exchange",
        "id",
        "The actor the customer exchanges value with: id, name or alias.",
        ("actor_id", "counterpart", "with"),
    ),
    Column(
        "dimension",
        "exchange",
        "id",
        "functional, economic, experiential, symbolic (or a custom one).",
        ("dim", "value_dimension"),
    ),
    Column(
        "gets",
        "exchange",
        "number",
        "What the customer gets, on the model scale.",
        ("get", "customer_gets", "value_received", "received"),
    ),
    Column(
        "gives",
        "exchange",
        "number",
        "What the customer gives up, on the model scale.",
        ("give", "gives_up", "customer_gives", "customer_gives_up", "sacrifice"),
    ),
    Column(
        "gets_money", "exchange", "number", "Money value of what the customer gets, per occurrence.", ("money_gets",)
    ),
    Column(
        "gives_money",
        "exchange",
        "number",
        "Money the customer gives up (pays), per occurrence.",
        ("money_gives", "money", "price", "paid"),
    ),
    Column(
        "occurrences",
        "exchange",
        "number",
        "How often the exchange happens per period (default 1).",
        ("frequency", "times"),
    ),
    Column(
        "touchpoint",
        "exchange",
        "text",
        "Where the exchange happens (website, call centre...).",
        ("touch_point", "channel"),
    ),
    Column("stage", "exchange", "text", "Journey stage.", ("journey_stage", "phase")),
    Column("quote", "exchange", "text", "Evidence: what the respondent said.", ("evidence", "verbatim")),
    Column(
        "responsible",
        "exchange",
        "id",
        "Actor whose conduct causes the exchange, when not the actor.",
        ("responsible_actor", "caused_by"),
    ),
    Column("tangible", "exchange", "bool", "yes when something tangible changes hands.", ()),
    Column("note", "exchange", "text", "Coder's note.", ("notes", "comment")),
    # -- respondent level ---------------------------------------------------------------------
    Column("respondent_name", "respondent", "text", "Respondent's name or label.", ()),
    Column("persona", "respondent", "bool", "yes when the row stands for a persona, not a person.", ()),
    Column(
        "customer",
        "respondent",
        "id",
        "Customer actor the respondent plays (default: the goal's customer).",
        ("customer_actor",),
    ),
    Column("segment", "respondent", "text", "Segment the respondent belongs to.", ("customer_segment",)),
    Column(
        "nps", "respondent", "integer", "Likelihood to recommend, 0 to 10.", ("likelihood_to_recommend", "recommend")
    ),
    Column("churned", "respondent", "bool", "yes when the respondent has left.", ("churn",)),
    Column("situation", "respondent", "text", "The respondent's situation.", ()),
    Column("worldview", "respondent", "text", "The respondent's worldview.", ()),
    Column("comparisons", "respondent", "list", "Alternatives they compare with, separated by ';'.", ("alternatives",)),
    Column("interview", "respondent", "text", "Reference to the source interview.", ("interview_id", "source")),
    # -- actor level ----------------------------------------------------------------------------
    Column("actor_name", "actor", "text", "Display name of a new actor (default: the actor cell).", ()),
    Column(
        "actor_kind",
        "actor",
        "id",
        "Kind of a new actor: customer, focal_firm, provider, partner, competitor, "
        "peer, community, institution, employee (or a declared one).",
        ("kind",),
    ),
    Column("actor_aliases", "actor", "list", "Other spellings of the actor's name, separated by ';'.", ()),
    Column("actor_description", "actor", "text", "Description of a new actor.", ()),
    Column("actor_perspective", "actor", "text", "internal, external or community.", ()),
)

#: Columns per dimension, written ``weight_<dimension>`` and ``threshold_<dimension>``.
DIMENSION_COLUMNS: dict[str, str] = {
    "weight": "How much the dimension matters to the respondent (0 or more).",
    "threshold": "The most the respondent will give up in the dimension, on the scale.",
}
#: Respondent attributes are written ``attr_<name>``.
ATTRIBUTE_PREFIX = "attr_"
#: Columns a rejects file adds; the importer skips them so a fixed rejects file imports as it is.
REJECT_COLUMNS: tuple[str, ...] = ("source_file", "source_sheet", "source_row", "error")

BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
EXCHANGE_COLUMNS = tuple(c.name for c in COLUMNS if c.level == "exchange")
RESPONDENT_COLUMNS = tuple(c.name for c in COLUMNS if c.level == "respondent")
ACTOR_COLUMNS = tuple(c.name for c in COLUMNS if c.level == "actor")

# Aliases that mean something else depending on the table.
_TABLE_ALIASES: dict[str, dict[str, str]] = {
    "flows": {"id": "exchange_id"},
    "respondents": {"id": "respondent", "name": "respondent_name"},
    "actors": {
        "id": "actor",
        "name": "actor_name",
        "aliases": "actor_aliases",
        "description": "actor_description",
        "perspective": "actor_perspective",
    },
}
_ALIASES: dict[str, str] = {}
for _c in COLUMNS:
    _ALIASES[_c.name] = _c.name
    for _a in _c.aliases:
        _ALIASES[_a] = _c.name
_NON_WORD = re.compile(r"[^\w]+")
_DIM_PATTERNS = (
    re.compile(r"^(weight|threshold)_(.+)$"),
    re.compile(r"^(.+)_(weight|threshold)$"),
    re.compile(r"^(w|t)_(.+)$"),
)


def normalise_header(text: object) -> str:
    """A header cell folded to lower case, with runs of spaces and punctuation made one ``_``."""
    return _NON_WORD.sub("_", str(text if text is not None else "").replace("\ufeff", "").casefold()).strip("_")


def split_dimension_column(name: str) -> tuple[str, str] | None:
    """``("weight" | "threshold", dimension)`` for a normalised per-dimension header, else ``None``."""
    for i, pattern in enumerate(_DIM_PATTERNS):
        m = pattern.match(name)
        if not m:
            continue
        if i == 1:
            return m.group(2), m.group(1)
        what = {"w": "weight", "t": "threshold"}.get(m.group(1), m.group(1))
        return what, m.group(2)
    return None


def canonical_column(header: object, table: str = "flows") -> str | None:
    """The canonical name of a header cell in ``table``; ``None`` when the layout does not know it.

    Per-dimension columns come back as ``weight_<dim>`` / ``threshold_<dim>`` and
    attributes as ``attr_<name>``; whether the dimension exists is checked later.
    """
    name = normalise_header(header)
    if not name:
        return None
    if name in _TABLE_ALIASES.get(table, {}):
        return _TABLE_ALIASES[table][name]
    if name in _ALIASES:
        return _ALIASES[name]
    if name in REJECT_COLUMNS:
        return name
    for prefix in (ATTRIBUTE_PREFIX, "attribute_"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return ATTRIBUTE_PREFIX + name[len(prefix) :]
    dim = split_dimension_column(name)
    if dim is not None:
        return f"{dim[0]}_{dim[1]}"
    return None


def known_names(table: str = "flows") -> list[str]:
    """Every header the layout accepts in ``table`` (for suggestions on a misspelt header)."""
    return sorted(set(_ALIASES) | set(_TABLE_ALIASES.get(table, {})))


def suggest_column(header: str, table: str = "flows") -> str | None:
    """The layout column a header the layout does not know was probably meant to be, if one is close."""
    name = normalise_header(header)
    if len(name) < 4:
        return None
    close = difflib.get_close_matches(name, known_names(table), n=1, cutoff=0.8)
    if not close:
        return None
    return _TABLE_ALIASES.get(table, {}).get(close[0]) or _ALIASES.get(close[0], close[0])


def table_of_sheet(sheet: str) -> str | None:
    """The table a workbook sheet holds, by its name; ``None`` for a sheet to skip or an unknown one."""
    name = normalise_header(sheet)
    for table, names in SHEET_NAMES.items():
        if name in names:
            return table
    return None


def guess_table(headers: list[str]) -> str:
    """Which table a file holds, from its header cells: flows unless it lacks every exchange column.

    >>> guess_table(["Respondent", "Actor", "Dimension", "Gets"]), guess_table(["id", "segment", "NPS"])
    ('flows', 'respondents')
    >>> guess_table(["id", "name", "kind"])
    'actors'
    """
    cols = {canonical_column(h) for h in headers}
    if cols & {"dimension", "gets", "gives", "gets_money", "gives_money"}:
        return "flows"
    if "actor" in cols and "respondent" not in cols:
        return "actors"
    if "respondent" in cols:
        return "respondents"
    if "id" in {normalise_header(h) for h in headers}:
        if "actor_kind" in cols:
            return "actors"
        levels = {BY_NAME[c].level for c in cols if c in BY_NAME}
        if "respondent" in levels or any(c and c.startswith(("weight_", "threshold_", ATTRIBUTE_PREFIX)) for c in cols):
            return "respondents"
    return "flows"


def template_columns(dimensions: tuple[str, ...]) -> list[str]:
    """The columns a blank template carries, in layout order, for the given dimensions."""
    cols = [c.name for c in COLUMNS if c.level in ("exchange", "respondent")]
    cols += [f"weight_{d}" for d in dimensions] + [f"threshold_{d}" for d in dimensions]
    cols += ["actor_kind"]
    return cols


def column_help(name: str) -> str:
    """What a canonical column holds, for templates and docs."""
    if name in BY_NAME:
        return BY_NAME[name].help
    if name.startswith(ATTRIBUTE_PREFIX):
        return f"Respondent attribute '{name[len(ATTRIBUTE_PREFIX) :]}'."
    dim = split_dimension_column(name)
    if dim is not None:
        return DIMENSION_COLUMNS[dim[0]].replace("the dimension", dim[1])
    return ""

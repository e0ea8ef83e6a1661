"""Read and write whole-model files (YAML or JSON).

The format is documented in ``docs/model-format.md``. In short, a file is a
mapping with ``valuenet: 1`` and the keys of :class:`valuenet.models.Model`, plus
an optional ``exchanges`` list: the interview shorthand "from ACTOR the customer
gets N and gives up M in DIMENSION", which becomes a pair of flows.

>>> m = parse_model({"id": "m", "actors": [{"id": "c", "name": "C", "kind": "customer"},
...     {"id": "f", "name": "F", "kind": "focal_firm"}], "goals": [{"id": "g", "title": "G"}],
...     "exchanges": [{"goal": "g", "actor": "f", "dimension": "economic", "gets": 1, "gives": 3}]})
>>> [(f.source, f.target, f.magnitude) for f in m.flows]
[('f', 'c', 1.0), ('c', 'f', 3.0)]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from valuenet.errors import ModelError, ModelFileError, Problem
from valuenet.files import atomic_write
from valuenet.formats import strict
from valuenet.models import (
    CUSTOMER_KIND,
    DEFAULT_SCENARIO,
    NOT_A_NUMBER,
    Model,
    check_model,
    exchange_customer,
    exchange_flows,
    exchange_id,
    stable_id,
)

FORMAT_VERSION = 1
#: Extensions of model files (a ``.json`` file is a model file when its top level is a mapping).
MODEL_SUFFIXES = (".yaml", ".yml", ".json")


def is_model_file(path: str | Path, fmt: str | None = None) -> bool:
    """True for a YAML model file, or a JSON file whose top level is a mapping (not a list of rows)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return True
    if suffix != ".json" or fmt not in (None, "json"):
        return False
    try:
        with p.open("rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return True  # read_model_file reports the missing file
    return head[:1] != b"["


_EXCHANGE_KEYS = {
    "id",
    "goal",
    "scenario",
    "respondent",
    "customer",
    "actor",
    "dimension",
    "gets",
    "gives",
    "touchpoint",
    "stage",
    "quote",
    "responsible",
}


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _cut(text: str, limit: int = 80) -> str:
    """A value shown in a message, cut when long so that one problem stays one line."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def validation_problems(exc: ValidationError, source: str, prefix: str = "") -> list[Problem]:
    """Turn a pydantic error into problems naming the file and the item."""
    where = f"{source} " if source else ""
    problems = []
    for err in exc.errors(include_url=False):
        loc = _loc(tuple(err["loc"]))
        if prefix:
            loc = f"{prefix}.{loc}" if loc else prefix
        value = err.get("input")
        shown = "" if isinstance(value, (dict, list)) else f" (got {_cut(repr(value))})"
        fix = "Remove the key or fix its spelling." if err["type"] == "extra_forbidden" else "Fix the value."
        problems.append(Problem(f"{where}{loc}".strip(), f"{err['msg']}{shown}.", fix))
    return problems


#: Top-level keys of a model file that hold lists (checked first, so that later steps can iterate them).
_LIST_KEYS = ("dimensions", "actor_kinds", "actors", "goals", "respondents", "flows", "exchanges")


def _kind_of(value: Any) -> str:
    """What a value is, in words, for a message."""
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a text"
    return "a mapping" if isinstance(value, dict) else "a value"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _expand_exchanges(data: dict[str, Any], source: str, problems: list[Problem]) -> list[dict[str, Any]]:
    flows: list[dict[str, Any]] = []

    def ids(key: str, where: str) -> dict[Any, Any]:
        items = data.get(key) or []
        return {x.get("id"): x.get(where) for x in items if isinstance(x, dict)} if isinstance(items, list) else {}

    actors = data.get("actors") or []
    customers = [str(a["id"]) for a in actors if isinstance(a, dict) and a.get("kind") == CUSTOMER_KIND and a.get("id")]
    goal_customers, respondent_actors = ids("goals", "customer"), ids("respondents", "actor")
    for i, ex in enumerate(data.get("exchanges") or []):
        loc = f"{source} exchanges[{i}]".strip()
        if not isinstance(ex, dict):
            problems.append(Problem(loc, "is not a mapping.", "Write it as key: value pairs."))
            continue
        unknown = set(ex) - _EXCHANGE_KEYS
        if unknown:
            problems.append(
                Problem(
                    loc,
                    f"unknown key(s) {', '.join(sorted(unknown))}.",
                    f"Use only {', '.join(sorted(_EXCHANGE_KEYS))}.",
                )
            )
            continue
        flags = [k for k in ("gets", "gives") if isinstance(ex.get(k), bool)]
        if flags:
            problems.extend(Problem(f"{loc}.{k}", f"{NOT_A_NUMBER} (got {ex[k]!r}).", "Fix the value.") for k in flags)
            continue
        customer = exchange_customer(
            given=ex.get("customer"),
            respondent_actor=respondent_actors.get(ex.get("respondent")),
            goal_customer=goal_customers.get(ex.get("goal")),
            customer_actors=customers,
        )
        if customer is None:
            problems.append(
                Problem(
                    loc,
                    "does not say which customer actor it belongs to.",
                    "Add customer: ACTOR_ID, or set customer on the goal.",
                )
            )
            continue
        scenario = ex.get("scenario") or DEFAULT_SCENARIO
        ex_id = ex.get("id") or exchange_id(
            _text(ex.get("respondent")),
            _text(ex.get("goal")) or "",
            str(scenario),
            _text(ex.get("actor")) or "",
            _text(ex.get("dimension")) or "",
            _text(ex.get("touchpoint")),
            _text(ex.get("stage")),
        )
        try:
            pair = exchange_flows(
                str(ex_id),
                goal=ex.get("goal", ""),
                customer=customer,
                actor=ex.get("actor", ""),
                dimension=ex.get("dimension", ""),
                gets=ex.get("gets"),
                gives=ex.get("gives"),
                scenario=scenario,
                respondent=ex.get("respondent"),
                touchpoint=ex.get("touchpoint"),
                stage=ex.get("stage"),
                quote=ex.get("quote"),
                responsible=ex.get("responsible"),
            )
        except ValidationError as exc:
            problems.extend(validation_problems(exc, source, f"exchanges[{i}]"))
            continue
        if not pair:
            problems.append(
                Problem(loc, "has neither gets nor gives.", "Give what the customer gets, gives up, or both.")
            )
        flows.extend(f.model_dump(exclude_defaults=True) for f in pair)
    return flows


def parse_model(data: Any, source: str = "") -> Model:
    """Build and check a :class:`Model` from parsed file content; raise :class:`ModelFileError` listing all problems."""
    where = source or "model"
    if not isinstance(data, dict):
        raise ModelFileError(
            [
                Problem(
                    where,
                    "does not hold a model (expected a mapping at the top).",
                    "Start the file with 'valuenet: 1' and the model's keys.",
                )
            ]
        )
    data = dict(data)
    version = data.pop("valuenet", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ModelFileError(
            [
                Problem(
                    f"{where} valuenet",
                    f"format version {version!r} is not supported.",
                    f"This valuenet reads version {FORMAT_VERSION}.",
                )
            ]
        )
    not_lists = [
        Problem(
            f"{where} {key}",
            f"is {_kind_of(data[key])}, not a list.",
            f"Write {key} as a list of items, one '- ' line (YAML) or one [...] entry (JSON) each.",
        )
        for key in _LIST_KEYS
        if data.get(key) is not None and not isinstance(data[key], list)
    ]
    if not_lists:
        raise ModelFileError(not_lists)
    problems: list[Problem] = []
    extra_flows = _expand_exchanges(data, source, problems)
    data.pop("exchanges", None)
    for i, f in enumerate(data.get("flows") or []):
        if isinstance(f, dict) and not f.get("id"):
            f = dict(f)
            f["id"] = stable_id(
                f.get("goal"),
                f.get("scenario", DEFAULT_SCENARIO),
                f.get("respondent"),
                f.get("source"),
                f.get("target"),
                f.get("dimension"),
                f.get("touchpoint"),
                f.get("stage"),
                prefix="f-",
            )
            data["flows"][i] = f
    if extra_flows:
        data["flows"] = list(data.get("flows") or []) + extra_flows
    try:
        model = Model.model_validate(data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, source))
        raise ModelFileError(problems) from None
    problems.extend(check_model(model, source))
    if problems:
        raise ModelFileError(problems)
    return model


def read_model_file(path: str | Path, *, name: str | None = None) -> Model:
    """Read, parse and check a YAML (``.yaml``/``.yml``) or JSON model file.

    The file is loaded by :mod:`valuenet.formats.strict`: a key given twice, a non-finite
    number, a whole number outside 64 bits, nesting deeper than
    :data:`~valuenet.formats.strict.MAX_DEPTH` or a YAML alias bomb is refused, naming the line.
    Messages call the file ``name`` (default: its file name; ``<stdin>`` for standard input's copy).
    """
    path = Path(path)
    name = path.name if name is None else name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ModelFileError([Problem(str(path), "no such file.", "Check the path.")]) from None
    except UnicodeDecodeError as exc:
        raise ModelFileError(
            [Problem(name, f"is not UTF-8 text (byte {exc.start}).", "Save the file as UTF-8.")]
        ) from None
    except OSError as exc:
        raise ModelFileError(
            [Problem(str(path), f"cannot be read: {exc.strerror}.", "Check the path and permissions.")]
        ) from exc
    try:
        if path.suffix.lower() == ".json":
            data = strict.load_json(text)
        else:
            data = strict.load_yaml(text)
    except strict.Refusal as exc:
        raise ModelFileError([strict.problem(exc, name)]) from None
    except json.JSONDecodeError as exc:
        raise ModelFileError(
            [Problem(f"{name} line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}.", "Fix the syntax.")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ModelFileError([Problem(f"{name}{at}", f"invalid YAML: {problem}.", "Fix the syntax.")]) from None
    return parse_model(data, name)


def model_to_dict(model: Model) -> dict[str, Any]:
    """The model as file content: ``valuenet: 1`` and every non-default field."""
    return {"valuenet": FORMAT_VERSION, **model.model_dump(mode="json", exclude_defaults=True)}


def model_to_json(model: Model) -> str:
    return json.dumps(model_to_dict(model), ensure_ascii=False, indent=2) + "\n"


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, but text holding a NEL (U+0085) is double-quoted, where it is escaped.

    Left to itself PyYAML writes a NEL raw in a plain or single-quoted scalar, and
    reads it back as a line break: the text would not come back as it was.
    """


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if "\x85" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def model_to_yaml(model: Model) -> str:
    return yaml.dump(model_to_dict(model), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write_model_file(model: Model, path: str | Path) -> None:
    """Write ``model`` as JSON or YAML (by extension), atomically: a reader never sees half a file."""
    path = Path(path)
    text = model_to_json(model) if path.suffix.lower() == ".json" else model_to_yaml(model)
    with atomic_write(path) as fh:
        fh.write(text)


def read_model_files(
    paths: Sequence[str | Path], names: Sequence[str | None] | None = None
) -> list[tuple[Path, Model]]:
    """Read and check every model file; raise one :class:`ModelFileError` listing every file's problems.

    ``names``, one per path, are what messages call the files (``None``: the file's own name).
    """
    problems: list[Problem] = []
    out = []
    for raw, name in zip(paths, names or [None] * len(paths), strict=True):
        path = Path(raw)
        if path.suffix.lower() not in MODEL_SUFFIXES:
            problems.append(
                Problem(
                    str(path), f"'{path.suffix}' is not a model file type.", "Use a .yaml, .yml or .json model file."
                )
            )
            continue
        try:
            out.append((path, read_model_file(path, name=name)))
        except ModelError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ModelFileError(problems)
    return out


__all__ = [
    "is_model_file",
    "model_to_dict",
    "model_to_json",
    "model_to_yaml",
    "parse_model",
    "read_model_file",
    "read_model_files",
    "validation_problems",
    "write_model_file",
]

"""Write the hostile import corpus: files that valuenet import must refuse cleanly, and benign variants.

Run ``python tests/data/hostile/make_hostile.py`` from the repository root to (re)write every file in this
folder. ``manifest.json`` lists each file with its class, whether it is ``hostile`` (exit 1, one short message,
store untouched) or ``benign`` (imports exactly like ``good.csv``), and the extra ``valuenet import`` arguments.

The corpus is designed from the user documentation only (README.md, docs/model-format.md,
docs/interview-layout.md): each file is one trick a careless or malicious file could play.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAX_BYTES = 200 * 1024

GOOD_MODEL = """\
valuenet: 1
id: hq
title: Hostile corpus base model
currency: EUR
scale: {min: 0, max: 5}
actors:
  - {id: patient, name: Patient, kind: customer}
  - {id: clinic, name: Clinic, kind: focal_firm}
  - {id: insurer, name: Insurer, kind: institution}
  - {id: family, name: Family, kind: peer}
goals:
  - {id: healthy, title: Become healthy, customer: patient}
respondents:
  - {id: r1, segment: young, weights: {functional: 0.5, experiential: 0.5}, nps: 9}
  - {id: r2, segment: old, weights: {functional: 0.2, experiential: 0.8}, nps: 4}
"""

HEADER = [
    "respondent",
    "goal",
    "actor",
    "dimension",
    "gets",
    "gives",
    "touchpoint",
    "quote",
    "segment",
    "nps",
    "weight_functional",
    "weight_experiential",
]
ROWS = [
    row.split("|")
    for row in (
        "r1|healthy|clinic|functional|4|1|treatment|The knee works again.|young|9|0.5|0.5",
        "r1|healthy|clinic|experiential|2|3|waiting-room|Always late, I bring a book.|young|9|0.5|0.5",
        "r2|healthy|insurer|economic|3|1|claims|They paid quickly.|old|4|0.2|0.8",
        "r2|healthy|family|experiential|4|0.5|home|My daughter drives me.|old|4|0.2|0.8",
    )
]

MANIFEST: dict[str, dict[str, object]] = {}


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",", lineterminator: str = "\n") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def good_rows() -> list[dict[str, object]]:
    """The good rows as JSON objects, numbers as numbers."""
    out: list[dict[str, object]] = []
    for row in ROWS:
        obj: dict[str, object] = dict(zip(HEADER, row, strict=True))
        for key in ("gets", "gives", "nps", "weight_functional", "weight_experiential"):
            obj[key] = json.loads(str(obj[key]))
        out.append(obj)
    return out


def with_cell(row: int, column: str, value: str) -> list[list[str]]:
    """The good rows with one cell replaced."""
    rows = [list(r) for r in ROWS]
    rows[row][HEADER.index(column)] = value
    return rows


def put(name: str, data: str | bytes, cls: str, *args: str, kind: str = "hostile", note: str = "") -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise SystemExit(f"{name} is {len(raw)} bytes, over {MAX_BYTES}")
    (HERE / name).write_bytes(raw)
    MANIFEST[name] = {"class": cls, "kind": kind, "args": list(args), "note": note}


def table(name: str, data: str | bytes, cls: str, *args: str, note: str = "") -> None:
    """An interview table imported into the model ``hq``."""
    put(name, data, cls, "--model", "hq", *args, note=note)


def model(name: str, data: str | bytes, cls: str, *args: str, note: str = "") -> None:
    """A model file imported on its own."""
    put(name, data, cls, *args, note=note)


def xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "flows"
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def typed_rows() -> list[list[object]]:
    return [[row[k] for k in HEADER] for row in good_rows()]


def rezip(source: bytes, replace: dict[str, bytes | None]) -> bytes:
    """A copy of a zip with some members replaced (bytes) or left out (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                new = replace[info.filename]
                if new is not None:
                    zout.writestr(info.filename, new)
            else:
                zout.writestr(info, zin.read(info.filename))
    return out.getvalue()


def model_with(extra: str = "", replace: tuple[str, str] | None = None) -> str:
    text = GOOD_MODEL
    if replace is not None:
        assert replace[0] in text, replace[0]
        text = text.replace(replace[0], replace[1])
    return text + extra


EXCHANGE = "exchanges:\n  - {respondent: r1, goal: healthy, actor: clinic, dimension: functional, gets: 4, gives: 1}\n"


def build() -> None:
    for old in HERE.iterdir():
        if old.name not in ("make_hostile.py", "__pycache__") and old.is_file():
            old.unlink()

    good = csv_text(HEADER, ROWS)
    put("good.yaml", GOOD_MODEL, "base", kind="base")
    put("good.csv", good, "base", "--model", "hq", kind="base")
    write_benign(good)
    write_duplicates()
    write_non_finite()
    write_booleans()
    write_out_of_range()
    write_shape(good)
    write_nesting()
    write_yaml_tricks()
    write_encodings(good)
    write_xlsx(good)
    write_empty()
    write_cells()
    write_model_structure()
    write_values()
    write_json_syntax()
    (HERE / "manifest.json").write_text(json.dumps(MANIFEST, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def benign(name: str, data: str | bytes, *args: str, note: str = "") -> None:
    put(name, data, "benign", "--model", "hq", *args, kind="benign", note=note)


def write_benign(good: str) -> None:
    benign("benign_bom.csv", b"\xef\xbb\xbf" + good.encode(), note="UTF-8 BOM")
    benign("benign_crlf.csv", csv_text(HEADER, ROWS, lineterminator="\r\n"), note="CRLF line endings")
    semi = [[c.replace(".", ",") if c.replace(".", "").isdigit() else c for c in r] for r in ROWS]
    benign("benign_semicolon.csv", csv_text(HEADER, semi, delimiter=";"), note="; separator with decimal commas")
    benign("benign_tab.csv", csv_text(HEADER, ROWS, delimiter="\t"), note="tab separator in a .csv")
    benign("benign_tab.tsv", csv_text(HEADER, ROWS, delimiter="\t"), note="a .tsv")
    quoted = ",".join(f'"{h}"' for h in HEADER) + "\n" + csv_text(HEADER, ROWS).split("\n", 1)[1]
    benign("benign_quoted_headers.csv", quoted, note="every header quoted")
    benign("benign_trailing_blank_lines.csv", good + "\n\n\n", note="blank lines at the end")
    variants = [
        "Respondent",
        "GOAL",
        " Actor ",
        "Dimension",
        "Customer gets",
        "customer_gives_up",
        "Touch Point",
        "Quote",
        "SEGMENT",
        "Nps",
        "Weight Functional",
        "w_experiential",
    ]
    benign("benign_header_variants.csv", csv_text(variants, ROWS), note="header case, space and alias variants")
    benign("benign_same_rows.xlsx", xlsx_bytes(HEADER, typed_rows()), note="the same rows in a workbook")
    benign("benign_same_rows.jsonl", "".join(json.dumps(r) + "\n" for r in good_rows()), note="JSONL")
    benign("benign_same_rows.json", json.dumps(good_rows(), indent=1), note="a JSON array of rows")
    benign("benign_txt.txt", good, note="a .txt table")


def write_duplicates() -> None:
    cls = "duplicate keys"
    model("dup_key_top.yaml", GOOD_MODEL + "title: A second title\n", cls, note="top-level title given twice")
    model(
        "dup_key_respondent.yaml",
        model_with(replace=("nps: 9}", "nps: 9, nps: 0}")),
        cls,
        note="a respondent mapping with nps twice",
    )
    model(
        "dup_key_actors.yaml",
        GOOD_MODEL + "actors:\n  - {id: patient, name: Patient, kind: customer}\n"
        "  - {id: clinic, name: Other Clinic, kind: focal_firm}\n",
        cls,
        note="the actors list given twice, the second silently replacing the first",
    )
    good_json = json.dumps(
        {
            "valuenet": 1,
            "id": "hq",
            "title": "Hostile corpus base model",
            "currency": "EUR",
            "actors": [
                {"id": "patient", "name": "Patient", "kind": "customer"},
                {"id": "clinic", "name": "Clinic", "kind": "focal_firm"},
            ],
            "goals": [{"id": "healthy", "title": "Become healthy", "customer": "patient"}],
        }
    )
    model(
        "dup_key_model.json",
        good_json.replace('"id": "hq",', '"id": "hq", "id": "other",', 1),
        cls,
        note='JSON model object with "id" twice',
    )
    rows = good_rows()
    lines = [json.dumps(r) for r in rows]
    lines[1] = lines[1].replace('"gets": 2,', '"gets": 2, "gets": 5,')
    assert '"gets": 5' in lines[1]
    table("dup_key_row.jsonl", "\n".join(lines) + "\n", cls, note='a JSONL row with "gets" twice')
    arr = json.dumps(rows)
    arr = arr.replace('"actor": "insurer",', '"actor": "insurer", "actor": "family",', 1)
    table("dup_key_row.json", arr, cls, note='a JSON array row with "actor" twice')
    dup_header = ["gets" if h == "gives" else h for h in HEADER]
    table("dup_header.csv", csv_text(dup_header, ROWS), cls, note="a CSV header naming gets twice")
    alias_header = ["customer_gets" if h == "gives" else h for h in HEADER]
    table("dup_header_alias.csv", csv_text(alias_header, ROWS), cls, note="gets and its alias customer_gets")


def write_non_finite() -> None:
    cls = "NaN / Infinity"
    table("nan_gets.csv", csv_text(HEADER, with_cell(0, "gets", "NaN")), cls, note="gets = NaN")
    table("inf_gives.csv", csv_text(HEADER, with_cell(1, "gives", "inf")), cls, note="gives = inf")
    table(
        "neg_infinity_weight.csv",
        csv_text(HEADER, with_cell(2, "weight_functional", "-Infinity")),
        cls,
        note="weight = -Infinity",
    )
    header = [*HEADER, "attr_age"]
    rows = [[*r, "41"] for r in ROWS]
    rows[3][-1] = "NaN"
    table("nan_attribute.csv", csv_text(header, rows), cls, note='attribute "plain number" NaN')
    header = [*HEADER, "threshold_experiential"]
    rows = [[*r, "2"] for r in ROWS]
    rows[0][-1] = rows[1][-1] = "Infinity"
    table("inf_threshold.csv", csv_text(header, rows), cls, note="threshold = Infinity")
    rows_j = good_rows()
    text = json.dumps(rows_j).replace('"gets": 3', '"gets": NaN', 1)
    table("nan_literal.json", text, cls, note="a bare NaN literal in a JSON row")
    lines = [json.dumps(r) for r in rows_j]
    lines[2] = lines[2].replace('"gives": 1', '"gives": 1, "occurrences": Infinity')
    table("infinity_literal.jsonl", "\n".join(lines) + "\n", cls, note="a bare Infinity occurrences in JSONL")
    lines = [json.dumps(r) for r in rows_j]
    lines[0] = lines[0].replace('"nps": 9', '"nps": 9, "attributes": {"age": -Infinity}')
    lines[1] = lines[1].replace('"nps": 9', '"nps": 9, "attributes": {"age": -Infinity}')
    table("neg_infinity_attribute.jsonl", "\n".join(lines) + "\n", cls, note="nested attribute -Infinity")
    model(
        "nan_magnitude.yaml",
        GOOD_MODEL
        + "flows:\n  - {goal: healthy, source: clinic, target: patient, dimension: functional, magnitude: .nan}\n",
        cls,
        note="flow magnitude .nan",
    )
    model("inf_scale.yaml", model_with(replace=("max: 5}", "max: .inf}")), cls, note="scale max .inf")
    model(
        "neg_inf_money.yaml",
        GOOD_MODEL + "flows:\n  - {goal: healthy, source: clinic, target: insurer, dimension: economic,"
        " money: -.inf, occurrences: 2}\n",
        cls,
        note="flow money -.inf",
    )
    model(
        "inf_attribute.yaml",
        model_with(replace=("nps: 4}", "nps: 4, attributes: {income: .inf}}")),
        cls,
        note="respondent attribute .inf",
    )


def write_booleans() -> None:
    cls = "booleans where numbers belong"
    text = json.dumps(good_rows()).replace('"gets": 4,', '"gets": true,', 1)
    table("bool_gets.json", text, cls, note="JSON gets: true")
    lines = [json.dumps(r) for r in good_rows()]
    lines = [ln.replace('"weight_functional": 0.2', '"weight_functional": false') for ln in lines]
    table("bool_weight.jsonl", "\n".join(lines) + "\n", cls, note="JSONL weight false")
    lines = [json.dumps(r) for r in good_rows()]
    lines = [ln.replace('"nps": 4', '"nps": true') for ln in lines]
    table("bool_nps.jsonl", "\n".join(lines) + "\n", cls, note="JSONL nps true")
    model("bool_nps.yaml", model_with(replace=("nps: 4}", "nps: true}")), cls, note="respondent nps: true")
    model(
        "bool_magnitude.yaml",
        GOOD_MODEL
        + "flows:\n  - {goal: healthy, source: clinic, target: patient, dimension: functional, magnitude: yes}\n",
        cls,
        note="YAML 1.1 yes as a magnitude",
    )
    model("bool_scale.yaml", model_with(replace=("max: 5}", "max: on}")), cls, note="scale max: on")


def write_out_of_range() -> None:
    cls = "numbers out of range"
    header = [*HEADER, "occurrences"]
    rows = [[*r, "1"] for r in ROWS]
    rows[0][-1] = str(10**30)
    table("bigint_occurrences.csv", csv_text(header, rows), cls, note="occurrences 10**30")
    header = [*HEADER, "gives_money"]
    rows = [[*r, ""] for r in ROWS]
    rows[2][-1] = "1e400"
    table("float_overflow_money.csv", csv_text(header, rows), cls, note="gives_money 1e400")
    rows_j = good_rows()
    rows_j[2]["gives_money"] = 10**30
    table("bigint_money.json", json.dumps(rows_j), cls, note="JSON integer money 10**30")
    lines = [json.dumps(r) for r in good_rows()]
    lines[3] = lines[3].replace('"gives": 0.5', '"gives": 0.5, "gets_money": 1e400')
    table("float_overflow.jsonl", "\n".join(lines) + "\n", cls, note="JSON 1e400 (reads as inf)")
    # Not here: a CSV attribute of 20 digits, which is kept as text (account numbers and ids are that long).
    model(
        "bigint_money.yaml",
        GOOD_MODEL + f"flows:\n  - {{goal: healthy, source: clinic, target: insurer, dimension: economic,"
        f" money: {-(2**63) - 1}, occurrences: 1}}\n",
        cls,
        note="flow money -2**63-1",
    )
    model(
        "bigint_segment_size.yaml",
        model_with(replace=("kind: peer}", f"kind: peer, segment_size: {10**30}}}")),
        cls,
        note="actor segment_size 10**30",
    )
    model(
        "float_overflow_expenses.yaml",
        model_with(replace=("kind: focal_firm}", "kind: focal_firm, fixed_expenses: 1e400}")),
        cls,
        note="fixed_expenses 1e400",
    )
    model(
        "bigint_attribute.json",
        json.dumps(
            {
                "valuenet": 1,
                "id": "hq",
                "actors": [
                    {"id": "patient", "name": "Patient", "kind": "customer"},
                    {"id": "clinic", "name": "Clinic", "kind": "focal_firm"},
                ],
                "goals": [{"id": "healthy", "title": "Become healthy", "customer": "patient"}],
                "respondents": [{"id": "r1", "attributes": {"income": 10**30}}],
            }
        ),
        cls,
        note="JSON model attribute 10**30",
    )


def write_shape(good: str) -> None:
    cls = "broken table shape"
    lines = good.split("\n")
    lines[2] = lines[2].replace('"Always late, I bring a book."', '"Always late, I bring a book.')
    table("unterminated_quote.csv", "\n".join(lines), cls, note="a quote opened and never closed")
    lines = good.split("\n")
    lines[3] = lines[3].replace(",", ";")
    table("mixed_delimiters.csv", "\n".join(lines), cls, note="one row separated by ; in a , file")
    rows = [list(r) for r in ROWS]
    rows[1] = rows[1][:5]
    rows[2] = [*rows[2], "extra", "cells"]
    table("ragged_rows.csv", csv_text(HEADER, rows), cls, note="a short row and a long row")
    table("nul_byte.csv", good.replace("The knee", "The\x00knee"), cls, note="a NUL byte inside a cell")
    table("nul_in_header.csv", good.replace("actor", "act\x00or", 1), cls, note="a NUL byte inside a header")
    lines = good.split("\n")
    lines[1] = lines[1].replace(",4,", ",4\r,", 1)
    table("bare_cr_in_row.csv", "\n".join(lines), cls, note="a bare CR in an unquoted cell splits the row")
    table(
        "cr_only_mixed.csv",
        good.replace("\n", "\r", 2).replace("\r", "\n", 1).replace("young,9", "young\r\n9", 1),
        cls,
        note="CR, LF and CRLF mixed so that a row breaks in two",
    )
    table("pipe_separated.csv", csv_text(HEADER, ROWS, delimiter="|"), cls, note="| as separator")
    table("binary_garbage.csv", bytes(range(256)) * 8, cls, note="every byte value")


def write_nesting() -> None:
    cls = "deep nesting"
    depth = 20000
    model(
        "deep_nesting_model.json",
        '{"valuenet": 1, "id": "hq", "description": ' + "[" * depth + "]" * depth + "}",
        cls,
        note="20,000 nested JSON arrays in a model",
    )
    rows = json.dumps(good_rows()[:1])[1:-1]
    table(
        "deep_nesting_rows.json",
        "[" + rows + ', {"respondent": "r1", "attributes": ' + '{"a": ' * depth + "1" + "}" * depth + "}]",
        cls,
        note="20,000 nested JSON objects in a row",
    )
    line = json.dumps(good_rows()[0])
    table(
        "deep_nesting.jsonl",
        line + "\n" + '{"respondent": "r2", "weights": ' + "[" * 50000 + "]" * 50000 + "}\n",
        cls,
        note="50,000 nested arrays on one JSONL line",
    )
    model(
        "deep_nesting_flow.yaml",
        GOOD_MODEL + "description: " + "[" * 10000 + "]" * 10000 + "\n",
        cls,
        note="10,000 nested YAML flow sequences",
    )
    model(
        "deep_nesting_mapping.yaml",
        GOOD_MODEL.replace("nps: 4}", "nps: 4, attributes: " + "{a: " * 12000 + "1" + "}" * 12000 + "}"),
        cls,
        note="12,000 nested YAML flow mappings",
    )


def write_yaml_tricks() -> None:
    cls = "YAML alias bombs and tags"
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    model("billion_laughs.yaml", GOOD_MODEL + "x_bomb:\n" + "".join("  " + ln + "\n" for ln in levels), cls)
    model(
        "billion_laughs_in_attributes.yaml",
        GOOD_MODEL.replace(
            "nps: 4}",
            "nps: 4, attributes: {a: &a [x,x,x,x,x,x,x,x,x,x], b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a],"
            " c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c],"
            " e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d], f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e],"
            " g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f], h: [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]}}",
        ),
        cls,
        note="10**8 items reachable from a respondent's attributes",
    )
    model(
        "recursive_alias.yaml",
        GOOD_MODEL.replace("nps: 4}", "nps: 4, attributes: &loop {self: *loop}}"),
        cls,
        note="an anchor that contains itself",
    )
    model(
        "python_object_apply.yaml",
        GOOD_MODEL.replace("title: Hostile corpus base model", "title: !!python/object/apply:os.system [touch PWNED]"),
        cls,
        note="must not run os.system (the test checks no PWNED file appears)",
    )
    model(
        "python_object_apply_top.yaml",
        "!!python/object/apply:os.system\nargs: ['touch PWNED']\n",
        cls,
        note="a top-level python object",
    )
    model(
        "python_name.yaml",
        GOOD_MODEL.replace("currency: EUR", "currency: !!python/name:os.system"),
        cls,
        note="a python/name tag",
    )
    model(
        "python_new_subprocess.yaml",
        GOOD_MODEL.replace(
            "title: Hostile corpus base model",
            "title: !!python/object/new:subprocess.check_output [[touch, PWNED]]",
        ),
        cls,
        note="a python/object/new tag",
    )
    model("unknown_tag.yaml", GOOD_MODEL.replace("currency: EUR", "currency: !money EUR"), cls, note="a local tag")
    model(
        "binary_tag_title.yaml",
        GOOD_MODEL.replace("title: Hostile corpus base model", "title: !!binary //79/A=="),
        cls,
        note="!!binary bytes that are not UTF-8, where text belongs",
    )
    model(
        "timestamp_nps.yaml",
        model_with(replace=("nps: 4}", "nps: 2024-01-01}")),
        cls,
        note="a YAML timestamp where a number belongs",
    )


def write_encodings(good: str) -> None:
    cls = "encodings"
    table("encoding_klingon.csv", good, cls, "--encoding", "klingon", note="an unknown encoding")
    table("encoding_rot13.csv", good, cls, "--encoding", "rot13", note="a codec that is not a text encoding")
    accented = good.replace("My daughter", "Ma fille Zoë, très gentille,")
    table("utf16_no_bom.csv", accented.encode("utf-16-le"), cls, note="UTF-16 LE without a BOM")
    table("utf16be_no_bom.jsonl", json.dumps(good_rows()[0]).encode("utf-16-be"), cls, note="UTF-16 BE JSONL")
    table("latin1_as_utf8.csv", accented.encode("latin-1"), cls, note="Latin-1 read as the default UTF-8")
    table("utf8_claimed_ascii.csv", accented.encode("utf-8"), cls, "--encoding", "ascii", note="UTF-8 read as ASCII")
    table(
        "latin1_as_utf8.json",
        json.dumps(good_rows(), ensure_ascii=False).replace("drives", "fährt").encode("latin-1"),
        cls,
        note="Latin-1 JSON rows",
    )
    model(
        "latin1_model.yaml",
        GOOD_MODEL.replace("Hostile corpus base model", "Modèle à problèmes").encode("latin-1"),
        cls,
        note="a Latin-1 model file",
    )
    model("utf16_model.yaml", GOOD_MODEL.encode("utf-16-le"), cls, note="a UTF-16 model file without BOM")


def write_xlsx(good: str) -> None:
    cls = "corrupt XLSX"
    ok = xlsx_bytes(HEADER, typed_rows())
    table("truncated.xlsx", ok[: len(ok) // 2], cls, note="the first half of a good workbook")
    with zipfile.ZipFile(io.BytesIO(ok)) as z:
        names = z.namelist()
    sheet = next(n for n in names if n.startswith("xl/worksheets/sheet"))
    table(
        "corrupt_sheet_xml.xlsx",
        rezip(
            ok, {sheet: b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row'}
        ),
        cls,
        note="sheet XML cut off mid-tag",
    )
    table("missing_workbook.xlsx", rezip(ok, {"xl/workbook.xml": None}), cls, note="no xl/workbook.xml")
    table("missing_sheet.xlsx", rezip(ok, {sheet: None}), cls, note="the sheet part left out")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    table("zip_of_text.xlsx", buf.getvalue(), cls, note="a zip that holds a text file")
    table("csv_named.xlsx", good, cls, note="a CSV file named .xlsx")
    table("empty.xlsx", b"", cls, note="0 bytes")
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0"?>\n<!DOCTYPE lolz [{entities}]>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    )
    shared = "xl/sharedStrings.xml"
    if shared in names:
        table("xml_entity_bomb.xlsx", rezip(ok, {shared: bomb.encode()}), cls, note="billion laughs in shared strings")
    else:
        table("xml_entity_bomb.xlsx", rezip(ok, {sheet: bomb.replace("sst", "worksheet").encode()}), cls)
    table("xlsx_of_header_only.xlsx", xlsx_bytes(HEADER, []), cls, note="a workbook with only the header row")


def write_empty() -> None:
    cls = "empty files"
    table("empty.csv", b"", cls, note="0 bytes")
    table("bom_only.csv", b"\xef\xbb\xbf", cls, note="only a UTF-8 BOM")
    table("whitespace_only.csv", " \n\t\n  \r\n\n", cls, note="only whitespace")
    table("header_only.csv", ",".join(HEADER) + "\n", cls, note="a header and no rows")
    table("header_only_crlf_blank.csv", ",".join(HEADER) + "\r\n\r\n,,,,\r\n", cls, note="header and empty rows")
    table("empty.json", b"", cls, note="0 bytes")
    table("empty_array.json", "[]", cls, note="an empty array of rows")
    model("empty.yaml", b"", cls, note="0 bytes model file")


def write_cells() -> None:
    cls = "cells and ids"
    table(
        "huge_cell.csv",
        csv_text(HEADER, with_cell(0, "quote", "x" * 190_000)),
        cls,
        note="a 190,000-character quote (the documented limit is 100,000)",
    )
    long_id = "r" * 50_000
    rows = [list(r) for r in ROWS]
    rows[0][0] = rows[1][0] = long_id
    table("long_respondent_id.csv", csv_text(HEADER, rows), cls, note="a 50,000-character respondent id")
    rows = [list(r) for r in ROWS]
    rows[0][0] = rows[1][0] = "r\x1b[2J\x07\x08evil"
    table("control_chars_id.csv", csv_text(HEADER, rows), cls, note="escape, bell and backspace in an id")
    rows = [list(r) for r in ROWS]
    rows[2][0] = rows[3][0] = "r2\nr3"
    table("newline_in_id.csv", csv_text(HEADER, rows), cls, note="a quoted newline inside a respondent id")
    header = ["exchange_id", *HEADER]
    rows = [[f"e{i}", *r] for i, r in enumerate(ROWS)]
    rows[0][0] = "e\u202e0\u200b"
    table("bidi_exchange_id.csv", csv_text(header, rows), cls, note="bidi override and zero-width space in an id")
    model(
        "control_char_actor.yaml",
        model_with(
            extra='  - {id: "ev\\e[31mil\\a", name: Evil, kind: provider}\n',
            replace=("goals:", '  - {id: "tab\\tbed\\r", name: Tabbed, kind: provider}\ngoals:'),
        ),
        cls,
        note="actor ids with ESC, BEL, TAB and CR",
    )
    model(
        "long_actor_id.yaml",
        model_with(replace=("{id: family,", "{id: " + "f" * 100_000 + ",")),
        cls,
        note="a 100,000-character actor id",
    )


def write_model_structure() -> None:
    cls = "model structure"
    model("top_list.yaml", "- valuenet: 1\n  id: hq\n- id: other\n", cls, note="a list at the top")
    model("top_scalar.yaml", "42\n", cls, note="a number at the top")
    model("top_string.json", '"hq"', cls, note="a JSON string at the top")
    model("top_list.json", "[1, 2, 3]", cls, "--format", "json", note="a JSON list of numbers given as rows")
    model("dangling_actor.yaml", GOOD_MODEL + EXCHANGE.replace("actor: clinic", "actor: ghost"), cls)
    model(
        "dangling_customer.yaml",
        model_with(replace=("customer: patient}", "customer: nobody}")),
        cls,
        note="a goal whose customer does not exist",
    )
    model(
        "dangling_responsible.yaml",
        GOOD_MODEL + EXCHANGE.replace("gives: 1}", "gives: 1, responsible: phantom}"),
        cls,
        note="responsible names no actor",
    )
    model("actors_not_a_list.yaml", model_with(replace=("actors:\n", "actors: 7\nx_old_actors:\n")), cls)
    model("wrong_version.yaml", model_with(replace=("valuenet: 1", "valuenet: 999")), cls, note="format version 999")


def write_values() -> None:
    cls = "values"
    table("out_of_scale.csv", csv_text(HEADER, with_cell(0, "gets", "6")), cls, note="gets 6 on a 0-5 scale")
    table("negative_gives.csv", csv_text(HEADER, with_cell(3, "gives", "-1")), cls, note="gives -1")
    header = [*HEADER, "occurrences"]
    rows = [[*r, "1"] for r in ROWS]
    rows[1][-1] = "-3"
    table("negative_occurrences.csv", csv_text(header, rows), cls, note="occurrences -3")
    model(
        "negative_occurrences.yaml",
        GOOD_MODEL + "flows:\n  - {goal: healthy, source: clinic, target: insurer, dimension: economic,"
        " money: 65, occurrences: -2}\n",
        cls,
    )
    model(
        "magnitude_out_of_scale.yaml",
        GOOD_MODEL + EXCHANGE.replace("gets: 4", "gets: 50"),
        cls,
        note="an exchange gets 50 on a 0-5 scale",
    )
    table("formula_gets.csv", csv_text(HEADER, with_cell(0, "gets", "=1+1")), cls, note="gets =1+1")
    table("formula_nps.csv", csv_text(HEADER, with_cell(2, "nps", "=SUM(A1:A3)")), cls, note="nps =SUM(A1:A3)")
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index("segment")] = "old"
    table("conflicting_respondent.csv", csv_text(HEADER, rows), cls, note="r1 young on one row, old on another")
    rows_j = good_rows()
    rows_j[3]["nps"] = 10
    table("conflicting_nps.json", json.dumps(rows_j), cls, note="r2 nps 4 and 10")
    table("unknown_columns_only.csv", "colour,flavour,size\nred,sweet,3\nblue,sour,4\n", cls)
    many = [f"col_{i}" for i in range(10_000)]
    table(
        "many_columns.csv",
        csv_text(many, [[str(i % 10) for i in range(10_000)]]),
        cls,
        note="10,000 unknown columns: must not print 10,000 warnings",
    )
    table("thousands_separator.csv", csv_text(HEADER, with_cell(0, "gets", "1,000.5")), cls)
    table("hex_number.csv", csv_text(HEADER, with_cell(0, "gets", "0x4")), cls, note="a hex literal")
    table(
        "underscore_number.csv",
        csv_text(HEADER, with_cell(0, "gets", "0_4")),
        cls,
        note="Python digit grouping: float() reads 4",
    )
    table("missing_model.csv", csv_text(HEADER, ROWS), cls, note="--model names a model the store lacks")
    MANIFEST["missing_model.csv"]["args"] = ["--model", "nosuchmodel"]


def write_json_syntax() -> None:
    cls = "JSON syntax"
    text = json.dumps(good_rows(), indent=1)
    table("trailing_comma.json", text[:-2] + ",\n]", cls, note="a trailing comma after the last row")
    table("comments.json", "// interview rows\n" + text, cls, note="a // comment")
    lines = [json.dumps(r) for r in good_rows()]
    lines.insert(2, '{"respondent": "r1", "actor": ')
    table("bad_line_middle.jsonl", "\n".join(lines) + "\n", cls, note="a truncated object on line 3 of 5")
    lines = [json.dumps(r) for r in good_rows()]
    lines.insert(1, "[1, 2, 3]")
    table("array_line.jsonl", "\n".join(lines) + "\n", cls, note="a line that is an array, not an object")
    lines = [json.dumps(r) for r in good_rows()]
    lines.insert(3, '"just a string"')
    table("rows_not_objects.json", "[1, 2, 3]", cls, note="a JSON array of numbers")
    table("single_quotes.json", text.replace('"', "'"), cls, note="single-quoted JSON")
    model("trailing_comma_model.json", '{"valuenet": 1, "id": "hq",}', cls, note="a model object with a trailing comma")
    table("jsonl_two_objects_one_line.jsonl", lines[0] + lines[1] + "\n", cls, note="two objects on one line")


if __name__ == "__main__":
    build()
    print(f"Wrote {len(MANIFEST)} files to {HERE}")

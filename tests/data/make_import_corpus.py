"""Write the interview-table corpus in tests/data/bad and tests/data/good (run from the repository root).

The files are committed; this script documents how each was made and remakes them.
The 10 MB cell file is made by the test itself, to keep the repository small.
All files are against ``tests.conftest.tiny_model()`` (actors patient, clinic,
insurer, family; goal healthy with scenarios current and future; scale 0 to 5).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
GOOD = HERE / "good"
HEAD = "respondent,goal,actor,dimension,gets,gives,touchpoint,quote\n"


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")


def main() -> None:
    write(BAD / "wrong_delimiter.csv", "respondent|goal|actor|dimension|gets|gives\nr1|healthy|clinic|functional|4|1\n")
    write(BAD / "missing_column.csv", "respondent,goal,actor,gets,gives\nr1,healthy,clinic,4,1\n")
    write(BAD / "unknown_dimension.csv", HEAD + "r1,healthy,clinic,functional,4,1,desk,\nr1,healthy,clinic,fun,3,1,,\n")
    write(BAD / "text_in_number.csv", HEAD + "r1,healthy,clinic,functional,four,1,,\n")
    write(BAD / "out_of_scale.csv", HEAD + "r1,healthy,clinic,functional,7,1,,\n")
    write(
        BAD / "conflicting_respondent.csv",
        "respondent,segment,nps,goal,actor,dimension,gets,gives\n"
        "r1,young,9,healthy,clinic,functional,4,1\n"
        "r1,old,9,healthy,insurer,economic,2,1\n",
    )
    write(BAD / "conflicting_respondents_table.csv", "respondent,segment,nps\nr7,young,9\nr7,young,3\n")
    write(BAD / "empty.csv", "")
    write(BAD / "header_only.csv", HEAD)
    write(BAD / "latin1.csv", (HEAD + "r1,healthy,clinic,functional,4,1,caf\u00e9,Tr\u00e8s bien\n").encode("latin-1"))
    write(
        BAD / "blank_lines.csv", HEAD + "\nr1,healthy,clinic,functional,4,1,,\n\n\nr2,healthy,clinic,economic,x,1,,\n"
    )
    write(BAD / "formula_number.csv", HEAD + "r1,healthy,clinic,functional,=1+2,1,,\n")
    write(BAD / "unknown_actor.csv", HEAD + "r1,healthy,Clinik,functional,4,1,,\n")
    write(BAD / "extra_cells.csv", HEAD + "r1,healthy,clinic,functional,4,1,desk,Good, but slow\n")
    write(
        BAD / "same_exchange.csv",
        HEAD + "r1,healthy,clinic,functional,4,1,desk,\nr1,healthy,clinic,functional,2,1,desk,\n",
    )
    write(
        BAD / "bad_line.jsonl",
        '{"respondent": "r1", "goal": "healthy", "actor": "clinic", "dimension": "functional", "gets": 4}\n'
        '{"respondent": "r2", "goal": \n',
    )
    write(BAD / "many_errors.csv", HEAD + "".join(f"r{i},healthy,clinic,functional,9,1,,\n" for i in range(60)))
    write(
        GOOD / "bom_semicolon.csv",
        "\ufeffRespondent;Goal;Actor;Dimension;Customer gets;Gives up;Touchpoint;Quote\n"
        "r1;Become healthy;Clinic;Functional;4;0,5;treatment;The knee works again.\n"
        'r1;healthy;INSURER;experiential;1;2;claim;"Forms; forms; forms"\n',
    )
    write(
        GOOD / "tabs.tsv",
        "respondent\tgoal\tactor\tdimension\tgets\tgives\ttouchpoint\tquote\n"
        "r1\thealthy\tclinic\tfunctional\t4\t0.5\ttreatment\tThe knee works again.\n"
        "r1\thealthy\tinsurer\texperiential\t1\t2\tclaim\tForms; forms; forms\n",
    )
    write(
        GOOD / "formula_text.csv", HEAD + 'r1,healthy,clinic,functional,4,1,web,"=HYPERLINK(""http://x"",""click"")"\n'
    )
    write(GOOD / "latin1.csv", (HEAD + "r1,healthy,clinic,functional,4,1,caf\u00e9,Tr\u00e8s bien\n").encode("latin-1"))
    _xlsx()
    hostile_tables()
    hostile_documents()


def _xlsx() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["respondent", "goal", "actor", "dimension", "gets", "gives"])
    ws.append(["r1", "healthy", "clinic", "functional", 4, 1])
    wb.create_sheet("Data2").append(["respondent", "segment"])
    wb.save(BAD / "wrong_sheets.xlsx")


#: Tables that are not data, refused by name (tests/test_hostile_tables.py), in their own folder of tests/data/bad.
BAD_TABLES = BAD / "tables"

_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>",
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>",
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="flows" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>",
}
_XLSX_STRINGS = [
    *("respondent", "goal", "actor", "dimension", "gets", "gives", "gets_money", "occurrences"),
    *("r1", "healthy", "clinic", "functional"),
]


def _xlsx_sheet(rows: list[list[str | int | bool]], dimension: str = "") -> str:
    """Sheet XML for rows of cells: text through the shared strings, numbers and booleans in place."""
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{'ABCDEFGH'[c]}{r}"
            if isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="s"><v>{_XLSX_STRINGS.index(value)}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{''.join(out)}</sheetData></worksheet>"
    )


def _xlsx_bytes(parts: dict[str, str]) -> bytes:
    """A zip archive of the parts, byte for byte the same on every run (fixed dates)."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def hostile_tables() -> None:
    """CSV, TSV and XLSX tables that are not data: broken quoting, a separator that changes, damaged workbooks."""
    head = "respondent,goal,actor,dimension,gets,gives,touchpoint,quote\n"
    write(
        BAD_TABLES / "tab_open_quote.csv",
        head + 'r1,healthy,clinic,functional,4,1,desk,"Good\n'
        "r2,healthy,clinic,economic,3,1,desk,fine\n"
        "r3,healthy,insurer,economic,2,1,claim,slow\n",
    )
    write(
        BAD_TABLES / "tab_open_quote_header.csv",
        'respondent,goal,actor,dimension,"gets,gives\nr1,healthy,clinic,functional,4,1\n',
    )
    write(
        BAD_TABLES / "tab_delimiter_change.csv",
        head + "r1,healthy,clinic,functional,4,1,desk,ok\n"
        "r2,healthy,clinic,economic,3,1,desk,ok\n"
        "r3;healthy;insurer;economic;2,5;1;claim;slow\n"
        "r4;healthy;insurer;economic;2;1;claim;slow\n",
    )
    write(
        BAD_TABLES / "tab_delimiter_change.tsv",
        "respondent\tgoal\tactor\tdimension\tgets\tgives\n"
        "r1\thealthy\tclinic\tfunctional\t4\t1\n"
        "r2,healthy,clinic,economic,3,1\n",
    )
    write(BAD_TABLES / "tab_true_magnitude.csv", head + "r1,healthy,clinic,functional,true,1,desk,\n")
    header = ["respondent", "goal", "actor", "dimension", "gets", "gives"]
    good_sheet = _xlsx_sheet([header, ["r1", "healthy", "clinic", "functional", 4, 1]])
    strings = "".join(f"<si><t>{s}</t></si>" for s in _XLSX_STRINGS)
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(_XLSX_STRINGS)}" uniqueCount="{len(_XLSX_STRINGS)}">{strings}</sst>'
    )
    parts = {**_XLSX_PARTS, "xl/worksheets/sheet1.xml": good_sheet, "xl/sharedStrings.xml": shared}
    whole = _xlsx_bytes(parts)
    write(
        BAD_TABLES / "tab_true_cells.xlsx",
        _xlsx_bytes(
            {
                **parts,
                "xl/worksheets/sheet1.xml": _xlsx_sheet(
                    [
                        [*header, "gets_money", "occurrences"],
                        ["r1", "healthy", "clinic", "functional", True, False, True, True],
                    ]
                ),
            }
        ),
    )
    write(
        BAD_TABLES / "tab_corrupt_sheet.xlsx",
        _xlsx_bytes({**parts, "xl/worksheets/sheet1.xml": good_sheet[: len(good_sheet) // 2]}),
    )
    # with its dimension first, the sheet opens and breaks as its rows stream
    rows = [header, *(["r1", "healthy", "clinic", "functional", 4, 1] for _ in range(6))]
    long_sheet = _xlsx_sheet(rows, dimension="A1:F7")
    write(
        BAD_TABLES / "tab_corrupt_rows.xlsx",
        _xlsx_bytes({**parts, "xl/worksheets/sheet1.xml": long_sheet[: len(long_sheet) * 3 // 4]}),
    )
    write(BAD_TABLES / "tab_truncated.xlsx", whole[: len(whole) * 2 // 3])
    write(
        BAD_TABLES / "tab_no_shared_strings.xlsx",
        _xlsx_bytes({k: v for k, v in parts.items() if k != "xl/sharedStrings.xml"}),
    )
    write(BAD_TABLES / "tab_not_a_workbook.xlsx", _xlsx_bytes({"notes.txt": "Interview notes, not a workbook.\n"}))
    write(BAD_TABLES / "tab_csv_named.xlsx", head + "r1,healthy,clinic,functional,4,1,desk,\n")


#: Model files and JSON rows that are not data, refused by name (tests/test_hostile_documents.py), in their own
#: folder of tests/data/bad. The very large ones are made by the test.
BAD_DOCUMENTS = BAD / "documents"

_MODEL = """valuenet: 1
id: tiny
actors:
  - {id: patient, name: Patient, kind: customer}
  - {id: clinic, name: Clinic, kind: focal_firm, segment_size: 1}
goals:
  - {id: healthy, title: Become healthy, customer: patient}
respondents:
  - id: r1
    attributes: {age: 34}
flows:
  - id: f1
    goal: healthy
    source: clinic
    target: patient
    dimension: functional
    magnitude: 4
"""
_ROW = '{"respondent": "r1", "goal": "healthy", "actor": "clinic", "dimension": "functional", "gets": 4'


def hostile_documents(folder: Path = BAD_DOCUMENTS) -> None:
    """YAML and JSON model files, JSON arrays and JSON Lines holding what is not data.

    Each differs from a good file (``_MODEL``, ``_ROW``) in one place: a key given twice,
    NaN or an infinity, true where a number belongs, a number outside 64 bits, nesting
    deeper than 64 levels, an alias that holds itself.
    """
    model = _MODEL
    write(
        folder / "doc_duplicate_key.yaml", model.replace("    magnitude: 4\n", "    magnitude: 4\n    magnitude: 2\n")
    )
    write(folder / "doc_nan.yaml", model.replace("magnitude: 4", "magnitude: .nan"))
    write(folder / "doc_inf_attribute.yaml", model.replace("{age: 34}", "{age: 34, score: -.inf}"))
    write(folder / "doc_true_magnitude.yaml", model.replace("magnitude: 4", "magnitude: true"))
    write(
        folder / "doc_true_gets.yaml",
        model + "exchanges:\n  - {respondent: r1, goal: healthy, actor: clinic, dimension: economic, gets: true}\n",
    )
    write(folder / "doc_huge_segment.yaml", model.replace("segment_size: 1}", "segment_size: " + "1" + "0" * 30 + "}"))
    write(folder / "doc_huge_attribute.yaml", model.replace("{age: 34}", "{age: 34, card: 12345678901234567890}"))
    write(folder / "doc_deep.yaml", model.replace("{age: 34}", "{age: 34, notes: " + "[" * 70 + "]" * 70 + "}"))
    write(folder / "doc_self_alias.yaml", model.replace("  - id: r1\n", "  - id: r1\n    comparisons: &c [*c]\n"))
    as_json = {
        "valuenet": 1,
        "id": "tiny",
        "actors": [
            {"id": "patient", "name": "Patient", "kind": "customer"},
            {"id": "clinic", "name": "Clinic", "kind": "focal_firm", "segment_size": 1},
        ],
        "goals": [{"id": "healthy", "title": "Become healthy", "customer": "patient"}],
        "flows": [
            {
                "id": "f1",
                "goal": "healthy",
                "source": "clinic",
                "target": "patient",
                "dimension": "functional",
                "magnitude": 4,
                "money": 65,
            }
        ],
    }
    text = json.dumps(as_json, indent=2) + "\n"
    write(folder / "doc_duplicate_key.json", text.replace('"magnitude": 4,', '"magnitude": 4,\n      "magnitude": 2,'))
    write(folder / "doc_nan.json", text.replace('"magnitude": 4', '"magnitude": NaN'))
    write(folder / "doc_infinity.json", text.replace('"money": 65', '"money": Infinity'))
    write(folder / "doc_true_magnitude.json", text.replace('"magnitude": 4', '"magnitude": true'))
    write(folder / "doc_huge_segment.json", text.replace('"segment_size": 1', '"segment_size": 1' + "0" * 30))
    write(folder / "doc_deep.json", text.replace('"money": 65', '"money": ' + "[" * 70 + "]" * 70))
    rows = f'[\n  {_ROW}}},\n  {_ROW}, "gives": 1,\n   "gives": 2}}\n]\n'
    write(folder / "doc_duplicate_key_rows.json", rows)
    write(folder / "doc_nan_rows.json", f'[\n  {_ROW}}},\n  {_ROW}, "gives": NaN}}\n]\n')
    write(folder / "doc_duplicate_key.jsonl", f'{_ROW}}}\n{_ROW}, "gets": 1}}\n')
    write(folder / "doc_infinity.jsonl", f'{_ROW}}}\n{_ROW}, "gives": -Infinity}}\n')
    write(folder / "doc_nan_attribute.jsonl", f'{_ROW}, "attributes": {{"age": NaN}}}}\n')
    write(folder / "doc_huge_attribute.jsonl", f'{_ROW}, "attr_card": 1{"0" * 30}}}\n')
    write(folder / "doc_float_overflow.jsonl", f'{_ROW}, "gives_money": 1e400}}\n')
    write(folder / "doc_deep.jsonl", f'{_ROW}}}\n{_ROW}, "comparisons": {"[" * 70}{"]" * 70}}}\n')


if __name__ == "__main__":
    main()

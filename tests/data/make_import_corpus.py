"""Write the interview-table corpus in tests/data/bad and tests/data/good (run from the repository root).

The files are committed; this script documents how each was made and remakes them.
The 10 MB cell file is made by the test itself, to keep the repository small.
All files are against ``tests.conftest.tiny_model()`` (actors patient, clinic,
insurer, family; goal healthy with scenarios current and future; scale 0 to 5).
"""

from __future__ import annotations

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


def _xlsx() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["respondent", "goal", "actor", "dimension", "gets", "gives"])
    ws.append(["r1", "healthy", "clinic", "functional", 4, 1])
    wb.create_sheet("Data2").append(["respondent", "segment"])
    wb.save(BAD / "wrong_sheets.xlsx")


if __name__ == "__main__":
    main()

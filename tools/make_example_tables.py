"""Write each example's interview data as tables, from its model file.

For every ``examples/NAME/model.yaml`` this writes ``interviews.csv`` and
``interviews.jsonl`` (respondent columns repeated on each row) and
``interviews.xlsx`` (sheets actors, respondents and flows), in the long layout of
docs/interview-layout.md. Importing any of them after the model file changes
nothing. Run from the repository root: ``python tools/make_example_tables.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from valuenet.formats.export import TABLE_FORMATS, write_interview_tables  # noqa: E402
from valuenet.formats.modelfile import read_model_file  # noqa: E402


def main() -> None:
    for model_file in sorted((ROOT / "examples").glob("*/model.yaml")):
        model = read_model_file(model_file)
        for fmt in TABLE_FORMATS:
            out = model_file.with_name(f"interviews.{fmt}")
            tables = write_interview_tables(model, out, fmt)
            print(
                f"{out.relative_to(ROOT)}: {len(tables.exchange_rows)} rows "
                f"({len(tables.skipped)} structural flows stay in the model file)"
            )


if __name__ == "__main__":
    main()

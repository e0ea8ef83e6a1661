"""The bundled examples: every model file validates, every example script runs and tells the story it promises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from valuenet.formats.modelfile import read_model_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/model.yaml")), ids=lambda p: p.parent.name)
def test_example_model_is_valid_and_rich(path: Path) -> None:
    model = read_model_file(path)
    assert len(model.respondents) >= 10
    dims = {f.dimension for f in model.flows}
    assert {"functional", "economic", "experiential", "symbolic"} <= dims
    assert all(r.nps is not None for r in model.respondents)


def test_quickstart_script_tells_the_clinic_story() -> None:
    env = dict(os.environ, PYTHONPATH=str(EXAMPLES.parent))
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "stored 663 flows of model 'health'" in out
    parents = out.split("working-parents:")[1].split("\n\n")[0]
    assert "destroys experiential value at claim (indirect" in parents
    assert "destroys experiential value at waiting-room (direct" in parents

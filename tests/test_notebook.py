"""The example notebook runs: every cell, in a kernel of this Python, on a copy of the examples."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
ExecutePreprocessor = pytest.importorskip("nbconvert.preprocessors").ExecutePreprocessor
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
KERNEL = "valuenet-test"


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec, in a folder of the test's own, that runs this very Python (the project's venv)."""
    jupyter = tmp_path / "jupyter"
    spec = jupyter / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "valuenet test", "language": "python"}), encoding="utf-8"
    )
    for name in ("JUPYTER_PATH", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        monkeypatch.setenv(name, str(jupyter))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))  # the notebook's own temporary folder goes here too
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # this checkout's valuenet, whatever is installed
    return KERNEL


def test_committed_notebook_has_no_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_runs_on_the_health_example(kernel: str, tmp_path: Path) -> None:
    work = tmp_path / "examples"
    shutil.copytree(ROOT / "examples" / "health", work / "health")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    ExecutePreprocessor(timeout=120, kernel_name=kernel).preprocess(nb, {"metadata": {"path": str(work)}})

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "imported health: 663 flows into" in text
    assert "it destroys most experiential value at claim (indirect, through insurer)" in text
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    frames = [h for h in html if 'class="dataframe' in h]
    assert len(frames) >= 3 and "waiting-room" in "".join(frames)
    views = [h for h in html if h.startswith("<iframe srcdoc=")]
    assert len(views) == 1 and 'sandbox="allow-scripts"' in views[0]
    assert re.search(
        r"\b\d+ interview rows in health\.xlsx, \d+ actors and \d+ flows in parents\.graphml, report/", text
    )
    assert sorted(p.name for p in work.iterdir()) == ["health"]  # the store and files went to a folder of their own
    (made,) = (tmp_path / "tmp").glob("valuenet-*")
    assert {p.name for p in made.iterdir()} >= {"valuenet.db", "health.xlsx", "parents.graphml", "report"}

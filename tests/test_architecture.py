"""The shape of the house, held by parsing imports: arrows point one way and `import valuenet` stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "valuenet"

# What each layer may import from valuenet. Layers not listed may import anything but the CLI.
ALLOWED = {
    "errors": set(),
    "models": {"errors"},
    "graph": {"models", "errors"},
}
HEAVY = ("neo4j", "pyvis", "click", "openpyxl", "jinja2")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


SOURCES = sorted(p for p in PKG.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: _module_name(p))
def test_nothing_outside_the_cli_imports_the_cli(path: Path) -> None:
    name = _module_name(path)
    if name.startswith("valuenet.cli") or name == "valuenet.__main__":
        return
    bad = {m for m in _imports(path) if m == "valuenet.cli" or m.startswith("valuenet.cli.") or m == "click"}
    assert not bad, f"{name} imports {bad}: only the CLI may use click or the CLI package"


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_core_layers_import_only_what_is_below_them(layer: str) -> None:
    path = PKG / f"{layer}.py"
    inner = {m.split(".")[1] for m in _imports(path) if m.startswith("valuenet.")}
    assert inner <= ALLOWED[layer], f"valuenet.{layer} imports {inner - ALLOWED[layer]}"


def test_import_valuenet_stays_light() -> None:
    code = f"import sys, valuenet; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"import valuenet loaded {out}"

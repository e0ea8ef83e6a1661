"""The shape of the house, held by parsing imports.

The layer arrows are read from the README's Development section (its ``text``
block), so the rules users read and the rules tests hold are one
text. Every import counts, also those inside functions: no arrow may point up a
layer and no module may import itself back through others.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "valuenet"
HEAVY = ("neo4j", "pyvis", "click", "openpyxl", "jinja2")
SOURCES = sorted(PKG.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in SOURCES}


def _imports(path: Path) -> set[str]:
    """The valuenet modules a file imports, anywhere in it (``from pkg import submodule`` names the submodule)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return {m for m in found if m == "valuenet" or m.startswith("valuenet.")}


def _unit(module: str) -> str:
    """The layer a module belongs to: the first name under ``valuenet`` (``valuenet`` itself for the package)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "valuenet"


def _layers() -> dict[str, set[str]]:
    """The arrows of the README's Development section: layer -> the layers it may import."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Development\n.*?```text\n(.*?)```", readme, re.S)
    assert block, "the README's Development section lost its block of layer arrows"
    rules: dict[str, set[str]] = {}
    for line in block.group(1).splitlines():
        if "→" not in line:
            continue
        left, right = (side.strip() for side in line.split("→", 1))
        rules[left] = {x.strip() for x in right.split(",") if x.strip() and x.strip() != "(nothing)"}
    return rules


LAYERS = _layers()


def test_every_layer_of_the_package_has_its_arrows_in_the_readme() -> None:
    units = {_unit(m) for m in MODULES} - {"valuenet", "__main__"}
    assert units - set(LAYERS) == set(), "add these layers to the README's Development section"
    assert set(LAYERS) - units == set(), "the README names layers the package no longer has"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layer_arrows(module: str) -> None:
    unit = _unit(module)
    if unit in ("valuenet", "__main__"):  # the package's front door and `python -m valuenet`
        return
    used = {_unit(m) for m in _imports(MODULES[module])} - {unit, "valuenet"}
    assert used <= LAYERS[unit], f"{module} imports {sorted(used - LAYERS[unit])}: against the README's arrows"


def test_only_the_cli_uses_click_and_nothing_imports_the_cli() -> None:
    offenders = []
    for module, path in MODULES.items():
        if _unit(module) in ("cli", "__main__"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        if "click" in names or any(_unit(m) == "cli" for m in _imports(path)):
            offenders.append(module)
    assert offenders == []


def test_there_is_no_import_cycle() -> None:
    g = nx.DiGraph()
    for module, path in MODULES.items():
        g.add_node(module)
        g.add_edges_from((module, m) for m in _imports(path) if m != module)
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert cycles == []


def test_import_valuenet_stays_light() -> None:
    code = f"import sys, valuenet; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"import valuenet loaded {out}"

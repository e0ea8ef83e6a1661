"""Where the files shipped with valuenet live: the bundled examples and the cypher/ library.

In a wheel they sit inside the package (``valuenet/examples``, ``valuenet/cypher``);
in a source checkout they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled folder {name!r} is missing from this installation of valuenet.")


def examples_dir() -> Path:
    """The folder holding the bundled examples (``health``, ``broadband``)."""
    return _find("examples")


def cypher_dir() -> Path:
    """The folder holding the analysts' ``.cypher`` files."""
    return _find("cypher")


def example_model(name: str) -> Path:
    """The model file of a bundled example, e.g. ``example_model("health")``."""
    path = examples_dir() / name / "model.yaml"
    if not path.is_file():
        have = sorted(p.name for p in examples_dir().iterdir() if (p / "model.yaml").is_file())
        raise FileNotFoundError(f"no bundled example {name!r}; there are: {', '.join(have)}.")
    return path

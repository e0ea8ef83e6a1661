"""valuenet as a library: load the health example, store it, and ask where the clinic destroys value.

Run it from the repository root:  python examples/quickstart.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import valuenet
from valuenet.analysis.report import analyze_goal

HERE = Path(__file__).resolve().parent


def main() -> None:
    model = valuenet.read_model_file(HERE / "health" / "model.yaml")
    with tempfile.TemporaryDirectory() as folder, valuenet.open_store(str(Path(folder) / "valuenet.db")) as store:
        summary = store.write_model(model)
        print(f"stored {summary.counts['flows'].added} flows of model {model.id!r}")
        model = store.read_model("health")

    for segment in ("young-athletes", "working-parents", "retirees"):
        result = analyze_goal(model, "become-healthy", segment=segment, sections=["net", "destruction"])
        assert result.net is not None and result.destruction is not None
        firm = result.net.actors[result.focal]
        print(
            f"\n{segment}: the clinic ranks {firm.rank} of {len(result.net.actors)} actors "
            f"(weighted net {firm.weighted:+.2f})"
        )
        for item in result.destruction.items[:2]:
            print(
                f"  destroys {item.dimension} value at {item.touchpoint} ({item.kind}, {item.weighted:.2f}, "
                f"for {item.share:.0%} of them): "
                f'"{item.quotes[0] if item.quotes else ""}"'
            )


if __name__ == "__main__":
    main()

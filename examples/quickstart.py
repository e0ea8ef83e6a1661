"""valuenet as a library: import the health example into a store, and ask where the clinic destroys value.

Run it from the repository root:  python examples/quickstart.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import valuenet

HERE = Path(__file__).resolve().parent


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "valuenet.db"
        imported = valuenet.import_files(HERE / "health" / "model.yaml", store)  # valuenet import
        print(f"stored {imported.summary.counts['flows'].added} flows of model {imported.models[0]!r}")

        for segment in ("young-athletes", "working-parents", "retirees"):
            # valuenet analyze --segment SEGMENT --section net --section destruction
            result = valuenet.analyze(store, segment=segment, sections=["net", "destruction"])
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

        view = valuenet.view(store, segment="working-parents", color_by="impact")  # valuenet view
        print(f"\nthe working parents' network: {len(view.nodes)} actors, {len(view.edges)} flows")


if __name__ == "__main__":
    main()

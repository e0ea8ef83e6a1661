"""Time to first draw of a network view in headless Chromium: valuenet's view against pyvis' defaults.

For each size, one synthetic aggregated network (a customer, a focal firm and
other actors, each exchanging value with the customer in one or two
dimensions, plus some actor-to-actor flows) is written twice:

* valuenet's view (`write_view`): positions computed in Python, physics off; above 1,500 actors drawn
  with WebGL (sigma), below with vis-network;
* pyvis' default output for the same nodes and edges (`Network(directed=True)`,
  default options, `generate_html()`), which loads vis-network from a CDN. The
  copy used here points those URLs at the vis-network files inside the pyvis
  package and drops the Bootstrap and tom-select links, so both pages load the
  same vis-network from disk and only layout and physics differ.

The valuenet page opened is the one a user gets: the model is stored in an embedded store first and
the page written by a whole `valuenet view --store DB --model M -o FILE` process, timed ("view s")
beside the floor of the same work in the same run ("floor s": a fresh Python reading the goal's flow
rows from the same SQLite file and writing them to a file as JSON, the raw sink).

Time to first draw is `performance.now()` (from navigation start) at the first
vis-network `afterDrawing` event, or for sigma once its first `afterRender` has
run (the end of its constructor). Each run is capped; a run that has not drawn by
then is reported as a timeout, not a number. Chromium runs with SwiftShader for
WebGL (`--enable-unsafe-swiftshader --use-angle=swiftshader`), as a machine without
a GPU would.

    flock /tmp/vn-bench.lock python benchmarks/view_bench.py     # 100 to 20,000 actors, 3 runs each
    python benchmarks/view_bench.py --sizes 100 2000 --repeats 1
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from valuenet.models import Actor, Flow, Goal, Model, Respondent, exchange_flows
from valuenet.store.sqlite import SQLiteStore
from valuenet.views import ViewSpec, build_view

VALUENET = str(Path(sys.executable).with_name("valuenet"))
#: The floor: the same rows read from the same file and written out, in a fresh interpreter.
FLOOR = (
    "import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "rows = c.execute('SELECT * FROM flows WHERE model = ?', (sys.argv[2],)).fetchall(); "
    "open(sys.argv[3], 'w').write(json.dumps(rows))"
)

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
KINDS = ("provider", "partner", "competitor", "peer", "community", "institution", "employee")
DIMS = ("functional", "economic", "experiential", "symbolic")
HOOK = (
    "<script>(function(){var N=vis.Network;vis.Network=function(c,d,o){var n=new N(c,d,o);"
    "n.once('afterDrawing',function(){window.__firstDraw=performance.now();});return n;};})();</script>"
)


def synthetic_model(actors: int, seed: int = 7) -> Model:
    """A goal network of ``actors`` actors, three respondents, about 3 flows per actor."""
    rnd = random.Random(seed)
    people = [Actor(id="customer", name="Customer", kind="customer"), Actor(id="firm", name="Firm", kind="focal_firm")]
    people += [Actor(id=f"a{i}", name=f"Actor {i}", kind=KINDS[i % len(KINDS)]) for i in range(actors - 2)]
    respondents = [Respondent(id=f"r{i}") for i in range(3)]
    flows: list[Flow] = []
    for a in people[1:]:
        for dim in rnd.sample(DIMS, rnd.choice((1, 2))):
            r = rnd.choice(respondents).id
            flows += exchange_flows(
                f"{a.id}-{dim}",
                goal="g",
                customer="customer",
                actor=a.id,
                dimension=dim,
                gets=rnd.randint(0, 5),
                gives=rnd.randint(0, 5),
                respondent=r,
            )
    for i in range(actors // 4):
        u, v = rnd.sample(people[1:], 2)
        flows.append(
            Flow(
                id=f"x{i}", goal="g", source=u.id, target=v.id, dimension=rnd.choice(DIMS), magnitude=rnd.randint(1, 5)
            )
        )
    return Model(
        id=f"bench{actors}",
        actors=people,
        goals=[Goal(id="g", title=f"{actors} actors")],
        respondents=respondents,
        flows=flows,
    )


def pyvis_default(view: Any, folder: Path) -> Path:
    """pyvis' default page for the view's graph, with its CDN URLs pointed at the files pyvis ships."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="remote")
    for n in view.nodes:
        net.add_node(n.id, label=n.name)
    for e in view.edges:
        net.add_edge(e.source, e.target, width=1 + (e.value or 0))
    html = net.generate_html()
    lib = resources.files("pyvis").joinpath("lib", "vis-9.1.2")
    for name in ("vis-network.min.js", "vis-network.css"):
        shutil.copyfile(str(lib.joinpath(name)), folder / name)
    html = re.sub(
        r'<script[^>]*src="[^"]*vis-network[^"]*"[^>]*></script>',
        '<script src="vis-network.min.js"></script>' + HOOK,
        html,
    )
    html = re.sub(
        r'<link[^>]*href="[^"]*vis-network[^"]*"[^>]*/?>', '<link rel="stylesheet" href="vis-network.css">', html
    )
    html = re.sub(r"<(script|link)[^>]*(https?:)?//[^>]*>(</script>)?", "", html)  # Bootstrap, tom-select
    assert (
        "http" not in re.sub(r"<script type=\"text/javascript\">.*", "", html, flags=re.S).split("<body>")[0]
        or "cdn" not in html
    ), "a CDN URL is left in the pyvis page"
    path = folder / f"pyvis-{len(view.nodes)}.html"
    path.write_text(html, encoding="utf-8")
    return path


def first_draw(browser: Any, path: Path, cap_s: float) -> tuple[float | None, float | None, int, str]:
    """Wall-clock ms from navigation start to the first draw (None: not drawn within the cap), the page's
    main-thread CPU ms up to then (which other load on the machine does not inflate), requests made and
    the renderer that drew (``vis`` or ``webgl``; pyvis' own page: ``pyvis``)."""
    page = browser.new_page(viewport={"width": 1400, "height": 850})
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(path.as_uri())
        page.wait_for_function(
            "window.__firstDraw || (window.valuenetView && window.valuenetView.firstDraw)", timeout=cap_s * 1000
        )
        ms = page.evaluate("window.__firstDraw || window.valuenetView.firstDraw")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        drew = page.evaluate("window.valuenetView ? window.valuenetView.renderer : 'pyvis'")
        return float(ms), metrics.get("ThreadTime", 0.0) * 1000, len(requests), drew
    except Exception as exc:  # a timeout is a result here, reported as such
        if "Timeout" not in type(exc).__name__:
            raise
        return None, None, len(requests), ""
    finally:
        page.close()


def timed(argv: list[str]) -> float:
    """Wall-clock seconds of a whole process (it must succeed)."""
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 2000, 5000, 10000, 20000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cap", type=float, default=60.0, help="seconds before a run counts as a timeout")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="view-bench-"))
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    print(
        f"{'actors':>6} {'flows':>6} {'edges':>6} {'view s':>7} {'floor s':>7} {'MB':>5} {'drawn by':>8} "
        f"{'valuenet ms':>12} "
        f"{'(CPU ms)':>9} {'pyvis ms':>18} {'ratio':>7}"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size in args.sizes:
            model = synthetic_model(size)
            db = folder / f"bench-{size}.db"
            with SQLiteStore(db) as store:
                store.write_model(model)
            ours = folder / f"valuenet-{size}.html"
            view_s = timed([VALUENET, "view", "--store", str(db), "--model", model.id, "-o", str(ours)])
            floor_s = timed([sys.executable, "-c", FLOOR, str(db), model.id, str(folder / "floor.json")])
            view = build_view(model, ViewSpec())  # the same graph, for pyvis' page
            theirs = pyvis_default(view, folder)
            mine, cpu, other = [], [], []
            drew = ""
            for _ in range(args.repeats):
                ms, cpu_ms, reqs, drew = first_draw(browser, ours, args.cap)
                assert reqs == 1, f"valuenet's view made {reqs} requests"
                mine.append(ms)
                cpu.append(cpu_ms or 0.0)
                if None not in other:  # one timeout is answer enough; do not wait out the cap again
                    other.append(first_draw(browser, theirs, args.cap)[0])
            a = statistics.median(m for m in mine if m is not None) if all(m is not None for m in mine) else None
            b = statistics.median(o for o in other if o is not None) if None not in other else None
            fa = f"{a:.0f}" if a is not None else "timeout"
            fb = f"{b:.0f}" if b is not None else f">{args.cap * 1000:.0f} (timeout)"
            ratio = f"{b / a:.1f}x" if a and b else (f">{args.cap * 1000 / a:.0f}x" if a else "-")
            print(
                f"{size:>6} {len(model.flows):>6} {len(view.edges):>6} {view_s:>7.2f} {floor_s:>7.2f} "
                f"{ours.stat().st_size / 1e6:>5.1f} {drew:>8} {fa:>12} {statistics.median(cpu):>9.0f} "
                f"{fb:>18} {ratio:>7}",
                flush=True,
            )
        browser.close()
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

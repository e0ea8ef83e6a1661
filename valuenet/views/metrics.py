"""Numbers a large map sizes and groups its actors by, computed once in Python with networkx.

The page's "Size actors by" and "Group actors by" controls read these columns;
the browser computes nothing but the neighbourhood it fades around a focused actor.

- **degree**: how many other actors an actor exchanges value with (either direction);
- **betweenness**: how often an actor lies on the shortest paths between two others, on the
  undirected network; exact up to :data:`EXACT_BETWEENNESS` actors, above that estimated from
  :data:`BETWEENNESS_SAMPLES` source actors drawn with a fixed seed, so a view is the same every time;
- **net** (added by :func:`valuenet.views.render.map_columns` from ``ViewNode.net``): what the customer
  gets from the actor minus what they give up to it, summed over dimensions (the side panel's "All" row);
- **community**: Louvain communities (``networkx.community.louvain_communities`` with a fixed seed),
  numbered from the largest.

>>> m = node_metrics(["a", "b", "c"], [("a", "b"), ("b", "c")])
>>> m["degree"], m["betweenness"]
([1, 2, 1], [0.0, 1.0, 0.0])
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx

EXACT_BETWEENNESS = 400
BETWEENNESS_SAMPLES = 64
SEED = 7


def node_metrics(ids: Sequence[str], edges: Iterable[tuple[str, str]]) -> dict[str, list[Any]]:
    """Degree, betweenness and community of every actor in ``ids``, as lists in the order of ``ids``."""
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from((u, v) for u, v in edges if u != v and u in g and v in g)
    n = g.number_of_nodes()
    k = None if n <= EXACT_BETWEENNESS else BETWEENNESS_SAMPLES
    between = nx.betweenness_centrality(g, k=k, seed=SEED if k else None, normalized=True)
    communities = sorted(nx.community.louvain_communities(g, seed=SEED), key=lambda c: (-len(c), min(c)))
    community = {node: i for i, members in enumerate(communities) for node in members}
    return {
        "degree": [g.degree(i) for i in ids],
        "betweenness": [round(between[i], 5) for i in ids],
        "community": [community[i] for i in ids],
    }


def cluster_layout(groups: Sequence[int], spacing: float = 46.0) -> tuple[list[float], list[float]]:
    """Positions that put each group's actors together: one disc per group, discs in rows, largest first.

    Inside a disc actors sit on a sunflower spiral (even spacing, no rings to line up), in the order given.

    >>> xs, ys = cluster_layout([0, 0, 1])
    >>> len(xs), xs[0] == xs[2]
    (3, False)
    """
    members: dict[int, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    order = sorted(members, key=lambda grp: (-len(members[grp]), grp))
    radius = {grp: spacing * (math.sqrt(len(members[grp])) * 0.55 + 1.0) for grp in order}
    total = sum((2 * r) ** 2 for r in radius.values())
    width = max(math.sqrt(total) * 1.3, 2 * max(radius.values(), default=1.0))
    xs, ys = [0.0] * len(groups), [0.0] * len(groups)
    x = y = row_height = 0.0
    golden = math.pi * (3 - math.sqrt(5))
    for grp in order:
        r = radius[grp]
        if x and x + 2 * r > width:
            x, y, row_height = 0.0, y + row_height + spacing, 0.0
        cx, cy = x + r, y + r
        for j, i in enumerate(members[grp]):
            d = spacing * 0.55 * math.sqrt(j + 0.5)
            xs[i] = round(cx + d * math.cos(j * golden), 1)
            ys[i] = round(cy + d * math.sin(j * golden), 1)
        x += 2 * r + spacing
        row_height = max(row_height, 2 * r)
    return xs, ys

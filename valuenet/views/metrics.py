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

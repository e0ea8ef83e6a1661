"""Network metrics for strategists, on a goal's aggregated network.

The multigraph of flows is collapsed to one tie per ordered pair of actors. Per
actor: ``degree`` (distinct actors it exchanges with), ``weighted_degree`` (the
perceived magnitude it gives and receives), ``betweenness`` (networkx's
normalised betweenness on the directed value flows: how often it lies on the
shortest route value takes between two others), ``closeness`` (on the undirected
ties: how near it is to everyone), ``reach`` (the share of the other actors it
reaches within two steps) and its ``community`` (greedy modularity communities,
ties weighted by number of flows). Use it on the mean network of a segment
(:func:`valuenet.analysis.base.mean_network`) to get per-respondent magnitudes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from valuenet.analysis.base import Result, focal_of
from valuenet.graph import MAGNITUDE

VALUE, FLOWS = "value", "flows"


@dataclass(frozen=True)
class ActorMetrics(Result):
    """The position of one actor in the network."""

    actor: str
    degree: int
    weighted_degree: float
    betweenness: float
    closeness: float
    reach: float
    community: int


@dataclass(frozen=True)
class NetworkMetrics(Result):
    """Metrics per actor and the communities (lists of actors; the index is ``ActorMetrics.community``)."""

    focal: str
    actors: Mapping[str, ActorMetrics]
    communities: tuple[tuple[str, ...], ...]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"focal": m.actor == self.focal, **m.to_dict()}
            for m in sorted(self.actors.values(), key=lambda m: (-m.betweenness, -m.weighted_degree, m.actor))
        ]


def collapse(g: nx.MultiDiGraph) -> nx.DiGraph:
    """One edge per ordered pair: ``value`` = summed perceived magnitude, ``flows`` = number of flows."""
    d = nx.DiGraph()
    d.add_nodes_from(g.nodes)
    for u, v, data in g.edges(data=True):
        if u == v:
            continue
        if not d.has_edge(u, v):
            d.add_edge(u, v, **{VALUE: 0.0, FLOWS: 0})
        d[u][v][VALUE] += float(data.get(MAGNITUDE) or 0.0)
        d[u][v][FLOWS] += 1
    return d


def network_metrics(g: nx.MultiDiGraph) -> NetworkMetrics:
    """Degree, weighted degree, betweenness, closeness, two-step reach and community of every actor."""
    d = collapse(g)
    und = nx.Graph()
    und.add_nodes_from(d.nodes)
    for u, v, data in d.edges(data=True):
        w = und[u][v][FLOWS] if und.has_edge(u, v) else 0
        und.add_edge(u, v, **{FLOWS: w + data[FLOWS]})
    n = d.number_of_nodes()
    between = nx.betweenness_centrality(d, normalized=True)
    close = nx.closeness_centrality(und)
    if und.number_of_edges():
        found = nx.community.greedy_modularity_communities(und, weight=FLOWS)
        comms = sorted((tuple(sorted(str(a) for a in c)) for c in found), key=lambda c: (-len(c), c))
    else:
        comms = [(str(a),) for a in sorted(und.nodes)]
    index = {a: i for i, c in enumerate(comms) for a in c}
    out = {}
    for a in sorted(str(x) for x in d.nodes):
        within = nx.single_source_shortest_path_length(und, a, cutoff=2)
        wdeg = sum((x[VALUE] for _, _, x in d.in_edges(a, data=True)), 0.0) + sum(
            (x[VALUE] for _, _, x in d.out_edges(a, data=True)), 0.0
        )
        out[a] = ActorMetrics(
            a,
            und.degree(a),
            wdeg,
            float(between[a]),
            float(close[a]),
            (len(within) - 1) / (n - 1) if n > 1 else 0.0,
            index[a],
        )
    return NetworkMetrics(focal_of(g), out, tuple(comms))

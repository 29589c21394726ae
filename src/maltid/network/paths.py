"""Road geometry for maps: (lat, lon) polylines in degrees along the fastest paths."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence

import networkx as nx

from maltid.errors import NetworkError
from maltid.network.road import RoadGraph, RoadNetwork

__all__ = ["RoadPaths", "path_coords", "route_coords"]

#: Edge weight for networkx: the name of an edge attribute, or a callable (u, v, data).
_Weight = str | Callable[[int, int, object], float]

logger = logging.getLogger("maltid")


def _edge_coords(g: RoadGraph, u: int, v: int) -> list[tuple[float, float]]:
    """(lat, lon) along the fastest edge from ``u`` to ``v``, oriented from ``u``."""
    data = min(g[u][v].values(), key=lambda d: (d["travel_time"], d["length"]))
    geom = data.get("geometry")
    if geom is None:
        return [
            (float(g.nodes[u]["y"]), float(g.nodes[u]["x"])),
            (float(g.nodes[v]["y"]), float(g.nodes[v]["x"])),
        ]
    coords = [(float(y), float(x)) for x, y in geom.coords]
    ux, uy = g.nodes[u]["x"], g.nodes[u]["y"]
    first, last = coords[0], coords[-1]
    if (first[0] - uy) ** 2 + (first[1] - ux) ** 2 > (last[0] - uy) ** 2 + (last[1] - ux) ** 2:
        coords.reverse()
    return coords


def path_coords(net: RoadNetwork, a: int, b: int) -> list[tuple[float, float]]:
    """(lat, lon) points in degrees along the fastest path from node ``a`` to node ``b``.

    Uses the edges' ``geometry`` where present. When there is no path, a straight line
    is returned and a WARNING logged. Many paths on one network: :class:`RoadPaths`.
    """
    return _path_coords(net, a, b, "travel_time")


def _path_coords(net: RoadNetwork, a: int, b: int, weight: _Weight) -> list[tuple[float, float]]:
    g = net.graph
    for node in (a, b):
        if node not in g:
            raise NetworkError(
                f"path_coords: node {node} is not in the road network (fix: snap the points "
                f"with maltid.network.snap on this network)"
            )
    if a == b:
        return [(float(g.nodes[a]["y"]), float(g.nodes[a]["x"]))]
    try:
        path = nx.shortest_path(g, a, b, weight=weight)
    except nx.NetworkXNoPath:
        logger.warning("no road path from node %s to node %s: drawing a straight line", a, b)
        return [
            (float(g.nodes[a]["y"]), float(g.nodes[a]["x"])),
            (float(g.nodes[b]["y"]), float(g.nodes[b]["x"])),
        ]
    out: list[tuple[float, float]] = []
    for u, v in itertools.pairwise(path):
        seg = _edge_coords(g, u, v)
        out.extend(seg[1:] if out else seg)
    return out


def route_coords(net: RoadNetwork, nodes: Sequence[int]) -> list[tuple[float, float]]:
    """(lat, lon) points in degrees along the fastest path through ``nodes`` in order.

    Parameters
    ----------
    net : RoadNetwork
        The road network.
    nodes : sequence of int
        OSM node ids visited in order (e.g. depot, stops, depot).

    Returns
    -------
    list of (float, float)
        Polyline for maps; consecutive duplicate points removed.
    """
    return _join([int(n) for n in nodes], lambda a, b: path_coords(net, a, b))


def _join(
    nodes: Sequence[int], leg: Callable[[int, int], list[tuple[float, float]]]
) -> list[tuple[float, float]]:
    """The legs between consecutive ``nodes`` as one polyline, repeated points dropped
    (one node: its point)."""
    if len(nodes) == 1:
        return list(leg(nodes[0], nodes[0]))
    out: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(nodes):
        for pt in leg(a, b):
            if not out or out[-1] != pt:
                out.append(pt)
    return out


class RoadPaths:
    """Road polylines (lat, lon in degrees) on one network, each leg searched only once.

    :meth:`leg` and :meth:`route` give exactly the points of :func:`path_coords` and
    :func:`route_coords`, but a leg (node to node) already drawn is not searched again
    (the days of a week repeat most legs, and several outputs draw the same routes), and
    the search weighs each pair of nodes by the fastest of its parallel edges, worked
    out once per network rather than at every edge relaxation (networkx's own rule for
    ``weight="travel_time"`` on a multigraph: the same paths, ties included).
    Share one instance between the outputs of a comparison.
    """

    def __init__(self, net: RoadNetwork) -> None:
        self.net = net
        self._weight: Callable[[int, int, object], float] | None = None
        self._legs: dict[tuple[int, int], list[tuple[float, float]]] = {}
        self._routes: dict[tuple[int, ...], list[tuple[float, float]]] = {}

    def _fastest(self) -> Callable[[int, int, object], float]:
        if self._weight is None:
            g = self.net.graph
            w = {
                (u, v): min(d.get("travel_time", 1) for d in kd.values())
                for u, nbrs in g.adj.items()
                for v, kd in nbrs.items()
            }

            def weight(u: int, v: int, _d: object) -> float:
                return float(w[u, v])

            self._weight = weight
        return self._weight

    def leg(self, a: int, b: int) -> list[tuple[float, float]]:
        """(lat, lon) along the fastest path from node ``a`` to ``b`` (shared: do not modify)."""
        key = (int(a), int(b))
        coords = self._legs.get(key)
        if coords is None:
            coords = self._legs[key] = _path_coords(self.net, key[0], key[1], self._fastest())
        return coords

    def route(self, nodes: Sequence[int]) -> list[tuple[float, float]]:
        """(lat, lon) through ``nodes`` in order, as :func:`route_coords` (shared: read only)."""
        key = tuple(int(n) for n in nodes)
        out = self._routes.get(key)
        if out is None:
            out = self._routes[key] = _join(key, self.leg)
        return out

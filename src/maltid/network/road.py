"""The road network's data types: the graph (m, km/h, s) and what building it kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import networkx as nx
import numpy as np

__all__ = ["NetworkStats", "RoadGraph", "RoadNetwork"]

#: A road graph: nodes are OSM ids with ``x``/``y`` (degrees), edges attribute dicts.
RoadGraph: TypeAlias = "nx.MultiDiGraph[int]"


@dataclass(frozen=True)
class NetworkStats:
    """What building a road network kept and dropped (counts; times in s).

    Parameters
    ----------
    source : str
        Description of the source (file name, place query or bounding box).
    raw_nodes : int
        OSM nodes used by the ways read from the source, before filtering.
    raw_edges : int
        Way segments (consecutive node pairs) read from the source before filtering. For
        OSM XML every way counts; pyrosm reads only ways with a ``highway`` tag from PBF;
        for GraphML and downloads these are the graph's directed edges.
    dropped_non_drivable_edges : int
        Of ``raw_edges``, those dropped by the drivable filter.
    dropped_scc_nodes : int
        Nodes of the directed drivable graph outside its largest strongly connected
        component (counted before simplification for OSM XML, GraphML and downloads; after
        pyrosm's simplification for PBF).
    dropped_scc_edges : int
        Directed edges outside the largest strongly connected component.
    nodes : int
        Nodes of the final, simplified graph.
    edges : int
        Directed edges of the final, simplified graph.
    build_time_s : float
        Wall time of the build from the source (s).
    from_cache : bool
        True when this network was loaded from the disk cache.
    load_time_s : float
        Wall time of the cache load (s); 0 when built.
    """

    source: str
    raw_nodes: int
    raw_edges: int
    dropped_non_drivable_edges: int
    dropped_scc_nodes: int
    dropped_scc_edges: int
    nodes: int
    edges: int
    build_time_s: float
    from_cache: bool = False
    load_time_s: float = 0.0

    def summary(self) -> str:
        """Return a one-line human summary of the counts."""
        return (
            f"{self.source}: {self.raw_edges:,} raw way segments, "
            f"{self.dropped_non_drivable_edges:,} non-drivable dropped, "
            f"{self.dropped_scc_nodes:,} nodes / {self.dropped_scc_edges:,} edges outside the "
            f"largest strongly connected component dropped; final graph {self.nodes:,} nodes, "
            f"{self.edges:,} edges"
        )


@dataclass(frozen=True)
class RoadNetwork:
    """A drivable, strongly connected road graph (lengths m, speeds km/h, times s).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Nodes keyed by OSM id with ``x`` (lon) and ``y`` (lat) in EPSG:4326. Edges carry
        ``length`` (m), ``speed_kph``, ``travel_time`` (s), ``highway`` (str) and, for
        simplified edges, ``geometry`` (shapely LineString, lon/lat).
    stats : NetworkStats
        What was kept and dropped.
    cache_key : str
        sha256 of the inputs; identifies the network (used by matrix caches).
    """

    graph: RoadGraph = field(repr=False, compare=False)
    stats: NetworkStats
    cache_key: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Bounding box in degrees: (west, south, east, north)."""
        xs = np.fromiter((d["x"] for _, d in self.graph.nodes(data=True)), dtype=np.float64)
        ys = np.fromiter((d["y"] for _, d in self.graph.nodes(data=True)), dtype=np.float64)
        return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))

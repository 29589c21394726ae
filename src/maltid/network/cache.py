"""The disk cache of built road networks: GraphML plus a JSON sidecar, data only.

An entry is two files in the cache directory (:func:`default_cache_dir`, or
``MALTID_CACHE_DIR`` when a directory is shared, e.g. by the workers of a dask cluster):

* ``network-<key>.graphml``: the graph. Node ``x``/``y`` (degrees) and edge ``length``
  (m), ``speed_kph`` and ``travel_time`` (s) are GraphML doubles; edge geometries are
  WKB in hex; every other attribute (OSM tags, which may be lists after simplification)
  is one JSON object per node or edge, so the graph reads back equal to the one built.
* ``network-<key>.json``: the sidecar with the cache format version, the full cache key,
  the sha256 of the GraphML file and the build statistics.

Nothing in an entry is executed on load (no pickle). A load checks the sidecar's version
and key and the GraphML file's digest before parsing it; a missing half, a mismatch or a
parse error deletes the entry with a WARNING, and the caller rebuilds it. Both files
are written atomically (GraphML first, so a sidecar always describes a complete graph).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import shapely

from maltid._io import atomic_path, atomic_write_text
from maltid.network.road import NetworkStats, RoadGraph

__all__ = [
    "CACHE_FORMAT_VERSION",
    "default_cache_dir",
    "file_sha256",
    "read_network_cache",
    "write_network_cache",
]

logger = logging.getLogger("maltid")

#: Bumped whenever the built graph or the cache layout changes; part of the cache key.
CACHE_FORMAT_VERSION = 2

#: Node and edge attributes stored as GraphML doubles; the rest go through JSON.
_FLOAT_NODE_ATTRS: tuple[str, ...] = ("x", "y")
_FLOAT_EDGE_ATTRS: tuple[str, ...] = ("length", "speed_kph", "travel_time")
#: Names of the encoded attributes in the cache's GraphML (not OSM tag names).
_JSON_ATTR = "maltid_json"
_WKB_ATTR = "maltid_wkb"
_GRAPH_ATTR = "maltid_graph_json"


def default_cache_dir() -> Path:
    """Directory of the network cache: ``$MALTID_CACHE_DIR``, ``$XDG_CACHE_HOME/maltid``
    or ``~/.cache/maltid``."""
    env = os.environ.get("MALTID_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "maltid"
    return Path.home() / ".cache" / "maltid"


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes (streamed by :func:`hashlib.file_digest`)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _encode(graph: RoadGraph) -> RoadGraph:
    """A copy of ``graph`` whose attributes GraphML stores without loss."""
    out: RoadGraph = nx.MultiDiGraph()
    out.graph[_GRAPH_ATTR] = json.dumps(graph.graph, default=_json_default, sort_keys=True)
    for node, data in graph.nodes(data=True):
        attrs: dict[str, Any] = {k: float(data[k]) for k in _FLOAT_NODE_ATTRS if k in data}
        rest = {k: v for k, v in data.items() if k not in _FLOAT_NODE_ATTRS}
        attrs[_JSON_ATTR] = json.dumps(rest, default=_json_default, sort_keys=True)
        out.add_node(int(node), **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {k: float(data[k]) for k in _FLOAT_EDGE_ATTRS if k in data}
        geom = data.get("geometry")
        if geom is not None:
            attrs[_WKB_ATTR] = shapely.to_wkb(geom, hex=True)
        rest = {k: v for k, v in data.items() if k not in (*_FLOAT_EDGE_ATTRS, "geometry")}
        attrs[_JSON_ATTR] = json.dumps(rest, default=_json_default, sort_keys=True)
        out.add_edge(int(u), int(v), key=int(key), **attrs)
    return out


def _decode(stored: RoadGraph) -> RoadGraph:
    """The graph :func:`_encode` stored, with its original attributes."""
    graph: RoadGraph = nx.MultiDiGraph()
    graph.graph.update(json.loads(stored.graph[_GRAPH_ATTR]))
    for node, data in stored.nodes(data=True):
        attrs = {k: float(data[k]) for k in _FLOAT_NODE_ATTRS if k in data}
        attrs.update(json.loads(data[_JSON_ATTR]))
        graph.add_node(node, **attrs)
    for u, v, key, data in stored.edges(keys=True, data=True):
        attrs = {k: float(data[k]) for k in _FLOAT_EDGE_ATTRS if k in data}
        attrs.update(json.loads(data[_JSON_ATTR]))
        if _WKB_ATTR in data:
            attrs["geometry"] = shapely.from_wkb(data[_WKB_ATTR])
        graph.add_edge(u, v, key=key, **attrs)
    return graph


def _paths(cache_dir: Path, key: str) -> tuple[Path, Path]:
    stem = f"network-{key[:40]}"
    return cache_dir / f"{stem}.graphml", cache_dir / f"{stem}.json"


def _stats_from(raw: Any) -> NetworkStats:
    if not isinstance(raw, dict):
        raise ValueError("sidecar has no stats object")
    names = {f.name for f in dataclasses.fields(NetworkStats)}
    if set(raw) != names:
        raise ValueError(f"sidecar stats have fields {sorted(raw)}, expected {sorted(names)}")
    return NetworkStats(**raw)


def read_network_cache(cache_dir: Path, key: str) -> tuple[RoadGraph, NetworkStats, Path] | None:
    """The cached graph and stats for ``key``, or None (missing or broken: deleted).

    Parameters
    ----------
    cache_dir : pathlib.Path
        The cache directory.
    key : str
        The full sha256 cache key of the network.

    Returns
    -------
    tuple or None
        (graph, stats as built, GraphML path) when the entry is complete and checks out.
    """
    graphml, sidecar = _paths(cache_dir, key)
    if not graphml.exists() and not sidecar.exists():
        return None
    try:
        if not sidecar.is_file():
            raise ValueError(f"the sidecar {sidecar.name} is missing")
        if not graphml.is_file():
            raise ValueError(f"the graph {graphml.name} is missing")
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("the sidecar is not a JSON object")
        if meta.get("version") != CACHE_FORMAT_VERSION or meta.get("key") != key:
            raise ValueError("cache key or format version mismatch")
        if meta.get("graphml_sha256") != file_sha256(graphml):
            raise ValueError("checksum mismatch (truncated or corrupted)")
        stats = _stats_from(meta.get("stats"))
        stored = nx.read_graphml(graphml, node_type=int, force_multigraph=True)
        if not isinstance(stored, nx.MultiDiGraph):
            raise ValueError("the GraphML graph is not a directed multigraph")
        graph = _decode(stored)
        if graph.number_of_nodes() != stats.nodes or graph.number_of_edges() != stats.edges:
            raise ValueError("graph size differs from the sidecar's stats")
    except Exception as exc:
        logger.warning(
            "network cache entry %s (sidecar %s) is unreadable (%s); deleting it and rebuilding",
            graphml,
            sidecar.name,
            exc,
        )
        for path in (graphml, sidecar):
            with contextlib.suppress(OSError):
                path.unlink()
        return None
    return graph, stats, graphml


def write_network_cache(cache_dir: Path, key: str, graph: RoadGraph, stats: NetworkStats) -> None:
    """Store a built network under ``key`` (GraphML, then the JSON sidecar; atomic).

    A failure to write is logged as a WARNING and otherwise ignored.
    """
    graphml, sidecar = _paths(cache_dir, key)
    try:
        with atomic_path(graphml) as tmp:
            nx.write_graphml(_encode(graph), tmp)
        meta = {
            "format": "maltid road network cache",
            "version": CACHE_FORMAT_VERSION,
            "key": key,
            "graphml_sha256": file_sha256(graphml),
            "stats": dataclasses.asdict(stats),
        }
        atomic_write_text(sidecar, json.dumps(meta, indent=1, sort_keys=True))
    except OSError as exc:
        logger.warning("could not write the network cache %s (%s); continuing", graphml, exc)

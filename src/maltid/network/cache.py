"""The disk cache of built road networks: npz arrays plus a JSON sidecar, data only.

An entry is two files in the cache directory (:func:`default_cache_dir`, or
``MALTID_CACHE_DIR`` when a directory is shared, e.g. by the workers of a dask cluster):

* ``network-<key>.npz``: the graph as plain arrays (loaded with ``allow_pickle=False``).
  Node ids, node ``x``/``y`` (degrees), edge ends and keys, edge ``length`` (m),
  ``speed_kph`` and ``travel_time`` (s) are numeric arrays; edge geometries are WKB
  bytes with offsets; every other attribute (OSM tags, which may be lists after
  simplification, and the graph's metadata) is one UTF-8 JSON document, so the graph
  reads back equal to the one built.
* ``network-<key>.json``: the sidecar with the cache format version, the full cache key,
  the sha256 of the npz file and the build statistics.

Nothing in an entry is executed on load (no pickle). A load checks the sidecar's version
and key and the npz file's digest before reading it; a missing half, a mismatch or a
read error deletes the entry with a WARNING, and the caller rebuilds it. Both files
are written atomically (the npz first, so a sidecar always describes a complete graph).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

import networkx as nx
import numpy as np
import numpy.typing as npt
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
CACHE_FORMAT_VERSION = 3

#: Node and edge attributes stored as float64 arrays; the rest go through JSON.
_FLOAT_NODE_ATTRS: tuple[str, ...] = ("x", "y")
_FLOAT_EDGE_ATTRS: tuple[str, ...] = ("length", "speed_kph", "travel_time")


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


def _column(items: list[dict[str, Any]], name: str) -> npt.NDArray[np.float64]:
    """A float attribute of every item; NaN where it is missing."""
    return np.array([float(d.get(name, np.nan)) for d in items], dtype=np.float64)


def _encode(graph: RoadGraph) -> dict[str, npt.NDArray[Any]]:
    """Arrays (no Python objects) from which :func:`_decode` rebuilds ``graph`` exactly."""
    node_ids: list[int] = list(graph.nodes)
    node_data: list[dict[str, Any]] = [graph.nodes[n] for n in node_ids]
    edges: list[tuple[int, int, int, dict[str, Any]]] = list(graph.edges(keys=True, data=True))
    edge_data = [d for _, _, _, d in edges]
    geoms = [d.get("geometry") for d in edge_data]
    has_geom = np.array([g is not None for g in geoms], dtype=bool)
    wkb = [bytes(shapely.to_wkb(g)) for g in geoms if g is not None]
    skip_node, skip_edge = set(_FLOAT_NODE_ATTRS), {*_FLOAT_EDGE_ATTRS, "geometry"}
    tags = {
        "graph": graph.graph,
        "nodes": [{k: v for k, v in d.items() if k not in skip_node} for d in node_data],
        "edges": [{k: v for k, v in d.items() if k not in skip_edge} for d in edge_data],
    }
    blob = json.dumps(tags, default=_json_default, sort_keys=True).encode("utf-8")
    arrays: dict[str, npt.NDArray[Any]] = {
        "node_id": np.array(node_ids, dtype=np.int64),
        "edge_u": np.array([int(u) for u, _, _, _ in edges], dtype=np.int64),
        "edge_v": np.array([int(v) for _, v, _, _ in edges], dtype=np.int64),
        "edge_key": np.array([int(k) for _, _, k, _ in edges], dtype=np.int64),
        "edge_has_geometry": has_geom,
        "geometry_wkb": np.frombuffer(b"".join(wkb), dtype=np.uint8),
        "geometry_offsets": np.cumsum([0, *(len(w) for w in wkb)], dtype=np.int64),
        "tags_json": np.frombuffer(blob, dtype=np.uint8),
    }
    for name in _FLOAT_NODE_ATTRS:
        arrays[f"node_{name}"] = _column(node_data, name)
    for name in _FLOAT_EDGE_ATTRS:
        arrays[f"edge_{name}"] = _column(edge_data, name)
    return arrays


def _with_floats(
    rows: list[dict[str, Any]],
    arrays: Mapping[str, npt.NDArray[Any]],
    prefix: str,
    names: tuple[str, ...],
) -> list[dict[str, Any]]:
    """``rows`` (updated in place) with the float columns ``prefix + name`` (NaN: none)."""
    for name in names:
        for row, value in zip(rows, arrays[prefix + name].tolist(), strict=True):
            if value == value:
                row[name] = value
    return rows


def _decode(arrays: Mapping[str, npt.NDArray[Any]]) -> RoadGraph:
    """The graph :func:`_encode` stored, with its original attributes."""
    tags = json.loads(arrays["tags_json"].tobytes().decode("utf-8"))
    node_id = arrays["node_id"].tolist()
    edge_u, edge_v = arrays["edge_u"].tolist(), arrays["edge_v"].tolist()
    edge_key = arrays["edge_key"].tolist()
    if not (len(tags["nodes"]) == len(node_id) and len(tags["edges"]) == len(edge_u)):
        raise ValueError("node or edge counts differ between arrays and tags")
    blob = arrays["geometry_wkb"].tobytes()
    offsets = arrays["geometry_offsets"].tolist()
    wkb = np.empty(len(offsets) - 1, dtype=object)
    wkb[:] = [blob[a:b] for a, b in itertools.pairwise(offsets)]
    geoms = iter(shapely.from_wkb(wkb).tolist())
    graph: RoadGraph = nx.MultiDiGraph()
    graph.graph.update(tags["graph"])
    graph.add_nodes_from(
        zip(node_id, _with_floats(tags["nodes"], arrays, "node_", _FLOAT_NODE_ATTRS), strict=True)
    )
    edge_attrs = _with_floats(tags["edges"], arrays, "edge_", _FLOAT_EDGE_ATTRS)
    for attrs, has in zip(edge_attrs, arrays["edge_has_geometry"].tolist(), strict=True):
        if has:
            attrs["geometry"] = next(geoms)
    edge_rows = zip(edge_u, edge_v, edge_key, edge_attrs, strict=True)
    graph.add_edges_from(cast(Any, edge_rows))
    return graph


def _paths(cache_dir: Path, key: str) -> tuple[Path, Path]:
    stem = f"network-{key[:40]}"
    return cache_dir / f"{stem}.npz", cache_dir / f"{stem}.json"


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
        (graph, stats as built, npz path) when the entry is complete and checks out.
    """
    arrays_path, sidecar = _paths(cache_dir, key)
    if not arrays_path.exists() and not sidecar.exists():
        return None
    try:
        if not sidecar.is_file():
            raise ValueError(f"the sidecar {sidecar.name} is missing")
        if not arrays_path.is_file():
            raise ValueError(f"the graph {arrays_path.name} is missing")
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("the sidecar is not a JSON object")
        if meta.get("version") != CACHE_FORMAT_VERSION or meta.get("key") != key:
            raise ValueError("cache key or format version mismatch")
        if meta.get("npz_sha256") != file_sha256(arrays_path):
            raise ValueError("checksum mismatch (truncated or corrupted)")
        stats = _stats_from(meta.get("stats"))
        with np.load(arrays_path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        if arrays["node_id"].size != stats.nodes or arrays["edge_u"].size != stats.edges:
            raise ValueError("graph size differs from the sidecar's stats")
        graph = _decode(arrays)
    except Exception as exc:
        logger.warning(
            "network cache entry %s (sidecar %s) is unreadable (%s); deleting it and rebuilding",
            arrays_path,
            sidecar.name,
            exc,
        )
        for path in (arrays_path, sidecar):
            with contextlib.suppress(OSError):
                path.unlink()
        return None
    return graph, stats, arrays_path


def write_network_cache(cache_dir: Path, key: str, graph: RoadGraph, stats: NetworkStats) -> None:
    """Store a built network under ``key`` (npz, then the JSON sidecar; atomic).

    A failure to write is logged as a WARNING and otherwise ignored.
    """
    arrays_path, sidecar = _paths(cache_dir, key)
    try:
        with atomic_path(arrays_path) as tmp, open(tmp, "wb") as fh:
            savez: Callable[..., None] = np.savez
            savez(fh, **_encode(graph))
        meta = {
            "format": "maltid road network cache",
            "version": CACHE_FORMAT_VERSION,
            "key": key,
            "npz_sha256": file_sha256(arrays_path),
            "stats": dataclasses.asdict(stats),
        }
        atomic_write_text(sidecar, json.dumps(meta, indent=1, sort_keys=True))
    except OSError as exc:
        logger.warning("could not write the network cache %s (%s); continuing", arrays_path, exc)

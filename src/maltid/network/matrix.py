"""Many-to-many travel times (s) and distances (m) on a road network.

:func:`travel_matrix` first shrinks the graph for the given points (dead-end branches
and chains without points go, :mod:`maltid.network.reduce`; no fastest path changes),
then runs scipy's compiled Dijkstra (``scipy.sparse.csgraph``) on travel time from every
distinct source node and reads the length along each fastest path from the predecessor
trees by pointer doubling (vectorised, ``O(log depth)`` passes; edge lengths looked up
in a sparse matrix in compiled code).

Memory: ``time_s`` and ``distance_m`` are n×n float32, 8·n² bytes together (8 MB for
n=1000, 32 MB for n=2000); the Dijkstra runs in float64 in blocks of sources so its
scratch arrays stay near 100 MB whatever the graph size. float32 keeps 24 significant
bits: a spacing of 0.016 m at 200 km and of 0.008 s at 24 h, far below what routing
(0.1 s, 1 m) resolves.

Disk cache
----------
With ``cache_dir`` (the network cache directory, see
:func:`maltid.network.default_cache_dir` and ``MALTID_CACHE_DIR``), the matrix is stored as
``matrix-<key>.npz`` there; the key is a sha256 of the network's ``cache_key`` (which
covers the source file, the speed table and the winter speed factor), the graph size and
the snapped node ids in order. Every scenario on the same region and points (e.g. the
variants of a sweep, or the workers of a batch) then reads the matrix instead of
recomputing it. Files are written atomically; an unreadable or mismatching file is
deleted and rebuilt with a WARNING.

Unreachable pairs
-----------------
On a :class:`~maltid.network.RoadNetwork` every node reaches every other (the graph is
strongly connected), but a network from GraphML need not be. Unreachable pairs keep
``np.inf`` in both arrays, are listed by id pair in :attr:`TravelMatrix.unreachable` and
logged as a WARNING. Consumers (routing) must check ``unreachable`` (or
``np.isfinite``) and must never pass ``inf`` on silently.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array, csr_matrix
from scipy.sparse.csgraph import dijkstra

from maltid._io import atomic_path
from maltid.errors import NetworkError
from maltid.network.cache import default_cache_dir
from maltid.network.paths import path_coords, route_coords
from maltid.network.reduce import EdgeList, dedup_edges, reduce_for_points
from maltid.network.road import RoadGraph, RoadNetwork

# path_coords and route_coords live in maltid.network.paths; they stay importable from
# here for the callers that import them from this module (pipeline, faces.maps).
__all__ = ["TravelMatrix", "path_coords", "route_coords", "travel_matrix"]

logger = logging.getLogger("maltid")

#: Edges of zero travel time (duplicate nodes) get this time (s) in the sparse graph:
#: scipy's csgraph drops explicit zeros of a sparse matrix, so a 0 s edge would vanish.
_MIN_EDGE_TIME_S = 1e-6
#: Elements (sources × graph nodes) of one Dijkstra block.
_BLOCK_ELEMENTS = 2_000_000
#: Elements of one pointer-doubling chunk (int32 pointers and float64 lengths, ~3 MB).
_DOUBLING_ELEMENTS = 250_000
#: Bumped whenever the cached matrix layout or its computation changes; part of the key.
MATRIX_CACHE_VERSION = 1
#: dtype of ``TravelMatrix.time_s`` and ``.distance_m`` (compact: 4 bytes per entry).
MATRIX_DTYPE = np.float32


@dataclass(frozen=True)
class TravelMatrix:
    """Travel times (s) and distances (m) between points, along the fastest paths.

    Parameters
    ----------
    ids : tuple of str
        Point ids; row and column order of the arrays.
    nodes : numpy.ndarray
        OSM node id (int64) of each point.
    time_s : numpy.ndarray
        n×n float32 (from :func:`travel_matrix`), ``time_s[i, j]`` = fastest travel time
        from ``ids[i]`` to ``ids[j]`` (asymmetric: one-way streets). Diagonal 0; ``inf``
        where unreachable.
    distance_m : numpy.ndarray
        n×n float32, length of that fastest path (not the shortest distance). ``inf``
        where unreachable.
    unreachable : tuple of (str, str)
        (from id, to id) pairs with no path; consumers must not pass their ``inf`` on.
    """

    ids: tuple[str, ...]
    nodes: np.ndarray = field(repr=False)
    time_s: np.ndarray = field(repr=False)
    distance_m: np.ndarray = field(repr=False)
    unreachable: tuple[tuple[str, str], ...] = ()

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}

    def index(self, id: str) -> int:
        """Return the row/column index of point ``id``.

        Raises
        ------
        KeyError
            The id is not in the matrix.
        """
        try:
            return self._positions[id]
        except KeyError:
            raise KeyError(f"point {id!r} is not in the travel matrix") from None


@dataclass(frozen=True)
class _Graph:
    """A road graph as arrays: positions of the OSM nodes and the fastest edge per pair."""

    node_ids: npt.NDArray[np.int64]  # position -> OSM id
    position: dict[int, int]  # OSM id -> position
    edges: EdgeList  # travel time (s) and length (m) per (u, v)


#: Per road graph, its array form (built on first use, dropped with the graph).
_GRAPHS: weakref.WeakKeyDictionary[RoadGraph, _Graph] = weakref.WeakKeyDictionary()


def _graph_arrays(net: RoadNetwork) -> _Graph:
    """The network's graph as arrays (cached per graph object)."""
    cached = _GRAPHS.get(net.graph)
    if cached is not None:
        return cached
    g = net.graph
    node_ids = np.fromiter(g.nodes, dtype=np.int64, count=g.number_of_nodes())
    position = {int(n): i for i, n in enumerate(node_ids.tolist())}
    rows = [
        (position[a], position[b], d["travel_time"], d["length"]) for a, b, d in g.edges(data=True)
    ]
    u = np.array([r[0] for r in rows], dtype=np.int64)
    v = np.array([r[1] for r in rows], dtype=np.int64)
    t = np.array([r[2] for r in rows], dtype=np.float64)
    length = np.array([r[3] for r in rows], dtype=np.float64)
    if not (np.isfinite(t).all() and (t >= 0).all() and np.isfinite(length).all()):
        raise NetworkError(
            "road network has edges with missing, negative or infinite travel_time/length "
            "(fix: build it with maltid.network.build_network)"
        )
    out = _Graph(node_ids, position, dedup_edges(len(node_ids), u, v, t, length))
    _GRAPHS[net.graph] = out
    return out


def _path_lengths(pred: npt.NDArray[np.int32], edge_length_m: csr_array) -> npt.NDArray[np.float64]:
    """Length (m) along the predecessor trees, for every node, by pointer doubling.

    ``pred`` is k×N from scipy (``-9999`` at the source and unreachable nodes);
    ``edge_length_m`` is the N×N sparse matrix of edge lengths, read at each (parent,
    node) pair in compiled code. Rows are processed in chunks of about
    :data:`_DOUBLING_ELEMENTS` so the gathers stay in cache.
    """
    k, n = pred.shape
    out = np.empty((k, n), dtype=np.float64)
    step = max(1, _DOUBLING_ELEMENTS // max(n, 1))
    cols = np.arange(n, dtype=np.int64)
    for start in range(0, k, step):
        parent = pred[start : start + step].astype(np.int64)
        rows = parent.shape[0]
        root = (parent < 0).ravel()
        child = np.broadcast_to(cols, parent.shape).ravel()
        parent = parent.ravel()
        parent[root] = child[root]  # roots point to themselves
        dist = np.asarray(edge_length_m[parent, child], dtype=np.float64)
        dist[root] = 0.0
        # flat int32 pointers: one 1-D gather per array and pass
        flat = (parent + np.repeat(np.arange(rows, dtype=np.int64) * n, n)).astype(np.int32)
        while True:
            grand = flat.take(flat)
            if np.array_equal(grand, flat):
                break
            dist += dist.take(flat)
            flat = grand
        out[start : start + rows] = dist.reshape(rows, n)
    return out


def _cache_key(net: RoadNetwork, node_arr: npt.NDArray[np.int64]) -> str:
    """sha256 of what a matrix depends on: network key, graph size, snapped nodes."""
    g = net.graph
    head = {
        "version": MATRIX_CACHE_VERSION,
        "dtype": np.dtype(MATRIX_DTYPE).str,
        "network": str(net.cache_key),
        "graph": [g.number_of_nodes(), g.number_of_edges()],
    }
    h = hashlib.sha256(json.dumps(head, sort_keys=True).encode())
    h.update(np.ascontiguousarray(node_arr, dtype="<i8").tobytes())
    return h.hexdigest()


def _read_matrix_cache(
    path: Path, key: str, node_arr: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]] | None:
    """The cached (time_s, distance_m) for ``key``, or None (missing or broken: deleted)."""
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            stored_key = str(data["key"])
            nodes = data["nodes"]
            time_s = data["time_s"]
            distance_m = data["distance_m"]
        n = node_arr.size
        if stored_key != key:
            raise ValueError("cache key mismatch")
        if not np.array_equal(nodes, node_arr):
            raise ValueError("node ids differ")
        for name, arr in (("time_s", time_s), ("distance_m", distance_m)):
            if arr.shape != (n, n) or arr.dtype != MATRIX_DTYPE:
                raise ValueError(f"{name} has shape {arr.shape} and dtype {arr.dtype}")
    except Exception as exc:
        logger.warning(
            "travel matrix cache entry %s is unreadable (%s); deleting it and rebuilding",
            path,
            exc,
        )
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return time_s, distance_m


def _write_matrix_cache(
    path: Path, key: str, node_arr: np.ndarray, time_s: np.ndarray, distance_m: np.ndarray
) -> None:
    try:
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, key=np.array(key), nodes=node_arr, time_s=time_s, distance_m=distance_m)
    except OSError as exc:
        logger.warning("could not write the travel matrix cache %s (%s); continuing", path, exc)


def _compute(
    graph: _Graph, pos: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """n×n fastest time (s) and its length (m), float32, between graph positions ``pos``.

    The graph is first reduced for the points (:mod:`maltid.network.reduce`); one
    Dijkstra per distinct source node then runs on the smaller graph.
    """
    n_pts = pos.size
    kept = np.zeros(graph.edges.n, dtype=bool)
    kept[pos] = True
    edges, new_index = reduce_for_points(graph.edges, kept)
    rpos = new_index[pos]
    mat = csr_matrix(
        (np.maximum(edges.time_s, _MIN_EDGE_TIME_S), (edges.u, edges.v)),
        shape=(edges.n, edges.n),
        dtype=np.float64,
    )
    lengths_m = csr_array((edges.length_m, (edges.u, edges.v)), shape=(edges.n, edges.n))
    uniq, inverse = np.unique(rpos, return_inverse=True)
    block = max(1, _BLOCK_ELEMENTS // max(edges.n, 1))
    row_time = np.empty((uniq.size, n_pts), dtype=MATRIX_DTYPE)
    row_dist = np.empty((uniq.size, n_pts), dtype=MATRIX_DTYPE)
    for start in range(0, uniq.size, block):
        src = uniq[start : start + block]
        dist_t, pred = dijkstra(mat, directed=True, indices=src, return_predecessors=True)
        lengths = _path_lengths(pred, lengths_m)
        row_time[start : start + src.size] = dist_t[:, rpos]
        row_dist[start : start + src.size] = lengths[:, rpos]
        del dist_t, pred, lengths
    time_s = row_time[inverse]
    del row_time
    distance_m = row_dist[inverse]
    del row_dist
    distance_m[~np.isfinite(time_s)] = np.inf
    np.fill_diagonal(time_s, 0.0)
    np.fill_diagonal(distance_m, 0.0)
    return time_s, distance_m


def travel_matrix(
    net: RoadNetwork,
    ids: Sequence[str],
    nodes: Sequence[int] | np.ndarray,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool | None = None,
) -> TravelMatrix:
    """All-pairs fastest travel time (s) and its path length (m) between snapped points.

    Parameters
    ----------
    net : RoadNetwork
        The road network (edge ``travel_time`` in s, ``length`` in m). Its ``cache_key``
        must identify the graph (as :func:`maltid.network.build_network` sets it) when the
        disk cache is used.
    ids : sequence of str
        Point ids (unique).
    nodes : sequence of int
        OSM node of each point (e.g. ``Snapped.node``); points on the same node share a
        Dijkstra run.
    cache_dir : path, optional, keyword-only
        Directory of the matrix disk cache (normally the network cache directory);
        giving it turns the cache on.
    use_cache : bool, optional, keyword-only
        Read and write the disk cache. Default: on when ``cache_dir`` is given. ``True``
        without ``cache_dir`` uses :func:`maltid.network.default_cache_dir`.

    Returns
    -------
    TravelMatrix
        n×n ``time_s`` and ``distance_m`` (float32; the same values whether computed or
        read from the cache); unreachable pairs are ``inf`` and listed in
        ``unreachable`` (and logged as a WARNING).

    Raises
    ------
    NetworkError
        Lengths differ, duplicate ids, or a node that is not in the network.
    """
    ids_t = tuple(str(i) for i in ids)
    node_arr = np.asarray(nodes, dtype=np.int64).reshape(-1)
    if len(ids_t) != node_arr.size:
        raise NetworkError(
            f"travel_matrix: {len(ids_t)} ids but {node_arr.size} nodes (fix: one node per id)"
        )
    if len(set(ids_t)) != len(ids_t):
        dup = sorted({i for i in ids_t if ids_t.count(i) > 1})[:10]
        raise NetworkError(f"travel_matrix: duplicate ids {dup} (fix: make point ids unique)")
    g = net.graph
    for nd in node_arr:
        if int(nd) not in g:
            raise NetworkError(
                f"travel_matrix: node {int(nd)} is not in the road network (fix: snap the "
                f"points with maltid.network.snap on this network)"
            )
    n_pts = len(ids_t)
    if n_pts == 0:
        empty = np.empty((0, 0), dtype=MATRIX_DTYPE)
        return TravelMatrix(ids_t, node_arr, empty, empty.copy(), ())

    cached = None
    cache_file: Path | None = None
    key = ""
    enabled = (cache_dir is not None) if use_cache is None else bool(use_cache)
    if enabled:
        key = _cache_key(net, node_arr)
        cache_file = Path(cache_dir or default_cache_dir()) / f"matrix-{key[:40]}.npz"
        cached = _read_matrix_cache(cache_file, key, node_arr)
    if cached is not None:
        time_s, distance_m = cached
        logger.info("loaded %d×%d travel matrix from cache %s", n_pts, n_pts, cache_file)
    else:
        graph = _graph_arrays(net)
        pos = np.array([graph.position[int(nd)] for nd in node_arr.tolist()], dtype=np.int64)
        time_s, distance_m = _compute(graph, pos)
        if cache_file is not None:
            _write_matrix_cache(cache_file, key, node_arr, time_s, distance_m)

    unreach = ~np.isfinite(time_s)
    pairs: tuple[tuple[str, str], ...] = ()
    if unreach.any():
        ii, jj = np.nonzero(unreach)
        pairs = tuple((ids_t[a], ids_t[b]) for a, b in zip(ii, jj, strict=True))
        shown = ", ".join(f"{a}->{b}" for a, b in pairs[:10])
        logger.warning(
            "%d point pair(s) have no road path between them (kept as inf in the travel "
            "matrix): %s%s",
            len(pairs),
            shown,
            " ..." if len(pairs) > 10 else "",
        )
    return TravelMatrix(
        ids=ids_t, nodes=node_arr.copy(), time_s=time_s, distance_m=distance_m, unreachable=pairs
    )

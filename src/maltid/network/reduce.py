"""Shrinking a road graph for a travel matrix without changing any fastest path (s, m).

Before the many-to-many Dijkstra of :func:`maltid.network.travel_matrix`, the graph is
reduced for the given points (the *kept* nodes):

* **Dead ends.** A node that is not kept and has at most one neighbour (in either
  direction) lies on no fastest path between two other nodes: a path through it would
  have to come back the way it went. Such nodes are removed, repeatedly, so whole
  dead-end branches without points (farm tracks, driveways, forest roads) go.
* **Chains.** A node that is not kept and has exactly two neighbours ``a`` and ``b`` is
  passed straight through: ``a -> v -> b`` becomes one edge ``a -> b`` with the summed
  time and length (and ``b -> a`` likewise, where both directions exist). Whole chains
  of such nodes are contracted at once; a chain that closes on itself is dropped.

Both steps keep every fastest time between kept nodes, and the length (m) along each
fastest path, since a contracted edge carries the length of the chain it replaces.
Parallel edges are merged to the fastest (then the shortest), as for the full graph.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["EdgeList", "dedup_edges", "reduce_for_points"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class EdgeList:
    """Directed edges between positions ``0..n-1``, one per (u, v), sorted by (u, v).

    Parameters
    ----------
    n : int
        Number of nodes (positions).
    u, v : numpy.ndarray
        Tail and head position of each edge (int64).
    time_s : numpy.ndarray
        Travel time (s, float64, > 0) of the fastest edge from ``u`` to ``v``.
    length_m : numpy.ndarray
        Length (m, float64) of that edge.
    """

    n: int
    u: Ints
    v: Ints
    time_s: Floats
    length_m: Floats

    @property
    def keys(self) -> Ints:
        """Sorted ``u * n + v`` of the edges (for lookups by pair)."""
        return self.u * self.n + self.v


def dedup_edges(n: int, u: Ints, v: Ints, time_s: Floats, length_m: Floats) -> EdgeList:
    """Keep, per (u, v), the fastest edge (then the shortest); drop self-loops."""
    keep = u != v  # self-loops never lie on a fastest path
    u, v, time_s, length_m = u[keep], v[keep], time_s[keep], length_m[keep]
    key = u * n + v
    order = np.lexsort((length_m, time_s, key))  # by pair, then fastest, then shortest
    key, time_s, length_m = key[order], time_s[order], length_m[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, time_s, length_m = key[first], time_s[first], length_m[first]
    return EdgeList(n, key // n, key % n, time_s, length_m)


def _neighbour_pairs(edges: EdgeList, live: Bools) -> tuple[Ints, Ints]:
    """Distinct undirected neighbour pairs (a < b) among the live edges."""
    a = np.minimum(edges.u[live], edges.v[live])
    b = np.maximum(edges.u[live], edges.v[live])
    pairs = np.unique(a * edges.n + b)
    return pairs // edges.n, pairs % edges.n


def _prune_dead_ends(edges: EdgeList, alive: Bools, kept: Bools) -> bool:
    """Remove (in ``alive``) unkept nodes with at most one neighbour; True if any."""
    changed = False
    while True:
        live = alive[edges.u] & alive[edges.v]
        a, b = _neighbour_pairs(edges, live)
        degree = np.bincount(a, minlength=edges.n) + np.bincount(b, minlength=edges.n)
        leaf = alive & ~kept & (degree <= 1)
        if not leaf.any():
            return changed
        alive &= ~leaf
        changed = True


def _contract_chains(
    edges: EdgeList, alive: Bools, kept: Bools
) -> tuple[list[int], list[int], list[float], list[float]]:
    """Remove (in ``alive``) unkept two-neighbour nodes; return the bypass edges."""
    live = alive[edges.u] & alive[edges.v]
    a, b = _neighbour_pairs(edges, live)
    degree = np.bincount(a, minlength=edges.n) + np.bincount(b, minlength=edges.n)
    inner = alive & ~kept & (degree == 2)
    new_u: list[int] = []
    new_v: list[int] = []
    new_t: list[float] = []
    new_l: list[float] = []
    if not inner.any():
        return new_u, new_v, new_t, new_l
    near = inner[a] | inner[b]
    neighbours: dict[int, list[int]] = {}
    for x, y in zip(a[near].tolist(), b[near].tolist(), strict=True):
        if inner[x]:
            neighbours.setdefault(x, []).append(y)
        if inner[y]:
            neighbours.setdefault(y, []).append(x)
    touch = live & (inner[edges.u] | inner[edges.v])
    arc: dict[tuple[int, int], tuple[float, float]] = {
        (p, q): (t, length)
        for p, q, t, length in zip(
            edges.u[touch].tolist(),
            edges.v[touch].tolist(),
            edges.time_s[touch].tolist(),
            edges.length_m[touch].tolist(),
            strict=True,
        )
    }

    def walk(start: int, prev: int, cur: int) -> tuple[int, list[int]]:
        """Follow the chain from ``prev`` to ``cur`` to its first non-chain node."""
        path: list[int] = []
        while cur in neighbours and cur != start:
            path.append(cur)
            x, y = neighbours[cur]
            prev, cur = cur, (y if x == prev else x)
        return cur, path

    done: set[int] = set()
    for c in neighbours:
        if c in done:
            continue
        left, right = neighbours[c]
        end_a, path_a = walk(c, c, left)
        if end_a == c:  # a closed ring of chain nodes: no fastest path uses it
            done.add(c)
            done.update(path_a)
            continue
        end_b, path_b = walk(c, c, right)
        chain = [*reversed(path_a), c, *path_b]
        done.update(chain)
        if end_a == end_b:  # a loop back to one node
            continue
        for seq in ([end_a, *chain, end_b], [end_b, *reversed(chain), end_a]):
            hops = [arc.get(pair) for pair in itertools.pairwise(seq)]
            found = [h for h in hops if h is not None]
            if len(found) == len(hops):  # every link of the chain runs this way
                total_t = 0.0
                total_l = 0.0
                for hop_t, hop_l in found:
                    total_t += hop_t
                    total_l += hop_l
                new_u.append(seq[0])
                new_v.append(seq[-1])
                new_t.append(total_t)
                new_l.append(total_l)
    alive[np.fromiter(done, dtype=np.int64, count=len(done))] = False
    return new_u, new_v, new_t, new_l


def reduce_for_points(edges: EdgeList, kept: Bools) -> tuple[EdgeList, Ints]:
    """The graph without dead ends and chains that hold no kept node (see the module).

    Parameters
    ----------
    edges : EdgeList
        The full graph (from :func:`dedup_edges`).
    kept : numpy.ndarray
        Boolean mask over the ``edges.n`` positions: the nodes that must stay.

    Returns
    -------
    tuple of (EdgeList, numpy.ndarray)
        The reduced graph, and for every old position its new position (-1 if removed).
    """
    alive = np.ones(edges.n, dtype=bool)
    current = edges
    while True:
        before = int(alive.sum())
        _prune_dead_ends(current, alive, kept)
        new_u, new_v, new_t, new_l = _contract_chains(current, alive, kept)
        if int(alive.sum()) == before:
            break
        live = alive[current.u] & alive[current.v]
        current = dedup_edges(
            current.n,
            np.concatenate([current.u[live], np.asarray(new_u, dtype=np.int64)]),
            np.concatenate([current.v[live], np.asarray(new_v, dtype=np.int64)]),
            np.concatenate([current.time_s[live], np.asarray(new_t, dtype=np.float64)]),
            np.concatenate([current.length_m[live], np.asarray(new_l, dtype=np.float64)]),
        )
    new_index = np.full(edges.n, -1, dtype=np.int64)
    new_index[alive] = np.arange(int(alive.sum()), dtype=np.int64)
    live = alive[current.u] & alive[current.v]
    reduced = dedup_edges(
        int(alive.sum()),
        new_index[current.u[live]],
        new_index[current.v[live]],
        current.time_s[live],
        current.length_m[live],
    )
    return reduced, new_index

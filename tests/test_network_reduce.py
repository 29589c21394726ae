"""Tests of maltid.network.reduce: dead ends and chains go, fastest paths stay."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from maltid.network import NetworkStats, RoadNetwork, travel_matrix
from maltid.network.reduce import EdgeList, dedup_edges, reduce_for_points


def _edges(n: int, arcs: list[tuple[int, int, float, float]]) -> EdgeList:
    u, v, t, length = (np.array(col) for col in zip(*arcs, strict=True))
    return dedup_edges(n, u.astype(np.int64), v.astype(np.int64), t * 1.0, length * 1.0)


def _two_way(a: int, b: int, t: float, length: float) -> list[tuple[int, int, float, float]]:
    return [(a, b, t, length), (b, a, t, length)]


def test_dead_ends_rings_and_chains_are_removed() -> None:
    # 0 - 1 - 2 - 3 (a two-way chain between kept 0 and 3), a dead-end branch 1 - 4 - 5,
    # a one-way chain 3 -> 6 -> 7 -> 0, and a ring 8 - 9 - 10 - 8 hanging off nothing
    arcs = [
        *_two_way(0, 1, 10, 100),
        *_two_way(1, 2, 20, 200),
        *_two_way(2, 3, 30, 300),
        *_two_way(1, 4, 5, 50),
        *_two_way(4, 5, 5, 50),
        (3, 6, 1, 10),
        (6, 7, 1, 10),
        (7, 0, 1, 10),
        *_two_way(8, 9, 1, 1),
        *_two_way(9, 10, 1, 1),
        *_two_way(10, 8, 1, 1),
    ]
    kept = np.zeros(11, dtype=bool)
    kept[[0, 3]] = True
    reduced, new_index = reduce_for_points(_edges(11, arcs), kept)
    assert reduced.n == 2 and list(new_index[[0, 3]]) == [0, 1]
    assert (new_index[[1, 2, 4, 5, 6, 7, 8, 9, 10]] == -1).all()
    arcs_out = {
        (int(a), int(b)): (float(t), float(length))
        for a, b, t, length in zip(
            reduced.u, reduced.v, reduced.time_s, reduced.length_m, strict=True
        )
    }
    # 0 -> 3 along the chain (60 s, 600 m); 3 -> 0 by the one-way chain (3 s, 30 m)
    assert arcs_out == {(0, 1): (60.0, 600.0), (1, 0): (3.0, 30.0)}


def test_kept_nodes_stay_and_parallel_edges_keep_the_fastest() -> None:
    arcs = [*_two_way(0, 1, 10, 100), *_two_way(1, 2, 10, 100), (0, 2, 25, 150), (0, 2, 25, 90)]
    kept = np.array([True, True, True])
    reduced, new_index = reduce_for_points(_edges(3, arcs), kept)
    assert reduced.n == 3 and list(new_index) == [0, 1, 2]
    pairs = dict(zip(reduced.keys.tolist(), reduced.length_m.tolist(), strict=True))
    assert pairs[0 * 3 + 2] == 90.0  # same time: the shorter parallel edge


def _random_network(seed: int) -> RoadNetwork:
    rng = np.random.default_rng(seed)
    g = nx.MultiDiGraph(crs="epsg:4326")
    n = 60
    for i in range(n):
        g.add_node(i, x=17 + rng.uniform(0, 0.1), y=63 + rng.uniform(0, 0.05))
    # a random tree (lots of dead ends and chains) plus a few extra edges, some one-way
    for i in range(1, n):
        j = int(rng.integers(0, i))
        length = float(rng.uniform(50, 900))
        speed = float(rng.choice([30.0, 50.0, 70.0]))
        g.add_edge(j, i, length=length, travel_time=length / speed * 3.6)
        if rng.random() < 0.85:
            g.add_edge(i, j, length=length, travel_time=length / speed * 3.6)
    for _ in range(15):
        a, b = (int(x) for x in rng.integers(0, n, 2))
        length = float(rng.uniform(100, 2000))
        g.add_edge(a, b, length=length, travel_time=length / 13.9)
    stats = NetworkStats("random", n, 0, 0, 0, 0, n, g.number_of_edges(), 0.0)
    return RoadNetwork(graph=g, stats=stats, cache_key=f"random-{seed}")


@pytest.mark.parametrize("seed", range(6))
def test_reduced_matrix_equals_networkx_on_random_graphs(seed: int) -> None:
    net = _random_network(seed)
    g = net.graph
    rng = np.random.default_rng(100 + seed)
    nodes = [int(x) for x in rng.choice(60, size=12, replace=False)]
    m = travel_matrix(net, [f"p{i}" for i in range(12)], nodes)
    for i, j in itertools.product(range(12), repeat=2):
        if i == j:
            continue
        try:
            time_s, path = nx.single_source_dijkstra(g, nodes[i], nodes[j], weight="travel_time")
        except nx.NetworkXNoPath:
            assert np.isinf(m.time_s[i, j]) and np.isinf(m.distance_m[i, j])
            assert (f"p{i}", f"p{j}") in m.unreachable
            continue
        length_m = sum(
            min(g[a][b].values(), key=lambda d: (d["travel_time"], d["length"]))["length"]
            for a, b in itertools.pairwise(path)
        )
        assert m.time_s[i, j] == pytest.approx(time_s, rel=1e-6)
        assert m.distance_m[i, j] == pytest.approx(length_m, rel=1e-6)

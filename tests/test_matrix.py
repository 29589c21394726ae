"""Tests of maltid.network.matrix: exactness against networkx, asymmetry, sharing, cache."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from maltid.errors import NetworkError
from maltid.network import NetworkStats, RoadNetwork, build_network
from maltid.network.matrix import TravelMatrix, travel_matrix

# the toy network's node positions (lat, lon) in degrees (as in conftest's toy network)
TOY_NODES: dict[int, tuple[float, float]] = {
    1: (63.000, 17.000),
    2: (63.000, 17.010),
    3: (63.005, 17.010),
    4: (63.005, 17.000),
}


def _fastest_path_length_m(g: nx.MultiDiGraph, path: list[int]) -> float:
    total = 0.0
    for u, v in itertools.pairwise(path):
        total += min(g[u][v].values(), key=lambda d: (d["travel_time"], d["length"]))["length"]
    return total


@pytest.mark.parametrize("name", ["north-bayreuth", "andorra", "pyrosm-test"])
def test_matrix_equals_networkx_dijkstra(name: str, road_network: Callable[[str], Any]) -> None:
    net: RoadNetwork = road_network(name)
    g = net.graph
    rng = np.random.default_rng(7)
    nodes = rng.choice(np.fromiter(g.nodes, dtype=np.int64), size=40, replace=False)
    ids = [f"r{i}" for i in range(nodes.size)]
    m = travel_matrix(net, ids, nodes)
    assert m.time_s.shape == m.distance_m.shape == (40, 40)
    assert m.time_s.dtype == m.distance_m.dtype == np.float32 and m.unreachable == ()
    assert np.all(np.diag(m.time_s) == 0) and np.all(np.diag(m.distance_m) == 0)
    checked = 0
    for i in range(0, 40, 4):
        times, paths = nx.single_source_dijkstra(g, int(nodes[i]), weight="travel_time")
        for j in range(40):
            if i == j:
                continue
            target = int(nodes[j])
            assert m.time_s[i, j] == pytest.approx(times[target], rel=1e-3)
            expected_m = _fastest_path_length_m(g, paths[target])
            assert m.distance_m[i, j] == pytest.approx(expected_m, rel=1e-3)
            checked += 1
    assert checked == 390
    # a real network is asymmetric somewhere (one-way streets, turning loops)
    assert not np.allclose(m.time_s, m.time_s.T)


def test_toy_matrix_one_way_asymmetry(toy_osm: Path, tmp_path: Path) -> None:
    net = build_network(osm=toy_osm, cache_dir=tmp_path)
    g = net.graph
    m = travel_matrix(net, ["b", "d"], [2, 4])
    direct = min(d["travel_time"] for d in g[2][4].values())
    assert m.time_s[0, 1] == pytest.approx(direct)  # B->D on the one-way street
    back = nx.shortest_path_length(g, 4, 2, weight="travel_time")
    assert m.time_s[1, 0] == pytest.approx(back) and back > direct
    assert m.distance_m[0, 1] == pytest.approx(min(d["length"] for d in g[2][4].values()))


def test_points_on_same_node_share_a_row_and_sub_matrices_agree(
    road_network: Callable[[str], Any],
) -> None:
    net: RoadNetwork = road_network("pyrosm-test")
    nodes = list(net.graph.nodes)[:5]
    m = travel_matrix(net, ["a", "b", "c", "d", "e", "a2"], [*nodes, nodes[0]])
    assert np.array_equal(m.time_s[0, 1:5], m.time_s[5, 1:5])
    assert np.array_equal(m.time_s[1:5, 0], m.time_s[1:5, 5])
    assert m.time_s[0, 5] == 0 and m.time_s[5, 0] == 0
    assert m.index("c") == 2
    with pytest.raises(KeyError, match="zz"):
        m.index("zz")
    sub = travel_matrix(net, ["e", "a"], [nodes[4], nodes[0]])
    assert sub.ids == ("e", "a") and list(sub.nodes) == [nodes[4], nodes[0]]
    assert sub.time_s[0, 1] == m.time_s[4, 0] and sub.distance_m[1, 0] == m.distance_m[0, 4]


def _two_islands() -> RoadNetwork:
    g = nx.MultiDiGraph(crs="epsg:4326")
    for n, (lat, lon) in TOY_NODES.items():
        g.add_node(n, x=lon, y=lat)
    for u, v in [(1, 2), (2, 1), (3, 4), (4, 3)]:
        g.add_edge(u, v, length=500.0, travel_time=45.0, speed_kph=40.0, highway="residential")
    g.add_edge(1, 2, length=400.0, travel_time=60.0, speed_kph=24.0, highway="track")
    stats = NetworkStats("hand-made", 4, 4, 0, 0, 0, 4, 5, 0.0)
    return RoadNetwork(graph=g, stats=stats, cache_key="islands")


def test_unreachable_pairs_are_inf_listed_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    net = _two_islands()
    with caplog.at_level(logging.WARNING, logger="maltid"):
        m = travel_matrix(net, ["a", "b", "c"], [1, 2, 3])
    assert m.time_s[0, 1] == 45.0 and m.distance_m[0, 1] == 500.0  # faster parallel edge
    assert np.isinf(m.time_s[0, 2]) and np.isinf(m.distance_m[2, 1])
    assert set(m.unreachable) == {("a", "c"), ("b", "c"), ("c", "a"), ("c", "b")}
    assert "4 point pair(s) have no road path" in caplog.text and "a->c" in caplog.text
    assert travel_matrix(net, ["a", "b"], [1, 2]).unreachable == ()


def test_bad_matrix_input(toy_osm: Path, tmp_path: Path) -> None:
    net = build_network(osm=toy_osm, cache_dir=tmp_path)
    with pytest.raises(NetworkError, match="node 99 is not in the road network"):
        travel_matrix(net, ["a", "b"], [1, 99])
    with pytest.raises(NetworkError, match="duplicate ids"):
        travel_matrix(net, ["a", "a"], [1, 2])
    with pytest.raises(NetworkError, match="2 ids but 1 nodes"):
        travel_matrix(net, ["a", "b"], [1])
    empty = travel_matrix(net, [], [])
    assert isinstance(empty, TravelMatrix) and empty.time_s.shape == (0, 0)


# --------------------------------------------------------------------------------------
# disk cache
# --------------------------------------------------------------------------------------


def _counting_dijkstra(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import maltid.network.matrix as mx

    calls: list[int] = []
    real = mx.dijkstra

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(mx, "dijkstra", counted)
    return calls


def _sample(net: RoadNetwork, n: int, seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    nodes = rng.choice(np.fromiter(net.graph.nodes, dtype=np.int64), size=n, replace=False)
    return [f"p{i}" for i in range(n)], nodes


def test_matrix_cache_hit_is_identical_and_skips_dijkstra(
    road_network: Callable[[str], Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    net: RoadNetwork = road_network("andorra")
    ids, nodes = _sample(net, 30, seed=11)
    calls = _counting_dijkstra(monkeypatch)
    plain = travel_matrix(net, ids, nodes)  # no cache_dir: nothing written
    assert len(calls) >= 1 and not list(tmp_path.iterdir())
    first = travel_matrix(net, ids, nodes, cache_dir=tmp_path)
    n_first = len(calls)
    files = sorted(tmp_path.glob("matrix-*.npz"))
    assert len(files) == 1 and not list(tmp_path.glob(".*.tmp"))  # atomic: no leftovers
    with caplog.at_level(logging.INFO, logger="maltid"):
        second = travel_matrix(net, [f"other{i}" for i in range(30)], nodes, cache_dir=tmp_path)
    assert len(calls) == n_first  # served from the cache: no Dijkstra run
    assert "from cache" in caplog.text
    for m in (first, second):
        assert m.time_s.dtype == m.distance_m.dtype == np.float32
        assert np.array_equal(m.time_s, plain.time_s)
        assert np.array_equal(m.distance_m, plain.distance_m)
    assert second.ids == tuple(f"other{i}" for i in range(30))  # ids re-attached
    assert list(second.nodes) == list(nodes)
    # other nodes (or another order) are another cache entry
    travel_matrix(net, ids, nodes[::-1], cache_dir=tmp_path)
    assert len(calls) > n_first and len(list(tmp_path.glob("matrix-*.npz"))) == 2


def test_matrix_cache_honours_env_dir_and_network_key(
    road_network: Callable[[str], Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    net: RoadNetwork = road_network("pyrosm-test")
    ids, nodes = _sample(net, 8, seed=2)
    monkeypatch.setenv("MALTID_CACHE_DIR", str(tmp_path / "env"))
    travel_matrix(net, ids, nodes, use_cache=True)
    assert len(list((tmp_path / "env").glob("matrix-*.npz"))) == 1
    travel_matrix(net, ids, nodes, cache_dir=tmp_path / "off", use_cache=False)
    assert not (tmp_path / "off").exists()
    # a network with another cache key (e.g. a winter speed factor) never shares an entry
    calls = _counting_dijkstra(monkeypatch)
    winter = RoadNetwork(graph=net.graph, stats=net.stats, cache_key=net.cache_key + "-winter")
    travel_matrix(winter, ids, nodes, use_cache=True)
    assert len(calls) == 1 and len(list((tmp_path / "env").glob("matrix-*.npz"))) == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong-shape"])
def test_corrupt_matrix_cache_is_rebuilt_with_warning(
    damage: str,
    road_network: Callable[[str], Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    net: RoadNetwork = road_network("pyrosm-test")
    ids, nodes = _sample(net, 10, seed=5)
    good = travel_matrix(net, ids, nodes, cache_dir=tmp_path)
    (path,) = tmp_path.glob("matrix-*.npz")
    if damage == "garbage":
        path.write_bytes(b"not a zip file at all")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:-200])
    else:
        with np.load(path) as data:
            arrays = dict(data)
        arrays["time_s"] = arrays["time_s"][:5]
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)
    calls = _counting_dijkstra(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="maltid"):
        again = travel_matrix(net, ids, nodes, cache_dir=tmp_path)
    assert len(calls) >= 1  # recomputed
    assert "travel matrix cache entry" in caplog.text and "rebuilding" in caplog.text
    assert np.array_equal(again.time_s, good.time_s)
    assert np.array_equal(again.distance_m, good.distance_m)
    caplog.clear()
    calls.clear()
    third = travel_matrix(net, ids, nodes, cache_dir=tmp_path)  # the rewritten entry is good
    assert not calls and "unreadable" not in caplog.text
    assert np.array_equal(third.time_s, good.time_s)


def test_unreachable_pairs_survive_the_cache(tmp_path: Path) -> None:
    net = _two_islands()
    first = travel_matrix(net, ["a", "b", "c"], [1, 2, 3], cache_dir=tmp_path)
    second = travel_matrix(net, ["a", "b", "c"], [1, 2, 3], cache_dir=tmp_path)
    assert second.unreachable == first.unreachable and len(first.unreachable) == 4
    assert np.isinf(second.distance_m[2, 1]) and second.time_s[0, 1] == 45.0

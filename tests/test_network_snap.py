"""Tests of maltid.network.snap: nearest routable node, distances in the local UTM zone."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from conftest import TOY_NODES
from maltid.errors import NetworkError
from maltid.network import RoadNetwork, build_network, snap
from maltid.network.snap import _snap_index, _utm_epsg


@pytest.fixture(scope="module")
def toy(toy_osm: Path, tmp_path_factory: pytest.TempPathFactory) -> RoadNetwork:
    return build_network(osm=toy_osm, cache_dir=tmp_path_factory.mktemp("toy-cache"))


def test_snap_distances(toy: RoadNetwork, caplog: pytest.LogCaptureFixture) -> None:
    to_utm = Transformer.from_crs(4326, 32633, always_xy=True)
    to_wgs = Transformer.from_crs(32633, 4326, always_xy=True)
    lat1, lon1 = TOY_NODES[1]
    x, y = to_utm.transform(lon1, lat1)
    lon_off, lat_off = to_wgs.transform(x - 60.0, y - 80.0)  # 100 m south-west of node 1
    lat = [lat1, lat_off, 63.1, TOY_NODES[3][0]]
    lon = [lon1, lon_off, 17.0, TOY_NODES[3][1]]
    with caplog.at_level(logging.WARNING, logger="maltid"):
        s = snap(toy, ["at-node", "offset", "far-away", "c"], lat, lon, warn_beyond_m=2000.0)
    assert s.ids == ("at-node", "offset", "far-away", "c")
    assert s.node.dtype == np.int64 and s.snap_distance_m.dtype == np.float64
    assert list(s.node) == [1, 1, 4, 3]
    assert s.snap_distance_m[0] < 0.01
    assert s.snap_distance_m[1] == pytest.approx(100.0, rel=0.01)
    assert s.snap_distance_m[2] == pytest.approx(10_565, rel=0.02)  # 0.095 deg of latitude
    assert s.far == ("far-away",)
    assert "far-away" in caplog.text and "10" in caplog.text


def test_snap_bad_input(toy: RoadNetwork) -> None:
    with pytest.raises(NetworkError, match="one lat/lon per id"):
        snap(toy, ["a", "b"], [63.0], [17.0])
    with pytest.raises(NetworkError, match=r"invalid coordinates.*bad"):
        snap(toy, ["ok", "bad"], [63.0, float("nan")], [17.0, 17.0])
    empty = snap(toy, [], [], [])
    assert empty.node.size == 0 and empty.far == ()


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [(17.0, 63.0, 32633), (9.5, 47.1, 32632), (1.5, 42.5, 32631), (-70.0, -33.0, 32719)],
)
def test_utm_zone_from_pyproj(lon: float, lat: float, epsg: int) -> None:
    assert _utm_epsg(lon, lat) == epsg


def test_snap_index_follows_the_graph(toy: RoadNetwork) -> None:
    # a second network object on the same graph reuses its index; results are equal
    twin = RoadNetwork(graph=toy.graph, stats=toy.stats, cache_key="twin")
    a = snap(toy, ["p"], [63.001], [17.002])
    b = snap(twin, ["p"], [63.001], [17.002])
    assert list(a.node) == list(b.node) == [1]
    assert a.snap_distance_m[0] == b.snap_distance_m[0] > 0
    assert _snap_index(twin.graph) is _snap_index(toy.graph)  # built once per graph

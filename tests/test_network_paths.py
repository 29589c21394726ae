"""Tests of maltid.network.paths: road polylines (lat, lon) along the fastest paths."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from pyproj import Geod

from maltid.errors import NetworkError
from maltid.network import RoadNetwork, path_coords, route_coords, travel_matrix
from maltid.network import matrix as matrix_module
from test_matrix import TOY_NODES, _two_islands


def test_route_coords_follow_the_fastest_path(road_network: Callable[[str], Any]) -> None:
    net: RoadNetwork = road_network("andorra")
    g = net.graph
    rng = np.random.default_rng(3)
    stops = [int(n) for n in rng.choice(np.fromiter(g.nodes, dtype=np.int64), 4, replace=False)]
    coords = route_coords(net, stops)
    assert coords[0] == pytest.approx((g.nodes[stops[0]]["y"], g.nodes[stops[0]]["x"]))
    assert coords[-1] == pytest.approx((g.nodes[stops[-1]]["y"], g.nodes[stops[-1]]["x"]))
    lats, lons = zip(*coords, strict=True)
    polyline_m = Geod(ellps="WGS84").line_length(lons, lats)  # metres on the ellipsoid
    m = travel_matrix(net, ["s0", "s1", "s2", "s3"], stops)
    along = m.distance_m[0, 1] + m.distance_m[1, 2] + m.distance_m[2, 3]
    assert polyline_m == pytest.approx(along, rel=0.01)
    seg = path_coords(net, stops[0], stops[1])
    assert seg[0] == coords[0] and len(seg) >= 2


def test_path_coords_without_path_is_a_straight_line(caplog: pytest.LogCaptureFixture) -> None:
    net = _two_islands()
    with caplog.at_level(logging.WARNING, logger="maltid"):
        line = path_coords(net, 1, 3)
    assert line == [TOY_NODES[1], TOY_NODES[3]]
    assert "no road path" in caplog.text
    assert path_coords(net, 2, 2) == [TOY_NODES[2]]
    with pytest.raises(NetworkError, match="node 77"):
        path_coords(net, 1, 77)


def test_route_coords_stay_importable_from_the_matrix_module() -> None:
    # pipeline and faces.maps import them from maltid.network.matrix
    assert matrix_module.route_coords is route_coords
    assert matrix_module.path_coords is path_coords

"""The routes' road geometry, searched once and shared by routes.geojson, outputs.gpkg and maps."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fixtures_comparison as fc
import maltid.network
from maltid.comparison import Comparison
from maltid.faces.export import write_geopackage, write_outputs
from maltid.faces.maps import render_map
from maltid.faces.tables import routes_geojson
from maltid.network import RoadPaths


@pytest.fixture
def comparison() -> Comparison:
    return fc.make_comparison()


def _route_nodes(comparison: Comparison) -> list[list[int]]:
    node_of = {
        str(i): int(n) for i, n in zip(comparison.matrix.ids, comparison.matrix.nodes, strict=True)
    }
    return [
        [node_of[r.depot_id], *(node_of[s] for s in r.stop_ids), node_of[r.depot_id]]
        for res in comparison.results.values()
        for day in res.plan.days
        for r in day.plan.routes
    ]


def test_route_paths_are_route_coords_with_each_leg_searched_once(
    comparison: Comparison, monkeypatch: pytest.MonkeyPatch
) -> None:
    routes = _route_nodes(comparison)
    assert routes
    expected = [maltid.network.route_coords(comparison.network, nodes) for nodes in routes]
    searched: Counter[tuple[int, int]] = Counter()
    real = maltid.network.paths._path_coords

    def counting(net: Any, a: int, b: int, weight: Any) -> list[tuple[float, float]]:
        searched[(a, b)] += 1
        return real(net, a, b, weight)

    monkeypatch.setattr(maltid.network.paths, "_path_coords", counting)
    paths = RoadPaths(comparison.network)
    assert [paths.route(nodes) for nodes in routes] == expected
    assert [paths.route(nodes) for nodes in reversed(routes)] == expected[::-1]
    assert searched and max(searched.values()) == 1
    assert paths.route([routes[0][0]]) == maltid.network.route_coords(
        comparison.network, [routes[0][0]]
    )


def test_write_outputs_shares_the_geometry_without_changing_the_files(
    comparison: Comparison, tmp_path: Path
) -> None:
    written = write_outputs(comparison, tmp_path, lang="en")
    routes = json.dumps(routes_geojson(comparison), ensure_ascii=False)
    assert written["routes.geojson"].read_text(encoding="utf-8") == routes
    assert written["map.html"].read_text(encoding="utf-8") == render_map(comparison, lang="en")


def test_a_route_on_one_road_node_is_a_line_of_two_equal_positions(
    comparison: Comparison, tmp_path: Path
) -> None:
    import geopandas as gpd

    # every kitchen and recipient on one road node: each route is 0 km, a single point
    nodes = np.full_like(comparison.matrix.nodes, comparison.matrix.nodes[0])
    one_node = dataclasses.replace(
        comparison, matrix=dataclasses.replace(comparison.matrix, nodes=nodes)
    )
    lines = [f["geometry"]["coordinates"] for f in routes_geojson(one_node)["features"]]
    assert lines and all(len(c) == 2 and c[0] == c[1] for c in lines)
    gdf = gpd.read_file(write_geopackage(one_node, tmp_path / "outputs.gpkg"), layer="routes")
    assert len(gdf) == len(lines)
    assert all(g.geom_type == "LineString" for g in gdf.geometry)

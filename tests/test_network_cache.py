"""Tests of maltid.network.cache: npz + JSON sidecar, checked on load, no pickle."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from conftest import TOY_WAYS, toy_osm_text
from maltid.network import build_network
from maltid.network.cache import file_sha256


def _same_roads(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    """Same nodes and edges with the same data (graph metadata such as dates ignored)."""
    return dict(a.nodes(data=True)) == dict(b.nodes(data=True)) and sorted(
        a.edges(keys=True, data=True), key=repr
    ) == sorted(b.edges(keys=True, data=True), key=repr)


def test_cache_round_trip_and_corruption(
    toy_osm: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = build_network(osm=toy_osm, cache_dir=tmp_path)
    assert not first.stats.from_cache
    entries = list(tmp_path.glob("network-*.npz"))
    assert len(entries) == 1
    assert len(list(tmp_path.glob("network-*.json"))) == 1
    second = build_network(osm=toy_osm, cache_dir=tmp_path)
    assert second.stats.from_cache and second.cache_key == first.cache_key
    assert nx.utils.graphs_equal(first.graph, second.graph)
    assert second.stats.nodes == first.stats.nodes

    for garbage in (b"not a graph at all", entries[0].read_bytes()[:-100]):
        entries[0].write_bytes(garbage)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="maltid"):
            rebuilt = build_network(osm=toy_osm, cache_dir=tmp_path)
        assert not rebuilt.stats.from_cache
        assert entries[0].name in caplog.text and "rebuilding" in caplog.text
        assert _same_roads(first.graph, rebuilt.graph)
        assert build_network(osm=toy_osm, cache_dir=tmp_path).stats.from_cache


def test_cache_dir_from_environment(
    toy_osm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MALTID_CACHE_DIR", str(tmp_path / "env-cache"))
    build_network(osm=toy_osm)
    assert list((tmp_path / "env-cache").glob("network-*.npz"))


def test_cache_key_follows_file_content(tmp_path: Path) -> None:
    path = tmp_path / "a.osm"
    path.write_text(toy_osm_text())
    key1 = build_network(osm=path, cache_dir=tmp_path).cache_key
    path.write_text(toy_osm_text(TOY_WAYS[:6]))
    net = build_network(osm=path, cache_dir=tmp_path)
    assert net.cache_key != key1 and not net.stats.from_cache


def _canonical(g: nx.MultiDiGraph) -> str:
    """The graph's nodes and edges as JSON text (NaN as NaN, geometry as WKT)."""
    nodes = sorted(g.nodes(data=True))
    edges = sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    return json.dumps([nodes, edges], sort_keys=True, default=str)


@pytest.mark.parametrize(
    "damage", ["sidecar-garbage", "sidecar-key", "sidecar-missing", "graph-missing", "bad-npz"]
)
def test_broken_sidecar_or_graph_is_rebuilt(
    damage: str, toy_osm: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = build_network(osm=toy_osm, cache_dir=tmp_path)
    (arrays,) = tmp_path.glob("network-*.npz")
    sidecar = arrays.with_suffix(".json")
    meta = json.loads(sidecar.read_text())
    assert meta["key"] == first.cache_key and meta["npz_sha256"] == file_sha256(arrays)
    assert meta["stats"]["edges"] == first.stats.edges
    if damage == "sidecar-garbage":
        sidecar.write_text("{not json")
    elif damage == "sidecar-key":
        sidecar.write_text(json.dumps({**meta, "key": "0" * 64}))
    elif damage == "sidecar-missing":
        sidecar.unlink()
    elif damage == "graph-missing":
        arrays.unlink()
    else:  # valid digest of a file that is not npz
        arrays.write_bytes(b"PK\x03\x04 not really a zip")
        sidecar.write_text(json.dumps({**meta, "npz_sha256": file_sha256(arrays)}))
    with caplog.at_level(logging.WARNING, logger="maltid"):
        rebuilt = build_network(osm=toy_osm, cache_dir=tmp_path)
    assert not rebuilt.stats.from_cache
    assert "rebuilding" in caplog.text
    assert _same_roads(first.graph, rebuilt.graph)
    again = build_network(osm=toy_osm, cache_dir=tmp_path)
    assert again.stats.from_cache and _same_roads(again.graph, first.graph)


@pytest.mark.parametrize("name", ["liechtenstein", "north-bayreuth"])
def test_real_extract_round_trips_through_the_cache(
    name: str, extract_path: Callable[[str], Path], tmp_path: Path
) -> None:
    path = extract_path(name)
    built = build_network(osm=path, cache_dir=tmp_path)
    loaded = build_network(osm=path, cache_dir=tmp_path)
    assert loaded.stats.from_cache and not built.stats.from_cache
    assert loaded.stats.nodes == built.stats.nodes and loaded.stats.source == built.stats.source
    # equal data; NaN (pyrosm's "untagged" inside merged tag lists) compared as NaN
    assert _canonical(built.graph) == _canonical(loaded.graph)
    assert loaded.graph.graph == built.graph.graph
    # the entry is data only: plain npz arrays and a JSON sidecar, nothing that unpickles
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n.rsplit(".", 1)[1] for n in names] == ["json", "npz"]
    with np.load(tmp_path / names[1], allow_pickle=False) as data:
        assert all(data[name].dtype != object for name in data.files)
        assert data["node_id"].size == built.stats.nodes

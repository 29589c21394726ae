"""Drivable road networks (lengths in m, speeds in km/h, times in s) from OpenStreetMap.

This is the only maltid module that imports osmnx and pyrosm. It reads OSM XML
(``.osm``, ``.osm.gz``, ``.osm.bz2``), OSM PBF (``.osm.pbf`` via pyrosm), GraphML or
downloads by place name / bounding box, keeps the ways a car may drive, respects
one-way streets, simplifies the topology, keeps the largest strongly connected
component, adds speeds and travel times, and caches the result on disk.

The drivable filter
-------------------
A way is kept when its ``highway`` tag is one of :data:`DRIVABLE_HIGHWAYS`
(motorway … residential, living_street, service, unclassified, road and ``track``)
and it is not closed to cars. ``track`` is kept on purpose: in rural Sweden many
homes lie on forest and farm roads (skogsbilvägar) mapped as tracks; a track closed to
motor vehicles is dropped like any other closed way. Access is decided by the most
specific tag present among ``motorcar``, ``motor_vehicle``, ``vehicle`` and ``access``
(OSM's access hierarchy): the way is closed when that tag's value (or one of its
``;``-separated values) is in :data:`CLOSED_ACCESS_VALUES`. Ways tagged ``area=yes``
are dropped. Everything else (footway, path, cycleway, bridleway, steps, pedestrian,
construction, proposed, abandoned, platform, raceway, busway, railways, untagged
ways) is not in the allow-list and therefore dropped.
"""

from __future__ import annotations

import ast
import bz2
import contextlib
import dataclasses
import gzip
import hashlib
import json
import logging
import math
import os
import pickle
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Any, cast
from xml.sax.saxutils import quoteattr

import networkx as nx
import numpy as np
import osmnx as ox

from maltid._io import atomic_path
from maltid.errors import NetworkError

__all__ = [
    "CLOSED_ACCESS_VALUES",
    "DEFAULT_SPEEDS_KPH",
    "DRIVABLE_HIGHWAYS",
    "FALLBACK_SPEED_KPH",
    "NetworkStats",
    "RoadNetwork",
    "Snapped",
    "build_network",
    "default_cache_dir",
    "is_drivable",
    "load_network",
    "save_graphml",
    "snap",
]

logger = logging.getLogger("maltid")

#: Bumped whenever the built graph or the cache layout changes; part of the cache key.
CACHE_FORMAT_VERSION = 1
_CACHE_MAGIC = b"MALTIDNET1\n"

#: Default free-flow speeds (km/h) per OSM ``highway`` class, used where ``maxspeed``
#: is missing or not numeric. Swedish rural defaults: Transportstyrelsen's
#: "bashastighet" (trafikförordningen 3 kap. 17 §) is 70 km/h outside built-up areas and
#: 50 km/h inside them; roads of higher classes are usually signed higher (motorway 110,
#: trunk 90, primary 80), gravel and forest roads are driven slower in practice.
#: ``living_street`` is "gångfartsområde" (walking pace, about 7-10 km/h).
DEFAULT_SPEEDS_KPH: dict[str, float] = {
    "motorway": 110.0,
    "motorway_link": 80.0,
    "trunk": 90.0,
    "trunk_link": 70.0,
    "primary": 80.0,
    "primary_link": 60.0,
    "secondary": 70.0,
    "secondary_link": 50.0,
    "tertiary": 60.0,
    "tertiary_link": 40.0,
    "unclassified": 50.0,
    "road": 40.0,
    "residential": 40.0,
    "living_street": 10.0,
    "service": 20.0,
    "track": 30.0,
}

#: Speed (km/h) for an edge whose class is missing from the speed table: the 50 km/h
#: built-up-area "bashastighet".
FALLBACK_SPEED_KPH = 50.0

#: ``highway`` values a car may drive on (an allow-list; everything else is dropped).
DRIVABLE_HIGHWAYS: frozenset[str] = frozenset(DEFAULT_SPEEDS_KPH)

#: Access values that close a way to a meal-delivery car. ``agricultural`` and
#: ``forestry`` mean "only for farm/forestry vehicles" and close the way as well;
#: ``destination``, ``delivery``, ``customers`` and ``permissive`` keep it open.
CLOSED_ACCESS_VALUES: frozenset[str] = frozenset({"no", "private", "agricultural", "forestry"})

#: Access keys from the most to the least specific for a car.
_ACCESS_KEYS: tuple[str, ...] = ("motorcar", "motor_vehicle", "vehicle", "access")

_EXTRA_WAY_TAGS: tuple[str, ...] = ("motor_vehicle", "motorcar", "vehicle", "area")

#: Way tags kept as edge attributes.
_KEEP_WAY_TAGS: tuple[str, ...] = (
    "highway",
    "name",
    "ref",
    "maxspeed",
    "oneway",
    "junction",
    "access",
    "motor_vehicle",
    "motorcar",
    "vehicle",
    "service",
    "bridge",
    "tunnel",
    "lanes",
    "area",
)

_EDGE_ATTRS: frozenset[str] = frozenset(
    (*_KEEP_WAY_TAGS, "osmid", "oneway", "reversed", "length", "geometry")
)


@dataclass(frozen=True)
class NetworkStats:
    """What building a road network kept and dropped (counts; times in s).

    Parameters
    ----------
    source : str
        Description of the source (file name, place query or bounding box).
    raw_nodes : int
        OSM nodes used by the ways read from the source, before filtering.
    raw_edges : int
        Way segments (consecutive node pairs) read from the source before filtering. For
        OSM XML every way counts; pyrosm reads only ways with a ``highway`` tag from PBF;
        for GraphML and downloads these are the graph's directed edges.
    dropped_non_drivable_edges : int
        Of ``raw_edges``, those dropped by the drivable filter.
    dropped_scc_nodes : int
        Nodes of the directed drivable graph outside its largest strongly connected
        component (counted before simplification for OSM XML, GraphML and downloads; after
        pyrosm's simplification for PBF).
    dropped_scc_edges : int
        Directed edges outside the largest strongly connected component.
    nodes : int
        Nodes of the final, simplified graph.
    edges : int
        Directed edges of the final, simplified graph.
    build_time_s : float
        Wall time of the build from the source (s).
    from_cache : bool
        True when this network was loaded from the disk cache.
    load_time_s : float
        Wall time of the cache load (s); 0 when built.
    """

    source: str
    raw_nodes: int
    raw_edges: int
    dropped_non_drivable_edges: int
    dropped_scc_nodes: int
    dropped_scc_edges: int
    nodes: int
    edges: int
    build_time_s: float
    from_cache: bool = False
    load_time_s: float = 0.0

    def summary(self) -> str:
        """Return a one-line human summary of the counts."""
        return (
            f"{self.source}: {self.raw_edges:,} raw way segments, "
            f"{self.dropped_non_drivable_edges:,} non-drivable dropped, "
            f"{self.dropped_scc_nodes:,} nodes / {self.dropped_scc_edges:,} edges outside the "
            f"largest strongly connected component dropped; final graph {self.nodes:,} nodes, "
            f"{self.edges:,} edges"
        )


@dataclass(frozen=True)
class RoadNetwork:
    """A drivable, strongly connected road graph (lengths m, speeds km/h, times s).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Nodes keyed by OSM id with ``x`` (lon) and ``y`` (lat) in EPSG:4326. Edges carry
        ``length`` (m), ``speed_kph``, ``travel_time`` (s), ``highway`` (str) and, for
        simplified edges, ``geometry`` (shapely LineString, lon/lat).
    stats : NetworkStats
        What was kept and dropped.
    cache_key : str
        sha256 of the inputs; identifies the network (used by matrix caches).
    """

    graph: nx.MultiDiGraph = field(repr=False, compare=False)
    stats: NetworkStats
    cache_key: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Bounding box in degrees: (west, south, east, north)."""
        xs = np.fromiter((d["x"] for _, d in self.graph.nodes(data=True)), dtype=np.float64)
        ys = np.fromiter((d["y"] for _, d in self.graph.nodes(data=True)), dtype=np.float64)
        return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))

    @cached_property
    def _snap_index(self) -> _SnapIndex:
        return _SnapIndex.build(self.graph)

    def edges_frame(self) -> Any:
        """Edges as a pandas DataFrame for maps (lengths m, times s).

        Returns
        -------
        pandas.DataFrame
            Columns ``u``, ``v``, ``highway``, ``length_m``, ``speed_kph``, ``time_s`` and
            ``coords`` (list of (lat, lon) along the edge).
        """
        import pandas as pd

        rows = []
        g = self.graph
        for u, v, d in g.edges(data=True):
            geom = d.get("geometry")
            if geom is not None:
                coords = [(float(y), float(x)) for x, y in geom.coords]
            else:
                coords = [
                    (float(g.nodes[u]["y"]), float(g.nodes[u]["x"])),
                    (float(g.nodes[v]["y"]), float(g.nodes[v]["x"])),
                ]
            rows.append(
                {
                    "u": u,
                    "v": v,
                    "highway": d.get("highway"),
                    "length_m": float(d["length"]),
                    "speed_kph": float(d["speed_kph"]),
                    "time_s": float(d["travel_time"]),
                    "coords": coords,
                }
            )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class Snapped:
    """Points snapped to their nearest routable node (distances in m).

    Parameters
    ----------
    ids : tuple of str
        The point ids, in input order.
    node : numpy.ndarray
        OSM node id (int64) of the nearest routable node of each point.
    snap_distance_m : numpy.ndarray
        Straight-line distance (m, float64, in the local UTM projection) from each point
        to its node.
    far : tuple of str
        Ids of points farther than ``warn_beyond_m`` from any routable node (kept, not
        dropped; a warning is logged for each).
    """

    ids: tuple[str, ...]
    node: np.ndarray
    snap_distance_m: np.ndarray
    far: tuple[str, ...]


# --------------------------------------------------------------------------- filter


def _closed(value: Any) -> bool:
    parts = {p.strip().lower() for p in str(value).split(";")}
    return bool(parts & CLOSED_ACCESS_VALUES)


def _first_highway(value: Any) -> str | None:
    """Highway class of a tag value (str, list or "['a', 'b']"); the fastest if several."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and value.startswith("["):
        with contextlib.suppress(ValueError, SyntaxError):
            value = ast.literal_eval(value)
    if isinstance(value, list | tuple | set):
        classes = [str(v) for v in value]
        if not classes:
            return None
        return max(classes, key=lambda c: DEFAULT_SPEEDS_KPH.get(c, 0.0))
    return str(value).split(";")[0].strip()


def is_drivable(tags: Mapping[str, Any]) -> bool:
    """Whether a way with these OSM tags may be driven by a car (see the module docstring).

    Parameters
    ----------
    tags : Mapping
        OSM way tags (missing keys or None/NaN values mean "not tagged").

    Returns
    -------
    bool
        True for an allowed highway class that is not closed to cars and not an area.
    """
    highway = _first_highway(tags.get("highway"))
    if highway not in DRIVABLE_HIGHWAYS:
        return False
    if str(tags.get("area", "")).lower() == "yes":
        return False
    for key in _ACCESS_KEYS:
        value = tags.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
            continue
        return not _closed(value)
    return True


def _filter_definition() -> dict[str, Any]:
    return {
        "highways": sorted(DRIVABLE_HIGHWAYS),
        "closed": sorted(CLOSED_ACCESS_VALUES),
        "access_keys": list(_ACCESS_KEYS),
        "area": "yes",
    }


def _overpass_filter() -> str:
    highways = "|".join(sorted(DRIVABLE_HIGHWAYS))
    return f'["highway"~"^({highways})$"]["area"!~"yes"]'


# --------------------------------------------------------------------------- sources


@dataclass
class _Loaded:
    graph: nx.MultiDiGraph
    raw_nodes: int
    raw_edges: int
    dropped_non_drivable_edges: int


@contextlib.contextmanager
def _osmnx_tags() -> Iterator[None]:
    """Temporarily make osmnx keep the access tags the drivable filter needs."""
    old = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = list(dict.fromkeys([*old, *_EXTRA_WAY_TAGS]))
    try:
        yield
    finally:
        ox.settings.useful_tags_way = old


def _open_osm_xml(path: Path) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    if name.endswith(".bz2"):
        return cast(IO[bytes], bz2.open(path, "rb"))
    return open(path, "rb")


_NOT_OSM_FIX = "give an OpenStreetMap extract (.osm, .osm.gz, .osm.bz2 or .osm.pbf)"


def _read_osm_xml(path: Path) -> _Loaded:
    """Parse OSM XML, keep the drivable ways and build the unsimplified graph with osmnx.

    osmnx's ``graph_from_xml`` keeps every way (railways, rivers, buildings...), so the
    file is first filtered here with a streaming parser and only the drivable ways and
    their nodes are handed to osmnx (also 4-5x faster on files full of non-road ways).
    """
    node_xy: dict[str, tuple[str, str]] = {}
    kept: list[tuple[str, list[str], dict[str, str]]] = []
    raw_segments = 0
    dropped_segments = 0
    used_nodes: set[str] = set()
    try:
        with _open_osm_xml(path) as fh:
            context = ET.iterparse(fh, events=("start", "end"))
            root_checked = False
            for event, elem in context:
                if not root_checked:
                    root_checked = True
                    if elem.tag != "osm":
                        raise NetworkError(
                            f"{path}: root element is <{elem.tag}>, not <osm>: this is not an "
                            f"OSM XML file (fix: {_NOT_OSM_FIX})"
                        )
                    continue
                if event != "end":
                    continue
                if elem.tag == "node":
                    node_xy[elem.attrib["id"]] = (elem.attrib["lat"], elem.attrib["lon"])
                    elem.clear()
                elif elem.tag == "way":
                    refs = [nd.attrib["ref"] for nd in elem.iter("nd")]
                    tags = {t.attrib["k"]: t.attrib["v"] for t in elem.iter("tag")}
                    n_seg = max(len(refs) - 1, 0)
                    raw_segments += n_seg
                    used_nodes.update(refs)
                    if n_seg and is_drivable(tags):
                        kept.append((elem.attrib["id"], refs, tags))
                    else:
                        dropped_segments += n_seg
                    elem.clear()
                elif elem.tag == "relation":
                    elem.clear()
    except NetworkError:
        raise
    except (ET.ParseError, UnicodeDecodeError, OSError, EOFError, KeyError) as exc:
        raise NetworkError(
            f"{path}: cannot be read as OSM XML ({type(exc).__name__}: {exc}) "
            f"(fix: {_NOT_OSM_FIX}; check the file is complete and not corrupted)"
        ) from exc
    raw_nodes = len(used_nodes & node_xy.keys())
    if not kept:
        raise NetworkError(
            f"{path}: no drivable roads found ({raw_segments:,} way segments read, none with a "
            f"drivable highway class open to cars) (fix: use an extract that covers the roads of "
            f"the municipality)"
        )
    # write the drivable ways as a small OSM XML file and let osmnx build the graph
    with tempfile.TemporaryDirectory(prefix="maltid-osm-") as tmp:
        tmp_file = Path(tmp) / "drivable.osm"
        with open(tmp_file, "w", encoding="utf-8") as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n')
            needed = {ref for _, refs, _ in kept for ref in refs}
            missing = needed - node_xy.keys()
            for ref in sorted(needed - missing, key=int):
                lat, lon = node_xy[ref]
                out.write(f'<node id="{ref}" lat="{lat}" lon="{lon}"/>\n')
            for way_id, refs, tags in kept:
                refs_present = [r for r in refs if r not in missing]
                if len(refs_present) < 2:
                    continue
                out.write(f'<way id="{way_id}">')
                out.writelines(f'<nd ref="{r}"/>' for r in refs_present)
                for k in _KEEP_WAY_TAGS:
                    if k in tags:
                        out.write(f"<tag k={quoteattr(k)} v={quoteattr(tags[k])}/>")
                out.write("</way>\n")
            out.write("</osm>\n")
        if missing:
            logger.warning(
                "%s: %d node(s) referenced by drivable ways are missing from the extract "
                "(clipped at its border); those way pieces are dropped",
                path.name,
                len(missing),
            )
        try:
            graph = ox.graph_from_xml(tmp_file, simplify=False, retain_all=True)
        except Exception as exc:
            raise NetworkError(
                f"{path}: osmnx could not build a graph ({type(exc).__name__}: {exc}) "
                f"(fix: check the extract is valid OSM XML)"
            ) from exc
    return _Loaded(graph, raw_nodes, raw_segments, dropped_segments)


def _read_osm_pbf(path: Path) -> _Loaded:
    """Read an OSM PBF with pyrosm, keep drivable ways and build the unsimplified graph."""
    import pyrosm

    try:
        osm = pyrosm.OSM(str(path), keep_metadata=False, progress=False)
        result = osm.get_network(
            network_type="all", nodes=True, extra_attributes=list(_EXTRA_WAY_TAGS)
        )
    except Exception as exc:
        raise NetworkError(
            f"{path}: cannot be read as OSM PBF ({type(exc).__name__}: {exc}) "
            f"(fix: {_NOT_OSM_FIX}; check the file is complete and not corrupted)"
        ) from exc
    nodes, edges = result if result is not None else (None, None)
    if edges is None or nodes is None or len(edges) == 0:
        raise NetworkError(
            f"{path}: no roads found in the PBF file (fix: use an extract that covers the "
            f"roads of the municipality)"
        )
    cols = [c for c in ("highway", "area", *_ACCESS_KEYS) if c in edges.columns]
    records = edges[cols].to_dict("records")
    mask = np.fromiter((is_drivable(r) for r in records), dtype=bool, count=len(records))
    raw_edges = len(edges)
    raw_nodes = len(nodes)
    dropped = int((~mask).sum())
    if not mask.any():
        raise NetworkError(
            f"{path}: no drivable roads found ({raw_edges:,} way segments read, none with a "
            f"drivable highway class open to cars) (fix: use an extract that covers the roads "
            f"of the municipality)"
        )
    keep_cols = [c for c in edges.columns if c in _EDGE_ATTRS or c in ("id", "u", "v")]
    edges = edges.loc[mask, keep_cols]
    used = np.union1d(edges["u"].to_numpy(), edges["v"].to_numpy())
    nodes = nodes.loc[nodes["id"].isin(used), ["id", "lon", "lat", "geometry"]]
    try:
        graph = osm.to_graph(
            nodes,
            edges,
            graph_type="networkx",
            network_type="driving",
            simplify=True,
            simplify_kwargs={"edge_attrs_differ": ["highway", "maxspeed"]},
            retain_all=True,
            osmnx_compatible=True,
            progress=False,
        )
    except Exception as exc:
        raise NetworkError(
            f"{path}: pyrosm could not build a graph ({type(exc).__name__}: {exc}) "
            f"(fix: check the extract is a valid OSM PBF)"
        ) from exc
    # pyrosm simplified the graph in compiled code (equivalent to osmnx.simplify_graph with
    # edge_attrs_differ=["highway", "maxspeed"], much faster); keep x/y on nodes and the
    # OSM tags, length and geometry on edges
    for _, data in graph.nodes(data=True):
        for key in [k for k in data if k not in ("x", "y")]:
            del data[key]
    for _, _, data in graph.edges(data=True):
        for key in [k for k, v in data.items() if k not in _EDGE_ATTRS or _is_missing(v)]:
            del data[key]
    graph.graph = {
        "crs": "epsg:4326",
        "created_with": f"pyrosm {pyrosm.__version__}",
        "simplified": True,
    }
    return _Loaded(graph, raw_nodes, raw_edges, dropped)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _filter_graph(graph: nx.MultiDiGraph) -> int:
    """Remove non-drivable edges in place; return how many were removed."""
    drop = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if not is_drivable(d)]
    graph.remove_edges_from(drop)
    return len(drop)


def _filtered(graph: nx.MultiDiGraph) -> _Loaded:
    """Count a read graph's nodes and edges, then keep only drivable edges (in place)."""
    raw_nodes, raw_edges = graph.number_of_nodes(), graph.number_of_edges()
    dropped = _filter_graph(graph)
    return _Loaded(graph, raw_nodes, raw_edges, dropped)


def _read_graphml(path: Path) -> _Loaded:
    try:
        graph = ox.load_graphml(path)
    except Exception as exc:
        raise NetworkError(
            f"{path}: cannot be read as GraphML ({type(exc).__name__}: {exc}) "
            f"(fix: give a GraphML file written by `maltid network build --out x.graphml` or "
            f"osmnx.save_graphml)"
        ) from exc
    return _filtered(graph)


def _download(place: str | None, bbox: Sequence[float] | None) -> _Loaded:  # pragma: no cover
    """Download the drivable network from Overpass (needs the internet)."""
    try:
        with _osmnx_tags():
            if place is not None:
                graph = ox.graph_from_place(
                    place, custom_filter=_overpass_filter(), simplify=False, retain_all=True
                )
            else:
                assert bbox is not None
                west, south, east, north = (float(b) for b in bbox)
                graph = ox.graph_from_bbox(
                    (west, south, east, north),
                    custom_filter=_overpass_filter(),
                    simplify=False,
                    retain_all=True,
                )
    except Exception as exc:
        what = f"place {place!r}" if place is not None else f"bbox {tuple(bbox or ())}"
        raise NetworkError(
            f"download of {what} failed ({type(exc).__name__}: {exc}) (fix: check the place "
            f"name / bbox (west, south, east, north) and the internet connection, or give a "
            f"local OSM extract as network.osm)"
        ) from exc
    return _filtered(graph)


# --------------------------------------------------------------------------- pipeline


def _check_file(path: Path, *, kind: str) -> None:
    if not path.exists():
        raise NetworkError(
            f"{path}: {kind} file not found (fix: check the path in the scenario's "
            f"[network] section; relative paths are resolved from the scenario file)"
        )
    if not path.is_file():
        raise NetworkError(f"{path}: is not a file (fix: give the path of the {kind} file)")


def _osm_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".osm.pbf") or name.endswith(".pbf"):
        return "pbf"
    if name.endswith((".osm", ".osm.gz", ".osm.bz2", ".xml", ".xml.gz", ".xml.bz2")):
        return "xml"
    raise NetworkError(
        f"{path}: unknown file extension (fix: use .osm, .osm.gz, .osm.bz2 or .osm.pbf for "
        f"OpenStreetMap extracts, or give a .graphml file as network.graphml)"
    )


def _speed_table(speeds_kph: Mapping[str, float] | None) -> dict[str, float]:
    table = dict(DEFAULT_SPEEDS_KPH)
    for key, value in (speeds_kph or {}).items():
        try:
            speed = float(value)
        except (TypeError, ValueError):
            speed = float("nan")
        if not (math.isfinite(speed) and 0 < speed <= 200):
            raise NetworkError(
                f"network.speeds_kph.{key}: speed {value!r} is not a number in (0, 200] km/h "
                f"(fix: give a positive speed in km/h)"
            )
        table[str(key)] = speed
    return table


def _finish(
    graph: nx.MultiDiGraph, *, speeds: dict[str, float], winter: float
) -> tuple[nx.MultiDiGraph, int, int]:
    """Largest SCC, simplify, speeds and travel times; return graph and SCC drops."""
    graph.remove_nodes_from([n for n, deg in graph.degree() if deg == 0])
    n0, e0 = graph.number_of_nodes(), graph.number_of_edges()
    if n0 == 0:
        return graph, 0, 0
    # same as ox.truncate.largest_component(graph, strongly=True) but in place: the
    # subgraph copy osmnx makes takes seconds on a country-sized graph
    components = list(nx.strongly_connected_components(graph))
    largest = max(components, key=len)
    graph.remove_nodes_from([n for comp in components if comp is not largest for n in comp])
    dropped_nodes = n0 - graph.number_of_nodes()
    dropped_edges = e0 - graph.number_of_edges()
    if not graph.graph.get("simplified"):
        graph = ox.simplify_graph(graph, edge_attrs_differ=["highway", "maxspeed"])
    for _, _, data in graph.edges(data=True):
        data["highway"] = _first_highway(data.get("highway")) or "road"
    graph = ox.add_edge_speeds(graph, hwy_speeds=speeds, fallback=FALLBACK_SPEED_KPH)
    for _, _, data in graph.edges(data=True):
        data["speed_kph"] = float(data["speed_kph"]) * winter
    graph = ox.add_edge_travel_times(graph)
    for _, _, data in graph.edges(data=True):
        data["length"] = float(data["length"])
        data["travel_time"] = float(data["travel_time"])
    return graph, dropped_nodes, dropped_edges


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_cache_dir() -> Path:
    """Directory of the network cache: ``$MALTID_CACHE_DIR``, ``$XDG_CACHE_HOME/maltid``
    or ``~/.cache/maltid``."""
    env = os.environ.get("MALTID_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "maltid"
    return Path.home() / ".cache" / "maltid"


def _read_cache(path: Path, key: str) -> tuple[nx.MultiDiGraph, NetworkStats] | None:
    if not path.exists():
        return None
    try:
        blob = path.read_bytes()
        head = len(_CACHE_MAGIC)
        if not blob.startswith(_CACHE_MAGIC) or len(blob) < head + 32:
            raise ValueError("not a maltid network cache file")
        digest, payload = blob[head : head + 32], blob[head + 32 :]
        if hashlib.sha256(payload).digest() != digest:
            raise ValueError("checksum mismatch (truncated or corrupted)")
        entry = pickle.loads(payload)
        if entry.get("key") != key or entry.get("version") != CACHE_FORMAT_VERSION:
            raise ValueError("cache key or format version mismatch")
        graph, stats = entry["graph"], entry["stats"]
        if not isinstance(graph, nx.MultiDiGraph) or not isinstance(stats, NetworkStats):
            raise ValueError("unexpected content")
    except Exception as exc:
        logger.warning(
            "network cache entry %s is unreadable (%s); deleting it and rebuilding", path, exc
        )
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return graph, stats


def _write_cache(path: Path, key: str, graph: nx.MultiDiGraph, stats: NetworkStats) -> None:
    payload = pickle.dumps(
        {"version": CACHE_FORMAT_VERSION, "key": key, "graph": graph, "stats": stats},
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(_CACHE_MAGIC + hashlib.sha256(payload).digest() + payload)
    except OSError as exc:
        logger.warning("could not write the network cache %s (%s); continuing", path, exc)


def build_network(
    *,
    osm: str | os.PathLike[str] | None = None,
    graphml: str | os.PathLike[str] | None = None,
    place: str | None = None,
    bbox: Sequence[float] | None = None,
    speeds_kph: Mapping[str, float] | None = None,
    winter_speed_factor: float = 1.0,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
) -> RoadNetwork:
    """Build (or load from the disk cache) the drivable road network (m, km/h, s).

    Exactly one source must be given.

    Parameters
    ----------
    osm : path, optional
        OpenStreetMap extract: ``.osm``, ``.osm.gz``, ``.osm.bz2`` (XML) or ``.osm.pbf``.
    graphml : path, optional
        A GraphML graph (e.g. written by :func:`save_graphml` or osmnx).
    place : str, optional
        Place name to download from OpenStreetMap (needs the internet).
    bbox : sequence of 4 floats, optional
        (west, south, east, north) in degrees to download (needs the internet).
    speeds_kph : mapping, optional
        Per-``highway`` speeds (km/h) overriding :data:`DEFAULT_SPEEDS_KPH` where
        ``maxspeed`` is missing.
    winter_speed_factor : float
        Multiplies every edge speed before travel times are computed (0 < f <= 1.5).
    cache_dir : path, optional
        Cache directory; default :func:`default_cache_dir`.
    use_cache : bool
        Read and write the disk cache.

    Returns
    -------
    RoadNetwork
        The network; ``stats.from_cache`` tells whether it came from the cache.

    Raises
    ------
    NetworkError
        No or several sources, missing file, unknown extension, a file that is not OSM,
        no drivable roads, a bad speed or winter factor, or a failed download.
    """
    sources = {
        "osm": osm,
        "graphml": graphml,
        "place": place,
        "bbox": bbox,
    }
    given = [k for k, v in sources.items() if v is not None]
    if len(given) != 1:
        raise NetworkError(
            f"network: {'no' if not given else 'several'} source(s) given "
            f"({', '.join(given) or 'none'}) (fix: set exactly one of network.osm, "
            f"network.graphml, network.place, network.bbox)"
        )
    try:
        winter = float(winter_speed_factor)
    except (TypeError, ValueError):
        winter = float("nan")
    if not (math.isfinite(winter) and 0 < winter <= 1.5):
        raise NetworkError(
            f"network.winter_speed_factor: {winter_speed_factor!r} is outside (0, 1.5] "
            f"(fix: use e.g. 0.8 for winter roads, 1.0 for none)"
        )
    speeds = _speed_table(speeds_kph)

    key_parts: dict[str, Any] = {
        "version": CACHE_FORMAT_VERSION,
        "filter": _filter_definition(),
        "speeds_kph": sorted(speeds.items()),
        "fallback_kph": FALLBACK_SPEED_KPH,
        "winter": winter,
    }
    path: Path | None = None
    if osm is not None or graphml is not None:
        path = Path(osm if osm is not None else graphml)  # type: ignore[arg-type]
        kind = "graphml" if graphml is not None else _osm_kind(path)
        _check_file(path, kind="OSM" if osm is not None else "GraphML")
        key_parts["source"] = {"kind": kind, "sha256": _file_sha256(path)}
        source = path.name
    elif place is not None:
        kind = "place"
        key_parts["source"] = {"kind": kind, "place": str(place)}
        source = f"place {place!r}"
    else:
        kind = "bbox"
        try:
            box = [float(b) for b in bbox]  # type: ignore[union-attr]
        except (TypeError, ValueError) as exc:
            raise NetworkError(
                f"network.bbox: {bbox!r} is not 4 numbers (fix: give [west, south, east, north])"
            ) from exc
        if len(box) != 4 or not (box[0] < box[2] and box[1] < box[3]):
            raise NetworkError(
                f"network.bbox: {bbox!r} is not (west, south, east, north) with west<east and "
                f"south<north (fix: give [west, south, east, north] in degrees)"
            )
        bbox = box
        key_parts["source"] = {"kind": kind, "bbox": box}
        source = f"bbox {tuple(box)}"
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True).encode()).hexdigest()

    cache_file = Path(cache_dir or default_cache_dir()) / f"network-{key[:40]}.pkl"
    if use_cache:
        t0 = time.perf_counter()
        cached = _read_cache(cache_file, key)
        if cached is not None:
            graph, stats = cached
            stats = dataclasses.replace(
                stats, from_cache=True, load_time_s=time.perf_counter() - t0
            )
            logger.info("loaded road network from cache %s: %s", cache_file, stats.summary())
            return RoadNetwork(graph=graph, stats=stats, cache_key=key)

    t0 = time.perf_counter()
    if kind == "xml":
        assert path is not None
        loaded = _read_osm_xml(path)
    elif kind == "pbf":
        assert path is not None
        loaded = _read_osm_pbf(path)
    elif kind == "graphml":
        assert path is not None
        loaded = _read_graphml(path)
    else:
        loaded = _download(place, bbox)  # pragma: no cover
    graph, scc_nodes, scc_edges = _finish(loaded.graph, speeds=speeds, winter=winter)
    if graph.number_of_edges() == 0:
        raise NetworkError(
            f"{source}: no drivable roads left after filtering "
            f"({loaded.raw_edges:,} way segments read, {loaded.dropped_non_drivable_edges:,} "
            f"not drivable) (fix: use an extract that covers the roads of the municipality)"
        )
    stats = NetworkStats(
        source=source,
        raw_nodes=loaded.raw_nodes,
        raw_edges=loaded.raw_edges,
        dropped_non_drivable_edges=loaded.dropped_non_drivable_edges,
        dropped_scc_nodes=scc_nodes,
        dropped_scc_edges=scc_edges,
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        build_time_s=time.perf_counter() - t0,
    )
    logger.info("built road network in %.1f s: %s", stats.build_time_s, stats.summary())
    if use_cache:
        _write_cache(cache_file, key, graph, stats)
    return RoadNetwork(graph=graph, stats=stats, cache_key=key)


def load_network(
    spec: Any, *, cache_dir: str | os.PathLike[str] | None = None, use_cache: bool = True
) -> RoadNetwork:
    """Build the road network (m, km/h, s) described by a scenario's ``NetworkSpec``.

    Parameters
    ----------
    spec : NetworkSpec
        Duck-typed: attributes ``osm``, ``graphml``, ``place``, ``bbox``,
        ``winter_speed_factor`` and ``speeds_kph`` (paths already resolved).
    cache_dir : path, optional
        Cache directory; default :func:`default_cache_dir`.
    use_cache : bool
        Read and write the disk cache.

    Returns
    -------
    RoadNetwork
        See :func:`build_network`.
    """
    speeds = getattr(spec, "speeds_kph", None)
    winter = getattr(spec, "winter_speed_factor", None)
    return build_network(
        osm=getattr(spec, "osm", None),
        graphml=getattr(spec, "graphml", None),
        place=getattr(spec, "place", None),
        bbox=getattr(spec, "bbox", None),
        speeds_kph=dict(speeds) if speeds else None,
        winter_speed_factor=1.0 if winter is None else float(winter),
        cache_dir=cache_dir,
        use_cache=use_cache,
    )


def save_graphml(net: RoadNetwork, path: str | os.PathLike[str]) -> Path:
    """Write the network's graph as GraphML atomically; return the path.

    Parameters
    ----------
    net : RoadNetwork
        The network to write.
    path : path
        Target file (``.graphml``).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(path)
    with atomic_path(target) as tmp:
        ox.save_graphml(net.graph, filepath=tmp)
    return target


# --------------------------------------------------------------------------- snapping


def _utm_epsg(lon: float, lat: float) -> int:
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


@dataclass(frozen=True)
class _SnapIndex:
    node_ids: np.ndarray
    xy_m: np.ndarray
    tree: Any
    epsg: int

    @classmethod
    def build(cls, graph: nx.MultiDiGraph) -> _SnapIndex:
        from pyproj import Transformer
        from scipy.spatial import cKDTree

        ids = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
        lon = np.fromiter((graph.nodes[n]["x"] for n in graph.nodes), dtype=np.float64)
        lat = np.fromiter((graph.nodes[n]["y"] for n in graph.nodes), dtype=np.float64)
        epsg = _utm_epsg(float(np.median(lon)), float(np.median(lat)))
        tr = Transformer.from_crs(4326, epsg, always_xy=True)
        x, y = tr.transform(lon, lat)
        xy = np.column_stack([x, y])
        return cls(node_ids=ids, xy_m=xy, tree=cKDTree(xy), epsg=epsg)

    def project(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        from pyproj import Transformer

        tr = Transformer.from_crs(4326, self.epsg, always_xy=True)
        x, y = tr.transform(lon, lat)
        return np.column_stack([x, y])


def snap(
    net: RoadNetwork,
    ids: Iterable[str],
    lat: Sequence[float] | np.ndarray,
    lon: Sequence[float] | np.ndarray,
    *,
    warn_beyond_m: float = 2000.0,
) -> Snapped:
    """Snap points to their nearest routable node; distances in m (local UTM projection).

    Parameters
    ----------
    net : RoadNetwork
        The network (every node is routable: the graph is strongly connected).
    ids : iterable of str
        Point ids (used in warnings).
    lat, lon : sequence of float
        Point coordinates in degrees (EPSG:4326).
    warn_beyond_m : float
        Points farther than this (m) from every node are listed in ``far`` and logged as a
        WARNING; they are still snapped, never dropped.

    Returns
    -------
    Snapped
        Node and snap distance per point, in input order.

    Raises
    ------
    NetworkError
        Lengths differ or coordinates are not finite.
    """
    ids_t = tuple(str(i) for i in ids)
    lat_a = np.asarray(lat, dtype=np.float64).reshape(-1)
    lon_a = np.asarray(lon, dtype=np.float64).reshape(-1)
    if not (len(ids_t) == lat_a.size == lon_a.size):
        raise NetworkError(
            f"snap: {len(ids_t)} ids, {lat_a.size} latitudes and {lon_a.size} longitudes "
            f"(fix: give one lat/lon per id)"
        )
    bad = ~(np.isfinite(lat_a) & np.isfinite(lon_a)) | (np.abs(lat_a) > 90) | (np.abs(lon_a) > 180)
    if bad.any():
        which = ", ".join(ids_t[i] for i in np.flatnonzero(bad)[:10])
        raise NetworkError(
            f"snap: invalid coordinates for {int(bad.sum())} point(s): {which} "
            f"(fix: give lat in [-90, 90] and lon in [-180, 180] in decimal degrees)"
        )
    index = net._snap_index
    if not ids_t:
        return Snapped((), np.zeros(0, np.int64), np.zeros(0, np.float64), ())
    dist, pos = index.tree.query(index.project(lon_a, lat_a))
    dist = np.asarray(dist, dtype=np.float64)
    node = index.node_ids[np.asarray(pos)]
    far_idx = np.flatnonzero(dist > warn_beyond_m)
    for i in far_idx:
        logger.warning(
            "point %s is %.0f m from the nearest road node (more than %.0f m): check its "
            "coordinates or that the road network covers it",
            ids_t[i],
            dist[i],
            warn_beyond_m,
        )
    return Snapped(
        ids=ids_t,
        node=node.astype(np.int64),
        snap_distance_m=dist,
        far=tuple(ids_t[i] for i in far_idx),
    )

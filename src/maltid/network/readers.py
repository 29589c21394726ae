"""Readers of road sources into unsimplified drivable graphs (lengths m, lon/lat degrees).

OSM XML (``.osm``, ``.osm.gz``, ``.osm.bz2``) is streamed and filtered here, then handed
to osmnx; OSM PBF is read with pyrosm; GraphML with osmnx; place names and bounding
boxes are downloaded with osmnx (needs the internet). Every reader returns a
:class:`RawGraph`: the graph of the drivable ways (see :mod:`maltid.network.drivable`)
and the counts of what was read and dropped.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import logging
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast
from xml.sax.saxutils import quoteattr

import numpy as np
import osmnx as ox

from maltid.errors import NetworkError
from maltid.network.drivable import (
    ACCESS_KEYS,
    EDGE_ATTRS,
    EXTRA_WAY_TAGS,
    KEEP_WAY_TAGS,
    is_drivable,
    is_missing,
    overpass_filter,
)
from maltid.network.road import RoadGraph

__all__ = [
    "NOT_OSM_FIX",
    "RawGraph",
    "check_file",
    "download",
    "open_osm_xml",
    "osm_kind",
    "read_graphml",
    "read_osm_pbf",
    "read_osm_xml",
]

logger = logging.getLogger("maltid")

#: The fix named in errors about files that are not OpenStreetMap extracts.
NOT_OSM_FIX = "give an OpenStreetMap extract (.osm, .osm.gz, .osm.bz2 or .osm.pbf)"


@dataclass(frozen=True)
class RawGraph:
    """A read graph of drivable ways (lengths m) and the counts of what was read.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The drivable ways, unsimplified (except PBF, which pyrosm simplifies).
    raw_nodes, raw_edges : int
        Nodes and way segments read before filtering.
    dropped_non_drivable_edges : int
        Of ``raw_edges``, those dropped by the drivable filter.
    """

    graph: RoadGraph
    raw_nodes: int
    raw_edges: int
    dropped_non_drivable_edges: int


@contextlib.contextmanager
def _osmnx_tags() -> Iterator[None]:
    """Temporarily make osmnx keep the access tags the drivable filter needs."""
    old = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = list(dict.fromkeys([*old, *EXTRA_WAY_TAGS]))
    try:
        yield
    finally:
        ox.settings.useful_tags_way = old


def open_osm_xml(path: Path) -> IO[bytes]:
    """Open an OSM XML file for reading bytes, decompressing ``.gz`` and ``.bz2``."""
    name = path.name.lower()
    if name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    if name.endswith(".bz2"):
        return cast(IO[bytes], bz2.open(path, "rb"))
    return open(path, "rb")


def read_osm_xml(path: Path) -> RawGraph:
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
        with open_osm_xml(path) as fh:
            context = ET.iterparse(fh, events=("start", "end"))
            root_checked = False
            for event, elem in context:
                if not root_checked:
                    root_checked = True
                    if elem.tag != "osm":
                        raise NetworkError(
                            f"{path}: root element is <{elem.tag}>, not <osm>: this is not an "
                            f"OSM XML file (fix: {NOT_OSM_FIX})"
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
            f"(fix: {NOT_OSM_FIX}; check the file is complete and not corrupted)"
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
                for k in KEEP_WAY_TAGS:
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
    return RawGraph(graph, raw_nodes, raw_segments, dropped_segments)


def read_osm_pbf(path: Path) -> RawGraph:
    """Read an OSM PBF with pyrosm, keep drivable ways and build the unsimplified graph."""
    import pyrosm

    try:
        osm = pyrosm.OSM(str(path), keep_metadata=False, progress=False)
        result = osm.get_network(
            network_type="all", nodes=True, extra_attributes=list(EXTRA_WAY_TAGS)
        )
    except Exception as exc:
        raise NetworkError(
            f"{path}: cannot be read as OSM PBF ({type(exc).__name__}: {exc}) "
            f"(fix: {NOT_OSM_FIX}; check the file is complete and not corrupted)"
        ) from exc
    nodes, edges = result if result is not None else (None, None)
    if edges is None or nodes is None or len(edges) == 0:
        raise NetworkError(
            f"{path}: no roads found in the PBF file (fix: use an extract that covers the "
            f"roads of the municipality)"
        )
    cols = [c for c in ("highway", "area", *ACCESS_KEYS) if c in edges.columns]
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
    keep_cols = [c for c in edges.columns if c in EDGE_ATTRS or c in ("id", "u", "v")]
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
        for key in [k for k, v in data.items() if k not in EDGE_ATTRS or is_missing(v)]:
            del data[key]
    graph.graph = {
        "crs": "epsg:4326",
        "created_with": f"pyrosm {pyrosm.__version__}",
        "simplified": True,
    }
    return RawGraph(graph, raw_nodes, raw_edges, dropped)


def _filter_graph(graph: RoadGraph) -> int:
    """Remove non-drivable edges in place; return how many were removed."""
    drop = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if not is_drivable(d)]
    graph.remove_edges_from(drop)
    return len(drop)


def _filtered(graph: RoadGraph) -> RawGraph:
    """Count a read graph's nodes and edges, then keep only drivable edges (in place)."""
    raw_nodes, raw_edges = graph.number_of_nodes(), graph.number_of_edges()
    dropped = _filter_graph(graph)
    return RawGraph(graph, raw_nodes, raw_edges, dropped)


def read_graphml(path: Path) -> RawGraph:
    """Read a GraphML road graph with osmnx and keep its drivable edges."""
    try:
        graph = ox.load_graphml(path)
    except Exception as exc:
        raise NetworkError(
            f"{path}: cannot be read as GraphML ({type(exc).__name__}: {exc}) "
            f"(fix: give a GraphML file written by `maltid network build --out x.graphml` or "
            f"osmnx.save_graphml)"
        ) from exc
    return _filtered(graph)


def download(place: str | None, bbox: Sequence[float] | None) -> RawGraph:  # pragma: no cover
    """Download the drivable network from Overpass (needs the internet)."""
    try:
        with _osmnx_tags():
            if place is not None:
                graph = ox.graph_from_place(
                    place, custom_filter=overpass_filter(), simplify=False, retain_all=True
                )
            else:
                assert bbox is not None
                west, south, east, north = (float(b) for b in bbox)
                graph = ox.graph_from_bbox(
                    (west, south, east, north),
                    custom_filter=overpass_filter(),
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


def check_file(path: Path, *, kind: str) -> None:
    """Raise a NetworkError naming the fix when ``path`` is missing or not a file."""
    if not path.exists():
        raise NetworkError(
            f"{path}: {kind} file not found (fix: check the path in the scenario's "
            f"[network] section; relative paths are resolved from the scenario file)"
        )
    if not path.is_file():
        raise NetworkError(f"{path}: is not a file (fix: give the path of the {kind} file)")


def osm_kind(path: Path) -> str:
    """``"pbf"`` or ``"xml"`` by the file name's extension; NetworkError otherwise."""
    name = path.name.lower()
    if name.endswith(".osm.pbf") or name.endswith(".pbf"):
        return "pbf"
    if name.endswith((".osm", ".osm.gz", ".osm.bz2", ".xml", ".xml.gz", ".xml.bz2")):
        return "xml"
    raise NetworkError(
        f"{path}: unknown file extension (fix: use .osm, .osm.gz, .osm.bz2 or .osm.pbf for "
        f"OpenStreetMap extracts, or give a .graphml file as network.graphml)"
    )

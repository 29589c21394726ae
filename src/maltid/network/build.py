"""Building drivable road networks (lengths m, speeds km/h, times s) from any source.

:func:`build_network` reads a source (:mod:`maltid.network.readers`), keeps the largest
strongly connected component, simplifies the topology, adds speeds (``maxspeed`` where
tagged, else the speed table of :mod:`maltid.network.drivable` with the scenario's
overrides) and travel times, and caches the result (:mod:`maltid.network.cache`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import osmnx as ox

from maltid._io import atomic_path
from maltid.errors import NetworkError
from maltid.network.cache import (
    CACHE_FORMAT_VERSION,
    default_cache_dir,
    file_sha256,
    read_network_cache,
    write_network_cache,
)
from maltid.network.drivable import (
    DEFAULT_SPEEDS_KPH,
    FALLBACK_SPEED_KPH,
    filter_definition,
    first_highway,
)
from maltid.network.readers import (
    RawGraph,
    check_file,
    download,
    osm_kind,
    read_graphml,
    read_osm_pbf,
    read_osm_xml,
)
from maltid.network.road import NetworkStats, RoadGraph, RoadNetwork
from maltid.scenario import SPEED_RANGE_KPH, WINTER_SPEED_FACTOR_MAX

if TYPE_CHECKING:
    from maltid.scenario import NetworkSpec

__all__ = [
    "build_network",
    "load_network",
    "save_graphml",
]

logger = logging.getLogger("maltid")


def _speed_table(speeds_kph: Mapping[str, float] | None) -> dict[str, float]:
    """The default speed table (km/h) with the given overrides, each checked."""
    low, high = SPEED_RANGE_KPH  # the scenario's rule (one home)
    table = dict(DEFAULT_SPEEDS_KPH)
    for key, value in (speeds_kph or {}).items():
        try:
            speed = float(value)
        except (TypeError, ValueError):
            speed = float("nan")
        if not (math.isfinite(speed) and low <= speed <= high):
            raise NetworkError(
                f"network.speeds_kph.{key}: speed {value!r} is not a number in "
                f"{low:g}..{high:g} km/h (fix: give a speed between {low:g} and {high:g} km/h)"
            )
        table[str(key)] = speed
    return table


def _finish(
    graph: RoadGraph, *, speeds: dict[str, float], winter: float
) -> tuple[RoadGraph, int, int]:
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
        data["highway"] = first_highway(data.get("highway")) or "road"
    graph = ox.add_edge_speeds(graph, hwy_speeds=speeds, fallback=FALLBACK_SPEED_KPH)
    for _, _, data in graph.edges(data=True):
        data["speed_kph"] = float(data["speed_kph"]) * winter
    graph = ox.add_edge_travel_times(graph)
    for _, _, data in graph.edges(data=True):
        data["length"] = float(data["length"])
        data["travel_time"] = float(data["travel_time"])
    return graph, dropped_nodes, dropped_edges


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
        Multiplies every edge speed before travel times are computed
        (0 < f <= :data:`maltid.scenario.WINTER_SPEED_FACTOR_MAX`).
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
    if not (math.isfinite(winter) and 0 < winter <= WINTER_SPEED_FACTOR_MAX):
        raise NetworkError(
            f"network.winter_speed_factor: {winter_speed_factor!r} is outside "
            f"(0, {WINTER_SPEED_FACTOR_MAX:g}] "
            f"(fix: use e.g. 0.8 for winter roads, 1.0 for none)"
        )
    speeds = _speed_table(speeds_kph)

    key_parts: dict[str, Any] = {
        "version": CACHE_FORMAT_VERSION,
        "filter": filter_definition(),
        "speeds_kph": sorted(speeds.items()),
        "fallback_kph": FALLBACK_SPEED_KPH,
        "winter": winter,
    }
    path: Path | None = None
    file_source = osm if osm is not None else graphml
    if file_source is not None:
        path = Path(file_source)
        kind = "graphml" if graphml is not None else osm_kind(path)
        check_file(path, kind="OSM" if osm is not None else "GraphML")
        key_parts["source"] = {"kind": kind, "sha256": file_sha256(path)}
        source = path.name
    elif place is not None:
        kind = "place"
        key_parts["source"] = {"kind": kind, "place": str(place)}
        source = f"place {place!r}"
    else:
        kind = "bbox"
        assert bbox is not None  # exactly one source was given
        try:
            box = [float(b) for b in bbox]
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

    cache_root = Path(cache_dir or default_cache_dir())
    if use_cache:
        t0 = time.perf_counter()
        cached = read_network_cache(cache_root, key)
        if cached is not None:
            graph, stats, cache_file = cached
            stats = dataclasses.replace(
                stats, from_cache=True, load_time_s=time.perf_counter() - t0
            )
            logger.info("loaded road network from cache %s: %s", cache_file, stats.summary())
            return RoadNetwork(graph=graph, stats=stats, cache_key=key)

    t0 = time.perf_counter()
    loaded: RawGraph
    if kind == "xml":
        assert path is not None
        loaded = read_osm_xml(path)
    elif kind == "pbf":
        assert path is not None
        loaded = read_osm_pbf(path)
    elif kind == "graphml":
        assert path is not None
        loaded = read_graphml(path)
    else:
        loaded = download(place, bbox)  # pragma: no cover
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
        write_network_cache(cache_root, key, graph, stats)
    return RoadNetwork(graph=graph, stats=stats, cache_key=key)


def load_network(
    spec: NetworkSpec, *, cache_dir: str | os.PathLike[str] | None = None, use_cache: bool = True
) -> RoadNetwork:
    """Build the road network (m, km/h, s) described by a scenario's ``NetworkSpec``.

    Parameters
    ----------
    spec : maltid.scenario.NetworkSpec
        The scenario's ``[network]`` section (paths already resolved).
    cache_dir : path, optional
        Cache directory; default :func:`default_cache_dir`.
    use_cache : bool
        Read and write the disk cache.

    Returns
    -------
    RoadNetwork
        See :func:`build_network`.
    """
    return build_network(
        osm=spec.osm,
        graphml=spec.graphml,
        place=spec.place,
        bbox=spec.bbox,
        speeds_kph=dict(spec.speeds_kph) if spec.speeds_kph else None,
        winter_speed_factor=float(spec.winter_speed_factor),
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

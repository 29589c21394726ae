"""Snapping points (lat/lon degrees) to their nearest routable node (distances in m)."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pyproj import Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info
from scipy.spatial import cKDTree

from maltid.errors import NetworkError
from maltid.network.road import RoadGraph, RoadNetwork

__all__ = ["Snapped", "snap"]

logger = logging.getLogger("maltid")


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
    node: npt.NDArray[np.int64]
    snap_distance_m: npt.NDArray[np.float64]
    far: tuple[str, ...]


def _utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 / UTM zone containing (lon, lat), from pyproj's database."""
    aoi = AreaOfInterest(lon, lat, lon, lat)
    found = query_utm_crs_info(datum_name="WGS 84", area_of_interest=aoi)
    if not found:  # pragma: no cover - every valid lon/lat lies in some zone
        raise NetworkError(f"snap: no UTM zone found for lon {lon}, lat {lat}")
    return int(found[0].code)


@dataclass(frozen=True)
class _SnapIndex:
    """Nodes projected to the local UTM zone (m) in a k-d tree."""

    node_ids: npt.NDArray[np.int64]
    tree: cKDTree
    epsg: int

    @classmethod
    def build(cls, graph: RoadGraph) -> _SnapIndex:
        ids = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
        lon = np.fromiter((graph.nodes[n]["x"] for n in graph.nodes), dtype=np.float64)
        lat = np.fromiter((graph.nodes[n]["y"] for n in graph.nodes), dtype=np.float64)
        epsg = _utm_epsg(float(np.median(lon)), float(np.median(lat)))
        tr = Transformer.from_crs(4326, epsg, always_xy=True)
        x, y = tr.transform(lon, lat)
        xy = np.column_stack([x, y])
        return cls(node_ids=ids, tree=cKDTree(xy), epsg=epsg)

    def project(
        self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """(x, y) in m in the index's UTM zone, one row per point."""
        tr = Transformer.from_crs(4326, self.epsg, always_xy=True)
        x, y = tr.transform(lon, lat)
        return np.column_stack([x, y])


#: Per graph, its snapping index (built on first use, dropped with the graph).
_INDEXES: weakref.WeakKeyDictionary[RoadGraph, _SnapIndex] = weakref.WeakKeyDictionary()


def _snap_index(graph: RoadGraph) -> _SnapIndex:
    index = _INDEXES.get(graph)
    if index is None:
        index = _INDEXES[graph] = _SnapIndex.build(graph)
    return index


def snap(
    net: RoadNetwork,
    ids: Iterable[str],
    lat: Sequence[float] | npt.NDArray[np.float64],
    lon: Sequence[float] | npt.NDArray[np.float64],
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
    index = _snap_index(net.graph)
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

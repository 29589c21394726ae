"""Road networks (the only osmnx/pyrosm user) and travel-time matrices between snapped points.

Modules, in data-flow order: ``drivable`` (which ways a car may drive, default speeds),
``readers`` (OSM XML/PBF, GraphML, downloads), ``build`` (SCC, simplification, speeds,
:func:`build_network`), ``cache`` (npz + JSON disk cache), ``snap`` (points to
nodes), ``reduce`` (shrinking the graph for a matrix), ``matrix`` (:func:`travel_matrix`),
``paths`` (polylines for maps) and ``basemap`` (an offline base layer for maps from the
same OSM extract).
"""

from __future__ import annotations

from maltid.network.basemap import BaseLayer, Place, base_layer
from maltid.network.build import build_network, load_network, save_graphml
from maltid.network.cache import default_cache_dir
from maltid.network.drivable import (
    CLOSED_ACCESS_VALUES,
    DEFAULT_SPEEDS_KPH,
    DRIVABLE_HIGHWAYS,
    FALLBACK_SPEED_KPH,
    is_drivable,
)
from maltid.network.matrix import TravelMatrix, travel_matrix
from maltid.network.paths import RoadPaths, path_coords, route_coords
from maltid.network.road import NetworkStats, RoadNetwork
from maltid.network.snap import Snapped, snap

__all__ = [
    "CLOSED_ACCESS_VALUES",
    "DEFAULT_SPEEDS_KPH",
    "DRIVABLE_HIGHWAYS",
    "FALLBACK_SPEED_KPH",
    "BaseLayer",
    "NetworkStats",
    "Place",
    "RoadNetwork",
    "RoadPaths",
    "Snapped",
    "TravelMatrix",
    "base_layer",
    "build_network",
    "default_cache_dir",
    "is_drivable",
    "load_network",
    "path_coords",
    "route_coords",
    "save_graphml",
    "snap",
    "travel_matrix",
]

"""Road networks (the only osmnx/pyrosm user) and travel-time matrices between snapped points."""

from __future__ import annotations

from maltid.network.build import (
    CLOSED_ACCESS_VALUES,
    DEFAULT_SPEEDS_KPH,
    DRIVABLE_HIGHWAYS,
    FALLBACK_SPEED_KPH,
    NetworkStats,
    RoadNetwork,
    Snapped,
    build_network,
    default_cache_dir,
    is_drivable,
    load_network,
    save_graphml,
    snap,
)
from maltid.network.matrix import (
    TravelMatrix,
    path_coords,
    route_coords,
    travel_matrix,
)

__all__ = [
    "CLOSED_ACCESS_VALUES",
    "DEFAULT_SPEEDS_KPH",
    "DRIVABLE_HIGHWAYS",
    "FALLBACK_SPEED_KPH",
    "NetworkStats",
    "RoadNetwork",
    "Snapped",
    "TravelMatrix",
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

"""The drivable filter and default speeds (km/h) for OpenStreetMap ways.

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
import contextlib
import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ACCESS_KEYS",
    "CLOSED_ACCESS_VALUES",
    "DEFAULT_SPEEDS_KPH",
    "DRIVABLE_HIGHWAYS",
    "EDGE_ATTRS",
    "EXTRA_WAY_TAGS",
    "FALLBACK_SPEED_KPH",
    "KEEP_WAY_TAGS",
    "filter_definition",
    "first_highway",
    "is_drivable",
    "is_missing",
    "overpass_filter",
]

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
ACCESS_KEYS: tuple[str, ...] = ("motorcar", "motor_vehicle", "vehicle", "access")

EXTRA_WAY_TAGS: tuple[str, ...] = ("motor_vehicle", "motorcar", "vehicle", "area")

#: Way tags kept as edge attributes.
KEEP_WAY_TAGS: tuple[str, ...] = (
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

EDGE_ATTRS: frozenset[str] = frozenset(
    (*KEEP_WAY_TAGS, "osmid", "oneway", "reversed", "length", "geometry")
)


def _closed(value: Any) -> bool:
    parts = {p.strip().lower() for p in str(value).split(";")}
    return bool(parts & CLOSED_ACCESS_VALUES)


def first_highway(value: Any) -> str | None:
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
    highway = first_highway(tags.get("highway"))
    if highway not in DRIVABLE_HIGHWAYS:
        return False
    if str(tags.get("area", "")).lower() == "yes":
        return False
    for key in ACCESS_KEYS:
        value = tags.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
            continue
        return not _closed(value)
    return True


def filter_definition() -> dict[str, Any]:
    return {
        "highways": sorted(DRIVABLE_HIGHWAYS),
        "closed": sorted(CLOSED_ACCESS_VALUES),
        "access_keys": list(ACCESS_KEYS),
        "area": "yes",
    }


def overpass_filter() -> str:
    highways = "|".join(sorted(DRIVABLE_HIGHWAYS))
    return f'["highway"~"^({highways})$"]["area"!~"yes"]'


def is_missing(value: Any) -> bool:
    """Whether an attribute value means "not tagged" (None or a float NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))

"""Tests of maltid.network.drivable: which OSM ways a car may drive."""

from __future__ import annotations

from typing import Any

import pytest

from maltid.network import DEFAULT_SPEEDS_KPH, DRIVABLE_HIGHWAYS, is_drivable
from maltid.network.drivable import first_highway, overpass_filter


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "residential"}, True),
        ({"highway": "track"}, True),
        ({"highway": "track", "motor_vehicle": "no"}, False),
        ({"highway": "track", "motorcar": "no"}, False),
        ({"highway": "track", "access": "forestry"}, False),
        ({"highway": "service", "access": "private"}, False),
        ({"highway": "service", "access": "private;delivery"}, False),
        ({"highway": "service", "access": "destination"}, True),
        ({"highway": "service", "access": "no", "motor_vehicle": "yes"}, True),
        ({"highway": "primary", "area": "yes"}, False),
        ({"highway": "footway"}, False),
        ({"highway": "path"}, False),
        ({"highway": "cycleway"}, False),
        ({"highway": "pedestrian"}, False),
        ({"highway": "construction"}, False),
        ({"highway": "busway"}, False),
        ({"highway": ["footway", "residential"]}, True),
        ({"highway": "['residential', 'service']"}, True),
        ({"railway": "rail"}, False),
        ({}, False),
        ({"highway": float("nan")}, False),
    ],
)
def test_is_drivable(tags: dict[str, Any], expected: bool) -> None:
    assert is_drivable(tags) is expected


def test_first_highway_takes_the_fastest_class() -> None:
    assert first_highway(["track", "primary", "service"]) == "primary"
    assert first_highway("['residential', 'trunk']") == "trunk"
    assert first_highway("secondary;tertiary") == "secondary"
    assert first_highway([]) is None and first_highway(None) is None


def test_every_drivable_class_has_a_speed_and_is_in_the_overpass_filter() -> None:
    assert set(DEFAULT_SPEEDS_KPH) == DRIVABLE_HIGHWAYS
    query = overpass_filter()
    for highway in DRIVABLE_HIGHWAYS:
        assert f"|{highway}|" in query.replace("(", "|").replace(")", "|")

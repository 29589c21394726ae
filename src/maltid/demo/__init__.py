"""The seeded synthetic municipality (OSM XML + scenario + recipients), for the demo and tests."""

from __future__ import annotations

from maltid.demo.build import (
    CENTRE_LAT,
    CENTRE_LON,
    DEMO_OSM_NAME,
    RECIPIENTS_CSV_NAME,
    SCENARIO_NAME,
    SCENARIO_TOML_NAME,
    write_demo,
)

__all__ = [
    "CENTRE_LAT",
    "CENTRE_LON",
    "DEMO_OSM_NAME",
    "RECIPIENTS_CSV_NAME",
    "SCENARIO_NAME",
    "SCENARIO_TOML_NAME",
    "write_demo",
]

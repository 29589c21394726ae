"""The seeded synthetic municipality (OSM XML + scenario + recipients), for the demo and tests.

Real OpenStreetMap data cannot ship with the package, so :func:`write_demo` generates
*Syntetiska kommunen*, a made-up municipality in interior Norrland (centre about
61.8 N, 15.9 E): a small town grid with the central kitchen, a curving river-valley
main road of about 120 km, villages 10-70 km out on secondary/tertiary roads (some
joined by loops), gravel forest roads with dead ends and a few loops, and one remote
village with a camping kitchen and a shop (the Frame Lake set-up).

Everything written is labelled SYNTHETIC: the scenario name, a comment at the top of
``scenario.toml``, the ``note`` column of ``recipients.csv``, the ``generator``
attribute, a ``<note>`` element and a ``note`` tag on every way of ``demo.osm``.

The output goes through exactly the same loaders as real data
(``maltid.network.build_network`` and ``maltid.scenario.load_scenario``). Generation is
deterministic: the same arguments give byte-identical files (only the standard
library's :class:`random.Random` draws, and every number is written with a fixed
number of decimals).

Modules, in the order of the data flow: ``frame`` (the local metric frame, its
projection to degrees, and the plane geometry), ``roads`` (town grid, main road, side
roads, village streets), ``municipality`` (villages, the town and the recipients) and
``write`` (OSM XML, CSV, scenario TOML, and :func:`write_demo`).
"""

from __future__ import annotations

from maltid.demo.frame import CENTRE_LAT, CENTRE_LON
from maltid.demo.write import (
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

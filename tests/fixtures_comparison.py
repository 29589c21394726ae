"""A small, synthetic, REAL comparison for the map and report tests.

Everything here is synthetic (no real person): an OSM XML extract of a 12 x 12 grid of
roads ~500 m apart near 61.8 N 15.9 E with a 50 km road leading east from its north-east
corner, a central kitchen in the south-west corner, two local kitchens (one with a
hostile name), and 40 recipients placed 20-40 m off road nodes (like houses) with
7-decimal coordinates, so a test can check that no recipient position leaks into the map.
The last recipient lives at the end of the long road, beyond the hot-holding limit from
every kitchen: the hot models cannot serve it.

The scenario is written as TOML + CSV, read by :func:`maltid.load_scenario` and compared by
:func:`maltid.compare` (a small routing solution limit keeps it fast and
machine-independent). The comparison of each set of arguments is built once per session.
"""

from __future__ import annotations

import functools
import math
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np

from maltid.comparison import Comparison

HOSTILE_NAME = '<script>window.__pwned=1</script>" onmouseover="window.__pwned=2'
LAT0, LON0 = 61.8, 15.9
STEP_DEG_LAT = 0.0045  # ~500 m
STEP_DEG_LON = 0.0095  # ~500 m at 61.8 N
GRID = 12
SPUR_NODES = 50  # the long road: 50 segments of ~1 km east of the north-east corner
SOLUTIONS = 10  # routing solution limit per solve

_TMP = tempfile.TemporaryDirectory(prefix="maltid-fixture-")

SCENARIO_TOML = """
name = {name}
seed = 7
baseline = "central_daily_hot"

[network]
osm = "{osm}"

[recipients]
csv = "recipients.csv"

[[kitchens]]
id = "central"
name = "Centralköket"
role = "central"
lat = {lat0}
lon = {lon0}
cost_per_meal_sek = 55.0
capacity_meals_per_day = 500

[[kitchens]]
id = "camping"
name = {camping}
role = "local"
lat = {camping_lat}
lon = {camping_lon}
cost_per_meal_sek = 68.0
fixed_cost_sek_per_day = 150.0
capacity_meals_per_day = 60
local_food_share = 0.8

[[kitchens]]
id = "school"
name = "Skolköket"
role = "local"
lat = {school_lat}
lon = {school_lon}
cost_per_meal_sek = 62.0
fixed_cost_sek_per_day = 100.0
capacity_meals_per_day = 60
local_food_share = 0.5

[fleet]
vehicle_capacity_meals = 40
vehicles_per_kitchen = 6
cost_per_km_sek = 2.5
driver_cost_per_hour_sek = 380.0
co2_kg_per_km = 0.18
service_min_per_stop = 3.0
shift_start = "10:00"
max_shift_min = 300
chilled_vehicle_capacity_meals = 200

[delivery]
lunch_window = ["11:00", "13:30"]
max_hot_holding_min = 40

[solver]
time_limit_s = 30

[analysis]
break_even = ["local_cost_per_meal"]
break_even_kitchen = "camping"

[[models]]
kind = "central_daily_hot"

[[models]]
kind = "central_chilled"
name = "kyld <b>mat</b>"
deliveries_per_week = 2

[[models]]
kind = "local_kitchens"
"""


def node_id(i: int, j: int) -> int:
    """OSM node id of grid row ``i``, column ``j``."""
    return 1_000_000 + i * 100 + j


def node_position(i: int, j: int) -> tuple[float, float]:
    """(lat, lon) of grid row ``i``, column ``j`` (degrees)."""
    return LAT0 + i * STEP_DEG_LAT, LON0 + j * STEP_DEG_LON


def grid_osm_text() -> str:
    """OSM XML of the grid (maxspeed 50) and the long road east (maxspeed 70)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for i in range(GRID):
        for j in range(GRID):
            lat, lon = node_position(i, j)
            lines.append(f'  <node id="{node_id(i, j)}" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    spur_lat, spur_lon0 = node_position(GRID - 1, GRID - 1)
    for k in range(1, SPUR_NODES + 1):
        lon = spur_lon0 + k * 2 * STEP_DEG_LON
        lines.append(f'  <node id="{2_000_000 + k}" lat="{spur_lat:.7f}" lon="{lon:.7f}"/>')
    way = 1
    for i in range(GRID):
        for j in range(GRID):
            for di, dj in ((0, 1), (1, 0)):
                if i + di >= GRID or j + dj >= GRID:
                    continue
                lines.append(f'  <way id="{way}">')
                lines.append(f'    <nd ref="{node_id(i, j)}"/>')
                lines.append(f'    <nd ref="{node_id(i + di, j + dj)}"/>')
                lines.append('    <tag k="highway" v="unclassified"/>')
                lines.append('    <tag k="maxspeed" v="50"/>')
                lines.append("  </way>")
                way += 1
    lines.append(f'  <way id="{way}">')
    lines.append(f'    <nd ref="{node_id(GRID - 1, GRID - 1)}"/>')
    lines += [f'    <nd ref="{2_000_000 + k}"/>' for k in range(1, SPUR_NODES + 1)]
    lines.append('    <tag k="highway" v="unclassified"/>')
    lines.append('    <tag k="maxspeed" v="70"/>')
    lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def _near(rng: np.random.Generator, lat: float, lon: float) -> tuple[float, float]:
    """A point 20-40 m from (lat, lon), rounded to 7 decimals (a house by the road)."""
    angle = rng.uniform(0, 2 * math.pi)
    dist_m = rng.uniform(20, 40)
    dlat = dist_m * math.sin(angle) / 111_320.0
    dlon = dist_m * math.cos(angle) / (111_320.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 7), round(lon + dlon, 7)


def recipients_csv(n_recipients: int, seed: int) -> str:
    """Half the recipients in the far village (rows/cols 8-11), half near the centre."""
    rng = np.random.default_rng(seed)
    rows = ["id,lat,lon,meals_per_week,hot_meal"]
    for k in range(n_recipients):
        if k == n_recipients - 1:  # the remote one, at the end of the long road
            lat, lon = node_position(GRID - 1, GRID - 1)
            lon += SPUR_NODES * 2 * STEP_DEG_LON
        elif k % 2:
            lat, lon = node_position(int(rng.integers(8, 12)), int(rng.integers(8, 12)))
        else:
            lat, lon = node_position(int(rng.integers(0, 4)), int(rng.integers(0, 4)))
        lat, lon = _near(rng, lat, lon)
        rows.append(f"r{k:03d},{lat:.7f},{lon:.7f},{7 if k % 5 else 5},true")
    return "\n".join(rows) + "\n"


def _toml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def write_scenario(
    folder: Path,
    *,
    kitchen_name: str = "Campingköket",
    scenario_name: str = "Testbyn (synthetic)",
    n_recipients: int = 40,
    seed: int = 7,
) -> Path:
    """Write the grid extract, recipients and scenario into ``folder``; return the TOML."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grid.osm").write_text(grid_osm_text(), encoding="utf-8")
    (folder / "recipients.csv").write_text(recipients_csv(n_recipients, seed), encoding="utf-8")
    camping = node_position(10, 10)
    school = node_position(2, 9)
    toml = SCENARIO_TOML.format(
        name=_toml_str(scenario_name),
        osm=(folder / "grid.osm").as_posix(),
        lat0=LAT0,
        lon0=LON0,
        camping=_toml_str(kitchen_name),
        camping_lat=camping[0],
        camping_lon=camping[1],
        school_lat=school[0],
        school_lon=school[1],
    )
    path = folder / "scenario.toml"
    path.write_text(toml, encoding="utf-8")
    return path


def install_grid_geometry(monkeypatch: Any) -> None:
    """Kept for the tests that ask for it: the fixture network is a real road network now,
    so ``maltid.network.route_coords`` draws along its roads without any stand-in."""
    del monkeypatch


@functools.lru_cache(maxsize=8)
def make_comparison(
    *,
    kitchen_name: str = "Campingköket",
    scenario_name: str = "Testbyn (synthetic)",
    n_recipients: int = 40,
    seed: int = 7,
) -> Comparison:
    """The synthetic comparison; ``kitchen_name`` names the local kitchen ``camping``."""
    from maltid.pipeline import compare
    from maltid.scenario import load_scenario

    key = f"{abs(hash((kitchen_name, scenario_name, n_recipients, seed))):x}"
    folder = Path(_TMP.name) / key
    path = write_scenario(
        folder,
        kitchen_name=kitchen_name,
        scenario_name=scenario_name,
        n_recipients=n_recipients,
        seed=seed,
    )
    return compare(
        load_scenario(path), cache_dir=str(Path(_TMP.name) / "cache"), solution_limit=SOLUTIONS
    )


class _StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def start_tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of an HTML page or fragment with its attributes, in order."""
    parser = _StartTags()
    parser.feed(page)
    return parser.tags

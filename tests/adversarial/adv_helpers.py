"""Small synthetic scenarios for the adversarial tests (all recipients are made up).

The road network is a hand-written OSM XML grid in Sweden (lat 63.000-63.020,
lon 17.000-17.040) with, optionally, a separate road piece ("the island") that has no
road connection to the grid.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: Grid of the main road network: GRID_N x GRID_N nodes, spacing in degrees.
GRID_N = 5
LAT0, LON0 = 63.000, 17.000
DLAT, DLON = 0.005, 0.010
#: The island road piece: two nodes about 5.5 km north of the grid, no road to it.
ISLAND = ((63.070, 17.010), (63.070, 17.030))

CENTRAL = {"id": "central", "name": "Centralkök", "lat": 63.000, "lon": 17.000}
LOCAL = {"id": "byn", "name": "Byköket", "lat": 63.020, "lon": 17.040}

#: Synthetic recipients on or next to the grid: (id, lat, lon, meals/week, hot).
RECIPIENTS: tuple[tuple[str, float, float, int, bool], ...] = (
    ("R01", 63.0051, 17.0101, 5, True),
    ("R02", 63.0101, 17.0199, 7, True),
    ("R03", 63.0149, 17.0301, 3, False),
    ("R04", 63.0199, 17.0399, 7, True),
    ("R05", 63.0100, 17.0002, 5, True),
)


def grid_node_id(i: int, j: int) -> int:
    """OSM node id of grid point (row i, column j)."""
    return 1 + i * GRID_N + j


def osm_xml(*, island: bool = False, bounds: bool = False) -> str:
    """OSM XML of the grid (two-way residential roads), optionally with the island piece."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="adv">']
    if bounds:
        lines.append(
            f'  <bounds minlat="{LAT0}" minlon="{LON0}" '
            f'maxlat="{LAT0 + DLAT * (GRID_N - 1) + (0.06 if island else 0)}" '
            f'maxlon="{LON0 + DLON * (GRID_N - 1)}"/>'
        )
    for i in range(GRID_N):
        for j in range(GRID_N):
            lat, lon = LAT0 + i * DLAT, LON0 + j * DLON
            lines.append(
                f'  <node id="{grid_node_id(i, j)}" lat="{lat:.6f}" lon="{lon:.6f}" version="1"/>'
            )
    if island:
        for k, (lat, lon) in enumerate(ISLAND):
            lines.append(f'  <node id="{900 + k}" lat="{lat:.6f}" lon="{lon:.6f}" version="1"/>')
    way_id = 1000

    def way(refs: Sequence[int], highway: str = "residential") -> None:
        nonlocal way_id
        way_id += 1
        lines.append(f'  <way id="{way_id}" version="1">')
        lines.extend(f'    <nd ref="{r}"/>' for r in refs)
        lines.append(f'    <tag k="highway" v="{highway}"/>')
        lines.append("  </way>")

    for i in range(GRID_N):
        way([grid_node_id(i, j) for j in range(GRID_N)])
    for j in range(GRID_N):
        way([grid_node_id(i, j) for i in range(GRID_N)])
    if island:
        way([900, 901])
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def toml_value(v: Any) -> str:
    """One TOML value (strings escaped, floats incl. nan/inf, lists, inline tables)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        out = []
        for ch in v:
            if ch == '"':
                out.append('\\"')
            elif ch == "\\":
                out.append("\\\\")
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04x}")
            elif 0xD800 <= ord(ch) <= 0xDFFF:
                out.append("\ufffd")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"no TOML for {v!r}")


def toml_key(k: str) -> str:
    """A bare key if possible, else a quoted one."""
    if k and all(c.isascii() and (c.isalnum() or c in "_-") for c in k):
        return k
    return toml_value(k)


def dumps_toml(data: Mapping[str, Any]) -> str:
    """Serialise a scenario dict to TOML (scalars, tables, arrays of tables)."""
    head: list[str] = []
    body: list[str] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            body.append(f"\n[{toml_key(key)}]")
            body.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        elif isinstance(value, list) and value and all(isinstance(x, Mapping) for x in value):
            for entry in value:
                body.append(f"\n[[{toml_key(key)}]]")
                body.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in entry.items())
        else:
            head.append(f"{toml_key(key)} = {toml_value(value)}")
    return "\n".join(head + body) + "\n"


def scenario_dict(
    *,
    name: str = "Adversarial test (synthetic)",
    kitchens: Sequence[Mapping[str, Any]] | None = None,
    models: Sequence[Mapping[str, Any]] | None = None,
    osm: str = "roads.osm",
    csv: str = "recipients.csv",
) -> dict[str, Any]:
    """A valid, small, fast scenario as a dict.

    Solver cap 5 s (never reached: the solution limit stops the search first, so plans
    are reproducible); no break-even, no sensitivity.
    """
    if kitchens is None:
        kitchens = [
            {
                **CENTRAL,
                "role": "central",
                "cost_per_meal_sek": 55.0,
                "capacity_meals_per_day": 500,
                "vehicles": 2,
            },
            {
                **LOCAL,
                "role": "local",
                "cost_per_meal_sek": 65.0,
                "fixed_cost_sek_per_day": 300.0,
                "capacity_meals_per_day": 40,
                "local_food_share": 0.5,
            },
        ]
    if models is None:
        models = [{"kind": "central_daily_hot"}, {"kind": "local_kitchens"}]
    return {
        "name": name,
        "seed": 7,
        "network": {"osm": osm},
        "recipients": {"csv": csv},
        "kitchens": [dict(k) for k in kitchens],
        "fleet": {
            "vehicle_capacity_meals": 30,
            "vehicles_per_kitchen": 1,
            "cost_per_km_sek": 2.5,
            "driver_cost_per_hour_sek": 380.0,
            "co2_kg_per_km": 0.18,
            "service_min_per_stop": 4.0,
            "shift_start": "10:00",
            "max_shift_min": 240,
        },
        "delivery": {"lunch_window": ["11:00", "13:30"], "max_hot_holding_min": 90},
        "solver": {"time_limit_s": 5, "siting_time_limit_s": 5},
        "analysis": {"break_even": [], "sensitivity": False},
        "models": [dict(m) for m in models],
    }


def recipients_csv(
    rows: Sequence[tuple[str, float, float, int, bool]] = RECIPIENTS,
    *,
    extra: Mapping[str, Sequence[str]] | None = None,
    sep: str = ",",
    decimal_comma: bool = False,
) -> str:
    """Recipients CSV text; ``extra`` adds columns (name -> one value per row)."""
    extra = dict(extra or {})
    header = ["id", "lat", "lon", "meals_per_week", "hot_meal", *extra]
    lines = [sep.join(header)]
    for k, (rid, lat, lon, meals, hot) in enumerate(rows):
        la, lo = f"{lat:.6f}", f"{lon:.6f}"
        if decimal_comma:
            la, lo = la.replace(".", ","), lo.replace(".", ",")
        cells = [rid, la, lo, str(meals), "true" if hot else "false"]
        cells += [values[k] for values in extra.values()]
        lines.append(sep.join(cells))
    return "\n".join(lines) + "\n"


def write_scenario(
    folder: Path,
    *,
    data: Mapping[str, Any] | None = None,
    csv_text: str | None = None,
    island: bool = False,
) -> Path:
    """Write roads.osm, recipients.csv and scenario.toml into ``folder``; return the TOML."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roads.osm").write_text(osm_xml(island=island), encoding="utf-8")
    (folder / "recipients.csv").write_text(
        recipients_csv() if csv_text is None else csv_text, encoding="utf-8"
    )
    toml = folder / "scenario.toml"
    toml.write_text(dumps_toml(scenario_dict() if data is None else data), encoding="utf-8")
    return toml

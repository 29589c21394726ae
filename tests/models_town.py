"""Small real scenarios for the model tests: TOML + CSV written to a temporary folder,
read back through ``maltid.load_scenario``, with a hand-made travel matrix.

The matrix is road = ``detour`` x straight line at ``speed_mps`` (or a star: every trip
passes the first kitchen, a tree metric), so the tests control every distance. No real
person is involved; the road file is an empty OSM document (the matrix replaces it).
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from maltid import load_scenario
from maltid.network import TravelMatrix
from maltid.scenario import Scenario

#: The model specs the tests use, by name.
SPECS: dict[str, dict[str, Any]] = {
    "hot7": {"kind": "central_daily_hot", "name": "hot7", "days_per_week": 7},
    "hot5": {"kind": "central_daily_hot", "name": "hot5", "days_per_week": 5},
    "chilled1": {"kind": "central_chilled", "name": "chilled1", "deliveries_per_week": 1},
    "local": {"kind": "local_kitchens", "name": "local"},
    "mix": {"kind": "optimised_mix", "name": "mix"},
    "hemlagat": {"kind": "home_care_cooking", "name": "hemlagat"},
}


def kitchen(kid: str, role: str, lat: float, lon: float, **kw: Any) -> dict[str, Any]:
    """A kitchen entry: central 55 SEK/meal, 2000 meals/day; local 60 SEK, 40 meals/day."""
    base: dict[str, Any] = {
        "id": kid,
        "name": kid,
        "role": role,
        "lat": lat,
        "lon": lon,
        "cost_per_meal_sek": 55.0 if role == "central" else 60.0,
        "fixed_cost_sek_per_day": 0.0 if role == "central" else 100.0,
        "capacity_meals_per_day": 2000 if role == "central" else 40,
        "local_food_share": 0.0 if role == "central" else 0.8,
        "delivery_mode": "car",
    }
    base.update({k: v for k, v in kw.items() if v is not None})
    return base


def recipient(
    rid: str,
    lat: float,
    lon: float,
    meals: int = 7,
    *,
    hot_meal: bool = True,
    window: tuple[str, str] | None = None,
    lunch_visits: int | None = None,
) -> dict[str, Any]:
    """A recipient row; ``window`` as ``("HH:MM", "HH:MM")``; ``lunch_visits``: the
    ``home_care_lunch_visits_per_week`` column (empty when None)."""
    return {
        "id": rid,
        "lat": lat,
        "lon": lon,
        "meals": meals,
        "hot": hot_meal,
        "window": window,
        "visits": lunch_visits,
    }


def _csv(rows: Sequence[Mapping[str, Any]]) -> str:
    visits = any(r["visits"] is not None for r in rows)
    head = "id,lat,lon,meals_per_week,hot_meal,window_start,window_end"
    lines = [head + (",home_care_lunch_visits_per_week" if visits else "")]
    for r in rows:
        w = r["window"] or ("", "")
        hot = "true" if r["hot"] else "false"
        line = f"{r['id']},{r['lat']!r},{r['lon']!r},{r['meals']},{hot},{w[0]},{w[1]}"
        if visits:
            line += "," + ("" if r["visits"] is None else str(r["visits"]))
        lines.append(line)
    return "\n".join(lines) + "\n"


def scenario(
    kitchens: Sequence[Mapping[str, Any]],
    recipients: Sequence[Mapping[str, Any]],
    *,
    speed_mps: float = 15.0,
    detour: float = 1.3,
    star: bool = False,
    vehicles: int | None = 3,
    capacity: int = 40,
    chilled_capacity: int | None = 150,
    hold_min: float = 90.0,
    service_min: float = 4.0,
    models: Sequence[str] = ("hot7",),
    solver: Mapping[str, Any] | None = None,
    fleet: Mapping[str, Any] | None = None,
    extra_points: Sequence[tuple[str, float, float]] = (),
    home_care: Mapping[str, Any] | None = None,
) -> tuple[Scenario, TravelMatrix]:
    """Write, load and return a scenario and its hand-made travel matrix (s, m).

    ``home_care``: the ``[home_care]`` table; its bases become matrix points too."""
    fleet_: dict[str, Any] = {
        "vehicle_capacity_meals": capacity,
        "cost_per_km_sek": 2.5,
        "driver_cost_per_hour_sek": 380.0,
        "co2_kg_per_km": 0.18,
        "service_min_per_stop": service_min,
        "shift_start": "10:00",
        "max_shift_min": 240.0,
        "fixed_cost_sek_per_vehicle_day": 0.0,
    }
    if vehicles is not None:  # else the fleet is sized by the plan
        fleet_["vehicles_per_kitchen"] = vehicles
    if chilled_capacity is not None:
        fleet_["chilled_vehicle_capacity_meals"] = chilled_capacity
    fleet_.update(fleet or {})
    data: dict[str, Any] = {
        "name": "synthetic",
        "seed": 3,
        "network": {"osm": "roads.osm"},
        "recipients": {"csv": "recipients.csv"},
        "kitchens": [dict(k) for k in kitchens],
        "fleet": fleet_,
        "delivery": {"lunch_window": ["11:00", "13:30"], "max_hot_holding_min": hold_min},
        "solver": {"time_limit_s": 30.0, **(solver or {})},
        "analysis": {"break_even": [], "sensitivity": False},
        "models": [SPECS[m] for m in models],
    }
    if home_care is not None:
        data["home_care"] = dict(home_care)
        extra_points = [
            *extra_points,
            *((b["id"], b["lat"], b["lon"]) for b in home_care.get("bases", ())),
        ]
    with tempfile.TemporaryDirectory(prefix="maltid-models-") as tmp:
        folder = Path(tmp)
        (folder / "roads.osm").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6"></osm>\n', encoding="utf-8"
        )
        (folder / "recipients.csv").write_text(_csv(recipients), encoding="utf-8")
        (folder / "scenario.toml").write_bytes(tomli_w.dumps(data).encode("utf-8"))
        sc = load_scenario(folder / "scenario.toml")
    return sc, matrix_for(sc, speed_mps=speed_mps, detour=detour, star=star, extra=extra_points)


def matrix_for(
    sc: Scenario,
    *,
    speed_mps: float = 15.0,
    detour: float = 1.3,
    star: bool = False,
    extra: Sequence[tuple[str, float, float]] = (),
) -> TravelMatrix:
    """Road = ``detour`` x straight line (or a star through the first kitchen) at
    ``speed_mps``; ``extra`` adds (id, lat, lon) points (e.g. home-care bases) last."""
    pts = [(k.lat, k.lon) for k in sc.kitchens] + [(r.lat, r.lon) for r in sc.recipients]
    pts += [(lat, lon) for _, lat, lon in extra]
    p = np.asarray(pts, dtype=float)
    ky = 111_000.0
    kx = 111_000.0 * math.cos(math.radians(float(p[:, 0].mean())))
    if star:  # every trip goes through the first kitchen: a tree metric
        r0 = np.hypot((p[:, 0] - p[0, 0]) * ky, (p[:, 1] - p[0, 1]) * kx) * detour
        d = r0[:, None] + r0[None, :]
    else:
        dy = (p[:, None, 0] - p[None, :, 0]) * ky
        dx = (p[:, None, 1] - p[None, :, 1]) * kx
        d = np.hypot(dx, dy) * detour
    np.fill_diagonal(d, 0.0)
    ids = tuple([k.id for k in sc.kitchens] + [r.id for r in sc.recipients] + [e[0] for e in extra])
    return TravelMatrix(ids, np.arange(len(ids)), d / speed_mps, d)

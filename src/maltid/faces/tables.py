"""A comparison's results as tables and GIS layers: routes, stops, who is not served.

Presentation only: everything here reads a :class:`maltid.comparison.Comparison` and
never re-solves.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from maltid.comparison import Comparison

__all__ = ["routes_frame", "routes_geojson"]


def _hhmm(seconds: float) -> str:
    s = round(float(seconds))
    return f"{(s // 3600) % 24:02d}:{(s % 3600) // 60:02d}"


_ROUTE_COLUMNS = [
    "model",
    "day",
    "days_per_week",
    "vehicle",
    "kitchen",
    "mode",
    "hot",
    "stop_order",
    "recipient_id",
    "arrival",
    "kitchen_to_plate_min",
    "load_meals",
    "fresh_meals",
    "chilled_meals",
    "route_load_meals",
    "route_km",
    "route_minutes",
    "route_cost_sek",
]


def routes_frame(comparison: Comparison) -> pd.DataFrame:
    """Every stop of every route of every model, one row per stop (km, minutes, SEK).

    Columns: model, day (label), days_per_week, vehicle, kitchen, mode (``car`` or the
    local mode), hot (a hot meal under the hot-holding limit), stop_order (1-based),
    recipient_id, arrival (HH:MM, start of service), kitchen_to_plate_min, load_meals
    (meals delivered at the stop), fresh_meals, chilled_meals, route_load_meals, route_km,
    route_minutes (leaving the kitchen to
    return) and route_cost_sek. Foot/bicycle/on-site deliveries follow, one row each,
    with the staff minutes per delivery day in ``route_minutes``.
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    wants_hot = {str(r.id): bool(r.hot_meal) for r in comparison.scenario.recipients}
    for name, res in comparison.results.items():
        for day in res.plan.days:
            for route in day.plan.routes:
                for k, sid in enumerate(route.stop_ids):
                    fresh = int(day.fresh_meals.get(sid, 0))
                    chilled = int(day.chilled_meals.get(sid, 0))
                    rows.append(
                        {
                            "model": name,
                            "day": day.label,
                            "days_per_week": int(day.days),
                            "vehicle": route.vehicle_id,
                            "kitchen": route.depot_id,
                            "mode": "car",
                            "hot": bool(day.hot and fresh > 0 and wants_hot.get(sid, True)),
                            "stop_order": k + 1,
                            "recipient_id": sid,
                            "arrival": _hhmm(route.arrival_s[k]),
                            "kitchen_to_plate_min": float(
                                day.plan.kitchen_to_plate_s.get(
                                    sid, route.arrival_s[k] - route.departure_s
                                )
                            )
                            / 60.0,
                            "load_meals": fresh + chilled,
                            "fresh_meals": fresh,
                            "chilled_meals": chilled,
                            "route_load_meals": int(route.load_meals),
                            "route_km": float(route.distance_m) / 1000.0,
                            "route_minutes": float(route.duration_s) / 60.0,
                            "route_cost_sek": float(route.cost_sek),
                        }
                    )
        for ld in res.plan.local_deliveries:
            rows.append(
                {
                    "model": name,
                    "day": "",
                    "days_per_week": int(ld.days),
                    "vehicle": ld.mode,
                    "kitchen": ld.kitchen_id,
                    "mode": ld.mode,
                    "hot": wants_hot.get(ld.recipient_id, True),
                    "stop_order": 1,
                    "recipient_id": ld.recipient_id,
                    "arrival": "",
                    "kitchen_to_plate_min": float(ld.kitchen_to_plate_s) / 60.0,
                    "load_meals": 1,
                    "fresh_meals": 1,
                    "chilled_meals": 0,
                    "route_load_meals": 1,
                    "route_km": 2.0 * float(ld.one_way_distance_m) / 1000.0,
                    "route_minutes": float(ld.staff_time_s) / 60.0,
                    "route_cost_sek": math.nan,
                }
            )
    return pd.DataFrame(rows, columns=_ROUTE_COLUMNS)


def routes_geojson(comparison: Comparison) -> dict[str, Any]:
    """Every vehicle route as a GeoJSON LineString along the roads (lon, lat; km, min, SEK).

    Properties: model, day, days_per_week, vehicle, kitchen, n_stops, load_meals, km,
    minutes, cost_sek -- no recipient ids or names. PRIVACY: the lines still pass by the
    recipients' homes and stop there; this file is for the municipality's planners, not
    for publication.
    """
    from maltid.network.matrix import route_coords

    matrix = comparison.matrix
    node_of = {str(i): int(n) for i, n in zip(matrix.ids, np.asarray(matrix.nodes), strict=True)}
    features: list[dict[str, Any]] = []
    for name, res in comparison.results.items():
        for day in res.plan.days:
            for route in day.plan.routes:
                depot = node_of[route.depot_id]
                nodes = [depot, *(node_of[s] for s in route.stop_ids), depot]
                coords = route_coords(comparison.network, nodes)
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[float(lo), float(la)] for la, lo in coords],
                        },
                        "properties": {
                            "model": name,
                            "day": day.label,
                            "days_per_week": int(day.days),
                            "vehicle": route.vehicle_id,
                            "kitchen": route.depot_id,
                            "n_stops": len(route.stop_ids),
                            "load_meals": int(route.load_meals),
                            "km": round(float(route.distance_m) / 1000.0, 3),
                            "minutes": round(float(route.duration_s) / 60.0, 1),
                            "cost_sek": round(float(route.cost_sek), 2),
                        },
                    }
                )
    return {"type": "FeatureCollection", "features": features}

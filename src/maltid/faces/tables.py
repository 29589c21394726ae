"""A comparison's results as tables and GIS layers: routes, stops, who is not served.

Presentation only: everything here reads a :class:`maltid.comparison.Comparison` and
never re-solves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from maltid.comparison import Comparison
    from maltid.network import RoadPaths

__all__ = [
    "REASON_TEXT",
    "kitchens_gdf",
    "recipient_cells_gdf",
    "routes_frame",
    "routes_gdf",
    "routes_geojson",
    "unserved_frame",
]

#: What each ``reason_code`` of ``Comparison.not_served`` means, per language.
REASON_TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "unreachable": "ingen väg når adressen",
        "capacity": "får inte plats i någon bil",
        "window": "kan inte nås inom leveransfönstret",
        "hot_holding": "för långt bort för att maten ska hållas varm",
        "shift": "ryms inte i förarens arbetspass",
        "no_vehicles": "inga bilar vid köket",
        "dropped": "fick inte plats i dagens turer (för få bilar, för liten lastförmåga "
        "eller för korta arbetspass)",
        "not_assigned": "inget kök kan leverera",
        "far_from_road": "adressen ligger långt från närmaste väg",
    },
    "en": {
        "unreachable": "no road reaches the address",
        "capacity": "does not fit in any vehicle",
        "window": "cannot be reached within the delivery window",
        "hot_holding": "too far away for the meal to stay hot",
        "shift": "does not fit in the driver's shift",
        "no_vehicles": "no vehicles at the kitchen",
        "dropped": "did not fit in the day's rounds (too few vehicles, too little load or "
        "too short shifts)",
        "not_assigned": "no kitchen can deliver",
        "far_from_road": "the address is far from the nearest road",
    },
}


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


def routes_geojson(comparison: Comparison, *, paths: RoadPaths | None = None) -> dict[str, Any]:
    """Every vehicle route as a GeoJSON LineString along the roads (lon, lat; km, min, SEK).

    Properties: model, day, days_per_week, vehicle, kitchen, n_stops, load_meals, km,
    minutes, cost_sek -- no recipient ids or names. PRIVACY: the lines still pass by the
    recipients' homes and stop there; this file is for the municipality's planners, not
    for publication. ``paths`` shares the road geometry with other outputs of the same
    comparison.
    """
    if paths is None:
        from maltid.network import RoadPaths

        paths = RoadPaths(comparison.network)
    matrix = comparison.matrix
    node_of = {str(i): int(n) for i, n in zip(matrix.ids, np.asarray(matrix.nodes), strict=True)}
    features: list[dict[str, Any]] = []
    for name, res in comparison.results.items():
        for day in res.plan.days:
            for route in day.plan.routes:
                depot = node_of[route.depot_id]
                nodes = [depot, *(node_of[s] for s in route.stop_ids), depot]
                coords = paths.route(nodes)
                if len(coords) == 1:
                    # every stop at the kitchen's road node (0 km): a LineString needs
                    # two positions, so the line is that point twice
                    coords = [coords[0], coords[0]]
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


# --------------------------------------------------------------------------------------
# who is not served, in the reader's language
# --------------------------------------------------------------------------------------


def unserved_frame(comparison: Comparison, *, lang: str = "sv") -> pd.DataFrame:
    """``unserved.csv``: ``Comparison.not_served`` with ``reason`` in ``lang`` (sv, en).

    Columns ``model, recipient_id, days, outcome, reason_code, reason``; the Swedish or
    English reason is the meaning of ``reason_code`` (English keeps the solver's detail).
    """
    import pandas as pd

    from maltid.comparison import NOT_SERVED_COLUMNS
    from maltid.faces.i18n import check_lang

    lang = check_lang(lang)
    frame = comparison.not_served
    if frame is None:
        return pd.DataFrame(columns=list(NOT_SERVED_COLUMNS))
    frame = frame.copy()
    if lang != "en":
        texts = REASON_TEXT[lang]
        frame["reason"] = [
            texts.get(str(code), str(code))
            + ("; " + texts["far_from_road"] if "from the nearest road" in str(why) else "")
            for code, why in zip(frame["reason_code"], frame["reason"], strict=True)
        ]
    return frame


# --------------------------------------------------------------------------------------
# GIS layers (geopandas)
# --------------------------------------------------------------------------------------


def routes_gdf(
    comparison: Comparison, *, routes: Mapping[str, Any] | None = None
) -> gpd.GeoDataFrame:
    """Every vehicle route as a GeoDataFrame of LineStrings along the roads (EPSG:4326).

    Columns as the properties of :func:`routes_geojson` (model, day, days_per_week,
    vehicle, kitchen, n_stops, load_meals, km, minutes, cost_sek) plus ``geometry``; call
    ``.explore()`` for an interactive map or ``.to_crs("EPSG:3006")`` for SWEREF 99 TM.
    PRIVACY: the lines pass by the recipients' homes and stop there. ``routes`` is the
    comparison's :func:`routes_geojson` when already built.
    """
    import geopandas as gpd

    if routes is None:
        routes = routes_geojson(comparison)
    return gpd.GeoDataFrame.from_features(routes["features"], crs="EPSG:4326")


def kitchens_gdf(comparison: Comparison) -> gpd.GeoDataFrame:
    """The scenario's kitchens as points (EPSG:4326): id, name, role, cost_per_meal_sek."""
    import geopandas as gpd
    from shapely.geometry import Point

    ks = comparison.scenario.kitchens
    return gpd.GeoDataFrame(
        {
            "id": [str(k.id) for k in ks],
            "name": [str(k.name) for k in ks],
            "role": [str(k.role) for k in ks],
            "cost_per_meal_sek": [float(k.cost_per_meal_sek) for k in ks],
            "capacity_meals_per_day": [int(k.capacity_meals_per_day) for k in ks],
        },
        geometry=[Point(float(k.lon), float(k.lat)) for k in ks],
        crs="EPSG:4326",
    )


def recipient_cells_gdf(comparison: Comparison, *, cell_size_m: float = 1000.0) -> gpd.GeoDataFrame:
    """Recipients counted per grid square (polygons, EPSG:4326), never their positions.

    The squares of :func:`maltid.faces.grid.aggregate_recipients`: ``count`` recipients
    in a square of ``size_m`` metres; squares with fewer than ``maps.MIN_CELL_COUNT`` are
    pooled into coarser ones or left out (their number is in ``attrs["hidden"]``).
    """
    import geopandas as gpd
    from shapely.geometry import Polygon

    from maltid.faces.grid import aggregate_recipients

    rs = comparison.scenario.recipients
    cells, hidden = aggregate_recipients(
        [float(r.lat) for r in rs], [float(r.lon) for r in rs], cell_size_m=cell_size_m
    )
    gdf = gpd.GeoDataFrame(
        {
            "count": [int(c["count"]) for c in cells],
            "size_m": [float(c["size_m"]) for c in cells],
        },
        geometry=[Polygon([(lon, lat) for lat, lon in c["corners"]]) for c in cells],
        crs="EPSG:4326",
    )
    gdf.attrs["hidden"] = int(hidden)
    return gdf

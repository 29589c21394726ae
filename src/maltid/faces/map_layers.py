"""The layers of map.html: roads, the offline background, kitchens, who is not served.

Drawing helpers of :func:`maltid.faces.maps.render_map` (folium objects, no page logic).
All HTML comes from the autoescaping template ``templates/map_parts.html.j2``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from maltid.faces.grid import aggregate_recipients
from maltid.faces.i18n import format_number, t

if TYPE_CHECKING:
    from maltid.comparison import Comparison
    from maltid.network import RoadPaths

__all__ = [
    "COLOURS",
    "basemap",
    "draw_basemap",
    "draw_home_care_bases",
    "draw_kitchens",
    "draw_not_served",
    "layer_name",
    "network_lines",
    "parts",
    "route_latlon",
]

logger = logging.getLogger("maltid")

COLOURS = {
    "central": "#b2182b",
    "local_open": "#1a9850",
    "local_closed": "#9e9e9e",
    "cell": "#5e3c99",
}
_COORD_DECIMALS = 5
_BIG_PLACES = ("city", "town")


@cache
def parts() -> Any:
    import jinja2

    env: jinja2.Environment = jinja2.Environment(
        loader=jinja2.PackageLoader("maltid.faces", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("map_parts.html.j2").module


def _round(value: float) -> float:
    return round(float(value), _COORD_DECIMALS)


def route_latlon(
    comparison: Comparison, nodes: list[int], *, paths: RoadPaths | None = None
) -> list[tuple[float, float]]:
    """Road geometry (lat, lon) through ``nodes``; straight segments if no path is found.

    ``paths`` shares the road geometry of legs already drawn (one per map or output
    folder).
    """
    from maltid.network import route_coords

    graph = comparison.network.graph
    try:
        coords = route_coords(comparison.network, nodes) if paths is None else paths.route(nodes)
    except Exception as exc:  # a missing path must not lose the whole map
        logger.warning("maps: no road geometry for a route (%s); drawing straight lines", exc)
        coords = [(float(graph.nodes[n]["y"]), float(graph.nodes[n]["x"])) for n in nodes]
    out: list[tuple[float, float]] = []
    for la, lo in coords:
        point = (_round(la), _round(lo))
        if not out or out[-1] != point:
            out.append(point)
    return out


def _lines(geoms: Sequence[Any], tolerance_deg: float = 1e-4) -> list[list[tuple[float, float]]]:
    """Simplified (lat, lon) lines of shapely geometries (~10 m tolerance)."""
    import shapely

    if not geoms:
        return []
    out: list[list[tuple[float, float]]] = []
    for geom in shapely.simplify(list(geoms), tolerance_deg, preserve_topology=False):
        for part in getattr(geom, "geoms", [geom]):
            ring = getattr(part, "exterior", part)
            coords = [(_round(y), _round(x)) for x, y in shapely.get_coordinates(ring)]
            if len(coords) >= 2:
                out.append(coords)
    return out


def network_lines(graph: Any) -> list[list[tuple[float, float]]]:
    """Road lines, one per undirected edge."""
    import shapely

    seen: set[tuple[Any, Any]] = set()
    geoms = []
    for u, v, data in graph.edges(data=True):
        key = (u, v) if str(u) <= str(v) else (v, u)
        if key in seen:
            continue
        seen.add(key)
        geom = data.get("geometry")
        if geom is None:
            a, b = graph.nodes[u], graph.nodes[v]
            geom = shapely.LineString([(a["x"], a["y"]), (b["x"], b["y"])])
        geoms.append(geom)
    return _lines(geoms)


def basemap(comparison: Comparison) -> Any | None:
    """The offline background of the scenario's OSM extract (clipped to the road network)."""
    from maltid.network import base_layer

    try:
        layer = base_layer(comparison.scenario.network, bbox=comparison.network.bounds)
    except Exception as exc:  # the map must still draw its routes
        logger.warning("maps: no offline background (%s)", exc)
        return None
    if not (layer.places or layer.water.get("features") or layer.built_up.get("features")):
        return None
    return layer


def draw_basemap(fmap: Any, layer: Any, lang: str) -> None:
    """Built-up areas, water and place names under everything else (an overlay)."""
    import folium

    group = folium.FeatureGroup(name=layer_name(t("base_layer", lang)), overlay=True, show=True)
    if layer.built_up.get("features"):
        folium.GeoJson(
            layer.built_up,
            style_function=lambda _f: {
                "color": "#b3a999",
                "weight": 0.5,
                "fillColor": "#e3ddd3",
                "fillOpacity": 0.8,
            },
            interactive=False,
            control=False,
        ).add_to(group)
    if layer.water.get("features"):
        folium.GeoJson(
            layer.water,
            style_function=lambda _f: {
                "color": "#4a90b8",
                "weight": 1.2,
                "fillColor": "#a6cee3",
                "fillOpacity": 0.9,
            },
            interactive=False,
            control=False,
        ).add_to(group)
    group.add_to(fmap)
    places = folium.FeatureGroup(name=layer_name(t("places_layer", lang)), overlay=True, show=True)
    for place in layer.places:
        size = "" if str(place.kind) in _BIG_PLACES or place.kind == "village" else " small"
        icon = folium.DivIcon(
            html=str(parts().place_label(str(place.name), size)),
            class_name="maltid-place-icon",
            icon_size=(0, 0),
        )
        folium.Marker(
            [_round(place.lat), _round(place.lon)], icon=icon, interactive=False, keyboard=False
        ).add_to(places)
    places.add_to(fmap)


def layer_name(text: str) -> str:
    """A layer name as HTML (Leaflet puts it into innerHTML): escaped text."""
    from markupsafe import escape

    return str(escape(text))


_OUTCOMECOLOURS = {"fallback": "#b35806", "unserved": "#b2182b"}


def draw_not_served(
    group: Any, comparison: Comparison, model: str, lang: str, bind: Any, *, cell_size_m: float
) -> int:
    """Squares counting who this model's own mode does not serve (fallback, unserved).

    Aggregated like every recipient layer (never a position); the tooltip gives the count.
    Returns the number of squares drawn.
    """
    import folium

    frame = getattr(comparison, "not_served", None)
    if frame is None or not len(frame):
        return 0
    drawn = 0
    where = {str(r.id): (float(r.lat), float(r.lon)) for r in comparison.scenario.recipients}
    rows = frame[frame["model"] == model]
    for outcome, colour in _OUTCOMECOLOURS.items():
        ids = sorted(
            {str(i) for i in rows[rows["outcome"] == outcome]["recipient_id"]} & set(where)
        )
        if not ids:
            continue
        cells, _hidden = aggregate_recipients(
            [where[i][0] for i in ids], [where[i][1] for i in ids], cell_size_m=cell_size_m
        )
        for cell in cells:
            poly = folium.Polygon(
                cell["corners"],
                color=colour,
                weight=2,
                dash_array="4 3",
                fill=False,
                class_name=f"maltid-{outcome}",
            ).add_to(group)
            bind(poly, None, t(f"not_served_{outcome}_cell", lang, n=cell["count"]))
            drawn += 1
    return drawn


def draw_kitchens(
    group: Any, kitchens: dict[str, Any], plan: Any, title: str, lang: str, bind: Any
) -> None:
    """Kitchen markers of one model, styled by role and by whether the model uses them."""
    import folium

    weeks = {kw.kitchen_id: kw for kw in plan.kitchens}
    walks: Counter[str] = Counter(d.kitchen_id for d in plan.local_deliveries)
    for kid, k in kitchens.items():
        week = weeks.get(kid)
        used = week is not None and week.open
        if k.role == "central":
            colour, radius, status = (
                COLOURS["central"],
                10,
                t("open" if used else "not_used", lang),
            )
        elif used:
            colour, radius, status = COLOURS["local_open"], 8, t("open", lang)
        else:
            colour, radius = COLOURS["local_closed"], 7
            status = t("closed" if week is not None else "not_used", lang)
        marker = folium.CircleMarker(
            [float(k.lat), float(k.lon)],
            radius=radius,
            color="#222222" if used else "#666666",
            weight=2,
            dash_array=None if used else "3 3",
            fill=True,
            fill_color=colour,
            fill_opacity=0.95 if used else 0.5,
            class_name=f"maltid-kitchen maltid-kitchen-{'open' if used else 'closed'}",
        ).add_to(group)
        rows = [
            (t("role", lang), t("role_central" if k.role == "central" else "role_local", lang)),
            (t("status", lang), status),
        ]
        if week is not None:
            mode = str(week.delivery_mode)
            rows += [
                (t("fresh_meals", lang), format_number(week.meals_fresh_per_week, lang=lang)),
                (t("chilled_meals", lang), format_number(week.meals_chilled_per_week, lang=lang)),
                (
                    t("cost_per_meal", lang),
                    format_number(week.cost_per_meal_sek, decimals=1, lang=lang)
                    + f" {t('unit_sek', lang)}",
                ),
                (
                    t("delivery_mode", lang),
                    t(f"mode_{mode}", lang) if f"mode_{mode}" in _MODES else mode,
                ),
                (t("recipients", lang), format_number(len(week.recipients), lang=lang)),
            ]
        if walks.get(kid):
            rows.append((t("local_deliveries", lang), format_number(walks[kid], lang=lang)))
        popup = str(parts().kitchen_popup(k.name, k.id, title, rows))
        bind(marker, popup, f"{layer_name(k.name)} – {layer_name(status)}")


def draw_home_care_bases(
    group: Any, comparison: Comparison, plan: Any, title: str, lang: str, bind: Any
) -> None:
    """Square markers for the home-care bases a model's crews start from (degrees)."""
    import folium

    home_care = comparison.scenario.home_care
    if home_care is None or not any(d.crew == "home_care" for d in plan.days):
        return
    for base in home_care.bases:
        marker = folium.RegularPolygonMarker(
            [float(base.lat), float(base.lon)],
            number_of_sides=4,
            radius=8,
            color="#222222",
            weight=2,
            fill=True,
            fill_color=COLOURS["local_open"],
            fill_opacity=0.95,
            class_name="maltid-home-care-base",
        ).add_to(group)
        rows = [(t("role", lang), t("home_care_base", lang))]
        popup = str(parts().kitchen_popup(base.name, base.id, title, rows))
        bind(marker, popup, f"{layer_name(base.name)} – {layer_name(t('home_care_base', lang))}")


_MODES = frozenset({"mode_car", "mode_foot", "mode_bicycle", "mode_on_site"})

"""Self-contained Folium map of a comparison: one model at a time, readable offline.

Each delivery model is a base layer (radio buttons: one model at a time); the road
network, the recipients per grid cell, the offline background drawn from the same OSM
extract (place names, water, built-up areas; :func:`maltid.network.load_basemap`) and,
online, OpenStreetMap tiles are overlays. A collapsible key-figures panel shows the
selected model only, with who gets meals by fallback delivery or is not reached, counted
by reason.

Privacy: recipients are personal data. By default they are shown only as counts per grid
cell (:mod:`maltid.faces.grid`); route popups carry km, minutes and meals, never names.
All HTML comes from the autoescaping template ``templates/map_parts.html.j2``; text
reaches JavaScript only as JSON strings.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maltid._io import atomic_write_text
from maltid.faces import map_assets, map_layers
from maltid.faces.grid import MIN_CELL_COUNT, aggregate_recipients
from maltid.faces.i18n import check_lang, format_number, model_title, t
from maltid.faces.map_layers import layer_name as name_of

if TYPE_CHECKING:
    from maltid.comparison import Comparison
    from maltid.network import RoadPaths

__all__ = [
    "MIN_CELL_COUNT",
    "NETWORK_SHOW_MAX_EDGES",
    "ROUTE_COLORS",
    "aggregate_recipients",
    "format_number",
    "render_map",
    "write_map",
]

logger = logging.getLogger("maltid")

#: Hamlets and farms are named from this zoom level on (villages and towns always).
_SMALL_PLACES_FROM_ZOOM = 13
#: The road-network layer is switched on by default only up to this many road segments.
NETWORK_SHOW_MAX_EDGES = 4000
#: Colour per vehicle (cycled), colour-blind friendly first.
ROUTE_COLORS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#d55e00",
    "#56b4e9",
    "#6a3d9a",
    "#b15928",
    "#1f78b4",
    "#33a02c",
)


def _sizes_text(sizes: Sequence[float], lang: str) -> str:
    words = [
        f"{format_number(s / 1000.0, decimals=0 if s >= 1000 else 1, lang=lang)} km" for s in sizes
    ]
    joiner = " och " if lang == "sv" else " and "
    return joiner.join(words)


def _not_served_lines(comparison: Comparison, lang: str) -> dict[str, list[str]]:
    from maltid.faces.report_tables import not_served_counts

    out: dict[str, list[str]] = {}
    for model, rows in not_served_counts(comparison, lang).items():
        out[model] = [
            t(
                f"not_served_{outcome}"
                if outcome in ("fallback", "unserved")
                else "not_served_unserved",
                lang,
                n=format_number(n, lang=lang),
                reason=reason,
            )
            for outcome, reason, n in rows
        ]
    return out


def _kpi_rows(result: Any, lang: str) -> list[tuple[str, str]]:
    o = result.outcome

    def val(value: float, decimals: int, unit_key: str) -> str:
        return f"{format_number(value, decimals=decimals, lang=lang)} {t(unit_key, lang)}"

    rows = [
        (t("kpi_total", lang), val(o.total_cost_sek_per_week, 0, "unit_sek_week")),
        (t("kpi_cost_per_meal", lang), val(o.cost_per_meal_sek, 1, "unit_sek")),
        (t("kpi_km", lang), val(o.vehicle_km_per_week, 0, "unit_km_week")),
        (t("kpi_co2", lang), val(o.co2_kg_per_week, 0, "unit_kg_week")),
        (t("kpi_fresh", lang), val(o.fresh_meals_per_week, 0, "unit_meals_week")),
    ]
    k2p = float(o.mean_kitchen_to_plate_min)
    if k2p < 24 * 60:
        rows.append((t("kpi_k2p", lang), val(k2p, 0, "unit_min")))
    fallback = getattr(o, "recipients_fallback", 0)
    if fallback:
        rows.append((t("kpi_fallback", lang), format_number(fallback, lang=lang)))
    rows.append((t("kpi_unserved", lang), format_number(o.recipients_unserved, lang=lang)))
    return rows


def _is_synthetic(name: str) -> bool:
    lowered = name.lower()
    return "synthetic" in lowered or "syntet" in lowered


def render_map(
    comparison: Comparison,
    *,
    lang: str = "sv",
    show_recipients: bool = False,
    show_network: bool = True,
    cell_size_m: float = 1000.0,
    paths: RoadPaths | None = None,
) -> str:
    """Render the comparison as one self-contained, offline-readable HTML map (no units).

    Parameters
    ----------
    comparison : Comparison
        The solved comparison (scenario, network, matrix, results, table).
    lang : {"sv", "en"}
        Language of every label (Swedish by default).
    show_recipients : bool
        Draw recipients at their exact positions. Off by default: recipients are
        personal data and are shown as counts per grid cell instead.
    show_network : bool
        Add the road network used for routing as a light layer (switched on only when it
        has at most :data:`NETWORK_SHOW_MAX_EDGES` segments).
    cell_size_m : float
        Side of the recipient aggregation cells in metres.
    paths : RoadPaths, optional
        Road geometry of the routes shared with other outputs of the same comparison
        (each leg is searched once); by default a fresh one for this map.

    Returns
    -------
    str
        The HTML page (UTF-8 text). Leaflet is inlined; only map tiles need the internet.
    """
    import folium
    from branca.element import Element, MacroElement
    from folium.plugins import PolyLineTextPath
    from jinja2 import Template

    from maltid.network import RoadPaths

    check_lang(lang)
    parts = map_layers.parts()
    if paths is None:
        paths = RoadPaths(comparison.network)

    def tr(key: str, **fields: object) -> str:
        return t(key, lang, **fields)

    scenario = comparison.scenario
    kitchens = {k.id: k for k in scenario.kitchens}
    node_of = {
        str(i): int(n) for i, n in zip(comparison.matrix.ids, comparison.matrix.nodes, strict=True)
    }
    for i, n in zip(comparison.snapped.ids, comparison.snapped.node, strict=False):
        node_of.setdefault(str(i), int(n))

    fmap = folium.Map(location=None, tiles=None, control_scale=True, zoom_control=True)
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    root.header.add_child(Element(map_assets.inline_assets()), name="maltid_assets")  # type: ignore[attr-defined]
    root.header.add_child(  # type: ignore[attr-defined]
        Element(f'<meta name="generator" content="maltid"><title>{name_of(scenario.name)}</title>'),
        name="maltid_meta",
    )
    js: list[str] = []

    def bind(layer: Any, popup: str | None, tooltip: str | None = None) -> None:
        name = layer.get_name()
        if popup:
            js.append(f"{name}.bindPopup({map_assets.js(popup)});")
        if tooltip:
            js.append(f"{name}.bindTooltip({map_assets.js(tooltip)},{{sticky:true}});")

    bounds = [(float(k.lat), float(k.lon)) for k in kitchens.values()]

    folium.TileLayer(
        "OpenStreetMap",
        name=name_of(tr("tiles_layer")),
        attr='© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
        "contributors, ODbL",
        overlay=True,
        show=False,
    ).add_to(fmap)
    basemap = map_layers.basemap(comparison)
    if basemap is not None:
        map_layers.draw_basemap(fmap, basemap, lang)

    if show_network:
        lines = map_layers.network_lines(comparison.network.graph)
        if lines:
            net = folium.FeatureGroup(
                name=name_of(tr("network_layer")),
                overlay=True,
                show=len(lines) <= NETWORK_SHOW_MAX_EDGES,
            )
            folium.PolyLine(
                lines, color="#777777", weight=1, opacity=0.6, class_name="maltid-network"
            ).add_to(net)
            net.add_to(fmap)

    recipients = list(scenario.recipients)
    hidden = 0
    sizes: list[float] = []
    if show_recipients:
        group = folium.FeatureGroup(name=name_of(tr("recipients_exact")), overlay=True)
        for r in recipients:
            marker = folium.CircleMarker(
                [float(r.lat), float(r.lon)],
                radius=3,
                color=map_layers.COLOURS["cell"],
                weight=1,
                fill=True,
                fill_opacity=0.8,
                class_name="maltid-recipient",
            ).add_to(group)
            bind(
                marker,
                None,
                f"{name_of(r.id)}: {r.meals_per_week} {tr('meals_per_week')}",
            )
        group.add_to(fmap)
        bounds += [(float(r.lat), float(r.lon)) for r in recipients]
    else:
        cells, hidden = aggregate_recipients(
            [float(r.lat) for r in recipients],
            [float(r.lon) for r in recipients],
            cell_size_m=cell_size_m,
        )
        sizes = sorted({c["size_m"] for c in cells})
        group = folium.FeatureGroup(name=name_of(tr("recipients_layer")), overlay=True)
        for cell in cells:
            poly = folium.Polygon(
                cell["corners"],
                color=map_layers.COLOURS["cell"],
                weight=1,
                fill=True,
                fill_color=map_layers.COLOURS["cell"],
                fill_opacity=min(0.15 + 0.05 * cell["count"], 0.6),
                class_name="maltid-cell",
            ).add_to(group)
            bind(poly, None, tr("recipients_n", n=cell["count"]))
            bounds += cell["corners"]
        group.add_to(fmap)

    not_served = _not_served_lines(comparison, lang)
    blocks: list[dict[str, Any]] = []
    model_layers: list[tuple[str, str]] = []
    not_served_drawn = 0
    for index, (name, result) in enumerate(comparison.results.items()):
        plan = result.plan
        title = model_title(name, result.kind, lang)
        group = folium.FeatureGroup(name=name_of(title), overlay=False, show=index == 0)
        model_layers.append((group.get_name(), name))
        vehicles = sorted({r.vehicle_id for d in plan.days for r in d.plan.routes}, key=str)
        colour_of = {v: ROUTE_COLORS[i % len(ROUTE_COLORS)] for i, v in enumerate(vehicles)}
        for day in plan.days:
            for route in day.plan.routes:
                ids = [route.depot_id, *route.stop_ids, route.depot_id]
                missing = [i for i in ids if str(i) not in node_of]
                if missing:
                    logger.warning(
                        "maps: %s, %s: route of vehicle %s skipped: no road node for %d stop(s)",
                        name,
                        day.label,
                        route.vehicle_id,
                        len(missing),
                    )
                    continue
                coords = map_layers.route_latlon(
                    comparison, [node_of[str(i)] for i in ids], paths=paths
                )
                if len(coords) < 2:
                    continue
                colour = colour_of[route.vehicle_id]
                line = folium.PolyLine(
                    coords,
                    color=colour,
                    weight=4,
                    opacity=0.85,
                    class_name=f"maltid-route maltid-model-{index}",
                ).add_to(group)
                PolyLineTextPath(
                    line,
                    "   ►   ",
                    repeat=True,
                    offset=5,
                    attributes={"fill": colour, "font-size": "13", "class": "maltid-arrow"},
                ).add_to(group)
                kitchen = kitchens.get(route.depot_id)
                km = format_number(route.distance_m / 1000.0, decimals=1, lang=lang)
                minutes = format_number(route.duration_s / 60.0, lang=lang)
                rows = [
                    (tr("model"), title),
                    (tr("day"), f"{day.label} ({day.days} {tr('days_per_week')})"),
                    (tr("vehicle"), route.vehicle_id),
                    (tr("kitchen"), kitchen.name if kitchen is not None else route.depot_id),
                    (tr("stops"), format_number(len(route.stop_ids), lang=lang)),
                    (tr("km"), km),
                    (tr("minutes"), minutes),
                    (tr("meals"), format_number(route.load_meals, lang=lang)),
                ]
                popup = str(parts.route_popup(tr("route_popup_title"), rows))
                bind(
                    line,
                    popup,
                    f"{name_of(route.vehicle_id)}: {km} km, {minutes} min",
                )
        not_served_drawn += map_layers.draw_not_served(
            group, comparison, name, lang, bind, cell_size_m=cell_size_m
        )
        map_layers.draw_kitchens(group, kitchens, plan, title, lang, bind)
        map_layers.draw_home_care_bases(group, comparison, plan, title, lang, bind)
        group.add_to(fmap)
        blocks.append(
            {
                "name": name,
                "title": title,
                "baseline": name == comparison.baseline,
                "rows": _kpi_rows(result, lang),
                "not_served": not_served.get(name, []),
            }
        )

    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    legend = str(
        parts.legend(
            tr,
            scenario.name,
            map_layers.COLOURS,
            show_recipients,
            _sizes_text(sizes, lang),
            hidden,
            basemap is not None,
            _is_synthetic(scenario.name),
            not_served_drawn > 0,
        )
    )
    map_name = fmap.get_name()
    js.append(
        map_assets.control_js(map_name, "maltid-legend", "maltid-legend", "bottomright", legend)
    )
    js.append(
        map_assets.control_js(
            map_name, "maltid-kpi-panel", "maltid-kpis", "topleft", str(parts.kpis(tr, blocks))
        )
    )
    pairs = ",".join(f"[{var},{map_assets.js(name)}]" for var, name in model_layers)
    js.append(
        "(function(){var pairs=[" + pairs + "];"
        "function sync(){var shown=null;pairs.forEach(function(p){"
        f"if({map_name}.hasLayer(p[0])){{shown=p[1];}}}});"
        "document.querySelectorAll('.maltid-kpi').forEach(function(el){"
        "el.hidden=el.getAttribute('data-model')!==shown;});}"
        f"{map_name}.on('baselayerchange',sync);sync();}})();"
    )
    # small places (hamlets, farms) are named only when zoomed in, so villages stay readable
    js.append(
        "(function(){function z(){"
        f"{map_name}.getContainer().classList.toggle('maltid-zoomed-out',"
        f"{map_name}.getZoom()<{_SMALL_PLACES_FROM_ZOOM});}}"
        f"{map_name}.on('zoomend',z);z();}})();"
    )
    if bounds:
        lats = [b[0] for b in bounds]
        lons = [b[1] for b in bounds]
        # Fit the view only once the map has a size: in a report's <iframe srcdoc> the
        # scripts may run before the frame is laid out, and Leaflet's fitBounds on a
        # 0 x 0 map throws (NaN centre), which stopped the legend and panels from being
        # built. Until the frame has a size (checked again every 0.1 s, at most 10 s) the
        # view is centred on the bounds.
        box = map_assets.js([[min(lats), min(lons)], [max(lats), max(lons)]])
        centre = map_assets.js([(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2])
        js.insert(
            0,
            "(function(){var b=" + box + ";"
            f"function fit(){{{map_name}.invalidateSize(false);var s={map_name}.getSize();"
            f"if(s.x>0&&s.y>0){{{map_name}.fitBounds(b,{{padding:[10,10]}});return true;}}"
            "return false;}"
            f"if(!fit()){{{map_name}.setView({centre},9);var n=0;"
            "(function again(){if(!fit()&&++n<100){setTimeout(again,100);}})();}"
            "})();",
        )
    script = MacroElement()
    script._template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")
    script.js = "\n".join(js)  # type: ignore[attr-defined]
    fmap.add_child(script, name="maltid_script")
    for element in map_assets.walk(fmap):  # the arrow plugin is inlined, not linked
        if isinstance(element, PolyLineTextPath):
            element.default_js = []
    page: str = root.render()
    return map_assets.accessible(
        map_assets.deterministic_names(map_assets.strip_remote_tags(page)), lang
    )


def write_map(comparison: Comparison, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Render the map (see :func:`render_map` for the keyword options) and write it atomically.

    Returns
    -------
    pathlib.Path
        The written HTML file.
    """
    page = render_map(comparison, **kwargs)
    out = atomic_write_text(path, page)
    logger.info("maps: wrote %s (%.0f kB)", out, len(page.encode("utf-8")) / 1000.0)
    return out

"""Self-contained Folium map of a comparison: one layer per delivery model, readable offline.

The HTML needs no network: Leaflet and the arrow plugin (leaflet-textpath) are inlined from
``maltid/assets`` (versions in ``assets/README.md``), folium's CDN links to jQuery,
Bootstrap and awesome-markers are dropped (only circle markers and plain Leaflet controls
are used). Only the background tiles load from the internet; the road network layer keeps
the map readable without them.

Privacy: recipients are personal data. By default they are shown only as counts per grid
cell (``cell_size_m``, computed in the local UTM projection); cells with fewer than
:data:`MIN_CELL_COUNT` recipients are merged into coarser cells, and what is still too
sparse is not drawn at all (the legend says how many). Route lines follow the roads
through the snapped road nodes; popups carry km, minutes and meals, never names.

Every text that comes from scenario files (kitchen names, ids, model names) is
HTML-escaped before it reaches HTML, and passed to JavaScript only as JSON strings.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maltid._io import atomic_write_text
from maltid.faces.i18n import check_lang, format_number, kind_label, t

if TYPE_CHECKING:
    from maltid.comparison import Comparison

__all__ = [
    "MIN_CELL_COUNT",
    "NETWORK_SHOW_MAX_EDGES",
    "ROUTE_COLORS",
    "aggregate_recipients",
    "render_map",
    "write_map",
]

logger = logging.getLogger("maltid")

#: Cells with fewer recipients than this are merged or hidden (privacy).
MIN_CELL_COUNT = 3
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
_CENTRAL_COLOR = "#b2182b"
_LOCAL_OPEN_COLOR = "#1a9850"
_LOCAL_CLOSED_COLOR = "#9e9e9e"
_CELL_COLOR = "#5e3c99"
_COORD_DECIMALS = 5  # ~1 m: enough for lines on a map, keeps the file small
_COARSE_FACTOR = 5  # sparse cells are merged into cells this many times larger

_ASSET_IMAGES = {
    "images/layers.png": "leaflet-layers.png",
    "images/layers-2x.png": "leaflet-layers-2x.png",
    "images/marker-icon.png": "leaflet-marker-icon.png",
}

_MAP_CSS = """
.maltid-panel{background:rgba(255,255,255,.94);padding:8px 10px;border-radius:6px;
 box-shadow:0 1px 5px rgba(0,0,0,.35);font:12px/1.35 system-ui,-apple-system,"Segoe UI",
 Roboto,sans-serif;color:#222;max-width:320px;max-height:60vh;overflow:auto}
.maltid-panel h3{margin:0 0 6px;font-size:13px}
.maltid-panel h4{margin:6px 0 2px;font-size:12px}
.maltid-panel table{border-collapse:collapse;width:100%}
.maltid-panel td{padding:1px 4px;vertical-align:top}
.maltid-panel td.num{text-align:right;white-space:nowrap}
.maltid-swatch{display:inline-block;width:12px;height:12px;border-radius:50%;
 margin-right:6px;vertical-align:middle;border:1px solid #333}
.maltid-line{display:inline-block;width:18px;height:3px;margin-right:6px;
 vertical-align:middle;background:#0072b2}
.maltid-square{display:inline-block;width:12px;height:12px;margin-right:6px;
 vertical-align:middle;background:rgba(94,60,153,.35);border:1px solid #5e3c99}
.maltid-note{margin-top:6px;color:#555;font-size:11px}
.maltid-synthetic{margin-top:6px;color:#8a1c1c;font-weight:600}
.maltid-kpi{border-top:1px solid #ddd;padding-top:4px;margin-top:4px}
.maltid-kpi.maltid-off{opacity:.45}
.maltid-popup table td{padding:0 6px 0 0}
.maltid-cell-label{font:11px system-ui,sans-serif}
"""


# --------------------------------------------------------------------------- helpers


def _esc(value: object) -> str:
    """HTML-escape any value (quotes too), for text and attribute values."""
    return html.escape(str(value), quote=True)


def _js(value: object) -> str:
    """Return a JavaScript literal for ``value`` that is safe inside a ``<script>`` block."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _asset_text(name: str) -> str:
    return resources.files("maltid").joinpath("assets", name).read_text(encoding="utf-8")


def _asset_bytes(name: str) -> bytes:
    return resources.files("maltid").joinpath("assets", name).read_bytes()


@cache
def _inline_assets() -> str:
    """Return ``<style>``/``<script>`` blocks with Leaflet, its images and the arrow plugin."""
    css = _asset_text("leaflet.css")
    for ref, name in _ASSET_IMAGES.items():
        data = base64.b64encode(_asset_bytes(name)).decode("ascii")
        css = css.replace(f"url({ref})", f"url(data:image/png;base64,{data})")
    parts = [
        f"<style>{css}</style>",
        f"<script>{_asset_text('leaflet.js')}</script>",
        f"<script>{_asset_text('leaflet.textpath.js')}</script>",
        f"<style>{_MAP_CSS}</style>",
    ]
    for part in parts:
        if "</script" in part[8:-9].lower():
            raise RuntimeError("a vendored asset contains '</script': cannot inline it")
    return "\n".join(parts)


_REMOTE_TAG = re.compile(
    r"<script[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>"
    r"|<link[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>",
    re.IGNORECASE,
)


def _strip_remote_tags(page: str) -> str:
    """Remove any remaining CDN ``<script src>``/``<link href>`` (logged: a folium change)."""

    def drop(match: re.Match[str]) -> str:
        logger.warning("maps: dropped a CDN reference folium added: %s", match.group(0)[:120])
        return ""

    return _REMOTE_TAG.sub(drop, page)


def _round(value: float) -> float:
    return round(float(value), _COORD_DECIMALS)


def _utm_crs(lon: float, lat: float) -> str:
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def aggregate_recipients(
    lat: Sequence[float],
    lon: Sequence[float],
    *,
    cell_size_m: float = 1000.0,
    min_count: int = MIN_CELL_COUNT,
) -> tuple[list[dict[str, Any]], int]:
    """Count recipients per square grid cell of ``cell_size_m`` metres (local UTM).

    Cells with fewer than ``min_count`` recipients are pooled into cells
    ``_COARSE_FACTOR`` times larger; pooled cells still below ``min_count`` are dropped.

    Parameters
    ----------
    lat, lon : sequence of float
        Recipient positions (degrees, EPSG:4326).
    cell_size_m : float
        Side of a fine cell in metres.
    min_count : int
        Smallest count shown for a cell.

    Returns
    -------
    cells : list of dict
        ``{"count": int, "size_m": float, "corners": [(lat, lon), ...]}`` with corners on
        the grid (never a recipient position), sorted deterministically.
    hidden : int
        Recipients in cells too sparse to show.
    """
    if cell_size_m <= 0 or not math.isfinite(cell_size_m):
        raise ValueError(f"cell_size_m must be a positive number of metres, got {cell_size_m}")
    if len(lat) == 0:
        return [], 0
    from pyproj import Transformer

    lon0 = float(sum(lon)) / len(lon)
    lat0 = float(sum(lat)) / len(lat)
    crs = _utm_crs(lon0, lat0)
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    xs, ys = fwd.transform(list(lon), list(lat))

    fine: Counter[tuple[int, int]] = Counter(
        (math.floor(x / cell_size_m), math.floor(y / cell_size_m))
        for x, y in zip(xs, ys, strict=True)
    )
    cells: list[tuple[float, int, int, int]] = []  # size, i, j, count
    sparse: Counter[tuple[int, int]] = Counter()
    for (i, j), n in fine.items():
        if n >= min_count:
            cells.append((cell_size_m, i, j, n))
        else:
            sparse[(i // _COARSE_FACTOR, j // _COARSE_FACTOR)] += n
    coarse_size = cell_size_m * _COARSE_FACTOR
    hidden = 0
    for (i, j), n in sparse.items():
        if n >= min_count:
            cells.append((coarse_size, i, j, n))
        else:
            hidden += n

    out: list[dict[str, Any]] = []
    for size, i, j, n in sorted(cells):
        x0, y0 = i * size, j * size
        cx = [x0, x0 + size, x0 + size, x0]
        cy = [y0, y0, y0 + size, y0 + size]
        clon, clat = inv.transform(cx, cy)
        corners = [(_round(a), _round(b)) for a, b in zip(clat, clon, strict=True)]
        out.append({"count": int(n), "size_m": float(size), "corners": corners})
    return out, hidden


def _node_latlon(graph: Any, node: int) -> tuple[float, float]:
    data = graph.nodes[node]
    return float(data["y"]), float(data["x"])


def _route_latlon(comparison: Comparison, nodes: list[int]) -> list[tuple[float, float]]:
    """Road geometry (lat, lon) through ``nodes``; straight segments if no path is found."""
    from maltid.network import matrix

    try:
        coords = matrix.route_coords(comparison.network, nodes)
    except Exception as exc:  # a missing path must not lose the whole map
        logger.warning("maps: no road geometry for a route (%s); drawing straight lines", exc)
        coords = [_node_latlon(comparison.network.graph, n) for n in nodes]
    out: list[tuple[float, float]] = []
    for la, lo in coords:
        point = (_round(la), _round(lo))
        if not out or out[-1] != point:
            out.append(point)
    return out


def _network_lines(graph: Any) -> list[list[tuple[float, float]]]:
    """Simplified road lines (lat, lon), one per undirected edge, ~10 m tolerance."""
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
    if not geoms:
        return []
    simplified = shapely.simplify(geoms, 1e-4, preserve_topology=False)
    lines: list[list[tuple[float, float]]] = []
    for geom in simplified:
        coords = [(_round(y), _round(x)) for x, y in shapely.get_coordinates(geom)]
        if len(coords) >= 2:
            lines.append(coords)
    return lines


def _table(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td>{k}</td><td class='num'>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _outcome_value(result: Any, comparison: Comparison, name: str, column: str) -> Any:
    outcome = getattr(result, "outcome", None)
    if outcome is not None and hasattr(outcome, column):
        return getattr(outcome, column)
    table = comparison.table
    if column in table.columns:
        rows = table[table["model"] == name] if "model" in table.columns else table.loc[[name]]
        if len(rows):
            return rows[column].iloc[0]
    return None


def _kpi_rows(comparison: Comparison, name: str, result: Any, lang: str) -> list[tuple[str, str]]:
    def val(column: str, decimals: int, unit_key: str) -> str:
        number = format_number(
            _outcome_value(result, comparison, name, column), decimals=decimals, lang=lang
        )
        return f"{number} {t(unit_key, lang)}".strip()

    unserved = len(getattr(result.plan, "unserved", {}) or {})
    return [
        (t("kpi_cost_per_meal", lang), val("cost_per_meal_sek", 1, "unit_sek")),
        (t("kpi_total", lang), val("total_cost_sek_per_week", 0, "unit_sek_week")),
        (t("kpi_km", lang), val("vehicle_km_per_week", 0, "unit_km_week")),
        (t("kpi_co2", lang), val("co2_kg_per_week", 1, "unit_kg_week")),
        (t("kpi_fresh", lang), val("fresh_meals_per_week", 0, "unit_meals_week")),
        (t("kpi_k2p", lang), val("mean_kitchen_to_plate_min", 0, "unit_min")),
        (t("kpi_unserved", lang), format_number(unserved, lang=lang)),
    ]


def _model_title(name: str, kind: str, lang: str) -> str:
    label = kind_label(kind, lang)
    return label if name == kind else f"{name} – {label}"


def _is_synthetic(name: str) -> bool:
    lowered = name.lower()
    return "synthetic" in lowered or "syntet" in lowered


# --------------------------------------------------------------------------- public API


def render_map(
    comparison: Comparison,
    *,
    lang: str = "sv",
    show_recipients: bool = False,
    show_network: bool = True,
    cell_size_m: float = 1000.0,
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

    Returns
    -------
    str
        The HTML page (UTF-8 text). Leaflet is inlined; only map tiles need the internet.
    """
    import folium
    from branca.element import Element, MacroElement
    from folium.plugins import PolyLineTextPath
    from jinja2 import Template

    check_lang(lang)
    scenario = comparison.scenario
    graph = comparison.network.graph
    kitchens = {k.id: k for k in scenario.kitchens}
    node_of = {
        str(i): int(n) for i, n in zip(comparison.matrix.ids, comparison.matrix.nodes, strict=True)
    }
    for i, n in zip(comparison.snapped.ids, comparison.snapped.node, strict=False):
        node_of.setdefault(str(i), int(n))

    fmap = folium.Map(
        location=None,
        tiles=None,
        prefer_canvas=False,
        control_scale=True,
        zoom_control=True,
    )
    # Drop folium's CDN libraries (jQuery, Bootstrap, awesome-markers); Leaflet is inlined.
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    root.header.add_child(Element(_inline_assets()), name="maltid_assets")  # type: ignore[attr-defined]
    root.header.add_child(  # type: ignore[attr-defined]
        Element(f'<meta name="generator" content="maltid"><title>{_esc(scenario.name)}</title>'),
        name="maltid_meta",
    )
    folium.TileLayer(
        "OpenStreetMap",
        name="OpenStreetMap",
        attr='© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
        "contributors, ODbL",
        control=False,
    ).add_to(fmap)

    js: list[str] = []  # popups, tooltips and controls, emitted after all layers exist

    def bind(layer: Any, popup: str | None, tooltip: str | None = None) -> None:
        name = layer.get_name()
        if popup:
            js.append(f"{name}.bindPopup({_js(popup)});")
        if tooltip:
            js.append(f"{name}.bindTooltip({_js(tooltip)},{{sticky:true}});")

    bounds_lat: list[float] = []
    bounds_lon: list[float] = []
    for k in kitchens.values():
        bounds_lat.append(float(k.lat))
        bounds_lon.append(float(k.lon))

    # -- road network (optional, light)
    if show_network:
        lines = _network_lines(graph)
        if lines:
            net_group = folium.FeatureGroup(
                name=_esc(t("network_layer", lang)),
                show=len(lines) <= NETWORK_SHOW_MAX_EDGES,
            )
            folium.PolyLine(
                lines, color="#777777", weight=1, opacity=0.6, class_name="maltid-network"
            ).add_to(net_group)
            net_group.add_to(fmap)

    # -- recipients (aggregated by default)
    recipients = list(scenario.recipients)
    size_km = format_number(cell_size_m / 1000.0, decimals=1, lang=lang).rstrip("0")
    size_km = size_km.rstrip(",.")
    hidden = 0
    if show_recipients:
        rec_group = folium.FeatureGroup(name=_esc(t("recipients_exact", lang)), show=True)
        for r in recipients:
            marker = folium.CircleMarker(
                [float(r.lat), float(r.lon)],
                radius=3,
                color=_CELL_COLOR,
                weight=1,
                fill=True,
                fill_opacity=0.8,
                class_name="maltid-recipient",
            ).add_to(rec_group)
            meals = format_number(r.meals_per_week, lang=lang)
            bind(marker, None, f"{_esc(r.id)}: {meals} {_esc(t('meals_per_week', lang))}")
        rec_group.add_to(fmap)
        bounds_lat += [float(r.lat) for r in recipients]
        bounds_lon += [float(r.lon) for r in recipients]
    else:
        cells, hidden = aggregate_recipients(
            [float(r.lat) for r in recipients],
            [float(r.lon) for r in recipients],
            cell_size_m=cell_size_m,
        )
        cell_group = folium.FeatureGroup(
            name=_esc(t("recipients_layer", lang, size=size_km)), show=True
        )
        for cell in cells:
            poly = folium.Polygon(
                cell["corners"],
                color=_CELL_COLOR,
                weight=1,
                fill=True,
                fill_color=_CELL_COLOR,
                fill_opacity=min(0.15 + 0.05 * cell["count"], 0.6),
                class_name="maltid-cell",
            ).add_to(cell_group)
            bind(poly, None, _esc(t("recipients_n", lang, n=cell["count"])))
            bounds_lat += [c[0] for c in cell["corners"]]
            bounds_lon += [c[1] for c in cell["corners"]]
        cell_group.add_to(fmap)

    # -- one layer per delivery model
    kpi_blocks: list[str] = []
    model_layers: list[tuple[str, str]] = []  # (js layer variable, model name)
    for index, (name, result) in enumerate(comparison.results.items()):
        plan = result.plan
        title = _model_title(name, result.kind, lang)
        is_base = name == comparison.baseline
        group = folium.FeatureGroup(name=_esc(title), show=index == 0)
        model_layers.append((group.get_name(), name))

        # routes, coloured per vehicle, with direction arrows
        vehicle_ids = sorted({r.vehicle_id for day in plan.days for r in day.plan.routes}, key=str)
        colour_of = {v: ROUTE_COLORS[i % len(ROUTE_COLORS)] for i, v in enumerate(vehicle_ids)}
        for day in plan.days:
            for route in day.plan.routes:
                ids = [route.depot_id, *route.stop_ids, route.depot_id]
                missing = [i for i in ids if str(i) not in node_of]
                if missing:
                    logger.warning(
                        "maps: route of vehicle %s skipped: no road node for %s",
                        route.vehicle_id,
                        ", ".join(map(str, missing[:3])),
                    )
                    continue
                coords = _route_latlon(comparison, [node_of[str(i)] for i in ids])
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
                kitchen_name = kitchens[route.depot_id].name if route.depot_id in kitchens else ""
                km = format_number(route.distance_m / 1000.0, decimals=1, lang=lang)
                minutes = format_number(route.duration_s / 60.0, lang=lang)
                rows = [
                    (_esc(t("model", lang)), _esc(title)),
                    (
                        _esc(t("day", lang)),
                        f"{_esc(day.label)} ({day.days} {_esc(t('days_per_week', lang))})",
                    ),
                    (_esc(t("vehicle", lang)), _esc(route.vehicle_id)),
                    (_esc(t("kitchen", lang)), _esc(kitchen_name or route.depot_id)),
                    (_esc(t("stops", lang)), format_number(len(route.stop_ids), lang=lang)),
                    (_esc(t("km", lang)), km),
                    (_esc(t("minutes", lang)), minutes),
                    (_esc(t("meals", lang)), format_number(route.load_meals, lang=lang)),
                ]
                popup = (
                    f"<div class='maltid-popup'><b>{_esc(t('route_popup_title', lang))}</b>"
                    f"{_table(rows)}</div>"
                )
                bind(line, popup, f"{_esc(route.vehicle_id)}: {km} km, {minutes} min")
        # kitchens (drawn over the routes), styled by role and by whether this model uses them
        weeks = {kw.kitchen_id: kw for kw in plan.kitchens}
        local_counts: Counter[tuple[str, str]] = Counter(
            (d.kitchen_id, d.mode) for d in plan.local_deliveries
        )
        for kid, k in kitchens.items():
            week = weeks.get(kid)
            used = week is not None and week.open
            if k.role == "central":
                color, radius, status = _CENTRAL_COLOR, 10, t("open" if used else "not_used", lang)
            elif used:
                color, radius, status = _LOCAL_OPEN_COLOR, 8, t("open", lang)
            else:
                color, radius = _LOCAL_CLOSED_COLOR, 7
                status = t("closed" if week is not None else "not_used", lang)
            marker = folium.CircleMarker(
                [float(k.lat), float(k.lon)],
                radius=radius,
                color="#222222" if used else "#666666",
                weight=2,
                dash_array=None if used else "3 3",
                fill=True,
                fill_color=color,
                fill_opacity=0.95 if used else 0.5,
                class_name=f"maltid-kitchen maltid-kitchen-{'open' if used else 'closed'}",
            ).add_to(group)
            role = t("role_central" if k.role == "central" else "role_local", lang)
            rows = [
                (_esc(t("role", lang)), _esc(role)),
                (_esc(t("status", lang)), _esc(status)),
            ]
            if week is not None:
                rows += [
                    (
                        _esc(t("fresh_meals", lang)),
                        format_number(week.meals_fresh_per_week, lang=lang),
                    ),
                    (
                        _esc(t("chilled_meals", lang)),
                        format_number(week.meals_chilled_per_week, lang=lang),
                    ),
                    (
                        _esc(t("cost_per_meal", lang)),
                        f"{format_number(week.cost_per_meal_sek, decimals=1, lang=lang)} "
                        f"{_esc(t('unit_sek', lang))}",
                    ),
                    (_esc(t("delivery_mode", lang)), _esc(week.delivery_mode)),
                    (_esc(t("recipients", lang)), format_number(len(week.recipients), lang=lang)),
                ]
            walk = sum(n for (kk, _mode), n in local_counts.items() if kk == kid)
            if walk:
                rows.append((_esc(t("local_deliveries", lang)), format_number(walk, lang=lang)))
            popup = (
                f"<div class='maltid-popup'><b>{_esc(k.name)}</b> ({_esc(k.id)})"
                f"<br><i>{_esc(title)}</i>{_table(rows)}</div>"
            )
            bind(marker, popup, f"{_esc(k.name)} – {_esc(status)}")

        group.add_to(fmap)

        rows = [(_esc(k), _esc(v)) for k, v in _kpi_rows(comparison, name, result, lang)]
        base = f" <small>({_esc(t('baseline', lang))})</small>" if is_base else ""
        kpi_blocks.append(
            f"<div class='maltid-kpi' data-model='{_esc(name)}'>"
            f"<h4>{_esc(title)}{base}</h4>{_table(rows)}</div>"
        )

    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)

    # -- legend and KPI panel as Leaflet controls
    legend = [
        f"<h3>{_esc(scenario.name)}</h3>",
        f"<div><span class='maltid-swatch' style='background:{_CENTRAL_COLOR}'></span>"
        f"{_esc(t('central_kitchen', lang))}</div>",
        f"<div><span class='maltid-swatch' style='background:{_LOCAL_OPEN_COLOR}'></span>"
        f"{_esc(t('local_kitchen_open', lang))}</div>",
        f"<div><span class='maltid-swatch' style='background:{_LOCAL_CLOSED_COLOR};"
        f"border-style:dashed'></span>{_esc(t('local_kitchen_closed', lang))}</div>",
        f"<div><span class='maltid-line'></span>{_esc(t('route', lang))}</div>",
    ]
    if show_recipients:
        legend.append(
            f"<div><span class='maltid-swatch' style='background:{_CELL_COLOR}'></span>"
            f"{_esc(t('recipients_exact', lang))}</div>"
        )
    else:
        legend.append(
            f"<div><span class='maltid-square'></span>"
            f"{_esc(t('recipients_cells', lang, size=size_km))}</div>"
        )
        if hidden:
            legend.append(
                f"<div class='maltid-note'>{_esc(t('recipients_hidden', lang, n=hidden))}</div>"
            )
    legend.append(f"<div class='maltid-note'>{_esc(t('osm_attribution', lang))}</div>")
    if _is_synthetic(scenario.name):
        legend.append(f"<div class='maltid-synthetic'>{_esc(t('synthetic', lang))}</div>")
    kpi_html = f"<h3>{_esc(t('kpi_title', lang))}</h3>" + "".join(kpi_blocks)

    map_name = fmap.get_name()
    js.append(_control_js(map_name, "maltid-legend", "maltid-legend", "bottomright", legend))
    js.append(_control_js(map_name, "maltid-kpi-panel", "maltid-kpis", "topleft", [kpi_html]))
    # dim the KPI block of models whose layer is switched off
    layer_pairs = ",".join(f"[{var},{_js(name)}]" for var, name in model_layers)
    js.append(
        "(function(){var pairs=[" + layer_pairs + "];"
        "function sync(){pairs.forEach(function(p){"
        "document.querySelectorAll('.maltid-kpi').forEach(function(el){"
        "if(el.getAttribute('data-model')===p[1]){"
        f"el.classList.toggle('maltid-off',!{map_name}.hasLayer(p[0]));}}}});}});}}"
        f"{map_name}.on('overlayadd overlayremove',sync);sync();}})();"
    )

    if bounds_lat:
        south = math.floor(min(bounds_lat) * 100) / 100
        north = math.ceil(max(bounds_lat) * 100) / 100
        west = math.floor(min(bounds_lon) * 100) / 100
        east = math.ceil(max(bounds_lon) * 100) / 100
        fmap.fit_bounds([[south, west], [north, east]])

    script = MacroElement()
    script._template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")
    script.js = "\n".join(js)  # type: ignore[attr-defined]
    fmap.add_child(script, name="maltid_script")

    # PolyLineTextPath links its plugin from a CDN: it is inlined above instead.
    for element in _walk(fmap):
        if isinstance(element, PolyLineTextPath):
            element.default_js = []
    page: str = root.render()
    return _deterministic_names(_strip_remote_tags(page))


_UUID_NAME = re.compile(r"_([0-9a-f]{32})(?![0-9a-f])")


def _deterministic_names(page: str) -> str:
    """Replace folium's random element ids by sequence numbers: same input, same HTML."""
    numbers: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in numbers:
            numbers[key] = f"{len(numbers) + 1:05d}"
        return "_" + numbers[key]

    return _UUID_NAME.sub(number, page)


def _walk(element: Any) -> Iterable[Any]:
    yield element
    for child in list(getattr(element, "_children", {}).values()):
        yield from _walk(child)


def _control_js(map_name: str, elem_id: str, css: str, position: str, parts: list[str]) -> str:
    return (
        "(function(){var c=L.control({position:" + _js(position) + "});"
        "c.onAdd=function(){var d=L.DomUtil.create('div','maltid-panel " + css + "');"
        "d.id=" + _js(elem_id) + ";d.innerHTML=" + _js("".join(parts)) + ";"
        "L.DomEvent.disableClickPropagation(d);L.DomEvent.disableScrollPropagation(d);"
        "return d;};c.addTo(" + map_name + ");})();"
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

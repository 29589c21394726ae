"""The decision report: one self-contained HTML page for decision makers (no units).

Sections: what was compared (plain language), the comparison table with units, bar charts
(plain inline SVG, no JavaScript), break-even and sensitivity tables, the assumptions with
their sources, unserved recipients counted by reason (never names), and the map embedded
in a sandboxed ``<iframe srcdoc>`` (or linked, with ``map_href``). Everything works
offline; all scenario text is HTML-escaped.
"""

from __future__ import annotations

import html
import logging
import math
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maltid._io import atomic_write_text
from maltid.faces.i18n import (
    check_lang,
    column_label,
    format_number,
    kind_description,
    kind_label,
    t,
)

if TYPE_CHECKING:
    import pandas as pd

    from maltid.comparison import Comparison

__all__ = ["TABLE_COLUMNS", "render_report", "write_report"]

logger = logging.getLogger("maltid")

#: Columns of ``Comparison.table`` shown in the report, in this order (when present).
TABLE_COLUMNS = (
    "total_cost_sek_per_week",
    "cost_per_meal_sek",
    "delta_total_cost_pct",
    "vehicle_km_per_week",
    "driver_hours_per_week",
    "co2_kg_per_week",
    "fresh_meals_per_week",
    "mean_kitchen_to_plate_min",
    "max_kitchen_to_plate_min",
    "local_spend_sek_per_week",
    "recipients_served",
    "recipients_unserved",
)
_CHARTS = (
    ("cost_per_meal_sek", "chart_cost_per_meal", 1),
    ("vehicle_km_per_week", "chart_km", 0),
    ("co2_kg_per_week", "chart_co2", 1),
    ("mean_kitchen_to_plate_min", "chart_k2p", 0),
)
_MAX_TABLE_ROWS = 200

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
 max-width:1100px;margin:0 auto;padding:16px 24px}
h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;margin-top:32px;
 border-bottom:2px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f2f2f2;text-align:left}td.num{text-align:right;white-space:nowrap}
tr.baseline td{background:#f7f3e8}
.unit{display:block;font-weight:normal;color:#666;font-size:12px}
.note{color:#555;font-size:13px}.synthetic{color:#8a1c1c;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{border:1px solid #ddd;border-radius:6px;padding:8px}
iframe.map{width:100%;height:640px;border:1px solid #ccc;border-radius:6px}
footer{margin-top:32px;color:#666;font-size:12px}
@media print{iframe.map{display:none}}
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _is_synthetic(name: str) -> bool:
    lowered = name.lower()
    return "synthetic" in lowered or "syntet" in lowered


def _model_title(comparison: Comparison, name: str, lang: str) -> str:
    result = comparison.results.get(name)
    kind = getattr(result, "kind", name)
    label = kind_label(kind, lang)
    return label if name == kind else f"{name} – {label}"


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or (
        hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iuf"
    )


def _cell(column: str, value: Any, lang: str) -> tuple[str, bool]:
    """Return (escaped HTML, is_numeric) for one table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–", True
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return _esc(t("yes" if bool(value) else "no", lang)), False
    if column == "year" and _is_number(value):
        return _esc(str(int(value))), True
    if _is_number(value):
        _label, _unit, decimals = column_label(column, lang)
        number = float(value)
        if number.is_integer() and abs(number) >= 1000:
            decimals = 0
        return _esc(format_number(number, decimals=decimals, lang=lang)), True
    return _esc(value), False


def _frame_table(frame: pd.DataFrame, lang: str, *, css_class: str) -> str:
    """Render any DataFrame as an escaped HTML table with translated headers and units."""
    head = []
    for column in frame.columns:
        label, unit, _dec = column_label(str(column), lang)
        unit_html = f"<span class='unit'>{_esc(unit)}</span>" if unit else ""
        head.append(f"<th>{_esc(label)}{unit_html}</th>")
    rows = []
    for record in frame.head(_MAX_TABLE_ROWS).itertuples(index=False, name=None):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            text, numeric = _cell(str(column), value, lang)
            cells.append(f"<td class='num'>{text}</td>" if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(frame) > _MAX_TABLE_ROWS:
        more = f"<p class='note'>{_esc(t('more_rows', lang, n=len(frame) - _MAX_TABLE_ROWS))}</p>"
    return (
        f"<table class='{css_class}'><thead><tr>{''.join(head)}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{more}"
    )


def _siting(comparison: Comparison, lang: str) -> str:
    """The optimised mix's kitchens: opened or not, and the real cost of flipping each."""
    import pandas as pd

    parts = []
    names = {k.id: str(k.name or k.id) for k in comparison.scenario.kitchens}
    for result in comparison.results.values():
        rep = result.siting
        if rep is None:
            continue
        rows = []
        for kid in [*rep.open_ids[1:], *rep.closed_ids]:
            opened = kid in rep.open_ids
            delta = (rep.delta_close_total_cost_sek if opened else rep.delta_total_cost_sek).get(
                kid, math.nan
            )
            rows.append(
                {
                    "kitchen": names.get(kid, kid),
                    "decision": t("siting_open" if opened else "siting_closed", lang),
                    "delta_if_flipped_sek_per_week": delta,
                }
            )
        if not rows:
            continue
        frame = pd.DataFrame(rows)
        how = t(
            "siting_chosen_by",
            lang,
            how=t(f"chosen_by_{rep.chosen_by}", lang),
            n=len(getattr(rep, "evaluations", ())),
        )
        parts.append(
            f"<h3>{_esc(_model_title(comparison, result.name, lang))}</h3>"
            f"<p>{_esc(t('siting_intro', lang))}</p>"
            + _frame_table(frame, lang, css_class="maltid-siting")
            + f"<p class='note'>{_esc(how)}</p>"
        )
    return "".join(parts)


def _comparison_table(comparison: Comparison, lang: str) -> str:
    table = comparison.table
    columns = [c for c in TABLE_COLUMNS if c in table.columns]
    head = [f"<th>{_esc(t('model_col', lang))}</th>"]
    for column in columns:
        label, unit, _dec = column_label(column, lang)
        unit_html = f"<span class='unit'>{_esc(unit)}</span>" if unit else ""
        head.append(f"<th>{_esc(label)}{unit_html}</th>")
    rows = []
    for _, row in table.iterrows():
        name = str(row["model"]) if "model" in table.columns else str(row.name)
        cls = " class='baseline'" if name == comparison.baseline else ""
        title = _esc(_model_title(comparison, name, lang))
        if name == comparison.baseline:
            title += f" <small>({_esc(t('baseline', lang))})</small>"
        cells = [f"<td>{title}</td>"]
        for column in columns:
            text, _numeric = _cell(column, row[column], lang)
            cells.append(f"<td class='num'>{text}</td>")
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return (
        f"<table class='maltid-comparison'><thead><tr>{''.join(head)}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _bar_chart(
    comparison: Comparison, column: str, title: str, decimals: int, lang: str
) -> str | None:
    """A horizontal bar chart in plain SVG (one bar per model); None if no data."""
    table = comparison.table
    if column not in table.columns:
        return None
    names = [str(n) for n in table["model"]] if "model" in table.columns else []
    values = [float(v) if v is not None else math.nan for v in table[column]]
    finite = [v for v in values if math.isfinite(v)]
    if not names or not finite:
        return None
    top = max(max(finite), 0.0) or 1.0
    label_w, bar_w, row_h, width = 230, 220, 26, 520
    height = 30 + row_h * len(names)
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' aria-label='{_esc(title)}' class='maltid-chart' data-column='{_esc(column)}'>",
        f"<text x='0' y='16' font-size='14' font-weight='600'>{_esc(title)}</text>",
    ]
    for k, (name, value) in enumerate(zip(names, values, strict=True)):
        y = 26 + k * row_h
        label = _model_title(comparison, name, lang)
        if len(label) > 34:
            label = label[:33] + "…"
        colour = "#8c510a" if name == comparison.baseline else "#3182bd"
        length = bar_w * max(value, 0.0) / top if math.isfinite(value) else 0.0
        text = format_number(value, decimals=decimals, lang=lang)
        parts += [
            f"<text x='0' y='{y + 16}' font-size='12'>{_esc(label)}</text>",
            f"<rect x='{label_w}' y='{y + 4}' width='{length:.1f}' height='{row_h - 8}' "
            f"fill='{colour}'><title>{_esc(label)}: {_esc(text)}</title></rect>",
            f"<text x='{label_w + length + 4:.1f}' y='{y + 16}' font-size='12'>{_esc(text)}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)


def _unserved(comparison: Comparison, lang: str) -> str:
    blocks = []
    for name, result in comparison.results.items():
        unserved = dict(getattr(result.plan, "unserved", {}) or {})
        if not unserved:
            continue
        # group by reason; a reason naming its own recipient is counted without the id
        reasons = Counter(str(why).replace(str(rid), "…") for rid, why in unserved.items())
        rows = "".join(
            f"<tr><td>{_esc(reason)}</td><td class='num'>{n}</td></tr>"
            for reason, n in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
        )
        title = t(
            "model_unserved", lang, model=_model_title(comparison, name, lang), n=len(unserved)
        )
        blocks.append(
            f"<h3>{_esc(title)}</h3><table class='maltid-unserved' data-model='{_esc(name)}'>"
            f"<thead><tr><th>{_esc(t('reason', lang))}</th><th>{_esc(t('count', lang))}</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    if not blocks:
        return f"<p>{_esc(t('unserved_none', lang))}</p>"
    return "".join(blocks)


def render_report(
    comparison: Comparison,
    *,
    lang: str = "sv",
    map_html: str | None = None,
    map_href: str | None = None,
) -> str:
    """Render the decision report as one self-contained HTML page (no units).

    Parameters
    ----------
    comparison : Comparison
        The solved comparison.
    lang : {"sv", "en"}
        Language of the report (Swedish by default).
    map_html : str, optional
        An already rendered map (:func:`maltid.faces.maps.render_map`) to embed; rendered here
        when None (and ``map_href`` is None).
    map_href : str, optional
        Link to a map file beside the report instead of embedding one (smaller file).

    Returns
    -------
    str
        The HTML page.
    """
    check_lang(lang)
    from maltid import __version__

    scenario = comparison.scenario
    recipients = list(scenario.recipients)
    meals = sum(int(r.meals_per_week) for r in recipients)
    roles = Counter(k.role for k in scenario.kitchens)
    baseline_title = _model_title(comparison, comparison.baseline, lang)

    out: list[str] = [
        "<!DOCTYPE html>",
        f"<html lang='{lang}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<meta name='generator' content='maltid'>",
        f"<title>{_esc(t('report_title', lang))} – {_esc(scenario.name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_esc(t('report_title', lang))}</h1>",
        f"<p class='scenario'><b>{_esc(scenario.name)}</b></p>",
    ]
    if _is_synthetic(scenario.name):
        out.append(f"<p class='synthetic'>{_esc(t('synthetic', lang))}</p>")

    # what was compared
    intro = t(
        "compared_intro",
        lang,
        n_models=len(comparison.results),
        n_recipients=format_number(len(recipients), lang=lang),
        meals=format_number(meals, lang=lang),
        scenario=scenario.name,
        baseline=baseline_title,
    )
    items = "".join(
        f"<li><b>{_esc(_model_title(comparison, name, lang))}</b>: "
        f"{_esc(kind_description(result.kind, lang))}</li>"
        for name, result in comparison.results.items()
    )
    kitchens_intro = t(
        "kitchens_intro", lang, n_central=roles.get("central", 0), n_local=roles.get("local", 0)
    )
    out += [
        f"<section id='compared'><h2>{_esc(t('what_compared', lang))}</h2>",
        f"<p>{_esc(intro)}</p><ul>{items}</ul><p>{_esc(kitchens_intro)}</p></section>",
        f"<section id='table'><h2>{_esc(t('comparison_table', lang))}</h2>",
        _comparison_table(comparison, lang),
        "</section>",
    ]

    charts = [
        _bar_chart(comparison, column, t(key, lang), decimals, lang)
        for column, key, decimals in _CHARTS
    ]
    chart_html = "".join(f"<div class='chart'>{c}</div>" for c in charts if c)
    out.append(
        f"<section id='charts'><h2>{_esc(t('charts', lang))}</h2>"
        f"<div class='charts'>{chart_html}</div></section>"
    )

    for section, frame, intro_key in (
        ("break_even", comparison.break_even, "break_even_intro"),
        ("sensitivity", comparison.sensitivity, "sensitivity_intro"),
    ):
        body = (
            f"<p>{_esc(t(intro_key, lang))}</p>"
            + _frame_table(frame, lang, css_class=f"maltid-{section.replace('_', '-')}")
            if frame is not None and len(frame)
            else f"<p class='note'>{_esc(t('not_computed', lang))}</p>"
        )
        out.append(f"<section id='{section}'><h2>{_esc(t(section, lang))}</h2>{body}</section>")

    siting = _siting(comparison, lang)
    if siting:
        out.append(f"<section id='siting'><h2>{_esc(t('siting', lang))}</h2>{siting}</section>")

    assumptions = comparison.assumptions
    if assumptions is not None and len(assumptions):
        wanted = [c for c in ("parameter", "value", "unit", "source", "year") if c in assumptions]
        rest = [c for c in assumptions.columns if c not in wanted]
        body = _frame_table(assumptions[wanted + rest], lang, css_class="maltid-assumptions")
    else:
        body = f"<p class='note'>{_esc(t('not_computed', lang))}</p>"
    out.append(f"<section id='assumptions'><h2>{_esc(t('assumptions', lang))}</h2>{body}</section>")

    out.append(
        f"<section id='unserved'><h2>{_esc(t('unserved', lang))}</h2>"
        f"{_unserved(comparison, lang)}</section>"
    )

    out.append(f"<section id='map'><h2>{_esc(t('map', lang))}</h2>")
    out.append(f"<p class='note'>{_esc(t('map_note', lang))}</p>")
    if map_href is not None and map_html is None:
        out.append(f"<p><a href='{_esc(map_href)}'>{_esc(t('map_link', lang))}</a></p>")
    else:
        if map_html is None:
            from maltid.faces.maps import render_map

            map_html = render_map(comparison, lang=lang)
        out.append(
            "<iframe class='map' sandbox='allow-scripts' "
            f"title='{_esc(t('map', lang))}' srcdoc=\"{_esc(map_html)}\"></iframe>"
        )
    out.append("</section>")
    out.append(
        f"<footer>{_esc(t('osm_attribution', lang))} · "
        f"{_esc(t('generated_by', lang, version=__version__))}</footer></body></html>"
    )
    return "\n".join(out)


def write_report(comparison: Comparison, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Render the report (see :func:`render_report` for the options) and write it atomically.

    Returns
    -------
    pathlib.Path
        The written HTML file.
    """
    page = render_report(comparison, **kwargs)
    out = atomic_write_text(path, page)
    logger.info("report: wrote %s (%.0f kB)", out, len(page.encode("utf-8")) / 1000.0)
    return out

"""The decision report: one self-contained HTML page shaped as a Swedish decision memo.

Order (``docs`` and ``report-conventions.md``): Sammanfattning (``id="conclusion"``),
Förslag till beslut, Ärendet, Ekonomiska konsekvenser, Konsekvenser för brukarna, miljön
och lokalsamhället, Osäkerhet (``id="robustness"``), Underlag (tables, map, assumptions,
who is not served, method). The page is a jinja2 template with autoescaping
(``faces/templates/report.html.j2``): every text from the scenario is escaped by the
template, never by hand. This module only gathers plain data for it; the words come from
:mod:`maltid.faces.memo` and :mod:`maltid.faces.i18n`. Works offline; prints on A4.
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import os
from collections import Counter
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maltid._io import atomic_write_text
from maltid.faces import memo, report_tables
from maltid.faces.i18n import (
    WEEKS_PER_YEAR,
    check_lang,
    column_label,
    format_number,
    format_sek,
    kind_description,
    t,
)
from maltid.faces.report_tables import Table, cell_text, row_of

if TYPE_CHECKING:
    import jinja2

    from maltid.comparison import Comparison

__all__ = ["TABLE_COLUMNS", "Table", "render_report", "write_report"]

logger = logging.getLogger("maltid")

#: Rows of the full comparison table (transposed: one column per model), when present.
TABLE_COLUMNS = (
    "total_cost_sek_per_week",
    "cost_per_meal_sek",
    "vehicle_km_per_week",
    "driver_hours_per_week",
    "vehicles_needed",
    "co2_kg_per_week",
    "fresh_meals_per_week",
    "reheated_meals_per_week",
    "mean_kitchen_to_plate_min",
    "max_kitchen_to_plate_min",
    "recipient_visits_per_week",
    "local_spend_sek_per_week",
    "local_working_hours_per_week",
    "recipients_served",
    "recipients_fallback",
    "recipients_unserved",
)
_COST_LINES = (
    "production_cost_sek_per_week",
    "packaging_cost_sek_per_week",
    "fixed_kitchen_cost_sek_per_week",
    "vehicle_km_cost_sek_per_week",
    "driver_cost_sek_per_week",
    "vehicle_fixed_cost_sek_per_week",
    "local_delivery_cost_sek_per_week",
    "home_care_cost_sek_per_week",
    "reheating_cost_sek_per_week",
    "total_cost_sek_per_week",
    # a part of the lines above (the fallback's km, hours, meals), not added to them
    "fallback_cost_sek_per_week",
)
_EFFECTS = (
    "fresh_meals_per_week",
    "reheated_meals_per_week",
    "mean_kitchen_to_plate_min",
    "max_kitchen_to_plate_min",
    "recipient_visits_per_week",
    "co2_kg_per_week",
    "vehicle_km_per_week",
    "local_spend_sek_per_week",
    "local_working_hours_per_week",
    "recipients_served",
    "recipients_fallback",
    "recipients_unserved",
)
_CHARTS = (
    ("total_cost_sek_per_week", "chart_total_week"),
    ("co2_kg_per_week", "chart_co2"),
)
_DAY_MIN = 24 * 60.0
_MAX_ROWS = 200


def _transposed(comparison: Comparison, columns: tuple[str, ...], lang: str, css: str) -> Table:
    """Measures as rows, models as columns: narrow enough for 1,280 px and A4."""
    table = comparison.table
    names = list(comparison.results)
    head = [(t("col_measure", lang), "")] + [
        (memo.title_of(comparison, n, lang), "") for n in names
    ]
    out = Table(css=css, head=head)
    rows = {n: row_of(table, n) for n in names}
    for column in columns:
        if column not in table.columns:
            continue
        label, unit, _dec = column_label(column, lang)
        cells = [(f"{label} ({unit})" if unit else label, False)]
        cells += [(cell_text(column, rows[n].get(column), lang), True) for n in names]
        out.rows.append(cells)
    return out


# --------------------------------------------------------------------------- sections


def _economy_table(comparison: Comparison, reference: str | None, lang: str) -> Table:
    head = [
        (t("col_model", lang), ""),
        (t("col_week", lang), ""),
        (t("col_per_year", lang), ""),
        (t("col_meal", lang), ""),
    ]
    if reference is not None:
        head += [(t("col_diff_week", lang), ""), (t("col_diff_year", lang), "")]
    out = Table(css="maltid-economy", head=head)
    ref_total = (
        float(row_of(comparison.table, reference)["total_cost_sek_per_week"])
        if reference is not None
        else math.nan
    )
    for name in comparison.results:
        row = row_of(comparison.table, name)
        total = float(row.get("total_cost_sek_per_week", math.nan))
        cells = [
            (memo.title_of(comparison, name, lang), False),
            (format_number(total, lang=lang), True),
            (format_number(total * WEEKS_PER_YEAR, lang=lang), True),
            (format_number(row.get("cost_per_meal_sek"), lang=lang), True),
        ]
        if reference is not None:
            if name == reference:
                cells += [(t("diff_reference", lang), True)] * 2
            else:
                diff = total - ref_total
                sign = "+" if diff > 0 else ""
                cells += [
                    (sign + format_number(diff, lang=lang), True),
                    (sign + format_number(diff * WEEKS_PER_YEAR, lang=lang), True),
                ]
        out.rows.append(cells)
        out.row_classes.append("reference" if name == reference else "")
    return out


def _chart(comparison: Comparison, column: str, title: str, lang: str) -> dict[str, Any] | None:
    """Geometry of a horizontal bar chart (one bar per model), drawn as SVG by the template."""
    table = comparison.table
    if column not in table.columns:
        return None
    names = list(comparison.results)
    values = [float(row_of(table, n).get(column, math.nan)) for n in names]
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return None
    top = max(max(finite), 0.0) or 1.0
    label_w, bar_w, row_h = 250, 230, 26
    bars = []
    for k, (name, value) in enumerate(zip(names, values, strict=True)):
        length = bar_w * max(value, 0.0) / top if math.isfinite(value) else 0.0
        bars.append(
            {
                "y": 26 + k * row_h,
                "label": memo.title_of(comparison, name, lang),
                "length": round(length, 1),
                "text": format_number(value, lang=lang),
            }
        )
    return {
        "column": column,
        "title": title,
        "alt": t("chart_alt", lang, title=title),
        "width": label_w + bar_w + 90,
        "height": 30 + row_h * len(names),
        "label_w": label_w,
        "bars": bars,
    }


# --------------------------------------------------------------------------- render


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("maltid.faces", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _is_synthetic(name: str) -> bool:
    lowered = name.lower()
    return "synthetic" in lowered or "syntet" in lowered


def render_report(
    comparison: Comparison,
    *,
    lang: str = "sv",
    map_html: str | None = None,
    map_href: str | None = None,
    date: str | None = None,
    procurement_html: str | None = None,
) -> str:
    """Render the decision report as one self-contained HTML page (no units).

    Parameters
    ----------
    comparison : Comparison
        The solved comparison.
    lang : {"sv", "en"}
        Language of the report (Swedish by default).
    map_html : str, optional
        An already rendered map (:func:`maltid.faces.maps.render_map`) to embed in a
        sandboxed ``<iframe srcdoc>``; rendered here when None (and ``map_href`` is None).
    map_href : str, optional
        Link to a map file beside the report instead of embedding one.
    date : str, optional
        ISO date printed on the memo (default: today).
    procurement_html : str, optional
        The procurement section (:func:`maltid.faces.procurement.procurement_section`, an
        autoescaped ``<section id="procurement">``), placed after Osäkerhet.

    Returns
    -------
    str
        The HTML page.
    """
    check_lang(lang)
    from markupsafe import Markup

    from maltid import __version__

    scenario = comparison.scenario
    recipients = list(scenario.recipients)
    meals = sum(int(r.meals_per_week) for r in recipients)
    roles = Counter(k.role for k in scenario.kitchens)
    conclusion = memo.conclusion_of(comparison)
    reference = conclusion.cheapest_central or conclusion.cheapest_model
    if map_href is None and map_html is None:
        from maltid.faces.maps import render_map

        map_html = render_map(comparison, lang=lang)
    context = {
        "lang": lang,
        "t": lambda key, **kw: t(key, lang, **kw),
        "scenario_name": scenario.name,
        "synthetic": _is_synthetic(scenario.name),
        "date": date or _dt.date.today().isoformat(),
        "version": __version__,
        "conclusion": [
            *memo.conclusion_paragraphs(comparison, lang),
            *report_tables.robust_sentences(comparison, lang),
        ],
        "outcomes": memo.conclusion_outcomes(comparison, lang),
        "proposal": memo.proposal_paragraphs(comparison, lang),
        "background": [
            t(
                "bg_intro",
                lang,
                n_models=len(comparison.results),
                n=format_number(len(recipients), lang=lang),
                meals=format_number(meals, lang=lang),
                scenario=scenario.name,
            ),
            t(
                "bg_kitchens",
                lang,
                n_central=roles.get("central", 0),
                n_local=roles.get("local", 0),
            ),
            t("bg_network", lang),
        ],
        "models": [
            (memo.title_of(comparison, name, lang), kind_description(result.kind, lang))
            for name, result in comparison.results.items()
        ],
        "economy_intro": (
            t("eco_intro", lang, model=memo.title_of(comparison, reference, lang))
            if reference
            else t("eco_intro_none", lang)
        ),
        "economy": _economy_table(comparison, reference, lang),
        "fresh_meal_costs": [
            t(
                "eco_fresh_meal",
                lang,
                model=memo.title_of(comparison, v.model, lang),
                per_meal=format_sek(v.extra_cost_sek_per_fresh_meal, lang=lang),
            )
            for v in conclusion.locals
            if math.isfinite(float(v.extra_cost_sek_per_fresh_meal))
            and v.extra_cost_sek_per_fresh_meal > 0
        ],
        "break_even": report_tables.break_even_table(comparison, lang),
        "breakdown": _transposed(comparison, _COST_LINES, lang, "maltid-breakdown"),
        "siting": report_tables.siting_tables(comparison, lang),
        "effects": _transposed(comparison, _EFFECTS, lang, "maltid-effects"),
        "holding_note": memo.holding_note(comparison, lang),
        "delivery_notes": memo.delivery_notes(comparison, lang),
        "charts": [
            c for c in (_chart(comparison, col, t(key, lang), lang) for col, key in _CHARTS) if c
        ],
        "probabilities": report_tables.probabilities_table(comparison, lang),
        "sensitivity": report_tables.sensitivity_tables(comparison, lang),
        "comparison_table": _transposed(comparison, TABLE_COLUMNS, lang, "maltid-comparison"),
        "assumptions": report_tables.assumptions_table(comparison, lang),
        "not_served": report_tables.not_served_tables(comparison, lang),
        "map_html": map_html,
        "procurement_html": Markup(procurement_html) if procurement_html else None,
        "map_href": map_href,
    }
    return _environment().get_template("report.html.j2").render(**context)


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

"""The tables of the decision report: plain rows of formatted text for the template.

Break-even, sensitivity (zero-swing rows left out), probabilities, assumptions with their
sources, who is not served and the optimised mix's kitchens; every label translated
(:mod:`maltid.faces.i18n`), every number in the reader's format. No HTML here: the
template escapes.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from maltid.faces import memo
from maltid.faces.i18n import (
    column_label,
    format_number,
    format_pct,
    format_sek,
    parameter_label,
    reason_label,
    source_text,
    t,
    unit_label,
)

if TYPE_CHECKING:
    import pandas as pd

    from maltid.comparison import Comparison

__all__ = [
    "Table",
    "assumptions_table",
    "break_even_table",
    "cell_text",
    "is_missing",
    "not_served_counts",
    "not_served_tables",
    "probabilities_table",
    "robust_sentences",
    "row_of",
    "sensitivity_tables",
    "siting_tables",
]

_DAY_MIN = 24 * 60.0
_MAX_ROWS = 200


@dataclass
class Table:
    """A table for the template: caption, header cells, rows of (text, numeric) cells.

    The first cell of each row is a row header (``<th scope="row">``).
    """

    css: str
    head: list[tuple[str, str]]  # (label, unit)
    rows: list[list[tuple[str, bool]]] = field(default_factory=list)
    caption: str = ""
    more: str = ""
    row_classes: list[str] = field(default_factory=list)


def is_missing(value: Any) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return value is None


def cell_text(column: str, value: Any, lang: str) -> str:
    """One formatted value of a comparison-table column (days for chilled meals)."""
    if is_missing(value):
        return "–"
    number = float(value)
    if column.endswith("kitchen_to_plate_min") and number >= _DAY_MIN:
        days = format_number(number / _DAY_MIN, decimals=1, lang=lang)
        return f"{days} {'dagar' if lang == 'sv' else 'days'}"
    _label, _unit, decimals = column_label(column, lang)
    return format_number(number, decimals=decimals, lang=lang)


def row_of(table: pd.DataFrame, name: str) -> dict[str, Any]:
    rows = table[table["model"] == name]
    return {str(k): v for k, v in rows.iloc[0].items()} if len(rows) else {}


def break_even_table(comparison: Comparison, lang: str) -> tuple[str, Table] | None:
    frame = comparison.break_even
    if frame is None or not len(frame):
        return None
    value_col = "value" if "value" in frame.columns else "break_even_value"
    low_col, high_col = ("low", "high") if "low" in frame.columns else ("lo", "hi")
    names = memo.kitchen_names(comparison)
    out = Table(
        css="maltid-break-even",
        head=[
            (t("col_assumption", lang), ""),
            (t("col_kitchen", lang), ""),
            (t("col_models", lang), ""),
            (t("col_today", lang), ""),
            (t("col_break_even", lang), ""),
            (t("col_interval", lang), ""),
        ],
    )
    for rec in frame.head(_MAX_ROWS).to_dict("records"):
        unit = str(rec.get("unit", ""))
        local = str(rec.get("local_model", ""))
        versus = str(rec.get("versus_model", rec.get("baseline", "")))
        bracketed = bool(rec.get("bracketed", False)) and not is_missing(rec.get(value_col))
        value = (
            memo.format_value(float(rec[value_col]), unit, lang)
            if bracketed
            else t("not_in_range", lang)
        )
        models = " / ".join(
            memo.title_of(comparison, m, lang) for m in (local, versus) if m in comparison.results
        )
        interval = "–"
        if not is_missing(rec.get(low_col)) and not is_missing(rec.get(high_col)):
            interval = (
                f"{memo.format_value(float(rec[low_col]), unit, lang)} – "
                f"{memo.format_value(float(rec[high_col]), unit, lang)}"
            )
        base = rec.get("base_value")
        out.rows.append(
            [
                (parameter_label(str(rec["parameter"]), lang), False),
                (names.get(str(rec.get("kitchen", "")), str(rec.get("kitchen", ""))), False),
                (models, False),
                (
                    "–"
                    if base is None or is_missing(base)
                    else memo.format_value(float(base), unit, lang),
                    True,
                ),
                (value, True),
                (interval, True),
            ]
        )
    return t("rob_be_intro", lang), out


def _first(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    return next((c for c in names if c in frame.columns), None)


def sensitivity_tables(comparison: Comparison, lang: str) -> list[tuple[str, str, Table]]:
    """Tornado tables without zero-swing rows: (heading, intro, table)."""

    diff = getattr(comparison, "difference_tornado", None)
    frames: list[tuple[str, str, pd.DataFrame]] = []
    pct = 20.0
    analysis = getattr(comparison.scenario, "analysis", None)
    if analysis is not None and getattr(analysis, "sensitivity_rel_change", None):
        pct = 100.0 * float(analysis.sensitivity_rel_change)
    if diff is not None and len(diff):
        for (local, versus), group in diff.groupby(["local_model", "versus_model"], sort=False):
            what = t(
                "rob_what_difference",
                lang,
                model=memo.title_of(comparison, str(local), lang),
                versus=memo.title_of(comparison, str(versus), lang),
            )
            heading = (
                f"{memo.title_of(comparison, str(local), lang)} – "
                f"{memo.title_of(comparison, str(versus), lang)}"
            )
            frames.append((heading, what, group))
    elif comparison.sensitivity is not None and len(comparison.sensitivity):
        for model, group in comparison.sensitivity.groupby("model", sort=False):
            frames.append(
                (memo.title_of(comparison, str(model), lang), t("rob_what_total", lang), group)
            )
    out = []
    seen: set[tuple[str, tuple[float, ...]]] = set()
    for heading, what, frame in frames:
        swing_col = _first(frame, ("swing_sek", "swing_sek_per_week"))
        low_col = _first(frame, ("difference_low_sek", "total_low_sek", "low_sek"))
        high_col = _first(frame, ("difference_high_sek", "total_high_sek", "high_sek"))
        if swing_col is None:
            continue
        versus = str(frame["versus_model"].iloc[0]) if "versus_model" in frame else ""
        key = (versus, tuple(round(float(v)) for v in frame[swing_col]))
        if key in seen:  # the same figures as a table above (an identical plan)
            continue
        seen.add(key)
        kept = frame[frame[swing_col].abs() > 0.5]
        table = Table(
            css="maltid-sensitivity",
            head=[
                (t("col_assumption", lang), ""),
                (t("col_today", lang), ""),
                (t("col_low", lang), ""),
                (t("col_high", lang), ""),
                (t("col_at_low", lang), ""),
                (t("col_at_high", lang), ""),
                (t("col_swing", lang), ""),
            ],
        )
        for rec in kept.sort_values(swing_col, ascending=False).to_dict("records"):
            unit = str(rec.get("unit", ""))
            table.rows.append(
                [
                    (parameter_label(str(rec["parameter"]), lang), False),
                    (memo.format_value(float(rec["base_value"]), unit, lang), True),
                    (memo.format_value(float(rec["low_value"]), unit, lang), True),
                    (memo.format_value(float(rec["high_value"]), unit, lang), True),
                    (format_sek(rec.get(low_col) if low_col else math.nan, lang=lang), True),
                    (format_sek(rec.get(high_col) if high_col else math.nan, lang=lang), True),
                    (format_sek(rec[swing_col], lang=lang), True),
                ]
            )
        intro = t("rob_sensitivity_intro", lang, pct=format_number(pct, lang=lang), what=what)
        dropped = len(frame) - len(kept)
        if dropped:
            intro += " " + t("rob_zero", lang, n=dropped)
        out.append((heading, intro, table))
    return out


def probabilities_table(comparison: Comparison, lang: str) -> tuple[str, Table] | None:
    """Monte Carlo results when the comparison has them (``Comparison.robustness``).

    One row per model: the share of futures in which it is the cheapest model serving
    everyone, the 10-90 % range of its weekly total and, for local models, of its extra
    cost against the cheapest central model, and the share of futures it is no dearer.
    """
    frame = getattr(comparison, "robustness", None)
    if frame is None or not len(frame) or "p_cheapest" not in frame.columns:
        return None
    n = int(frame.attrs.get("n_samples", 0) or 0)
    table = Table(
        css="maltid-probabilities",
        head=[
            (t("col_model", lang), ""),
            (t("rob_col_probability", lang), ""),
            (t("rob_col_total", lang), ""),
            (t("rob_col_range", lang), ""),
            (t("rob_col_no_dearer", lang), ""),
        ],
    )

    def span(low: Any, high: Any) -> str:
        if is_missing(low) or is_missing(high):
            return "–"
        return f"{format_sek(low, lang=lang)} – {format_sek(high, lang=lang)}"

    def pct(value: Any) -> str:
        return "–" if is_missing(value) else format_pct(100.0 * float(value), lang=lang)

    for rec in frame.to_dict("records"):
        versus = str(rec.get("versus_model") or "")
        extra = span(rec.get("extra_p10_sek_per_week"), rec.get("extra_p90_sek_per_week"))
        if extra != "–" and versus in comparison.results:
            extra += f" ({t('rob_against', lang, model=memo.title_of(comparison, versus, lang))})"
        table.rows.append(
            [
                (memo.title_of(comparison, str(rec["model"]), lang), False),
                (pct(rec.get("p_cheapest")), True),
                (span(rec.get("total_p10_sek_per_week"), rec.get("total_p90_sek_per_week")), True),
                (extra, True),
                (pct(rec.get("p_no_dearer")), True),
            ]
        )
    return t("rob_probabilities", lang, n=format_number(n, lang=lang)), table


def robust_sentences(comparison: Comparison, lang: str) -> list[str]:
    """'Local kitchens are no dearer than X in 7 of 10 futures', one per local model."""
    frame = getattr(comparison, "robustness", None)
    if frame is None or not len(frame) or "p_no_dearer" not in frame.columns:
        return []
    out = []
    for rec in frame.to_dict("records"):
        p = rec.get("p_no_dearer")
        versus = str(rec.get("versus_model") or "")
        if is_missing(p) or versus not in comparison.results:
            continue
        out.append(
            t(
                "c_robust",
                lang,
                model=memo.title_of(comparison, str(rec["model"]), lang),
                versus=memo.title_of(comparison, versus, lang),
                k=format_number(round(10 * float(p)), lang=lang),
                pct=format_pct(100.0 * float(p), lang=lang),
            )
        )
    return out


def _year(value: Any) -> str:
    try:
        return str(int(float(value)))
    except (TypeError, ValueError):
        return "–"


def assumptions_table(comparison: Comparison, lang: str) -> Table | None:
    frame = comparison.assumptions
    if frame is None or not len(frame):
        return None
    table = Table(
        css="maltid-assumptions",
        head=[
            (t("col_parameter", lang), ""),
            (t("col_value", lang), ""),
            (t("col_unit", lang), ""),
            (t("col_source", lang), ""),
            (t("col_year", lang), ""),
        ],
    )
    from maltid.scenario import parameters_table

    catalogue = {str(r["parameter"]): r for r in parameters_table().to_dict("records")}
    scenario_file = str(comparison.scenario.source_path or "")
    for rec in frame.head(_MAX_ROWS).to_dict("records"):
        value = float(rec["value"]) if not is_missing(rec.get("value")) else math.nan
        decimals = 0 if math.isfinite(value) and value.is_integer() else 2
        name = str(rec["parameter"])
        known = catalogue.get(name, {})
        raw = str(rec.get("source") or known.get("source") or "")
        source = source_text(
            name, raw, lang, str(rec.get("source_sv") or known.get("source_sv") or "")
        )
        default = known.get("value", math.nan)
        overridden = bool(rec.get("overridden", False)) or (
            not is_missing(default) and math.isfinite(value) and abs(value - float(default)) > 1e-9
        )
        if overridden:
            source = t(
                "scenario_value_default",
                lang,
                default=format_number(default, decimals=2, lang=lang),
                source=source,
            )
        elif not raw or raw == scenario_file or raw.lower().startswith("scenario"):
            source = t("scenario_value", lang)
        year = rec.get("year")
        table.rows.append(
            [
                (parameter_label(name, lang), False),
                (format_number(value, decimals=decimals, lang=lang), True),
                (unit_label(str(rec.get("unit", "")), lang), False),
                (source, False),
                (_year(year), True),
            ]
        )
    if len(frame) > _MAX_ROWS:
        table.more = t("more_rows", lang, n=len(frame) - _MAX_ROWS)
    return table


def not_served_counts(comparison: Comparison, lang: str) -> dict[str, list[tuple[str, str, int]]]:
    """Per model: (outcome, reason, count) of recipients not served by the model's own mode.

    Reads ``Comparison.not_served`` (``unserved.csv``) when present, else the plans'
    ``unserved`` reasons; counts only, never ids.
    """
    frame = getattr(comparison, "not_served", None)
    out: dict[str, list[tuple[str, str, int]]] = {}
    if frame is not None:
        counts: Counter[tuple[str, str, str]] = Counter()
        for rec in frame.to_dict("records"):
            reason = reason_label(str(rec.get("reason_code", "")), str(rec.get("reason", "")), lang)
            counts[(str(rec["model"]), str(rec.get("outcome", "unserved")), reason)] += 1
        for (model, outcome, reason), n in sorted(counts.items(), key=lambda i: (i[0][0], -i[1])):
            out.setdefault(model, []).append((outcome, reason, n))
        return out
    for name, result in comparison.results.items():
        unserved = dict(result.plan.unserved or {})
        if not unserved:
            continue
        reasons = Counter(
            reason_label("", str(why).replace(str(rid), "…"), lang) for rid, why in unserved.items()
        )
        out[name] = [
            ("unserved", reason, n) for reason, n in sorted(reasons.items(), key=lambda i: -i[1])
        ]
    return out


def not_served_tables(comparison: Comparison, lang: str) -> list[tuple[str, Table]]:
    out = []
    for model, rows in not_served_counts(comparison, lang).items():
        table = Table(
            css="maltid-unserved",
            head=[
                (t("col_reason", lang), ""),
                (t("col_outcome", lang), ""),
                (t("col_count", lang), ""),
            ],
        )
        for outcome, reason, n in rows:
            table.rows.append(
                [
                    (reason, False),
                    (t(f"outcome_{outcome}", lang), False),
                    (format_number(n, lang=lang), True),
                ]
            )
        out.append((memo.title_of(comparison, model, lang), table))
    return out


def siting_tables(comparison: Comparison, lang: str) -> list[dict[str, Any]]:
    names = memo.kitchen_names(comparison)
    out = []
    for result in comparison.results.values():
        rep = result.siting
        if rep is None:
            continue
        table = Table(
            css="maltid-siting",
            head=[
                (t("col_kitchen", lang), ""),
                (t("col_decision", lang), ""),
                (t("col_flip", lang), ""),
            ],
        )
        for kid in [*rep.open_ids[1:], *rep.closed_ids]:
            opened = kid in rep.open_ids
            delta = (rep.delta_close_total_cost_sek if opened else rep.delta_total_cost_sek).get(
                kid, math.nan
            )
            table.rows.append(
                [
                    (names.get(kid, kid), False),
                    (t("siting_open" if opened else "siting_closed", lang), False),
                    (("+" if delta > 0 else "") + format_sek(delta, lang=lang), True),
                ]
            )
        if table.rows:
            out.append(
                {
                    "title": memo.title_of(comparison, result.name, lang),
                    "table": table,
                    "sentences": memo.siting_sentences(comparison, rep, lang),
                }
            )
    return out

"""The words of the decision memo: the answer, the proposal and the reasons, in plain language.

Everything here turns a :class:`maltid.comparison.Comparison` into sentences (plain text,
escaped later by the template). The figures come from ``Comparison.conclusion``, the
comparison's computed answer; a comparison without one (an older saved result) gets the
same figures from its table through :func:`conclusion_of`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from maltid.faces.i18n import (
    LABELS,
    WEEKS_PER_YEAR,
    format_number,
    format_sek,
    model_title,
    parameter_label,
    t,
    unit_label,
)

if TYPE_CHECKING:
    import pandas as pd

    from maltid.comparison import Comparison, Conclusion

__all__ = [
    "conclusion_of",
    "conclusion_outcomes",
    "conclusion_paragraphs",
    "delivery_notes",
    "holding_note",
    "kitchen_names",
    "proposal_paragraphs",
    "siting_sentences",
    "title_of",
]

_CENTRAL_KINDS = ("central_daily_hot", "central_chilled")
_LOCAL_KINDS = ("local_kitchens", "optimised_mix")
_OUTCOMES = (
    "fresh_meals_per_week",
    "mean_kitchen_to_plate_min",
    "recipient_visits_per_week",
    "local_spend_sek_per_week",
    "co2_kg_per_week",
)
_DAY_MIN = 24 * 60.0


def title_of(comparison: Comparison, name: str, lang: str) -> str:
    """The human title of a model of the comparison."""
    result = comparison.results.get(name)
    return model_title(name, result.kind if result is not None else name, lang)


def kitchen_names(comparison: Comparison) -> dict[str, str]:
    """Kitchen id -> its name in the scenario (the id when it has none)."""
    return {str(k.id): str(k.name or k.id) for k in comparison.scenario.kitchens}


def _row(table: pd.DataFrame, name: str) -> Mapping[str, Any]:
    rows = table[table["model"] == name]
    return {str(k): v for k, v in rows.iloc[0].items()} if len(rows) else {}


def _num(row: Mapping[str, Any], column: str, default: float = math.nan) -> float:
    try:
        value = float(row.get(column, default))
    except (TypeError, ValueError):
        return default
    return value


def _serves_all(row: Mapping[str, Any], n_recipients: int) -> bool:
    return _num(row, "recipients_unserved", 0.0) == 0 and (
        _num(row, "recipients_served", 0.0) + _num(row, "recipients_fallback", 0.0) >= n_recipients
    )


def conclusion_of(comparison: Comparison) -> Conclusion:
    """The comparison's answer: ``Comparison.conclusion``, or the same figures from its table.

    The fallback (for comparisons saved without a conclusion) takes the cheapest model
    serving everyone, the cheapest such central model as the reference, and for each local
    model its extra cost (SEK/week and SEK/year), fresh meals gained, local spend and the
    bracketed break-even rows of ``Comparison.break_even`` against that reference.
    """
    found = getattr(comparison, "conclusion", None)
    if found is not None:
        return found
    from maltid.comparison import Conclusion, LocalVerdict, OutcomeDifference

    table = comparison.table
    n = len(comparison.scenario.recipients)
    kinds = {name: res.kind for name, res in comparison.results.items()}
    rows = {name: _row(table, name) for name in comparison.results}
    everyone = [m for m in rows if _serves_all(rows[m], n)]
    cheapest = min(everyone, key=lambda m: _num(rows[m], "total_cost_sek_per_week"), default=None)
    central = [m for m in everyone if kinds[m] in _CENTRAL_KINDS]
    ref = min(central, key=lambda m: _num(rows[m], "total_cost_sek_per_week"), default=None)
    verdicts = []
    for name in rows:
        if kinds[name] not in _LOCAL_KINDS or ref is None:
            continue
        loc, cen = rows[name], rows[ref]
        extra = _num(loc, "total_cost_sek_per_week") - _num(cen, "total_cost_sek_per_week")
        gained = _num(loc, "fresh_meals_per_week") - _num(cen, "fresh_meals_per_week")
        spend = _num(loc, "local_spend_sek_per_week", 0.0) - _num(
            cen, "local_spend_sek_per_week", 0.0
        )
        verdicts.append(
            LocalVerdict(
                model=name,
                versus_model=ref,
                extra_cost_sek_per_week=extra,
                extra_cost_sek_per_year=extra * WEEKS_PER_YEAR,
                fresh_meals_gained_per_week=gained,
                extra_cost_sek_per_fresh_meal=extra / gained if gained > 0 else math.nan,
                local_spend_kept_sek_per_week=spend,
                local_spend_per_sek_extra=spend / extra if extra > 0 else math.nan,
                break_even=_break_even_rows(comparison.break_even, name, ref),
                outcomes=tuple(
                    OutcomeDifference(c, _num(loc, c), _num(cen, c))
                    for c in _OUTCOMES
                    if c in table.columns and _num(loc, c) != _num(cen, c)
                ),
            )
        )
    return Conclusion(
        cheapest_model=cheapest,
        cheapest_total_sek_per_week=(
            _num(rows[cheapest], "total_cost_sek_per_week") if cheapest else math.nan
        ),
        cheapest_central=ref,
        locals=tuple(verdicts),
    )


def _break_even_rows(
    frame: pd.DataFrame | None, local: str, versus: str
) -> tuple[tuple[str, str, float, str], ...]:
    if frame is None or not len(frame):
        return ()
    value_col = "value" if "value" in frame.columns else "break_even_value"
    out = []
    for rec in frame.to_dict("records"):
        if rec.get("local_model", local) != local:
            continue
        if rec.get("versus_model", rec.get("baseline", versus)) != versus:
            continue
        if not bool(rec.get("bracketed", False)):
            continue
        value = float(rec.get(value_col, math.nan))
        if math.isfinite(value):
            out.append((str(rec["parameter"]), str(rec.get("kitchen", "")), value, rec["unit"]))
    return tuple(out)


def _base_value(comparison: Comparison, parameter: str, kitchen: str) -> float:
    frame = comparison.break_even
    if frame is None or "base_value" not in frame.columns:
        return math.nan
    rows = frame[(frame["parameter"] == parameter) & (frame["kitchen"].astype(str) == kitchen)]
    return float(rows["base_value"].iloc[0]) if len(rows) else math.nan


def format_value(value: float, unit: str, lang: str) -> str:
    """A parameter value with its unit in the reader's language, rounded for reading."""
    unit = str(unit)
    if unit in ("recipients", "meals"):
        return f"{format_number(math.floor(value), lang=lang)} {unit_label(unit, lang)}"
    whole = float(value).is_integer()
    if unit.startswith("SEK"):
        decimals = 0 if whole or abs(value) >= 10 else 2
    elif unit.startswith("share"):
        decimals = 2
    else:
        decimals = 0 if whole else 1
    text = format_number(value, decimals=decimals, lang=lang)
    label = unit_label(unit, lang) if unit and unit not in ("factor",) else ""
    if unit.startswith("share"):
        label = ""
    return f"{text} {label}".strip()


def break_even_condition(
    comparison: Comparison, parameter: str, kitchen: str, value: float, unit: str, lang: str
) -> str:
    """One 'what must be true' clause, e.g. 'the cost per meal in X is at most 180 kr'."""
    base = _base_value(comparison, parameter, kitchen)
    up = not math.isfinite(base) or value >= base
    if parameter == "local_cost_per_meal":
        key = "be_local_cost_per_meal_up" if up else "be_local_cost_per_meal"
    else:
        key = f"be_{parameter}" if up else f"be_{parameter}_down"
    text_value = format_value(value, unit, lang)
    place = kitchen_names(comparison).get(kitchen, kitchen)
    if f"be_{parameter}" in LABELS[lang]:
        clause = t(key, lang, kitchen=place, value=text_value)
    else:
        clause = t("be_generic", lang, parameter=parameter_label(parameter, lang), value=text_value)
    if math.isfinite(base):
        clause += f" ({t('be_today', lang, value=format_value(base, unit, lang))})"
    return clause


def _sek(value: float, lang: str) -> str:
    return format_sek(abs(value), lang=lang)


def _outcome_items(verdict: Any, lang: str) -> list[str]:
    items = []
    for diff in verdict.outcomes:
        a, b = float(diff.local_value), float(diff.central_value)
        if diff.name == "fresh_meals_per_week":
            continue  # said in its own sentence
        if diff.name == "mean_kitchen_to_plate_min":
            if b >= _DAY_MIN:
                items.append(
                    t(
                        "c_item_k2p_days",
                        lang,
                        a=format_number(a, lang=lang),
                        b=format_number(b / _DAY_MIN, decimals=1, lang=lang),
                    )
                )
            else:
                items.append(
                    t(
                        "c_item_k2p",
                        lang,
                        a=format_number(a, lang=lang),
                        b=format_number(b, lang=lang),
                    )
                )
        elif diff.name == "recipient_visits_per_week":
            items.append(
                t(
                    "c_item_visits",
                    lang,
                    a=format_number(a, lang=lang),
                    b=format_number(b, lang=lang),
                )
            )
        elif diff.name == "co2_kg_per_week":
            items.append(
                t("c_item_co2", lang, a=format_number(a, lang=lang), b=format_number(b, lang=lang))
            )
        elif diff.name == "local_spend_sek_per_week":
            items.append(t("c_item_spend", lang, a=_sek(a, lang), b=_sek(b, lang)))
    return items


def conclusion_paragraphs(comparison: Comparison, lang: str) -> list[str]:
    """The answer in a few plain sentences with numbers (the ``Sammanfattning``)."""
    conclusion = conclusion_of(comparison)
    n = len(comparison.scenario.recipients)
    out: list[str] = []
    if conclusion.cheapest_model is None:
        out.append(t("c_no_cheapest", lang, n=format_number(n, lang=lang)))
    else:
        row = _row(comparison.table, conclusion.cheapest_model)
        week = conclusion.cheapest_total_sek_per_week
        out.append(
            t(
                "c_cheapest",
                lang,
                n=format_number(n, lang=lang),
                model=title_of(comparison, conclusion.cheapest_model, lang),
                week=_sek(week, lang),
                year=_sek(week * WEEKS_PER_YEAR, lang),
                meal=_sek(_num(row, "cost_per_meal_sek"), lang),
            )
        )
    seen: dict[tuple[str, float], str] = {}
    for verdict in conclusion.locals:
        if verdict.model == verdict.versus_model:
            continue
        key = (verdict.versus_model, round(float(verdict.extra_cost_sek_per_week)))
        if key in seen:  # e.g. an optimised mix that keeps every local kitchen
            out.append(
                t(
                    "c_same_result",
                    lang,
                    model=title_of(comparison, verdict.model, lang),
                    other=title_of(comparison, seen[key], lang),
                )
            )
            continue
        seen[key] = verdict.model
        out.append(_verdict_paragraph(comparison, verdict, lang))
    return out


def _verdict_paragraph(comparison: Comparison, verdict: Any, lang: str) -> str:
    table = comparison.table
    model = title_of(comparison, verdict.model, lang)
    versus = title_of(comparison, verdict.versus_model, lang)
    extra = float(verdict.extra_cost_sek_per_week)
    sentences = [
        t(
            "c_local_dearer" if extra > 0 else "c_local_cheaper",
            lang,
            model=model,
            versus=versus,
            week=_sek(extra, lang),
            year=_sek(float(verdict.extra_cost_sek_per_year), lang),
        )
    ]
    loc, cen = _row(table, verdict.model), _row(table, verdict.versus_model)
    fresh, fresh_v = _num(loc, "fresh_meals_per_week"), _num(cen, "fresh_meals_per_week")
    per_meal = float(verdict.extra_cost_sek_per_fresh_meal)
    if verdict.fresh_meals_gained_per_week > 0 and extra > 0 and math.isfinite(per_meal):
        sentences.append(
            t(
                "c_fresh_gain",
                lang,
                fresh=format_number(fresh, lang=lang),
                fresh_versus=format_number(fresh_v, lang=lang),
                per_meal=_sek(per_meal, lang),
            )
        )
    elif verdict.fresh_meals_gained_per_week > 0:
        sentences.append(
            t(
                "c_fresh_also",
                lang,
                fresh=format_number(fresh, lang=lang),
                fresh_versus=format_number(fresh_v, lang=lang),
            )
        )
    elif fresh == fresh_v:
        sentences.append(t("c_fresh_same", lang, fresh=format_number(fresh, lang=lang)))
    spend = float(verdict.local_spend_kept_sek_per_week)
    if spend > 0 and extra > 0 and math.isfinite(float(verdict.local_spend_per_sek_extra)):
        sentences.append(
            t(
                "c_local_spend",
                lang,
                spend=_sek(spend, lang),
                per_krona=format_sek(
                    float(verdict.local_spend_per_sek_extra), lang=lang, decimals=2
                ),
            )
        )
    if extra > 0:
        conditions = [
            break_even_condition(comparison, p, k, v, u, lang) for p, k, v, u in verdict.break_even
        ]
        if conditions:
            joiner = " eller " if lang == "sv" else " or "
            sentences.append(
                t(
                    "c_break_even",
                    lang,
                    model=model,
                    versus=versus,
                    condition=joiner.join(conditions),
                )
            )
        elif comparison.break_even is not None and len(comparison.break_even):
            sentences.append(t("c_break_even_none", lang, model=model, versus=versus))
    return " ".join(sentences)


def conclusion_outcomes(comparison: Comparison, lang: str) -> tuple[str, list[str]]:
    """What differs for recipients between the first local model and its reference.

    Returns
    -------
    intro : str
        A lead-in naming the two models ('' when there is nothing to compare).
    items : list of str
        One short item per outcome that differs (minutes, home visits, local spend, CO2).
    """
    for verdict in conclusion_of(comparison).locals:
        if verdict.model == verdict.versus_model:
            continue
        items = _outcome_items(verdict, lang)
        if items:
            intro = t(
                "c_outcomes",
                lang,
                model=title_of(comparison, verdict.model, lang),
                versus=title_of(comparison, verdict.versus_model, lang),
            )
            return intro, items
    return "", []


def proposal_paragraphs(comparison: Comparison, lang: str) -> list[str]:
    """``Förslag till beslut``: what the comparison shows, worded for the committee to decide."""
    conclusion = conclusion_of(comparison)
    out: list[str] = []
    if conclusion.cheapest_model is None:
        return [
            t("c_no_cheapest", lang, n=len(comparison.scenario.recipients)),
            t("p_decide", lang),
        ]
    cheapest = conclusion.cheapest_model
    out.append(t("p_shows", lang, model=title_of(comparison, cheapest, lang)))
    table = comparison.table
    n = len(comparison.scenario.recipients)
    meals = sum(int(r.meals_per_week) for r in comparison.scenario.recipients)
    fresh_all = [
        m
        for m in comparison.results
        if _serves_all(_row(table, m), n) and _num(_row(table, m), "fresh_meals_per_week") >= meals
    ]
    best_fresh = min(
        fresh_all, key=lambda m: _num(_row(table, m), "total_cost_sek_per_week"), default=None
    )
    if best_fresh == cheapest:
        out.append(t("p_fresh_cheapest", lang))
    elif best_fresh is not None:
        extra = _num(_row(table, best_fresh), "total_cost_sek_per_week") - float(
            conclusion.cheapest_total_sek_per_week
        )
        out.append(
            t(
                "p_fresh",
                lang,
                model=title_of(comparison, best_fresh, lang),
                week=_sek(extra, lang),
                year=_sek(extra * WEEKS_PER_YEAR, lang),
            )
        )
    out.append(t("p_decide", lang))
    return out


def holding_note(comparison: Comparison, lang: str) -> str | None:
    """Why kitchen-to-plate maxima may exceed the hot-holding limit; None without a limit."""
    delivery = getattr(comparison.scenario, "delivery", None)
    limit = getattr(delivery, "max_hot_holding_min", None)
    if limit is None:
        return None
    return t("eff_holding", lang, limit=format_number(float(limit), lang=lang))


def delivery_notes(comparison: Comparison, lang: str) -> list[str]:
    """Chilled deliveries raised so that the boxes keep: 'asked k, planned k' per week'."""
    delivery = getattr(comparison.scenario, "delivery", None)
    shelf = getattr(delivery, "chilled_shelf_life_days", None)
    out = []
    for name, result in comparison.results.items():
        asked = int(getattr(result.plan, "chilled_deliveries_asked_per_week", 0) or 0)
        planned = int(getattr(result.plan, "chilled_deliveries_per_week", 0) or 0)
        if asked and planned and planned != asked:
            out.append(
                t(
                    "eff_deliveries_raised",
                    lang,
                    model=title_of(comparison, name, lang),
                    asked=asked,
                    planned=planned,
                    days=format_number(shelf, lang=lang) if shelf is not None else "–",
                )
            )
    return out


def siting_sentences(comparison: Comparison, report: Any, lang: str) -> list[str]:
    """The optimised mix's decision in words: how it was chosen and why flips were not made."""
    names = kitchen_names(comparison)
    how = t(f"chosen_by_{report.chosen_by}", lang)
    out = [
        t("siting_why", lang, how=how, n=format_number(len(report.evaluations), lang=lang)),
        t("siting_why_cheapest", lang),
    ]
    flips: Sequence[tuple[str, float]] = [
        *(
            (k, float(report.delta_close_total_cost_sek.get(k, math.nan)))
            for k in report.open_ids[1:]
        ),
        *((k, float(report.delta_total_cost_sek.get(k, math.nan))) for k in report.closed_ids),
    ]
    for kid, delta in flips:
        if not math.isfinite(delta):
            continue
        kitchen = names.get(kid, kid)
        if delta >= 0:
            out.append(t("siting_flip_dearer", lang, kitchen=kitchen, delta=_sek(delta, lang)))
        else:
            out.append(
                t(
                    "siting_flip_cheaper",
                    lang,
                    kitchen=kitchen,
                    delta=_sek(delta, lang),
                    reason=t("siting_flip_reason", lang),
                )
            )
    return out

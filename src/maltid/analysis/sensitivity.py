"""One-at-a-time sensitivity: each model's total and each local model's extra cost (SEK/week)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from maltid.analysis.common import Progress, _noop, break_even_kitchen, model_spec, price_plan
from maltid.comparison import ModelResult
from maltid.models import (
    ModelContext,
    central_kitchen,
    solve_model,
)
from maltid.results import WeekPlan

if TYPE_CHECKING:
    import pandas as pd

    from maltid.scenario import Scenario


__all__ = [
    "SENSITIVITY_PARAMETERS",
    "difference_tornado",
    "sensitivity_table",
]

logger = logging.getLogger("maltid")

#: Tornado parameters: name -> (unit, method). Kitchen-level names act on the scenario's
#: kitchens (``central_*`` on the central kitchen, ``local_*`` on every local kitchen by
#: the same factor); the others are cost parameters of :mod:`maltid.costs`.
SENSITIVITY_PARAMETERS: dict[str, tuple[str, str]] = {
    "cost_per_km_sek": ("SEK/km", "re-priced"),
    "driver_cost_per_hour_sek": ("SEK/h", "re-priced"),
    "central_cost_per_meal_sek": ("SEK/meal", "re-priced"),
    "local_cost_per_meal_sek": ("SEK/meal", "re-priced"),
    "local_fixed_cost_sek_per_day": ("SEK/day", "re-priced"),
    "food_cost_share_of_meal": ("share", "re-priced"),
    "chilled_packaging_sek_per_meal": ("SEK/meal", "re-priced"),
    "local_delivery_staff_cost_per_hour_sek": ("SEK/h", "re-priced"),
    "fixed_cost_sek_per_vehicle_day": ("SEK/vehicle-day", "re-priced"),
    "fixed_cost_sek_per_vehicle_week": ("SEK/vehicle-week", "re-priced"),
    "driver_loading_min_per_route": ("min/route", "re-priced"),
    "driver_min_paid_min_per_route_day": ("min/route-day", "re-priced"),
    "central_fixed_share_of_meal_cost": ("share", "re-priced"),
    "home_care_cost_per_hour_sek": ("SEK/h", "re-priced"),
    "reheating_minutes_per_meal": ("min/meal", "re-priced"),
}

_VEHICLE_RATES = ("cost_per_km_sek", "driver_cost_per_hour_sek")


# --------------------------------------------------------------------------------------
# sensitivity
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_reprice() -> Iterator[None]:
    """Silence the cost model's 'route priced with other rates' warning while re-pricing."""

    class _Drop(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return "built with other cost numbers" not in record.getMessage()

    flt = _Drop()
    logger.addFilter(flt)
    try:
        yield
    finally:
        logger.removeFilter(flt)


def _scale_kitchens(plan: WeekPlan, role: str, fname: str, factor: float) -> WeekPlan:
    kitchens = tuple(
        dataclasses.replace(k, **{fname: getattr(k, fname) * factor}) if k.role == role else k
        for k in plan.kitchens
    )
    return dataclasses.replace(plan, kitchens=kitchens)


def _base_values(scenario: Scenario, ctx: ModelContext) -> dict[str, float]:
    central = central_kitchen(scenario)
    be_k = break_even_kitchen(scenario)
    out: dict[str, float] = {}
    for name in SENSITIVITY_PARAMETERS:
        if name == "central_cost_per_meal_sek":
            out[name] = float(central.cost_per_meal_sek)
        elif name == "local_cost_per_meal_sek":
            if be_k is not None:
                out[name] = float(be_k.cost_per_meal_sek)
        elif name == "local_fixed_cost_sek_per_day":
            if be_k is not None:
                out[name] = float(be_k.fixed_cost_sek_per_day)
        elif name in ctx.parameters:
            out[name] = float(ctx.parameters[name])
    # +/- a share of zero is zero: such a parameter cannot move anything
    return {name: value for name, value in out.items() if value != 0.0}


class _Evaluator:
    """The total cost (SEK/week) of one solved model with one parameter changed."""

    def __init__(
        self, scenario: Scenario, ctx: ModelContext, res: ModelResult, base: Mapping[str, float]
    ) -> None:
        self.scenario, self.ctx, self.res, self.base = scenario, ctx, res, base
        self.resolve = scenario.analysis.sensitivity_vehicle_rates == "re-solve"

    def __call__(self, name: str, value: float) -> float:
        ctx, plan = self.ctx, self.res.plan
        base = self.base[name]
        factor = value / base if base != 0 else 1.0
        params = dict(ctx.parameters)
        if name in _VEHICLE_RATES:
            params[name] = float(value)
            c = ctx.with_parameters(params)
            with _quiet_reprice():
                repriced = price_plan(plan, c).total_cost_sek_per_week
            if not self.resolve:
                return repriced
            # the old plan stays feasible at the new rate: keep the cheaper of the two
            spec = model_spec(self.scenario, self.res.name)
            return min(repriced, price_plan(solve_model(spec, c), c).total_cost_sek_per_week)
        if name == "central_cost_per_meal_sek":
            plan = _scale_kitchens(plan, "central", "cost_per_meal_sek", factor)
        elif name == "local_cost_per_meal_sek":
            plan = _scale_kitchens(plan, "local", "cost_per_meal_sek", factor)
        elif name == "local_fixed_cost_sek_per_day":
            plan = _scale_kitchens(plan, "local", "fixed_cost_sek_per_day", factor)
        else:
            params[name] = float(value)
        with _quiet_reprice():
            return price_plan(plan, ctx.with_parameters(params)).total_cost_sek_per_week


def _method(name: str, resolve: bool) -> str:
    return "re-solved" if resolve and name in _VEHICLE_RATES else SENSITIVITY_PARAMETERS[name][1]


def sensitivity_table(
    scenario: Scenario,
    ctx: ModelContext,
    results: Mapping[str, ModelResult],
    *,
    models: Sequence[str],
    progress: Progress = _noop,
) -> pd.DataFrame:
    """Tornado of each of ``models``' total cost (SEK/week), one row per model and parameter.

    Columns of :func:`maltid.costs.tornado` plus ``model``, ``unit`` and ``method``
    (``re-priced``, or ``re-solved`` for the vehicle rates when the scenario asks
    ``analysis.sensitivity_vehicle_rates = "re-solve"``).
    """
    import pandas as pd

    from maltid.costs import tornado

    rel = float(scenario.analysis.sensitivity_rel_change)
    resolve = scenario.analysis.sensitivity_vehicle_rates == "re-solve"
    base_values = _base_values(scenario, ctx)
    frames = []
    total = len(models) * len(base_values) * 2
    done = 0
    for model in models:
        res = results[model]
        ev = _Evaluator(scenario, ctx, res, base_values)

        def evaluate(name: str, value: float, ev: _Evaluator = ev) -> float:
            nonlocal done
            done += 1
            progress("sensitivity", done, total)
            return ev(name, value)

        df = tornado(
            res.outcome.total_cost_sek_per_week,
            evaluate,
            base_values,
            names=list(base_values),
            rel_change=rel,
        )
        df.insert(0, "model", model)
        df["unit"] = [SENSITIVITY_PARAMETERS[p][0] for p in df["parameter"]]
        df["method"] = [_method(p, resolve) for p in df["parameter"]]
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out.attrs["rel_change"] = rel
    out.attrs["note"] = (
        "vehicle rates re-solved (the cheaper of the re-optimised and the solved plan); "
        "other parameters re-priced on the solved plans"
        if resolve
        else "every parameter re-priced on the solved plans (routes kept)"
    )
    return out


def difference_tornado(
    scenario: Scenario,
    ctx: ModelContext,
    results: Mapping[str, ModelResult],
    *,
    local_models: Sequence[str],
    versus: Sequence[str],
) -> pd.DataFrame:
    """Tornado of each local model's extra cost against each versus model (SEK/week).

    One row per (local_model, versus_model, parameter); columns ``local_model,
    versus_model, parameter, unit, method, base_value, low_value, high_value,
    base_difference_sek, difference_low_sek, difference_high_sek, swing_sek`` (the
    extra cost = local minus versus; ``swing_sek = |high - low|``), largest swing first
    within each pair. Both models see the same parameter change.
    """
    import pandas as pd

    rel = float(scenario.analysis.sensitivity_rel_change)
    resolve = scenario.analysis.sensitivity_vehicle_rates == "re-solve"
    base_values = _base_values(scenario, ctx)
    evals = {
        name: _Evaluator(scenario, ctx, results[name], base_values)
        for name in {*local_models, *versus}
    }
    columns = [
        "local_model",
        "versus_model",
        "parameter",
        "unit",
        "method",
        "base_value",
        "low_value",
        "high_value",
        "base_difference_sek",
        "difference_low_sek",
        "difference_high_sek",
        "swing_sek",
    ]
    cache: dict[tuple[str, str, float], float] = {}

    def total(model: str, name: str, value: float) -> float:
        key = (model, name, value)
        if key not in cache:
            cache[key] = float(evals[model](name, value))
        return cache[key]

    frames = []
    for local in local_models:
        for other in versus:
            if other == local:
                continue
            base_diff = (
                results[local].outcome.total_cost_sek_per_week
                - results[other].outcome.total_cost_sek_per_week
            )
            rows = []
            for name, v in base_values.items():
                lo, hi = v * (1.0 - rel), v * (1.0 + rel)
                d_lo = total(local, name, lo) - total(other, name, lo)
                d_hi = total(local, name, hi) - total(other, name, hi)
                rows.append(
                    {
                        "local_model": local,
                        "versus_model": other,
                        "parameter": name,
                        "unit": SENSITIVITY_PARAMETERS[name][0],
                        "method": _method(name, resolve),
                        "base_value": v,
                        "low_value": lo,
                        "high_value": hi,
                        "base_difference_sek": float(base_diff),
                        "difference_low_sek": d_lo,
                        "difference_high_sek": d_hi,
                        "swing_sek": abs(d_hi - d_lo),
                    }
                )
            df = pd.DataFrame(rows, columns=columns)
            frames.append(df.sort_values("swing_sek", ascending=False, kind="stable"))
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out.attrs["rel_change"] = rel
    return out

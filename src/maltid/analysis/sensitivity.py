"""One-at-a-time sensitivity: each model's total and each local model's extra cost (SEK/week)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from maltid.analysis.common import Progress, _noop, break_even_kitchen, model_spec, price_plan
from maltid.analysis.search import tornado
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
    "VEHICLE_RATES",
    "base_values",
    "difference_tornado",
    "reprice",
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

#: The rates that steer the route optimisation (a change may change the routes).
VEHICLE_RATES = ("cost_per_km_sek", "driver_cost_per_hour_sek")
_VEHICLE_RATES = VEHICLE_RATES


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


_KITCHEN_PARAMETERS = {
    "central_cost_per_meal_sek": ("central", "cost_per_meal_sek"),
    "local_cost_per_meal_sek": ("local", "cost_per_meal_sek"),
    "local_fixed_cost_sek_per_day": ("local", "fixed_cost_sek_per_day"),
}


def reprice(
    plan: WeekPlan,
    ctx: ModelContext,
    values: Mapping[str, float],
    base: Mapping[str, float],
) -> float:
    """Total cost (SEK/week) of an unchanged plan with parameters set to ``values``.

    ``values``: parameter name (:data:`SENSITIVITY_PARAMETERS`) -> new value in its unit;
    ``base``: the same names -> the scenario's values. Kitchen-level names scale the
    plan's kitchens by ``value / base`` (every local kitchen by the same factor); the
    others replace the cost parameter.
    """
    params = dict(ctx.parameters)
    for name, value in values.items():
        if name in _KITCHEN_PARAMETERS:
            role, field = _KITCHEN_PARAMETERS[name]
            b = base[name]
            plan = _scale_kitchens(plan, role, field, value / b if b != 0 else 1.0)
        else:
            params[name] = float(value)
    with _quiet_reprice():
        return price_plan(plan, ctx.with_parameters(params)).total_cost_sek_per_week


def base_values(scenario: Scenario, ctx: ModelContext) -> dict[str, float]:
    """The scenario's value of each uncertain parameter (:data:`SENSITIVITY_PARAMETERS`).

    Kitchen-level names take the central kitchen's and the break-even kitchen's values;
    parameters at zero are left out (a share of zero moves nothing).
    """
    return _base_values(scenario, ctx)


class _Evaluator:
    """The total cost (SEK/week) of one solved model with one parameter changed."""

    def __init__(
        self, scenario: Scenario, ctx: ModelContext, res: ModelResult, base: Mapping[str, float]
    ) -> None:
        self.scenario, self.ctx, self.res, self.base = scenario, ctx, res, base
        self.resolve = scenario.analysis.sensitivity_vehicle_rates == "re-solve"

    def __call__(self, name: str, value: float) -> float:
        ctx, plan = self.ctx, self.res.plan
        repriced = reprice(plan, ctx, {name: value}, self.base)
        if name not in _VEHICLE_RATES or not self.resolve:
            return repriced
        # the old plan stays feasible at the new rate: keep the cheaper of the two
        c = ctx.with_parameters({**ctx.parameters, name: float(value)})
        spec = model_spec(self.scenario, self.res.name)
        return min(repriced, price_plan(solve_model(spec, c), c).total_cost_sek_per_week)


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

    Columns of :func:`maltid.analysis.tornado` plus ``model``, ``unit`` and ``method``
    (``re-priced``, or ``re-solved`` for the vehicle rates when the scenario asks
    ``analysis.sensitivity_vehicle_rates = "re-solve"``).
    """
    import pandas as pd

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

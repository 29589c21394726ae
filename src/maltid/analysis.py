"""Break-even and sensitivity of the local models against the central ones (SEK/week).

Everything here works on solved, priced models (:class:`maltid.comparison.ModelResult`)
and re-solves or re-prices them; :func:`maltid.pipeline.compare` calls it.

Which models are compared
-------------------------
A *local model* is a ``local_kitchens`` or ``optimised_mix`` model; the break-even and
the difference tornado use the first of them in scenario order
(:func:`local_model_name`). It is compared against the *versus models*
(:func:`versus_models`): the cheapest central model that serves everyone the local
model serves (normally ``central_chilled``, :func:`cheapest_central`) and the scenario's
baseline (normally ``central_daily_hot``), each once.

Break-even (``break_even_table``)
---------------------------------
For each name in ``scenario.analysis.break_even`` the value at which the local model
costs the same per week as the versus model, found by bisection
(:func:`maltid.costs.bisect_break_even`) over REAL re-solves of both models (routing and
siting re-run; identical routing problems are answered from a deterministic memo):

``local_cost_per_meal``
    cost per meal (SEK) of the break-even kitchen, searched on ``[0, 4 x max(its cost,
    the central cost)]``.
``village_recipients``
    number of recipients in the break-even kitchen's village = the recipients the local
    model assigns to it; the village is shrunk (the first ``n`` in id order are kept) or
    grown with synthetic copies at the same road nodes (ids ``<id>~<k>``), ``n`` on
    ``[0, min(4 x N, what the kitchen can cook a day)]``; ``f(x)`` uses ``floor(x)``
    recipients and the result is the whole number at which the sign changes.
``village_distance``
    a factor on the travel time AND distance between the central kitchen and the
    village's recipients (both directions), on ``[0.1, f_max]`` where ``f_max`` (<= 4)
    keeps every village recipient within the hot-holding limit from the central kitchen.
``fuel_cost``
    ``cost_per_km_sek`` (SEK/km) on ``[0, 10 x base]``; the vehicles are re-built with
    it, so routes are re-optimised.

A row whose search interval does not bracket a sign change says so (``bracketed =
False``, ``value`` NaN): no value is invented.

Sensitivity (``sensitivity_table``, ``difference_tornado``)
-----------------------------------------------------------
One-at-a-time tornado (:func:`maltid.costs.tornado`) of each compared model's total
weekly cost, and of the local model's extra cost against each versus model, to ``+/-
scenario.analysis.sensitivity_rel_change`` on each main cost parameter. The vehicle
rates steer the route optimisation: with ``analysis.sensitivity_vehicle_rates =
"re-solve"`` they are RE-SOLVED (the cheaper of the kept and the re-optimised plan);
every other parameter is a pure price of an unchanged plan and is RE-PRICED (column
``method``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from maltid.comparison import ModelResult
from maltid.errors import InputError
from maltid.models import (
    ModelContext,
    SitingReport,
    central_kitchen,
    make_context,
    meals_by_day,
    solve_model,
    solve_optimised_mix,
)
from maltid.results import WeekPlan

if TYPE_CHECKING:
    import pandas as pd

    from maltid.costs import WeeklyOutcome
    from maltid.network import TravelMatrix
    from maltid.scenario import KitchenSpec, ModelSpec, Recipient, Scenario

__all__ = [
    "BREAK_EVEN_COLUMNS",
    "BREAK_EVEN_PARAMETERS",
    "SENSITIVITY_PARAMETERS",
    "Progress",
    "break_even_kitchen",
    "break_even_table",
    "cheapest_central",
    "difference_tornado",
    "local_model_name",
    "local_model_names",
    "model_spec",
    "price_plan",
    "sensitivity_table",
    "solve_priced",
    "versus_models",
]

logger = logging.getLogger("maltid")

#: ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]

BREAK_EVEN_PARAMETERS = (
    "local_cost_per_meal",
    "village_recipients",
    "village_distance",
    "fuel_cost",
)

#: Columns of ``break_even.csv``, in order.
BREAK_EVEN_COLUMNS = (
    "parameter",
    "kitchen",
    "local_model",
    "versus_model",
    "value",
    "unit",
    "bracketed",
    "low",
    "high",
    "base_value",
    "base_difference_sek_per_week",
    "converged",
    "iterations",
    "evaluations",
    "note",
)

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
}

#: Bisection tolerance as a share of the search interval (about 8 halvings).
BREAK_EVEN_REL_TOL = 1.0 / 256.0

_VEHICLE_RATES = ("cost_per_km_sek", "driver_cost_per_hour_sek")
_LOCAL_KINDS = ("local_kitchens", "optimised_mix")


def _noop(stage: str, done: int, total: int) -> None:
    return None


# --------------------------------------------------------------------------------------
# pricing and the models compared
# --------------------------------------------------------------------------------------


def _meals(scenario: Scenario) -> dict[str, int]:
    return {str(r.id): int(r.meals_per_week) for r in scenario.recipients}


def price_plan(plan: WeekPlan, ctx: ModelContext) -> WeeklyOutcome:
    """Price a plan with the context's parameters (costs in SEK/week)."""
    from maltid.costs import weekly_outcome

    return weekly_outcome(plan, parameters=ctx.parameters, recipients_meals=_meals(ctx.scenario))


def solve_priced(
    spec: ModelSpec, ctx: ModelContext, *, with_siting: bool = False
) -> tuple[WeekPlan, WeeklyOutcome, SitingReport | None]:
    """Solve one model and price it (SEK/week); ``optimised_mix`` with its siting report."""
    if spec.kind == "optimised_mix" and with_siting:
        plan, report = solve_optimised_mix(
            ctx, spec, price=lambda p: price_plan(p, ctx).total_cost_sek_per_week
        )
        return plan, price_plan(plan, ctx), report
    plan = solve_model(spec, ctx)
    return plan, price_plan(plan, ctx), None


def model_spec(scenario: Scenario, name: str) -> ModelSpec:
    """The scenario's model named ``name``; InputError naming the fix otherwise."""
    for m in scenario.models:
        if m.name == name:
            return m
    raise InputError(
        f"scenario: no model named {name!r} (fix: check `baseline` against the [[models]] names)"
    )


def local_model_names(scenario: Scenario) -> list[str]:
    """Names of the scenario's local models (``local_kitchens``, ``optimised_mix``), in order."""
    return [str(m.name) for m in scenario.models if m.kind in _LOCAL_KINDS]


def local_model_name(scenario: Scenario) -> str | None:
    """The local model the break-even uses: ``local_kitchens``, else ``optimised_mix``."""
    for kind in _LOCAL_KINDS:
        for m in scenario.models:
            if m.kind == kind:
                return str(m.name)
    return None


def cheapest_central(
    results: Mapping[str, ModelResult], *, serving: int | None = None
) -> str | None:
    """The cheapest central model (SEK/week) among those that leave the fewest unserved.

    ``serving``: only models serving at least this many recipients count (e.g. as many as
    the local model serves); when none does, the ones serving the most do.
    """
    central = [r for r in results.values() if r.kind.startswith("central_")]
    if not central:
        return None
    most = max(r.outcome.recipients_served for r in central)
    need = most if serving is None else min(int(serving), most)
    ok = [r for r in central if r.outcome.recipients_served >= need]
    return min(ok, key=lambda r: r.outcome.total_cost_sek_per_week).name


def versus_models(
    results: Mapping[str, ModelResult], *, local: str | None, baseline: str
) -> list[str]:
    """The models the local model is compared with: the cheapest central one, the baseline."""
    if local is None:
        return []
    served = results[local].outcome.recipients_served if local in results else None
    out: list[str] = []
    cheapest = cheapest_central(results, serving=served)
    for name in (cheapest, baseline):
        if name is not None and name != local and name not in out and name in results:
            out.append(name)
    return out


def break_even_kitchen(scenario: Scenario) -> KitchenSpec | None:
    """``analysis.break_even_kitchen``, else the first local kitchen (None if there is none)."""
    kid = scenario.analysis.break_even_kitchen
    for k in scenario.kitchens:
        if k.role == "local" and (kid is None or k.id == kid):
            return k
    return None


# --------------------------------------------------------------------------------------
# break-even
# --------------------------------------------------------------------------------------


def _scaled_matrix(
    matrix: TravelMatrix, central_row: int, rows: Sequence[int], factor: float
) -> TravelMatrix:
    t = np.array(matrix.time_s, dtype=float, copy=True)
    d = np.array(matrix.distance_m, dtype=float, copy=True)
    r = np.asarray(rows, dtype=np.int64)
    for m in (t, d):
        m[central_row, r] *= factor
        m[r, central_row] *= factor
    return dataclasses.replace(matrix, time_s=t, distance_m=d)


def _village_variant(
    scenario: Scenario, matrix: TravelMatrix, village: Sequence[str], n: int
) -> tuple[Scenario, TravelMatrix]:
    """Scenario and matrix with exactly ``n`` village recipients (dropped or copied)."""
    by_id = {str(r.id): r for r in scenario.recipients}
    vset = set(village)
    others = [r for r in scenario.recipients if str(r.id) not in vset]
    base = [by_id[v] for v in sorted(village)]
    chosen: list[Recipient] = []
    src_rows: list[int] = []
    row_of = {str(i): k for k, i in enumerate(matrix.ids)}
    for k in range(n):
        r = base[k % len(base)]
        copy_no = k // len(base)
        chosen.append(r if copy_no == 0 else r.model_copy(update={"id": f"{r.id}~{copy_no}"}))
        src_rows.append(row_of[str(r.id)])
    recipients = others + chosen
    new_scenario = scenario.with_recipients(recipients)
    rows = [row_of[str(k.id)] for k in scenario.kitchens]
    rows += [row_of[str(r.id)] for r in others] + src_rows
    idx = np.asarray(rows, dtype=np.int64)
    ids = tuple(str(k.id) for k in scenario.kitchens) + tuple(str(r.id) for r in recipients)
    return new_scenario, dataclasses.replace(
        matrix,
        ids=ids,
        nodes=np.asarray(matrix.nodes)[idx],
        time_s=np.asarray(matrix.time_s)[np.ix_(idx, idx)],
        distance_m=np.asarray(matrix.distance_m)[np.ix_(idx, idx)],
        unreachable=(),
    )


@dataclass
class _Search:
    """One break-even search: the function, its interval and how to read the result."""

    unit: str
    base_value: float
    f: Callable[[float], float] | None = None
    low: float = math.nan
    high: float = math.nan
    tol: float = 1e-3
    integer: bool = False
    note: str = ""


def _search(
    name: str,
    scenario: Scenario,
    ctx: ModelContext,
    kitchen: KitchenSpec,
    village: tuple[str, ...],
    diff: Callable[[Scenario, TravelMatrix, Mapping[str, float]], float],
) -> _Search:
    central = central_kitchen(scenario)
    if name == "local_cost_per_meal":
        base = float(kitchen.cost_per_meal_sek)
        s = _Search("SEK/meal", base, low=0.0)
        s.high = 4.0 * max(base, float(central.cost_per_meal_sek), 1.0)
        s.tol = max(0.01, (s.high - s.low) * BREAK_EVEN_REL_TOL)
        field = f"kitchens.{kitchen.id}.cost_per_meal_sek"
        s.f = lambda x: diff(scenario.with_value(field, float(x)), ctx.matrix, ctx.parameters)
        return s
    if name == "fuel_cost":
        base = float(ctx.parameters["cost_per_km_sek"])
        s = _Search("SEK/km", base, low=0.0, high=10.0 * max(base, 0.5))
        s.tol = max(0.01, (s.high - s.low) * BREAK_EVEN_REL_TOL)

        def fuel(x: float) -> float:
            return diff(scenario, ctx.matrix, {**ctx.parameters, "cost_per_km_sek": float(x)})

        s.f = fuel
        return s
    if name == "village_recipients":
        s = _Search("recipients", float(len(village)), integer=True)
        if not village:
            s.note = f"the local model assigns no recipient to {kitchen.id}"
            return s
        vset = set(village)
        per_day = max(
            max(meals_by_day(r.meals_per_week)) for r in scenario.recipients if str(r.id) in vset
        )
        cap_n = int(float(kitchen.capacity_meals_per_day) // max(per_day, 1))
        s.low, s.high, s.tol = 0.0, float(max(1, min(4 * len(village), cap_n))), 0.25

        def grow(x: float) -> float:
            sc, m = _village_variant(scenario, ctx.matrix, village, math.floor(x + 1e-9))
            return diff(sc, m, ctx.parameters)

        s.f = grow
        return s
    if name == "village_distance":
        s = _Search("factor", 1.0)
        if not village:
            s.note = f"the local model assigns no recipient to {kitchen.id}"
            return s
        crow = ctx.row(central.id)
        vrows = [ctx.row(v) for v in village]
        t_out = np.asarray(ctx.matrix.time_s, dtype=float)[crow, vrows]
        hold = float(scenario.delivery.max_hot_holding_s)
        worst = float(np.max(t_out))
        f_max = 4.0 if worst <= 0 else min(4.0, 0.999 * hold / worst)
        s.low, s.high = 0.1, max(f_max, 0.11)
        s.tol = max(0.005, (s.high - s.low) * BREAK_EVEN_REL_TOL)
        s.f = lambda x: diff(
            scenario, _scaled_matrix(ctx.matrix, crow, vrows, float(x)), ctx.parameters
        )
        return s
    return _Search("", math.nan, note=f"unknown break-even parameter {name!r}")


def break_even_table(
    scenario: Scenario,
    ctx: ModelContext,
    results: Mapping[str, ModelResult],
    *,
    versus: Sequence[str],
    progress: Progress = _noop,
) -> pd.DataFrame | None:
    """Break-even of the local model against each ``versus`` model, one row per parameter.

    Columns :data:`BREAK_EVEN_COLUMNS` (``value`` in ``unit``; ``low``, ``high`` the
    searched interval; ``base_difference_sek_per_week`` = local minus versus at the
    scenario's values). See the module docstring for each parameter.
    """
    import pandas as pd

    from maltid.costs import bisect_break_even

    local = local_model_name(scenario)
    kitchen = break_even_kitchen(scenario)
    names = tuple(scenario.analysis.break_even)
    if not names:
        return None
    versus = [v for v in versus if v != local]
    if local is None or kitchen is None or not versus:
        note = "no local model or no local kitchen in the scenario: no break-even"
        empty = [{"parameter": n, "note": note} for n in names]
        return pd.DataFrame(empty, columns=list(BREAK_EVEN_COLUMNS))
    local_spec = model_spec(scenario, local)
    village = tuple(
        sorted(rid for rid, kid in results[local].plan.assignment.items() if kid == kitchen.id)
    )
    rows: list[dict[str, Any]] = []
    total = len(names) * len(versus)
    for n_v, other in enumerate(versus):
        other_spec = model_spec(scenario, other)
        unserved_evals: list[tuple[int, int]] = []

        def diff(
            sc: Scenario,
            matrix: TravelMatrix,
            params: Mapping[str, float],
            other_spec: ModelSpec = other_spec,
            unserved_evals: list[tuple[int, int]] = unserved_evals,
        ) -> float:
            c = make_context(
                sc,
                matrix,
                parameters=params,
                time_limit_s=ctx.time_limit_s,
                siting_time_limit_s=ctx.siting_time_limit_s,
                solution_limit=ctx.solution_limit,
                seed=ctx.seed,
                routing_cache=ctx.routing_cache,
            )
            lo = price_plan(solve_model(local_spec, c), c)
            vo = price_plan(solve_model(other_spec, c), c)
            if lo.recipients_unserved or vo.recipients_unserved:
                unserved_evals.append((lo.recipients_unserved, vo.recipients_unserved))
            return float(lo.total_cost_sek_per_week - vo.total_cost_sek_per_week)

        base_diff = (
            results[local].outcome.total_cost_sek_per_week
            - results[other].outcome.total_cost_sek_per_week
        )
        for n_done, name in enumerate(names):
            progress("break-even", n_v * len(names) + n_done, total)
            unserved_evals.clear()
            s = _search(name, scenario, ctx, kitchen, village, diff)
            row: dict[str, Any] = {
                "parameter": name,
                "kitchen": kitchen.id,
                "local_model": local,
                "versus_model": other,
                "value": math.nan,
                "unit": s.unit,
                "bracketed": False,
                "low": s.low,
                "high": s.high,
                "base_value": s.base_value,
                "base_difference_sek_per_week": float(base_diff),
                "converged": False,
                "iterations": 0,
                "evaluations": 0,
                "note": s.note,
            }
            if s.f is not None:
                be = bisect_break_even(s.f, s.low, s.high, tol=s.tol, max_iter=40)
                value = math.nan if be.value is None else float(be.value)
                if s.integer and not math.isnan(value):
                    value = float(round(value))
                if not be.bracketed:
                    (x0, y0), (x1, y1) = be.history[0], be.history[1]
                    row["note"] = (
                        f"no sign change on [{s.low:g}, {s.high:g}]: {local} - {other} = "
                        f"{y0:.0f} SEK/week at {x0:g} and {y1:.0f} at {x1:g}"
                    )
                if unserved_evals:
                    most = max(unserved_evals, key=lambda u: u[0] + u[1])
                    row["note"] = (str(row["note"]) + "; " if row["note"] else "") + (
                        f"{len(unserved_evals)} evaluation(s) left recipients unserved (up "
                        f"to {most[0]} in {local}, {most[1]} in {other}): their meals are "
                        "not costed, so those totals are not like for like"
                    )
                row.update(
                    value=value,
                    bracketed=bool(be.bracketed),
                    converged=bool(be.converged),
                    iterations=int(be.iterations),
                    evaluations=len(be.history),
                )
            rows.append(row)
    progress("break-even", total, total)
    return pd.DataFrame(rows, columns=list(BREAK_EVEN_COLUMNS))


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
    return out


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

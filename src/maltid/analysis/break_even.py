"""Break-even of the local model against each versus model (see :mod:`maltid.analysis`)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from maltid.analysis.common import (
    Progress,
    _noop,
    break_even_kitchen,
    cheapest_central,
    local_model_name,
    model_spec,
    price_plan,
    site_points,
)
from maltid.analysis.search import bisect_break_even
from maltid.comparison import ModelResult
from maltid.models import (
    ModelContext,
    central_kitchen,
    meals_by_day,
    solve_model,
)

if TYPE_CHECKING:
    import pandas as pd

    from maltid.network import TravelMatrix
    from maltid.scenario import KitchenSpec, ModelSpec, Recipient, Scenario

__all__ = [
    "BREAK_EVEN_COLUMNS",
    "BREAK_EVEN_PARAMETERS",
    "BREAK_EVEN_REL_TOL",
    "break_even_table",
    "home_care_break_even_rows",
]

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
    "difference_at_low_sek_per_week",
    "difference_at_high_sek_per_week",
    "converged",
    "iterations",
    "evaluations",
    "note",
)

#: Bisection tolerance as a share of the search interval (about 8 halvings).
BREAK_EVEN_REL_TOL = 1.0 / 256.0

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
    sites = [sid for sid, _, _ in site_points(scenario)]
    rows = [row_of[sid] for sid in sites]
    rows += [row_of[str(r.id)] for r in others] + src_rows
    idx = np.asarray(rows, dtype=np.int64)
    ids = tuple(sites) + tuple(str(r.id) for r in recipients)
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
    scenario's values, ``difference_at_low/high_sek_per_week`` at the interval's ends when
    the search evaluated them, else NaN). See the module docstring for each parameter.
    """
    import pandas as pd

    local = local_model_name(scenario)
    kitchen = break_even_kitchen(scenario)
    names = tuple(scenario.analysis.break_even)
    if not names:
        return None
    versus = [v for v in versus if v != local]
    if local is None or kitchen is None or not versus:
        note = "no local model or no local kitchen in the scenario: no break-even"
        empty = [{"parameter": n, "note": note} for n in names]
        empty += home_care_break_even_rows(scenario, ctx, results)
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
            c = ctx.with_scenario(sc, matrix=matrix, parameters=params)
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
                "difference_at_low_sek_per_week": math.nan,
                "difference_at_high_sek_per_week": math.nan,
                "converged": False,
                "iterations": 0,
                "evaluations": 0,
                "note": s.note,
            }
            if s.f is not None:
                # the scenario's own value splits the interval: a sign change nearest to
                # it is found even when the difference turns back further out
                # (e.g. a village kitchen dearer both empty and at full capacity)
                inside = s.low < s.base_value < s.high
                segments = (
                    [(s.low, s.base_value), (s.base_value, s.high)] if inside else [(s.low, s.high)]
                )
                evaluations = 0
                first = last = None
                for a, b in segments:
                    be = bisect_break_even(s.f, a, b, tol=s.tol, max_iter=40)
                    evaluations += len(be.history)
                    first = first or be.history[0]
                    last = be.history[1]
                    if be.bracketed:
                        break
                value = math.nan if be.value is None else float(be.value)
                at: dict[float, float] = {}
                if first is not None:
                    at[first[0]] = first[1]
                if last is not None:
                    at[last[0]] = last[1]
                row["difference_at_low_sek_per_week"] = float(at.get(s.low, math.nan))
                row["difference_at_high_sek_per_week"] = float(at.get(s.high, math.nan))
                if s.integer and not math.isnan(value):
                    value = float(round(value))
                if not be.bracketed and first is not None and last is not None:
                    (x0, y0), (x1, y1) = first, last
                    row["note"] = (
                        f"no sign change on [{s.low:g}, {s.high:g}]: {local} - {other} = "
                        f"{y0:.0f} SEK/week at {x0:g}, {base_diff:.0f} at {s.base_value:g} "
                        f"and {y1:.0f} at {x1:g}"
                        if inside
                        else f"no sign change on [{s.low:g}, {s.high:g}]: {local} - {other} "
                        f"= {y0:.0f} SEK/week at {x0:g} and {y1:.0f} at {x1:g}"
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
                    evaluations=evaluations,
                )
            rows.append(row)
    rows += home_care_break_even_rows(scenario, ctx, results)
    progress("break-even", total, total)
    return pd.DataFrame(rows, columns=list(BREAK_EVEN_COLUMNS))


def home_care_break_even_rows(
    scenario: Scenario, ctx: ModelContext, results: Mapping[str, ModelResult]
) -> list[dict[str, Any]]:
    """Break-even of the cooking minutes per meal (min/meal) of each home-care model.

    The minutes at which ``home_care_cooking`` costs as much per week as the cheapest
    central model serving as many people (one row per home-care model, parameter
    ``home_care_cooking_min``). The central model does not depend on the cooking minutes,
    so it is solved once (its total from ``results``); the home-care model is re-solved
    and re-priced at each trial value: the minutes change the routed visits' service
    time as well as the staff time priced.
    """
    rows: list[dict[str, Any]] = []
    for res in results.values():
        if res.kind != "home_care_cooking":
            continue
        other = cheapest_central(results, serving=res.outcome.recipients_served)
        if other is None:
            continue
        spec = model_spec(scenario, res.name)
        versus_total = float(results[other].outcome.total_cost_sek_per_week)
        base = float(ctx.parameters["home_care_cooking_min_per_meal"])

        def diff(x: float, spec: ModelSpec = spec, versus_total: float = versus_total) -> float:
            params = {**ctx.parameters, "home_care_cooking_min_per_meal": float(x)}
            c = ctx.with_scenario(scenario, matrix=ctx.matrix, parameters=params)
            return float(price_plan(solve_model(spec, c), c).total_cost_sek_per_week) - versus_total

        low, high = 0.0, 4.0 * max(base, 1.0)
        tol = max(0.05, (high - low) * BREAK_EVEN_REL_TOL)
        be = None
        evaluations = 0
        for a, b in [(low, base), (base, high)] if low < base < high else [(low, high)]:
            be = bisect_break_even(diff, a, b, tol=tol, max_iter=40)
            evaluations += len(be.history)
            if be.bracketed:
                break
        assert be is not None
        base_diff = float(res.outcome.total_cost_sek_per_week) - versus_total
        rows.append(
            {
                "parameter": "home_care_cooking_min",
                "kitchen": "home_care",
                "local_model": res.name,
                "versus_model": other,
                "value": math.nan if be.value is None else float(be.value),
                "unit": "min/meal",
                "bracketed": bool(be.bracketed),
                "low": low,
                "high": high,
                "base_value": base,
                "base_difference_sek_per_week": base_diff,
                "difference_at_low_sek_per_week": math.nan,
                "difference_at_high_sek_per_week": math.nan,
                "converged": bool(be.converged),
                "iterations": int(be.iterations),
                "evaluations": evaluations,
                "note": ""
                if be.bracketed
                else (
                    f"no sign change on [{low:g}, {high:g}] min/meal: {res.name} - {other} "
                    f"= {base_diff:.0f} SEK/week at {base:g}"
                ),
            }
        )
    return rows

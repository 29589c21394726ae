"""Compare the delivery models of a scenario: one table, break-even and sensitivity (SEK/week).

``compare(scenario)`` loads the road network, snaps kitchens and recipients, builds ONE
travel matrix over all of them, solves every model of the scenario
(:func:`maltid.models.solve_model`), prices each plan with
:func:`maltid.costs.weekly_outcome` and assembles a frozen
:class:`maltid.results.Comparison`.

Break-even (``Comparison.break_even``)
--------------------------------------
For each name in ``scenario.analysis.break_even`` the value at which the *local model*
(``local_kitchens`` if the scenario has it, else ``optimised_mix``) costs the same per
week as the baseline, found by bisection (:func:`maltid.costs.bisect_break_even`) over
REAL re-solves of both models (routing and siting re-run; identical routing problems are
answered from a deterministic memo):

``local_cost_per_meal``
    cost per meal (SEK) of the break-even kitchen, searched on ``[0, 4 x max(its cost,
    the central cost)]``.
``village_recipients``
    number of recipients in the break-even kitchen's village = the recipients the local
    model assigns to it; the village is shrunk (the first ``n`` in id order are kept) or
    grown with synthetic copies at the same road nodes (ids ``<id>~<k>``), ``n`` on
    ``[0, min(4 x N, what the kitchen can cook a day)]`` (beyond its capacity the extra
    recipients would go to the central kitchen and the question changes); ``f(x)`` uses
    ``floor(x)`` recipients and the result is the whole number of recipients at which
    the sign changes.
``village_distance``
    a factor on the travel time AND distance between the central kitchen and the
    village's recipients (both directions), on ``[0.1, f_max]`` where ``f_max`` (<= 4)
    keeps every village recipient within the hot-holding limit from the central
    kitchen (beyond it the baseline could not serve them at all).
``fuel_cost``
    ``cost_per_km_sek`` (SEK/km) on ``[0, 10 x base]``; the vehicles are re-built with
    it, so routes are re-optimised.

A row whose search interval does not bracket a sign change says so (``bracketed =
False``, ``break_even_value`` NaN): no value is invented. Evaluations in which either
model leaves recipients unserved are counted in the row's ``note`` (unserved meals are
not costed, so such totals are not like for like).

Sensitivity (``Comparison.sensitivity``)
----------------------------------------
One-at-a-time tornado (:func:`maltid.costs.tornado`) of the baseline's and the local
model's total weekly cost to ``+/- scenario.analysis.sensitivity_rel_change`` on each main
cost parameter. The vehicle rates (``cost_per_km_sek``, ``driver_cost_per_hour_sek``)
steer the route optimisation, so they are RE-SOLVED; all other parameters are pure
prices of an unchanged plan and are RE-PRICED (column ``method``). For ``optimised_mix``
re-pricing keeps the chosen kitchens, so its swing is an upper bound of the re-optimised
one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from maltid.comparison import Comparison, ModelResult
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
    from maltid.network import RoadNetwork
    from maltid.scenario import Scenario

__all__ = [
    "BREAK_EVEN_PARAMETERS",
    "SENSITIVITY_PARAMETERS",
    "compare",
    "local_model_name",
    "price_plan",
    "routes_frame",
    "routes_geojson",
]

logger = logging.getLogger("maltid")

Progress = Callable[[str, int, int], None]

BREAK_EVEN_PARAMETERS = (
    "local_cost_per_meal",
    "village_recipients",
    "village_distance",
    "fuel_cost",
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


def _noop(stage: str, done: int, total: int) -> None:
    return None


# --------------------------------------------------------------------------------------
# pricing
# --------------------------------------------------------------------------------------


def _meals(scenario: Any) -> dict[str, int]:
    return {str(r.id): int(r.meals_per_week) for r in scenario.recipients}


def price_plan(plan: WeekPlan, ctx: ModelContext) -> WeeklyOutcome:
    """Price a plan with the context's parameters (costs in SEK/week)."""
    from maltid.costs import weekly_outcome

    return weekly_outcome(plan, parameters=ctx.parameters, recipients_meals=_meals(ctx.scenario))


def _solve_priced(
    spec: Any, ctx: ModelContext, *, with_siting: bool = False
) -> tuple[WeekPlan, WeeklyOutcome, SitingReport | None]:
    if spec.kind == "optimised_mix" and with_siting:
        plan, report = solve_optimised_mix(
            ctx, spec, price=lambda p: price_plan(p, ctx).total_cost_sek_per_week
        )
        return plan, price_plan(plan, ctx), report
    plan = solve_model(spec, ctx)
    return plan, price_plan(plan, ctx), None


def local_model_name(scenario: Any) -> str | None:
    """Name of the model the break-even compares: ``local_kitchens``, else ``optimised_mix``."""
    for kind in ("local_kitchens", "optimised_mix"):
        for m in scenario.models:
            if m.kind == kind:
                return str(m.name)
    return None


def _spec(scenario: Any, name: str) -> Any:
    for m in scenario.models:
        if m.name == name:
            return m
    raise InputError(f"scenario: no model named {name!r} (fix: check `baseline`)")


def _baseline(scenario: Any) -> str:
    b = getattr(scenario, "baseline", None)
    if b:
        return str(b)
    for m in scenario.models:
        if str(m.kind).startswith("central_"):
            return str(m.name)
    return str(scenario.models[0].name)


# --------------------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------------------


def _points(scenario: Any) -> tuple[list[str], np.ndarray, np.ndarray]:
    ids = [str(k.id) for k in scenario.kitchens] + [str(r.id) for r in scenario.recipients]
    seen: set[str] = set()
    dup = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
    if dup:
        raise InputError(
            f"scenario {getattr(scenario, 'source_path', None) or scenario.name}: ids used "
            f"twice across kitchens and recipients: {', '.join(dup[:5])} (fix: give every "
            "kitchen and recipient its own id)"
        )
    lat = np.asarray(
        [float(k.lat) for k in scenario.kitchens] + [float(r.lat) for r in scenario.recipients]
    )
    lon = np.asarray(
        [float(k.lon) for k in scenario.kitchens] + [float(r.lon) for r in scenario.recipients]
    )
    return ids, lat, lon


def compare(
    scenario: Scenario,
    *,
    network: RoadNetwork | None = None,
    cache_dir: str | None = None,
    progress: Progress | None = None,
    break_even: bool = True,
    sensitivity: bool = True,
    solution_limit: int | None = None,
) -> Comparison:
    """Solve and cost every delivery model of ``scenario``; the table is in SEK/week.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (``maltid.load_scenario``).
    network : RoadNetwork, optional
        An already loaded road network (else ``network.load_network(scenario.network)``).
    cache_dir : str, optional
        Network cache folder.
    progress : callable, optional
        ``progress(stage, done, total)`` after each step (stages ``network``, ``matrix``,
        ``models``, ``break-even``, ``sensitivity``).
    break_even, sensitivity : bool
        Run the analyses (also switched by ``scenario.analysis``).
    solution_limit : int, optional
        Routing solution limit per solve (``None``: the routing default; a small number
        makes tests fast and machine-independent).

    Returns
    -------
    Comparison
        ``.table`` (one row per model, ``delta_*`` vs the baseline), ``.results[name]
        .plan`` (WeekPlan), ``.matrix``, ``.assumptions``, ``.break_even``,
        ``.sensitivity`` and ``.notes`` (far-snapped points, unreachable pairs, unserved
        recipients).
    """
    from maltid.costs import comparison_table
    from maltid.network import load_network, snap
    from maltid.network.matrix import travel_matrix

    tick = progress or _noop
    if network is None:
        tick("network", 0, 1)
        network = load_network(scenario.network, cache_dir=cache_dir)
    tick("network", 1, 1)
    ids, lat, lon = _points(scenario)
    warn_m = float(getattr(scenario.network, "snap_warn_m", 2000.0))
    tick("matrix", 0, 2)
    snapped = snap(network, ids, lat, lon, warn_beyond_m=warn_m)
    tick("matrix", 1, 2)
    matrix = travel_matrix(network, ids, snapped.node, cache_dir=cache_dir, use_cache=True)
    tick("matrix", 2, 2)
    notes: list[str] = []
    for pid in snapped.far:
        k = ids.index(pid)
        notes.append(
            f"{pid}: snapped {float(snapped.snap_distance_m[k]):.0f} m to the nearest road "
            f"(more than {warn_m:.0f} m): check its coordinates"
        )
    unreachable = tuple(getattr(matrix, "unreachable", ()))
    if unreachable:
        notes.append(
            f"{len(unreachable)} pair(s) of points have no road between them, e.g. "
            f"{unreachable[0][0]} -> {unreachable[0][1]}"
        )

    ctx = make_context(scenario, matrix, solution_limit=solution_limit)
    specs = list(scenario.models)
    results: dict[str, ModelResult] = {}
    for n, spec in enumerate(specs):
        tick("models", n, len(specs))
        plan, outcome, report = _solve_priced(spec, ctx, with_siting=True)
        results[str(spec.name)] = ModelResult(
            name=str(spec.name), kind=str(spec.kind), plan=plan, outcome=outcome, siting=report
        )
        for rid, why in plan.unserved.items():
            notes.append(f"{spec.name}: recipient {rid} unserved: {why}")
        if plan.unserved:
            ids = sorted(plan.unserved)
            logger.warning(
                "%s: %d recipient(s) unserved, e.g. %s (reasons in comparison notes, "
                "comparison.csv and the report)",
                spec.name,
                len(ids),
                ", ".join(f"{rid}: {plan.unserved[rid]}" for rid in ids[:3]),
            )
    tick("models", len(specs), len(specs))
    baseline = _baseline(scenario)
    table = comparison_table([r.outcome for r in results.values()], baseline=baseline)
    assumptions = assumptions_table(scenario, ctx.parameters)

    analysis = getattr(scenario, "analysis", None)
    be_frame = None
    if break_even and (analysis is None or tuple(getattr(analysis, "break_even", ()))):
        be_frame = break_even_table(scenario, ctx, results, baseline=baseline, progress=tick)
    sens_frame = None
    if sensitivity and (analysis is None or getattr(analysis, "sensitivity", True)):
        sens_frame = sensitivity_table(scenario, ctx, results, baseline=baseline, progress=tick)
    return Comparison(
        scenario=scenario,
        network=network,
        snapped=snapped,
        matrix=matrix,
        results=types.MappingProxyType(results),
        table=table,
        baseline=baseline,
        assumptions=assumptions,
        break_even=be_frame,
        sensitivity=sens_frame,
        notes=tuple(notes),
    )


def assumptions_table(scenario: Any, parameters: Mapping[str, float]) -> pd.DataFrame:
    """Every assumption behind the numbers: parameter, value, unit, source, year.

    The cost parameters (with their documented sources) followed by the scenario's own
    kitchen, fleet and delivery figures (source: the scenario file).
    """
    import pandas as pd

    from maltid.costs import parameters_table

    base = parameters_table(parameters)[["parameter", "value", "unit", "source", "year"]]
    src = str(getattr(scenario, "source_path", None) or "scenario")
    rows: list[dict[str, Any]] = []
    for k in scenario.kitchens:
        for fname, unit in (
            ("cost_per_meal_sek", "SEK/meal"),
            ("fixed_cost_sek_per_day", "SEK/day"),
            ("capacity_meals_per_day", "meals/day"),
            ("local_food_share", "share"),
        ):
            rows.append(
                {
                    "parameter": f"kitchens.{k.id}.{fname}",
                    "value": float(getattr(k, fname, 0.0) or 0.0),
                    "unit": unit,
                    "source": src,
                    "year": "",
                }
            )
    fleet = scenario.fleet
    for fname, unit in (
        ("vehicle_capacity_meals", "meals"),
        ("vehicles_per_kitchen", "vehicles"),
        ("service_min_per_stop", "min"),
        ("max_shift_min", "min"),
        ("chilled_vehicle_capacity_meals", "meals"),
    ):
        v = getattr(fleet, fname, None)
        if v is not None:
            rows.append(
                {
                    "parameter": f"fleet.{fname}",
                    "value": float(v),
                    "unit": unit,
                    "source": src,
                    "year": "",
                }
            )
    rows.append(
        {
            "parameter": "delivery.max_hot_holding_min",
            "value": float(scenario.delivery.max_hot_holding_s) / 60.0,
            "unit": "min",
            "source": src,
            "year": "",
        }
    )
    frame = pd.concat([base, pd.DataFrame(rows)], ignore_index=True)
    frame["year"] = frame["year"].astype(str)
    return frame


# --------------------------------------------------------------------------------------
# break-even
# --------------------------------------------------------------------------------------


def _break_even_kitchen(scenario: Any) -> Any | None:
    analysis = getattr(scenario, "analysis", None)
    kid = getattr(analysis, "break_even_kitchen", None)
    for k in scenario.kitchens:
        if k.role == "local" and (kid is None or k.id == kid):
            return k
    return None


def _with_matrix(matrix: Any, **changes: Any) -> Any:
    if dataclasses.is_dataclass(matrix) and not isinstance(matrix, type):
        return dataclasses.replace(matrix, **changes)
    raise InputError("travel matrix: expected a dataclass TravelMatrix")


def _scaled_matrix(matrix: Any, central_row: int, rows: Sequence[int], factor: float) -> Any:
    t = np.array(matrix.time_s, dtype=float, copy=True)
    d = np.array(matrix.distance_m, dtype=float, copy=True)
    r = np.asarray(rows, dtype=np.int64)
    for m in (t, d):
        m[central_row, r] *= factor
        m[r, central_row] *= factor
    return _with_matrix(matrix, time_s=t, distance_m=d)


def _village_variant(scenario: Any, matrix: Any, village: Sequence[str], n: int) -> tuple[Any, Any]:
    """Scenario and matrix with exactly ``n`` village recipients (dropped or copied)."""
    by_id = {str(r.id): r for r in scenario.recipients}
    vset = set(village)
    others = [r for r in scenario.recipients if str(r.id) not in vset]
    base = [by_id[v] for v in sorted(village)]
    chosen: list[Any] = []
    src_rows: list[int] = []
    row_of = {str(i): k for k, i in enumerate(matrix.ids)}
    for k in range(n):
        r = base[k % len(base)]
        copy_no = k // len(base)
        new = r if copy_no == 0 else _copy_recipient(r, f"{r.id}~{copy_no}")
        chosen.append(new)
        src_rows.append(row_of[str(r.id)])
    recipients = others + chosen
    new_scenario = scenario.with_recipients(recipients)
    n_kitchens = len(scenario.kitchens)
    rows = list(range(n_kitchens)) + [row_of[str(r.id)] for r in others] + src_rows
    idx = np.asarray(rows, dtype=np.int64)
    ids = tuple(str(k.id) for k in scenario.kitchens) + tuple(str(r.id) for r in recipients)
    changes: dict[str, Any] = {
        "ids": ids,
        "time_s": np.asarray(matrix.time_s)[np.ix_(idx, idx)],
        "distance_m": np.asarray(matrix.distance_m)[np.ix_(idx, idx)],
    }
    if hasattr(matrix, "nodes"):
        changes["nodes"] = np.asarray(matrix.nodes)[idx]
    return new_scenario, _with_matrix(matrix, **changes)


def _copy_recipient(r: Any, new_id: str) -> Any:
    if hasattr(r, "model_copy"):
        return r.model_copy(update={"id": new_id})
    if dataclasses.is_dataclass(r):
        return dataclasses.replace(r, id=new_id)  # type: ignore[type-var]
    c = types.SimpleNamespace(**vars(r))
    c.id = new_id
    return c


def break_even_table(
    scenario: Any,
    ctx: ModelContext,
    results: Mapping[str, ModelResult],
    *,
    baseline: str,
    progress: Progress = _noop,
) -> pd.DataFrame | None:
    """Break-even of the local model against the baseline, one row per parameter.

    Columns: ``parameter, kitchen, unit, base_value, break_even_value, bracketed,
    converged, iterations, evaluations, lo, hi, local_model, baseline,
    base_difference_sek_per_week, note``. See the module docstring for each parameter.
    """
    import pandas as pd

    from maltid.costs import bisect_break_even

    local = local_model_name(scenario)
    kitchen = _break_even_kitchen(scenario)
    analysis = getattr(scenario, "analysis", None)
    names = tuple(getattr(analysis, "break_even", ("local_cost_per_meal",)))
    if not names:
        return None
    rows: list[dict[str, Any]] = []
    if local is None or kitchen is None or local == baseline:
        for name in names:
            rows.append(
                {
                    "parameter": name,
                    "note": "no local model or no local kitchen in the scenario: no break-even",
                }
            )
        return pd.DataFrame(rows)
    base_spec = _spec(scenario, baseline)
    local_spec = _spec(scenario, local)
    base_diff = (
        results[local].outcome.total_cost_sek_per_week
        - results[baseline].outcome.total_cost_sek_per_week
    )
    central = central_kitchen(scenario)
    village = tuple(
        sorted(rid for rid, kid in results[local].plan.assignment.items() if kid == kitchen.id)
    )

    def diff(sc: Any, matrix: Any, params: Mapping[str, float]) -> float:
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
        bo = price_plan(solve_model(base_spec, c), c)
        if lo.recipients_unserved or bo.recipients_unserved:
            unserved_evals.append((lo.recipients_unserved, bo.recipients_unserved))
        return float(lo.total_cost_sek_per_week - bo.total_cost_sek_per_week)

    unserved_evals: list[tuple[int, int]] = []
    for n_done, name in enumerate(names):
        progress("break-even", n_done, len(names))
        unserved_evals.clear()
        note = ""
        unit = ""
        base_value = math.nan
        f: Callable[[float], float] | None = None
        lo = hi = math.nan
        tol = 1e-3
        integer = False
        if name == "local_cost_per_meal":
            unit = "SEK/meal"
            base_value = float(kitchen.cost_per_meal_sek)
            lo, hi = 0.0, 4.0 * max(base_value, float(central.cost_per_meal_sek), 1.0)
            tol = max(0.01, (hi - lo) * BREAK_EVEN_REL_TOL)
            field = f"kitchens.{kitchen.id}.cost_per_meal_sek"

            def f(x: float, field: str = field) -> float:
                return diff(scenario.with_value(field, float(x)), ctx.matrix, ctx.parameters)

        elif name == "fuel_cost":
            unit = "SEK/km"
            base_value = float(ctx.parameters["cost_per_km_sek"])
            lo, hi = 0.0, 10.0 * max(base_value, 0.5)
            tol = max(0.01, (hi - lo) * BREAK_EVEN_REL_TOL)

            def f(x: float) -> float:
                params = dict(ctx.parameters)
                params["cost_per_km_sek"] = float(x)
                return diff(scenario, ctx.matrix, params)

        elif name == "village_recipients":
            unit = "recipients"
            base_value = float(len(village))
            integer = True
            if not village:
                note = f"the local model assigns no recipient to {kitchen.id}"
            else:
                # up to 4 x the village, but no more than the kitchen can cook daily
                per_day = max(
                    max(meals_by_day(r.meals_per_week))
                    for r in scenario.recipients
                    if str(r.id) in set(village)
                )
                cap_n = int(float(kitchen.capacity_meals_per_day) // max(per_day, 1))
                lo, hi = 0.0, float(max(1, min(4 * len(village), cap_n)))
                tol = 0.25

                def f(x: float) -> float:
                    n = math.floor(x + 1e-9)
                    sc, m = _village_variant(scenario, ctx.matrix, village, n)
                    return diff(sc, m, ctx.parameters)

        elif name == "village_distance":
            unit = "factor"
            base_value = 1.0
            if not village:
                note = f"the local model assigns no recipient to {kitchen.id}"
            else:
                crow = ctx.row(central.id)
                vrows = [ctx.row(v) for v in village]
                t_out = np.asarray(ctx.matrix.time_s, dtype=float)[crow, vrows]
                hold = float(scenario.delivery.max_hot_holding_s)
                worst = float(np.max(t_out)) if len(vrows) else 0.0
                f_max = 4.0 if worst <= 0 else min(4.0, 0.999 * hold / worst)
                lo, hi = 0.1, max(f_max, 0.11)
                tol = max(0.005, (hi - lo) * BREAK_EVEN_REL_TOL)

                def f(x: float, crow: int = crow, vrows: list[int] = vrows) -> float:
                    m = _scaled_matrix(ctx.matrix, crow, vrows, float(x))
                    return diff(scenario, m, ctx.parameters)

        else:
            note = f"unknown break-even parameter {name!r}"
        row: dict[str, Any] = {
            "parameter": name,
            "kitchen": kitchen.id,
            "unit": unit,
            "base_value": base_value,
            "break_even_value": math.nan,
            "bracketed": False,
            "converged": False,
            "iterations": 0,
            "evaluations": 0,
            "lo": lo,
            "hi": hi,
            "local_model": local,
            "baseline": baseline,
            "base_difference_sek_per_week": float(base_diff),
            "note": note,
        }
        if f is not None:
            be = bisect_break_even(f, lo, hi, tol=tol, max_iter=40)
            value = math.nan if be.value is None else float(be.value)
            if integer and not math.isnan(value):
                value = float(round(value))
            if not be.bracketed:
                (x0, y0), (x1, y1) = be.history[0], be.history[1]
                row["note"] = (
                    f"no sign change on [{lo:g}, {hi:g}]: local - baseline = {y0:.0f} SEK/week "
                    f"at {x0:g} and {y1:.0f} at {x1:g}"
                )
            if unserved_evals:
                most = max(unserved_evals, key=lambda u: u[0] + u[1])
                row["note"] = (str(row["note"]) + "; " if row["note"] else "") + (
                    f"{len(unserved_evals)} evaluation(s) left recipients unserved (up to "
                    f"{most[0]} in the local model, {most[1]} in the baseline): their meals "
                    "are not costed, so those totals are not like for like"
                )
            row.update(
                break_even_value=value,
                bracketed=bool(be.bracketed),
                converged=bool(be.converged),
                iterations=int(be.iterations),
                evaluations=len(be.history),
            )
        rows.append(row)
    progress("break-even", len(names), len(names))
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# sensitivity
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_reprice() -> Iterator[None]:
    """Silence the cost model's 'route priced with other rates' warning while re-pricing."""
    log = logging.getLogger("maltid")

    class _Drop(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return "built with other cost numbers" not in record.getMessage()

    flt = _Drop()
    log.addFilter(flt)
    try:
        yield
    finally:
        log.removeFilter(flt)


def _scale_kitchens(plan: WeekPlan, role: str, fname: str, factor: float) -> WeekPlan:
    kitchens = tuple(
        dataclasses.replace(k, **{fname: getattr(k, fname) * factor}) if k.role == role else k
        for k in plan.kitchens
    )
    return dataclasses.replace(plan, kitchens=kitchens)


def sensitivity_table(
    scenario: Any,
    ctx: ModelContext,
    results: Mapping[str, ModelResult],
    *,
    baseline: str,
    progress: Progress = _noop,
) -> pd.DataFrame:
    """Tornado of the baseline's and the local model's total cost (SEK/week).

    Columns of :func:`maltid.costs.tornado` plus ``model``, ``unit`` and ``method``
    (``re-priced``, or ``re-solved`` for the vehicle rates when the scenario asks
    ``analysis.sensitivity_vehicle_rates = "re-solve"``).
    """
    import pandas as pd

    from maltid.costs import tornado

    analysis = getattr(scenario, "analysis", None)
    rel = float(getattr(analysis, "sensitivity_rel_change", 0.2))
    resolve = getattr(analysis, "sensitivity_vehicle_rates", "re-price") == "re-solve"
    models = [baseline]
    local = local_model_name(scenario)
    if local is not None and local != baseline:
        models.append(local)
    central = central_kitchen(scenario)
    locals_ = [k for k in scenario.kitchens if k.role == "local"]
    be_k = _break_even_kitchen(scenario)
    base_values: dict[str, float] = {}
    for name in SENSITIVITY_PARAMETERS:
        if name == "central_cost_per_meal_sek":
            base_values[name] = float(central.cost_per_meal_sek)
        elif name == "local_cost_per_meal_sek":
            if be_k is not None:
                base_values[name] = float(be_k.cost_per_meal_sek)
        elif name == "local_fixed_cost_sek_per_day":
            if be_k is not None:
                base_values[name] = float(be_k.fixed_cost_sek_per_day)
        elif name in ctx.parameters:
            base_values[name] = float(ctx.parameters[name])
    del locals_
    frames = []
    total = len(models) * len(base_values) * 2
    done = 0
    for model in models:
        spec = _spec(scenario, model)
        res = results[model]

        def evaluate(name: str, value: float, res: ModelResult = res, spec: Any = spec) -> float:
            nonlocal done
            done += 1
            progress("sensitivity", done, total)
            base = base_values[name]
            factor = value / base if base != 0 else 1.0
            plan = res.plan
            params = dict(ctx.parameters)
            if name in _VEHICLE_RATES:
                params[name] = float(value)
                c = ctx.with_parameters(params)
                with _quiet_reprice():
                    repriced = price_plan(plan, c).total_cost_sek_per_week
                if not resolve:
                    return repriced
                # the old plan stays feasible at the new rate: keep the cheaper of the two
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

        df = tornado(
            res.outcome.total_cost_sek_per_week,
            evaluate,
            base_values,
            names=list(base_values),
            rel_change=rel,
        )
        df.insert(0, "model", model)
        df["unit"] = [SENSITIVITY_PARAMETERS[p][0] for p in df["parameter"]]
        df["method"] = [
            "re-solved" if resolve and p in _VEHICLE_RATES else SENSITIVITY_PARAMETERS[p][1]
            for p in df["parameter"]
        ]
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


# --------------------------------------------------------------------------------------
# routes as a table and as GeoJSON
# --------------------------------------------------------------------------------------


def _hhmm(seconds: float) -> str:
    s = round(float(seconds))
    return f"{(s // 3600) % 24:02d}:{(s % 3600) // 60:02d}"


_ROUTE_COLUMNS = [
    "model",
    "day",
    "days_per_week",
    "vehicle",
    "kitchen",
    "mode",
    "hot",
    "stop_order",
    "recipient_id",
    "arrival",
    "kitchen_to_plate_min",
    "load_meals",
    "fresh_meals",
    "chilled_meals",
    "route_load_meals",
    "route_km",
    "route_minutes",
    "route_cost_sek",
]


def routes_frame(comparison: Comparison) -> pd.DataFrame:
    """Every stop of every route of every model, one row per stop (km, minutes, SEK).

    Columns: model, day (label), days_per_week, vehicle, kitchen, mode (``car`` or the
    local mode), hot (a hot meal under the hot-holding limit), stop_order (1-based),
    recipient_id, arrival (HH:MM, start of service), kitchen_to_plate_min, load_meals
    (meals delivered at the stop), fresh_meals, chilled_meals, route_load_meals, route_km,
    route_minutes (leaving the kitchen to
    return) and route_cost_sek. Foot/bicycle/on-site deliveries follow, one row each,
    with the staff minutes per delivery day in ``route_minutes``.
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    wants_hot = {str(r.id): bool(r.hot_meal) for r in comparison.scenario.recipients}
    for name, res in comparison.results.items():
        for day in res.plan.days:
            for route in day.plan.routes:
                for k, sid in enumerate(route.stop_ids):
                    fresh = int(day.fresh_meals.get(sid, 0))
                    chilled = int(day.chilled_meals.get(sid, 0))
                    rows.append(
                        {
                            "model": name,
                            "day": day.label,
                            "days_per_week": int(day.days),
                            "vehicle": route.vehicle_id,
                            "kitchen": route.depot_id,
                            "mode": "car",
                            "hot": bool(day.hot and fresh > 0 and wants_hot.get(sid, True)),
                            "stop_order": k + 1,
                            "recipient_id": sid,
                            "arrival": _hhmm(route.arrival_s[k]),
                            "kitchen_to_plate_min": float(
                                day.plan.kitchen_to_plate_s.get(
                                    sid, route.arrival_s[k] - route.departure_s
                                )
                            )
                            / 60.0,
                            "load_meals": fresh + chilled,
                            "fresh_meals": fresh,
                            "chilled_meals": chilled,
                            "route_load_meals": int(route.load_meals),
                            "route_km": float(route.distance_m) / 1000.0,
                            "route_minutes": float(route.duration_s) / 60.0,
                            "route_cost_sek": float(route.cost_sek),
                        }
                    )
        for ld in res.plan.local_deliveries:
            rows.append(
                {
                    "model": name,
                    "day": "",
                    "days_per_week": int(ld.days),
                    "vehicle": ld.mode,
                    "kitchen": ld.kitchen_id,
                    "mode": ld.mode,
                    "hot": wants_hot.get(ld.recipient_id, True),
                    "stop_order": 1,
                    "recipient_id": ld.recipient_id,
                    "arrival": "",
                    "kitchen_to_plate_min": float(ld.kitchen_to_plate_s) / 60.0,
                    "load_meals": 1,
                    "fresh_meals": 1,
                    "chilled_meals": 0,
                    "route_load_meals": 1,
                    "route_km": 2.0 * float(ld.one_way_distance_m) / 1000.0,
                    "route_minutes": float(ld.staff_time_s) / 60.0,
                    "route_cost_sek": math.nan,
                }
            )
    return pd.DataFrame(rows, columns=_ROUTE_COLUMNS)


def routes_geojson(comparison: Comparison) -> dict[str, Any]:
    """Every vehicle route as a GeoJSON LineString along the roads (lon, lat; km, min, SEK).

    Properties: model, day, days_per_week, vehicle, kitchen, n_stops, load_meals, km,
    minutes, cost_sek -- no recipient ids or names. PRIVACY: the lines still pass by the
    recipients' homes and stop there; this file is for the municipality's planners, not
    for publication.
    """
    from maltid.network.matrix import route_coords

    matrix = comparison.matrix
    node_of = {str(i): int(n) for i, n in zip(matrix.ids, np.asarray(matrix.nodes), strict=True)}
    features: list[dict[str, Any]] = []
    for name, res in comparison.results.items():
        for day in res.plan.days:
            for route in day.plan.routes:
                depot = node_of[route.depot_id]
                nodes = [depot, *(node_of[s] for s in route.stop_ids), depot]
                coords = route_coords(comparison.network, nodes)
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[float(lo), float(la)] for la, lo in coords],
                        },
                        "properties": {
                            "model": name,
                            "day": day.label,
                            "days_per_week": int(day.days),
                            "vehicle": route.vehicle_id,
                            "kitchen": route.depot_id,
                            "n_stops": len(route.stop_ids),
                            "load_meals": int(route.load_meals),
                            "km": round(float(route.distance_m) / 1000.0, 3),
                            "minutes": round(float(route.duration_s) / 60.0, 1),
                            "cost_sek": round(float(route.cost_sek), 2),
                        },
                    }
                )
    return {"type": "FeatureCollection", "features": features}

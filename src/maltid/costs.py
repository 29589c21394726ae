"""Cost and outcome model: pure functions from a weekly plan to SEK, hours, km, CO2 and minutes.

Nothing here solves or reads anything. The parameters come from the catalogue in
:mod:`maltid.scenario.parameters` (re-exported here: :class:`CostParameter`,
:func:`default_parameters`, :func:`parameter_names`, :func:`parameters_table`).
Every formula is documented in ``docs/cost-model.md``.

The route cost is the one formula of the routing objective,
:func:`maltid.routing.route_cost_sek` (re-exported here), so the optimiser and the
comparison never disagree about what a route costs.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from maltid.errors import InputError
from maltid.routing import route_cost_sek
from maltid.scenario import (
    FLEET_PARAMETER_NAMES,
    CostParameter,
    default_parameters,
    parameter_names,
    parameters_table,
)

if TYPE_CHECKING:
    import pandas as pd

    from maltid.results import WeekPlan
    from maltid.routing import Route
    from maltid.scenario import Scenario

__all__ = [
    "FLEET_PARAMETER_NAMES",
    "BreakEven",
    "CostParameter",
    "WeeklyOutcome",
    "bisect_break_even",
    "comparison_table",
    "default_parameters",
    "parameter_names",
    "parameters_for",
    "parameters_table",
    "route_cost_sek",
    "tornado",
    "weekly_outcome",
]

logger = logging.getLogger("maltid")

_SECONDS_PER_DAY = 86400.0


# --------------------------------------------------------------------------------------
# parameters of a scenario (the catalogue itself is maltid.scenario.parameters)
# --------------------------------------------------------------------------------------


def parameters_for(scenario: Scenario) -> dict[str, float]:
    """Return the cost parameters of a scenario (values in each parameter's unit).

    Precedence, lowest first: the catalogue's defaults, the scenario's ``[fleet]`` fields
    (:data:`FLEET_PARAMETER_NAMES`, when given, i.e. not ``None``), then the scenario's
    ``[costs]`` table. The values were checked against the catalogue's bounds when the
    scenario was loaded (:mod:`maltid.scenario.rules`), so this cannot fail.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario.

    Returns
    -------
    dict of str to float
        One value per parameter name.
    """
    params = {name: p.value for name, p in default_parameters().items()}
    fleet = scenario.fleet.model_dump()
    for name in FLEET_PARAMETER_NAMES:
        if fleet.get(name) is not None:
            params[name] = float(fleet[name])
    for name, value in scenario.costs.items():
        params[name] = float(value)
    return params


# --------------------------------------------------------------------------------------
# weekly outcome
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyOutcome:
    """Costs (SEK/week), distances, hours, CO2, minutes and counts of one model's week.

    See ``docs/cost-model.md`` for the formula behind each field.
    """

    model: str
    production_cost_sek_per_week: float
    packaging_cost_sek_per_week: float
    fixed_kitchen_cost_sek_per_week: float
    vehicle_km_cost_sek_per_week: float
    driver_cost_sek_per_week: float
    vehicle_fixed_cost_sek_per_week: float
    local_delivery_cost_sek_per_week: float
    total_cost_sek_per_week: float
    meals_per_week: float
    cost_per_meal_sek: float
    vehicle_km_per_week: float
    driver_hours_per_week: float
    co2_kg_per_week: float
    mean_kitchen_to_plate_min: float
    max_kitchen_to_plate_min: float
    fresh_meals_per_week: float
    reheated_meals_per_week: float
    local_spend_sek_per_week: float
    local_working_hours_per_week: float
    recipient_visits_per_week: int
    recipients_served: int
    recipients_unserved: int
    vehicles_used_per_day_max: int

    def as_row(self) -> dict[str, float | str]:
        """Return the outcome as one table row (field name -> value; units in the names).

        Returns
        -------
        dict of str to float or str
            ``model`` is the only string.
        """
        return dict(asdict(self))


_REQUIRED = (
    "cost_per_km_sek",
    "driver_cost_per_hour_sek",
    "co2_kg_per_km",
    "fixed_cost_sek_per_vehicle_day",
    "food_cost_share_of_meal",
    "chilled_packaging_sek_per_meal",
    "local_staff_minutes_per_meal",
    "local_delivery_staff_cost_per_hour_sek",
    "chilled_days_cooked_before_delivery",
)


def _visit_times(route: Route, kitchen_to_plate_s: Mapping[str, float]) -> list[tuple[str, float]]:
    out = []
    for i, sid in enumerate(route.stop_ids):
        if sid in kitchen_to_plate_s:
            t = float(kitchen_to_plate_s[sid])
        else:  # fall back on the route's own times
            t = float(route.arrival_s[i]) - float(route.departure_s)
        out.append((sid, t))
    return out


def weekly_outcome(
    plan: WeekPlan,
    *,
    parameters: Mapping[str, float],
    recipients_meals: Mapping[str, int],
) -> WeeklyOutcome:
    """Price one model's weekly plan: costs in SEK/week, km, hours, kg CO2, minutes.

    Pure: reads only its arguments. Route costs use :func:`route_cost_sek` with the
    parameters' ``cost_per_km_sek``, ``driver_cost_per_hour_sek`` and
    ``fixed_cost_sek_per_vehicle_day``, times ``DayPlan.days``.

    Kitchen-to-plate (meal-weighted over all served meals):

    * a hot meal (route stop of a hot ``DayPlan``, or a ``LocalDelivery``): the seconds
      from the meal leaving the kitchen to the plate; one meal per visit and day;
    * a chilled meal of recipient *r*: ``c_r = max(0, meals_r - hot meals_r)`` meals a
      week, spread evenly over *r*'s chilled visits (``v_r`` visits a week; if *r* has
      none, the chilled meals are taken to come with one visit a week and no extra
      transport time), ``m_r = c_r / v_r`` meals per visit, eaten one a day from the
      delivery day: time = lead days x 86400 + transport s + k x 86400 for the k-th meal
      (k = 0 .. m_r - 1); mean keeping ``max(0, (m_r - 1) / 2)`` days, max
      ``ceil(m_r) - 1`` days.

    Parameters
    ----------
    plan : WeekPlan
        The model's week.
    parameters : Mapping[str, float]
        Cost parameters, e.g. :func:`parameters_for`.
    recipients_meals : Mapping[str, int]
        Recipient id -> meals per week (every recipient of the scenario).

    Returns
    -------
    WeeklyOutcome

    Raises
    ------
    InputError
        A parameter is missing, or a served recipient has no entry in
        ``recipients_meals``.
    """
    missing = [n for n in _REQUIRED if n not in parameters]
    if missing:
        raise InputError(
            f"weekly_outcome: parameters lack {', '.join(missing)} "
            "(fix: pass costs.parameters_for(scenario))"
        )
    p = {n: float(parameters[n]) for n in _REQUIRED}
    cpk = p["cost_per_km_sek"]
    cph = p["driver_cost_per_hour_sek"]
    fixed_vehicle = p["fixed_cost_sek_per_vehicle_day"]

    # --- vehicles -----------------------------------------------------------------
    km = hours = 0.0
    km_cost = driver_cost = vehicle_fixed = 0.0
    vehicles_max = 0
    visits = 0
    hot_visits: dict[str, list[tuple[float, int]]] = {}
    chilled_visits: dict[str, list[tuple[float, int]]] = {}
    for day in plan.days:
        d = int(day.days)
        vehicles_max = max(vehicles_max, len(day.plan.routes))
        for route in day.plan.routes:
            route_km = float(route.distance_m) / 1000.0
            route_h = float(route.duration_s) / 3600.0
            km += d * route_km
            hours += d * route_h
            km_cost += d * (route_km * cpk)
            driver_cost += d * (route_h * cph)
            vehicle_fixed += d * fixed_vehicle
            expected = route_cost_sek(
                route.distance_m,
                route.duration_s,
                cost_per_km_sek=cpk,
                driver_cost_per_hour_sek=cph,
                fixed_cost_sek=fixed_vehicle,
            )
            if not math.isclose(expected, float(route.cost_sek), rel_tol=1e-6, abs_tol=1e-6):
                logger.warning(
                    "model %s, %s: route %s costs %.2f SEK in the plan but %.2f SEK with "
                    "these parameters; the vehicle was built with other cost numbers",
                    plan.model,
                    day.label,
                    route.vehicle_id,
                    float(route.cost_sek),
                    expected,
                )
            target = hot_visits if day.hot else chilled_visits
            for sid, t in _visit_times(route, day.plan.kitchen_to_plate_s):
                target.setdefault(sid, []).append((t, d))
                visits += d

    local_cost = 0.0
    local_delivery_hours = 0.0
    for ld in plan.local_deliveries:
        h = float(ld.staff_time_s) * int(ld.days) / 3600.0
        local_delivery_hours += h
        local_cost += h * p["local_delivery_staff_cost_per_hour_sek"]
        hot_visits.setdefault(ld.recipient_id, []).append(
            (float(ld.kitchen_to_plate_s), int(ld.days))
        )
        visits += int(ld.days)

    # --- kitchens -----------------------------------------------------------------
    production = packaging = fixed_kitchen = local_spend = 0.0
    fresh = chilled = 0.0
    local_kitchen_meals = 0.0
    for k in plan.kitchens:
        meals_k = float(k.meals_fresh_per_week) + float(k.meals_chilled_per_week)
        fresh += float(k.meals_fresh_per_week)
        chilled += float(k.meals_chilled_per_week)
        production += meals_k * float(k.cost_per_meal_sek)
        packaging += float(k.meals_chilled_per_week) * p["chilled_packaging_sek_per_meal"]
        if k.open:
            fixed_kitchen += float(k.fixed_cost_sek_per_day) * int(k.cooking_days_per_week)
        local_spend += (
            meals_k
            * float(k.cost_per_meal_sek)
            * p["food_cost_share_of_meal"]
            * float(k.local_food_share)
        )
        if k.role == "local":
            local_kitchen_meals += meals_k

    # --- recipients and kitchen-to-plate ------------------------------------------
    served = set(hot_visits) | set(chilled_visits)
    unknown = sorted(served - set(recipients_meals))
    if unknown:
        raise InputError(
            f"weekly_outcome: model {plan.model!r} serves recipients without a meal count: "
            f"{', '.join(unknown[:5])} (fix: pass meals_per_week for every recipient)"
        )
    everyone = set(recipients_meals) | set(plan.unserved)
    meals_served = float(sum(int(recipients_meals[r]) for r in served))
    lead_s = p["chilled_days_cooked_before_delivery"] * _SECONDS_PER_DAY
    weight_sum = weighted_s = 0.0
    max_s = -math.inf
    for r in sorted(served):
        hot = hot_visits.get(r, [])
        hot_meals = 0
        for t, d in hot:
            weight_sum += d
            weighted_s += d * t
            max_s = max(max_s, t)
            hot_meals += d
        c = max(0, int(recipients_meals[r]) - hot_meals)
        if c == 0:
            continue
        cold = chilled_visits.get(r) or [(0.0, 1)]
        v = sum(d for _, d in cold)
        m = c / v
        mean_keep_s = max(0.0, (m - 1.0) / 2.0) * _SECONDS_PER_DAY
        max_keep_s = max(0, math.ceil(m) - 1) * _SECONDS_PER_DAY
        for t, d in cold:
            w = m * d
            weight_sum += w
            weighted_s += w * (lead_s + t + mean_keep_s)
            max_s = max(max_s, lead_s + t + max_keep_s)
    mean_min = weighted_s / weight_sum / 60.0 if weight_sum > 0 else math.nan
    max_min = max_s / 60.0 if weight_sum > 0 else math.nan

    total = (
        production + packaging + fixed_kitchen + km_cost + driver_cost + vehicle_fixed + local_cost
    )
    return WeeklyOutcome(
        model=plan.model,
        production_cost_sek_per_week=production,
        packaging_cost_sek_per_week=packaging,
        fixed_kitchen_cost_sek_per_week=fixed_kitchen,
        vehicle_km_cost_sek_per_week=km_cost,
        driver_cost_sek_per_week=driver_cost,
        vehicle_fixed_cost_sek_per_week=vehicle_fixed,
        local_delivery_cost_sek_per_week=local_cost,
        total_cost_sek_per_week=total,
        meals_per_week=meals_served,
        cost_per_meal_sek=total / meals_served if meals_served > 0 else math.nan,
        vehicle_km_per_week=km,
        driver_hours_per_week=hours,
        co2_kg_per_week=km * p["co2_kg_per_km"],
        mean_kitchen_to_plate_min=mean_min,
        max_kitchen_to_plate_min=max_min,
        fresh_meals_per_week=fresh,
        reheated_meals_per_week=chilled,
        local_spend_sek_per_week=local_spend,
        local_working_hours_per_week=(
            local_kitchen_meals * p["local_staff_minutes_per_meal"] / 60.0 + local_delivery_hours
        ),
        recipient_visits_per_week=visits,
        recipients_served=len(served),
        recipients_unserved=len(everyone - served),
        vehicles_used_per_day_max=vehicles_max,
    )


# --------------------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------------------

_OUTCOME_COLUMNS = tuple(f.name for f in fields(WeeklyOutcome))


def comparison_table(outcomes: Sequence[WeeklyOutcome], *, baseline: str) -> pd.DataFrame:
    """Return one row per model with ``delta_*`` columns against the baseline (SEK, km, h...).

    Parameters
    ----------
    outcomes : Sequence[WeeklyOutcome]
        One outcome per model, in display order; model names must be unique.
    baseline : str
        Model name the deltas are taken against.

    Returns
    -------
    pandas.DataFrame
        Every :class:`WeeklyOutcome` field as a column (``model`` first), then
        ``delta_<col> = col - col[baseline]`` for every numeric column, then
        ``delta_total_cost_pct = 100 * delta_total_cost_sek_per_week /
        total_cost_sek_per_week[baseline]`` (NaN when the baseline total is 0).

    Raises
    ------
    InputError
        No outcomes, duplicate model names, or ``baseline`` not among them.
    """
    import pandas as pd

    names = [o.model for o in outcomes]
    if not names:
        raise InputError("comparison_table: no outcomes given (fix: solve at least one model)")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(
            f"comparison_table: model names repeat: {', '.join(dupes)} "
            "(fix: give every model a unique name in the scenario)"
        )
    if baseline not in names:
        raise InputError(
            f"comparison_table: baseline {baseline!r} is not among the models "
            f"({', '.join(names)}) (fix: set scenario baseline to one of them)"
        )
    table = pd.DataFrame([o.as_row() for o in outcomes], columns=list(_OUTCOME_COLUMNS))
    numeric = [c for c in _OUTCOME_COLUMNS if c != "model"]
    base = table.loc[names.index(baseline), numeric].astype(float).to_dict()
    deltas = {f"delta_{c}": table[c].astype(float) - base[c] for c in numeric}
    base_total = base["total_cost_sek_per_week"]
    deltas["delta_total_cost_pct"] = (
        deltas["delta_total_cost_sek_per_week"] / base_total * 100.0
        if base_total != 0
        else pd.Series([math.nan] * len(table), dtype=float)
    )
    return pd.concat([table, pd.DataFrame(deltas)], axis=1)


# --------------------------------------------------------------------------------------
# sensitivity and break-even
# --------------------------------------------------------------------------------------


def tornado(
    base_total: float,
    evaluate: Callable[[str, float], float],
    parameters: Mapping[str, float],
    *,
    names: Sequence[str] | None = None,
    rel_change: float = 0.2,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of a total (SEK/week) to each parameter, largest swing first.

    Each parameter ``p`` is set to ``value * (1 - rel_change)`` and
    ``value * (1 + rel_change)`` in turn, all others at their base values, and
    ``evaluate(name, new_value)`` returns the total for that change.

    Parameters
    ----------
    base_total : float
        The total at the base values (SEK/week), reported in ``base_total_sek``.
    evaluate : Callable[[str, float], float]
        ``evaluate(name, value) -> total_sek``; may re-solve.
    parameters : Mapping[str, float]
        Base values.
    names : Sequence[str], optional
        Parameters to vary (default: all of ``parameters``, in their order).
    rel_change : float
        Relative change, > 0 (0.2 = +/- 20 %).

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter, base_value, low_value, high_value, base_total_sek,
        total_low_sek, total_high_sek, swing_sek`` (``|high - low|``), sorted by
        ``swing_sek`` descending (ties keep input order).
    """
    import pandas as pd

    if not (rel_change > 0 and math.isfinite(rel_change)):
        raise InputError(f"tornado: rel_change={rel_change} must be > 0 (fix: e.g. 0.2)")
    chosen = list(parameters) if names is None else list(names)
    unknown = [n for n in chosen if n not in parameters]
    if unknown:
        raise InputError(
            f"tornado: unknown parameter(s) {', '.join(unknown)} "
            f"(fix: use names from {', '.join(parameters)})"
        )
    rows = []
    for name in chosen:
        v = float(parameters[name])
        lo, hi = v * (1.0 - rel_change), v * (1.0 + rel_change)
        t_lo, t_hi = float(evaluate(name, lo)), float(evaluate(name, hi))
        rows.append(
            {
                "parameter": name,
                "base_value": v,
                "low_value": lo,
                "high_value": hi,
                "base_total_sek": float(base_total),
                "total_low_sek": t_lo,
                "total_high_sek": t_hi,
                "swing_sek": abs(t_hi - t_lo),
            }
        )
    columns = [
        "parameter",
        "base_value",
        "low_value",
        "high_value",
        "base_total_sek",
        "total_low_sek",
        "total_high_sek",
        "swing_sek",
    ]
    df = pd.DataFrame(rows, columns=columns)
    return df.sort_values("swing_sek", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class BreakEven:
    """Result of a break-even search (value in the varied parameter's unit).

    Attributes
    ----------
    value : float or None
        The root, or ``None`` when ``f(lo)`` and ``f(hi)`` have the same sign.
    iterations : int
        Bisection iterations (0 when not bracketed).
    bracketed : bool
        Whether ``[lo, hi]`` brackets a sign change.
    converged : bool
        Whether the bisection reached ``tol`` within ``max_iter``.
    history : tuple of (float, float)
        Every evaluation ``(x, f(x))`` in the order made.
    """

    value: float | None
    iterations: int
    bracketed: bool
    converged: bool
    history: tuple[tuple[float, float], ...]


def bisect_break_even(
    f: Callable[[float], float],
    lo: float,
    hi: float,
    *,
    tol: float = 1e-4,
    max_iter: int = 60,
) -> BreakEven:
    """Find where ``f`` (local minus baseline cost, SEK/week) changes sign, by bisection.

    Wraps :func:`scipy.optimize.bisect`; each ``x`` is evaluated once (cached), and every
    evaluation is recorded. When ``f(lo)`` and ``f(hi)`` have the same sign there is no
    bracketed root: ``value`` is ``None`` and ``bracketed`` False -- no guess is made.

    Parameters
    ----------
    f : Callable[[float], float]
        ``f(x) -> cost difference`` (may re-solve; called as few times as possible).
    lo, hi : float
        The search interval, ``lo < hi``.
    tol : float
        Absolute tolerance on ``x``.
    max_iter : int
        Maximum bisection iterations.

    Returns
    -------
    BreakEven
    """
    from scipy.optimize import bisect

    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise InputError(f"bisect_break_even: need finite lo < hi, got [{lo}, {hi}]")
    if not tol > 0 or max_iter < 1:
        raise InputError("bisect_break_even: need tol > 0 and max_iter >= 1")
    history: list[tuple[float, float]] = []
    seen: dict[float, float] = {}

    def g(x: float) -> float:
        x = float(x)
        if x not in seen:
            y = float(f(x))
            if math.isnan(y):
                raise InputError(f"bisect_break_even: f({x}) is NaN (fix: check the callback)")
            seen[x] = y
            history.append((x, y))
        return seen[x]

    f_lo, f_hi = g(lo), g(hi)
    if f_lo == 0.0:
        return BreakEven(lo, 0, True, True, tuple(history))
    if f_hi == 0.0:
        return BreakEven(hi, 0, True, True, tuple(history))
    if (f_lo > 0) == (f_hi > 0):
        logger.info(
            "break-even not bracketed on [%g, %g]: f=%g and %g have the same sign",
            lo,
            hi,
            f_lo,
            f_hi,
        )
        return BreakEven(None, 0, False, False, tuple(history))
    root, info = bisect(g, lo, hi, xtol=tol, maxiter=max_iter, full_output=True, disp=False)
    return BreakEven(float(root), int(info.iterations), True, bool(info.converged), tuple(history))

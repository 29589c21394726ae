"""The weekly outcome of one model: every cost line, km, hours, CO2, minutes and counts.

:func:`weekly_outcome` prices a :class:`maltid.results.WeekPlan` with the lines of
:mod:`maltid.costs.lines`; :func:`price_week` takes its inputs from a scenario;
:func:`parameters_for` gives a scenario's cost parameters.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from maltid.costs.lines import (
    central_production_cost_sek_per_week,
    driver_paid_s,
    fleet_fixed_cost_sek_per_week,
    reheating_cost_sek_per_week,
    vehicles_needed,
)
from maltid.errors import InputError
from maltid.routing import route_cost_sek
from maltid.scenario import FLEET_PARAMETER_NAMES, HOME_CARE_PARAMETER_NAMES, default_parameters

if TYPE_CHECKING:
    from maltid.results import WeekPlan
    from maltid.routing import Route
    from maltid.scenario import Scenario

__all__ = ["WeeklyOutcome", "parameters_for", "price_week", "weekly_outcome"]

logger = logging.getLogger("maltid")

_SECONDS_PER_DAY = 86400.0


def parameters_for(scenario: Scenario) -> dict[str, float]:
    """Return the cost parameters of a scenario (values in each parameter's unit).

    Precedence, lowest first: the catalogue's defaults, the scenario's ``[fleet]`` fields
    (:data:`FLEET_PARAMETER_NAMES`, when given, i.e. not ``None``) and ``[home_care]``
    numbers (:data:`HOME_CARE_PARAMETER_NAMES`, when given), then the scenario's
    ``[costs]`` table (a number given in two places is refused at load). The values were
    checked against the catalogue's bounds when the scenario was loaded
    (:mod:`maltid.scenario.rules`), so this cannot fail.

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
    if scenario.home_care is not None:
        for field, name in HOME_CARE_PARAMETER_NAMES.items():
            value = getattr(scenario.home_care, field)
            if value is not None:
                params[name] = float(value)
    for name, value in scenario.costs.items():
        params[name] = float(value)
    return params


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
    vehicles_needed: int = 0
    reheating_cost_sek_per_week: float = 0.0
    central_fixed_cost_sek_per_week: float = 0.0
    recipients_fallback: int = 0
    fallback_cost_sek_per_week: float = 0.0
    home_care_cost_sek_per_week: float = 0.0
    home_care_hours_per_week: float = 0.0

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
    "fixed_cost_sek_per_vehicle_week",
    "driver_loading_min_per_route",
    "driver_min_paid_min_per_route_day",
    "central_fixed_share_of_meal_cost",
    "food_cost_share_of_meal",
    "chilled_packaging_sek_per_meal",
    "local_staff_minutes_per_meal",
    "local_delivery_staff_cost_per_hour_sek",
    "chilled_days_cooked_before_delivery",
    "home_care_cost_per_hour_sek",
    "reheating_minutes_per_meal",
    "reheating_help_share_hot_meal",
    "reheating_help_share_other",
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


def price_week(
    plan: WeekPlan, scenario: Scenario, *, parameters: Mapping[str, float] | None = None
) -> WeeklyOutcome:
    """Price a model's week for a scenario (SEK/week): :func:`weekly_outcome` with its inputs.

    The recipients' meals and ``hot_meal`` flags and ``fleet.fixed_cost_basis`` come
    from ``scenario``; the parameters default to :func:`parameters_for`.

    Parameters
    ----------
    plan : WeekPlan
    scenario : Scenario
    parameters : Mapping[str, float], optional

    Returns
    -------
    WeeklyOutcome
    """
    return weekly_outcome(
        plan,
        parameters=parameters_for(scenario) if parameters is None else parameters,
        recipients_meals={r.id: r.meals_per_week for r in scenario.recipients},
        hot_meal_ids=frozenset(r.id for r in scenario.recipients if r.hot_meal),
        fixed_cost_basis=scenario.fleet.fixed_cost_basis,
    )


def weekly_outcome(
    plan: WeekPlan,
    *,
    parameters: Mapping[str, float],
    recipients_meals: Mapping[str, int],
    hot_meal_ids: Collection[str] | None = None,
    fixed_cost_basis: str = "week",
) -> WeeklyOutcome:
    """Price one model's weekly plan: costs in SEK/week, km, hours, kg CO2, minutes.

    Pure: reads only its arguments. Per route and day driven: km x ``cost_per_km_sek``;
    paid driver time (:func:`driver_paid_s`) x ``driver_cost_per_hour_sek``. The fleet's
    fixed cost: :func:`fleet_fixed_cost_sek_per_week` over :func:`vehicles_needed`. The
    central kitchen's production: :func:`central_production_cost_sek_per_week`; other
    kitchens: meals x cost per meal. Reheating: :func:`reheating_cost_sek_per_week` of
    every recipient's chilled meals.

    Home care (``home_care_cooking``): a ``DayPlan`` with ``crew = "home_care"`` is staff
    in their own cars: km x ``cost_per_km_sek``, route hours x
    ``home_care_cost_per_hour_sek``, no loading, no minimum paid time, no vehicle fixed
    cost (its bases are left out of the vehicles needed); a ``LocalDelivery`` with
    ``mode = "home_care"`` is staff time x the home-care rate. Both are
    ``home_care_cost_sek_per_week`` (and ``home_care_hours_per_week``). A kitchen with
    ``role = "home_care"`` costs its groceries (``cost_per_meal_sek``) and its local spend
    is meals x groceries x its local food share (groceries are all food).

    Kitchen-to-plate (meal-weighted over all served meals):

    * a hot meal (route stop of a hot ``DayPlan``, or a ``LocalDelivery``): the seconds
      from the meal leaving the kitchen to the plate; one meal per visit and day;
    * a chilled meal of recipient *r*: ``c_r = max(0, meals_r - hot meals_r)`` meals a
      week, spread evenly over *r*'s chilled visits (``v_r`` visits a week; if *r* has
      none but a hot visit every day, they are each day's second meal, spread over the
      hot visits with no lead days; otherwise they are taken to come with one visit a week
      and no extra transport time), ``m_r = c_r / v_r`` meals per visit, eaten one a day from the
      delivery day: time = lead days x 86400 + transport s + k x 86400 for the k-th meal
      (k = 0 .. m_r - 1); mean keeping ``max(0, (m_r - 1) / 2)`` days, max
      ``ceil(m_r) - 1`` days. ``c_r`` are also the reheated meals of the reheating cost.

    Counts: with ``plan.outcomes`` (every recipient -> served / fallback / unserved) the
    three counts come from it; without, served = recipients visited, unserved = the rest.
    The fallback's cost is its rounds (km, paid driver time, hired-van days), its meals at
    the central kitchen's marginal cost plus packaging, and their reheating.

    Parameters
    ----------
    plan : WeekPlan
        The model's week.
    parameters : Mapping[str, float]
        Cost parameters, e.g. :func:`parameters_for`.
    recipients_meals : Mapping[str, int]
        Recipient id -> meals per week (every recipient of the scenario).
    hot_meal_ids : Collection[str], optional
        Ids of the recipients flagged ``hot_meal`` (for the reheating help share);
        ``None`` prices every recipient at ``reheating_help_share_other`` (use
        :func:`price_week`, which passes the scenario's flags).
    fixed_cost_basis : {"week", "day"}
        The fleet's fixed cost per vehicle needed and week, or per van-day used.

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
    if hot_meal_ids is None:
        logger.debug(
            "weekly_outcome(%s): no hot_meal_ids; reheating at the other share", plan.model
        )
        hot_meal_ids = frozenset()
    cpk = p["cost_per_km_sek"]
    cph = p["driver_cost_per_hour_sek"]
    fixed_vehicle = p["fixed_cost_sek_per_vehicle_day"]

    # --- vehicles -----------------------------------------------------------------
    km = paid_h = 0.0
    km_cost = driver_cost = 0.0
    van_days = 0
    vehicles_max = 0
    visits = 0
    fallback_transport = 0.0
    fallback_van_days = 0
    hot_visits: dict[str, list[tuple[float, int]]] = {}
    chilled_visits: dict[str, list[tuple[float, int]]] = {}
    hc_rate = p["home_care_cost_per_hour_sek"]
    hc_cost = hc_hours = 0.0
    hc_depots: set[str] = set()
    for day in plan.days:
        d = int(day.days)
        staff = day.crew == "home_care"
        if not staff:
            vehicles_max = max(vehicles_max, len(day.plan.routes))
        for route in day.plan.routes:
            route_km = float(route.distance_m) / 1000.0
            km += d * route_km
            km_cost += d * (route_km * cpk)
            if staff:  # home-care staff in their own cars: route time at their rate
                hc_depots.add(str(route.depot_id))
                hc_hours += d * float(route.duration_s) / 3600.0
                hc_cost += d * float(route.duration_s) / 3600.0 * hc_rate
                _check_route(plan.model, day.label, route, cpk, hc_rate, 0.0)
                for sid, t in _visit_times(route, day.plan.kitchen_to_plate_s):
                    hot_visits.setdefault(sid, []).append((t, d))
                    visits += d
                continue
            route_paid_h = (
                driver_paid_s(
                    route.duration_s,
                    loading_min=p["driver_loading_min_per_route"],
                    min_paid_min=p["driver_min_paid_min_per_route_day"],
                )
                / 3600.0
            )
            paid_h += d * route_paid_h
            driver_cost += d * (route_paid_h * cph)
            van_days += d
            if day.fallback:
                fallback_transport += d * (route_km * cpk + route_paid_h * cph)
                fallback_van_days += d
            _check_route(plan.model, day.label, route, cpk, cph, fixed_vehicle)
            target = hot_visits if day.hot else chilled_visits
            for sid, t in _visit_times(route, day.plan.kitchen_to_plate_s):
                target.setdefault(sid, []).append((t, d))
                visits += d
    needed = sum(n for k, n in vehicles_needed(plan).items() if k not in hc_depots)
    vehicle_fixed = fleet_fixed_cost_sek_per_week(
        vehicles=needed,
        van_days=van_days,
        basis=fixed_cost_basis,
        cost_sek_per_vehicle_week=p["fixed_cost_sek_per_vehicle_week"],
        cost_sek_per_vehicle_day=fixed_vehicle,
    )
    if fixed_cost_basis == "day":
        fallback_transport += fallback_van_days * fixed_vehicle

    local_cost = 0.0
    local_delivery_hours = 0.0
    for ld in plan.local_deliveries:
        h = float(ld.staff_time_s) * int(ld.days) / 3600.0
        if ld.mode == "home_care":  # home-care staff minutes at the home-care rate
            hc_hours += h
            hc_cost += h * hc_rate
        else:
            local_delivery_hours += h
            local_cost += h * p["local_delivery_staff_cost_per_hour_sek"]
        hot_visits.setdefault(ld.recipient_id, []).append(
            (float(ld.kitchen_to_plate_s), int(ld.days))
        )
        visits += int(ld.days)

    # --- kitchens -----------------------------------------------------------------
    meals_all = float(sum(int(m) for m in recipients_meals.values()))
    production = packaging = fixed_kitchen = local_spend = central_fixed = 0.0
    fresh = chilled = 0.0
    local_kitchen_meals = 0.0
    central_marginal_per_meal = 0.0
    for k in plan.kitchens:
        meals_k = float(k.meals_fresh_per_week) + float(k.meals_chilled_per_week)
        fresh += float(k.meals_fresh_per_week)
        chilled += float(k.meals_chilled_per_week)
        cpm = float(k.cost_per_meal_sek)
        if k.role == "central":
            share = p["central_fixed_share_of_meal_cost"]
            production += central_production_cost_sek_per_week(
                meals_k, meals_all, cost_per_meal_sek=cpm, fixed_share=share
            )
            central_fixed += share * cpm * meals_all
            central_marginal_per_meal = (1.0 - share) * cpm
        else:
            production += meals_k * cpm
        packaging += float(k.meals_chilled_per_week) * p["chilled_packaging_sek_per_meal"]
        if k.open:
            fixed_kitchen += float(k.fixed_cost_sek_per_day) * int(k.cooking_days_per_week)
        # home care's cost per meal is the groceries themselves (all food)
        food_share = 1.0 if k.role == "home_care" else p["food_cost_share_of_meal"]
        local_spend += meals_k * cpm * food_share * float(k.local_food_share)
        if k.role == "local":
            local_kitchen_meals += meals_k

    # --- recipients, reheating and kitchen-to-plate ---------------------------------
    visited = set(hot_visits) | set(chilled_visits)
    unknown = sorted(visited - set(recipients_meals))
    if unknown:
        raise InputError(
            f"weekly_outcome: model {plan.model!r} serves recipients without a meal count: "
            f"{', '.join(unknown[:5])} (fix: pass meals_per_week for every recipient)"
        )
    everyone = set(recipients_meals) | set(plan.unserved)
    meals_served = float(sum(int(recipients_meals[r]) for r in visited))
    lead_s = p["chilled_days_cooked_before_delivery"] * _SECONDS_PER_DAY
    weight_sum = weighted_s = 0.0
    max_s = -math.inf
    reheated: dict[str, float] = {}
    for r in sorted(visited):
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
        reheated[r] = float(c)
        cold = chilled_visits.get(r)
        lead_r_s = lead_s
        if not cold and hot_meals >= 7:
            # a hot visit every day: the extra meals are a visit day's second meal, cooked
            # that day and eaten that day (no cook-chill lead, no keeping)
            cold, lead_r_s = hot, 0.0
        cold = cold or [(0.0, 1)]
        v = sum(d for _, d in cold)
        m = c / v
        mean_keep_s = max(0.0, (m - 1.0) / 2.0) * _SECONDS_PER_DAY
        max_keep_s = max(0, math.ceil(m) - 1) * _SECONDS_PER_DAY
        for t, d in cold:
            w = m * d
            weight_sum += w
            weighted_s += w * (lead_r_s + t + mean_keep_s)
            max_s = max(max_s, lead_r_s + t + max_keep_s)
    mean_min = weighted_s / weight_sum / 60.0 if weight_sum > 0 else math.nan
    max_min = max_s / 60.0 if weight_sum > 0 else math.nan

    def reheat(meals: Mapping[str, float]) -> float:
        return reheating_cost_sek_per_week(
            meals,
            hot_meal_ids,
            share_hot_meal=p["reheating_help_share_hot_meal"],
            share_other=p["reheating_help_share_other"],
            minutes_per_meal=p["reheating_minutes_per_meal"],
            home_care_cost_per_hour_sek=p["home_care_cost_per_hour_sek"],
        )

    reheating = reheat(reheated)
    kinds = [o.outcome for o in plan.outcomes.values()]
    if plan.outcomes:
        n_served, n_fallback = kinds.count("served"), kinds.count("fallback")
        n_unserved = kinds.count("unserved")
        fallback_ids = {r for r, o in plan.outcomes.items() if o.outcome == "fallback"}
    else:
        n_served, n_fallback, n_unserved = len(visited), 0, len(everyone - visited)
        fallback_ids = set()
    fallback_meals = float(plan.fallback_meals_per_week)
    fallback_cost = (
        fallback_transport
        + fallback_meals * (central_marginal_per_meal + p["chilled_packaging_sek_per_meal"])
        + reheat({r: m for r, m in reheated.items() if r in fallback_ids})
    )

    total = (
        production
        + packaging
        + fixed_kitchen
        + km_cost
        + driver_cost
        + vehicle_fixed
        + local_cost
        + reheating
        + hc_cost
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
        driver_hours_per_week=paid_h,
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
        recipients_served=n_served,
        recipients_unserved=n_unserved,
        vehicles_used_per_day_max=vehicles_max,
        vehicles_needed=needed,
        reheating_cost_sek_per_week=reheating,
        central_fixed_cost_sek_per_week=central_fixed,
        recipients_fallback=n_fallback,
        fallback_cost_sek_per_week=fallback_cost,
        home_care_cost_sek_per_week=hc_cost,
        home_care_hours_per_week=hc_hours,
    )


def _check_route(
    model: str, label: str, route: Route, cpk: float, cph: float, fixed_sek: float
) -> None:
    """Warn when a route's cost in the plan is not its cost at these parameters (SEK)."""
    expected = route_cost_sek(
        route.distance_m,
        route.duration_s,
        cost_per_km_sek=cpk,
        driver_cost_per_hour_sek=cph,
        fixed_cost_sek=fixed_sek,
    )
    if not math.isclose(expected, float(route.cost_sek), rel_tol=1e-6, abs_tol=1e-6):
        logger.warning(
            "model %s, %s: route %s costs %.2f SEK in the plan but %.2f SEK with "
            "these parameters; the vehicle was built with other cost numbers",
            model,
            label,
            route.vehicle_id,
            float(route.cost_sek),
            expected,
        )

"""Pricing lines: pure functions, each one cost line of ``docs/cost-model.md`` (SEK).

Hand-checkable: every function reads only its arguments.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from maltid.errors import InputError

if TYPE_CHECKING:
    from maltid.results import WeekPlan

__all__ = [
    "central_production_cost_sek_per_week",
    "driver_paid_s",
    "fleet_fixed_cost_sek_per_week",
    "reheating_cost_sek_per_week",
    "vehicles_needed",
]


def driver_paid_s(duration_s: float, *, loading_min: float, min_paid_min: float) -> float:
    """Return the paid driver time of one route on one day (s).

    ``max(min_paid_min x 60, duration_s + loading_min x 60)``: the route from leaving the
    kitchen to returning, plus loading at the kitchen, but never less than the minimum
    paid time per route-day.

    Parameters
    ----------
    duration_s : float
        Route duration, leaving the kitchen to returning (s).
    loading_min : float
        Loading time at the kitchen per route (min).
    min_paid_min : float
        Minimum paid time per route and day (min).

    Returns
    -------
    float
        Paid seconds.
    """
    return max(min_paid_min * 60.0, float(duration_s) + loading_min * 60.0)


def vehicles_needed(plan: WeekPlan) -> dict[str, int]:
    """Return the vehicles each kitchen needs (count): the most routes on one weekday.

    ``plan.vehicles_needed`` when the model filled it; otherwise counted from the day
    plans: the routes of every day plan driven on a weekday (``DayPlan.day_indices``; a
    day plan without them counts as a day of its own), summed per kitchen
    (``Route.depot_id``) and weekday, the maximum over the weekdays. A van drives one
    route a day.

    Parameters
    ----------
    plan : WeekPlan

    Returns
    -------
    dict of str to int
        Kitchen id -> vehicles.
    """
    if plan.vehicles_needed:
        return {str(k): int(v) for k, v in plan.vehicles_needed.items()}
    per_day: dict[tuple[str, int], int] = {}
    for i, day in enumerate(plan.days):
        weekdays = tuple(day.day_indices) or (-(i + 1),)
        for route in day.plan.routes:
            for wd in weekdays:
                key = (str(route.depot_id), wd)
                per_day[key] = per_day.get(key, 0) + 1
    out: dict[str, int] = {}
    for (kitchen, _), n in per_day.items():
        out[kitchen] = max(out.get(kitchen, 0), n)
    return out


def fleet_fixed_cost_sek_per_week(
    *,
    vehicles: int,
    van_days: int,
    basis: str,
    cost_sek_per_vehicle_week: float,
    cost_sek_per_vehicle_day: float,
) -> float:
    """Return the fleet's fixed cost (SEK/week).

    ``basis = "week"`` (an owned or leased fleet stands every day): ``vehicles x
    cost_sek_per_vehicle_week``; ``basis = "day"`` (hired vans): ``van_days x
    cost_sek_per_vehicle_day``.

    Parameters
    ----------
    vehicles : int
        Vehicles needed (sum over kitchens of :func:`vehicles_needed`).
    van_days : int
        Routes driven a week (one van-day each).
    basis : {"week", "day"}
        ``scenario.fleet.fixed_cost_basis``.
    cost_sek_per_vehicle_week, cost_sek_per_vehicle_day : float
        The two fixed costs (SEK per vehicle and week / day).

    Returns
    -------
    float
        SEK per week.
    """
    if basis == "week":
        return vehicles * cost_sek_per_vehicle_week
    if basis == "day":
        return van_days * cost_sek_per_vehicle_day
    raise InputError(f"fixed_cost_basis={basis!r} (fix: use 'week' or 'day')")


def reheating_cost_sek_per_week(
    chilled_meals: Mapping[str, float],
    hot_meal_ids: Collection[str],
    *,
    share_hot_meal: float,
    share_other: float,
    minutes_per_meal: float,
    home_care_cost_per_hour_sek: float,
) -> float:
    """Return the home-care cost of helping recipients reheat chilled meals (SEK/week).

    ``sum_r chilled_meals[r] x share(r) x minutes_per_meal / 60 x
    home_care_cost_per_hour_sek``, with ``share(r) = share_hot_meal`` for recipients
    flagged ``hot_meal`` and ``share_other`` for the others.

    Parameters
    ----------
    chilled_meals : Mapping[str, float]
        Recipient id -> chilled (reheated) meals a week.
    hot_meal_ids : Collection[str]
        Ids of the recipients flagged ``hot_meal = true``.
    share_hot_meal, share_other : float
        Shares (0-1) of those meals that need help.
    minutes_per_meal : float
        Home-care minutes per reheated meal (min).
    home_care_cost_per_hour_sek : float
        Cost of one home-care hour (SEK/h).

    Returns
    -------
    float
        SEK per week.
    """
    meals_helped = sum(
        float(m) * (share_hot_meal if r in hot_meal_ids else share_other)
        for r, m in chilled_meals.items()
    )
    return meals_helped * minutes_per_meal / 60.0 * home_care_cost_per_hour_sek


def central_production_cost_sek_per_week(
    meals_cooked: float,
    meals_all_recipients: float,
    *,
    cost_per_meal_sek: float,
    fixed_share: float,
) -> float:
    """Return the central kitchen's production cost: fixed part + marginal part (SEK/week).

    ``fixed_share x cost_per_meal_sek x meals_all_recipients`` (what stays when meals move
    to villages: the kitchen is sized for everyone) ``+ (1 - fixed_share) x
    cost_per_meal_sek x meals_cooked`` (what moves with the meals). With every meal
    cooked centrally this is ``cost_per_meal_sek x meals_cooked``.

    Parameters
    ----------
    meals_cooked : float
        Meals a week the central kitchen cooks in this model.
    meals_all_recipients : float
        Meals a week of every recipient of the scenario.
    cost_per_meal_sek : float
        The central kitchen's full cost per meal (SEK/meal).
    fixed_share : float
        ``central_fixed_share_of_meal_cost`` (0-1).

    Returns
    -------
    float
        SEK per week.
    """
    return (
        fixed_share * cost_per_meal_sek * meals_all_recipients
        + (1.0 - fixed_share) * cost_per_meal_sek * meals_cooked
    )

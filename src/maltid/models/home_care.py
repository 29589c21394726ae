"""Model ``home_care_cooking`` ("Hemlagat i hemtjänsten"): home-care staff cook a fresh
meal in the recipient's own kitchen.

No kitchen and no van round. Per recipient and meal day:

* on a day with a lunch visit the person already gets (the first
  ``home_care_lunch_visits_per_week`` meal days of the week), the meal costs the cooking
  minutes of the staff already there plus the groceries:
  :class:`~maltid.results.LocalDelivery` with ``mode = "home_care"``, no distance,
  ``staff_time_s`` = cooking, kitchen-to-plate 0;
* on the other meal days a home-care visit is routed from the bases: one multi-depot
  routing problem per distinct day (each base's cars, its ``vehicles`` or as many as the
  day needs), in the recipient's window (else the lunch window), service = visit +
  cooking minutes, no holding limit (the meal is cooked at the door: kitchen-to-plate 0).
  These rounds are ``DayPlan(hot=True, crew="home_care")`` driven at the home-care rate
  in staff cars (no vehicle fixed cost).

Every meal is fresh. Whom no visit can be routed to gets the model's fallback (chilled
boxes from the central kitchen, :mod:`maltid.models.assemble`). The home-care staff are
one :class:`~maltid.results.KitchenWeek` (``kitchen_id = "home_care"``, ``role =
"home_care"``, ``cost_per_meal_sek`` = groceries, ``local_food_share`` = the groceries'
local share), so production is the groceries and the local spend their local part.

Inputs: the scenario's ``[home_care]`` bases, the recipients'
``home_care_lunch_visits_per_week`` and the ``home_care_*`` cost parameters (so ``[costs]``
overrides and the break-even re-solves reach them), gathered in :class:`HomeCareInputs`
(:func:`home_care_week` takes them directly, e.g. in tests).
"""

from __future__ import annotations

import dataclasses
import math
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from maltid.errors import InputError
from maltid.models.assemble import KitchenRole, assemble, hot_window
from maltid.models.registry import register, wrong_spec
from maltid.models.visits import Visit, meals_by_day
from maltid.results import LocalDelivery
from maltid.routing import RoutingPlan, RoutingProblem, Stop, Vehicle
from maltid.scenario import HomeCareCooking, KitchenSpec

if TYPE_CHECKING:
    from maltid.models.context import ModelContext
    from maltid.results import WeekPlan
    from maltid.scenario import ModelSpec

__all__ = [
    "HOME_CARE_ID",
    "HomeCareBase",
    "HomeCareInputs",
    "home_care_cooking",
    "home_care_week",
    "visit_days",
]

#: Id of the home-care staff as a "kitchen" in the plan.
HOME_CARE_ID = "home_care"


@dataclass(frozen=True)
class HomeCareBase:
    """A home-care group's base (degrees); ``vehicles`` None: as many cars as needed."""

    id: str
    lat: float
    lon: float
    vehicles: int | None = None


@dataclass(frozen=True)
class HomeCareInputs:
    """The home-care model's inputs (minutes, SEK, shares).

    Attributes
    ----------
    bases : tuple of HomeCareBase
        Where the staff start (ids must be rows of the travel matrix).
    lunch_visits : Mapping[str, int]
        Recipient id -> lunch visits a week the person already gets (0-7; missing = 0).
    cooking_min_per_meal : float
        Minutes to cook one meal day's meals at the door.
    visit_min : float
        Minutes of a routed visit besides the cooking.
    cost_per_hour_sek : float
        Home-care staff cost (SEK/h).
    groceries_sek_per_meal : float
        Groceries per meal (SEK).
    local_food_share : float
        Share of the groceries bought locally.
    """

    bases: tuple[HomeCareBase, ...]
    lunch_visits: Mapping[str, int]
    cooking_min_per_meal: float
    visit_min: float
    cost_per_hour_sek: float
    groceries_sek_per_meal: float
    local_food_share: float


def visit_days(meals_per_week: int, lunch_visits: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(days with an existing lunch visit, days needing a routed visit) among the meal days:
    the existing visits take the first meal days of the week."""
    days = [d for d, m in enumerate(meals_by_day(meals_per_week)) if m > 0]
    k = max(0, min(int(lunch_visits), len(days)))
    return tuple(days[:k]), tuple(days[k:])


def _staff_kitchen(ctx: ModelContext, inputs: HomeCareInputs) -> KitchenSpec:
    first = inputs.bases[0]
    total = sum(max(meals_by_day(r.meals_per_week)) for r in ctx.scenario.recipients)
    return KitchenSpec(
        id=HOME_CARE_ID,
        name="home care",
        role="local",
        lat=first.lat,
        lon=first.lon,
        cost_per_meal_sek=inputs.groceries_sek_per_meal,
        capacity_meals_per_day=max(1, total),
        local_food_share=inputs.local_food_share,
    )


def _route_visits(
    ctx: ModelContext, inputs: HomeCareInputs, visits: Sequence[Visit]
) -> RoutingPlan:
    """One day's routed visits from every base (multi-depot; sized or capped cars)."""
    from maltid import routing

    visits = sorted(visits, key=lambda v: v.recipient_id)
    nb = len(inputs.bases)
    rows = [ctx.row(b.id) for b in inputs.bases] + [ctx.row(v.recipient_id) for v in visits]
    idx = np.asarray(rows, dtype=np.int64)
    t = np.asarray(ctx.matrix.time_s)[np.ix_(idx, idx)].astype(float)
    d = np.asarray(ctx.matrix.distance_m)[np.ix_(idx, idx)].astype(float)
    service_s = 60.0 * (inputs.visit_min + inputs.cooking_min_per_meal)
    stops = tuple(
        Stop(
            id=v.recipient_id,
            index=nb + k,
            demand_meals=int(v.demand_meals),
            window_start_s=float(v.window_start_s),
            window_end_s=float(v.window_end_s),
            service_s=service_s,
            hot=False,  # cooked at the door: nothing is held
        )
        for k, v in enumerate(visits)
    )
    fleet = ctx.scenario.fleet
    window_s = max((v.window_end_s - v.window_start_s for v in visits), default=0.0)
    per_car = max(1, 1 + math.floor(window_s / (service_s + 120.0)))
    guess = min(len(visits), math.ceil(len(visits) / per_car) + 1)
    params = ctx.routing_params
    while True:
        cars: list[Vehicle] = []
        for i, b in enumerate(inputs.bases):
            n = guess if b.vehicles is None else int(b.vehicles)
            cars += [
                Vehicle(
                    id=f"{b.id}/c{j + 1}",
                    depot_index=i,
                    capacity_meals=max(1, sum(v.demand_meals for v in visits)),
                    cost_per_km_sek=float(ctx.parameters["cost_per_km_sek"]),
                    cost_per_hour_sek=float(inputs.cost_per_hour_sek),
                    fixed_cost_sek=0.0,
                    start_s=float(fleet.shift_start_s),
                    max_shift_s=float(fleet.max_shift_s),
                )
                for j in range(n)
            ]
        key = ("home_care", t.tobytes(), d.tobytes(), stops, tuple(cars), params)
        hit = ctx.routing_cache.get(key)
        if isinstance(hit, RoutingPlan):
            plan = hit
        else:
            problem = RoutingProblem(
                time_s=t,
                distance_m=d,
                stops=stops,
                vehicles=tuple(cars),
                max_hot_holding_s=None,
                depot_ids={i: b.id for i, b in enumerate(inputs.bases)},
            )
            plan = routing.solve(problem, params)
            ctx.routing_cache[key] = plan
        short = any(u.code in ("dropped", "no_vehicles") for u in plan.unserved)
        sized = any(b.vehicles is None for b in inputs.bases)
        if not (short and sized) or guess >= len(visits):
            break
        guess = min(len(visits), 2 * guess)
    # cooked at the door: the meal is on the plate when it is ready
    k2p = types.MappingProxyType(dict.fromkeys(plan.served_ids, 0.0))
    return dataclasses.replace(plan, kitchen_to_plate_s=k2p)


def home_care_week(ctx: ModelContext, name: str, inputs: HomeCareInputs) -> WeekPlan:
    """Solve ``home_care_cooking`` for one week (s, m, SEK); see the module docstring."""
    if not inputs.bases:
        raise ValueError("home_care_cooking needs at least one home-care base")
    window_for = hot_window(ctx)
    week: list[dict[str, list[Visit]]] = [{} for _ in range(7)]
    local: list[LocalDelivery] = []
    local_meals: dict[str, tuple[str, int]] = {}
    cooking_s = 60.0 * inputs.cooking_min_per_meal
    for r in sorted(ctx.scenario.recipients, key=lambda r: r.id):
        mbd = meals_by_day(r.meals_per_week)
        existing, routed = visit_days(r.meals_per_week, inputs.lunch_visits.get(r.id, 0))
        if existing:
            local.append(
                LocalDelivery(
                    recipient_id=r.id,
                    kitchen_id=HOME_CARE_ID,
                    mode="home_care",
                    one_way_distance_m=0.0,
                    kitchen_to_plate_s=0.0,
                    staff_time_s=cooking_s,
                    days=len(existing),
                )
            )
            local_meals[r.id] = (HOME_CARE_ID, sum(mbd[d] for d in existing))
        w0, w1 = window_for(r)
        for d in routed:
            week[d].setdefault(HOME_CARE_ID, []).append(
                Visit(r.id, HOME_CARE_ID, mbd[d], 0, False, w0, w1)
            )
    staff = _staff_kitchen(ctx, inputs)
    role = KitchenRole(staff, 1, None, 7, role_name="home_care", delivery_mode="home_care")
    # the central kitchen stays in the plan (0 meals unless the fallback cooks)
    assignment = {r.id: HOME_CARE_ID for r in ctx.scenario.recipients}

    def route(
        ctx_: ModelContext, kid: str, visits: Sequence[Visit], _r: KitchenRole
    ) -> RoutingPlan:
        return _route_visits(ctx_, inputs, visits)

    return assemble(
        ctx,
        name=name,
        kind="home_care_cooking",
        week=week,
        roles={HOME_CARE_ID: role},
        hot=True,
        assignment=assignment,
        local_deliveries=local,
        local_meals=local_meals,
        route=route,
        crew="home_care",
    )


@register("home_care_cooking")
def home_care_cooking(ctx: ModelContext, spec: ModelSpec) -> WeekPlan:
    """Solve ``home_care_cooking`` from the scenario's ``[home_care]`` (s, m, SEK)."""
    if not isinstance(spec, HomeCareCooking):
        raise wrong_spec("home_care_cooking", spec)
    hc = ctx.scenario.home_care
    if hc is None:
        raise InputError(
            f"{spec.name}: home_care_cooking needs [home_care] "
            "(fix: add [home_care] with at least one [[home_care.bases]])"
        )
    p = ctx.parameters
    inputs = HomeCareInputs(
        bases=tuple(HomeCareBase(b.id, b.lat, b.lon, b.vehicles) for b in hc.bases),
        lunch_visits={r.id: r.home_care_lunch_visits_per_week for r in ctx.scenario.recipients},
        cooking_min_per_meal=float(p["home_care_cooking_min_per_meal"]),
        visit_min=float(p["home_care_visit_min"]),
        cost_per_hour_sek=float(p["home_care_cost_per_hour_sek"]),
        groceries_sek_per_meal=float(p["home_care_groceries_sek_per_meal"]),
        local_food_share=float(p["home_care_local_food_share"]),
    )
    return home_care_week(ctx, spec.name, inputs)

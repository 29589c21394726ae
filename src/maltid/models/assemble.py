"""Turn a model's week of visits into a :class:`~maltid.results.WeekPlan`.

For every model the week is first written out day by day (which kitchen visits whom
with how many meals); days whose content is identical are then solved ONCE and weighted
by the number of days (:attr:`maltid.results.DayPlan.days`).
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from maltid.models.context import ModelContext
from maltid.models.dispatch import merge_plans, n_vehicles, route_kitchen_day
from maltid.models.visits import Visit, WindowFor, day_label
from maltid.results import DayPlan, KitchenWeek, LocalDelivery, WeekPlan
from maltid.routing import RoutingPlan
from maltid.scenario import KitchenSpec, Recipient

__all__ = [
    "KitchenRole",
    "assemble",
    "central_role",
    "closed_kitchen",
    "hot_window",
    "shift_window",
]


@dataclass
class KitchenRole:
    """How one kitchen takes part in a model's week (capacity in meals per vehicle)."""

    kitchen: KitchenSpec
    capacity_meals: int
    n_vehicles: int
    cooking_days: int


def central_role(ctx: ModelContext, *, cooking_days: int, chilled: bool = False) -> KitchenRole:
    """The central kitchen's role: hot capacity, or the chilled capacity per van."""
    c = ctx.scenario.central_kitchen
    fleet = ctx.scenario.fleet
    cap = fleet.chilled_capacity_meals if chilled else fleet.vehicle_capacity_meals
    return KitchenRole(c, int(cap), n_vehicles(ctx, c), cooking_days)


def hot_window(ctx: ModelContext) -> WindowFor:
    """A recipient's hot delivery window (s): its own if given, else the lunch window."""
    lw = ctx.scenario.delivery.lunch_window_s

    def window_for(r: Recipient) -> tuple[float, float]:
        if r.window_start_s is not None and r.window_end_s is not None:
            return float(r.window_start_s), float(r.window_end_s)
        return float(lw[0]), float(lw[1])

    return window_for


def shift_window(ctx: ModelContext) -> tuple[float, float]:
    """The working day (s since midnight): shift start to shift start + longest shift."""
    fleet = ctx.scenario.fleet
    return float(fleet.shift_start_s), float(fleet.shift_start_s + fleet.max_shift_s)


def closed_kitchen(kitchen: KitchenSpec) -> KitchenWeek:
    """The week of a candidate kitchen that is not opened (no meals)."""
    return KitchenWeek(
        kitchen_id=kitchen.id,
        role=kitchen.role,
        open=False,
        cooking_days_per_week=0,
        meals_fresh_per_week=0.0,
        meals_chilled_per_week=0.0,
        cost_per_meal_sek=float(kitchen.cost_per_meal_sek),
        fixed_cost_sek_per_day=float(kitchen.fixed_cost_sek_per_day),
        local_food_share=float(kitchen.local_food_share),
        delivery_mode=kitchen.delivery_mode,
    )


def assemble(
    ctx: ModelContext,
    *,
    name: str,
    kind: str,
    week: Sequence[Mapping[str, Sequence[Visit]]],
    roles: Mapping[str, KitchenRole],
    hot: bool,
    assignment: Mapping[str, str],
    local_deliveries: Sequence[LocalDelivery] = (),
    local_meals: Mapping[str, tuple[str, int]] | None = None,
) -> WeekPlan:
    """Group identical days, route each distinct day per kitchen, build the WeekPlan.

    ``week[d]`` maps kitchen id -> visits by vehicle on day ``d``. ``local_meals``:
    recipient -> (kitchen, fresh meals/week) for foot/bicycle/on_site recipients.
    """
    groups: dict[tuple[tuple[str, tuple[Visit, ...]], ...], list[int]] = {}
    for d in range(7):
        content = tuple(
            (kid, tuple(sorted(week[d].get(kid, ()), key=lambda v: v.recipient_id)))
            for kid in sorted(week[d])
            if week[d].get(kid)
        )
        if not content:
            continue
        groups.setdefault(content, []).append(d)

    day_plans: list[DayPlan] = []
    fresh: dict[str, float] = {k: 0.0 for k in roles}
    chilled: dict[str, float] = {k: 0.0 for k in roles}
    unserved: dict[str, str] = {}
    for content, days in sorted(groups.items(), key=lambda kv: kv[1][0]):
        plans: list[RoutingPlan] = []
        chilled_map: dict[str, int] = {}
        kept_map: dict[str, float] = {}
        fresh_map: dict[str, int] = {}
        for kid, visits in content:
            role = roles[kid]
            plan = route_kitchen_day(
                ctx,
                kid,
                visits,
                capacity_meals=role.capacity_meals,
                n_vehicles=role.n_vehicles,
            )
            plans.append(plan)
            served = set(plan.served_ids)
            for v in visits:
                fresh_map[v.recipient_id] = v.fresh_meals
                if v.chilled_meals:
                    chilled_map[v.recipient_id] = v.chilled_meals
                    kept_map[v.recipient_id] = v.kept_days_sum / v.chilled_meals
                if v.recipient_id in served:
                    fresh[kid] += v.fresh_meals * len(days)
                    chilled[kid] += v.chilled_meals * len(days)
            for u in plan.unserved:
                unserved.setdefault(u.stop_id, f"{day_label(days)}: {u.reason} [{u.code}]")
        merged = merge_plans(plans)
        label = day_label(days)
        if hot and chilled_map:
            label += " (weekend meals chilled)"
        day_plans.append(
            DayPlan(
                label=label,
                days=len(days),
                plan=merged,
                hot=hot,
                day_indices=tuple(days),
                fresh_meals=types.MappingProxyType(fresh_map),
                chilled_meals=types.MappingProxyType(chilled_map),
                chilled_days_kept=types.MappingProxyType(kept_map),
            )
        )
    recips: dict[str, list[str]] = {k: [] for k in roles}
    for rid, kid in sorted(assignment.items()):
        if kid in recips:
            recips[kid].append(rid)
    for _rid, (kid, meals) in sorted((local_meals or {}).items()):
        fresh[kid] = fresh.get(kid, 0.0) + meals
    kitchens = tuple(
        KitchenWeek(
            kitchen_id=kid,
            role=role.kitchen.role,
            open=True,
            cooking_days_per_week=role.cooking_days,
            meals_fresh_per_week=float(fresh.get(kid, 0.0)),
            meals_chilled_per_week=float(chilled.get(kid, 0.0)),
            cost_per_meal_sek=float(role.kitchen.cost_per_meal_sek),
            fixed_cost_sek_per_day=float(role.kitchen.fixed_cost_sek_per_day),
            local_food_share=float(role.kitchen.local_food_share),
            delivery_mode=role.kitchen.delivery_mode,
            recipients=tuple(recips.get(kid, ())),
        )
        for kid, role in roles.items()
    )
    return WeekPlan(
        model=name,
        kind=kind,
        kitchens=kitchens,
        days=tuple(day_plans),
        assignment=types.MappingProxyType(dict(sorted(assignment.items()))),
        unserved=types.MappingProxyType(dict(sorted(unserved.items()))),
        local_deliveries=tuple(local_deliveries),
    )

"""Turn a model's week of visits into a :class:`~maltid.results.WeekPlan`, fallback included.

For every model the week is first written out day by day (which kitchen visits whom
with how many meals); days whose content is identical are then solved ONCE and weighted
by the number of days (:attr:`maltid.results.DayPlan.days`).

Same people, same meals in every model: every recipient of the scenario ends with one
outcome (:class:`maltid.results.RecipientOutcome`):

* ``unserved``: no road connection between the recipient and the central kitchen (in
  either direction; :attr:`ModelContext.no_road`) -- the same in every model; they are
  left out of every round;
* ``fallback``: the model's own mode cannot serve them on some day (beyond the
  hot-holding limit, a van too small for their meals, a window nobody reaches, a capped
  fleet, the shift). They are taken out of the own rounds for the whole week (the
  affected days are routed again, until every remaining stop is served) and get chilled
  boxes from the central kitchen instead, routed like ``central_chilled`` for just
  them, with a sized fleet (:mod:`maltid.models.boxes`: deliveries raised for the shelf
  life and the chilled van capacity). Should even that fail for someone (a round trip
  longer than the shift), they are ``unserved`` with the fallback's reason;
* ``served``: by the model's own mode every day they eat.

So the meals cooked (fresh + chilled, own + fallback) equal the meals asked by everyone
who is not ``unserved``.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from maltid.models.boxes import (
    box_week,
    deliveries_needed,
    fallback_deliveries_asked,
    n_box_groups,
)
from maltid.models.context import ModelContext
from maltid.models.dispatch import (
    SHORT_OF_VANS,
    merge_plans,
    route_kitchen_day,
    solve_units,
    vehicle_cap,
)
from maltid.models.parallel import prefetch
from maltid.models.visits import Visit, WindowFor, day_label
from maltid.results import DayPlan, KitchenWeek, LocalDelivery, RecipientOutcome, WeekPlan
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
    n_vehicles: int | None  # None: sized by the plan
    cooking_days: int
    role_name: str = ""  # KitchenWeek.role when not the kitchen's (e.g. "home_care")
    delivery_mode: str = ""  # KitchenWeek.delivery_mode when not the kitchen's


#: Routes one "kitchen"'s visits of a day (the default: :func:`route_kitchen_day`).
Router = Callable[[ModelContext, str, Sequence[Visit], KitchenRole], RoutingPlan]


def _route_kitchen(
    ctx: ModelContext, kid: str, visits: Sequence[Visit], role: KitchenRole
) -> RoutingPlan:
    return route_kitchen_day(
        ctx, kid, visits, capacity_meals=role.capacity_meals, n_vehicles=role.n_vehicles
    )


def central_role(
    ctx: ModelContext, *, cooking_days: int, chilled: bool = False, sized: bool = False
) -> KitchenRole:
    """The central kitchen's role: hot capacity, or the chilled capacity per van; its
    vehicle cap (``sized``: none, the fallback's fleet)."""
    c = ctx.scenario.central_kitchen
    fleet = ctx.scenario.fleet
    cap = fleet.chilled_capacity_meals if chilled else fleet.vehicle_capacity_meals
    return KitchenRole(c, int(cap), None if sized else vehicle_cap(ctx, c), cooking_days)


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


@dataclass
class _Routed:
    """A routed week: its day plans, meals (per kitchen and week) and who failed."""

    days: list[DayPlan]
    fresh: dict[str, float]
    chilled: dict[str, float]
    failed: dict[str, tuple[str, str]]  # recipient -> (code, reason with day label)


def _route_week(
    ctx: ModelContext,
    week: Sequence[Mapping[str, Sequence[Visit]]],
    roles: Mapping[str, KitchenRole],
    *,
    hot: bool,
    fallback: bool = False,
    route: Router = _route_kitchen,
    crew: str = "driver",
    earlier: list[tuple[str, tuple[Visit, ...], RoutingPlan]] | None = None,
) -> _Routed:
    """Group identical days and route each distinct day per kitchen.

    ``earlier`` (kept across the passes of :func:`assemble`): plans of earlier passes. A
    kitchen-day whose visits are an earlier one's minus stops that plan already left out
    on their own (not for want of vans) reuses that plan: its routes serve exactly the
    remaining stops, so solving again would only renumber the same problem.
    """
    groups: dict[tuple[tuple[str, tuple[Visit, ...]], ...], list[int]] = {}
    for d in range(7):
        content = tuple(
            (kid, tuple(sorted(week[d].get(kid, ()), key=lambda v: v.recipient_id)))
            for kid in sorted(week[d])
            if week[d].get(kid)
        )
        if content:
            groups.setdefault(content, []).append(d)
    out = _Routed([], {k: 0.0 for k in roles}, {k: 0.0 for k in roles}, {})
    if ctx.workers > 1:
        _prefetch_pass(ctx, groups, roles, route, earlier)
    for content, days in sorted(groups.items(), key=lambda kv: kv[1][0]):
        plans: list[RoutingPlan] = []
        chilled_map: dict[str, int] = {}
        kept_map: dict[str, float] = {}
        fresh_map: dict[str, int] = {}
        for kid, visits in content:
            role = roles[kid]
            plan = _reuse(earlier or [], kid, visits)
            if plan is None:
                plan = route(ctx, kid, visits, role)
                if earlier is not None:
                    earlier.append((kid, visits, plan))
            plans.append(plan)
            served = set(plan.served_ids)
            for v in visits:
                fresh_map[v.recipient_id] = v.fresh_meals
                if v.chilled_meals:
                    chilled_map[v.recipient_id] = v.chilled_meals
                    kept_map[v.recipient_id] = v.kept_days_sum / v.chilled_meals
                if v.recipient_id in served:
                    out.fresh[kid] += v.fresh_meals * len(days)
                    out.chilled[kid] += v.chilled_meals * len(days)
            for u in plan.unserved:
                out.failed.setdefault(u.stop_id, (u.code, f"{day_label(days)}: {u.reason}"))
        label = day_label(days)
        if hot and chilled_map:
            label += " (weekend meals chilled)"
        if fallback:
            label += " (fallback: chilled boxes)"
        out.days.append(
            DayPlan(
                label=label,
                days=len(days),
                plan=merge_plans(plans),
                hot=hot,
                day_indices=tuple(days),
                fresh_meals=types.MappingProxyType(fresh_map),
                chilled_meals=types.MappingProxyType(chilled_map),
                chilled_days_kept=types.MappingProxyType(kept_map),
                fallback=fallback,
                crew=crew,
            )
        )
    return out


#: One independent unit of routing work: (stops, what it is, run it with the context).
_Unit = tuple[int, object, Callable[[ModelContext], object]]


def _prefetch_pass(
    ctx: ModelContext,
    groups: Mapping[tuple[tuple[str, tuple[Visit, ...]], ...], Sequence[int]],
    roles: Mapping[str, KitchenRole],
    route: Router,
    earlier: list[tuple[str, tuple[Visit, ...], RoutingPlan]] | None,
) -> None:
    """Route the pass's independent solves in ``ctx.workers`` processes, into the memo.

    Units: each kitchen-day, or each sector of a big sized day
    (:func:`~maltid.models.dispatch.solve_units`); kitchen-days an earlier plan serves
    are skipped, as in the loop that follows (which then finds every solve in the memo).
    """
    units: list[_Unit] = []
    seen: set[tuple[str, tuple[Visit, ...]]] = set()
    for content in groups:
        for kid, visits in content:
            if (kid, visits) in seen or _reuse(earlier or [], kid, visits) is not None:
                continue  # the same kitchen-day in another day group: once is enough
            seen.add((kid, visits))
            role = roles[kid]
            if route is _route_kitchen:
                parts = solve_units(
                    ctx,
                    kid,
                    visits,
                    capacity_meals=role.capacity_meals,
                    n_vehicles=role.n_vehicles,
                )
                units += [
                    (
                        len(visits) // len(parts),
                        (kid, k, visits, role.capacity_meals, role.n_vehicles),
                        part,
                    )
                    for k, part in enumerate(parts)
                ]
            else:
                whole = functools.partial(_route_with, route, kid, visits, role)
                units.append((len(visits), None, whole))
    prefetch(ctx, units, _run_unit, size=_unit_size, key=_unit_key)


def _route_with(
    route: Router, kid: str, visits: Sequence[Visit], role: KitchenRole, ctx: ModelContext
) -> RoutingPlan:
    return route(ctx, kid, visits, role)


def _run_unit(ctx: ModelContext, unit: _Unit) -> object:
    return unit[2](ctx)


def _unit_key(unit: _Unit) -> object:
    # a custom router's unit (None) is never marked: the router may hold state
    return unit[1]


def _unit_size(unit: _Unit) -> int:
    return unit[0]


def _reuse(
    earlier: Sequence[tuple[str, tuple[Visit, ...], RoutingPlan]],
    kid: str,
    visits: tuple[Visit, ...],
) -> RoutingPlan | None:
    """An earlier plan of ``kid`` valid for ``visits`` (see :func:`_route_week`), trimmed."""
    now = set(visits)
    for k, old_visits, plan in earlier:
        if k != kid or not now <= set(old_visits):
            continue
        gone = {v.recipient_id for v in old_visits} - {v.recipient_id for v in visits}
        alone = {u.stop_id for u in plan.unserved if u.code not in SHORT_OF_VANS}
        if gone and gone <= alone:
            kept = tuple(u for u in plan.unserved if u.stop_id not in gone)
            return dataclasses.replace(plan, unserved=kept)
    return None


def _without(
    week: Sequence[Mapping[str, Sequence[Visit]]], out: set[str]
) -> list[dict[str, list[Visit]]]:
    return [
        {kid: [v for v in vs if v.recipient_id not in out] for kid, vs in day.items()}
        for day in week
    ]


@dataclass
class _Fallback:
    routed: _Routed
    asked: int
    used: int


def _fallback(ctx: ModelContext, recipients: Sequence[Recipient]) -> _Fallback | None:
    """Chilled boxes from the central kitchen for ``recipients`` (sized fleet)."""
    if not recipients:
        return None
    role = central_role(ctx, cooking_days=0, chilled=True, sized=True)
    asked = fallback_deliveries_asked(ctx)
    k = deliveries_needed(ctx, recipients, asked, capacity_meals=role.capacity_meals)
    groups = n_box_groups(recipients, k, capacity_meals=role.capacity_meals, n_vehicles=None)
    week = box_week(
        ctx, recipients, deliveries_per_week=k, n_groups=groups, window=shift_window(ctx)
    )
    routed = _route_week(ctx, week, {role.kitchen.id: role}, hot=False, fallback=True)
    return _Fallback(routed, asked, k)


def _vehicles_needed(days: Sequence[DayPlan]) -> dict[str, int]:
    """Kitchen -> the most routes it drives on one weekday (own and fallback rounds)."""
    per_day: dict[tuple[str, int], int] = {}
    for dp in days:
        for r in dp.plan.routes:
            for d in dp.day_indices:
                per_day[(r.depot_id, d)] = per_day.get((r.depot_id, d), 0) + 1
    need: dict[str, int] = {}
    for (kid, _d), n in per_day.items():
        need[kid] = max(need.get(kid, 0), n)
    return dict(sorted(need.items()))


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
    chilled_deliveries: tuple[int, int] = (0, 0),
    route: Router = _route_kitchen,
    crew: str = "driver",
) -> WeekPlan:
    """Route the model's own week, move whom it cannot serve to the fallback, build the plan.

    ``week[d]`` maps kitchen id -> visits on day ``d``. ``local_meals``: recipient ->
    (kitchen, fresh meals/week) for foot/bicycle/on_site recipients.
    ``chilled_deliveries``: (asked, planned) chilled deliveries a week of the own mode
    (``central_chilled``); (0, 0) otherwise. ``route`` routes one key of ``week[d]`` (default:
    the kitchen's own vans, :func:`route_kitchen_day`); ``crew`` labels the own rounds'
    staff (``DayPlan.crew``: ``"driver"`` or ``"home_care"``).
    """
    central = ctx.scenario.central_kitchen
    by_id = {r.id: r for r in ctx.scenario.recipients}
    visit_days: dict[str, set[int]] = {}
    for d, day in enumerate(week):
        for vs in day.values():
            for v in vs:
                visit_days.setdefault(v.recipient_id, set()).add(d)
    no_road = ctx.no_road
    failed: dict[str, tuple[str, str]] = {}
    out: set[str] = set(no_road)
    earlier: list[tuple[str, tuple[Visit, ...], RoutingPlan]] = []
    while True:
        routed = _route_week(
            ctx, _without(week, out), roles, hot=hot, route=route, crew=crew, earlier=earlier
        )
        new = {rid: f for rid, f in routed.failed.items() if rid not in out}
        if not new:
            break
        failed.update(new)
        out |= set(new)
    fb = _fallback(ctx, [by_id[rid] for rid in sorted(failed)])
    fb_failed = fb.routed.failed if fb is not None else {}
    outcomes: dict[str, RecipientOutcome] = {}
    unserved: dict[str, str] = {}
    for rid in sorted(by_id):
        days = tuple(sorted(visit_days.get(rid, set())))
        if rid in no_road:
            code, why = "unreachable", no_road[rid]
            reason = f"{day_label(days) or 'every day'}: {why}"
            outcomes[rid] = RecipientOutcome(rid, "unserved", code, reason, days)
            unserved[rid] = f"{reason} [{code}]"
        elif rid in fb_failed:
            code, why = fb_failed[rid]
            own_code, own_why = failed[rid]
            reason = f"{own_why} [{own_code}]; fallback (chilled boxes): {why}"
            outcomes[rid] = RecipientOutcome(rid, "unserved", code, reason, days)
            unserved[rid] = f"{reason} [{code}]"
        elif rid in failed:
            code, why = failed[rid]
            outcomes[rid] = RecipientOutcome(rid, "fallback", code, why, days)
        else:
            outcomes[rid] = RecipientOutcome(rid, "served")
    assign = dict(assignment)
    for rid in failed:
        assign[rid] = central.id
    for rid in no_road:
        assign[rid] = central.id
    fresh, chilled = routed.fresh, routed.chilled
    for rid, (kid, meals) in sorted((local_meals or {}).items()):
        if rid not in failed and rid not in no_road:  # the fallback brings all their meals
            fresh[kid] = fresh.get(kid, 0.0) + meals
    days_ = list(routed.days)
    fallback_meals = 0.0
    asked, used = chilled_deliveries
    cooking = {kid: role.cooking_days for kid, role in roles.items()}
    if fb is not None:
        days_ += fb.routed.days
        fallback_meals = float(sum(fb.routed.chilled.values()))
        chilled[central.id] = chilled.get(central.id, 0.0) + fallback_meals
        fb_days = len({d for dp in fb.routed.days for d in dp.day_indices})
        cooking[central.id] = max(cooking.get(central.id, 0), fb_days)
        if used == 0:
            asked, used = fb.asked, fb.used
    roles_ = dict(roles)
    if central.id not in roles_:
        roles_[central.id] = central_role(ctx, cooking_days=cooking.get(central.id, 0))
    recips: dict[str, list[str]] = {k: [] for k in roles_}
    for rid, kid in sorted(assign.items()):
        if kid in recips:
            recips[kid].append(rid)
    kitchens = tuple(
        KitchenWeek(
            kitchen_id=kid,
            role=role.role_name or role.kitchen.role,
            open=True,
            cooking_days_per_week=cooking.get(kid, role.cooking_days),
            meals_fresh_per_week=float(fresh.get(kid, 0.0)),
            meals_chilled_per_week=float(chilled.get(kid, 0.0)),
            cost_per_meal_sek=float(role.kitchen.cost_per_meal_sek),
            fixed_cost_sek_per_day=float(role.kitchen.fixed_cost_sek_per_day),
            local_food_share=float(role.kitchen.local_food_share),
            delivery_mode=role.delivery_mode or role.kitchen.delivery_mode,
            recipients=tuple(recips.get(kid, ())),
        )
        for kid, role in roles_.items()
    )
    return WeekPlan(
        model=name,
        kind=kind,
        kitchens=kitchens,
        days=tuple(days_),
        assignment=types.MappingProxyType(dict(sorted(assign.items()))),
        unserved=types.MappingProxyType(unserved),
        local_deliveries=tuple(
            ld for ld in local_deliveries if ld.recipient_id not in no_road | failed.keys()
        ),
        outcomes=types.MappingProxyType(outcomes),
        vehicles_needed=types.MappingProxyType(_vehicles_needed(days_)),
        fallback_meals_per_week=fallback_meals,
        chilled_deliveries_asked_per_week=int(asked),
        chilled_deliveries_per_week=int(used),
    )

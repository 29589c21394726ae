"""One kitchen's day as a routing problem: its vehicles, sector split for big days, merge.

Within a day each kitchen's recipients form their own routing problem (the kitchen's own
vehicles); identical per-kitchen problems are solved once per
:class:`~maltid.models.context.ModelContext` (a deterministic memo, since the routing
solve is deterministic for the same inputs and seed).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import math
import types
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from maltid.models.context import ModelContext
from maltid.models.visits import Visit, angles_rad, meals_by_day, sweep_groups
from maltid.routing import RoutingPlan, RoutingProblem, Stop, Vehicle

if TYPE_CHECKING:
    from maltid.scenario import KitchenSpec

__all__ = [
    "SHORT_OF_VANS",
    "first_fleet_guess",
    "merge_plans",
    "route_kitchen_day",
    "sectors",
    "solve_units",
    "vehicle_cap",
]

logger = logging.getLogger("maltid")

#: Worst first: the merged status of several plans is the worst of them.
_STATUS_ORDER = (
    "infeasible",
    "fail",
    "invalid",
    "not_solved",
    "timeout",
    "partial",
    "success",
    "optimal",
    "empty",
)


#: Codes of stops a routing solve left out for lack of vehicles (more vans would help).
SHORT_OF_VANS = ("dropped", "no_vehicles")
#: Mean drive between two stops of a round assumed by the first fleet-size guess (s).
_GUESS_LEG_S = 120.0


def vehicle_cap(ctx: ModelContext, kitchen: KitchenSpec) -> int | None:
    """Vehicles ``kitchen`` may use: its ``vehicles``, else ``fleet.vehicles_per_kitchen``;
    ``None``: no cap, the fleet is sized by the plan (as many vans as it needs)."""
    v = kitchen.vehicles
    return ctx.scenario.fleet.vehicles_per_kitchen if v is None else int(v)


def _vehicles(
    ctx: ModelContext, kitchen_id: str, *, capacity_meals: int, n: int, tag: str = ""
) -> tuple[Vehicle, ...]:
    fleet = ctx.scenario.fleet
    p = ctx.parameters
    return tuple(
        Vehicle(
            id=f"{kitchen_id}/{tag}v{j + 1}",
            depot_index=0,
            capacity_meals=int(capacity_meals),
            cost_per_km_sek=float(p["cost_per_km_sek"]),
            cost_per_hour_sek=float(p["driver_cost_per_hour_sek"]),
            fixed_cost_sek=float(p["fixed_cost_sek_per_vehicle_day"]),
            start_s=float(fleet.shift_start_s),
            max_shift_s=float(fleet.max_shift_s),
        )
        for j in range(n)
    )


def _short(plan: RoutingPlan) -> list[str]:
    return [u.stop_id for u in plan.unserved if u.code in SHORT_OF_VANS]


def first_fleet_guess(ctx: ModelContext, visits: Sequence[Visit], capacity_meals: int) -> int:
    """A first guess of the vans a day needs (>= 1, <= stops): by meals over the van's
    capacity and by stops a van can serve within the hot-holding limit (hot days), the
    delivery window and the shift, at ``service + 2 min`` a stop; plus one."""
    if not visits:
        return 0
    fleet = ctx.scenario.fleet
    meals = sum(v.demand_meals for v in visits)
    by_meals = math.ceil(meals / max(1, capacity_meals))
    limit_s = float(fleet.max_shift_s)
    if any(v.hot for v in visits):
        limit_s = min(limit_s, float(ctx.scenario.delivery.max_hot_holding_s))
    window_s = max(v.window_end_s - v.window_start_s for v in visits)
    limit_s = min(limit_s, window_s + float(fleet.service_s))
    per_van = max(1, 1 + math.floor(limit_s / (float(fleet.service_s) + _GUESS_LEG_S)))
    guess = max(by_meals, math.ceil(len(visits) / per_van)) + 1
    return int(min(len(visits), guess))


def _solve_sized(
    ctx: ModelContext,
    kitchen_id: str,
    visits: Sequence[Visit],
    *,
    capacity_meals: int,
    tag: str = "",
) -> RoutingPlan:
    """Solve with as many vans as the day needs: a first guess, doubled while stops are
    left out for lack of vans (at most one van per stop). Every van used costs its fixed
    cost, so the solver uses no more than pays."""
    n = first_fleet_guess(ctx, visits, capacity_meals)
    while True:
        vans = _vehicles(ctx, kitchen_id, capacity_meals=capacity_meals, n=n, tag=tag)
        plan = _solve_visits(ctx, kitchen_id, visits, vans)
        if not _short(plan) or n >= len(visits):
            return plan
        n = min(len(visits), 2 * n)


def route_kitchen_day(
    ctx: ModelContext,
    kitchen_id: str,
    visits: Sequence[Visit],
    *,
    capacity_meals: int,
    n_vehicles: int | None,
) -> RoutingPlan:
    """Solve one kitchen's day as a routing problem (memoised); ``n_vehicles=None``: sized.

    The sub-matrix over the kitchen and its visits is cut from the context's matrix;
    stop ``hot`` follows the visit; the hot-holding limit is the scenario's.

    Days with more than ``ctx.max_stops_per_solve`` stops are split first (cluster
    first, route second) into the kitchen's fixed angular sectors (:func:`sectors`),
    each solved on its own. Nobody is lost to the split:

    * sized fleet: each sector gets the vans it needs;
    * capped fleet: each sector starts with its share of the vans; vans a sector leaves
      unused move to sectors that had to leave stops out, which are solved again (up to
      three rounds);
    * repair: the stops still left out for lack of vans, over all sectors, are solved
      together in one more problem (sized: with the vans they need; capped: with every
      van no sector used).

    The plans are merged. This bounds the size of every solve (a county's central
    kitchen may have 2,000 stops a day).
    """
    visits = sorted(visits, key=lambda v: v.recipient_id)
    max_stops = ctx.max_stops_per_solve
    if n_vehicles is None:
        if len(visits) <= max_stops:
            return _solve_sized(ctx, kitchen_id, visits, capacity_meals=capacity_meals)
        sector_of, _ = sectors(ctx, kitchen_id, None)
        by_sector = _by_sector(visits, sector_of)
        plans = {
            k: _solve_sized(ctx, kitchen_id, vs, capacity_meals=capacity_meals, tag=f"s{k}")
            for k, vs in by_sector.items()
        }
        return _repair(ctx, kitchen_id, visits, plans, capacity_meals=capacity_meals, spare=None)
    vehicles = _vehicles(ctx, kitchen_id, capacity_meals=capacity_meals, n=n_vehicles)
    if len(visits) <= max_stops or len(vehicles) <= 1:
        return _solve_visits(ctx, kitchen_id, visits, vehicles)
    sector_of, shares = sectors(ctx, kitchen_id, len(vehicles))
    by_sector = _by_sector(visits, sector_of)
    fleet: dict[int, list[Vehicle]] = {}
    first = 0
    for k, count in enumerate(shares):
        fleet[k] = list(vehicles[first : first + count])
        first += count
    active = sorted(by_sector)
    plans = {k: _solve_visits(ctx, kitchen_id, by_sector[k], fleet[k]) for k in active}
    # Rebalance: a far sector may need more vans than its share of meals gives it. Vans
    # left unused by sectors that dropped nobody go, in sector order, to the sectors
    # that dropped stops, which are solved again (an unused van costs nothing).
    for _ in range(3):
        needy = [k for k in active if _short(plans[k])]
        spare: list[Vehicle] = []
        for k in list(fleet):
            if k in needy:
                continue
            used = {r.vehicle_id for r in plans[k].routes} if k in plans else set()
            spare += [v for v in fleet[k] if v.id not in used]
            fleet[k] = [v for v in fleet[k] if v.id in used]
        if not needy or not spare:
            break
        for j, van in enumerate(spare):
            fleet[needy[j % len(needy)]].append(van)
        for k in needy:
            plans[k] = _solve_visits(ctx, kitchen_id, by_sector[k], fleet[k])
    used = {r.vehicle_id for p in plans.values() for r in p.routes}
    spare_vans = [v for v in vehicles if v.id not in used]
    return _repair(ctx, kitchen_id, visits, plans, capacity_meals=capacity_meals, spare=spare_vans)


def solve_units(
    ctx: ModelContext,
    kitchen_id: str,
    visits: Sequence[Visit],
    *,
    capacity_meals: int,
    n_vehicles: int | None,
) -> list[Callable[[ModelContext], object]]:
    """The independent routing solves :func:`route_kitchen_day` starts with, as callables.

    A sized big day: one per sector (each sector's sized solve); any other day: the
    whole kitchen-day. Run them (in any order, in any process) and the kitchen-day's
    own call then finds them in the memo; what depends on them (rebalancing a capped
    fleet, the repair pass) stays in that call. For :mod:`maltid.models.parallel`.
    """
    visits = sorted(visits, key=lambda v: v.recipient_id)
    if n_vehicles is None and len(visits) > ctx.max_stops_per_solve:
        sector_of, _ = sectors(ctx, kitchen_id, None)
        return [
            functools.partial(_solve_sized_unit, kitchen_id, tuple(vs), capacity_meals, f"s{k}")
            for k, vs in _by_sector(visits, sector_of).items()
        ]
    return [functools.partial(_route_unit, kitchen_id, tuple(visits), capacity_meals, n_vehicles)]


def _solve_sized_unit(
    kitchen_id: str, visits: tuple[Visit, ...], capacity_meals: int, tag: str, ctx: ModelContext
) -> RoutingPlan:
    return _solve_sized(ctx, kitchen_id, visits, capacity_meals=capacity_meals, tag=tag)


def _route_unit(
    kitchen_id: str,
    visits: tuple[Visit, ...],
    capacity_meals: int,
    n_vehicles: int | None,
    ctx: ModelContext,
) -> RoutingPlan:
    return route_kitchen_day(
        ctx, kitchen_id, visits, capacity_meals=capacity_meals, n_vehicles=n_vehicles
    )


def _by_sector(visits: Sequence[Visit], sector_of: Mapping[str, int]) -> dict[int, list[Visit]]:
    by_sector: dict[int, list[Visit]] = {}
    for v in visits:
        by_sector.setdefault(sector_of[v.recipient_id], []).append(v)
    return dict(sorted(by_sector.items()))


def _repair(
    ctx: ModelContext,
    kitchen_id: str,
    visits: Sequence[Visit],
    plans: Mapping[int, RoutingPlan],
    *,
    capacity_meals: int,
    spare: Sequence[Vehicle] | None,
) -> RoutingPlan:
    """Merge the sector plans; first solve the stops they left out for lack of vans
    together (``spare=None``: a sized fleet of its own; else the unused vans)."""
    left = {sid for p in plans.values() for sid in _short(p)}
    merged = [plans[k] for k in sorted(plans)]
    logger.debug("%s: %d stops routed in %d sectors", kitchen_id, len(visits), len(plans))
    if not left or (spare is not None and not spare):
        return merge_plans(merged)
    redo = [v for v in visits if v.recipient_id in left]
    if spare is None:
        fix = _solve_sized(ctx, kitchen_id, redo, capacity_meals=capacity_meals, tag="r")
    else:
        fix = _solve_visits(ctx, kitchen_id, redo, spare)
    rescued = set(fix.served_ids)
    logger.info(
        "%s: repair pass re-inserted %d of %d stops the sectors left out",
        kitchen_id,
        len(rescued),
        len(left),
    )
    kept = [
        dataclasses.replace(p, unserved=tuple(u for u in p.unserved if u.stop_id not in left))
        for p in merged
    ]
    return merge_plans([*kept, fix])


def sectors(
    ctx: ModelContext, kitchen_id: str, n_vehicles: int | None
) -> tuple[dict[str, int], list[int]]:
    """Fixed angular sectors around a kitchen over ALL the scenario's recipients.

    ``ceil(recipients / max_stops_per_solve)`` sectors (capped fleet: at most one per
    vehicle) of about equal meals (:func:`~maltid.models.visits.sweep_groups`), and, for a
    capped fleet, the vehicles each gets: one, the rest by meals (largest remainder; ties
    by sector; sized fleet: no shares). Both depend only on the scenario, never on the
    day's visits, so a change in one village (a kitchen opened in a flip of
    ``optimised_mix``) re-routes only that village's sector: the others are memo hits.
    """
    rs = sorted(ctx.scenario.recipients, key=lambda r: r.id)
    # the memo is shared by scenario variants (break-even): key on the recipients too
    who = tuple((r.id, float(r.lat), float(r.lon), int(r.meals_per_week)) for r in rs)
    key = ("sectors", kitchen_id, n_vehicles, ctx.max_stops_per_solve, who)
    hit = ctx.routing_cache.get(key)
    if isinstance(hit, tuple):
        return hit[0], hit[1]
    ids = [r.id for r in rs]
    weight = [float(max(max(meals_by_day(r.meals_per_week)), 1)) for r in rs]
    n_groups = max(1, math.ceil(len(rs) / ctx.max_stops_per_solve))
    if n_vehicles is not None:
        n_groups = max(1, min(n_groups, n_vehicles))
    kitchen = ctx.scenario.kitchen(kitchen_id)
    groups = sweep_groups(ids, angles_rad(kitchen, rs), weight, n_groups)
    groups = [g for g in groups if g]
    sector_of = {i: k for k, g in enumerate(groups) for i in g}
    shares: list[int] = []
    if n_vehicles is not None:
        w_of = dict(zip(ids, weight, strict=True))
        g_weight = [sum(w_of[i] for i in g) for g in groups]
        spare = n_vehicles - len(groups)
        total = sum(g_weight) or 1.0
        quota = [spare * w / total for w in g_weight]
        shares = [1 + math.floor(q) for q in quota]
        rest = n_vehicles - sum(shares)
        order = sorted(range(len(groups)), key=lambda k: (math.floor(quota[k]) - quota[k], k))
        for k in order[:rest]:
            shares[k] += 1
    ctx.routing_cache[key] = (sector_of, shares)
    return sector_of, shares


def _solve_visits(
    ctx: ModelContext, kitchen_id: str, visits: Sequence[Visit], vehicles: Sequence[Vehicle]
) -> RoutingPlan:
    """Solve one kitchen's visits with the given vehicles (memoised on every input)."""
    from maltid import routing

    visits = sorted(visits, key=lambda v: v.recipient_id)
    fleet_ = tuple(vehicles)
    rows = [ctx.row(kitchen_id)] + [ctx.row(v.recipient_id) for v in visits]
    idx = np.asarray(rows, dtype=np.int64)
    # cut first, then widen: the matrix is float32 and may be county-sized
    t = np.asarray(ctx.matrix.time_s)[np.ix_(idx, idx)].astype(float)
    d = np.asarray(ctx.matrix.distance_m)[np.ix_(idx, idx)].astype(float)
    service_s = float(ctx.scenario.fleet.service_s)
    stops = tuple(
        Stop(
            id=v.recipient_id,
            index=k + 1,
            demand_meals=int(v.demand_meals),
            window_start_s=float(v.window_start_s),
            window_end_s=float(v.window_end_s),
            service_s=service_s,
            hot=bool(v.hot),
        )
        for k, v in enumerate(visits)
    )
    hold = float(ctx.scenario.delivery.max_hot_holding_s)
    params = ctx.routing_params
    # the sub-matrices by digest: short keys, cheap to send back from worker processes
    digest = hashlib.blake2b(t.tobytes(), digest_size=20)
    digest.update(d.tobytes())
    key = (kitchen_id, digest.hexdigest(), stops, fleet_, hold, params)
    hit = ctx.routing_cache.get(key)
    if isinstance(hit, RoutingPlan):
        return hit
    problem = RoutingProblem(
        time_s=t,
        distance_m=d,
        stops=stops,
        vehicles=fleet_,
        max_hot_holding_s=hold,
        depot_ids={0: kitchen_id},
    )
    plan = routing.solve(problem, params)
    ctx.routing_cache[key] = plan
    return plan


def merge_plans(plans: Sequence[RoutingPlan]) -> RoutingPlan:
    """Concatenate several kitchens' plans of one day into one :class:`RoutingPlan`.

    Status: the single status if all agree, else the worst in the order infeasible, fail,
    invalid, timeout, partial, success, optimal, empty.
    """
    k2p: dict[str, float] = {}
    for p in plans:
        k2p.update(p.kitchen_to_plate_s)
    statuses = [p.status for p in plans] or ["empty"]
    uniq = set(statuses)
    if len(uniq) == 1:
        status = statuses[0]
    else:
        rank = {s: k for k, s in enumerate(_STATUS_ORDER)}
        real = [s for s in uniq if s != "empty"]
        status = min(real, key=lambda s: rank.get(s, -1))
    return RoutingPlan(
        routes=tuple(r for p in plans for r in p.routes),
        unserved=tuple(u for p in plans for u in p.unserved),
        kitchen_to_plate_s=types.MappingProxyType(k2p),
        status=status,
        objective_sek=float(sum(p.objective_sek for p in plans)),
        solve_time_s=float(sum(p.solve_time_s for p in plans)),
    )

"""Model ``local_kitchens`` (the Frame Lake model) and the siting plan both local models use.

Every local kitchen is open and cooks daily (7 days) for the recipients of its village
that it can reach. Village = nearer (travel time) to that local kitchen than to the
central kitchen (without this a kitchen with spare capacity would take over recipients
next door to the central kitchen, which is not the Frame Lake model). Reach:
:func:`maltid.models.reach.reach`. Assignment by the siting MIP with every local kitchen
forced open and the central kitchen as a fallback whose assignment carries a penalty per
meal larger than any local cost, so the MIP first maximises the meals cooked locally
(within capacities) and then minimises the estimated cost. Recipients no local kitchen
can serve stay with the central kitchen, delivered as in ``central_daily_hot`` (the
scenario's ``days_per_week`` if such a model is present, else 7).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from maltid import siting
from maltid.errors import InputError
from maltid.models.assemble import KitchenRole, assemble, central_role, closed_kitchen, hot_window
from maltid.models.central import central_days_per_week
from maltid.models.dispatch import vehicle_cap
from maltid.models.reach import (
    Reach,
    assignment_cost_sek,
    delivery_mode,
    local_delivery,
    reach,
    village_only,
)
from maltid.models.registry import register, wrong_spec
from maltid.models.visits import Visit, central_hot_visits, meals_by_day
from maltid.results import LocalDelivery
from maltid.scenario import LocalKitchens
from maltid.siting import SitingProblem, SitingResult

if TYPE_CHECKING:
    from collections.abc import Mapping

    from maltid.models.context import ModelContext
    from maltid.results import WeekPlan
    from maltid.scenario import KitchenSpec, ModelSpec, Recipient

__all__ = ["local_kitchens", "siting_plan"]

logger = logging.getLogger("maltid")


def siting_plan(
    ctx: ModelContext,
    name: str,
    *,
    kind: str,
    force_open: Sequence[str] = (),
    force_closed: Sequence[str] = (),
    village_first: bool | None = None,
) -> tuple[WeekPlan, SitingResult, SitingProblem]:
    """Assign recipients with the siting MIP and route every kitchen (both local models).

    ``village_first`` (default: ``kind == "local_kitchens"``) is the Frame Lake rule: every
    local kitchen open, each serving its own village first (see the module docstring).
    """
    if village_first is None:
        village_first = kind == "local_kitchens"

    sc = ctx.scenario
    central = sc.central_kitchen
    recipients = sorted(sc.recipients, key=lambda r: r.id)
    locals_ = list(sc.local_kitchens)
    if kind == "optimised_mix":
        locals_ = [k for k in locals_ if k.candidate or k.id in force_open]
    facilities = [central, *locals_]
    central_days = central_days_per_week(ctx)
    delivery_days = [central_days] + [7] * len(locals_)
    rch = reach(ctx, facilities, recipients)
    if village_first:
        rch = village_only(ctx, facilities, recipients, rch)
    cost = assignment_cost_sek(ctx, facilities, recipients, rch, delivery_days=delivery_days)
    # the central kitchen is always a fallback: recipients nobody can reach stay with it
    cost[0] = np.where(np.isfinite(cost[0]), cost[0], _central_fallback(cost))
    demand = np.asarray([max(meals_by_day(r.meals_per_week)) for r in recipients], dtype=float)
    capacity = np.asarray([float(k.capacity_meals_per_day) for k in facilities])
    # vehicle days are charged per stop in assignment_cost_sek, not here
    fixed = np.asarray([0.0] + [7.0 * float(k.fixed_cost_sek_per_day) for k in locals_])
    if village_first:
        # maximise locally cooked meals first: a per-meal penalty above any local cost
        finite = cost[np.isfinite(cost)]
        big = 10.0 * (float(finite.max()) if finite.size else 1.0) + 1.0
        cost[0] = cost[0] + big * np.asarray([float(r.meals_per_week) for r in recipients])
        always = [True] * len(facilities)
    else:
        always = [True] + [False] * len(locals_)
    central_cap = float(central.capacity_meals_per_day)
    capacity[0] = max(central_cap, float(demand.sum()))
    if central_cap < float(demand.sum()):
        logger.warning(
            "%s: the central kitchen's capacity (%g meals/day) is below the peak demand; "
            "the capacity is not enforced for the central fallback",
            name,
            central_cap,
        )
    problem = SitingProblem(
        facility_ids=tuple(k.id for k in facilities),
        customer_ids=tuple(r.id for r in recipients),
        fixed_cost_sek=fixed,
        capacity=capacity,
        demand=demand,
        assign_cost_sek=cost,
        always_open=np.asarray(always, dtype=bool),
    )
    result = siting.solve_siting(  # via the module: benchmarks time it by wrapping
        problem,
        time_limit_s=ctx.siting_time_limit_s,
        force_open=tuple(force_open),
        force_closed=tuple(force_closed),
    )
    if result.status not in ("OPTIMAL", "FEASIBLE"):
        raise InputError(
            f"{name}: the kitchen-siting model has no solution (status {result.status}); "
            "(fix: check the kitchens' capacity_meals_per_day against the recipients' meals)"
        )
    assign = {str(c): str(f) for c, f in result.assignment.items()}
    for r in recipients:
        assign.setdefault(r.id, central.id)
    opened = set(result.open_ids)
    open_ids = [central.id] + [k.id for k in locals_ if k.id in opened]
    plan = _local_week(
        ctx,
        name,
        kind=kind,
        open_kitchens=[k for k in facilities if k.id in open_ids],
        assignment=assign,
        rch=rch,
        facilities=facilities,
        recipients=recipients,
        central_days=central_days,
    )
    closed = tuple(closed_kitchen(k) for k in locals_ if k.id not in open_ids)
    if closed:
        plan = dataclasses.replace(plan, kitchens=plan.kitchens + closed)
    return plan, result, problem


def _central_fallback(cost: np.ndarray) -> np.ndarray:
    finite = cost[np.isfinite(cost)]
    big = 100.0 * (float(finite.max()) if finite.size else 1.0) + 1.0
    return np.full(cost.shape[1], big)


def _local_week(
    ctx: ModelContext,
    name: str,
    *,
    kind: str,
    open_kitchens: Sequence[KitchenSpec],
    assignment: Mapping[str, str],
    rch: Reach,
    facilities: Sequence[KitchenSpec],
    recipients: Sequence[Recipient],
    central_days: int,
) -> WeekPlan:
    central = ctx.scenario.central_kitchen
    fac_index = {k.id: i for i, k in enumerate(facilities)}
    rec_index = {r.id: j for j, r in enumerate(recipients)}
    window_for = hot_window(ctx)
    week: list[dict[str, list[Visit]]] = [{} for _ in range(7)]
    roles: dict[str, KitchenRole] = {}
    local_deliveries: list[LocalDelivery] = []
    local_meals: dict[str, tuple[str, int]] = {}
    fleet = ctx.scenario.fleet
    no_road = ctx.no_road
    for k in open_kitchens:
        mine = [r for r in recipients if assignment.get(r.id) == k.id and r.id not in no_road]
        mode = delivery_mode(k)
        if k.role == "central":
            roles[k.id] = central_role(ctx, cooking_days=central_days)
            vis = central_hot_visits(mine, k.id, days_per_week=central_days, window_for=window_for)
        else:
            roles[k.id] = KitchenRole(k, int(fleet.vehicle_capacity_meals), vehicle_cap(ctx, k), 7)
            if mode != "car":
                for r in mine:
                    i, j = fac_index[k.id], rec_index[r.id]
                    ld = local_delivery(ctx, k, r, rch, i, j, share=len(mine))
                    local_deliveries.append(ld)
                    local_meals[r.id] = (k.id, int(r.meals_per_week))
                continue
            vis = central_hot_visits(mine, k.id, days_per_week=7, window_for=window_for)
        for d in range(7):
            if vis[d]:
                week[d][k.id] = vis[d]
    if central.id not in roles:
        roles[central.id] = central_role(ctx, cooking_days=central_days)
    return assemble(
        ctx,
        name=name,
        kind=kind,
        week=week,
        roles=roles,
        hot=True,
        assignment=assignment,
        local_deliveries=local_deliveries,
        local_meals=local_meals,
    )


@register("local_kitchens")
def local_kitchens(ctx: ModelContext, spec: ModelSpec) -> WeekPlan:
    """Solve ``local_kitchens`` (the Frame Lake model) for one week (s, m, SEK)."""
    if not isinstance(spec, LocalKitchens):
        raise wrong_spec("local_kitchens", spec)
    plan, _, _ = siting_plan(ctx, spec.name, kind="local_kitchens")
    return plan

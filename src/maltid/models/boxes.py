"""Chilled boxes: delivery days, shelf life, the spreading of groups over the working week.

Used by ``central_chilled`` and by every model's fallback (chilled boxes from the central
kitchen for whom the model's own mode cannot serve).

Shelf life: a chilled meal is cooked ``chilled_days_cooked_before_delivery`` days before
its delivery (a cost parameter, default 1: :func:`cook_to_delivery_days`) and may be eaten
until ``shelf_life_days`` after cooking, so it may be kept at home ``shelf_life_days -
cook_to_delivery_days`` days. With ``k`` deliveries a week on
the days ``floor(i * 7 / k)``, a meal is kept at most ``(longest gap between deliveries)
- 1`` days; when the asked ``k`` breaks the shelf life, ``k`` is raised to the smallest
number that keeps it, and the plan records both numbers
(``WeekPlan.chilled_deliveries_asked_per_week`` and ``chilled_deliveries_per_week``). The
fallback also raises ``k`` until every one of its recipients' deliveries fits a chilled
van (``central_chilled`` instead hands such a recipient to its fallback).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from maltid.models.visits import (
    Visit,
    angles_rad,
    chilled_group_visits,
    chilled_offsets,
    meals_by_day,
    sweep_groups,
)
from maltid.scenario import CentralChilled

if TYPE_CHECKING:
    from maltid.models.context import ModelContext
    from maltid.scenario import Recipient

__all__ = [
    "CHILLED_FILL_TARGET",
    "WORKING_DAYS",
    "box_week",
    "cook_to_delivery_days",
    "deliveries_needed",
    "fallback_deliveries_asked",
    "max_days_kept",
    "n_box_groups",
    "per_delivery_meals",
    "shelf_life_days",
]

#: Share of a day's fleet capacity the chilled spreading rule plans to fill at first.
CHILLED_FILL_TARGET = 0.9
#: Working days a week over which chilled deliveries are spread.
WORKING_DAYS = 5


def shelf_life_days(ctx: ModelContext) -> int:
    """Days from cooking to the last chilled meal eaten (``[delivery]
    chilled_shelf_life_days``; days)."""
    return int(ctx.scenario.delivery.chilled_shelf_life_days)


def cook_to_delivery_days(ctx: ModelContext) -> int:
    """Whole days from cooking to delivery of a chilled meal (the cost parameter
    ``chilled_days_cooked_before_delivery``, rounded up; days)."""
    return math.ceil(float(ctx.parameters["chilled_days_cooked_before_delivery"]))


def max_days_kept(deliveries_per_week: int) -> int:
    """Longest a meal is kept at home (days) with ``k`` deliveries a week: the longest
    gap between delivery days minus one."""
    offs = [*chilled_offsets(deliveries_per_week), 7]
    return max(b - a for a, b in itertools.pairwise(offs)) - 1


def per_delivery_meals(recipient: Recipient, deliveries_per_week: int) -> int:
    """Most meals one delivery brings this recipient with ``k`` deliveries a week."""
    offs = chilled_offsets(deliveries_per_week)
    mbd = meals_by_day(recipient.meals_per_week)
    return max(sum(mbd[o:b]) for o, b in zip(offs, [*offs[1:], 7], strict=True))


def deliveries_needed(
    ctx: ModelContext,
    recipients: Sequence[Recipient],
    asked: int,
    *,
    capacity_meals: int | None = None,
) -> int:
    """The smallest ``k >= asked`` (deliveries a week, <= 7) that keeps the shelf life and,
    given ``capacity_meals`` (the fallback), fits every recipient's delivery into one
    chilled van; 7 if none does."""
    keep = shelf_life_days(ctx) - cook_to_delivery_days(ctx)
    for k in range(max(1, asked), 8):
        fits = capacity_meals is None or all(
            per_delivery_meals(r, k) <= capacity_meals for r in recipients
        )
        if max_days_kept(k) <= keep and fits:
            return k
    return 7


def fallback_deliveries_asked(ctx: ModelContext) -> int:
    """Deliveries a week the fallback asks for: those of the scenario's first
    ``central_chilled`` model, else that model kind's default."""
    for m in ctx.scenario.models:
        if isinstance(m, CentralChilled):
            return int(m.deliveries_per_week)
    return int(CentralChilled.model_fields["deliveries_per_week"].default)


def n_box_groups(
    recipients: Sequence[Recipient],
    deliveries_per_week: int,
    *,
    capacity_meals: int,
    n_vehicles: int | None,
) -> int:
    """Groups to spread the deliveries over (>= 1): the meals of one delivery round over
    ``CHILLED_FILL_TARGET`` of a day's fleet (a sized fleet counts as one van a day, so
    the rounds are spread over the working week), at most ``max(1, 5 // k)``."""
    k = int(deliveries_per_week)
    max_groups = max(1, WORKING_DAYS // k) if k <= WORKING_DAYS else 1
    meals = sum(per_delivery_meals(r, k) for r in recipients)
    vans = 1 if n_vehicles is None else max(1, n_vehicles)
    fleet_day = CHILLED_FILL_TARGET * vans * max(1, capacity_meals)
    return int(min(max_groups, max(1, math.ceil(meals / fleet_day))))


def box_week(
    ctx: ModelContext,
    recipients: Sequence[Recipient],
    *,
    deliveries_per_week: int,
    n_groups: int,
    window: tuple[float, float],
) -> list[dict[str, list[Visit]]]:
    """Chilled-box visits of each day Mon..Sun from the central kitchen: the recipients
    split into ``n_groups`` angular sectors (group ``g`` delivered ``g`` days later)."""
    c = ctx.scenario.central_kitchen
    rs = sorted(recipients, key=lambda r: r.id)
    by_id = {r.id: r for r in rs}
    groups = sweep_groups(
        [r.id for r in rs], angles_rad(c, rs), [float(r.meals_per_week) for r in rs], n_groups
    )
    week: list[dict[str, list[Visit]]] = [{} for _ in range(7)]
    for g, members in enumerate(groups):
        gv = chilled_group_visits(
            [by_id[i] for i in members],
            c.id,
            deliveries_per_week=deliveries_per_week,
            shift=g,
            window=window,
        )
        for d in range(7):
            if gv[d]:
                week[d].setdefault(c.id, []).extend(gv[d])
    return week

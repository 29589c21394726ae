"""Model ``central_chilled``: chilled boxes from the central kitchen a few times a week.

Chilled boxes ``deliveries_per_week = k`` times a week, no hot-holding, window = the
working day (shift start to shift end), capacity = ``fleet.chilled_vehicle_capacity_meals``
(else ``vehicle_capacity_meals``). A delivery carries the meals up to the next delivery.
Delivery days of one group are ``floor(i * 7 / k)`` for ``i < k`` (k = 1: Mon; 2: Mon,
Thu; 3: Mon, Wed, Fri ...).

**Spreading rule**: recipients are split into ``G`` groups by a balanced angular sweep
around the central kitchen (angles from the kitchen, the sweep starts at the largest
angular gap, groups are contiguous sectors with about equal meals; ties by id), and group
``g`` is delivered on the group days shifted by ``g`` days, so the working week (Mon-Fri)
is shared. ``G`` starts at ``ceil(meals per delivery / (0.9 x vehicles x capacity))`` and
grows by one while the solver has to drop stops for lack of vehicles, capacity or shift
time, up to ``max(1, 5 // k)`` groups. All meals are reheated; days kept at home are
recorded per stop for the kitchen-to-plate figure.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from maltid.models.assemble import assemble, central_role, shift_window
from maltid.models.registry import register, wrong_spec
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
    from maltid.results import WeekPlan
    from maltid.scenario import ModelSpec

__all__ = ["CHILLED_FILL_TARGET", "WORKING_DAYS", "central_chilled"]

logger = logging.getLogger("maltid")

#: Share of a day's fleet capacity the chilled spreading rule plans to fill at first.
CHILLED_FILL_TARGET = 0.9
#: Working days a week over which chilled deliveries are spread.
WORKING_DAYS = 5


@register("central_chilled")
def central_chilled(ctx: ModelContext, spec: ModelSpec) -> WeekPlan:
    """Solve ``central_chilled`` for one week (s, m, SEK)."""
    if not isinstance(spec, CentralChilled):
        raise wrong_spec("central_chilled", spec)
    c = ctx.scenario.central_kitchen
    k = int(spec.deliveries_per_week)
    offs = chilled_offsets(k)
    role = central_role(ctx, cooking_days=1, chilled=True)
    recipients = sorted(ctx.scenario.recipients, key=lambda r: r.id)
    by_id = {r.id: r for r in recipients}
    window = shift_window(ctx)
    max_groups = max(1, WORKING_DAYS // k) if k <= WORKING_DAYS else 1
    per_delivery = [
        max(
            sum(meals_by_day(r.meals_per_week)[o:b])
            for o, b in zip(offs, [*offs[1:], 7], strict=True)
        )
        for r in recipients
    ]
    fleet_day = CHILLED_FILL_TARGET * max(1, role.n_vehicles) * max(1, role.capacity_meals)
    n_groups = min(max_groups, max(1, math.ceil(sum(per_delivery) / fleet_day)))
    angles = angles_rad(c, recipients)
    ids = [r.id for r in recipients]
    weights = [float(r.meals_per_week) for r in recipients]
    while True:
        groups = sweep_groups(ids, angles, weights, n_groups)
        week: list[dict[str, list[Visit]]] = [{} for _ in range(7)]
        for g, members in enumerate(groups):
            gv = chilled_group_visits(
                [by_id[i] for i in members],
                c.id,
                deliveries_per_week=k,
                shift=g,
                window=window,
            )
            for d in range(7):
                if gv[d]:
                    week[d].setdefault(c.id, []).extend(gv[d])
        role.cooking_days = sum(1 for d in range(7) if week[d])
        plan = assemble(
            ctx,
            name=spec.name,
            kind="central_chilled",
            week=week,
            roles={c.id: role},
            hot=False,
            assignment={i: c.id for i in ids},
        )
        dropped = any(u.code == "dropped" for dp in plan.days for u in dp.plan.unserved)
        if not dropped or n_groups >= max_groups:
            return plan
        n_groups += 1
        logger.info("central_chilled: stops dropped, spreading over %d groups", n_groups)

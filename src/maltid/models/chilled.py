"""Model ``central_chilled``: chilled boxes from the central kitchen a few times a week.

Chilled boxes ``deliveries_per_week = k`` times a week, no hot-holding, window = the
working day (shift start to shift end), capacity = ``fleet.chilled_vehicle_capacity_meals``
(else ``vehicle_capacity_meals``). A delivery carries the meals up to the next delivery.
Delivery days of one group are ``floor(i * 7 / k)`` for ``i < k`` (k = 1: Mon; 2: Mon,
Thu; 3: Mon, Wed, Fri ...); ``k`` is raised when it would break the shelf life
(:mod:`maltid.models.boxes`), and the plan records the asked and the planned number.

**Spreading rule**: recipients are split into ``G`` groups by a balanced angular sweep
around the central kitchen (angles from the kitchen, the sweep starts at the largest
angular gap, groups are contiguous sectors with about equal meals; ties by id), and group
``g`` is delivered on the group days shifted by ``g`` days, so the working week (Mon-Fri)
is shared. ``G`` starts at ``ceil(meals per delivery / (0.9 x vehicles x capacity))`` (a
sized fleet counts as one van a day) and, with a capped fleet, grows by one while the
solver has to leave stops out for lack of vans, up to ``max(1, 5 // k)`` groups. Whom the
own rounds still cannot serve gets the fallback (:mod:`maltid.models.assemble`). All
meals are reheated; days kept at home are recorded per stop for the kitchen-to-plate
figure.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from maltid.models.assemble import assemble, central_role, shift_window
from maltid.models.boxes import WORKING_DAYS, box_week, deliveries_needed, n_box_groups
from maltid.models.dispatch import SHORT_OF_VANS
from maltid.models.registry import register, wrong_spec
from maltid.scenario import CentralChilled

if TYPE_CHECKING:
    from maltid.models.context import ModelContext
    from maltid.results import WeekPlan
    from maltid.scenario import ModelSpec

__all__ = ["central_chilled"]

logger = logging.getLogger("maltid")


@register("central_chilled")
def central_chilled(ctx: ModelContext, spec: ModelSpec) -> WeekPlan:
    """Solve ``central_chilled`` for one week (s, m, SEK)."""
    if not isinstance(spec, CentralChilled):
        raise wrong_spec("central_chilled", spec)
    c = ctx.scenario.central_kitchen
    asked = int(spec.deliveries_per_week)
    role = central_role(ctx, cooking_days=1, chilled=True)
    no_road = ctx.no_road
    recipients = [r for r in ctx.scenario.recipients if r.id not in no_road]
    k = deliveries_needed(ctx, recipients, asked)
    if k != asked:
        logger.info(
            "%s: %d chilled deliveries a week raised to %d (the shelf life)",
            spec.name,
            asked,
            k,
        )
    max_groups = max(1, WORKING_DAYS // k) if k <= WORKING_DAYS else 1
    n_groups = n_box_groups(
        recipients, k, capacity_meals=role.capacity_meals, n_vehicles=role.n_vehicles
    )
    window = shift_window(ctx)
    while True:
        week = box_week(ctx, recipients, deliveries_per_week=k, n_groups=n_groups, window=window)
        role.cooking_days = sum(1 for d in range(7) if week[d])
        plan = assemble(
            ctx,
            name=spec.name,
            kind="central_chilled",
            week=week,
            roles={c.id: role},
            hot=False,
            assignment={r.id: c.id for r in ctx.scenario.recipients},
            chilled_deliveries=(asked, k),
        )
        short = any(o.reason_code in SHORT_OF_VANS for o in plan.outcomes.values())
        if not short or n_groups >= max_groups:
            return plan
        n_groups += 1
        logger.info("%s: stops dropped, spreading over %d groups", spec.name, n_groups)

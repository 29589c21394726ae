"""Model ``central_daily_hot``: a hot delivery from the central kitchen every meal day.

``days_per_week = 7``: every day a hot delivery to every recipient with a meal that day.
``days_per_week = 5``: Mon-Thu hot; on Friday the Friday meal is hot and the weekend
meals travel chilled with the same visit (the load counts them; they are reheated, kept 1
and 2 days). Window: the recipient's own window if given, else the lunch window. The
hot-holding limit applies to stops with a hot meal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maltid.models.assemble import assemble, central_role, hot_window
from maltid.models.registry import register, wrong_spec
from maltid.models.visits import Visit, central_hot_visits
from maltid.scenario import CentralDailyHot

if TYPE_CHECKING:
    from maltid.models.context import ModelContext
    from maltid.results import WeekPlan
    from maltid.scenario import ModelSpec

__all__ = ["central_daily_hot", "central_days_per_week"]


def central_days_per_week(ctx: ModelContext) -> int:
    """Hot delivery days a week of the central kitchen: the scenario's
    ``central_daily_hot`` model's ``days_per_week`` if it has one, else 7."""
    for m in ctx.scenario.models:
        if isinstance(m, CentralDailyHot):
            return int(m.days_per_week)
    return 7


@register("central_daily_hot")
def central_daily_hot(ctx: ModelContext, spec: ModelSpec) -> WeekPlan:
    """Solve ``central_daily_hot`` for one week (s, m, SEK)."""
    if not isinstance(spec, CentralDailyHot):
        raise wrong_spec("central_daily_hot", spec)
    c = ctx.scenario.central_kitchen
    dpw = int(spec.days_per_week)
    visits = central_hot_visits(
        ctx.scenario.recipients, c.id, days_per_week=dpw, window_for=hot_window(ctx)
    )
    week: list[dict[str, list[Visit]]] = [{c.id: vs} if vs else {} for vs in visits]
    return assemble(
        ctx,
        name=spec.name,
        kind="central_daily_hot",
        week=week,
        roles={c.id: central_role(ctx, cooking_days=dpw)},
        hot=True,
        assignment={r.id: c.id for r in ctx.scenario.recipients},
    )

"""The delivery models: per-kitchen, per-day routing and siting problems built from a scenario.

Every model returns a :class:`maltid.results.WeekPlan` (times in seconds, distances in
metres, costs in SEK). Nothing here prices a plan: :mod:`maltid.costs` does that, from the
plan alone, with the same rates that are given to the routing vehicles here.

Layout (the data flow): :mod:`~maltid.models.context` (scenario, matrix, rates, solver
settings, who has no road) -> :mod:`~maltid.models.visits` (the week day by day) -> one
module per model kind (:mod:`~maltid.models.central`, :mod:`~maltid.models.chilled`,
:mod:`~maltid.models.local` with :mod:`~maltid.models.reach`, :mod:`~maltid.models.mix`),
each registering itself in :mod:`~maltid.models.registry` ->
:mod:`~maltid.models.dispatch` (one kitchen's day as a routing problem: sized or capped
fleet, sectors, repair) -> :mod:`~maltid.models.assemble` (the WeekPlan: every recipient
served by the own mode, by the fallback's chilled boxes of :mod:`~maltid.models.boxes`,
or unserved for want of a road). A new delivery model is one new module decorated with
``@register("<kind>")`` and imported below.

Why one routing problem per kitchen (not one multi-depot problem): the assignment of
recipients to kitchens is a decision of the model (the local kitchen serves its village;
the siting MIP decides the mix), so a multi-depot solver must not undo it; per-kitchen
problems are also smaller and cache well across the break-even re-solves.
"""

from __future__ import annotations

# the model modules register their kinds on import
from maltid.models import central, chilled, home_care, local, mix  # noqa: F401
from maltid.models.context import ModelContext, central_kitchen, make_context
from maltid.models.dispatch import merge_plans
from maltid.models.mix import SitingReport, solve_optimised_mix
from maltid.models.reach import assignment_cost_sek
from maltid.models.registry import kinds, register, solve_model
from maltid.models.visits import (
    DAY_NAMES,
    Visit,
    central_hot_visits,
    chilled_group_visits,
    chilled_offsets,
    day_label,
    meals_by_day,
    sweep_groups,
)

#: The registered model kinds.
MODEL_KINDS = kinds()

__all__ = [
    "DAY_NAMES",
    "MODEL_KINDS",
    "ModelContext",
    "SitingReport",
    "Visit",
    "assignment_cost_sek",
    "central_hot_visits",
    "central_kitchen",
    "chilled_group_visits",
    "chilled_offsets",
    "day_label",
    "kinds",
    "make_context",
    "meals_by_day",
    "merge_plans",
    "register",
    "solve_model",
    "solve_optimised_mix",
    "sweep_groups",
]

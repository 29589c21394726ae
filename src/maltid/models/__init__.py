"""The delivery models: per-kitchen, per-day routing and siting problems built from a scenario."""

from __future__ import annotations

from maltid.models.core import (
    DAY_NAMES,
    MODEL_KINDS,
    ModelContext,
    SitingReport,
    Visit,
    assignment_cost_sek,
    central_kitchen,
    day_label,
    make_context,
    meals_by_day,
    merge_plans,
    solve_model,
    solve_optimised_mix,
)

__all__ = [
    "DAY_NAMES",
    "MODEL_KINDS",
    "ModelContext",
    "SitingReport",
    "Visit",
    "assignment_cost_sek",
    "central_kitchen",
    "day_label",
    "make_context",
    "meals_by_day",
    "merge_plans",
    "solve_model",
    "solve_optimised_mix",
]

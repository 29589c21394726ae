"""Vehicle routing on plain arrays (the only OR-Tools routing user), with a PyVRP backend."""

from __future__ import annotations

from maltid.routing.ortools import (
    FIRST_SOLUTION_STRATEGIES,
    METAHEURISTICS,
    MONEY_SCALE_PER_SEK,
    TIME_SCALE_PER_S,
    UNSERVED_CODES,
    Route,
    RoutingPlan,
    RoutingProblem,
    Stop,
    Unserved,
    Vehicle,
    default_solution_limit,
    solve,
)

__all__ = [
    "FIRST_SOLUTION_STRATEGIES",
    "METAHEURISTICS",
    "MONEY_SCALE_PER_SEK",
    "TIME_SCALE_PER_S",
    "UNSERVED_CODES",
    "Route",
    "RoutingPlan",
    "RoutingProblem",
    "Stop",
    "Unserved",
    "Vehicle",
    "default_solution_limit",
    "solve",
]

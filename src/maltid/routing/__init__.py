"""Vehicle routing of one delivery day on plain arrays: the problem, two backends, ``solve``.

``solve(problem, params)`` dispatches on the type of ``params``: :class:`AutoParams`
(the default, chosen by the benchmarks; ``docs/routing.md``) sends each day to the
backend whose model of it is exact and strongest (:func:`backend_for`),
:class:`PyVrpParams` runs PyVRP, :class:`OrToolsParams` runs OR-Tools. Both model the
same day, hot-holding included, and return the same :class:`RoutingPlan`. The backends
import only :mod:`.problem` and :mod:`.params`, and are imported only when used.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from maltid.errors import RoutingInputError
from maltid.routing.params import (
    BACKENDS,
    AutoParams,
    OrToolsParams,
    PyVrpParams,
    SolverParams,
    backend_for,
    default_iterations,
    default_solution_limit,
    params_for_backend,
)
from maltid.routing.problem import (
    DISTANCE_SCALE_PER_M,
    MONEY_SCALE_PER_SEK,
    TIME_SCALE_PER_S,
    UNSERVED_CODES,
    Route,
    RoutingPlan,
    RoutingProblem,
    Stop,
    Unserved,
    Vehicle,
    route_cost_sek,
)

__all__ = [
    "BACKENDS",
    "DISTANCE_SCALE_PER_M",
    "MONEY_SCALE_PER_SEK",
    "TIME_SCALE_PER_S",
    "UNSERVED_CODES",
    "AutoParams",
    "OrToolsParams",
    "PyVrpParams",
    "Route",
    "RoutingPlan",
    "RoutingProblem",
    "SolverParams",
    "Stop",
    "Unserved",
    "Vehicle",
    "backend_for",
    "default_iterations",
    "default_solution_limit",
    "params_for_backend",
    "route_cost_sek",
    "solve",
]

logger = logging.getLogger("maltid")

#: Keywords of the older ``solve(problem, time_limit_s=..., ...)`` form: the fields of
#: :class:`OrToolsParams`, mapped onto it (kept until every call site passes params).
_LEGACY_KEYWORDS = frozenset(f.name for f in dataclasses.fields(OrToolsParams))


def solve(
    problem: RoutingProblem, params: SolverParams | None = None, **legacy: Any
) -> RoutingPlan:
    """Solve one delivery day; the plan's times are in seconds and costs in SEK.

    Parameters
    ----------
    problem : RoutingProblem
        The day to plan.
    params : AutoParams or PyVrpParams or OrToolsParams or None
        The backend and its options; ``None`` = ``AutoParams()`` (the default: each day
        to the backend :func:`backend_for` names, with its defaults).
    **legacy
        The older keyword form (``time_limit_s``, ``seed``, ``solution_limit``, ...: the
        fields of :class:`OrToolsParams`), equivalent to passing
        ``OrToolsParams(**legacy)``; not combinable with ``params``.

    Returns
    -------
    RoutingPlan
        Routes, unserved stops with reasons, kitchen-to-plate times and the objective.

    Raises
    ------
    maltid.errors.RoutingInputError
        Unknown keywords, keywords together with ``params``, or ``params`` of an unknown
        type.
    """
    if legacy:
        unknown = sorted(set(legacy) - _LEGACY_KEYWORDS)
        if unknown:
            raise RoutingInputError(
                f"solve(): unknown keyword(s) {', '.join(unknown)} (fix: pass "
                "params=PyVrpParams(...) or OrToolsParams(...))"
            )
        if params is not None:
            raise RoutingInputError(
                "solve(): both params and keywords given (fix: put the options in params)"
            )
        params = OrToolsParams(**legacy)
    if params is None:
        params = AutoParams()
    if isinstance(params, AutoParams):
        which = backend_for(problem)
        logger.debug("routing (auto): %d stops to %s", len(problem.stops), which)
        params = params.ortools if which == "ortools" else params.pyvrp
    if isinstance(params, PyVrpParams):
        from maltid.routing.pyvrp import solve_pyvrp

        return solve_pyvrp(problem, params)
    if isinstance(params, OrToolsParams):
        from maltid.routing.ortools import solve_ortools

        return solve_ortools(problem, params)
    raise RoutingInputError(
        f"solve(): params of type {type(params).__name__} (fix: pass AutoParams, "
        "PyVrpParams or OrToolsParams from maltid.routing)"
    )

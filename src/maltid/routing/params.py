"""Solver parameters, one frozen dataclass per routing backend (times in seconds).

``maltid.routing.solve(problem, params)`` dispatches on the type of ``params``:
:class:`AutoParams` (the default) sends each day to the backend whose formulation is
exact and strongest for it (:func:`backend_for`; chosen by the benchmarks, see
``docs/routing.md``), :class:`PyVrpParams` runs :mod:`maltid.routing.pyvrp`,
:class:`OrToolsParams` runs :mod:`maltid.routing.ortools`. Every field is used by its
backend; no option is silently ignored. Both stop deterministically by default (a
count of search solutions or iterations, machine-independent), with the wall clock only
as a safety cap.

This module imports no solver; names of OR-Tools strategies are checked by the OR-Tools
backend when it runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from maltid.errors import RoutingInputError

if TYPE_CHECKING:
    from maltid.routing.problem import RoutingProblem

__all__ = [
    "BACKENDS",
    "AutoParams",
    "OrToolsParams",
    "PyVrpParams",
    "SolverParams",
    "backend_for",
    "default_iterations",
    "default_solution_limit",
    "params_for_backend",
]


def _bad(field: str, value: object, fix: str) -> RoutingInputError:
    return RoutingInputError(f"solver parameters: {field}={value!r} (fix: {fix})")


def _check_common(time_limit_s: float, seed: int) -> None:
    if not (isinstance(time_limit_s, int | float) and math.isfinite(time_limit_s)):
        raise _bad("time_limit_s", time_limit_s, "use seconds > 0")
    if time_limit_s <= 0:
        raise _bad("time_limit_s", time_limit_s, "use seconds > 0")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise _bad("seed", seed, "use a whole number >= 0")


def _check_count(field: str, value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise _bad(field, value, "use a count >= 1 or None")


def default_solution_limit(n_stops: int, solution_limit: int | None = None) -> int:
    """Search solutions (count) before a deterministic OR-Tools solve stops: ``200 + 2 * n_stops``.

    Returns ``solution_limit`` itself when given (it must be >= 1).
    """
    _check_count("solution_limit", solution_limit)
    if solution_limit is not None:
        return int(solution_limit)
    return 200 + 2 * int(n_stops)


def default_iterations(n_stops: int, max_iterations: int | None = None) -> int:
    """PyVRP iterations (count) before a deterministic PyVRP solve stops: ``2000 + 20 * n_stops``.

    Returns ``max_iterations`` itself when given (it must be >= 1).
    """
    _check_count("max_iterations", max_iterations)
    if max_iterations is not None:
        return int(max_iterations)
    return 2000 + 20 * int(n_stops)


@dataclass(frozen=True, kw_only=True)
class OrToolsParams:
    """Parameters of the OR-Tools backend (:mod:`maltid.routing.ortools`); times in seconds.

    Parameters
    ----------
    time_limit_s : float
        Wall-clock cap on the search (s). With ``deterministic=True`` only a safety cap
        (a WARNING is logged when it is hit); otherwise the stopping rule.
    seed : int
        Passed to ``Solver.ReSeed``; with the default operators the plan does not
        depend on it.
    solution_limit : int or None
        Search solutions before a deterministic search stops; ``None`` =
        :func:`default_solution_limit` (``200 + 2 * stops``).
    first_solution : str
        OR-Tools first-solution strategy name (``FIRST_SOLUTION_STRATEGIES``).
    metaheuristic : str
        OR-Tools local-search metaheuristic name (``METAHEURISTICS``).
    gls_lambda : float
        ``guided_local_search_lambda_coefficient`` (> 0).
    iterated_local_search : bool
        OR-Tools' iterated local search (SISR ruin-and-recreate, simulated-annealing
        acceptance) instead of ``metaheuristic``.
    deterministic : bool
        Stop on ``solution_limit`` and a search-branch cap (machine-independent) rather
        than on the clock; switches off the wall-clock-limited LNS operators.
    log_search : bool
        Let OR-Tools log its search to stderr.
    """

    time_limit_s: float = 10.0
    seed: int = 0
    solution_limit: int | None = None
    first_solution: str = "PATH_CHEAPEST_ARC"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.1
    iterated_local_search: bool = False
    deterministic: bool = True
    log_search: bool = False

    def __post_init__(self) -> None:
        _check_common(self.time_limit_s, self.seed)
        _check_count("solution_limit", self.solution_limit)
        if not (math.isfinite(self.gls_lambda) and self.gls_lambda > 0):
            raise _bad("gls_lambda", self.gls_lambda, "use a coefficient > 0")


@dataclass(frozen=True, kw_only=True)
class PyVrpParams:
    """Parameters of the PyVRP backend (:mod:`maltid.routing.pyvrp`); times in seconds.

    Parameters
    ----------
    seed : int
        PyVRP's random seed (same seed, same plan).
    max_iterations : int or None
        Iterations of PyVRP's iterated local search before a deterministic solve stops;
        ``None`` = :func:`default_iterations` (``2000 + 20 * stops``).
    time_limit_s : float
        Wall-clock safety cap (s) when ``deterministic`` (a WARNING is logged when it
        is hit); the stopping rule otherwise.
    deterministic : bool
        Stop on ``max_iterations`` (machine-independent) rather than on the clock.
    max_no_improvement : int or None
        With ``deterministic``, also stop after this many iterations without a better
        solution (count; machine-independent); ``None`` = only ``max_iterations``.
    hot_copies_per_holding : int
        Hot stops under a holding limit H get release-time copies spaced
        ``H / hot_copies_per_holding`` apart (see ``docs/routing.md``); a route is
        representable when each of its hot stops is served at least that spacing
        within the limit, or when the limit does not bind. >= 1.
    max_hot_copies : int
        At most this many copies per hot stop (the spacing widens on very wide
        windows). >= 1.
    """

    seed: int = 0
    max_iterations: int | None = None
    time_limit_s: float = 60.0
    deterministic: bool = True
    max_no_improvement: int | None = None
    hot_copies_per_holding: int = 4
    max_hot_copies: int = 16

    def __post_init__(self) -> None:
        _check_common(self.time_limit_s, self.seed)
        _check_count("max_iterations", self.max_iterations)
        _check_count("max_no_improvement", self.max_no_improvement)
        _check_count("hot_copies_per_holding", self.hot_copies_per_holding)
        _check_count("max_hot_copies", self.max_hot_copies)


@dataclass(frozen=True, kw_only=True)
class AutoParams:
    """Each day to the backend whose model of it is exact and strongest (times in s).

    :func:`backend_for` decides per problem: a day mixing hot stops under a holding
    limit with stops that are not hot goes to OR-Tools (``ortools``), which states the
    limit per stop exactly; every other day (no stop hot, every stop hot, or no limit)
    goes to PyVRP (``pyvrp``), whose models of those days are exact. Measured in
    ``docs/benchmarks.md``: PyVRP is the stronger search on the Solomon set and on
    all-hot days, but its release-time copies of a mixed day restrict the departures
    and cost 3-11 % more than OR-Tools' exact model on the planner's lunch rounds.

    Parameters
    ----------
    pyvrp : PyVrpParams
        Parameters of the days PyVRP solves.
    ortools : OrToolsParams
        Parameters of the days OR-Tools solves.
    """

    pyvrp: PyVrpParams = field(default_factory=PyVrpParams)
    ortools: OrToolsParams = field(default_factory=OrToolsParams)

    def __post_init__(self) -> None:
        if not isinstance(self.pyvrp, PyVrpParams):
            raise _bad("pyvrp", self.pyvrp, "pass PyVrpParams(...)")
        if not isinstance(self.ortools, OrToolsParams):
            raise _bad("ortools", self.ortools, "pass OrToolsParams(...)")


#: Parameters of any backend.
SolverParams = AutoParams | OrToolsParams | PyVrpParams

#: Backend names (as in a scenario's ``[solver] backend``) and their parameter types.
BACKENDS: dict[str, type[AutoParams] | type[OrToolsParams] | type[PyVrpParams]] = {
    "auto": AutoParams,
    "pyvrp": PyVrpParams,
    "ortools": OrToolsParams,
}


def backend_for(problem: RoutingProblem) -> str:
    """``"ortools"`` for a day mixing hot stops under a limit with other stops, else ``"pyvrp"``.

    The rule of :class:`AutoParams`: OR-Tools states the hot-holding limit per stop
    exactly; PyVRP's exact models need every stop hot (routes ending at a sink) or no
    limit at all, and approximate a mixed day by release-time copies.
    """
    if problem.max_hot_holding_s is None:
        return "pyvrp"
    n_hot = sum(1 for s in problem.stops if s.hot)
    return "ortools" if 0 < n_hot < len(problem.stops) else "pyvrp"


def params_for_backend(
    backend: str,
    *,
    time_limit_s: float,
    seed: int,
    solution_limit: int | None = None,
    iteration_limit: int | None = None,
) -> SolverParams:
    """Deterministic parameters of the backend named ``backend`` (``"auto"``, ``"pyvrp"``,
    ``"ortools"``).

    For the scenario's ``[solver]`` table: ``time_limit_s`` (s) is the safety cap,
    ``solution_limit`` OR-Tools' count of search solutions and ``iteration_limit``
    PyVRP's count of iterations (``None`` = the backend's default for the day's size).

    Raises
    ------
    maltid.errors.RoutingInputError
        Unknown backend name.
    """
    pyvrp = PyVrpParams(time_limit_s=time_limit_s, seed=seed, max_iterations=iteration_limit)
    ortools = OrToolsParams(time_limit_s=time_limit_s, seed=seed, solution_limit=solution_limit)
    if backend == "auto":
        return AutoParams(pyvrp=pyvrp, ortools=ortools)
    if backend == "pyvrp":
        return pyvrp
    if backend == "ortools":
        return ortools
    raise _bad("backend", backend, f"use one of {', '.join(BACKENDS)}")

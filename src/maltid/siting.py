"""Capacitated facility location (which kitchens to open) on a plain cost matrix.

The optimiser takes plain arrays, in the spopt pattern: the models module builds the
matrix (weekly SEK of serving each recipient from each kitchen, ``inf`` where not
allowed, e.g. beyond the hot-holding time) and this module solves the exact MIP with
OR-Tools (SCIP, falling back on CBC, then CP-SAT).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from maltid.errors import InputError

__all__ = ["SitingProblem", "SitingResult", "solve_siting"]

logger = logging.getLogger("maltid")

_SOLVERS = ("SCIP", "CBC", "CP_SAT")


def _fail(field_name: str, message: str, fix: str) -> InputError:
    return InputError(f"SitingProblem.{field_name}: {message} (fix: {fix})")


def _ids(values: Sequence[str], name: str) -> tuple[str, ...]:
    out = tuple(str(v) for v in values)
    counts: dict[str, int] = {}
    for v in out:
        counts[v] = counts.get(v, 0) + 1
    dupes = sorted(v for v, n in counts.items() if n > 1)
    if dupes:
        raise _fail(name, f"ids repeat: {', '.join(dupes[:5])}", "give every id once")
    return out


def _vector(values: Any, n: int, name: str, *, allow_inf: bool = False) -> npt.NDArray[np.float64]:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise _fail(name, f"not numeric ({exc})", "pass numbers") from exc
    if arr.shape != (n,):
        raise _fail(name, f"has shape {arr.shape}, expected ({n},)", "one value per id")
    if np.isnan(arr).any():
        raise _fail(name, "contains NaN", "replace NaN with a number")
    bad = np.isinf(arr) if not allow_inf else np.isneginf(arr)
    if bad.any():
        raise _fail(name, "contains infinite values", "pass finite numbers")
    if (arr < 0).any():
        raise _fail(name, "contains negative values", "pass values >= 0")
    return arr


@dataclass(frozen=True)
class SitingProblem:
    """A capacitated facility-location problem; money in SEK/week, demand in meals/week.

    Parameters
    ----------
    facility_ids : Sequence[str]
        Candidate kitchens (``F`` unique ids).
    customer_ids : Sequence[str]
        Recipients (``C`` unique ids).
    fixed_cost_sek : array_like, shape (F,)
        Weekly fixed cost of opening each facility (SEK/week, >= 0, finite).
    capacity : array_like, shape (F,)
        Weekly capacity of each facility (meals/week, >= 0; ``inf`` = uncapacitated).
    demand : array_like, shape (C,)
        Weekly demand of each customer (meals/week, >= 0, finite).
    assign_cost_sek : array_like, shape (F, C)
        Weekly cost of serving customer *j* from facility *i* (SEK/week); ``inf`` means
        the assignment is not allowed. Finite values may be any sign.
    always_open : array_like of bool, shape (F,), optional
        Facilities that must be open (default: none).
    must_close : array_like of bool, shape (F,), optional
        Facilities that must stay closed (default: none).

    Raises
    ------
    InputError
        Naming the field, what is wrong and the fix.
    """

    facility_ids: tuple[str, ...]
    customer_ids: tuple[str, ...]
    fixed_cost_sek: npt.NDArray[np.float64]
    capacity: npt.NDArray[np.float64]
    demand: npt.NDArray[np.float64]
    assign_cost_sek: npt.NDArray[np.float64]
    always_open: npt.NDArray[np.bool_] | None = None
    must_close: npt.NDArray[np.bool_] | None = None

    def __post_init__(self) -> None:
        fac = _ids(self.facility_ids, "facility_ids")
        cus = _ids(self.customer_ids, "customer_ids")
        if not fac:
            raise _fail("facility_ids", "is empty", "give at least one candidate kitchen")
        nf, nc = len(fac), len(cus)
        fixed = _vector(self.fixed_cost_sek, nf, "fixed_cost_sek")
        cap = _vector(self.capacity, nf, "capacity", allow_inf=True)
        dem = _vector(self.demand, nc, "demand")
        try:
            cost = np.asarray(self.assign_cost_sek, dtype=float)
        except (TypeError, ValueError) as exc:
            raise _fail("assign_cost_sek", f"not numeric ({exc})", "pass numbers") from exc
        if cost.shape != (nf, nc):
            raise _fail(
                "assign_cost_sek",
                f"has shape {cost.shape}, expected ({nf}, {nc}) = (facilities, customers)",
                "one row per facility, one column per customer",
            )
        if np.isnan(cost).any():
            raise _fail("assign_cost_sek", "contains NaN", "use inf for 'not allowed'")
        if np.isneginf(cost).any():
            raise _fail("assign_cost_sek", "contains -inf", "use +inf for 'not allowed'")
        flags = {}
        for name in ("always_open", "must_close"):
            raw = getattr(self, name)
            arr = np.zeros(nf, dtype=bool) if raw is None else np.asarray(raw)
            if arr.shape != (nf,):
                raise _fail(name, f"has shape {arr.shape}, expected ({nf},)", "one flag per id")
            if arr.dtype != bool:
                if not np.isin(arr, (0, 1)).all():
                    raise _fail(name, "is not boolean", "pass True/False per facility")
                arr = arr.astype(bool)
            flags[name] = arr
        both = [fac[i] for i in np.flatnonzero(flags["always_open"] & flags["must_close"])]
        if both:
            raise _fail(
                "always_open",
                f"facilities both always open and must close: {', '.join(both)}",
                "choose one",
            )
        for name, value in (
            ("facility_ids", fac),
            ("customer_ids", cus),
            ("fixed_cost_sek", fixed),
            ("capacity", cap),
            ("demand", dem),
            ("assign_cost_sek", cost),
            ("always_open", flags["always_open"]),
            ("must_close", flags["must_close"]),
        ):
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class SitingResult:
    """Which facilities open and who is served from where; objective in SEK/week.

    Attributes
    ----------
    open_ids : tuple of str
        Open facilities, in facility order.
    assignment : Mapping[str, str]
        Customer id -> facility id for every assigned customer.
    objective_sek : float
        ``sum fixed cost of open + sum assignment cost`` (SEK/week), recomputed from the
        solution; NaN when no solution was found.
    status : str
        ``"OPTIMAL"``, ``"FEASIBLE"`` (time limit hit with a solution), ``"INFEASIBLE"``
        or ``"NOT_SOLVED"`` (time limit hit without any solution).
    unassignable : tuple of str
        Customers with no allowed facility: every cost is ``inf``, or every facility
        with a finite cost is closed or smaller than the customer's demand.
    gap : float
        Relative gap ``(objective - best bound) / max(|objective|, 1e-9)``; 0 when
        proven optimal, NaN without a solution.
    load_meals : Mapping[str, float]
        Open facility id -> assigned demand (meals/week).
    forced_open, forced_closed : tuple of str
        What the caller forced (``always_open`` / ``must_close`` included).
    solver : str
        The OR-Tools backend used.
    solve_time_s : float
        Wall-clock time (s); excluded from equality.
    """

    open_ids: tuple[str, ...]
    assignment: Mapping[str, str]
    objective_sek: float
    status: str
    unassignable: tuple[str, ...]
    gap: float
    load_meals: Mapping[str, float]
    forced_open: tuple[str, ...] = ()
    forced_closed: tuple[str, ...] = ()
    solver: str = ""
    solve_time_s: float = field(default=0.0, compare=False)


def _create_solver() -> tuple[Any, str]:
    from ortools.linear_solver import pywraplp

    for name in _SOLVERS:
        solver = pywraplp.Solver.CreateSolver(name)
        if solver is not None:
            return solver, name
    raise RuntimeError(  # pragma: no cover - ortools always ships SCIP/CBC/CP-SAT
        "OR-Tools offers none of SCIP, CBC, CP-SAT; reinstall ortools"
    )


def _resolve_forced(problem: SitingProblem, ids: Iterable[str], what: str) -> npt.NDArray[np.bool_]:
    index = {f: i for i, f in enumerate(problem.facility_ids)}
    mask = np.zeros(len(index), dtype=bool)
    for f in ids:
        if f not in index:
            raise InputError(
                f"solve_siting: {what} names unknown facility {f!r} "
                f"(fix: use one of {', '.join(problem.facility_ids)})"
            )
        mask[index[f]] = True
    return mask


def solve_siting(
    problem: SitingProblem,
    *,
    time_limit_s: float = 60.0,
    force_open: Iterable[str] = (),
    force_closed: Iterable[str] = (),
) -> SitingResult:
    r"""Choose kitchens to open and assign each recipient to one, minimising SEK/week.

    The single-sourcing capacitated facility-location MIP, in its strong formulation::

        minimise    sum_i f_i y_i + sum_{(i,j) in A} c_ij x_ij
        subject to  sum_{i:(i,j) in A} x_ij = 1             for every assignable j
                    sum_{j:(i,j) in A} d_j x_ij <= C_i y_i  for every facility i
                    x_ij <= y_i                             for every (i,j) in A
                    y_i = 1   for i always open or forced open
                    y_i = 0   for i that must close or are forced closed
                    y_i, x_ij in {0, 1}

    where ``A = {(i, j) : c_ij < inf, i not closed, d_j <= C_i}`` (no variable is made
    for a disallowed pair), ``f_i`` = ``fixed_cost_sek``, ``C_i`` = ``capacity`` (an
    infinite capacity is replaced by the total demand), ``d_j`` = ``demand`` and
    ``c_ij`` = ``assign_cost_sek``. A customer *j* without any ``(i, j)`` in ``A`` is
    reported in ``unassignable`` and left out of the model.

    Solved exactly (relative gap 0) with OR-Tools SCIP (CBC, then CP-SAT if SCIP is
    missing); deterministic for the same input.

    Parameters
    ----------
    problem : SitingProblem
    time_limit_s : float
        Wall-clock limit (s); when hit, the best solution found is returned as
        ``"FEASIBLE"`` with its ``gap``.
    force_open, force_closed : Iterable[str]
        Facility ids to force open / closed in addition to the problem's flags.

    Returns
    -------
    SitingResult

    Raises
    ------
    InputError
        Unknown facility ids, a facility both forced open and closed, or a bad time limit.
    """
    from ortools.linear_solver import pywraplp

    if not (time_limit_s > 0 and math.isfinite(time_limit_s)):
        raise InputError(f"solve_siting: time_limit_s={time_limit_s} must be > 0 (fix: e.g. 60)")
    fac, cus = problem.facility_ids, problem.customer_ids
    assert problem.always_open is not None and problem.must_close is not None
    opened = problem.always_open | _resolve_forced(problem, force_open, "force_open")
    closed = problem.must_close | _resolve_forced(problem, force_closed, "force_closed")
    clash = [fac[i] for i in np.flatnonzero(opened & closed)]
    if clash:
        raise InputError(
            f"solve_siting: facilities both open (always_open/force_open) and closed "
            f"(must_close/force_closed): {', '.join(clash)} (fix: choose one)"
        )
    forced_open = tuple(fac[i] for i in np.flatnonzero(opened))
    forced_closed = tuple(fac[i] for i in np.flatnonzero(closed))

    cost, dem = problem.assign_cost_sek, problem.demand
    total_demand = float(dem.sum())
    cap = np.where(np.isinf(problem.capacity), max(total_demand, 1.0), problem.capacity)
    allowed = np.isfinite(cost) & ~closed[:, None] & (dem[None, :] <= cap[:, None])
    assignable = allowed.any(axis=0)
    unassignable = tuple(cus[j] for j in np.flatnonzero(~assignable))
    if unassignable:
        logger.warning(
            "siting: %d recipient(s) have no allowed kitchen (all beyond reach, closed or "
            "too small): %s",
            len(unassignable),
            ", ".join(unassignable[:10]),
        )

    solver, solver_name = _create_solver()
    start = time.perf_counter()
    y = []
    for i, f in enumerate(fac):
        lb = 1.0 if opened[i] else 0.0
        ub = 0.0 if closed[i] else 1.0
        y.append(solver.IntVar(lb, ub, f"y[{f}]"))
    x: dict[tuple[int, int], Any] = {}
    for i, j in zip(*np.nonzero(allowed), strict=True):
        x[int(i), int(j)] = solver.BoolVar(f"x[{fac[i]},{cus[j]}]")
    by_customer: dict[int, list[int]] = {}
    by_facility: dict[int, list[int]] = {}
    for i, j in x:
        by_customer.setdefault(j, []).append(i)
        by_facility.setdefault(i, []).append(j)
    for j, facilities in by_customer.items():
        solver.Add(sum(x[i, j] for i in facilities) == 1)
    for i, customers in by_facility.items():
        solver.Add(sum(float(dem[j]) * x[i, j] for j in customers) <= float(cap[i]) * y[i])
        for j in customers:
            solver.Add(x[i, j] <= y[i])
    objective = solver.Objective()
    for i in range(len(fac)):
        objective.SetCoefficient(y[i], float(problem.fixed_cost_sek[i]))
    for (i, j), var in x.items():
        objective.SetCoefficient(var, float(cost[i, j]))
    objective.SetMinimization()

    solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
    code = solver.Solve(params)
    elapsed = time.perf_counter() - start

    if code not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        status = "INFEASIBLE" if code == pywraplp.Solver.INFEASIBLE else "NOT_SOLVED"
        logger.warning("siting: %s returned %s (code %d)", solver_name, status, code)
        return SitingResult(
            open_ids=(),
            assignment={},
            objective_sek=math.nan,
            status=status,
            unassignable=unassignable,
            gap=math.nan,
            load_meals={},
            forced_open=forced_open,
            forced_closed=forced_closed,
            solver=solver_name,
            solve_time_s=elapsed,
        )

    open_idx = [i for i in range(len(fac)) if y[i].solution_value() > 0.5]
    assignment: dict[str, str] = {}
    load = {fac[i]: 0.0 for i in open_idx}
    value = float(sum(problem.fixed_cost_sek[i] for i in open_idx))
    for j in sorted(by_customer):
        i = max(by_customer[j], key=lambda i: x[i, j].solution_value())
        assignment[cus[j]] = fac[i]
        load[fac[i]] += float(dem[j])
        value += float(cost[i, j])
    status = "OPTIMAL" if code == pywraplp.Solver.OPTIMAL else "FEASIBLE"
    bound = float(objective.BestBound())
    gap = 0.0 if status == "OPTIMAL" else max(0.0, (value - bound) / max(abs(value), 1e-9))
    logger.info(
        "siting: %s %s in %.2f s: %d of %d kitchens open, objective %.2f SEK/week",
        solver_name,
        status,
        elapsed,
        len(open_idx),
        len(fac),
        value,
    )
    return SitingResult(
        open_ids=tuple(fac[i] for i in open_idx),
        assignment=assignment,
        objective_sek=value,
        status=status,
        unassignable=unassignable,
        gap=gap,
        load_meals=load,
        forced_open=forced_open,
        forced_closed=forced_closed,
        solver=solver_name,
        solve_time_s=elapsed,
    )

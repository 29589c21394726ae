"""One meal-delivery day as a vehicle routing problem, solved with OR-Tools (times in seconds).

This is the only module that imports ``ortools.constraint_solver``. It takes plain numpy
matrices and frozen dataclasses and returns a frozen :class:`RoutingPlan`; no OR-Tools
object leaks out.

Model
-----
* Multi-depot VRP with time windows: one routing node per kitchen (depot) and one per
  stop, so several stops may share a matrix index (two recipients in one house).
* Time dimension ("time"): transit ``i -> j`` = service time at ``i`` + travel time
  ``i -> j``; waiting is slack. A cumul is the *start of service* at a stop, the
  *departure* at a vehicle start and the *return* at a vehicle end. A vehicle leaves its
  kitchen at or after ``Vehicle.start_s``; the route span (return - departure) is at
  most ``Vehicle.max_shift_s``.
* Hot-food holding ("holding"): a second dimension with the same transit, start cumul
  fixed to 0 and ``holding.SlackVar(i) == time.SlackVar(i)`` on every non-end node, so
  ``holding cumul = time cumul - departure`` exactly; for hot stops it is capped at
  ``max_hot_holding_s``. The return leg does not count; chilled stops are unlimited.
* Capacity dimension ("load") in meals with per-vehicle capacities.
* Objective in SEK: distance (km) x ``cost_per_km_sek`` (per-vehicle arc costs) + shift
  hours (span, departure to return) x ``cost_per_hour_sek`` + ``fixed_cost_sek`` per
  used vehicle + ``drop_penalty_sek`` per stop the solver leaves unserved.
* Stops that no vehicle can serve even alone (unreachable, capacity, window,
  hot-holding, shift, no vehicles) are removed before solving and reported in
  :attr:`RoutingPlan.unserved` with their reason.

Integer scales (all conversions go through :func:`_to_int`)
------------------------------------------------------------
* time: 1 unit = 0.1 s (:data:`TIME_SCALE_PER_S` = 10),
* money: 1 unit = 1e-6 SEK (:data:`MONEY_SCALE_PER_SEK` = 1_000_000); distance enters the
  model only through money (arc cost = ``distance_m / 1000 * cost_per_km_sek``),
* load: meals (integers already).

Determinism
-----------
By default (``deterministic=True``) the search stops after ``solution_limit`` search
solutions (default :func:`default_solution_limit`: ``200 + 2 * n_stops``), counted by
OR-Tools itself (``RoutingSearchParameters.solution_limit``), or after
``200 x solution_limit + 20 000`` search branches (``Solver.BranchesLimit``; it ends days
where the metaheuristic has no move left, e.g. one stop and one vehicle); both counters
are machine-independent. The LNS operators whose nested searches are cut by the
wall-clock ``lns_time_limit`` are switched off in this mode. ``time_limit_s`` is then
only a safety cap: if it is hit, a WARNING says the plan may differ between machines.
``deterministic=False`` uses the wall-clock limit alone with all default operators
(best quality per second; used by the Solomon benchmark).

``seed`` is passed to ``Solver.ReSeed``; OR-Tools 9.15's ``RoutingSearchParameters``
has no seed field. Guided local search with the default operators draws no random
numbers, so with the default settings the seed does not change the plan (checked:
seeds 0 and 12345 give equal plans, also with simulated annealing).

Schedule convention
-------------------
The vehicle leaves as late as possible (the start cumul is maximised by the finalizer,
and a driver rate makes a shorter span cheaper), so the hot-holding clock starts when
the van really leaves. Reported service starts are the solver's time cumuls; the tests
recompute them from the matrices with an independent checker.

A second backend on PyVRP (:mod:`maltid.routing.pyvrp`) is available through
``solve(problem, backend="pyvrp")`` for days without hot-holding limits.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from maltid.errors import RoutingInputError

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

logger = logging.getLogger("maltid")

#: Integer time units per second in the OR-Tools model (1 unit = 0.1 s).
TIME_SCALE_PER_S = 10.0
#: Integer money units per SEK in the OR-Tools model (1 unit = 1 micro-SEK).
MONEY_SCALE_PER_SEK = 1_000_000.0

#: Reason codes of :class:`Unserved`.
UNSERVED_CODES = (
    "unreachable",
    "capacity",
    "window",
    "hot_holding",
    "shift",
    "no_vehicles",
    "dropped",
)

_FSS = routing_enums_pb2.FirstSolutionStrategy
_LSM = routing_enums_pb2.LocalSearchMetaheuristic
#: Accepted values of ``solve(first_solution=...)``.
FIRST_SOLUTION_STRATEGIES = tuple(k for k in _FSS.Value.keys() if k != "UNSET")  # noqa: SIM118
#: Accepted values of ``solve(metaheuristic=...)``.
METAHEURISTICS = tuple(k for k in _LSM.Value.keys() if k != "UNSET")  # noqa: SIM118

#: Search branches without a new solution after which a deterministic search stops.
#: Deterministic branch cap = _BRANCHES_PER_SOLUTION x solution limit + _STALL_BRANCHES
#: (measured: 7 branches per solution at 11 stops, 60 at 150 stops).
_BRANCHES_PER_SOLUTION = 200
_STALL_BRANCHES = 20_000
_BOOL_FALSE = optional_boolean_pb2.OptionalBoolean.Value("BOOL_FALSE")
#: Local-search operators switched off in deterministic mode (time-limited LNS).
_TIMED_LNS_OPERATORS = (
    "use_path_lns",
    "use_full_path_lns",
    "use_tsp_lns",
    "use_inactive_lns",
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_expensive_chain_lns",
    "use_local_cheapest_insertion_expensive_chain_lns",
    "use_global_cheapest_insertion_close_nodes_lns",
    "use_local_cheapest_insertion_close_nodes_lns",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
)
_SAFE_INT = 2**53
_MAX_INT = 2**62

_STATUS = {
    0: "not_solved",
    1: "success",
    2: "partial",
    3: "fail",
    4: "timeout",
    5: "invalid",
    6: "infeasible",
    7: "optimal",
}


# --------------------------------------------------------------------------------------
# data model
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    """One delivery stop; times in seconds since midnight.

    Parameters
    ----------
    id : str
        Unique stop id (recipient id).
    index : int
        Row/column of the stop in the problem's matrices.
    demand_meals : int
        Meals delivered here (>= 0).
    window_start_s, window_end_s : float
        Service must *start* within ``[window_start_s, window_end_s]`` (s since
        midnight); arriving early means waiting. ``window_end_s`` may be ``math.inf``.
    service_s : float
        Time spent at the stop (s).
    hot : bool
        Hot meal: subject to ``RoutingProblem.max_hot_holding_s``.
    """

    id: str
    index: int
    demand_meals: int
    window_start_s: float
    window_end_s: float
    service_s: float
    hot: bool


@dataclass(frozen=True)
class Vehicle:
    """One vehicle of a kitchen; costs in SEK, times in seconds.

    Parameters
    ----------
    id : str
        Unique vehicle id.
    depot_index : int
        Matrix index of its kitchen (must be a key of ``RoutingProblem.depot_ids``).
    capacity_meals : int
        Meals it can carry.
    cost_per_km_sek, cost_per_hour_sek, fixed_cost_sek : float
        Distance rate, driver rate over the whole shift (departure to return) and
        fixed cost if used.
    start_s : float
        Earliest departure from the kitchen (s since midnight).
    max_shift_s : float
        Longest time from leaving the kitchen to returning (s).
    """

    id: str
    depot_index: int
    capacity_meals: int
    cost_per_km_sek: float
    cost_per_hour_sek: float
    fixed_cost_sek: float
    start_s: float
    max_shift_s: float


def _fail(message: str, fix: str) -> RoutingInputError:
    return RoutingInputError(f"RoutingProblem: {message} (fix: {fix})")


@dataclass(frozen=True)
class RoutingProblem:
    """One delivery day: travel matrices (s, m), stops, vehicles and the hot-holding limit (s).

    Parameters
    ----------
    time_s : numpy.ndarray
        ``n x n`` travel times in seconds; ``np.inf`` marks an unreachable pair.
    distance_m : numpy.ndarray
        ``n x n`` travel distances in metres; ``np.inf`` marks an unreachable pair.
    stops : tuple of Stop
        The stops of the day.
    vehicles : tuple of Vehicle
        All vehicles of all kitchens.
    max_hot_holding_s : float or None
        Longest time (s) from the vehicle leaving the kitchen to the start of service at
        a hot stop; ``None`` = no limit.
    depot_ids : Mapping[int, str]
        Matrix index -> kitchen id, for every kitchen used by a vehicle.
    drop_penalty_sek : float
        Cost (SEK) of leaving one feasible stop unserved; large so that stops are only
        dropped when they cannot be served.

    Raises
    ------
    maltid.errors.RoutingInputError
        Shapes, negative or NaN values, indices out of range, inverted windows, unknown
        depot, duplicate ids; the message names the stop or vehicle and the fix.
    """

    time_s: np.ndarray
    distance_m: np.ndarray
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]
    max_hot_holding_s: float | None
    depot_ids: Mapping[int, str]
    drop_penalty_sek: float = 100_000.0

    def __post_init__(self) -> None:
        t = np.asarray(self.time_s, dtype=float)
        d = np.asarray(self.distance_m, dtype=float)
        for name, m in (("time_s", t), ("distance_m", d)):
            if m.ndim != 2 or m.shape[0] != m.shape[1]:
                raise _fail(
                    f"{name} must be a square n x n matrix, got shape {m.shape}",
                    "pass the travel matrix of all kitchens and stops",
                )
            if np.isnan(m).any():
                i, j = np.argwhere(np.isnan(m))[0]
                raise _fail(f"{name}[{i}, {j}] is NaN", "use np.inf for unreachable pairs")
            if (m < 0).any():
                i, j = np.argwhere(m < 0)[0]
                raise _fail(f"{name}[{i}, {j}] = {m[i, j]} is negative", "travel must be >= 0")
        if t.shape != d.shape:
            raise _fail(
                f"time_s has shape {t.shape} but distance_m has shape {d.shape}",
                "both matrices must cover the same points",
            )
        t = t.copy()
        d = d.copy()
        t.setflags(write=False)
        d.setflags(write=False)
        object.__setattr__(self, "time_s", t)
        object.__setattr__(self, "distance_m", d)
        n = t.shape[0]
        stops = tuple(self.stops)
        vehicles = tuple(self.vehicles)
        object.__setattr__(self, "stops", stops)
        object.__setattr__(self, "vehicles", vehicles)
        depots = {int(k): str(v) for k, v in dict(self.depot_ids).items()}
        object.__setattr__(self, "depot_ids", types.MappingProxyType(depots))
        for k in depots:
            if not 0 <= k < n:
                raise _fail(f"depot_ids key {k} is outside the matrix (n={n})", "fix the index")
        seen: set[str] = set()
        for s in stops:
            where = f"stop {s.id!r}"
            if s.id in seen:
                raise _fail(f"{where} appears twice", "stop ids must be unique")
            seen.add(s.id)
            if not isinstance(s.index, int | np.integer) or not 0 <= int(s.index) < n:
                raise _fail(f"{where}: index {s.index} is outside the matrix (n={n})", "fix index")
            if int(s.demand_meals) != s.demand_meals or s.demand_meals < 0:
                raise _fail(f"{where}: demand_meals={s.demand_meals}", "use a whole number >= 0")
            if not (math.isfinite(s.window_start_s) and s.window_start_s >= 0):
                raise _fail(
                    f"{where}: window_start_s={s.window_start_s}", "use seconds since midnight"
                )
            if math.isnan(s.window_end_s) or s.window_end_s < s.window_start_s:
                raise _fail(
                    f"{where}: window_end_s={s.window_end_s} < window_start_s={s.window_start_s}",
                    "the window must end after it starts",
                )
            if not (math.isfinite(s.service_s) and s.service_s >= 0):
                raise _fail(f"{where}: service_s={s.service_s}", "use seconds >= 0")
        vseen: set[str] = set()
        for v in vehicles:
            where = f"vehicle {v.id!r}"
            if v.id in vseen:
                raise _fail(f"{where} appears twice", "vehicle ids must be unique")
            vseen.add(v.id)
            if int(v.depot_index) not in depots:
                raise _fail(
                    f"{where}: depot_index {v.depot_index} is not a known kitchen "
                    f"(depot_ids has {sorted(depots)})",
                    "add the kitchen to depot_ids or fix depot_index",
                )
            if int(v.capacity_meals) != v.capacity_meals or v.capacity_meals < 0:
                raise _fail(f"{where}: capacity_meals={v.capacity_meals}", "use a whole number")
            for fname in ("cost_per_km_sek", "cost_per_hour_sek", "fixed_cost_sek"):
                val = getattr(v, fname)
                if not (math.isfinite(val) and val >= 0):
                    raise _fail(f"{where}: {fname}={val}", "use a finite cost >= 0")
            if not (math.isfinite(v.start_s) and v.start_s >= 0):
                raise _fail(f"{where}: start_s={v.start_s}", "use seconds since midnight")
            if not (math.isfinite(v.max_shift_s) and v.max_shift_s > 0):
                raise _fail(f"{where}: max_shift_s={v.max_shift_s}", "use a finite shift > 0 s")
        if self.max_hot_holding_s is not None and not (
            math.isfinite(self.max_hot_holding_s) and self.max_hot_holding_s >= 0
        ):
            raise _fail(f"max_hot_holding_s={self.max_hot_holding_s}", "use seconds >= 0 or None")
        if not (math.isfinite(self.drop_penalty_sek) and self.drop_penalty_sek > 0):
            raise _fail(f"drop_penalty_sek={self.drop_penalty_sek}", "use a finite value > 0")

    @property
    def n_points(self) -> int:
        """Number of matrix rows (kitchens and stop locations)."""
        return int(self.time_s.shape[0])


@dataclass(frozen=True)
class Route:
    """The route of one used vehicle; times in seconds since midnight, cost in SEK.

    Parameters
    ----------
    vehicle_id, depot_id : str
        The vehicle and its kitchen.
    stop_ids : tuple of str
        Stops in visiting order.
    arrival_s : tuple of float
        Start of service at each stop (s since midnight), i.e. after any waiting for
        the window to open; ``service_start_s`` is an alias.
    departure_s : float
        Time the vehicle leaves the kitchen (s since midnight).
    return_s : float
        Time it is back at the kitchen (s since midnight).
    load_meals : int
        Meals on board when leaving (sum of the stops' demands).
    distance_m : float
        Route length from the input distance matrix (m).
    duration_s : float
        ``return_s - departure_s`` (s).
    cost_sek : float
        km x cost_per_km + hours x cost_per_hour + fixed cost (SEK), from the input
        (unscaled) numbers.
    """

    vehicle_id: str
    depot_id: str
    stop_ids: tuple[str, ...]
    arrival_s: tuple[float, ...]
    departure_s: float
    return_s: float
    load_meals: int
    distance_m: float
    duration_s: float
    cost_sek: float

    @property
    def service_start_s(self) -> tuple[float, ...]:
        """Start of service at each stop (s since midnight); same as ``arrival_s``."""
        return self.arrival_s


@dataclass(frozen=True)
class Unserved:
    """A stop left unserved, with a reason in words and a code from :data:`UNSERVED_CODES`."""

    stop_id: str
    reason: str
    code: str


@dataclass(frozen=True)
class RoutingPlan:
    """The solved day: routes of used vehicles, unserved stops, holding times (s), cost (SEK).

    Parameters
    ----------
    routes : tuple of Route
        Only vehicles that leave their kitchen.
    unserved : tuple of Unserved
        Stops not served and why.
    kitchen_to_plate_s : Mapping[str, float]
        Stop id -> seconds from its vehicle leaving the kitchen to the start of service.
    status : str
        ``"optimal"``, ``"success"``, ``"partial"``, ``"timeout"``, ``"fail"``,
        ``"infeasible"``, ``"invalid"``, ``"not_solved"``, or ``"empty"`` (nothing to
        solve).
    objective_sek : float
        Sum of route costs + ``drop_penalty_sek`` per stop dropped by the solver (code
        ``dropped``); stops removed before solving are not counted.
    solve_time_s : float
        Wall-clock time of the solve (s); excluded from equality comparisons.
    """

    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    kitchen_to_plate_s: Mapping[str, float]
    status: str
    objective_sek: float
    solve_time_s: float = field(compare=False)

    @property
    def distance_m(self) -> float:
        """Total distance of all routes (m)."""
        return float(sum(r.distance_m for r in self.routes))

    @property
    def cost_sek(self) -> float:
        """Total cost of all routes (SEK), without drop penalties."""
        return float(sum(r.cost_sek for r in self.routes))

    @property
    def served_ids(self) -> tuple[str, ...]:
        """Ids of all served stops, route by route in visiting order."""
        return tuple(s for r in self.routes for s in r.stop_ids)

    @property
    def unserved_ids(self) -> tuple[str, ...]:
        """Ids of all unserved stops."""
        return tuple(u.stop_id for u in self.unserved)

    @property
    def n_vehicles(self) -> int:
        """Number of used vehicles."""
        return len(self.routes)


# --------------------------------------------------------------------------------------
# scaling
# --------------------------------------------------------------------------------------


def _to_int(values: Any, scale: float, what: str) -> np.ndarray:
    """Convert values in SI units (s, m, SEK) to OR-Tools integers: ``round(values * scale)``.

    Every conversion in this module goes through here. Logs a WARNING on logger
    ``"maltid"`` when precision is lost: a non-zero value that rounds to zero, rounding
    errors that add up to more than 0.1 % of the values' total, or a magnitude above
    2**53. Infinite values are not allowed here.

    Parameters
    ----------
    values : array_like
        Finite values to convert.
    scale : float
        Integer units per SI unit (e.g. 10 per second).
    what : str
        Name of the quantity, for messages.

    Returns
    -------
    numpy.ndarray
        ``int64`` array of the same shape.

    Raises
    ------
    maltid.errors.RoutingInputError
        Non-finite values, or magnitudes above 2**62 that OR-Tools cannot sum safely.
    """
    arr = np.asarray(values, dtype=float)
    scaled = arr * scale
    if not np.isfinite(scaled).all():
        raise RoutingInputError(
            f"{what}: non-finite value cannot be converted to an integer (fix: use finite "
            "values; unreachable pairs are handled before conversion)"
        )
    biggest = float(np.abs(scaled).max()) if scaled.size else 0.0
    if biggest > _MAX_INT:
        raise RoutingInputError(
            f"{what}: {biggest / scale:g} is too large for the solver's integers at scale "
            f"{scale:g} per unit (fix: check the units of the input)"
        )
    rounded = np.rint(scaled)
    if biggest > _SAFE_INT:
        logger.warning(
            "%s: values up to %g exceed 2**53 at scale %g per unit; precision is lost",
            what,
            biggest / scale,
            scale,
        )
    nz = scaled != 0
    if nz.any():
        # Rounding to the nearest unit costs at most half a unit per value, which is
        # harmless on its own (0.05 s at 10 units per second). Precision is lost when a
        # non-zero value vanishes, or when the rounding errors add up to more than 0.1 %
        # of the total (they would then bias every route sum).
        err = np.abs(rounded[nz] - scaled[nz])
        vanished = rounded[nz] == 0
        total_rel = float(err.sum() / np.abs(scaled[nz]).sum())
        if vanished.any() or total_rel > 1e-3:
            k = int(np.argmax(vanished)) if vanished.any() else int(np.argmax(err))
            logger.warning(
                "%s: %g rounds to %d units at scale %g per unit (total rounding error "
                "%.2g of the sum); precision is lost",
                what,
                float(arr[nz][k]),
                int(rounded[nz][k]),
                scale,
                total_rel,
            )
    return rounded.astype(np.int64)


# --------------------------------------------------------------------------------------
# pre-checks
# --------------------------------------------------------------------------------------

_CHECK_ORDER = {"unreachable": 0, "capacity": 1, "window": 2, "hot_holding": 3, "shift": 4}


def _check_alone(problem: RoutingProblem, stop: Stop, vehicle: Vehicle) -> tuple[str, str] | None:
    """Why ``vehicle`` cannot serve ``stop`` on a direct round trip; ``None`` if it can."""
    t, dm = problem.time_s, problem.distance_m
    k, i = vehicle.depot_index, stop.index
    out_s, back_s = float(t[k, i]), float(t[i, k])
    if not (
        math.isfinite(out_s)
        and math.isfinite(back_s)
        and math.isfinite(float(dm[k, i]))
        and math.isfinite(float(dm[i, k]))
    ):
        return "unreachable", "no road between it and any kitchen with vehicles"
    if stop.demand_meals > vehicle.capacity_meals:
        return "capacity", (f"needs {stop.demand_meals} meals, more than every vehicle can carry")
    if vehicle.start_s + out_s > stop.window_end_s:
        return "window", (
            "its delivery window closes before any vehicle can arrive, even directly "
            "from its kitchen at the start of the shift"
        )
    if stop.hot and problem.max_hot_holding_s is not None and out_s > problem.max_hot_holding_s:
        return "hot_holding", (
            f"even a direct trip takes {out_s / 60:.1f} min, longer than the hot-holding "
            f"limit of {problem.max_hot_holding_s / 60:.1f} min from every kitchen"
        )
    if out_s + stop.service_s + back_s > vehicle.max_shift_s:
        return "shift", (
            "even a direct round trip from every kitchen is longer than the vehicles' shift"
        )
    return None


def _precheck(problem: RoutingProblem) -> tuple[list[Stop], dict[str, list[int]], list[Unserved]]:
    """Split stops into solvable ones (with their allowed vehicles) and hopeless ones."""
    keep: list[Stop] = []
    allowed: dict[str, list[int]] = {}
    out: list[Unserved] = []
    for stop in problem.stops:
        if not problem.vehicles:
            out.append(Unserved(stop.id, "there are no vehicles on this day", "no_vehicles"))
            continue
        ok: list[int] = []
        best: tuple[str, str] | None = None
        for v_idx, v in enumerate(problem.vehicles):
            why = _check_alone(problem, stop, v)
            if why is None:
                ok.append(v_idx)
            elif best is None or _CHECK_ORDER[why[0]] > _CHECK_ORDER[best[0]]:
                best = why
        if ok:
            keep.append(stop)
            allowed[stop.id] = ok
        else:
            assert best is not None
            out.append(Unserved(stop.id, best[1], best[0]))
    return keep, allowed, out


# --------------------------------------------------------------------------------------
# solve
# --------------------------------------------------------------------------------------


def _make_route(
    problem: RoutingProblem,
    vehicle: Vehicle,
    stops: Sequence[Stop],
    arrival_s: Sequence[float],
    departure_s: float,
    return_s: float,
) -> Route:
    """Build a :class:`Route`, with distance (m) and cost (SEK) from the unscaled inputs."""
    rows = [vehicle.depot_index, *[s.index for s in stops], vehicle.depot_index]
    dist = float(sum(float(problem.distance_m[a, b]) for a, b in itertools.pairwise(rows)))
    dur = return_s - departure_s
    cost = (
        dist / 1000.0 * vehicle.cost_per_km_sek
        + dur / 3600.0 * vehicle.cost_per_hour_sek
        + vehicle.fixed_cost_sek
    )
    return Route(
        vehicle_id=vehicle.id,
        depot_id=problem.depot_ids[vehicle.depot_index],
        stop_ids=tuple(s.id for s in stops),
        arrival_s=tuple(float(a) for a in arrival_s),
        departure_s=float(departure_s),
        return_s=float(return_s),
        load_meals=int(sum(int(s.demand_meals) for s in stops)),
        distance_m=dist,
        duration_s=float(dur),
        cost_sek=float(cost),
    )


def _dropped(stop: Stop) -> Unserved:
    return Unserved(
        stop.id,
        "can be served alone but was dropped by the solver: not enough vehicles, capacity "
        "or shift time for all stops of the day",
        "dropped",
    )


def _plan(
    problem: RoutingProblem,
    routes: list[Route],
    unserved: list[Unserved],
    dropped: list[Unserved],
    status: str,
    t0: float,
) -> RoutingPlan:
    k2p = {
        sid: a - r.departure_s
        for r in routes
        for sid, a in zip(r.stop_ids, r.arrival_s, strict=True)
    }
    objective = sum(r.cost_sek for r in routes) + problem.drop_penalty_sek * len(dropped)
    if dropped:
        logger.warning("routing: %d stop(s) dropped by the solver", len(dropped))
    return RoutingPlan(
        routes=tuple(routes),
        unserved=tuple(unserved + dropped),
        kitchen_to_plate_s=types.MappingProxyType(k2p),
        status=status,
        objective_sek=float(objective),
        solve_time_s=time.perf_counter() - t0,
    )


def _configure_ils(params: Any) -> None:
    """Switch ``params`` to iterated local search with SISR ruin and SA acceptance."""
    params.use_iterated_local_search = True
    ils = params.iterated_local_search_parameters
    rr = ils.ruin_recreate_parameters
    del rr.ruin_strategies[:]
    sisr = rr.ruin_strategies.add().sisr
    sisr.max_removed_sequence_size = 10
    sisr.avg_num_removed_visits = 10
    sisr.bypass_factor = 0.01
    rr.recreate_strategy.heuristic = _FSS.Value.Value("LOCAL_CHEAPEST_INSERTION")
    ils.improve_perturbed_solution = True
    sa = ils.reference_solution_acceptance_strategy.simulated_annealing
    sa.automatic_temperatures = True


def default_solution_limit(n_stops: int, solution_limit: int | None = None) -> int:
    """Search solutions (count) before a deterministic solve stops: ``200 + 2 * n_stops``.

    Returns ``solution_limit`` itself when given (it must be >= 1).
    """
    if solution_limit is not None:
        if solution_limit < 1:
            raise RoutingInputError(
                f"solve(): solution_limit={solution_limit} (fix: use a count >= 1)"
            )
        return int(solution_limit)
    return 200 + 2 * int(n_stops)


def _enum(enum: Any, name: str, what: str, options: Sequence[str]) -> int:
    key = name.upper()
    if key not in options:
        raise RoutingInputError(
            f"solve(): unknown {what} {name!r} (fix: use one of {', '.join(options)})"
        )
    return int(enum.Value.Value(key))


def solve(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 10.0,
    seed: int = 0,
    first_solution: str = "PATH_CHEAPEST_ARC",
    metaheuristic: str = "GUIDED_LOCAL_SEARCH",
    gls_lambda: float = 0.1,
    iterated_local_search: bool = False,
    deterministic: bool = True,
    solution_limit: int | None = None,
    log_search: bool = False,
    backend: str = "ortools",
) -> RoutingPlan:
    """Solve one delivery day; the result's times are in seconds and costs in SEK.

    Parameters
    ----------
    problem : RoutingProblem
        The day to plan.
    time_limit_s : float
        Wall-clock cap on the search (s). With ``deterministic=True`` it is only a safety
        cap; with ``deterministic=False`` it is the stopping rule.
    seed : int
        Re-seeds the solver's random generator (see the module docstring).
    first_solution : str
        OR-Tools first-solution strategy name, one of :data:`FIRST_SOLUTION_STRATEGIES`.
    metaheuristic : str
        OR-Tools local-search metaheuristic name, one of :data:`METAHEURISTICS`.
    gls_lambda : float
        ``guided_local_search_lambda_coefficient``.
    iterated_local_search : bool
        Use OR-Tools' iterated local search (SISR ruin-and-recreate perturbations,
        simulated-annealing acceptance) instead of ``metaheuristic``.
    deterministic : bool
        Stop after ``solution_limit`` search solutions (machine-independent), rather
        than on the clock.
    solution_limit : int or None
        Number of search solutions before stopping when ``deterministic``; ``None``
        derives it from the number of stops (:func:`default_solution_limit`).
    log_search : bool
        Let OR-Tools log its search to stderr.
    backend : str
        ``"ortools"`` (default; full model) or ``"pyvrp"`` (:mod:`maltid.routing.pyvrp`,
        hybrid genetic search; days without hot-holding limits only). The OR-Tools-specific
        options are ignored by the PyVRP backend; ``solution_limit`` there counts PyVRP
        iterations.

    Returns
    -------
    RoutingPlan
        Routes, unserved stops with reasons, kitchen-to-plate times and the objective.
    """
    t0 = time.perf_counter()
    if time_limit_s <= 0 or not math.isfinite(time_limit_s):
        raise RoutingInputError(f"solve(): time_limit_s={time_limit_s} (fix: use seconds > 0)")
    fss = _enum(_FSS, first_solution, "first_solution", FIRST_SOLUTION_STRATEGIES)
    lsm = _enum(_LSM, metaheuristic, "metaheuristic", METAHEURISTICS)

    if backend not in ("ortools", "pyvrp"):
        raise RoutingInputError(f"solve(): unknown backend {backend!r} (fix: 'ortools' or 'pyvrp')")
    keep, allowed, unserved = _precheck(problem)
    if keep and backend == "pyvrp":
        from maltid.routing.pyvrp import solve_pyvrp

        return solve_pyvrp(
            problem,
            keep,
            unserved,
            time_limit_s=time_limit_s,
            seed=seed,
            deterministic=deterministic,
            iteration_limit=solution_limit,
            t0=t0,
        )
    if not keep:
        return RoutingPlan(
            routes=(),
            unserved=tuple(unserved),
            kitchen_to_plate_s=types.MappingProxyType({}),
            status="empty",
            objective_sek=0.0,
            solve_time_s=time.perf_counter() - t0,
        )

    vehicles = problem.vehicles
    n_veh = len(vehicles)
    depot_rows = sorted({v.depot_index for v in vehicles})
    depot_node = {row: k for k, row in enumerate(depot_rows)}
    n_depots = len(depot_rows)
    n_nodes = n_depots + len(keep)
    # matrix row of every routing node: kitchens first, then one node per kept stop
    rows = np.array(depot_rows + [s.index for s in keep], dtype=np.int64)
    service = np.zeros(n_nodes)
    service[n_depots:] = [s.service_s for s in keep]

    t_sub = problem.time_s[np.ix_(rows, rows)]
    d_sub = problem.distance_m[np.ix_(rows, rows)]
    forbidden = ~(np.isfinite(t_sub) & np.isfinite(d_sub))

    finite_t = t_sub[~forbidden]
    t_max_leg = float(finite_t.max()) if finite_t.size else 0.0
    windows_end = [s.window_end_s for s in keep if math.isfinite(s.window_end_s)]
    horizon_s = max(v.start_s + v.max_shift_s for v in vehicles)
    if windows_end:
        horizon_s = max(horizon_s, max(windows_end) + float(service.max()) + t_max_leg)
    horizon = int(_to_int(horizon_s, TIME_SCALE_PER_S, "time horizon (s)"))

    transit_s = np.where(forbidden, 0.0, t_sub) + service[:, None]
    transit = _to_int(transit_s, TIME_SCALE_PER_S, "service + travel time (s)")
    transit = np.minimum(transit, horizon + 1)  # forbidden arcs are removed below
    transit[forbidden] = horizon + 1

    starts = [depot_node[v.depot_index] for v in vehicles]
    manager = pywrapcp.RoutingIndexManager(n_nodes, n_veh, starts, starts)
    routing = pywrapcp.RoutingModel(manager)
    solver = routing.solver()
    solver.ReSeed(int(seed))

    # arc costs: one matrix per distinct cost_per_km
    d_km = np.where(forbidden, 0.0, d_sub) / 1000.0
    by_rate: dict[float, int] = {}
    for v_idx, v in enumerate(vehicles):
        if v.cost_per_km_sek not in by_rate:
            cost = _to_int(d_km * v.cost_per_km_sek, MONEY_SCALE_PER_SEK, "distance cost (SEK)")
            by_rate[v.cost_per_km_sek] = routing.RegisterTransitMatrix(cost.tolist())
        routing.SetArcCostEvaluatorOfVehicle(by_rate[v.cost_per_km_sek], v_idx)

    fixed = _to_int([v.fixed_cost_sek for v in vehicles], MONEY_SCALE_PER_SEK, "fixed cost (SEK)")
    span_coef = _to_int(
        [v.cost_per_hour_sek / 3600.0 / TIME_SCALE_PER_S for v in vehicles],
        MONEY_SCALE_PER_SEK,
        "driver cost per time unit (SEK)",
    )
    starts_s = _to_int([v.start_s for v in vehicles], TIME_SCALE_PER_S, "vehicle start_s")
    shifts = _to_int([v.max_shift_s for v in vehicles], TIME_SCALE_PER_S, "max_shift_s")
    for v_idx in range(n_veh):
        routing.SetFixedCostOfVehicle(int(fixed[v_idx]), v_idx)

    transit_cb = routing.RegisterTransitMatrix(transit.tolist())
    routing.AddDimension(transit_cb, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")

    demand = np.zeros(n_nodes, dtype=np.int64)
    demand[n_depots:] = [int(s.demand_meals) for s in keep]
    demand_cb = routing.RegisterUnaryTransitVector(demand.tolist())
    routing.AddDimensionWithVehicleCapacity(
        demand_cb, 0, [int(v.capacity_meals) for v in vehicles], True, "load"
    )

    for v_idx in range(n_veh):
        start = routing.Start(v_idx)
        time_dim.CumulVar(start).SetRange(int(starts_s[v_idx]), horizon)
        time_dim.SetSpanUpperBoundForVehicle(int(min(shifts[v_idx], horizon)), v_idx)
        time_dim.SetSpanCostCoefficientForVehicle(int(span_coef[v_idx]), v_idx)

    w_start = _to_int([s.window_start_s for s in keep], TIME_SCALE_PER_S, "window_start_s")
    w_end_s = [min(s.window_end_s, horizon_s) for s in keep]
    w_end = _to_int(w_end_s, TIME_SCALE_PER_S, "window_end_s")
    penalty = int(_to_int(problem.drop_penalty_sek, MONEY_SCALE_PER_SEK, "drop_penalty_sek"))
    for k, s in enumerate(keep):
        idx = manager.NodeToIndex(n_depots + k)
        time_dim.CumulVar(idx).SetRange(int(w_start[k]), int(w_end[k]))
        routing.AddDisjunction([idx], penalty)
        if len(allowed[s.id]) < n_veh:
            ok = set(allowed[s.id])
            routing.VehicleVar(idx).RemoveValues([v for v in range(n_veh) if v not in ok])

    # forbidden arcs (unreachable pairs)
    if forbidden.any():
        all_indices = range(routing.Size())
        ends_of_node: dict[int, list[int]] = {}
        for v_idx in range(n_veh):
            ends_of_node.setdefault(starts[v_idx], []).append(routing.End(v_idx))
        for i in all_indices:
            a = manager.IndexToNode(i)
            bad_nodes = np.nonzero(forbidden[a])[0]
            if bad_nodes.size == 0:
                continue
            nxt = routing.NextVar(i)
            for b in (int(x) for x in bad_nodes):
                if b < n_depots:
                    for e in ends_of_node.get(b, []):
                        nxt.RemoveValue(e)
                else:
                    nxt.RemoveValue(manager.NodeToIndex(b))

    hot_nodes = [
        n_depots + k for k, s in enumerate(keep) if s.hot and problem.max_hot_holding_s is not None
    ]
    if hot_nodes:
        assert problem.max_hot_holding_s is not None
        hold_max = int(_to_int(problem.max_hot_holding_s, TIME_SCALE_PER_S, "max_hot_holding_s"))
        routing.AddDimension(transit_cb, horizon, horizon, True, "holding")
        hold_dim = routing.GetDimensionOrDie("holding")
        for i in range(routing.Size()):  # every non-end index
            solver.Add(hold_dim.SlackVar(i) == time_dim.SlackVar(i))
        for node in hot_nodes:
            hold_dim.CumulVar(manager.NodeToIndex(node)).SetMax(hold_max)

    for v_idx in range(n_veh):
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v_idx)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v_idx)))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = fss
    params.local_search_metaheuristic = lsm
    params.guided_local_search_lambda_coefficient = float(gls_lambda)
    params.log_search = bool(log_search)
    if iterated_local_search:
        _configure_ils(params)
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if deterministic:
        # Machine-independent stop: a number of search solutions.
        # OR-Tools' own solution limit: counted natively (a Python CustomLimit callback
        # is polled at every search node and doubled the solve time).
        limit = int(default_solution_limit(len(keep), solution_limit))
        params.solution_limit = limit
        # ... and a cap on search branches, also counted natively, for days where the
        # metaheuristic has no move left and no new solution would ever come (one stop,
        # one vehicle): without it such a day would run to the wall-clock limit.
        branch_cap = solver.BranchesLimit(_BRANCHES_PER_SOLUTION * limit + _STALL_BRANCHES)
        routing.AddSearchMonitor(branch_cap)
        # these operators run nested searches cut by the wall-clock ``lns_time_limit``,
        # which would make the result depend on machine speed
        ops = params.local_search_operators
        for name in _TIMED_LNS_OPERATORS:
            setattr(ops, name, _BOOL_FALSE)

    if iterated_local_search:
        assignment = routing.SolveWithIteratedLocalSearch(params)
    else:
        assignment = routing.SolveWithParameters(params)
    status = _STATUS.get(int(routing.status()), f"status_{int(routing.status())}")
    elapsed = time.perf_counter() - t0
    if deterministic and elapsed >= time_limit_s * 0.98:
        logger.warning(
            "routing: the time limit of %.1f s was reached before the solution limit; the "
            "plan may differ between machines (raise time_limit_s for reproducibility)",
            time_limit_s,
        )

    routes: list[Route] = []
    dropped: list[Unserved] = []
    if assignment is None:
        for s in keep:
            dropped.append(
                Unserved(s.id, f"the solver found no solution (status {status})", "dropped")
            )
    else:
        served: set[str] = set()
        for v_idx, v in enumerate(vehicles):
            if not routing.IsVehicleUsed(assignment, v_idx):
                continue
            idx = routing.Start(v_idx)
            dep_s = assignment.Value(time_dim.CumulVar(idx)) / TIME_SCALE_PER_S
            seq: list[Stop] = []
            arr: list[float] = []
            idx = assignment.Value(routing.NextVar(idx))
            while not routing.IsEnd(idx):
                seq.append(keep[manager.IndexToNode(idx) - n_depots])
                arr.append(assignment.Value(time_dim.CumulVar(idx)) / TIME_SCALE_PER_S)
                idx = assignment.Value(routing.NextVar(idx))
            ret_s = assignment.Value(time_dim.CumulVar(idx)) / TIME_SCALE_PER_S
            served.update(s.id for s in seq)
            routes.append(_make_route(problem, v, seq, arr, dep_s, ret_s))
        dropped = [_dropped(s) for s in keep if s.id not in served]
    return _plan(problem, routes, unserved, dropped, status, t0)

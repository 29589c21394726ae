"""The routing problem and plan: data model, pre-checks, the route-cost formula, integer scaling.

Shared by both backends (:mod:`maltid.routing.ortools`, :mod:`maltid.routing.pyvrp`);
nothing here imports a solver. Times are in seconds since midnight, distances in metres,
money in SEK.

Integer scales (all conversions go through :func:`_to_int`)
------------------------------------------------------------
* time: 1 unit = 0.1 s (:data:`TIME_SCALE_PER_S` = 10),
* money: 1 unit = 1e-6 SEK (:data:`MONEY_SCALE_PER_SEK` = 1_000_000),
* distance (PyVRP only; OR-Tools prices distance directly in money): 1 unit = 0.1 m
  (:data:`DISTANCE_SCALE_PER_M` = 10),
* load: meals (integers already).

Route cost
----------
:func:`route_cost_sek` is the one route-cost formula: km x ``cost_per_km_sek`` + shift
hours (leaving the kitchen to returning) x driver rate + fixed cost of a used vehicle.
Both backends price their routes with it, and so does :mod:`maltid.costs`.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from maltid.errors import RoutingInputError

__all__ = [
    "DISTANCE_SCALE_PER_M",
    "MONEY_SCALE_PER_SEK",
    "TIME_SCALE_PER_S",
    "UNSERVED_CODES",
    "Route",
    "RoutingPlan",
    "RoutingProblem",
    "Stop",
    "Unserved",
    "Vehicle",
    "route_cost_sek",
]

logger = logging.getLogger("maltid")

#: Integer time units per second in the solver models (1 unit = 0.1 s).
TIME_SCALE_PER_S = 10.0
#: Integer money units per SEK in the solver models (1 unit = 1 micro-SEK).
MONEY_SCALE_PER_SEK = 1_000_000.0
#: Integer distance units per metre in the PyVRP model (1 unit = 0.1 m).
DISTANCE_SCALE_PER_M = 10.0

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

_SAFE_INT = 2**53
_MAX_INT = 2**62


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
        the window to open.
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
# the route-cost formula and integer scaling
# --------------------------------------------------------------------------------------


def route_cost_sek(
    distance_m: float,
    duration_s: float,
    *,
    cost_per_km_sek: float,
    driver_cost_per_hour_sek: float,
    fixed_cost_sek: float,
) -> float:
    """Return the cost of one vehicle route in SEK (the one route-cost formula).

    ``distance_m / 1000 * cost_per_km_sek + duration_s / 3600 * driver_cost_per_hour_sek
    + fixed_cost_sek``: km, shift hours (leaving the kitchen to returning) and a fixed
    cost per used vehicle. The solvers minimise the same sum at integer scale.

    Parameters
    ----------
    distance_m : float
        Route length (m).
    duration_s : float
        From leaving the kitchen to returning (s).
    cost_per_km_sek : float
        Vehicle running cost (SEK/km).
    driver_cost_per_hour_sek : float
        Driver cost (SEK/h).
    fixed_cost_sek : float
        Fixed cost of using the vehicle that day (SEK).

    Returns
    -------
    float
        Cost in SEK.
    """
    return (
        distance_m / 1000.0 * cost_per_km_sek
        + duration_s / 3600.0 * driver_cost_per_hour_sek
        + fixed_cost_sek
    )


def _to_int(values: npt.ArrayLike, scale: float, what: str) -> npt.NDArray[np.int64]:
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


def precheck(problem: RoutingProblem) -> tuple[list[Stop], dict[str, list[int]], list[Unserved]]:
    """Split stops into solvable ones (with their allowed vehicles) and hopeless ones.

    A stop is kept when at least one vehicle could serve it alone on a direct round trip
    (reachable, capacity, window, hot-holding from departure, shift); the others get an
    :class:`Unserved` with the most specific reason. Exact for a single stop: with the
    latest useful departure ``max(start_s, window_start_s - max_hot_holding_s)`` a direct
    trip meets the window and the holding limit iff these checks pass.

    Returns
    -------
    keep : list of Stop
        Stops some vehicle can serve alone, in input order.
    allowed : dict of str to list of int
        Stop id -> indices (in ``problem.vehicles``) of the vehicles that can.
    unserved : list of Unserved
        The other stops with their reason.
    """
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
# building the plan (shared by the backends)
# --------------------------------------------------------------------------------------


def make_route(
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
    cost = route_cost_sek(
        dist,
        dur,
        cost_per_km_sek=vehicle.cost_per_km_sek,
        driver_cost_per_hour_sek=vehicle.cost_per_hour_sek,
        fixed_cost_sek=vehicle.fixed_cost_sek,
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


def dropped_stop(stop: Stop) -> Unserved:
    """The :class:`Unserved` of a stop the solver left out (code ``dropped``)."""
    return Unserved(
        stop.id,
        "can be served alone but was dropped by the solver: not enough vehicles, capacity "
        "or shift time for all stops of the day",
        "dropped",
    )


def assemble_plan(
    problem: RoutingProblem,
    routes: Sequence[Route],
    unserved: Sequence[Unserved],
    dropped: Sequence[Unserved],
    status: str,
    t0: float,
) -> RoutingPlan:
    """The :class:`RoutingPlan` of a solve started at ``t0`` (``time.perf_counter()``, s).

    ``unserved`` are the pre-checked stops, ``dropped`` those the solver left out; the
    objective (SEK) is the route costs plus ``drop_penalty_sek`` per dropped stop.
    """
    k2p = {
        sid: a - r.departure_s
        for r in routes
        for sid, a in zip(r.stop_ids, r.arrival_s, strict=True)
    }
    objective = sum(r.cost_sek for r in routes) + problem.drop_penalty_sek * len(dropped)
    if dropped:
        # Not a warning: a sized fleet's first guess drops stops on purpose, and the
        # model that called (which knows its name and day) reports who ends up where.
        logger.info(
            "routing (%s, %d stops, %d vehicles): %d stop(s) left out by the solver",
            ", ".join(sorted(set(problem.depot_ids.values()))),
            len(problem.stops),
            len(problem.vehicles),
            len(dropped),
        )
    return RoutingPlan(
        routes=tuple(routes),
        unserved=(*unserved, *dropped),
        kitchen_to_plate_s=types.MappingProxyType(k2p),
        status=status,
        objective_sek=float(objective),
        solve_time_s=time.perf_counter() - t0,
    )


def empty_plan(unserved: Sequence[Unserved], t0: float) -> RoutingPlan:
    """The plan of a day with nothing to solve (status ``"empty"``); ``t0`` as above."""
    return RoutingPlan(
        routes=(),
        unserved=tuple(unserved),
        kitchen_to_plate_s=types.MappingProxyType({}),
        status="empty",
        objective_sek=0.0,
        solve_time_s=time.perf_counter() - t0,
    )


def horizon_s(problem: RoutingProblem, keep: Sequence[Stop]) -> float:
    """End of the solvers' time axis (s since midnight) for the kept stops ``keep``.

    The latest vehicle shift end, or later when a finite window ends later: that window
    end plus the longest service and the longest finite leg (room to get home). Window
    ends beyond it are capped at it; no feasible schedule is cut.
    """
    rows = sorted({v.depot_index for v in problem.vehicles} | {s.index for s in keep})
    sub = np.ix_(rows, rows)
    t, d = problem.time_s[sub], problem.distance_m[sub]
    finite = t[np.isfinite(t) & np.isfinite(d)]
    t_max_leg = float(finite.max()) if finite.size else 0.0
    end = max(v.start_s + v.max_shift_s for v in problem.vehicles)
    ends = [s.window_end_s for s in keep if math.isfinite(s.window_end_s)]
    if ends:
        service = max(s.service_s for s in keep)
        end = max(end, max(ends) + service + t_max_leg)
    return float(end)

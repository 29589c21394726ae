"""The default routing backend: one delivery day solved with PyVRP (times in s, costs in SEK).

Selected by ``maltid.routing.solve(problem)`` or ``solve(problem, PyVrpParams(...))``;
the same :class:`~maltid.routing.RoutingProblem` in and :class:`~maltid.routing.RoutingPlan`
out as the OR-Tools backend, hot-holding limits included. The only module that imports
``pyvrp``.

Model
-----
* One PyVRP location per matrix row in use, one depot per kitchen, one vehicle type per
  group of vehicles identical in all but their id (routes of a type are given to its
  vehicles in order). A vehicle leaves at or after ``start_s``; its shift (departure to
  return, waiting included) is at most ``max_shift_s``.
* Cost per route: :func:`~maltid.routing.problem.route_cost_sek` at integer scale
  (distance x ``cost_per_km_sek``, shift duration x ``cost_per_hour_sek``,
  ``fixed_cost_sek`` if used). Every kept stop is optional with a prize of
  ``drop_penalty_sek``, so an unserved stop costs what it costs in OR-Tools.
* Hot-holding (service start at a hot stop at most ``H = max_hot_holding_s`` after the
  vehicle leaves its kitchen; the return leg does not count), two exact formulations:

  - every kept stop hot (a lunch round): each vehicle type ends at its own sink, service
    times sit on the outgoing arcs and the route's duration limit is ``min(H, shift)``;
    the arc to the sink lasts ``max(0, H' - (shift - back_i))`` (``back_i`` = service +
    travel home) and costs the real return leg, so holding and shift are both exact
    and departures continuous (:func:`_all_hot_model`);
  - hot and chilled stops mixed: PyVRP *release times* (a client with release time
    ``r`` may only be visited on a trip leaving at or after ``r``). A hot stop with
    window ``[a, b]`` becomes a mutually exclusive group of copies, copy ``r`` with
    release ``r`` and window ``[a, min(b, r + H)]``: a route serving it leaves at
    ``d >= r`` and serves at ``s <= r + H <= d + H`` (sound, whatever else is on the
    route). Releases: ``b - H`` (the whole window), a departure grid shared by all
    stops (step ``H / hot_copies_per_holding``) and ``max(a - H, earliest start)``
    (:func:`hot_copies`). Plans departing between grid points with a hot stop within
    one step of its limit may be missed, never a limit broken.

  ``docs/routing.md`` has the details and assumptions.
* Unreachable pairs get an edge so slow that any route using it misses every time
  window (never feasible); a plan that would still use one is rejected.

Integer scales: those of :mod:`maltid.routing.problem` (time 0.1 s, distance 0.1 m,
money 1e-6 SEK), all through :func:`~maltid.routing.problem._to_int`.

Schedule convention: PyVRP reports a minimum-duration schedule; ``Route.departure_s`` is
its depot departure (it may be earlier than the latest possible departure when that does
not change the duration), ``arrival_s`` the start of service at each stop.

Determinism: with ``PyVrpParams.deterministic`` (default) the search stops after
``max_iterations`` iterations (default ``2000 + 20 * stops``; optionally also after
``max_no_improvement`` iterations without a better solution, off by default: on a
150-stop lunch day 1000 of them cut the search short and dropped 2 more stops), with
the time limit only as a safety cap; ``seed`` is PyVRP's random seed. Otherwise the
clock is the stopping rule.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from maltid.routing.params import PyVrpParams, default_iterations
from maltid.routing.problem import (
    DISTANCE_SCALE_PER_M,
    MONEY_SCALE_PER_SEK,
    TIME_SCALE_PER_S,
    Route,
    RoutingPlan,
    RoutingProblem,
    Stop,
    _to_int,
    assemble_plan,
    dropped_stop,
    empty_plan,
    horizon_s,
    make_route,
    precheck,
)

if TYPE_CHECKING:
    from pyvrp import ProblemData
    from pyvrp.stop import StoppingCriterion

__all__ = ["HotCopy", "hot_copies", "solve_pyvrp"]

logger = logging.getLogger("maltid")


@dataclass(frozen=True)
class HotCopy:
    """One copy of a stop for PyVRP: release time and service window (s since midnight)."""

    release_s: float
    window_start_s: float
    window_end_s: float


def hot_copies(
    stop: Stop,
    *,
    max_hot_holding_s: float | None,
    earliest_start_s: float,
    grid_origin_s: float,
    end_s: float,
    params: PyVrpParams,
) -> tuple[HotCopy, ...]:
    """The copies of ``stop`` (one unless it is hot under a limit); times in seconds.

    Release times: ``b - H`` (the whole window), the points of the day's departure grid
    ``grid_origin_s + k * step`` (``step = H / hot_copies_per_holding``, shared by all
    stops so that one departure serves several hot stops from the same grid point)
    strictly between, and ``max(a - H, earliest_start_s)``. With more than
    ``max_hot_copies`` the stop uses every m-th grid point (multiples of ``m * step``).

    Parameters
    ----------
    stop : Stop
        A pre-checked stop.
    max_hot_holding_s : float or None
        The day's hot-holding limit H (s); ``None`` = no limit.
    earliest_start_s : float
        Earliest ``start_s`` of the vehicles that can serve the stop (s since midnight).
    grid_origin_s : float
        Origin of the departure grid (s since midnight; the earliest vehicle start).
    end_s : float
        End of the time axis (s since midnight); caps an open window.
    params : PyVrpParams
        ``hot_copies_per_holding`` and ``max_hot_copies``.

    Returns
    -------
    tuple of HotCopy
        Release times descending; copy ``r`` has window ``[a, min(b, r + H)]``.
    """
    a, b = stop.window_start_s, min(stop.window_end_s, end_s)
    if not stop.hot or max_hot_holding_s is None:
        return (HotCopy(0.0, a, b),)
    hold = max_hot_holding_s
    low = max(earliest_start_s, a - hold)
    top = b - hold
    if top <= low:
        return (HotCopy(low, a, min(b, low + hold)),)
    grid: list[float] = []
    step = hold / params.hot_copies_per_holding
    if step > 0 and params.max_hot_copies > 2:
        room = params.max_hot_copies - 2
        first = math.floor((low - grid_origin_s) / step) + 1
        last = math.ceil((top - grid_origin_s) / step) - 1
        stride = max(1, math.ceil((last - first + 1) / room))
        first = math.ceil(first / stride) * stride  # multiples of stride x step
        grid = [grid_origin_s + k * step for k in range(last, first - 1, -1) if k % stride == 0]
        grid = [g for g in grid if low < g < top]
    releases = [top] if params.max_hot_copies == 1 else [top, *grid, low]
    return tuple(HotCopy(r, a, min(b, r + hold)) for r in releases)


@dataclass(frozen=True)
class _Types:
    """Vehicle types: members (indices in ``problem.vehicles``) and scaled integer fields."""

    members: tuple[tuple[int, ...], ...]
    per_m: npt.NDArray[np.int64]  # money per distance unit, per vehicle
    per_t: npt.NDArray[np.int64]  # money per time unit, per vehicle
    fixed: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    shift: npt.NDArray[np.int64]


def _vehicle_types(problem: RoutingProblem, horizon: int) -> _Types:
    """Group vehicles identical in all but their id (fewer types = a faster search)."""
    vehicles = problem.vehicles
    per_m = _to_int(
        [v.cost_per_km_sek / 1000.0 / DISTANCE_SCALE_PER_M for v in vehicles],
        MONEY_SCALE_PER_SEK,
        "distance cost per unit (SEK)",
    )
    per_t = _to_int(
        [v.cost_per_hour_sek / 3600.0 / TIME_SCALE_PER_S for v in vehicles],
        MONEY_SCALE_PER_SEK,
        "driver cost per time unit (SEK)",
    )
    fixed = _to_int([v.fixed_cost_sek for v in vehicles], MONEY_SCALE_PER_SEK, "fixed cost")
    start = _to_int([v.start_s for v in vehicles], TIME_SCALE_PER_S, "vehicle start_s")
    shift = np.minimum(
        _to_int([v.max_shift_s for v in vehicles], TIME_SCALE_PER_S, "max_shift_s"), horizon
    )
    groups: dict[tuple[object, ...], list[int]] = {}
    for k, v in enumerate(vehicles):
        key = (
            v.depot_index,
            int(v.capacity_meals),
            v.cost_per_km_sek,
            int(fixed[k]),
            int(start[k]),
            int(shift[k]),
            int(per_m[k]),
            int(per_t[k]),
        )
        groups.setdefault(key, []).append(k)
    return _Types(tuple(tuple(g) for g in groups.values()), per_m, per_t, fixed, start, shift)


def solve_pyvrp(problem: RoutingProblem, params: PyVrpParams) -> RoutingPlan:
    """Solve one delivery day with PyVRP; the plan's times are in seconds, costs in SEK.

    Parameters
    ----------
    problem : RoutingProblem
        The day to plan (hot-holding limits included).
    params : PyVrpParams
        Seed, stopping rule and the hot-stop copies (see the module docstring).

    Returns
    -------
    RoutingPlan
        As from the OR-Tools backend; ``status`` is ``"success"``, ``"infeasible"`` (no
        feasible plan found: every kept stop dropped) or ``"empty"``.
    """
    from pyvrp import PenaltyParams, SolveParams
    from pyvrp import solve as pyvrp_solve
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement

    t0 = time.perf_counter()
    keep, allowed, unserved = precheck(problem)
    if not keep:
        return empty_plan(unserved, t0)
    end_s = horizon_s(problem, keep)
    horizon = int(_to_int(end_s, TIME_SCALE_PER_S, "time horizon (s)"))
    hold = problem.max_hot_holding_s
    if hold is not None and all(s.hot for s in keep):
        model = _all_hot_model(problem, keep, hold, end_s, horizon)
    else:
        model = _plain_model(problem, keep, allowed, end_s, horizon, params)

    time_limit_s = float(params.time_limit_s)
    stop: StoppingCriterion
    if params.deterministic:
        iters = default_iterations(len(keep), params.max_iterations)
        criteria: list[StoppingCriterion] = [MaxIterations(iters), MaxRuntime(time_limit_s)]
        if params.max_no_improvement is not None:
            criteria.append(NoImprovement(params.max_no_improvement))
        stop = MultipleCriteria(criteria)
    else:
        stop = MaxRuntime(time_limit_s)
    # PyVRP's default penalty cap (1e5 per unit of time warp / excess load) is tiny next
    # to micro-SEK costs and a drop prize: let one unit of infeasibility cost up to one
    # dropped stop, but keep cap x (largest possible time warp) below 2**60.
    prize = model.prize
    n_loc = len(model.data.locations())
    warp_bound = (model.data.num_clients + n_loc + 1) * (2 * horizon + 2 + model.max_service)
    cap = min(float(max(100_000, prize)), float(2**60 // max(1, warp_bound)))
    solve_params = SolveParams(penalty=PenaltyParams(max_penalty=max(cap, 1.0)))
    res = pyvrp_solve(
        model.data,
        stop=stop,
        seed=int(params.seed),
        collect_stats=False,
        display=False,
        params=solve_params,
    )
    if params.deterministic and res.runtime >= time_limit_s * 0.98:
        logger.warning(
            "routing (pyvrp): the time limit of %.1f s was reached before the iteration "
            "limit; the plan may differ between machines",
            time_limit_s,
        )

    vehicles = problem.vehicles
    t = problem.time_s
    routes: list[Route] = []
    served: set[str] = set()
    feasible = bool(res.is_feasible())
    if feasible:
        next_of_type = [0] * len(model.members)
        for r in res.best.routes():
            vt = r.vehicle_type()
            v = vehicles[model.members[vt][next_of_type[vt]]]
            next_of_type[vt] += 1
            seq: list[Stop] = []
            arr: list[float] = []
            for act in r.schedule():
                if act.is_client():
                    seq.append(keep[model.stop_of_client[act.idx]])
                    arr.append(act.start_time / TIME_SCALE_PER_S)
            if not seq:
                continue
            legs = [v.depot_index, *[s.index for s in seq], v.depot_index]
            if not all(
                a == b or (math.isfinite(t[a, b]) and math.isfinite(problem.distance_m[a, b]))
                for a, b in itertools.pairwise(legs)
            ):
                feasible = False
                break
            if model.end_is_sink:  # the sink is not the kitchen: the real return leg
                ret_s = arr[-1] + seq[-1].service_s + float(t[seq[-1].index, v.depot_index])
            else:
                ret_s = r.end_time() / TIME_SCALE_PER_S
            routes.append(
                make_route(problem, v, seq, arr, r.start_time() / TIME_SCALE_PER_S, ret_s)
            )
            served.update(s.id for s in seq)
    if not feasible:
        logger.warning("routing (pyvrp): no feasible solution found; every kept stop dropped")
        routes, served = [], set()
    order = {v.id: k for k, v in enumerate(vehicles)}
    routes.sort(key=lambda r: order[r.vehicle_id])
    dropped = [dropped_stop(s) for s in keep if s.id not in served]
    status = "success" if feasible else "infeasible"
    return assemble_plan(problem, routes, unserved, dropped, status, t0)


@dataclass(frozen=True)
class _Model:
    """PyVRP data of one day and how to read its solution back."""

    data: ProblemData
    members: tuple[tuple[int, ...], ...]  # vehicle type -> vehicle indices
    stop_of_client: tuple[int, ...]  # PyVRP client index -> index in keep
    end_is_sink: bool  # routes end at a sink, not at the kitchen
    prize: int
    max_service: int


def _finite_fill(
    values: npt.NDArray[np.float64], ok: npt.NDArray[np.bool_], scale: float, what: str, fill: int
) -> npt.NDArray[np.int64]:
    """Scale the finite entries (``ok``) to integers, ``fill`` elsewhere."""
    out = _to_int(np.where(ok, values, 0.0), scale, what)
    out[~ok] = fill
    return out


def _plain_model(
    problem: RoutingProblem,
    keep: Sequence[Stop],
    allowed: Mapping[str, Sequence[int]],
    end_s: float,
    horizon: int,
    params: PyVrpParams,
) -> _Model:
    """One location per matrix row; hot stops (if any) as release-time copies."""
    from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType

    vehicles = problem.vehicles
    types = _vehicle_types(problem, horizon)
    rows = sorted({v.depot_index for v in vehicles} | {s.index for s in keep})
    loc_of_row = {r: k for k, r in enumerate(rows)}
    sub = np.ix_(rows, rows)
    t_sub, d_sub = problem.time_s[sub], problem.distance_m[sub]
    ok = np.isfinite(t_sub) & np.isfinite(d_sub)
    # Unreachable pairs become edges whose duration alone passes every time window
    # (any route using one has time warp, so it is never feasible) and whose distance
    # is the longest finite one; bounded values keep PyVRP's penalty arithmetic far
    # from int64 overflow (its own missing value, 2**44, would not).
    dur = _finite_fill(t_sub, ok, TIME_SCALE_PER_S, "travel time (s)", horizon + 1)
    dist = _to_int(np.where(ok, d_sub, 0.0), DISTANCE_SCALE_PER_M, "distance (m)")
    dist[~ok] = int(dist[ok].max()) if ok.any() else 0

    depot_rows = sorted({v.depot_index for v in vehicles})
    depot_of_row = {r: k for k, r in enumerate(depot_rows)}
    locations = [Location(x=0, y=0, name=str(r)) for r in rows]
    depots = [Depot(loc_of_row[r], name=problem.depot_ids[r]) for r in depot_rows]
    vehicle_types = []
    for group in types.members:
        k = group[0]
        v = vehicles[k]
        d = depot_of_row[v.depot_index]
        vehicle_types.append(
            VehicleType(
                num_available=len(group),
                capacity=[int(v.capacity_meals)],
                start_depot=d,
                end_depot=d,
                fixed_cost=int(types.fixed[k]),
                tw_early=int(types.start[k]),
                tw_late=horizon,
                shift_duration=int(types.shift[k]),
                unit_distance_cost=int(types.per_m[k]),
                unit_duration_cost=int(types.per_t[k]),
                name=",".join(vehicles[j].id for j in group),
            )
        )
    prize = int(_to_int(problem.drop_penalty_sek, MONEY_SCALE_PER_SEK, "drop_penalty_sek"))
    service = _to_int([s.service_s for s in keep], TIME_SCALE_PER_S, "service_s")
    grid_origin_s = min(v.start_s for v in vehicles)
    clients: list[Client] = []
    groups: list[ClientGroup] = []
    stop_of_client: list[int] = []
    for k, s in enumerate(keep):
        copies = hot_copies(
            s,
            max_hot_holding_s=problem.max_hot_holding_s,
            earliest_start_s=min(vehicles[j].start_s for j in allowed[s.id]),
            grid_origin_s=grid_origin_s,
            end_s=end_s,
            params=params,
        )
        group_idx = None
        if len(copies) > 1:
            group_idx = len(groups)
            ids = list(range(len(clients), len(clients) + len(copies)))
            groups.append(ClientGroup(ids, required=False, name=s.id))
        for c in copies:
            times = _to_int(
                [c.release_s, c.window_start_s, c.window_end_s], TIME_SCALE_PER_S, "window (s)"
            )
            clients.append(
                Client(
                    loc_of_row[s.index],
                    delivery=[int(s.demand_meals)],
                    service_duration=int(service[k]),
                    tw_early=int(times[1]),
                    tw_late=int(times[2]),
                    release_time=max(0, int(times[0])),
                    prize=prize,
                    required=False,
                    group=group_idx,
                    name=s.id,
                )
            )
            stop_of_client.append(k)
    matrices: tuple[list[Any], list[Any]] = ([dist], [dur])  # PyVRP's stubs: ndarray[int]
    data = ProblemData(locations, clients, depots, vehicle_types, *matrices, groups)
    return _Model(data, types.members, tuple(stop_of_client), False, prize, int(service.max()))


def _all_hot_model(
    problem: RoutingProblem, keep: Sequence[Stop], hold_s: float, end_s: float, horizon: int
) -> _Model:
    """Every stop hot: the holding limit as the shift of a route that ends at a sink.

    One location per kept stop, one per kitchen and one sink per vehicle type. Service
    times are folded into the outgoing edges (``stop i -> j``: service at i + travel),
    so a route's duration up to its last stop is ``last service start - departure``, the
    holding time of its last (and largest) hot stop. The edge ``i -> sink`` of a vehicle
    type with kitchen k and shift M lasts ``max(0, H' - (M - service_i - t(i, k)))`` with
    ``H' = min(H, M)``: a shift limit of ``H'`` then means ``holding <= H`` *and*
    ``return - departure <= M`` exactly (both grow with the last service start). Each
    type has its own profile whose "distance" is money (1e-6 SEK): km cost of every leg,
    and on ``i -> sink`` also the km cost of the real return leg and the driver cost of
    the time not in the duration (``service_i + t(i, k) - sink edge``).
    """
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType

    vehicles = problem.vehicles
    types = _vehicle_types(problem, horizon)
    depot_rows = sorted({v.depot_index for v in vehicles})
    n_dep, n_stop, n_types = len(depot_rows), len(keep), len(types.members)
    rows = np.array(depot_rows + [s.index for s in keep], dtype=np.int64)
    n = n_dep + n_stop + n_types
    sub = np.ix_(rows, rows)
    t_sub, d_sub = problem.time_s[sub], problem.distance_m[sub]
    ok = np.isfinite(t_sub) & np.isfinite(d_sub)
    service_s = np.zeros(n_dep + n_stop)
    service_s[n_dep:] = [s.service_s for s in keep]
    # durations: service at the origin + travel; unreachable = past every window
    base_dur = np.full((n, n), horizon + 1, dtype=np.int64)
    base_dur[: n_dep + n_stop, : n_dep + n_stop] = _finite_fill(
        t_sub + service_s[:, None], ok, TIME_SCALE_PER_S, "service + travel time (s)", horizon + 1
    )
    np.fill_diagonal(base_dur, 0)
    locations = [Location(x=0, y=0, name=str(r)) for r in rows.tolist()]
    locations += [Location(x=0, y=0, name=f"sink{j}") for j in range(n_types)]
    depots = [Depot(k, name=problem.depot_ids[r]) for k, r in enumerate(depot_rows)]
    depots += [Depot(n_dep + n_stop + j, name=f"sink{j}") for j in range(n_types)]
    depot_of_row = {r: k for k, r in enumerate(depot_rows)}
    hold = int(_to_int(hold_s, TIME_SCALE_PER_S, "max_hot_holding_s"))
    durations: list[Any] = []  # PyVRP's stubs type matrices as ndarray[int]
    distances: list[Any] = []
    vehicle_types = []
    d_km = np.where(ok, d_sub, 0.0) / 1000.0
    for j, group in enumerate(types.members):
        k = group[0]
        v = vehicles[k]
        kd = depot_of_row[v.depot_index]
        sink = n_dep + n_stop + j
        shift = int(types.shift[k])
        h_eff = min(hold, shift)
        # return leg from every location to this type's kitchen: service + travel
        back = base_dur[: n_dep + n_stop, kd]
        back_ok = ok[:, kd]
        sink_dur = np.where(back_ok, np.maximum(0, h_eff - (shift - back)), horizon + 1)
        dur = base_dur.copy()
        dur[: n_dep + n_stop, sink] = sink_dur
        dur[kd, sink] = 0
        money = _to_int(d_km * v.cost_per_km_sek, MONEY_SCALE_PER_SEK, "distance cost (SEK)")
        finite_max = int(money[ok].max()) if ok.any() else 0
        money[~ok] = finite_max
        dist = np.full((n, n), finite_max, dtype=np.int64)
        dist[: n_dep + n_stop, : n_dep + n_stop] = money
        rest = np.where(back_ok, back - sink_dur, 0) * int(types.per_t[k])
        dist[: n_dep + n_stop, sink] = money[:, kd] + rest
        dist[kd, sink] = 0
        np.fill_diagonal(dist, 0)
        durations.append(dur)
        distances.append(dist)
        vehicle_types.append(
            VehicleType(
                num_available=len(group),
                capacity=[int(v.capacity_meals)],
                start_depot=kd,
                end_depot=n_dep + j,
                fixed_cost=int(types.fixed[k]),
                tw_early=int(types.start[k]),
                tw_late=horizon,
                shift_duration=h_eff,
                unit_distance_cost=1,
                unit_duration_cost=int(types.per_t[k]),
                profile=j,
                name=",".join(vehicles[i].id for i in group),
            )
        )
    prize = int(_to_int(problem.drop_penalty_sek, MONEY_SCALE_PER_SEK, "drop_penalty_sek"))
    clients: list[Client] = []
    for k, s in enumerate(keep):
        w = _to_int(
            [s.window_start_s, min(s.window_end_s, end_s)],
            TIME_SCALE_PER_S,
            "window (s)",
        )
        clients.append(
            Client(
                n_dep + k,
                delivery=[int(s.demand_meals)],
                tw_early=int(w[0]),
                tw_late=int(w[1]),
                prize=prize,
                required=False,
                name=s.id,
            )
        )
    data = ProblemData(locations, clients, depots, vehicle_types, distances, durations)
    max_service = int(_to_int(float(service_s.max()), TIME_SCALE_PER_S, "service_s"))
    return _Model(data, types.members, tuple(range(n_stop)), True, prize, max_service)

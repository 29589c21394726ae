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
  vehicle leaves its kitchen; the return leg does not count) through PyVRP's *release
  times*: a client with release time ``r`` may only be visited on a trip that leaves the
  depot at or after ``r``. A hot stop with window ``[a, b]`` becomes a mutually exclusive
  group of copies, copy ``r`` having release time ``r`` and window
  ``[a, min(b, r + H)]``. A route serving copy ``r`` leaves at ``d >= r`` and starts
  service at ``s <= r + H <= d + H``: every PyVRP-feasible plan keeps the holding limit,
  whatever else is on the route (exact, never optimistic). The copies' release times
  run from ``b - H`` (its window is the whole ``[a, b]``: the limit cannot bind later)
  down in steps of ``H / hot_copies_per_holding`` to ``max(a - H, earliest start of a
  vehicle)``, at most ``max_hot_copies`` of them (wider steps on very wide windows). A
  plan that departs at ``d`` and serves the stop at ``s <= d + H`` is representable when
  ``d >= b - H`` or some copy has ``s - H <= r <= d``; that holds whenever the stop is
  served at least one step within the limit (``s - d <= H - step``). Plans with every
  hot stop closer to its limit than a step may be missed: the backend never breaks the
  limit but may serve such a stop at a higher cost or drop it where OR-Tools, which
  models departure times continuously, would not. ``docs/routing.md`` has the details.
* Unreachable pairs get an edge so slow that any route using it misses every time
  window (never feasible); a plan that would still use one is rejected.

Integer scales: those of :mod:`maltid.routing.problem` (time 0.1 s, distance 0.1 m,
money 1e-6 SEK), all through :func:`~maltid.routing.problem._to_int`.

Schedule convention: PyVRP reports a minimum-duration schedule; ``Route.departure_s`` is
its depot departure (it may be earlier than the latest possible departure when that does
not change the duration), ``arrival_s`` the start of service at each stop.

Determinism: with ``PyVrpParams.deterministic`` (default) the search stops after
``max_iterations`` iterations (default ``2000 + 20 * stops``), with the time limit only
as a safety cap; ``seed`` is PyVRP's random seed. Otherwise the clock is the stopping rule.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

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
    end_s: float,
    params: PyVrpParams,
) -> tuple[HotCopy, ...]:
    """The copies of ``stop`` (one unless it is hot under a limit); times in seconds.

    Parameters
    ----------
    stop : Stop
        A pre-checked stop.
    max_hot_holding_s : float or None
        The day's hot-holding limit H (s); ``None`` = no limit.
    earliest_start_s : float
        Earliest ``start_s`` of the vehicles that can serve the stop (s since midnight).
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
    top = max(b - hold, low)
    span = top - low
    step = hold / params.hot_copies_per_holding
    if span <= 0:
        n = 1
    elif step <= 0:
        n = params.max_hot_copies
    else:
        n = min(1 + math.ceil(span / step - 1e-9), params.max_hot_copies)
    releases = [top] if n == 1 else [top - span * k / (n - 1) for k in range(n)]
    return tuple(HotCopy(r, a, min(b, r + hold)) for r in releases)


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
    from pyvrp import Model, PenaltyParams, SolveParams
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    t0 = time.perf_counter()
    keep, allowed, unserved = precheck(problem)
    if not keep:
        return empty_plan(unserved, t0)
    vehicles = problem.vehicles
    rows = sorted({v.depot_index for v in vehicles} | {s.index for s in keep})
    loc_of_row = {r: k for k, r in enumerate(rows)}
    sub = np.ix_(rows, rows)
    t_sub, d_sub = problem.time_s[sub], problem.distance_m[sub]
    ok = np.isfinite(t_sub) & np.isfinite(d_sub)
    dur = _to_int(np.where(ok, t_sub, 0.0), TIME_SCALE_PER_S, "travel time (s)")
    dist = _to_int(np.where(ok, d_sub, 0.0), DISTANCE_SCALE_PER_M, "distance (m)")
    end_s = horizon_s(problem, keep)
    horizon = int(_to_int(end_s, TIME_SCALE_PER_S, "time horizon (s)"))
    # Unreachable pairs become edges whose duration alone passes every time window
    # (any route using one has time warp, so it is never feasible) and whose distance
    # is the longest finite one; bounded values keep PyVRP's penalty arithmetic far
    # from int64 overflow (its own missing value, 2**44, would not).
    dur[~ok] = horizon + 1
    dist[~ok] = int(dist[ok].max()) if ok.any() else 0

    m = Model()
    locs = [m.add_location(x=0, y=0, name=str(r)) for r in rows]
    depot_rows = sorted({v.depot_index for v in vehicles})
    depots = {r: m.add_depot(locs[loc_of_row[r]], name=problem.depot_ids[r]) for r in depot_rows}

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
    shift = _to_int([v.max_shift_s for v in vehicles], TIME_SCALE_PER_S, "max_shift_s")
    # Vehicles identical in everything but their id share one PyVRP vehicle type (fewer
    # types = a faster search); the routes of a type are given to its vehicles in order.
    type_members: dict[tuple[int, ...], list[int]] = {}
    for k, v in enumerate(vehicles):
        key = (
            v.depot_index,
            int(v.capacity_meals),
            int(fixed[k]),
            int(start[k]),
            int(min(shift[k], horizon)),
            int(per_m[k]),
            int(per_t[k]),
        )
        type_members.setdefault(key, []).append(k)
    members = list(type_members.values())
    for group in members:
        v, k = vehicles[group[0]], group[0]
        m.add_vehicle_type(
            num_available=len(group),
            capacity=int(v.capacity_meals),
            start_depot=depots[v.depot_index],
            end_depot=depots[v.depot_index],
            fixed_cost=int(fixed[k]),
            tw_early=int(start[k]),
            tw_late=horizon,
            shift_duration=int(min(shift[k], horizon)),
            unit_distance_cost=int(per_m[k]),
            unit_duration_cost=int(per_t[k]),
            name=",".join(vehicles[j].id for j in group),
        )

    prize = int(_to_int(problem.drop_penalty_sek, MONEY_SCALE_PER_SEK, "drop_penalty_sek"))
    service = _to_int([s.service_s for s in keep], TIME_SCALE_PER_S, "service_s")
    stop_of_client: list[int] = []  # PyVRP client index -> index in keep
    for k, s in enumerate(keep):
        copies = hot_copies(
            s,
            max_hot_holding_s=problem.max_hot_holding_s,
            earliest_start_s=min(vehicles[j].start_s for j in allowed[s.id]),
            end_s=end_s,
            params=params,
        )
        client_group = m.add_client_group(required=False, name=s.id) if len(copies) > 1 else None
        for c in copies:
            times = _to_int(
                [c.release_s, c.window_start_s, c.window_end_s], TIME_SCALE_PER_S, "window (s)"
            )
            m.add_client(
                locs[loc_of_row[s.index]],
                delivery=int(s.demand_meals),
                service_duration=int(service[k]),
                tw_early=int(times[1]),
                tw_late=int(times[2]),
                release_time=max(0, int(times[0])),
                required=False,
                prize=prize,
                group=client_group,
                name=s.id,
            )
            stop_of_client.append(k)
    for a in range(len(rows)):
        for b in range(len(rows)):
            if a != b:
                m.add_edge(locs[a], locs[b], distance=int(dist[a, b]), duration=int(dur[a, b]))

    time_limit_s = float(params.time_limit_s)
    stop: StoppingCriterion
    if params.deterministic:
        iters = default_iterations(len(keep), params.max_iterations)
        stop = MultipleCriteria([MaxIterations(iters), MaxRuntime(time_limit_s)])
    else:
        stop = MaxRuntime(time_limit_s)
    # PyVRP's default penalty cap (1e5 per unit of time warp / excess load) is tiny next
    # to micro-SEK costs and a drop prize: let one unit of infeasibility cost up to one
    # dropped stop, but keep cap x (largest possible time warp) below 2**60.
    n_clients = len(stop_of_client)
    warp_bound = (n_clients + len(rows) + 1) * (2 * horizon + 2 + int(service.max()))
    cap = min(float(max(100_000, prize)), float(2**60 // max(1, warp_bound)))
    solve_params = SolveParams(penalty=PenaltyParams(max_penalty=max(cap, 1.0)))
    res = m.solve(
        stop=stop, seed=int(params.seed), display=False, collect_stats=False, params=solve_params
    )
    if params.deterministic and res.runtime >= time_limit_s * 0.98:
        logger.warning(
            "routing (pyvrp): the time limit of %.1f s was reached before the iteration "
            "limit; the plan may differ between machines",
            time_limit_s,
        )

    routes: list[Route] = []
    served: set[str] = set()
    feasible = bool(res.is_feasible())
    if feasible:
        next_of_type = [0] * len(members)
        for r in res.best.routes():
            t = r.vehicle_type()
            v = vehicles[members[t][next_of_type[t]]]
            next_of_type[t] += 1
            seq: list[Stop] = []
            arr: list[float] = []
            for act in r.schedule():
                if act.is_client():
                    seq.append(keep[stop_of_client[act.idx]])
                    arr.append(act.start_time / TIME_SCALE_PER_S)
            if not seq:
                continue
            legs = [v.depot_index, *[s.index for s in seq], v.depot_index]
            if not all(
                a == b or ok[loc_of_row[a], loc_of_row[b]] for a, b in itertools.pairwise(legs)
            ):
                feasible = False
                break
            routes.append(
                make_route(
                    problem,
                    v,
                    seq,
                    arr,
                    r.start_time() / TIME_SCALE_PER_S,
                    r.end_time() / TIME_SCALE_PER_S,
                )
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

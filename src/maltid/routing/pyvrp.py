"""Second routing backend: one delivery day solved with PyVRP (times in seconds, costs in SEK).

Used through ``maltid.routing.solve(problem, backend="pyvrp")``; same inputs and the same
:class:`~maltid.routing.RoutingPlan` out. PyVRP (hybrid genetic search / iterated local
search) has no per-visit "time since leaving the depot" limit, so this backend refuses
days with hot stops under a hot-holding limit (use the OR-Tools backend for those).

Integer scales: time 0.1 s (``TIME_SCALE_PER_S``), distance 0.1 m
(:data:`DISTANCE_SCALE_PER_M`), money 1e-6 SEK (``MONEY_SCALE_PER_SEK``); all conversions
go through :func:`maltid.routing._to_int`. Stops pre-checked as impossible are removed
before solving, exactly as in the OR-Tools backend; every kept stop is an optional client
whose prize is ``drop_penalty_sek`` (so an unserved stop costs the same as in OR-Tools).
Each vehicle pays ``cost_per_km_sek`` per distance, ``cost_per_hour_sek`` over its whole
route duration (departure to return, waiting included) and ``fixed_cost_sek`` if used.
Vehicles that differ only in their id share one PyVRP vehicle type. Unreachable pairs get
an edge so slow that any route using it misses every time window (never feasible); a plan
that would still use one is rejected.

Schedule convention: PyVRP reports a minimum-duration schedule; ``Route.departure_s`` is
its depot departure (it may be earlier than the latest possible departure when that does
not change the duration), ``arrival_s`` the start of service at each stop.

Determinism: with ``deterministic=True`` the search stops after a number of PyVRP
iterations (``iteration_limit``; default ``2000 + 20 * n_stops``), with the time limit
only as a safety cap; ``seed`` is PyVRP's random seed. With ``deterministic=False`` the
wall-clock limit is the stopping rule.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from maltid.errors import RoutingInputError
from maltid.routing.ortools import (
    MONEY_SCALE_PER_SEK,
    TIME_SCALE_PER_S,
    Route,
    RoutingPlan,
    RoutingProblem,
    Stop,
    Unserved,
    _dropped,
    _make_route,
    _plan,
    _to_int,
)

__all__ = ["DISTANCE_SCALE_PER_M", "solve_pyvrp"]

logger = logging.getLogger("maltid")

#: Integer distance units per metre in the PyVRP model (1 unit = 0.1 m).
DISTANCE_SCALE_PER_M = 10.0


def solve_pyvrp(
    problem: RoutingProblem,
    keep: Sequence[Stop],
    unserved: Sequence[Unserved],
    *,
    time_limit_s: float,
    seed: int,
    deterministic: bool,
    iteration_limit: int | None,
    t0: float,
) -> RoutingPlan:
    """Solve the pre-checked stops ``keep`` with PyVRP; the plan's times are in seconds.

    Parameters
    ----------
    problem : RoutingProblem
        The day.
    keep : sequence of Stop
        Stops that passed the pre-checks of :func:`maltid.routing.solve`.
    unserved : sequence of Unserved
        Stops removed by the pre-checks (passed through to the plan).
    time_limit_s : float
        Wall-clock limit (s); only a safety cap when ``deterministic``.
    seed : int
        PyVRP random seed.
    deterministic : bool
        Stop after ``iteration_limit`` iterations instead of on the clock.
    iteration_limit : int or None
        PyVRP iterations when ``deterministic``; ``None`` = ``2000 + 20 * len(keep)``.
    t0 : float
        ``time.perf_counter()`` at the start of the solve, for ``solve_time_s``.

    Returns
    -------
    RoutingPlan
        As from the OR-Tools backend.

    Raises
    ------
    maltid.errors.RoutingInputError
        The day has hot stops and a hot-holding limit (not modelled by PyVRP).
    """
    from pyvrp import Model, PenaltyParams, SolveParams
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    if problem.max_hot_holding_s is not None and any(s.hot for s in keep):
        raise RoutingInputError(
            "solve(backend='pyvrp'): this day has hot stops with a hot-holding limit, which "
            "the PyVRP backend cannot model (fix: use backend='ortools', or set "
            "max_hot_holding_s=None)"
        )
    vehicles = problem.vehicles
    rows = sorted({v.depot_index for v in vehicles} | {s.index for s in keep})
    loc_of_row = {r: k for k, r in enumerate(rows)}
    sub = np.ix_(rows, rows)
    t_sub, d_sub = problem.time_s[sub], problem.distance_m[sub]
    ok = np.isfinite(t_sub) & np.isfinite(d_sub)
    dur = _to_int(np.where(ok, t_sub, 0.0), TIME_SCALE_PER_S, "travel time (s)")
    dist = _to_int(np.where(ok, d_sub, 0.0), DISTANCE_SCALE_PER_M, "distance (m)")

    finite_t = t_sub[ok]
    t_max_leg = float(finite_t.max()) if finite_t.size else 0.0
    horizon_s = max(v.start_s + v.max_shift_s for v in vehicles)
    ends = [s.window_end_s for s in keep if math.isfinite(s.window_end_s)]
    if ends:
        horizon_s = max(horizon_s, max(ends) + max(s.service_s for s in keep) + t_max_leg)
    horizon = int(_to_int(horizon_s, TIME_SCALE_PER_S, "time horizon (s)"))
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
    w_start = _to_int([s.window_start_s for s in keep], TIME_SCALE_PER_S, "window_start_s")
    w_end = _to_int(
        [min(s.window_end_s, horizon_s) for s in keep], TIME_SCALE_PER_S, "window_end_s"
    )
    service = _to_int([s.service_s for s in keep], TIME_SCALE_PER_S, "service_s")
    prize = int(_to_int(problem.drop_penalty_sek, MONEY_SCALE_PER_SEK, "drop_penalty_sek"))
    for k, s in enumerate(keep):
        m.add_client(
            locs[loc_of_row[s.index]],
            delivery=int(s.demand_meals),
            service_duration=int(service[k]),
            tw_early=int(w_start[k]),
            tw_late=int(w_end[k]),
            required=False,
            prize=prize,
            name=s.id,
        )
    for a in range(len(rows)):
        for b in range(len(rows)):
            if a != b:
                m.add_edge(locs[a], locs[b], distance=int(dist[a, b]), duration=int(dur[a, b]))

    stop: Any
    if deterministic:
        iters = iteration_limit if iteration_limit is not None else 2000 + 20 * len(keep)
        stop = MultipleCriteria([MaxIterations(int(iters)), MaxRuntime(float(time_limit_s))])
    else:
        stop = MaxRuntime(float(time_limit_s))
    # PyVRP's default penalty cap (1e5 per unit of time warp / excess load) is tiny next
    # to micro-SEK costs and a drop prize: let one unit of infeasibility cost up to one
    # dropped stop, but keep cap x (largest possible time warp) below 2**60.
    warp_bound = (len(keep) + len(rows) + 1) * (2 * horizon + 2 + int(service.max()))
    cap = min(float(max(100_000, prize)), float(2**60 // max(1, warp_bound)))
    params = SolveParams(penalty=PenaltyParams(max_penalty=max(cap, 1.0)))
    res = m.solve(stop=stop, seed=int(seed), display=False, collect_stats=False, params=params)
    if deterministic and res.runtime >= time_limit_s * 0.98:
        logger.warning(
            "routing (pyvrp): the time limit of %.1f s was reached before the iteration "
            "limit; the plan may differ between machines",
            time_limit_s,
        )

    routes: list[Route] = []
    served: set[str] = set()
    feasible = res.is_feasible()
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
                    seq.append(keep[act.idx])
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
                _make_route(
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
    dropped = [_dropped(s) for s in keep if s.id not in served]
    status = "success" if feasible else "infeasible"
    return _plan(problem, routes, list(unserved), dropped, status, t0)

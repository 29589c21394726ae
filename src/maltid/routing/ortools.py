"""One meal-delivery day as a vehicle routing problem, solved with OR-Tools (times in seconds).

The only module that imports ``ortools.constraint_solver``. It takes plain numpy
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
* Hot-food holding (service start at most ``max_hot_holding_s`` after departure; the
  return leg does not count, chilled stops are unlimited):

  - every kept stop hot (a lunch round): each vehicle ends at its own sink node; the
    arc ``i -> sink`` lasts ``max(0, H' - (shift - back_i))`` (``back_i`` = service +
    travel home, ``H' = min(H, shift)``) and the span limit is ``H'``, so holding and
    shift are both exact; the sink arc's cost carries the real return leg (km and the
    driver time not in the span). Native dimension features only.
  - hot and chilled stops mixed: a second dimension ("holding") with the same transit,
    start cumul 0 and ``holding.SlackVar(i) == time.SlackVar(i)``, capped on hot stops.
    OR-Tools does not always honour constraints on slack variables (seen on Solomon
    R101: a stop 0.1 min past the limit), so every route is re-timed from its
    departure and a hot stop past the limit is left out with a WARNING.

* Capacity dimension ("load") in meals with per-vehicle capacities.
* Objective in SEK: distance (km) x ``cost_per_km_sek`` (per-vehicle arc costs) + shift
  hours (span, departure to return) x ``cost_per_hour_sek`` + ``fixed_cost_sek`` per
  used vehicle + ``drop_penalty_sek`` per stop the solver leaves unserved.
* Stops that no vehicle can serve even alone (unreachable, capacity, window,
  hot-holding, shift, no vehicles) are removed before solving and reported in
  :attr:`RoutingPlan.unserved` with their reason.

Integer scales: those of :mod:`maltid.routing.problem` (time 0.1 s, money 1e-6 SEK);
distance enters the model only through money (arc cost = ``distance_m / 1000 *
cost_per_km_sek``); every conversion goes through :func:`maltid.routing.problem._to_int`.

Determinism
-----------
By default (``OrToolsParams.deterministic=True``) the search stops after
``solution_limit`` search solutions (default ``200 + 2 * n_stops``), counted by
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

Selected by ``maltid.routing.solve(problem, OrToolsParams(...))``; the default backend
is PyVRP (:mod:`maltid.routing.pyvrp`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from maltid.errors import RoutingInputError
from maltid.routing.params import OrToolsParams, default_solution_limit
from maltid.routing.problem import (
    MONEY_SCALE_PER_SEK,
    TIME_SCALE_PER_S,
    Route,
    RoutingPlan,
    RoutingProblem,
    Stop,
    Unserved,
    Vehicle,
    _to_int,
    assemble_plan,
    dropped_stop,
    empty_plan,
    horizon_s,
    make_route,
    precheck,
)

__all__ = ["FIRST_SOLUTION_STRATEGIES", "METAHEURISTICS", "solve_ortools"]

logger = logging.getLogger("maltid")

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


def _retime_hot(
    problem: RoutingProblem, vehicle: Vehicle, seq: list[Stop], departure_s: float
) -> tuple[list[Stop], list[float], float]:
    """Earliest schedule of ``seq`` from ``departure_s`` (s), without hot stops past the limit.

    Leaving a stop out never makes a later service start later, so the kept stops stay
    within their windows and the shift; a WARNING names the stops left out.
    """
    hold = problem.max_hot_holding_s
    assert hold is not None
    t = problem.time_s
    now, prev, prev_service = departure_s, vehicle.depot_index, 0.0
    kept: list[Stop] = []
    starts: list[float] = []
    for s in seq:
        start = max(s.window_start_s, now + prev_service + float(t[prev, s.index]))
        if s.hot and start - departure_s > hold + 1e-9:
            logger.warning(
                "routing: OR-Tools served hot stop %r %.1f s after departure (limit %.1f s); "
                "left out",
                s.id,
                start - departure_s,
                hold,
            )
            continue
        kept.append(s)
        starts.append(start)
        now, prev, prev_service = start, s.index, s.service_s
    return kept, starts, now + prev_service + float(t[prev, vehicle.depot_index])


def _configure_ils(params: Any) -> None:
    """Switch the search ``params`` to iterated local search with SISR ruin and SA acceptance."""
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


def _enum(enum: Any, name: str, what: str, options: tuple[str, ...]) -> int:
    key = name.upper()
    if key not in options:
        raise RoutingInputError(
            f"OrToolsParams: unknown {what} {name!r} (fix: use one of {', '.join(options)})"
        )
    return int(enum.Value.Value(key))


def solve_ortools(problem: RoutingProblem, params: OrToolsParams) -> RoutingPlan:
    """Solve one delivery day with OR-Tools; the plan's times are in seconds, costs in SEK.

    Parameters
    ----------
    problem : RoutingProblem
        The day to plan.
    params : OrToolsParams
        Search options (see :class:`~maltid.routing.params.OrToolsParams`).

    Returns
    -------
    RoutingPlan
        Routes, unserved stops with reasons, kitchen-to-plate times and the objective.

    Raises
    ------
    maltid.errors.RoutingInputError
        Unknown first-solution strategy or metaheuristic name.
    """
    t0 = time.perf_counter()
    fss = _enum(_FSS, params.first_solution, "first_solution", FIRST_SOLUTION_STRATEGIES)
    lsm = _enum(_LSM, params.metaheuristic, "metaheuristic", METAHEURISTICS)
    keep, allowed, unserved = precheck(problem)
    if not keep:
        return empty_plan(unserved, t0)

    vehicles = problem.vehicles
    n_veh = len(vehicles)
    hold_s = problem.max_hot_holding_s
    # every kept stop hot: holding as the span to a per-vehicle sink (exact, native)
    sinks = hold_s is not None and all(s.hot for s in keep)
    depot_rows = sorted({v.depot_index for v in vehicles})
    depot_node = {row: k for k, row in enumerate(depot_rows)}
    n_depots = len(depot_rows)
    n_base = n_depots + len(keep)
    n_nodes = n_base + (n_veh if sinks else 0)
    # matrix row of every routing node: kitchens first, then one node per kept stop
    rows = np.array(depot_rows + [s.index for s in keep], dtype=np.int64)
    service = np.zeros(n_base)
    service[n_depots:] = [s.service_s for s in keep]

    t_sub = problem.time_s[np.ix_(rows, rows)]
    d_sub = problem.distance_m[np.ix_(rows, rows)]
    forbidden = np.zeros((n_nodes, n_nodes), dtype=bool)
    forbidden[:n_base, :n_base] = ~(np.isfinite(t_sub) & np.isfinite(d_sub))
    base_bad = forbidden[:n_base, :n_base]

    end_s = horizon_s(problem, keep)
    horizon = int(_to_int(end_s, TIME_SCALE_PER_S, "time horizon (s)"))

    transit = np.zeros((n_nodes, n_nodes), dtype=np.int64)
    transit_s = np.where(base_bad, 0.0, t_sub) + service[:, None]
    transit[:n_base, :n_base] = _to_int(transit_s, TIME_SCALE_PER_S, "service + travel time (s)")
    transit = np.minimum(transit, horizon + 1)  # forbidden arcs are removed below
    transit[forbidden] = horizon + 1

    fixed = _to_int([v.fixed_cost_sek for v in vehicles], MONEY_SCALE_PER_SEK, "fixed cost (SEK)")
    span_coef = _to_int(
        [v.cost_per_hour_sek / 3600.0 / TIME_SCALE_PER_S for v in vehicles],
        MONEY_SCALE_PER_SEK,
        "driver cost per time unit (SEK)",
    )
    starts_s = _to_int([v.start_s for v in vehicles], TIME_SCALE_PER_S, "vehicle start_s")
    shifts = np.minimum(
        _to_int([v.max_shift_s for v in vehicles], TIME_SCALE_PER_S, "max_shift_s"), horizon
    )
    d_km = np.where(base_bad, 0.0, d_sub) / 1000.0
    rates = sorted({v.cost_per_km_sek for v in vehicles})
    arc_cost = {}
    for rate in rates:
        cost = np.zeros((n_nodes, n_nodes), dtype=np.int64)
        cost[:n_base, :n_base] = _to_int(d_km * rate, MONEY_SCALE_PER_SEK, "distance cost (SEK)")
        arc_cost[rate] = cost
    span_max = shifts.copy()
    if sinks:
        # Vehicle v ends at its own sink node. Service is in the outgoing transit, so the
        # span up to the last stop is its service start - departure: the holding time of
        # the last (largest) hot stop. The arc i -> sink lasts max(0, H' - (M - back_i))
        # (back_i = service_i + travel i -> kitchen, M the shift, H' = min(H, M)); a span
        # limit of H' then means holding <= H and return - departure <= M exactly. The
        # sink arc's cost carries the real return leg: its km and the driver time not in
        # the span.
        assert hold_s is not None
        hold = int(_to_int(hold_s, TIME_SCALE_PER_S, "max_hot_holding_s"))
        forbidden[:, n_base:] = True
        for v_idx, v in enumerate(vehicles):
            sink, kd = n_base + v_idx, depot_node[v.depot_index]
            h_eff = min(hold, int(shifts[v_idx]))
            back = transit[:n_base, kd]
            extra = np.maximum(0, h_eff - (int(shifts[v_idx]) - back))
            ok_back = ~base_bad[:, kd]
            transit[:n_base, sink] = np.where(ok_back, extra, horizon + 1)
            transit[kd, sink] = 0
            forbidden[:n_base, sink] = ~ok_back
            forbidden[:n_depots, sink] = True
            forbidden[kd, sink] = False
            rest = np.where(ok_back, back - extra, 0) * int(span_coef[v_idx])
            for rate, cost in arc_cost.items():
                cost[:n_base, sink] = cost[:n_base, kd] + rest if rate == v.cost_per_km_sek else 0
                cost[kd, sink] = 0
            span_max[v_idx] = h_eff

    starts = [depot_node[v.depot_index] for v in vehicles]
    ends = [n_base + v for v in range(n_veh)] if sinks else starts
    manager = pywrapcp.RoutingIndexManager(n_nodes, n_veh, starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    solver = routing.solver()
    solver.ReSeed(int(params.seed))

    # arc costs: one matrix per distinct cost_per_km (a sink column serves one vehicle)
    cost_cb = {rate: routing.RegisterTransitMatrix(c.tolist()) for rate, c in arc_cost.items()}
    for v_idx, v in enumerate(vehicles):
        routing.SetArcCostEvaluatorOfVehicle(cost_cb[v.cost_per_km_sek], v_idx)
        routing.SetFixedCostOfVehicle(int(fixed[v_idx]), v_idx)

    transit_cb = routing.RegisterTransitMatrix(transit.tolist())
    routing.AddDimension(transit_cb, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")

    demand = np.zeros(n_nodes, dtype=np.int64)
    demand[n_depots:n_base] = [int(s.demand_meals) for s in keep]
    demand_cb = routing.RegisterUnaryTransitVector(demand.tolist())
    routing.AddDimensionWithVehicleCapacity(
        demand_cb, 0, [int(v.capacity_meals) for v in vehicles], True, "load"
    )

    for v_idx in range(n_veh):
        start = routing.Start(v_idx)
        time_dim.CumulVar(start).SetRange(int(starts_s[v_idx]), horizon)
        time_dim.SetSpanUpperBoundForVehicle(int(span_max[v_idx]), v_idx)
        time_dim.SetSpanCostCoefficientForVehicle(int(span_coef[v_idx]), v_idx)

    w_start = _to_int([s.window_start_s for s in keep], TIME_SCALE_PER_S, "window_start_s")
    w_end_s = [min(s.window_end_s, end_s) for s in keep]
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
        end_index = {manager.IndexToNode(routing.End(v)): routing.End(v) for v in range(n_veh)}
        ends_of_node: dict[int, list[int]] = {}
        for v_idx in range(n_veh):
            ends_of_node.setdefault(ends[v_idx], []).append(routing.End(v_idx))
        for i in range(routing.Size()):
            a = manager.IndexToNode(i)
            bad_nodes = np.nonzero(forbidden[a])[0]
            if bad_nodes.size == 0:
                continue
            nxt = routing.NextVar(i)
            for b in (int(x) for x in bad_nodes):
                if b < n_depots or b >= n_base:
                    for e in ends_of_node.get(b, []):
                        nxt.RemoveValue(e)
                elif b not in end_index:
                    nxt.RemoveValue(manager.NodeToIndex(b))

    hot_nodes = [n_depots + k for k, s in enumerate(keep) if s.hot and hold_s is not None]
    if hot_nodes and not sinks:
        # Mixed hot and chilled stops: a second dimension whose slacks are tied to the
        # time dimension's. OR-Tools does not always honour constraints on slack
        # variables (its cumul optimiser sets the time cumuls), so the routes are
        # re-timed afterwards and any hot stop found past the limit is dropped.
        assert hold_s is not None
        hold_max = int(_to_int(hold_s, TIME_SCALE_PER_S, "max_hot_holding_s"))
        routing.AddDimension(transit_cb, horizon, horizon, True, "holding")
        hold_dim = routing.GetDimensionOrDie("holding")
        for i in range(routing.Size()):  # every non-end index
            solver.Add(hold_dim.SlackVar(i) == time_dim.SlackVar(i))
        for node in hot_nodes:
            hold_dim.CumulVar(manager.NodeToIndex(node)).SetMax(hold_max)

    for v_idx in range(n_veh):
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v_idx)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v_idx)))

    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = fss
    search.local_search_metaheuristic = lsm
    search.guided_local_search_lambda_coefficient = float(params.gls_lambda)
    search.log_search = bool(params.log_search)
    if params.iterated_local_search:
        _configure_ils(search)
    time_limit_s = float(params.time_limit_s)
    search.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if params.deterministic:
        # Machine-independent stop: a number of search solutions.
        # OR-Tools' own solution limit: counted natively (a Python CustomLimit callback
        # is polled at every search node and doubled the solve time).
        limit = default_solution_limit(len(keep), params.solution_limit)
        search.solution_limit = limit
        # ... and a cap on search branches, also counted natively, for days where the
        # metaheuristic has no move left and no new solution would ever come (one stop,
        # one vehicle): without it such a day would run to the wall-clock limit.
        branch_cap = solver.BranchesLimit(_BRANCHES_PER_SOLUTION * limit + _STALL_BRANCHES)
        routing.AddSearchMonitor(branch_cap)
        # these operators run nested searches cut by the wall-clock ``lns_time_limit``,
        # which would make the result depend on machine speed
        ops = search.local_search_operators
        for name in _TIMED_LNS_OPERATORS:
            setattr(ops, name, _BOOL_FALSE)

    if params.iterated_local_search:
        assignment = routing.SolveWithIteratedLocalSearch(search)
    else:
        assignment = routing.SolveWithParameters(search)
    status = _STATUS.get(int(routing.status()), f"status_{int(routing.status())}")
    elapsed = time.perf_counter() - t0
    if params.deterministic and elapsed >= time_limit_s * 0.98:
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
            if sinks:  # the sink is not the kitchen: the real return leg
                last = seq[-1]
                ret_s = arr[-1] + last.service_s + float(problem.time_s[last.index, v.depot_index])
            else:
                ret_s = assignment.Value(time_dim.CumulVar(idx)) / TIME_SCALE_PER_S
            if hot_nodes and not sinks:
                seq, arr, ret_s = _retime_hot(problem, v, seq, dep_s)
                if not seq:
                    continue
            served.update(s.id for s in seq)
            routes.append(make_route(problem, v, seq, arr, dep_s, ret_s))
        dropped = [dropped_stop(s) for s in keep if s.id not in served]
    return assemble_plan(problem, routes, unserved, dropped, status, t0)

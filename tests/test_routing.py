"""Tests of maltid.routing: brute-force optima, an independent route checker, reason codes.

The behaviour tests run on both backends (``BACKENDS``: OR-Tools and PyVRP); the
OR-Tools brute-force comparisons are here, PyVRP's in ``test_routing_pyvrp.py``. All
recipients here are synthetic. Travel times are whole seconds so that the solvers'
0.1 s time scale is exact.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math

import numpy as np
import pytest

from maltid.errors import RoutingInputError
from maltid.routing import (
    AutoParams,
    OrToolsParams,
    PyVrpParams,
    RoutingPlan,
    RoutingProblem,
    SolverParams,
    Stop,
    Unserved,
    Vehicle,
    backend_for,
    params_for_backend,
    solve,
)
from maltid.routing.problem import _to_int
from routing_helpers import (
    EPS,
    H,
    all_hot,
    brute_force,
    check_plan,
    line_problem,
    objective_with_prechecked,
    random_problem,
)

BRUTE_FORCE_SEEDS = range(8)
#: Search effort for the brute-force comparisons: enough for 5-6 stops (seed 6 needs
#: about 1800 solutions to leave a local optimum with three stops dropped).
BRUTE_FORCE_SOLUTIONS = 3000

#: Both backends, deterministic, with a generous safety cap.
BACKENDS = pytest.mark.parametrize(
    "params",
    [OrToolsParams(time_limit_s=10.0), PyVrpParams(time_limit_s=20.0)],
    ids=["ortools", "pyvrp"],
)


@functools.cache
def solved_random(seed: int) -> tuple[RoutingProblem, RoutingPlan]:
    p = random_problem(seed)
    params = OrToolsParams(time_limit_s=10.0, seed=seed, solution_limit=BRUTE_FORCE_SOLUTIONS)
    return p, solve(p, params)


@pytest.mark.parametrize("seed", BRUTE_FORCE_SEEDS)
def test_matches_brute_force_optimum(seed: int) -> None:
    p, plan = solved_random(seed)
    check_plan(p, plan)
    optimum = brute_force(p)
    assert plan.objective_sek == pytest.approx(optimum, rel=1e-4, abs=0.01)


@pytest.mark.parametrize("seed", range(8))
def test_all_hot_day_matches_brute_force_optimum(seed: int) -> None:
    """Every stop hot: holding as the span to a per-vehicle sink (exact)."""
    p = all_hot(random_problem(seed))
    params = OrToolsParams(time_limit_s=10.0, seed=seed, solution_limit=BRUTE_FORCE_SOLUTIONS)
    plan = solve(p, params)
    check_plan(p, plan)
    assert objective_with_prechecked(p, plan) == pytest.approx(brute_force(p), rel=1e-4, abs=0.01)


def solomon_r101_corner(*, with_chilled: bool) -> RoutingProblem:
    """Depot and customers 6, 96, 60, 93 of Solomon R101 (minutes -> s), limit 90 min.

    All four in one route would serve the last 90.1 min after departure; OR-Tools' holding
    dimension (slack variables tied to the time dimension) once accepted that route.
    """
    m = 60.0 * np.array(
        [
            [0.0, 11.1, 15.2, 18.0, 20.2],
            [11.1, 0.0, 4.2, 8.9, 9.2],
            [15.2, 4.2, 0.0, 8.6, 5.0],
            [18.0, 8.9, 8.6, 0.0, 10.0],
            [20.2, 9.2, 5.0, 10.0, 0.0],
        ]
    )
    windows = [(99, 109), (135, 145), (162, 172), (188, 198)]
    stops = [
        Stop(f"c{k}", k + 1, 1, a * 60.0, b * 60.0, 600.0, True) for k, (a, b) in enumerate(windows)
    ]
    if with_chilled:
        stops.append(Stop("chilled", 1, 1, 0.0, 230 * 60.0, 600.0, False))
    van = Vehicle("v", 0, 100, 1.0, 0.0, 0.0, 0.0, 230 * 60.0)
    return RoutingProblem(m, m, tuple(stops), (van,), 90 * 60.0, {0: "k"})


@BACKENDS
@pytest.mark.parametrize("with_chilled", [False, True])
def test_hot_stop_one_tenth_past_the_limit_is_not_served(
    params: SolverParams, with_chilled: bool
) -> None:
    p = solomon_r101_corner(with_chilled=with_chilled)
    plan = solve(p, params)
    check_plan(p, plan)
    assert plan.unserved_ids == ("c3",)
    assert plan.objective_sek == pytest.approx(brute_force(p), rel=1e-6)


def test_brute_force_instances_are_not_trivial() -> None:
    """The random instances exercise routes with several stops, both depots, drops."""
    plans = [solved_random(s)[1] for s in BRUTE_FORCE_SEEDS]
    assert max(len(r.stop_ids) for pl in plans for r in pl.routes) >= 3
    assert any(len({r.depot_id for r in pl.routes}) == 2 for pl in plans)
    assert any(pl.n_vehicles >= 2 for pl in plans)
    assert any(u.code == "dropped" for pl in plans for u in pl.unserved)
    assert any(not pl.unserved for pl in plans)


@BACKENDS
def test_same_seed_same_plan(params: SolverParams) -> None:
    p = random_problem(5)
    a = solve(p, params)
    b = solve(p, params)
    assert a == b
    check_plan(p, a)


def test_older_keyword_form_is_the_ortools_backend() -> None:
    """``solve(p, time_limit_s=..., seed=..., solution_limit=...)`` = ``OrToolsParams``."""
    p = random_problem(5)
    old = solve(p, time_limit_s=20.0, seed=3, solution_limit=500)
    new = solve(p, OrToolsParams(time_limit_s=20.0, seed=3, solution_limit=500))
    assert old == new
    check_plan(p, old)


def test_default_backend_sends_each_day_to_its_exact_model() -> None:
    """``solve(p)`` = ``AutoParams()``: a day mixing hot stops under a limit with other
    stops goes to OR-Tools, every other day (all hot, none hot, no limit) to PyVRP."""
    mixed = random_problem(2)
    assert 0 < sum(s.hot for s in mixed.stops) < len(mixed.stops)
    assert backend_for(mixed) == "ortools"
    plan = solve(mixed)
    assert plan == solve(mixed, OrToolsParams())
    check_plan(mixed, plan)
    hot = all_hot(mixed)
    none_hot = dataclasses.replace(
        mixed, stops=tuple(dataclasses.replace(s, hot=False) for s in mixed.stops)
    )
    no_limit = dataclasses.replace(mixed, max_hot_holding_s=None)
    for p in (hot, none_hot, no_limit):
        assert backend_for(p) == "pyvrp"
        plan = solve(p)
        assert plan == solve(p, PyVrpParams())
        check_plan(p, plan)
    custom = AutoParams(pyvrp=PyVrpParams(seed=3, max_iterations=50))
    assert solve(hot, custom) == solve(hot, PyVrpParams(seed=3, max_iterations=50))
    with pytest.raises(RoutingInputError, match="pyvrp"):
        AutoParams(pyvrp=OrToolsParams())  # type: ignore[arg-type]


def test_params_for_backend_maps_the_scenario_solver_table() -> None:
    pv = params_for_backend("pyvrp", time_limit_s=30.0, seed=4, iteration_limit=900)
    assert pv == PyVrpParams(time_limit_s=30.0, seed=4, max_iterations=900)
    ot = params_for_backend("ortools", time_limit_s=30.0, seed=4, solution_limit=250)
    assert ot == OrToolsParams(time_limit_s=30.0, seed=4, solution_limit=250)
    auto = params_for_backend(
        "auto", time_limit_s=30.0, seed=4, solution_limit=250, iteration_limit=900
    )
    assert auto == AutoParams(pyvrp=pv, ortools=ot)
    with pytest.raises(RoutingInputError, match=r"backend.*auto, pyvrp, ortools"):
        params_for_backend("gurobi", time_limit_s=30.0, seed=4)


@BACKENDS
def test_line_route_serves_all_in_order(params: SolverParams) -> None:
    p = line_problem()
    plan = solve(p, params)
    check_plan(p, plan)
    assert plan.unserved == ()
    assert plan.n_vehicles == 1
    assert plan.distance_m == pytest.approx(80_000.0)
    assert plan.served_ids in (("r1", "r2", "r3", "r4"), ("r4", "r3", "r2", "r1"))


@BACKENDS
def test_hot_holding_forces_order_and_is_measured_from_departure(params: SolverParams) -> None:
    # r1 hot and far would be cold after the other stops: it must come first,
    # and with a late window the van must leave late rather than wait with hot food.
    p = line_problem(max_hot_holding_s=20 * 60.0)
    stops = (
        Stop("near", 1, 1, 10 * H, 14 * H, 60.0, False),
        Stop("far_hot", 2, 1, 12 * H, 12.5 * H, 60.0, True),
    )
    p = line_problem(stops=stops, max_hot_holding_s=20 * 60.0)
    plan = solve(p, params)
    check_plan(p, plan)
    assert plan.unserved == ()
    (route,) = plan.routes
    assert plan.kitchen_to_plate_s["far_hot"] <= 20 * 60.0
    assert route.departure_s >= 12 * H - 20 * 60.0 - EPS  # not the 10:00 shift start


@BACKENDS
def test_hot_holding_ignores_return_leg_and_chilled_stops(params: SolverParams) -> None:
    stops = (Stop("chilled_far", 4, 1, 10 * H, 14 * H, 60.0, False),)
    p = line_problem(stops=stops, max_hot_holding_s=10 * 60.0)
    plan = solve(p, params)
    check_plan(p, plan)
    assert plan.served_ids == ("chilled_far",)
    assert plan.kitchen_to_plate_s["chilled_far"] == pytest.approx(2400.0)


@BACKENDS
def test_duplicate_matrix_index_two_recipients_one_house(params: SolverParams) -> None:
    stops = (
        Stop("a", 2, 1, 10 * H, 13 * H, 60.0, True),
        Stop("b", 2, 1, 10 * H, 13 * H, 60.0, False),
        Stop("c", 3, 1, 10 * H, 13 * H, 60.0, False),
    )
    p = line_problem(stops=stops)
    plan = solve(p, params)
    check_plan(p, plan)
    assert sorted(plan.served_ids) == ["a", "b", "c"]
    assert plan.distance_m == pytest.approx(60_000.0)


@BACKENDS
def test_unserved_reason_codes(params: SolverParams) -> None:
    n = 8
    time_s = np.full((n, n), 600.0)
    np.fill_diagonal(time_s, 0.0)
    dist = time_s * 10.0
    time_s[0, 6] = 7200.0  # far, but reachable
    time_s[6, 0] = 600.0
    time_s[7, :] = np.inf  # nothing leaves point 7
    time_s[7, 7] = 0.0
    stops = (
        Stop("ok", 1, 1, 10 * H, 14 * H, 60.0, True),
        Stop("too_big", 2, 50, 10 * H, 14 * H, 60.0, False),
        Stop("early", 3, 1, 8 * H, 8.5 * H, 60.0, False),
        Stop("cold", 6, 1, 10 * H, 16 * H, 60.0, True),
        Stop("long", 6, 1, 10 * H, 16 * H, 60.0, False),
        Stop("island", 7, 1, 10 * H, 14 * H, 60.0, False),
    )
    vehicles = (Vehicle("v0", 0, 10, 2.5, 200.0, 0.0, 10 * H, 1.5 * H),)
    p = RoutingProblem(time_s, dist, stops, vehicles, 30 * 60.0, {0: "central"})
    plan = solve(p, params)
    check_plan(p, plan)
    codes = {u.stop_id: u.code for u in plan.unserved}
    assert codes == {
        "too_big": "capacity",
        "early": "window",
        "cold": "hot_holding",
        "long": "shift",
        "island": "unreachable",
    }
    assert plan.served_ids == ("ok",)
    assert all(u.reason for u in plan.unserved)


@BACKENDS
def test_no_vehicles(params: SolverParams) -> None:
    p = line_problem(vehicles=(), depot_ids={0: "central"})
    plan = solve(p, params)
    assert {u.code for u in plan.unserved} == {"no_vehicles"}
    assert plan.routes == ()
    assert plan.status == "empty"


@BACKENDS
def test_dropped_when_not_enough_vehicles(params: SolverParams) -> None:
    # each stop fits alone but together they exceed the one vehicle's capacity
    stops = tuple(Stop(f"r{i}", i, 6, 10 * H, 13 * H, 60.0, False) for i in range(1, 5))
    p = line_problem(stops=stops)
    plan = solve(p, params)
    check_plan(p, plan)
    assert len(plan.served_ids) == 1
    dropped = [u for u in plan.unserved if u.code == "dropped"]
    assert len(dropped) == 3
    assert "not enough vehicles" in dropped[0].reason


@BACKENDS
def test_unreachable_pair_between_stops_is_never_used(params: SolverParams) -> None:
    p0 = line_problem()
    t = p0.time_s.copy()
    t[1, 2] = np.inf
    t[2, 1] = np.inf
    t[3, 4] = np.inf
    p = line_problem(time_s=t)
    plan = solve(p, params)
    check_plan(p, plan)  # asserts no infinite leg is used
    assert plan.unserved == ()


@BACKENDS
def test_multi_depot_chooses_cheaper_vehicle(params: SolverParams) -> None:
    # two kitchens the same distance from every stop; B's van costs much less per km
    n = 5
    time_s = np.full((n, n), 300.0)
    np.fill_diagonal(time_s, 0.0)
    time_s[0, 1] = time_s[1, 0] = 900.0
    dist = time_s * 10.0
    stops = tuple(Stop(f"r{i}", i, 1, 10 * H, 13 * H, 60.0, False) for i in range(2, n))
    vehicles = (
        Vehicle("expensive", 0, 10, 9.0, 300.0, 0.0, 10 * H, 4 * H),
        Vehicle("cheap", 1, 10, 1.5, 300.0, 0.0, 10 * H, 4 * H),
    )
    p = RoutingProblem(time_s, dist, stops, vehicles, None, {0: "A", 1: "B"})
    plan = solve(p, params)
    check_plan(p, plan)
    assert [r.vehicle_id for r in plan.routes] == ["cheap"]
    assert plan.routes[0].depot_id == "B"
    # and with the rates swapped the other kitchen is used
    swapped = tuple(
        Vehicle(v.id, v.depot_index, 10, 10.5 - v.cost_per_km_sek, 300.0, 0.0, 10 * H, 4 * H)
        for v in vehicles
    )
    p2 = RoutingProblem(time_s, dist, stops, swapped, None, {0: "A", 1: "B"})
    plan2 = solve(p2, params)
    check_plan(p2, plan2)
    assert [r.vehicle_id for r in plan2.routes] == ["expensive"]


@BACKENDS
def test_fixed_cost_uses_one_vehicle_when_possible(params: SolverParams) -> None:
    vehicles = (
        Vehicle("v0", 0, 10, 2.5, 0.0, 500.0, 10 * H, 4 * H),
        Vehicle("v1", 0, 10, 2.5, 0.0, 500.0, 10 * H, 4 * H),
    )
    p = line_problem(vehicles=vehicles)
    plan = solve(p, params)
    check_plan(p, plan)
    assert plan.n_vehicles == 1


@BACKENDS
def test_plan_is_frozen_and_read_only(params: SolverParams) -> None:
    plan = solve(line_problem(), params)
    with pytest.raises(AttributeError):
        plan.status = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        plan.kitchen_to_plate_s["r1"] = 0.0  # type: ignore[index]
    assert isinstance(plan.unserved, tuple)
    assert all(isinstance(u, Unserved) for u in plan.unserved)


def test_to_int_warns_on_precision_loss(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="maltid"):
        out = _to_int([1.0, 2.5, 10.0], 10.0, "exact time (s)")
    assert out.tolist() == [10, 25, 100]
    assert out.dtype == np.int64
    assert not caplog.records
    with caplog.at_level(logging.WARNING, logger="maltid"):
        _to_int([0.04, 1.0], 10.0, "tiny time (s)")
    assert any("tiny time (s)" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="maltid"):
        _to_int([1e10], 1e6, "huge cost (SEK)")
    assert any("2**53" in r.getMessage() for r in caplog.records)
    with pytest.raises(RoutingInputError, match="too large"):
        _to_int([1e15], 1e6, "absurd cost (SEK)")
    with pytest.raises(RoutingInputError, match="non-finite"):
        _to_int([np.inf], 1.0, "x")


@BACKENDS
def test_solve_warns_when_driver_rate_loses_precision(
    params: SolverParams, caplog: pytest.LogCaptureFixture
) -> None:
    vehicles = (Vehicle("v0", 0, 10, 2.5, 0.001, 0.0, 10 * H, 4 * H),)
    with caplog.at_level(logging.WARNING, logger="maltid"):
        solve(line_problem(vehicles=vehicles), params)
    assert any("driver cost" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"time_s": np.zeros((5, 4))}, "square"),
        ({"distance_m": np.zeros((4, 4))}, "shape"),
        ({"time_s": -np.ones((5, 5))}, "negative"),
        ({"time_s": np.full((5, 5), np.nan)}, "NaN"),
        ({"stops": (Stop("x", 9, 1, 0.0, 10.0, 0.0, False),)}, "stop 'x'.*outside"),
        ({"stops": (Stop("x", 1, 1, 100.0, 10.0, 0.0, False),)}, "stop 'x'.*window"),
        ({"stops": (Stop("x", 1, -1, 0.0, 10.0, 0.0, False),)}, "stop 'x'.*demand"),
        (
            {"stops": (Stop("x", 1, 1, 0.0, 10.0, 0.0, False),) * 2},
            "stop 'x' appears twice",
        ),
        (
            {"vehicles": (Vehicle("v9", 3, 10, 1.0, 1.0, 0.0, 0.0, 100.0),)},
            "vehicle 'v9'.*not a known kitchen",
        ),
        (
            {"vehicles": (Vehicle("v9", 0, 10, -1.0, 1.0, 0.0, 0.0, 100.0),)},
            "vehicle 'v9'.*cost_per_km_sek",
        ),
        ({"max_hot_holding_s": -5.0}, "max_hot_holding_s"),
    ],
)
def test_invalid_problem_raises_clear_error(overrides: dict[str, object], match: str) -> None:
    with pytest.raises(RoutingInputError, match=match):
        line_problem(**overrides)


def test_bad_solver_options_raise() -> None:
    p = line_problem()
    with pytest.raises(RoutingInputError, match="first_solution"):
        solve(p, OrToolsParams(first_solution="NOPE"))
    with pytest.raises(RoutingInputError, match="metaheuristic"):
        solve(p, first_solution="PATH_CHEAPEST_ARC", metaheuristic="NOPE")
    with pytest.raises(RoutingInputError, match="time_limit_s"):
        OrToolsParams(time_limit_s=0.0)
    with pytest.raises(RoutingInputError, match="time_limit_s"):
        PyVrpParams(time_limit_s=math.inf)
    with pytest.raises(RoutingInputError, match="solution_limit"):
        solve(p, solution_limit=0)
    with pytest.raises(RoutingInputError, match="max_iterations"):
        PyVrpParams(max_iterations=0)
    with pytest.raises(RoutingInputError, match="seed"):
        PyVrpParams(seed=-1)
    with pytest.raises(RoutingInputError, match="max_no_improvement"):
        PyVrpParams(max_no_improvement=0)
    with pytest.raises(RoutingInputError, match=r"unknown keyword.*backend"):
        solve(p, backend="pyvrp")
    with pytest.raises(RoutingInputError, match="both params and keywords"):
        solve(p, PyVrpParams(), seed=1)
    with pytest.raises(RoutingInputError, match="params of type str"):
        solve(p, "pyvrp")  # type: ignore[arg-type]


@BACKENDS
def test_larger_day_with_hot_holding_is_feasible(params: SolverParams) -> None:
    """30 synthetic recipients, two kitchens, hot-holding: every route passes the checker."""
    rng = np.random.default_rng(42)
    n_depots, n_stops = 2, 30
    n = n_depots + n_stops
    xy = rng.uniform(0, 25_000, size=(n, 2))
    dist = np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) * 1.3)
    time_s = np.rint(dist / (60 / 3.6))
    stops = tuple(
        Stop(f"r{k}", n_depots + k, 1, 11 * H, 13 * H, 120.0, bool(k % 3)) for k in range(n_stops)
    )
    vehicles = tuple(
        Vehicle(f"v{j}", j % 2, 12, 2.5, 250.0, 300.0, 10.5 * H, 3 * H) for j in range(4)
    )
    p = RoutingProblem(time_s, dist, stops, vehicles, 30 * 60.0, {0: "north", 1: "south"})
    plan = solve(p, params)
    check_plan(p, plan)
    hot = [s.id for s in stops if s.hot and s.id in plan.kitchen_to_plate_s]
    assert len(hot) >= 15
    assert max(plan.kitchen_to_plate_s[s] for s in hot) <= 30 * 60.0 + EPS

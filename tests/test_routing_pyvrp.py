"""Tests of the PyVRP routing backend (``maltid.routing.solve(p, PyVrpParams(...))``).

Checked by the same independent checker and brute-force optimum as the OR-Tools backend
(``routing_helpers.py``; they never use the solver's numbers for the schedule or cost,
and the checker measures hot-holding from the reported departure). The brute force
models departure times continuously, so matching it shows that the release-time copies
of hot stops lose nothing on these instances. All recipients are synthetic; travel times
are whole seconds so that the 0.1 s time scale is exact.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any

import numpy as np
import pytest

from maltid.routing import PyVrpParams, RoutingPlan, RoutingProblem, Stop, Vehicle, solve
from maltid.routing.pyvrp import hot_copies
from routing_helpers import H, all_hot, brute_force, objective_with_prechecked, random_problem
from routing_helpers import check_plan as check
from routing_helpers import line_problem as shared_line_problem


def tiny_problem(seed: int) -> RoutingProblem:
    """The shared random instances (5-6 stops, 1-2 kitchens, 1-3 vehicles with different
    rates), other seeds, without a hot-holding limit (the hot ones are tested below)."""
    return dataclasses.replace(
        random_problem(100 + seed), max_hot_holding_s=None, drop_penalty_sek=10_000.0
    )


def line_problem(**overrides: Any) -> RoutingProblem:
    """The shared line instance with cold stops and no hot-holding limit; a ``time_s``
    override also sets the distances (10 km per 600 s)."""
    overrides.setdefault(
        "stops", tuple(Stop(f"r{i}", i, 2, 10 * H, 13 * H, 120.0, False) for i in range(1, 5))
    )
    overrides.setdefault("max_hot_holding_s", None)
    if "time_s" in overrides:
        overrides.setdefault("distance_m", np.asarray(overrides["time_s"]) / 600.0 * 10_000.0)
    return shared_line_problem(**overrides)


def solve_pyvrp(p: RoutingProblem, seed: int = 0) -> RoutingPlan:
    return solve(p, PyVrpParams(time_limit_s=20.0, seed=seed))


# --------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force_optimum(seed: int) -> None:
    p = tiny_problem(seed)
    plan = solve_pyvrp(p, seed=seed)
    check(p, plan)
    assert plan.objective_sek == pytest.approx(brute_force(p), rel=1e-4, abs=0.01)


def test_brute_force_instances_exercise_the_model() -> None:
    """The tiny instances have multi-stop routes, two kitchens, several vans and drops."""
    plans = [solve_pyvrp(tiny_problem(s), seed=s) for s in range(6)]
    assert max(len(r.stop_ids) for pl in plans for r in pl.routes) >= 3
    assert any(len({r.depot_id for r in pl.routes}) == 2 for pl in plans)
    assert any(pl.n_vehicles >= 2 for pl in plans)
    assert any(u.code == "dropped" for pl in plans for u in pl.unserved)


def test_same_seed_same_plan() -> None:
    p = tiny_problem(4)
    a = solve_pyvrp(p, seed=11)
    b = solve_pyvrp(p, seed=11)
    assert a == b
    check(p, a)


@pytest.mark.parametrize("seed", range(12))
def test_hot_holding_matches_brute_force_optimum(seed: int) -> None:
    """The shared random days with hot stops under a 15-40 min limit, 1-2 kitchens."""
    p = random_problem(seed)
    plan = solve_pyvrp(p, seed=seed)
    check(p, plan)  # hot-holding measured from the reported departure
    assert plan.objective_sek == pytest.approx(brute_force(p), rel=1e-4, abs=0.01)


@pytest.mark.parametrize("seed", range(16))
def test_all_hot_day_matches_brute_force_optimum(seed: int) -> None:
    """Every stop hot (the exact sink model); stops no vehicle reaches in time are
    pre-checked out."""
    p = all_hot(random_problem(seed))
    plan = solve_pyvrp(p, seed=seed)
    check(p, plan)
    assert objective_with_prechecked(p, plan) == pytest.approx(brute_force(p), rel=1e-4, abs=0.01)


def test_all_hot_brute_force_instances_have_a_binding_limit() -> None:
    binding = 0
    for seed in range(16):
        p = all_hot(random_problem(seed))
        if brute_force(dataclasses.replace(p, max_hot_holding_s=None)) < brute_force(p) - 0.01:
            binding += 1
    assert binding >= 8


def test_hot_brute_force_instances_have_a_binding_limit() -> None:
    """On some of those days the holding limit changes the optimum (it is exercised)."""
    binding = 0
    for seed in range(12):
        p = random_problem(seed)
        free = dataclasses.replace(p, max_hot_holding_s=None)
        if brute_force(free) < brute_force(p) - 0.01:
            binding += 1
    assert binding >= 2


def test_same_seed_same_plan_with_hot_stops() -> None:
    p = random_problem(7)
    a = solve_pyvrp(p, seed=5)
    b = solve_pyvrp(p, seed=5)
    assert a == b
    check(p, a)


def test_hot_stop_copies_cover_the_departures_exactly() -> None:
    hold = 30 * 60.0
    params = PyVrpParams(hot_copies_per_holding=3, max_hot_copies=8)
    hot = Stop("h", 1, 1, 11 * H, 12 * H, 60.0, True)
    copies = hot_copies(
        hot,
        max_hot_holding_s=hold,
        earliest_start_s=10 * H,
        grid_origin_s=10 * H,
        end_s=20 * H,
        params=params,
    )
    releases = [c.release_s for c in copies]
    assert releases == sorted(releases, reverse=True)
    assert releases[0] == pytest.approx(12 * H - hold)  # window end - H: the whole window
    assert releases[-1] == pytest.approx(11 * H - hold)  # window start - H
    assert max(a - b for a, b in itertools.pairwise(releases)) <= hold / 3 + 1e-9
    for c in copies:  # sound: service by release + H, and never outside the stop's window
        assert c.window_start_s == hot.window_start_s
        assert c.window_end_s == pytest.approx(min(hot.window_end_s, c.release_s + hold))
    # a vehicle that cannot leave before 11:00 needs no earlier release
    late = hot_copies(
        hot,
        max_hot_holding_s=hold,
        earliest_start_s=11 * H,
        grid_origin_s=10 * H,
        end_s=20 * H,
        params=params,
    )
    assert min(c.release_s for c in late) == pytest.approx(11 * H)
    # very wide window: at most max_hot_copies, evenly spread
    wide = dataclasses.replace(hot, window_start_s=8 * H, window_end_s=16 * H)
    many = hot_copies(
        wide,
        max_hot_holding_s=hold,
        earliest_start_s=0.0,
        grid_origin_s=0.0,
        end_s=20 * H,
        params=params,
    )
    assert len(many) == 8
    # a chilled stop, or no limit: one copy, no release time, the whole window
    for stop, limit in ((dataclasses.replace(hot, hot=False), hold), (hot, None)):
        (only,) = hot_copies(
            stop,
            max_hot_holding_s=limit,
            earliest_start_s=10 * H,
            grid_origin_s=10 * H,
            end_s=20 * H,
            params=params,
        )
        assert (only.release_s, only.window_start_s, only.window_end_s) == (0.0, 11 * H, 12 * H)
    # open window end is capped at the end of the time axis
    (open_end,) = hot_copies(
        dataclasses.replace(hot, window_end_s=math.inf, hot=False),
        max_hot_holding_s=hold,
        earliest_start_s=10 * H,
        grid_origin_s=10 * H,
        end_s=20 * H,
        params=params,
    )
    assert open_end.window_end_s == 20 * H


def test_hot_stop_far_out_forces_a_late_departure() -> None:
    """A hot stop 40 min out under a 45 min limit with a late window: the van leaves late."""
    stops = (
        Stop("near", 1, 1, 10 * H, 14 * H, 60.0, False),
        Stop("far_hot", 4, 1, 12.5 * H, 13 * H, 60.0, True),
    )
    p = line_problem(stops=stops, max_hot_holding_s=45 * 60.0)
    plan = solve_pyvrp(p)
    check(p, plan)
    assert plan.unserved == ()
    assert plan.kitchen_to_plate_s["far_hot"] <= 45 * 60.0
    assert plan.objective_sek == pytest.approx(brute_force(p), rel=1e-6)


def test_line_route_and_exact_cost() -> None:
    p = line_problem()
    plan = solve_pyvrp(p)
    check(p, plan)
    assert plan.served_ids in (("r1", "r2", "r3", "r4"), ("r4", "r3", "r2", "r1"))
    assert plan.distance_m == pytest.approx(80_000.0)
    # 80 km x 2.5 + (8 steps x 600 s travel + 4 x 120 s service) x 200 SEK/h + 100 fixed
    assert plan.objective_sek == pytest.approx(200.0 + 5280.0 / H * 200.0 + 100.0)


def test_unreachable_pairs_are_never_used() -> None:
    p0 = line_problem()
    t = p0.time_s.copy()
    t[1, 2] = t[2, 1] = np.inf
    t[3, 4] = np.inf
    p = line_problem(time_s=t)
    plan = solve_pyvrp(p)
    check(p, plan)  # asserts every leg is finite
    assert plan.unserved == ()


def test_prechecked_reasons_and_dropped_stops() -> None:
    t = line_problem().time_s.copy()
    t[4, :] = np.inf  # nothing leaves point 4
    t[4, 4] = 0.0
    stops = (
        *(Stop(f"r{i}", i, 6, 10 * H, 13 * H, 60.0, False) for i in range(1, 3)),
        Stop("too_big", 3, 50, 10 * H, 13 * H, 60.0, False),
        Stop("early", 3, 1, 8 * H, 8.5 * H, 60.0, False),
        Stop("island", 4, 1, 10 * H, 13 * H, 60.0, False),
    )
    p = line_problem(stops=stops, time_s=t)
    plan = solve_pyvrp(p)
    check(p, plan)
    codes = {u.stop_id: u.code for u in plan.unserved}
    assert codes.pop("too_big") == "capacity"
    assert codes.pop("early") == "window"
    assert codes.pop("island") == "unreachable"
    assert list(codes.values()) == ["dropped"]  # two 6-meal stops, one 10-meal van
    assert len(plan.served_ids) == 1


def test_multi_depot_heterogeneous_fleet_picks_the_cheaper_van() -> None:
    n = 5
    time_s = np.full((n, n), 300.0)
    np.fill_diagonal(time_s, 0.0)
    time_s[0, 1] = time_s[1, 0] = 900.0
    dist = time_s * 10.0
    stops = tuple(Stop(f"r{i}", i, 1, 10 * H, 13 * H, 60.0, False) for i in range(2, n))
    for cheap_km, expensive_km in ((1.5, 9.0), (9.0, 1.5)):
        vehicles = (
            Vehicle("at_A", 0, 10, expensive_km, 300.0, 0.0, 10 * H, 4 * H),
            Vehicle("at_B", 1, 10, cheap_km, 300.0, 0.0, 10 * H, 4 * H),
        )
        p = RoutingProblem(time_s, dist, stops, vehicles, None, {0: "A", 1: "B"})
        plan = solve_pyvrp(p)
        check(p, plan)
        expected = "at_B" if cheap_km < expensive_km else "at_A"
        assert [r.vehicle_id for r in plan.routes] == [expected]


def test_identical_vans_get_distinct_ids_and_fixed_cost_counts() -> None:
    # each stop needs its own van (capacity), three identical vans + one dearer van
    stops = tuple(Stop(f"r{i}", i, 6, 10 * H, 13 * H, 60.0, False) for i in range(1, 5))
    same = tuple(Vehicle(f"s{j}", 0, 10, 2.5, 0.0, 100.0, 10 * H, 4 * H) for j in range(3))
    dear = Vehicle("dear", 0, 10, 2.5, 0.0, 900.0, 10 * H, 4 * H)
    p = line_problem(stops=stops, vehicles=(dear, *same))
    plan = solve_pyvrp(p)
    check(p, plan)
    assert plan.unserved == ()
    assert sorted(r.vehicle_id for r in plan.routes) == ["dear", "s0", "s1", "s2"]
    # fewer stops: the dear van stays home
    p2 = line_problem(stops=stops[:3], vehicles=(dear, *same))
    plan2 = solve_pyvrp(p2)
    check(p2, plan2)
    assert sorted(r.vehicle_id for r in plan2.routes) == ["s0", "s1", "s2"]
    assert plan2.objective_sek == pytest.approx(brute_force(p2), rel=1e-6)


def test_two_recipients_one_house_and_a_stop_at_the_kitchen() -> None:
    stops = (
        Stop("a", 2, 1, 10 * H, 13 * H, 60.0, False),
        Stop("b", 2, 1, 10 * H, 13 * H, 60.0, False),
        Stop("at_kitchen", 0, 1, 10 * H, 13 * H, 60.0, False),
    )
    p = line_problem(stops=stops)
    plan = solve_pyvrp(p)
    check(p, plan)
    assert sorted(plan.served_ids) == ["a", "at_kitchen", "b"]
    assert plan.distance_m == pytest.approx(40_000.0)
    assert plan.objective_sek == pytest.approx(brute_force(p), rel=1e-6)


def test_waiting_for_a_late_window_is_paid_only_when_unavoidable() -> None:
    # one stop opening at 12:00, 10 min away: the van need not leave at 10:00
    stops = (Stop("late", 1, 1, 12 * H, 12.5 * H, 60.0, False),)
    p = line_problem(stops=stops)
    plan = solve_pyvrp(p)
    check(p, plan)
    (r,) = plan.routes
    assert r.duration_s == pytest.approx(1260.0)  # no waiting in the shift
    assert plan.objective_sek == pytest.approx(brute_force(p), rel=1e-6)


def test_no_improvement_stop_is_deterministic() -> None:
    p = all_hot(random_problem(3))
    params = PyVrpParams(time_limit_s=20.0, seed=2, max_no_improvement=50)
    a, b = solve(p, params), solve(p, params)
    assert a == b
    check(p, a)

"""Solver faults: impossible stops and vehicles give a clear reason naming the stop or vehicle.

Plain arrays only (no map): one kitchen at index 0, stops at 1..n, 10 min apart. Every
test runs on both routing backends.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from maltid.errors import RoutingInputError
from maltid.routing import (
    UNSERVED_CODES,
    OrToolsParams,
    PyVrpParams,
    RoutingProblem,
    SolverParams,
    Stop,
    Vehicle,
    solve,
)
from routing_helpers import check_plan

BACKENDS = pytest.mark.parametrize(
    "params",
    [OrToolsParams(time_limit_s=2.0, seed=1), PyVrpParams(time_limit_s=10.0, seed=1)],
    ids=["ortools", "pyvrp"],
)
ROUTING_DOC = Path(__file__).resolve().parents[2] / "docs" / "routing.md"

SHIFT_START_S = 10 * 3600.0


def _matrix(n: int, *, minutes: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    t = np.full((n, n), minutes * 60.0)
    np.fill_diagonal(t, 0.0)
    return t, t / 60.0 * 1000.0  # 1 km per minute


def _stop(
    sid: str,
    index: int,
    *,
    demand: int = 1,
    window: tuple[float, float] | None = None,
    service_s: float = 240.0,
    hot: bool = True,
) -> Stop:
    start, end = window if window is not None else (11 * 3600.0, 13.5 * 3600.0)
    return Stop(sid, index, demand, start, end, service_s, hot)


def _vehicle(vid: str = "bil_1", *, capacity: int = 10, max_shift_s: float = 4 * 3600.0) -> Vehicle:
    return Vehicle(vid, 0, capacity, 2.5, 380.0, 0.0, SHIFT_START_S, max_shift_s)


def _problem(
    stops: list[Stop], vehicles: list[Vehicle], n: int | None = None, t: np.ndarray | None = None
) -> RoutingProblem:
    n = n if n is not None else 1 + max(s.index for s in stops)
    if t is None:
        t, d = _matrix(n)
    else:
        d = np.where(np.isfinite(t), t / 60.0 * 1000.0, np.inf)
    return RoutingProblem(t, d, tuple(stops), tuple(vehicles), 90 * 60.0, {0: "central"})


def _reasons(plan: object) -> dict[str, tuple[str, str]]:
    return {u.stop_id: (u.code, u.reason) for u in plan.unserved}  # type: ignore[attr-defined]


@BACKENDS
def test_recipient_needing_more_meals_than_any_vehicle_is_unserved_with_reason(
    params: SolverParams,
) -> None:
    stops = [_stop("R_stor", 1, demand=12), _stop("R_liten", 2, demand=2)]
    problem = _problem(stops, [_vehicle(capacity=10)])
    plan = solve(problem, params)
    check_plan(problem, plan)
    reasons = _reasons(plan)
    assert set(reasons) == {"R_stor"}
    code, why = reasons["R_stor"]
    assert code == "capacity"
    assert "12 meals" in why
    assert plan.served_ids == ("R_liten",)
    assert all(r.load_meals <= 10 for r in plan.routes)


@BACKENDS
def test_window_shorter_than_service_time_is_served_inside_the_window(params: SolverParams) -> None:
    """Service must *start* in the window: a 1-min window with 4-min service is feasible."""
    w = (10 * 3600.0 + 1200.0, 10 * 3600.0 + 1260.0)  # 10:20-10:21
    stops = [_stop("R_kort", 1, window=w, service_s=240.0)]
    problem = _problem(stops, [_vehicle()])
    plan = solve(problem, params)
    check_plan(problem, plan)
    assert plan.unserved == ()
    (route,) = plan.routes
    (arrival,) = route.arrival_s
    assert w[0] <= arrival <= w[1]


@BACKENDS
def test_window_closing_before_any_vehicle_can_arrive_names_the_recipient(
    params: SolverParams,
) -> None:
    # closes at 10:05, but the kitchen is 10 min away and vehicles leave at 10:00
    stops = [_stop("R_tidig", 1, window=(9 * 3600.0, 10 * 3600.0 + 300.0)), _stop("R_ok", 2)]
    problem = _problem(stops, [_vehicle()])
    plan = solve(problem, params)
    check_plan(problem, plan)
    reasons = _reasons(plan)
    assert set(reasons) == {"R_tidig"}
    assert reasons["R_tidig"][0] == "window"
    assert "window" in reasons["R_tidig"][1]
    assert plan.served_ids == ("R_ok",)


@BACKENDS
def test_zero_length_window_is_served_exactly_at_that_time(params: SolverParams) -> None:
    at = 11 * 3600.0
    problem = _problem([_stop("R_punkt", 1, window=(at, at))], [_vehicle()])
    plan = solve(problem, params)
    check_plan(problem, plan)
    assert plan.unserved == ()
    assert plan.routes[0].arrival_s == (at,)


def test_inverted_window_is_an_input_error_naming_the_stop() -> None:
    with pytest.raises(RoutingInputError, match="R_bakvänd"):
        _problem([_stop("R_bakvänd", 1, window=(12 * 3600.0, 11 * 3600.0))], [_vehicle()])


@BACKENDS
def test_zero_vehicles_every_stop_unserved_with_reason(params: SolverParams) -> None:
    stops = [_stop("R1", 1), _stop("R2", 2)]
    problem = _problem(stops, [])
    plan = solve(problem, params)
    check_plan(problem, plan)
    assert plan.routes == ()
    reasons = _reasons(plan)
    assert set(reasons) == {"R1", "R2"}
    assert {code for code, _ in reasons.values()} == {"no_vehicles"}
    assert all("no vehicles" in why for _, why in reasons.values())
    assert plan.objective_sek == 0.0


@BACKENDS
def test_vehicle_with_zero_capacity_serves_nothing_and_stop_says_capacity(
    params: SolverParams,
) -> None:
    problem = _problem([_stop("R1", 1)], [_vehicle("tom_bil", capacity=0)])
    plan = solve(problem, params)
    check_plan(problem, plan)
    assert plan.routes == ()
    assert _reasons(plan)["R1"][0] == "capacity"


@BACKENDS
def test_unreachable_stop_is_unserved_and_the_rest_served(params: SolverParams) -> None:
    t, _ = _matrix(3)
    t[0, 2] = t[2, 0] = t[1, 2] = t[2, 1] = np.inf
    problem = _problem([_stop("R_ö", 2), _stop("R1", 1)], [_vehicle()], t=t)
    plan = solve(problem, params)
    check_plan(problem, plan)
    reasons = _reasons(plan)
    assert set(reasons) == {"R_ö"}
    assert reasons["R_ö"][0] == "unreachable"
    assert plan.served_ids == ("R1",)


@BACKENDS
def test_shift_too_short_for_a_round_trip_names_the_stop(params: SolverParams) -> None:
    problem = _problem([_stop("R_fjärran", 1)], [_vehicle(max_shift_s=600.0)])
    plan = solve(problem, params)
    check_plan(problem, plan)
    code, why = _reasons(plan)["R_fjärran"]
    assert code in ("shift", "hot_holding", "window")
    assert why


@BACKENDS
def test_hot_meal_beyond_holding_limit_is_unserved_chilled_is_served(params: SolverParams) -> None:
    t, _ = _matrix(3, minutes=100.0)  # 100 min > 90 min hot-holding limit
    stops = [
        _stop("R_varm", 1, hot=True, window=(0.0, math.inf)),
        _stop("R_kyld", 2, hot=False, window=(0.0, math.inf)),
    ]
    problem = _problem(stops, [_vehicle(max_shift_s=8 * 3600.0)], t=t)
    plan = solve(problem, params)
    check_plan(problem, plan)
    reasons = _reasons(plan)
    assert set(reasons) == {"R_varm"}
    assert reasons["R_varm"][0] == "hot_holding"
    assert "R_kyld" in plan.served_ids


@pytest.mark.parametrize(
    ("vehicle", "field"),
    [
        (Vehicle("bil_neg", 0, -3, 2.5, 380.0, 0.0, SHIFT_START_S, 3600.0), "capacity_meals"),
        (Vehicle("bil_nan", 0, 5, math.nan, 380.0, 0.0, SHIFT_START_S, 3600.0), "cost_per_km"),
        (Vehicle("bil_skift", 0, 5, 2.5, 380.0, 0.0, SHIFT_START_S, 0.0), "max_shift_s"),
        (Vehicle("bil_depå", 7, 5, 2.5, 380.0, 0.0, SHIFT_START_S, 3600.0), "depot_index"),
    ],
)
def test_bad_vehicle_is_an_input_error_naming_the_vehicle(vehicle: Vehicle, field: str) -> None:
    with pytest.raises(RoutingInputError) as info:
        _problem([_stop("R1", 1)], [vehicle])
    assert vehicle.id in str(info.value)
    assert field in str(info.value)
    assert "fix" in str(info.value)


@BACKENDS
def test_every_reason_code_is_documented(params: SolverParams) -> None:
    problem = _problem([_stop("R1", 1, demand=99), _stop("R2", 2)], [_vehicle(capacity=5)])
    plan = solve(problem, params)
    check_plan(problem, plan)
    assert all(u.code in UNSERVED_CODES for u in plan.unserved)
    assert set(plan.served_ids) | set(plan.unserved_ids) == {"R1", "R2"}
    # docs/routing.md has a table row for every code
    rows = [ln for ln in ROUTING_DOC.read_text(encoding="utf-8").splitlines() if ln.startswith("|")]
    for code in UNSERVED_CODES:
        assert any(ln.startswith(f"| `{code}` |") for ln in rows), f"{code} not documented"

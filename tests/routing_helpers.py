"""Shared helpers of the routing tests: an independent route checker and brute force.

The checker and the brute force never use the solver's numbers for the schedule or the
cost; both backends (OR-Tools and PyVRP) are checked by the same code. All recipients
are synthetic; travel times are whole seconds so that the 0.1 s time scale is exact.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest

from maltid.routing import Route, RoutingPlan, RoutingProblem, Stop, Vehicle

H = 3600.0
EPS = 1e-6


# --------------------------------------------------------------------------------------
# independent checker and brute force (never uses solver numbers for the schedule)
# --------------------------------------------------------------------------------------


def earliest_schedule(
    p: RoutingProblem, v: Vehicle, stops: list[Stop], depart_s: float
) -> tuple[list[float], float]:
    """Start of service at each stop and return time, departing at ``depart_s``."""
    t = p.time_s
    now = depart_s
    prev = v.depot_index
    prev_service = 0.0
    starts = []
    for s in stops:
        now = max(s.window_start_s, now + prev_service + t[prev, s.index])
        starts.append(now)
        prev, prev_service = s.index, s.service_s
    ret = now + prev_service + t[prev, v.depot_index]
    return starts, ret


def best_schedule(p: RoutingProblem, v: Vehicle, stops: list[Stop]) -> tuple[float, float] | None:
    """Latest feasible departure and its shift duration (s), or None if infeasible.

    For a fixed sequence the service starts are nondecreasing in the departure time,
    while shift length and hot-holding times are nonincreasing, so the latest departure
    that meets every window end is optimal.
    """
    t = p.time_s
    if sum(s.demand_meals for s in stops) > v.capacity_meals:
        return None
    # no-wait travel time from the kitchen to each stop
    lead = []
    acc, prev, prev_service = 0.0, v.depot_index, 0.0
    for s in stops:
        acc += prev_service + t[prev, s.index]
        lead.append(acc)
        prev, prev_service = s.index, s.service_s
    back = prev_service + t[prev, v.depot_index]
    if not all(math.isfinite(x) for x in [*lead, back]):
        return None
    depart = min([s.window_end_s - lead[k] for k, s in enumerate(stops)], default=v.start_s)
    if depart < v.start_s - EPS:
        return None
    starts, ret = earliest_schedule(p, v, stops, depart)
    for s, a in zip(stops, starts, strict=True):
        if a > s.window_end_s + EPS:
            return None
        if s.hot and p.max_hot_holding_s is not None and a - depart > p.max_hot_holding_s + EPS:
            return None
    if ret - depart > v.max_shift_s + EPS:
        return None
    return depart, ret - depart


def route_cost(p: RoutingProblem, v: Vehicle, stops: list[Stop], duration_s: float) -> float:
    rows = [v.depot_index, *[s.index for s in stops], v.depot_index]
    dist = sum(p.distance_m[a, b] for a, b in itertools.pairwise(rows))
    return dist / 1000 * v.cost_per_km_sek + duration_s / H * v.cost_per_hour_sek + v.fixed_cost_sek


def check_plan(p: RoutingProblem, plan: RoutingPlan) -> None:
    """Recompute every route from the matrices and assert it is feasible and priced right."""
    stops = {s.id: s for s in p.stops}
    vehicles = {v.id: v for v in p.vehicles}
    used = [r.vehicle_id for r in plan.routes]
    assert len(used) == len(set(used)), "a vehicle is used twice"
    seen: list[str] = []
    total = 0.0
    for r in plan.routes:
        assert isinstance(r, Route)
        v = vehicles[r.vehicle_id]
        assert r.depot_id == p.depot_ids[v.depot_index]
        assert r.stop_ids, "only used vehicles are listed"
        seq = [stops[i] for i in r.stop_ids]
        seen += r.stop_ids
        assert r.departure_s >= v.start_s - EPS
        # reported service starts must respect travel, service and windows
        prev, prev_t, prev_service = v.depot_index, r.departure_s, 0.0
        for s, a in zip(seq, r.arrival_s, strict=True):
            leg = p.time_s[prev, s.index]
            assert math.isfinite(leg), f"unreachable leg used to {s.id}"
            assert a >= prev_t + prev_service + leg - EPS, f"{s.id} served too early"
            assert s.window_start_s - EPS <= a <= s.window_end_s + EPS, f"{s.id} off window"
            if s.hot and p.max_hot_holding_s is not None:
                assert a - r.departure_s <= p.max_hot_holding_s + EPS, f"{s.id} got cold"
            assert plan.kitchen_to_plate_s[s.id] == pytest.approx(a - r.departure_s)
            prev, prev_t, prev_service = s.index, a, s.service_s
        back = p.time_s[prev, v.depot_index]
        assert math.isfinite(back)
        assert r.return_s >= prev_t + prev_service + back - EPS
        assert r.duration_s == pytest.approx(r.return_s - r.departure_s)
        assert r.duration_s <= v.max_shift_s + EPS
        load = sum(s.demand_meals for s in seq)
        assert r.load_meals == load <= v.capacity_meals
        rows = [v.depot_index, *[s.index for s in seq], v.depot_index]
        dist = sum(p.distance_m[a, b] for a, b in itertools.pairwise(rows))
        assert r.distance_m == pytest.approx(dist)
        assert r.cost_sek == pytest.approx(route_cost(p, v, seq, r.duration_s))
        total += r.cost_sek
    assert len(seen) == len(set(seen)), "a stop is served twice"
    unserved = [u.stop_id for u in plan.unserved]
    assert sorted(seen + unserved) == sorted(stops), "every stop is served or unserved"
    n_dropped = sum(u.code == "dropped" for u in plan.unserved)
    assert plan.objective_sek == pytest.approx(total + n_dropped * p.drop_penalty_sek)
    assert plan.cost_sek == pytest.approx(total)


def brute_force(p: RoutingProblem) -> float:
    """Optimal objective (SEK) by enumerating assignments (or drop) and orders."""
    stops = list(p.stops)
    best_subset: dict[tuple[int, frozenset[int]], float] = {}

    def subset_cost(v_idx: int, members: frozenset[int]) -> float:
        key = (v_idx, members)
        if key not in best_subset:
            v = p.vehicles[v_idx]
            best = math.inf
            for perm in itertools.permutations(sorted(members)):
                seq = [stops[i] for i in perm]
                sched = best_schedule(p, v, seq)
                if sched is not None:
                    best = min(best, route_cost(p, v, seq, sched[1]))
            best_subset[key] = best
        return best_subset[key]

    n_v = len(p.vehicles)
    best = math.inf
    for assign in itertools.product(range(-1, n_v), repeat=len(stops)):
        cost = p.drop_penalty_sek * sum(a == -1 for a in assign)
        for v_idx in range(n_v):
            members = frozenset(i for i, a in enumerate(assign) if a == v_idx)
            if members:
                cost += subset_cost(v_idx, members)
            if cost >= best:
                break
        best = min(best, cost)
    return best


def random_problem(seed: int) -> RoutingProblem:
    rng = np.random.default_rng(seed)
    n_depots = 1 + seed % 2
    n_stops = 5 if seed % 3 else 6
    n = n_depots + n_stops
    xy = rng.uniform(0, 15_000, size=(n, 2))
    dist = np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)))
    time_s = np.rint(dist / (45 / 3.6))
    stops = []
    for k in range(n_stops):
        ws = 11 * H + float(rng.integers(0, 4)) * 900
        stops.append(
            Stop(
                id=f"r{k}",
                index=n_depots + k,
                demand_meals=int(rng.integers(1, 4)),
                window_start_s=ws,
                window_end_s=ws + float(rng.integers(2, 8)) * 900,
                service_s=float(rng.integers(1, 5)) * 60,
                hot=bool(rng.integers(0, 2)),
            )
        )
    vehicles = []
    for j in range(1 + seed % 3):
        vehicles.append(
            Vehicle(
                id=f"v{j}",
                depot_index=j % n_depots,
                capacity_meals=int(rng.integers(5, 10)),
                cost_per_km_sek=float(rng.choice([2.5, 4.0])),
                cost_per_hour_sek=float(rng.choice([0.0, 180.0, 360.0])),
                fixed_cost_sek=float(rng.choice([0.0, 150.0])),
                start_s=10.5 * H,
                max_shift_s=float(rng.choice([1.0, 2.0, 3.0])) * H,
            )
        )
    return RoutingProblem(
        time_s=time_s,
        distance_m=dist,
        stops=tuple(stops),
        vehicles=tuple(vehicles),
        max_hot_holding_s=float(rng.choice([15, 25, 40])) * 60,
        depot_ids={k: f"kitchen{k}" for k in range(n_depots)},
        drop_penalty_sek=10_000.0,
    )


def all_hot(p: RoutingProblem) -> RoutingProblem:
    """The same day with every stop hot (a real lunch round)."""
    return dataclasses.replace(p, stops=tuple(dataclasses.replace(s, hot=True) for s in p.stops))


def objective_with_prechecked(p: RoutingProblem, plan: RoutingPlan) -> float:
    """The plan's objective plus the drop penalty of stops removed before solving.

    The brute force charges every unserved stop; the plan's objective only those the
    solver dropped.
    """
    prechecked = sum(u.code != "dropped" for u in plan.unserved)
    return plan.objective_sek + prechecked * p.drop_penalty_sek


def line_problem(**overrides: object) -> RoutingProblem:
    """Kitchen at 0 and stops on a line, 600 s and 10 km apart per step."""
    n = 5
    pos = np.arange(n, dtype=float)
    time_s = np.abs(pos[:, None] - pos[None, :]) * 600.0
    dist = np.abs(pos[:, None] - pos[None, :]) * 10_000.0
    stops = tuple(Stop(f"r{i}", i, 2, 10 * H, 13 * H, 120.0, i % 2 == 1) for i in range(1, n))
    vehicles = (Vehicle("v0", 0, 10, 2.5, 200.0, 100.0, 10 * H, 4 * H),)
    kw: dict[str, object] = {
        "time_s": time_s,
        "distance_m": dist,
        "stops": stops,
        "vehicles": vehicles,
        "max_hot_holding_s": 45 * 60.0,
        "depot_ids": {0: "central"},
    }
    kw.update(overrides)
    return RoutingProblem(**kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------

"""Tests of maltid.siting: the MIP against brute force, and every option and error."""

from __future__ import annotations

import math

import numpy as np
import pytest

from maltid.errors import InputError
from maltid.siting import SitingProblem, SitingResult, solve_siting

INF = math.inf


def brute_force(
    problem: SitingProblem,
    *,
    force_open: tuple[str, ...] = (),
    force_closed: tuple[str, ...] = (),
) -> tuple[float, tuple[str, ...]]:
    """Optimal objective and unassignable customers by enumerating every assignment.

    Each assignable customer goes to one allowed facility (all |F|^|C| combinations,
    vectorised); the open set is the used facilities plus the forced ones; capacity is
    checked per facility. Returns (inf, unassignable) when nothing is feasible.
    """
    fac = problem.facility_ids
    nf = len(fac)
    assert problem.always_open is not None and problem.must_close is not None
    opened = problem.always_open.copy()
    closed = problem.must_close.copy()
    for f in force_open:
        opened[fac.index(f)] = True
    for f in force_closed:
        closed[fac.index(f)] = True
    cost = np.where(closed[:, None], INF, problem.assign_cost_sek)
    cost = np.where(problem.demand[None, :] > problem.capacity[:, None], INF, cost)
    ok = np.isfinite(cost).any(axis=0)
    unassignable = tuple(c for c, k in zip(problem.customer_ids, ok, strict=True) if not k)
    cols = np.flatnonzero(ok)
    fixed_forced = float(problem.fixed_cost_sek[opened].sum())
    if len(cols) == 0:
        return fixed_forced, unassignable
    grids = np.indices((nf,) * len(cols)).reshape(len(cols), -1).T  # (N, C') facility per cust
    total = np.zeros(len(grids))
    for k, j in enumerate(cols):
        total += cost[grids[:, k], j]
    used = np.zeros((len(grids), nf), dtype=bool)
    load = np.zeros((len(grids), nf))
    for k, j in enumerate(cols):
        used[np.arange(len(grids)), grids[:, k]] = True
        np.add.at(load, (np.arange(len(grids)), grids[:, k]), problem.demand[j])
    open_mask = used | opened[None, :]
    total += (open_mask * problem.fixed_cost_sek[None, :]).sum(axis=1)
    feasible = np.isfinite(total) & (load <= problem.capacity[None, :] + 1e-9).all(axis=1)
    if not feasible.any():
        return INF, unassignable
    return float(total[feasible].min()), unassignable


def random_problem(seed: int) -> SitingProblem:
    rng = np.random.default_rng(seed)
    nf = int(rng.integers(2, 6))
    nc = int(rng.integers(3, 9))
    demand = rng.integers(1, 8, size=nc).astype(float)
    capacity = rng.integers(5, 25, size=nf).astype(float)
    cost = rng.uniform(10, 400, size=(nf, nc)).round(2)
    cost[rng.random((nf, nc)) < 0.25] = INF
    return SitingProblem(
        facility_ids=[f"K{i}" for i in range(nf)],
        customer_ids=[f"r{j}" for j in range(nc)],
        fixed_cost_sek=rng.uniform(0, 600, size=nf).round(2),
        capacity=capacity,
        demand=demand,
        assign_cost_sek=cost,
        always_open=rng.random(nf) < 0.15,
    )


def check_solution(problem: SitingProblem, result: SitingResult) -> None:
    """The result is a feasible solution whose objective adds up."""
    fac = list(problem.facility_ids)
    value = sum(problem.fixed_cost_sek[fac.index(f)] for f in result.open_ids)
    load = dict.fromkeys(result.open_ids, 0.0)
    for c, f in result.assignment.items():
        j = problem.customer_ids.index(c)
        i = fac.index(f)
        assert f in result.open_ids
        assert math.isfinite(problem.assign_cost_sek[i, j])
        value += problem.assign_cost_sek[i, j]
        load[f] += problem.demand[j]
    for f, meals in load.items():
        assert meals <= problem.capacity[fac.index(f)] + 1e-9
        assert result.load_meals[f] == pytest.approx(meals)
    assert result.objective_sek == pytest.approx(value, rel=1e-12)
    assert set(result.assignment) | set(result.unassignable) == set(problem.customer_ids)


@pytest.mark.parametrize("seed", range(12))
def test_equals_brute_force_on_random_instances(seed: int) -> None:
    problem = random_problem(seed)
    best, unassignable = brute_force(problem)
    result = solve_siting(problem, time_limit_s=30)
    assert result.unassignable == unassignable
    if math.isinf(best):
        assert result.status == "INFEASIBLE"
        return
    assert result.status == "OPTIMAL"
    assert result.gap == 0.0
    check_solution(problem, result)
    assert result.objective_sek == pytest.approx(best, rel=1e-6)


def test_random_instances_include_binding_and_infeasible_cases() -> None:
    """Guard that the seeds above exercise the interesting branches."""
    outcomes = [brute_force(random_problem(s)) for s in range(12)]
    assert any(u for _, u in outcomes)  # some customer is unassignable
    assert any(math.isfinite(b) for b, _ in outcomes)
    binding = 0
    for s in range(12):
        p = random_problem(s)
        b, _ = brute_force(p)
        uncapacitated = SitingProblem(
            p.facility_ids,
            p.customer_ids,
            p.fixed_cost_sek,
            np.full(len(p.facility_ids), INF),
            p.demand,
            p.assign_cost_sek,
            p.always_open,
        )
        binding += brute_force(uncapacitated)[0] < b - 1e-9
    assert binding >= 2  # capacity changes the optimum on several seeds


def small(**kw: object) -> SitingProblem:
    base: dict[str, object] = {
        "facility_ids": ["A", "B", "C"],
        "customer_ids": ["x", "y", "z"],
        "fixed_cost_sek": [100.0, 100.0, 1000.0],
        "capacity": [10.0, 10.0, 10.0],
        "demand": [2.0, 2.0, 2.0],
        "assign_cost_sek": [[1.0, 1.0, 1.0], [5.0, 5.0, 5.0], [0.0, 0.0, 0.0]],
    }
    base.update(kw)
    return SitingProblem(**base)  # type: ignore[arg-type]


def test_cheapest_single_kitchen_is_chosen() -> None:
    r = solve_siting(small())
    assert r.open_ids == ("A",)
    assert dict(r.assignment) == {"x": "A", "y": "A", "z": "A"}
    assert r.objective_sek == pytest.approx(103.0)


def test_always_open_is_opened_even_when_dear() -> None:
    r = solve_siting(small(always_open=[False, False, True]))
    assert r.open_ids == ("C",)  # open anyway, and then serving from it is free
    assert r.objective_sek == pytest.approx(1000.0)
    assert r.forced_open == ("C",)


def test_force_open_and_force_closed() -> None:
    r = solve_siting(small(), force_closed=["A"])
    assert r.open_ids == ("B",) and r.objective_sek == pytest.approx(115.0)
    r = solve_siting(small(), force_open=["B"])
    assert "B" in r.open_ids
    assert r.objective_sek == pytest.approx(brute_force(small(), force_open=("B",))[0])
    with pytest.raises(InputError, match="both open"):
        solve_siting(small(), force_open=["A"], force_closed=["A"])
    with pytest.raises(InputError, match=r"unknown facility 'Q'"):
        solve_siting(small(), force_open=["Q"])


def test_must_close_flag() -> None:
    r = solve_siting(small(must_close=[True, False, False]))
    assert r.open_ids == ("B",) and r.forced_closed == ("A",)


def test_capacity_binding_splits_customers() -> None:
    # Uncapacitated, A alone is best (103). A holds only one customer's demand, so the
    # optimum opens A for one customer and B for two: 100 + 10 + 1 + 2 * 150 = 411 < 460
    # (B alone) < 1000 (C alone).
    kw = {
        "fixed_cost_sek": [100.0, 10.0, 1000.0],
        "demand": [3.0, 3.0, 3.0],
        "assign_cost_sek": [[1.0, 1.0, 1.0], [150.0, 150.0, 150.0], [0.0, 0.0, 0.0]],
    }
    assert solve_siting(small(**kw)).open_ids == ("A",)
    p = small(capacity=[4.0, 10.0, 10.0], **kw)
    r = solve_siting(p)
    check_solution(p, r)
    assert r.open_ids == ("A", "B")
    assert r.load_meals["A"] == 3.0 and r.load_meals["B"] == 6.0
    assert r.objective_sek == pytest.approx(411.0)
    assert r.objective_sek == pytest.approx(brute_force(p)[0])


def test_inf_costs_forbid_assignments() -> None:
    costs = [[1.0, INF, 1.0], [5.0, 5.0, 5.0], [INF, INF, INF]]
    r = solve_siting(small(assign_cost_sek=costs))
    check_solution(small(assign_cost_sek=costs), r)
    assert r.assignment["y"] == "B"
    assert r.objective_sek == pytest.approx(brute_force(small(assign_cost_sek=costs))[0])


def test_unassignable_customer_is_reported_not_fatal() -> None:
    costs = [[1.0, INF, 1.0], [5.0, INF, 5.0], [0.0, INF, 0.0]]
    r = solve_siting(small(assign_cost_sek=costs))
    assert r.status == "OPTIMAL"
    assert r.unassignable == ("y",)
    assert set(r.assignment) == {"x", "z"}
    # too big for every kitchen that may serve it is unassignable too
    r = solve_siting(small(demand=[2.0, 11.0, 2.0]))
    assert r.unassignable == ("y",)
    # only reachable from a closed kitchen
    costs = [[1.0, 1.0, 1.0], [5.0, INF, 5.0], [INF, INF, INF]]
    r = solve_siting(small(assign_cost_sek=costs), force_closed=["A"])
    assert r.unassignable == ("y",) and r.open_ids == ("B",)


def test_total_capacity_short_is_infeasible() -> None:
    r = solve_siting(small(capacity=[3.0, 3.0, 0.0], demand=[2.0, 2.0, 2.0]))
    assert r.status == "INFEASIBLE"
    assert math.isnan(r.objective_sek) and r.open_ids == () and not r.assignment


def test_infinite_capacity_means_uncapacitated() -> None:
    p = small(capacity=[INF, 1.0, 1.0], demand=[50.0, 50.0, 50.0])
    r = solve_siting(p)
    assert r.open_ids == ("A",) and r.load_meals["A"] == 150.0


def test_deterministic() -> None:
    p = random_problem(3)
    assert solve_siting(p) == solve_siting(p)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"facility_ids": ["A", "A", "C"]}, r"facility_ids: ids repeat: A"),
        ({"facility_ids": []}, r"facility_ids: is empty"),
        ({"fixed_cost_sek": [1.0, 2.0]}, r"fixed_cost_sek: has shape \(2,\), expected \(3,\)"),
        ({"capacity": [1.0, -2.0, 3.0]}, r"capacity: contains negative"),
        ({"demand": [1.0, math.nan, 1.0]}, r"demand: contains NaN"),
        ({"demand": [1.0, INF, 1.0]}, r"demand: contains infinite"),
        ({"assign_cost_sek": [[1.0, 2.0, 3.0]]}, r"assign_cost_sek: has shape \(1, 3\)"),
        ({"assign_cost_sek": [[1, 1, 1], [1, 1, 1], [1, 1, -INF]]}, r"-inf"),
        ({"always_open": [True, False]}, r"always_open: has shape"),
        (
            {"always_open": [True, False, False], "must_close": [True, False, False]},
            r"both always open and must close: A",
        ),
    ],
)
def test_validation_errors_name_the_field(kw: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        small(**kw)
    with pytest.raises(InputError, match="time_limit_s"):
        solve_siting(small(), time_limit_s=0)

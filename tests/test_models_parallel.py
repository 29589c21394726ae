"""``[solver] workers``: kitchen-days routed in worker processes give the serial plans.

Every routing solve is deterministic and memoised, so :func:`maltid.models.parallel.prefetch`
only moves work to other processes: the plans of every model, and their prices, must be
the same with one worker and with two. On a small real scenario (``tests/models_town``)
with sectors, so that a day has several solves.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from maltid import models
from maltid.costs import price_week
from maltid.models import parallel
from maltid.network import TravelMatrix
from maltid.results import WeekPlan
from maltid.scenario import Scenario
from models_town import kitchen, recipient, scenario


def _town() -> tuple[Scenario, TravelMatrix]:
    rng = np.random.default_rng(7)
    ks = [
        kitchen("central", "central", 60.0, 15.0),
        kitchen("village", "local", 60.12, 15.0, candidate=True),
        kitchen("hamlet", "local", 59.9, 15.1, candidate=True),
        kitchen("farm", "local", 60.05, 15.2, candidate=True),
    ]
    rs = [
        recipient(f"c{i:02d}", 60.0 + rng.normal(0, 0.02), 15.0 + rng.normal(0, 0.04), 7)
        for i in range(10)
    ] + [
        recipient(
            f"v{i:02d}",
            60.12 + rng.normal(0, 0.01),
            15.0 + rng.normal(0, 0.02),
            5,
            hot_meal=bool(i % 3),
        )
        for i in range(8)
    ]
    rs += [recipient(f"h{i}", 59.9 + 0.01 * i, 15.1, 6) for i in range(3)]
    rs += [recipient(f"f{i}", 60.05, 15.2 + 0.01 * i, 4) for i in range(3)]
    return scenario(
        ks, rs, models=("hot7", "chilled1", "local", "mix"), solver={"max_stops_per_solve": 8}
    )


@pytest.mark.skipif(not parallel._can_fork(), reason="needs the fork start method")
def test_two_workers_give_the_serial_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    sc, m = _town()
    added: list[int] = []
    forked: list[int] = []
    real, real_map = parallel.prefetch, parallel.map_forked

    def counting(*args: object, **kw: object) -> int:
        n = real(*args, **kw)  # type: ignore[arg-type]
        added.append(n)
        return n

    def counting_map(*args: object, **kw: object) -> object:
        out = real_map(*args, **kw)  # type: ignore[arg-type]
        forked.append(0 if out is None else len(out))
        return out

    plans: dict[int, dict[str, WeekPlan]] = {}
    prices: dict[int, dict[str, float]] = {}
    for workers in (1, 2):
        ctx = models.make_context(
            sc, m, solution_limit=30, iteration_limit=200, workers=workers, routing_cache={}
        )
        if workers == 2:
            monkeypatch.setattr("maltid.models.assemble.prefetch", counting)
            monkeypatch.setattr("maltid.models.mix.map_forked", counting_map)
        plans[workers] = {spec.name: models.solve_model(spec, ctx) for spec in sc.models}
        prices[workers] = {
            name: price_week(plan, sc, parameters=ctx.parameters).total_cost_sek_per_week
            for name, plan in plans[workers].items()
        }
    assert sum(added) > 0, "the worker processes routed nothing"
    assert sum(forked) > 0, "optimised_mix evaluated no open set in the workers"
    assert plans[2] == plans[1]
    assert prices[2] == prices[1]


def test_one_worker_routes_in_this_process() -> None:
    sc, m = _town()
    ctx = models.make_context(sc, m, workers=1, routing_cache={})
    assert parallel.prefetch(ctx, [1, 2, 3], lambda c, j: j) == 0


def test_workers_is_validated() -> None:
    sc, _ = _town()
    with pytest.raises(Exception, match="workers"):
        sc.with_value("solver.workers", 0)


def _die_on_two(ctx: models.ModelContext, job: int) -> int:
    if job == 2:
        os._exit(3)  # a worker killed mid-job (out of memory, a solver crash)
    return job * 10


@pytest.mark.skipif(not parallel._can_fork(), reason="needs the fork start method")
def test_a_dead_worker_hands_the_work_back_instead_of_hanging() -> None:
    sc, m = _town()
    ctx = models.make_context(sc, m, workers=2, routing_cache={})
    assert parallel.map_forked(ctx, [1, 3, 4], _die_on_two) == [10, 30, 40]
    assert parallel.map_forked(ctx, [1, 2, 3], _die_on_two) is None  # the caller runs them
    assert parallel.prefetch(ctx, [1, 2, 3], _die_on_two) == 0

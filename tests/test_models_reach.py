"""``models.reach`` follows the routing rule for hot meals: a hot stop is allowed when its
service STARTS within the hot-holding limit after the vehicle leaves the kitchen."""

from __future__ import annotations

from typing import Any

import numpy as np

from maltid import models
from maltid.models.reach import reach
from models_town import kitchen, recipient, scenario

HOLD_MIN = 30.0
SERVICE_MIN = 4.0


def _at_minutes(minutes: float) -> float:
    """Latitude offset (deg) of a point ``minutes`` away by road (1.3 x straight, 15 m/s)."""
    return minutes * 60.0 * 15.0 / 1.3 / 111_000.0


def test_reach_matches_the_routing_hot_holding_rule() -> None:
    ks = [kitchen("central", "central", 60.0, 15.0)]
    rs = [
        # travel 28 min: past "limit - service" (26 min) but service starts within 30 min
        recipient("inside", 60.0 + _at_minutes(28.0), 15.0),
        # travel 31 min: service would start after the limit
        recipient("beyond", 60.0 - _at_minutes(31.0), 15.0),
    ]
    sc, m = scenario(ks, rs, hold_min=HOLD_MIN, service_min=SERVICE_MIN, vehicles=2)
    ctx = models.make_context(sc, m, time_limit_s=10.0, solution_limit=20)
    t = m.time_s[0, 1:]
    assert (HOLD_MIN - SERVICE_MIN) * 60 < t[0] < HOLD_MIN * 60 < t[1]
    rch = reach(ctx, [sc.central_kitchen], sorted(sc.recipients, key=lambda r: r.id))
    # sorted ids: beyond, inside
    assert rch.allowed.tolist() == [[False, True]]
    assert np.allclose(rch.one_way_s[0], [t[1], t[0]])
    plan = models.solve_model(sc.model("hot7"), ctx)
    own = {s for day in plan.days if not day.fallback for r in day.plan.routes for s in r.stop_ids}
    # routing agrees with reach: the 28-minute stop is served hot, the 31-minute one is not
    # (it gets the fallback's chilled boxes instead)
    assert own == {"inside"}
    assert plan.outcomes["inside"].outcome == "served"
    beyond = plan.outcomes["beyond"]
    assert (beyond.outcome, beyond.reason_code) == ("fallback", "hot_holding")
    assert dict(plan.unserved) == {}


def test_a_same_day_meal_has_its_own_holding_limit() -> None:
    ks = [kitchen("central", "central", 60.0, 15.0)]
    rs = [
        recipient("cold", 60.0 + _at_minutes(40.0), 15.0, hot_meal=False),
        recipient("hot", 60.0 - _at_minutes(40.0), 15.0),
    ]
    sc, m = scenario(ks, rs, hold_min=HOLD_MIN, service_min=SERVICE_MIN)
    ctx = models.make_context(sc, m, time_limit_s=10.0, solution_limit=20)
    same_day_s = sc.delivery.max_same_day_holding_s
    assert HOLD_MIN * 60 < m.time_s[0, 1] < same_day_s
    rch = reach(ctx, [sc.central_kitchen], sorted(sc.recipients, key=lambda r: r.id))
    # sorted ids: cold, hot; 40 min is beyond the hot limit, within the same-day limit
    assert rch.allowed.tolist() == [[True, False]]


def test_a_stop_routing_rejects_alone_is_not_solved_again(monkeypatch: Any) -> None:
    import maltid.routing as routing

    calls: list[tuple[str, ...]] = []
    real = routing.solve

    def counting(problem: Any, *args: Any, **kw: Any) -> Any:
        calls.append(tuple(s.id for s in problem.stops))
        return real(problem, *args, **kw)

    monkeypatch.setattr(routing, "solve", counting)
    ks = [kitchen("central", "central", 60.0, 15.0)]
    rs = [
        recipient("inside", 60.0 + _at_minutes(20.0), 15.0),
        recipient("beyond", 60.0 - _at_minutes(31.0), 15.0),
    ]
    sc, m = scenario(ks, rs, hold_min=HOLD_MIN, service_min=SERVICE_MIN)
    ctx = models.make_context(sc, m, time_limit_s=10.0, solution_limit=20)
    plan = models.solve_model(sc.model("hot7"), ctx)
    assert plan.outcomes["beyond"].outcome == "fallback"
    # one hot solve with both stops (beyond left out by the pre-check), then the
    # fallback's chilled rounds for beyond alone; never the hot day again without it
    assert calls[0] == ("beyond", "inside")
    assert ("inside",) not in calls
    assert set(calls[1:]) == {("beyond",)}

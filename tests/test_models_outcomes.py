"""Same people, same meals in every model: outcomes, fallback, sized fleets, shelf life.

Invariants checked for every model (issue 13): served + fallback + unserved = recipients;
the meals cooked (fresh + chilled) = the meals asked by everyone not unserved; unserved
(no road connection) is the same in every model. On small real scenarios
(``tests/models_town.py``) and on a real OSM extract (Bautzen) through ``maltid.compare``.
"""

from __future__ import annotations

import collections
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w

from maltid import load_scenario, models
from maltid.costs import default_parameters
from maltid.models.boxes import cook_to_delivery_days, max_days_kept, shelf_life_days
from maltid.models.dispatch import first_fleet_guess, route_kitchen_day
from maltid.models.visits import Visit
from maltid.network import TravelMatrix
from maltid.results import OUTCOMES, WeekPlan
from maltid.scenario import Scenario
from models_town import kitchen, recipient, scenario

ALL = ("hot7", "hot5", "chilled1", "local", "mix")


def _params() -> dict[str, float]:
    p = {k: v.value for k, v in default_parameters().items()}
    p.update(cost_per_km_sek=2.5, driver_cost_per_hour_sek=380.0, co2_kg_per_km=0.18)
    p["fixed_cost_sek_per_vehicle_day"] = 0.0
    # the cost lines these tests do not recompute (fleet per week, loading and minimum
    # paid driver time, the central kitchen's fixed share, reheating) are switched off
    for name in (
        "fixed_cost_sek_per_vehicle_week",
        "driver_loading_min_per_route",
        "driver_min_paid_min_per_route_day",
        "central_fixed_share_of_meal_cost",
        "reheating_minutes_per_meal",
    ):
        if name in p:
            p[name] = 0.0
    return p


def _ctx(sc: Scenario, m: TravelMatrix, **kw: Any) -> models.ModelContext:
    kw.setdefault("solution_limit", 40)
    kw.setdefault("iteration_limit", kw["solution_limit"])
    return models.make_context(sc, m, parameters=_params(), time_limit_s=30.0, **kw)


def check_invariants(sc: Scenario, plan: WeekPlan) -> collections.Counter[str]:
    """Assert the model's accounting; return the count of each outcome."""
    meals = {r.id: r.meals_per_week for r in sc.recipients}
    out = plan.outcomes
    assert set(out) == set(meals), plan.model
    counts = collections.Counter(o.outcome for o in out.values())
    assert set(counts) <= set(OUTCOMES)
    assert counts["served"] + counts["fallback"] + counts["unserved"] == len(meals)
    unserved = {rid for rid, o in out.items() if o.outcome == "unserved"}
    fallback = {rid for rid, o in out.items() if o.outcome == "fallback"}
    assert set(plan.unserved) == unserved, plan.model
    for o in out.values():
        assert (o.reason_code == "") == (o.outcome == "served"), (plan.model, o)
    # fresh + reheated = meals asked by everyone not unserved
    cooked = sum(k.meals_fresh_per_week + k.meals_chilled_per_week for k in plan.kitchens)
    asked = sum(m for rid, m in meals.items() if rid not in unserved)
    assert math.isclose(cooked, asked), (plan.model, cooked, asked)
    # per recipient: the week's meals arrive exactly once, own rounds or fallback rounds
    carried: dict[str, float] = collections.defaultdict(float)
    by_round: dict[str, set[bool]] = collections.defaultdict(set)
    for day in plan.days:
        for r in day.plan.routes:
            for sid in r.stop_ids:
                q = day.fresh_meals.get(sid, 0) + day.chilled_meals.get(sid, 0)
                carried[sid] += q * day.days
                by_round[sid].add(day.fallback)
        assert day.plan.unserved == () or all(u.stop_id in unserved for u in day.plan.unserved)
    for ld in plan.local_deliveries:
        carried[ld.recipient_id] += meals[ld.recipient_id]
    assert dict(carried) == {rid: m for rid, m in meals.items() if rid not in unserved}
    assert {rid for rid, f in by_round.items() if True in f} == fallback, plan.model
    assert all(len(f) == 1 for f in by_round.values())  # never own AND fallback
    fb_meals = sum(meals[rid] for rid in fallback)
    assert math.isclose(plan.fallback_meals_per_week, fb_meals), plan.model
    # vans needed: the most routes of a kitchen on one weekday
    per_day: collections.Counter[tuple[str, int]] = collections.Counter()
    for day in plan.days:
        for r in day.plan.routes:
            for d in day.day_indices:
                per_day[(r.depot_id, d)] += 1
    need: dict[str, int] = {}
    for (kid, _), n in per_day.items():
        need[kid] = max(need.get(kid, 0), n)
    assert dict(plan.vehicles_needed) == need, plan.model
    return counts


def _town(*, village_vehicles: int | None = 1, **kw: Any) -> tuple[Scenario, TravelMatrix]:
    """Central kitchen, a village kitchen with one car, and three hard cases: ``far`` beyond
    the hot-holding limit of the central kitchen, ``island`` with no road, and a village
    too big for one car in the lunch window."""
    rng = np.random.default_rng(1)
    ks = [
        kitchen("central", "central", 60.0, 15.0),
        kitchen("village", "local", 60.15, 15.0, vehicles=village_vehicles),
    ]
    rs = [
        recipient(f"c{i:02d}", 60.0 + rng.normal(0, 0.01), 15.0 + rng.normal(0, 0.02), 7)
        for i in range(6)
    ] + [
        recipient(f"v{i:02d}", 60.15 + rng.normal(0, 0.01), 15.0 + rng.normal(0, 0.02), 5)
        for i in range(14)
    ]
    rs += [
        recipient("far", 60.40, 15.0, 7),
        recipient("island", 60.02, 15.02, 4, hot_meal=False),
    ]
    kw.setdefault("vehicles", 2)
    sc, m = scenario(ks, rs, models=ALL, hold_min=60.0, **kw)
    k = m.ids.index("island")
    t, d = m.time_s.copy(), m.distance_m.copy()
    for arr in (t, d):
        arr[k, :] = np.inf
        arr[:, k] = np.inf
        arr[k, k] = 0.0
    cut = tuple((a, b) for a in m.ids for b in m.ids if (a == "island") != (b == "island"))
    return sc, TravelMatrix(m.ids, m.nodes, t, d, unreachable=cut)


@pytest.fixture(scope="module")
def town_plans() -> tuple[Scenario, dict[str, WeekPlan]]:
    sc, m = _town()
    ctx = _ctx(sc, m)
    return sc, {spec.name: models.solve_model(spec, ctx) for spec in sc.models}


def test_every_model_accounts_for_every_recipient(
    town_plans: tuple[Scenario, dict[str, WeekPlan]],
) -> None:
    sc, plans = town_plans
    counts = {name: check_invariants(sc, plan) for name, plan in plans.items()}
    # unserved only for the recipient with no road, the same in every model
    for name, plan in plans.items():
        assert set(plan.unserved) == {"island"}, name
        o = plan.outcomes["island"]
        assert (o.outcome, o.reason_code) == ("unserved", "unreachable")
        assert "no road connection" in o.reason
        assert counts[name]["unserved"] == 1
    # "far" is 44 km away: beyond 60 min hot-holding from the central kitchen, so both
    # central hot models hand it to the fallback; chilled boxes serve it in
    # central_chilled. The village kitchen could reach it, but its one car is full.
    for name in ("hot7", "hot5"):
        far = plans[name].outcomes["far"]
        assert (far.outcome, far.reason_code) == ("fallback", "hot_holding"), name
        assert far.days  # the days its own mode would have delivered
    for name in ("local", "mix"):
        assert plans[name].outcomes["far"].outcome == "fallback", name
    assert plans["chilled1"].outcomes["far"].outcome == "served"


def test_fallback_is_chilled_boxes_from_the_central_kitchen(
    town_plans: tuple[Scenario, dict[str, WeekPlan]],
) -> None:
    _sc, plans = town_plans
    plan = plans["hot7"]
    fb_days = [d for d in plan.days if d.fallback]
    assert fb_days and all(not d.hot for d in fb_days)
    for d in fb_days:
        assert {r.depot_id for r in d.plan.routes} == {"central"}
        assert dict(d.fresh_meals) == dict.fromkeys(d.fresh_meals, 0)
        assert d.label.endswith("(fallback: chilled boxes)")
    # the fallback's deliveries keep the shelf life and are recorded
    ctx = _ctx(*_town())
    keep = shelf_life_days(ctx) - cook_to_delivery_days(ctx)
    assert plan.chilled_deliveries_asked_per_week == 1  # the scenario's chilled1
    assert max_days_kept(plan.chilled_deliveries_per_week) <= keep
    assert plan.chilled_deliveries_per_week > 1  # one a week would keep meals 6 days
    central = next(k for k in plan.kitchens if k.kitchen_id == "central")
    assert central.meals_chilled_per_week >= plan.fallback_meals_per_week > 0
    assert plan.assignment["far"] == "central"


def test_a_capped_village_car_hands_its_overflow_to_the_fallback(
    town_plans: tuple[Scenario, dict[str, WeekPlan]],
) -> None:
    _sc, plans = town_plans
    plan = plans["local"]
    own = {s for d in plan.days if not d.fallback for r in d.plan.routes for s in r.stop_ids}
    fb = {rid for rid, o in plan.outcomes.items() if o.outcome == "fallback"}
    village_cars = [r for d in plan.days for r in d.plan.routes if r.depot_id == "village"]
    assert village_cars and all(len(r.stop_ids) > 0 for r in village_cars)
    # one car a day: the village kitchen never drives two routes on a weekday
    assert plan.vehicles_needed["village"] == 1
    assert own.isdisjoint(fb)
    short = {rid for rid, o in plan.outcomes.items() if o.reason_code in ("dropped", "shift")}
    assert short <= fb


def test_sized_fleet_takes_the_vans_the_day_needs() -> None:
    # four recipients who all want their meal in 12:00-12:01 (4 min service): one van each
    ks = [kitchen("central", "central", 60.0, 15.0)]
    rs = [
        recipient(f"w{i}", 60.0 + 0.004 * i, 14.97, 7, window=("12:00", "12:01")) for i in range(4)
    ]
    rs += [recipient(f"e{i}", 60.0 + 0.002 * i, 15.03, 7) for i in range(6)]
    sc, m = scenario(ks, rs)
    ctx = _ctx(sc, m)
    window = {r.id: (r.window_start_s, r.window_end_s) for r in sc.recipients}
    lunch = sc.delivery.lunch_window_s
    visits = [
        Visit(
            r.id,
            "central",
            1,
            0,
            True,
            float(window[r.id][0] or lunch[0]),
            float(window[r.id][1] or lunch[1]),
        )
        for r in sc.recipients
    ]
    guess = first_fleet_guess(ctx, visits, 40)
    plan = route_kitchen_day(ctx, "central", visits, capacity_meals=40, n_vehicles=None)
    assert plan.unserved == ()
    assert sorted(plan.served_ids) == sorted(r.id for r in sc.recipients)
    west = {r.vehicle_id for r in plan.routes for s in r.stop_ids if s.startswith("w")}
    assert len(west) == 4  # the guess was doubled until every 12:00 stop had a van
    assert guess < len(plan.routes) <= len(visits)
    capped = route_kitchen_day(ctx, "central", visits, capacity_meals=40, n_vehicles=2)
    assert {u.code for u in capped.unserved} == {"dropped"}


def test_big_sized_day_in_sectors_loses_nobody() -> None:
    rng = np.random.default_rng(4)
    ks = [kitchen("central", "central", 60.0, 15.0)]
    rs = [
        recipient(f"r{i:02d}", 60.0 + rng.normal(0, 0.03), 15.0 + rng.normal(0, 0.05), 7)
        for i in range(24)
    ]
    sc, m = scenario(ks, rs, solver={"max_stops_per_solve": 6})
    ctx = _ctx(sc, m, routing_cache={})
    lunch = sc.delivery.lunch_window_s
    visits = [Visit(r.id, "central", 1, 0, True, *map(float, lunch)) for r in sc.recipients]
    plan = route_kitchen_day(ctx, "central", visits, capacity_meals=40, n_vehicles=None)
    assert plan.unserved == ()
    assert sorted(plan.served_ids) == sorted(r.id for r in sc.recipients)
    solves = [k for k in ctx.routing_cache if k[0] == "central"]
    assert all(len(k[2]) <= 6 for k in solves)  # every solve within the bound (k[2]: stops)
    assert len({r.vehicle_id for r in plan.routes}) == len(plan.routes)


# --------------------------------------------------------------------------------------
# a real OSM extract
# --------------------------------------------------------------------------------------


def _bautzen_scenario(folder: Path, osm: Path) -> Path:
    rng = np.random.default_rng(11)
    lat = rng.uniform(51.187, 51.209, 30)
    lon = rng.uniform(14.396, 14.421, 30)
    lines = ["id,lat,lon,meals_per_week,hot_meal"]
    for i in range(30):
        meals = int(rng.choice([3, 5, 7, 7, 10]))
        lines.append(f"B{i:02d},{lat[i]:.6f},{lon[i]:.6f},{meals},{'true' if i % 4 else 'false'}")
    (folder / "recipients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = {
        "name": "Bautzen (synthetic recipients)",
        "seed": 5,
        "network": {"osm": str(osm)},
        "recipients": {"csv": "recipients.csv"},
        "kitchens": [
            {
                "id": "central",
                "role": "central",
                "lat": 51.1875,
                "lon": 14.397,
                "cost_per_meal_sek": 55.0,
                "capacity_meals_per_day": 500,
            },
            {
                "id": "north",
                "role": "local",
                "lat": 51.207,
                "lon": 14.418,
                "cost_per_meal_sek": 62.0,
                "fixed_cost_sek_per_day": 200.0,
                "capacity_meals_per_day": 12,
                "vehicles": 1,
            },
        ],
        "fleet": {
            "vehicle_capacity_meals": 8,
            "vehicles_per_kitchen": 2,
            "cost_per_km_sek": 2.5,
            "driver_cost_per_hour_sek": 380.0,
            "co2_kg_per_km": 0.18,
            "service_min_per_stop": 4.0,
            "shift_start": "10:00",
            "max_shift_min": 240.0,
            "chilled_vehicle_capacity_meals": 60,
        },
        # a short holding limit, small vans and a capped fleet: the own modes cannot
        # serve everyone, so the fallback has work
        "delivery": {"lunch_window": ["11:00", "12:30"], "max_hot_holding_min": 8.0},
        "solver": {"time_limit_s": 10.0, "siting_time_limit_s": 10.0},
        "analysis": {"break_even": [], "sensitivity": False},
        "models": [{"kind": k, "name": n} for n, k in _KINDS.items()],
    }
    toml = folder / "scenario.toml"
    toml.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    return toml


_KINDS = {
    "hot": "central_daily_hot",
    "chilled": "central_chilled",
    "local": "local_kitchens",
    "mix": "optimised_mix",
}


@pytest.mark.slow
def test_invariants_on_a_real_extract(
    tmp_path: Path, extract_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maltid.pipeline import compare

    monkeypatch.setenv("MALTID_CACHE_DIR", str(tmp_path / "cache"))
    sc = load_scenario(_bautzen_scenario(tmp_path, extract_path("bautzen")))
    comparison = compare(sc, break_even=False, sensitivity=False, solution_limit=30)
    counts = {}
    unserved = {}
    for name, result in comparison.results.items():
        counts[name] = check_invariants(sc, result.plan)
        unserved[name] = set(result.plan.unserved)
        assert all(result.plan.outcomes[r].reason_code == "unreachable" for r in unserved[name])
    assert len({frozenset(u) for u in unserved.values()}) == 1  # the same in every model
    assert counts["hot"]["fallback"] > 0  # the 8-minute limit leaves the far ones out
    assert sum(counts["hot"].values()) == len(sc.recipients)


@pytest.mark.parametrize(("k", "kept"), [(1, 6), (2, 3), (3, 2), (4, 1), (5, 1), (6, 1), (7, 0)])
def test_days_kept_between_deliveries_by_hand(k: int, kept: int) -> None:
    # delivery days floor(i * 7 / k): k=2 Mon+Thu (gaps 3, 4), k=3 Mon+Wed+Fri (2, 2, 3),
    # k=4 Mon, Tue, Thu, Sat (1, 2, 2, 2), k=5 Mon, Tue, Wed, Fri, Sat (1, 1, 2, 1, 2)
    assert max_days_kept(k) == kept


def test_deliveries_are_raised_for_the_shelf_life_and_the_van() -> None:
    from maltid.models.boxes import deliveries_needed, per_delivery_meals

    sc, m = scenario([kitchen("central", "central", 60.0, 15.0)], [recipient("a", 60.01, 15.0, 14)])
    ctx = _ctx(sc, m)
    keep = shelf_life_days(ctx) - cook_to_delivery_days(ctx)
    (a,) = sc.recipients
    # 14 meals: 2 a day; k=2 brings 6 (Mon-Wed) and 8 (Thu-Sun)
    assert [per_delivery_meals(a, k) for k in (1, 2, 3, 7)] == [14, 8, 6, 2]
    k_shelf = min(k for k in range(1, 8) if max_days_kept(k) <= keep)
    assert deliveries_needed(ctx, [a], 1) == k_shelf
    assert deliveries_needed(ctx, [a], 1, capacity_meals=6) == max(k_shelf, 3)
    assert deliveries_needed(ctx, [a], 1, capacity_meals=1) == 7  # nothing fits: at most 7


def test_without_a_vehicle_cap_every_model_sizes_its_fleet() -> None:
    sc, m = _town(vehicles=None, village_vehicles=None)
    assert sc.fleet.vehicles_per_kitchen is None
    ctx = _ctx(sc, m)
    for spec in sc.models:
        plan = models.solve_model(spec, ctx)
        check_invariants(sc, plan)
        # nobody is left to the fallback for lack of vans
        short = [o for o in plan.outcomes.values() if o.reason_code in ("dropped", "no_vehicles")]
        assert short == [], spec.name
        assert plan.vehicles_needed["central"] >= 1, spec.name
    # the village of 14 five-meal recipients needs more than the one car of the capped town
    capped_sc, capped_m = _town()
    capped = models.solve_model(capped_sc.model("local"), _ctx(capped_sc, capped_m))
    sized = models.solve_model(sc.model("local"), ctx)
    assert capped.vehicles_needed["village"] == 1
    assert sized.vehicles_needed["village"] > 1
    assert sum(o.outcome == "fallback" for o in sized.outcomes.values()) < sum(
        o.outcome == "fallback" for o in capped.outcomes.values()
    )

"""Model ``home_care_cooking``: a hand-computed week (issue 16 item 1)."""

from __future__ import annotations

import math

import pytest

from maltid import models
from maltid.models.home_care import (
    HOME_CARE_ID,
    HomeCareBase,
    HomeCareInputs,
    home_care_week,
    visit_days,
)
from maltid.routing import route_cost_sek
from models_town import kitchen, recipient, scenario

COOK_MIN = 20.0
VISIT_MIN = 10.0
RATE = 426.0
GROCERIES = 19.25


@pytest.mark.parametrize(
    ("meals", "visits", "existing", "routed"),
    [
        (7, 7, (0, 1, 2, 3, 4, 5, 6), ()),
        (5, 2, (0, 1), (2, 3, 4)),
        (7, 0, (), (0, 1, 2, 3, 4, 5, 6)),
        (3, 5, (0, 1, 2), ()),  # more visits than meal days: every meal day has one
        (10, 1, (0,), (1, 2, 3, 4, 5, 6)),
    ],
)
def test_visit_days_by_hand(
    meals: int, visits: int, existing: tuple[int, ...], routed: tuple[int, ...]
) -> None:
    assert visit_days(meals, visits) == (existing, routed)


def test_home_care_week_by_hand() -> None:
    ks = [kitchen("central", "central", 60.0, 15.0)]
    rs = [
        recipient("a", 60.01, 15.0, 7),  # a lunch visit every day: cooking only
        recipient("b", 60.02, 15.01, 5),  # two visits: Mon-Tue cooked, Wed-Fri routed
        recipient("c", 60.015, 15.02, 7),  # no visit: routed every day
    ]
    sc, m = scenario(ks, rs, extra_points=[("hc", 60.012, 15.005)])
    ctx = models.make_context(sc, m, time_limit_s=10.0, solution_limit=30)
    inputs = HomeCareInputs(
        bases=(HomeCareBase("hc", 60.012, 15.005),),
        lunch_visits={"a": 7, "b": 2},
        cooking_min_per_meal=COOK_MIN,
        visit_min=VISIT_MIN,
        cost_per_hour_sek=RATE,
        groceries_sek_per_meal=GROCERIES,
        local_food_share=0.6,
    )
    plan = home_care_week(ctx, "hemlagat", inputs)
    assert plan.kind == "home_care_cooking"
    assert {o.outcome for o in plan.outcomes.values()} == {"served"}
    # existing visits: the cooking minutes only, no distance, kitchen-to-plate 0
    lds = {ld.recipient_id: ld for ld in plan.local_deliveries}
    assert set(lds) == {"a", "b"}
    assert (lds["a"].days, lds["b"].days) == (7, 2)
    for ld in lds.values():
        assert (ld.mode, ld.kitchen_id) == ("home_care", HOME_CARE_ID)
        assert ld.staff_time_s == COOK_MIN * 60 and ld.one_way_distance_m == 0.0
        assert ld.kitchen_to_plate_s == 0.0
    # routed: c every day, b Wed-Fri -> two distinct days (Mon, Tue, Sat, Sun) and (Wed-Fri)
    by_days = {dp.day_indices: dp for dp in plan.days}
    assert set(by_days) == {(0, 1, 5, 6), (2, 3, 4)}
    assert sorted(by_days[(0, 1, 5, 6)].plan.served_ids) == ["c"]
    assert sorted(by_days[(2, 3, 4)].plan.served_ids) == ["b", "c"]
    service_s = (COOK_MIN + VISIT_MIN) * 60
    for dp in plan.days:
        assert dp.hot and dp.crew == "home_care" and not dp.fallback
        assert all(v == 0.0 for v in dp.plan.kitchen_to_plate_s.values())
        for r in dp.plan.routes:
            assert r.depot_id == "hc"
            assert r.duration_s >= len(r.stop_ids) * service_s
            expected = route_cost_sek(
                r.distance_m,
                r.duration_s,
                cost_per_km_sek=ctx.parameters["cost_per_km_sek"],
                driver_cost_per_hour_sek=RATE,
                fixed_cost_sek=0.0,
            )
            assert math.isclose(r.cost_sek, expected, rel_tol=1e-6)
            lo, hi = sc.delivery.lunch_window_s
            assert all(lo - 1e-6 <= a <= hi + 1e-6 for a in r.arrival_s)
    # every meal fresh: 7 + 5 + 7 cooked by the staff, groceries as the meal cost
    staff = next(k for k in plan.kitchens if k.kitchen_id == HOME_CARE_ID)
    assert (staff.role, staff.delivery_mode) == ("home_care", "home_care")
    assert staff.meals_fresh_per_week == 19 and staff.meals_chilled_per_week == 0
    assert staff.cost_per_meal_sek == GROCERIES and staff.local_food_share == 0.6
    central = next(k for k in plan.kitchens if k.kitchen_id == "central")
    assert central.meals_fresh_per_week == 0 and central.meals_chilled_per_week == 0


def test_home_care_visits_nobody_can_reach_go_to_the_fallback() -> None:
    ks = [kitchen("central", "central", 60.0, 15.0)]
    # "far" wants lunch 11:00-11:05 but lives 60 km from the base
    rs = [
        recipient("near", 60.01, 15.0, 7),
        recipient("far", 60.55, 15.0, 7, window=("11:00", "11:05")),
    ]
    sc, m = scenario(ks, rs, extra_points=[("hc", 60.0, 15.0)])
    ctx = models.make_context(sc, m, time_limit_s=10.0, solution_limit=30)
    inputs = HomeCareInputs(
        bases=(HomeCareBase("hc", 60.0, 15.0, vehicles=1),),
        lunch_visits={},
        cooking_min_per_meal=COOK_MIN,
        visit_min=VISIT_MIN,
        cost_per_hour_sek=RATE,
        groceries_sek_per_meal=GROCERIES,
        local_food_share=0.0,
    )
    plan = home_care_week(ctx, "hemlagat", inputs)
    assert plan.outcomes["near"].outcome == "served"
    far = plan.outcomes["far"]
    assert (far.outcome, far.reason_code) == ("fallback", "window")
    fb = [dp for dp in plan.days if dp.fallback]
    assert fb and {s for dp in fb for s in dp.plan.served_ids} == {"far"}
    staff = next(k for k in plan.kitchens if k.kitchen_id == HOME_CARE_ID)
    central = next(k for k in plan.kitchens if k.kitchen_id == "central")
    assert staff.meals_fresh_per_week == 7
    assert central.meals_chilled_per_week == plan.fallback_meals_per_week == 7


def test_the_registered_model_reads_the_scenario() -> None:
    ks = [kitchen("central", "central", 60.0, 15.0)]
    rs = [
        recipient("a", 60.01, 15.0, 7, lunch_visits=7),
        recipient("b", 60.02, 15.01, 5, lunch_visits=2),
        recipient("c", 60.015, 15.02, 7),
    ]
    home_care = {
        "cooking_min_per_meal": COOK_MIN,
        "bases": [{"id": "hc", "name": "Hemtjänst", "lat": 60.012, "lon": 15.005}],
    }
    sc, m = scenario(ks, rs, models=("hemlagat",), home_care=home_care)
    assert "home_care_cooking" in models.MODEL_KINDS
    ctx = models.make_context(sc, m, time_limit_s=10.0, solution_limit=30)
    plan = models.solve_model(sc.model("hemlagat"), ctx)
    p = ctx.parameters
    assert p["home_care_cooking_min_per_meal"] == COOK_MIN  # [home_care] folded in
    inputs = HomeCareInputs(
        bases=(HomeCareBase("hc", 60.012, 15.005),),
        lunch_visits={"a": 7, "b": 2, "c": 0},
        cooking_min_per_meal=COOK_MIN,
        visit_min=p["home_care_visit_min"],
        cost_per_hour_sek=p["home_care_cost_per_hour_sek"],
        groceries_sek_per_meal=p["home_care_groceries_sek_per_meal"],
        local_food_share=p["home_care_local_food_share"],
    )
    assert plan == home_care_week(ctx, "hemlagat", inputs)
    assert {o.outcome for o in plan.outcomes.values()} == {"served"}
    staff = next(k for k in plan.kitchens if k.kitchen_id == HOME_CARE_ID)
    assert staff.meals_fresh_per_week == 7 + 5 + 7  # every meal fresh


def test_a_local_kitchen_whose_meals_home_care_carries_out() -> None:
    """Issue 16 item 2, by hand: the camping kitchen cooks, home care takes the meals along
    on lunch visits the recipients already get (every meal day), the pick-up shared."""
    ks = [
        kitchen("central", "central", 60.0, 15.0),
        kitchen("camping", "local", 60.15, 15.0, delivery_mode="home_care"),
    ]
    rs = [
        recipient("v1", 60.155, 15.0, 7, lunch_visits=7),
        recipient("v2", 60.145, 15.01, 5, lunch_visits=5),
        recipient("v3", 60.15, 15.02, 7, lunch_visits=3),  # not every day: central
        recipient("town", 60.01, 15.0, 7),
    ]
    home_care = {"bases": [{"id": "hc", "lat": 60.15, "lon": 15.005}]}
    sc, m = scenario(ks, rs, models=("local",), home_care=home_care)
    ctx = models.make_context(sc, m, time_limit_s=10.0, solution_limit=30)
    plan = models.solve_model(sc.model("local"), ctx)
    assert dict(plan.assignment) == {
        "v1": "camping",
        "v2": "camping",
        "v3": "central",
        "town": "central",
    }
    lds = {ld.recipient_id: ld for ld in plan.local_deliveries}
    assert set(lds) == {"v1", "v2"}
    k = m.ids.index("camping")
    for rid, days in (("v1", 7), ("v2", 5)):
        j = m.ids.index(rid)
        ld = lds[rid]
        assert (ld.mode, ld.kitchen_id, ld.days) == ("home_care", "camping", days)
        assert math.isclose(ld.kitchen_to_plate_s, m.time_s[k, j])
        assert math.isclose(ld.staff_time_s, (m.time_s[k, j] + m.time_s[j, k]) / 2)
        assert math.isclose(ld.one_way_distance_m, m.distance_m[k, j])
    camping = next(kw for kw in plan.kitchens if kw.kitchen_id == "camping")
    assert camping.meals_fresh_per_week == 12 and camping.delivery_mode == "home_care"
    routed = {s for d in plan.days for r in d.plan.routes for s in r.stop_ids}
    assert routed == {"v3", "town"}
    assert {o.outcome for o in plan.outcomes.values()} == {"served"}

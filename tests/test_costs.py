"""Tests of maltid.costs: every figure recomputed by hand from a hand-built week."""

from __future__ import annotations

import logging
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maltid import costs
from maltid.errors import InputError, ScenarioError
from maltid.results import DayPlan, KitchenWeek, LocalDelivery, WeekPlan
from maltid.routing import Route, RoutingPlan, Unserved
from maltid.scenario import Scenario

PARAMS = {
    "cost_per_km_sek": 2.5,
    "driver_cost_per_hour_sek": 300.0,
    "co2_kg_per_km": 0.15,
    "fixed_cost_sek_per_vehicle_day": 250.0,
    "food_cost_share_of_meal": 0.4,
    "chilled_packaging_sek_per_meal": 5.0,
    "local_staff_minutes_per_meal": 12.0,
    "walking_speed_kph": 4.5,
    "cycling_speed_kph": 15.0,
    "local_delivery_staff_cost_per_hour_sek": 240.0,
    "chilled_days_cooked_before_delivery": 1.0,
    # the lines of issue 13, neutral here; each has its own hand-computed test below
    "fixed_cost_sek_per_vehicle_week": 740.0,
    "driver_loading_min_per_route": 0.0,
    "driver_min_paid_min_per_route_day": 0.0,
    "central_fixed_share_of_meal_cost": 0.0,
    "home_care_cost_per_hour_sek": 426.0,
    "reheating_minutes_per_meal": 10.0,
    "reheating_help_share_hot_meal": 1.0,
    "reheating_help_share_other": 0.0,
}
DAY_S = 86400.0


def _route(
    vid: str,
    depot: str,
    stops: dict[str, float],
    *,
    departure_s: float,
    duration_s: float,
    distance_m: float,
    params: dict[str, float] = PARAMS,
) -> Route:
    """A route whose stops are reached ``stops[id]`` seconds after departure."""
    cost = costs.route_cost_sek(
        distance_m,
        duration_s,
        cost_per_km_sek=params["cost_per_km_sek"],
        driver_cost_per_hour_sek=params["driver_cost_per_hour_sek"],
        fixed_cost_sek=params["fixed_cost_sek_per_vehicle_day"],
    )
    return Route(
        vehicle_id=vid,
        depot_id=depot,
        stop_ids=tuple(stops),
        arrival_s=tuple(departure_s + t for t in stops.values()),
        departure_s=departure_s,
        return_s=departure_s + duration_s,
        load_meals=len(stops),
        distance_m=distance_m,
        duration_s=duration_s,
        cost_sek=cost,
    )


def _plan(routes: list[Route], unserved: tuple[Unserved, ...] = ()) -> RoutingPlan:
    k2p = {
        s: a - r.departure_s for r in routes for s, a in zip(r.stop_ids, r.arrival_s, strict=True)
    }
    return RoutingPlan(
        routes=tuple(routes),
        unserved=unserved,
        kitchen_to_plate_s=k2p,
        status="optimal",
        objective_sek=sum(r.cost_sek for r in routes),
        solve_time_s=0.0,
    )


def _kitchen(kid: str, role: str, **kw: object) -> KitchenWeek:
    base: dict[str, object] = {
        "kitchen_id": kid,
        "role": role,
        "open": True,
        "cooking_days_per_week": 7,
        "meals_fresh_per_week": 0.0,
        "meals_chilled_per_week": 0.0,
        "cost_per_meal_sek": 80.0,
        "fixed_cost_sek_per_day": 0.0,
        "local_food_share": 0.0,
        "delivery_mode": "car",
    }
    base.update(kw)
    return KitchenWeek(**base)  # type: ignore[arg-type]


@pytest.fixture
def week() -> WeekPlan:
    hot = _route(
        "K1-v1",
        "K1",
        {"r1": 600.0, "r2": 1800.0},
        departure_s=39600.0,
        duration_s=3600.0,
        distance_m=30000.0,
    )
    chilled = _route(
        "K1-v1", "K1", {"r3": 1800.0}, departure_s=36000.0, duration_s=5400.0, distance_m=50000.0
    )
    return WeekPlan(
        model="mix",
        kind="optimised_mix",
        kitchens=(
            _kitchen(
                "K1",
                "central",
                meals_fresh_per_week=14.0,
                meals_chilled_per_week=7.0,
                cost_per_meal_sek=80.0,
                fixed_cost_sek_per_day=1000.0,
                local_food_share=0.1,
            ),
            _kitchen(
                "K2",
                "local",
                cooking_days_per_week=5,
                meals_fresh_per_week=5.0,
                cost_per_meal_sek=90.0,
                fixed_cost_sek_per_day=200.0,
                local_food_share=0.6,
                delivery_mode="foot",
            ),
            _kitchen("K3", "local", open=False, fixed_cost_sek_per_day=500.0),
        ),
        days=(
            DayPlan("Mon-Sun", 7, _plan([hot]), True),
            DayPlan("Mon chilled", 1, _plan([chilled]), False),
        ),
        assignment={"r1": "K1", "r2": "K1", "r3": "K1", "r4": "K2"},
        unserved={"r5": "beyond hot-holding time"},
        local_deliveries=(LocalDelivery("r4", "K2", "foot", 900.0, 720.0, 1500.0, 5),),
    )


MEALS = {"r1": 7, "r2": 7, "r3": 7, "r4": 5, "r5": 7}


def test_weekly_outcome_every_field_by_hand(week: WeekPlan) -> None:
    o = costs.weekly_outcome(
        week, parameters=PARAMS, recipients_meals=MEALS, fixed_cost_basis="day"
    )
    production = (14 + 7) * 80.0 + 5 * 90.0  # K3 has no meals
    packaging = 7 * 5.0
    fixed_kitchen = 1000.0 * 7 + 200.0 * 5  # K3 closed: not counted
    km = 7 * 30.0 + 1 * 50.0
    hours = 7 * 1.0 + 1 * 1.5
    vehicle_fixed = (7 + 1) * 250.0
    local_delivery_h = 1500.0 * 5 / 3600.0
    local_delivery = local_delivery_h * 240.0
    total = production + packaging + fixed_kitchen + km * 2.5 + hours * 300.0
    total += vehicle_fixed + local_delivery
    assert total == pytest.approx(15865.0)
    # kitchen-to-plate: hot r1 (600 s x 7), r2 (1800 s x 7), r4 on foot (720 s x 5);
    # r3: 7 chilled meals in one visit, 1 day lead time, 1800 s transport, eaten one a
    # day -> mean kept 3 days, max 6 days.
    chilled_mean_s = 1 * DAY_S + 1800.0 + 3 * DAY_S
    chilled_max_s = 1 * DAY_S + 1800.0 + 6 * DAY_S
    mean_s = (7 * 600 + 7 * 1800 + 5 * 720 + 7 * chilled_mean_s) / (7 + 7 + 5 + 7)
    expected = {
        "model": "mix",
        "production_cost_sek_per_week": production,
        "packaging_cost_sek_per_week": packaging,
        "fixed_kitchen_cost_sek_per_week": fixed_kitchen,
        "vehicle_km_cost_sek_per_week": km * 2.5,
        "driver_cost_sek_per_week": hours * 300.0,
        "vehicle_fixed_cost_sek_per_week": vehicle_fixed,
        "local_delivery_cost_sek_per_week": local_delivery,
        "total_cost_sek_per_week": total,
        "meals_per_week": 26.0,  # r5 unserved
        "cost_per_meal_sek": total / 26.0,
        "vehicle_km_per_week": km,
        "driver_hours_per_week": hours,
        "co2_kg_per_week": km * 0.15,
        "mean_kitchen_to_plate_min": mean_s / 60.0,
        "max_kitchen_to_plate_min": chilled_max_s / 60.0,
        "fresh_meals_per_week": 19.0,
        "reheated_meals_per_week": 7.0,
        "local_spend_sek_per_week": 21 * 80.0 * 0.4 * 0.1 + 5 * 90.0 * 0.4 * 0.6,
        "local_working_hours_per_week": 5 * 12.0 / 60.0 + local_delivery_h,
        "recipient_visits_per_week": 7 * 2 + 1 + 5,
        "recipients_served": 4,
        "recipients_unserved": 1,
        "vehicles_used_per_day_max": 1,
        "vehicles_needed": 1,  # the two day plans have no weekdays: one van each
        "reheating_cost_sek_per_week": 0.0,  # no hot_meal ids, other share 0
        "central_fixed_cost_sek_per_week": 0.0,
        "recipients_fallback": 0,
        "fallback_cost_sek_per_week": 0.0,
        "home_care_cost_sek_per_week": 0.0,  # no home-care crew or home_care deliveries
        "home_care_hours_per_week": 0.0,
    }
    row = o.as_row()
    assert set(row) == set(expected)
    for key, value in expected.items():
        if isinstance(value, str):
            assert row[key] == value
        else:
            assert row[key] == pytest.approx(value, rel=1e-12), key


def test_chilled_meals_without_chilled_visit_come_with_one_weekly_visit() -> None:
    hot = _route("v", "K1", {"a": 900.0}, departure_s=0.0, duration_s=1800.0, distance_m=1e4)
    plan = WeekPlan(
        model="hot_weekdays",
        kind="central_daily_hot",
        kitchens=(_kitchen("K1", "central", meals_fresh_per_week=5.0, meals_chilled_per_week=2.0),),
        days=(DayPlan("Mon-Fri", 5, _plan([hot]), True),),
        assignment={"a": "K1"},
        unserved={},
    )
    o = costs.weekly_outcome(plan, parameters=PARAMS, recipients_meals={"a": 7})
    # 5 hot meals at 900 s; 2 chilled meals: lead 1 day, kept 0 and 1 day (mean 0.5).
    mean_s = (5 * 900.0 + 2 * (DAY_S + 0.5 * DAY_S)) / 7
    assert o.mean_kitchen_to_plate_min == pytest.approx(mean_s / 60.0)
    assert o.max_kitchen_to_plate_min == pytest.approx(2 * DAY_S / 60.0)
    assert o.recipient_visits_per_week == 5


def test_empty_plan_gives_zero_costs_and_nan_per_meal() -> None:
    plan = WeekPlan("none", "central_daily_hot", (), (), {}, {"a": "no road"})
    o = costs.weekly_outcome(plan, parameters=PARAMS, recipients_meals={"a": 7})
    assert o.total_cost_sek_per_week == 0.0
    assert math.isnan(o.cost_per_meal_sek) and math.isnan(o.mean_kitchen_to_plate_min)
    assert (o.recipients_served, o.recipients_unserved) == (0, 1)


def test_weekly_outcome_errors_name_the_fix(week: WeekPlan) -> None:
    bad = dict(PARAMS)
    del bad["co2_kg_per_km"]
    with pytest.raises(InputError, match=r"co2_kg_per_km.*parameters_for"):
        costs.weekly_outcome(week, parameters=bad, recipients_meals=MEALS)
    with pytest.raises(InputError, match=r"r4.*meals_per_week"):
        costs.weekly_outcome(week, parameters=PARAMS, recipients_meals={"r1": 7, "r2": 7, "r3": 7})


def test_route_cost_mismatch_is_logged(week: WeekPlan, caplog: pytest.LogCaptureFixture) -> None:
    other = dict(PARAMS, cost_per_km_sek=4.0)
    with caplog.at_level(logging.WARNING, logger="maltid"):
        o = costs.weekly_outcome(week, parameters=other, recipients_meals=MEALS)
    assert "other cost numbers" in caplog.text
    assert o.vehicle_km_cost_sek_per_week == pytest.approx(260 * 4.0)


def test_route_cost_formula_matches_routing() -> None:
    from maltid import routing

    assert costs.route_cost_sek is routing.route_cost_sek  # one formula, one home
    c = costs.route_cost_sek(
        12_345.0, 5400.0, cost_per_km_sek=3.0, driver_cost_per_hour_sek=200.0, fixed_cost_sek=99.0
    )
    assert c == pytest.approx(12.345 * 3.0 + 1.5 * 200.0 + 99.0)


route_st = st.tuples(
    st.floats(0, 200_000, allow_nan=False),  # distance_m
    st.floats(0, 8 * 3600, allow_nan=False),  # duration_s
)
kitchen_st = st.tuples(
    st.floats(0, 500),  # fresh meals
    st.floats(0, 500),  # chilled meals
    st.floats(0, 200),  # cost per meal
    st.floats(0, 5000),  # fixed per day
    st.integers(0, 7),  # cooking days
    st.booleans(),  # open
)


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.tuples(st.integers(1, 7), st.lists(route_st, max_size=4)), max_size=4),
    kitchens=st.lists(kitchen_st, max_size=4),
    cpk=st.floats(0, 20),
    cph=st.floats(0, 600),
    fixed=st.floats(0, 1000),
)
def test_total_is_sum_over_routes_and_kitchens(
    days: list[tuple[int, list[tuple[float, float]]]],
    kitchens: list[tuple[float, float, float, float, int, bool]],
    cpk: float,
    cph: float,
    fixed: float,
) -> None:
    params = dict(
        PARAMS,
        cost_per_km_sek=cpk,
        driver_cost_per_hour_sek=cph,
        fixed_cost_sek_per_vehicle_day=fixed,
    )
    day_plans = []
    meals: dict[str, int] = {}
    expected = 0.0
    for d_idx, (n_days, routes) in enumerate(days):
        built = []
        for r_idx, (dist, dur) in enumerate(routes):
            sid = f"s{d_idx}-{r_idx}"
            meals[sid] = 7
            built.append(
                _route(
                    f"v{r_idx}",
                    "K",
                    {sid: dur / 2},
                    departure_s=0.0,
                    duration_s=dur,
                    distance_m=dist,
                    params=params,
                )
            )
            expected += n_days * costs.route_cost_sek(
                dist, dur, cost_per_km_sek=cpk, driver_cost_per_hour_sek=cph, fixed_cost_sek=fixed
            )
        day_plans.append(DayPlan(f"d{d_idx}", n_days, _plan(built), d_idx % 2 == 0))
    kws = []
    for k_idx, (fresh, chilled, cpm, fix, cdays, is_open) in enumerate(kitchens):
        kws.append(
            _kitchen(
                f"K{k_idx}",
                "local",
                meals_fresh_per_week=fresh,
                meals_chilled_per_week=chilled,
                cost_per_meal_sek=cpm,
                fixed_cost_sek_per_day=fix,
                cooking_days_per_week=cdays,
                open=is_open,
            )
        )
        expected += (fresh + chilled) * cpm + chilled * params["chilled_packaging_sek_per_meal"]
        expected += fix * cdays if is_open else 0.0
    plan = WeekPlan("p", "k", tuple(kws), tuple(day_plans), {}, {})
    o = costs.weekly_outcome(
        plan, parameters=params, recipients_meals=meals, fixed_cost_basis="day"
    )
    assert o.total_cost_sek_per_week == pytest.approx(expected, rel=1e-9, abs=1e-6)
    parts = (
        o.production_cost_sek_per_week
        + o.packaging_cost_sek_per_week
        + o.fixed_kitchen_cost_sek_per_week
        + o.vehicle_km_cost_sek_per_week
        + o.driver_cost_sek_per_week
        + o.vehicle_fixed_cost_sek_per_week
        + o.local_delivery_cost_sek_per_week
        + o.reheating_cost_sek_per_week
    )
    assert o.total_cost_sek_per_week == pytest.approx(parts, rel=1e-12, abs=1e-9)


# ---- parameters ---------------------------------------------------------------------


def test_default_parameters_have_unit_source_and_year() -> None:
    params = costs.default_parameters()
    required = {
        "cost_per_km_sek",
        "driver_cost_per_hour_sek",
        "co2_kg_per_km",
        "fixed_cost_sek_per_vehicle_day",
        "food_cost_share_of_meal",
        "chilled_packaging_sek_per_meal",
        "local_staff_minutes_per_meal",
        "walking_speed_kph",
        "cycling_speed_kph",
        "local_delivery_staff_cost_per_hour_sek",
        "chilled_days_cooked_before_delivery",
    }
    assert required <= set(params)
    for name, p in params.items():
        assert p.name == name
        assert p.unit and p.description
        assert 2000 <= p.year <= 2030
        assert math.isfinite(p.value) and p.value >= 0
        # either a named public source or the honest assumption label
        assert (
            "maltid assumption (order of magnitude); replace with the municipality's own figure"
            in p.source
            or p.source.startswith(
                (
                    "Skatteverket:",
                    "Miljöbarometern indicator",
                    "Running cost of a light van per km. No public Swedish",
                    "Derived from Miljöbarometern/Miljöfordon Syd",
                    "SKR, Ersättningssystem hemtjänst 2019",
                    "Proxy: Sollentuna",
                    "maltid assumption",
                    "Kristianstads kommun, ekonomihandbok",
                )
            )
        ), name
        assert p.source_sv and p.description_sv, name  # the Swedish report's texts
        assert p.problem(p.value) is None, name  # every default lies within its bounds
    assert params["cost_per_km_sek"].value == 2.5
    assert set(costs.parameter_names()) == set(params)
    params.clear()  # a fresh dict: the cache is not affected
    assert costs.default_parameters()


def _scenario(
    fleet: dict[str, object] | None = None, cost_table: dict[str, object] | None = None
) -> Scenario:
    """A real (small) scenario built through the scenario loader's rules."""
    from maltid.scenario import Recipient, scenario_from_data

    data: dict[str, object] = {
        "name": "muni",
        "network": {"bbox": [16.0, 61.7, 16.3, 61.9]},
        "recipients": {"path": "recipients.csv"},
        "kitchens": [
            {
                "id": "central",
                "role": "central",
                "lat": 61.8,
                "lon": 16.1,
                "cost_per_meal_sek": 55.0,
                "capacity_meals_per_day": 100,
            }
        ],
        "fleet": {
            "vehicle_capacity_meals": 40,
            "vehicles_per_kitchen": 2,
            "cost_per_km_sek": 2.5,
            "driver_cost_per_hour_sek": 380.0,
            "co2_kg_per_km": 0.18,
            "service_min_per_stop": 4.0,
            "shift_start": "10:00",
            "max_shift_min": 240,
            **(fleet or {}),
        },
        "delivery": {"lunch_window": ["11:00", "13:30"], "max_hot_holding_min": 90},
    }
    if cost_table is not None:
        data["costs"] = cost_table
    r = Recipient(id="r1", lat=61.81, lon=16.12, meals_per_week=7, hot_meal=True)
    return scenario_from_data(data, recipients=[r])


def test_parameters_for_precedence_defaults_fleet_costs() -> None:
    defaults = {n: p.value for n, p in costs.default_parameters().items()}
    got = costs.parameters_for(_scenario({"cost_per_km_sek": 4.0}, {"walking_speed_kph": 4}))
    assert got["cost_per_km_sek"] == 4.0  # fleet wins over default
    assert got["driver_cost_per_hour_sek"] == 380.0
    # fixed_cost_sek_per_vehicle_day not given in [fleet] (None = unset): the default
    assert got["fixed_cost_sek_per_vehicle_day"] == defaults["fixed_cost_sek_per_vehicle_day"]
    assert got["walking_speed_kph"] == 4.0  # [costs] wins over the default
    assert got["food_cost_share_of_meal"] == defaults["food_cost_share_of_meal"]
    plain = costs.parameters_for(_scenario())
    assert {k: v for k, v in plain.items() if k not in costs.FLEET_PARAMETER_NAMES} == {
        k: v for k, v in defaults.items() if k not in costs.FLEET_PARAMETER_NAMES
    }


def test_bad_cost_overrides_are_refused_when_the_scenario_is_built() -> None:
    bad = {"cost_per_kilometre": 3, "food_cost_share_of_meal": 1.5, "walking_speed_kph": 0.0}
    with pytest.raises(ScenarioError) as info:
        _scenario(None, bad)
    locations = {p.location for p in info.value.problems}
    assert locations == {
        "costs.cost_per_kilometre",
        "costs.food_cost_share_of_meal",
        "costs.walking_speed_kph",
    }
    assert "cost_per_km_sek" in str(info.value)  # the fix lists valid names
    with pytest.raises(ScenarioError) as info:
        _scenario(None, {"co2_kg_per_km": 0.1})  # also given in [fleet]
    (p,) = info.value.problems
    assert p.location == "costs.co2_kg_per_km" and "given twice" in p.message
    with pytest.raises(ScenarioError) as info:
        _scenario({"co2_kg_per_km": -1.0})
    (p,) = info.value.problems
    assert p.location == "fleet.co2_kg_per_km" and "negative" in p.message


def test_parameters_table_marks_overrides() -> None:
    params = dict(costs.parameters_for(_scenario()), cost_per_km_sek=9.0)
    table = costs.parameters_table(params)
    row = table.set_index("parameter").loc["cost_per_km_sek"]
    assert row["value"] == 9.0 and row["default_value"] == 2.5 and bool(row["overridden"])
    # the demo-like fleet also overrides driver cost and CO2
    assert set(table.loc[table["overridden"], "parameter"]) == {
        "cost_per_km_sek",
        "driver_cost_per_hour_sek",
        "co2_kg_per_km",
    }


# ---- comparison table ---------------------------------------------------------------


def test_comparison_table_deltas(week: WeekPlan) -> None:
    a = costs.weekly_outcome(week, parameters=PARAMS, recipients_meals=MEALS)
    b = costs.weekly_outcome(
        week, parameters=dict(PARAMS, cost_per_km_sek=5.0), recipients_meals=MEALS
    )
    b = type(b)(**{**b.as_row(), "model": "dearer_km"})  # type: ignore[arg-type]
    table = costs.comparison_table([a, b], baseline="mix")
    assert list(table["model"]) == ["mix", "dearer_km"]
    for col in (
        "total_cost_sek_per_week",
        "cost_per_meal_sek",
        "vehicle_km_per_week",
        "driver_hours_per_week",
        "co2_kg_per_week",
        "mean_kitchen_to_plate_min",
        "max_kitchen_to_plate_min",
        "fresh_meals_per_week",
        "local_spend_sek_per_week",
        "recipients_served",
        "recipients_unserved",
    ):
        assert col in table.columns
        assert f"delta_{col}" in table.columns
    delta = 260 * (5.0 - 2.5)
    assert table["delta_total_cost_sek_per_week"].tolist() == pytest.approx([0.0, delta])
    assert table["delta_vehicle_km_per_week"].tolist() == pytest.approx([0.0, 0.0])
    assert table["delta_total_cost_pct"].tolist() == pytest.approx(
        [0.0, 100 * delta / a.total_cost_sek_per_week]
    )
    assert "delta_model" not in table.columns


def test_comparison_table_errors(week: WeekPlan) -> None:
    a = costs.weekly_outcome(week, parameters=PARAMS, recipients_meals=MEALS)
    with pytest.raises(InputError, match="baseline 'central'"):
        costs.comparison_table([a], baseline="central")
    with pytest.raises(InputError, match="repeat"):
        costs.comparison_table([a, a], baseline="mix")
    with pytest.raises(InputError, match="no outcomes"):
        costs.comparison_table([], baseline="mix")


# ---- tornado and break-even ---------------------------------------------------------


def test_driver_paid_time_is_at_least_the_minimum() -> None:
    # a 60-min route with 10 min loading: 70 min, below a 120-min minimum -> 120 min
    assert costs.driver_paid_s(3600.0, loading_min=10.0, min_paid_min=120.0) == 7200.0
    # a 3-h route: 180 + 10 = 190 min, above the minimum
    assert costs.driver_paid_s(10800.0, loading_min=10.0, min_paid_min=120.0) == 11400.0
    assert costs.driver_paid_s(3600.0, loading_min=0.0, min_paid_min=0.0) == 3600.0


def test_vehicles_needed_is_the_most_routes_on_one_weekday_per_kitchen() -> None:
    r = {"a": 60.0}
    hot = DayPlan(
        "Mon-Fri",
        5,
        _plan(
            [
                _route("v1", "K1", r, departure_s=0.0, duration_s=600.0, distance_m=1e3),
                _route("v2", "K1", {"b": 60.0}, departure_s=0.0, duration_s=600.0, distance_m=1e3),
            ]
        ),
        True,
        day_indices=(0, 1, 2, 3, 4),
    )
    friday = DayPlan(
        "Fri chilled",
        1,
        _plan(
            [
                _route("v3", "K1", {"c": 60.0}, departure_s=0.0, duration_s=600.0, distance_m=1e3),
                _route("v4", "K2", {"d": 60.0}, departure_s=0.0, duration_s=600.0, distance_m=1e3),
            ]
        ),
        False,
        day_indices=(4,),
    )
    plan = WeekPlan("m", "central_daily_hot", (), (hot, friday), {}, {})
    # Friday at K1: 2 hot + 1 chilled route = 3 vans; K2: 1 van
    assert costs.vehicles_needed(plan) == {"K1": 3, "K2": 1}
    filled = WeekPlan("m", "central_daily_hot", (), (hot,), {}, {}, vehicles_needed={"K1": 5})
    assert costs.vehicles_needed(filled) == {"K1": 5}  # the model's own count wins


def test_fleet_fixed_cost_per_week_or_per_van_day() -> None:
    kw = {"cost_sek_per_vehicle_week": 740.0, "cost_sek_per_vehicle_day": 250.0}
    assert costs.fleet_fixed_cost_sek_per_week(vehicles=4, van_days=12, basis="week", **kw) == (
        4 * 740.0
    )
    assert costs.fleet_fixed_cost_sek_per_week(vehicles=4, van_days=12, basis="day", **kw) == (
        12 * 250.0
    )
    with pytest.raises(InputError, match="week"):
        costs.fleet_fixed_cost_sek_per_week(vehicles=4, van_days=12, basis="month", **kw)


def test_reheating_cost_by_hand() -> None:
    got = costs.reheating_cost_sek_per_week(
        {"a": 7.0, "b": 5.0, "c": 2.0},
        {"a", "c"},
        share_hot_meal=1.0,
        share_other=0.5,
        minutes_per_meal=10.0,
        home_care_cost_per_hour_sek=426.0,
    )
    # meals helped: a 7 + c 2 (hot_meal, share 1) + b 5 x 0.5 = 11.5; x 10 min x 426 SEK/h
    assert got == pytest.approx(11.5 * 10.0 / 60.0 * 426.0)
    assert got == pytest.approx(816.5)


def test_central_production_is_fixed_part_plus_marginal_part() -> None:
    got = costs.central_production_cost_sek_per_week(
        120.0, 200.0, cost_per_meal_sek=55.0, fixed_share=0.3
    )
    assert got == pytest.approx(0.3 * 55.0 * 200.0 + 0.7 * 55.0 * 120.0)
    assert got == pytest.approx(7920.0)
    # every meal cooked centrally: the full cost per meal, whatever the share
    full = costs.central_production_cost_sek_per_week(
        200.0, 200.0, cost_per_meal_sek=55.0, fixed_share=0.3
    )
    assert full == pytest.approx(200 * 55.0)


def test_weekly_outcome_with_every_new_line_by_hand(week: WeekPlan) -> None:
    params = dict(
        PARAMS,
        driver_loading_min_per_route=10.0,
        driver_min_paid_min_per_route_day=120.0,
        central_fixed_share_of_meal_cost=0.3,
    )
    o = costs.weekly_outcome(
        week, parameters=params, recipients_meals=MEALS, hot_meal_ids={"r3", "r1"}
    )
    # drivers: the hot route (60 min + 10 loading < 120) is paid 120 min on 7 days; the
    # chilled route (90 + 10 = 100 < 120) 120 min once -> 8 x 2 h
    assert o.driver_hours_per_week == pytest.approx(16.0)
    assert o.driver_cost_sek_per_week == pytest.approx(16.0 * 300.0)
    # fleet: one van needed (week basis, the default) at 740 SEK/week
    assert o.vehicles_needed == 1
    assert o.vehicle_fixed_cost_sek_per_week == pytest.approx(740.0)
    # central kitchen K1: 21 meals at 80 SEK; all recipients ask 33 meals a week
    central = 0.3 * 80.0 * 33 + 0.7 * 80.0 * 21
    assert o.central_fixed_cost_sek_per_week == pytest.approx(0.3 * 80.0 * 33)
    assert o.production_cost_sek_per_week == pytest.approx(central + 5 * 90.0)
    # reheating: r3's 7 chilled meals (hot_meal, share 1); r1 gets only hot meals
    assert o.reheating_cost_sek_per_week == pytest.approx(7 * 10.0 / 60.0 * 426.0)
    km_cost = (7 * 30.0 + 50.0) * 2.5
    total = (
        central
        + 5 * 90.0
        + 7 * 5.0  # packaging
        + 1000.0 * 7
        + 200.0 * 5  # kitchen fixed
        + km_cost
        + 16.0 * 300.0
        + 740.0
        + 1500.0 * 5 / 3600.0 * 240.0  # foot delivery
        + 7 * 10.0 / 60.0 * 426.0
    )
    assert o.total_cost_sek_per_week == pytest.approx(total, rel=1e-12)


def test_fallback_counts_and_cost_by_hand() -> None:
    from maltid.results import RecipientOutcome

    own = _route("v1", "K1", {"a": 600.0}, departure_s=0.0, duration_s=3600.0, distance_m=2e4)
    fb = _route("v2", "K1", {"b": 1200.0}, departure_s=0.0, duration_s=7200.0, distance_m=6e4)
    plan = WeekPlan(
        model="hot",
        kind="central_daily_hot",
        kitchens=(
            _kitchen(
                "K1",
                "central",
                meals_fresh_per_week=7.0,
                meals_chilled_per_week=7.0,
                cost_per_meal_sek=50.0,
            ),
        ),
        days=(
            DayPlan("Mon-Sun", 7, _plan([own]), True, day_indices=tuple(range(7))),
            DayPlan("Mon fallback", 1, _plan([fb]), False, day_indices=(0,), fallback=True),
        ),
        assignment={"a": "K1", "b": "K1"},
        unserved={"c": "no road"},
        outcomes={
            "a": RecipientOutcome("a", "served"),
            "b": RecipientOutcome("b", "fallback", "hot_holding", "too far"),
            "c": RecipientOutcome("c", "unserved", "unreachable", "no road"),
        },
        fallback_meals_per_week=7.0,
    )
    params = dict(PARAMS, central_fixed_share_of_meal_cost=0.2)
    o = costs.weekly_outcome(
        plan,
        parameters=params,
        recipients_meals={"a": 7, "b": 7, "c": 7},
        hot_meal_ids={"b"},
        fixed_cost_basis="day",
    )
    assert (o.recipients_served, o.recipients_fallback, o.recipients_unserved) == (1, 1, 1)
    # the fallback: its round (60 km x 2.5 + 2 h x 300 + 250 for the hired van-day), its 7
    # meals at the marginal central cost (0.8 x 50) plus packaging 5, and b's reheating
    # (hot_meal, 7 meals x 10 min x 426 SEK/h)
    fallback = 60 * 2.5 + 2 * 300.0 + 250.0 + 7 * (0.8 * 50.0 + 5.0) + 7 * 10 / 60 * 426.0
    assert o.fallback_cost_sek_per_week == pytest.approx(fallback, rel=1e-12)
    assert o.reheating_cost_sek_per_week == pytest.approx(7 * 10 / 60 * 426.0)
    # Monday: the own route and the fallback round at K1 -> 2 vans
    assert o.vehicles_needed == 2


def test_price_week_takes_meals_flags_and_basis_from_the_scenario() -> None:
    scenario = _scenario({"fixed_cost_basis": "day"})
    hot = _route("v", "central", {"r1": 600.0}, departure_s=0.0, duration_s=1800.0, distance_m=1e4)
    plan = WeekPlan(
        model="chilled",
        kind="central_chilled",
        kitchens=(_kitchen("central", "central", meals_chilled_per_week=7.0),),
        days=(DayPlan("Mon", 1, _plan([hot]), False, day_indices=(0,)),),
        assignment={"r1": "central"},
        unserved={},
    )
    params = costs.parameters_for(scenario)
    o = costs.price_week(plan, scenario)
    # r1 is flagged hot_meal and gets 7 chilled meals: all need help at the defaults
    assert o.reheating_cost_sek_per_week == pytest.approx(
        7
        * params["reheating_help_share_hot_meal"]
        * params["reheating_minutes_per_meal"]
        / 60.0
        * params["home_care_cost_per_hour_sek"]
    )
    assert o.reheating_cost_sek_per_week > 0
    assert o.vehicle_fixed_cost_sek_per_week == pytest.approx(
        params["fixed_cost_sek_per_vehicle_day"]
    )

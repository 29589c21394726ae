"""A scenario small enough to work out with pen and paper, every model (issue 13 item 7).

One straight road at 10 m/s: the central kitchen at 0 m, recipient a at 600 m, the
village kitchen "byn" at 5,000 m, b at 5,300 m and c at 5,600 m. a and b eat every day and
are flagged hot_meal, c eats Monday to Friday and is not. Every number below is derived in
the comments from the scenario's own figures; the models route and siting for real (the
optimum on a line is unique), and ``costs.price_week`` prices the plans.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w

from maltid import costs, load_scenario, models
from maltid.network import TravelMatrix
from maltid.scenario import Scenario

SPEED_MPS = 10.0
X_M = {"central": 0.0, "byn": 5000.0, "a": 600.0, "b": 5300.0, "c": 5600.0}
KM_SEK, DRIVER_H_SEK, CO2_KG_KM, VAN_WEEK_SEK = 2.5, 300.0, 0.2, 700.0
SERVICE_S, LOADING_S, MIN_PAID_S = 240.0, 600.0, 2400.0
CENTRAL_MEAL, SHARE_FIXED = 50.0, 0.3
BYN_MEAL, BYN_DAY, BYN_LOCAL = 60.0, 100.0, 0.8
FOOD_SHARE, PACKAGING, REHEAT_MIN, HOME_CARE_H = 0.35, 5.0, 10.0, 400.0
MEALS = {"a": 7, "b": 7, "c": 5}  # 19 a week


def _scenario(folder: Path) -> Scenario:
    data: dict[str, Any] = {
        "name": "Raka vägen (synthetic)",
        "seed": 1,
        "network": {"osm": "roads.osm"},
        "recipients": {"path": "recipients.csv"},
        "kitchens": [
            {
                "id": "central",
                "name": "Centralköket",
                "role": "central",
                "lat": 60.0,
                "lon": 15.0,
                "cost_per_meal_sek": CENTRAL_MEAL,
                "capacity_meals_per_day": 500,
                "local_food_share": 0.0,
            },
            {
                "id": "byn",
                "name": "Byköket",
                "role": "local",
                "lat": 60.045,
                "lon": 15.0,
                "cost_per_meal_sek": BYN_MEAL,
                "fixed_cost_sek_per_day": BYN_DAY,
                "capacity_meals_per_day": 30,
                "local_food_share": BYN_LOCAL,
            },
        ],
        "fleet": {
            "vehicle_capacity_meals": 40,
            "cost_per_km_sek": KM_SEK,
            "driver_cost_per_hour_sek": DRIVER_H_SEK,
            "co2_kg_per_km": CO2_KG_KM,
            "fixed_cost_sek_per_vehicle_week": VAN_WEEK_SEK,
            "service_min_per_stop": SERVICE_S / 60.0,
            "shift_start": "10:00",
            "max_shift_min": 240,
        },
        "delivery": {"lunch_window": ["11:00", "13:30"], "max_hot_holding_min": 90},
        "costs": {
            "driver_loading_min_per_route": LOADING_S / 60.0,
            "driver_min_paid_min_per_route_day": MIN_PAID_S / 60.0,
            "central_fixed_share_of_meal_cost": SHARE_FIXED,
            "food_cost_share_of_meal": FOOD_SHARE,
            "chilled_packaging_sek_per_meal": PACKAGING,
            "reheating_minutes_per_meal": REHEAT_MIN,
            "home_care_cost_per_hour_sek": HOME_CARE_H,
        },
        "solver": {"solution_limit": 200},
        "models": [
            {"kind": "central_daily_hot"},
            {"kind": "central_chilled", "deliveries_per_week": 2},
            {"kind": "local_kitchens"},
            {"kind": "optimised_mix"},
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roads.osm").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6"></osm>\n', encoding="utf-8"
    )
    (folder / "recipients.csv").write_text(
        "id,lat,lon,meals_per_week,hot_meal\n"
        "a,60.0054,15.0,7,true\nb,60.0477,15.0,7,true\nc,60.0504,15.0,5,false\n",
        encoding="utf-8",
    )
    path = folder / "scenario.toml"
    path.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    return load_scenario(path)


def _matrix(sc: Scenario) -> TravelMatrix:
    ids = (*[k.id for k in sc.kitchens], *[r.id for r in sc.recipients])
    x = np.asarray([X_M[i] for i in ids])
    d = np.abs(x[:, None] - x[None, :])
    return TravelMatrix(ids, np.arange(len(ids)), d / SPEED_MPS, d)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    sc = _scenario(tmp_path_factory.mktemp("line"))
    ctx = models.make_context(
        sc, _matrix(sc), time_limit_s=30.0, solution_limit=200, iteration_limit=200
    )
    return {m.name: costs.price_week(models.solve_model(m, ctx), sc) for m in sc.models}


def _paid(duration_s: float) -> float:
    """Paid seconds of one route-day: at least the minimum, else driving + loading."""
    return max(MIN_PAID_S, duration_s + LOADING_S)


def test_central_daily_hot_by_hand(outcomes: dict[str, Any]) -> None:
    o = outcomes["central_daily_hot"]
    # one van a day from 0 m: Mon-Fri a, b, c and back (600 + 4,700 + 300 + 5,600 m),
    # Sat-Sun a, b and back (600 + 4,700 + 5,300 m); no waiting (it leaves to arrive at 11:00)
    week_m = 5 * 11_200.0 + 2 * 10_600.0
    dur_weekday = 11_200.0 / SPEED_MPS + 3 * SERVICE_S  # 1,840 s
    dur_weekend = 10_600.0 / SPEED_MPS + 2 * SERVICE_S  # 1,540 s
    driver_s = 5 * _paid(dur_weekday) + 2 * _paid(dur_weekend)  # 5 x 2,440 + 2 x 2,400
    production = CENTRAL_MEAL * 19  # fixed share + marginal: every meal from the centre
    total = production + week_m / 1000 * KM_SEK + driver_s / 3600 * DRIVER_H_SEK + VAN_WEEK_SEK
    assert o.vehicle_km_per_week == pytest.approx(77.2)
    assert o.driver_hours_per_week == pytest.approx(driver_s / 3600)
    assert o.driver_cost_sek_per_week == pytest.approx(1416.6667, abs=1e-3)
    assert o.vehicles_needed == 1
    assert o.vehicle_fixed_cost_sek_per_week == pytest.approx(VAN_WEEK_SEK)
    assert o.production_cost_sek_per_week == pytest.approx(production)
    assert o.central_fixed_cost_sek_per_week == pytest.approx(SHARE_FIXED * CENTRAL_MEAL * 19)
    assert o.packaging_cost_sek_per_week == 0.0 and o.reheating_cost_sek_per_week == 0.0
    assert o.co2_kg_per_week == pytest.approx(77.2 * CO2_KG_KM)
    assert o.total_cost_sek_per_week == pytest.approx(total)
    assert total == pytest.approx(3259.6667, abs=1e-3)
    assert (o.fresh_meals_per_week, o.reheated_meals_per_week, o.meals_per_week) == (19, 0, 19)
    assert o.recipient_visits_per_week == 19
    assert (o.recipients_served, o.recipients_fallback, o.recipients_unserved) == (3, 0, 0)
    assert o.local_spend_sek_per_week == 0.0


def test_central_chilled_by_hand(outcomes: dict[str, Any]) -> None:
    o = outcomes["central_chilled"]
    # two deliveries a week (Mon, Thu: cooked the day before, kept at most 4 days, 5 in
    # all = the default shelf life, so not raised), one group, the same round as Mon-Fri
    km = 2 * 11_200.0 / 1000
    driver_s = 2 * _paid(11_200.0 / SPEED_MPS + 3 * SERVICE_S)
    # a and b (hot_meal) need help to reheat all 14 of their meals; c reheats herself
    reheating = 14 * REHEAT_MIN / 60 * HOME_CARE_H
    total = (
        CENTRAL_MEAL * 19
        + PACKAGING * 19
        + km * KM_SEK
        + driver_s / 3600 * DRIVER_H_SEK
        + VAN_WEEK_SEK
        + reheating
    )
    assert o.vehicle_km_per_week == pytest.approx(km)
    assert o.driver_cost_sek_per_week == pytest.approx(406.6667, abs=1e-3)
    assert o.packaging_cost_sek_per_week == pytest.approx(95.0)
    assert o.reheating_cost_sek_per_week == pytest.approx(reheating)
    assert o.vehicles_needed == 1
    assert o.total_cost_sek_per_week == pytest.approx(total)
    assert total == pytest.approx(3141.0, abs=1e-3)
    assert (o.fresh_meals_per_week, o.reheated_meals_per_week) == (0, 19)
    assert o.recipient_visits_per_week == 3 * 2
    assert (o.recipients_served, o.recipients_fallback, o.recipients_unserved) == (3, 0, 0)


def test_local_kitchens_by_hand(outcomes: dict[str, Any]) -> None:
    o = outcomes["local_kitchens"]
    # byn cooks for b and c; a (4.4 km from byn, 0.6 km from the centre) keeps hot meals
    # from the central kitchen: 0 -> 600 -> 0 m every day (360 s: paid the minimum)
    central_km, central_s = 7 * 1.2, 7 * _paid(1_200.0 / SPEED_MPS + SERVICE_S)
    # byn: Mon-Fri b, c and back (300 + 300 + 600 m, 600 s), Sat-Sun b and back (600 m)
    byn_km = (5 * 1_200.0 + 2 * 600.0) / 1000
    byn_s = 5 * _paid(1_200.0 / SPEED_MPS + 2 * SERVICE_S) + 2 * _paid(
        600.0 / SPEED_MPS + SERVICE_S
    )
    production = SHARE_FIXED * CENTRAL_MEAL * 19 + (1 - SHARE_FIXED) * CENTRAL_MEAL * 7
    production += BYN_MEAL * (7 + 5)
    driver = (central_s + byn_s) / 3600 * DRIVER_H_SEK
    total = (
        production
        + BYN_DAY * 7
        + (central_km + byn_km) * KM_SEK
        + driver
        + 2 * VAN_WEEK_SEK  # one van at each kitchen
    )
    assert o.vehicle_km_per_week == pytest.approx(central_km + byn_km)
    assert o.driver_cost_sek_per_week == pytest.approx(2800.0)
    assert o.production_cost_sek_per_week == pytest.approx(production)
    assert o.fixed_kitchen_cost_sek_per_week == pytest.approx(700.0)
    assert o.vehicles_needed == 2
    assert o.total_cost_sek_per_week == pytest.approx(total)
    assert total == pytest.approx(6189.0, abs=1e-3)
    assert o.local_spend_sek_per_week == pytest.approx(12 * BYN_MEAL * FOOD_SHARE * BYN_LOCAL)
    assert (o.fresh_meals_per_week, o.reheated_meals_per_week) == (19, 0)
    assert (o.recipients_served, o.recipients_fallback, o.recipients_unserved) == (3, 0, 0)


def test_optimised_mix_keeps_the_cheaper_plan(outcomes: dict[str, Any]) -> None:
    # opening byn costs 6,189 kr a week against 3,259.67 for the centre alone: the mix
    # closes it and is the central hot plan, number for number
    mix, hot = outcomes["optimised_mix"], outcomes["central_daily_hot"]
    assert mix.total_cost_sek_per_week == pytest.approx(hot.total_cost_sek_per_week)
    assert mix.vehicle_km_per_week == pytest.approx(hot.vehicle_km_per_week)
    assert mix.local_spend_sek_per_week == 0.0

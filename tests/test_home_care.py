"""``[home_care]``, the lunch-visit column and ``[procurement]`` in the scenario, and a
hand-computed home-care week priced by :mod:`maltid.costs` (issue 16 item 1).

The hand-computed case: every point lies on one straight road (distance = |x_i - x_j|,
10 m/s), so each number of the home-care row can be worked out with pen and paper.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w

from maltid import costs, load_scenario, models
from maltid.errors import ScenarioError
from maltid.models.home_care import HOME_CARE_ID, HomeCareBase, HomeCareInputs, home_care_week
from maltid.network import TravelMatrix
from maltid.scenario import Scenario, default_parameters

SPEED_MPS = 10.0


def _data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "hemlagat (synthetic)",
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
                "cost_per_meal_sek": 55.0,
                "capacity_meals_per_day": 500,
            }
        ],
        "fleet": {
            "vehicle_capacity_meals": 40,
            "cost_per_km_sek": 2.5,
            "driver_cost_per_hour_sek": 380.0,
            "co2_kg_per_km": 0.18,
            "service_min_per_stop": 4.0,
            "shift_start": "10:00",
            "max_shift_min": 240,
        },
        "delivery": {"lunch_window": ["11:00", "13:30"], "max_hot_holding_min": 90},
        "home_care": {
            "cost_per_hour_sek": 400.0,
            "cooking_min_per_meal": 20.0,
            "visit_min": 10.0,
            "groceries_sek_per_meal": 30.0,
            "local_food_share": 0.5,
            "bases": [{"id": "hc", "name": "Hemtjänsten", "lat": 60.01, "lon": 15.0}],
        },
        "procurement": {"model": "hemlagat"},
        "models": [{"kind": "central_chilled"}, {"kind": "home_care_cooking", "name": "hemlagat"}],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


CSV = (
    "id,lat,lon,meals_per_week,hot_meal,home_care_lunch_visits_per_week\n"
    "a,60.011,15.0,7,true,7\n"
    "b,60.012,15.0,7,true,\n"
    "c,60.013,15.0,5,false,2\n"
)


def _write(folder: Path, data: dict[str, Any], csv: str = CSV) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roads.osm").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6"></osm>\n', encoding="utf-8"
    )
    (folder / "recipients.csv").write_text(csv, encoding="utf-8")
    path = folder / "scenario.toml"
    path.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    return path


def _problems(folder: Path, data: dict[str, Any], csv: str = CSV) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(_write(folder, data, csv))
    return [f"{p.location}: {p.message} (fix: {p.fix})" for p in exc.value.problems]


# ---- the scenario ----------------------------------------------------------------------


def test_home_care_scenario_loads_with_its_column(tmp_path: Path) -> None:
    sc = load_scenario(_write(tmp_path, _data()))
    assert sc.home_care is not None
    (base,) = sc.home_care.bases
    assert (base.id, base.name, base.vehicles) == ("hc", "Hemtjänsten", None)
    visits = {r.id: r.home_care_lunch_visits_per_week for r in sc.recipients}
    assert visits == {"a": 7, "b": 0, "c": 2}  # empty = 0
    assert sc.procurement.model == "hemlagat" and sc.procurement.hot_within_min == 30.0
    assert sc.model("hemlagat").kind == "home_care_cooking"
    p = costs.parameters_for(sc)
    assert p["home_care_cost_per_hour_sek"] == 400.0  # [home_care] overrides the catalogue
    assert p["home_care_groceries_sek_per_meal"] == 30.0
    assert p["home_care_local_food_share"] == 0.5


def test_home_care_defaults_are_the_catalogues(tmp_path: Path) -> None:
    data = _data(models=None, procurement=None)
    data["home_care"] = {"bases": [{"id": "hc", "lat": 60.01, "lon": 15.0}]}
    sc = load_scenario(_write(tmp_path, data))
    assert sc.home_care is not None and sc.home_care.cooking_min_per_meal is None
    catalogue = default_parameters()
    p = costs.parameters_for(sc)
    for name in (
        "home_care_cost_per_hour_sek",
        "home_care_cooking_min_per_meal",
        "home_care_visit_min",
        "home_care_groceries_sek_per_meal",
        "home_care_local_food_share",
    ):
        assert p[name] == catalogue[name].value
        assert catalogue[name].source and catalogue[name].year
    assert catalogue["home_care_cost_per_hour_sek"].value == 426.0  # SKR 2019
    assert catalogue["home_care_cost_per_hour_sek"].year == 2019
    assert catalogue["home_care_cooking_min_per_meal"].value == 20.0
    assert "assumption" in catalogue["home_care_cooking_min_per_meal"].source
    # with [home_care] and no [[models]], the home-care model is a default model
    assert [m.kind for m in sc.models][-1] == "home_care_cooking"
    assert sc.procurement.model is None
    assert sc.home_care.bases[0].name == "hc"


def test_default_models_leave_home_care_out_without_it(tmp_path: Path) -> None:
    sc = load_scenario(_write(tmp_path, _data(models=None, procurement=None, home_care=None)))
    assert "home_care_cooking" not in {m.kind for m in sc.models}
    assert sc.home_care is None


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        (lambda d: d.pop("home_care"), "home_care_cooking but the scenario has no [home_care]"),
        (lambda d: d["home_care"].update(bases=[]), "[home_care] has no bases"),
        (
            lambda d: d["home_care"]["bases"][0].update(id="central"),
            "base id 'central' is also the id of a kitchen",
        ),
        (
            lambda d: d["home_care"]["bases"].append({"id": "hc", "lat": 60.0, "lon": 15.0}),
            "also the id of home_care.bases[0]",
        ),
        (lambda d: d.update(procurement={"model": "hemlagad"}), "did you mean 'hemlagat'"),
        (
            lambda d: d["home_care"].update(cooking_min_per_meal=-5.0),
            "home_care.cooking_min_per_meal",
        ),
        (lambda d: d["home_care"].update(local_food_share=1.5), "home_care.local_food_share"),
        (
            lambda d: d.update(costs={"home_care_cost_per_hour_sek": 450.0}),
            "home_care_cost_per_hour_sek is given twice",
        ),
        (lambda d: d["home_care"].update(colour="blue"), "colour"),
    ],
)
def test_home_care_rules(tmp_path: Path, change: Any, expect: str) -> None:
    data = _data()
    change(data)
    found = _problems(tmp_path, data)
    assert any(expect in p for p in found), found


def test_delivery_mode_home_care_needs_home_care(tmp_path: Path) -> None:
    data = _data(home_care=None, procurement=None, models=[{"kind": "local_kitchens"}])
    data["kitchens"].append(
        {
            "id": "camping",
            "role": "local",
            "lat": 60.012,
            "lon": 15.0,
            "cost_per_meal_sek": 68.0,
            "capacity_meals_per_day": 40,
            "delivery_mode": "home_care",
        }
    )
    found = _problems(tmp_path, data)
    assert any(
        'delivery_mode = "home_care" but the scenario has no [home_care]' in p for p in found
    )
    data["home_care"] = {"bases": [{"id": "hc", "lat": 60.01, "lon": 15.0}]}
    sc = load_scenario(_write(tmp_path / "ok", data))
    assert sc.kitchen("camping").delivery_mode == "home_care"


@pytest.mark.parametrize(
    ("cell", "expect"),
    [("8", "8 is outside 0..7"), ("2.5", "2.5 is not a whole number"), ("ja", "not a number")],
)
def test_lunch_visit_column_is_checked(tmp_path: Path, cell: str, expect: str) -> None:
    csv = CSV.replace("a,60.011,15.0,7,true,7", f"a,60.011,15.0,7,true,{cell}")
    found = _problems(tmp_path, _data(), csv)
    assert any("column home_care_lunch_visits_per_week" in p and expect in p for p in found), found


def test_recipient_id_may_not_be_a_base_id(tmp_path: Path) -> None:
    found = _problems(tmp_path, _data(), CSV.replace("b,60.012", "hc,60.012"))
    assert any("also the id of a kitchen or home-care base" in p for p in found), found


def test_with_value_reaches_home_care(tmp_path: Path) -> None:
    sc = load_scenario(_write(tmp_path, _data()))
    cheaper = sc.with_value("home_care.groceries_sek_per_meal", 25.0)
    assert costs.parameters_for(cheaper)["home_care_groceries_sek_per_meal"] == 25.0
    assert [r.id for r in cheaper.recipients] == ["a", "b", "c"]


# ---- a hand-computed week --------------------------------------------------------------

#: Position of every point along the road (m): the base at 0, a, b, c to the north.
X_M = {"central": -5000.0, "hc": 0.0, "a": 300.0, "b": 600.0, "c": 900.0}


def _line_matrix(sc: Scenario, **more_x_m: float) -> TravelMatrix:
    """Travel along the one road (s, m); ``more_x_m``: positions of further points (m)."""
    ids = (*[k.id for k in sc.kitchens], *[r.id for r in sc.recipients], "hc")
    where = {**X_M, **more_x_m}
    x = np.asarray([where[i] for i in ids])
    d = np.abs(x[:, None] - x[None, :])
    return TravelMatrix(ids, np.arange(len(ids)), d / SPEED_MPS, d)


def _inputs(sc: Scenario) -> HomeCareInputs:
    """The model's inputs as the registration reads them (costs.parameters_for)."""
    assert sc.home_care is not None
    p = costs.parameters_for(sc)
    return HomeCareInputs(
        bases=tuple(HomeCareBase(b.id, b.lat, b.lon, b.vehicles) for b in sc.home_care.bases),
        lunch_visits={r.id: r.home_care_lunch_visits_per_week for r in sc.recipients},
        cooking_min_per_meal=p["home_care_cooking_min_per_meal"],
        visit_min=p["home_care_visit_min"],
        cost_per_hour_sek=p["home_care_cost_per_hour_sek"],
        groceries_sek_per_meal=p["home_care_groceries_sek_per_meal"],
        local_food_share=p["home_care_local_food_share"],
    )


def test_home_care_week_priced_by_hand(tmp_path: Path) -> None:
    sc = load_scenario(_write(tmp_path, _data()))
    ctx = models.make_context(
        sc, _line_matrix(sc), time_limit_s=10.0, solution_limit=50, iteration_limit=50
    )
    plan = home_care_week(ctx, "hemlagat", _inputs(sc))
    o = costs.price_week(plan, sc)
    # a: a lunch visit every day -> 7 x 20 min cooking; c: visits Mon-Tue -> 2 x 20 min.
    existing_h = (7 + 2) * 20.0 / 60.0
    # routed (visit 10 + cooking 20 = 30 min at the door):
    #   Mon, Tue, Sat, Sun: b alone: 0 -> 600 -> 0 m = 1200 m, 120 s + 1800 s
    #   Wed-Fri: b and c: 0 -> 600 -> 900 -> 0 m = 1800 m, 180 s + 2 x 1800 s
    routed_s = 4 * (120.0 + 1800.0) + 3 * (180.0 + 3600.0)
    km = (4 * 1200.0 + 3 * 1800.0) / 1000.0
    hours = existing_h + routed_s / 3600.0
    groceries = (7 + 7 + 5) * 30.0
    central_fixed = 0.3 * 55.0 * 19  # the central kitchen's fixed share stays
    staff = hours * 400.0
    total = groceries + central_fixed + km * 2.5 + staff
    assert o.home_care_hours_per_week == pytest.approx(hours)
    assert o.home_care_cost_sek_per_week == pytest.approx(staff)
    assert o.vehicle_km_per_week == pytest.approx(km)
    assert o.vehicle_km_cost_sek_per_week == pytest.approx(km * 2.5)
    assert o.co2_kg_per_week == pytest.approx(km * 0.18)
    assert o.production_cost_sek_per_week == pytest.approx(groceries + central_fixed)
    assert o.total_cost_sek_per_week == pytest.approx(total)
    assert total == pytest.approx(4222.333, abs=1e-3)
    # staff in their own cars: no driver, no van, no fixed cost
    assert o.driver_cost_sek_per_week == 0.0 and o.driver_hours_per_week == 0.0
    assert o.vehicle_fixed_cost_sek_per_week == 0.0 and o.vehicles_needed == 0
    assert o.local_delivery_cost_sek_per_week == 0.0
    # every meal fresh, on the plate as it is cooked, every meal a visit
    assert o.fresh_meals_per_week == 19 == o.meals_per_week
    assert o.reheated_meals_per_week == 0 and o.reheating_cost_sek_per_week == 0.0
    assert o.mean_kitchen_to_plate_min == 0.0 and o.max_kitchen_to_plate_min == 0.0
    assert o.recipient_visits_per_week == 19
    assert (o.recipients_served, o.recipients_fallback, o.recipients_unserved) == (3, 0, 0)
    # groceries are all food: local spend = groceries x the local share
    assert o.local_spend_sek_per_week == pytest.approx(groceries * 0.5)
    staff_kitchen = next(k for k in plan.kitchens if k.kitchen_id == HOME_CARE_ID)
    assert staff_kitchen.role == "home_care" and staff_kitchen.meals_fresh_per_week == 19


def test_two_meals_a_day_are_eaten_the_day_they_are_cooked(tmp_path: Path) -> None:
    csv = CSV.replace("b,60.012,15.0,7,true,", "b,60.012,15.0,14,true,")
    sc = load_scenario(_write(tmp_path, _data(), csv))
    ctx = models.make_context(
        sc, _line_matrix(sc), time_limit_s=10.0, solution_limit=50, iteration_limit=50
    )
    o = costs.price_week(home_care_week(ctx, "hemlagat", _inputs(sc)), sc)
    # b's second meal of each day is cooked on the visit and eaten that day: no
    # cook-chill lead and no keeping, so nothing is older than the day it was cooked
    assert o.max_kitchen_to_plate_min == 0.0
    assert o.fresh_meals_per_week == 26


def test_home_care_carries_a_local_kitchens_meals_priced_by_hand(tmp_path: Path) -> None:
    """Issue 16 item 2 (Ramsjö's test year): the camping kitchen cooks, home care takes
    the meals along on the lunch visits a and c already get; b (no visit) gets hot meals
    from the central kitchen 5.6 km down the road."""
    data = _data(procurement=None, models=[{"kind": "local_kitchens"}])
    data["kitchens"].append(
        {
            "id": "camping",
            "name": "Campingköket",
            "role": "local",
            "lat": 60.0115,
            "lon": 15.0,
            "cost_per_meal_sek": 68.0,
            "capacity_meals_per_day": 40,
            "local_food_share": 0.8,
            "delivery_mode": "home_care",
        }
    )
    csv = CSV.replace("c,60.013,15.0,5,false,2", "c,60.013,15.0,5,false,5")
    sc = load_scenario(_write(tmp_path, data, csv))
    matrix = _line_matrix(sc, camping=450.0)
    ctx = models.make_context(sc, matrix, time_limit_s=10.0, solution_limit=50, iteration_limit=50)
    plan = models.solve_model(sc.model("local_kitchens"), ctx)
    assert dict(plan.assignment) == {"a": "camping", "b": "central", "c": "camping"}
    o = costs.price_week(plan, sc)
    # the pick-up: kitchen -> recipient -> kitchen, shared by the two home-care recipients
    # a: 150 m each way at 10 m/s -> (15 + 15) / 2 = 15 s a day, 7 days
    # c: 450 m each way -> (45 + 45) / 2 = 45 s a day, 5 days
    staff_h = (15.0 * 7 + 45.0 * 5) / 3600.0
    assert o.home_care_hours_per_week == pytest.approx(staff_h)
    assert o.home_care_cost_sek_per_week == pytest.approx(staff_h * 400.0)  # [home_care] rate
    assert o.local_delivery_cost_sek_per_week == 0.0
    # b: one hot round a day, central -> b -> central = 11.2 km, 1120 s + 4 min service,
    # paid the minimum 120 min (more than 1360 s + 10 min loading); one van a week
    km = 7 * 11.2
    driver = 7 * 2.0 * 380.0
    production = 12 * 68.0 + 0.3 * 55.0 * 19 + 0.7 * 55.0 * 7
    total = production + km * 2.5 + driver + 740.0 + staff_h * 400.0
    assert o.vehicle_km_per_week == pytest.approx(km)
    assert o.driver_cost_sek_per_week == pytest.approx(driver)
    assert o.vehicle_fixed_cost_sek_per_week == 740.0 and o.vehicles_needed == 1
    assert o.production_cost_sek_per_week == pytest.approx(production)
    assert o.total_cost_sek_per_week == pytest.approx(total)
    assert total == pytest.approx(7691.667, abs=1e-3)
    # the camping's food: 35 % of 68 kr, 80 % of it bought locally
    assert o.local_spend_sek_per_week == pytest.approx(12 * 68.0 * 0.35 * 0.8)
    assert o.fresh_meals_per_week == 19 and o.recipient_visits_per_week == 19
    # kitchen-to-plate is the drive: a 15 s, c 45 s from the camping, b 560 s from central
    assert o.max_kitchen_to_plate_min == pytest.approx(560.0 / 60.0)

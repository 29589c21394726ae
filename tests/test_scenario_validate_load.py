"""Property: ``validate`` and ``compare``'s input phase accept and refuse the same scenarios.

``maltid validate`` runs :func:`validate_scenario`; ``compare`` starts with
:func:`load_scenario` and the scenario's cost parameters (:func:`costs.parameters_for`).
Mutations of a small valid scenario (numbers out of range, ``[costs]`` overrides, the same
key in ``[fleet]`` and ``[costs]``, a recipient sharing a kitchen's id) must give the same
verdict on both paths, and an accepted scenario must hold only allowed values.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maltid import costs
from maltid.errors import ScenarioError
from maltid.scenario import default_parameters, load_scenario, validate_scenario

BASE: dict[str, Any] = {
    "name": "Byn",
    "seed": 1,
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
        },
        {
            "id": "byn",
            "role": "local",
            "lat": 61.85,
            "lon": 16.2,
            "cost_per_meal_sek": 68.0,
            "capacity_meals_per_day": 40,
            "local_food_share": 0.8,
        },
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
    },
    "delivery": {"lunch_window": ["11:00", "13:30"], "max_hot_holding_min": 90},
}
CSV = "id,lat,lon,meals_per_week,hot_meal\nr1,61.81,16.12,7,true\nr2,61.84,16.19,5,false\n"

#: (section, key) of numbers a mutation may set; kitchens are addressed by index.
NUMBER_FIELDS: list[tuple[str | int, ...]] = [
    ("fleet", "vehicle_capacity_meals"),
    ("fleet", "vehicles_per_kitchen"),
    ("fleet", "cost_per_km_sek"),
    ("fleet", "driver_cost_per_hour_sek"),
    ("fleet", "co2_kg_per_km"),
    ("fleet", "fixed_cost_sek_per_vehicle_day"),
    ("fleet", "service_min_per_stop"),
    ("fleet", "max_shift_min"),
    ("delivery", "max_hot_holding_min"),
    ("kitchens", 0, "cost_per_meal_sek"),
    ("kitchens", 1, "local_food_share"),
    ("kitchens", 1, "capacity_meals_per_day"),
    ("kitchens", 1, "delivery_radius_m"),
    ("network", "winter_speed_factor"),
    ("network", "snap_warn_m"),
    ("delivery", "max_same_day_holding_min"),
    ("delivery", "chilled_shelf_life_days"),
    ("fleet", "fixed_cost_sek_per_vehicle_week"),
    ("fleet", "chilled_vehicle_capacity_meals"),
]
NUMBERS = st.sampled_from([-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 7.0, 1e9, -0.01])
COST_NAMES = st.sampled_from([*default_parameters(), "cost_per_kilometre", "walking_speed"])


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    node: Any = data
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
    node[path[-1]] = value


@st.composite
def mutated(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    import copy

    data = copy.deepcopy(BASE)
    csv = CSV
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["number", "cost", "duplicate", "speed", "id"]))
        if kind == "number":
            value = draw(NUMBERS)
            path = draw(st.sampled_from(NUMBER_FIELDS))
            if path[-1] in (
                "vehicle_capacity_meals",
                "vehicles_per_kitchen",
                "capacity_meals_per_day",
                "chilled_shelf_life_days",
                "chilled_vehicle_capacity_meals",
            ):
                value = int(value) if math.isfinite(value) else value
            _set(data, path, value)
        elif kind == "cost":
            data.setdefault("costs", {})[draw(COST_NAMES)] = draw(NUMBERS)
        elif kind == "duplicate":
            name = draw(
                st.sampled_from(
                    ["cost_per_km_sek", "co2_kg_per_km", "fixed_cost_sek_per_vehicle_week"]
                )
            )
            data.setdefault("costs", {})[name] = draw(NUMBERS)
        elif kind == "speed":
            data["network"]["speeds_kph"] = {"residential": draw(st.floats(-10, 300))}
        else:
            csv = CSV.replace("r2,", "byn,")
    return data, csv


def _verdicts(data: dict[str, Any], csv: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "recipients.csv").write_text(csv, encoding="utf-8")
        path = folder / "scenario.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        problems = validate_scenario(path)
        if problems:
            with pytest.raises(ScenarioError) as info:
                load_scenario(path)
            assert list(info.value.problems) == problems
            return
        scenario = load_scenario(path)  # compare's input phase ...
        params = costs.parameters_for(scenario)  # ... and its cost parameters
        catalogue = default_parameters()
        for name, value in params.items():
            assert catalogue[name].problem(value) is None, (name, value)
        assert not set(scenario.costs) & {
            n for n in costs.FLEET_PARAMETER_NAMES if getattr(scenario.fleet, n) is not None
        }
        ids = [k.id for k in scenario.kitchens] + [r.id for r in scenario.recipients]
        assert len(ids) == len(set(ids))


def test_base_scenario_is_valid() -> None:
    _verdicts(BASE, CSV)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "recipients.csv").write_text(CSV, encoding="utf-8")
        (Path(tmp) / "s.toml").write_text(tomli_w.dumps(BASE), encoding="utf-8")
        assert validate_scenario(Path(tmp) / "s.toml") == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated())
def test_validate_and_load_agree(case: tuple[dict[str, Any], str]) -> None:
    _verdicts(*case)


@pytest.mark.parametrize(
    ("costs_table", "location"),
    [
        ({"food_cost_share_of_meal": 1.5}, "costs.food_cost_share_of_meal"),
        ({"walking_speed_kph": 0.0}, "costs.walking_speed_kph"),
        ({"chilled_packaging_sek_per_meal": -2.0}, "costs.chilled_packaging_sek_per_meal"),
        ({"cost_per_km_sek": 3.0}, "costs.cost_per_km_sek"),  # also in [fleet]
    ],
)
def test_each_cost_rule_is_refused_by_validate(
    tmp_path: Path, costs_table: dict[str, float], location: str
) -> None:
    (tmp_path / "recipients.csv").write_text(CSV, encoding="utf-8")
    path = tmp_path / "scenario.toml"
    path.write_text(tomli_w.dumps({**BASE, "costs": costs_table}), encoding="utf-8")
    (p,) = validate_scenario(path)
    assert p.location == location and p.file == str(path)
    assert p.fix


def test_recipient_with_a_kitchen_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "recipients.csv").write_text(CSV.replace("r2,", "byn,"), encoding="utf-8")
    path = tmp_path / "scenario.toml"
    path.write_text(tomli_w.dumps(BASE), encoding="utf-8")
    (p,) = validate_scenario(path)
    assert p.location == "recipient id byn" and "also the id of a kitchen" in p.message


def test_shelf_life_must_outlast_the_days_before_delivery(tmp_path: Path) -> None:
    (tmp_path / "recipients.csv").write_text(CSV, encoding="utf-8")
    path = tmp_path / "scenario.toml"
    data = {
        **BASE,
        "delivery": {**BASE["delivery"], "chilled_shelf_life_days": 2},
        "costs": {"chilled_days_cooked_before_delivery": 2.0},
    }
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    (p,) = validate_scenario(path)
    assert p.location == "delivery.chilled_shelf_life_days" and "in time" in p.message
    data["costs"] = {"chilled_days_cooked_before_delivery": 1.0}
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    assert validate_scenario(path) == []

"""Tests of maltid.scenario: the scenario schema, TOML + recipients CSV reading, validation.

Every recipient here is synthetic.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maltid.errors import Problem, ScenarioError
from maltid.scenario import (
    CentralChilled,
    CentralDailyHot,
    Recipient,
    Scenario,
    check_extent,
    load_scenario,
    parse_hhmm,
    read_osm_bounds,
    read_recipients,
    validate_scenario,
)

REPO = Path(__file__).resolve().parents[1]


def _shared_data() -> Path:
    env = os.environ.get("MALTID_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


OSM = _shared_data() / "osm" / "north-bayreuth.osm.gz"
needs_osm = pytest.mark.skipif(
    not OSM.is_file(), reason=f"shared OSM extract not found at {OSM} (set MALTID_SHARED_DATA)"
)

ISSUE_TOML = """\
name = "Byn vid sjön"
seed = 1

[network]
osm = "{osm}"
winter_speed_factor = 1.0

[recipients]
csv = "recipients.csv"

[[kitchens]]
id = "central"
name = "Centralköket"
role = "central"
lat = 49.99
lon = 11.58
cost_per_meal_sek = 55.0
fixed_cost_sek_per_day = 0.0
capacity_meals_per_day = 2000

[[kitchens]]
id = "camping"
name = "Campingköket"
role = "local"
lat = 50.07
lon = 11.46
cost_per_meal_sek = 68.0
fixed_cost_sek_per_day = 450.0
capacity_meals_per_day = 40
local_food_share = 0.8

[fleet]
vehicle_capacity_meals = 40
vehicles_per_kitchen = 3
cost_per_km_sek = 2.5
driver_cost_per_hour_sek = 380.0
co2_kg_per_km = 0.18
service_min_per_stop = 4.0
shift_start = "10:00"
max_shift_min = 240

[delivery]
lunch_window = ["11:00", "13:30"]
max_hot_holding_min = 90

[[models]]
kind = "central_daily_hot"
days_per_week = 7

[[models]]
kind = "central_chilled"
deliveries_per_week = 1

[[models]]
kind = "local_kitchens"

[[models]]
kind = "optimised_mix"
"""

RECIPIENTS_CSV = """\
id,lat,lon,meals_per_week,hot_meal
r1,50.01,11.52,7,true
r2,50.02,11.55,5,false
r3,49.99,11.57,14,true
"""


def _osm_stub(directory: Path) -> Path:
    """A tiny OSM XML with <bounds> around the issue example (for tests without shared data)."""
    p = directory / "roads.osm"
    p.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
        '  <bounds minlat="49.9721" minlon="11.4807" maxlat="50.047" maxlon="11.6053"/>\n'
        "</osm>\n",
        encoding="utf-8",
    )
    return p


def write_scenario(
    tmp_path: Path,
    toml: str | None = None,
    csv: str | bytes | None = RECIPIENTS_CSV,
    *,
    osm: Path | None = None,
) -> Path:
    """Write scenario.toml (+ recipients.csv) to tmp_path; return the TOML path."""
    if osm is None:
        osm = _osm_stub(tmp_path)
    text = (ISSUE_TOML if toml is None else toml).replace("{osm}", osm.as_posix())
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    if csv is not None:
        target = tmp_path / "recipients.csv"
        if isinstance(csv, bytes):
            target.write_bytes(csv)
        else:
            target.write_text(csv, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    problems = validate_scenario(path)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert list(exc.value.problems) == problems
    return problems


def only(problems: list[Problem], location_part: str) -> Problem:
    hits = [
        p
        for p in problems
        if p.location == location_part or p.location.startswith(location_part + " ")
    ]
    assert len(hits) == 1, f"expected one problem at {location_part!r}, got {problems}"
    return hits[0]


# --------------------------------------------------------------------------------------
# the issue example
# --------------------------------------------------------------------------------------


@needs_osm
def test_issue_example_validates_with_shared_osm(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, osm=OSM)
    assert validate_scenario(path) == []
    s = load_scenario(path)
    assert s.name == "Byn vid sjön"
    assert s.seed == 1
    assert s.network.osm == OSM.resolve()
    assert s.network.source_kind == "osm"
    assert s.recipients_spec.csv == (tmp_path / "recipients.csv").resolve()
    assert s.source_path == path.resolve()
    assert [k.id for k in s.kitchens] == ["central", "camping"]
    assert s.central_kitchen.name == "Centralköket"
    camping = s.kitchen("camping")
    assert camping.role == "local"
    assert camping.local_food_share == 0.8
    assert camping.delivery_mode == "car"
    assert camping.delivery_radius_m is None
    assert camping.candidate is True
    assert s.fleet.shift_start_s == 10 * 3600
    assert s.fleet.service_s == 240.0
    assert s.fleet.max_shift_s == 240 * 60.0
    # Not given in the TOML: None, so the cost model's sourced default applies.
    assert s.fleet.fixed_cost_sek_per_vehicle_day is None
    assert s.fleet.chilled_capacity_meals == 120  # DEFAULT_CHILLED_VEHICLE_CAPACITY_MEALS
    assert s.delivery.lunch_window_s == (11 * 3600, 13 * 3600 + 1800)
    assert s.delivery.max_hot_holding_s == 90 * 60.0
    assert [m.kind for m in s.models] == [
        "central_daily_hot",
        "central_chilled",
        "local_kitchens",
        "optimised_mix",
    ]
    assert [m.name for m in s.models] == [m.kind for m in s.models]
    assert isinstance(s.models[0], CentralDailyHot) and s.models[0].days_per_week == 7
    assert isinstance(s.models[1], CentralChilled) and s.models[1].deliveries_per_week == 1
    assert s.baseline == "central_daily_hot"
    assert s.costs == {}
    assert s.solver.time_limit_s == 120.0 and s.solver.siting_time_limit_s == 30.0
    assert s.analysis.break_even == ("local_cost_per_meal",)
    assert s.break_even_kitchen == "camping"
    assert s.recipients == (
        Recipient(id="r1", lat=50.01, lon=11.52, meals_per_week=7, hot_meal=True),
        Recipient(id="r2", lat=50.02, lon=11.55, meals_per_week=5, hot_meal=False),
        Recipient(id="r3", lat=49.99, lon=11.57, meals_per_week=14, hot_meal=True),
    )


@needs_osm
def test_osm_path_relative_to_the_scenario_file(tmp_path: Path) -> None:
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    rel = os.path.relpath(OSM, sub)
    path = write_scenario(sub, ISSUE_TOML.replace("{osm}", Path(rel).as_posix()), osm=OSM)
    s = load_scenario(path)
    assert s.network.osm == OSM.resolve()


@needs_osm
def test_shipped_example_loads() -> None:
    s = load_scenario(REPO / "data" / "examples" / "scenario.toml")
    assert s.network.osm == OSM.resolve()
    assert len(s.recipients) == 30
    assert {r.id for r in s.recipients} == {f"r{i:03d}" for i in range(1, 31)}
    with_window = [r for r in s.recipients if r.window_start_s is not None]
    assert with_window and all(r.window_end_s == 12 * 3600 + 1800 for r in with_window)


def test_load_is_deterministic_and_picklable(tmp_path: Path) -> None:
    path = write_scenario(tmp_path)
    a, b = load_scenario(path), load_scenario(path)
    assert a == b
    c = pickle.loads(pickle.dumps(a))
    assert c == a and c.recipients == a.recipients


def test_recipients_are_not_in_model_dump(tmp_path: Path) -> None:
    s = load_scenario(write_scenario(tmp_path))
    dump = s.model_dump(mode="json")
    assert "r1" not in repr(dump)
    assert dump["recipients_spec"]["path"].endswith("recipients.csv")


# --------------------------------------------------------------------------------------
# files and TOML syntax
# --------------------------------------------------------------------------------------


def test_missing_scenario_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    problems = problems_of(missing)
    assert len(problems) == 1
    assert str(missing.resolve()) in problems[0].message
    assert problems[0].file == str(missing)


def test_missing_csv_and_osm_are_both_reported(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, csv=None, osm=tmp_path / "gone.osm.gz")
    problems = problems_of(path)
    osm = only(problems, "network.osm")
    assert str((tmp_path / "gone.osm.gz").resolve()) in osm.message
    csv = only(problems, "recipients.csv")
    assert str((tmp_path / "recipients.csv").resolve()) in csv.message
    assert csv.file == str(path)
    assert "relative to the scenario file" in csv.fix


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    toml = ISSUE_TOML.replace("cost_per_km_sek = 2.5", "cost_per_km_sek = 2,5")
    path = write_scenario(tmp_path, toml)
    problems = problems_of(path)
    assert len(problems) == 1
    line = next(i for i, t in enumerate(toml.splitlines(), 1) if "2,5" in t)
    assert problems[0].location.startswith(f"line {line}, column ")
    assert "not valid TOML" in problems[0].message


def test_binary_garbage_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "scenario.toml"
    path.write_bytes(bytes(range(256)) * 4)
    problems = validate_scenario(path)
    assert len(problems) == 1 and problems[0].file == str(path)


# --------------------------------------------------------------------------------------
# schema problems
# --------------------------------------------------------------------------------------


def test_unknown_key_is_named_with_a_suggestion(tmp_path: Path) -> None:
    toml = ISSUE_TOML.replace("cost_per_km_sek = 2.5", "cost_per_km = 2.5").replace(
        "seed = 1", "seeed = 1"
    )
    problems = problems_of(write_scenario(tmp_path, toml))
    typo = only(problems, "fleet.cost_per_km")
    assert "unknown key 'cost_per_km'" in typo.message
    assert "did you mean 'cost_per_km_sek'" in typo.fix
    missing = only(problems, "fleet.cost_per_km_sek")
    assert "missing" in missing.message
    top = only(problems, "seeed")
    assert "did you mean 'seed'" in top.fix


def test_unknown_key_in_a_kitchen_names_the_kitchen(tmp_path: Path) -> None:
    toml = ISSUE_TOML.replace("local_food_share = 0.8", "local_fod_share = 0.8")
    p = only(problems_of(write_scenario(tmp_path, toml)), "kitchens[1].local_fod_share")
    assert p.location == 'kitchens[1].local_fod_share (kitchen "camping")'
    assert "did you mean 'local_food_share'" in p.fix


def test_every_problem_is_collected(tmp_path: Path) -> None:
    toml = (
        ISSUE_TOML.replace("cost_per_km_sek = 2.5", "cost_per_km_sek = -2.5")
        .replace("lat = 50.07", "lat = 95.0")
        .replace('lunch_window = ["11:00", "13:30"]', 'lunch_window = ["13:30", "11:00"]')
        .replace('kind = "local_kitchens"', 'kind = "local_kitchens"\nname = "central_chilled"')
        .replace("capacity_meals_per_day = 40", "capacity_meals_per_day = 0")
        .replace("seed = 1", "seed = 1\nbaseline_typo = 1")
    )
    csv = RECIPIENTS_CSV + "r4,50.0,11.5,7.5,true\n"
    problems = problems_of(write_scenario(tmp_path, toml, csv))
    neg = only(problems, "fleet.cost_per_km_sek")
    assert "-2.5" in neg.message and "negative" in neg.message and ">= 0" in neg.fix
    lat = only(problems, "kitchens[1].lat")
    assert "camping" in lat.location and "95.0" in lat.message
    cap = only(problems, "kitchens[1].capacity_meals_per_day")
    assert "0" in cap.message and "> 0" in cap.fix
    window = only(problems, "delivery.lunch_window")
    assert "13:30" in window.message and "11:00" in window.message
    dup = only(problems, "models[2].name")
    assert "duplicate model name 'central_chilled'" in dup.message
    assert "models[1]" in dup.message
    only(problems, "baseline_typo")
    meals = only(problems, "row 5, column meals_per_week")
    assert meals.file == str((tmp_path / "recipients.csv").resolve())
    assert "7.5 is not a whole number" in meals.message
    assert len(problems) == 7


def test_kitchen_roles_and_ids(tmp_path: Path) -> None:
    toml = ISSUE_TOML.replace('role = "local"', 'role = "central"').replace(
        'id = "camping"', 'id = "central"'
    )
    problems = problems_of(write_scenario(tmp_path, toml))
    dup = only(problems, "kitchens[1].id")
    assert "duplicate kitchen id 'central'" in dup.message
    assert "kitchens[0]" in dup.message and "kitchens[1]" in dup.message
    two = only(problems, "kitchens")
    assert "2 kitchens have role" in two.message

    toml = ISSUE_TOML.replace('role = "central"', 'role = "local"')
    p = only(problems_of(write_scenario(tmp_path, toml)), "kitchens")
    assert "no kitchen has role" in p.message

    toml = ISSUE_TOML.replace('role = "local"', 'role = "village"')
    p = only(problems_of(write_scenario(tmp_path, toml)), "kitchens[1].role")
    assert "'village'" in p.message and "'central' or 'local'" in p.fix


def test_baseline_must_name_a_model(tmp_path: Path) -> None:
    toml = ISSUE_TOML.replace("seed = 1", 'seed = 1\nbaseline = "central_chiled"')
    p = only(problems_of(write_scenario(tmp_path, toml)), "baseline")
    assert "'central_chiled' names no model" in p.message
    assert "did you mean 'central_chilled'" in p.fix


def test_default_models_and_baseline(tmp_path: Path) -> None:
    head = ISSUE_TOML.split("[[models]]")[0]
    s = load_scenario(write_scenario(tmp_path, head))
    assert [m.kind for m in s.models] == [
        "central_daily_hot",
        "central_chilled",
        "local_kitchens",
        "optimised_mix",
    ]
    toml = head + (
        '[[models]]\nkind = "local_kitchens"\n\n'
        '[[models]]\nkind = "central_chilled"\nname = "chilled_twice"\ndeliveries_per_week = 2\n'
    )
    s = load_scenario(write_scenario(tmp_path, toml))
    assert s.baseline == "chilled_twice"
    assert s.model("chilled_twice").deliveries_per_week == 2  # type: ignore[union-attr]
    s = load_scenario(write_scenario(tmp_path, head + '[[models]]\nkind = "optimised_mix"\n'))
    assert s.baseline == "optimised_mix"


def test_unknown_model_kind_and_bad_model_fields(tmp_path: Path) -> None:
    toml = ISSUE_TOML.replace('kind = "optimised_mix"', 'kind = "optimized_mix"').replace(
        "days_per_week = 7", "days_per_week = 6"
    )
    problems = problems_of(write_scenario(tmp_path, toml))
    kind = only(problems, "models[3].kind")
    assert "'optimized_mix'" in kind.message and "did you mean 'optimised_mix'" in kind.fix
    days = only(problems, "models[0].days_per_week")
    assert 'model "central_daily_hot"' in days.location
    assert "5 or 7" in days.fix


def test_network_needs_exactly_one_source_and_valid_bbox(tmp_path: Path) -> None:
    toml = ISSUE_TOML.replace("winter_speed_factor = 1.0", 'place = "Ljusdal, Sweden"')
    p = only(problems_of(write_scenario(tmp_path, toml)), "network")
    assert "osm, place" in p.message and "exactly one" in p.fix

    toml = ISSUE_TOML.replace('osm = "{osm}"', "bbox = [16.3, 61.7, 16.0, 61.9]")
    p = only(problems_of(write_scenario(tmp_path, toml)), "network.bbox")
    assert "west < east" in p.message

    toml = ISSUE_TOML.replace(
        "winter_speed_factor = 1.0",
        "winter_speed_factor = 2.0\nspeeds_kph = { residential = 300 }",
    )
    problems = problems_of(write_scenario(tmp_path, toml))
    assert "<= 1.5" in only(problems, "network.winter_speed_factor").fix
    assert "residential" in only(problems, "network.speeds_kph").message


def test_costs_overrides_are_checked(tmp_path: Path) -> None:
    toml = ISSUE_TOML + "\n[costs]\nfood_cost_share_of_meal = 0.4\n"
    s = load_scenario(write_scenario(tmp_path, toml))
    assert s.costs == {"food_cost_share_of_meal": 0.4}
    toml = ISSUE_TOML + "\n[costs]\nfood_cost_share_of_mael = 0.4\n"
    p = only(problems_of(write_scenario(tmp_path, toml)), "costs.food_cost_share_of_mael")
    assert "'food_cost_share_of_mael'" in p.message
    assert "did you mean 'food_cost_share_of_meal'" in p.fix


def test_solver_analysis_and_local_delivery_modes(tmp_path: Path) -> None:
    toml = (
        ISSUE_TOML.replace(
            "local_food_share = 0.8", 'local_food_share = 0.8\ndelivery_mode = "foot"'
        )
        + "\n[solver]\ntime_limit_s = 2\n\n[analysis]\n"
        'break_even = ["fuel_cost", "village_distance"]\nsensitivity_rel_change = 0.1\n'
    )
    s = load_scenario(write_scenario(tmp_path, toml))
    assert s.kitchen("camping").delivery_radius_m == 1500.0
    assert s.solver.time_limit_s == 2.0
    assert s.analysis.break_even == ("fuel_cost", "village_distance")
    assert s.analysis.sensitivity_rel_change == 0.1

    bad = (
        ISSUE_TOML + '\n[analysis]\nbreak_even_kitchen = "central"\nsensitivity_rel_change = 1.0\n'
    )
    problems = problems_of(write_scenario(tmp_path, bad))
    p = only(problems, "analysis.break_even_kitchen")
    assert "central kitchen" in p.message and "camping" in p.fix
    only(problems, "analysis.sensitivity_rel_change")


def test_kitchen_outside_the_osm_bounds_is_reported(tmp_path: Path) -> None:
    toml = ISSUE_TOML.replace("lat = 49.99\nlon = 11.58", "lat = 11.58\nlon = 49.99")
    p = only(problems_of(write_scenario(tmp_path, toml)), "kitchens[0]")
    assert "outside the road network" in p.message
    assert "swapped" in p.fix


# --------------------------------------------------------------------------------------
# recipients CSV
# --------------------------------------------------------------------------------------


def test_swedish_excel_csv(tmp_path: Path) -> None:
    text = (
        " ID ; Latitude;LONGITUDE; Måltider ;Meals;Hot;Namn\r\n"
        "a1;50,012;11,5201;x;7,0;ja;Åsa Öberg\r\n"
        "a2;49,995;11,57;;5;Nej;Per Ärlig\r\n"
        "a3;50,03;11,6;;14;SANT;Olle\r\n"
    )
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    rec = read_recipients(path)
    assert rec == (
        Recipient(id="a1", lat=50.012, lon=11.5201, meals_per_week=7, hot_meal=True),
        Recipient(id="a2", lat=49.995, lon=11.57, meals_per_week=5, hot_meal=False),
        Recipient(id="a3", lat=50.03, lon=11.6, meals_per_week=14, hot_meal=True),
    )
    # the same file saved by an old Excel as cp1252
    path.write_bytes(text.encode("cp1252"))
    assert read_recipients(path) == rec


def test_extra_columns_dropped_and_personnummer_warned(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    csv = (
        "id,name,address,personnummer,lat,lon,meals_per_week,hot_meal,kundnr\n"
        "r1,Anna Andersson,Storgatan 1,19400101-1234,50.01,11.52,7,true,450101-9876\n"
        "r2,Bo Berg,Byvägen 2,19380202-2345,50.02,11.55,5,false,380202-1111\n"
    )
    path = write_scenario(tmp_path, csv=csv)
    with caplog.at_level(logging.WARNING, logger="maltid"):
        s = load_scenario(path)
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("'personnummer'" in m and "ignored" in m for m in warned)
    assert any("'kundnr'" in m for m in warned)  # detected by its values
    assert not any("19400101" in m for m in warned)  # the values are never logged
    assert [r.id for r in s.recipients] == ["r1", "r2"]
    stored = repr([r.model_dump() for r in s.recipients])
    for secret in ("Anna", "Storgatan", "19400101", "450101"):
        assert secret not in stored
    assert set(Recipient.model_fields) == {
        "id",
        "lat",
        "lon",
        "meals_per_week",
        "hot_meal",
        "window_start_s",
        "window_end_s",
        "home_care_lunch_visits_per_week",
    }


def test_personnummer_as_id_is_warned(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,lat,lon,meals,hot\n194001011234,50.0,11.5,7,1\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="maltid"):
        read_recipients(path)
    assert any("id column looks like" in r.getMessage() for r in caplog.records)


def test_bad_rows_each_give_a_problem(tmp_path: Path) -> None:
    csv = (
        "id,lat,lon,meals_per_week,hot_meal,window_start,window_end\n"
        "r1,50.01,11.52,7,true,,\n"
        "r2,abc,11.55,5,false,,\n"
        "r3,50.0,11.5,7.5,true,,\n"
        "r4,50.0,11.5,15,true,,\n"
        "r5,50.0,11.5,7,kanske,,\n"
        "r1,50.0,11.5,7,true,,\n"
        "r7,50.0,11.5,7,true,12:00,11:00\n"
        "r8,50.0,11.5,7,true,25:00,26:00\n"
        "r9,50.0,181,7,true,,\n"
        ",50.0,11.5,7,true,,\n"
    )
    path = tmp_path / "r.csv"
    path.write_text(csv, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_recipients(path)
    problems = list(exc.value.problems)
    assert all(p.file == str(path) for p in problems)
    assert "'abc'" in only(problems, "row 3, column lat").message
    assert "whole number" in only(problems, "row 4, column meals_per_week").message
    assert "outside 1..14" in only(problems, "row 5, column meals_per_week").message
    assert "'kanske'" in only(problems, "row 6, column hot_meal").message
    dup = only(problems, "row 7, column id")
    assert "row 2 and row 7" in dup.message
    assert "12:00" in only(problems, "row 8, column window_end").message
    assert "'25:00'" in only(problems, "row 9, column window_start").message
    assert "181" in only(problems, "row 10, column lon").message
    assert "empty" in only(problems, "row 11, column id").message
    assert len(problems) == 10


def test_missing_column_lists_the_columns_found(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,lat,lon,meals_per_week\nr1,50,11,7\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_recipients(path)
    (p,) = exc.value.problems
    assert "'hot_meal'" in p.message and "id, lat, lon, meals_per_week" in p.message
    assert "hot" in p.fix  # the alias is offered


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xef\xbb\xbf\n")
    with pytest.raises(ScenarioError) as exc:
        read_recipients(path)
    assert "empty" in exc.value.problems[0].message
    path.write_text("id,lat,lon,meals,hot\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_recipients(path)
    assert "no recipients" in exc.value.problems[0].message


def test_decimal_comma_with_comma_separator_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,lat,lon,meals,hot\nr1,50,01,11,5,7,ja\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_recipients(path)
    (p,) = exc.value.problems
    assert p.location == "row 2"
    assert "7 fields" in p.message and "header has 5" in p.message
    assert "';'" in p.fix


def test_sweref99tm_coordinates(tmp_path: Path) -> None:
    from pyproj import Transformer

    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    points = {"s1": (62.0, 16.3), "s2": (61.8, 16.05)}  # (lat, lon) near Ljusdal
    rows_en = ["id;E;N;meals;hot"]
    rows_xy = ["id,x,y,meals,hot"]  # Swedish convention: x = northing, y = easting
    for rid, (lat, lon) in points.items():
        e, n = to_sweref.transform(lon, lat)
        rows_en.append(f"{rid};{e:.3f}".replace(".", ",") + f";{n:.3f}".replace(".", ",") + ";7;ja")
        rows_xy.append(f"{rid},{n:.3f},{e:.3f},7,1")
    for rows in (rows_en, rows_xy):
        path = tmp_path / "sweref.csv"
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        rec = read_recipients(path, crs="EPSG:3006")
        for r in rec:
            lat, lon = points[r.id]
            assert r.lat == pytest.approx(lat, abs=1e-7)
            assert r.lon == pytest.approx(lon, abs=1e-7)
    with pytest.raises(ScenarioError) as exc:
        read_recipients(path)  # projected columns without crs
    assert "EPSG:3006" in exc.value.problems[0].fix


def test_sweref_through_the_scenario_and_bad_crs(tmp_path: Path) -> None:
    toml = ISSUE_TOML.replace(
        'csv = "recipients.csv"', 'csv = "recipients.csv"\ncrs = "EPSG:9999999"'
    )
    csv = "id,e,n,meals,hot\nr1,650000,6800000,7,ja\n"
    p = only(problems_of(write_scenario(tmp_path, toml, csv)), "recipients.crs")
    assert "EPSG:9999999" in p.message


# --------------------------------------------------------------------------------------
# extent, variants
# --------------------------------------------------------------------------------------


def test_check_extent_names_points_and_detects_swaps(tmp_path: Path) -> None:
    s = load_scenario(write_scenario(tmp_path))
    bounds = (11.4807, 49.9721, 11.6053, 50.047)
    assert check_extent(s, bounds) == []  # camping is 2.6 km outside, within the margin
    tight = check_extent(s, bounds, margin_m=100)
    assert [p.location for p in tight] == ['kitchens[1] (kitchen "camping")']
    moved = s.with_recipients(
        [*s.recipients, Recipient(id="far", lat=11.5, lon=50.0, meals_per_week=7, hot_meal=True)]
    )
    (p,) = check_extent(moved, bounds)
    assert p.location == "recipient id far"
    assert p.file.endswith("recipients.csv")
    assert "swapped" in p.fix


def test_read_osm_bounds(tmp_path: Path) -> None:
    assert read_osm_bounds(_osm_stub(tmp_path)) == (11.4807, 49.9721, 11.6053, 50.047)
    assert read_osm_bounds(tmp_path / "missing.osm") is None
    if OSM.is_file():
        assert read_osm_bounds(OSM) == (11.4807, 49.9721, 11.6053, 50.047)


def test_with_value_revalidates(tmp_path: Path) -> None:
    s = load_scenario(write_scenario(tmp_path))
    t = s.with_value("fleet.cost_per_km_sek", 3.0)
    assert t.fleet.cost_per_km_sek == 3.0 and s.fleet.cost_per_km_sek == 2.5
    assert t.recipients == s.recipients
    assert t.with_value("fleet.cost_per_km_sek", 2.5) == s
    u = s.with_value("kitchens.camping.cost_per_meal_sek", 70)
    assert u.kitchen("camping").cost_per_meal_sek == 70.0
    assert u.kitchen("central").cost_per_meal_sek == 55.0
    assert s.with_value("costs.chilled_packaging_sek_per_meal", 4.0).costs == {
        "chilled_packaging_sek_per_meal": 4.0
    }
    with pytest.raises(ScenarioError) as exc:  # also in [fleet]: one home per value
        s.with_value("costs.cost_per_km_sek", 4.0)
    (p,) = exc.value.problems
    assert p.location == "costs.cost_per_km_sek" and "given twice" in p.message
    assert s.with_value("delivery.max_hot_holding_min", 60).delivery.max_hot_holding_s == 3600
    assert s.with_value("network.winter_speed_factor", 0.8).network.winter_speed_factor == 0.8
    m = s.with_value("models.central_chilled.deliveries_per_week", 2).model("central_chilled")
    assert isinstance(m, CentralChilled) and m.deliveries_per_week == 2
    # a mode change re-derives the default radius
    v = s.with_value("kitchens.camping.delivery_mode", "bicycle")
    assert v.kitchen("camping").delivery_radius_m == 4000.0

    with pytest.raises(ScenarioError) as exc:
        s.with_value("fleet.cost_per_km_sek", -1.0)
    (p,) = exc.value.problems
    assert p.location == "fleet.cost_per_km_sek" and "negative" in p.message
    with pytest.raises(ScenarioError) as exc:
        s.with_value("kitchens.campign.cost_per_meal_sek", 70)
    assert "did you mean 'camping'" in exc.value.problems[0].fix
    with pytest.raises(ScenarioError) as exc:
        s.with_value("fleet.cost_per_kilometre_sek", 3.0)
    assert "did you mean 'cost_per_km_sek'" in exc.value.problems[0].fix
    with pytest.raises(ScenarioError) as exc:
        s.with_value("costs.not_a_parameter", 1.0)
    assert "not_a_parameter" in exc.value.problems[0].message
    with pytest.raises(ScenarioError):
        s.with_value("kitchens.camping.role", "central")  # two central kitchens


def test_with_recipients(tmp_path: Path) -> None:
    s = load_scenario(write_scenario(tmp_path))
    new = (Recipient(id="x", lat=50.0, lon=11.5, meals_per_week=3, hot_meal=False),)
    t = s.with_recipients(new)
    assert t.recipients == new and len(s.recipients) == 3
    assert t.with_value("seed", 2).recipients == new
    with pytest.raises(ScenarioError) as exc:
        s.with_recipients([*new, *new])
    assert "duplicate recipient id 'x'" in exc.value.problems[0].message


def test_scenario_is_frozen(tmp_path: Path) -> None:
    s = load_scenario(write_scenario(tmp_path))
    with pytest.raises(ValueError):
        s.seed = 3  # type: ignore[misc]
    assert isinstance(s, Scenario)


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------


@given(st.integers(0, 23), st.integers(0, 59))
def test_parse_hhmm_roundtrip(h: int, m: int) -> None:
    assert parse_hhmm(f"{h:02d}:{m:02d}") == h * 3600 + m * 60
    assert parse_hhmm(f"{h}:{m:02d}") == h * 3600 + m * 60


@given(st.text(max_size=8))
def test_parse_hhmm_rejects_or_parses(text: str) -> None:
    try:
        s = parse_hhmm(text)
    except ValueError:
        return
    assert 0 <= s <= 86400


@given(
    st.lists(
        st.tuples(
            st.floats(-89.9, 89.9, allow_nan=False).map(lambda v: round(v, 6)),
            st.floats(-179.9, 179.9, allow_nan=False).map(lambda v: round(v, 6)),
            st.integers(1, 14),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([(",", "."), (";", ","), (";", ".")]),
)
def test_csv_roundtrip_any_dialect(
    rows: list[tuple[float, float, int, bool]], dialect: tuple[str, str]
) -> None:
    import tempfile

    sep, dec = dialect
    lines = [sep.join(["id", "lat", "lon", "meals_per_week", "hot_meal"])]
    for i, (lat, lon, meals, hot) in enumerate(rows):
        cells = [f"p{i}", repr(lat).replace(".", dec), repr(lon).replace(".", dec)]
        lines.append(sep.join([*cells, str(meals), "ja" if hot else "nej"]))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "r.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        rec = read_recipients(path)
    assert [(r.lat, r.lon, r.meals_per_week, r.hot_meal) for r in rec] == rows


@pytest.mark.parametrize(
    ("solver", "fix"),
    [
        ('backend = "pyvrp"\nsolution_limit = 500', "iteration_limit = 500"),
        ('backend = "ortools"\niteration_limit = 900', "solution_limit = 900"),
    ],
)
def test_a_limit_of_the_other_backend_is_refused_with_the_fix(
    tmp_path: Path, solver: str, fix: str
) -> None:
    path = write_scenario(tmp_path, ISSUE_TOML + "\n[solver]\n" + solver + "\n")
    p = only(problems_of(path), "solver")
    assert fix in p.fix


def test_solver_defaults_auto_backend_one_worker(tmp_path: Path) -> None:
    s = load_scenario(write_scenario(tmp_path))
    assert (s.solver.backend, s.solver.workers) == ("auto", 1)
    assert s.solver.solution_limit is None and s.solver.iteration_limit is None

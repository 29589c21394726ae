"""Who is not served (one source of truth), network reach, and the saved comparison.

Real scenarios only: the synthetic grid extract of ``fixtures_comparison`` (OSM XML read
by the network loader) with scenarios written as TOML + CSV and read by
``maltid.load_scenario``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import fixtures_comparison as fc
from maltid.comparison import NOT_SERVED_COLUMNS, Comparison

SMALL_TOML = """
name = "Fredagsbyn (synthetic)"
seed = 3

[network]
osm = "{osm}"

[recipients]
csv = "recipients.csv"

[[kitchens]]
id = "central"
name = "Centralköket"
role = "central"
lat = {lat0}
lon = {lon0}
cost_per_meal_sek = 55.0
capacity_meals_per_day = 500

[[kitchens]]
id = "far"
name = "Skogsköket"
role = "local"
lat = {far_lat}
lon = {far_lon}
cost_per_meal_sek = 60.0
capacity_meals_per_day = 50

[fleet]
vehicle_capacity_meals = {capacity}
vehicles_per_kitchen = 1
cost_per_km_sek = 2.5
driver_cost_per_hour_sek = 380.0
co2_kg_per_km = 0.18
service_min_per_stop = 3.0
shift_start = "10:00"
max_shift_min = 300

[delivery]
lunch_window = ["11:00", "13:30"]
max_hot_holding_min = 60

[analysis]
break_even = []
sensitivity = false

[[models]]
kind = "central_daily_hot"
days_per_week = 5
"""


def _small(tmp_path: Path, *, far_m: float = 0.0, capacity: int = 12) -> Any:
    """Six 7-meal recipients near the central kitchen; Friday carries 3 meals each.

    With one van of ``capacity`` meals, Mon-Thu (6 meals) fits and Friday (18 meals)
    does not: some recipients are left out on Friday only. ``far_m``: the local kitchen
    this far south of the grid (metres).
    """
    from maltid.scenario import load_scenario

    (tmp_path / "grid.osm").write_text(fc.grid_osm_text(), encoding="utf-8")
    rows = ["id,lat,lon,meals_per_week,hot_meal"]
    for k, (i, j) in enumerate([(0, 1), (1, 0), (1, 1), (0, 2), (2, 0), (2, 2)]):
        lat, lon = fc.node_position(i, j)
        rows.append(f"s{k},{lat + 0.0002:.7f},{lon:.7f},7,true")
    (tmp_path / "recipients.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    far_lat = fc.LAT0 - far_m / 111_195.0 if far_m else fc.node_position(3, 3)[0]
    far_lon = fc.LON0 if far_m else fc.node_position(3, 3)[1]
    (tmp_path / "scenario.toml").write_text(
        SMALL_TOML.format(
            osm=(tmp_path / "grid.osm").as_posix(),
            lat0=fc.LAT0,
            lon0=fc.LON0,
            far_lat=far_lat,
            far_lon=far_lon,
            capacity=capacity,
        ),
        encoding="utf-8",
    )
    return load_scenario(tmp_path / "scenario.toml")


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return fc.make_comparison(kitchen_name=fc.HOSTILE_NAME)


def test_not_served_counts_are_the_tables(comparison: Comparison) -> None:
    ns = comparison.not_served
    assert ns is not None and tuple(ns.columns) == NOT_SERVED_COLUMNS
    t = comparison.table.set_index("model")
    n = len(comparison.scenario.recipients)
    for model in t.index:
        mine = ns[ns["model"] == model]
        for outcome in ("fallback", "unserved"):
            col = f"recipients_{outcome}"
            assert mine[mine["outcome"] == outcome]["recipient_id"].nunique() == t.loc[model, col]
            # the result objects carry the same counts as the table
            assert getattr(comparison.results[model].outcome, col) == t.loc[model, col]
        served = t.loc[model, "recipients_served"]
        assert (
            served + t.loc[model, "recipients_fallback"] + t.loc[model, "recipients_unserved"] == n
        )
        # ... and they are the models' own account of every recipient
        outcomes = comparison.results[model].plan.outcomes
        assert len(outcomes) == n
        assert sum(o.outcome == "served" for o in outcomes.values()) == served
    # the recipient at the end of the 50 km road: beyond the hot-holding limit from every
    # kitchen, so the hot models' fallback (chilled boxes) serves it every day; the chilled
    # model serves it itself
    far = ns[ns["recipient_id"] == "r039"].set_index("model")
    assert set(far.index) == {"central_daily_hot", "local_kitchens"}
    assert (far["reason_code"] == "hot_holding").all() and (far["days"] == 7).all()
    assert (far["outcome"] == "fallback").all()
    # the notes count the fallback per model and reason (no list of ids)
    for model in ("central_daily_hot", "local_kitchens"):
        (note,) = [n for n in comparison.notes if n.startswith(f"{model}: ")]
        assert "1 recipient(s) get chilled boxes" in note and "(hot_holding 1;" in note
        assert "r039" not in note


def test_not_served_is_the_models_account_of_the_week(tmp_path: Path) -> None:
    """Left out on Friday = chilled boxes all week; the table, report and map count it once.

    Before the fallback, a recipient dropped on Friday but driven Mon-Thu was unserved in
    the report and the map (left out on ANY day) and served in the table (visited at
    least once): the 'table 5, report 8' disagreement.
    """
    from maltid.pipeline import compare

    sc = _small(tmp_path)
    comp = compare(sc, solution_limit=10)
    plan = comp.results["central_daily_hot"].plan
    ns = comp.not_served
    assert ns is not None
    own_stops = {s for d in plan.days if not d.fallback for r in d.plan.routes for s in r.stop_ids}
    box_stops = {s for d in plan.days if d.fallback for r in d.plan.routes for s in r.stop_ids}
    assert box_stops, "18 meals on Friday cannot fit in one van of 12"
    assert not own_stops & box_stops  # a recipient is in the own rounds or the boxes
    rows = ns.set_index("recipient_id")
    assert set(rows.index) == box_stops and set(rows["outcome"]) == {"fallback"}
    for rid, row in rows.iterrows():
        o = plan.outcomes[rid]
        assert (row["reason_code"], row["reason"]) == (o.reason_code, o.reason)
        assert row["days"] == len(o.days) == 5  # Mon-Fri (the weekend came chilled)
    assert set(rows["reason_code"]) <= {"capacity", "dropped"}
    assert not plan.unserved  # unserved is only for recipients no road reaches
    t = comp.table.set_index("model")
    assert t.loc["central_daily_hot", "recipients_fallback"] == len(box_stops)
    assert t.loc["central_daily_hot", "recipients_unserved"] == 0
    assert t.loc["central_daily_hot", "recipients_served"] == 6 - len(box_stops)


def test_kitchen_far_from_roads_is_rejected(tmp_path: Path) -> None:
    from maltid.errors import ScenarioError
    from maltid.network import load_network
    from maltid.pipeline import check_network_reach, compare

    sc = _small(tmp_path, far_m=3800.0, capacity=40)
    net = load_network(sc.network, cache_dir=str(tmp_path / "cache"))
    reach = check_network_reach(sc, net)
    assert len(reach.problems) == 1 and not reach.warnings
    p = reach.problems[0]
    assert p.file == str(sc.source_path)
    assert 'kitchen "far"' in p.location and "Skogsköket" in p.message
    assert 3700 < reach.distance_m["far"] < 3900
    assert f"{reach.distance_m['far']:,.0f} m" in p.message and "snap_warn_m" in p.message
    with pytest.raises(ScenarioError, match="far"):
        compare(sc, network=net, solution_limit=10)
    # within the default 2,000 m: no problem
    near = check_network_reach(sc.with_value("network.snap_warn_m", 5000.0), net)
    assert near.problems == () and dict(near.distance_m) == {}


def test_recipient_far_from_roads_is_a_warning(tmp_path: Path) -> None:
    from maltid.network import load_network
    from maltid.pipeline import check_network_reach, compare, not_served_frame
    from maltid.scenario import Recipient

    sc = _small(tmp_path)  # one van of 12 meals: Friday leaves some to the fallback
    lat, lon = fc.node_position(0, 5)
    far = Recipient(
        id="skogen", lat=lat - 3000.0 / 111_195.0, lon=lon, meals_per_week=7, hot_meal=True
    )
    sc = sc.with_recipients([*sc.recipients, far])
    net = load_network(sc.network, cache_dir=str(tmp_path / "cache"))
    reach = check_network_reach(sc, net)
    assert reach.problems == ()
    (warning,) = reach.warnings
    assert warning.location == "recipient skogen" and "snap_warn_m" in warning.message
    assert 2900 < reach.distance_m["skogen"] < 3100
    # compared all the same (served from the nearest road), and the notes say so
    comp = compare(sc, network=net, solution_limit=10)
    assert any(n.startswith("skogen: snapped") for n in comp.notes)
    # when a recipient that far is not served by the model's own delivery, its reason
    # says where it is
    ns = comp.not_served
    assert ns is not None and len(ns)
    rid = str(ns["recipient_id"].iloc[0])
    marked = not_served_frame(sc, comp.results, far_m={rid: 3456.0})
    mine = marked[marked["recipient_id"] == rid]
    assert (
        len(mine)
        and mine["reason"].str.endswith("; the position is 3,456 m from the nearest road").all()
    )
    others = marked[marked["recipient_id"] != rid]
    assert not others["reason"].str.contains("nearest road").any()


def test_home_care_bases_are_points_and_checked(tmp_path: Path) -> None:
    from maltid.network import load_network
    from maltid.pipeline import check_network_reach, prepare_matrix, scenario_points
    from maltid.scenario import load_scenario

    _small(tmp_path)
    base_lat, base_lon = fc.node_position(5, 5)
    far_lat = fc.LAT0 - 3800.0 / 111_195.0
    toml = tmp_path / "scenario.toml"
    text = toml.read_text(encoding="utf-8")
    for name, lat, lon in (("near", base_lat, base_lon), ("far", far_lat, fc.LON0)):
        (tmp_path / f"{name}.toml").write_text(
            text.replace(
                "[analysis]",
                "[home_care]\n\n[[home_care.bases]]\n"
                f'id = "hemtjanst"\nname = "Hemtjänsten"\nlat = {lat}\nlon = {lon}\n\n'
                "[analysis]",
            ),
            encoding="utf-8",
        )
    near = load_scenario(tmp_path / "near.toml")
    pts = scenario_points(near)
    assert pts.ids[:3] == ["central", "far", "hemtjanst"]  # kitchens, bases, recipients
    assert pts.ids[3:] == [r.id for r in near.recipients]
    assert (pts.lat[2], pts.lon[2]) == (base_lat, base_lon)
    net = load_network(near.network, cache_dir=str(tmp_path / "cache"))
    _, matrix = prepare_matrix(near, net, cache_dir=str(tmp_path / "cache"))
    assert list(matrix.ids) == pts.ids
    assert check_network_reach(near, net).problems == ()
    far = load_scenario(tmp_path / "far.toml")
    (problem,) = check_network_reach(far, net).problems
    assert 'base "hemtjanst"' in problem.location and "Hemtjänsten" in problem.message


def test_outputs_files_and_reload_without_solving(
    comparison: Comparison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyogrio

    from maltid.faces.export import OUTPUT_FILES, load_comparison, write_outputs

    written = write_outputs(comparison, tmp_path, lang="sv")
    assert set(OUTPUT_FILES) <= set(written)
    unserved = pd.read_csv(tmp_path / "unserved.csv")
    assert tuple(unserved.columns) == NOT_SERVED_COLUMNS
    t = comparison.table.set_index("model")
    for model in t.index:
        for outcome in ("fallback", "unserved"):
            rows = unserved[(unserved["model"] == model) & (unserved["outcome"] == outcome)]
            assert len(rows) == t.loc[model, f"recipients_{outcome}"]
    assert "varm" in unserved["reason"].iloc[0]  # Swedish
    be = pd.read_csv(tmp_path / "break_even.csv")
    assert list(be.columns[:9]) == [
        "parameter",
        "kitchen",
        "local_model",
        "versus_model",
        "value",
        "unit",
        "bracketed",
        "low",
        "high",
    ]
    assert comparison.cheapest_central in set(be["versus_model"])
    # the GeoPackage: routes, recipients per square, kitchens; no recipient position
    layers = dict(pyogrio.list_layers(tmp_path / "outputs.gpkg"))
    assert layers == {"routes": "LineString", "recipients": "Polygon", "kitchens": "Point"}
    import geopandas as gpd

    cells = gpd.read_file(tmp_path / "outputs.gpkg", layer="recipients")
    coords = {(round(x, 7), round(y, 7)) for g in cells.geometry for x, y in g.exterior.coords}
    for r in comparison.scenario.recipients:
        assert (round(r.lon, 7), round(r.lat, 7)) not in coords
    assert int(cells["count"].sum()) <= len(comparison.scenario.recipients)
    routes = gpd.read_file(tmp_path / "outputs.gpkg", layer="routes")
    n_routes = sum(len(d.plan.routes) for r in comparison.results.values() for d in r.plan.days)
    assert len(routes) == n_routes and routes.crs.to_epsg() == 4326
    # comparison.json is plain data (no pickle) and loads back without any solve
    data = json.loads((tmp_path / "comparison.json").read_text(encoding="utf-8"))
    assert data["format"] == ["maltid-comparison", 1]
    import maltid.analysis.break_even
    import maltid.analysis.common
    import maltid.analysis.sensitivity
    import maltid.models

    def no_solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("load_comparison must not solve")

    for module in (
        maltid.models,
        maltid.analysis.common,
        maltid.analysis.break_even,
        maltid.analysis.sensitivity,
    ):
        monkeypatch.setattr(module, "solve_model", no_solve)
    again = load_comparison(tmp_path, network=comparison.network)
    for name, res in comparison.results.items():
        assert again.results[name] == res
    assert again.conclusion == comparison.conclusion
    assert again.baseline == comparison.baseline and again.notes == comparison.notes
    for name in ("table", "assumptions", "break_even", "sensitivity", "not_served", "robustness"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(comparison, name))
    pd.testing.assert_frame_equal(again.difference_tornado, comparison.difference_tornado)
    assert again.robustness is not None and comparison.robustness is not None
    assert again.robustness.attrs["totals"] == comparison.robustness.attrs["totals"]
    assert [r.id for r in again.scenario.recipients] == [
        r.id for r in comparison.scenario.recipients
    ]


def test_load_comparison_errors(tmp_path: Path) -> None:
    from maltid.errors import InputError
    from maltid.faces.export import load_comparison

    with pytest.raises(InputError, match="not found"):
        load_comparison(tmp_path)
    (tmp_path / "comparison.json").write_text('{"format": ["other", 9]}', encoding="utf-8")
    with pytest.raises(InputError, match="format"):
        load_comparison(tmp_path)


def test_routes_gdf_matches_geojson(comparison: Comparison) -> None:
    from maltid.faces.tables import routes_gdf, routes_geojson

    gdf = routes_gdf(comparison)
    features = routes_geojson(comparison)["features"]
    assert len(gdf) == len(features)
    assert list(gdf["km"]) == [f["properties"]["km"] for f in features]
    first = list(gdf.geometry.iloc[0].coords)
    assert [list(c) for c in first] == features[0]["geometry"]["coordinates"]
    assert all(math.isfinite(v) for v in gdf["cost_sek"])

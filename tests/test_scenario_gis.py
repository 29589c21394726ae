"""Recipients from GIS files (issue 14 item 6): GeoPackage, GeoJSON, Shapefile, any CRS.

Each file is written by the test (geopandas) from a small synthetic set, so the test runs
offline; the rows must load to the same Recipient tuples as the CSV (coordinates within
1e-6 degrees), with the same per-row rules and clear errors.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from maltid.errors import ScenarioError
from maltid.scenario import Recipient, load_scenario, read_recipients, validate_scenario

CSV = """\
id,lat,lon,meals_per_week,hot_meal,window_start,window_end
r1,61.8301,16.0852,7,true,,
r2,61.8420,16.1101,5,false,11:30,12:30
r3,61.7212,16.2870,14,ja,,
r4,61.9005,15.9911,3,nej,,
"""

TOML = """\
name = "GIS"
[network]
bbox = [15.8, 61.6, 16.5, 62.0]
[recipients]
{recipients}
[[kitchens]]
id = "central"
role = "central"
lat = 61.83
lon = 16.09
cost_per_meal_sek = 55.0
capacity_meals_per_day = 100
[fleet]
vehicle_capacity_meals = 40
cost_per_km_sek = 2.5
driver_cost_per_hour_sek = 380.0
co2_kg_per_km = 0.18
service_min_per_stop = 4.0
shift_start = "10:00"
max_shift_min = 240
[delivery]
lunch_window = ["11:00", "13:30"]
max_hot_holding_min = 90
"""


def _frame(crs: str = "EPSG:3006") -> gpd.GeoDataFrame:
    """The CSV's rows as points, in ``crs``, with other attribute names and extra columns."""
    rows = [
        ("r1", 61.8301, 16.0852, 7, True, None, None),
        ("r2", 61.8420, 16.1101, 5, False, "11:30", "12:30"),
        ("r3", 61.7212, 16.2870, 14, True, None, None),
        ("r4", 61.9005, 15.9911, 3, False, None, None),
    ]
    frame = gpd.GeoDataFrame(
        {
            "ID": [r[0] for r in rows],
            "meals": [r[3] for r in rows],
            "hot": [r[4] for r in rows],
            "window_start": [r[5] for r in rows],
            "window_end": [r[6] for r in rows],
            "namn": ["Anna", "Bo", "Cia", "Dan"],  # personal data: dropped on reading
        },
        geometry=[Point(r[2], r[1]) for r in rows],
        crs="EPSG:4326",
    )
    return frame.to_crs(crs)


def _same(a: tuple[Recipient, ...], b: tuple[Recipient, ...]) -> None:
    assert [r.id for r in a] == [r.id for r in b]
    for x, y in zip(a, b, strict=True):
        assert abs(x.lat - y.lat) < 1e-6 and abs(x.lon - y.lon) < 1e-6
        assert x.model_dump(exclude={"lat", "lon"}) == y.model_dump(exclude={"lat", "lon"})


@pytest.fixture
def from_csv(tmp_path: Path) -> tuple[Recipient, ...]:
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    return read_recipients(path)


def test_geopackage_in_sweref99tm_equals_the_csv(
    tmp_path: Path, from_csv: tuple[Recipient, ...]
) -> None:
    gpkg = tmp_path / "brukare.gpkg"
    _frame("EPSG:3006").to_file(gpkg, layer="matdistribution", driver="GPKG")
    got = read_recipients(gpkg, layer="matdistribution")
    _same(got, from_csv)
    assert "namn" not in repr(got) and "Anna" not in repr(got)


def test_scenario_reads_a_geopackage_layer_and_the_csv_alias(
    tmp_path: Path, from_csv: tuple[Recipient, ...]
) -> None:
    gpkg = tmp_path / "brukare.gpkg"
    _frame("EPSG:3006").to_file(gpkg, layer="other", driver="GPKG")
    _frame("EPSG:3006").to_file(gpkg, layer="matdistribution", driver="GPKG")
    toml = tmp_path / "s.toml"
    toml.write_text(
        TOML.format(recipients='path = "brukare.gpkg"\nlayer = "matdistribution"'),
        encoding="utf-8",
    )
    s = load_scenario(toml)
    _same(s.recipients, from_csv)
    assert s.recipients_spec.layer == "matdistribution"
    (tmp_path / "r.csv").write_text(CSV, encoding="utf-8")
    toml.write_text(TOML.format(recipients='csv = "r.csv"'), encoding="utf-8")
    old = load_scenario(toml)  # csv = "..." is an alias of path
    assert old.recipients_spec.path == (tmp_path / "r.csv").resolve()
    _same(old.recipients, from_csv)


def test_geojson_and_shapefile_in_other_crs(
    tmp_path: Path, from_csv: tuple[Recipient, ...]
) -> None:
    geojson = tmp_path / "r.geojson"
    _frame("EPSG:4326").to_file(geojson, driver="GeoJSON")
    _same(read_recipients(geojson), from_csv)
    shp = tmp_path / "r.shp"
    _frame("EPSG:3021").to_file(shp)  # RT90 2.5 gon V, an older Swedish grid
    _same(read_recipients(shp), from_csv)


def test_gis_rows_break_the_same_rules_with_clear_errors(tmp_path: Path) -> None:
    frame = _frame("EPSG:3006")
    frame.loc[0, "meals"] = 20  # outside 1..14
    frame.loc[1, "ID"] = "r3"  # duplicate id
    frame["hot"] = frame["hot"].map({True: "ja", False: "nej"})
    frame.loc[3, "hot"] = "kanske"  # not true or false
    path = tmp_path / "bad.gpkg"
    frame.to_file(path, driver="GPKG")
    with pytest.raises(ScenarioError) as info:
        read_recipients(path)
    where = {p.location: p for p in info.value.problems}
    assert "outside 1..14" in where["feature 1, column meals"].message
    assert "duplicate id 'r3'" in where["feature 3, column ID"].message
    assert "not true or false" in where["feature 4, column hot"].message
    assert all(p.file == str(path) for p in info.value.problems)


def test_non_point_geometry_and_unknown_layer_are_named(tmp_path: Path) -> None:
    frame = _frame("EPSG:4326")
    frame.loc[2, "geometry"] = LineString([(16.0, 61.7), (16.1, 61.8)])
    path = tmp_path / "lines.gpkg"
    frame.to_file(path, layer="brukare", driver="GPKG")
    with pytest.raises(ScenarioError) as info:
        read_recipients(path)
    (p,) = info.value.problems
    assert p.location == "feature 3" and "LineString, not a point" in p.message
    toml = tmp_path / "s.toml"
    toml.write_text(
        TOML.format(recipients='path = "lines.gpkg"\nlayer = "mottagare"'), encoding="utf-8"
    )
    (p,) = validate_scenario(toml)
    assert p.location == "recipients.layer" and "brukare" in p.message


def test_missing_column_in_a_gis_file_lists_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "r.gpkg"
    _frame().drop(columns=["meals"]).to_file(path, driver="GPKG")
    with pytest.raises(ScenarioError) as info:
        read_recipients(path)
    (p,) = info.value.problems
    assert "meals_per_week" in p.message and "ID" in p.message


def test_lunch_visit_column_from_geopackage_and_shapefile(tmp_path: Path) -> None:
    frame = _frame("EPSG:3006")
    frame["home_care_lunch_visits_per_week"] = [7, None, 2, 0]  # None: empty = 0
    gpkg = tmp_path / "hemtjanst.gpkg"
    frame.to_file(gpkg, driver="GPKG")
    got = {r.id: r.home_care_lunch_visits_per_week for r in read_recipients(gpkg)}
    assert got == {"r1": 7, "r2": 0, "r3": 2, "r4": 0}
    shp = tmp_path / "hemtjanst.shp"
    with pytest.warns(RuntimeWarning, match="home_care_"):  # the 10-character cut
        frame.to_file(shp)
    got = {r.id: r.home_care_lunch_visits_per_week for r in read_recipients(shp)}
    assert got == {"r1": 7, "r2": 0, "r3": 2, "r4": 0}
    frame.loc[2, "home_care_lunch_visits_per_week"] = 9
    bad = tmp_path / "bad.gpkg"
    frame.to_file(bad, driver="GPKG")
    with pytest.raises(ScenarioError) as info:
        read_recipients(bad)
    (problem,) = info.value.problems
    assert problem.location == "feature 3, column home_care_lunch_visits_per_week"
    assert "outside 0..7" in problem.message

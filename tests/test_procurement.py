"""The procurement sheet (issue 16 item 3): requirements from the plan, ceiling prices
checked by re-solving at that price, procurement.csv and the report section.

The scenario is written by :func:`write_town`: the synthetic 12 x 12 road grid of
``fixtures_comparison`` (real OSM XML, ~500 m blocks) with a long road east; the central
kitchen sits at the end of that road, 50 km out (a Ramsjö-like village far from the central
kitchen), a local kitchen and a home-care base in the grid, 12 synthetic recipients by
the grid's roads. No real person is involved.
"""

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import tomli_w

from fixtures_comparison import GRID, SPUR_NODES, STEP_DEG_LON, grid_osm_text, node_position
from maltid import load_scenario
from maltid.analysis.common import price_plan
from maltid.analysis.procurement import (
    ALL_LOCAL,
    ceiling_prices,
    hot_meals_within_share,
    procurement_model,
    procurement_sheet,
)
from maltid.comparison import Comparison
from maltid.faces.procurement import (
    PROCUREMENT_COLUMNS,
    procurement_rows,
    procurement_section,
    write_procurement_csv,
)
from maltid.models import make_context, solve_model
from maltid.scenario import Scenario

SOLUTIONS = 30  # routing solutions per solve: small and machine-independent
_TMP = tempfile.TemporaryDirectory(prefix="maltid-procurement-")

#: (row, col, meals a week, existing lunch visits) of the 12 recipients on grid nodes.
TOWN = [
    (5, 4, 7, 7),
    (5, 6, 7, 0),
    (6, 5, 5, 2),
    (4, 5, 7, 3),
    (6, 6, 7, 0),
    (4, 4, 7, 5),
    (7, 5, 7, 0),
    (5, 7, 5, 0),
    (3, 5, 7, 7),
    (6, 3, 7, 1),
    (7, 7, 7, 0),
    (4, 6, 7, 0),
]


def town_data(folder: Path, *, home_care: bool, procurement_model: str | None) -> dict[str, Any]:
    """Raw scenario data of the town (central kitchen 50 km east, at the long road's end)."""
    lat_c, lon_end = node_position(GRID - 1, GRID - 1)
    camping = node_position(5, 5)
    base = node_position(6, 4)
    data: dict[str, Any] = {
        "name": "Byn långt från centralköket (synthetic)",
        "seed": 5,
        "network": {"osm": (folder / "grid.osm").as_posix()},
        "recipients": {"path": "recipients.csv"},
        "kitchens": [
            {
                "id": "central",
                "name": "Centralköket",
                "role": "central",
                "lat": lat_c,
                "lon": lon_end + SPUR_NODES * 2 * STEP_DEG_LON,
                "cost_per_meal_sek": 55.0,
                "capacity_meals_per_day": 500,
            },
            {
                "id": "camping",
                "name": "Campingköket",
                "role": "local",
                "lat": camping[0],
                "lon": camping[1],
                "cost_per_meal_sek": 68.0,
                "fixed_cost_sek_per_day": 100.0,
                "capacity_meals_per_day": 60,
                "local_food_share": 0.8,
            },
        ],
        "fleet": {
            "vehicle_capacity_meals": 40,
            "cost_per_km_sek": 2.5,
            "driver_cost_per_hour_sek": 380.0,
            "co2_kg_per_km": 0.18,
            "service_min_per_stop": 3.0,
            "shift_start": "10:00",
            "max_shift_min": 300,
        },
        "delivery": {"lunch_window": ["11:00", "13:30"], "max_hot_holding_min": 90},
        "solver": {"time_limit_s": 30},
        "analysis": {"break_even": [], "sensitivity": False},
        "models": [
            {"kind": "central_daily_hot"},
            {"kind": "central_chilled"},
            {"kind": "local_kitchens"},
        ],
    }
    if home_care:
        data["home_care"] = {
            "bases": [
                {"id": "hemtjanst", "name": "Hemtjänstgruppen", "lat": base[0], "lon": base[1]}
            ]
        }
        data["models"].append({"kind": "home_care_cooking"})
    if procurement_model is not None:
        data["procurement"] = {"model": procurement_model}
    return data


def write_town(
    folder: Path, *, home_care: bool = False, procurement_model: str | None = "local_kitchens"
) -> Path:
    """Write grid.osm, recipients.csv (with the lunch-visit column) and scenario.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grid.osm").write_text(grid_osm_text(), encoding="utf-8")
    lines = ["id,lat,lon,meals_per_week,hot_meal,home_care_lunch_visits_per_week"]
    for k, (i, j, meals, visits) in enumerate(TOWN):
        lat, lon = node_position(i, j)
        lines.append(f"t{k:02d},{lat + 0.0002:.7f},{lon:.7f},{meals},true,{visits or ''}")
    (folder / "recipients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = town_data(folder, home_care=home_care, procurement_model=procurement_model)
    path = folder / "scenario.toml"
    path.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    return path


@functools.lru_cache(maxsize=2)
def town_comparison(*, home_care: bool = False) -> Comparison:
    """The town compared once per session (no break-even, sensitivity or robustness)."""
    from maltid.pipeline import compare

    folder = Path(_TMP.name) / ("hc" if home_care else "plain")
    sc = load_scenario(write_town(folder, home_care=home_care))
    return compare(
        sc,
        cache_dir=str(Path(_TMP.name) / "cache"),
        break_even=False,
        sensitivity=False,
        robustness=False,
        solution_limit=SOLUTIONS,
    )


def _resolved_total(scenario: Scenario, comparison: Comparison, model: str) -> float:
    ctx = make_context(
        scenario, comparison.matrix, solution_limit=SOLUTIONS, iteration_limit=SOLUTIONS
    )
    plan = solve_model(scenario.model(model), ctx)
    return float(price_plan(plan, ctx).total_cost_sek_per_week)


def test_ceiling_price_ties_when_re_solved_at_that_price() -> None:
    c = town_comparison()
    sheet = procurement_sheet(c, solution_limit=SOLUTIONS)
    assert sheet.model == "local_kitchens"  # [procurement] model
    assert sheet.versus_model == "central_chilled"
    (ceiling,) = sheet.ceilings  # one local kitchen: no ALL_LOCAL row
    assert ceiling.kitchen_id == "camping" and ceiling.resolved
    assert ceiling.ceiling_price_sek_per_meal > 0
    versus = c.results["central_chilled"].outcome.total_cost_sek_per_week
    assert ceiling.versus_total_sek_per_week == versus
    # the Frame Lake test as a number: re-solve the model at the ceiling price
    at = c.scenario.with_value(
        "kitchens.camping.cost_per_meal_sek", ceiling.ceiling_price_sek_per_meal
    )
    assert _resolved_total(at, c, "local_kitchens") == pytest.approx(versus, abs=1.0)
    # a krona more per meal and the local model is dearer than the chilled boxes
    dearer = at.with_value(
        "kitchens.camping.cost_per_meal_sek", ceiling.ceiling_price_sek_per_meal + 1.0
    )
    assert _resolved_total(dearer, c, "local_kitchens") > versus + 1.0


def test_ceiling_price_by_re_pricing_is_the_formula() -> None:
    c = town_comparison()
    res = c.results["local_kitchens"]
    (camp,) = [k for k in res.plan.kitchens if k.kitchen_id == "camping"]
    meals = camp.meals_fresh_per_week + camp.meals_chilled_per_week
    versus = c.results["central_chilled"].outcome.total_cost_sek_per_week
    expected = 68.0 + (versus - res.outcome.total_cost_sek_per_week) / meals
    (ceiling,) = ceiling_prices(c, "local_kitchens", resolve=False)
    assert ceiling.ceiling_price_sek_per_meal == pytest.approx(expected, rel=1e-12)
    assert not ceiling.resolved and ceiling.meals_per_week == meals
    assert ALL_LOCAL not in {
        x.kitchen_id for x in ceiling_prices(c, "local_kitchens", resolve=False)
    }


def test_requirements_come_from_the_plan() -> None:
    c = town_comparison()
    sheet = procurement_sheet(c, resolve=False)
    req = {r.key: r for r in sheet.requirements}
    assert len(req) >= 5 and all(r.model == "local_kitchens" for r in req.values())
    o = c.results["local_kitchens"].outcome
    assert req["fresh_meals_per_week"].value == o.fresh_meals_per_week
    assert req["co2_kg_per_week"].value == o.co2_kg_per_week
    assert req["home_visits_per_week"].value == o.recipient_visits_per_week
    assert req["delivery_days_per_week"].value == 7.0
    # hot meals within 30 min: hand count over the plan's stops and deliveries
    plan = c.results["local_kitchens"].plan
    times = [
        (d.days, d.plan.kitchen_to_plate_s[sid])
        for d in plan.days
        if d.hot and not d.fallback
        for r in d.plan.routes
        for sid in r.stop_ids
    ] + [(ld.days, ld.kitchen_to_plate_s) for ld in plan.local_deliveries]
    share = sum(n for n, t in times if t <= 1800.0) / sum(n for n, _ in times)
    assert req["hot_meals_within_share"].value == pytest.approx(share)
    assert hot_meals_within_share(plan, 1800.0) == pytest.approx(share)
    # the camping buys 80 % of its food locally and is the only kitchen cooking food here
    # besides the central kitchen (which buys none locally)
    food = {
        k.kitchen_id: (k.meals_fresh_per_week + k.meals_chilled_per_week) * k.cost_per_meal_sek
        for k in plan.kitchens
    }
    assert req["local_food_share"].value == pytest.approx(
        0.8 * food["camping"] / sum(food.values())
    )
    # central chilled: no hot meal on the plate within 30 min
    chilled = procurement_sheet(c, model="central_chilled", resolve=False)
    assert {r.key: r.value for r in chilled.requirements}["hot_meals_within_share"] == 0.0
    assert chilled.ceilings == ()


def test_default_model_is_the_conclusions(tmp_path: Path) -> None:
    c = town_comparison()
    assert procurement_model(c) == "local_kitchens"
    path = write_town(tmp_path, procurement_model=None)
    sc = load_scenario(path)
    assert sc.procurement.model is None
    import dataclasses

    unset = dataclasses.replace(c, scenario=sc)
    assert c.conclusion is not None
    assert procurement_model(unset) == c.conclusion.cheapest_model


def test_procurement_csv_in_swedish_and_english(tmp_path: Path) -> None:
    c = town_comparison()
    sheet = procurement_sheet(c, solution_limit=SOLUTIONS)
    write_procurement_csv(c, tmp_path / "procurement.csv", sheet=sheet)
    frame = pd.read_csv(tmp_path / "procurement.csv")
    assert tuple(frame.columns) == PROCUREMENT_COLUMNS
    assert len(frame) >= 6
    top = frame[frame["key"] == "ceiling_price_sek_per_meal"]
    assert len(top) == 1 and float(top["value"].iloc[0]) > 0
    assert top["unit"].iloc[0] == "kr/måltid"
    assert float(top["value"].iloc[0]) == sheet.ceilings[0].ceiling_price_sek_per_meal
    assert "Takpris" in top["requirement"].iloc[0]
    assert "Campingköket" in top["requirement"].iloc[0]
    assert (frame["model"] == "local_kitchens").all()
    assert frame["how_to_follow_up"].str.len().gt(10).all()
    en = pd.DataFrame(procurement_rows(c, sheet, lang="en"))
    assert "Ceiling price per meal, Campingköket" in set(en["requirement"])
    assert set(en["code"]) == set(frame["code"])


def test_procurement_section_is_escaped_html_with_procurement_words() -> None:
    c = town_comparison()
    sheet = procurement_sheet(c, solution_limit=SOLUTIONS)
    sv = procurement_section(c, "sv", sheet=sheet)
    assert sv.startswith('<section id="procurement"') and sv.endswith("</section>")
    assert "Funktionskrav" in sv and "Uppföljning" in sv and "Takpris" in sv
    assert '<th scope="col">' in sv and "<caption>" in sv
    assert "local_kitchens" not in sv  # no internal names in the Swedish document
    price = round(sheet.ceilings[0].ceiling_price_sek_per_meal)
    assert re.search(rf"{price}\u00a0kr per måltid", sv)
    assert "negativt takpris" not in sv  # the camping's ceiling is positive
    en = procurement_section(c, "en", sheet=sheet)
    assert "Ceiling price" in en and "Follow-up" in en and "Funktionskrav" not in en
    home = procurement_sheet(c, model="central_daily_hot", resolve=False)
    assert "no local kitchen" in procurement_section(c, "en", sheet=home)
    # a hostile kitchen name is escaped
    hostile = c.scenario.with_value("kitchens.camping.name", "<script>x</script>")
    import dataclasses

    escaped = procurement_section(dataclasses.replace(c, scenario=hostile), "en", sheet=sheet)
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped

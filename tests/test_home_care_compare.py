"""``maltid compare`` with ``home_care_cooking`` end to end (issue 16 "Must show").

The synthetic grid town of ``test_procurement`` (real OSM XML, central kitchen 50 km
out), with one home-care base and the lunch-visit column.
"""

from __future__ import annotations

import pytest

from maltid.analysis.procurement import procurement_sheet
from maltid.faces.procurement import procurement_section
from test_procurement import SOLUTIONS, TOWN, town_comparison


def test_compare_writes_a_home_care_row_for_everyone() -> None:
    c = town_comparison(home_care=True)
    row = c.table.set_index("model").loc["home_care_cooking"]
    n = len(TOWN)
    counted = row["recipients_served"] + row["recipients_fallback"] + row["recipients_unserved"]
    assert counted == n
    assert row["recipients_unserved"] == 0
    asked = sum(meals for _, _, meals, _ in TOWN)
    served = c.results["home_care_cooking"].plan.outcomes
    fallback_meals = sum(
        meals
        for k, (_, _, meals, _) in enumerate(TOWN)
        if served[f"t{k:02d}"].outcome == "fallback"
    )
    assert row["fresh_meals_per_week"] + row["reheated_meals_per_week"] == asked
    assert row["fresh_meals_per_week"] == asked - fallback_meals
    assert row["local_spend_sek_per_week"] > 0
    assert row["home_care_cost_sek_per_week"] > 0
    assert row["vehicle_fixed_cost_sek_per_week"] == 0.0 or row["recipients_fallback"] > 0
    # the existing lunch visits are cooking minutes only: 7 + 2 + 3 + 5 + 7 + 1 meals
    plan = c.results["home_care_cooking"].plan
    existing = sum(ld.days for ld in plan.local_deliveries if ld.mode == "home_care")
    assert existing == sum(min(v, 7 if m == 7 else 5) for _, _, m, v in TOWN)


def test_home_care_groceries_ceiling_ties_when_re_solved() -> None:
    c = town_comparison(home_care=True)
    sheet = procurement_sheet(c, model="home_care_cooking", solution_limit=SOLUTIONS)
    (ceiling,) = sheet.ceilings
    assert ceiling.kitchen_id == "home_care"
    versus = c.results[str(sheet.versus_model)].outcome.total_cost_sek_per_week
    if ceiling.ceiling_price_sek_per_meal >= 0:
        assert ceiling.resolved
        assert ceiling.model_total_sek_per_week == pytest.approx(versus, abs=1.0)
    else:  # dearer than the central option even with free groceries: re-priced only
        assert not ceiling.resolved
        assert "dearer than the alternative even" in procurement_section(c, "en", sheet=sheet)


def test_map_marks_the_home_care_bases_in_the_home_care_layer() -> None:
    from maltid.faces.maps import render_map

    with_bases = render_map(town_comparison(home_care=True), lang="sv")
    assert "maltid-home-care-base" in with_bases
    assert "hemtjänstens utgångspunkt" in with_bases
    without = render_map(town_comparison(home_care=False), lang="sv")
    assert "maltid-home-care-base" not in without

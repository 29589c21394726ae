"""Break-even of the home-care cooking minutes (issue 16 item 1), re-solved to check it.

The synthetic grid town of ``test_procurement`` with one home-care base: the row says at
how many cooking minutes per meal ``home_care_cooking`` costs as much as the cheapest
central model serving as many people; re-solving the home-care model at that value
(through the scenario, as a planner would set it) must tie with the central total.
"""

from __future__ import annotations

import math

import pytest

from maltid.analysis.break_even import home_care_break_even_rows
from maltid.analysis.common import cheapest_central, price_plan
from maltid.models import make_context, solve_model
from test_procurement import SOLUTIONS, town_comparison


def _home_care_total(comparison: object, minutes: float) -> float:
    from maltid.comparison import Comparison

    assert isinstance(comparison, Comparison)
    sc = comparison.scenario.with_value("home_care.cooking_min_per_meal", float(minutes))
    ctx = make_context(sc, comparison.matrix, solution_limit=SOLUTIONS, iteration_limit=SOLUTIONS)
    plan = solve_model(sc.model("home_care_cooking"), ctx)
    return float(price_plan(plan, ctx).total_cost_sek_per_week)


def test_cooking_minutes_break_even_ties_when_re_solved() -> None:
    c = town_comparison(home_care=True)
    ctx = make_context(c.scenario, c.matrix, solution_limit=SOLUTIONS, iteration_limit=SOLUTIONS)
    (row,) = home_care_break_even_rows(c.scenario, ctx, c.results)
    versus = cheapest_central(c.results, serving=len(c.scenario.recipients))
    assert row["versus_model"] == versus
    assert row["parameter"] == "home_care_cooking_min" and row["unit"] == "min/meal"
    versus_total = c.results[str(versus)].outcome.total_cost_sek_per_week
    own = c.results["home_care_cooking"].outcome.total_cost_sek_per_week
    assert row["base_difference_sek_per_week"] == pytest.approx(own - versus_total)
    # at the scenario's own minutes the re-solve reproduces the compared total
    assert _home_care_total(c, row["base_value"]) == pytest.approx(own, rel=1e-9)
    if row["bracketed"]:
        value = float(row["value"])
        step = max(0.05, (row["high"] - row["low"]) / 256.0)
        below = _home_care_total(c, max(row["low"], value - step)) - versus_total
        above = _home_care_total(c, min(row["high"], value + step)) - versus_total
        assert below * above <= 0.0  # the sign changes across the reported value
    else:
        # no tie in range: home care is dearer even when cooking takes no time at all
        # (or cheaper even at the top of the range), re-solved independently here
        assert math.isnan(row["value"])
        at_low = _home_care_total(c, row["low"]) - versus_total
        at_high = _home_care_total(c, row["high"]) - versus_total
        assert at_low * at_high > 0.0
        assert "no sign change" in row["note"]

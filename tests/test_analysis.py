"""maltid.analysis on a real comparison: the conclusion, break-even and difference tornado.

The comparison is the synthetic grid scenario of ``fixtures_comparison`` (OSM XML, TOML +
CSV, ``maltid.compare``). Every conclusion number is recomputed here from the plans, the
scenario's kitchens and the cost parameters, not from the comparison table.
"""

from __future__ import annotations

import math

import pytest

import fixtures_comparison as fc
from maltid.comparison import Comparison

CHILLED = "kyld <b>mat</b>"


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return fc.make_comparison(kitchen_name=fc.HOSTILE_NAME)


def _fresh(comp: Comparison, model: str) -> float:
    return sum(k.meals_fresh_per_week for k in comp.results[model].plan.kitchens)


def _local_spend(comp: Comparison, model: str) -> float:
    from maltid.costs import parameters_for

    share = parameters_for(comp.scenario)["food_cost_share_of_meal"]
    spec = {k.id: k for k in comp.scenario.kitchens}
    return sum(
        (k.meals_fresh_per_week + k.meals_chilled_per_week)
        * spec[k.kitchen_id].cost_per_meal_sek
        * share
        * spec[k.kitchen_id].local_food_share
        for k in comp.results[model].plan.kitchens
    )


def test_cheapest_central_serves_everyone(comparison: Comparison) -> None:
    # hot delivery cannot reach r039 (50 km out): its fallback (chilled boxes) does, so
    # every model serves everyone and the cheapest of them is the answer
    c = comparison.conclusion
    assert c is not None
    served_all = [
        name for name, r in comparison.results.items() if r.outcome.recipients_unserved == 0
    ]
    assert served_all == list(comparison.results)
    totals = {n: r.outcome.total_cost_sek_per_week for n, r in comparison.results.items()}
    assert c.cheapest_model == min(totals, key=lambda n: totals[n]) == CHILLED
    centrals = [n for n, r in comparison.results.items() if r.kind.startswith("central_")]
    assert comparison.cheapest_central == min(centrals, key=lambda n: totals[n])
    assert c.cheapest_central == comparison.cheapest_central == CHILLED
    assert (
        c.cheapest_total_sek_per_week == comparison.results[CHILLED].outcome.total_cost_sek_per_week
    )


def test_local_verdict_numbers(comparison: Comparison) -> None:
    c = comparison.conclusion
    assert c is not None
    (v,) = c.locals
    assert v.model == "local_kitchens" and v.versus_model == CHILLED
    local, chilled = (comparison.results[m].outcome for m in ("local_kitchens", CHILLED))
    extra = local.total_cost_sek_per_week - chilled.total_cost_sek_per_week
    assert math.isclose(v.extra_cost_sek_per_week, extra, rel_tol=1e-12)
    assert math.isclose(v.extra_cost_sek_per_year, 52 * extra, rel_tol=1e-12)
    # fresh meals: every meal of the local plan's kitchens is fresh; chilled has none
    gained = _fresh(comparison, "local_kitchens") - _fresh(comparison, CHILLED)
    assert _fresh(comparison, CHILLED) == 0 and gained > 0
    assert v.fresh_meals_gained_per_week == gained
    assert math.isclose(v.extra_cost_sek_per_fresh_meal, extra / gained, rel_tol=1e-12)
    # local spend: meals x cost per meal x food share x the kitchen's local food share
    kept = _local_spend(comparison, "local_kitchens") - _local_spend(comparison, CHILLED)
    assert kept > 0 and math.isclose(v.local_spend_kept_sek_per_week, kept, rel_tol=1e-9)
    assert extra > 0
    assert math.isclose(v.local_spend_per_sek_extra, kept / extra, rel_tol=1e-9)
    outcomes = {o.name: o for o in v.outcomes}
    assert set(outcomes) == {
        "fresh_meals_per_week",
        "mean_kitchen_to_plate_min",
        "recipient_visits_per_week",
        "local_spend_sek_per_week",
        "co2_kg_per_week",
    }
    # home visits: one per route stop and delivery day
    for model, value in (("local_kitchens", "local_value"), (CHILLED, "central_value")):
        plan = comparison.results[model].plan
        visits = sum(d.days * len(r.stop_ids) for d in plan.days for r in d.plan.routes)
        visits += sum(ld.days for ld in plan.local_deliveries)
        assert getattr(outcomes["recipient_visits_per_week"], value) == visits
    # chilled meals are kept for days; hot meals reach the plate within the hour (the
    # local model's mean includes r039's fallback boxes)
    k2p = outcomes["mean_kitchen_to_plate_min"]
    assert k2p.local_value < 24 * 60 < k2p.central_value
    assert outcomes["fresh_meals_per_week"].difference == gained


def test_break_even_rows_against_the_cheapest_central_and_the_baseline(
    comparison: Comparison,
) -> None:
    be = comparison.break_even
    assert be is not None
    assert list(be["versus_model"]) == [CHILLED, "central_daily_hot"]
    assert set(be["local_model"]) == {"local_kitchens"} and set(be["kitchen"]) == {"camping"}
    t = comparison.table.set_index("model")
    for row in be.itertuples():
        base = t.loc["local_kitchens", "total_cost_sek_per_week"]
        other = t.loc[row.versus_model, "total_cost_sek_per_week"]
        assert math.isclose(row.base_difference_sek_per_week, base - other, rel_tol=1e-12)
        if row.bracketed:
            assert row.low <= row.value <= row.high
        else:
            assert math.isnan(row.value) and "no sign change" in row.note
    # a conclusion lists exactly the bracketed break-even values against the reference
    c = comparison.conclusion
    assert c is not None
    expected = tuple(
        (r.parameter, r.kitchen, r.value, r.unit)
        for r in be.itertuples()
        if r.versus_model == CHILLED and r.bracketed
    )
    assert c.locals[0].break_even == expected


def test_difference_tornado_is_local_minus_versus(comparison: Comparison) -> None:
    d = comparison.difference_tornado
    s = comparison.sensitivity
    assert d is not None and s is not None
    assert set(zip(d["local_model"], d["versus_model"], strict=True)) == {
        ("local_kitchens", CHILLED),
        ("local_kitchens", "central_daily_hot"),
    }
    # against the baseline the per-model tornado has both totals: the difference is theirs
    vs_hot = d[d["versus_model"] == "central_daily_hot"].set_index("parameter")
    per_model = s.set_index(["model", "parameter"])
    for p, row in vs_hot.iterrows():
        lo = (
            per_model.loc[("local_kitchens", p), "total_low_sek"]
            - per_model.loc[("central_daily_hot", p), "total_low_sek"]
        )
        assert math.isclose(row["difference_low_sek"], lo, rel_tol=1e-9, abs_tol=1e-6)
    # the central cost per meal moves the difference by 20 % x 55 x (1 - fixed share) x
    # (central meals of the local plan - central meals of the chilled plan): the fixed
    # share is paid for everyone's meals in both, so it cancels
    vs_chilled = d[d["versus_model"] == CHILLED].set_index("parameter")
    row = vs_chilled.loc["central_cost_per_meal_sek"]

    def central_meals(model: str) -> float:
        return sum(
            k.meals_fresh_per_week + k.meals_chilled_per_week
            for k in comparison.results[model].plan.kitchens
            if k.kitchen_id == "central"
        )

    from maltid.costs import parameters_for

    share = parameters_for(comparison.scenario)["central_fixed_share_of_meal_cost"]
    delta = central_meals("local_kitchens") - central_meals(CHILLED)
    expected = abs(2 * 0.2 * 55.0 * (1.0 - share) * delta)
    assert math.isclose(row["swing_sek"], expected, rel_tol=1e-9)
    swings = list(vs_chilled["swing_sek"])
    assert swings == sorted(swings, reverse=True)

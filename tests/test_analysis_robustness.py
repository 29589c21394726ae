"""maltid.analysis.robustness on a real comparison (the synthetic grid of fixtures_comparison)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import fixtures_comparison as fc
from maltid.comparison import Comparison
from maltid.models import ModelContext, make_context


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return fc.make_comparison(kitchen_name=fc.HOSTILE_NAME)


def _ctx(comp: Comparison) -> ModelContext:
    return make_context(
        comp.scenario, comp.matrix, solution_limit=fc.SOLUTIONS, iteration_limit=fc.SOLUTIONS
    )


def test_robustness_on_the_comparison(comparison: Comparison) -> None:
    r = comparison.robustness
    assert r is not None and list(r["model"]) == list(comparison.results)
    n = r.attrs["n_samples"]
    totals = np.asarray(r.attrs["totals"])
    samples = np.asarray(r.attrs["samples"])
    assert totals.shape == (n, len(comparison.results)) == (200, 3)
    # every model serves everyone (fallback included): the probabilities sum to one
    assert math.isclose(float(r["p_cheapest"].sum()), 1.0)
    winners = np.argmin(totals, axis=1)
    for j, row in enumerate(r.itertuples()):
        assert row.p_cheapest == np.mean(winners == j)
        assert row.total_p10_sek_per_week <= row.total_p50_sek_per_week
        assert row.total_p50_sek_per_week <= row.total_p90_sek_per_week
    # Latin hypercube: each parameter's n values fall one in each of n equal strata
    for k, name in enumerate(r.attrs["parameters"]):
        lo, hi = r.attrs["ranges"][name]
        strata = np.floor((samples[:, k] - lo) / (hi - lo) * n).astype(int)
        assert sorted(strata) == list(range(n)), name
    # the local model against the cheapest central model of each future
    local = r.set_index("model").loc["local_kitchens"]
    centrals = [
        j for j, res in enumerate(comparison.results.values()) if res.kind != "local_kitchens"
    ]
    extra = totals[:, 2] - totals[:, centrals].min(axis=1)
    assert local["extra_cost_p50_sek_per_week"] == pytest.approx(float(np.quantile(extra, 0.5)))
    assert local["p_no_dearer"] == np.mean(extra <= 0)
    assert local["versus_model"] == "kyld <b>mat</b>"
    assert (r["samples"] == n).all()


def test_zero_width_ranges_give_the_table(comparison: Comparison) -> None:
    """With every range a point, every future is today's: the table's totals, one winner."""
    from maltid.analysis import robustness_table
    from maltid.analysis.sensitivity import base_values

    ctx = _ctx(comparison)
    base = base_values(comparison.scenario, ctx)
    r = robustness_table(
        comparison.scenario,
        ctx,
        comparison.results,
        local_models=["local_kitchens"],
        n_samples=8,
        ranges={name: (v, v) for name, v in base.items()},
    )
    t = comparison.table.set_index("model")
    for row in r.itertuples():
        expected = t.loc[row.model, "total_cost_sek_per_week"]
        for col in ("total_p10_sek_per_week", "total_p90_sek_per_week"):
            assert math.isclose(getattr(row, col), expected, rel_tol=1e-9)
    cheapest = t["total_cost_sek_per_week"].idxmin()
    assert dict(zip(r["model"], r["p_cheapest"], strict=True))[cheapest] == 1.0


def test_seeded_and_bounded(comparison: Comparison) -> None:
    from maltid.analysis import robustness_table

    ctx = _ctx(comparison)
    kwargs = {"local_models": ["local_kitchens"], "n_samples": 16, "max_solves": 0}
    a = robustness_table(comparison.scenario, ctx, comparison.results, **kwargs)
    b = robustness_table(comparison.scenario, ctx, comparison.results, **kwargs)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["samples"] == b.attrs["samples"] and (a["solves"] == 0).all()
    c = robustness_table(comparison.scenario, ctx, comparison.results, seed=99, **kwargs)
    assert c.attrs["samples"] != a.attrs["samples"]
    # re-solves are bounded per model, whatever the number of samples
    d = robustness_table(
        comparison.scenario,
        ctx,
        comparison.results,
        local_models=["local_kitchens"],
        n_samples=16,
        max_solves=2,
    )
    assert (d["solves"] <= 2).all()
    # a re-solved plan only ever lowers a model's total in a future (the cheapest plan counts)
    assert (np.asarray(d.attrs["totals"]) <= np.asarray(a.attrs["totals"]) + 1e-6).all()
    with pytest.raises(ValueError, match="at least 2"):
        robustness_table(comparison.scenario, ctx, comparison.results, local_models=[], n_samples=1)

"""Robustness: how often is each model the cheapest, over futures drawn within the ranges.

A seeded Latin-hypercube sample (:class:`scipy.stats.qmc.LatinHypercube`) of every
uncertain parameter (:data:`maltid.analysis.SENSITIVITY_PARAMETERS` with a non-zero value;
each on ``[value x (1 - rel), value x (1 + rel)]``, ``rel`` = 20 % by default, or a range
given per parameter) prices every model in every drawn future:

* the plans do not change with prices, so each model's solved plan is RE-PRICED;
* the vehicle rates (:data:`maltid.analysis.sensitivity.VEHICLE_RATES`) steer the routes:
  each model is RE-SOLVED at up to ``max_solves`` corners of their box (the mixed ones
  first: cheap km and dear hours, and the reverse), as a quick search
  (:data:`CORNER_SOLUTION_LIMIT` OR-Tools solutions or PyVRP iterations,
  :data:`CORNER_MIX_EVALUATIONS` kitchen sets for ``optimised_mix``), and in every future
  the cheapest of its known plans counts (each stays feasible, and the optimiser would do
  at least as well). The number of solves is bounded by ``max_solves`` per model,
  whatever the number of samples.

The result (``Comparison.robustness``) has one row per model: the probability that it is
the cheapest of the models that serve everyone, its total's 10/50/90 % quantiles, and for
each local model its extra cost against the cheapest central model of the same future
(10/50/90 %) and the probability that it is no dearer.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from maltid.analysis.common import Progress, _noop, model_spec
from maltid.analysis.sensitivity import VEHICLE_RATES, base_values, reprice
from maltid.comparison import ModelResult
from maltid.models import ModelContext, solve_model

if TYPE_CHECKING:
    import pandas as pd

    from maltid.results import WeekPlan
    from maltid.scenario import Scenario

__all__ = [
    "CORNER_MIX_EVALUATIONS",
    "CORNER_SOLUTION_LIMIT",
    "DEFAULT_REL_RANGE",
    "DEFAULT_SAMPLES",
    "ROBUSTNESS_COLUMNS",
    "parameter_ranges",
    "robustness_table",
]

#: Default half-width of a parameter's range, as a share of its value.
DEFAULT_REL_RANGE = 0.2
#: Default number of futures drawn.
DEFAULT_SAMPLES = 200

#: Routing solution limit of a corner re-solve (a candidate plan: a quick search).
CORNER_SOLUTION_LIMIT = 50
#: Kitchen sets ``optimised_mix`` routes in a corner re-solve.
CORNER_MIX_EVALUATIONS = 4

#: Columns of ``Comparison.robustness``, in order.
ROBUSTNESS_COLUMNS = (
    "model",
    "kind",
    "p_cheapest",
    "total_p10_sek_per_week",
    "total_p50_sek_per_week",
    "total_p90_sek_per_week",
    "versus_model",
    "extra_cost_p10_sek_per_week",
    "extra_cost_p50_sek_per_week",
    "extra_cost_p90_sek_per_week",
    "p_no_dearer",
    "samples",
    "solves",
)


def parameter_ranges(
    base: Mapping[str, float],
    *,
    rel: float = DEFAULT_REL_RANGE,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, tuple[float, float]]:
    """Each uncertain parameter's ``(low, high)`` in its unit: ``ranges``, else +/- ``rel``.

    Raises
    ------
    ValueError
        A given range has ``low > high``, or ``rel`` is not in (0, 1).
    """
    if not 0.0 < rel < 1.0:
        raise ValueError(f"rel={rel}: the relative range must be in (0, 1), e.g. 0.2")
    out: dict[str, tuple[float, float]] = {}
    for name, value in base.items():
        if ranges is not None and name in ranges:
            lo, hi = (float(v) for v in ranges[name])
            if not lo <= hi:
                raise ValueError(f"range of {name}: low {lo} > high {hi} (fix: swap them)")
            out[name] = (lo, hi)
        else:
            a, b = value * (1.0 - rel), value * (1.0 + rel)
            out[name] = (min(a, b), max(a, b))
    return out


def _corners(ranges: Mapping[str, tuple[float, float]], max_solves: int) -> list[dict[str, float]]:
    """Up to ``max_solves`` corners of the vehicle-rate box, the mixed ones first."""
    names = [n for n in VEHICLE_RATES if n in ranges]
    if not names or max_solves <= 0:
        return []
    corners = [
        dict(zip(names, values, strict=True))
        for values in itertools.product(*(ranges[n] for n in names))
    ]
    # the mixed corners (cheap km and dear hours, and the reverse) change routes most
    corners.sort(key=lambda c: -len({c[n] == ranges[n][0] for n in names}))
    return corners[:max_solves]


def robustness_table(
    scenario: Scenario,
    ctx: ModelContext,
    results: Mapping[str, ModelResult],
    *,
    local_models: Sequence[str],
    n_samples: int = DEFAULT_SAMPLES,
    rel: float = DEFAULT_REL_RANGE,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    max_solves: int = 2,
    seed: int | None = None,
    progress: Progress = _noop,
) -> pd.DataFrame:
    """Probability of being cheapest and quantiles of the extra cost over drawn futures.

    Parameters
    ----------
    n_samples : int
        Futures drawn by Latin-hypercube sampling (>= 2).
    rel, ranges
        Each parameter's range: ``ranges[name] = (low, high)`` or +/- ``rel`` of its value.
    max_solves : int
        Re-solves per model at corners of the vehicle-rate box (0: re-price only).
    seed : int, optional
        Sampling seed (default: the scenario's seed): same seed, same table.

    Returns
    -------
    pandas.DataFrame
        :data:`ROBUSTNESS_COLUMNS`; ``attrs`` hold ``n_samples``, ``seed``, ``ranges``
        (name -> [low, high]), ``parameters`` and ``samples`` (sample x parameter values),
        ``models`` and ``totals`` (sample x model totals, SEK/week).
    """
    import pandas as pd
    from scipy.stats import qmc

    if n_samples < 2:
        raise ValueError(f"n_samples={n_samples}: draw at least 2 futures")
    base = base_values(scenario, ctx)
    box = parameter_ranges(base, rel=rel, ranges=ranges)
    names = list(box)
    seed = int(scenario.seed if seed is None else seed)
    unit = qmc.LatinHypercube(d=len(names), seed=seed).random(n_samples)
    lo = np.array([box[n][0] for n in names])
    hi = np.array([box[n][1] for n in names])
    samples = lo + unit * (hi - lo)

    models = list(results)
    plans: dict[str, list[WeekPlan]] = {m: [results[m].plan] for m in models}
    corners = _corners(box, max_solves)
    quick = ctx.with_solver(
        solution_limit=min(ctx.solution_limit or CORNER_SOLUTION_LIMIT, CORNER_SOLUTION_LIMIT),
        iteration_limit=min(ctx.iteration_limit or CORNER_SOLUTION_LIMIT, CORNER_SOLUTION_LIMIT),
        mix_max_evaluations=min(
            ctx.solver.mix_max_evaluations or CORNER_MIX_EVALUATIONS, CORNER_MIX_EVALUATIONS
        ),
    )
    for k, model in enumerate(models):
        progress("robustness", k, len(models) + 1)
        spec = model_spec(scenario, model)
        for corner in corners:
            c = quick.with_parameters({**ctx.parameters, **corner})
            plan = solve_model(spec, c)
            if plan not in plans[model]:
                plans[model].append(plan)
    totals = np.empty((n_samples, len(models)))
    for i in range(n_samples):
        values = dict(zip(names, (float(v) for v in samples[i]), strict=True))
        for j, model in enumerate(models):
            totals[i, j] = min(reprice(p, ctx, values, base) for p in plans[model])
    progress("robustness", len(models) + 1, len(models) + 1)

    unserved = np.array([results[m].outcome.recipients_unserved for m in models])
    everyone = unserved == unserved.min()
    masked = np.where(everyone[None, :], totals, np.inf)
    cheapest = np.argmin(masked, axis=1)
    central = np.array([results[m].kind.startswith("central_") for m in models]) & everyone
    central_min = np.where(central[None, :], totals, np.inf).min(axis=1)
    central_name = [models[j] for j in np.argmin(np.where(central, totals, np.inf), axis=1)]
    rows = []
    for j, model in enumerate(models):
        q10, q50, q90 = np.quantile(totals[:, j], [0.1, 0.5, 0.9])
        row: dict[str, object] = {
            "model": model,
            "kind": results[model].kind,
            "p_cheapest": float(np.mean(cheapest == j)),
            "total_p10_sek_per_week": float(q10),
            "total_p50_sek_per_week": float(q50),
            "total_p90_sek_per_week": float(q90),
            "versus_model": "",
            "extra_cost_p10_sek_per_week": math.nan,
            "extra_cost_p50_sek_per_week": math.nan,
            "extra_cost_p90_sek_per_week": math.nan,
            "p_no_dearer": math.nan,
            "samples": int(n_samples),
            "solves": len(plans[model]) - 1,
        }
        if model in local_models and np.isfinite(central_min).all():
            extra = totals[:, j] - central_min
            e10, e50, e90 = np.quantile(extra, [0.1, 0.5, 0.9])
            most = max(set(central_name), key=central_name.count)
            row.update(
                versus_model=most,
                extra_cost_p10_sek_per_week=float(e10),
                extra_cost_p50_sek_per_week=float(e50),
                extra_cost_p90_sek_per_week=float(e90),
                p_no_dearer=float(np.mean(extra <= 0.0)),
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(ROBUSTNESS_COLUMNS))
    out.attrs["n_samples"] = int(n_samples)
    out.attrs["seed"] = seed
    out.attrs["ranges"] = {n: [float(a), float(b)] for n, (a, b) in box.items()}
    out.attrs["parameters"] = names
    out.attrs["samples"] = samples.tolist()
    out.attrs["totals"] = totals.tolist()
    out.attrs["models"] = models
    return out

"""What the analyses share: pricing a plan, the models compared, the progress callback."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from maltid.comparison import ModelResult
from maltid.errors import InputError
from maltid.models import (
    ModelContext,
    SitingReport,
    solve_model,
    solve_optimised_mix,
)
from maltid.results import WeekPlan

if TYPE_CHECKING:
    from maltid.costs import WeeklyOutcome
    from maltid.scenario import KitchenSpec, ModelSpec, Scenario

__all__ = [
    "Progress",
    "break_even_kitchen",
    "cheapest_central",
    "local_model_name",
    "local_model_names",
    "model_spec",
    "price_plan",
    "site_points",
    "solve_priced",
    "versus_models",
]

#: ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]

_LOCAL_KINDS = ("local_kitchens", "optimised_mix")


def _noop(stage: str, done: int, total: int) -> None:
    return None


# --------------------------------------------------------------------------------------
# pricing and the models compared
# --------------------------------------------------------------------------------------


def price_plan(plan: WeekPlan, ctx: ModelContext) -> WeeklyOutcome:
    """Price a plan with the context's parameters (costs in SEK/week).

    :func:`maltid.costs.price_week`: the recipients' meals and ``hot_meal`` flags and the
    fleet's fixed-cost basis come from the context's scenario.
    """
    from maltid.costs import price_week

    return price_week(plan, ctx.scenario, parameters=ctx.parameters)


def solve_priced(
    spec: ModelSpec, ctx: ModelContext, *, with_siting: bool = False
) -> tuple[WeekPlan, WeeklyOutcome, SitingReport | None]:
    """Solve one model and price it (SEK/week); ``optimised_mix`` with its siting report."""
    if spec.kind == "optimised_mix" and with_siting:
        plan, report = solve_optimised_mix(
            ctx, spec, price=lambda p: price_plan(p, ctx).total_cost_sek_per_week
        )
        return plan, price_plan(plan, ctx), report
    plan = solve_model(spec, ctx)
    return plan, price_plan(plan, ctx), None


def site_points(scenario: Scenario) -> list[tuple[str, float, float]]:
    """``(id, lat, lon)`` of every place vehicles leave from: kitchens, then home-care bases.

    In this order they head the travel matrix, before the recipients (degrees WGS84).
    """
    sites = [(str(k.id), float(k.lat), float(k.lon)) for k in scenario.kitchens]
    if scenario.home_care is not None:
        sites += [(str(b.id), float(b.lat), float(b.lon)) for b in scenario.home_care.bases]
    return sites


def model_spec(scenario: Scenario, name: str) -> ModelSpec:
    """The scenario's model named ``name``; InputError naming the fix otherwise."""
    for m in scenario.models:
        if m.name == name:
            return m
    raise InputError(
        f"scenario: no model named {name!r} (fix: check `baseline` against the [[models]] names)"
    )


def local_model_names(scenario: Scenario) -> list[str]:
    """Names of the scenario's local models (``local_kitchens``, ``optimised_mix``), in order."""
    return [str(m.name) for m in scenario.models if m.kind in _LOCAL_KINDS]


def local_model_name(scenario: Scenario) -> str | None:
    """The local model the break-even uses: ``local_kitchens``, else ``optimised_mix``."""
    for kind in _LOCAL_KINDS:
        for m in scenario.models:
            if m.kind == kind:
                return str(m.name)
    return None


def cheapest_central(
    results: Mapping[str, ModelResult], *, serving: int | None = None
) -> str | None:
    """The cheapest central model (SEK/week) among those that leave the fewest unserved.

    ``serving``: only models serving at least this many recipients count (e.g. as many as
    the local model serves); when none does, the ones serving the most do.
    """
    central = [r for r in results.values() if r.kind.startswith("central_")]
    if not central:
        return None
    most = max(r.outcome.recipients_served for r in central)
    need = most if serving is None else min(int(serving), most)
    ok = [r for r in central if r.outcome.recipients_served >= need]
    return min(ok, key=lambda r: r.outcome.total_cost_sek_per_week).name


def versus_models(
    results: Mapping[str, ModelResult], *, local: str | None, baseline: str
) -> list[str]:
    """The models the local model is compared with: the cheapest central one, the baseline."""
    if local is None:
        return []
    served = results[local].outcome.recipients_served if local in results else None
    out: list[str] = []
    cheapest = cheapest_central(results, serving=served)
    for name in (cheapest, baseline):
        if name is not None and name != local and name not in out and name in results:
            out.append(name)
    return out


def break_even_kitchen(scenario: Scenario) -> KitchenSpec | None:
    """``analysis.break_even_kitchen``, else the first local kitchen (None if there is none)."""
    kid = scenario.analysis.break_even_kitchen
    for k in scenario.kitchens:
        if k.role == "local" and (kid is None or k.id == kid):
            return k
    return None

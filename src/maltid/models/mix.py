"""Model ``optimised_mix``: the siting MIP chooses the kitchens, real routing checks it.

The siting MIP chooses which candidate local kitchens to open (central always open) and
who each serves, on the estimated weekly cost of
:func:`maltid.models.reach.assignment_cost_sek` (production + estimated delivery, vehicle
days included); fixed cost of a local kitchen = ``7 x fixed_cost_sek_per_day``. Because
the delivery cost is an estimate, the MIP's choice is only a starting point: the
village-first plan over the candidates, the central-only plan and one-kitchen flips are
routed for real as well and the cheapest real plan is kept (:func:`solve_optimised_mix`).
For each candidate NOT opened the real weekly total-cost delta of opening it is reported
in :class:`SitingReport`. Candidates not opened appear in ``WeekPlan.kitchens`` with
``open=False`` and no meals.
"""

from __future__ import annotations

import functools
import logging
import math
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from maltid.models.local import siting_plan
from maltid.models.parallel import map_forked
from maltid.models.registry import register
from maltid.results import WeekPlan

if TYPE_CHECKING:
    from maltid.models.context import ModelContext
    from maltid.scenario import ModelSpec
    from maltid.siting import SitingResult

__all__ = ["SitingReport", "optimised_mix", "solve_optimised_mix"]

logger = logging.getLogger("maltid")


@dataclass(frozen=True)
class SitingReport:
    """What the siting MIP chose for ``optimised_mix`` and what each closed kitchen would change.

    Attributes
    ----------
    open_ids : tuple of str
        Kitchens opened (the central kitchen always).
    closed_ids : tuple of str
        Candidate local kitchens not opened.
    objective_sek : float
        MIP objective: estimated weekly cost (SEK/week) of the chosen set.
    status : str
        MIP status (``"OPTIMAL"``, ``"FEASIBLE"``...).
    delta_total_cost_sek : Mapping[str, float]
        Closed kitchen -> real change of the model's total weekly cost (SEK/week) if it
        were forced open (re-solved and re-routed, priced by ``costs.weekly_outcome``);
        positive = opening it costs more.
    delta_objective_sek : Mapping[str, float]
        Closed kitchen -> change of the MIP objective (estimate, SEK/week) if forced open
        (``nan`` where the chosen plan is the village-first one, which has no comparable
        MIP objective).
    total_cost_sek : float
        Real total weekly cost (SEK/week) of the chosen plan.
    delta_close_total_cost_sek : Mapping[str, float]
        Opened candidate -> real change of the total weekly cost (SEK/week) if it were
        closed; positive = closing it costs more.
    mip_open_ids : tuple of str
        Kitchens the MIP's cost estimate alone would open.
    evaluations : tuple of (tuple of str, float)
        Every open set routed for real, with its real total cost (SEK/week), in the order
        evaluated.
    chosen_by : str
        How the chosen set was found: ``"mip"``, ``"village_first"``, ``"central_only"``
        or ``"flip"`` (the local search).
    """

    open_ids: tuple[str, ...]
    closed_ids: tuple[str, ...]
    objective_sek: float
    status: str
    delta_total_cost_sek: Mapping[str, float]
    delta_objective_sek: Mapping[str, float]
    total_cost_sek: float = math.nan
    delta_close_total_cost_sek: Mapping[str, float] = field(
        default_factory=lambda: types.MappingProxyType({})
    )
    mip_open_ids: tuple[str, ...] = ()
    evaluations: tuple[tuple[tuple[str, ...], float], ...] = ()
    chosen_by: str = "mip"


@dataclass(frozen=True)
class _MixEval:
    open_set: frozenset[str]
    cost_sek: float
    plan: WeekPlan
    objective_sek: float
    how: str


def _default_price(ctx: ModelContext) -> Callable[[WeekPlan], float]:
    from maltid.costs import price_week

    def price(plan: WeekPlan) -> float:
        out = price_week(plan, ctx.scenario, parameters=ctx.parameters)
        return float(out.total_cost_sek_per_week)

    return price


def solve_optimised_mix(
    ctx: ModelContext,
    spec: ModelSpec,
    *,
    price: Callable[[WeekPlan], float] | None = None,
    max_evaluations: int | None = None,
) -> tuple[WeekPlan, SitingReport]:
    """Solve ``optimised_mix``: the cheapest real-routed set of kitchens found (SEK/week).

    The siting MIP's delivery cost is an estimate, so its choice is not trusted blindly.
    Every candidate open set below is routed for real and priced with ``price``; the
    plan leaving the fewest recipients unserved wins (the same in every plan, as whom no
    road reaches; the fallback's recipients are served and priced), then the cheapest
    (ties: the earlier one):

    1. the MIP's own choice on the estimated costs;
    2. every candidate open, each serving its own village first (the Frame Lake plan of
       ``local_kitchens`` restricted to the candidates);
    3. no local kitchen (everything from the central kitchen);
    4. a local search from the best so far: open or close one candidate at a time (the
       MIP re-assigns the recipients for the given open set), move to the best
       improving flip, until none improves or ``max_evaluations`` sets were routed.

    So ``optimised_mix`` never costs more than the village-first plan or the central-only
    plan built the same way. Routing is memoised per kitchen-day, so a flip re-routes only
    the kitchens whose recipients changed. For each candidate not opened the report
    gives the real change of total cost if it were opened (and for each opened one, if
    it were closed).

    Parameters
    ----------
    price : callable, optional
        WeekPlan -> total weekly cost (SEK/week); default ``costs.price_week`` with
        the context's parameters.
    max_evaluations : int, optional
        Cap on open sets routed for real, besides the final flips the report needs;
        default ``ctx.mix_max_evaluations`` or ``3 + 2 x candidates``.
    """
    price = price or _default_price(ctx)
    cands = [k.id for k in ctx.scenario.local_kitchens if k.candidate]
    if max_evaluations is None:
        max_evaluations = ctx.mix_max_evaluations or 3 + 2 * len(cands)
    evals: dict[frozenset[str], _MixEval] = {}
    order: list[tuple[tuple[str, ...], float]] = []

    def record(
        plan: WeekPlan, result: SitingResult, how: str, *, comparable: bool = True
    ) -> _MixEval:
        opened = frozenset(k for k in cands if k in set(result.open_ids))
        cost = float(price(plan))
        obj = float(result.objective_sek) if comparable else math.nan
        ev = _MixEval(opened, cost, plan, obj, how)
        order.append((tuple(k for k in cands if k in opened), cost))
        old = evals.get(opened)
        if old is None or (len(plan.unserved), cost) < (len(old.plan.unserved), old.cost_sek):
            evals[opened] = ev
        return ev

    def exact(open_set: frozenset[str], how: str) -> _MixEval:
        hit = evals.get(open_set)
        if hit is not None and not math.isnan(hit.objective_sek):
            return hit
        plan, res, _ = siting_plan(
            ctx,
            spec.name,
            kind="optimised_mix",
            force_open=[k for k in cands if k in open_set],
            force_closed=[k for k in cands if k not in open_set],
        )
        return record(plan, res, how)

    def evaluated(open_set: frozenset[str]) -> bool:
        hit = evals.get(open_set)
        return hit is not None and not math.isnan(hit.objective_sek)

    def exact_many(open_sets: list[frozenset[str]], how: str) -> dict[frozenset[str], _MixEval]:
        """``exact`` of each set, in order (what it returned, by set); the siting and
        routing of the sets not yet evaluated run in ``ctx.workers`` processes."""
        sets = list(dict.fromkeys(open_sets))
        todo = [s for s in sets if not evaluated(s)]
        done = map_forked(ctx, todo, functools.partial(_siting_of_set, spec.name, cands))
        if done is None:
            return {s: exact(s, how) for s in sets}
        out = {s: record(plan, res, how) for s, (plan, res) in zip(todo, done, strict=True)}
        return {s: out[s] if s in out else exact(s, how) for s in sets}

    plan0, res0, _ = siting_plan(ctx, spec.name, kind="optimised_mix")
    first = record(plan0, res0, "mip")
    mip_open = first.open_set
    if cands:
        vplan, vres, _ = siting_plan(ctx, spec.name, kind="optimised_mix", village_first=True)
        record(vplan, vres, "village_first", comparable=False)
        exact(frozenset(), "central_only")

    def best() -> _MixEval:
        # fewer unserved first (a guard: unserved is the no-road set, equal for all sets;
        # the fallback's boxes are priced in the cost); then the cost (min keeps the first
        # of ties)
        return min(evals.values(), key=lambda e: (len(e.plan.unserved), e.cost_sek))

    current = best()
    while len(order) < max_evaluations:
        # the round's flips not yet routed, up to the cap (as one at a time would)
        flips = [s for s in (current.open_set ^ {k} for k in cands) if not evaluated(s)]
        exact_many(flips[: max_evaluations - len(order)], "flip")
        nxt = best()
        if nxt.open_set == current.open_set:
            break
        current = nxt
    current = best()
    chosen = current.open_set
    # the report's deltas: every single flip of the chosen set, routed for real
    delta_total: dict[str, float] = {}
    delta_close: dict[str, float] = {}
    delta_obj: dict[str, float] = {}
    flips_of_chosen = exact_many([chosen ^ {k} for k in cands], "flip")
    for k in cands:
        flip = flips_of_chosen[chosen ^ {k}]
        if k in chosen:
            delta_close[k] = flip.cost_sek - current.cost_sek
        else:
            delta_total[k] = flip.cost_sek - current.cost_sek
            delta_obj[k] = flip.objective_sek - current.objective_sek
    if best().open_set != chosen:
        logger.info(
            "%s: a flip found after the search is cheaper; see SitingReport.evaluations",
            spec.name,
        )
    logger.info(
        "%s: %d open set(s) routed; chosen %s (%s) at %.0f SEK/week; the MIP estimate chose %s",
        spec.name,
        len(order),
        sorted(chosen) or "no local kitchen",
        current.how,
        current.cost_sek,
        sorted(mip_open) or "no local kitchen",
    )
    central = ctx.scenario.central_kitchen.id
    plan = current.plan
    report = SitingReport(
        open_ids=tuple([central] + [k for k in cands if k in chosen]),
        closed_ids=tuple(k for k in cands if k not in chosen),
        objective_sek=float(current.objective_sek),
        status=str(res0.status),
        delta_total_cost_sek=types.MappingProxyType(delta_total),
        delta_objective_sek=types.MappingProxyType(delta_obj),
        total_cost_sek=current.cost_sek,
        delta_close_total_cost_sek=types.MappingProxyType(delta_close),
        mip_open_ids=tuple([central] + [k for k in cands if k in mip_open]),
        evaluations=tuple(order),
        chosen_by=current.how,
    )
    return plan, report


def _siting_of_set(
    name: str, cands: list[str], ctx: ModelContext, open_set: frozenset[str]
) -> tuple[WeekPlan, SitingResult]:
    """The siting plan with exactly ``open_set`` of the candidates open (for a worker)."""
    plan, res, _ = siting_plan(
        ctx,
        name,
        kind="optimised_mix",
        force_open=[k for k in cands if k in open_set],
        force_closed=[k for k in cands if k not in open_set],
    )
    return plan, res


@register("optimised_mix")
def optimised_mix(ctx: ModelContext, spec: ModelSpec) -> WeekPlan:
    """Solve ``optimised_mix`` priced by the cost model, without its report (s, m, SEK)."""
    plan, _ = solve_optimised_mix(ctx, spec)
    return plan

"""The procurement sheet (issue 16 item 3): a compared model turned into functional
requirements (funktionskrav) and ceiling prices (takpris) a local supplier can bid on.

Plain data, no wording (:mod:`maltid.faces.procurement` words it in Swedish or English).

* The model is ``[procurement] model`` (:class:`maltid.scenario.ProcurementSpec`), else
  the model the comparison's conclusion points to (the cheapest serving everyone), else
  the baseline.
* Each :class:`Requirement` is a value of that model's plan or outcome: the share of hot
  meals on the plate within N minutes of cooking, fresh meals a week, delivery days,
  local food share, CO2, home visits, the longest kitchen-to-plate time, who is served,
  local spend.
* :class:`CeilingPrice`: per local kitchen of the model (and for all of them at one
  price), the highest price per meal a supplier can be paid while the model's total
  stays no dearer than the cheapest central model serving the same people (the
  *versus* model). With the model's plan fixed, its total is linear in the kitchen's
  price, so ``ceiling = price + (total_versus - total_model) / meals_k``
  (``docs/cost-model.md``). Because the price can move who a kitchen serves, the value is
  then re-solved at that price and corrected until the re-solved total ties (at most
  ``max_rounds`` re-solves per kitchen).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from maltid.analysis.common import cheapest_central, price_plan
from maltid.costs import parameters_for
from maltid.models import make_context, solve_model

if TYPE_CHECKING:
    from maltid.comparison import Comparison
    from maltid.results import WeekPlan
    from maltid.scenario import Scenario

__all__ = [
    "ALL_LOCAL",
    "CeilingPrice",
    "ProcurementSheet",
    "Requirement",
    "ceiling_prices",
    "hot_meals_within_share",
    "procurement_model",
    "procurement_sheet",
]

#: ``CeilingPrice.kitchen_id`` of the one price for every local kitchen of the model.
ALL_LOCAL = "*"


@dataclass(frozen=True)
class Requirement:
    """One functional requirement (funktionskrav) with its value from the plan.

    Attributes
    ----------
    code : str
        Stable code (``F1``, ``F2``, ...).
    key : str
        What is required (a key the faces word): ``hot_meals_within_share``,
        ``fresh_meals_per_week``, ``delivery_days_per_week``, ``local_food_share``,
        ``co2_kg_per_week``, ``home_visits_per_week``, ``max_kitchen_to_plate_min``,
        ``recipients_served``, ``local_spend_sek_per_week``.
    value : float
        The value in ``unit``.
    unit : str
        ``share``, ``meals/week``, ``days/week``, ``kg/week``, ``visits/week``, ``min``,
        ``recipients``, ``SEK/week``.
    bound : {"min", "max"}
        Whether the value is a floor (at least) or a ceiling (at most) for a bid.
    model : str
        The model the value comes from.
    within_min : float
        N of ``hot_meals_within_share`` (min); 0 for the other keys.
    """

    code: str
    key: str
    value: float
    unit: str
    bound: str
    model: str
    within_min: float = 0.0


@dataclass(frozen=True)
class CeilingPrice:
    """The highest price per meal (takpris) of one local kitchen (SEK/meal).

    Attributes
    ----------
    kitchen_id : str
        The kitchen, or :data:`ALL_LOCAL` for one price for every local kitchen.
    model, versus_model : str
        The model and the cheapest central model it must be no dearer than.
    meals_per_week : float
        Meals a week the kitchen cooks in the model at the ceiling price.
    price_sek_per_meal : float
        The kitchen's price in the scenario (SEK/meal; meal-weighted mean for ALL_LOCAL).
    ceiling_price_sek_per_meal : float
        The ceiling (SEK/meal); below the price when the model is dearer, negative when
        even a free meal would not make it tie.
    model_total_sek_per_week, versus_total_sek_per_week : float
        The model's total at the ceiling price (as last solved) and the versus model's.
    resolved : bool
        True when the model was re-solved at the ceiling and the totals tie (within the
        tolerance); False for re-pricing only (``resolve=False``, or a negative ceiling,
        which cannot be solved).
    """

    kitchen_id: str
    model: str
    versus_model: str
    meals_per_week: float
    price_sek_per_meal: float
    ceiling_price_sek_per_meal: float
    model_total_sek_per_week: float
    versus_total_sek_per_week: float
    resolved: bool = False


@dataclass(frozen=True)
class ProcurementSheet:
    """The procurement sheet of one model: requirements and ceiling prices.

    Attributes
    ----------
    model : str
        The model turned into requirements.
    kind : str
        Its kind (for its human name).
    versus_model : str or None
        The cheapest central model serving the same people (the ceilings' reference).
    requirements : tuple of Requirement
    ceilings : tuple of CeilingPrice
        Empty when the model has no local kitchen (or no versus model).
    """

    model: str
    kind: str
    versus_model: str | None
    requirements: tuple[Requirement, ...]
    ceilings: tuple[CeilingPrice, ...]


def procurement_model(comparison: Comparison) -> str:
    """The model the sheet is about: ``[procurement] model``, the conclusion's, the baseline."""
    chosen = comparison.scenario.procurement.model
    if chosen is not None and chosen in comparison.results:
        return chosen
    c = comparison.conclusion
    if c is not None and c.cheapest_model is not None and c.cheapest_model in comparison.results:
        return c.cheapest_model
    return comparison.baseline


def hot_meals_within_share(plan: WeekPlan, within_s: float) -> float:
    """Share (0-1) of the model's own hot meals on the plate within ``within_s`` seconds.

    One meal per hot visit and day (route stops of hot, non-fallback day plans and local
    deliveries), at its kitchen-to-plate time; 0 when the model delivers no hot meal.
    """
    total = within = 0.0
    for day in plan.days:
        if not day.hot or day.fallback:
            continue
        k2p = day.plan.kitchen_to_plate_s
        for route in day.plan.routes:
            for i, sid in enumerate(route.stop_ids):
                t = float(k2p.get(sid, float(route.arrival_s[i]) - float(route.departure_s)))
                total += day.days
                within += day.days if t <= within_s + 1e-9 else 0
    for ld in plan.local_deliveries:
        total += ld.days
        within += ld.days if float(ld.kitchen_to_plate_s) <= within_s + 1e-9 else 0
    return within / total if total > 0 else 0.0


def _delivery_days(plan: WeekPlan) -> int:
    days: set[int] = set()
    for day in plan.days:
        if not day.fallback:
            days.update(day.day_indices)
    most_local = max((int(ld.days) for ld in plan.local_deliveries), default=0)
    return max(len(days), most_local)


def _local_food_share(plan: WeekPlan, params: Mapping[str, float]) -> float:
    """Local spend over the food bought (0-1): food = meals x cost per meal x food share."""
    food = local = 0.0
    for k in plan.kitchens:
        meals = float(k.meals_fresh_per_week) + float(k.meals_chilled_per_week)
        share = 1.0 if k.role == "home_care" else float(params["food_cost_share_of_meal"])
        f = meals * float(k.cost_per_meal_sek) * share
        food += f
        local += f * float(k.local_food_share)
    return local / food if food > 0 else 0.0


def _requirements(comparison: Comparison, name: str) -> tuple[Requirement, ...]:
    res = comparison.results[name]
    plan, o = res.plan, res.outcome
    within_min = float(comparison.scenario.procurement.hot_within_min)
    params = parameters_for(comparison.scenario)
    rows: list[tuple[str, float, str, str]] = [
        ("hot_meals_within_share", hot_meals_within_share(plan, within_min * 60.0), "share", "min"),
        ("fresh_meals_per_week", float(o.fresh_meals_per_week), "meals/week", "min"),
        ("delivery_days_per_week", float(_delivery_days(plan)), "days/week", "min"),
        ("local_food_share", _local_food_share(plan, params), "share", "min"),
        ("co2_kg_per_week", float(o.co2_kg_per_week), "kg/week", "max"),
        ("home_visits_per_week", float(o.recipient_visits_per_week), "visits/week", "min"),
        ("max_kitchen_to_plate_min", float(o.max_kitchen_to_plate_min), "min", "max"),
        ("recipients_served", float(o.recipients_served), "recipients", "min"),
        ("local_spend_sek_per_week", float(o.local_spend_sek_per_week), "SEK/week", "min"),
    ]
    return tuple(
        Requirement(
            code=f"F{i + 1}",
            key=key,
            value=value,
            unit=unit,
            bound=bound,
            model=name,
            within_min=within_min if key == "hot_meals_within_share" else 0.0,
        )
        for i, (key, value, unit, bound) in enumerate(rows)
    )


def _priced_kitchens(plan: WeekPlan) -> dict[str, tuple[float, float]]:
    """Local (and home-care) kitchens cooking in the plan -> (meals a week, SEK/meal)."""
    out: dict[str, tuple[float, float]] = {}
    for k in plan.kitchens:
        meals = float(k.meals_fresh_per_week) + float(k.meals_chilled_per_week)
        if k.role in ("local", "home_care") and meals > 0:
            out[str(k.kitchen_id)] = (meals, float(k.cost_per_meal_sek))
    return out


def _with_prices(scenario: Scenario, prices: Mapping[str, float]) -> Scenario:
    """The scenario with these kitchens' prices (SEK/meal; ``home_care``: the groceries)."""
    for kid, price in prices.items():
        if kid == "home_care":
            scenario = scenario.with_value("home_care.groceries_sek_per_meal", float(price))
        else:
            scenario = scenario.with_value(f"kitchens.{kid}.cost_per_meal_sek", float(price))
    return scenario


def ceiling_prices(
    comparison: Comparison,
    name: str,
    *,
    versus: str | None = None,
    resolve: bool = True,
    solution_limit: int | None = None,
    max_rounds: int = 4,
    tolerance_sek: float = 0.5,
) -> tuple[CeilingPrice, ...]:
    """Ceiling price per meal of each local kitchen of model ``name`` (SEK/meal).

    Parameters
    ----------
    comparison : Comparison
    name : str
        The model (e.g. ``local_kitchens``).
    versus : str, optional
        The reference model (default: the cheapest central model serving as many as
        ``name``).
    resolve : bool
        Re-solve the model at each ceiling and correct it until the totals tie within
        ``tolerance_sek`` (default); False: from the solved plan only (re-pricing).
    solution_limit : int, optional
        Caps each re-solve's search (OR-Tools solutions and PyVRP iterations; default:
        the scenario's limits; pass the comparison's own cap so the re-solve reproduces
        its plans).
    max_rounds : int
        Re-solves per kitchen at most.
    tolerance_sek : float
        When the totals count as tied (SEK/week).

    Returns
    -------
    tuple of CeilingPrice
        One per local kitchen cooking in the model, then one :data:`ALL_LOCAL` row when
        there are two or more; empty when there is none or no versus model.
    """
    res = comparison.results[name]
    if versus is None:
        versus = cheapest_central(comparison.results, serving=res.outcome.recipients_served)
    if versus is None or versus == name or versus not in comparison.results:
        return ()
    target = float(comparison.results[versus].outcome.total_cost_sek_per_week)
    kitchens = _priced_kitchens(res.plan)
    groups: list[tuple[str, tuple[str, ...]]] = [(k, (k,)) for k in kitchens]
    if len(kitchens) > 1:
        groups.append((ALL_LOCAL, tuple(kitchens)))
    spec = comparison.scenario.model(name)
    cache = None
    out: list[CeilingPrice] = []
    for label, ids in groups:
        meals = sum(kitchens[k][0] for k in ids)
        price = sum(kitchens[k][0] * kitchens[k][1] for k in ids) / meals
        base = {k: kitchens[k][1] for k in ids}
        total = float(res.outcome.total_cost_sek_per_week)
        delta = 0.0  # the same change on every kitchen of the group (SEK/meal)
        resolved = False
        for _ in range(max_rounds if resolve else 1):
            step = (target - total) / meals
            if not math.isfinite(step):
                break
            delta += step
            if not resolve or min(base[k] + delta for k in ids) < 0:
                # re-pricing only (a negative price cannot be solved: no price ties)
                total += step * meals
                break
            sc = _with_prices(comparison.scenario, {k: base[k] + delta for k in ids})
            ctx = make_context(
                sc,
                comparison.matrix,
                solution_limit=solution_limit,
                iteration_limit=solution_limit,
                routing_cache=cache,
            )
            cache = ctx.routing_cache  # shared by every re-solve of this call
            plan = solve_model(spec, ctx)
            total = float(price_plan(plan, ctx).total_cost_sek_per_week)
            cooked = _priced_kitchens(plan)
            meals = sum(cooked[k][0] for k in ids if k in cooked)
            if abs(total - target) <= tolerance_sek or meals <= 0:
                resolved = abs(total - target) <= tolerance_sek
                break
        out.append(
            CeilingPrice(
                kitchen_id=label,
                model=name,
                versus_model=versus,
                meals_per_week=meals,
                price_sek_per_meal=price,
                ceiling_price_sek_per_meal=price + delta,
                model_total_sek_per_week=total,
                versus_total_sek_per_week=target,
                resolved=resolved,
            )
        )
    return tuple(out)


def procurement_sheet(
    comparison: Comparison,
    *,
    model: str | None = None,
    resolve: bool = True,
    solution_limit: int | None = None,
) -> ProcurementSheet:
    """The procurement sheet of ``model`` (default :func:`procurement_model`).

    Requirements from the model's plan and outcome, and :func:`ceiling_prices` against
    the cheapest central model serving as many people (``resolve`` and
    ``solution_limit`` as there).
    """
    name = model if model is not None else procurement_model(comparison)
    res = comparison.results[name]
    versus = cheapest_central(comparison.results, serving=res.outcome.recipients_served)
    ceilings = (
        ceiling_prices(
            comparison, name, versus=versus, resolve=resolve, solution_limit=solution_limit
        )
        if versus is not None and versus != name
        else ()
    )
    return ProcurementSheet(
        model=name,
        kind=res.kind,
        versus_model=versus if versus != name else None,
        requirements=_requirements(comparison, name),
        ceilings=ceilings,
    )

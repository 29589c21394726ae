"""The four delivery models: build routing/siting problems from a scenario and a travel matrix.

Every model returns a :class:`maltid.results.WeekPlan` (times in seconds, distances in
metres, costs in SEK). Nothing here prices a plan: :mod:`maltid.costs` does that, from the
plan alone, with the same rates that are given to the routing vehicles here.

Week and days
-------------
Days are numbered 0 = Monday ... 6 = Sunday. A recipient with ``m`` meals a week eats on
the first ``min(m, 7)`` days of the week; with ``m > 7`` the meals are ceil-split (the
first ``m % 7`` days get ``m // 7 + 1`` meals, the others ``m // 7``). For every model the
week is first written out day by day (which kitchen visits whom with how many meals); days
whose content is identical are then solved ONCE and weighted by the number of days
(:attr:`maltid.results.DayPlan.days`). Within a day each kitchen's recipients form their
own routing problem (the kitchen's own vehicles); identical per-kitchen problems are
solved once per :class:`ModelContext` (a deterministic memo, since the routing solve is
deterministic for the same inputs and seed).

Why one routing problem per kitchen (not one multi-depot problem): the assignment of
recipients to kitchens is a decision of the model (the local kitchen serves its village;
the siting MIP decides the mix), so a multi-depot solver must not undo it; per-kitchen
problems are also smaller and cache well across the break-even re-solves.

Models
------
``central_daily_hot``
    ``days_per_week = 7``: every day a hot delivery to every recipient with a meal that
    day. ``days_per_week = 5``: Mon-Thu hot; on Friday the Friday meal is hot and the
    weekend meals travel chilled with the same visit (the load counts them; they are
    reheated, kept 1 and 2 days). Window: the recipient's own window if given, else the
    lunch window. Hot-holding limit applies to stops with a hot meal.
``central_chilled``
    Chilled boxes ``deliveries_per_week = k`` times a week, no hot-holding, window = the
    working day (shift start to shift end), capacity =
    ``fleet.chilled_vehicle_capacity_meals`` (else ``vehicle_capacity_meals``). A delivery
    carries the meals up to the next delivery. Delivery days of one group are
    ``floor(i * 7 / k)`` for ``i < k`` (k = 1: Mon; 2: Mon, Thu; 3: Mon, Wed, Fri ...).
    **Spreading rule**: recipients are split into ``G`` groups by a balanced angular sweep
    around the central kitchen (angles from the kitchen, the sweep starts at the largest
    angular gap, groups are contiguous sectors with about equal meals; ties by id), and
    group ``g`` is delivered on the group days shifted by ``g`` days, so the working week
    (Mon-Fri) is shared. ``G`` starts at ``ceil(meals per delivery / (0.9 x vehicles x
    capacity))`` and grows by one while the solver has to drop stops for lack of vehicles,
    capacity or shift time, up to ``max(1, 5 // k)`` groups. All meals are reheated;
    days kept at home are recorded per stop for the kitchen-to-plate figure.
``local_kitchens`` (the Frame Lake model)
    Every local kitchen is open and cooks daily (7 days) for the recipients of its
    village that it can reach. Village = nearer (travel time) to that local kitchen than
    to the central kitchen (without this a kitchen with spare capacity would take over
    recipients next door to the central kitchen, which is not the Frame Lake model).
    Reach: car: travel time kitchen -> recipient <= ``max_hot_holding_s - service_s``; foot and
    bicycle: road distance <= ``delivery_radius_m`` and walking/cycling time <= the same
    limit; ``on_site``: road distance <= ``delivery_radius_m`` (1000 m if not given), the
    recipient eats at the kitchen. Assignment by the siting MIP with every local kitchen
    forced open and the central kitchen as a fallback whose assignment carries a penalty
    per meal larger than any local cost, so the MIP first maximises the meals cooked
    locally (within capacities) and then minimises the estimated cost. Recipients no
    local kitchen can serve stay with the central kitchen, delivered as in
    ``central_daily_hot`` (the scenario's ``days_per_week`` if such a model is present,
    else 7).
``optimised_mix``
    The siting MIP chooses which candidate local kitchens to open (central always open)
    and who each serves, on the estimated weekly cost of :func:`assignment_cost_sek`
    (production + estimated delivery, vehicle days included); fixed cost of a local
    kitchen = ``7 x fixed_cost_sek_per_day``. Because the delivery cost is an estimate,
    the MIP's choice is only a starting point: the village-first plan over the
    candidates, the central-only plan and one-kitchen flips are routed for real as well
    and the cheapest real plan is kept (:func:`solve_optimised_mix`). For each candidate
    NOT opened the real weekly total-cost delta of opening it is reported in
    :class:`SitingReport`. Candidates not opened appear in ``WeekPlan.kitchens`` with
    ``open=False`` and no meals.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from maltid.errors import InputError
from maltid.results import DayPlan, KitchenWeek, LocalDelivery, WeekPlan

if TYPE_CHECKING:
    from maltid.network.matrix import TravelMatrix
    from maltid.routing import RoutingPlan
    from maltid.scenario import Scenario
    from maltid.siting import SitingProblem, SitingResult

__all__ = [
    "DAY_NAMES",
    "MODEL_KINDS",
    "ModelContext",
    "SitingReport",
    "Visit",
    "assignment_cost_sek",
    "day_label",
    "make_context",
    "meals_by_day",
    "merge_plans",
    "solve_model",
]

logger = logging.getLogger("maltid")

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MODEL_KINDS = ("central_daily_hot", "central_chilled", "local_kitchens", "optimised_mix")

#: Default radius (m) of an ``on_site`` kitchen when the scenario gives none.
ON_SITE_DEFAULT_RADIUS_M = 1000.0
#: Share of a day's fleet capacity the chilled spreading rule plans to fill at first.
CHILLED_FILL_TARGET = 0.9
#: Radius of a recipient's cluster, as a share of its distance from the kitchen (estimate).
NEIGHBOUR_SHARE = 0.25
#: Working days a week over which chilled deliveries are spread.
WORKING_DAYS = 5


# --------------------------------------------------------------------------------------
# context
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelContext:
    """Everything a model needs besides its spec; times in seconds, money in SEK.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (kitchens, recipients, fleet, delivery).
    matrix : TravelMatrix
        Travel times (s) and road distances (m) over kitchens and recipients; its ``ids``
        are the kitchen ids and recipient ids.
    parameters : Mapping[str, float]
        Cost parameters (``costs.parameters_for(scenario)``): the vehicles get
        ``cost_per_km_sek``, ``driver_cost_per_hour_sek`` and
        ``fixed_cost_sek_per_vehicle_day`` from here, the same rates the cost model uses.
    seed : int
        Routing seed.
    time_limit_s : float
        Wall-clock cap of each routing solve (s).
    siting_time_limit_s : float
        Wall-clock cap of each siting MIP (s).
    solution_limit : int or None
        Routing solution limit (``None``: the routing module's size-based default).
    mix_max_evaluations : int or None
        Cap on open sets ``optimised_mix`` routes for real (``None``: 3 + 2 x candidates).
    max_stops_per_solve : int
        Larger kitchen-days are split into angular sectors (:func:`route_kitchen_day`).
    routing_cache : dict
        Memo of solved per-kitchen routing problems (filled as models are solved).
    """

    scenario: Scenario
    matrix: TravelMatrix
    parameters: Mapping[str, float]
    seed: int = 0
    time_limit_s: float = 120.0
    siting_time_limit_s: float = 30.0
    solution_limit: int | None = None
    mix_max_evaluations: int | None = None
    max_stops_per_solve: int = 150
    routing_cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    _rows: dict[str, int] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        rows = {str(i): k for k, i in enumerate(self.matrix.ids)}
        if len(rows) != len(self.matrix.ids):
            raise InputError(
                "travel matrix: ids repeat (fix: give every kitchen and recipient its own id)"
            )
        object.__setattr__(self, "_rows", rows)

    def row(self, point_id: str) -> int:
        """Row of ``point_id`` (kitchen or recipient id) in the travel matrix."""
        try:
            return self._rows[point_id]
        except KeyError:
            raise InputError(
                f"travel matrix: no row for {point_id!r} (fix: build the matrix over every "
                "kitchen id and recipient id of the scenario)"
            ) from None

    def with_parameters(self, parameters: Mapping[str, float]) -> ModelContext:
        """Return a copy with other cost parameters (the routing memo is shared: its keys
        hold every input of a solve, rates included)."""
        return ModelContext(
            scenario=self.scenario,
            matrix=self.matrix,
            parameters=dict(parameters),
            seed=self.seed,
            time_limit_s=self.time_limit_s,
            siting_time_limit_s=self.siting_time_limit_s,
            solution_limit=self.solution_limit,
            mix_max_evaluations=self.mix_max_evaluations,
            max_stops_per_solve=self.max_stops_per_solve,
            routing_cache=self.routing_cache,
        )


def make_context(
    scenario: Scenario,
    matrix: TravelMatrix,
    *,
    parameters: Mapping[str, float] | None = None,
    time_limit_s: float | None = None,
    siting_time_limit_s: float | None = None,
    solution_limit: int | None = None,
    seed: int | None = None,
    routing_cache: dict[Any, Any] | None = None,
) -> ModelContext:
    """Build a :class:`ModelContext` from a scenario (limits in seconds).

    Defaults: parameters from ``costs.parameters_for(scenario)``, limits (time limits,
    ``solution_limit``, ``max_stops_per_solve``) from ``scenario.solver``, seed from
    ``scenario.seed``. ``routing_cache`` may be shared between contexts (e.g. the
    break-even re-solves): its keys hold every input of a
    routing solve (sub-matrices, stops, vehicles with their rates, limit, seed).
    """
    if parameters is None:
        from maltid.costs import parameters_for

        parameters = parameters_for(scenario)
    solver = getattr(scenario, "solver", None)
    if time_limit_s is None:
        time_limit_s = float(getattr(solver, "time_limit_s", 120.0))
    if siting_time_limit_s is None:
        siting_time_limit_s = float(getattr(solver, "siting_time_limit_s", 30.0))
    if solution_limit is None:
        solution_limit = getattr(solver, "solution_limit", None)
    return ModelContext(
        scenario=scenario,
        matrix=matrix,
        parameters=dict(parameters),
        seed=int(scenario.seed if seed is None else seed),
        time_limit_s=float(time_limit_s),
        siting_time_limit_s=float(siting_time_limit_s),
        solution_limit=solution_limit,
        mix_max_evaluations=getattr(solver, "mix_max_evaluations", None),
        max_stops_per_solve=int(getattr(solver, "max_stops_per_solve", 150)),
        routing_cache={} if routing_cache is None else routing_cache,
    )


# --------------------------------------------------------------------------------------
# day-pattern logic (plain Python)
# --------------------------------------------------------------------------------------


def meals_by_day(meals_per_week: int) -> tuple[int, ...]:
    """Meals eaten on each day Mon..Sun by a recipient with ``meals_per_week`` meals.

    The first ``min(m, 7)`` days get one meal; above 7 meals the week is ceil-split (the
    first ``m % 7`` days get ``m // 7 + 1``).
    """
    m = int(meals_per_week)
    if m < 0:
        raise InputError(f"meals_per_week={m} (fix: use a whole number >= 0)")
    if m <= 7:
        return tuple(1 if d < m else 0 for d in range(7))
    base, extra = divmod(m, 7)
    return tuple(base + (1 if d < extra else 0) for d in range(7))


def day_label(days: Sequence[int]) -> str:
    """Human label of a set of weekdays (0 = Mon), runs compressed: ``"Mon-Thu, Sat"``."""
    ds = sorted(set(int(d) for d in days))
    if not ds:
        return ""
    runs: list[tuple[int, int]] = []
    start = prev = ds[0]
    for d in ds[1:]:
        if d == prev + 1:
            prev = d
            continue
        runs.append((start, prev))
        start = prev = d
    runs.append((start, prev))
    parts = [DAY_NAMES[a] if a == b else f"{DAY_NAMES[a]}-{DAY_NAMES[b]}" for a, b in runs]
    return ", ".join(parts)


@dataclass(frozen=True)
class Visit:
    """One delivery at a recipient's door on one day (times in s since midnight).

    ``demand_meals`` = ``fresh_meals + chilled_meals``; ``kept_days_sum`` is the sum over
    the chilled meals of the days each is kept at home before it is eaten.
    """

    recipient_id: str
    kitchen_id: str
    fresh_meals: int
    chilled_meals: int
    hot: bool
    window_start_s: float
    window_end_s: float
    kept_days_sum: float = 0.0

    @property
    def demand_meals(self) -> int:
        """Meals carried to this stop."""
        return self.fresh_meals + self.chilled_meals


def central_hot_visits(
    recipients: Sequence[Any],
    kitchen_id: str,
    *,
    days_per_week: int,
    window_for: Callable[[Any], tuple[float, float]],
) -> list[list[Visit]]:
    """Visits of each day Mon..Sun for daily hot delivery from one kitchen.

    ``days_per_week = 7``: every day with a meal. ``5``: Mon-Thu hot; Friday carries the
    Friday meal hot plus the Saturday and Sunday meals chilled (kept 1 and 2 days).
    """
    if days_per_week not in (5, 7):
        raise InputError(f"central_daily_hot: days_per_week={days_per_week} (fix: use 5 or 7)")
    week: list[list[Visit]] = [[] for _ in range(7)]
    for r in recipients:
        mbd = meals_by_day(r.meals_per_week)
        w0, w1 = window_for(r)
        hot_pref = bool(r.hot_meal)
        last = 7 if days_per_week == 7 else 4
        for d in range(last):
            if mbd[d] > 0:
                week[d].append(Visit(str(r.id), kitchen_id, mbd[d], 0, hot_pref, w0, w1))
        if days_per_week == 5:
            fresh = mbd[4]
            chilled = mbd[5] + mbd[6]
            if fresh + chilled > 0:
                week[4].append(
                    Visit(
                        str(r.id),
                        kitchen_id,
                        fresh,
                        chilled,
                        hot_pref and fresh > 0,
                        w0,
                        w1,
                        kept_days_sum=float(mbd[5] * 1 + mbd[6] * 2),
                    )
                )
    return week


def chilled_offsets(deliveries_per_week: int) -> tuple[int, ...]:
    """Delivery days (0 = Mon) of one chilled group: ``floor(i * 7 / k)`` for ``i < k``."""
    k = int(deliveries_per_week)
    if not 1 <= k <= 7:
        raise InputError(f"central_chilled: deliveries_per_week={k} (fix: use 1..7)")
    return tuple((i * 7) // k for i in range(k))


def chilled_group_visits(
    recipients: Sequence[Any],
    kitchen_id: str,
    *,
    deliveries_per_week: int,
    shift: int,
    window: tuple[float, float],
) -> list[list[Visit]]:
    """Visits of each day Mon..Sun for one chilled group delivered with day shift ``shift``.

    A recipient's week starts at the group's first delivery; delivery ``i`` carries the
    meals of the relative days ``[o_i, o_{i+1})``; a meal eaten ``j`` days after its
    delivery is kept ``j`` days.
    """
    offs = chilled_offsets(deliveries_per_week)
    bounds = [*offs, 7]
    week: list[list[Visit]] = [[] for _ in range(7)]
    for r in recipients:
        mbd = meals_by_day(r.meals_per_week)
        for i, o in enumerate(offs):
            rel = range(o, bounds[i + 1])
            meals = sum(mbd[d] for d in rel)
            if meals == 0:
                continue
            kept = float(sum(mbd[d] * (d - o) for d in rel))
            day = (o + shift) % 7
            week[day].append(
                Visit(str(r.id), kitchen_id, 0, meals, False, window[0], window[1], kept)
            )
    return week


def sweep_groups(
    ids: Sequence[str],
    angle_rad: Sequence[float],
    weight: Sequence[float],
    n_groups: int,
) -> list[list[str]]:
    """Split points into ``n_groups`` contiguous angular sectors of about equal weight.

    The sweep starts after the largest angular gap between neighbours (so no sector
    straddles a dense cluster needlessly); ties in angle are broken by id. Deterministic.
    """
    n = len(ids)
    if n_groups <= 1 or n == 0:
        return [list(ids)]
    order = sorted(range(n), key=lambda k: (float(angle_rad[k]), str(ids[k])))
    angs = [float(angle_rad[k]) for k in order]
    gaps = [(angs[(j + 1) % n] - angs[j]) % (2 * math.pi) for j in range(n)]
    if n > 1:
        start = (int(np.argmax(gaps)) + 1) % n
        order = order[start:] + order[:start]
    total = float(sum(weight)) or 1.0
    groups: list[list[str]] = [[] for _ in range(n_groups)]
    acc = 0.0
    for k in order:
        w = float(weight[k])
        g = min(n_groups - 1, int((acc + w / 2.0) / total * n_groups))
        groups[g].append(str(ids[k]))
        acc += w
    return groups


# --------------------------------------------------------------------------------------
# routing glue
# --------------------------------------------------------------------------------------


def _kitchen(ctx: ModelContext, kitchen_id: str) -> Any:
    for k in ctx.scenario.kitchens:
        if k.id == kitchen_id:
            return k
    raise InputError(f"scenario: no kitchen {kitchen_id!r} (fix: check the kitchen ids)")


def central_kitchen(scenario: Scenario) -> Any:
    """The scenario's central kitchen spec."""
    for k in scenario.kitchens:
        if k.role == "central":
            return k
    raise InputError(
        "scenario: no kitchen with role = 'central' (fix: add exactly one central kitchen)"
    )


def _n_vehicles(ctx: ModelContext, kitchen: Any) -> int:
    v = getattr(kitchen, "vehicles", None)
    return int(ctx.scenario.fleet.vehicles_per_kitchen if v is None else v)


def _vehicles(
    ctx: ModelContext, kitchen_id: str, *, capacity_meals: int, n: int
) -> tuple[Any, ...]:
    from maltid.routing import Vehicle

    fleet = ctx.scenario.fleet
    p = ctx.parameters
    return tuple(
        Vehicle(
            id=f"{kitchen_id}/v{j + 1}",
            depot_index=0,
            capacity_meals=int(capacity_meals),
            cost_per_km_sek=float(p["cost_per_km_sek"]),
            cost_per_hour_sek=float(p["driver_cost_per_hour_sek"]),
            fixed_cost_sek=float(p["fixed_cost_sek_per_vehicle_day"]),
            start_s=float(fleet.shift_start_s),
            max_shift_s=float(fleet.max_shift_s),
        )
        for j in range(n)
    )


def route_kitchen_day(
    ctx: ModelContext,
    kitchen_id: str,
    visits: Sequence[Visit],
    *,
    capacity_meals: int,
    n_vehicles: int,
) -> RoutingPlan:
    """Solve one kitchen's day (its own vehicles) as a routing problem; memoised.

    The sub-matrix over the kitchen and its visits is cut from the context's matrix;
    stop ``hot`` follows the visit; the hot-holding limit is the scenario's.

    Days with more than ``ctx.max_stops_per_solve`` stops are split first (cluster
    first, route second) into the kitchen's fixed angular sectors (:func:`_sectors`),
    each with its share of the vehicles; each sector is solved on its own; vans a sector
    leaves unused move to sectors that had to drop stops, which are solved again (up to
    three rounds); the plans are merged. This bounds the size of every solve (a county's
    central kitchen may have 2,000 stops a day) at the price of routes never crossing a
    sector border.
    """
    vehicles = _vehicles(ctx, kitchen_id, capacity_meals=capacity_meals, n=n_vehicles)
    visits = sorted(visits, key=lambda v: v.recipient_id)
    max_stops = int(ctx.max_stops_per_solve)
    if len(visits) <= max_stops or len(vehicles) <= 1:
        return _solve_visits(ctx, kitchen_id, visits, vehicles)
    sector_of, shares = _sectors(ctx, kitchen_id, len(vehicles))
    by_sector: dict[int, list[Visit]] = {}
    for v in visits:
        by_sector.setdefault(sector_of[v.recipient_id], []).append(v)
    fleet: dict[int, list[Any]] = {}
    first = 0
    for k, count in enumerate(shares):
        fleet[k] = list(vehicles[first : first + count])
        first += count
    active = sorted(by_sector)
    plans = {k: _solve_visits(ctx, kitchen_id, by_sector[k], fleet[k]) for k in active}
    # Rebalance: a far sector may need more vans than its share of meals gives it. Vans
    # left unused by sectors that dropped nobody go, in sector order, to the sectors
    # that dropped stops, which are solved again (an unused van costs nothing).
    for _ in range(3):
        needy = [k for k in active if any(u.code == "dropped" for u in plans[k].unserved)]
        spare: list[Any] = []
        for k in list(fleet):
            if k in needy:
                continue
            used = {r.vehicle_id for r in plans[k].routes} if k in plans else set()
            spare += [v for v in fleet[k] if v.id not in used]
            fleet[k] = [v for v in fleet[k] if v.id in used]
        if not needy or not spare:
            break
        for j, v in enumerate(spare):
            fleet[needy[j % len(needy)]].append(v)
        for k in needy:
            plans[k] = _solve_visits(ctx, kitchen_id, by_sector[k], fleet[k])
    logger.debug("%s: %d stops routed in %d sectors", kitchen_id, len(visits), len(active))
    return merge_plans([plans[k] for k in active])


def _sectors(
    ctx: ModelContext, kitchen_id: str, n_vehicles: int
) -> tuple[dict[str, int], list[int]]:
    """Fixed angular sectors around a kitchen over ALL the scenario's recipients.

    ``ceil(recipients / max_stops_per_solve)`` sectors (at most one per vehicle) of about
    equal meals (:func:`sweep_groups`), and the vehicles each gets: one, the rest by
    meals (largest remainder; ties by sector). Both depend only on the scenario, never
    on the day's visits, so a change in one village (a kitchen opened in a flip of
    ``optimised_mix``) re-routes only that village's sector: the others are memo hits.
    """
    rs = sorted(ctx.scenario.recipients, key=lambda r: str(r.id))
    # the memo is shared by scenario variants (break-even): key on the recipients too
    who = tuple((str(r.id), float(r.lat), float(r.lon), int(r.meals_per_week)) for r in rs)
    key = ("sectors", kitchen_id, n_vehicles, ctx.max_stops_per_solve, who)
    hit = ctx.routing_cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    ids = [str(r.id) for r in rs]
    weight = [float(max(max(meals_by_day(r.meals_per_week)), 1)) for r in rs]
    n_groups = max(1, min(math.ceil(len(rs) / int(ctx.max_stops_per_solve)), n_vehicles))
    groups = sweep_groups(ids, _angles(ctx, _kitchen(ctx, kitchen_id), rs), weight, n_groups)
    groups = [g for g in groups if g]
    w_of = dict(zip(ids, weight, strict=True))
    g_weight = [sum(w_of[i] for i in g) for g in groups]
    spare = n_vehicles - len(groups)
    total = sum(g_weight) or 1.0
    quota = [spare * w / total for w in g_weight]
    shares = [1 + math.floor(q) for q in quota]
    rest = n_vehicles - sum(shares)
    by_remainder = sorted(range(len(groups)), key=lambda k: (math.floor(quota[k]) - quota[k], k))
    for k in by_remainder[:rest]:
        shares[k] += 1
    sector_of = {i: k for k, g in enumerate(groups) for i in g}
    ctx.routing_cache[key] = (sector_of, shares)
    return sector_of, shares


def _solve_visits(
    ctx: ModelContext, kitchen_id: str, visits: Sequence[Visit], vehicles: Sequence[Any]
) -> RoutingPlan:
    """Solve one kitchen's visits with the given vehicles (memoised on every input)."""
    from maltid.routing import RoutingProblem, Stop, solve

    visits = sorted(visits, key=lambda v: v.recipient_id)
    vehicles = tuple(vehicles)
    rows = [ctx.row(kitchen_id)] + [ctx.row(v.recipient_id) for v in visits]
    idx = np.asarray(rows, dtype=np.int64)
    # cut first, then widen: the matrix is float32 and may be county-sized
    t = np.asarray(ctx.matrix.time_s)[np.ix_(idx, idx)].astype(float)
    d = np.asarray(ctx.matrix.distance_m)[np.ix_(idx, idx)].astype(float)
    service_s = float(ctx.scenario.fleet.service_s)
    stops = tuple(
        Stop(
            id=v.recipient_id,
            index=k + 1,
            demand_meals=int(v.demand_meals),
            window_start_s=float(v.window_start_s),
            window_end_s=float(v.window_end_s),
            service_s=service_s,
            hot=bool(v.hot),
        )
        for k, v in enumerate(visits)
    )
    hold = float(ctx.scenario.delivery.max_hot_holding_s)
    key = (
        kitchen_id,
        t.tobytes(),
        d.tobytes(),
        stops,
        vehicles,
        hold,
        ctx.seed,
        ctx.time_limit_s,
        ctx.solution_limit,
    )
    hit = ctx.routing_cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    problem = RoutingProblem(
        time_s=t,
        distance_m=d,
        stops=stops,
        vehicles=vehicles,
        max_hot_holding_s=hold,
        depot_ids={0: kitchen_id},
    )
    plan = solve(
        problem,
        time_limit_s=ctx.time_limit_s,
        seed=ctx.seed,
        solution_limit=ctx.solution_limit,
    )
    ctx.routing_cache[key] = plan
    return plan


def merge_plans(plans: Sequence[RoutingPlan]) -> RoutingPlan:
    """Concatenate several kitchens' plans of one day into one :class:`RoutingPlan`.

    Status: the single status if all agree, else the worst in the order infeasible, fail,
    invalid, timeout, partial, success, optimal, empty.
    """
    from maltid.routing import RoutingPlan

    k2p: dict[str, float] = {}
    for p in plans:
        k2p.update(p.kitchen_to_plate_s)
    statuses = [p.status for p in plans] or ["empty"]
    order = ["infeasible", "fail", "invalid", "not_solved", "timeout", "partial", "success"]
    order += ["optimal", "empty"]
    uniq = set(statuses)
    if len(uniq) == 1:
        status = statuses[0]
    else:
        rank = {s: k for k, s in enumerate(order)}
        real = [s for s in uniq if s != "empty"]
        status = min(real, key=lambda s: rank.get(s, -1))
    return RoutingPlan(
        routes=tuple(r for p in plans for r in p.routes),
        unserved=tuple(u for p in plans for u in p.unserved),
        kitchen_to_plate_s=types.MappingProxyType(k2p),
        status=status,
        objective_sek=float(sum(p.objective_sek for p in plans)),
        solve_time_s=float(sum(p.solve_time_s for p in plans)),
    )


def _hot_window(ctx: ModelContext) -> Callable[[Any], tuple[float, float]]:
    lw = ctx.scenario.delivery.lunch_window_s

    def window_for(r: Any) -> tuple[float, float]:
        ws = getattr(r, "window_start_s", None)
        we = getattr(r, "window_end_s", None)
        if ws is not None and we is not None:
            return float(ws), float(we)
        return float(lw[0]), float(lw[1])

    return window_for


def _shift_window(ctx: ModelContext) -> tuple[float, float]:
    fleet = ctx.scenario.fleet
    return float(fleet.shift_start_s), float(fleet.shift_start_s + fleet.max_shift_s)


# --------------------------------------------------------------------------------------
# assembling a week
# --------------------------------------------------------------------------------------


@dataclass
class _KitchenRole:
    """How one kitchen takes part in a model's week."""

    kitchen: Any
    capacity_meals: int
    n_vehicles: int
    cooking_days: int


def _assemble(
    ctx: ModelContext,
    *,
    name: str,
    kind: str,
    week: Sequence[Mapping[str, Sequence[Visit]]],
    roles: Mapping[str, _KitchenRole],
    hot: bool,
    assignment: Mapping[str, str],
    pre_unserved: Mapping[str, str],
    local_deliveries: Sequence[LocalDelivery] = (),
    local_meals: Mapping[str, tuple[str, int]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> WeekPlan:
    """Group identical days, route each distinct day per kitchen, build the WeekPlan.

    ``week[d]`` maps kitchen id -> visits by vehicle on day ``d``. ``local_meals``:
    recipient -> (kitchen, fresh meals/week) for foot/bicycle/on_site recipients.
    """
    groups: dict[Any, list[int]] = {}
    for d in range(7):
        content = tuple(
            (kid, tuple(sorted(week[d].get(kid, ()), key=lambda v: v.recipient_id)))
            for kid in sorted(week[d])
            if week[d].get(kid)
        )
        if not content:
            continue
        groups.setdefault(content, []).append(d)

    day_plans: list[DayPlan] = []
    fresh: dict[str, float] = {k: 0.0 for k in roles}
    chilled: dict[str, float] = {k: 0.0 for k in roles}
    unserved: dict[str, str] = dict(pre_unserved)
    for content, days in sorted(groups.items(), key=lambda kv: kv[1][0]):
        plans = []
        chilled_map: dict[str, int] = {}
        kept_map: dict[str, float] = {}
        fresh_map: dict[str, int] = {}
        for kid, visits in content:
            role = roles[kid]
            plan = route_kitchen_day(
                ctx,
                kid,
                visits,
                capacity_meals=role.capacity_meals,
                n_vehicles=role.n_vehicles,
            )
            plans.append(plan)
            served = set(plan.served_ids)
            for v in visits:
                fresh_map[v.recipient_id] = v.fresh_meals
                if v.chilled_meals:
                    chilled_map[v.recipient_id] = v.chilled_meals
                    kept_map[v.recipient_id] = v.kept_days_sum / v.chilled_meals
                if v.recipient_id in served:
                    fresh[kid] += v.fresh_meals * len(days)
                    chilled[kid] += v.chilled_meals * len(days)
            for u in plan.unserved:
                unserved.setdefault(u.stop_id, f"{day_label(days)}: {u.reason} [{u.code}]")
        merged = merge_plans(plans)
        label = day_label(days)
        if hot and chilled_map:
            label += " (weekend meals chilled)"
        day_plans.append(
            DayPlan(
                label=label,
                days=len(days),
                plan=merged,
                hot=hot,
                day_indices=tuple(days),
                fresh_meals=types.MappingProxyType(fresh_map),
                chilled_meals=types.MappingProxyType(chilled_map),
                chilled_days_kept=types.MappingProxyType(kept_map),
            )
        )
    recips: dict[str, list[str]] = {k: [] for k in roles}
    for rid, kid in sorted(assignment.items()):
        if kid in recips:
            recips[kid].append(rid)
    for _rid, (kid, meals) in sorted((local_meals or {}).items()):
        fresh[kid] = fresh.get(kid, 0.0) + meals
    kitchens = tuple(
        KitchenWeek(
            kitchen_id=kid,
            role=str(role.kitchen.role),
            open=True,
            cooking_days_per_week=role.cooking_days,
            meals_fresh_per_week=float(fresh.get(kid, 0.0)),
            meals_chilled_per_week=float(chilled.get(kid, 0.0)),
            cost_per_meal_sek=float(role.kitchen.cost_per_meal_sek),
            fixed_cost_sek_per_day=float(role.kitchen.fixed_cost_sek_per_day),
            local_food_share=float(getattr(role.kitchen, "local_food_share", 0.0) or 0.0),
            delivery_mode=str(getattr(role.kitchen, "delivery_mode", "car") or "car"),
            recipients=tuple(recips.get(kid, ())),
        )
        for kid, role in roles.items()
    )
    return WeekPlan(
        model=name,
        kind=kind,
        kitchens=kitchens,
        days=tuple(day_plans),
        assignment=types.MappingProxyType(dict(sorted(assignment.items()))),
        unserved=types.MappingProxyType(dict(sorted(unserved.items()))),
        local_deliveries=tuple(local_deliveries),
        extra=types.MappingProxyType(dict(extra or {})),
    )


def _central_role(ctx: ModelContext, *, cooking_days: int, chilled: bool = False) -> _KitchenRole:
    c = central_kitchen(ctx.scenario)
    fleet = ctx.scenario.fleet
    cap = int(fleet.vehicle_capacity_meals)
    chilled_cap = getattr(fleet, "chilled_vehicle_capacity_meals", None)
    if chilled and chilled_cap:
        cap = int(chilled_cap)
    return _KitchenRole(c, cap, _n_vehicles(ctx, c), cooking_days)


def _spec_days_per_week(ctx: ModelContext) -> int:
    for m in ctx.scenario.models:
        if m.kind == "central_daily_hot":
            return int(getattr(m, "days_per_week", 7))
    return 7


# --------------------------------------------------------------------------------------
# the models
# --------------------------------------------------------------------------------------


def _central_daily_hot(ctx: ModelContext, spec: Any) -> WeekPlan:
    c = central_kitchen(ctx.scenario)
    dpw = int(getattr(spec, "days_per_week", 7))
    visits = central_hot_visits(
        ctx.scenario.recipients, c.id, days_per_week=dpw, window_for=_hot_window(ctx)
    )
    week = [{c.id: vs} if vs else {} for vs in visits]
    return _assemble(
        ctx,
        name=spec.name,
        kind="central_daily_hot",
        week=week,
        roles={c.id: _central_role(ctx, cooking_days=dpw)},
        hot=True,
        assignment={str(r.id): c.id for r in ctx.scenario.recipients},
        pre_unserved={},
        extra={"days_per_week": dpw},
    )


def _angles(ctx: ModelContext, kitchen: Any, recipients: Sequence[Any]) -> list[float]:
    coslat = math.cos(math.radians(float(kitchen.lat)))
    return [
        math.atan2(float(r.lat) - float(kitchen.lat), (float(r.lon) - float(kitchen.lon)) * coslat)
        for r in recipients
    ]


def _central_chilled(ctx: ModelContext, spec: Any) -> WeekPlan:
    c = central_kitchen(ctx.scenario)
    k = int(getattr(spec, "deliveries_per_week", 1))
    offs = chilled_offsets(k)
    role = _central_role(ctx, cooking_days=1, chilled=True)
    recipients = sorted(ctx.scenario.recipients, key=lambda r: str(r.id))
    by_id = {str(r.id): r for r in recipients}
    window = _shift_window(ctx)
    max_groups = max(1, WORKING_DAYS // k) if k <= WORKING_DAYS else 1
    per_delivery = [
        max(
            sum(meals_by_day(r.meals_per_week)[o:b])
            for o, b in zip(offs, [*offs[1:], 7], strict=True)
        )
        for r in recipients
    ]
    fleet_day = CHILLED_FILL_TARGET * max(1, role.n_vehicles) * max(1, role.capacity_meals)
    n_groups = min(max_groups, max(1, math.ceil(sum(per_delivery) / fleet_day)))
    angles = _angles(ctx, c, recipients)
    ids = [str(r.id) for r in recipients]
    weights = [float(r.meals_per_week) for r in recipients]
    while True:
        groups = sweep_groups(ids, angles, weights, n_groups)
        week: list[dict[str, list[Visit]]] = [{} for _ in range(7)]
        for g, members in enumerate(groups):
            gv = chilled_group_visits(
                [by_id[i] for i in members],
                c.id,
                deliveries_per_week=k,
                shift=g,
                window=window,
            )
            for d in range(7):
                if gv[d]:
                    week[d].setdefault(c.id, []).extend(gv[d])
        cooking = sum(1 for d in range(7) if week[d])
        role.cooking_days = cooking
        plan = _assemble(
            ctx,
            name=spec.name,
            kind="central_chilled",
            week=week,
            roles={c.id: role},
            hot=False,
            assignment={i: c.id for i in ids},
            pre_unserved={},
            extra={
                "deliveries_per_week": k,
                "groups": n_groups,
                "group_members": tuple(tuple(g) for g in groups),
                "delivery_days": tuple(
                    tuple(DAY_NAMES[(o + g) % 7] for o in offs) for g in range(n_groups)
                ),
            },
        )
        dropped = any(u.code == "dropped" for dp in plan.days for u in dp.plan.unserved)
        if not dropped or n_groups >= max_groups:
            return plan
        n_groups += 1
        logger.info("central_chilled: stops dropped, spreading over %d groups", n_groups)


@dataclass(frozen=True)
class _Reach:
    """Which kitchen may serve which recipient, and the local (non-car) delivery data."""

    allowed: np.ndarray  # facility x customer bool
    one_way_m: np.ndarray  # facility x customer road distance (m)
    one_way_s: np.ndarray  # facility x customer delivery time by the kitchen's mode (s)


def _local_speed_mps(ctx: ModelContext, mode: str) -> float:
    p = ctx.parameters
    if mode == "foot":
        return float(p["walking_speed_kph"]) / 3.6
    if mode == "bicycle":
        return float(p["cycling_speed_kph"]) / 3.6
    raise ValueError(mode)


def _radius_m(kitchen: Any) -> float:
    r = getattr(kitchen, "delivery_radius_m", None)
    if r is None:
        mode = getattr(kitchen, "delivery_mode", "car")
        return {"foot": 1500.0, "bicycle": 4000.0}.get(mode, ON_SITE_DEFAULT_RADIUS_M)
    return float(r)


def reach(ctx: ModelContext, kitchens: Sequence[Any], recipients: Sequence[Any]) -> _Reach:
    """Which kitchens can serve which recipients within the hot-holding limit.

    Central and local car kitchens: ``time_s[k, r] <= max_hot_holding_s - service_s``.
    Foot / bicycle: road distance <= ``delivery_radius_m`` and distance / speed <= the same
    limit. ``on_site``: road distance <= ``delivery_radius_m``. Recipients who do not want
    a hot meal (``hot_meal = False``) are bound by the same reach (they belong to the
    village the kitchen serves).
    """
    hold = float(ctx.scenario.delivery.max_hot_holding_s) - float(ctx.scenario.fleet.service_s)
    nf, nc = len(kitchens), len(recipients)
    allowed = np.zeros((nf, nc), dtype=bool)
    one_m = np.full((nf, nc), np.inf)
    one_s = np.full((nf, nc), np.inf)
    rrows = np.asarray([ctx.row(str(r.id)) for r in recipients], dtype=np.int64)
    tm = np.asarray(ctx.matrix.time_s, dtype=float)
    dm = np.asarray(ctx.matrix.distance_m, dtype=float)
    for i, k in enumerate(kitchens):
        kr = ctx.row(k.id)
        t = tm[kr, rrows]
        dist = dm[kr, rrows]
        mode = getattr(k, "delivery_mode", "car") or "car"
        one_m[i] = dist
        if mode in ("car",) or k.role == "central":
            one_s[i] = t
            allowed[i] = np.isfinite(t) & (t <= hold)
        elif mode in ("foot", "bicycle"):
            ts = dist / _local_speed_mps(ctx, mode)
            one_s[i] = ts
            allowed[i] = np.isfinite(dist) & (dist <= _radius_m(k)) & (ts <= hold)
        elif mode == "on_site":
            one_s[i] = 0.0
            allowed[i] = np.isfinite(dist) & (dist <= _radius_m(k))
        else:
            raise InputError(
                f"kitchen {k.id!r}: delivery_mode={mode!r} (fix: car, foot, bicycle or on_site)"
            )
    return _Reach(allowed, one_m, one_s)


def assignment_cost_sek(
    ctx: ModelContext,
    kitchens: Sequence[Any],
    recipients: Sequence[Any],
    rch: _Reach,
    *,
    delivery_days: Sequence[int],
) -> np.ndarray:
    """Estimated weekly cost (SEK) of kitchen ``i`` serving recipient ``j``; inf = not allowed.

    ``production = meals_per_week x cost_per_meal_sek(i)`` plus a delivery estimate per
    delivery day x ``delivery_days[i]``:

    * car (radial/insertion estimate, after Daganzo's route-length approximation): the
      round trip ``i -> j -> i`` is shared by the stops that would ride on the same trip,
      ``q_ij = min(q_cap, q_hold, n_ij)`` where ``q_cap = vehicle capacity / meals per
      stop``, ``q_hold = max_hot_holding_s / service_s`` and ``n_ij`` counts the
      recipients sharing the trip. Catchments: each recipient's nearest kitchen by travel
      time among ``kitchens``. If ``j`` is in ``i``'s own catchment, ``n_ij`` = the
      size of that catchment (its routes serve all of it). Otherwise, for the central
      kitchen, ``n_ij`` = ``j``'s cluster: the recipients of ``j``'s catchment within
      ``NEIGHBOUR_SHARE x d_ij`` road metres of ``j`` (a far village is driven to as a
      whole); for a LOCAL kitchen ``n_ij = 1`` (a dedicated trip: a village kitchen does
      not run a route into another catchment for a few of its recipients -- the
      separable MIP could not see that the rest of that cluster stays behind); plus the
      local detour to the nearest other recipient in both directions:
      ``(d_ij + d_ji) / q_ij + (d_nn(j) + d_nn'(j))`` metres at ``cost_per_km_sek`` plus
      the same in seconds (with ``t``) plus the service time, at
      ``driver_cost_per_hour_sek``, plus ``fixed_cost_sek_per_vehicle_day / q_ij`` (the
      vehicle's day shared by its stops -- for every kitchen alike, so a local kitchen's
      own car is not charged twice);
    * foot / bicycle: staff time ``2 x distance / speed + service`` at
      ``local_delivery_staff_cost_per_hour_sek``;
    * on_site: no delivery cost.
    """
    p = ctx.parameters
    fleet = ctx.scenario.fleet
    per_km = float(p["cost_per_km_sek"])
    per_h = float(p["driver_cost_per_hour_sek"])
    staff_h = float(p.get("local_delivery_staff_cost_per_hour_sek", per_h))
    veh_fixed = float(p["fixed_cost_sek_per_vehicle_day"])
    service_s = float(fleet.service_s)
    rrows = np.asarray([ctx.row(str(r.id)) for r in recipients], dtype=np.int64)
    tm = np.asarray(ctx.matrix.time_s, dtype=float)
    dm = np.asarray(ctx.matrix.distance_m, dtype=float)
    nc = len(recipients)
    if nc > 1:
        sub_d = dm[np.ix_(rrows, rrows)].copy()
        sub_t = tm[np.ix_(rrows, rrows)].copy()
        np.fill_diagonal(sub_d, np.inf)
        np.fill_diagonal(sub_t, np.inf)
        nn_d = np.min(sub_d, axis=1) + np.min(sub_d, axis=0)
        nn_t = np.min(sub_t, axis=1) + np.min(sub_t, axis=0)
        nn_d = np.where(np.isfinite(nn_d), nn_d, 0.0)
        nn_t = np.where(np.isfinite(nn_t), nn_t, 0.0)
    else:
        nn_d = np.zeros(nc)
        nn_t = np.zeros(nc)
    meals = np.asarray([float(r.meals_per_week) for r in recipients])
    per_stop = np.asarray([max(meals_by_day(r.meals_per_week)) for r in recipients], dtype=float)
    q = np.maximum(1.0, float(fleet.vehicle_capacity_meals) / np.maximum(per_stop, 1.0))
    q = np.minimum(
        q, max(1.0, float(ctx.scenario.delivery.max_hot_holding_s) / max(service_s, 1.0))
    )
    rr_d = dm[np.ix_(rrows, rrows)] if nc else np.zeros((0, 0))
    krows = np.asarray([ctx.row(k.id) for k in kitchens], dtype=np.int64)
    t_kr = tm[np.ix_(krows, rrows)]
    cell = np.argmin(np.where(np.isfinite(t_kr), t_kr, np.inf), axis=0) if nc else np.zeros(0)
    same_cell = cell[:, None] == cell[None, :]
    out = np.full((len(kitchens), nc), np.inf)
    for i, k in enumerate(kitchens):
        kr = ctx.row(k.id)
        prod = meals * float(k.cost_per_meal_sek)
        mode = "car" if k.role == "central" else (getattr(k, "delivery_mode", "car") or "car")
        if mode == "car":
            rt_d = dm[kr, rrows] + dm[rrows, kr]
            rt_t = tm[kr, rrows] + tm[rrows, kr]
            near = ((rr_d <= NEIGHBOUR_SHARE * dm[kr, rrows][:, None]) & same_cell).sum(axis=1)
            own = np.where(cell == i, int(np.sum(cell == i)), 0)
            if k.role != "central":
                near = np.where(cell == i, own, 1)
            else:
                near = np.where(cell == i, own, near)
            qi = np.minimum(q, np.maximum(near, 1))
            day = (
                (rt_d / qi + nn_d) / 1000.0 * per_km
                + (rt_t / qi + nn_t + service_s) / 3600.0 * per_h
                + veh_fixed / qi
            )
        elif mode in ("foot", "bicycle"):
            day = (2.0 * rch.one_way_s[i] + service_s) / 3600.0 * staff_h
        else:
            day = np.zeros(nc)
        total = prod + day * float(delivery_days[i])
        out[i] = np.where(rch.allowed[i], total, np.inf)
    return out


def _local_delivery(
    ctx: ModelContext, kitchen: Any, r: Any, rch: _Reach, i: int, j: int
) -> LocalDelivery:
    mode = kitchen.delivery_mode
    days = sum(1 for m in meals_by_day(r.meals_per_week) if m > 0)
    if mode == "on_site":
        return LocalDelivery(str(r.id), kitchen.id, mode, 0.0, 0.0, 0.0, days)
    service_s = float(ctx.scenario.fleet.service_s)
    one_s = float(rch.one_way_s[i, j])
    return LocalDelivery(
        recipient_id=str(r.id),
        kitchen_id=kitchen.id,
        mode=mode,
        one_way_distance_m=float(rch.one_way_m[i, j]),
        kitchen_to_plate_s=one_s,
        staff_time_s=2.0 * one_s + service_s,
        days=days,
    )


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


def _siting_plan(
    ctx: ModelContext,
    spec: Any,
    *,
    kind: str,
    force_open: Sequence[str] = (),
    force_closed: Sequence[str] = (),
    village_first: bool | None = None,
) -> tuple[WeekPlan, SitingResult, SitingProblem]:
    """Assign recipients with the siting MIP and route every kitchen (both local models).

    ``village_first`` (default: ``kind == "local_kitchens"``) is the Frame Lake rule: every
    local kitchen open, each serving its own village first (see the module docstring).
    """
    from maltid.siting import SitingProblem, solve_siting

    if village_first is None:
        village_first = kind == "local_kitchens"

    sc = ctx.scenario
    central = central_kitchen(sc)
    recipients = sorted(sc.recipients, key=lambda r: str(r.id))
    locals_ = [k for k in sc.kitchens if k.role == "local"]
    if kind == "optimised_mix":
        locals_ = [k for k in locals_ if getattr(k, "candidate", True) or k.id in force_open]
    facilities = [central, *locals_]
    central_days = _spec_days_per_week(ctx)
    delivery_days = [central_days] + [7] * len(locals_)
    rch = reach(ctx, facilities, recipients)
    if village_first:
        rch = _village_only(ctx, facilities, recipients, rch)
    cost = assignment_cost_sek(ctx, facilities, recipients, rch, delivery_days=delivery_days)
    # the central kitchen is always a fallback: recipients nobody can reach stay with it
    cost[0] = np.where(np.isfinite(cost[0]), cost[0], _central_fallback(cost))
    demand = np.asarray([max(meals_by_day(r.meals_per_week)) for r in recipients], dtype=float)
    capacity = np.asarray([float(k.capacity_meals_per_day) for k in facilities])
    # vehicle days are charged per stop in assignment_cost_sek, not here
    fixed = np.asarray([0.0] + [7.0 * float(k.fixed_cost_sek_per_day) for k in locals_])
    if village_first:
        # maximise locally cooked meals first: a per-meal penalty above any local cost
        finite = cost[np.isfinite(cost)]
        big = 10.0 * (float(finite.max()) if finite.size else 1.0) + 1.0
        cost[0] = cost[0] + big * np.asarray([float(r.meals_per_week) for r in recipients])
        always = [True] * len(facilities)
    else:
        always = [True] + [False] * len(locals_)
    central_cap = float(central.capacity_meals_per_day)
    capacity[0] = max(central_cap, float(demand.sum()))
    if central_cap < float(demand.sum()):
        logger.warning(
            "%s: the central kitchen's capacity (%g meals/day) is below the peak demand; "
            "the capacity is not enforced for the central fallback",
            spec.name,
            central_cap,
        )
    problem = SitingProblem(
        facility_ids=tuple(k.id for k in facilities),
        customer_ids=tuple(str(r.id) for r in recipients),
        fixed_cost_sek=fixed,
        capacity=capacity,
        demand=demand,
        assign_cost_sek=cost,
        always_open=np.asarray(always, dtype=bool),
    )
    result = solve_siting(
        problem,
        time_limit_s=ctx.siting_time_limit_s,
        force_open=tuple(force_open),
        force_closed=tuple(force_closed),
    )
    if result.status not in ("OPTIMAL", "FEASIBLE"):
        raise InputError(
            f"{spec.name}: the kitchen-siting model has no solution (status {result.status}); "
            "(fix: check the kitchens' capacity_meals_per_day against the recipients' meals)"
        )
    assign = {str(c): str(f) for c, f in result.assignment.items()}
    for r in recipients:
        assign.setdefault(str(r.id), central.id)
    open_ids = [central.id] + [k.id for k in locals_ if k.id in set(result.open_ids)]
    plan = _local_week(
        ctx,
        spec,
        kind=kind,
        open_kitchens=[k for k in facilities if k.id in open_ids],
        assignment=assign,
        rch=rch,
        facilities=facilities,
        recipients=recipients,
        central_days=central_days,
        extra={
            "siting_status": result.status,
            "siting_objective_sek": float(result.objective_sek),
            "open_ids": tuple(open_ids),
        },
    )
    closed = tuple(
        KitchenWeek(
            kitchen_id=k.id,
            role=str(k.role),
            open=False,
            cooking_days_per_week=0,
            meals_fresh_per_week=0.0,
            meals_chilled_per_week=0.0,
            cost_per_meal_sek=float(k.cost_per_meal_sek),
            fixed_cost_sek_per_day=float(k.fixed_cost_sek_per_day),
            local_food_share=float(getattr(k, "local_food_share", 0.0) or 0.0),
            delivery_mode=str(getattr(k, "delivery_mode", "car") or "car"),
        )
        for k in locals_
        if k.id not in open_ids
    )
    if closed:
        plan = dataclasses.replace(plan, kitchens=plan.kitchens + closed)
    return plan, result, problem


def _village_only(
    ctx: ModelContext, facilities: Sequence[Any], recipients: Sequence[Any], rch: _Reach
) -> _Reach:
    """Restrict local kitchens to their village: recipients nearer (travel time) to that
    local kitchen than to the central kitchen (``facilities[0]``)."""
    tm = np.asarray(ctx.matrix.time_s, dtype=float)
    rrows = np.asarray([ctx.row(str(r.id)) for r in recipients], dtype=np.int64)
    t_central = tm[ctx.row(facilities[0].id), rrows]
    allowed = rch.allowed.copy()
    for i, k in enumerate(facilities[1:], start=1):
        allowed[i] &= tm[ctx.row(k.id), rrows] < t_central
    return _Reach(allowed, rch.one_way_m, rch.one_way_s)


def _central_fallback(cost: np.ndarray) -> np.ndarray:
    finite = cost[np.isfinite(cost)]
    big = 100.0 * (float(finite.max()) if finite.size else 1.0) + 1.0
    return np.full(cost.shape[1], big)


def _local_week(
    ctx: ModelContext,
    spec: Any,
    *,
    kind: str,
    open_kitchens: Sequence[Any],
    assignment: Mapping[str, str],
    rch: _Reach,
    facilities: Sequence[Any],
    recipients: Sequence[Any],
    central_days: int,
    extra: Mapping[str, Any],
) -> WeekPlan:
    central = central_kitchen(ctx.scenario)
    fac_index = {k.id: i for i, k in enumerate(facilities)}
    rec_index = {str(r.id): j for j, r in enumerate(recipients)}
    window_for = _hot_window(ctx)
    week: list[dict[str, list[Visit]]] = [{} for _ in range(7)]
    roles: dict[str, _KitchenRole] = {}
    local_deliveries: list[LocalDelivery] = []
    local_meals: dict[str, tuple[str, int]] = {}
    fleet = ctx.scenario.fleet
    for k in open_kitchens:
        mine = [r for r in recipients if assignment.get(str(r.id)) == k.id]
        mode = "car" if k.role == "central" else (getattr(k, "delivery_mode", "car") or "car")
        if k.role == "central":
            roles[k.id] = _central_role(ctx, cooking_days=central_days)
            vis = central_hot_visits(mine, k.id, days_per_week=central_days, window_for=window_for)
        else:
            roles[k.id] = _KitchenRole(k, int(fleet.vehicle_capacity_meals), _n_vehicles(ctx, k), 7)
            if mode != "car":
                for r in mine:
                    i, j = fac_index[k.id], rec_index[str(r.id)]
                    local_deliveries.append(_local_delivery(ctx, k, r, rch, i, j))
                    local_meals[str(r.id)] = (k.id, int(r.meals_per_week))
                continue
            vis = central_hot_visits(mine, k.id, days_per_week=7, window_for=window_for)
        for d in range(7):
            if vis[d]:
                week[d][k.id] = vis[d]
    if central.id not in roles:
        roles[central.id] = _central_role(ctx, cooking_days=central_days)
    return _assemble(
        ctx,
        name=spec.name,
        kind=kind,
        week=week,
        roles=roles,
        hot=True,
        assignment=assignment,
        pre_unserved={},
        local_deliveries=local_deliveries,
        local_meals=local_meals,
        extra=extra,
    )


def _local_kitchens(ctx: ModelContext, spec: Any) -> WeekPlan:
    plan, _, _ = _siting_plan(ctx, spec, kind="local_kitchens")
    return plan


@dataclass(frozen=True)
class _MixEval:
    open_set: frozenset[str]
    cost_sek: float
    plan: WeekPlan
    objective_sek: float
    how: str


def _default_price(ctx: ModelContext) -> Callable[[WeekPlan], float]:
    from maltid.costs import weekly_outcome

    meals = {str(r.id): int(r.meals_per_week) for r in ctx.scenario.recipients}

    def price(plan: WeekPlan) -> float:
        out = weekly_outcome(plan, parameters=ctx.parameters, recipients_meals=meals)
        return float(out.total_cost_sek_per_week)

    return price


def solve_optimised_mix(
    ctx: ModelContext,
    spec: Any,
    *,
    price: Callable[[WeekPlan], float] | None = None,
    max_evaluations: int | None = None,
) -> tuple[WeekPlan, SitingReport]:
    """Solve ``optimised_mix``: the cheapest real-routed set of kitchens found (SEK/week).

    The siting MIP's delivery cost is an estimate, so its choice is not trusted blindly.
    Every candidate open set below is routed for real and priced with ``price``; the
    plan serving the most recipients wins, then the cheapest (ties: the earlier one):

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
        WeekPlan -> total weekly cost (SEK/week); default ``costs.weekly_outcome`` with
        the context's parameters.
    max_evaluations : int, optional
        Cap on open sets routed for real, besides the final flips the report needs;
        default ``ctx.mix_max_evaluations`` or ``3 + 2 x candidates``.
    """
    price = price or _default_price(ctx)
    cands = [
        k.id for k in ctx.scenario.kitchens if k.role == "local" and getattr(k, "candidate", True)
    ]
    if max_evaluations is None:
        max_evaluations = ctx.mix_max_evaluations or 3 + 2 * len(cands)
    evals: dict[frozenset[str], _MixEval] = {}
    order: list[tuple[tuple[str, ...], float]] = []

    def record(plan: WeekPlan, result: Any, how: str, *, comparable: bool = True) -> _MixEval:
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
        plan, res, _ = _siting_plan(
            ctx,
            spec,
            kind="optimised_mix",
            force_open=[k for k in cands if k in open_set],
            force_closed=[k for k in cands if k not in open_set],
        )
        return record(plan, res, how)

    plan0, res0, _ = _siting_plan(ctx, spec, kind="optimised_mix")
    first = record(plan0, res0, "mip")
    mip_open = first.open_set
    if cands:
        vplan, vres, _ = _siting_plan(ctx, spec, kind="optimised_mix", village_first=True)
        record(vplan, vres, "village_first", comparable=False)
        exact(frozenset(), "central_only")

    def best() -> _MixEval:
        # serving more recipients comes first: a plan that drops recipients is not
        # cheaper, it is incomplete; then the cost (min keeps the first of ties)
        return min(evals.values(), key=lambda e: (len(e.plan.unserved), e.cost_sek))

    current = best()
    while len(order) < max_evaluations:
        for k in cands:
            if len(order) >= max_evaluations:
                break
            exact(current.open_set ^ {k}, "flip")
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
    for k in cands:
        flip = exact(chosen ^ {k}, "flip")
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
    central = central_kitchen(ctx.scenario).id
    plan = current.plan
    plan = dataclasses.replace(
        plan, extra=types.MappingProxyType({**dict(plan.extra), "chosen_by": current.how})
    )
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


def solve_model(spec: Any, ctx: ModelContext) -> WeekPlan:
    """Solve one delivery model for one week; returns the :class:`WeekPlan` (s, m, SEK).

    ``spec.kind`` is one of :data:`MODEL_KINDS`. For ``optimised_mix`` this is
    :func:`solve_optimised_mix` priced by the cost model, without its report.
    """
    kind = spec.kind
    if kind == "central_daily_hot":
        return _central_daily_hot(ctx, spec)
    if kind == "central_chilled":
        return _central_chilled(ctx, spec)
    if kind == "local_kitchens":
        return _local_kitchens(ctx, spec)
    if kind == "optimised_mix":
        plan, _ = solve_optimised_mix(ctx, spec)
        return plan
    raise InputError(f"models: unknown kind {kind!r} (fix: use one of {', '.join(MODEL_KINDS)})")

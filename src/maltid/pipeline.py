"""Compare the delivery models of a scenario: ``compare(scenario) -> Comparison`` (SEK/week).

The one path shared by the CLI, batch runs and notebooks. ``compare`` loads the road
network, snaps kitchens and recipients, builds ONE travel matrix over all of them
(:func:`prepare_matrix`), solves and prices every model of the scenario
(:func:`maltid.analysis.solve_priced`), and assembles a frozen
:class:`maltid.comparison.Comparison` with the break-even, sensitivity and conclusions
of :mod:`maltid.analysis`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from maltid.analysis import (
    BREAK_EVEN_PARAMETERS,
    SENSITIVITY_PARAMETERS,
    Progress,
    break_even_table,
    cheapest_central,
    conclude,
    difference_tornado,
    local_model_name,
    local_model_names,
    price_plan,
    robustness_table,
    sensitivity_table,
    site_points,
    solve_priced,
    versus_models,
)
from maltid.analysis.procurement import procurement_sheet
from maltid.comparison import NOT_SERVED_COLUMNS, Comparison, ModelResult
from maltid.errors import Problem, ScenarioError
from maltid.models import make_context, meals_by_day

if TYPE_CHECKING:
    import pandas as pd

    from maltid.network import RoadNetwork, Snapped, TravelMatrix
    from maltid.scenario import Scenario

__all__ = [
    "BREAK_EVEN_PARAMETERS",
    "SENSITIVITY_PARAMETERS",
    "NetworkReach",
    "ScenarioPoints",
    "assumptions_table",
    "baseline_name",
    "check_network_reach",
    "compare",
    "local_model_name",
    "not_served_frame",
    "prepare_matrix",
    "price_plan",
    "scenario_points",
]

logger = logging.getLogger("maltid")


def _noop(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class ScenarioPoints:
    """Every point a scenario routes between: kitchens, home-care bases, recipients (degrees).

    Attributes
    ----------
    ids : list of str
        Kitchen ids, home-care base ids (with ``[home_care]``), then recipient ids (the
        travel matrix's order).
    lat, lon : numpy.ndarray
        WGS84 latitude and longitude (degrees), aligned with ``ids``.
    """

    ids: list[str]
    lat: np.ndarray
    lon: np.ndarray


def scenario_points(scenario: Scenario) -> ScenarioPoints:
    """Kitchens, home-care bases, then recipients of ``scenario`` as ids and WGS84 degrees.

    Ids are unique across kitchens and recipients (a load-time rule of the scenario).
    """
    sites = site_points(scenario)
    ids = [sid for sid, _, _ in sites] + [str(r.id) for r in scenario.recipients]
    lat = np.asarray([la for _, la, _ in sites] + [float(r.lat) for r in scenario.recipients])
    lon = np.asarray([lo for _, _, lo in sites] + [float(r.lon) for r in scenario.recipients])
    return ScenarioPoints(ids=ids, lat=lat, lon=lon)


def prepare_matrix(
    scenario: Scenario,
    network: RoadNetwork,
    *,
    cache_dir: str | None = None,
    progress: Progress | None = None,
) -> tuple[Snapped, TravelMatrix]:
    """Snap the scenario's points to ``network`` and build their travel matrix (s, m).

    The matrix is read from / written to the disk cache (``cache_dir`` or the default),
    so a batch can build it once and every worker reuse it.
    """
    from maltid.network import snap, travel_matrix

    tick = progress or _noop
    pts = scenario_points(scenario)
    tick("matrix", 0, 2)
    snapped = snap(
        network, pts.ids, pts.lat, pts.lon, warn_beyond_m=float(scenario.network.snap_warn_m)
    )
    tick("matrix", 1, 2)
    matrix = travel_matrix(network, pts.ids, snapped.node, cache_dir=cache_dir, use_cache=True)
    tick("matrix", 2, 2)
    return snapped, matrix


@dataclass(frozen=True)
class NetworkReach:
    """Kitchens and recipients farther than ``network.snap_warn_m`` from any drivable road.

    Attributes
    ----------
    problems : tuple of Problem
        One per kitchen (or home-care base) that far: the scenario cannot be compared
        (``validate`` exits 2).
    warnings : tuple of Problem
        One per recipient that far: compared, but check the position (its reason in
        ``unserved.csv`` says so when it is not served).
    distance_m : Mapping[str, float]
        Point id -> distance (m) to the nearest road node, for every point that far.
    """

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    distance_m: Mapping[str, float]


def check_network_reach(
    scenario: Scenario, network: RoadNetwork, *, snapped: Snapped | None = None
) -> NetworkReach:
    """Check that every kitchen (and recipient) lies within ``snap_warn_m`` of a road (m).

    A kitchen farther than ``scenario.network.snap_warn_m`` from the nearest node of the
    drivable network is a problem (nothing can be delivered from it); a recipient that far
    is a warning. ``snapped``: the points already snapped (else they are snapped here).
    """
    from maltid.network import snap

    warn_m = float(scenario.network.snap_warn_m)
    if snapped is None:
        pts = scenario_points(scenario)
        snapped = snap(network, pts.ids, pts.lat, pts.lon, warn_beyond_m=warn_m)
    dist = {str(i): float(d) for i, d in zip(snapped.ids, snapped.snap_distance_m, strict=True)}
    file = str(scenario.source_path or scenario.name)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    far: dict[str, float] = {}
    # kitchens and home-care bases: nothing can leave a point that far from any road
    bases = scenario.home_care.bases if scenario.home_care is not None else ()
    origins = [
        (f'kitchens[{n}] (kitchen "{k.id}")', k.id, f"kitchen {k.id} ({k.name})", "vehicle")
        for n, k in enumerate(scenario.kitchens)
    ] + [
        (f'home_care.bases[{n}] (base "{b.id}")', b.id, f"home-care base {b.id} ({b.name})", "crew")
        for n, b in enumerate(bases)
    ]
    for location, pid, what, who in origins:
        d = dist[str(pid)]
        if d > warn_m:
            far[str(pid)] = d
            problems.append(
                Problem(
                    file=file,
                    location=location,
                    message=(
                        f"{what} is {d:,.0f} m from the nearest drivable road, more than "
                        f"network.snap_warn_m = {warn_m:,.0f} m: no {who} can leave it"
                    ),
                    fix=(
                        "check its lat/lon (swapped? another CRS?), or extend the road "
                        "network to cover it"
                    ),
                )
            )
    for r in scenario.recipients:
        d = dist[str(r.id)]
        if d > warn_m:
            far[str(r.id)] = d
            warnings.append(
                Problem(
                    file=file,
                    location=f"recipient {r.id}",
                    message=(
                        f"recipient {r.id} is {d:,.0f} m from the nearest drivable road, more "
                        f"than network.snap_warn_m = {warn_m:,.0f} m; it is served from "
                        "that road"
                    ),
                    fix="check the position in the recipients file",
                )
            )
    return NetworkReach(
        problems=tuple(problems),
        warnings=tuple(warnings),
        distance_m=types.MappingProxyType(far),
    )


_CODE_RE = re.compile(r"\[([a-z_]+)\]\s*$")
_LABEL_RE = re.compile(r"^[^:]*:\s*")


def _meal_days(meals_per_week: int) -> int:
    return sum(1 for m in meals_by_day(meals_per_week) if m > 0)


def not_served_frame(
    scenario: Scenario,
    results: Mapping[str, ModelResult],
    *,
    far_m: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Who each model's own mode does not serve: one row per model and recipient.

    Columns :data:`maltid.comparison.NOT_SERVED_COLUMNS`: ``days`` = days a week the
    recipient gets no meal from the model (the days of every routing day it was left
    out of; all its meal days when no day plan took it), ``outcome`` = ``fallback``
    (chilled boxes from the central kitchen because the model's own mode cannot serve
    it) or ``unserved`` (no vehicle reaches it), ``reason_code`` (the routing's code:
    ``hot_holding``, ``capacity``, ``shift``, ``window``, ``unreachable``, ``dropped``...)
    and ``reason`` (English; the faces translate by code). The models' own account
    (``WeekPlan.outcomes``) is used when the plan has one; else (older plans) a recipient
    left out on some days and served on others is listed with those days only: this is
    why the old table (never visited) and report (left out on any day) disagreed.
    ``far_m``: point id -> distance (m) to the road for points beyond
    ``network.snap_warn_m``; their reason says so.
    """
    import pandas as pd

    meals = {str(r.id): int(r.meals_per_week) for r in scenario.recipients}
    far = dict(far_m or {})
    rows: list[dict[str, Any]] = []

    def add(model: str, rid: str, days: int, outcome: str, code: str, reason: str) -> None:
        if rid in far:
            reason += f"; the position is {far[rid]:,.0f} m from the nearest road"
        rows.append(
            {
                "model": model,
                "recipient_id": rid,
                "days": int(days),
                "outcome": outcome,
                "reason_code": code,
                "reason": reason,
            }
        )

    for name, res in results.items():
        plan = res.plan
        if plan.outcomes:  # the models' own account: served / fallback / unserved
            for rid in sorted(plan.outcomes):
                o = plan.outcomes[rid]
                if o.outcome != "served":
                    n_days = len(o.days) or _meal_days(meals.get(rid, 7))
                    add(name, rid, n_days, o.outcome, o.reason_code, o.reason)
            continue
        days: dict[str, int] = {}
        first: dict[str, tuple[str, str]] = {}
        for day in plan.days:
            for u in day.plan.unserved:
                days[u.stop_id] = days.get(u.stop_id, 0) + int(day.days)
                first.setdefault(u.stop_id, (str(u.code), str(u.reason)))
        for rid in sorted(set(plan.unserved) | set(days)):
            if rid in first:
                code, reason = first[rid]
            else:
                text = str(plan.unserved[rid])
                m = _CODE_RE.search(text)
                code = m.group(1) if m else "not_assigned"
                reason = _LABEL_RE.sub("", _CODE_RE.sub("", text)).strip()
            add(name, rid, days.get(rid, _meal_days(meals.get(rid, 7))), "unserved", code, reason)
    return pd.DataFrame(rows, columns=list(NOT_SERVED_COLUMNS))


def _not_served_notes(not_served: pd.DataFrame) -> list[str]:
    """Plain-language notes: each unreached recipient, the fallback counted by reason.

    A recipient no vehicle reaches is named (it needs a look); the fallback's recipients
    are counted per model and reason code (a county can have hundreds): their rows are in
    ``unserved.csv``.
    """
    notes: list[str] = []
    for name, group in not_served.groupby("model", sort=False):
        unreached = group[group["outcome"] == "unserved"]
        for row in unreached.itertuples(index=False):
            notes.append(f"{name}: recipient {row.recipient_id} is not reached: {row.reason}")
        fallback = group[group["outcome"] == "fallback"]
        if len(fallback):
            counts = fallback["reason_code"].value_counts(sort=False)
            why = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
            notes.append(
                f"{name}: {len(fallback)} recipient(s) get chilled boxes from the central "
                f"kitchen instead of the model's own delivery ({why}; see unserved.csv)"
            )
        logger.warning(
            "%s: %d recipient(s) not served by the model's own delivery (%d by the "
            "fallback, %d not reached), e.g. %s",
            name,
            len(group),
            len(fallback),
            len(unreached),
            ", ".join(f"{r.recipient_id}: {r.reason}" for r in group.head(3).itertuples()),
        )
    return notes


def _count_not_served(
    results: Mapping[str, ModelResult], not_served: pd.DataFrame, n_recipients: int
) -> dict[str, ModelResult]:
    """The results with recipient counts from ``not_served`` (the one source of truth).

    ``recipients_unserved`` / ``recipients_fallback`` = recipients with that outcome (a
    recipient left out on some days only counts as unserved); ``recipients_served`` = the
    others. With the models' own outcomes these equal the cost model's counts.
    """
    out: dict[str, ModelResult] = {}
    for name, res in results.items():
        mine = not_served[not_served["model"] == name]
        n_unserved = int(mine[mine["outcome"] == "unserved"]["recipient_id"].nunique())
        n_fallback = int(mine[mine["outcome"] == "fallback"]["recipient_id"].nunique())
        outcome = dataclasses.replace(
            res.outcome,
            recipients_unserved=n_unserved,
            recipients_fallback=n_fallback,
            recipients_served=n_recipients - n_unserved - n_fallback,
        )
        out[name] = dataclasses.replace(res, outcome=outcome)
    return out


def baseline_name(scenario: Scenario) -> str:
    """The model the ``delta_*`` columns compare against: ``baseline``, else the first central."""
    if scenario.baseline:
        return str(scenario.baseline)
    for m in scenario.models:
        if str(m.kind).startswith("central_"):
            return str(m.name)
    return str(scenario.models[0].name)


def _snap_notes(scenario: Scenario, snapped: Snapped, matrix: TravelMatrix) -> list[str]:
    warn_m = float(scenario.network.snap_warn_m)
    notes: list[str] = []
    ids = list(snapped.ids)
    for pid in snapped.far:
        k = ids.index(pid)
        notes.append(
            f"{pid}: snapped {float(snapped.snap_distance_m[k]):.0f} m to the nearest road "
            f"(more than {warn_m:.0f} m): check its coordinates"
        )
    if matrix.unreachable:
        a, b = matrix.unreachable[0]
        notes.append(
            f"{len(matrix.unreachable)} pair(s) of points have no road between them, "
            f"e.g. {a} -> {b}"
        )
    return notes


def compare(
    scenario: Scenario,
    *,
    network: RoadNetwork | None = None,
    cache_dir: str | None = None,
    progress: Progress | None = None,
    break_even: bool = True,
    sensitivity: bool = True,
    robustness: bool = True,
    robustness_samples: int = 200,
    procurement: bool = True,
    solution_limit: int | None = None,
) -> Comparison:
    """Solve and cost every delivery model of ``scenario``; the table is in SEK/week.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (``maltid.load_scenario``).
    network : RoadNetwork, optional
        An already loaded road network (else ``network.load_network(scenario.network)``).
    cache_dir : str, optional
        Network and matrix cache folder.
    progress : callable, optional
        ``progress(stage, done, total)`` after each step (stages ``network``, ``matrix``,
        ``models``, ``break-even``, ``sensitivity``).
    break_even, sensitivity, robustness : bool
        Run the analyses (also switched by ``scenario.analysis``: robustness runs with
        the sensitivity).
    robustness_samples : int
        Futures drawn for the robustness (Latin hypercube, seeded by the scenario).
    procurement : bool
        Build the procurement sheet of ``[procurement] model`` (requirements and the
        ceiling price per meal of each local kitchen, re-priced on the solved plans;
        :func:`maltid.analysis.procurement.procurement_sheet` re-solves at each ceiling).
    solution_limit : int, optional
        Caps the search of every routing solve (OR-Tools search solutions and PyVRP
        iterations; ``None``: the scenario's ``[solver]`` limits; a small number makes
        tests fast).

    Returns
    -------
    Comparison
        ``.table`` (one row per model, ``delta_*`` vs the baseline), ``.results[name]
        .plan`` (WeekPlan), ``.matrix``, ``.assumptions``, ``.break_even``,
        ``.sensitivity``, ``.difference_tornado``, ``.robustness``, ``.not_served``,
        ``.conclusion``, ``.procurement`` and ``.notes`` (far-snapped points,
        unreachable pairs, who is not served).
    """
    from maltid.costs import comparison_table
    from maltid.network import load_network

    tick = progress or _noop
    if network is None:
        tick("network", 0, 1)
        network = load_network(scenario.network, cache_dir=cache_dir)
    tick("network", 1, 1)
    snapped, matrix = prepare_matrix(scenario, network, cache_dir=cache_dir, progress=tick)
    reach = check_network_reach(scenario, network, snapped=snapped)
    if reach.problems:
        raise ScenarioError(reach.problems)
    notes = _snap_notes(scenario, snapped, matrix)

    ctx = make_context(
        scenario, matrix, solution_limit=solution_limit, iteration_limit=solution_limit
    )
    specs = list(scenario.models)
    solved: dict[str, ModelResult] = {}
    for n, spec in enumerate(specs):
        tick("models", n, len(specs))
        plan, outcome, report = solve_priced(spec, ctx, with_siting=True)
        solved[str(spec.name)] = ModelResult(
            name=str(spec.name), kind=str(spec.kind), plan=plan, outcome=outcome, siting=report
        )
    tick("models", len(specs), len(specs))
    not_served = not_served_frame(scenario, solved, far_m=reach.distance_m)
    results = _count_not_served(solved, not_served, len(scenario.recipients))
    notes += _not_served_notes(not_served)
    baseline = baseline_name(scenario)
    table = comparison_table([r.outcome for r in results.values()], baseline=baseline)
    assumptions = assumptions_table(scenario, ctx.parameters)

    local = local_model_name(scenario)
    versus = versus_models(results, local=local, baseline=baseline)
    be_frame = None
    if break_even and scenario.analysis.break_even:
        be_frame = break_even_table(scenario, ctx, results, versus=versus, progress=tick)
    sens_frame = None
    diff_frame = None
    if sensitivity and scenario.analysis.sensitivity:
        models = [baseline] + ([local] if local is not None and local != baseline else [])
        sens_frame = sensitivity_table(scenario, ctx, results, models=models, progress=tick)
        diff_frame = difference_tornado(
            scenario, ctx, results, local_models=local_model_names(scenario), versus=versus
        )
    robust_frame = None
    if robustness and sensitivity and scenario.analysis.sensitivity:
        robust_frame = robustness_table(
            scenario,
            ctx,
            results,
            local_models=local_model_names(scenario),
            n_samples=robustness_samples,
            rel=float(scenario.analysis.sensitivity_rel_change),
            progress=tick,
        )
    served = results[local].outcome.recipients_served if local is not None else None
    central = cheapest_central(results, serving=served)
    comparison = Comparison(
        scenario=scenario,
        network=network,
        snapped=snapped,
        matrix=matrix,
        results=types.MappingProxyType(results),
        table=table,
        baseline=baseline,
        assumptions=assumptions,
        break_even=be_frame,
        sensitivity=sens_frame,
        notes=tuple(notes),
        difference_tornado=diff_frame,
        cheapest_central=central,
        not_served=not_served,
        robustness=robust_frame,
        conclusion=conclude(
            table,
            results,
            local_models=local_model_names(scenario),
            cheapest_central=central,
            break_even=be_frame,
        ),
    )
    if not procurement:
        return comparison
    tick("procurement", 0, 1)
    # Ceilings re-priced on the solved plans (no solving: a county has many kitchens and
    # each re-solve of the mix is a whole siting search). Re-solving at the ceiling ties
    # the totals (tests/test_procurement.py); `procurement_sheet(comparison)` does it.
    sheet = procurement_sheet(comparison, resolve=False)
    tick("procurement", 1, 1)
    return dataclasses.replace(comparison, procurement=sheet)


def assumptions_table(scenario: Scenario, parameters: Mapping[str, float]) -> pd.DataFrame:
    """Every assumption behind the numbers: parameter, value, unit, source, year.

    The cost parameters (with their documented sources in English and Swedish, their
    default and whether the scenario overrides it) followed by the scenario's own kitchen,
    fleet and delivery figures (source ``scenario``).
    """
    import pandas as pd

    from maltid.scenario import parameters_table

    columns = [
        "parameter",
        "value",
        "default_value",
        "overridden",
        "unit",
        "source",
        "source_sv",
        "year",
    ]
    base = parameters_table(parameters)[columns]
    rows: list[dict[str, Any]] = []

    def add(parameter: str, value: float, unit: str) -> None:
        rows.append(
            {
                "parameter": parameter,
                "value": value,
                "default_value": math.nan,
                "overridden": False,
                "unit": unit,
                "source": "scenario",
                "source_sv": "scenario",
                "year": "",
            }
        )

    for k in scenario.kitchens:
        add(f"kitchens.{k.id}.cost_per_meal_sek", float(k.cost_per_meal_sek), "SEK/meal")
        add(f"kitchens.{k.id}.fixed_cost_sek_per_day", float(k.fixed_cost_sek_per_day), "SEK/day")
        add(
            f"kitchens.{k.id}.capacity_meals_per_day",
            float(k.capacity_meals_per_day),
            "meals/day",
        )
        add(f"kitchens.{k.id}.local_food_share", float(k.local_food_share), "share")
    fleet = scenario.fleet
    fleet_fields: tuple[tuple[str, float | None, str], ...] = (
        ("vehicle_capacity_meals", fleet.vehicle_capacity_meals, "meals"),
        ("vehicles_per_kitchen", fleet.vehicles_per_kitchen, "vehicles"),
        ("service_min_per_stop", fleet.service_min_per_stop, "min"),
        ("max_shift_min", fleet.max_shift_min, "min"),
        ("chilled_vehicle_capacity_meals", fleet.chilled_vehicle_capacity_meals, "meals"),
    )
    for fname, value, unit in fleet_fields:
        if value is not None:
            add(f"fleet.{fname}", float(value), unit)
    add("delivery.max_hot_holding_min", float(scenario.delivery.max_hot_holding_s) / 60.0, "min")
    frame = pd.concat([base, pd.DataFrame(rows)], ignore_index=True)
    frame["year"] = frame["year"].astype(str)
    return frame

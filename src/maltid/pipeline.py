"""Compare the delivery models of a scenario: ``compare(scenario) -> Comparison`` (SEK/week).

The one path shared by the CLI, batch runs and notebooks. ``compare`` loads the road
network, snaps kitchens and recipients, builds ONE travel matrix over all of them
(:func:`prepare_matrix`), solves and prices every model of the scenario
(:func:`maltid.analysis.solve_priced`), and assembles a frozen
:class:`maltid.comparison.Comparison` with the break-even, sensitivity and conclusions
of :mod:`maltid.analysis`.
"""

from __future__ import annotations

import logging
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
    difference_tornado,
    local_model_name,
    local_model_names,
    price_plan,
    sensitivity_table,
    solve_priced,
    versus_models,
)
from maltid.comparison import Comparison, ModelResult
from maltid.errors import InputError
from maltid.models import make_context

if TYPE_CHECKING:
    import pandas as pd

    from maltid.network import RoadNetwork, Snapped, TravelMatrix
    from maltid.scenario import Scenario

__all__ = [
    "BREAK_EVEN_PARAMETERS",
    "SENSITIVITY_PARAMETERS",
    "ScenarioPoints",
    "assumptions_table",
    "baseline_name",
    "compare",
    "local_model_name",
    "prepare_matrix",
    "price_plan",
    "scenario_points",
]

logger = logging.getLogger("maltid")


def _noop(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class ScenarioPoints:
    """Every point a scenario routes between: kitchens first, then recipients (degrees).

    Attributes
    ----------
    ids : list of str
        Kitchen ids, then recipient ids (the travel matrix's order).
    lat, lon : numpy.ndarray
        WGS84 latitude and longitude (degrees), aligned with ``ids``.
    """

    ids: list[str]
    lat: np.ndarray
    lon: np.ndarray


def scenario_points(scenario: Scenario) -> ScenarioPoints:
    """Kitchens then recipients of ``scenario`` as ids and WGS84 degrees.

    Raises
    ------
    InputError
        When an id is used twice across kitchens and recipients.
    """
    ids = [str(k.id) for k in scenario.kitchens] + [str(r.id) for r in scenario.recipients]
    seen: set[str] = set()
    dup: set[str] = set()
    for i in ids:
        (dup if i in seen else seen).add(i)
    if dup:
        where = scenario.source_path or scenario.name
        raise InputError(
            f"scenario {where}: ids used twice across kitchens and recipients: "
            f"{', '.join(sorted(dup)[:5])} (fix: give every kitchen and recipient its own id)"
        )
    lat = np.asarray(
        [float(k.lat) for k in scenario.kitchens] + [float(r.lat) for r in scenario.recipients]
    )
    lon = np.asarray(
        [float(k.lon) for k in scenario.kitchens] + [float(r.lon) for r in scenario.recipients]
    )
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
    break_even, sensitivity : bool
        Run the analyses (also switched by ``scenario.analysis``).
    solution_limit : int, optional
        Routing solution limit per solve (``None``: the routing default; a small number
        makes tests fast and machine-independent).

    Returns
    -------
    Comparison
        ``.table`` (one row per model, ``delta_*`` vs the baseline), ``.results[name]
        .plan`` (WeekPlan), ``.matrix``, ``.assumptions``, ``.break_even``,
        ``.sensitivity``, ``.difference_tornado`` and ``.notes`` (far-snapped points,
        unreachable pairs, unserved recipients).
    """
    from maltid.costs import comparison_table
    from maltid.network import load_network

    tick = progress or _noop
    if network is None:
        tick("network", 0, 1)
        network = load_network(scenario.network, cache_dir=cache_dir)
    tick("network", 1, 1)
    snapped, matrix = prepare_matrix(scenario, network, cache_dir=cache_dir, progress=tick)
    notes = _snap_notes(scenario, snapped, matrix)

    ctx = make_context(scenario, matrix, solution_limit=solution_limit)
    specs = list(scenario.models)
    results: dict[str, ModelResult] = {}
    for n, spec in enumerate(specs):
        tick("models", n, len(specs))
        plan, outcome, report = solve_priced(spec, ctx, with_siting=True)
        results[str(spec.name)] = ModelResult(
            name=str(spec.name), kind=str(spec.kind), plan=plan, outcome=outcome, siting=report
        )
        for rid, why in plan.unserved.items():
            notes.append(f"{spec.name}: recipient {rid} unserved: {why}")
        if plan.unserved:
            ids = sorted(plan.unserved)
            logger.warning(
                "%s: %d recipient(s) not served on every day, e.g. %s (reasons in "
                "unserved.csv and the report)",
                spec.name,
                len(ids),
                ", ".join(f"{rid}: {plan.unserved[rid]}" for rid in ids[:3]),
            )
    tick("models", len(specs), len(specs))
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
    served = results[local].outcome.recipients_served if local is not None else None
    return Comparison(
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
        cheapest_central=cheapest_central(results, serving=served),
    )


def assumptions_table(scenario: Scenario, parameters: Mapping[str, float]) -> pd.DataFrame:
    """Every assumption behind the numbers: parameter, value, unit, source, year.

    The cost parameters (with their documented sources) followed by the scenario's own
    kitchen, fleet and delivery figures (source: the scenario file).
    """
    import pandas as pd

    from maltid.costs import parameters_table

    base = parameters_table(parameters)[["parameter", "value", "unit", "source", "year"]]
    src = str(scenario.source_path or "scenario")
    rows: list[dict[str, Any]] = []

    def add(parameter: str, value: float, unit: str) -> None:
        rows.append(
            {"parameter": parameter, "value": value, "unit": unit, "source": src, "year": ""}
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

"""The frozen result of a comparison: what the faces (CLI, maps, report, notebooks) consume.

Built by :func:`maltid.compare` (``maltid.pipeline``); the faces only read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from maltid.costs import WeeklyOutcome
    from maltid.network import RoadNetwork, Snapped, TravelMatrix
    from maltid.results import WeekPlan
    from maltid.scenario import Scenario

__all__ = ["Comparison", "ModelResult"]


@dataclass(frozen=True)
class ModelResult:
    """One delivery model, solved and costed.

    Attributes
    ----------
    name, kind : str
        The model's name in the scenario and its kind.
    plan : WeekPlan
        The solved week.
    outcome : WeeklyOutcome
        Its costs (SEK/week) and KPIs from ``costs.weekly_outcome``.
    siting : maltid.models.SitingReport or None
        For ``optimised_mix``: the kitchens opened, the MIP objective and status, and
        for each candidate not opened the real weekly total-cost delta of opening it.
    """

    name: str
    kind: str
    plan: WeekPlan
    outcome: WeeklyOutcome
    siting: Any | None = None


@dataclass(frozen=True)
class Comparison:
    """Everything a comparison produced: the table, every model's plan, and the inputs used.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model; units in column names (``total_cost_sek_per_week``...), plus
        ``delta_*`` columns against ``baseline``.
    results : Mapping[str, ModelResult]
        Solved models by name, in scenario order.
    baseline : str
        Name of the model the ``delta_*`` columns compare against.
    assumptions : pandas.DataFrame
        Every parameter behind the numbers: ``parameter, value, unit, source, year``.
    break_even : pandas.DataFrame or None
        One row per break-even parameter (``compare.break_even_table``).
    sensitivity : pandas.DataFrame or None
        Tornado rows per model and parameter (``compare.sensitivity_table``).
    notes : tuple of str
        Plain-language warnings: far-snapped points, unreachable pairs, unserved
        recipients and why.
    """

    scenario: Scenario
    network: RoadNetwork
    snapped: Snapped
    matrix: TravelMatrix
    results: Mapping[str, ModelResult]
    table: pd.DataFrame
    baseline: str
    assumptions: pd.DataFrame
    break_even: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()

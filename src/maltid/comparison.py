"""The frozen result of a comparison: what the faces (CLI, maps, report, notebooks) consume.

Built by :func:`maltid.compare` (``maltid.pipeline``); the faces only read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from maltid.analysis.procurement import ProcurementSheet
    from maltid.costs import WeeklyOutcome
    from maltid.models import SitingReport
    from maltid.network import RoadNetwork, Snapped, TravelMatrix
    from maltid.results import WeekPlan
    from maltid.scenario import Scenario

__all__ = [
    "NOT_SERVED_COLUMNS",
    "Comparison",
    "Conclusion",
    "LocalVerdict",
    "ModelResult",
    "OutcomeDifference",
]

#: Columns of ``Comparison.not_served`` and ``unserved.csv``, in order.
NOT_SERVED_COLUMNS = ("model", "recipient_id", "days", "outcome", "reason_code", "reason")


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
    siting: SitingReport | None = None


@dataclass(frozen=True)
class OutcomeDifference:
    """One outcome of a local model next to the cheapest central model's (per week).

    ``name`` is the table column (``fresh_meals_per_week``, ``mean_kitchen_to_plate_min``,
    ``recipient_visits_per_week``, ``local_spend_sek_per_week``, ``co2_kg_per_week``), in
    the unit its name states.
    """

    name: str
    local_value: float
    central_value: float

    @property
    def difference(self) -> float:
        """Local minus central, in the outcome's unit."""
        return self.local_value - self.central_value


@dataclass(frozen=True)
class LocalVerdict:
    """What one local model costs and gives against the cheapest central model.

    Attributes
    ----------
    model : str
        The local model.
    versus_model : str
        The cheapest central model serving everyone it serves.
    extra_cost_sek_per_week, extra_cost_sek_per_year : float
        Local minus central total cost (negative = local is cheaper); a year is 52 weeks.
    fresh_meals_gained_per_week : float
        Local minus central fresh meals per week.
    extra_cost_sek_per_fresh_meal : float
        ``extra_cost_sek_per_week / fresh_meals_gained_per_week`` (NaN when no fresh
        meal is gained).
    local_spend_kept_sek_per_week : float
        Local minus central local spend (SEK/week).
    local_spend_per_sek_extra : float
        ``local_spend_kept_sek_per_week / extra_cost_sek_per_week`` (NaN when local is not
        dearer).
    break_even : tuple of (str, str, float, str)
        ``(parameter, kitchen, value, unit)`` for each bracketed break-even against
        ``versus_model``: the value at which the local model costs no more.
    outcomes : tuple of OutcomeDifference
        The outcomes that differ between the two.
    """

    model: str
    versus_model: str
    extra_cost_sek_per_week: float
    extra_cost_sek_per_year: float
    fresh_meals_gained_per_week: float
    extra_cost_sek_per_fresh_meal: float
    local_spend_kept_sek_per_week: float
    local_spend_per_sek_extra: float
    break_even: tuple[tuple[str, str, float, str], ...]
    outcomes: tuple[OutcomeDifference, ...]


@dataclass(frozen=True)
class Conclusion:
    """The answer of a comparison as plain data (no wording; the faces word it).

    Attributes
    ----------
    cheapest_model : str or None
        The cheapest model (SEK/week) among those that serve every recipient any model
        serves (None when no model does).
    cheapest_total_sek_per_week : float
        Its total cost (NaN when ``cheapest_model`` is None).
    cheapest_central : str or None
        The cheapest central model serving everyone (the comparison's reference).
    locals : tuple of LocalVerdict
        One verdict per local model, in scenario order.
    """

    cheapest_model: str | None
    cheapest_total_sek_per_week: float
    cheapest_central: str | None
    locals: tuple[LocalVerdict, ...]


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
        One row per break-even parameter and versus model
        (``maltid.analysis.break_even_table``; ``break_even.csv``).
    sensitivity : pandas.DataFrame or None
        Tornado rows per model and parameter (``maltid.analysis.sensitivity_table``).
    notes : tuple of str
        Plain-language warnings: far-snapped points, unreachable pairs, unserved
        recipients and why.
    difference_tornado : pandas.DataFrame or None
        Tornado of each local model's extra cost against each versus model
        (``maltid.analysis.difference_tornado``).
    cheapest_central : str or None
        The cheapest central model serving everyone the local model serves.
    not_served : pandas.DataFrame or None
        Who is not served by a model's own mode, one row per model and recipient:
        :data:`NOT_SERVED_COLUMNS` (``unserved.csv``); the table, report and map read it.
    conclusion : Conclusion or None
        The answer computed from the results.
    procurement : ProcurementSheet or None
        The procurement sheet of ``[procurement] model`` (default: the model the
        conclusion points to): functional requirements from its plan and the ceiling
        price per meal of each local kitchen (``maltid.analysis.procurement``).
    robustness : pandas.DataFrame or None
        Per model: the probability of being the cheapest serving everyone and the 10-90 %
        range of its total and (local models) of its extra cost, over futures drawn
        within each uncertain parameter's range (``maltid.analysis.robustness_table``).
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
    difference_tornado: pd.DataFrame | None = None
    cheapest_central: str | None = None
    not_served: pd.DataFrame | None = None
    conclusion: Conclusion | None = None
    robustness: pd.DataFrame | None = None
    procurement: ProcurementSheet | None = None

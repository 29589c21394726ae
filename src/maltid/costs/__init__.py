"""Cost and outcome model: pure functions from a weekly plan to SEK, hours, km, CO2 and minutes.

Nothing here solves or reads anything. The parameters come from the catalogue in
:mod:`maltid.scenario.parameters` (re-exported here: :class:`CostParameter`,
:func:`default_parameters`, :func:`parameter_names`, :func:`parameters_table`).
Every formula is documented in ``docs/cost-model.md``. Modules: :mod:`~maltid.costs.lines`
(the pure pricing lines), :mod:`~maltid.costs.outcome` (a model's weekly outcome),
:mod:`~maltid.costs.tables` (the comparison table; the tornado and break-even search
are in :mod:`maltid.analysis.search`).

The route cost is the one formula of the routing objective,
:func:`maltid.routing.route_cost_sek` (re-exported here), so the optimiser and the
comparison never disagree about what a route costs.
"""

from __future__ import annotations

from maltid.costs.lines import (
    central_production_cost_sek_per_week,
    driver_paid_s,
    fleet_fixed_cost_sek_per_week,
    reheating_cost_sek_per_week,
    vehicles_needed,
)
from maltid.costs.outcome import WeeklyOutcome, parameters_for, price_week, weekly_outcome
from maltid.costs.tables import comparison_table
from maltid.routing import route_cost_sek
from maltid.scenario import (
    FLEET_PARAMETER_NAMES,
    CostParameter,
    default_parameters,
    parameter_names,
    parameters_table,
)

__all__ = [
    "FLEET_PARAMETER_NAMES",
    "CostParameter",
    "WeeklyOutcome",
    "central_production_cost_sek_per_week",
    "comparison_table",
    "default_parameters",
    "driver_paid_s",
    "fleet_fixed_cost_sek_per_week",
    "parameter_names",
    "parameters_for",
    "parameters_table",
    "price_week",
    "reheating_cost_sek_per_week",
    "route_cost_sek",
    "vehicles_needed",
    "weekly_outcome",
]

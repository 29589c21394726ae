"""Break-even, sensitivity, robustness of the local models against the central ones (SEK/week).

Everything here works on solved, priced models (:class:`maltid.comparison.ModelResult`)
and re-solves or re-prices them; :func:`maltid.pipeline.compare` calls it.

Which models are compared
-------------------------
A *local model* is a ``local_kitchens`` or ``optimised_mix`` model; the break-even and
the difference tornado use the first of them in scenario order
(:func:`local_model_name`). It is compared against the *versus models*
(:func:`versus_models`): the cheapest central model that serves everyone the local
model serves (normally ``central_chilled``, :func:`cheapest_central`) and the scenario's
baseline (normally ``central_daily_hot``), each once.

Break-even (``break_even_table``)
---------------------------------
For each name in ``scenario.analysis.break_even`` the value at which the local model
costs the same per week as the versus model, found by bisection
(:func:`maltid.analysis.bisect_break_even`) over REAL re-solves of both models (routing and
siting re-run; identical routing problems are answered from a deterministic memo):

``local_cost_per_meal``
    cost per meal (SEK) of the break-even kitchen, searched on ``[0, 4 x max(its cost,
    the central cost)]``.
``village_recipients``
    number of recipients in the break-even kitchen's village = the recipients the local
    model assigns to it; the village is shrunk (the first ``n`` in id order are kept) or
    grown with synthetic copies at the same road nodes (ids ``<id>~<k>``), ``n`` on
    ``[0, min(4 x N, what the kitchen can cook a day)]``; ``f(x)`` uses ``floor(x)``
    recipients and the result is the whole number at which the sign changes.
``village_distance``
    a factor on the travel time AND distance between the central kitchen and the
    village's recipients (both directions), on ``[0.1, f_max]`` where ``f_max`` (<= 4)
    keeps every village recipient within the hot-holding limit from the central kitchen.
``fuel_cost``
    ``cost_per_km_sek`` (SEK/km) on ``[0, 10 x base]``; the vehicles are re-built with
    it, so routes are re-optimised.

The scenario's own value splits the interval: ``[low, base]`` is searched first, then
``[base, high]``, so the break-even nearest below the scenario is found even when the
difference turns back further out. A row whose interval holds no sign change says so
(``bracketed = False``, ``value`` NaN, the differences in ``note``): no value is invented.

Sensitivity (``sensitivity_table``, ``difference_tornado``)
-----------------------------------------------------------
One-at-a-time tornado (:func:`maltid.analysis.tornado`) of each compared model's total
weekly cost, and of the local model's extra cost against each versus model, to ``+/-
scenario.analysis.sensitivity_rel_change`` on each main cost parameter. The vehicle
rates steer the route optimisation: with ``analysis.sensitivity_vehicle_rates =
"re-solve"`` they are RE-SOLVED (the cheaper of the kept and the re-optimised plan);
every other parameter is a pure price of an unchanged plan and is RE-PRICED (column
``method``).
"""

from __future__ import annotations

from maltid.analysis.break_even import (
    BREAK_EVEN_COLUMNS,
    BREAK_EVEN_PARAMETERS,
    BREAK_EVEN_REL_TOL,
    break_even_table,
)
from maltid.analysis.common import (
    Progress,
    break_even_kitchen,
    cheapest_central,
    local_model_name,
    local_model_names,
    model_spec,
    price_plan,
    site_points,
    solve_priced,
    versus_models,
)
from maltid.analysis.conclusion import CONCLUSION_OUTCOMES, WEEKS_PER_YEAR, conclude
from maltid.analysis.robustness import (
    DEFAULT_REL_RANGE,
    DEFAULT_SAMPLES,
    ROBUSTNESS_COLUMNS,
    parameter_ranges,
    robustness_table,
)
from maltid.analysis.search import BreakEven, bisect_break_even, tornado
from maltid.analysis.sensitivity import (
    SENSITIVITY_PARAMETERS,
    difference_tornado,
    sensitivity_table,
)

__all__ = [
    "BREAK_EVEN_COLUMNS",
    "BREAK_EVEN_PARAMETERS",
    "BREAK_EVEN_REL_TOL",
    "CONCLUSION_OUTCOMES",
    "DEFAULT_REL_RANGE",
    "DEFAULT_SAMPLES",
    "ROBUSTNESS_COLUMNS",
    "SENSITIVITY_PARAMETERS",
    "WEEKS_PER_YEAR",
    "BreakEven",
    "Progress",
    "bisect_break_even",
    "break_even_kitchen",
    "break_even_table",
    "cheapest_central",
    "conclude",
    "difference_tornado",
    "local_model_name",
    "local_model_names",
    "model_spec",
    "parameter_ranges",
    "price_plan",
    "robustness_table",
    "sensitivity_table",
    "site_points",
    "solve_priced",
    "tornado",
    "versus_models",
]

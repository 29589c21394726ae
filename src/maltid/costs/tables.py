"""The comparison table: one row per model, costs in SEK/week, deltas against the baseline."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import fields
from typing import TYPE_CHECKING

from maltid.costs.outcome import WeeklyOutcome
from maltid.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["comparison_table"]

logger = logging.getLogger("maltid")


_OUTCOME_COLUMNS = tuple(f.name for f in fields(WeeklyOutcome))


def comparison_table(outcomes: Sequence[WeeklyOutcome], *, baseline: str) -> pd.DataFrame:
    """Return one row per model with ``delta_*`` columns against the baseline (SEK, km, h...).

    Parameters
    ----------
    outcomes : Sequence[WeeklyOutcome]
        One outcome per model, in display order; model names must be unique.
    baseline : str
        Model name the deltas are taken against.

    Returns
    -------
    pandas.DataFrame
        Every :class:`WeeklyOutcome` field as a column (``model`` first), then
        ``delta_<col> = col - col[baseline]`` for every numeric column, then
        ``delta_total_cost_pct = 100 * delta_total_cost_sek_per_week /
        total_cost_sek_per_week[baseline]`` (NaN when the baseline total is 0).

    Raises
    ------
    InputError
        No outcomes, duplicate model names, or ``baseline`` not among them.
    """
    import pandas as pd

    names = [o.model for o in outcomes]
    if not names:
        raise InputError("comparison_table: no outcomes given (fix: solve at least one model)")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(
            f"comparison_table: model names repeat: {', '.join(dupes)} "
            "(fix: give every model a unique name in the scenario)"
        )
    if baseline not in names:
        raise InputError(
            f"comparison_table: baseline {baseline!r} is not among the models "
            f"({', '.join(names)}) (fix: set scenario baseline to one of them)"
        )
    table = pd.DataFrame([o.as_row() for o in outcomes], columns=list(_OUTCOME_COLUMNS))
    numeric = [c for c in _OUTCOME_COLUMNS if c != "model"]
    base = table.loc[names.index(baseline), numeric].astype(float).to_dict()
    deltas = {f"delta_{c}": table[c].astype(float) - base[c] for c in numeric}
    base_total = base["total_cost_sek_per_week"]
    deltas["delta_total_cost_pct"] = (
        deltas["delta_total_cost_sek_per_week"] / base_total * 100.0
        if base_total != 0
        else pd.Series([math.nan] * len(table), dtype=float)
    )
    return pd.concat([table, pd.DataFrame(deltas)], axis=1)

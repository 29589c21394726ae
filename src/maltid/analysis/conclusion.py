"""The answer of a comparison as plain data: :class:`maltid.comparison.Conclusion`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from maltid.comparison import Conclusion, LocalVerdict, ModelResult, OutcomeDifference

if TYPE_CHECKING:
    import pandas as pd


__all__ = [
    "CONCLUSION_OUTCOMES",
    "WEEKS_PER_YEAR",
    "conclude",
]

#: The outcomes a conclusion sets side by side (table columns, unit in the name).
CONCLUSION_OUTCOMES = (
    "fresh_meals_per_week",
    "mean_kitchen_to_plate_min",
    "recipient_visits_per_week",
    "local_spend_sek_per_week",
    "co2_kg_per_week",
)

_CONCLUSION_NUMBERS = frozenset(
    (*CONCLUSION_OUTCOMES, "total_cost_sek_per_week", "recipients_unserved")
)

#: Weeks in a year for the yearly figures of a conclusion.
WEEKS_PER_YEAR = 52


# --------------------------------------------------------------------------------------
# conclusion
# --------------------------------------------------------------------------------------


def _ratio(num: float, den: float) -> float:
    return num / den if den != 0 and math.isfinite(den) else math.nan


def conclude(
    table: pd.DataFrame,
    results: Mapping[str, ModelResult],
    *,
    local_models: Sequence[str],
    cheapest_central: str | None,
    break_even: pd.DataFrame | None,
) -> Conclusion:
    """The answer of a comparison as plain data (SEK/week and /year, meals, minutes, kg).

    ``table``: the comparison table (one row per model). The cheapest model is the
    cheapest of those with no unserved recipient; each local model is set against
    ``cheapest_central`` (normally ``central_chilled``): extra cost (local minus central;
    a year = :data:`WEEKS_PER_YEAR` weeks), fresh meals gained, extra cost per fresh meal
    gained, local spend kept and local spend per krona of extra cost, the bracketed
    break-even values against it, and the outcomes of :data:`CONCLUSION_OUTCOMES`.
    """
    rows: dict[str, dict[str, float]] = {
        str(rec["model"]): {k: float(v) for k, v in rec.items() if k in _CONCLUSION_NUMBERS}
        for rec in table.to_dict(orient="records")
    }
    serving = {m: r for m, r in rows.items() if r["recipients_unserved"] == 0}
    cheapest: str | None = None
    cheapest_total = math.nan
    if serving:
        cheapest = min(serving, key=lambda m: serving[m]["total_cost_sek_per_week"])
        cheapest_total = serving[cheapest]["total_cost_sek_per_week"]
    verdicts: list[LocalVerdict] = []
    if cheapest_central is not None:
        c = rows[cheapest_central]
        for name in local_models:
            if name not in rows or name == cheapest_central or name not in results:
                continue
            row = rows[name]
            extra = row["total_cost_sek_per_week"] - c["total_cost_sek_per_week"]
            gained = row["fresh_meals_per_week"] - c["fresh_meals_per_week"]
            kept = row["local_spend_sek_per_week"] - c["local_spend_sek_per_week"]
            be: list[tuple[str, str, float, str]] = []
            if break_even is not None and len(break_even):
                for rec in break_even.to_dict(orient="records"):
                    if (
                        rec["local_model"] == name
                        and rec["versus_model"] == cheapest_central
                        and bool(rec["bracketed"])
                    ):
                        be.append(
                            (
                                str(rec["parameter"]),
                                str(rec["kitchen"]),
                                float(rec["value"]),
                                str(rec["unit"]),
                            )
                        )
            verdicts.append(
                LocalVerdict(
                    model=name,
                    versus_model=cheapest_central,
                    extra_cost_sek_per_week=extra,
                    extra_cost_sek_per_year=extra * WEEKS_PER_YEAR,
                    fresh_meals_gained_per_week=gained,
                    extra_cost_sek_per_fresh_meal=_ratio(extra, gained) if gained > 0 else math.nan,
                    local_spend_kept_sek_per_week=kept,
                    local_spend_per_sek_extra=_ratio(kept, extra) if extra > 0 else math.nan,
                    break_even=tuple(be),
                    outcomes=tuple(
                        OutcomeDifference(name=col, local_value=row[col], central_value=c[col])
                        for col in CONCLUSION_OUTCOMES
                    ),
                )
            )
    return Conclusion(
        cheapest_model=cheapest,
        cheapest_total_sek_per_week=cheapest_total,
        cheapest_central=cheapest_central,
        locals=tuple(verdicts),
    )

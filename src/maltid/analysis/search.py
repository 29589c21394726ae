"""The generic search tools of the analyses: a one-at-a-time tornado and a break-even bisection.

Totals in SEK/week; nothing is solved here: the callbacks may re-solve.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from maltid.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BreakEven", "bisect_break_even", "tornado"]

logger = logging.getLogger("maltid")


def tornado(
    base_total: float,
    evaluate: Callable[[str, float], float],
    parameters: Mapping[str, float],
    *,
    names: Sequence[str] | None = None,
    rel_change: float = 0.2,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of a total (SEK/week) to each parameter, largest swing first.

    Each parameter ``p`` is set to ``value * (1 - rel_change)`` and
    ``value * (1 + rel_change)`` in turn, all others at their base values, and
    ``evaluate(name, new_value)`` returns the total for that change.

    Parameters
    ----------
    base_total : float
        The total at the base values (SEK/week), reported in ``base_total_sek``.
    evaluate : Callable[[str, float], float]
        ``evaluate(name, value) -> total_sek``; may re-solve.
    parameters : Mapping[str, float]
        Base values.
    names : Sequence[str], optional
        Parameters to vary (default: all of ``parameters``, in their order).
    rel_change : float
        Relative change, > 0 (0.2 = +/- 20 %).

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter, base_value, low_value, high_value, base_total_sek,
        total_low_sek, total_high_sek, swing_sek`` (``|high - low|``), sorted by
        ``swing_sek`` descending (ties keep input order).
    """
    import pandas as pd

    if not (rel_change > 0 and math.isfinite(rel_change)):
        raise InputError(f"tornado: rel_change={rel_change} must be > 0 (fix: e.g. 0.2)")
    chosen = list(parameters) if names is None else list(names)
    unknown = [n for n in chosen if n not in parameters]
    if unknown:
        raise InputError(
            f"tornado: unknown parameter(s) {', '.join(unknown)} "
            f"(fix: use names from {', '.join(parameters)})"
        )
    rows = []
    for name in chosen:
        v = float(parameters[name])
        lo, hi = v * (1.0 - rel_change), v * (1.0 + rel_change)
        t_lo, t_hi = float(evaluate(name, lo)), float(evaluate(name, hi))
        rows.append(
            {
                "parameter": name,
                "base_value": v,
                "low_value": lo,
                "high_value": hi,
                "base_total_sek": float(base_total),
                "total_low_sek": t_lo,
                "total_high_sek": t_hi,
                "swing_sek": abs(t_hi - t_lo),
            }
        )
    columns = [
        "parameter",
        "base_value",
        "low_value",
        "high_value",
        "base_total_sek",
        "total_low_sek",
        "total_high_sek",
        "swing_sek",
    ]
    df = pd.DataFrame(rows, columns=columns)
    return df.sort_values("swing_sek", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class BreakEven:
    """Result of a break-even search (value in the varied parameter's unit).

    Attributes
    ----------
    value : float or None
        The root, or ``None`` when ``f(lo)`` and ``f(hi)`` have the same sign.
    iterations : int
        Bisection iterations (0 when not bracketed).
    bracketed : bool
        Whether ``[lo, hi]`` brackets a sign change.
    converged : bool
        Whether the bisection reached ``tol`` within ``max_iter``.
    history : tuple of (float, float)
        Every evaluation ``(x, f(x))`` in the order made.
    """

    value: float | None
    iterations: int
    bracketed: bool
    converged: bool
    history: tuple[tuple[float, float], ...]


def bisect_break_even(
    f: Callable[[float], float],
    lo: float,
    hi: float,
    *,
    tol: float = 1e-4,
    max_iter: int = 60,
) -> BreakEven:
    """Find where ``f`` (local minus baseline cost, SEK/week) changes sign, by bisection.

    Wraps :func:`scipy.optimize.bisect`; each ``x`` is evaluated once (cached), and every
    evaluation is recorded. When ``f(lo)`` and ``f(hi)`` have the same sign there is no
    bracketed root: ``value`` is ``None`` and ``bracketed`` False -- no guess is made.

    Parameters
    ----------
    f : Callable[[float], float]
        ``f(x) -> cost difference`` (may re-solve; called as few times as possible).
    lo, hi : float
        The search interval, ``lo < hi``.
    tol : float
        Absolute tolerance on ``x``.
    max_iter : int
        Maximum bisection iterations.

    Returns
    -------
    BreakEven
    """
    from scipy.optimize import bisect

    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise InputError(f"bisect_break_even: need finite lo < hi, got [{lo}, {hi}]")
    if not tol > 0 or max_iter < 1:
        raise InputError("bisect_break_even: need tol > 0 and max_iter >= 1")
    history: list[tuple[float, float]] = []
    seen: dict[float, float] = {}

    def g(x: float) -> float:
        x = float(x)
        if x not in seen:
            y = float(f(x))
            if math.isnan(y):
                raise InputError(f"bisect_break_even: f({x}) is NaN (fix: check the callback)")
            seen[x] = y
            history.append((x, y))
        return seen[x]

    f_lo, f_hi = g(lo), g(hi)
    if f_lo == 0.0:
        return BreakEven(lo, 0, True, True, tuple(history))
    if f_hi == 0.0:
        return BreakEven(hi, 0, True, True, tuple(history))
    if (f_lo > 0) == (f_hi > 0):
        logger.debug(
            "break-even not bracketed on [%g, %g]: f=%g and %g have the same sign",
            lo,
            hi,
            f_lo,
            f_hi,
        )
        return BreakEven(None, 0, False, False, tuple(history))
    root, info = bisect(g, lo, hi, xtol=tol, maxiter=max_iter, full_output=True, disp=False)
    return BreakEven(float(root), int(info.iterations), True, bool(info.converged), tuple(history))

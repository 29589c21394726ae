"""The week written out day by day: meals per day, visits, chilled delivery days, sweeps.

Days are numbered 0 = Monday ... 6 = Sunday. A recipient with ``m`` meals a week eats on
the first ``min(m, 7)`` days of the week; with ``m > 7`` the meals are ceil-split (the
first ``m % 7`` days get ``m // 7 + 1`` meals, the others ``m // 7``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from maltid.errors import InputError

if TYPE_CHECKING:
    from maltid.scenario import KitchenSpec, Recipient

__all__ = [
    "DAY_NAMES",
    "Visit",
    "angles_rad",
    "central_hot_visits",
    "chilled_group_visits",
    "chilled_offsets",
    "day_label",
    "meals_by_day",
    "sweep_groups",
]

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: A recipient -> its delivery window (s since midnight).
WindowFor = Callable[["Recipient"], tuple[float, float]]


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
    recipients: Sequence[Recipient],
    kitchen_id: str,
    *,
    days_per_week: int,
    window_for: WindowFor,
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
                week[d].append(Visit(r.id, kitchen_id, mbd[d], 0, hot_pref, w0, w1))
        if days_per_week == 5:
            fresh = mbd[4]
            chilled = mbd[5] + mbd[6]
            if fresh + chilled > 0:
                week[4].append(
                    Visit(
                        r.id,
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
    recipients: Sequence[Recipient],
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
            week[day].append(Visit(r.id, kitchen_id, 0, meals, False, window[0], window[1], kept))
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


def angles_rad(kitchen: KitchenSpec, recipients: Sequence[Recipient]) -> list[float]:
    """Bearing (rad, east = 0, counter-clockwise) of each recipient seen from the kitchen,
    on a local equirectangular projection (only the order matters: sweeps)."""
    coslat = math.cos(math.radians(float(kitchen.lat)))
    return [
        math.atan2(float(r.lat) - float(kitchen.lat), (float(r.lon) - float(kitchen.lon)) * coslat)
        for r in recipients
    ]

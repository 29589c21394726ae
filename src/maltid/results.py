"""Frozen plans of a delivery model: the week, its days and who gets what.

Owned by the models/compare layer. The faces import only this module (plus ``matrix`` for
path geometry); they never re-solve anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maltid.routing import RoutingPlan

__all__ = [
    "DayPlan",
    "KitchenWeek",
    "LocalDelivery",
    "WeekPlan",
]


@dataclass(frozen=True)
class DayPlan:
    """One solved delivery day that repeats ``days`` times a week.

    Attributes
    ----------
    label : str
        Human label, e.g. ``"Mon-Sun"`` or ``"Fri (weekend meals chilled)"``.
    days : int
        How many days a week this plan is driven.
    plan : RoutingPlan
        The solved routing day (routes, arrivals, unserved).
    hot : bool
        True when the meals are delivered hot (kitchen-to-plate minutes count).
    day_indices : tuple of int
        The weekdays (0 = Monday ... 6 = Sunday) this plan is driven; ``len == days``.
    fresh_meals : Mapping[str, int]
        Stop id -> meals of the visit cooked that day (eaten the same day).
    chilled_meals : Mapping[str, int]
        Stop id -> meals of the visit that are chilled and reheated later (e.g. the
        weekend meals travelling with Friday's hot visit, or every chilled box).
    chilled_days_kept : Mapping[str, float]
        Stop id -> mean days the chilled meals of the visit are kept at home before they
        are eaten (0 = eaten on the delivery day).

    Notes
    -----
    A stop's load (``Route.load_meals`` sums them) is ``fresh_meals + chilled_meals``.
    """

    label: str
    days: int
    plan: RoutingPlan
    hot: bool
    day_indices: tuple[int, ...] = ()
    fresh_meals: Mapping[str, int] = field(default_factory=dict)
    chilled_meals: Mapping[str, int] = field(default_factory=dict)
    chilled_days_kept: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class KitchenWeek:
    """What one kitchen produces in a planning week under one delivery model."""

    kitchen_id: str
    role: str  # "central" | "local"
    open: bool
    cooking_days_per_week: int
    meals_fresh_per_week: float  # cooked and eaten the same day, not reheated
    meals_chilled_per_week: float  # cooked, chilled, reheated at home
    cost_per_meal_sek: float
    fixed_cost_sek_per_day: float
    local_food_share: float
    delivery_mode: str  # "car" | "foot" | "bicycle" | "on_site"
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class LocalDelivery:
    """A delivery without a vehicle route: on foot, by bicycle, or eaten on site.

    Attributes
    ----------
    one_way_distance_m : float
        Road distance kitchen -> recipient (0 for ``on_site``).
    kitchen_to_plate_s : float
        Seconds from the meal leaving the kitchen to the plate.
    staff_time_s : float
        Staff seconds per delivery day (round trip and service).
    days : int
        Delivery days per week.
    """

    recipient_id: str
    kitchen_id: str
    mode: str  # "foot" | "bicycle" | "on_site"
    one_way_distance_m: float
    kitchen_to_plate_s: float
    staff_time_s: float
    days: int


@dataclass(frozen=True)
class WeekPlan:
    """A delivery model's plan for one week: kitchens, solved days and who gets what."""

    model: str
    kind: str
    kitchens: tuple[KitchenWeek, ...]
    days: tuple[DayPlan, ...]
    assignment: Mapping[str, str]  # recipient id -> kitchen id
    unserved: Mapping[str, str]  # recipient id -> reason
    local_deliveries: tuple[LocalDelivery, ...] = ()

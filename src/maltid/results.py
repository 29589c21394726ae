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
    "OUTCOMES",
    "DayPlan",
    "KitchenWeek",
    "LocalDelivery",
    "RecipientOutcome",
    "WeekPlan",
]

#: What a model does for a recipient: its own mode serves them, the fallback (chilled
#: boxes from the central kitchen) does, or nobody can (no road connection).
OUTCOMES = ("served", "fallback", "unserved")


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
    fallback : bool
        True for the fallback's rounds (chilled boxes from the central kitchen for whom
        the model's own mode cannot serve); their km, hours, meals and costs belong to the
        model's totals and, separately, to its fallback cost.
    crew : {"driver", "home_care"}
        Who drives the rounds: delivery drivers (hours at ``driver_cost_per_hour_sek``,
        vans with a fixed cost) or home-care staff in their own cars (``home_care_cooking``:
        hours at the home-care rate, no van; meals cooked at the door, kitchen-to-plate 0).

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
    fallback: bool = False
    crew: str = "driver"


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
class RecipientOutcome:
    """What one model does for one recipient in the week.

    Attributes
    ----------
    recipient_id : str
    outcome : {"served", "fallback", "unserved"}
        ``served``: by the model's own mode; ``fallback``: by chilled boxes from the
        central kitchen because the own mode cannot; ``unserved``: no vehicle can reach
        the recipient at all (no road connection; the same in every model).
    reason_code : str
        Empty when served; else a routing reason code (``maltid.routing.UNSERVED_CODES``:
        ``hot_holding``, ``capacity``, ``window``, ``shift``, ``dropped``,
        ``no_vehicles``, ``unreachable``).
    reason : str
        The reason in words (English), with the weekdays.
    days : tuple of int
        Weekdays (0 = Monday) on which the own mode would have delivered and cannot
        (empty when served).
    """

    recipient_id: str
    outcome: str
    reason_code: str = ""
    reason: str = ""
    days: tuple[int, ...] = ()


@dataclass(frozen=True)
class WeekPlan:
    """A delivery model's plan for one week: kitchens, solved days and who gets what.

    Attributes
    ----------
    assignment : Mapping[str, str]
        Recipient id -> the kitchen that cooks their meals (the central kitchen for the
        fallback's recipients).
    unserved : Mapping[str, str]
        Recipient id -> reason, for outcome ``unserved`` only (no road connection).
    outcomes : Mapping[str, RecipientOutcome]
        Every recipient of the scenario -> its outcome (served / fallback / unserved).
    vehicles_needed : Mapping[str, int]
        Kitchen id -> vans it needs (the most routes on one weekday, own rounds and
        fallback rounds of that day together; a van drives one route a day).
    fallback_meals_per_week : float
        Meals a week delivered by the fallback (chilled, reheated; counted in the central
        kitchen's ``meals_chilled_per_week`` too).
    chilled_deliveries_asked_per_week : int
        Chilled deliveries a week the model asked for (``central_chilled``'s
        ``deliveries_per_week``; for the fallback, that of the scenario's chilled model or
        the schema default); 0 when the plan has no chilled boxes.
    chilled_deliveries_per_week : int
        Chilled deliveries a week actually planned: raised above the asked number when
        the shelf life or the chilled van capacity requires it (0 when none).
    """

    model: str
    kind: str
    kitchens: tuple[KitchenWeek, ...]
    days: tuple[DayPlan, ...]
    assignment: Mapping[str, str]  # recipient id -> kitchen id
    unserved: Mapping[str, str]  # recipient id -> reason
    local_deliveries: tuple[LocalDelivery, ...] = ()
    outcomes: Mapping[str, RecipientOutcome] = field(default_factory=dict)
    vehicles_needed: Mapping[str, int] = field(default_factory=dict)
    fallback_meals_per_week: float = 0.0
    chilled_deliveries_asked_per_week: int = 0
    chilled_deliveries_per_week: int = 0

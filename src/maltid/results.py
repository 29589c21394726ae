"""Frozen results of a comparison: what the faces (CLI, maps, report, notebooks) consume.

Owned by the models/compare layer. The faces import only this module (plus ``matrix`` for
path geometry); they never re-solve anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from maltid.config import Scenario
    from maltid.costs import WeeklyOutcome
    from maltid.matrix import TravelMatrix
    from maltid.network import RoadNetwork, Snapped
    from maltid.routing import RoutingPlan

__all__ = [
    "Comparison",
    "DayPlan",
    "KitchenWeek",
    "LocalDelivery",
    "ModelResult",
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
    """

    label: str
    days: int
    plan: RoutingPlan
    hot: bool


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
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelResult:
    """One delivery model, solved and costed."""

    name: str
    kind: str
    plan: WeekPlan
    outcome: WeeklyOutcome
    siting: Any | None = None  # siting report for optimised_mix


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

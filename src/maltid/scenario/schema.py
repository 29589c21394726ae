"""Scenario schema (pydantic v2): the section specs of a scenario TOML and a recipient.

Each spec holds the rules of its own fields (ranges, formats); rules that span sections
live in :mod:`maltid.scenario.rules`, the whole document in
:mod:`maltid.scenario.document`. The format is documented field by field in
``docs/scenario-format.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from maltid.scenario._base import FROZEN, err, hhmm_field, parse_hhmm
from maltid.scenario.home_care import HomeCareCooking

__all__ = [
    "DEFAULT_CHILLED_VEHICLE_CAPACITY_MEALS",
    "DEFAULT_DELIVERY_RADIUS_M",
    "SPEED_RANGE_KPH",
    "WINTER_SPEED_FACTOR_MAX",
    "AnalysisSpec",
    "CentralChilled",
    "CentralDailyHot",
    "DeliverySpec",
    "FleetSpec",
    "KitchenSpec",
    "LocalKitchens",
    "ModelSpec",
    "NetworkSpec",
    "OptimisedMix",
    "Recipient",
    "RecipientsSpec",
    "SolverSpec",
]

#: Default ``delivery_radius_m`` (m) per kitchen delivery mode when not given (``car``:
#: none, the hot-holding limit bounds it).
DEFAULT_DELIVERY_RADIUS_M: dict[str, float] = {
    "foot": 1500.0,
    "bicycle": 4000.0,
    "on_site": 1000.0,
}

#: Allowed road speeds (km/h, inclusive): ``[network] speeds_kph`` and the road network's
#: own speeds are checked against this one range.
SPEED_RANGE_KPH: tuple[float, float] = (1.0, 150.0)

#: Largest ``[network] winter_speed_factor`` (unitless; the range is (0, max]).
WINTER_SPEED_FACTOR_MAX: float = 1.5

#: Meals per van on chilled rounds when ``chilled_vehicle_capacity_meals`` is not given
#: (boxes; the hot capacity if that is larger). maltid assumption: chilled boxes stack in
#: insulated crates, so a light van carries about three hot rounds' worth.
DEFAULT_CHILLED_VEHICLE_CAPACITY_MEALS: int = 120


class Recipient(BaseModel):
    """One meal recipient: position (degrees WGS84), meals per week, hot or chilled.

    The one home of the per-recipient rules: every reader (CSV, GIS files) builds its
    rows through this class, so a row is accepted or refused by the same rules and
    with the same words.

    Attributes
    ----------
    id : str
        Pseudonymous identifier (never a name or personnummer).
    lat, lon : float
        Position in degrees (WGS84).
    meals_per_week : int
        Meals ordered per week, 1-14.
    hot_meal : bool
        True if the recipient needs the meal delivered hot (not as chilled box).
    window_start_s, window_end_s : int or None
        Personal delivery window, seconds after midnight; both or neither.
    home_care_lunch_visits_per_week : int
        Lunch visits a week the person already gets from home care, 0-7 (CSV column
        ``home_care_lunch_visits_per_week``, optional, empty = 0); used by
        ``home_care_cooking``.
    """

    model_config = FROZEN

    id: str
    lat: float
    lon: float
    meals_per_week: int
    hot_meal: bool
    window_start_s: int | None = Field(default=None, ge=0, le=86400)
    window_end_s: int | None = Field(default=None, ge=0, le=86400)
    home_care_lunch_visits_per_week: int = 0

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, v: Any) -> Any:
        if isinstance(v, str) and not v.strip():
            raise err("the id is empty", "give every recipient an id (a pseudonym, not a name)")
        return v

    @field_validator("lat")
    @classmethod
    def _lat(cls, v: float) -> float:
        if not -90.0 <= v <= 90.0:
            raise err(
                f"latitude {v} is outside -90..90", "check the value; lat and lon may be swapped"
            )
        return v

    @field_validator("lon")
    @classmethod
    def _lon(cls, v: float) -> float:
        if not -180.0 <= v <= 180.0:
            raise err(f"longitude {v} is outside -180..180", "check the value")
        return v

    @field_validator("meals_per_week", mode="before")
    @classmethod
    def _meals(cls, v: Any) -> Any:
        if isinstance(v, float) and math.isfinite(v) and v == int(v):
            v = int(v)
        if isinstance(v, float):
            raise err(f"{v!r} is not a whole number of meals", "write a whole number 1..14")
        if isinstance(v, int) and not isinstance(v, bool) and not 1 <= v <= 14:
            raise err(
                f"{v!r} is outside 1..14",
                "write a whole number 1..14 (remove recipients with no meals)",
            )
        return v

    @field_validator("home_care_lunch_visits_per_week", mode="before")
    @classmethod
    def _lunch_visits(cls, v: Any) -> Any:
        if v is None:
            return 0
        if isinstance(v, float) and math.isfinite(v) and v == int(v):
            v = int(v)
        fix = "write a whole number 0..7 (lunch visits a week; empty = 0)"
        if isinstance(v, float):
            raise err(f"{v!r} is not a whole number of visits", fix)
        if isinstance(v, int) and not isinstance(v, bool) and not 0 <= v <= 7:
            raise err(f"{v!r} is outside 0..7", fix)
        return v

    @model_validator(mode="after")
    def _window(self) -> Recipient:
        if (self.window_start_s is None) != (self.window_end_s is None):
            raise err(
                "only one of window_start / window_end is given",
                "give both window_start and window_end, or neither",
            )
        if (
            self.window_start_s is not None
            and self.window_end_s is not None
            and self.window_end_s <= self.window_start_s
        ):
            start, end = self.window_start_s, self.window_end_s
            raise err(
                f"the window ends ({end // 3600:02d}:{end % 3600 // 60:02d}) before it starts "
                f"({start // 3600:02d}:{start % 3600 // 60:02d})",
                "make window_end later than window_start",
            )
        return self


class NetworkSpec(BaseModel):
    """Where the road network comes from, and speed settings (km/h, m).

    Exactly one of ``osm``, ``graphml``, ``place`` or ``bbox`` is given.

    Attributes
    ----------
    osm : Path or None
        OSM file (``.osm``, ``.osm.gz``, ``.osm.bz2``, ``.osm.pbf``).
    graphml : Path or None
        A GraphML road graph (e.g. saved by osmnx).
    place : str or None
        A place name to download (needs the internet).
    bbox : tuple of 4 float or None
        ``(west, south, east, north)`` in degrees to download (needs the internet).
    winter_speed_factor : float
        Multiplier on every road speed, 0 < f <= 1.5 (e.g. 0.8 in winter).
    speeds_kph : dict of str to float
        Road speed (km/h, within :data:`SPEED_RANGE_KPH`) per OSM ``highway`` class,
        overriding the defaults.
    snap_warn_m : float
        Warn when a point is further than this (m) from the nearest road.
    """

    model_config = FROZEN

    osm: Path | None = None
    graphml: Path | None = None
    place: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    winter_speed_factor: float = Field(default=1.0, gt=0.0, le=WINTER_SPEED_FACTOR_MAX)
    speeds_kph: dict[str, float] = Field(default_factory=dict)
    snap_warn_m: float = Field(default=2000.0, gt=0.0)

    @field_validator("place")
    @classmethod
    def _place(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise err("the place name is empty", 'write e.g. place = "Ljusdal, Sweden"')
        return v

    @field_validator("bbox")
    @classmethod
    def _bbox(
        cls, v: tuple[float, float, float, float] | None
    ) -> tuple[float, float, float, float] | None:
        if v is None:
            return v
        w, s, e, n = v
        if not all(math.isfinite(x) for x in v):
            raise err("bbox has a non-finite number", "write four plain numbers [w, s, e, n]")
        if not (-180 <= w <= 180 and -180 <= e <= 180):
            raise err(
                f"bbox longitudes {w}, {e} are outside -180..180",
                "write bbox = [west, south, east, north] in degrees",
            )
        if not (-90 <= s <= 90 and -90 <= n <= 90):
            raise err(
                f"bbox latitudes {s}, {n} are outside -90..90",
                "write bbox = [west, south, east, north] in degrees",
            )
        if w >= e or s >= n:
            raise err(
                f"bbox {list(v)} is not in the order west < east, south < north",
                "write bbox = [west, south, east, north], e.g. [16.0, 61.7, 16.3, 61.9]",
            )
        return v

    @field_validator("speeds_kph")
    @classmethod
    def _speeds(cls, v: dict[str, float]) -> dict[str, float]:
        lo, hi = SPEED_RANGE_KPH
        bad = {k: s for k, s in v.items() if not (lo <= s <= hi)}
        if bad:
            raise err(
                f"speeds out of range {lo:g}..{hi:g} km/h: {bad}",
                f"give each highway class a speed between {lo:g} and {hi:g} km/h",
            )
        return v

    @model_validator(mode="after")
    def _one_source(self) -> NetworkSpec:
        given = [k for k in ("osm", "graphml", "place", "bbox") if getattr(self, k) is not None]
        if len(given) != 1:
            what = "none of" if not given else "more than one of (" + ", ".join(given) + ")"
            raise err(
                f"[network] gives {what} osm, graphml, place, bbox",
                'give exactly one road source, e.g. osm = "roads.osm.gz"',
            )
        return self

    @property
    def source_kind(self) -> str:
        """Return which road source is given (unitless): osm, graphml, place or bbox."""
        for k in ("osm", "graphml", "place", "bbox"):
            if getattr(self, k) is not None:
                return k
        raise AssertionError("validated NetworkSpec has a source")  # pragma: no cover


class RecipientsSpec(BaseModel):
    """Where the recipients are (TOML ``[recipients]``): a file, its CRS and layer.

    Attributes
    ----------
    path : Path
        The recipients file (relative to the scenario file): a CSV, or any file
        geopandas reads (GeoPackage, Shapefile, GeoJSON, ...). ``csv = "..."`` is an
        alias of ``path``.
    crs : str
        CRS of a CSV's coordinate columns: ``"EPSG:4326"`` (lat/lon columns, degrees)
        or e.g. ``"EPSG:3006"`` (SWEREF 99 TM x/y, e/n or easting/northing columns, m).
        A GIS file's own CRS is used; ``crs`` only when the file declares none.
    layer : str or None
        The layer of a GeoPackage (default: its first layer).
    """

    model_config = FROZEN

    path: Path
    crs: str = "EPSG:4326"
    layer: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _csv_alias(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "csv" in data:
            data = dict(data)
            if "path" in data:
                raise err(
                    "[recipients] gives both path and csv",
                    "keep path = ... (csv is an older name for the same key)",
                )
            data["path"] = data.pop("csv")
        return data

    @property
    def csv(self) -> Path:
        """Return :attr:`path` (the older name ``csv``; a file path)."""
        return self.path


Role = Literal["central", "local"]
DeliveryMode = Literal["car", "foot", "bicycle", "on_site", "home_care"]


class KitchenSpec(BaseModel):
    """One kitchen: position (degrees), cost per meal (SEK), capacity (meals/day).

    Attributes
    ----------
    id : str
        Unique kitchen id.
    name : str
        Display name (defaults to ``id``).
    role : {"central", "local"}
        The one central production kitchen, or a local (village) kitchen.
    lat, lon : float
        Position in degrees (WGS84).
    cost_per_meal_sek : float
        Production cost per meal (SEK), >= 0.
    fixed_cost_sek_per_day : float
        Fixed cost per day the kitchen cooks (SEK), >= 0.
    capacity_meals_per_day : int
        Meals the kitchen can produce per day, > 0.
    local_food_share : float
        Share (0-1) of the food bought locally (village shop, farms).
    delivery_mode : {"car", "foot", "bicycle", "on_site", "home_care"}
        How a local kitchen's meals reach the recipients (``home_care``: home-care staff
        carry them out on their lunch visits; needs ``[home_care]``).
    delivery_radius_m : float or None
        Road distance limit (m) for foot/bicycle/on_site (defaults
        :data:`DEFAULT_DELIVERY_RADIUS_M`: 1500 for foot, 4000 for bicycle, 1000 for
        on_site; ``None`` for car, where the hot-holding limit bounds the reach).
    vehicles : int or None
        Vehicles at this kitchen (overrides ``fleet.vehicles_per_kitchen``).
    candidate : bool
        Whether ``optimised_mix`` may open (or close) this local kitchen.
    """

    model_config = FROZEN

    id: str = Field(min_length=1)
    name: str
    role: Role
    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    cost_per_meal_sek: float = Field(ge=0.0)
    fixed_cost_sek_per_day: float = Field(default=0.0, ge=0.0)
    capacity_meals_per_day: int = Field(gt=0)
    local_food_share: float = Field(default=0.0, ge=0.0, le=1.0)
    delivery_mode: DeliveryMode = "car"
    delivery_radius_m: float | None = Field(default=None, gt=0.0)
    vehicles: int | None = Field(default=None, ge=0)
    candidate: bool = True

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            data = dict(data)
            if data.get("name") is None and isinstance(data.get("id"), str):
                data["name"] = data["id"]
            mode = data.get("delivery_mode")
            if data.get("delivery_radius_m") is None and mode in DEFAULT_DELIVERY_RADIUS_M:
                data["delivery_radius_m"] = DEFAULT_DELIVERY_RADIUS_M[mode]
        return data


class FleetSpec(BaseModel):
    """The delivery vehicles: capacity (meals), costs (SEK/km, SEK/h), shift (HH:MM, min).

    Attributes
    ----------
    vehicle_capacity_meals : int
        Meals one vehicle carries on a hot round, > 0.
    vehicles_per_kitchen : int or None
        Cap on vehicles at each kitchen unless the kitchen sets ``vehicles`` (``None``, the
        default: as many as the plan needs; each van used costs its fixed cost, so the
        routing trades vans against km and hours), >= 0.
    cost_per_km_sek : float
        Running cost per km driven (SEK/km), >= 0.
    driver_cost_per_hour_sek : float
        Driver cost per hour (SEK/h), >= 0.
    co2_kg_per_km : float
        Tailpipe CO2 per km (kg/km), >= 0.
    service_min_per_stop : float
        Time at each stop (min), >= 0.
    shift_start : str
        Earliest departure, ``"HH:MM"``.
    max_shift_min : float
        Longest route from departure to return (min), > 0.
    fixed_cost_sek_per_vehicle_day : float or None
        Fixed cost of each vehicle used on a day (SEK), >= 0 (``None``: the cost model's
        default, see ``docs/cost-model.md``); charged per van-day for hired vans and used
        by the routing to weigh a van against km and hours.
    fixed_cost_sek_per_vehicle_week : float or None
        Fixed cost of each vehicle of an owned or leased fleet per week (SEK), >= 0
        (``None``: the cost model's default).
    fixed_cost_basis : {"week", "day"}
        ``"week"`` (default): an owned or leased fleet, charged
        ``fixed_cost_sek_per_vehicle_week`` for every vehicle needed (the most routes of a
        kitchen on one weekday); ``"day"``: hired vans, charged
        ``fixed_cost_sek_per_vehicle_day`` per van-day used.
    chilled_vehicle_capacity_meals : int or None
        Meals per vehicle on chilled rounds (``None``: the larger of
        :data:`DEFAULT_CHILLED_VEHICLE_CAPACITY_MEALS` and ``vehicle_capacity_meals``).

    The four cost fields (``cost_per_km_sek``, ``driver_cost_per_hour_sek``,
    ``co2_kg_per_km``, ``fixed_cost_sek_per_vehicle_*``) are cost parameters: their
    bounds are the catalogue's (:mod:`maltid.scenario.parameters`), checked in
    :mod:`maltid.scenario.rules`.
    """

    model_config = FROZEN

    vehicle_capacity_meals: int = Field(gt=0)
    vehicles_per_kitchen: int | None = Field(default=None, ge=0)
    cost_per_km_sek: float
    driver_cost_per_hour_sek: float
    co2_kg_per_km: float
    service_min_per_stop: float = Field(ge=0.0)
    shift_start: str
    max_shift_min: float = Field(gt=0.0)
    fixed_cost_sek_per_vehicle_day: float | None = None
    fixed_cost_sek_per_vehicle_week: float | None = None
    fixed_cost_basis: Literal["week", "day"] = "week"
    chilled_vehicle_capacity_meals: int | None = Field(default=None, gt=0)

    @field_validator("shift_start", mode="before")
    @classmethod
    def _shift_start(cls, v: Any) -> str:
        return hhmm_field(v, "shift_start")

    @property
    def shift_start_s(self) -> int:
        """Return the shift start in seconds after midnight (s)."""
        return parse_hhmm(self.shift_start)

    @property
    def service_s(self) -> float:
        """Return the service time per stop in seconds (s)."""
        return self.service_min_per_stop * 60.0

    @property
    def max_shift_s(self) -> float:
        """Return the longest route duration in seconds (s)."""
        return self.max_shift_min * 60.0

    @property
    def chilled_capacity_meals(self) -> int:
        """Return the meals per vehicle on chilled rounds (meals)."""
        c = self.chilled_vehicle_capacity_meals
        if c is None:
            return max(self.vehicle_capacity_meals, DEFAULT_CHILLED_VEHICLE_CAPACITY_MEALS)
        return c


class DeliverySpec(BaseModel):
    """The delivery rules: lunch window (HH:MM), holding limits (min), shelf life (days).

    Attributes
    ----------
    lunch_window : tuple of 2 str
        Hot meals arrive between these times, ``("HH:MM", "HH:MM")``.
    max_hot_holding_min : float
        Longest time from kitchen to plate for a hot meal (min), > 0.
    max_same_day_holding_min : float
        Longest time from kitchen to plate for a same-day meal that is not kept hot
        (recipients with ``hot_meal = false``: cooked that day, eaten that day without
        reheating help), min, > 0; default 180 (maltid assumption).
    chilled_shelf_life_days : int
        Days from cooking to the last chilled meal eaten, 1-14; default 5 (maltid
        assumption; no fixed official number, see ``docs/scenario-format.md``). When the
        asked chilled deliveries per week would break it, deliveries are raised.
    """

    model_config = FROZEN

    lunch_window: tuple[str, str]
    max_hot_holding_min: float = Field(gt=0.0)
    max_same_day_holding_min: float = Field(default=180.0, gt=0.0)
    chilled_shelf_life_days: int = Field(default=5, ge=1, le=14)

    @field_validator("lunch_window")
    @classmethod
    def _window(cls, v: tuple[str, str]) -> tuple[str, str]:
        start = hhmm_field(v[0], "the lunch window start")
        end = hhmm_field(v[1], "the lunch window end")
        if parse_hhmm(end) <= parse_hhmm(start):
            raise err(
                f"the lunch window ends ({end}) before or when it starts ({start})",
                f'write lunch_window = ["{end}", "{start}"] or another window whose end '
                "is later than its start",
            )
        return (start, end)

    @property
    def lunch_window_s(self) -> tuple[int, int]:
        """Return the lunch window as seconds after midnight (s, s)."""
        return (parse_hhmm(self.lunch_window[0]), parse_hhmm(self.lunch_window[1]))

    @property
    def max_hot_holding_s(self) -> float:
        """Return the hot-holding limit in seconds (s)."""
        return self.max_hot_holding_min * 60.0

    @property
    def max_same_day_holding_s(self) -> float:
        """Return the holding limit of same-day meals not kept hot in seconds (s)."""
        return self.max_same_day_holding_min * 60.0


class CentralDailyHot(BaseModel):
    """Model ``central_daily_hot``: hot meals from the central kitchen (days per week)."""

    model_config = FROZEN

    kind: Literal["central_daily_hot"] = "central_daily_hot"
    name: str = Field(default="central_daily_hot", min_length=1)
    days_per_week: Literal[5, 7] = 7


class CentralChilled(BaseModel):
    """Model ``central_chilled``: chilled boxes from the central kitchen (deliveries/week)."""

    model_config = FROZEN

    kind: Literal["central_chilled"] = "central_chilled"
    name: str = Field(default="central_chilled", min_length=1)
    deliveries_per_week: int = Field(default=1, ge=1, le=7)


class LocalKitchens(BaseModel):
    """Model ``local_kitchens``: every local kitchen cooks for the recipients nearest it."""

    model_config = FROZEN

    kind: Literal["local_kitchens"] = "local_kitchens"
    name: str = Field(default="local_kitchens", min_length=1)


class OptimisedMix(BaseModel):
    """Model ``optimised_mix``: the optimiser chooses which local kitchens to open."""

    model_config = FROZEN

    kind: Literal["optimised_mix"] = "optimised_mix"
    name: str = Field(default="optimised_mix", min_length=1)


ModelSpec = Annotated[
    CentralDailyHot | CentralChilled | LocalKitchens | OptimisedMix | HomeCareCooking,
    Field(discriminator="kind"),
]

MODEL_CLASSES: dict[str, type[BaseModel]] = {
    "central_daily_hot": CentralDailyHot,
    "central_chilled": CentralChilled,
    "local_kitchens": LocalKitchens,
    "optimised_mix": OptimisedMix,
    "home_care_cooking": HomeCareCooking,
}


class SolverSpec(BaseModel):
    """Solver limits (s, counts), the routing backend and its worker processes.

    Attributes
    ----------
    time_limit_s : float
        Safety cap on the wall time of each routing solve (s), > 0; solves stop at
        ``solution_limit`` / ``iteration_limit``.
    siting_time_limit_s : float
        Time limit of the kitchen-siting MIP (s), > 0.
    mix_max_evaluations : int or None
        Cap on the open sets of kitchens ``optimised_mix`` routes for real in its search
        (default ``3 + 2 x candidate kitchens``).
    solution_limit : int or None
        OR-Tools search solutions per routing solve before it stops (count;
        machine-independent, so the same scenario gives the same plan everywhere);
        default ``200 + 2 x stops``. ``time_limit_s`` is then only a safety cap.
    iteration_limit : int or None
        PyVRP iterations per routing solve before it stops (count; machine-independent);
        default ``2000 + 20 x stops``.
    max_stops_per_solve : int
        A kitchen's day with more stops is split into angular sectors of about equal
        meals, one routing solve each (count, >= 2; default 150).
    backend : {"auto", "pyvrp", "ortools"}
        Routing backend: ``"auto"`` (default: days mixing hot and not-hot stops under a
        holding limit to OR-Tools, every other day to PyVRP; ``docs/routing.md``),
        ``"pyvrp"`` (PyVRP iterated local search; mixed days through release-time
        copies) or ``"ortools"`` (OR-Tools guided local search).
    workers : int
        Processes that route a model's kitchen-days in parallel (count, >= 1; default
        1; at most the usable CPUs; Linux only, serial elsewhere). The plans do not
        depend on it as long as the solves stop on their counts, not on
        ``time_limit_s`` (a WARNING says when the cap was hit).
    """

    model_config = FROZEN

    time_limit_s: float = Field(default=120.0, gt=0.0)
    siting_time_limit_s: float = Field(default=30.0, gt=0.0)
    mix_max_evaluations: int | None = Field(default=None, ge=1)
    solution_limit: int | None = Field(default=None, ge=1)
    iteration_limit: int | None = Field(default=None, ge=1)
    max_stops_per_solve: int = Field(default=150, ge=2)
    backend: Literal["auto", "pyvrp", "ortools"] = "auto"
    workers: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _limit_of_backend(self) -> SolverSpec:
        if self.backend == "pyvrp" and self.solution_limit is not None:
            raise err(
                f"solution_limit = {self.solution_limit} counts OR-Tools search solutions, "
                'but backend = "pyvrp"',
                f"write iteration_limit = {self.solution_limit} for PyVRP's iterations",
            )
        if self.backend == "ortools" and self.iteration_limit is not None:
            raise err(
                f"iteration_limit = {self.iteration_limit} counts PyVRP iterations, but "
                'backend = "ortools"',
                f"write solution_limit = {self.iteration_limit} for OR-Tools' search solutions",
            )
        return self


BreakEvenKind = Literal[
    "local_cost_per_meal", "village_recipients", "village_distance", "fuel_cost"
]


class AnalysisSpec(BaseModel):
    """Which break-even and sensitivity analyses to run (relative change unitless).

    Attributes
    ----------
    break_even : tuple of str
        Break-even analyses to run.
    break_even_kitchen : str or None
        The local kitchen the break-even is about (default: the first local kitchen).
    sensitivity : bool
        Whether to run the one-at-a-time sensitivity (tornado).
    sensitivity_rel_change : float
        Relative change of each parameter in the sensitivity, 0 < x < 1.
    sensitivity_vehicle_rates : {"re-price", "re-solve"}
        How the vehicle rates (SEK/km, SEK/h) are varied: ``re-price`` keeps the solved
        routes and prices them at the new rate (fast; an upper bound on the re-optimised
        cost); ``re-solve`` routes every model again at the new rate and keeps the
        cheaper of the re-solved and the re-priced plan.
    """

    model_config = FROZEN

    break_even: tuple[BreakEvenKind, ...] = ("local_cost_per_meal",)
    break_even_kitchen: str | None = None
    sensitivity: bool = True
    sensitivity_rel_change: float = Field(default=0.2, gt=0.0, lt=1.0)
    sensitivity_vehicle_rates: Literal["re-price", "re-solve"] = "re-price"

"""Scenario schema (pydantic v2), TOML + recipients CSV reading, and validation.

A scenario is one TOML file (the municipality, its kitchens, fleet, delivery rules and
the delivery models to compare) plus a recipients CSV beside it. :func:`load_scenario`
reads both, resolves paths relative to the TOML file and validates everything; every
problem found is collected and raised together as one :class:`maltid.errors.ScenarioError`
(each a :class:`maltid.errors.Problem` naming the file, the field or CSV row, what is
wrong and how to fix it). :func:`validate_scenario` returns the same list instead.

The format is documented field by field in ``docs/scenario-format.md``.

Privacy: only ``id, lat, lon, meals_per_week, hot_meal`` and the optional delivery
window are kept from the recipients CSV; every other column (names, addresses,
personnummer) is dropped while reading and never stored.
"""

from __future__ import annotations

import bz2
import copy
import csv
import difflib
import gzip
import io
import logging
import math
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from maltid.errors import Problem, ScenarioError

__all__ = [
    "MODEL_KINDS",
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
    "Scenario",
    "SolverSpec",
    "check_extent",
    "load_scenario",
    "parse_hhmm",
    "read_osm_bounds",
    "read_recipients",
    "validate_scenario",
]

logger = logging.getLogger("maltid")

#: The four delivery model kinds, in their default order.
MODEL_KINDS: tuple[str, ...] = (
    "central_daily_hot",
    "central_chilled",
    "local_kitchens",
    "optimised_mix",
)

#: Default ``delivery_radius_m`` (m) per kitchen delivery mode when not given.
DEFAULT_DELIVERY_RADIUS_M: dict[str, float] = {"foot": 1500.0, "bicycle": 4000.0}

_DOCS = "docs/scenario-format.md"
_FROZEN = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_PNR_VALUE = re.compile(r"^\d{6,8}[-+]?\d{4}$")
_PNR_HEADER = re.compile(
    r"^(personnummer|personnr|person_?nr|pnr|ssn|personal_?(id_?)?number|samordningsnummer)$"
)
_M_PER_DEG_LAT = 111_320.0


def _err(message: str, fix: str) -> PydanticCustomError:
    """A validation error carrying its own fix (read back by the Problem conversion)."""
    return PydanticCustomError("maltid", "{message}", {"message": message, "fix": fix})


def parse_hhmm(text: str) -> int:
    """Return seconds after midnight (s) of a ``"HH:MM"`` clock time.

    Parameters
    ----------
    text : str
        A time such as ``"10:00"`` or ``"7:30"`` (hours 0-24, minutes 0-59; ``"24:00"``
        is the end of the day).

    Returns
    -------
    int
        Seconds after midnight.

    Raises
    ------
    ValueError
        If ``text`` is not a valid ``HH:MM`` time.
    """
    m = _HHMM.match(str(text))
    if not m:
        raise ValueError(f"{text!r} is not a time in HH:MM form")
    h, mi = int(m.group(1)), int(m.group(2))
    if mi > 59 or h > 24 or (h == 24 and mi > 0):
        raise ValueError(f"{text!r} is not a valid time of day")
    return h * 3600 + mi * 60


def _hhmm_field(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise _err(f"{value!r} is not a time", f'write {what} as a quoted "HH:MM" string')
    try:
        parse_hhmm(value)
    except ValueError as exc:
        raise _err(str(exc), f'write {what} as "HH:MM", e.g. "10:00"') from None
    return value.strip()


# --------------------------------------------------------------------------------------
# schema
# --------------------------------------------------------------------------------------


class Recipient(BaseModel):
    """One meal recipient: position (degrees WGS84), meals per week, hot or chilled.

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
    """

    model_config = _FROZEN

    id: str = Field(min_length=1)
    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    meals_per_week: int = Field(ge=1, le=14)
    hot_meal: bool
    window_start_s: int | None = Field(default=None, ge=0, le=86400)
    window_end_s: int | None = Field(default=None, ge=0, le=86400)

    @model_validator(mode="after")
    def _window(self) -> Recipient:
        if (self.window_start_s is None) != (self.window_end_s is None):
            raise _err(
                "only one of window_start / window_end is given",
                "give both window_start and window_end, or neither",
            )
        if (
            self.window_start_s is not None
            and self.window_end_s is not None
            and self.window_end_s <= self.window_start_s
        ):
            raise _err(
                "the delivery window ends before it starts", "make window_end later than start"
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
        Road speed (km/h, 1-150) per OSM ``highway`` class, overriding the defaults.
    snap_warn_m : float
        Warn when a point is further than this (m) from the nearest road.
    """

    model_config = _FROZEN

    osm: Path | None = None
    graphml: Path | None = None
    place: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    winter_speed_factor: float = Field(default=1.0, gt=0.0, le=1.5)
    speeds_kph: dict[str, float] = Field(default_factory=dict)
    snap_warn_m: float = Field(default=2000.0, gt=0.0)

    @field_validator("place")
    @classmethod
    def _place(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise _err("the place name is empty", 'write e.g. place = "Ljusdal, Sweden"')
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
            raise _err("bbox has a non-finite number", "write four plain numbers [w, s, e, n]")
        if not (-180 <= w <= 180 and -180 <= e <= 180):
            raise _err(
                f"bbox longitudes {w}, {e} are outside -180..180",
                "write bbox = [west, south, east, north] in degrees",
            )
        if not (-90 <= s <= 90 and -90 <= n <= 90):
            raise _err(
                f"bbox latitudes {s}, {n} are outside -90..90",
                "write bbox = [west, south, east, north] in degrees",
            )
        if w >= e or s >= n:
            raise _err(
                f"bbox {list(v)} is not in the order west < east, south < north",
                "write bbox = [west, south, east, north], e.g. [16.0, 61.7, 16.3, 61.9]",
            )
        return v

    @field_validator("speeds_kph")
    @classmethod
    def _speeds(cls, v: dict[str, float]) -> dict[str, float]:
        bad = {k: s for k, s in v.items() if not (1.0 <= s <= 150.0)}
        if bad:
            raise _err(
                f"speeds out of range 1..150 km/h: {bad}",
                "give each highway class a speed between 1 and 150 km/h",
            )
        return v

    @model_validator(mode="after")
    def _one_source(self) -> NetworkSpec:
        given = [k for k in ("osm", "graphml", "place", "bbox") if getattr(self, k) is not None]
        if len(given) != 1:
            what = "none of" if not given else "more than one of (" + ", ".join(given) + ")"
            raise _err(
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
    """Where the recipients are (TOML ``[recipients]``): a CSV file and its CRS.

    Attributes
    ----------
    csv : Path
        The recipients CSV (relative to the scenario file).
    crs : str
        Coordinate reference system of the CSV coordinates: ``"EPSG:4326"`` (lat/lon
        columns, degrees) or e.g. ``"EPSG:3006"`` (SWEREF 99 TM x/y, e/n or
        easting/northing columns, m).
    """

    model_config = _FROZEN

    csv: Path
    crs: str = "EPSG:4326"


Role = Literal["central", "local"]
DeliveryMode = Literal["car", "foot", "bicycle", "on_site"]


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
    delivery_mode : {"car", "foot", "bicycle", "on_site"}
        How a local kitchen's meals reach the recipients.
    delivery_radius_m : float or None
        Road distance limit (m) for foot/bicycle/on_site (defaults 1500 for foot,
        4000 for bicycle; ``None`` for car).
    vehicles : int or None
        Vehicles at this kitchen (overrides ``fleet.vehicles_per_kitchen``).
    candidate : bool
        Whether ``optimised_mix`` may open (or close) this local kitchen.
    """

    model_config = _FROZEN

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
    vehicles_per_kitchen : int
        Vehicles at each kitchen unless the kitchen sets ``vehicles``, >= 0.
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
        default, see ``docs/cost-model.md``).
    chilled_vehicle_capacity_meals : int or None
        Meals per vehicle on chilled rounds (``None``: ``vehicle_capacity_meals``).
    """

    model_config = _FROZEN

    vehicle_capacity_meals: int = Field(gt=0)
    vehicles_per_kitchen: int = Field(ge=0)
    cost_per_km_sek: float = Field(ge=0.0)
    driver_cost_per_hour_sek: float = Field(ge=0.0)
    co2_kg_per_km: float = Field(ge=0.0)
    service_min_per_stop: float = Field(ge=0.0)
    shift_start: str
    max_shift_min: float = Field(gt=0.0)
    fixed_cost_sek_per_vehicle_day: float | None = Field(default=None, ge=0.0)
    chilled_vehicle_capacity_meals: int | None = Field(default=None, gt=0)

    @field_validator("shift_start", mode="before")
    @classmethod
    def _shift_start(cls, v: Any) -> str:
        return _hhmm_field(v, "shift_start")

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
        return self.vehicle_capacity_meals if c is None else c


class DeliverySpec(BaseModel):
    """The delivery rules: lunch window (HH:MM) and the hot-holding limit (min).

    Attributes
    ----------
    lunch_window : tuple of 2 str
        Hot meals arrive between these times, ``("HH:MM", "HH:MM")``.
    max_hot_holding_min : float
        Longest time from kitchen to plate for a hot meal (min), > 0.
    """

    model_config = _FROZEN

    lunch_window: tuple[str, str]
    max_hot_holding_min: float = Field(gt=0.0)

    @field_validator("lunch_window")
    @classmethod
    def _window(cls, v: tuple[str, str]) -> tuple[str, str]:
        start = _hhmm_field(v[0], "the lunch window start")
        end = _hhmm_field(v[1], "the lunch window end")
        if parse_hhmm(end) <= parse_hhmm(start):
            raise _err(
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


class CentralDailyHot(BaseModel):
    """Model ``central_daily_hot``: hot meals from the central kitchen (days per week)."""

    model_config = _FROZEN

    kind: Literal["central_daily_hot"] = "central_daily_hot"
    name: str = Field(default="central_daily_hot", min_length=1)
    days_per_week: Literal[5, 7] = 7


class CentralChilled(BaseModel):
    """Model ``central_chilled``: chilled boxes from the central kitchen (deliveries/week)."""

    model_config = _FROZEN

    kind: Literal["central_chilled"] = "central_chilled"
    name: str = Field(default="central_chilled", min_length=1)
    deliveries_per_week: int = Field(default=1, ge=1, le=7)


class LocalKitchens(BaseModel):
    """Model ``local_kitchens``: every local kitchen cooks for the recipients nearest it."""

    model_config = _FROZEN

    kind: Literal["local_kitchens"] = "local_kitchens"
    name: str = Field(default="local_kitchens", min_length=1)


class OptimisedMix(BaseModel):
    """Model ``optimised_mix``: the optimiser chooses which local kitchens to open."""

    model_config = _FROZEN

    kind: Literal["optimised_mix"] = "optimised_mix"
    name: str = Field(default="optimised_mix", min_length=1)


ModelSpec = Annotated[
    CentralDailyHot | CentralChilled | LocalKitchens | OptimisedMix,
    Field(discriminator="kind"),
]

_MODEL_CLASSES: dict[str, type[BaseModel]] = {
    "central_daily_hot": CentralDailyHot,
    "central_chilled": CentralChilled,
    "local_kitchens": LocalKitchens,
    "optimised_mix": OptimisedMix,
}


class SolverSpec(BaseModel):
    """Solver time limits (s).

    Attributes
    ----------
    time_limit_s : float
        Safety cap on the wall time of each routing solve (s), > 0; solves stop at
        ``solution_limit``.
    siting_time_limit_s : float
        Time limit of the kitchen-siting MIP (s), > 0.
    mix_max_evaluations : int or None
        Cap on the open sets of kitchens ``optimised_mix`` routes for real in its search
        (default ``3 + 2 x candidate kitchens``).
    solution_limit : int or None
        Search solutions per routing solve before it stops (count; machine-independent,
        so the same scenario gives the same plan everywhere); default
        ``200 + 2 x stops``. ``time_limit_s`` is then only a safety cap.
    max_stops_per_solve : int
        A kitchen's day with more stops is split into angular sectors of about equal
        meals, one routing solve each (count, >= 2; default 150).
    """

    model_config = _FROZEN

    time_limit_s: float = Field(default=120.0, gt=0.0)
    siting_time_limit_s: float = Field(default=30.0, gt=0.0)
    mix_max_evaluations: int | None = Field(default=None, ge=1)
    solution_limit: int | None = Field(default=None, ge=1)
    max_stops_per_solve: int = Field(default=150, ge=2)


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

    model_config = _FROZEN

    break_even: tuple[BreakEvenKind, ...] = ("local_cost_per_meal",)
    break_even_kitchen: str | None = None
    sensitivity: bool = True
    sensitivity_rel_change: float = Field(default=0.2, gt=0.0, lt=1.0)
    sensitivity_vehicle_rates: Literal["re-price", "re-solve"] = "re-price"


def _cost_parameter_names() -> tuple[str, ...] | None:
    try:
        from maltid.costs import parameter_names
    except ImportError:  # pragma: no cover - costs is part of the package
        return None
    return parameter_names()


class Scenario(BaseModel):
    """One planning scenario: network, recipients, kitchens, fleet, rules, models.

    Build with :func:`load_scenario`; make variants with :meth:`with_value` and
    :meth:`with_recipients` (both re-validate). The loaded recipients are
    :attr:`recipients`; they are not part of :meth:`model_dump` (personal data).

    Attributes
    ----------
    name : str
        Scenario name.
    seed : int
        Random seed of every solver (same inputs + seed -> same result).
    network : NetworkSpec
    recipients_spec : RecipientsSpec
        TOML ``[recipients]``.
    kitchens : tuple of KitchenSpec
        At least one; exactly one with role ``central``.
    fleet : FleetSpec
    delivery : DeliverySpec
    models : tuple of ModelSpec
        At least one; default all four kinds.
    baseline : str
        The model every other is compared with (default: the first ``central_*`` model).
    costs : dict of str to float
        Overrides of :func:`maltid.costs.default_parameters`.
    solver : SolverSpec
    analysis : AnalysisSpec
    source_path : Path or None
        The TOML file this scenario was read from.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        allow_inf_nan=False,
    )

    name: str = Field(min_length=1)
    seed: int = 0
    network: NetworkSpec
    recipients_spec: RecipientsSpec = Field(alias="recipients")
    kitchens: tuple[KitchenSpec, ...] = Field(min_length=1)
    fleet: FleetSpec
    delivery: DeliverySpec
    models: tuple[ModelSpec, ...] = Field(min_length=1)
    baseline: str = ""
    costs: dict[str, float] = Field(default_factory=dict)
    solver: SolverSpec = Field(default_factory=SolverSpec)
    analysis: AnalysisSpec = Field(default_factory=AnalysisSpec)
    source_path: Path | None = None

    _recipients: tuple[Recipient, ...] = PrivateAttr(default=())
    _raw: dict[str, Any] | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            data = _with_defaults(dict(data))
        return data

    @field_validator("costs")
    @classmethod
    def _costs(cls, v: dict[str, float]) -> dict[str, float]:
        names = _cost_parameter_names()
        for key, value in v.items():
            if names is not None and key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise _err(
                    f"unknown cost parameter {key!r}",
                    f"{hint}use one of: {', '.join(names)}",
                )
            if not math.isfinite(value) or value < 0:
                raise _err(f"costs.{key} = {value} must be finite and >= 0", "use a value >= 0")
        return v

    @model_validator(mode="after")
    def _cross(self) -> Scenario:
        found = _cross_problems(self.model_dump(by_alias=True, exclude={"source_path"}))
        if found:
            _, loc, message, fix = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise PydanticCustomError(
                "maltid_cross",
                "{message}",
                {"message": f"{_dotted(loc)}: {message}{more}", "fix": fix},
            )
        return self

    # ---- loaded data -------------------------------------------------------------

    @property
    def recipients(self) -> tuple[Recipient, ...]:
        """Return the recipients read from the CSV (positions in degrees WGS84)."""
        return self._recipients

    @property
    def central_kitchen(self) -> KitchenSpec:
        """Return the one kitchen with role ``central`` (positions in degrees)."""
        return next(k for k in self.kitchens if k.role == "central")

    @property
    def local_kitchens(self) -> tuple[KitchenSpec, ...]:
        """Return the kitchens with role ``local`` (positions in degrees)."""
        return tuple(k for k in self.kitchens if k.role == "local")

    @property
    def break_even_kitchen(self) -> str | None:
        """Return the id of the local kitchen the break-even is about (unitless).

        ``analysis.break_even_kitchen`` if given, else the first local kitchen, else None.
        """
        if self.analysis.break_even_kitchen is not None:
            return self.analysis.break_even_kitchen
        local = self.local_kitchens
        return local[0].id if local else None

    def kitchen(self, kitchen_id: str) -> KitchenSpec:
        """Return the kitchen with this id (positions in degrees).

        Raises
        ------
        KeyError
            If no kitchen has this id.
        """
        for k in self.kitchens:
            if k.id == kitchen_id:
                return k
        raise KeyError(kitchen_id)

    def model(self, name: str) -> CentralDailyHot | CentralChilled | LocalKitchens | OptimisedMix:
        """Return the model spec with this name (unitless).

        Raises
        ------
        KeyError
            If no model has this name.
        """
        for m in self.models:
            if m.name == name:
                return m
        raise KeyError(name)

    # ---- variants ----------------------------------------------------------------

    def _raw_data(self) -> dict[str, Any]:
        if self._raw is not None:
            return copy.deepcopy(self._raw)
        return self.model_dump(by_alias=True, exclude={"source_path"}, exclude_unset=True)

    def with_value(self, path: str, value: Any) -> Scenario:
        """Return a re-validated copy with one value changed (value in the field's unit).

        Parameters
        ----------
        path : str
            Dotted path: ``fleet.<field>``, ``delivery.<field>``, ``network.<field>``,
            ``solver.<field>``, ``analysis.<field>``, ``kitchens.<id>.<field>``,
            ``models.<name>.<field>``, ``costs.<key>``, or a top-level key (``seed``,
            ``name``, ``baseline``). Example: ``"kitchens.camping.cost_per_meal_sek"``.
        value : Any
            The new value, as it would be written in the TOML file.

        Returns
        -------
        Scenario
            A new scenario (same recipients); this one is unchanged.

        Raises
        ------
        ScenarioError
            If the path names nothing, or the changed scenario is invalid (every problem).
        """
        file = str(self.source_path) if self.source_path else "<scenario>"
        data = self._raw_data()
        parts = path.split(".")
        problem = _set_dotted(data, parts, value, file=file, path=path)
        if problem is not None:
            raise ScenarioError([problem])
        scenario, problems = _build_scenario(
            data, file=file, source_path=self.source_path, recipients=self._recipients
        )
        if problems or scenario is None:
            raise ScenarioError(problems)
        return scenario

    def with_recipients(self, recipients: Sequence[Recipient]) -> Scenario:
        """Return a copy with these recipients (positions in degrees WGS84).

        Raises
        ------
        ScenarioError
            If an item is not a :class:`Recipient` or two share an id.
        """
        file = str(self.source_path) if self.source_path else "<scenario>"
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        for i, r in enumerate(recipients):
            if not isinstance(r, Recipient):
                problems.append(
                    Problem(
                        file,
                        f"recipients[{i}]",
                        f"{r!r} is not a Recipient",
                        "pass Recipient objects",
                    )
                )
                continue
            if r.id in seen:
                problems.append(
                    Problem(
                        file,
                        f"recipients[{i}]",
                        f"duplicate recipient id {r.id!r} (also recipients[{seen[r.id]}])",
                        "give every recipient a unique id",
                    )
                )
            else:
                seen[r.id] = i
        if problems:
            raise ScenarioError(problems)
        new = self.model_copy()
        new._recipients = tuple(recipients)
        return new


# --------------------------------------------------------------------------------------
# defaults and cross-field checks on raw (TOML-level) data
# --------------------------------------------------------------------------------------


def _model_name(entry: Any) -> Any:
    if isinstance(entry, Mapping):
        return entry.get("name", entry.get("kind"))
    return None


def _with_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """Fill the defaults that depend on other keys: models and baseline."""
    if data.get("models") is None:
        data["models"] = [{"kind": k} for k in MODEL_KINDS]
    if data.get("baseline") is None:
        models = data.get("models")
        if isinstance(models, Sequence) and not isinstance(models, str) and models:
            entries = [m for m in models if isinstance(m, Mapping)]
            central = [m for m in entries if str(m.get("kind", "")).startswith("central_")]
            pick = central[0] if central else (entries[0] if entries else None)
            name = _model_name(pick)
            if isinstance(name, str):
                data["baseline"] = name
    return data


_Cross = tuple[str, tuple[str | int, ...], str, str]  # (file role, loc, message, fix)


def _cross_problems(data: Mapping[str, Any]) -> list[_Cross]:
    """Checks across entries (ids, the central kitchen, names), tolerant of bad data."""
    out: list[_Cross] = []
    kitchens = data.get("kitchens")
    kitchen_list = (
        list(kitchens) if isinstance(kitchens, Sequence) and not isinstance(kitchens, str) else []
    )
    ids: dict[str, int] = {}
    centrals: list[int] = []
    local_ids: list[str] = []
    for i, k in enumerate(kitchen_list):
        if not isinstance(k, Mapping):
            continue
        kid = k.get("id")
        if isinstance(kid, str):
            if kid in ids:
                out.append(
                    (
                        "scenario",
                        ("kitchens", i, "id"),
                        f"duplicate kitchen id {kid!r}: kitchens[{ids[kid]}] and kitchens[{i}] "
                        "have the same id",
                        "give every kitchen a unique id",
                    )
                )
            else:
                ids[kid] = i
        if k.get("role") == "central":
            centrals.append(i)
        elif k.get("role") == "local" and isinstance(kid, str):
            local_ids.append(kid)
    if kitchen_list and not centrals:
        out.append(
            (
                "scenario",
                ("kitchens",),
                'no kitchen has role = "central"; exactly one central kitchen is needed',
                'set role = "central" on the central production kitchen',
            )
        )
    elif len(centrals) > 1:
        listed = ", ".join(f"kitchens[{i}]" for i in centrals)
        out.append(
            (
                "scenario",
                ("kitchens",),
                f'{len(centrals)} kitchens have role = "central" ({listed}); '
                "exactly one is allowed",
                'keep role = "central" on one kitchen and set role = "local" on the others',
            )
        )
    models = data.get("models")
    model_list = (
        list(models) if isinstance(models, Sequence) and not isinstance(models, str) else []
    )
    names: dict[str, int] = {}
    for i, m in enumerate(model_list):
        name = _model_name(m)
        if not isinstance(name, str):
            continue
        if name in names:
            out.append(
                (
                    "scenario",
                    ("models", i, "name"),
                    f"duplicate model name {name!r}: models[{names[name]}] and models[{i}]",
                    f'give one of them its own name, e.g. name = "{name}_2"',
                )
            )
        else:
            names[name] = i
    baseline = data.get("baseline")
    if isinstance(baseline, str) and model_list and baseline not in names:
        close = difflib.get_close_matches(baseline, list(names), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        out.append(
            (
                "scenario",
                ("baseline",),
                f"baseline {baseline!r} names no model",
                f"{hint}use one of the model names: {', '.join(names)}",
            )
        )
    analysis = data.get("analysis")
    if isinstance(analysis, Mapping):
        bek = analysis.get("break_even_kitchen")
        if isinstance(bek, str) and kitchen_list and bek not in local_ids:
            what = "is the central kitchen" if bek in ids else "names no kitchen"
            out.append(
                (
                    "scenario",
                    ("analysis", "break_even_kitchen"),
                    f"break_even_kitchen {bek!r} {what}; it must name a local kitchen",
                    f"use one of the local kitchen ids: {', '.join(local_ids) or '(none)'}",
                )
            )
    return out


def _set_dotted(
    data: dict[str, Any], parts: list[str], value: Any, *, file: str, path: str
) -> Problem | None:
    """Set ``value`` at a dotted path in raw scenario data; a Problem if it names nothing."""

    def bad(message: str, fix: str) -> Problem:
        return Problem(file, path, message, fix)

    sections = ("fleet", "delivery", "network", "solver", "analysis", "recipients")
    head = parts[0]
    if len(parts) == 1:
        if head not in ("name", "seed", "baseline"):
            return bad(
                f"{path!r} is not a value that can be changed",
                "use e.g. fleet.cost_per_km_sek, kitchens.<id>.<field>, costs.<key>",
            )
        data[head] = value
        return None
    if head in sections or head == "costs":
        if len(parts) != 2:
            return bad(f"{path!r} must have the form {head}.<field>", f"write {head}.<field>")
        section = data.setdefault(head, {})
        if not isinstance(section, dict):  # pragma: no cover - data came from a valid scenario
            return bad(f"[{head}] is not a table", "fix the scenario")
        section[parts[1]] = value
        return None
    if head in ("kitchens", "models"):
        if len(parts) != 3:
            return bad(
                f"{path!r} must have the form {head}.<id>.<field>",
                f"write e.g. {head}.<{'id' if head == 'kitchens' else 'name'}>.<field>",
            )
        entries = data.get(head)
        if not isinstance(entries, list):
            entries = [dict(e) for e in entries] if isinstance(entries, tuple) else []
            data[head] = entries

        def ident(e: dict[str, Any]) -> Any:
            return e.get("id") if head == "kitchens" else _model_name(e)

        dicts = [e for e in entries if isinstance(e, dict)]
        found = [e for e in dicts if ident(e) == parts[1]]
        if not found:
            known = [str(ident(e)) for e in dicts]
            close = difflib.get_close_matches(parts[1], known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            what = "kitchen id" if head == "kitchens" else "model name"
            return bad(f"no {what} {parts[1]!r}", f"{hint}use one of: {', '.join(known)}")
        found[0][parts[2]] = value
        return None
    return bad(
        f"{path!r} does not start with a scenario section",
        "start with fleet, delivery, network, solver, analysis, kitchens, models or costs",
    )


# --------------------------------------------------------------------------------------
# pydantic errors -> Problems
# --------------------------------------------------------------------------------------

_SECTION_CLASSES: dict[str, type[BaseModel]] = {
    "network": NetworkSpec,
    "recipients": RecipientsSpec,
    "kitchens": KitchenSpec,
    "fleet": FleetSpec,
    "delivery": DeliverySpec,
    "solver": SolverSpec,
    "analysis": AnalysisSpec,
}
_TOP_KEYS: tuple[str, ...] = (
    "name",
    "seed",
    "network",
    "recipients",
    "kitchens",
    "fleet",
    "delivery",
    "models",
    "baseline",
    "costs",
    "solver",
    "analysis",
)


def _keys_of(cls: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in cls.model_fields.items()]


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _clean_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """Drop the discriminator tag pydantic inserts after ``models[i]``."""
    parts = list(loc)
    if (
        len(parts) > 2
        and parts[0] == "models"
        and isinstance(parts[1], int)
        and parts[2] in _MODEL_CLASSES
    ):
        del parts[2]
    return tuple(parts)


def _entry_label(data: Mapping[str, Any], loc: Sequence[str | int]) -> str:
    """``(kitchen "camping")`` for a location inside kitchens[i] / models[i]."""
    if len(loc) < 2 or not isinstance(loc[1], int) or loc[0] not in ("kitchens", "models"):
        return ""
    entries = data.get(str(loc[0]))
    if not isinstance(entries, Sequence) or isinstance(entries, str):
        return ""
    i = loc[1]
    if not 0 <= i < len(entries) or not isinstance(entries[i], Mapping):
        return ""
    if loc[0] == "kitchens":
        kid = entries[i].get("id")
        return f' (kitchen "{kid}")' if isinstance(kid, str) else ""
    name = _model_name(entries[i])
    return f' (model "{name}")' if isinstance(name, str) else ""


def _valid_keys(data: Mapping[str, Any], loc: Sequence[str | int]) -> list[str]:
    """The keys allowed in the table containing ``loc`` (the last part is the key)."""
    parent = [p for p in loc[:-1] if not isinstance(p, int)]
    if not parent:
        return list(_TOP_KEYS)
    if parent[0] == "models":
        entries = data.get("models")
        i = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        kind = None
        if isinstance(entries, Sequence) and i is not None and i < len(entries):
            entry = entries[i]
            kind = entry.get("kind") if isinstance(entry, Mapping) else None
        cls = _MODEL_CLASSES.get(str(kind))
        return _keys_of(cls) if cls else ["kind", "name"]
    cls2 = _SECTION_CLASSES.get(str(parent[0]))
    return _keys_of(cls2) if cls2 else []


def _bound_text(ctx: Mapping[str, Any]) -> str:
    for key, op in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
        if key in ctx:
            return f"{op} {ctx[key]}"
    return ""


def _problem_from_error(
    err: Mapping[str, Any], data: Mapping[str, Any], file: str
) -> Problem | None:
    t = str(err["type"])
    if t == "maltid_cross":
        return None  # reported from the raw data by _cross_problems
    loc = _clean_loc(err.get("loc", ()))
    ctx = err.get("ctx") or {}
    value = err.get("input")
    key = str(loc[-1]) if loc else ""
    where = _dotted(loc) + _entry_label(data, loc)
    if t == "extra_forbidden":
        valid = _valid_keys(data, loc)
        close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return Problem(
            file,
            where,
            f"unknown key {key!r}",
            f"{hint}valid keys here: {', '.join(valid)} (a misspelt key would be ignored, "
            "so maltid refuses it)",
        )
    if t == "missing":
        section = _dotted(loc[:-1])
        in_section = f" in [{section}]" if section != "(top level)" else ""
        if len(loc) == 1 and key in ("kitchens", "models"):
            add = f"add one [[{key}]] table per entry"
        elif len(loc) == 1 and key in _SECTION_CLASSES:
            add = f"add a [{key}] table"
        else:
            add = f"add {key} = ..."
        return Problem(
            file,
            where,
            f"required key {key!r} is missing{in_section}",
            f"{add} (see {_DOCS})",
        )
    if t == "maltid":
        return Problem(file, where, str(ctx.get("message")), str(ctx.get("fix")))
    if t in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = _bound_text(ctx)
        negative = isinstance(value, int | float) and value < 0 and bound in (">= 0", ">= 0.0")
        what = "is negative" if negative else "is out of range"
        return Problem(
            file, where, f"{value!r} {what}: {key} must be {bound}", f"use a value {bound}"
        )
    if t == "literal_error":
        return Problem(
            file, where, f"{value!r} is not allowed for {key}", f"use {ctx.get('expected')}"
        )
    if t == "union_tag_invalid":
        tag = ctx.get("tag")
        close = difflib.get_close_matches(str(tag), MODEL_KINDS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return Problem(
            file,
            _dotted((*loc, "kind")) + _entry_label(data, loc),
            f"unknown model kind {tag!r}",
            f"{hint}use one of: {', '.join(MODEL_KINDS)}",
        )
    if t == "union_tag_not_found":
        return Problem(
            file,
            where,
            "a [[models]] entry has no kind",
            f"add kind = ... with one of: {', '.join(MODEL_KINDS)}",
        )
    if t in ("too_short", "too_long"):
        if loc and loc[-1] == "lunch_window":
            return Problem(file, where, f"{value!r} is not two times", 'write ["11:00", "13:30"]')
        if t == "too_short" and loc in (("kitchens",), ("models",)):
            return Problem(file, where, f"no [[{key}]] given", f"add at least one [[{key}]] table")
        return Problem(file, where, f"{value!r}: {err.get('msg')}", f"see {_DOCS}")
    fixes = {
        "int": "write a whole number",
        "float": "write a plain number with a decimal point, e.g. 2.5",
        "bool": "write true or false",
        "string": 'write a quoted string, e.g. "text"',
        "model": f"write [{key}] as a table (see {_DOCS})",
        "dict": f"write [{key}] as a table (see {_DOCS})",
        "tuple": "write a list, e.g. [1, 2]",
        "list": "write a list, e.g. [1, 2]",
        "path": 'write a quoted path, e.g. "roads.osm.gz"',
    }
    prefix = t.split("_", 1)[0]
    fix = fixes.get(prefix, f"see {_DOCS}")
    if t == "int_from_float":
        return Problem(file, where, f"{value!r} is not a whole number", fix)
    return Problem(file, where, f"{value!r} has the wrong type: {err.get('msg')}", fix)


def _problems_from_validation(
    exc: ValidationError, data: Mapping[str, Any], file: str
) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        p = _problem_from_error(err, data, file)
        if p is not None:
            out.append(p)
    return out


# --------------------------------------------------------------------------------------
# recipients CSV
# --------------------------------------------------------------------------------------

_ALIASES: dict[str, str] = {
    "id": "id",
    "lat": "lat",
    "latitude": "lat",
    "lon": "lon",
    "lng": "lon",
    "long": "lon",
    "longitude": "lon",
    "meals_per_week": "meals_per_week",
    "meals": "meals_per_week",
    "hot_meal": "hot_meal",
    "hot": "hot_meal",
    "window_start": "window_start",
    "window_end": "window_end",
    "x": "x",
    "y": "y",
    "e": "easting",
    "easting": "easting",
    "n": "northing",
    "northing": "northing",
}
_TRUE = frozenset({"true", "yes", "ja", "j", "y", "1", "sant", "t"})
_FALSE = frozenset({"false", "no", "nej", "n", "0", "falskt", "f"})


def _decode(raw: bytes, file: str) -> str:
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        logger.debug("%s: read with encoding %s", file, enc)
        return text
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _detect_separator(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] > 0 else ","


def _parse_number(text: str) -> float:
    s = text.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if "," in s:
        if "." in s or s.count(",") > 1:
            raise ValueError("mixes decimal point and decimal comma")
        s = s.replace(",", ".")
    v = float(s)
    if not math.isfinite(v):
        raise ValueError("not finite")
    return v


def _looks_like_pnr(values: Sequence[str]) -> bool:
    return any(_PNR_VALUE.match(v.strip()) for v in values if v.strip())


def read_recipients(path: str | Path, *, crs: str = "EPSG:4326") -> tuple[Recipient, ...]:
    """Read a recipients CSV (positions in degrees WGS84, or metres in ``crs``).

    Parameters
    ----------
    path : str or Path
        The CSV file: ``,`` or ``;`` separated, UTF-8 (with or without BOM) or cp1252,
        decimal point or decimal comma.
    crs : str, optional
        CRS of the coordinate columns (``"EPSG:4326"``: lat/lon in degrees;
        e.g. ``"EPSG:3006"``: SWEREF 99 TM x/y, e/n or easting/northing in m).

    Returns
    -------
    tuple of Recipient
        In file order. Every column not in the format is dropped.

    Raises
    ------
    ScenarioError
        Listing every bad row, a missing column, or an unreadable file.
    """
    recipients, problems = _read_recipients(Path(path), crs=crs, scenario_file=str(path))
    if problems:
        raise ScenarioError(problems)
    return recipients


def _read_recipients(
    path: Path, *, crs: str, scenario_file: str
) -> tuple[tuple[Recipient, ...], list[Problem]]:
    import pandas as pd

    file = str(path)
    if not path.is_file():
        return (), [
            Problem(
                scenario_file,
                "recipients.csv",
                f"recipients file not found: {path}",
                "check the path; relative paths are relative to the scenario file",
            )
        ]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return (), [Problem(file, "file", f"cannot read the file: {exc}", "check permissions")]
    text = _decode(raw, file)
    if not text.strip():
        return (), [
            Problem(
                file,
                "file",
                "the recipients file is empty",
                "write a header row id,lat,lon,meals_per_week,hot_meal and one row per recipient",
            )
        ]
    sep = _detect_separator(text)
    ragged = _ragged_rows(text, sep, file)
    if ragged:
        return (), ragged
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            index_col=False,
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        hint = " With decimal commas (62,5) separate the columns with ';'." if sep == "," else ""
        return (), [
            Problem(
                file,
                "file",
                f"not a readable CSV table ({exc})",
                "give every row the same number of columns; quote values that contain the "
                f"separator {sep!r}.{hint}",
            )
        ]
    # header: trimmed, case-insensitive, aliases
    original = [str(c) for c in df.columns]
    canon: dict[str, str] = {}  # canonical -> original column
    problems: list[Problem] = []
    ignored: list[str] = []
    for col in original:
        norm = col.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")
        target = _ALIASES.get(norm)
        if target is None:
            ignored.append(col)
            if _PNR_HEADER.match(norm) or _looks_like_pnr(_column(df, col)):
                logger.warning(
                    "%s: column %r looks like a Swedish personnummer; it is ignored and "
                    "should not be shared with maltid (remove it from the file)",
                    file,
                    col.strip(),
                )
            continue
        if target in canon:
            problems.append(
                Problem(
                    file,
                    f"column {col.strip()}",
                    f"columns {canon[target].strip()!r} and {col.strip()!r} both mean {target}",
                    "delete one of the two columns",
                )
            )
            continue
        canon[target] = col
    if ignored:
        logger.debug("%s: ignoring columns %s", file, ", ".join(c.strip() for c in ignored))
    found = ", ".join(c.strip() for c in original) or "(none)"
    geographic = crs.strip().upper() in ("EPSG:4326", "WGS84", "WGS 84", "OGC:CRS84")
    need = ["id", "meals_per_week", "hot_meal"]
    xy: tuple[str, str] | None = None
    if geographic:
        need += ["lat", "lon"]
    elif "easting" in canon and "northing" in canon:
        xy = ("easting", "northing")
    elif "x" in canon and "y" in canon:
        xy = ("x", "y")
    for col in need:
        if col not in canon:
            fix = f"add a column {col!r}"
            if col in ("lat", "lon") and (
                {"x", "y"} <= canon.keys() or {"easting", "northing"} <= canon.keys()
            ):
                fix = 'the file has projected coordinates: set crs = "EPSG:3006" under [recipients]'
            elif sep == "," and ";" in text.splitlines()[0]:
                fix += "; the header looks ';'-separated but was read with ','"
            problems.append(
                Problem(
                    file,
                    "header (row 1)",
                    f"required column {col!r} is missing; columns found: {found}",
                    fix + f" (aliases: {_aliases_of(col)})",
                )
            )
    if not geographic and xy is None:
        problems.append(
            Problem(
                file,
                "header (row 1)",
                f"crs is {crs!r} but no projected coordinate columns were found; "
                f"columns found: {found}",
                "add columns e and n (or easting/northing, or x/y) in metres, or remove crs "
                "from [recipients] to use lat/lon in degrees",
            )
        )
    if problems:
        return (), problems
    if "id" in canon and _looks_like_pnr(_column(df, canon["id"])):
        logger.warning(
            "%s: the id column looks like Swedish personnummer; ids appear in the results - "
            "use a pseudonymous id (e.g. a running number) instead",
            file,
        )

    # rows
    rows: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    columns = {c: _column(df, orig) for c, orig in canon.items()}
    for i in range(len(df)):
        rownum = i + 2
        cells = {c: values[i] for c, values in columns.items()}
        if not any(cells.values()):
            continue  # blank line

        def bad(column: str, message: str, fix: str, *, _row: int = rownum) -> None:
            col = canon.get(column, column).strip()
            problems.append(Problem(file, f"row {_row}, column {col}", message, fix))

        rid = cells["id"]
        row_ok = True
        if not rid:
            bad("id", "the id is empty", "give every recipient an id (a pseudonym, not a name)")
            row_ok = False
        elif rid in first_row:
            bad(
                "id",
                f"duplicate id {rid!r}: rows {first_row[rid]} and {rownum} have the same id",
                "give every recipient a unique id",
            )
            row_ok = False
        else:
            first_row[rid] = rownum
        coords: list[float] = []
        coord_cols = ("lat", "lon") if xy is None else xy
        for col in coord_cols:
            v = cells[col]
            try:
                coords.append(_parse_number(v))
            except ValueError:
                unit = "degrees" if xy is None else "metres"
                bad(col, f"{v!r} is not a number", f"write the {col} in {unit}, e.g. 62.5 or 62,5")
                row_ok = False
        if xy is None and len(coords) == 2:
            lat, lon = coords
            if not -90 <= lat <= 90:
                bad(
                    "lat",
                    f"latitude {lat} is outside -90..90",
                    "check the value; lat and lon may be swapped",
                )
                row_ok = False
            if not -180 <= lon <= 180:
                bad("lon", f"longitude {lon} is outside -180..180", "check the value")
                row_ok = False
        meals_text = cells["meals_per_week"]
        meals = 0
        try:
            mv = _parse_number(meals_text)
        except ValueError:
            bad(
                "meals_per_week",
                f"{meals_text!r} is not a number",
                "write the meals per week as a whole number 1..14",
            )
            row_ok = False
        else:
            if mv != int(mv):
                bad(
                    "meals_per_week",
                    f"{meals_text!r} is not a whole number of meals",
                    "write a whole number 1..14",
                )
                row_ok = False
            elif not 1 <= mv <= 14:
                bad(
                    "meals_per_week",
                    f"{meals_text!r} is outside 1..14",
                    "write a whole number 1..14 (remove recipients with no meals)",
                )
                row_ok = False
            else:
                meals = int(mv)
        hot_text = cells["hot_meal"].strip().lower()
        if hot_text in _TRUE:
            hot = True
        elif hot_text in _FALSE:
            hot = False
        else:
            bad(
                "hot_meal",
                f"{cells['hot_meal']!r} is not true or false",
                "write true/false (also ja/nej, yes/no, 1/0, sant/falskt)",
            )
            row_ok = False
            hot = False
        window: list[int | None] = [None, None]
        for j, col in enumerate(("window_start", "window_end")):
            v = cells.get(col, "")
            if v:
                try:
                    window[j] = parse_hhmm(v)
                except ValueError:
                    bad(col, f"{v!r} is not a time", 'write the time as "HH:MM", e.g. 11:30')
                    row_ok = False
        if row_ok and (window[0] is None) != (window[1] is None):
            bad(
                "window_start" if window[0] is None else "window_end",
                "only one of window_start / window_end is given",
                "give both, or leave both empty",
            )
            row_ok = False
        if row_ok and window[0] is not None and window[1] is not None and window[1] <= window[0]:
            bad(
                "window_end",
                f"the window ends ({cells['window_end']}) before it starts "
                f"({cells['window_start']})",
                "make window_end later than window_start",
            )
            row_ok = False
        if row_ok:
            rows.append(
                {
                    "id": rid,
                    "c0": coords[0],
                    "c1": coords[1],
                    "meals_per_week": meals,
                    "hot_meal": hot,
                    "window_start_s": window[0],
                    "window_end_s": window[1],
                    "row": rownum,
                }
            )
    if not rows and not problems:
        problems.append(
            Problem(
                file,
                "file",
                "the recipients file has a header but no recipients",
                "add one row per recipient",
            )
        )
    if problems:
        return (), problems
    if xy is not None:
        converted = _to_wgs84(rows, crs=crs, xy_names=xy, file=file, scenario_file=scenario_file)
        if isinstance(converted, Problem):
            return (), [converted]
        problems.extend(converted)
        if problems:
            return (), problems
    out = tuple(
        Recipient(
            id=r["id"],
            lat=r["c0"],
            lon=r["c1"],
            meals_per_week=r["meals_per_week"],
            hot_meal=r["hot_meal"],
            window_start_s=r["window_start_s"],
            window_end_s=r["window_end_s"],
        )
        for r in rows
    )
    return out, []


def _ragged_rows(text: str, sep: str, file: str) -> list[Problem]:
    """A Problem for each row whose number of fields differs from the header's."""
    out: list[Problem] = []
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error:
        return []  # pandas reports it
    width = len(rows[0]) if rows else 0
    hint = " (decimal commas such as 62,5 need ';' between columns)" if sep == "," else ""
    for i, row in enumerate(rows[1:], start=2):
        if row and any(c.strip() for c in row) and len(row) != width:
            out.append(
                Problem(
                    file,
                    f"row {i}",
                    f"the row has {len(row)} fields separated by {sep!r}, the header has "
                    f"{width}{hint}",
                    f"give every row {width} fields; quote values that contain {sep!r}, or "
                    "separate the columns with ';' when you use decimal commas",
                )
            )
            if len(out) >= 20:
                break
    return out


def _column(df: Any, col: str) -> list[str]:
    return [_cell(v) for v in df[col].tolist()]


def _cell(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ""


def _aliases_of(col: str) -> str:
    return ", ".join(sorted(a for a, c in _ALIASES.items() if c == col))


def _to_wgs84(
    rows: list[dict[str, Any]],
    *,
    crs: str,
    xy_names: tuple[str, str],
    file: str,
    scenario_file: str,
) -> Problem | list[Problem]:
    """Convert rows' (c0, c1) = (x/easting, y/northing) in ``crs`` to (lat, lon) in place."""
    import numpy as np
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        src = CRS.from_user_input(crs)
        transformer = Transformer.from_crs(src, "EPSG:4326", always_xy=True)
    except CRSError as exc:
        return Problem(
            scenario_file,
            "recipients.crs",
            f"unknown coordinate reference system {crs!r} ({exc})",
            'use e.g. crs = "EPSG:3006" (SWEREF 99 TM) or "EPSG:4326" (lat/lon)',
        )
    a = np.array([r["c0"] for r in rows], dtype=float)
    b = np.array([r["c1"] for r in rows], dtype=float)
    easting, northing = a, b
    if xy_names == ("x", "y") and src.to_epsg() == 3006 and np.median(a) > np.median(b):
        # Swedish surveying convention: x = northing, y = easting
        logger.info("%s: x looks like northing and y like easting (SWEREF 99 TM); swapped", file)
        easting, northing = b, a
    lon, lat = transformer.transform(easting, northing)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    problems: list[Problem] = []
    for r, la, lo in zip(rows, lat, lon, strict=True):
        if not (np.isfinite(la) and np.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180):
            problems.append(
                Problem(
                    file,
                    f"row {r['row']}",
                    f"coordinates ({r['c0']}, {r['c1']}) are not a valid position in {crs}",
                    "check the easting/northing values and the crs under [recipients]",
                )
            )
            continue
        r["c0"], r["c1"] = float(la), float(lo)
    return problems


# --------------------------------------------------------------------------------------
# extent
# --------------------------------------------------------------------------------------


def _points(scenario: Scenario) -> Iterator[tuple[str, str, str, float, float]]:
    sfile = str(scenario.source_path) if scenario.source_path else "<scenario>"
    for i, k in enumerate(scenario.kitchens):
        yield sfile, f'kitchens[{i}] (kitchen "{k.id}")', f"kitchen {k.id!r}", k.lat, k.lon
    cfile = str(scenario.recipients_spec.csv)
    for r in scenario.recipients:
        yield cfile, f"recipient id {r.id}", f"recipient {r.id!r}", r.lat, r.lon


def check_extent(
    scenario: Scenario,
    bounds: tuple[float, float, float, float],
    *,
    margin_m: float = 5000.0,
) -> list[Problem]:
    """List kitchens and recipients outside the network extent (bounds in degrees, margin m).

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario.
    bounds : tuple of 4 float
        ``(west, south, east, north)`` of the road network, degrees WGS84.
    margin_m : float, optional
        Points within this distance (m) outside the bounds are accepted.

    Returns
    -------
    list of Problem
        One per point outside the bounds + margin; the fix says so when swapping lat and
        lon would put the point inside.
    """
    w, s, e, n = (float(x) for x in bounds)
    mid = math.radians((s + n) / 2.0)
    dlat = margin_m / _M_PER_DEG_LAT
    dlon = margin_m / (_M_PER_DEG_LAT * max(math.cos(mid), 0.01))

    def inside(lat: float, lon: float) -> bool:
        return s - dlat <= lat <= n + dlat and w - dlon <= lon <= e + dlon

    out: list[Problem] = []
    for file, loc, what, lat, lon in _points(scenario):
        if inside(lat, lon):
            continue
        if inside(lon, lat):
            fix = (
                f"lat and lon look swapped: lat = {lon}, lon = {lat} lies inside the network; "
                "swap them"
            )
        else:
            fix = "check the coordinates, or use a road network that covers this point"
        out.append(
            Problem(
                file,
                loc,
                f"{what} at lat {lat}, lon {lon} is outside the road network "
                f"(west {w}, south {s}, east {e}, north {n}, plus {margin_m:.0f} m)",
                fix,
            )
        )
    return out


_BOUNDS_RE = re.compile(r"<bounds\b([^>]*)/?>")
_ATTR_RE = re.compile(r'(\w+)\s*=\s*["\']([^"\']*)["\']')


def _open_rb(p: Path) -> Any:
    return open(p, "rb")


def read_osm_bounds(path: str | Path) -> tuple[float, float, float, float] | None:
    """Return ``(west, south, east, north)`` (degrees) from an OSM XML ``<bounds>`` header.

    Reads only the first 64 kB (``.osm``, ``.osm.gz``, ``.osm.bz2``); ``None`` for PBF,
    a file without ``<bounds>``, or an unreadable file.
    """
    p = Path(path)
    name = p.name.lower()
    if name.endswith(".pbf"):
        return None
    opener: Callable[[Path], Any] = (
        gzip.open if name.endswith(".gz") else bz2.open if name.endswith(".bz2") else _open_rb
    )
    try:
        with opener(p) as fh:
            head: bytes = fh.read(65536)
    except (OSError, EOFError, ValueError):
        return None
    text = head.decode("utf-8", errors="replace")
    m = _BOUNDS_RE.search(text)
    if not m:
        return None
    attrs = dict(_ATTR_RE.findall(m.group(1)))
    try:
        return (
            float(attrs["minlon"]),
            float(attrs["minlat"]),
            float(attrs["maxlon"]),
            float(attrs["maxlat"]),
        )
    except (KeyError, ValueError):
        return None


# --------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _resolve(value: Any, base_dir: Path | None) -> Any:
    if isinstance(value, str | Path) and str(value).strip():
        p = Path(str(value)).expanduser()
        if base_dir is not None and not p.is_absolute():
            p = base_dir / p
        return p.resolve() if p.is_absolute() else p
    return value


def _warn_unservable(scenario: Scenario, file: str) -> None:
    """Log a warning for inputs that are valid but leave recipients unserved or late.

    A kitchen delivering by car with no vehicles, and a personal delivery window shorter
    than the service time (min) at a stop, are allowed (they are scenario choices) but
    almost always a typo; the plan reports the consequences, this names the cause.
    """
    fleet = scenario.fleet
    for k in scenario.kitchens:
        vehicles = k.vehicles if k.vehicles is not None else fleet.vehicles_per_kitchen
        if k.delivery_mode == "car" and vehicles == 0:
            where = (
                f"kitchens.{k.id}.vehicles = 0"
                if k.vehicles is not None
                else "fleet.vehicles_per_kitchen = 0"
            )
            logger.warning(
                "%s: kitchen %r has no vehicles (%s): the recipients it delivers to by car "
                "will be unserved (fix: give it vehicles)",
                file,
                k.id,
                where,
            )
    service_s = fleet.service_s
    csv_file = scenario.recipients_spec.csv or file
    for r in scenario.recipients:
        if r.window_start_s is None or r.window_end_s is None:
            continue
        if r.window_end_s - r.window_start_s < service_s:
            logger.warning(
                "%s: recipient %r: the delivery window %s-%s (%.0f min) is shorter than the "
                "service time (fleet.service_min_per_stop = %g min); the visit starts inside "
                "the window and ends after it",
                csv_file,
                r.id,
                f"{r.window_start_s // 3600:02d}:{r.window_start_s % 3600 // 60:02d}",
                f"{r.window_end_s // 3600:02d}:{r.window_end_s % 3600 // 60:02d}",
                (r.window_end_s - r.window_start_s) / 60.0,
                fleet.service_min_per_stop,
            )


def _build_scenario(
    data: dict[str, Any],
    *,
    file: str,
    source_path: Path | None,
    recipients: tuple[Recipient, ...] | None = None,
    base_dir: Path | None = None,
) -> tuple[Scenario | None, list[Problem]]:
    """Validate raw TOML-level data (and read the CSV unless ``recipients`` is given)."""
    problems: list[Problem] = []
    data = _with_defaults(copy.deepcopy(data))
    if "source_path" in data:
        problems.append(
            Problem(file, "source_path", "unknown key 'source_path'", "remove it (set by maltid)")
        )
        del data["source_path"]
    # paths, relative to the scenario file
    network = data.get("network")
    if isinstance(network, dict):
        for key in ("osm", "graphml"):
            if key in network:
                network[key] = _resolve(network[key], base_dir)
                p = network[key]
                if isinstance(p, Path) and not p.is_file():
                    problems.append(
                        Problem(
                            file,
                            f"network.{key}",
                            f"road network file not found: {p.resolve()}",
                            "check the path; relative paths are relative to the scenario file",
                        )
                    )
    rspec = data.get("recipients")
    csv_path: Path | None = None
    crs = "EPSG:4326"
    if isinstance(rspec, dict):
        if "csv" in rspec:
            rspec["csv"] = _resolve(rspec["csv"], base_dir)
            if isinstance(rspec["csv"], Path):
                csv_path = rspec["csv"]
        if isinstance(rspec.get("crs"), str):
            crs = rspec["crs"]
    # schema
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate({**data, "source_path": source_path})
    except ValidationError as exc:
        problems.extend(_problems_from_validation(exc, data, file))
    for _, loc, message, fix in _cross_problems(data):
        problems.append(Problem(file, _dotted(loc) + _entry_label(data, loc), message, fix))
    # recipients
    if recipients is None:
        if csv_path is not None:
            loaded, csv_problems = _read_recipients(csv_path.resolve(), crs=crs, scenario_file=file)
            problems.extend(csv_problems)
            recipients = loaded
        else:
            recipients = ()
    if scenario is not None and not problems:
        scenario._recipients = tuple(recipients)
        scenario._raw = data
        _warn_unservable(scenario, file)
        # cheap extent check against the OSM header, when the file has one
        if scenario.network.osm is not None:
            bounds = read_osm_bounds(scenario.network.osm)
            if bounds is not None:
                problems.extend(check_extent(scenario, bounds))
    if problems:
        return None, problems
    return scenario, []


def _load(path: str | Path) -> tuple[Scenario | None, list[Problem]]:
    p = Path(path).expanduser()
    file = str(path)
    if not p.is_file():
        what = "is a directory, not a file" if p.is_dir() else "not found"
        return None, [
            Problem(
                file,
                "file",
                f"scenario file {what}: {p.resolve()}",
                "check the path to the scenario .toml file",
            )
        ]
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(file, "file", f"cannot read the file: {exc}", "save it as UTF-8")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        location = f"line {m.group(1)}, column {m.group(2)}" if m else "TOML syntax"
        return None, [
            Problem(
                file,
                location,
                f"not valid TOML: {_TOML_POS.sub('', msg).strip()}",
                'check the line: strings need quotes ("..."), tables [name], '
                "lists [a, b], decimal point not comma",
            )
        ]
    return _build_scenario(data, file=file, source_path=p.resolve(), base_dir=p.resolve().parent)


def validate_scenario(path: str | Path) -> list[Problem]:
    """List every problem in a scenario TOML and its recipients CSV (empty if valid).

    Never raises for bad input: unreadable files, TOML syntax errors, schema errors,
    bad CSV rows and points outside the OSM file's ``<bounds>`` are all returned.

    Parameters
    ----------
    path : str or Path
        The scenario ``.toml`` file.

    Returns
    -------
    list of Problem
        Empty when the scenario is valid.
    """
    return _guarded_load(path)[1]


def _guarded_load(path: str | Path) -> tuple[Scenario | None, list[Problem]]:
    try:
        return _load(path)
    except Exception as exc:  # a bug, but never a raw traceback for the user
        logger.exception("unexpected error while reading %s", path)
        return None, [
            Problem(
                str(path),
                "file",
                f"unexpected error while reading the scenario: {exc!r}",
                "please report this as a maltid bug with the file attached",
            )
        ]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file and its recipients CSV (units as in the file).

    Paths in the file are relative to the file (absolute paths work too).

    Parameters
    ----------
    path : str or Path
        The scenario ``.toml`` file.

    Returns
    -------
    Scenario
        With :attr:`Scenario.recipients` loaded and every path resolved.

    Raises
    ------
    ScenarioError
        Listing EVERY problem found (see :func:`validate_scenario`).
    """
    scenario, problems = _guarded_load(path)
    if problems or scenario is None:
        raise ScenarioError(problems)
    logger.debug(
        "loaded scenario %r: %d recipients, %d kitchens",
        scenario.name,
        len(scenario.recipients),
        len(scenario.kitchens),
    )
    return scenario

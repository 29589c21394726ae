"""The cost-parameter catalogue: every parameter with unit, default, bounds, source and year.

A leaf: it imports nothing of maltid but :mod:`maltid.errors`. The catalogue is read
once from the packaged ``maltid/data/cost_defaults.toml``; its bounds are the one home
of the rule "which values a parameter may take", used when a scenario is loaded
(``[costs]`` and the ``[fleet]`` fields of :data:`FLEET_PARAMETER_NAMES`) and nowhere
else.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from maltid.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FLEET_PARAMETER_NAMES",
    "CostParameter",
    "default_parameters",
    "parameter_names",
    "parameter_problem",
    "parameters_table",
]

_DEFAULTS_FILE = "cost_defaults.toml"

#: Scenario ``[fleet]`` fields that override the cost parameter of the same name.
FLEET_PARAMETER_NAMES: tuple[str, ...] = (
    "cost_per_km_sek",
    "driver_cost_per_hour_sek",
    "co2_kg_per_km",
    "fixed_cost_sek_per_vehicle_day",
    "fixed_cost_sek_per_vehicle_week",
)

_FIELDS = ("value", "unit", "source", "year", "description")


@dataclass(frozen=True)
class CostParameter:
    """One cost parameter with its unit, default value, bounds, source and year.

    Attributes
    ----------
    name : str
        Parameter name; the unit is in the name (``cost_per_km_sek``).
    value : float
        Default value in ``unit``.
    unit : str
        Unit in words (``"SEK/km"``).
    source : str
        Where the figure comes from, or the words "maltid assumption (order of
        magnitude); replace with the municipality's own figure".
    year : int
        Year the figure refers to.
    description : str
        What the parameter means, in plain words.
    minimum : float
        Smallest allowed value (in ``unit``; default 0).
    maximum : float
        Largest allowed value (in ``unit``; default infinity; 1 for shares).
    minimum_exclusive : bool
        Whether ``minimum`` itself is excluded (e.g. a speed must be > 0).
    source_sv, description_sv : str
        The source and description in Swedish (for the Swedish report).
    """

    name: str
    value: float
    unit: str
    source: str
    year: int
    description: str
    minimum: float = 0.0
    maximum: float = math.inf
    minimum_exclusive: bool = False
    source_sv: str = ""
    description_sv: str = ""

    def problem(self, value: object) -> tuple[str, str] | None:
        """Return ``(message, fix)`` if ``value`` (in ``unit``) is not allowed, else ``None``.

        Parameters
        ----------
        value : object
            The value as written in the scenario.

        Returns
        -------
        tuple of (str, str) or None
            What is wrong and how to fix it.
        """
        lo, hi = self.minimum, self.maximum
        op = ">" if self.minimum_exclusive else ">="
        allowed = f"{op} {lo:g}" + (f" and <= {hi:g}" if math.isfinite(hi) else "")
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{value!r} is not a number", f"write a plain number {allowed} ({self.unit})"
        v = float(value)
        below = v <= lo if self.minimum_exclusive else v < lo
        if not math.isfinite(v) or below or v > hi:
            what = "is a share and must be" if self.unit.startswith("share") else "must be"
            if v < 0 <= lo:
                what = "is negative: it must be"
            return (
                f"{self.name} = {v:g} {what} {allowed} ({self.unit})",
                f"write a value {allowed}, e.g. the default {self.value:g}",
            )
        return None


@cache
def _load_defaults() -> tuple[CostParameter, ...]:
    text = resources.files("maltid").joinpath("data", _DEFAULTS_FILE).read_text(encoding="utf-8")
    where = f"maltid/data/{_DEFAULTS_FILE}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - packaging bug
        raise InputError(f"{where}: not valid TOML ({exc}); reinstall maltid") from exc
    out: list[CostParameter] = []
    for name, entry in raw.items():
        missing = [k for k in _FIELDS if k not in entry]
        if missing:  # pragma: no cover - packaging bug
            raise InputError(f"{where}: [{name}] lacks {', '.join(missing)}; reinstall maltid")
        out.append(
            CostParameter(
                name=name,
                value=float(entry["value"]),
                unit=str(entry["unit"]),
                source=str(entry["source"]),
                year=int(entry["year"]),
                description=str(entry["description"]),
                minimum=float(entry.get("minimum", 0.0)),
                maximum=float(entry.get("maximum", math.inf)),
                minimum_exclusive=bool(entry.get("minimum_exclusive", False)),
                source_sv=str(entry.get("source_sv", "")),
                description_sv=str(entry.get("description_sv", "")),
            )
        )
    return tuple(out)


def default_parameters() -> dict[str, CostParameter]:
    """Return the default cost parameters (values in their own units, SEK, km, h, min).

    Read once from the packaged ``maltid/data/cost_defaults.toml``; every entry carries
    its unit, bounds, source and year.

    Returns
    -------
    dict of str to CostParameter
        A fresh dict (safe to modify) keyed by parameter name.
    """
    return {p.name: p for p in _load_defaults()}


def parameter_names() -> tuple[str, ...]:
    """Return the names of all known cost parameters (unitless list of identifiers).

    Returns
    -------
    tuple of str
        Names accepted in a scenario's ``[costs]`` table.
    """
    return tuple(p.name for p in _load_defaults())


def parameter_problem(name: str, value: object) -> tuple[str, str] | None:
    """Return ``(message, fix)`` if ``value`` is not allowed for parameter ``name`` (its unit).

    Parameters
    ----------
    name : str
        A catalogue name (see :func:`parameter_names`).
    value : object
        The value as written in the scenario.

    Returns
    -------
    tuple of (str, str) or None
        ``None`` when the value is allowed.

    Raises
    ------
    KeyError
        If ``name`` is not in the catalogue.
    """
    return default_parameters()[name].problem(value)


def parameters_table(parameters: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Return every cost parameter as a table: value used, default, unit, source, year.

    Parameters
    ----------
    parameters : Mapping[str, float], optional
        The values used (e.g. ``maltid.costs.parameters_for``); defaults when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter, value, default_value, overridden, unit, source, year,
        description, source_sv, description_sv, minimum, maximum``.
    """
    import pandas as pd

    rows = []
    for p in _load_defaults():
        value = p.value if parameters is None else float(parameters.get(p.name, p.value))
        rows.append(
            {
                "parameter": p.name,
                "value": value,
                "default_value": p.value,
                "overridden": value != p.value,
                "unit": p.unit,
                "source": p.source,
                "year": p.year,
                "description": p.description,
                "source_sv": p.source_sv,
                "description_sv": p.description_sv,
                "minimum": p.minimum,
                "maximum": p.maximum,
            }
        )
    return pd.DataFrame(rows)

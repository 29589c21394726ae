"""Scenario parts of ``home_care_cooking`` and of the procurement sheet.

``[home_care]`` (the home-care staff who cook in the recipient's own kitchen, issue 16),
its ``[[home_care.bases]]`` and ``[procurement]``. A leaf inside :mod:`maltid.scenario`
(imports only :mod:`~maltid.scenario._base`). The numbers of ``[home_care]`` are cost
parameters: their defaults, units, sources and bounds live in the catalogue
(``src/maltid/data/cost_defaults.toml``, :data:`HOME_CARE_PARAMETER_NAMES`), a value
given here overrides the catalogue's, and giving the same number in ``[costs]`` too is
refused (:mod:`maltid.scenario.rules`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from maltid.scenario._base import FROZEN, err

__all__ = [
    "HOME_CARE_PARAMETER_NAMES",
    "HomeCareBase",
    "HomeCareCooking",
    "HomeCareSpec",
    "ProcurementSpec",
]

#: ``[home_care]`` field -> the cost parameter of the catalogue it overrides (the one home
#: of each default, its unit, source and year).
HOME_CARE_PARAMETER_NAMES: dict[str, str] = {
    "cost_per_hour_sek": "home_care_cost_per_hour_sek",
    "cooking_min_per_meal": "home_care_cooking_min_per_meal",
    "visit_min": "home_care_visit_min",
    "groceries_sek_per_meal": "home_care_groceries_sek_per_meal",
    "local_food_share": "home_care_local_food_share",
}


class HomeCareBase(BaseModel):
    """A home-care group's base (degrees WGS84): where the staff start their visits.

    Attributes
    ----------
    id : str
        Unique among kitchens, bases and recipients (a point of the travel matrix).
    name : str
        Display name (defaults to ``id``).
    lat, lon : float
        Position in degrees (WGS84).
    vehicles : int or None
        Staff cars at the base (``None``, the default: as many as the visits need).
    """

    model_config = FROZEN

    id: str = Field(min_length=1)
    name: str
    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    vehicles: int | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _name(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("name") is None and isinstance(data.get("id"), str):
            data = {**data, "name": data["id"]}
        return data


class HomeCareSpec(BaseModel):
    """Home care that cooks at the door (TOML ``[home_care]``): SEK/h, min, SEK, share.

    Every number is optional: ``None`` takes the catalogue's value (the parameter named
    in :data:`HOME_CARE_PARAMETER_NAMES`; read them with ``costs.parameters_for``).

    Attributes
    ----------
    cost_per_hour_sek : float or None
        Home-care staff cost (SEK/h); parameter ``home_care_cost_per_hour_sek`` (SKR 2019,
        426 SEK/h), also the rate of the reheating help.
    cooking_min_per_meal : float or None
        Minutes to cook one meal in the recipient's kitchen (min); parameter
        ``home_care_cooking_min_per_meal`` (20, maltid assumption).
    visit_min : float or None
        Minutes of a routed visit besides the cooking (min); ``home_care_visit_min``.
    groceries_sek_per_meal : float or None
        Groceries per meal from the local shop (SEK); ``home_care_groceries_sek_per_meal``.
    local_food_share : float or None
        Share (0-1) of the groceries bought locally; ``home_care_local_food_share``.
    bases : tuple of HomeCareBase
        At least one base (``[[home_care.bases]]``).
    """

    model_config = FROZEN

    cost_per_hour_sek: float | None = None
    cooking_min_per_meal: float | None = None
    visit_min: float | None = None
    groceries_sek_per_meal: float | None = None
    local_food_share: float | None = None
    bases: tuple[HomeCareBase, ...] = Field(min_length=1)

    @field_validator("bases", mode="before")
    @classmethod
    def _bases(cls, v: Any) -> Any:
        if isinstance(v, list | tuple) and not v:
            raise err(
                "[home_care] has no bases",
                "add a [[home_care.bases]] table with id, lat, lon (the home-care group)",
            )
        return v


class HomeCareCooking(BaseModel):
    """Model ``home_care_cooking``: home-care staff cook each meal in the recipient's home."""

    model_config = FROZEN

    kind: Literal["home_care_cooking"] = "home_care_cooking"
    name: str = Field(default="home_care_cooking", min_length=1)


class ProcurementSpec(BaseModel):
    """The procurement sheet (TOML ``[procurement]``).

    Attributes
    ----------
    model : str or None
        The model turned into functional requirements (``None``, the default: the model
        the comparison's conclusion points to, the cheapest serving everyone).
    hot_within_min : float
        The N of the requirement "share of hot meals on the plate within N minutes of
        cooking" (min), > 0; default 30.
    """

    model_config = FROZEN

    model: str | None = Field(default=None, min_length=1)
    hot_within_min: float = Field(default=30.0, gt=0.0)

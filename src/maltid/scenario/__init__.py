"""The scenario: its schema, defaults and rules, read from TOML and recipient files.

Every rule and default has one home here; ``validate`` and ``compare`` both use it.

Modules: :mod:`~maltid.scenario.schema` (the section specs and a recipient),
:mod:`~maltid.scenario.parameters` (the cost-parameter catalogue with bounds; a leaf),
:mod:`~maltid.scenario.rules` (rules across sections), :mod:`~maltid.scenario.problems`
(validation errors -> Problems), :mod:`~maltid.scenario.recipients` (CSV and GIS
readers), :mod:`~maltid.scenario.extent` (points inside the network),
:mod:`~maltid.scenario.document` (the :class:`Scenario` and how raw data becomes one),
:mod:`~maltid.scenario.load` (TOML files: ``load_scenario``, ``validate_scenario``).
"""

from __future__ import annotations

from maltid.scenario._base import MODEL_KINDS, parse_hhmm
from maltid.scenario.document import Scenario
from maltid.scenario.extent import check_extent, read_osm_bounds
from maltid.scenario.home_care import (
    HOME_CARE_PARAMETER_NAMES,
    HomeCareBase,
    HomeCareCooking,
    HomeCareSpec,
    ProcurementSpec,
)
from maltid.scenario.load import load_scenario, scenario_from_data, validate_scenario
from maltid.scenario.parameters import (
    FLEET_PARAMETER_NAMES,
    CostParameter,
    default_parameters,
    parameter_names,
    parameters_table,
)
from maltid.scenario.recipients import read_recipients
from maltid.scenario.schema import (
    DEFAULT_CHILLED_VEHICLE_CAPACITY_MEALS,
    DEFAULT_DELIVERY_RADIUS_M,
    SPEED_RANGE_KPH,
    WINTER_SPEED_FACTOR_MAX,
    AnalysisSpec,
    CentralChilled,
    CentralDailyHot,
    DeliverySpec,
    FleetSpec,
    KitchenSpec,
    LocalKitchens,
    ModelSpec,
    NetworkSpec,
    OptimisedMix,
    Recipient,
    RecipientsSpec,
    SolverSpec,
)

__all__ = [
    "DEFAULT_CHILLED_VEHICLE_CAPACITY_MEALS",
    "DEFAULT_DELIVERY_RADIUS_M",
    "FLEET_PARAMETER_NAMES",
    "HOME_CARE_PARAMETER_NAMES",
    "MODEL_KINDS",
    "SPEED_RANGE_KPH",
    "WINTER_SPEED_FACTOR_MAX",
    "AnalysisSpec",
    "CentralChilled",
    "CentralDailyHot",
    "CostParameter",
    "DeliverySpec",
    "FleetSpec",
    "HomeCareBase",
    "HomeCareCooking",
    "HomeCareSpec",
    "KitchenSpec",
    "LocalKitchens",
    "ModelSpec",
    "NetworkSpec",
    "OptimisedMix",
    "ProcurementSpec",
    "Recipient",
    "RecipientsSpec",
    "Scenario",
    "SolverSpec",
    "check_extent",
    "default_parameters",
    "load_scenario",
    "parameter_names",
    "parameters_table",
    "parse_hhmm",
    "read_osm_bounds",
    "read_recipients",
    "scenario_from_data",
    "validate_scenario",
]

"""The scenario: its schema, defaults and rules, read from TOML and recipient files.

Every rule and default has one home here; ``validate`` and ``compare`` both use it.
"""

from __future__ import annotations

from maltid.scenario.schema import (
    MODEL_KINDS,
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
    Scenario,
    SolverSpec,
    check_extent,
    load_scenario,
    parse_hhmm,
    read_osm_bounds,
    read_recipients,
    validate_scenario,
)

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

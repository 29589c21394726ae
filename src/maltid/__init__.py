"""maltid: plan home-delivered meals for rural municipalities.

Compare a central production kitchen (daily hot or weekly chilled deliveries) against
local village kitchens (the Frame Lake model, Ramsjömodellen) on real OpenStreetMap roads.

The public API for notebooks::

    import maltid
    scenario = maltid.load_scenario("scenario.toml")
    result = maltid.compare(scenario)
    result.table          # one row per delivery model
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING, Any

from maltid._versions import show_versions

__version__ = "0.1.0"

logging.getLogger("maltid").addHandler(logging.NullHandler())

# Heavy modules (osmnx, OR-Tools, folium) are imported on first use, not at start-up.
_LAZY = {
    "load_scenario": "maltid.scenario",
    "Scenario": "maltid.scenario",
    "compare": "maltid.pipeline",
    "Comparison": "maltid.comparison",
    "ModelResult": "maltid.comparison",
    "write_demo": "maltid.demo",
}

__all__ = [
    "Comparison",
    "ModelResult",
    "Scenario",
    "__version__",
    "compare",
    "load_scenario",
    "show_versions",
    "write_demo",
]

if TYPE_CHECKING:
    from maltid.comparison import Comparison, ModelResult
    from maltid.demo import write_demo
    from maltid.pipeline import compare
    from maltid.scenario import Scenario, load_scenario


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'maltid' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

"""Versions of maltid and its key dependencies, for bug reports."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

__all__ = ["show_versions", "versions"]

_KEY_PACKAGES = (
    "maltid",
    "ortools",
    "osmnx",
    "networkx",
    "scipy",
    "numpy",
    "pandas",
    "geopandas",
    "shapely",
    "pyproj",
    "folium",
    "pyrosm",
    "pydantic",
    "typer",
    "pyvrp",
    "dask",
    "distributed",
)


def versions() -> dict[str, str]:
    """Return a mapping of package name to installed version ("not installed" if absent)."""
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in _KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def show_versions() -> None:
    """Print the versions of maltid, Python and its key dependencies to standard output."""
    width = max(len(k) for k in versions())
    lines = [f"{k:<{width}} : {v}" for k, v in versions().items()]
    sys.stdout.write("\n".join(lines) + "\n")

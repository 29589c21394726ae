"""Whether a scenario's kitchens and recipients lie inside its road network's extent.

Distances on the WGS84 ellipsoid via :class:`pyproj.Geod`.
"""

from __future__ import annotations

import bz2
import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from maltid.errors import Problem

if TYPE_CHECKING:
    from maltid.scenario.document import Scenario

__all__ = ["check_extent", "read_osm_bounds"]


def _points(scenario: Scenario) -> Iterator[tuple[str, str, str, float, float]]:
    sfile = str(scenario.source_path) if scenario.source_path else "<scenario>"
    for i, k in enumerate(scenario.kitchens):
        yield sfile, f'kitchens[{i}] (kitchen "{k.id}")', f"kitchen {k.id!r}", k.lat, k.lon
    rfile = str(scenario.recipients_spec.path)
    for r in scenario.recipients:
        yield rfile, f"recipient id {r.id}", f"recipient {r.id!r}", r.lat, r.lon


def _margin_deg(lat: float, margin_m: float) -> tuple[float, float]:
    """Degrees of latitude and longitude that ``margin_m`` metres span at ``lat`` (deg)."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    clamped = max(-89.0, min(89.0, lat))
    _, north, _ = geod.fwd(0.0, clamped, 0.0, margin_m)
    east, _, _ = geod.fwd(0.0, clamped, 90.0, margin_m)
    return abs(float(north) - clamped), abs(float(east))


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
    dlat, dlon = _margin_deg((s + n) / 2.0, margin_m)

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


def _head(p: Path, *, size: int = 65536) -> bytes:
    """The first ``size`` bytes of a plain, gzip or bzip2 file (decompressed)."""
    name = p.name.lower()
    if name.endswith(".gz"):
        with gzip.open(p, "rb") as gz:
            return gz.read(size)
    if name.endswith(".bz2"):
        with bz2.open(p, "rb") as bz:
            return bz.read(size)
    with open(p, "rb") as fh:
        return fh.read(size)


def read_osm_bounds(path: str | Path) -> tuple[float, float, float, float] | None:
    """Return ``(west, south, east, north)`` (degrees) from an OSM XML ``<bounds>`` header.

    Reads only the first 64 kB (``.osm``, ``.osm.gz``, ``.osm.bz2``); ``None`` for PBF,
    a file without ``<bounds>``, or an unreadable file.
    """
    p = Path(path)
    name = p.name.lower()
    if name.endswith(".pbf"):
        return None
    try:
        head = _head(p)
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

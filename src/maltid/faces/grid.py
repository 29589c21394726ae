"""Recipients counted per square grid cell (metres, local UTM): positions never leave the cell.

Recipients are personal data. The map shows them only as counts per cell; cells with
fewer than :data:`MIN_CELL_COUNT` recipients are pooled into cells :data:`COARSE_FACTOR`
times larger, and what is still too sparse is not drawn (the legend says how many).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

__all__ = ["COARSE_FACTOR", "MIN_CELL_COUNT", "aggregate_recipients", "utm_crs"]

#: Cells with fewer recipients than this are merged or hidden (privacy).
MIN_CELL_COUNT = 3
#: Sparse cells are pooled into cells this many times larger.
COARSE_FACTOR = 5
_COORD_DECIMALS = 5  # ~1 m: enough for lines on a map, keeps the file small


def utm_crs(lon: float, lat: float) -> str:
    """The WGS 84 / UTM zone of a point (degrees) as ``"EPSG:326xx"``, looked up by pyproj."""
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    found = query_utm_crs_info(
        datum_name="WGS 84",
        area_of_interest=AreaOfInterest(
            west_lon_degree=lon, south_lat_degree=lat, east_lon_degree=lon, north_lat_degree=lat
        ),
    )
    if not found:
        raise ValueError(f"no UTM zone for lon={lon}, lat={lat} (degrees)")
    return f"{found[0].auth_name}:{found[0].code}"


def aggregate_recipients(
    lat: Sequence[float],
    lon: Sequence[float],
    *,
    cell_size_m: float = 1000.0,
    min_count: int = MIN_CELL_COUNT,
) -> tuple[list[dict[str, Any]], int]:
    """Count recipients per square grid cell of ``cell_size_m`` metres (local UTM).

    Cells with fewer than ``min_count`` recipients are pooled into cells
    :data:`COARSE_FACTOR` times larger; pooled cells still below ``min_count`` are dropped.

    Parameters
    ----------
    lat, lon : sequence of float
        Recipient positions (degrees, EPSG:4326).
    cell_size_m : float
        Side of a fine cell in metres.
    min_count : int
        Smallest count shown for a cell.

    Returns
    -------
    cells : list of dict
        ``{"count": int, "size_m": float, "corners": [(lat, lon), ...]}`` with corners on
        the grid (never a recipient position), sorted deterministically.
    hidden : int
        Recipients in cells too sparse to show.
    """
    if cell_size_m <= 0 or not math.isfinite(cell_size_m):
        raise ValueError(f"cell_size_m must be a positive number of metres, got {cell_size_m}")
    if len(lat) == 0:
        return [], 0
    from pyproj import Transformer

    crs = utm_crs(float(sum(lon)) / len(lon), float(sum(lat)) / len(lat))
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    xs, ys = fwd.transform(list(lon), list(lat))

    fine: Counter[tuple[int, int]] = Counter(
        (math.floor(x / cell_size_m), math.floor(y / cell_size_m))
        for x, y in zip(xs, ys, strict=True)
    )
    cells: list[tuple[float, int, int, int]] = []  # size, i, j, count
    sparse: Counter[tuple[int, int]] = Counter()
    for (i, j), n in fine.items():
        if n >= min_count:
            cells.append((cell_size_m, i, j, n))
        else:
            sparse[(i // COARSE_FACTOR, j // COARSE_FACTOR)] += n
    coarse_size = cell_size_m * COARSE_FACTOR
    hidden = 0
    for (i, j), n in sparse.items():
        if n >= min_count:
            cells.append((coarse_size, i, j, n))
        else:
            hidden += n

    out: list[dict[str, Any]] = []
    for size, i, j, n in sorted(cells):
        x0, y0 = i * size, j * size
        cx = [x0, x0 + size, x0 + size, x0]
        cy = [y0, y0, y0 + size, y0 + size]
        clon, clat = inv.transform(cx, cy)
        corners = [
            (round(float(a), _COORD_DECIMALS), round(float(b), _COORD_DECIMALS))
            for a, b in zip(clat, clon, strict=True)
        ]
        out.append({"count": int(n), "size_m": float(size), "corners": corners})
    return out, hidden

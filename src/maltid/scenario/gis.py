"""Reading recipients from GIS files (GeoPackage, Shapefile, GeoJSON, ...) with geopandas.

Point geometries in any CRS are converted to WGS84; the attribute columns are those of
the recipients CSV, and the rows go through the same rules
(:func:`maltid.scenario.rows.rows_to_recipients`).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

from maltid.errors import Problem
from maltid.scenario.rows import ALIASES, bad_crs, column_canon, rows_to_recipients
from maltid.scenario.schema import Recipient

__all__ = ["GIS_SUFFIXES", "read_gis"]

logger = logging.getLogger("maltid")

#: File name endings read with geopandas (everything else is read as CSV).
GIS_SUFFIXES: tuple[str, ...] = (
    ".gpkg",
    ".shp",
    ".zip",
    ".geojson",
    ".json",
    ".fgb",
    ".gml",
    ".kml",
    ".sqlite",
)


def read_gis(
    path: Path, *, crs: str, layer: str | None, scenario_file: str
) -> tuple[tuple[Recipient, ...], list[Problem]]:
    import geopandas as gpd

    file = str(path)
    try:
        layers = [str(n) for n in gpd.list_layers(path)["name"]]
    except Exception as exc:  # pyogrio raises its own DataSourceError family
        return (), [
            Problem(
                file,
                "file",
                f"not a readable GIS file ({exc})",
                "save the recipients as GeoPackage, Shapefile, GeoJSON or CSV",
            )
        ]
    if layer is not None and layer not in layers:
        return (), [
            Problem(
                scenario_file,
                "recipients.layer",
                f"{file} has no layer {layer!r}; layers: {', '.join(layers) or '(none)'}",
                "set layer = one of the layer names under [recipients]",
            )
        ]
    if layer is None and len(layers) > 1:
        logger.warning(
            "%s has %d layers (%s); reading %r (fix: set layer = ... under [recipients])",
            file,
            len(layers),
            ", ".join(layers),
            layers[0],
        )
    try:
        gdf = gpd.read_file(path, layer=layer if layer is not None else layers[0])
    except Exception as exc:  # pyogrio errors
        return (), [Problem(file, "file", f"cannot read the layer ({exc})", "check the file")]
    if len(gdf) == 0:
        return (), [
            Problem(file, "file", "the layer has no features", "add one point per recipient")
        ]
    geom = gdf.geometry
    if gdf.crs is None:
        logger.info("%s: no CRS in the file; taking crs = %r from [recipients]", file, crs)
        try:
            geom = geom.set_crs(crs)
        except Exception as exc:  # pyproj CRSError
            return (), [bad_crs(scenario_file, crs, exc)]
    problems: list[Problem] = []
    lat_cells: list[str] = []
    lon_cells: list[str] = []
    wgs = geom.to_crs("EPSG:4326")
    for i, (g, g0) in enumerate(zip(wgs, geom, strict=True)):
        if g is None or g.is_empty:
            problems.append(
                Problem(file, f"feature {i + 1}", "the feature has no geometry", "give it a point")
            )
            lat_cells.append("")
            lon_cells.append("")
            continue
        if g.geom_type != "Point":
            problems.append(
                Problem(
                    file,
                    f"feature {i + 1}",
                    f"the geometry is a {g.geom_type}, not a point",
                    "store one point per recipient (e.g. the address point or a centroid)",
                )
            )
            lat_cells.append("")
            lon_cells.append("")
            continue
        if not (math.isfinite(g.y) and math.isfinite(g.x)):
            problems.append(
                Problem(
                    file,
                    f"feature {i + 1}",
                    f"the point ({g0.x}, {g0.y}) is not a valid position in {geom.crs}",
                    "check the coordinates and the file's CRS",
                )
            )
        lat_cells.append(repr(float(g.y)))
        lon_cells.append(repr(float(g.x)))
    if problems:
        return (), problems
    attrs = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    columns = {c: [_gis_cell(v) for v in gdf[c].tolist()] for c in attrs}
    original = [c for c in attrs if ALIASES.get(column_canon(c)) not in ("lat", "lon")]
    columns = {c: columns[c] for c in original}
    columns["lat"], columns["lon"] = lat_cells, lon_cells
    return rows_to_recipients(
        [*original, "lat", "lon"],
        columns,
        crs="EPSG:4326",
        file=file,
        scenario_file=scenario_file,
        row_label=lambda i: f"feature {i + 1}",
        header_hint="",
    )


def _gis_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "" if math.isnan(v) else repr(v)
    if hasattr(v, "strftime") and not isinstance(v, str):
        return str(v.strftime("%H:%M"))
    return str(v).strip()

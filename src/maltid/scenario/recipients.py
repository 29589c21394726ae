"""Reading recipients: CSV (also Swedish Excel exports) and GIS files, in any CRS.

:func:`read_recipients` reads a CSV here, or a GIS file with :mod:`maltid.scenario.gis`;
both turn their rows into cells and run the same row rules
(:mod:`maltid.scenario.rows`), each row built through
:class:`maltid.scenario.schema.Recipient`, the one home of the per-recipient rules.
Problems name the file, the row (CSV) or feature (GIS) and the column.

Privacy: only ``id, lat, lon, meals_per_week, hot_meal`` and the optional delivery
window are kept; every other column (names, addresses, personnummer) is dropped while
reading and never stored.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Any

from maltid.errors import Problem, ScenarioError
from maltid.scenario.gis import GIS_SUFFIXES, read_gis
from maltid.scenario.rows import rows_to_recipients
from maltid.scenario.schema import Recipient

__all__ = ["read_recipients", "read_recipients_checked"]

logger = logging.getLogger("maltid")


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


def read_recipients(
    path: str | Path, *, crs: str = "EPSG:4326", layer: str | None = None
) -> tuple[Recipient, ...]:
    """Read recipients from a CSV or GIS file (positions returned in degrees WGS84).

    Parameters
    ----------
    path : str or Path
        A CSV file (``,`` ``;`` or tab separated, UTF-8 with or without BOM or cp1252,
        decimal point or comma), or any file geopandas reads (GeoPackage, Shapefile,
        GeoJSON, ...; see :data:`GIS_SUFFIXES`) with point geometries.
    crs : str, optional
        CSV: CRS of the coordinate columns (``"EPSG:4326"``: lat/lon in degrees; e.g.
        ``"EPSG:3006"``: SWEREF 99 TM x/y, e/n or easting/northing in m). GIS file:
        used only when the file declares no CRS.
    layer : str, optional
        The layer of a multi-layer GIS file (GeoPackage); default its first layer.

    Returns
    -------
    tuple of Recipient
        In file order. Every column not in the format is dropped.

    Raises
    ------
    ScenarioError
        Listing every bad row, a missing column, or an unreadable file.
    """
    recipients, problems = read_recipients_checked(
        Path(path), crs=crs, layer=layer, scenario_file=str(path)
    )
    if problems:
        raise ScenarioError(problems)
    return recipients


def read_recipients_checked(
    path: Path, *, crs: str, layer: str | None = None, scenario_file: str, key: str = "path"
) -> tuple[tuple[Recipient, ...], list[Problem]]:
    """Read recipients as :func:`read_recipients` does, returning the problems instead.

    Parameters
    ----------
    path : Path
        The recipients file.
    crs, layer : str
        As in :func:`read_recipients`.
    scenario_file : str
        The scenario file, named when the recipients file itself is missing.
    key : str
        The ``[recipients]`` key the path was given with (``path`` or ``csv``).

    Returns
    -------
    tuple
        ``(recipients, problems)``; recipients is empty when there are problems.
    """
    if not path.is_file():
        return (), [
            Problem(
                scenario_file,
                f"recipients.{key}",
                f"recipients file not found: {path}",
                "check the path; relative paths are relative to the scenario file",
            )
        ]
    if path.name.lower().endswith(GIS_SUFFIXES):
        return read_gis(path, crs=crs, layer=layer, scenario_file=scenario_file)
    if layer is not None:
        logger.warning("%s: layer %r is ignored for a CSV file", path, layer)
    return _read_csv(path, crs=crs, scenario_file=scenario_file)


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------


def _read_csv(
    path: Path, *, crs: str, scenario_file: str
) -> tuple[tuple[Recipient, ...], list[Problem]]:
    import pandas as pd

    file = str(path)
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
    original = [str(c) for c in df.columns]
    columns = {col: _column(df, col) for col in original}
    header_hint = ""
    if sep == "," and ";" in text.splitlines()[0]:
        header_hint = "; the header looks ';'-separated but was read with ','"
    return rows_to_recipients(
        original,
        columns,
        crs=crs,
        file=file,
        scenario_file=scenario_file,
        row_label=lambda i: f"row {i + 2}",
        header_hint=header_hint,
    )


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

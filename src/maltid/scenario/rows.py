"""The row rules shared by every recipients reader (CSV and GIS files).

A reader turns its table into cells (strings, as in a CSV) and calls
:func:`rows_to_recipients`: header aliases and required columns, each row's cells parsed
(numbers with decimal comma, ja/nej, HH:MM), projected coordinates converted to WGS84
with pyproj, and each row built through :class:`maltid.scenario.schema.Recipient`, the one
home of the per-recipient rules. Problems name the file, the row or feature and the column.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from maltid.errors import Problem
from maltid.scenario._base import parse_hhmm
from maltid.scenario.schema import Recipient

__all__ = [
    "ALIASES",
    "bad_crs",
    "column_canon",
    "looks_like_pnr",
    "parse_number",
    "rows_to_recipients",
]

logger = logging.getLogger("maltid")

_PNR_VALUE = re.compile(r"^\d{6,8}[-+]?\d{4}$")
_PNR_HEADER = re.compile(
    r"^(personnummer|personnr|person_?nr|pnr|ssn|personal_?(id_?)?number|samordningsnummer)$"
)
_GEOGRAPHIC = ("EPSG:4326", "WGS84", "WGS 84", "OGC:CRS84")
#: Recipient field -> the column it is read from.
_FIELD_COLUMN = {
    "id": "id",
    "lat": "lat",
    "lon": "lon",
    "meals_per_week": "meals_per_week",
    "hot_meal": "hot_meal",
    "window_start_s": "window_start",
    "window_end_s": "window_end",
    "home_care_lunch_visits_per_week": "home_care_lunch_visits_per_week",
}


ALIASES: dict[str, str] = {
    "id": "id",
    "lat": "lat",
    "latitude": "lat",
    "lon": "lon",
    "lng": "lon",
    "long": "lon",
    "longitude": "lon",
    "meals_per_week": "meals_per_week",
    "meals": "meals_per_week",
    "hot_meal": "hot_meal",
    "hot": "hot_meal",
    "window_start": "window_start",
    "window_sta": "window_start",  # a Shapefile cuts column names to 10 characters
    "meals_per_": "meals_per_week",
    "window_end": "window_end",
    "home_care_lunch_visits_per_week": "home_care_lunch_visits_per_week",
    "lunch_visits_per_week": "home_care_lunch_visits_per_week",
    "home_care_": "home_care_lunch_visits_per_week",  # the Shapefile's 10 characters
    "x": "x",
    "y": "y",
    "e": "easting",
    "easting": "easting",
    "n": "northing",
    "northing": "northing",
}
_TRUE = frozenset({"true", "yes", "ja", "j", "y", "1", "sant", "t"})
_FALSE = frozenset({"false", "no", "nej", "n", "0", "falskt", "f"})


def parse_number(text: str) -> float:
    s = text.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if "," in s:
        if "." in s or s.count(",") > 1:
            raise ValueError("mixes decimal point and decimal comma")
        s = s.replace(",", ".")
    v = float(s)
    if not math.isfinite(v):
        raise ValueError("not finite")
    return v


def looks_like_pnr(values: Sequence[str]) -> bool:
    return any(_PNR_VALUE.match(v.strip()) for v in values if v.strip())


@dataclass
class _Row:
    label: str
    cells: dict[str, str]
    rid: str
    c0: float
    c1: float
    meals: float
    hot: bool
    window: tuple[int | None, int | None]
    lunch_visits: float = 0.0


def column_canon(col: str) -> str:
    return col.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def rows_to_recipients(
    original: Sequence[str],
    columns: dict[str, list[str]],
    *,
    crs: str,
    file: str,
    scenario_file: str,
    row_label: Callable[[int], str],
    header_hint: str,
) -> tuple[tuple[Recipient, ...], list[Problem]]:
    """Header (aliases, required columns), cells parsed per row, rows built as Recipients."""
    canon: dict[str, str] = {}  # canonical -> original column
    problems: list[Problem] = []
    ignored: list[str] = []
    for col in original:
        norm = column_canon(col)
        target = ALIASES.get(norm)
        if target is None:
            ignored.append(col)
            if _PNR_HEADER.match(norm) or looks_like_pnr(columns[col]):
                logger.warning(
                    "%s: column %r looks like a Swedish personnummer; it is ignored and "
                    "should not be shared with maltid (remove it from the file)",
                    file,
                    col.strip(),
                )
            continue
        if target in canon:
            problems.append(
                Problem(
                    file,
                    f"column {col.strip()}",
                    f"columns {canon[target].strip()!r} and {col.strip()!r} both mean {target}",
                    "delete one of the two columns",
                )
            )
            continue
        canon[target] = col
    if ignored:
        logger.debug("%s: ignoring columns %s", file, ", ".join(c.strip() for c in ignored))
    found = ", ".join(c.strip() for c in original) or "(none)"
    geographic = crs.strip().upper() in _GEOGRAPHIC
    need = ["id", "meals_per_week", "hot_meal"]
    xy: tuple[str, str] | None = None
    if geographic:
        need += ["lat", "lon"]
    elif "easting" in canon and "northing" in canon:
        xy = ("easting", "northing")
    elif "x" in canon and "y" in canon:
        xy = ("x", "y")
    for col in need:
        if col not in canon:
            fix = f"add a column {col!r}"
            if col in ("lat", "lon") and (
                {"x", "y"} <= canon.keys() or {"easting", "northing"} <= canon.keys()
            ):
                fix = 'the file has projected coordinates: set crs = "EPSG:3006" under [recipients]'
            else:
                fix += header_hint
            problems.append(
                Problem(
                    file,
                    "header (row 1)",
                    f"required column {col!r} is missing; columns found: {found}",
                    fix + f" (aliases: {_aliases_of(col)})",
                )
            )
    if not geographic and xy is None:
        problems.append(
            Problem(
                file,
                "header (row 1)",
                f"crs is {crs!r} but no projected coordinate columns were found; "
                f"columns found: {found}",
                "add columns e and n (or easting/northing, or x/y) in metres, or remove crs "
                "from [recipients] to use lat/lon in degrees",
            )
        )
    if problems:
        return (), problems
    if looks_like_pnr(columns[canon["id"]]):
        logger.warning(
            "%s: the id column looks like Swedish personnummer; ids appear in the results - "
            "use a pseudonymous id (e.g. a running number) instead",
            file,
        )
    cells_by_col = {c: columns[orig] for c, orig in canon.items()}
    n = len(next(iter(cells_by_col.values()))) if cells_by_col else 0
    rows: list[_Row] = []
    first_row: dict[str, str] = {}
    out: list[Recipient] = []
    for i in range(n):
        cells = {c: values[i] for c, values in cells_by_col.items()}
        if not any(cells.values()):
            continue  # blank line
        row = _parse_row(row_label(i), cells, canon, xy, file, problems)
        if row is None:
            continue
        if row.rid and row.rid in first_row:
            col = canon["id"].strip()
            problems.append(
                Problem(
                    file,
                    f"{row.label}, column {col}",
                    f"duplicate id {row.rid!r}: {first_row[row.rid]} and {row.label} have the "
                    "same id",
                    "give every recipient a unique id",
                )
            )
            continue
        first_row[row.rid] = row.label
        if xy is None:
            built = _build(row, canon, file)
            if isinstance(built, Recipient):
                out.append(built)
            else:
                problems.extend(built)
        else:
            rows.append(row)
    if not out and not rows and not problems:
        problems.append(
            Problem(
                file,
                "file",
                "the recipients file has a header but no recipients",
                "add one row per recipient",
            )
        )
    if problems:
        return (), problems
    if xy is not None:
        converted = _to_wgs84(rows, crs=crs, xy_names=xy, file=file, scenario_file=scenario_file)
        if converted:
            return (), converted
        for row in rows:
            built = _build(row, canon, file)
            if isinstance(built, Recipient):
                out.append(built)
            else:
                problems.extend(built)
        if problems:
            return (), problems
    return tuple(out), []


def _parse_row(
    label: str,
    cells: dict[str, str],
    canon: dict[str, str],
    xy: tuple[str, str] | None,
    file: str,
    problems: list[Problem],
) -> _Row | None:
    """Parse a row's cells (numbers, yes/no, HH:MM); ``None`` after a parse problem."""
    start = len(problems)

    def bad(column: str, message: str, fix: str) -> None:
        col = canon.get(column, column).strip()
        problems.append(Problem(file, f"{label}, column {col}", message, fix))

    coords: list[float] = []
    for col in ("lat", "lon") if xy is None else xy:
        v = cells[col]
        try:
            coords.append(parse_number(v))
        except ValueError:
            unit = "degrees" if xy is None else "metres"
            bad(col, f"{v!r} is not a number", f"write the {col} in {unit}, e.g. 62.5 or 62,5")
    meals_text = cells["meals_per_week"]
    meals = math.nan
    try:
        meals = parse_number(meals_text)
    except ValueError:
        bad(
            "meals_per_week",
            f"{meals_text!r} is not a number",
            "write the meals per week as a whole number 1..14",
        )
    hot_text = cells["hot_meal"].strip().lower()
    hot = hot_text in _TRUE
    if not hot and hot_text not in _FALSE:
        bad(
            "hot_meal",
            f"{cells['hot_meal']!r} is not true or false",
            "write true/false (also ja/nej, yes/no, 1/0, sant/falskt)",
        )
    window: list[int | None] = [None, None]
    for j, col in enumerate(("window_start", "window_end")):
        v = cells.get(col, "")
        if v:
            try:
                window[j] = parse_hhmm(v)
            except ValueError:
                bad(col, f"{v!r} is not a time", 'write the time as "HH:MM", e.g. 11:30')
    visits_text = cells.get("home_care_lunch_visits_per_week", "").strip()
    visits = 0.0
    if visits_text:
        try:
            visits = parse_number(visits_text)
        except ValueError:
            bad(
                "home_care_lunch_visits_per_week",
                f"{visits_text!r} is not a number",
                "write the lunch visits a week as a whole number 0..7 (empty = 0)",
            )
    if len(problems) > start:
        return None
    return _Row(
        label, cells, cells["id"], coords[0], coords[1], meals, hot, (window[0], window[1]), visits
    )


def _build(row: _Row, canon: dict[str, str], file: str) -> Recipient | list[Problem]:
    """Build the row through :class:`Recipient` (the one home of the recipient rules)."""
    try:
        return Recipient.model_validate(
            {
                "id": row.rid,
                "lat": row.c0,
                "lon": row.c1,
                "meals_per_week": row.meals,
                "hot_meal": row.hot,
                "window_start_s": row.window[0],
                "window_end_s": row.window[1],
                "home_care_lunch_visits_per_week": row.lunch_visits,
            }
        )
    except ValidationError as exc:
        out = []
        for e in exc.errors(include_url=False):
            loc = e.get("loc", ())
            if loc:
                column = _FIELD_COLUMN.get(str(loc[0]), str(loc[0]))
            else:  # the window rule spans both columns
                column = "window_start" if row.window[0] is None else "window_end"
            ctx = e.get("ctx") or {}
            message = str(ctx.get("message", e.get("msg")))
            fix = str(ctx.get("fix", "check the value"))
            col = canon.get(column, column).strip()
            out.append(Problem(file, f"{row.label}, column {col}", message, fix))
        return out


def _aliases_of(col: str) -> str:
    return ", ".join(sorted(a for a, c in ALIASES.items() if c == col))


def bad_crs(scenario_file: str, crs: str, exc: Exception) -> Problem:
    return Problem(
        scenario_file,
        "recipients.crs",
        f"unknown coordinate reference system {crs!r} ({exc})",
        'use e.g. crs = "EPSG:3006" (SWEREF 99 TM) or "EPSG:4326" (lat/lon)',
    )


def _to_wgs84(
    rows: list[_Row],
    *,
    crs: str,
    xy_names: tuple[str, str],
    file: str,
    scenario_file: str,
) -> list[Problem]:
    """Convert rows' (c0, c1) = (x/easting, y/northing) in ``crs`` to (lat, lon) in place."""
    import numpy as np
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        src = CRS.from_user_input(crs)
        transformer = Transformer.from_crs(src, "EPSG:4326", always_xy=True)
    except CRSError as exc:
        return [bad_crs(scenario_file, crs, exc)]
    a = np.array([r.c0 for r in rows], dtype=float)
    b = np.array([r.c1 for r in rows], dtype=float)
    easting, northing = a, b
    if xy_names == ("x", "y") and src.to_epsg() == 3006 and np.median(a) > np.median(b):
        # Swedish surveying convention: x = northing, y = easting
        logger.info("%s: x looks like northing and y like easting (SWEREF 99 TM); swapped", file)
        easting, northing = b, a
    lon, lat = transformer.transform(easting, northing)
    problems: list[Problem] = []
    for r, la, lo in zip(rows, np.asarray(lat, float), np.asarray(lon, float), strict=True):
        if not (np.isfinite(la) and np.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180):
            problems.append(
                Problem(
                    file,
                    r.label,
                    f"coordinates ({r.c0}, {r.c1}) are not a valid position in {crs}",
                    "check the easting/northing values and the crs under [recipients]",
                )
            )
            continue
        r.c0, r.c1 = float(la), float(lo)
    return problems

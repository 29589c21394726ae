"""The comparison table and progress bars for a terminal (rich), 100 columns wide.

Every model's weekly and yearly total is printed in full (never cut): names fold onto a
second line when they must, numbers never do.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from maltid.faces.i18n import WEEKS_PER_YEAR

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TABLE_WIDTH", "Progress", "comparison_text", "progress_bars"]

logger = logging.getLogger("maltid")

#: The table fits this many terminal columns.
TABLE_WIDTH = 100

#: ``progress(stage, done, total, detail="")``: ``detail`` says what is being solved.
Progress = Callable[..., None]

#: (column, header, decimals) of the terminal table.
_COLUMNS = (
    ("total_cost_sek_per_week", "SEK\n/week", 0),
    ("total_cost_sek_per_year", "SEK\n/year", 0),
    ("cost_per_meal_sek", "SEK\n/meal", 0),
    ("fresh_meals_per_week", "fresh\nmeals", 0),
    ("vehicle_km_per_week", "km\n/week", 0),
    ("co2_kg_per_week", "CO2 kg\n/week", 0),
    ("recipients_served", "served", 0),
    ("recipients_fallback", "fall-\nback", 0),
    ("recipients_unserved", "un-\nserved", 0),
)


def _number(value: Any, decimals: int) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if number != number:  # NaN
        return "–"
    return f"{number:,.{decimals}f}"


def comparison_text(table: pd.DataFrame, *, title: str = "", width: int = TABLE_WIDTH) -> str:
    """The comparison table as plain text of at most ``width`` columns (SEK, km, kg).

    One row per model: total per week and per year (52 weeks), per meal, fresh meals,
    km and CO2 per week, and how many recipients are served, served by fallback, unserved.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table

    frame = table.copy()
    if "total_cost_sek_per_week" in frame.columns:
        frame["total_cost_sek_per_year"] = frame["total_cost_sek_per_week"] * WEEKS_PER_YEAR
    columns = [c for c in _COLUMNS if c[0] in frame.columns]
    out = Table(title=title or None, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    out.add_column("model", overflow="fold", ratio=1)
    for _column, header, _dec in columns:
        out.add_column(header, justify="right", no_wrap=True)
    for rec in frame.to_dict("records"):
        cells = [str(rec.get("model", ""))]
        cells += [_number(rec.get(column), dec) for column, _h, dec in columns]
        out.add_row(*cells)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, legacy_windows=False)
    console.print(out)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


@contextmanager
def progress_bars(*, quiet: bool) -> Iterator[Progress]:
    """Yield a ``progress(stage, done, total, detail="")`` callback drawing rich bars.

    One bar per stage (``network``, ``matrix``, ``models``, ``solve``, ``break-even``,
    ``sensitivity``, ``scenarios``); ``detail`` (e.g. "central_daily_hot · central · Mon")
    is shown next to the bar. Without a terminal (or with ``--quiet``) it logs one line
    per stage start and per detail change instead.
    """
    if quiet or not sys.stderr.isatty():
        last: dict[str, str] = {}

        def log_only(stage: str, done: int, total: int, detail: str = "") -> None:
            if done == 0 and stage not in last:
                logger.info("%s ...", stage)
                last[stage] = ""
            if detail and last.get(stage) != detail:
                logger.info("%s: %s (%d/%d)", stage, detail, done, total)
                last[stage] = detail

        yield log_only
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    tasks: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=False,
    ) as bar:

        def update(stage: str, done: int, total: int, detail: str = "") -> None:
            text = f"{stage}: {detail}" if detail else stage
            if stage not in tasks:
                tasks[stage] = bar.add_task(text, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1), description=text)

        yield update

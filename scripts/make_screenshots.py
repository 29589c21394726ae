"""Run the demo and screenshot its Swedish map and report for the README (PNG, 1280 x 800 px).

Usage::

    python scripts/make_screenshots.py [--out docs/img] [--time-limit-s 1] [--keep DIR]

Writes ``map.png`` and ``report.png`` into ``--out`` with Debian's headless Chromium
(``/usr/bin/chromium``, or ``$CHROMIUM``), in Swedish by default (``--lang en`` for
English): the report's first screen (the answer, ``#conclusion``) and the map as a
politician opens it (one model, key figures, the offline background from the demo's OSM
file). The demo is the synthetic municipality (``maltid.write_demo``, seed 1), so the
screenshots show no personal data.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import maltid
from maltid.faces.export import write_outputs
from maltid.pipeline import compare

logger = logging.getLogger("maltid")

REPO = Path(__file__).resolve().parents[1]
MAX_PNG_BYTES = 500_000


def find_chromium() -> str:
    """Return the path of a headless-capable Chromium (no units)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "chromium"):
        if candidate and shutil.which(candidate):
            return str(shutil.which(candidate))
    raise SystemExit("Chromium not found (fix: apt-get install chromium, or set $CHROMIUM)")


def screenshot(html: Path, png: Path, *, chromium: str, width_px: int, height_px: int) -> None:
    """Screenshot one local HTML file into a PNG of ``width_px`` x ``height_px`` pixels."""
    png.parent.mkdir(parents=True, exist_ok=True)
    tmp = png.with_suffix(".tmp.png")
    with tempfile.TemporaryDirectory(prefix="maltid-chromium-") as profile:
        cmd = [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=8000",
            f"--window-size={width_px},{height_px}",
            f"--screenshot={tmp}",
            html.resolve().as_uri(),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0 or not tmp.is_file():
        raise SystemExit(f"chromium failed on {html} ({done.returncode}): {done.stderr[-2000:]}")
    tmp.replace(png)  # atomic on one file system
    size = png.stat().st_size
    logger.info("%s: %.0f kB", png, size / 1000)
    if size > MAX_PNG_BYTES:
        logger.warning("%s is larger than %.0f kB", png, MAX_PNG_BYTES / 1000)


def main(argv: list[str] | None = None) -> int:
    """Run the demo comparison and write ``map.png`` and ``report.png``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    ap.add_argument("--time-limit-s", type=float, default=1.0, help="routing time cap (s)")
    ap.add_argument("--lang", default="sv", choices=("sv", "en"))
    ap.add_argument("--keep", type=Path, default=None, help="keep the demo run in this folder")
    ap.add_argument("--width-px", type=int, default=1280)
    ap.add_argument("--height-px", type=int, default=800)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    chromium = find_chromium()

    with tempfile.TemporaryDirectory(prefix="maltid-screens-") as tmp:
        work = args.keep or Path(tmp)
        scenario_path = maltid.write_demo(work / "demo", seed=1, overwrite=True)
        scenario = maltid.load_scenario(scenario_path).with_value(
            "solver.time_limit_s", args.time_limit_s
        )
        comparison = compare(scenario, sensitivity=False)
        files = write_outputs(comparison, work / "results", lang=args.lang)
        for name in ("map", "report"):
            screenshot(
                files[f"{name}.html"],
                args.out / f"{name}.png",
                chromium=chromium,
                width_px=args.width_px,
                height_px=args.height_px,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Headless Chromium for the browser tests: Debian's chromium, never a downloaded browser."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def start_chromium() -> Iterator[Any]:
    """Yield a headless Chromium WebDriver; the network is blocked by a dead proxy.

    Skips the test when Debian's ``chromium``/``chromium-driver`` or selenium is absent.
    Browser console messages are kept (``drv.get_log("browser")``).
    """
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("headless Chromium absent: apt-get install chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="maltid-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(drv: Any, script: str, timeout_s: float = 15.0) -> Any:
    """Poll ``script`` in the page until it returns a truthy value; fail after ``timeout_s``."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        value = drv.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def js_errors(drv: Any) -> list[dict[str, Any]]:
    """Console errors except failed tile loads (tiles need the internet)."""
    return [
        e
        for e in drv.get_log("browser")
        if e["level"] == "SEVERE" and "tile.openstreetmap.org" not in e["message"]
    ]


# --------------------------------------------------------------------------- real extract

#: Villages of the north-Bayreuth extract (its ``place`` nodes; lat, lon in degrees).
BAYREUTH_VILLAGES: dict[str, tuple[float, float]] = {
    "Crottendorf": (49.9949551, 11.6003893),
    "Zettlitz": (49.9976586, 11.5952609),
    "Ramsenthal": (50.0080795, 11.5917023),
    "Haselbach": (50.0317304, 11.5775826),
    "Lettenhof": (50.0338427, 11.5856719),
    "Altdrossenfeld": (50.0112145, 11.4948423),
    "Eberhardsreuth": (50.0173205, 11.5222343),
    "Lindenhof": (50.0269651, 11.6011780),
    "Weikenreuth": (49.9746071, 11.5148778),
}

REAL_SCENARIO_TOML = """
name = "Bayreuth nord (syntetiska mottagare)"
seed = 3
baseline = "central_daily_hot"

[network]
osm = "{osm}"

[recipients]
csv = "recipients.csv"

[[kitchens]]
id = "central"
name = "Centralköket i Crottendorf"
role = "central"
lat = {central[0]}
lon = {central[1]}
cost_per_meal_sek = 55.0
capacity_meals_per_day = 500

[[kitchens]]
id = "haselbach"
name = "Byköket i Haselbach"
role = "local"
lat = {haselbach[0]}
lon = {haselbach[1]}
cost_per_meal_sek = 66.0
fixed_cost_sek_per_day = 300.0
capacity_meals_per_day = 40
local_food_share = 0.6

[[kitchens]]
id = "altdrossenfeld"
name = "Skolköket i Altdrossenfeld"
role = "local"
lat = {altdrossenfeld[0]}
lon = {altdrossenfeld[1]}
cost_per_meal_sek = 60.0
fixed_cost_sek_per_day = 250.0
capacity_meals_per_day = 40
local_food_share = 0.4

[fleet]
vehicle_capacity_meals = 30
vehicles_per_kitchen = 4
cost_per_km_sek = 2.5
driver_cost_per_hour_sek = 380.0
co2_kg_per_km = 0.18
service_min_per_stop = 3.0
shift_start = "10:00"
max_shift_min = 240
chilled_vehicle_capacity_meals = 200

[delivery]
lunch_window = ["11:00", "13:30"]
max_hot_holding_min = 60

[analysis]
break_even = ["local_cost_per_meal"]
break_even_kitchen = "haselbach"

[[models]]
kind = "central_daily_hot"

[[models]]
kind = "central_chilled"
deliveries_per_week = 2

[[models]]
kind = "local_kitchens"

[[models]]
kind = "optimised_mix"
"""


def write_real_scenario(folder: Path, osm: Path, *, per_village: int = 4, seed: int = 3) -> Path:
    """A scenario on the real north-Bayreuth extract: synthetic recipients near its villages.

    Kitchens sit in three villages; ``per_village`` recipients live 30-120 m from each
    village's place node (synthetic people, real roads). Returns the TOML path.
    """
    import math
    import random

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["id,lat,lon,meals_per_week,hot_meal"]
    k = 0
    for lat, lon in BAYREUTH_VILLAGES.values():
        for _ in range(per_village):
            angle, dist_m = rng.uniform(0, 2 * math.pi), rng.uniform(30, 120)
            dlat = dist_m * math.sin(angle) / 111_320.0
            dlon = dist_m * math.cos(angle) / (111_320.0 * math.cos(math.radians(lat)))
            rows.append(f"p{k:03d},{lat + dlat:.7f},{lon + dlon:.7f},{7 if k % 3 else 5},true")
            k += 1
    (folder / "recipients.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    v = BAYREUTH_VILLAGES
    toml = REAL_SCENARIO_TOML.format(
        osm=osm.as_posix(),
        central=v["Crottendorf"],
        haselbach=v["Haselbach"],
        altdrossenfeld=v["Altdrossenfeld"],
    )
    path = folder / "scenario.toml"
    path.write_text(toml, encoding="utf-8")
    return path


def osm_place_names(osm: Path) -> dict[str, str]:
    """Name -> ``place`` value of every named place node of an OSM XML file (.osm or .osm.gz)."""
    import gzip
    import xml.etree.ElementTree as ET

    opener = gzip.open if osm.suffix == ".gz" else open
    out: dict[str, str] = {}
    with opener(osm, "rb") as fh:
        for _event, el in ET.iterparse(fh):
            if el.tag == "node":
                tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
                if tags.get("place") and tags.get("name"):
                    out[str(tags["name"])] = str(tags["place"])
            if el.tag in ("node", "way", "relation"):
                el.clear()
    return out


# --------------------------------------------------------------------------- axe-core

AXE_VERSION = "4.14.1"


def axe_script(cache_root: Path) -> str:
    """The text of axe-core's ``axe.min.js`` (npm package ``axe-core``).

    Taken from ``$MALTID_AXE_JS`` (a file; ``.ci/run`` installs it with npm into its cache
    folder), else from ``<cache_root>/npm`` where it is installed once with
    ``npm install --prefix <cache_root>/npm axe-core@AXE_VERSION``. Skips the test when
    neither the file nor npm (and the registry) is available.
    """
    import os
    import subprocess

    env = os.environ.get("MALTID_AXE_JS")
    if env and Path(env).is_file():
        return Path(env).read_text(encoding="utf-8")
    prefix = cache_root / "npm"
    path = prefix / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("axe-core absent and npm not installed (set MALTID_AXE_JS)")
        proc = subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(prefix),
                f"axe-core@{AXE_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if proc.returncode != 0 or not path.is_file():
            pytest.skip(f"could not install axe-core with npm: {proc.stderr[-300:]}")
    return path.read_text(encoding="utf-8")


def axe_violations(
    drv: Any, axe_js: str, *, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; return violations of ``impacts``."""
    drv.execute_script(axe_js)
    drv.set_script_timeout(120)
    result = drv.execute_async_script(
        "var done=arguments[arguments.length-1];"
        "axe.run(document,{runOnly:{type:'tag',values:['wcag2a','wcag2aa','wcag21a','wcag21aa']}})"
        ".then(function(r){done(r.violations.map(function(v){return {id:v.id,impact:v.impact,"
        "help:v.help,nodes:v.nodes.slice(0,3).map(function(n){return n.target.join(' ');})};}));})"
        ".catch(function(e){done([{id:'axe-error',impact:'critical',help:String(e),nodes:[]}]);});"
    )
    return [v for v in result if v.get("impact") in impacts]

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

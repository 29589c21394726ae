"""Headless-Chromium test of map.html and report.html, opened from disk with no network.

Uses Debian's /usr/bin/chromium and /usr/bin/chromedriver (never a downloaded browser).
The network is blocked with a dead proxy, so only tile requests fail (and are ignored).
Set ``MALTID_SCREENSHOTS=1`` to refresh ``docs/img/map.png`` and ``docs/img/report.png``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fixtures_comparison as fc
from browser_util import js_errors, wait_for
from maltid.faces import maps, report

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Any]]:
    mp = pytest.MonkeyPatch()
    fc.install_grid_geometry(mp)
    try:
        comparison = fc.make_comparison(kitchen_name=fc.HOSTILE_NAME)
        out = tmp_path_factory.mktemp("browser")
        map_path = maps.write_map(comparison, out / "map.html")
        report_path = report.write_report(comparison, out / "report.html")
        yield map_path, report_path, comparison
    finally:
        mp.undo()


def test_map_offline(chromium: Any, pages: tuple[Path, Path, Any]) -> None:
    from selenium.webdriver.common.by import By

    map_path, _report, comparison = pages
    chromium.get(map_path.as_uri())
    wait_for(chromium, "return document.querySelector('#maltid-legend') !== null")
    assert js_errors(chromium) == []
    assert chromium.execute_script("return window.__pwned === undefined")

    legend = chromium.find_element(By.ID, "maltid-legend")
    assert "OpenStreetMap contributors, ODbL" in legend.text
    kpis = chromium.find_elements(By.CSS_SELECTOR, "#maltid-kpi-panel .maltid-kpi[data-model]")
    assert [k.get_attribute("data-model") for k in kpis] == list(comparison.results)

    labels = chromium.find_elements(By.CSS_SELECTOR, ".leaflet-control-layers-overlays label")
    names = [lab.text.strip() for lab in labels]
    assert "kyld <b>mat</b> – Centralkök, kyld mat" in names  # shown as text, not markup

    def routes(model_index: int) -> int:
        return int(
            chromium.execute_script(
                "return document.querySelectorAll("
                f"'.leaflet-overlay-pane svg path.maltid-model-{model_index}').length"
            )
        )

    for index, (name, result) in enumerate(comparison.results.items()):
        n_routes = sum(len(d.plan.routes) for d in result.plan.days)
        label = next(lab for lab in labels if lab.text.strip().startswith(_title_start(name)))
        box = label.find_element(By.CSS_SELECTOR, "input")
        was_on = box.is_selected()
        assert routes(index) == (n_routes if was_on else 0)
        box.click()
        assert box.is_selected() != was_on
        assert routes(index) == (0 if was_on else n_routes)
        kpi = chromium.find_element(By.CSS_SELECTOR, f".maltid-kpi[data-model='{_css(name)}']")
        assert ("maltid-off" in (kpi.get_attribute("class") or "")) == was_on
        box.click()
        assert routes(index) == (n_routes if was_on else 0)

    # hovering and opening popups of the hostile kitchen must not run its name
    n_clicked = chromium.execute_script(
        "var ms=document.querySelectorAll('path.maltid-kitchen');"
        "ms.forEach(function(m){m.dispatchEvent(new MouseEvent('click',{bubbles:true}));});"
        "return ms.length;"
    )
    assert n_clicked == len(comparison.scenario.kitchens)  # kitchens of the visible model
    popups = chromium.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content")
    assert popups
    assert chromium.execute_script("return window.__pwned === undefined")
    assert js_errors(chromium) == []
    if os.environ.get("MALTID_SCREENSHOTS") == "1":
        chromium.execute_script(
            "document.querySelectorAll('.leaflet-popup-close-button')"
            ".forEach(function(b){b.click();});"
        )
        (REPO / "docs" / "img").mkdir(parents=True, exist_ok=True)
        chromium.save_screenshot(str(REPO / "docs" / "img" / "map.png"))


def test_report_offline(chromium: Any, pages: tuple[Path, Path, Any]) -> None:
    from selenium.webdriver.common.by import By

    _map, report_path, comparison = pages
    chromium.get(report_path.as_uri())
    wait_for(chromium, "return document.readyState === 'complete'")
    assert chromium.find_element(By.CSS_SELECTOR, "table.maltid-comparison")
    charts = chromium.find_elements(By.CSS_SELECTOR, "svg.maltid-chart")
    assert len(charts) == 4
    frame = chromium.find_element(By.CSS_SELECTOR, "iframe.map")
    chromium.switch_to.frame(frame)
    try:
        wait_for(chromium, "return document.querySelector('#maltid-legend') !== null")
        n_first = sum(len(d.plan.routes) for d in next(iter(comparison.results.values())).plan.days)
        assert len(chromium.find_elements(By.CSS_SELECTOR, "path.maltid-route")) == n_first
        assert chromium.execute_script("return window.__pwned === undefined")
    finally:
        chromium.switch_to.default_content()
    assert chromium.execute_script("return window.__pwned === undefined")
    assert js_errors(chromium) == []
    if os.environ.get("MALTID_SCREENSHOTS") == "1":
        chromium.set_window_size(1200, 2400)
        chromium.save_screenshot(str(REPO / "docs" / "img" / "report.png"))
        chromium.set_window_size(1280, 900)


def _title_start(name: str) -> str:
    return {"central_daily_hot": "Centralkök, varm mat", "local_kitchens": "Lokala kök"}.get(
        name, name
    )


def _css(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")

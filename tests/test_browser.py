"""Headless-Chromium tests of report.html and map.html, opened from disk with no network.

Uses Debian's /usr/bin/chromium and /usr/bin/chromedriver (never a downloaded browser).
The network is blocked with a dead proxy, so only tile requests fail (and are ignored).
The main pages come from a scenario on a REAL extract (north of Bayreuth: real roads and
villages, synthetic recipients); the hostile-name checks use the small grid fixture.
Accessibility is checked with axe-core (npm package ``axe-core``, see
``browser_util.axe_script``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import fixtures_comparison as fc
from browser_util import (
    axe_script,
    axe_violations,
    js_errors,
    osm_place_names,
    wait_for,
    write_real_scenario,
)
from maltid.faces import maps, report

pytestmark = pytest.mark.browser

#: Internal names that must never reach a reader (issue 14).
CODE_WORDS = re.compile(
    r"\b[a-z]+_[a-z_]+\b|\b(lo|hi|converged|re-priced|re-solved|nan|None|True|False)\b"
)
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch


@pytest.fixture(scope="module")
def real(
    extract_path: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Path, Any, Path]]:
    """map.html and report.html (Swedish) of a comparison on the north-Bayreuth extract."""
    from maltid.pipeline import compare
    from maltid.scenario import load_scenario

    osm = extract_path("north-bayreuth")
    out = tmp_path_factory.mktemp("real")
    scenario = load_scenario(write_real_scenario(out / "scenario", osm))
    comparison = compare(scenario, cache_dir=str(out / "cache"), solution_limit=20)
    map_path = maps.write_map(comparison, out / "map.html")
    report_path = report.write_report(comparison, out / "report.html", map_href="map.html")
    yield map_path, report_path, comparison, osm


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    comparison = fc.make_comparison(kitchen_name=fc.HOSTILE_NAME)
    out = tmp_path_factory.mktemp("hostile")
    return (
        maps.write_map(comparison, out / "map.html"),
        report.write_report(comparison, out / "report.html"),
        comparison,
    )


def _open(drv: Any, path: Path, width: int = 1280, height: int = 800) -> None:
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
    drv.set_window_size(width, height)
    drv.get(path.as_uri())
    wait_for(drv, "return document.readyState === 'complete'")


def _viewport_overflow(drv: Any) -> int:
    return int(
        drv.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def test_report_fits_1280_and_conclusion_first(
    chromium: Any, real: tuple[Path, Path, Any, Path]
) -> None:
    _map, report_path, _comparison, _osm = real
    _open(chromium, report_path)
    assert _viewport_overflow(chromium) <= 0  # no horizontal scroll at 1280 x 800
    facts = chromium.execute_script(
        "var c=document.getElementById('conclusion');var t=document.querySelector('table');"
        "return {text:c.innerText, before:!!(c.compareDocumentPosition(t) & 4),"
        "top:c.getBoundingClientRect().top};"
    )
    assert facts["before"]  # the answer precedes every table
    assert len(facts["text"]) >= 80 and re.search(r"\d", facts["text"])
    assert "Billigast" in facts["text"]
    assert facts["top"] < 800  # it starts on the first screen
    for table in chromium.find_elements("css selector", "table"):
        assert table.rect["x"] + table.rect["width"] <= 1280
    assert js_errors(chromium) == []


def test_report_robustness_and_plain_language(
    chromium: Any, real: tuple[Path, Path, Any, Path]
) -> None:
    _map, report_path, comparison, _osm = real
    _open(chromium, report_path)
    robustness = chromium.execute_script(
        "var r=document.getElementById('robustness');return r ? r.innerText : null;"
    )
    assert robustness
    if getattr(comparison, "robustness", None) is not None:
        assert re.search(r"\d+\s%", robustness)  # probabilities, Swedish per cent
    else:
        assert "Känslighet" in robustness and "kr" in robustness
    text = chromium.execute_script("return document.body.innerText")
    for word in {comparison.scenario.name, *(str(k.name) for k in comparison.scenario.kitchens)}:
        text = text.replace(word, "")
    assert [m.group(0) for m in CODE_WORDS.finditer(text)] == []
    for english in (" per week", "Comparison", "Break-even", "baseline", " SEK"):
        assert english not in text
    # Swedish numbers: a total per week as "12 345 kr" (space between thousands)
    assert re.search(r"\d{1,3}[\u00a0 ]\d{3}[\u00a0 ]kr", text)


def test_report_prints_on_a4(chromium: Any, real: tuple[Path, Path, Any, Path]) -> None:
    _map, report_path, _comparison, _osm = real
    _open(chromium, report_path, width=A4_WIDTH_PX, height=1123)
    chromium.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        width = chromium.execute_script("return document.documentElement.scrollWidth")
        assert width <= A4_WIDTH_PX
        widest = chromium.execute_script(
            "return Math.max.apply(null, Array.from(document.querySelectorAll('table'))"
            ".map(function(t){return t.getBoundingClientRect().right;}))"
        )
        assert widest <= A4_WIDTH_PX
    finally:
        chromium.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})


def test_report_accessibility_axe(
    chromium: Any, real: tuple[Path, Path, Any, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    map_path, report_path, _comparison, _osm = real
    axe = axe_script(tmp_path_factory.getbasetemp().parent / "maltid-axe")
    _open(chromium, report_path)
    assert axe_violations(chromium, axe) == []
    _open(chromium, map_path)
    wait_for(chromium, "return document.querySelector('#maltid-legend') !== null")
    assert axe_violations(chromium, axe) == []


def test_map_one_model_at_a_time_offline(chromium: Any, real: tuple[Path, Path, Any, Path]) -> None:
    from selenium.webdriver.common.by import By

    map_path, _report, comparison, _osm = real
    _open(chromium, map_path)
    wait_for(chromium, "return document.querySelector('#maltid-legend') !== null")
    assert js_errors(chromium) == []
    radios = chromium.find_elements(By.CSS_SELECTOR, ".leaflet-control-layers-base input")
    assert len(radios) == len(comparison.results)
    assert all(r.get_attribute("type") == "radio" for r in radios)

    def drawn(index: int) -> int:
        return int(
            chromium.execute_script(
                "return document.querySelectorAll("
                f"'.leaflet-overlay-pane path.maltid-model-{index}').length"
            )
        )

    for index, (name, result) in enumerate(comparison.results.items()):
        radios[index].click()
        n_routes = sum(len(d.plan.routes) for d in result.plan.days)
        assert drawn(index) == n_routes
        assert all(drawn(k) == 0 for k in range(len(radios)) if k != index)
        shown = chromium.execute_script(
            "return Array.from(document.querySelectorAll('.maltid-kpi'))"
            ".filter(function(e){return !e.hidden;}).map(function(e){return e.dataset.model;})"
        )
        assert shown == [name]
    panel = chromium.find_element(By.ID, "maltid-kpi-panel").rect
    assert panel["width"] * panel["height"] <= 1280 * 800 / 4
    chromium.find_element(By.CSS_SELECTOR, "#maltid-kpi-panel summary").click()
    assert not chromium.execute_script(
        "return document.querySelector('#maltid-kpi-panel details').open"
    )
    legend = chromium.find_element(By.ID, "maltid-legend").text
    assert "Mottagare per ruta" in legend and "km" in legend


def test_map_names_the_villages_offline(chromium: Any, real: tuple[Path, Path, Any, Path]) -> None:
    import maltid.network

    map_path, _report, _comparison, osm = real
    if not hasattr(maltid.network, "base_layer"):
        pytest.skip("maltid.network.base_layer (the offline background) is not there yet")
    _open(chromium, map_path)
    wait_for(chromium, "return document.querySelectorAll('.maltid-place').length > 0")
    shown = set(
        chromium.execute_script(
            "return Array.from(document.querySelectorAll('.maltid-place'))"
            ".map(function(e){return e.textContent.trim();})"
        )
    )
    villages = {n for n, kind in osm_place_names(osm).items() if kind in ("village", "town")}
    assert villages and villages <= shown


def test_hostile_names_stay_text(chromium: Any, hostile: tuple[Path, Path, Any]) -> None:
    from selenium.webdriver.common.by import By

    map_path, report_path, comparison = hostile
    _open(chromium, map_path)
    wait_for(chromium, "return document.querySelector('#maltid-legend') !== null")
    labels = [
        e.text.strip()
        for e in chromium.find_elements(By.CSS_SELECTOR, ".leaflet-control-layers-base label")
    ]
    assert "kyld <b>mat</b> – Centralkök, kylda matlådor" in labels  # text, not markup
    n_clicked = chromium.execute_script(
        "var ms=document.querySelectorAll('path.maltid-kitchen');"
        "ms.forEach(function(m){m.dispatchEvent(new MouseEvent('click',{bubbles:true}));});"
        "return ms.length;"
    )
    assert n_clicked == len(comparison.scenario.kitchens)
    assert chromium.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content")
    assert chromium.execute_script("return window.__pwned === undefined")
    assert js_errors(chromium) == []
    _open(chromium, report_path)
    frame = chromium.find_element(By.CSS_SELECTOR, "iframe.map")
    # as a reader scrolls to it: Chromium throttles the scripts of an off-screen
    # cross-origin (sandboxed) frame, so the map may not finish building out of view
    chromium.execute_script("arguments[0].scrollIntoView();", frame)
    chromium.switch_to.frame(frame)
    try:
        wait_for(chromium, "return document.querySelector('#maltid-legend') !== null")
        assert chromium.execute_script("return window.__pwned === undefined")
    finally:
        chromium.switch_to.default_content()
    assert chromium.execute_script("return window.__pwned === undefined")
    assert js_errors(chromium) == []

"""Tests of maltid.faces.report: sections, formatted table, charts, escaping, embedded map."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest

import fixtures_comparison as fc
import maltid
from maltid.errors import InputError
from maltid.faces import maps, report
from maltid.faces.i18n import format_number


@pytest.fixture
def grid_geometry(monkeypatch: pytest.MonkeyPatch) -> None:
    fc.install_grid_geometry(monkeypatch)


@pytest.fixture
def comparison(grid_geometry: None) -> maltid.Comparison:
    return fc.make_comparison(kitchen_name=fc.HOSTILE_NAME)


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    return fc.start_tags(page)


def outside_iframe(page: str) -> str:
    return re.sub(r"<iframe[^>]*></iframe>", "", page, flags=re.S)


def test_sections_table_and_charts(comparison: maltid.Comparison) -> None:
    page = report.render_report(comparison, map_html="<p>map</p>")
    ids = {a.get("id") for t, a in tags(page) if t == "section"}
    assert {"compared", "table", "charts", "break_even", "sensitivity", "assumptions"} <= ids
    assert {"unserved", "map"} <= ids
    body = outside_iframe(page)
    # one table row per model, baseline marked, numbers formatted the Swedish way with units
    table = re.search(r"<table class='maltid-comparison'>.*?</table>", body, re.S)
    assert table
    assert table.group(0).count("<tr") == 1 + len(comparison.results)
    assert "(jämförelsebas)" in table.group(0) and "kr/vecka" in table.group(0)
    base = comparison.results["central_daily_hot"].outcome
    total = format_number(base.total_cost_sek_per_week, lang="sv")
    assert "\u00a0" in total and f"<td class='num'>{total}</td>" in table.group(0)
    # four SVG charts, one bar per model each, no JavaScript anywhere outside the map
    svgs = [a for t, a in tags(body) if t == "svg"]
    assert [s["data-column"] for s in svgs] == [
        "cost_per_meal_sek",
        "vehicle_km_per_week",
        "co2_kg_per_week",
        "mean_kitchen_to_plate_min",
    ]
    assert body.count("<rect ") == 4 * len(comparison.results)
    assert "<script" not in body
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", body)


def test_assumptions_break_even_sensitivity_and_unserved(comparison: maltid.Comparison) -> None:
    page = outside_iframe(report.render_report(comparison, map_html=""))
    assert "Skatteverket &lt;milersättning&gt;" in page  # source text escaped
    assert "<td class='num'>2024</td>" in page  # a year is not a grouped number
    assert "<table class='maltid-break-even'>" in page
    assert "<table class='maltid-sensitivity'>" in page
    unserved = re.search(
        r"<table class='maltid-unserved' data-model='local_kitchens'>.*?</table>", page, re.S
    )
    assert unserved and "outside the hot-holding limit" in unserved.group(0)
    assert "<td class='num'>1</td>" in unserved.group(0)
    for r in comparison.scenario.recipients:  # no recipient ids or positions
        assert r.id not in page and repr(r.lat) not in page
    bare = dataclasses.replace(comparison, break_even=None, sensitivity=None)
    page = report.render_report(bare, map_html="")
    assert page.count("Inte beräknad för detta scenario.") == 2


def test_hostile_text_escaped(comparison: maltid.Comparison) -> None:
    page = report.render_report(comparison)
    assert "<script>window.__pwned" not in page
    assert '" onmouseover="window' not in page
    body = outside_iframe(page)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&quot; onmouseover=&quot;" in body
    assert "kyld &lt;b&gt;mat&lt;/b&gt;" in body and "<b>mat</b>" not in page


def test_map_embedded_in_srcdoc(comparison: maltid.Comparison) -> None:
    map_html = maps.render_map(comparison, lang="en")
    page = report.render_report(comparison, lang="en", map_html=map_html)
    frames = [a for t, a in tags(page) if t == "iframe"]
    assert len(frames) == 1
    assert frames[0]["sandbox"] == "allow-scripts"
    assert frames[0]["srcdoc"] == map_html  # the parser unescapes the attribute exactly
    raw = re.search(r'srcdoc="([^"]*)"', page)
    assert raw and html.unescape(raw.group(1)) == map_html
    linked = report.render_report(comparison, map_href="map.html")
    assert "<iframe" not in linked and "<a href='map.html'>Öppna kartan</a>" in linked


def test_languages_and_bad_language(comparison: maltid.Comparison) -> None:
    en = report.render_report(comparison, lang="en", map_html="")
    sv = report.render_report(comparison, lang="sv", map_html="")
    assert "Comparison table" in en and "Jämförelsetabell" not in en
    assert "Jämförelsetabell" in sv and "Comparison table" not in sv
    assert "Local kitchens (Frame Lake model)" in en and "Lokala kök (Ramsjömodellen)" in sv
    assert "<html lang='en'>" in en
    with pytest.raises(InputError, match="unknown language"):
        report.render_report(comparison, lang="fi")


def test_write_report_atomic_and_deterministic(
    comparison: maltid.Comparison, tmp_path: Path
) -> None:
    out = report.write_report(comparison, tmp_path / "report.html", lang="en")
    assert out.read_text(encoding="utf-8") == report.render_report(comparison, lang="en")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]

"""Tests of maltid.faces.maps: offline HTML, one model at a time, legend/KPI, escaping, privacy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import fixtures_comparison as fc
import maltid
from maltid.errors import InputError
from maltid.faces import maps


@pytest.fixture
def comparison() -> maltid.Comparison:
    return fc.make_comparison(kitchen_name=fc.HOSTILE_NAME)


@pytest.fixture
def page(comparison: maltid.Comparison) -> str:
    return maps.render_map(comparison)


def panel_html(page: str, elem_id: str) -> str:
    """Decode the innerHTML JSON string of a Leaflet control created by maps."""
    match = re.search(
        r"d\.id=" + re.escape(json.dumps(elem_id)) + r';d\.innerHTML=("(?:[^"\\]|\\.)*");', page
    )
    assert match, f"control {elem_id} not found"
    return str(json.loads(match.group(1)))


def bound_strings(page: str) -> list[str]:
    """All popup/tooltip HTML strings bound by maps (decoded from their JSON literals)."""
    found = re.findall(r"\.bind(?:Popup|Tooltip)\((\"(?:[^\"\\]|\\.)*\")", page)
    return [json.loads(s) for s in found]


def layer_names(page: str, kind: str = "overlays") -> list[str]:
    """Names of the layer control's ``overlays`` or ``base_layers`` (the models: radio)."""
    block = re.search(kind + r"\s*:\s*\{(.*?)\}", page, re.S)
    assert block
    return [
        json.loads(k)
        for k in re.findall(
            r"(\"(?:[^\"\\]|\\.)*\")\s*:\s*(?:feature_group|tile_layer)_", block.group(1)
        )
    ]


def overlay_names(page: str) -> list[str]:
    return layer_names(page, "base_layers")


def parse(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    return fc.start_tags(fragment)


def test_no_cdn_references(page: str) -> None:
    tags = parse(page)
    scripts = [a for t, a in tags if t == "script"]
    links = [a for t, a in tags if t == "link"]
    assert scripts, "expected inline scripts"
    assert all(not a.get("src") for a in scripts), [a.get("src") for a in scripts]
    assert all(not (a.get("href") or "").startswith(("http", "//")) for a in links)
    assert "jquery" not in page.lower().replace("jquery-", "")  # jQuery is not needed
    assert "L.map(" in page and "leafletjs.com" in page  # Leaflet itself is inlined
    assert "textpath" in page.lower()  # the arrow plugin too
    # Leaflet's CSS images are inlined as data URIs, not relative files
    assert "url(images/" not in page and "data:image/png;base64," in page


def test_one_layer_per_model_and_controls(page: str, comparison: maltid.Comparison) -> None:
    names = overlay_names(page)  # the models are base layers: radio buttons, one at a time
    assert len(names) == len(comparison.results) == 3
    overlays = layer_names(page)
    assert not set(names) & set(overlays)
    assert any("Vägnät" in n for n in overlays) and any("plattor" in n for n in overlays)
    assert "L.control.layers(" in page
    # the model named "kyld <b>mat</b>" is escaped before Leaflet puts it into innerHTML
    assert "kyld &lt;b&gt;mat&lt;/b&gt; – Centralkök, kylda matlådor" in names
    assert "<b>mat</b>" not in page
    # route polylines: one per route, per model
    n_routes = sum(len(d.plan.routes) for r in comparison.results.values() for d in r.plan.days)
    assert len(re.findall(r'"className": "maltid-route maltid-model-\d"', page)) == n_routes
    assert "L.Polyline.include(PolylineTextPath)" in page  # the inlined arrow plugin
    assert len(re.findall(r"poly_line_\d+\.setText\(", page)) == n_routes  # arrows


def test_legend_and_kpi_panel(page: str, comparison: maltid.Comparison) -> None:
    legend = panel_html(page, "maltid-legend")
    assert "Centralkök" in legend and "OpenStreetMap contributors, ODbL" in legend
    assert "Syntetiska data" in legend  # scenario name says synthetic
    # the grid legend names the cell sizes actually drawn
    sizes = {c["size_m"] for c in grid_cells(comparison)[0]}
    for size in sizes:
        assert f"{maps.format_number(size / 1000, lang='sv')} km" in legend
    if sizes == {5000.0}:
        assert "1 km" not in legend
    kpi = panel_html(page, "maltid-kpi-panel")
    blocks = [a for t, a in parse(kpi) if "maltid-kpi" in (a.get("class") or "").split()]
    assert [b["data-model"] for b in blocks] == list(comparison.results)
    assert ["hidden" in b for b in blocks] == [False] + [True] * (len(blocks) - 1)
    assert "<details open>" in kpi and "Nyckeltal" in kpi
    base = comparison.results["central_daily_hot"].outcome
    expected = maps.format_number(base.cost_per_meal_sek, decimals=1, lang="sv")
    assert f"{expected} kr" in kpi
    # who is not served by the model's own mode: counted with the reason, no ids
    if any(result.plan.unserved for result in comparison.results.values()):
        assert "Får mat på annat sätt eller nås inte" in kpi
        assert "nås inte: för långt bort för att maten ska hållas varm" in kpi
    for r in comparison.scenario.recipients:
        assert f">{r.id}<" not in kpi


def grid_cells(comparison: maltid.Comparison) -> tuple[list[dict[str, object]], int]:
    recipients = comparison.scenario.recipients
    return maps.aggregate_recipients(
        [float(r.lat) for r in recipients], [float(r.lon) for r in recipients]
    )


def test_hostile_names_escaped(page: str) -> None:
    assert "<script>window.__pwned" not in page
    assert '" onmouseover="window' not in page
    assert "__pwned" in page  # it is there, but only as escaped text
    texts = [*bound_strings(page), panel_html(page, "maltid-legend")]
    hostile_popups = [s for s in texts if "__pwned" in s]
    assert hostile_popups
    for s in hostile_popups:
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&#34; onmouseover=&#34;" in s
        assert "<script" not in s


def test_recipients_aggregated_not_exact(page: str, comparison: maltid.Comparison) -> None:
    for r in comparison.scenario.recipients:
        assert repr(r.lat) not in page and repr(r.lon) not in page
        assert f"[{r.lat:.5f}, {r.lon:.5f}]" not in page
        assert f"[{r.lat:.4f}, {r.lon:.4f}]" not in page
        assert r.id not in page  # no recipient ids either
    tips = [s for s in bound_strings(page) if s.endswith("mottagare")]
    counts = [int(s.split()[0]) for s in tips]
    assert counts and min(counts) >= maps.MIN_CELL_COUNT
    hidden_note = re.search(r"(\d+) mottagare i glesa", panel_html(page, "maltid-legend"))
    hidden = int(hidden_note.group(1)) if hidden_note else 0
    assert sum(counts) + hidden == len(comparison.scenario.recipients)


def test_show_recipients_draws_exact_points(comparison: maltid.Comparison) -> None:
    page = maps.render_map(comparison, show_recipients=True, show_network=False)
    for r in comparison.scenario.recipients:
        assert f"[{r.lat}, {r.lon}]" in page
    assert "maltid-network" not in page


def test_languages(comparison: maltid.Comparison) -> None:
    sv = maps.render_map(comparison, lang="sv")
    en = maps.render_map(comparison, lang="en")
    assert "Teckenförklaring" not in en and "Key figures" in panel_html(en, "maltid-kpi-panel")
    assert "Nyckeltal" in panel_html(sv, "maltid-kpi-panel")
    assert "Local kitchens (Frame Lake model)" in overlay_names(en)
    assert "Lokala kök (Ramsjömodellen)" in overlay_names(sv)
    with pytest.raises(InputError, match="unknown language 'de'"):
        maps.render_map(comparison, lang="de")


def test_deterministic_and_written_atomically(
    comparison: maltid.Comparison, tmp_path: Path
) -> None:
    first = maps.render_map(comparison)
    assert maps.render_map(comparison) == first
    out = maps.write_map(comparison, tmp_path / "sub" / "map.html")
    assert out.read_text(encoding="utf-8") == first
    assert [p.name for p in out.parent.iterdir()] == ["map.html"]


def test_route_popups_carry_km_minutes_meals(page: str, comparison: maltid.Comparison) -> None:
    route = comparison.results["central_daily_hot"].plan.days[0].plan.routes[0]
    km = maps.format_number(route.distance_m / 1000.0, decimals=1, lang="sv")
    popups = [s for s in bound_strings(page) if "Körslinga" in s and route.vehicle_id in s]
    assert popups
    assert any(km in s and f"<td class='num'>{route.load_meals}</td>" in s for s in popups)
    assert not any("_" in s.split("<b>")[0] for s in popups)
    recipient_ids = {r.id for r in comparison.scenario.recipients}
    assert not any(rid in s for s in bound_strings(page) for rid in recipient_ids)


def test_aggregate_recipients_merges_sparse_cells() -> None:
    lat0, lon0 = 61.8, 15.9
    dense = [(lat0 + 0.0011 * k, lon0 + 0.0007) for k in range(4)]  # 4 within ~450 m
    sparse = [(lat0 + 0.5, lon0 + 0.5), (lat0 + 0.9, lon0 - 0.4)]  # lone houses far apart
    lat = [p[0] for p in dense + sparse]
    lon = [p[1] for p in dense + sparse]
    cells, hidden = maps.aggregate_recipients(lat, lon, cell_size_m=1000.0)
    assert hidden == 2
    assert sum(c["count"] for c in cells) == 4
    for cell in cells:
        assert all(
            (round(a, 5), round(b, 5)) not in set(zip(lat, lon, strict=True))
            for a, b in cell["corners"]
        )
    with pytest.raises(ValueError, match="cell_size_m"):
        maps.aggregate_recipients(lat, lon, cell_size_m=0.0)
    assert maps.aggregate_recipients([], []) == ([], 0)


def test_sparse_cells_pooled_into_coarse_cells() -> None:
    from pyproj import Transformer

    # three houses 1.5 km apart in UTM 33N: each alone in its 1 km cell, all three in the
    # same 5 km cell (x 505-510 km, y 6850-6855 km) -> one pooled cell of 3, none hidden
    inv = Transformer.from_crs("EPSG:32633", "EPSG:4326", always_xy=True)
    lon, lat = inv.transform([505_500.0, 507_000.0, 508_500.0], [6_852_500.0] * 3)
    cells, hidden = maps.aggregate_recipients(list(lat), list(lon), cell_size_m=1000.0)
    assert hidden == 0
    assert [(c["size_m"], c["count"]) for c in cells] == [(5000.0, 3)]


def test_not_served_recipients_drawn_as_counted_squares(comparison: maltid.Comparison) -> None:
    """Who the model's own mode does not serve: dashed squares with counts, never positions."""
    import dataclasses

    import pandas as pd

    village = [r.id for k, r in enumerate(comparison.scenario.recipients) if k % 2][:6]
    frame = pd.DataFrame(
        {
            "model": "local_kitchens",
            "recipient_id": village,
            "days": 7,
            "outcome": "fallback",
            "reason_code": "hot_holding",
            "reason": "",
        }
    )
    page = maps.render_map(dataclasses.replace(comparison, not_served=frame))
    tips = [s for s in bound_strings(page) if "reservleverans här" in s]
    counts = [int(s.split()[0]) for s in tips]
    assert counts and min(counts) >= maps.MIN_CELL_COUNT and sum(counts) <= len(village)
    assert page.count('"className": "maltid-fallback"') == len(counts)
    for rid in village:
        assert rid not in page
    assert "streckad ruta" in panel_html(page, "maltid-legend")
    kpi = panel_html(page, "maltid-kpi-panel")
    assert f"{len(village)} får mat via reservleverans" in kpi
    assert "för långt bort för att maten ska hållas varm" in kpi

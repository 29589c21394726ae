"""Tests of maltid.faces.report: memo order, plain language, numbers, escaping, embedded map."""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import fixtures_comparison as fc
import maltid
from maltid.errors import InputError
from maltid.faces import i18n, labels_en, labels_sv, maps, memo, report, report_tables
from maltid.faces.i18n import format_number, format_sek

#: Internal names that must never reach a reader (issue 14).
CODE_WORDS = re.compile(
    r"\b[a-z]+_[a-z_]+\b|\b(lo|hi|converged|re-priced|re-solved|nan|None|True|False)\b"
)


@pytest.fixture
def comparison() -> maltid.Comparison:
    return fc.make_comparison(kitchen_name=fc.HOSTILE_NAME)


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    return fc.start_tags(page)


def outside_iframe(page: str) -> str:
    return re.sub(r"<iframe[^>]*></iframe>", "", page, flags=re.S)


class _Text(HTMLParser):
    """The text a reader sees (no <style>, <script>, <title> of the head, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(outside_iframe(page))
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parser.parts)).strip()  # keeps no-break spaces


def section_ids(page: str) -> list[str]:
    return [str(a.get("id")) for t, a in tags(page) if t == "section"]


def test_memo_order_conclusion_first(comparison: maltid.Comparison) -> None:
    page = report.render_report(comparison, map_html="<p>map</p>")
    ids = section_ids(page)
    top = [i for i in ids if i in {"conclusion", "proposal", "background", "economy"}]
    assert top == ["conclusion", "proposal", "background", "economy"]
    order = ["conclusion", "economy", "effects", "robustness", "basis"]
    assert [ids.index(i) for i in order] == sorted(ids.index(i) for i in order)
    assert {"break_even", "sensitivity", "table", "map", "assumptions", "unserved"} <= set(ids)
    # the conclusion comes before the first table, with numbers and the cheapest model
    first_table = page.index("<table")
    start = page.index('id="conclusion"')
    assert start < first_table
    conclusion = visible_text(page[start : page.index("</section>", start)])
    assert len(conclusion) >= 80 and re.search(r"\d", conclusion)
    answer = memo.conclusion_of(comparison)
    assert answer.cheapest_model is not None
    assert memo.title_of(comparison, answer.cheapest_model, "sv") in conclusion
    assert format_sek(answer.cheapest_total_sek_per_week, lang="sv") in conclusion
    assert "Billigast" in conclusion


def test_conclusion_from_table_matches_the_table(comparison: maltid.Comparison) -> None:
    """The fallback answer (no Comparison.conclusion) is the cheapest model serving everyone."""
    bare = dataclasses.replace(comparison, conclusion=None)
    answer = memo.conclusion_of(bare)
    table = comparison.table
    n = len(comparison.scenario.recipients)
    everyone = table[
        (table["recipients_unserved"] == 0)
        & (table["recipients_served"] + table.get("recipients_fallback", 0) >= n)
    ]
    best = everyone.sort_values("total_cost_sek_per_week").iloc[0]
    assert answer.cheapest_model == best["model"]
    assert answer.cheapest_total_sek_per_week == pytest.approx(best["total_cost_sek_per_week"])
    for verdict in answer.locals:
        loc = table[table["model"] == verdict.model].iloc[0]
        ref = table[table["model"] == verdict.versus_model].iloc[0]
        extra = loc["total_cost_sek_per_week"] - ref["total_cost_sek_per_week"]
        assert verdict.extra_cost_sek_per_week == pytest.approx(extra)
        assert verdict.extra_cost_sek_per_year == pytest.approx(52 * extra)


def test_no_code_identifiers_or_english_in_swedish(comparison: maltid.Comparison) -> None:
    text = visible_text(report.render_report(comparison, map_html=""))
    scenario_words = {
        comparison.scenario.name,
        *(str(k.name) for k in comparison.scenario.kitchens),
    }
    for word in scenario_words:  # names from the scenario file are the municipality's own
        text = text.replace(word, "")
    assert [m.group(0) for m in CODE_WORDS.finditer(text)] == []
    for english in ("per week", "Comparison", "Break-even", "baseline", "SEK", "recipients"):
        assert english not in text
    for name in ("Centralkök, varm mat dagligen", "Lokala kök (Ramsjömodellen)"):
        assert name in text
    english = visible_text(report.render_report(comparison, lang="en", map_html=""))
    for word in scenario_words:
        english = english.replace(word, "")
    assert [m.group(0) for m in CODE_WORDS.finditer(english)] == []


def test_swedish_numbers_per_week_and_year(comparison: maltid.Comparison) -> None:
    page = outside_iframe(report.render_report(comparison, map_html=""))
    economy = page[page.index('id="economy"') : page.index('id="effects"')]
    for name, result in comparison.results.items():
        total = result.outcome.total_cost_sek_per_week
        week = format_number(total, lang="sv")
        year = format_number(total * 52, lang="sv")
        assert f'<td class="num">{week}</td>' in economy, name
        assert f'<td class="num">{year}</td>' in economy, name
        if total >= 1000:
            assert "\u00a0" in week  # 132 564, not 132,564
    assert format_sek(1234.0, lang="sv") == "1\u00a0234\u00a0kr"
    assert i18n.format_pct(12.5, decimals=1, lang="sv") == "12,5\u00a0%"
    assert format_sek(1234.0, lang="en") == "1,234\u00a0SEK"


def test_sensitivity_without_zero_swing_rows(comparison: maltid.Comparison) -> None:
    page = outside_iframe(report.render_report(comparison, map_html=""))
    robustness = page[page.index('id="robustness"') : page.index('id="basis"')]
    tornado = comparison.difference_tornado
    if tornado is None:
        tornado = comparison.sensitivity
    assert tornado is not None and len(tornado)
    zero = tornado[tornado["swing_sek"].abs() <= 0.5]["parameter"]
    moving = tornado[tornado["swing_sek"].abs() > 0.5]["parameter"]
    for name in set(zero) - set(moving):
        assert i18n.parameter_label(name, "sv") not in robustness
    for name in set(moving):
        assert i18n.parameter_label(name, "sv") in robustness


def test_robustness_probabilities(comparison: maltid.Comparison) -> None:
    robustness = comparison.robustness
    assert robustness is not None and len(robustness)
    page = outside_iframe(report.render_report(comparison, map_html=""))
    section = page[page.index('id="robustness"') : page.index('id="basis"')]
    assert '<table class="maltid-probabilities">' in section
    for rec in robustness.to_dict("records"):
        share = i18n.format_pct(100 * rec["p_cheapest"], lang="sv")
        assert f'<td class="num">{share}</td>' in section
    n = robustness.attrs["n_samples"]
    assert f"{n} framtider" in section
    conclusion = page[page.index('id="conclusion"') : page.index("</section>")]
    for rec in robustness.dropna(subset=["p_no_dearer"]).to_dict("records"):
        assert f"i {round(10 * rec['p_no_dearer'])} av 10 framtider" in conclusion


def test_assumptions_sources_and_scenario_values(comparison: maltid.Comparison) -> None:
    assumptions = comparison.assumptions
    overridden = assumptions.assign(overridden=True) if len(assumptions) else assumptions
    page = outside_iframe(
        report.render_report(dataclasses.replace(comparison, assumptions=overridden), map_html="")
    )
    section = page[page.index('id="assumptions"') : page.index('id="unserved"')]
    assert section.count("Scenariovärde") >= len(assumptions)
    plain = outside_iframe(report.render_report(comparison, map_html=""))
    assert '<table class="maltid-assumptions">' in plain
    assert '<table class="maltid-break-even">' in plain
    assert '<table class="maltid-sensitivity">' in plain
    for r in comparison.scenario.recipients:  # no recipient ids or positions
        assert f">{r.id}<" not in plain and repr(r.lat) not in plain
    bare = dataclasses.replace(
        comparison, break_even=None, sensitivity=None, difference_tornado=None
    )
    page = report.render_report(bare, map_html="")
    assert page.count("Inte beräknat för detta scenario.") == 2


def test_not_served_counted_by_reason(comparison: maltid.Comparison) -> None:
    counts = report_tables.not_served_counts(comparison, "sv")
    expected = {name: len(result.plan.unserved) for name, result in comparison.results.items()}
    if comparison.not_served is not None:
        expected = dict(comparison.not_served.groupby("model").size())
    assert {m: sum(n for _o, _r, n in rows) for m, rows in counts.items()} == {
        m: n for m, n in expected.items() if n
    }
    page = outside_iframe(report.render_report(comparison, map_html=""))
    if counts:
        assert '<table class="maltid-unserved">' in page


def test_hostile_text_escaped(comparison: maltid.Comparison) -> None:
    page = report.render_report(comparison)
    assert "<script>window.__pwned" not in page
    assert '" onmouseover="window' not in page
    body = outside_iframe(page)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&#34; onmouseover=&#34;" in body
    assert "<script" not in body
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", body)


def test_charts_have_text_alternatives(comparison: maltid.Comparison) -> None:
    page = outside_iframe(report.render_report(comparison, map_html=""))
    svgs = [a for t, a in tags(page) if t == "svg"]
    assert [s["data-column"] for s in svgs] == ["total_cost_sek_per_week", "co2_kg_per_week"]
    for svg in svgs:
        assert svg["role"] == "img" and svg["aria-labelledby"]
        assert f'<title id="{svg["aria-labelledby"]}">' in page
    assert page.count("<rect ") == 2 * len(comparison.results)
    headings = [t for t, _a in tags(page) if t in ("h1", "h2", "h3", "h4")]
    assert headings[0] == "h1" and headings.count("h1") == 1
    assert all(a.get("scope") in ("col", "row") for t, a in tags(page) if t == "th")


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
    assert "<iframe" not in linked and '<a href="map.html">Öppna kartan</a>' in linked


def test_languages_and_bad_language(comparison: maltid.Comparison) -> None:
    en = report.render_report(comparison, lang="en", map_html="")
    sv = report.render_report(comparison, lang="sv", map_html="")
    assert "Summary" in en and "Sammanfattning" not in en
    assert "Sammanfattning" in sv and "Summary" not in sv
    assert "Local kitchens (Frame Lake model)" in en and "Lokala kök (Ramsjömodellen)" in sv
    assert '<html lang="en">' in en
    with pytest.raises(InputError, match="unknown language"):
        report.render_report(comparison, lang="fi")


def test_label_sets_match() -> None:
    for name in ("LABELS", "KINDS", "COLUMNS", "PARAMETERS", "REASONS"):
        assert set(getattr(labels_sv, name)) == set(getattr(labels_en, name)), name
    for key, text in labels_sv.LABELS.items():
        fields = set(re.findall(r"{(\w+)}", text))
        assert fields == set(re.findall(r"{(\w+)}", labels_en.LABELS[key])), key


def test_reason_words_match_unserved_csv() -> None:
    """The report, the map and unserved.csv give a reason code the same words."""
    from maltid.faces.tables import REASON_TEXT

    assert REASON_TEXT["sv"] == labels_sv.REASONS
    assert REASON_TEXT["en"] == labels_en.REASONS


def test_every_cost_parameter_has_a_plain_label() -> None:
    """Every parameter of the catalogue is named in words in both languages (no humanised id)."""
    from maltid.scenario import parameters_table

    names = set(parameters_table()["parameter"])
    assert names - set(labels_sv.PARAMETERS) == set()
    assert names - set(labels_en.PARAMETERS) == set()


def test_raised_chilled_deliveries_are_explained(comparison: maltid.Comparison) -> None:
    name = next(n for n, r in comparison.results.items() if r.kind == "central_chilled")
    result = comparison.results[name]
    plan = dataclasses.replace(
        result.plan, chilled_deliveries_asked_per_week=1, chilled_deliveries_per_week=3
    )
    results = {**comparison.results, name: dataclasses.replace(result, plan=plan)}
    page = report.render_report(dataclasses.replace(comparison, results=results), map_html="")
    effects = visible_text(page[page.index('id="effects"') : page.index('id="robustness"')])
    assert "bad om 1 leveranser per vecka; de har höjts till 3" in effects
    plain = report.render_report(comparison, map_html="")
    asked = result.plan.chilled_deliveries_asked_per_week
    planned = result.plan.chilled_deliveries_per_week
    assert ("har höjts till" in plain) == (asked != planned and asked > 0 and planned > 0)


def test_procurement_section_placed_after_uncertainty(comparison: maltid.Comparison) -> None:
    section = '<section id="procurement"><h2>Upphandling</h2><p>takpris</p></section>'
    page = report.render_report(comparison, map_html="", procurement_html=section)
    assert section in page  # an autoescaped fragment from faces.procurement, kept as HTML
    ids = section_ids(page)
    assert ids.index("robustness") < ids.index("procurement") < ids.index("basis")
    assert '<a href="#procurement">Upphandling</a>' in page
    assert 'id="procurement"' not in report.render_report(comparison, map_html="")


def test_write_report_atomic_and_deterministic(
    comparison: maltid.Comparison, tmp_path: Path
) -> None:
    out = report.write_report(comparison, tmp_path / "report.html", lang="en", date="2026-11-30")
    assert out.read_text(encoding="utf-8") == report.render_report(
        comparison, lang="en", date="2026-11-30"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]

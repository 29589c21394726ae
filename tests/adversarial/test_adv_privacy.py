"""Security and privacy of the outputs of a real ``maltid compare`` run.

Hostile names (script tags, attribute breakouts) in the scenario name, kitchen names,
model names and recipient ids never run in map.html or report.html (checked in headless
Chromium, also inside the report's map iframe). Recipients are aggregated on maps (no
recipient coordinate to 5 decimals). Columns of the recipients CSV that maltid does not
need (name, address, phone, personnummer) never reach ANY output file, and a
personnummer-like column triggers a warning. Every person here is synthetic.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import adv_helpers as h
import pytest

from browser_util import wait_for

SCRIPT = "<script>window.__pwned=1</script>"
ATTR = '" onmouseover="window.__pwned=1'
IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE = f"{SCRIPT}{ATTR}"

#: Recipients with 7-decimal positions that are no road node; the ids are hostile too.
ROWS: list[tuple[str, float, float, int, bool]] = [
    (f"R1{SCRIPT}", 63.0051237, 17.0101468, 5, True),
    (f"R2{ATTR}", 63.0101579, 17.0198713, 7, True),
    (f"R3{IMG}", 63.0148863, 17.0301359, 3, False),
    ("R4", 63.0198291, 17.0398547, 7, True),
    ("R5", 63.0100934, 17.0002673, 5, True),
]
SENTINELS = {
    "namn": [f"Sentinelnamn{i} Testsson" for i in range(len(ROWS))],
    "adress": [f"Sentinelvägen {i}7, 999 99 Påhittby" for i in range(len(ROWS))],
    "telefon": [f"070-99988{i}7" for i in range(len(ROWS))],
    "personnummer": [f"19121212-12{i}2" for i in range(len(ROWS))],
}


def _scenario_data() -> dict[str, Any]:
    data = h.scenario_dict(
        name=f"Kommun {HOSTILE}",
        models=[
            {"kind": "central_daily_hot", "name": f"varm {SCRIPT}"},
            {"kind": "local_kitchens", "name": f"lokal {ATTR}"},
        ],
    )
    data["kitchens"][0]["name"] = f"Central {HOSTILE}"
    data["kitchens"][1]["name"] = f"By {IMG}{ATTR}"
    return data


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("privacy")
    csv_text = h.recipients_csv(ROWS, extra=SENTINELS)
    # quote the fields holding commas or quotes as Excel would
    toml = h.write_scenario(base / "in", data=_scenario_data(), csv_text=_quoted(csv_text))
    out = base / "out"
    env = {**os.environ, "MALTID_CACHE_DIR": str(base / "cache")}
    code = (
        "import sys; from maltid.faces.cli import main; "
        "sys.argv = ['maltid', *sys.argv[1:]]; main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "compare", str(toml), "--out", str(out)],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return out, proc.stderr.decode("utf-8", "replace")


def _quoted(text: str) -> str:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text.replace(", 999", "; 999"))))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def test_csv_round_trip_keeps_hostile_ids(tmp_path: Path) -> None:
    from maltid.scenario import load_scenario

    toml = h.write_scenario(
        tmp_path, data=_scenario_data(), csv_text=_quoted(h.recipients_csv(ROWS, extra=SENTINELS))
    )
    assert [r.id for r in load_scenario(toml).recipients] == [r[0] for r in ROWS]


def test_unneeded_columns_never_reach_any_output_file(run: tuple[Path, str]) -> None:
    out, stderr = run
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 7  # 6 per scenario + summary.csv
    cache = [p for p in (out.parent / "cache").rglob("*") if p.is_file()]
    assert cache  # the network and matrix cache entries are output files too
    files += cache
    for values in SENTINELS.values():
        for value in values:
            for needle in {value, value.split(" ")[0], value.replace("-", "")}:
                for p in files:
                    assert needle.encode() not in p.read_bytes(), f"{needle!r} in {p.name}"
                assert needle not in stderr


def test_personnummer_column_triggers_a_warning(
    run: tuple[Path, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _, stderr = run
    assert "personnummer" in stderr.lower()
    from maltid.scenario import load_scenario

    # a column whose NAME is harmless but whose values look like personnummer
    extra = {"kolumn_x": SENTINELS["personnummer"]}
    toml = h.write_scenario(tmp_path, csv_text=h.recipients_csv(h.RECIPIENTS, extra=extra))
    with caplog.at_level(logging.WARNING, logger="maltid"):
        load_scenario(toml)
    assert any("personnummer" in r.getMessage() for r in caplog.records)


_COORD = re.compile(r"-?\d{1,3}\.\d{5,}")


def test_no_recipient_coordinate_in_map_or_report(run: tuple[Path, str]) -> None:
    out, _ = run
    for page in ("map.html", "report.html"):
        text = (out / "scenario" / page).read_text(encoding="utf-8")
        for rid, lat, lon, *_ in ROWS:
            for v in (lat, lon):
                assert f"{v:.5f}" not in text, f"{rid}: {v:.5f} in {page}"
        # and no number at all lies within 2 m of a recipient position
        numbers = [float(m) for m in _COORD.findall(text)]
        for rid, lat, lon, *_ in ROWS:
            near = [x for x in numbers if abs(x - lat) < 2e-5 or abs(x - lon) < 4e-5]
            assert not near, f"{rid}: {near[:3]} in {page}"


def test_hostile_strings_are_escaped_in_html(run: tuple[Path, str]) -> None:
    out, _ = run
    for page in ("map.html", "report.html"):
        text = (out / "scenario" / page).read_text(encoding="utf-8")
        assert SCRIPT not in text, page
        assert IMG not in text, page
        assert 'onmouseover="window.__pwned' not in text, page


_POKE = (
    "var n=0;document.querySelectorAll('*').forEach(function(e){"
    "['mouseover','mouseenter','click','focus'].forEach(function(t){"
    "try{e.dispatchEvent(new MouseEvent(t,{bubbles:true}));n++;}catch(x){}});});return n;"
)


@pytest.mark.browser
def test_no_injected_script_runs_in_map(chromium: Any, run: tuple[Path, str]) -> None:
    out, _ = run
    chromium.get((out / "scenario" / "map.html").as_uri())
    wait_for(chromium, "return document.readyState === 'complete'")
    wait_for(chromium, "return document.querySelector('.leaflet-container') !== null")
    assert chromium.execute_script(_POKE) > 0  # hover and click every element
    time.sleep(0.3)
    assert chromium.execute_script("return typeof window.__pwned") == "undefined"
    text = chromium.execute_script("return document.body.innerText")
    assert "Central" in text or "Central" in chromium.page_source


@pytest.mark.browser
def test_no_injected_script_runs_in_report_or_its_iframe(
    chromium: Any, run: tuple[Path, str]
) -> None:
    from selenium.webdriver.common.by import By

    out, _ = run
    chromium.get((out / "scenario" / "report.html").as_uri())
    wait_for(chromium, "return document.readyState === 'complete'")
    # the hostile scenario name is shown as text
    assert SCRIPT in chromium.execute_script("return document.body.innerText")
    chromium.execute_script(_POKE)
    assert chromium.execute_script("return typeof window.__pwned") == "undefined"
    frames = chromium.find_elements(By.CSS_SELECTOR, "iframe")
    assert frames, "the report embeds its map in an iframe"
    for frame in frames:
        chromium.switch_to.frame(frame)
        try:
            wait_for(chromium, "return document.readyState === 'complete'")
            chromium.execute_script(_POKE)
            time.sleep(0.3)
            assert chromium.execute_script("return typeof window.__pwned") == "undefined"
        finally:
            chromium.switch_to.default_content()
    assert chromium.execute_script("return typeof window.__pwned") == "undefined"

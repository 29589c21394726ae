"""Process faults: ``maltid compare`` killed mid-run, and a corrupt network cache.

A killed run must never leave output that looks complete but is not: a scenario folder
has ``manifest.json`` only when every file it lists is complete; no half-written file
sits under a final name; ``summary.csv`` is absent or complete. Rerunning resumes and
gives the same results as an uninterrupted run.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import adv_helpers as h
import pandas as pd
import pytest

SCENARIOS = ("alfa", "beta")
#: Files whose content is deterministic (HTML holds random Folium element ids).
STABLE = ("comparison.csv", "routes.csv", "routes.geojson")


def _cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    code = "import sys; from maltid.cli import main; sys.argv = ['maltid', *sys.argv[1:]]; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _scenarios(folder: Path) -> list[str]:
    h.write_scenario(folder)
    toml = (folder / "scenario.toml").read_text(encoding="utf-8")
    paths = []
    for name in SCENARIOS:
        p = folder / f"{name}.toml"
        p.write_text(toml.replace('name = "Adversarial', f'name = "{name}: Adversarial'), "utf-8")
        paths.append(str(p))
    return paths


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, str], Path]:
    base = tmp_path_factory.mktemp("process")
    paths = _scenarios(base / "in")
    env = {**os.environ, "MALTID_CACHE_DIR": str(base / "cache"), "PYTHONHASHSEED": "0"}
    ref = base / "ref"
    proc = _cli(["--quiet", "compare", *paths, "--out", str(ref)], env)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    return paths, env, ref


def _check_no_false_completeness(out: Path, ref: Path) -> None:
    for name in SCENARIOS:
        folder = out / name
        if not folder.exists():
            continue
        manifest = folder / "manifest.json"
        if manifest.exists():
            listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
            for f in listed:
                assert (folder / f).is_file(), f"{name}: manifest lists missing {f}"
        for f in STABLE:
            if (folder / f).exists():  # a final name holds the complete file
                assert (folder / f).read_bytes() == (ref / name / f).read_bytes(), (name, f)
        for f in ("map.html", "report.html"):
            if (folder / f).exists():
                assert (folder / f).read_text(encoding="utf-8").rstrip().endswith("</html>")
    summary = out / "summary.csv"
    if summary.exists():
        _assert_summary_equal(summary, ref / "summary.csv")


def _assert_summary_equal(got: Path, ref: Path) -> None:
    drop = ["resumed", "folder"]
    a = pd.read_csv(got).drop(columns=drop, errors="ignore")
    b = pd.read_csv(ref).drop(columns=drop, errors="ignore")
    pd.testing.assert_frame_equal(a, b)


def _wait_for(cond: Callable[[], bool], proc: subprocess.Popen[bytes], timeout_s: float) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if cond():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    return False


@pytest.mark.slow
def test_killed_compare_resumes_to_identical_results(
    setup: tuple[list[str], dict[str, str], Path], tmp_path: Path
) -> None:
    paths, env, ref = setup
    out = tmp_path / "out"
    args = ["--quiet", "compare", *paths, "--out", str(out)]
    moments: list[tuple[str, int, Callable[[], bool]]] = [
        # Ctrl-C while the first scenario is being solved
        ("sigint-solving", signal.SIGINT, lambda: (out.exists() or True)),
        # hard kill as soon as the first result file of the first scenario appears
        ("sigkill-writing", signal.SIGKILL, lambda: any((out / "alfa").glob("*"))),
        # hard kill between the scenarios (first manifest written)
        ("sigkill-between", signal.SIGKILL, lambda: (out / "alfa" / "manifest.json").exists()),
    ]
    killed = 0
    for label, sig, cond in moments:
        proc = _cli(args, env)
        delay = 3.0 if label == "sigint-solving" else 0.0
        time.sleep(delay)
        if _wait_for(cond, proc, 120) and proc.poll() is None:
            os.killpg(proc.pid, sig)
            killed += 1
        _, err = proc.communicate(timeout=120)
        if sig == signal.SIGINT and proc.returncode != 0:
            assert proc.returncode in (130, -signal.SIGINT), (label, proc.returncode, err)
            assert b"Traceback" not in err, err.decode()
        _check_no_false_completeness(out, ref)
        if proc.returncode == 0:
            break
    assert killed >= 2, "the runs finished before they could be interrupted"
    # the final rerun completes and equals the uninterrupted run
    proc = _cli(args, env)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    for name in SCENARIOS:
        assert (out / name / "manifest.json").is_file()
        for f in STABLE:
            assert (out / name / f).read_bytes() == (ref / name / f).read_bytes(), (name, f)
        got = json.loads((out / name / "manifest.json").read_text(encoding="utf-8"))
        exp = json.loads((ref / name / "manifest.json").read_text(encoding="utf-8"))
        assert got["inputs_digest"] == exp["inputs_digest"]
    _assert_summary_equal(out / "summary.csv", ref / "summary.csv")
    leftovers = [p.name for p in out.rglob("*.tmp")]
    # SIGKILL can leave a hidden temp file; it is never under a final name
    assert all(n.startswith(".") for n in leftovers), leftovers


@pytest.mark.parametrize(
    "damage",
    ["truncate", "garbage", "empty", "flip"],
)
def test_corrupt_network_cache_is_rebuilt_with_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    from maltid.network import build_network

    osm = tmp_path / "roads.osm"
    osm.write_text(h.osm_xml(), encoding="utf-8")
    cache = tmp_path / "cache"
    monkeypatch.setenv("MALTID_CACHE_DIR", str(cache))
    first = build_network(osm=osm)
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert len(entries) == 1, entries
    entry = entries[0]
    blob = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "garbage":
        entry.write_bytes(os.urandom(512))
    elif damage == "empty":
        entry.write_bytes(b"")
    else:
        mid = len(blob) // 2
        entry.write_bytes(blob[:mid] + bytes([blob[mid] ^ 0xFF]) + blob[mid + 1 :])
    with caplog.at_level(logging.WARNING, logger="maltid"):
        second = build_network(osm=osm)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("cache" in m and "rebuild" in m for m in warnings), warnings
    assert second.graph.number_of_nodes() == first.graph.number_of_nodes()
    assert second.graph.number_of_edges() == first.graph.number_of_edges()
    assert second.cache_key == first.cache_key
    # the entry was rewritten and is valid again: a third load uses it without a warning
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="maltid"):
        third = build_network(osm=osm)
    assert not [r for r in caplog.records if "cache" in r.getMessage()]
    assert third.graph.number_of_edges() == first.graph.number_of_edges()
    shutil.rmtree(cache, ignore_errors=True)

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
STABLE = ("comparison.csv", "unserved.csv", "routes.csv", "routes.geojson", "comparison.json")
HERE = Path(__file__).resolve().parent
#: The child runs the real CLI; ``adv_gate`` pauses it at a chosen point when asked to.
#: Ctrl-C gets Python's default handler even if pytest was started with SIGINT ignored
#: (a background job of a non-interactive shell), as in an interactive terminal.
CHILD = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.path.insert(0, sys.argv.pop(1)); import adv_gate; adv_gate.install(); "
    "from maltid.faces.cli import main; sys.argv = ['maltid', *sys.argv[1:]]; main()"
)


def _cli(
    args: list[str], env: dict[str, str], logs: Path, *, gate: str | None = None
) -> tuple[subprocess.Popen[bytes], Path]:
    """Start ``maltid ARGS`` in its own session; stdout/stderr go to files in ``logs``."""
    logs.mkdir(parents=True, exist_ok=True)
    marker = logs / "gate.ready"
    marker.unlink(missing_ok=True)
    env = dict(env)
    env.pop("MALTID_ADV_GATE", None)
    if gate is not None:
        env["MALTID_ADV_GATE"] = gate
        env["MALTID_ADV_GATE_MARKER"] = str(marker)
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(HERE), *args],
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    return proc, marker


def _stderr(logs: Path) -> str:
    return (logs / "stderr").read_text(encoding="utf-8", errors="replace")


def _scenarios(folder: Path) -> list[str]:
    # two quick models; solver cap 5 s, never reached (the solution limit stops the search
    # first), so the plans do not depend on machine speed
    data = h.scenario_dict(models=[{"kind": "central_chilled"}, {"kind": "local_kitchens"}])
    h.write_scenario(folder, data=data)
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
    env = {**os.environ, "MALTID_CACHE_DIR": str(base / "cache")}
    ref = base / "ref"
    # another hash seed than the interrupted runs: results must not depend on it
    ref_env = {**env, "PYTHONHASHSEED": "1"}
    proc, _ = _cli(["--quiet", "compare", *paths, "--out", str(ref)], ref_env, base / "ref-logs")
    assert proc.wait(timeout=300) == 0, _stderr(base / "ref-logs")
    return paths, {**env, "PYTHONHASHSEED": "2"}, ref


def _complete(folder: Path) -> bool:
    return (folder / "manifest.json").is_file()


def _check_no_false_completeness(out: Path, ref: Path) -> None:
    """Whatever is under a final name is complete and equal to the uninterrupted run."""
    for name in SCENARIOS:
        folder = out / name
        if not folder.exists():
            continue
        manifest = folder / "manifest.json"
        if manifest.exists():
            listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
            from maltid.faces.export import OUTPUT_FILES

            assert {*STABLE, "map.html", "report.html"} <= set(listed), listed
            assert set(listed) <= set(OUTPUT_FILES), listed
            for f in listed:
                assert (folder / f).is_file(), f"{name}: manifest lists missing {f}"
        for f in STABLE:
            if (folder / f).exists():  # a final name holds the complete file
                assert (folder / f).read_bytes() == (ref / name / f).read_bytes(), (name, f)
        for f in ("map.html", "report.html"):
            if (folder / f).exists():
                assert (folder / f).read_text(encoding="utf-8").rstrip().endswith("</html>")
        # a temporary file is always hidden (never under, or looking like, a final name)
        assert all(p.name.startswith(".") for p in folder.glob("*.tmp")), list(folder.iterdir())
    summary = out / "summary.csv"
    if summary.exists():
        _assert_summary_equal(summary, ref / "summary.csv")


def _assert_summary_equal(got: Path, ref: Path) -> None:
    drop = ["resumed", "folder"]
    a = pd.read_csv(got).drop(columns=drop, errors="ignore")
    b = pd.read_csv(ref).drop(columns=drop, errors="ignore")
    pd.testing.assert_frame_equal(a, b)


def _wait_for_file(path: Path, proc: subprocess.Popen[bytes], logs: Path) -> None:
    """Wait until the gate's marker exists (the child is paused at the gate)."""
    end = time.monotonic() + 120.0
    while not path.exists():
        assert proc.poll() is None, (
            f"child ended (rc {proc.returncode}) before the gate:\n{_stderr(logs)}"
        )
        assert time.monotonic() < end, "the gate was never reached"
        time.sleep(0.01)


def _interrupted_cleanly(proc: subprocess.Popen[bytes], logs: Path) -> None:
    """A Ctrl-C: exit code 130, a plain message, no traceback, no temp file left."""
    assert proc.returncode == 130, (proc.returncode, _stderr(logs))
    err = _stderr(logs)
    assert "interrupted" in err and "rerun" in err, err
    assert "Traceback" not in err, err


# Each moment: (label, gate, signal, check of the output right after the interruption).
# The gate pauses the child at a known point, so the test does not depend on machine speed.
def _after_sigint_in_first_solve(out: Path) -> None:
    assert not _complete(out / "alfa") and not (out / "beta").exists()
    assert not (out / "summary.csv").exists()
    assert not list(out.rglob("*.tmp"))  # an exception cleans up its temp files


def _after_sigkill_before_rename(out: Path) -> None:
    assert _complete(out / "alfa")  # the first scenario finished before the kill
    beta = out / "beta"
    assert (beta / "comparison.csv").is_file()  # written before the kill
    assert not (beta / "routes.csv").exists()  # complete bytes, but only under a temp name
    assert [p.name for p in beta.glob(".routes.csv.*.tmp")], list(beta.iterdir())
    assert not _complete(beta) and not (out / "summary.csv").exists()


def _after_sigint_in_second_scenario(out: Path) -> None:
    assert _complete(out / "alfa") and not _complete(out / "beta")
    assert not (out / "summary.csv").exists()
    # only the temp file the earlier SIGKILL left behind
    assert [p.parent.name for p in out.rglob("*.tmp")] == ["beta"]


def _after_sigkill_before_summary(out: Path) -> None:
    assert _complete(out / "alfa") and _complete(out / "beta")
    assert not (out / "summary.csv").exists()
    assert [p.name for p in out.glob(".summary.csv.*.tmp")]


MOMENTS: list[tuple[str, str, signal.Signals, Callable[[Path], None]]] = [
    # Ctrl-C inside the first routing solve of the first scenario
    ("sigint-in-first-solve", "solve", signal.SIGINT, _after_sigint_in_first_solve),
    # kill -9 after the first scenario, while the second writes routes.csv (before rename)
    (
        "sigkill-before-rename",
        "replace:beta/routes.csv",
        signal.SIGKILL,
        _after_sigkill_before_rename,
    ),
    # Ctrl-C again: alfa is complete and skipped, so the first solve belongs to beta
    ("sigint-in-second-scenario", "solve", signal.SIGINT, _after_sigint_in_second_scenario),
    # kill -9 when every scenario is done and summary.csv is about to be renamed
    (
        "sigkill-before-summary",
        "replace:summary.csv",
        signal.SIGKILL,
        _after_sigkill_before_summary,
    ),
]


@pytest.mark.slow
def test_killed_compare_resumes_to_identical_results(
    setup: tuple[list[str], dict[str, str], Path], tmp_path: Path
) -> None:
    paths, env, ref = setup
    out = tmp_path / "out"
    args = ["--quiet", "compare", *paths, "--out", str(out)]
    for label, gate, sig, check in MOMENTS:
        logs = tmp_path / label
        proc, marker = _cli(args, env, logs, gate=gate)
        _wait_for_file(marker, proc, logs)
        os.killpg(proc.pid, sig)  # like Ctrl-C / kill -9 of the whole process group
        proc.wait(timeout=120)
        if sig == signal.SIGINT:
            _interrupted_cleanly(proc, logs)
        else:
            assert proc.returncode == -signal.SIGKILL, (label, proc.returncode)
        check(out)
        _check_no_false_completeness(out, ref)
    # the final rerun resumes both scenarios and equals the uninterrupted run
    logs = tmp_path / "final"
    proc, _ = _cli(args, env, logs)
    assert proc.wait(timeout=300) == 0, _stderr(logs)
    for name in SCENARIOS:
        assert _complete(out / name)
        for f in STABLE:
            assert (out / name / f).read_bytes() == (ref / name / f).read_bytes(), (name, f)
        got = json.loads((out / name / "manifest.json").read_text(encoding="utf-8"))
        exp = json.loads((ref / name / "manifest.json").read_text(encoding="utf-8"))
        assert got == exp
    summary = pd.read_csv(out / "summary.csv")
    assert summary["resumed"].astype(bool).all(), summary[["scenario", "resumed"]]
    assert set(summary["scenario"]) == set(SCENARIOS)
    _assert_summary_equal(out / "summary.csv", ref / "summary.csv")
    # SIGKILL leaves hidden temp files behind (a known limit); never under a final name
    assert all(p.name.startswith(".") for p in out.rglob("*.tmp"))


@pytest.mark.parametrize("part", ["graph", "sidecar"])
@pytest.mark.parametrize(
    "damage",
    ["truncate", "garbage", "empty", "flip"],
)
def test_corrupt_network_cache_is_rebuilt_with_warning(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    damage: str,
    part: str,
) -> None:
    from maltid.network import build_network

    osm = tmp_path / "roads.osm"
    osm.write_text(h.osm_xml(), encoding="utf-8")
    cache = tmp_path / "cache"
    monkeypatch.setenv("MALTID_CACHE_DIR", str(cache))
    first = build_network(osm=osm)
    # an entry is a data file of the graph and its JSON sidecar (data only, no pickle)
    entries = sorted(p for p in cache.rglob("*") if p.is_file())
    assert len(entries) == 2 and entries[0].stem == entries[1].stem, entries
    assert ".json" in {p.suffix for p in entries} and ".pkl" not in {p.suffix for p in entries}
    (entry,) = [p for p in entries if (p.suffix == ".json") == (part == "sidecar")]
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


def test_corrupt_cache_entries_do_not_change_a_comparison(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """End to end: every cache entry (network and travel matrix) damaged between two
    ``compare`` runs -> warnings naming the rebuild, and the same comparison table."""
    from maltid.pipeline import compare
    from maltid.scenario import load_scenario

    # solver cap 5 s: stopped by its solution limit first, so the plan is reproducible
    data = h.scenario_dict(models=[{"kind": "central_chilled"}])
    toml = h.write_scenario(tmp_path / "in", data=data)
    cache = tmp_path / "cache"
    monkeypatch.setenv("MALTID_CACHE_DIR", str(cache))
    first = compare(load_scenario(toml))
    entries = sorted(p for p in cache.rglob("*") if p.is_file())
    names = [p.name for p in entries]
    assert any(n.startswith("network-") for n in names), names
    assert any(n.startswith("matrix-") for n in names), names
    for p in entries:
        p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3])
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="maltid"):
        second = compare(load_scenario(toml))
    text = caplog.text
    assert "cache" in text and "rebuild" in text, text
    assert text.count("rebuild") >= 2, text  # the network entry and the matrix entry
    pd.testing.assert_frame_equal(second.table, first.table)

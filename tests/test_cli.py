"""The ``maltid`` console script, run through the installed entry point (subprocess)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MALTID = shutil.which("maltid")
pytestmark = pytest.mark.skipif(MALTID is None, reason="maltid is not installed (pip install -e .)")


def run(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    assert MALTID is not None
    return subprocess.run(
        [MALTID, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run ``maltid demo`` once for the module; every output file is checked below."""
    out = tmp_path_factory.mktemp("cli") / "demo"
    proc = run("--quiet", "demo", "--out", str(out), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    return out


def test_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    import maltid

    assert proc.stdout.strip() == f"maltid {maltid.__version__}"


@pytest.mark.parametrize(
    "cmd", [[], ["demo"], ["validate"], ["compare"], ["report"], ["sweep"], ["network", "build"]]
)
def test_help_has_example(cmd: list[str]) -> None:
    proc = run(*cmd, "--help")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "maltid" in text
    if cmd and cmd != ["network"]:
        assert "Example" in text


def test_demo_writes_everything(demo_dir: Path) -> None:
    for name in (
        "scenario.toml",
        "recipients.csv",
        "demo.osm",
        "comparison.csv",
        "routes.csv",
        "routes.geojson",
        "map.html",
        "report.html",
        "manifest.json",
    ):
        assert (demo_dir / name).is_file(), name
    with open(demo_dir / "comparison.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kinds = {r["model"] for r in rows}
    assert {"central_daily_hot", "central_chilled", "local_kitchens", "optimised_mix"} <= kinds
    geo = json.loads((demo_dir / "routes.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection" and geo["features"]
    # No temporary files left behind by the atomic writer.
    assert not list(demo_dir.glob(".*.tmp"))
    report = (demo_dir / "report.html").read_text(encoding="utf-8")
    assert "synthetic" in report.lower()
    # the optimised mix's decision: every candidate kitchen, opened or not, with the
    # routed cost of flipping it
    siting = report.split('<section id="siting"', 1)[1].split("</section>", 1)[0]
    assert "Campingköket" in siting or "Camping" in siting
    assert siting.count("<tr") >= 1 + 3  # header + the demo's three candidate kitchens
    assert "comparison.json" in {p.name for p in demo_dir.iterdir()}


def test_compare_prints_every_weekly_total_in_100_columns(demo_dir: Path, tmp_path: Path) -> None:
    work = tmp_path / "in"
    work.mkdir()
    for name in ("scenario.toml", "recipients.csv", "demo.osm"):
        shutil.copy(demo_dir / name, work / name)
    proc = run("compare", str(work / "scenario.toml"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "out" / "scenario" / "comparison.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    lines = proc.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    for row in rows:
        total = f"{float(row['total_cost_sek_per_week']):,.0f}"
        yearly = f"{52 * float(row['total_cost_sek_per_week']):,.0f}"
        line = next(line for line in lines if line.strip().startswith(row["model"][:16]))
        assert total in line and yearly in line, (row["model"], line)
    # without a terminal, progress is logged per stage on stderr, never on stdout
    assert "scenarios ..." in proc.stderr and "scenarios ..." not in proc.stdout


def test_report_rebuilds_from_saved_results(demo_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(demo_dir, folder)
    (folder / "report.html").unlink()
    (folder / "map.html").unlink()
    table = (folder / "comparison.csv").read_bytes()
    proc = run("report", str(folder), "--lang", "sv")
    assert proc.returncode == 0, proc.stderr
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert 'id="conclusion"' in page and "Sammanfattning" in page
    assert 'id="procurement"' in page and "Funktionskrav" in page
    assert (folder / "map.html").is_file()
    assert (folder / "comparison.csv").read_bytes() == table  # nothing re-solved or rewritten
    missing = run("report", str(tmp_path / "nothing-here"))
    assert missing.returncode == 2 and "comparison.json" in missing.stderr


def test_validate_ok(demo_dir: Path) -> None:
    proc = run("validate", str(demo_dir / "scenario.toml"))
    assert proc.returncode == 0, proc.stderr
    assert "OK" in proc.stdout and "recipients" in proc.stdout


def test_validate_bad_input_lists_every_problem(demo_dir: Path, tmp_path: Path) -> None:
    import tomllib

    import tomli_w

    data = tomllib.loads((demo_dir / "scenario.toml").read_text(encoding="utf-8"))
    data["fleet"]["cost_per_kn_sek"] = data["fleet"].pop("cost_per_km_sek")  # a typo
    data["delivery"]["lunch_window"] = list(reversed(data["delivery"]["lunch_window"]))
    bad = tmp_path / "bad.toml"
    bad.write_text(tomli_w.dumps(data), encoding="utf-8")
    for name in ("recipients.csv", "demo.osm"):
        shutil.copy(demo_dir / name, tmp_path / name)
    proc = run("validate", "--no-network", str(bad))
    assert proc.returncode == 2
    assert "cost_per_kn_sek" in proc.stderr
    assert "lunch_window" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_validate_kitchen_far_from_road_exits_2(demo_dir: Path, tmp_path: Path) -> None:
    """``validate`` runs the network-reach check: a kitchen beyond snap_warn_m is bad input."""
    text = (demo_dir / "scenario.toml").read_text(encoding="utf-8")
    assert "[network]" in text
    text = text.replace("[network]", "[network]\nsnap_warn_m = 0.001", 1)
    bad = tmp_path / "far.toml"
    bad.write_text(text, encoding="utf-8")
    for name in ("recipients.csv", "demo.osm"):
        shutil.copy(demo_dir / name, tmp_path / name)
    proc = run("validate", str(bad))
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "from the nearest drivable road" in proc.stderr and "kitchen" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_validate_missing_file(tmp_path: Path) -> None:
    proc = run("validate", str(tmp_path / "nope.toml"))
    assert proc.returncode == 2
    assert "nope.toml" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_compare_resume_and_summary(demo_dir: Path, tmp_path: Path) -> None:
    work = tmp_path / "in"
    work.mkdir()
    for name in ("scenario.toml", "recipients.csv", "demo.osm"):
        shutil.copy(demo_dir / name, work / name)
    out = tmp_path / "out"
    first = run("--quiet", "compare", str(work / "scenario.toml"), "--out", str(out))
    assert first.returncode == 0, first.stderr
    folder = out / "scenario"
    for name in ("comparison.csv", "routes.csv", "routes.geojson", "map.html", "report.html"):
        assert (folder / name).is_file()
    summary_1 = (out / "summary.csv").read_text(encoding="utf-8")
    table_1 = (folder / "comparison.csv").read_bytes()
    # Rerun: resumes (skips the complete folder) and gives identical results.
    second = run("--quiet", "compare", str(work / "scenario.toml"), "--out", str(out))
    assert second.returncode == 0, second.stderr
    assert (folder / "comparison.csv").read_bytes() == table_1
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["resumed"] == "True" for r in rows)
    assert summary_1.splitlines()[0] == (out / "summary.csv").read_text().splitlines()[0]


def test_compare_one_bad_scenario_does_not_stop_the_batch(demo_dir: Path, tmp_path: Path) -> None:
    work = tmp_path / "in"
    work.mkdir()
    for name in ("scenario.toml", "recipients.csv", "demo.osm"):
        shutil.copy(demo_dir / name, work / name)
    broken = work / "broken.toml"
    broken.write_text("name = 'x'\nseed = [\n", encoding="utf-8")  # TOML syntax error
    out = tmp_path / "out"
    proc = run("--quiet", "compare", str(broken), str(work / "scenario.toml"), "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "broken" in proc.stderr
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    statuses = {r["scenario"]: r["status"] for r in rows}
    assert statuses["broken"] == "bad_input"
    assert statuses["scenario"] == "ok"
    assert (out / "scenario" / "manifest.json").is_file()
    assert not (out / "broken" / "manifest.json").exists()


def test_compare_failure_exit_code_1(demo_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should go", encoding="utf-8")
    proc = run("--quiet", "compare", str(demo_dir / "scenario.toml"), "--out", str(blocker))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr


def test_bad_lang_is_bad_input(demo_dir: Path, tmp_path: Path) -> None:
    proc = run("compare", str(demo_dir / "scenario.toml"), "--out", str(tmp_path), "--lang", "de")
    assert proc.returncode == 2
    assert "--lang" in proc.stderr


def test_network_build(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "bautzen.graphml"
    proc = run(
        "network", "build", "--osm", str(shared_data / "osm" / "bautzen.osm"), "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and out.stat().st_size > 1000
    assert "nodes" in proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["network", "build", "--out", "x.graphml"],  # no source
        ["network", "build", "--bbox", "1,2,3", "--out", "x.graphml"],  # three numbers
        ["network", "build", "--osm", "missing.osm", "--out", "x.graphml"],
        ["no-such-command"],
    ],
)
def test_bad_arguments_exit_2(args: list[str], tmp_path: Path) -> None:
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr


def test_python_dash_m_is_not_required() -> None:
    # The console script and the module agree on the version.
    proc = subprocess.run(
        [sys.executable, "-c", "import maltid; print(maltid.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run("--version").stdout.strip().endswith(proc.stdout.strip())

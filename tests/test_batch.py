"""Tests of maltid.faces.batch through the installed CLI: serial vs a real dask cluster.

A real ``dask.distributed.LocalCluster`` (2 worker processes, 1 thread each) is started
here and ``maltid compare ... --scheduler tcp://...`` / ``maltid sweep ... --scheduler``
run against it in a subprocess (the installed entry point), next to a serial run.

Identity: ``summary.csv`` and every ``comparison.csv`` / ``routes.csv`` are compared
BYTE for byte. That holds because routing stops on a machine-independent solution count
(the 60 s time limit is only a safety cap, never reached by these 12-recipient
scenarios), every solve is seeded, the travel matrix is read from the same cache, and the
summary's ``folder`` column is relative to the output folder. A resumed rerun differs
only in its ``resumed`` column (True), which is compared separately.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import tomli_w

MALTID = shutil.which("maltid")
pytestmark = [
    pytest.mark.skipif(MALTID is None, reason="maltid is not installed (pip install -e .)"),
    pytest.mark.slow,  # about 60 s on 2 cores: a dask cluster and 10 small comparisons
]

#: What every batch scenario sets on top of the demo scenario (as TOML data).
SCENARIO_CHANGES: dict[str, Any] = {
    "solver": {"time_limit_s": 60},
    "analysis": {"break_even": [], "sensitivity": False},
    "models": [
        {"kind": "central_daily_hot", "days_per_week": 7},
        {"kind": "central_chilled", "deliveries_per_week": 1},
    ],
}

OUTPUTS = ("comparison.csv", "routes.csv")


def _maltid(*args: str | Path, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert MALTID is not None
    return subprocess.run(
        [MALTID, *(str(a) for a in args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Scenario files, a LocalCluster, and the serial, distributed and resumed runs."""
    from dask.distributed import LocalCluster

    import maltid

    base = tmp_path_factory.mktemp("batch")
    demo = maltid.write_demo(base / "demo", n_recipients=12, n_candidate_kitchens=2)
    data = {**tomllib.loads(demo.read_text(encoding="utf-8")), **SCENARIO_CHANGES}
    assert data["fleet"]["cost_per_km_sek"] == 2.5
    for name, km_cost in (("a", 2.5), ("b", 3.5), ("bad", -1.0)):
        variant = {**data, "fleet": {**data["fleet"], "cost_per_km_sek": km_cost}}
        (demo.parent / f"{name}.toml").write_text(tomli_w.dumps(variant), encoding="utf-8")
    files = ("a", "b", "bad")
    scenarios = [demo.parent / f"{n}.toml" for n in files]
    cache = base / "cache"
    env = {**os.environ, "MALTID_CACHE_DIR": str(cache), "PYTHONHASHSEED": "0"}

    serial = _maltid("compare", *scenarios, "--out", "serial", "--lang", "en", env=env, cwd=base)
    cached = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MALTID_CACHE_DIR", str(cache))  # the workers inherit it
        with LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster:
            address = cluster.scheduler_address
            dist = _maltid(
                "compare", *scenarios, "--out", "dist", "--lang", "en",
                "--scheduler", address, env=env, cwd=base,
            )  # fmt: skip
            dist_summary = (base / "dist" / "summary.csv").read_bytes()  # before the rerun
            outputs = {
                (s, f): (base / "dist" / s / f).stat().st_mtime_ns
                for s in ("a", "b")
                for f in (*OUTPUTS, "manifest.json")
            }
            again = _maltid(
                "compare", *scenarios, "--out", "dist", "--lang", "en",
                "--scheduler", address, env=env, cwd=base,
            )  # fmt: skip
            sweep = _maltid(
                "sweep", scenarios[0], "--out", "sweep", "--lang", "en",
                "--param", "fleet.cost_per_km_sek=2:2.5:0.5",
                "--param", "fleet.driver_cost_per_hour_sek=300,400",
                "--scheduler", address, env=env, cwd=base,
            )  # fmt: skip
    yield {
        "base": base,
        "cache": cache,
        "cached": cached,
        "serial": serial,
        "dist": dist,
        "again": again,
        "sweep": sweep,
        "outputs_mtime": outputs,
        "dist_summary": dist_summary,
    }


def _summary(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "summary.csv")


def test_distributed_run_equals_serial_run(batch: dict[str, Any]) -> None:
    base = batch["base"]
    for run in ("serial", "dist"):
        proc = batch[run]
        # a bad scenario makes the exit code 2 (bad input) but the others complete
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "bad: bad_input" in proc.stderr
    serial_bytes = (base / "serial" / "summary.csv").read_bytes()
    assert serial_bytes == batch["dist_summary"]
    for name in ("a", "b"):
        for file in OUTPUTS:
            assert (base / "serial" / name / file).read_bytes() == (
                base / "dist" / name / file
            ).read_bytes(), f"{name}/{file} differs between the serial and the dask run"
    summary = _summary(base / "serial")
    assert not summary["resumed"].any()
    ok = summary[summary["status"] == "ok"]
    assert list(ok["scenario"]) == ["a", "a", "b", "b"]
    assert list(ok["model"]) == ["central_daily_hot", "central_chilled"] * 2
    assert (ok["recipients_served"] == 12).all()
    # the fuel price matters: b (3.5 SEK/km) costs more per km driven than a (2.5)
    a = ok[ok["scenario"] == "a"].set_index("model")
    b = ok[ok["scenario"] == "b"].set_index("model")
    rate_a = a["vehicle_km_cost_sek_per_week"] / a["vehicle_km_per_week"]
    rate_b = b["vehicle_km_cost_sek_per_week"] / b["vehicle_km_per_week"]
    assert rate_a.round(6).tolist() == [2.5, 2.5] and rate_b.round(6).tolist() == [3.5, 3.5]


def test_bad_scenario_is_reported_and_the_rest_complete(batch: dict[str, Any]) -> None:
    base = batch["base"]
    summary = _summary(base / "dist")
    bad = summary[summary["scenario"] == "bad"]
    assert len(bad) == 1 and bad["status"].item() == "bad_input"
    error = bad["error"].item()
    assert "bad.toml" in error and "fleet.cost_per_km_sek" in error and "fix:" in error
    assert not (base / "dist" / "bad" / "manifest.json").exists()
    for name in ("a", "b"):
        assert (base / "dist" / name / "manifest.json").is_file()


def test_network_and_matrix_are_built_once_and_shared(batch: dict[str, Any]) -> None:
    cache: Path = batch["cache"]
    # a and b share the region and the points: one network (a graph data file + its JSON
    # sidecar, no pickle) and one matrix in the cache
    network_files = sorted(cache.glob("network-*"))
    assert len(network_files) == 2 and {p.suffix for p in network_files} >= {".json"}
    assert not list(cache.glob("*.pkl"))
    assert len(list(cache.glob("matrix-*.npz"))) == 1
    # the distributed runs read them and never rebuilt (rewrote) them
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == batch["cached"]


def test_rerun_resumes_and_gives_identical_results(batch: dict[str, Any]) -> None:
    base = batch["base"]
    assert batch["again"].returncode == 2
    for (name, file), mtime in batch["outputs_mtime"].items():
        assert (base / "dist" / name / file).stat().st_mtime_ns == mtime, f"{name}/{file}"
    summary = _summary(base / "dist")
    serial = _summary(base / "serial")
    ok = summary["status"] == "ok"
    assert summary.loc[ok, "resumed"].tolist() == [True] * 4
    assert summary.loc[~ok, "resumed"].tolist() == [False]  # bad input is re-checked
    # identical apart from the resumed flag, value for value (floats read back exactly)
    pd.testing.assert_frame_equal(
        summary.drop(columns="resumed"), serial.drop(columns="resumed"), check_exact=True
    )


def test_sweep_writes_a_row_per_variant_and_model(batch: dict[str, Any]) -> None:
    proc = batch["sweep"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = _summary(batch["base"] / "sweep")
    assert len(summary) == 4 * 2 and (summary["status"] == "ok").all()
    variants = summary[["fleet.cost_per_km_sek", "fleet.driver_cost_per_hour_sek"]]
    assert sorted(set(map(tuple, variants.to_numpy().tolist()))) == [
        (2.0, 300.0),
        (2.0, 400.0),
        (2.5, 300.0),
        (2.5, 400.0),
    ]
    assert (
        summary.groupby("scenario")["model"].apply(sorted).tolist()
        == [["central_chilled", "central_daily_hot"]] * 4
    )
    for _, row in summary.iterrows():
        folder = batch["base"] / "sweep" / row["folder"]
        assert (folder / "manifest.json").is_file()
        rate = row["vehicle_km_cost_sek_per_week"] / row["vehicle_km_per_week"]
        assert rate == pytest.approx(row["fleet.cost_per_km_sek"])
    # a higher driver wage can only raise the weekly driver cost per hour driven
    hot = summary[summary["model"] == "central_daily_hot"]
    per_hour = hot["driver_cost_sek_per_week"] / hot["driver_hours_per_week"]
    assert per_hour.round(6).tolist() == hot["fleet.driver_cost_per_hour_sek"].tolist()


def test_unreachable_scheduler_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import maltid.faces.batch
    from maltid.errors import InputError
    from maltid.faces.batch import run_batch

    monkeypatch.setattr(maltid.faces.batch, "_CONNECT_TIMEOUT_S", 2.0)

    with pytest.raises(InputError, match="cannot connect to a dask scheduler"):
        run_batch([tmp_path / "x.toml"], tmp_path / "out", scheduler="tcp://127.0.0.1:1")

"""Batch benchmark: serial against a 2-worker dask cluster, and a county-scale run.

1. ``--variants`` (default 40) variants of the demo scenario (a sweep over the fuel cost and
   the camping kitchen's cost per meal) are compared serially and then on a dask
   LocalCluster with 2 worker processes, in the same process; the ratio is printed.
   Target: >= 1.7x.
2. A county-scale run: the demo generator scaled to 2,000 recipients and 8 candidate local
   kitchens, ``optimised_mix`` (and its baseline), printing wall time and peak RSS per stage
   (network, matrix, siting, routing, report). Targets: under 15 minutes on 2 cores, peak
   RSS under 4 GB.

Last line: ``batch_speedup=<x> county_wall_s=<s> county_peak_rss_mb=<m>``.

Run:  python benchmarks/bench_batch.py [--variants 40] [--recipients 2000] [--skip-county]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the peak of this process so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _light(scenario, *, time_limit_s: float):
    """The demo scenario without break-even and sensitivity, for the throughput test."""
    s = scenario.with_value("solver.time_limit_s", time_limit_s)
    s = s.with_value("analysis.sensitivity", False)
    return s.with_value("analysis.break_even", ())


def bench_speedup(n_variants: int, time_limit_s: float, work: Path) -> float:
    import maltid
    from maltid.batch import ParamGrid, _execute, _Job, expand_grid

    scenario_path = maltid.write_demo(work / "demo", seed=1, overwrite=True)
    base = _light(maltid.load_scenario(scenario_path), time_limit_s=time_limit_s)
    n_fuel = max(1, n_variants // 4)
    n_meal = -(-n_variants // n_fuel)
    grids = [
        ParamGrid("fleet.cost_per_km_sek", tuple(2.0 + 0.25 * i for i in range(n_fuel))),
        ParamGrid("kitchens.camping.cost_per_meal_sek", tuple(60.0 + 2 * i for i in range(n_meal))),
    ]
    variants = expand_grid(base, grids)[:n_variants]
    jobs = [_Job(key=k, path=None, scenario=v, variant=p) for k, v, p in variants]
    print(f"{len(jobs)} demo variants, routing time limit {time_limit_s} s per solve")

    t0 = time.perf_counter()
    serial = _execute(
        jobs, work / "serial", lang="en", show_recipients=False, force=True,
        workers=1, scheduler=None, progress=None,
    )
    t_serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    parallel = _execute(
        jobs, work / "parallel", lang="en", show_recipients=False, force=True,
        workers=2, scheduler=None, progress=None,
    )
    t_parallel = time.perf_counter() - t0
    cols = [c for c in serial.columns if c not in ("folder", "resumed")]
    same = serial[cols].equals(parallel[cols])
    speedup = t_serial / t_parallel
    print(f"serial   : {t_serial:8.1f} s  ({t_serial / len(jobs):.2f} s per variant)")
    print(f"2 workers: {t_parallel:8.1f} s  speedup {speedup:.2f}x  identical results: {same}")
    return speedup


def bench_county(n_recipients: int, n_kitchens: int, time_limit_s: float, work: Path):
    import maltid
    from maltid.comparison import compare
    from maltid.export import write_outputs

    stages: list[tuple[str, float, float]] = []
    t_start = time.perf_counter()
    last = [t_start, None]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if last[1] != stage:
            if last[1] is not None:
                stages.append((str(last[1]), now - last[0], _rss_mb()))
            last[0], last[1] = now, stage

    t0 = time.perf_counter()
    path = maltid.write_demo(
        work / "county", seed=7, n_recipients=n_recipients,
        n_candidate_kitchens=n_kitchens, overwrite=True,
    )
    scenario = maltid.load_scenario(path)
    scenario = scenario.with_value("solver.time_limit_s", time_limit_s)
    scenario = scenario.with_value("analysis.sensitivity", False)
    scenario = scenario.with_value("analysis.break_even", ())
    stages.append(("generate", time.perf_counter() - t0, _rss_mb()))
    keep = [m for m in scenario.models if m.kind in ("optimised_mix", "central_daily_hot")]
    scenario = scenario.model_copy(update={"models": tuple(keep), "baseline": keep[0].name})
    last[0] = time.perf_counter()
    comparison = compare(scenario, progress=progress)
    now = time.perf_counter()
    if last[1] is not None:
        stages.append((str(last[1]), now - last[0], _rss_mb()))
    t0 = time.perf_counter()
    write_outputs(comparison, work / "county-out", lang="en")
    stages.append(("report", time.perf_counter() - t0, _rss_mb()))
    wall = time.perf_counter() - t_start
    print(f"county scale: {n_recipients} recipients, {n_kitchens} candidate local kitchens")
    print(f"{'stage':<28}{'wall s':>10}{'peak RSS MB':>14}")
    for name, secs, rss in stages:
        print(f"{name:<28}{secs:>10.1f}{rss:>14.0f}")
    print(comparison.table[["model", "total_cost_sek_per_week", "recipients_served",
                            "recipients_unserved"]].to_string(index=False))
    return wall, _rss_mb()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=40)
    ap.add_argument("--time-limit", type=float, default=1.0, help="routing s per solve (sweep)")
    ap.add_argument("--recipients", type=int, default=2000)
    ap.add_argument("--kitchens", type=int, default=8)
    ap.add_argument("--county-time-limit", type=float, default=30.0)
    ap.add_argument("--skip-county", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ.setdefault("MALTID_CACHE_DIR", str(work / "cache"))
        speedup = bench_speedup(args.variants, args.time_limit, work)
        wall, rss = (float("nan"), float("nan"))
        if not args.skip_county:
            wall, rss = bench_county(args.recipients, args.kitchens, args.county_time_limit, work)
    print(f"batch_speedup={speedup:.2f} county_wall_s={wall:.1f} county_peak_rss_mb={rss:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Batch benchmark: serial against a 2-worker dask cluster, and a county-scale run.

1. ``--variants`` (default 40) variants of the demo scenario (a sweep over the fuel cost
   and the camping kitchen's cost per meal; no break-even, no sensitivity) are compared
   serially and then on a dask LocalCluster with 2 worker processes, in the same process;
   the ratio is printed, and whether both runs gave value-identical summaries.
   Target: >= 1.7x.
2. A county-scale run: the demo generator scaled to 2,000 recipients and 8 candidate local
   kitchens (fleets sized by the plan, the default backend), ``optimised_mix`` and its
   baseline ``central_daily_hot``, routed in ``--workers`` processes (default: the
   machine's cores), printing wall time and RSS per stage (network, matrix, siting,
   routing, report). Targets: at most 120 s on 2 cores, no recipient dropped for vans or
   by the decomposition, peak RSS under 4 GB.

RSS columns: ``RSS MB`` is the resident set at the end of the stage, ``peak MB`` the peak
of this process so far (``ru_maxrss``, monotone; worker processes not included). Siting
and routing are timed by wrapping ``maltid.siting.solve_siting``, the parallel routing
passes (``maltid.models.assemble.prefetch``: kitchen-days routed in ``--workers``
processes), ``optimised_mix``'s rounds of flips (``maltid.models.mix.map_forked``: each
flip's siting, routing and plan in a worker; their MIPs are not in the siting row) and
the solves made in this process (``maltid.routing.solve``); they
interleave inside the ``models`` stage of :func:`maltid.pipeline.compare`; ``models
(rest)`` is the remainder.

Last line: ``batch_speedup=<x> county_wall_s=<s> county_peak_rss_mb=<m>
county_capacity_drops=<n>`` (recipients left out of their own rounds for lack of vans,
who get the fallback's chilled boxes instead).

Run:  python benchmarks/bench_batch.py [--variants 40] [--demo-recipients 150]
      [--time-limit S] [--recipients 2000] [--kitchens 8] [--county-time-limit S]
      [--mix-max-evaluations N] [--workers N] [--skip-speedup] [--skip-county]

``--time-limit``/``--county-time-limit`` override the scenario's routing time cap per
solve (s). Routing stops on a machine-independent solution count; the cap is a safety
net, and when it is hit results may differ between runs (the summary check says so).
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the peak of this process so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return float(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def _light(scenario: Any, *, time_limit_s: float | None) -> Any:
    """The scenario without break-even and sensitivity (and a routing time cap)."""
    s = scenario
    if time_limit_s is not None:
        s = s.with_value("solver.time_limit_s", time_limit_s)
    s = s.with_value("analysis.sensitivity", False)
    return s.with_value("analysis.break_even", [])


def bench_speedup(
    n_variants: int, time_limit_s: float | None, demo_recipients: int, work: Path
) -> float:
    import maltid
    from maltid.faces.batch import ParamGrid, _execute, _Job, expand_grid

    scenario_path = maltid.write_demo(
        work / "demo", seed=1, n_recipients=demo_recipients, overwrite=True
    )
    base = _light(maltid.load_scenario(scenario_path), time_limit_s=time_limit_s)
    n_fuel = max(1, n_variants // 4)
    n_meal = -(-n_variants // n_fuel)
    grids = [
        ParamGrid("fleet.cost_per_km_sek", tuple(2.0 + 0.25 * i for i in range(n_fuel))),
        ParamGrid("kitchens.camping.cost_per_meal_sek", tuple(60.0 + 2 * i for i in range(n_meal))),
    ]
    variants = expand_grid(base, grids)[:n_variants]
    jobs = [_Job(key=k, path=None, scenario=v, variant=p) for k, v, p in variants]
    print(
        f"{len(jobs)} variants of the demo ({demo_recipients} recipients), routing time cap "
        f"{base.solver.time_limit_s} s per solve",
        flush=True,
    )

    t0 = time.perf_counter()
    serial = _execute(
        jobs,
        work / "serial",
        lang="en",
        show_recipients=False,
        force=True,
        workers=1,
        scheduler=None,
        progress=None,
    )
    t_serial = time.perf_counter() - t0
    print(f"serial   : {t_serial:8.1f} s  ({t_serial / len(jobs):.2f} s per variant)", flush=True)
    t0 = time.perf_counter()
    parallel = _execute(
        jobs,
        work / "parallel",
        lang="en",
        show_recipients=False,
        force=True,
        workers=2,
        scheduler=None,
        progress=None,
    )
    t_parallel = time.perf_counter() - t0
    cols = [c for c in serial.columns if c not in ("folder", "resumed")]
    same = serial[cols].equals(parallel[cols])
    ok = int((serial["status"] == "ok").sum())
    speedup = t_serial / t_parallel
    print(
        f"2 workers: {t_parallel:8.1f} s  speedup {speedup:.2f}x  "
        f"value-identical summaries: {same}  ({ok} ok rows of {len(serial)})",
        flush=True,
    )
    return speedup


class _Timer:
    """Accumulate the wall time (s) of calls to a function, and the RSS after them."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self.rss_mb = 0.0
        self.peak_mb = 0.0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t0
                self.calls += 1
                self.rss_mb = max(self.rss_mb, _rss_mb())
                self.peak_mb = _peak_rss_mb()

        return timed


def bench_county(
    n_recipients: int,
    n_kitchens: int,
    time_limit_s: float | None,
    work: Path,
    *,
    mix_max_evaluations: int | None = None,
    workers: int = 1,
) -> tuple[float, float, int]:
    import maltid
    import maltid.routing
    import maltid.siting
    from maltid.faces.export import write_outputs
    from maltid.models.dispatch import SHORT_OF_VANS
    from maltid.pipeline import compare

    # (stage, wall s, RSS MB at its end, peak MB so far)
    stages: list[tuple[str, float, float, float]] = []
    t_start = time.perf_counter()
    state: dict[str, Any] = {"t": t_start, "stage": None}

    def close_stage(now: float) -> None:
        if state["stage"] is not None:
            stages.append((str(state["stage"]), now - state["t"], _rss_mb(), _peak_rss_mb()))

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if state["stage"] != stage:
            close_stage(now)
            state["t"], state["stage"] = now, stage
            print(f"  [{now - t_start:7.1f} s] {stage} ...", flush=True)

    t0 = time.perf_counter()
    path = maltid.write_demo(
        work / "county",
        seed=7,
        n_recipients=n_recipients,
        n_candidate_kitchens=n_kitchens,
        overwrite=True,
    )
    scenario = _light(maltid.load_scenario(path), time_limit_s=time_limit_s)
    if mix_max_evaluations is not None:
        scenario = scenario.with_value("solver.mix_max_evaluations", mix_max_evaluations)
    scenario = scenario.with_value("solver.workers", workers)
    keep = [m for m in scenario.models if m.kind in ("central_daily_hot", "optimised_mix")]
    scenario = scenario.model_copy(update={"models": tuple(keep), "baseline": keep[0].name})
    stages.append(("generate + load", time.perf_counter() - t0, _rss_mb(), _peak_rss_mb()))
    print(
        f"county scale: {n_recipients} recipients, {n_kitchens} candidate local kitchens, "
        f"models {[m.name for m in keep]}, routing time cap {scenario.solver.time_limit_s} s, "
        f"mix_max_evaluations {scenario.solver.mix_max_evaluations}, "
        f"{scenario.solver.workers} routing worker process(es), backend "
        f"{scenario.solver.backend}",
        flush=True,
    )

    import maltid.models.assemble as assemble_mod
    import maltid.models.mix as mix_mod

    siting_t, routing_t, prefetch_t, flips_t = _Timer(), _Timer(), _Timer(), _Timer()
    orig_siting, orig_solve = maltid.siting.solve_siting, maltid.routing.solve
    orig_prefetch, orig_flips = assemble_mod.prefetch, mix_mod.map_forked
    maltid.siting.solve_siting = siting_t.wrap(orig_siting)  # type: ignore[assignment]
    maltid.routing.solve = routing_t.wrap(orig_solve)  # type: ignore[assignment]
    assemble_mod.prefetch = prefetch_t.wrap(orig_prefetch)  # type: ignore[assignment]
    mix_mod.map_forked = flips_t.wrap(orig_flips)  # type: ignore[assignment]
    try:
        state["t"] = time.perf_counter()
        comparison = compare(scenario, progress=progress)
    finally:
        maltid.siting.solve_siting = orig_siting  # type: ignore[assignment]
        maltid.routing.solve = orig_solve  # type: ignore[assignment]
        assemble_mod.prefetch = orig_prefetch  # type: ignore[assignment]
        mix_mod.map_forked = orig_flips  # type: ignore[assignment]
    close_stage(time.perf_counter())
    t0 = time.perf_counter()
    write_outputs(comparison, work / "county-out", lang="en")
    stages.append(("report", time.perf_counter() - t0, _rss_mb(), _peak_rss_mb()))
    wall = time.perf_counter() - t_start

    rows: list[tuple[str, float, float, float]] = []
    for name, secs, rss, peak in stages:
        if name == "models":
            rows.append(
                (
                    f"  siting ({siting_t.calls} MIP)",
                    siting_t.seconds,
                    siting_t.rss_mb,
                    siting_t.peak_mb,
                )
            )
            rows.append(
                (
                    f"  routing, {prefetch_t.calls} parallel passes",
                    prefetch_t.seconds,
                    prefetch_t.rss_mb,
                    prefetch_t.peak_mb,
                )
            )
            rows.append(
                (
                    f"  mix flips, {flips_t.calls} parallel rounds",
                    flips_t.seconds,
                    flips_t.rss_mb,
                    flips_t.peak_mb,
                )
            )
            rows.append(
                (
                    f"  routing, {routing_t.calls} solves here",
                    routing_t.seconds,
                    routing_t.rss_mb,
                    routing_t.peak_mb,
                )
            )
            rest = secs - siting_t.seconds - routing_t.seconds - prefetch_t.seconds
            rest -= flips_t.seconds
            rows.append(("  models (rest)", rest, rss, peak))
            name = "models (total)"
        rows.append((name, secs, rss, peak))
    print(f"{'stage':<30}{'wall s':>10}{'RSS MB':>10}{'peak MB':>10}")
    for name, secs, rss, peak in rows:
        print(f"{name:<30}{secs:>10.1f}{rss:>10.0f}{peak:>10.0f}")
    m = comparison.matrix
    print(
        f"matrix {m.time_s.shape[0]}x{m.time_s.shape[1]} {m.time_s.dtype}: "
        f"{(m.time_s.nbytes + m.distance_m.nbytes) / 2**20:.0f} MB"
    )
    cols = [
        "model",
        "total_cost_sek_per_week",
        "recipients_served",
        "recipients_fallback",
        "recipients_unserved",
    ]
    print(comparison.table[cols].to_string(index=False))
    print(f"county total wall {wall:.1f} s, peak RSS {_peak_rss_mb():.0f} MB", flush=True)
    drops = len(
        {
            rid
            for res in comparison.results.values()
            for rid, o in res.plan.outcomes.items()
            if o.reason_code in SHORT_OF_VANS
        }
    )
    return wall, _peak_rss_mb(), drops


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--variants", type=int, default=40)
    ap.add_argument("--demo-recipients", type=int, default=150, help="recipients of the demo")
    ap.add_argument(
        "--time-limit", type=float, default=None, help="routing cap s per solve (sweep)"
    )
    ap.add_argument("--recipients", type=int, default=2000)
    ap.add_argument("--kitchens", type=int, default=8)
    ap.add_argument("--county-time-limit", type=float, default=None)
    ap.add_argument("--mix-max-evaluations", type=int, default=None)
    ap.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="routing worker processes of the county run ([solver] workers; default: cores)",
    )
    ap.add_argument("--skip-speedup", action="store_true")
    ap.add_argument("--skip-county", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ.setdefault("MALTID_CACHE_DIR", str(work / "cache"))
        speedup = float("nan")
        if not args.skip_speedup:
            speedup = bench_speedup(args.variants, args.time_limit, args.demo_recipients, work)
        wall, rss, drops = (float("nan"), float("nan"), -1)
        if not args.skip_county:
            wall, rss, drops = bench_county(
                args.recipients,
                args.kitchens,
                args.county_time_limit,
                work,
                mix_max_evaluations=args.mix_max_evaluations,
                workers=args.workers,
            )
    print(
        f"batch_speedup={speedup:.2f} county_wall_s={wall:.1f} county_peak_rss_mb={rss:.0f} "
        f"county_capacity_drops={drops}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

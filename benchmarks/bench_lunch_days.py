"""Backends on the planner's own lunch rounds: the demo's central days, one solve at a time.

The demo municipality (``maltid.write_demo``, seed 1, 150 recipients) is compared with
its central daily hot model only; every routing problem the model solves is captured by
wrapping ``maltid.routing.solve`` (each day's last problem: a sized fleet is solved again with
more vans when its first guess leaves stops out). On each central-kitchen day (hot and not-hot stops
mixed under the 90-min hot-holding limit) the script then solves, in this process:

* ``ortools``: OR-Tools, 200 search solutions (what ``auto`` runs on such a day);
* ``pyvrp``: PyVRP with its release-time copies, default iterations;
* ``pyvrp_hot`` / ``ortools_hot``: the same day with every stop made hot (a
  restriction: PyVRP's exact sink model, and OR-Tools);
* ``auto``: the default backend (must equal ``ortools`` on a mixed day).

Each day gets four vans more than the model sized (an unused van costs nothing), so
that no backend leaves stops out for want of vans. Every plan is checked here
(windows, holding, capacity, shift; 0.5 s tolerance for the solvers' 0.1 s integer
time scale) and its objective (SEK: km, driver hours, van
fixed cost; a dropped stop costs the drop penalty) printed. Last line:
``lunch_pyvrp_vs_ortools_pct=<x> lunch_auto_vs_ortools_pct=<y>``, the mean over the
days of (backend - OR-Tools) / OR-Tools objective.

Run:  python benchmarks/bench_lunch_days.py [--days 3] [--iterations N]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import maltid
import maltid.routing
from maltid.pipeline import compare
from maltid.routing import (
    AutoParams,
    OrToolsParams,
    PyVrpParams,
    RoutingPlan,
    RoutingProblem,
    backend_for,
)

#: Tolerance (s) of the check: the solvers schedule on a 0.1 s integer scale.
TOL_S = 0.5


def capture(work: Path) -> list[RoutingProblem]:
    """The demo's central daily hot model; the central kitchen's day problems, largest first."""
    path = maltid.write_demo(work / "demo", seed=1, overwrite=True)
    sc = maltid.load_scenario(path)
    keep = [m for m in sc.models if m.kind == "central_daily_hot"]
    sc = sc.model_copy(update={"models": tuple(keep), "baseline": keep[0].name})
    seen: list[RoutingProblem] = []
    real = maltid.routing.solve

    def spy(problem: RoutingProblem, params: Any = None) -> RoutingPlan:
        seen.append(problem)
        return real(problem, params)

    maltid.routing.solve = spy  # type: ignore[assignment]
    try:
        compare(
            sc,
            cache_dir=str(work / "cache"),
            break_even=False,
            sensitivity=False,
            robustness=False,
            procurement=False,
        )
    finally:
        maltid.routing.solve = real  # type: ignore[assignment]
    # a sized fleet may be solved again with more vans: keep each day's last problem
    last: dict[tuple[str, ...], RoutingProblem] = {}
    for p in seen:
        if "central" in p.depot_ids.values():
            last[tuple(s.id for s in p.stops)] = p
    return sorted(last.values(), key=lambda p: -len(p.stops))


def check(p: RoutingProblem, plan: RoutingPlan) -> list[str]:
    """Feasibility of every route (s, meals), recomputed from the matrices."""
    stops = {s.id: s for s in p.stops}
    vans = {v.id: v for v in p.vehicles}
    errors: list[str] = []
    for r in plan.routes:
        v = vans[r.vehicle_id]
        prev, t = v.depot_index, r.departure_s
        service = 0.0
        for sid, a in zip(r.stop_ids, r.arrival_s, strict=True):
            s = stops[sid]
            if a < t + service + p.time_s[prev, s.index] - TOL_S:
                errors.append(f"{sid} served before the van can be there")
            if not s.window_start_s - TOL_S <= a <= s.window_end_s + TOL_S:
                errors.append(f"{sid} served outside its window")
            hold = p.max_hot_holding_s
            if s.hot and hold is not None and a - r.departure_s > hold + TOL_S:
                errors.append(f"{sid} held {(a - r.departure_s) / 60:.1f} min")
            prev, t, service = s.index, a, s.service_s
        if r.return_s - r.departure_s > v.max_shift_s + TOL_S:
            errors.append(f"{r.vehicle_id} over its shift")
        if r.load_meals > v.capacity_meals:
            errors.append(f"{r.vehicle_id} over capacity")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--days", type=int, default=3, help="largest central days to solve")
    ap.add_argument("--iterations", type=int, default=None, help="PyVRP iterations")
    args = ap.parse_args(argv)
    ortools = OrToolsParams(solution_limit=200, time_limit_s=120.0)
    pyvrp = PyVrpParams(max_iterations=args.iterations, time_limit_s=600.0)
    with tempfile.TemporaryDirectory() as tmp:
        days = capture(Path(tmp))[: args.days]
    cols = ("ortools", "pyvrp", "pyvrp_hot", "ortools_hot", "auto")
    print(f"{'day':<22}" + "".join(f"{c:>16}" for c in cols))
    gaps: dict[str, list[float]] = {"pyvrp": [], "auto": []}
    for p in days:
        # vans to spare (the model sized the fleet for its own backend; an unused van
        # costs nothing, each used one its fixed cost), so no backend drops for want
        p = dataclasses.replace(
            p,
            vehicles=tuple(
                dataclasses.replace(p.vehicles[0], id=f"van{j + 1}")
                for j in range(len(p.vehicles) + 4)
            ),
        )
        hot = dataclasses.replace(p, stops=tuple(dataclasses.replace(s, hot=True) for s in p.stops))
        runs = {
            "ortools": (p, ortools),
            "pyvrp": (p, pyvrp),
            "pyvrp_hot": (hot, pyvrp),
            "ortools_hot": (hot, ortools),
            "auto": (p, AutoParams(pyvrp=pyvrp, ortools=ortools)),
        }
        cells: list[str] = []
        obj: dict[str, float] = {}
        for name in cols:
            prob, params = runs[name]
            t0 = time.perf_counter()
            plan = maltid.routing.solve(prob, params)
            secs = time.perf_counter() - t0
            errors = check(prob, plan)
            if errors:
                print(f"  {name}: {len(errors)} errors, first: {errors[0]}", file=sys.stderr)
                return 1
            obj[name] = plan.objective_sek
            cells.append(f"{plan.objective_sek:>8.0f} {len(plan.routes):>2}v {secs:>3.0f}s")
        if backend_for(p) == "ortools" and obj["auto"] != obj["ortools"]:
            print("  auto did not give OR-Tools' plan on a mixed day", file=sys.stderr)
            return 1
        n_hot = sum(s.hot for s in p.stops)
        label = f"{len(p.stops)} stops, {n_hot} hot ({backend_for(p)})"
        print(f"{label:<22}" + "".join(f"{c:>16}" for c in cells), flush=True)
        for name in gaps:
            gaps[name].append(100.0 * (obj[name] - obj["ortools"]) / obj["ortools"])
    mean = {k: sum(v) / len(v) for k, v in gaps.items()}
    print(
        f"lunch_pyvrp_vs_ortools_pct={mean['pyvrp']:.2f} "
        f"lunch_auto_vs_ortools_pct={mean['auto']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

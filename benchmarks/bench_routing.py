"""Benchmark maltid.routing (PyVRP and OR-Tools backends) against PyVRP on the Solomon VRPTW set.

Three solvers per instance, one after the other in the same process, each with the same
wall-clock time limit:

* ``m-pyvrp``: maltid's routing core with its default backend (``AutoParams``, whose
  rule sends these days -- no hot stop, or every stop hot -- to PyVRP:
  ``solve(problem, AutoParams(pyvrp=PyVrpParams(deterministic=False), ...))``);
* ``m-ortools``: maltid's routing core with the OR-Tools backend
  (``solve(problem, OrToolsParams(deterministic=False))``);
* ``ref-pyvrp``: PyVRP 0.14 called directly on the instance (the reference peer).

Distance convention (CVRPLIB): d_ij = floor(10 * euclid_ij) / 10, travel time = distance,
distance-only objective (no vehicle-count term). All solvers get this matrix at integer
scale x10; every solution's distance is recomputed here from its routes with this
matrix (solver objectives are not trusted), and its routes are checked for feasibility
(capacity, windows with waiting, return to the depot by its due date, number of
vehicles). The gap is (ours - sol) / sol against the CVRPLIB ``.sol`` distance.

maltid side: each customer is a ``Stop`` (1 distance unit = 1 m, 1 time unit = 1 s);
each of the instance's vehicles is a ``Vehicle`` with ``cost_per_km_sek = 1000`` (cost =
distance), no hourly or fixed cost, ``start_s`` = depot ready time and ``max_shift_s`` =
depot due date - ready time; no hot-holding.

``--hot-holding H`` (instance time units): every customer is hot with limit H from the
vehicle's departure (service start at most H after leaving the depot; the return leg
does not count). Only the two maltid backends run (PyVRP alone cannot model it); both
get the same constrained instances, customers may be left unserved. The script checks
every solution itself, hot-holding included: for each route it takes the latest
departure that meets every window and the depot due date (service starts can only move
later by less than the departure, so holding times are smallest there) and checks
capacity, windows, holding and the fleet size from it. It prints per instance the
customers served and the distance, then
``hot_mean_cost_vs_ortools_pct=<x> hot_served=<default>/<ortools>/<customers>``: x is the
mean of (default - OR-Tools) / OR-Tools distance on the same customers: where both
served the same customers, their own plans; where not, both are solved once more, with
the same limits, on the customers both served, and those plans are compared (checked
like the others; an instance where a re-solve does not serve them all is excluded and
named).

Usage::

    python benchmarks/bench_routing.py --instances C101,R101 --time-limit 10 --jobs 2
    python benchmarks/bench_routing.py --time-limit 30 --jobs 2 --jsonl /tmp/r.jsonl
    python benchmarks/bench_routing.py --summarise /tmp/a.jsonl /tmp/b.jsonl
    python benchmarks/bench_routing.py --instances R101,R201 --time-limit 30 --hot-holding 90

With ``--jobs N`` instances run in N processes; each solver then has one core.
Last two lines: ``ortools_mean_gap_pct=<z>`` and then
``mean_gap_pct=<x> pyvrp_mean_gap_pct=<y>`` where x is maltid's default backend
(``AutoParams``; PyVRP on these instances) and y the reference PyVRP. The load average
is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from maltid.routing import (
    AutoParams,
    OrToolsParams,
    PyVrpParams,
    RoutingProblem,
    Stop,
    Vehicle,
    backend_for,
    solve,
)

CLASSES = ("C1", "C2", "R1", "R2", "RC1", "RC2")


def shared_data() -> Path:
    env = os.environ.get("MALTID_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def solomon_dir() -> Path:
    return shared_data() / "vrptw" / "solomon"


def truncated_matrix(coords: np.ndarray) -> np.ndarray:
    """CVRPLIB convention: Euclidean distance truncated to one decimal."""
    diff = coords[:, None, :] - coords[None, :, :]
    euclid = np.sqrt((diff**2).sum(axis=2))
    return np.floor(10.0 * euclid + 1e-9) / 10.0


@dataclass
class Instance:
    name: str
    dist: np.ndarray  # truncated, one decimal
    demand: np.ndarray
    ready: np.ndarray
    due: np.ndarray
    service: np.ndarray
    capacity: int
    n_vehicles: int
    sol_distance: float


def load(name: str) -> Instance:
    import vrplib

    d = solomon_dir()
    inst = vrplib.read_instance(str(d / f"{name}.txt"), instance_format="solomon")
    sol = vrplib.read_solution(str(d / f"{name}.sol"))
    tw = np.asarray(inst["time_window"], dtype=float)
    return Instance(
        name=name,
        dist=truncated_matrix(np.asarray(inst["node_coord"], dtype=float)),
        demand=np.asarray(inst["demand"], dtype=int),
        ready=tw[:, 0],
        due=tw[:, 1],
        service=np.asarray(inst["service_time"], dtype=float),
        capacity=int(inst["capacity"]),
        n_vehicles=int(inst["vehicles"]),
        sol_distance=float(sol["cost"]),
    )


def to_routing_problem(inst: Instance, hot_holding: float | None = None) -> RoutingProblem:
    """Solomon instance -> maltid RoutingProblem (distance-only cost), hot if ``hot_holding``."""
    n = inst.dist.shape[0]
    stops = tuple(
        Stop(
            id=str(i),
            index=i,
            demand_meals=int(inst.demand[i]),
            window_start_s=float(inst.ready[i]),
            window_end_s=float(inst.due[i]),
            service_s=float(inst.service[i]),
            hot=hot_holding is not None,
        )
        for i in range(1, n)
    )
    vehicles = tuple(
        Vehicle(
            id=f"v{k}",
            depot_index=0,
            capacity_meals=inst.capacity,
            cost_per_km_sek=1000.0,
            cost_per_hour_sek=0.0,
            fixed_cost_sek=0.0,
            start_s=float(inst.ready[0]),
            max_shift_s=float(inst.due[0] - inst.ready[0]),
        )
        for k in range(inst.n_vehicles)
    )
    return RoutingProblem(
        time_s=inst.dist,
        distance_m=inst.dist,
        stops=stops,
        vehicles=vehicles,
        max_hot_holding_s=hot_holding,
        depot_ids={0: "depot"},
    )


def check_routes(
    inst: Instance, routes: list[list[int]], hot_holding: float | None = None
) -> tuple[float, list[str]]:
    """Distance of the routes (customer numbers) and a list of violations.

    Without ``hot_holding`` every customer must be served, each route departing at the
    depot's ready time and returning by its due date. With it (maltid's model: a vehicle
    leaves at or after the ready time, its shift is at most due - ready) customers may
    be unserved, and each route departs at the latest time that meets every window:
    service starts move later by no more than the departure, so holding times (service
    start - departure) and the shift are smallest there; they must be at most
    ``hot_holding`` and due - ready.
    """
    errors: list[str] = []
    seen = [c for r in routes for c in r]
    n = inst.dist.shape[0]
    if hot_holding is None and sorted(seen) != list(range(1, n)):
        errors.append(f"customers served {len(seen)} (unique {len(set(seen))}) of {n - 1}")
    if len(seen) != len(set(seen)) or not set(seen) <= set(range(1, n)):
        errors.append("a customer is served twice or does not exist")
    shift = float(inst.due[0] - inst.ready[0])
    total = 0.0
    for r in routes:
        if sum(int(inst.demand[c]) for c in r) > inst.capacity:
            errors.append(f"capacity exceeded on route {r[:3]}...")
        depart = float(inst.ready[0])
        if hot_holding is not None and r:
            # latest departure: the no-wait lead times bound it by each window end
            lead, prev, latest = 0.0, 0, math.inf
            for c in r:
                lead += inst.service[prev] + inst.dist[prev, c]
                latest = min(latest, float(inst.due[c]) - lead)
                prev = c
            depart = max(depart, latest)
        now, prev = depart, 0
        for c in r:
            total += inst.dist[prev, c]
            now = max(float(inst.ready[c]), now + inst.service[prev] + inst.dist[prev, c])
            if now > inst.due[c] + 1e-6:
                errors.append(f"customer {c} served at {now:.1f} > due {inst.due[c]:.0f}")
            if hot_holding is not None and now - depart > hot_holding + 1e-6:
                errors.append(f"customer {c} served {now - depart:.1f} after departure")
            prev = c
        total += inst.dist[prev, 0]
        back = now + inst.service[prev] + inst.dist[prev, 0]
        if r and back - depart > shift + 1e-6:
            errors.append(f"route ending at {prev}: shift {back - depart:.1f} > {shift:.0f}")
    total = round(total, 1)  # sums of one-decimal distances: exact to 0.1
    if len(routes) > inst.n_vehicles:
        errors.append(f"{len(routes)} routes > {inst.n_vehicles} vehicles")
    return total, errors


def _run_maltid(
    inst: Instance,
    time_limit_s: float,
    seed: int,
    opts: dict[str, Any],
    backend: str,
    hot_holding: float | None,
    only: frozenset[str] | None = None,
) -> dict:
    problem = to_routing_problem(inst, hot_holding)
    if only is not None:  # the same day with only these customers
        problem = dataclasses.replace(
            problem, stops=tuple(st for st in problem.stops if st.id in only)
        )
    # the default backend's rule on these days (none hot, or all hot): PyVRP
    assert backend == "ortools" or backend_for(problem) == "pyvrp"
    params: AutoParams | OrToolsParams
    ortools = OrToolsParams(time_limit_s=time_limit_s, seed=seed, deterministic=False, **opts)
    if backend == "ortools":
        params = ortools
    else:  # the default backend, with the same wall-clock stop for either of its solvers
        pyvrp = PyVrpParams(time_limit_s=time_limit_s, seed=seed, deterministic=False)
        params = AutoParams(pyvrp=pyvrp, ortools=ortools)
    t0 = time.perf_counter()
    plan = solve(problem, params)
    elapsed = time.perf_counter() - t0
    routes = [[int(s) for s in r.stop_ids] for r in plan.routes]
    dist, errors = check_routes(inst, routes, hot_holding)
    if plan.unserved and hot_holding is None:
        errors.append(f"{len(plan.unserved)} unserved ({plan.unserved[0].code})")
    return {
        "vehicles": len(routes),
        "distance": dist,
        "served": len(plan.served_ids),
        "served_ids": sorted(plan.served_ids),
        "time_s": elapsed,
        "errors": errors,
    }


def run_ortools(
    inst: Instance, time_limit_s: float, seed: int, opts: dict[str, Any], hot: float | None
) -> dict:
    """maltid's OR-Tools backend, wall-clock stop."""
    return _run_maltid(inst, time_limit_s, seed, opts, "ortools", hot)


def run_maltid_pyvrp(inst: Instance, time_limit_s: float, seed: int, hot: float | None) -> dict:
    """maltid's default backend (AutoParams; PyVRP on these instances), wall-clock stop."""
    return _run_maltid(inst, time_limit_s, seed, {}, "pyvrp", hot)


def run_pyvrp(inst: Instance, time_limit_s: float, seed: int) -> dict:
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    scale = 10
    m = Model()
    n = inst.dist.shape[0]
    locs = [m.add_location(x=0, y=0, name=str(i)) for i in range(n)]  # coords unused
    depot = m.add_depot(
        locs[0], tw_early=int(inst.ready[0] * scale), tw_late=int(inst.due[0] * scale)
    )
    m.add_vehicle_type(
        num_available=inst.n_vehicles,
        capacity=inst.capacity,
        start_depot=depot,
        end_depot=depot,
        tw_early=int(inst.ready[0] * scale),
        tw_late=int(inst.due[0] * scale),
    )
    for i in range(1, n):
        m.add_client(
            locs[i],
            delivery=int(inst.demand[i]),
            service_duration=int(inst.service[i] * scale),
            tw_early=int(inst.ready[i] * scale),
            tw_late=int(inst.due[i] * scale),
        )
    d_int = np.rint(inst.dist * scale).astype(int)
    for i in range(n):
        for j in range(n):
            m.add_edge(locs[i], locs[j], distance=int(d_int[i, j]), duration=int(d_int[i, j]))
    t0 = time.perf_counter()
    res = m.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    elapsed = time.perf_counter() - t0
    routes = []
    for r in res.best.routes():
        routes.append([int(a.idx) + 1 for a in r.schedule() if a.is_client()])
    dist, errors = check_routes(inst, routes)
    if not res.is_feasible():
        errors.append("pyvrp best solution infeasible")
    if abs(res.best.distance() / scale - dist) > 1e-6:
        errors.append(f"pyvrp distance {res.best.distance() / scale} != recomputed {dist}")
    return {"vehicles": len(routes), "distance": dist, "time_s": elapsed, "errors": errors}


#: Solvers of the benchmark: key, column label, meaning.
SOLVERS = (
    ("maltid_pyvrp", "m-pyvrp", "maltid routing, default backend (AutoParams -> PyVRP)"),
    ("ortools", "m-ortools", "maltid routing, OR-Tools backend (OrToolsParams)"),
    ("pyvrp", "ref-pyvrp", "PyVRP 0.14 called directly (reference peer)"),
)
#: The solver key of maltid's default backend.
DEFAULT_KEY = "maltid_pyvrp"
SOLVER_KEYS = tuple(k for k, _, _ in SOLVERS)


def run_one(
    args: tuple[str, float, int, dict[str, Any], tuple[str, ...], float | None],
) -> dict:
    name, time_limit_s, seed, opts, solvers, hot = args
    inst = load(name)
    out: dict[str, Any] = {
        "name": name,
        "sol": inst.sol_distance,
        "customers": len(inst.demand) - 1,
    }
    if "maltid_pyvrp" in solvers:
        out["maltid_pyvrp"] = run_maltid_pyvrp(inst, time_limit_s, seed, hot)
    if "ortools" in solvers:
        out["ortools"] = run_ortools(inst, time_limit_s, seed, opts, hot)
    ot, de = out.get("ortools"), out.get("maltid_pyvrp")
    if hot is not None and ot and de and not ot["errors"] and not de["errors"]:
        common = frozenset(ot["served_ids"]) & frozenset(de["served_ids"])
        if set(ot["served_ids"]) != set(de["served_ids"]):
            # different customers served: both solve again, with the same limits, on
            # the customers both served, so the costs compare on the same customers
            out["common"] = sorted(common)
            out["default_on_common"] = _run_maltid(
                inst, time_limit_s, seed, {}, "pyvrp", hot, only=common
            )
            out["ortools_on_common"] = _run_maltid(
                inst, time_limit_s, seed, opts, "ortools", hot, only=common
            )
    if "pyvrp" in solvers and hot is None:
        out["pyvrp"] = run_pyvrp(inst, time_limit_s, seed)
    return out


def instance_class(name: str) -> str:
    m = re.match(r"([A-Z]+)(\d)", name)
    assert m is not None
    return m.group(1) + m.group(2)


def gap(res: dict | None, sol: float) -> float:
    """Gap in % to the ``.sol`` distance; NaN if missing or infeasible."""
    if res is None or res["errors"]:
        return math.nan
    # both are sums of one-decimal distances: compare at 0.1 so equal means exactly 0
    return 100.0 * (round(res["distance"], 1) - round(sol, 1)) / sol


def mean(xs: list[float]) -> float:
    xs = [x for x in xs if not math.isnan(x)]
    return float(np.mean(xs)) if xs else math.nan


def summarise(results: list[dict], solvers: tuple[str, ...]) -> None:
    """Print per-class and overall mean gaps; the last line is the acceptance line."""
    results = sorted(results, key=lambda r: r["name"])
    print("# mean gap per class (%), infeasible or missing results excluded:")
    labels = {k: lab for k, lab, _ in SOLVERS}
    for c in CLASSES:
        rs = [r for r in results if instance_class(r["name"]) == c]
        if not rs:
            continue
        line = f"{c:4} n={len(rs):2}"
        for k in solvers:
            line += f" {labels[k]}={mean([gap(r.get(k), r['sol']) for r in rs]):6.2f}"
        print(line)
    overall = {k: mean([gap(r.get(k), r["sol"]) for r in results]) for k in SOLVER_KEYS}
    line = f"ALL  n={len(results):2}"
    for k in solvers:
        line += f" {labels[k]}={overall[k]:6.2f}"
    print(line)
    for k in solvers:
        n_bad = sum(1 for r in results if r.get(k) is None or r[k]["errors"])
        if n_bad:
            print(f"# {labels[k]}: {n_bad} instance(s) missing or with violations (excluded)")
    print(f"ortools_mean_gap_pct={overall['ortools']:.3f}")
    print(f"mean_gap_pct={overall[DEFAULT_KEY]:.3f} pyvrp_mean_gap_pct={overall['pyvrp']:.3f}")


def summarise_hot(results: list[dict]) -> None:
    """Hot-holding summary; the last line compares the default backend with OR-Tools."""
    results = sorted(results, key=lambda r: r["name"])
    served = {k: 0 for k in (DEFAULT_KEY, "ortools")}
    customers = 0
    rel: list[float] = []
    for r in results:
        customers += int(r["customers"])
        ok = all(r.get(k) is not None and not r[k]["errors"] for k in served)
        for k in served:
            if r.get(k) is not None and not r[k]["errors"]:
                served[k] += int(r[k]["served"])
            elif r.get(k) is not None:
                print(f"# {r['name']} {k}: {'; '.join(r[k]['errors'][:3])} (counted as 0 served)")
        if not ok:
            continue
        if "common" not in r:  # the same customers served
            a, b = r[DEFAULT_KEY]["distance"], r["ortools"]["distance"]
            rel.append(100.0 * (a - b) / b)
            continue
        n = len(r["common"])
        da, ob = r.get("default_on_common"), r.get("ortools_on_common")
        if not (da and ob and not da["errors"] and not ob["errors"]):
            print(f"# {r['name']}: a re-solve on the {n} common customers failed (excluded)")
            continue
        if da["served"] != n or ob["served"] != n:
            print(
                f"# {r['name']}: on the {n} customers both served, the default served "
                f"{da['served']} and OR-Tools {ob['served']} (excluded)"
            )
            continue
        a, b = da["distance"], ob["distance"]
        print(
            f"# {r['name']}: served {r[DEFAULT_KEY]['served']} vs OR-Tools' "
            f"{r['ortools']['served']}; both again on the {n} both served: {a:.1f} "
            f"against {b:.1f}"
        )
        rel.append(100.0 * (a - b) / b)
    print(f"# cost compared on {len(rel)} of {len(results)} instances (same customers)")
    print(
        f"hot_mean_cost_vs_ortools_pct={mean(rel):.3f} "
        f"hot_served={served[DEFAULT_KEY]}/{served['ortools']}/{customers}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--instances", default="", help="comma-separated, default all 56")
    ap.add_argument("--time-limit", type=float, default=30.0, help="seconds per solver")
    ap.add_argument("--jobs", type=int, default=1, help="instances in parallel processes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--solvers",
        default=",".join(SOLVER_KEYS),
        help=f"comma-separated subset of {','.join(SOLVER_KEYS)} (default all)",
    )
    ap.add_argument("--first-solution", default=None, help="OR-Tools side only")
    ap.add_argument("--metaheuristic", default=None, help="OR-Tools side only")
    ap.add_argument("--gls-lambda", type=float, default=None, help="OR-Tools side only")
    ap.add_argument("--ils", action="store_true", help="OR-Tools iterated local search")
    ap.add_argument("--no-pyvrp", action="store_true", help="only the OR-Tools side")
    ap.add_argument(
        "--hot-holding",
        type=float,
        default=None,
        metavar="H",
        help="every customer hot, limit H (time units) from departure; maltid backends only",
    )
    ap.add_argument("--jsonl", default=None, help="append per-instance results to this file")
    ap.add_argument(
        "--summarise",
        nargs="+",
        default=None,
        metavar="JSONL",
        help="print the table from saved --jsonl files (later files win) without solving",
    )
    a = ap.parse_args(argv)

    solvers = tuple(x.strip() for x in a.solvers.split(",") if x.strip())
    if a.no_pyvrp:
        solvers = ("ortools",)
    if a.hot_holding is not None:
        solvers = tuple(k for k in solvers if k != "pyvrp")
    unknown = [x for x in solvers if x not in SOLVER_KEYS]
    if unknown:
        print(f"unknown solver(s) {unknown}; use {SOLVER_KEYS}", file=sys.stderr)
        return 2
    if a.summarise:
        merged: dict[str, dict] = {}
        for path in a.summarise:
            for line in Path(path).read_text().splitlines():
                if line.strip():
                    rec = json.loads(line)
                    merged.setdefault(rec["name"], {}).update(rec)
        print(f"# summary of {len(merged)} instances from {', '.join(a.summarise)}")
        _print_header(solvers)
        for r in sorted(merged.values(), key=lambda r: r["name"]):
            _print_row(r, solvers)
        if a.hot_holding is not None:
            summarise_hot(list(merged.values()))
        else:
            summarise(list(merged.values()), solvers)
        return 0

    d = solomon_dir()
    if not d.is_dir():
        print(f"Solomon instances not found in {d} (set MALTID_SHARED_DATA)", file=sys.stderr)
        return 2
    names = (
        [s.strip() for s in a.instances.split(",") if s.strip()]
        if a.instances
        else sorted(p.stem for p in d.glob("*.txt"))
    )
    opts: dict[str, Any] = {}
    if a.first_solution:
        opts["first_solution"] = a.first_solution
    if a.metaheuristic:
        opts["metaheuristic"] = a.metaheuristic
    if a.gls_lambda is not None:
        opts["gls_lambda"] = a.gls_lambda
    if a.ils:
        opts["iterated_local_search"] = True
    print(
        f"# {len(names)} instances, time limit {a.time_limit:g} s per solver, jobs={a.jobs}"
        f" (each solver 1 core when jobs>1), seed={a.seed}, maltid OR-Tools opts={opts}"
    )
    for k, lab, meaning in SOLVERS:
        if k in solvers:
            print(f"# {lab}: {meaning}")
    print("# distances: CVRPLIB truncated one decimal; gap = (ours - sol) / sol")
    _print_header(solvers)
    if a.hot_holding is not None:
        print(f"# hot-holding: every customer hot, limit {a.hot_holding:g} from departure")
    print(f"# load average at start: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    jobs = [(n, a.time_limit, a.seed, opts, solvers, a.hot_holding) for n in names]
    results: list[dict] = []

    def record(r: dict) -> None:
        results.append(r)
        _print_row(r, solvers)
        if a.jsonl:
            with open(a.jsonl, "a", encoding="utf-8") as f:
                f.write(json.dumps(r) + "\n")

    if a.jobs > 1:
        with ProcessPoolExecutor(max_workers=a.jobs) as ex:
            for r in ex.map(run_one, jobs):
                record(r)
    else:
        for j in jobs:
            record(run_one(j))
    print(f"# load average at end: {os.getloadavg()[0]:.2f} (1 min)")
    if a.hot_holding is not None:
        summarise_hot(results)
    else:
        summarise(results, solvers)
    return 0


def _print_header(solvers: tuple[str, ...]) -> None:
    header = f"{'inst':7} {'sol':>8}"
    for k, lab, _ in SOLVERS:
        if k in solvers:
            header += f" | {'veh':>3} {lab:>9} {'gap%':>6} {'t_s':>5}"
    print(header, flush=True)


def _print_row(r: dict, solvers: tuple[str, ...]) -> None:
    line = f"{r['name']:7} {r['sol']:8.1f}"
    for k in (k for k in SOLVER_KEYS if k in solvers):
        x = r.get(k)
        if x is None:
            line += f" | {'-':>3} {'-':>9} {'-':>6} {'-':>5}"
        else:
            line += (
                f" | {x['vehicles']:3d} {x['distance']:9.1f} {gap(x, r['sol']):6.2f}"
                f" {x['time_s']:5.1f}"
            )
            if x.get("served", r.get("customers")) != r.get("customers"):
                line += f" served {x['served']}/{r['customers']}"
    for k in SOLVER_KEYS:
        if k in solvers and r.get(k) and r[k]["errors"]:
            line += f"  [{k}: {'; '.join(r[k]['errors'][:2])}]"
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())

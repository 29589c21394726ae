"""Benchmark: network build / cached load and the 1000x1000 travel matrix vs networkx.

Run from the repository root::

    python benchmarks/bench_matrix.py [--points 1000] [--nx-sources 20] [--seed 42]

For ``liechtenstein.osm.pbf`` and ``north-bayreuth.osm.gz`` (shared data) it prints the
build time without cache, the cached load time, the time of the n×n matrix
(``maltid.network.travel_matrix``) and networkx's per-source Dijkstra
(``nx.single_source_dijkstra_path_length``, weight travel_time) timed on a subset of
sources in the same process and extrapolated to n sources. The last line is
``matrix_speedup_vs_networkx=<x> matrix_1000_s=<s>`` for the network whose matrix took
longer. Caches go to a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from maltid.network import RoadNetwork, build_network, snap, travel_matrix

NETWORKS = ("liechtenstein.osm.pbf", "north-bayreuth.osm.gz")


def shared_data() -> Path:
    env = os.environ.get("MALTID_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def random_points(net: RoadNetwork, n: int, seed: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """n points: random graph nodes jittered by up to ~50 m (homes near roads)."""
    rng = np.random.default_rng(seed)
    nodes = np.fromiter(net.graph.nodes, dtype=np.int64)
    pick = rng.choice(nodes, size=n, replace=n > nodes.size)
    lat = np.array([net.graph.nodes[int(p)]["y"] for p in pick]) + rng.uniform(-4e-4, 4e-4, n)
    lon = np.array([net.graph.nodes[int(p)]["x"] for p in pick]) + rng.uniform(-6e-4, 6e-4, n)
    return [f"p{i:04d}" for i in range(n)], lat, lon


def bench(path: Path, *, points: int, nx_sources: int, seed: int, cache: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    net = build_network(osm=path, cache_dir=cache, use_cache=True)
    build_s = time.perf_counter() - t0
    assert not net.stats.from_cache
    t0 = time.perf_counter()
    cached = build_network(osm=path, cache_dir=cache, use_cache=True)
    load_s = time.perf_counter() - t0
    assert cached.stats.from_cache
    net = cached

    ids, lat, lon = random_points(net, points, seed)
    snapped = snap(net, ids, lat, lon)
    t0 = time.perf_counter()
    m = travel_matrix(net, ids, snapped.node)
    matrix_s = time.perf_counter() - t0
    assert m.time_s.shape == (points, points) and not m.unreachable

    rng = np.random.default_rng(seed + 1)
    sample = rng.choice(points, size=min(nx_sources, points), replace=False)
    t0 = time.perf_counter()
    for i in sample:
        times = nx.single_source_dijkstra_path_length(
            net.graph, int(snapped.node[i]), weight="travel_time"
        )
        # spot check: the compiled matrix agrees with networkx
        j = int(sample[0])
        expected = times[int(snapped.node[j])]
        assert abs(m.time_s[i, j] - expected) <= 1e-6 * max(expected, 1.0) + 1e-6
    nx_s = (time.perf_counter() - t0) / sample.size * points
    return {
        "name": path.name,
        "nodes": net.stats.nodes,
        "edges": net.stats.edges,
        "build_s": build_s,
        "load_s": load_s,
        "matrix_s": matrix_s,
        "nx_s": nx_s,
        "speedup": nx_s / matrix_s,
        "unique_sources": int(np.unique(snapped.node).size),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--nx-sources", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    data = shared_data() / "osm"
    missing = [n for n in NETWORKS if not (data / n).is_file()]
    if missing:
        print(f"shared data missing: {missing} under {data}", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="maltid-bench-") as tmp:
        for name in NETWORKS:
            rows.append(
                bench(
                    data / name,
                    points=args.points,
                    nx_sources=args.nx_sources,
                    seed=args.seed,
                    cache=Path(tmp),
                )
            )
    n = args.points
    print(
        f"{'network':<24}{'nodes':>7}{'edges':>7}{'build s':>9}{'cached s':>10}"
        f"{'load x':>8}{'srcs':>6}{f'{n}x{n} s':>12}{'nx est s':>10}{'speedup':>9}"
    )
    for r in rows:
        print(
            f"{r['name']:<24}{r['nodes']:>7}{r['edges']:>7}{r['build_s']:>9.2f}"
            f"{r['load_s']:>10.3f}{r['build_s'] / r['load_s']:>8.0f}{r['unique_sources']:>6}"
            f"{r['matrix_s']:>12.2f}{r['nx_s']:>10.2f}{r['speedup']:>9.1f}"
        )
    worst = max(rows, key=lambda r: r["matrix_s"])
    print(
        f"figures below are for {worst['name']} (the slower matrix); networkx timed on "
        f"{args.nx_sources} sources, extrapolated to {n}"
    )
    print(
        f"matrix_speedup_vs_networkx={worst['speedup']:.1f} matrix_1000_s={worst['matrix_s']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Route independent kitchen-days in worker processes, into the routing memo (counts, s).

A model's week is routed kitchen-day by kitchen-day (:func:`maltid.models.assemble`),
and every routing solve is deterministic and memoised on all its inputs
(:attr:`ModelContext.routing_cache`). So with ``[solver] workers > 1``
:func:`prefetch` first routes the kitchen-days of one pass in forked worker processes
(each a copy of the context, memo included), takes back every solve they made and puts
it into the memo; the ordinary serial loop then finds each solve there. The plan is
therefore the serial plan, whatever the number of workers.

Workers are forked (the context, a county's matrix included, is shared copy-on-write,
not pickled). Where ``fork`` is not available, or inside a daemonic process (a Dask
worker), the days are routed serially.
"""

from __future__ import annotations

import copyreg
import logging
import multiprocessing
import time
import types
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from maltid.models.context import ModelContext

__all__ = ["map_forked", "prefetch"]

logger = logging.getLogger("maltid")

Job = TypeVar("Job")
Out = TypeVar("Out")


def _mapping_proxy(d: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(d)


def _pickle_mapping_proxy(m: types.MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return (_mapping_proxy, (dict(m),))


# Plans hold read-only mappings (kitchen_to_plate_s); let them travel between processes.
copyreg.pickle(types.MappingProxyType, _pickle_mapping_proxy)

#: (context, jobs, route one job) of the prefetch running now; read by forked workers.
_CURRENT: tuple[ModelContext, Sequence[Any], Callable[[ModelContext, Any], object]] | None = None


def _work(i: int) -> tuple[float, object, list[tuple[object, object]]]:
    """In a worker: run job ``i``; its wall time (s), result and the memo entries it added."""
    assert _CURRENT is not None
    ctx, jobs, run = _CURRENT
    t0 = time.perf_counter()
    before = set(ctx.routing_cache)
    out = run(ctx, jobs[i])
    added = [(k, v) for k, v in ctx.routing_cache.items() if k not in before]
    return time.perf_counter() - t0, out, added


def _fork_map(
    ctx: ModelContext,
    jobs: Sequence[Any],
    run: Callable[[ModelContext, Any], object],
    order: Sequence[int],
    n_proc: int,
    keep_results: bool,
) -> tuple[dict[int, object], int, float]:
    """Run ``order``'s jobs in ``n_proc`` forked workers; merge their memo entries.

    Returns the results by job index (only with ``keep_results``), the memo entries
    added and the seconds of work done in the workers.
    """
    global _CURRENT
    _CURRENT = (ctx, jobs, run)
    try:
        with multiprocessing.get_context("fork").Pool(n_proc) as pool:
            results = pool.map(_work, order, chunksize=1)
    finally:
        _CURRENT = None
    added = 0
    busy_s = 0.0
    outs: dict[int, object] = {}
    for i, (secs, out, entries) in zip(order, results, strict=True):
        busy_s += secs
        if keep_results:
            outs[i] = out
        for k, value in entries:
            if k not in ctx.routing_cache:
                ctx.routing_cache[k] = value
                added += 1
    return outs, added, busy_s


def map_forked(
    ctx: ModelContext,
    jobs: Sequence[Job],
    run: Callable[[ModelContext, Job], Out],
    *,
    size: Callable[[Job], int] = lambda _: 1,
) -> list[Out] | None:
    """``[run(ctx, job) for job in jobs]`` in ``ctx.workers`` forked processes (results in order).

    The memo entries the workers made are put into ``ctx.routing_cache``, so later work
    finds them. ``None`` when it cannot run in parallel (one worker or job, no ``fork``,
    a daemonic process): the caller then runs the jobs itself, with the same results
    (every step is deterministic). Results must pickle.
    """
    n_proc = min(ctx.workers, len(jobs))
    if n_proc <= 1 or not _can_fork():
        return None
    order = sorted(range(len(jobs)), key=lambda i: (-size(jobs[i]), i))
    t0 = time.perf_counter()
    outs, added, busy_s = _fork_map(ctx, jobs, run, order, n_proc, keep_results=True)
    logger.debug(
        "ran %d jobs in %d processes: %d solves, %.1f s wall, %.1f s of work",
        len(jobs),
        n_proc,
        added,
        time.perf_counter() - t0,
        busy_s,
    )
    return [outs[i] for i in range(len(jobs))]  # type: ignore[misc]


def _can_fork() -> bool:
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def _signature(ctx: ModelContext) -> object:
    """What a job's solves depend on besides the job itself (hashable), or None."""
    sig = (
        ctx.routing_params,
        ctx.max_stops_per_solve,
        ctx.scenario.fleet,
        ctx.scenario.delivery,
        tuple(sorted(ctx.parameters.items())),
        id(ctx.matrix),
    )
    try:
        hash(sig)
    except TypeError:
        return None
    return sig


def prefetch(
    ctx: ModelContext,
    jobs: Sequence[Job],
    run: Callable[[ModelContext, Job], object],
    *,
    size: Callable[[Job], int] = lambda _: 1,
    key: Callable[[Job], object] | None = None,
) -> int:
    """Run ``run(ctx, job)`` for every job in ``ctx.workers`` processes; return the solves added.

    Only the memo entries the workers made come back (into ``ctx.routing_cache``);
    ``run``'s return values are dropped: the caller runs its loop afterwards and hits
    the memo. Jobs start largest first by ``size`` (count). A job whose ``key`` (with
    the context's rates and limits) was run by an earlier prefetch into the same memo is
    skipped: its solves are there already (were they not, the caller's loop would solve
    them, so a skip costs time, never the plan). With one worker, no job left, or no
    ``fork``: nothing is done (returns 0) and the caller's loop routes serially.
    """
    sig = _signature(ctx) if key is not None else None
    marks = {}
    if key is not None and sig is not None:
        marks = {i: ("prefetched", sig, key(job)) for i, job in enumerate(jobs)}
    todo = [i for i in range(len(jobs)) if marks.get(i) not in ctx.routing_cache]
    n_proc = min(ctx.workers, len(todo))
    if n_proc <= 1 or not _can_fork():
        return 0
    order = sorted(todo, key=lambda i: (-size(jobs[i]), i))
    t0 = time.perf_counter()
    _, added, busy_s = _fork_map(ctx, jobs, run, order, n_proc, keep_results=False)
    for i in todo:
        if i in marks:
            ctx.routing_cache[marks[i]] = True
    wall_s = time.perf_counter() - t0
    logger.debug(
        "routed %d of %d units in %d processes: %d solves, %.1f s wall, %.1f s of work",
        len(todo),
        len(jobs),
        n_proc,
        added,
        wall_s,
        busy_s,
    )
    return added

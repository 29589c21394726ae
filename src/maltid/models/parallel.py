"""Route independent kitchen-days in worker processes, into the routing memo (counts, s).

A model's week is routed kitchen-day by kitchen-day (:func:`maltid.models.assemble`),
and every routing solve is deterministic and memoised on all its inputs
(:attr:`ModelContext.routing_cache`). So with ``[solver] workers > 1``
:func:`prefetch` first routes the independent solves of one pass in forked worker
processes (each a copy of the context, memo included), takes back every solve they made
and puts it into the memo; the ordinary serial loop then finds each solve there.
:func:`map_forked` runs whole jobs (``optimised_mix``'s flips) the same way and returns
their results in order. The plans are therefore the serial plans whenever the solves
stop on their counts (``solution_limit``/``iteration_limit``, the default), not on the
wall-clock safety cap (a WARNING says when a cap was hit).

Workers are forked (the context, a county's matrix included, is shared copy-on-write,
not pickled), on Linux only; never more than the CPUs this process may use, and never
from inside a worker (no nested pools) or a daemonic process (a Dask worker). Where a
worker dies, or forking is not possible, the work is done serially here.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import threading
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


def _reduce_mapping_proxy(m: types.MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return (_mapping_proxy, (dict(m),))


#: (context, jobs, run one job) of the parallel step running now; read by forked workers.
_CURRENT: tuple[ModelContext, Sequence[Any], Callable[[ModelContext, Any], object]] | None = None
#: One parallel step at a time per process (``_CURRENT`` is shared by its workers).
_LOCK = threading.Lock()
#: True in a worker process: no pools are started from there.
_IN_WORKER = False


def _mark_worker() -> None:
    global _IN_WORKER
    _IN_WORKER = True


def _work(i: int, keep: bool) -> tuple[float, object, list[tuple[object, object]]]:
    """In a worker: run job ``i``; its wall time (s), result (if ``keep``) and the memo
    entries it added (the memo only grows, in insertion order)."""
    if _CURRENT is None:
        raise RuntimeError("maltid.models.parallel: a worker started without a job list")
    ctx, jobs, run = _CURRENT
    t0 = time.perf_counter()
    n_before = len(ctx.routing_cache)
    out = run(ctx, jobs[i])
    added = list(itertools.islice(ctx.routing_cache.items(), n_before, None))
    return time.perf_counter() - t0, out if keep else None, added


def _n_processes(ctx: ModelContext, n_jobs: int) -> int:
    """Processes for ``n_jobs`` jobs: ``[solver] workers``, at most the usable CPUs."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(0, min(ctx.workers, cpus, n_jobs))


def _can_fork() -> bool:
    import multiprocessing

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and not _IN_WORKER
        and not multiprocessing.current_process().daemon
    )


def _fork_map(
    ctx: ModelContext,
    jobs: Sequence[Any],
    run: Callable[[ModelContext, Any], object],
    order: Sequence[int],
    n_proc: int,
    keep_results: bool,
) -> tuple[dict[int, object], int, float] | None:
    """Run ``order``'s jobs in ``n_proc`` forked workers; merge their memo entries.

    Returns the results by job index (only with ``keep_results``), the memo entries
    added and the seconds of work done in the workers; ``None`` if a worker died (the
    caller then does the work itself).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing.reduction import ForkingPickler

    # Plans hold read-only mappings (kitchen_to_plate_s): let them travel between the
    # processes (multiprocessing's pickler only; registering again is harmless)
    ForkingPickler.register(types.MappingProxyType, _reduce_mapping_proxy)
    global _CURRENT
    with _LOCK:
        _CURRENT = (ctx, jobs, run)
        try:
            with ProcessPoolExecutor(
                max_workers=n_proc,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_mark_worker,
            ) as pool:
                results = list(pool.map(_work, order, itertools.repeat(keep_results)))
        except BrokenProcessPool:
            logger.warning("a routing worker process died; routing this step in the main process")
            return None
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
    finds them. ``None`` when it did not run in parallel (one worker or job, no
    ``fork``, inside a worker, a worker died): the caller then runs the jobs itself,
    with the same results (every step is deterministic). Results must pickle.
    """
    n_proc = _n_processes(ctx, len(jobs))
    if n_proc <= 1 or not _can_fork():
        return None
    order = sorted(range(len(jobs)), key=lambda i: (-size(jobs[i]), i))
    t0 = time.perf_counter()
    done = _fork_map(ctx, jobs, run, order, n_proc, keep_results=True)
    if done is None:
        return None
    outs, added, busy_s = done
    logger.debug(
        "ran %d jobs in %d processes: %d solves, %.1f s wall, %.1f s of work",
        len(jobs),
        n_proc,
        added,
        time.perf_counter() - t0,
        busy_s,
    )
    return [outs[i] for i in range(len(jobs))]  # type: ignore[misc]


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
    the context's rates and limits; ``None``: never skipped) was run by an earlier
    prefetch into the same memo is skipped: its solves are there already (were they
    not, the caller's loop would solve them, so a skip costs time, never the plan).
    With one worker, no job left, no ``fork``, or a dead worker: the caller's loop
    routes serially (returns 0).
    """
    sig = _signature(ctx) if key is not None else None
    marks: dict[int, object] = {}
    if key is not None and sig is not None:
        for i, job in enumerate(jobs):
            k = key(job)
            if k is not None:
                marks[i] = ("prefetched", sig, k)
    todo = [i for i in range(len(jobs)) if marks.get(i) not in ctx.routing_cache]
    n_proc = _n_processes(ctx, len(todo))
    if n_proc <= 1 or not _can_fork():
        return 0
    order = sorted(todo, key=lambda i: (-size(jobs[i]), i))
    t0 = time.perf_counter()
    done = _fork_map(ctx, jobs, run, order, n_proc, keep_results=False)
    if done is None:
        return 0
    _, added, busy_s = done
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

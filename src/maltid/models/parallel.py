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
import types
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from maltid.models.context import ModelContext

__all__ = ["prefetch"]

logger = logging.getLogger("maltid")

Job = TypeVar("Job")


def _mapping_proxy(d: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(d)


def _pickle_mapping_proxy(m: types.MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return (_mapping_proxy, (dict(m),))


# Plans hold read-only mappings (kitchen_to_plate_s); let them travel between processes.
copyreg.pickle(types.MappingProxyType, _pickle_mapping_proxy)

#: (context, jobs, route one job) of the prefetch running now; read by forked workers.
_CURRENT: tuple[ModelContext, Sequence[Any], Callable[[ModelContext, Any], object]] | None = None


def _work(i: int) -> list[tuple[object, object]]:
    """In a worker: route job ``i`` and return the memo entries it added."""
    assert _CURRENT is not None
    ctx, jobs, run = _CURRENT
    before = set(ctx.routing_cache)
    run(ctx, jobs[i])
    return [(k, v) for k, v in ctx.routing_cache.items() if k not in before]


def _can_fork() -> bool:
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def prefetch(
    ctx: ModelContext,
    jobs: Sequence[Job],
    run: Callable[[ModelContext, Job], object],
    *,
    size: Callable[[Job], int] = lambda _: 1,
) -> int:
    """Run ``run(ctx, job)`` for every job in ``ctx.workers`` processes; return the solves added.

    Only the memo entries the workers made come back (into ``ctx.routing_cache``);
    ``run``'s return values are dropped: the caller runs its loop afterwards and hits
    the memo. Jobs start largest first by ``size`` (count). With one worker, one job,
    or no ``fork``: nothing is done (returns 0) and the caller's loop routes serially.
    """
    global _CURRENT
    n_proc = min(ctx.workers, len(jobs))
    if n_proc <= 1 or not _can_fork():
        return 0
    order = sorted(range(len(jobs)), key=lambda i: (-size(jobs[i]), i))
    _CURRENT = (ctx, jobs, run)  # type: ignore[assignment]
    try:
        with multiprocessing.get_context("fork").Pool(n_proc) as pool:
            results = pool.map(_work, order, chunksize=1)
    finally:
        _CURRENT = None
    added = 0
    for entries in results:
        for key, value in entries:
            if key not in ctx.routing_cache:
                ctx.routing_cache[key] = value
                added += 1
    logger.debug("routed %d kitchen-days in %d processes: %d solves", len(jobs), n_proc, added)
    return added

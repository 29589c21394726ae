"""The registry of delivery-model kinds: a new delivery model is one module registering here.

A model module defines ``def solve(ctx: ModelContext, spec: ModelSpec) -> WeekPlan`` and
decorates it with ``@register("<kind>")``; :mod:`maltid.models` imports every model module
once, so :func:`solve_model` finds it. The scenario schema must know the kind too
(``maltid.scenario``'s model specs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from maltid.errors import InputError

if TYPE_CHECKING:
    from maltid.models.context import ModelContext
    from maltid.results import WeekPlan
    from maltid.scenario import ModelSpec

__all__ = ["ModelSolver", "kinds", "register", "solve_model"]

#: A model kind's solver: context and spec -> the week's plan (s, m, SEK).
ModelSolver = Callable[["ModelContext", "ModelSpec"], "WeekPlan"]

_SOLVERS: dict[str, ModelSolver] = {}


def register(kind: str) -> Callable[[ModelSolver], ModelSolver]:
    """Decorator: register ``solver`` as the model of ``kind`` (one solver per kind)."""

    def deco(solver: ModelSolver) -> ModelSolver:
        if kind in _SOLVERS and _SOLVERS[kind] is not solver:
            raise ValueError(f"model kind {kind!r} registered twice")
        _SOLVERS[kind] = solver
        return solver

    return deco


def kinds() -> tuple[str, ...]:
    """The registered model kinds, in registration order."""
    return tuple(_SOLVERS)


def solve_model(spec: ModelSpec, ctx: ModelContext) -> WeekPlan:
    """Solve one delivery model for one week; returns the :class:`WeekPlan` (s, m, SEK).

    ``spec.kind`` is a registered kind (:func:`kinds`). For ``optimised_mix`` this is
    :func:`maltid.models.solve_optimised_mix` priced by the cost model, without its report.
    """
    solver = _SOLVERS.get(spec.kind)
    if solver is None:
        raise InputError(
            f"models: unknown kind {spec.kind!r} (fix: use one of {', '.join(_SOLVERS)})"
        )
    return solver(ctx, spec)


def wrong_spec(kind: str, spec: ModelSpec) -> InputError:
    """The error for a spec of another kind handed to ``kind``'s solver."""
    return InputError(f"models: {kind} was given a {spec.kind!r} model spec (fix: a bug)")

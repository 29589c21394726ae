"""The solve context every model shares: scenario, travel matrix, rates, solver settings."""

from __future__ import annotations

import dataclasses
import functools
import logging
import types
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from maltid.errors import InputError

if TYPE_CHECKING:
    from maltid.network import TravelMatrix
    from maltid.routing import SolverParams
    from maltid.scenario import KitchenSpec, Scenario, SolverSpec

__all__ = ["ModelContext", "RoutingCache", "central_kitchen", "make_context"]

logger = logging.getLogger("maltid")

#: Memo of solved routing problems and sector splits (keys hold every input of a solve).
RoutingCache = dict[Hashable, object]


@dataclass(frozen=True)
class ModelContext:
    """Everything a model needs besides its spec; times in seconds, money in SEK.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (kitchens, recipients, fleet, delivery).
    matrix : TravelMatrix
        Travel times (s) and road distances (m) over kitchens and recipients; its ``ids``
        are the kitchen ids and recipient ids.
    parameters : Mapping[str, float]
        Cost parameters (``costs.parameters_for(scenario)``): the vehicles get
        ``cost_per_km_sek``, ``driver_cost_per_hour_sek`` and
        ``fixed_cost_sek_per_vehicle_day`` from here, the same rates the cost model uses.
    solver : SolverSpec
        The solver settings (time limits in s, solution limit, ``max_stops_per_solve``,
        ``mix_max_evaluations``): the scenario's ``[solver]`` unless overridden.
    seed : int
        Routing seed.
    routing_cache : dict
        Memo of solved per-kitchen routing problems (filled as models are solved).
    """

    scenario: Scenario
    matrix: TravelMatrix
    parameters: Mapping[str, float]
    solver: SolverSpec
    seed: int = 0
    routing_cache: RoutingCache = field(default_factory=dict, compare=False, repr=False)
    _rows: dict[str, int] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        rows = {str(i): k for k, i in enumerate(self.matrix.ids)}
        if len(rows) != len(self.matrix.ids):
            raise InputError(
                "travel matrix: ids repeat (fix: give every kitchen and recipient its own id)"
            )
        object.__setattr__(self, "_rows", rows)

    @property
    def time_limit_s(self) -> float:
        """Wall-clock cap of each routing solve (s)."""
        return float(self.solver.time_limit_s)

    @property
    def siting_time_limit_s(self) -> float:
        """Wall-clock cap of each siting MIP (s)."""
        return float(self.solver.siting_time_limit_s)

    @property
    def solution_limit(self) -> int | None:
        """OR-Tools search solutions per solve (``None``: the size-based default)."""
        return self.solver.solution_limit

    @property
    def iteration_limit(self) -> int | None:
        """PyVRP iterations per solve (``None``: the size-based default)."""
        return self.solver.iteration_limit

    @property
    def workers(self) -> int:
        """Processes that route kitchen-days in parallel (count)."""
        return int(self.solver.workers)

    @property
    def max_stops_per_solve(self) -> int:
        """Kitchen-days with more stops are split into sectors (stops)."""
        return int(self.solver.max_stops_per_solve)

    @property
    def mix_max_evaluations(self) -> int | None:
        """Cap on open sets ``optimised_mix`` routes for real (``None``: 3 + 2 x candidates)."""
        return self.solver.mix_max_evaluations

    @property
    def routing_params(self) -> SolverParams:
        """The routing backend's parameters (``[solver] backend``, seed, limits in s);
        hashable, so they key the routing memo."""
        from maltid.routing import params_for_backend

        return params_for_backend(
            self.solver.backend,
            time_limit_s=self.time_limit_s,
            seed=self.seed,
            solution_limit=self.solution_limit,
            iteration_limit=self.iteration_limit,
        )

    @functools.cached_property
    def no_road(self) -> Mapping[str, str]:
        """Recipients no vehicle can reach at all -> why: no finite road trip from the
        central kitchen to them or back (the same in every model; they are unserved)."""
        c = self.scenario.central_kitchen
        t = np.asarray(self.matrix.time_s)
        k = self.row(c.id)
        out: dict[str, str] = {}
        for r in sorted(self.scenario.recipients, key=lambda r: r.id):
            j = self.row(r.id)
            if not (np.isfinite(t[k, j]) and np.isfinite(t[j, k])):
                out[r.id] = (
                    f"no road connection between the central kitchen {c.id!r} and the "
                    "recipient (fix: check the position; it snaps to a road cut off from "
                    "the kitchens)"
                )
        return types.MappingProxyType(out)

    def row(self, point_id: str) -> int:
        """Row of ``point_id`` (kitchen or recipient id) in the travel matrix."""
        try:
            return self._rows[point_id]
        except KeyError:
            raise InputError(
                f"travel matrix: no row for {point_id!r} (fix: build the matrix over every "
                "kitchen id and recipient id of the scenario)"
            ) from None

    def with_parameters(self, parameters: Mapping[str, float]) -> ModelContext:
        """Return a copy with other cost parameters (the routing memo is shared: its keys
        hold every input of a solve, rates included)."""
        return dataclasses.replace(self, parameters=dict(parameters))

    def with_scenario(
        self, scenario: Scenario, *, matrix: TravelMatrix, parameters: Mapping[str, float]
    ) -> ModelContext:
        """Return a copy for a variant of the scenario (its matrix and cost parameters),
        with this context's solver settings, seed and routing memo (its keys hold every
        input of a solve)."""
        return dataclasses.replace(
            self, scenario=scenario, matrix=matrix, parameters=dict(parameters)
        )

    def with_solver(self, **changes: float | int | None) -> ModelContext:
        """Return a copy with some solver settings changed (e.g. ``max_stops_per_solve``)."""
        return dataclasses.replace(self, solver=self.solver.model_copy(update=changes))


def central_kitchen(scenario: Scenario) -> KitchenSpec:
    """The scenario's central kitchen spec (positions in degrees)."""
    return scenario.central_kitchen


def make_context(
    scenario: Scenario,
    matrix: TravelMatrix,
    *,
    parameters: Mapping[str, float] | None = None,
    time_limit_s: float | None = None,
    siting_time_limit_s: float | None = None,
    solution_limit: int | None = None,
    iteration_limit: int | None = None,
    workers: int | None = None,
    seed: int | None = None,
    routing_cache: RoutingCache | None = None,
) -> ModelContext:
    """Build a :class:`ModelContext` from a scenario (limits in seconds).

    Defaults: parameters from ``costs.parameters_for(scenario)``, the solver settings from
    ``scenario.solver`` (the keywords override single fields), seed from
    ``scenario.seed``. ``solution_limit`` (OR-Tools search solutions) and
    ``iteration_limit`` (PyVRP iterations) cap the search of each routing solve.
    ``routing_cache`` may be shared between contexts (e.g. the break-even re-solves):
    its keys hold every input of a routing solve (sub-matrices, stops, vehicles with
    their rates, limit, seed). ``workers``: processes routing kitchen-days in parallel.
    """
    if parameters is None:
        from maltid.costs import parameters_for

        parameters = parameters_for(scenario)
    changes: dict[str, float | int] = {}
    if time_limit_s is not None:
        changes["time_limit_s"] = float(time_limit_s)
    if siting_time_limit_s is not None:
        changes["siting_time_limit_s"] = float(siting_time_limit_s)
    if solution_limit is not None:
        changes["solution_limit"] = int(solution_limit)
    if iteration_limit is not None:
        changes["iteration_limit"] = int(iteration_limit)
    if workers is not None:
        changes["workers"] = int(workers)
    solver = scenario.solver.model_copy(update=changes) if changes else scenario.solver
    return ModelContext(
        scenario=scenario,
        matrix=matrix,
        parameters=dict(parameters),
        solver=solver,
        seed=int(scenario.seed if seed is None else seed),
        routing_cache={} if routing_cache is None else routing_cache,
    )

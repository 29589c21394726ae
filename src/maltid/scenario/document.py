"""The whole scenario document (:class:`Scenario`) and how raw data becomes one.

:func:`build_scenario` is the one path from raw TOML-level data to a validated
scenario, used by :func:`maltid.scenario.load_scenario`, :func:`validate_scenario` and
:meth:`Scenario.with_value` alike: schema (:mod:`~maltid.scenario.schema`), rules across
sections (:mod:`~maltid.scenario.rules`), the recipients file
(:mod:`~maltid.scenario.recipients`) and the extent of an OSM file
(:mod:`~maltid.scenario.extent`).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from maltid.errors import Problem, ScenarioError
from maltid.scenario._base import dotted
from maltid.scenario.extent import check_extent, read_osm_bounds
from maltid.scenario.home_care import HomeCareCooking, HomeCareSpec, ProcurementSpec
from maltid.scenario.problems import entry_label, problems_from_validation
from maltid.scenario.recipients import read_recipients_checked
from maltid.scenario.rules import cross_problems, set_dotted, with_defaults
from maltid.scenario.schema import (
    AnalysisSpec,
    CentralChilled,
    CentralDailyHot,
    DeliverySpec,
    FleetSpec,
    KitchenSpec,
    LocalKitchens,
    ModelSpec,
    NetworkSpec,
    OptimisedMix,
    Recipient,
    RecipientsSpec,
    SolverSpec,
)

__all__ = ["Scenario", "build_scenario"]

logger = logging.getLogger("maltid")


class Scenario(BaseModel):
    """One planning scenario: network, recipients, kitchens, fleet, rules, models.

    Build with :func:`load_scenario`; make variants with :meth:`with_value` and
    :meth:`with_recipients` (both re-validate). The loaded recipients are
    :attr:`recipients`; they are not part of :meth:`model_dump` (personal data).

    Attributes
    ----------
    name : str
        Scenario name.
    seed : int
        Random seed of every solver (same inputs + seed -> same result).
    network : NetworkSpec
    recipients_spec : RecipientsSpec
        TOML ``[recipients]``.
    kitchens : tuple of KitchenSpec
        At least one; exactly one with role ``central``.
    fleet : FleetSpec
    delivery : DeliverySpec
    models : tuple of ModelSpec
        At least one; default all four kinds.
    baseline : str
        The model every other is compared with (default: the first ``central_*`` model).
    costs : dict of str to float
        Overrides of the cost catalogue (:func:`maltid.scenario.parameters.default_parameters`),
        checked against each parameter's bounds when the scenario is built.
    solver : SolverSpec
    analysis : AnalysisSpec
    home_care : HomeCareSpec or None
        TOML ``[home_care]``: home-care staff who cook at the door (``home_care_cooking``)
        or carry a local kitchen's meals (``delivery_mode = "home_care"``).
    procurement : ProcurementSpec
        TOML ``[procurement]``: the model the procurement sheet is about.
    source_path : Path or None
        The TOML file this scenario was read from.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        allow_inf_nan=False,
    )

    name: str = Field(min_length=1)
    seed: int = 0
    network: NetworkSpec
    recipients_spec: RecipientsSpec = Field(alias="recipients")
    kitchens: tuple[KitchenSpec, ...] = Field(min_length=1)
    fleet: FleetSpec
    delivery: DeliverySpec
    models: tuple[ModelSpec, ...] = Field(min_length=1)
    baseline: str = ""
    costs: dict[str, float] = Field(default_factory=dict)
    solver: SolverSpec = Field(default_factory=SolverSpec)
    analysis: AnalysisSpec = Field(default_factory=AnalysisSpec)
    home_care: HomeCareSpec | None = None
    procurement: ProcurementSpec = Field(default_factory=ProcurementSpec)
    source_path: Path | None = None

    _recipients: tuple[Recipient, ...] = PrivateAttr(default=())
    _raw: dict[str, Any] | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            data = with_defaults(dict(data))
        return data

    @model_validator(mode="after")
    def _cross(self) -> Scenario:
        found = cross_problems(self.model_dump(by_alias=True, exclude={"source_path"}))
        if found:
            _, loc, message, fix = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise PydanticCustomError(
                "maltid_cross",
                "{message}",
                {"message": f"{dotted(loc)}: {message}{more}", "fix": fix},
            )
        return self

    # ---- loaded data -------------------------------------------------------------

    @property
    def recipients(self) -> tuple[Recipient, ...]:
        """Return the recipients read from the CSV (positions in degrees WGS84)."""
        return self._recipients

    @property
    def central_kitchen(self) -> KitchenSpec:
        """Return the one kitchen with role ``central`` (positions in degrees)."""
        return next(k for k in self.kitchens if k.role == "central")

    @property
    def local_kitchens(self) -> tuple[KitchenSpec, ...]:
        """Return the kitchens with role ``local`` (positions in degrees)."""
        return tuple(k for k in self.kitchens if k.role == "local")

    @property
    def break_even_kitchen(self) -> str | None:
        """Return the id of the local kitchen the break-even is about (unitless).

        ``analysis.break_even_kitchen`` if given, else the first local kitchen, else None.
        """
        if self.analysis.break_even_kitchen is not None:
            return self.analysis.break_even_kitchen
        local = self.local_kitchens
        return local[0].id if local else None

    def kitchen(self, kitchen_id: str) -> KitchenSpec:
        """Return the kitchen with this id (positions in degrees).

        Raises
        ------
        KeyError
            If no kitchen has this id.
        """
        for k in self.kitchens:
            if k.id == kitchen_id:
                return k
        raise KeyError(kitchen_id)

    def model(
        self, name: str
    ) -> CentralDailyHot | CentralChilled | LocalKitchens | OptimisedMix | HomeCareCooking:
        """Return the model spec with this name (unitless).

        Raises
        ------
        KeyError
            If no model has this name.
        """
        for m in self.models:
            if m.name == name:
                return m
        raise KeyError(name)

    # ---- variants ----------------------------------------------------------------

    def _raw_data(self) -> dict[str, Any]:
        if self._raw is not None:
            return copy.deepcopy(self._raw)
        return self.model_dump(by_alias=True, exclude={"source_path"}, exclude_unset=True)

    def with_value(self, path: str, value: Any) -> Scenario:
        """Return a re-validated copy with one value changed (value in the field's unit).

        Parameters
        ----------
        path : str
            Dotted path: ``fleet.<field>``, ``delivery.<field>``, ``network.<field>``,
            ``solver.<field>``, ``analysis.<field>``, ``kitchens.<id>.<field>``,
            ``models.<name>.<field>``, ``costs.<key>``, or a top-level key (``seed``,
            ``name``, ``baseline``). Example: ``"kitchens.camping.cost_per_meal_sek"``.
        value : Any
            The new value, as it would be written in the TOML file.

        Returns
        -------
        Scenario
            A new scenario (same recipients); this one is unchanged.

        Raises
        ------
        ScenarioError
            If the path names nothing, or the changed scenario is invalid (every problem).
        """
        file = str(self.source_path) if self.source_path else "<scenario>"
        data = self._raw_data()
        parts = path.split(".")
        problem = set_dotted(data, parts, value, file=file, path=path)
        if problem is not None:
            raise ScenarioError([problem])
        scenario, problems = build_scenario(
            data, file=file, source_path=self.source_path, recipients=self._recipients
        )
        if problems or scenario is None:
            raise ScenarioError(problems)
        return scenario

    def with_recipients(self, recipients: Sequence[Recipient]) -> Scenario:
        """Return a copy with these recipients (positions in degrees WGS84).

        Raises
        ------
        ScenarioError
            If an item is not a :class:`Recipient` or two share an id.
        """
        file = str(self.source_path) if self.source_path else "<scenario>"
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        for i, r in enumerate(recipients):
            if not isinstance(r, Recipient):
                problems.append(
                    Problem(
                        file,
                        f"recipients[{i}]",
                        f"{r!r} is not a Recipient",
                        "pass Recipient objects",
                    )
                )
                continue
            if r.id in seen:
                problems.append(
                    Problem(
                        file,
                        f"recipients[{i}]",
                        f"duplicate recipient id {r.id!r} (also recipients[{seen[r.id]}])",
                        "give every recipient a unique id",
                    )
                )
            else:
                seen[r.id] = i
        if problems:
            raise ScenarioError(problems)
        new = self.model_copy()
        new._recipients = tuple(recipients)
        return new


# --------------------------------------------------------------------------------------
# raw data -> Scenario
# --------------------------------------------------------------------------------------


def _resolve(value: Any, base_dir: Path | None) -> Any:
    if isinstance(value, str | Path) and str(value).strip():
        p = Path(str(value)).expanduser()
        if base_dir is not None and not p.is_absolute():
            p = base_dir / p
        return p.resolve() if p.is_absolute() else p
    return value


def _warn_unservable(scenario: Scenario, file: str) -> None:
    """Log a warning for inputs that are valid but leave recipients unserved or late.

    A kitchen delivering by car capped at 0 vehicles (``None`` means a sized fleet, no
    warning), and a personal delivery window shorter
    than the service time (min) at a stop, are allowed (they are scenario choices) but
    almost always a typo; the plan reports the consequences, this names the cause.
    """
    fleet = scenario.fleet
    for k in scenario.kitchens:
        vehicles = k.vehicles if k.vehicles is not None else fleet.vehicles_per_kitchen
        if k.delivery_mode == "car" and vehicles == 0:
            where = (
                f"kitchens.{k.id}.vehicles = 0"
                if k.vehicles is not None
                else "fleet.vehicles_per_kitchen = 0"
            )
            logger.warning(
                "%s: kitchen %r has no vehicles (%s): what it would deliver by car goes "
                "to the fallback (fix: give it vehicles, or leave the cap out to size the fleet)",
                file,
                k.id,
                where,
            )
    service_s = fleet.service_s
    csv_file = str(scenario.recipients_spec.path)
    for r in scenario.recipients:
        if r.window_start_s is None or r.window_end_s is None:
            continue
        if r.window_end_s - r.window_start_s < service_s:
            logger.warning(
                "%s: recipient %r: the delivery window %s-%s (%.0f min) is shorter than the "
                "service time (fleet.service_min_per_stop = %g min); the visit starts inside "
                "the window and ends after it",
                csv_file,
                r.id,
                f"{r.window_start_s // 3600:02d}:{r.window_start_s % 3600 // 60:02d}",
                f"{r.window_end_s // 3600:02d}:{r.window_end_s % 3600 // 60:02d}",
                (r.window_end_s - r.window_start_s) / 60.0,
                fleet.service_min_per_stop,
            )


def _resolve_paths(data: dict[str, Any], base_dir: Path | None, file: str) -> list[Problem]:
    """Resolve the network and recipients paths (relative to the scenario file) in place."""
    problems: list[Problem] = []
    network = data.get("network")
    if isinstance(network, dict):
        for key in ("osm", "graphml"):
            if key in network:
                network[key] = _resolve(network[key], base_dir)
                p = network[key]
                if isinstance(p, Path) and not p.is_file():
                    problems.append(
                        Problem(
                            file,
                            f"network.{key}",
                            f"road network file not found: {p.resolve()}",
                            "check the path; relative paths are relative to the scenario file",
                        )
                    )
    rspec = data.get("recipients")
    if isinstance(rspec, dict):
        for key in ("path", "csv"):
            if key in rspec:
                rspec[key] = _resolve(rspec[key], base_dir)
    return problems


def _read_recipients_of(
    data: Mapping[str, Any], file: str
) -> tuple[tuple[Recipient, ...], list[Problem]]:
    """Read the recipients file named in raw ``[recipients]`` (path or its alias csv)."""
    rspec = data.get("recipients")
    if not isinstance(rspec, Mapping):
        return (), []
    key = "path" if "path" in rspec else "csv"
    path = rspec.get(key)
    if not isinstance(path, Path) or ("path" in rspec and "csv" in rspec):
        return (), []  # the schema reports it
    crs = rspec.get("crs", "EPSG:4326")
    layer = rspec.get("layer")
    return read_recipients_checked(
        path.resolve(),
        crs=crs if isinstance(crs, str) else "EPSG:4326",
        layer=layer if isinstance(layer, str) else None,
        scenario_file=file,
        key=key,
    )


def _shared_ids(scenario: Scenario, file: str) -> list[Problem]:
    """Recipients whose id is also a kitchen's or base's id (ids name matrix points)."""
    kitchen_ids = {k.id for k in scenario.kitchens}
    if scenario.home_care is not None:
        kitchen_ids |= {b.id for b in scenario.home_care.bases}
    rfile = str(scenario.recipients_spec.path)
    return [
        Problem(
            rfile,
            f"recipient id {r.id}",
            f"recipient id {r.id!r} is also the id of a kitchen or home-care base",
            "give every kitchen, base and recipient its own id",
        )
        for r in scenario.recipients
        if r.id in kitchen_ids
    ]


def build_scenario(
    data: dict[str, Any],
    *,
    file: str,
    source_path: Path | None,
    recipients: tuple[Recipient, ...] | None = None,
    base_dir: Path | None = None,
) -> tuple[Scenario | None, list[Problem]]:
    """Validate raw TOML-level data into a Scenario, or list every problem found.

    Parameters
    ----------
    data : dict
        The parsed TOML (not modified).
    file : str
        The scenario file, named in the problems.
    source_path : Path or None
        Stored as :attr:`Scenario.source_path`.
    recipients : tuple of Recipient, optional
        Use these instead of reading the recipients file.
    base_dir : Path, optional
        Relative paths are taken from here (the scenario file's folder).

    Returns
    -------
    tuple
        ``(scenario, [])`` or ``(None, problems)``.
    """
    data = with_defaults(copy.deepcopy(data))
    problems: list[Problem] = []
    if "source_path" in data:
        problems.append(
            Problem(file, "source_path", "unknown key 'source_path'", "remove it (set by maltid)")
        )
        del data["source_path"]
    problems.extend(_resolve_paths(data, base_dir, file))
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate({**data, "source_path": source_path})
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, data, file))
    for _, loc, message, fix in cross_problems(data):
        problems.append(Problem(file, dotted(loc) + entry_label(data, loc), message, fix))
    if recipients is None:
        recipients, read_problems = _read_recipients_of(data, file)
        problems.extend(read_problems)
    if scenario is not None and not problems:
        scenario._recipients = tuple(recipients)
        scenario._raw = data
        problems.extend(_shared_ids(scenario, file))
        _warn_unservable(scenario, file)
        # cheap extent check against the OSM header, when the file has one
        if scenario.network.osm is not None:
            bounds = read_osm_bounds(scenario.network.osm)
            if bounds is not None:
                problems.extend(check_extent(scenario, bounds))
    if problems:
        return None, problems
    return scenario, []

"""Write a comparison's result files into a folder, atomically and resumably.

A scenario's output folder holds ``comparison.csv``, ``unserved.csv``, ``break_even.csv``,
``procurement.csv`` (functional requirements and ceiling prices),
``routes.csv``, ``routes.geojson``, ``outputs.gpkg`` (routes, recipients counted per
square, kitchens: for QGIS), ``comparison.json`` (the comparison as data, re-loadable
without solving by :func:`load_comparison`), ``map.html``, ``report.html`` and, written
LAST, ``manifest.json``. A folder without a manifest (or with a manifest for other
inputs) is not complete: an interrupted run never leaves output that looks complete but
is not, and a rerun redoes exactly those folders.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import os
import tempfile
import types
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maltid._io import atomic_write_csv, atomic_write_text
from maltid.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from maltid.comparison import Comparison, Conclusion, ModelResult
    from maltid.network import RoadNetwork
    from maltid.results import WeekPlan
    from maltid.scenario import Scenario

__all__ = [
    "MANIFEST",
    "OUTPUT_FILES",
    "SAVED_FORMAT",
    "comparison_data",
    "inputs_digest",
    "is_complete",
    "load_comparison",
    "write_geopackage",
    "write_outputs",
]

logger = logging.getLogger("maltid")

MANIFEST = "manifest.json"
OUTPUT_FILES = (
    "comparison.csv",
    "unserved.csv",
    "break_even.csv",
    "procurement.csv",
    "routes.csv",
    "routes.geojson",
    "outputs.gpkg",
    "comparison.json",
    "map.html",
    "report.html",
)

#: Name and version of the data-only saved form written to ``comparison.json``.
SAVED_FORMAT = ("maltid-comparison", 1)


def _file_digest(path: Path, h: Any) -> None:
    h.update(str(path.name).encode())
    with open(path, "rb") as fh:
        h.update(hashlib.file_digest(fh, "sha256").digest())


def _input_files(scenario: Scenario) -> Iterable[Path]:
    if scenario.source_path is not None:
        yield Path(scenario.source_path)
    yield Path(scenario.recipients_spec.path)
    for p in (scenario.network.osm, scenario.network.graphml):
        if p is not None:
            yield Path(p)


def inputs_digest(scenario: Scenario, *, options: Mapping[str, Any] | None = None) -> str:
    """Return a sha256 hex digest of everything a scenario's results depend on.

    The digest covers the scenario TOML, the recipients CSV, the network file, the
    validated scenario itself, the output options and the maltid version.
    """
    import maltid

    h = hashlib.sha256()
    h.update(f"maltid {maltid.__version__}\n".encode())
    for path in _input_files(scenario):
        if path.is_file():
            _file_digest(path, h)
    dump = scenario.model_dump(mode="json")
    h.update(json.dumps(dump, sort_keys=True, default=str).encode())
    h.update(json.dumps(dict(options or {}), sort_keys=True, default=str).encode())
    return h.hexdigest()


def is_complete(out_dir: str | Path, digest: str) -> bool:
    """Return True when ``out_dir`` holds a finished run for inputs with ``digest``."""
    out_dir = Path(out_dir)
    manifest = out_dir / MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if data.get("inputs_digest") != digest:
        return False
    return all((out_dir / name).is_file() for name in data.get("files", []))


def write_outputs(
    comparison: Comparison,
    out_dir: str | Path,
    *,
    lang: str = "sv",
    show_recipients: bool = False,
    digest: str | None = None,
) -> dict[str, Path]:
    """Write every result file of one comparison into ``out_dir``; return name -> path.

    Each file is written atomically; ``manifest.json`` is written last, so its presence
    means the folder is complete.
    """
    from maltid.analysis.procurement import procurement_sheet
    from maltid.faces.maps import render_map
    from maltid.faces.procurement import procurement_section, write_procurement_csv
    from maltid.faces.report import render_report
    from maltid.faces.tables import routes_frame, routes_geojson, unserved_frame
    from maltid.network import RoadPaths

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # A stale manifest must not vouch for files we are about to replace.
    (out_dir / MANIFEST).unlink(missing_ok=True)

    written: dict[str, Path] = {}
    written["comparison.csv"] = atomic_write_csv(out_dir / "comparison.csv", comparison.table)
    written["unserved.csv"] = atomic_write_csv(
        out_dir / "unserved.csv", unserved_frame(comparison, lang=lang)
    )
    if comparison.break_even is not None:
        written["break_even.csv"] = atomic_write_csv(
            out_dir / "break_even.csv", comparison.break_even
        )
    # Built by compare; a comparison built without it is re-priced here on its own
    # plans, never re-solved.
    sheet = comparison.procurement or procurement_sheet(comparison, resolve=False)
    written["procurement.csv"] = write_procurement_csv(
        comparison, out_dir / "procurement.csv", lang=lang, sheet=sheet
    )
    written["routes.csv"] = atomic_write_csv(out_dir / "routes.csv", routes_frame(comparison))
    # the routes' road geometry, searched once for routes.geojson, outputs.gpkg and the maps
    paths = RoadPaths(comparison.network)
    routes = routes_geojson(comparison, paths=paths)
    written["routes.geojson"] = atomic_write_text(
        out_dir / "routes.geojson", json.dumps(routes, ensure_ascii=False)
    )
    written["outputs.gpkg"] = write_geopackage(
        comparison, out_dir / "outputs.gpkg", show_recipients=show_recipients, routes=routes
    )
    written["comparison.json"] = atomic_write_text(
        out_dir / "comparison.json",
        json.dumps(comparison_data(comparison), ensure_ascii=False, sort_keys=True),
    )
    map_html = render_map(comparison, lang=lang, show_recipients=show_recipients, paths=paths)
    written["map.html"] = atomic_write_text(out_dir / "map.html", map_html)
    # The report goes to decision makers: its embedded map always aggregates recipients,
    # even when the planner asked for exact positions on map.html.
    report_map = map_html if not show_recipients else render_map(comparison, lang=lang, paths=paths)
    written["report.html"] = atomic_write_text(
        out_dir / "report.html",
        render_report(
            comparison,
            lang=lang,
            map_html=report_map,
            procurement_html=procurement_section(comparison, lang, sheet=sheet),
        ),
    )
    if digest is None:
        digest = inputs_digest(
            comparison.scenario, options={"lang": lang, "show_recipients": show_recipients}
        )
    manifest = {
        "scenario": comparison.scenario.name,
        "inputs_digest": digest,
        "files": sorted(written),
    }
    written[MANIFEST] = atomic_write_text(
        out_dir / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False)
    )
    logger.info("wrote %d files to %s", len(written), out_dir)
    return written


# --------------------------------------------------------------------------------------
# GeoPackage
# --------------------------------------------------------------------------------------


def write_geopackage(
    comparison: Comparison,
    path: str | Path,
    *,
    show_recipients: bool = False,
    routes: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``routes``, ``recipients`` and ``kitchens`` layers to one GeoPackage (EPSG:4326).

    ``recipients`` holds recipients counted per grid square (never a position); with
    ``show_recipients`` an extra ``recipient_points`` layer holds the exact positions
    (for the municipality's planners only). ``routes`` is the comparison's
    :func:`~maltid.faces.tables.routes_geojson` when already built. Written atomically;
    returns the path.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    from maltid.faces.tables import kitchens_gdf, recipient_cells_gdf, routes_gdf

    layers: list[tuple[str, Any]] = [
        ("routes", routes_gdf(comparison, routes=routes)),
        ("recipients", recipient_cells_gdf(comparison)),
        ("kitchens", kitchens_gdf(comparison)),
    ]
    if show_recipients:
        rs = comparison.scenario.recipients
        layers.append(
            (
                "recipient_points",
                gpd.GeoDataFrame(
                    {"id": [str(r.id) for r in rs]},
                    geometry=[Point(float(r.lon), float(r.lat)) for r in rs],
                    crs="EPSG:4326",
                ),
            )
        )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # GDAL wants the .gpkg extension: write in a private folder beside the target, then
    # rename (atomic on the same file system)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}.", dir=target.parent) as tmp_dir:
        tmp = Path(tmp_dir) / target.name
        for name, gdf in layers:
            gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
        os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------------------
# the comparison as data (comparison.json) and back
# --------------------------------------------------------------------------------------


def _data(value: Any) -> Any:
    """Plain JSON data of a result value: dataclasses, mappings, sequences, numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # fields outside equality (solve times) are left out: the file is deterministic
        return {
            f.name: _data(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare
        }
    if isinstance(value, Mapping):
        return {str(k): _data(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(value) if isinstance(value, (frozenset, set)) else value
        return [_data(v) for v in items]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _frame_data(frame: pd.DataFrame | None) -> dict[str, Any] | None:
    if frame is None:
        return None
    return {
        "columns": [str(c) for c in frame.columns],
        "data": _data(frame.to_dict(orient="split")["data"]),
        "attrs": _data(dict(frame.attrs)),
    }


def comparison_data(comparison: Comparison) -> dict[str, Any]:
    """The comparison as plain data (JSON-ready): scenario, plans, outcomes, frames.

    No network and no travel matrix (both are rebuilt from the scenario's network file
    and the disk cache by :func:`load_comparison`); no pickle.
    """
    import maltid

    scenario = comparison.scenario
    return {
        "format": list(SAVED_FORMAT),
        "maltid_version": maltid.__version__,
        "scenario": scenario.model_dump(mode="json", by_alias=True, exclude={"source_path"}),
        "source_path": None if scenario.source_path is None else str(scenario.source_path),
        "recipients": [r.model_dump(mode="json") for r in scenario.recipients],
        "results": [
            {
                "name": r.name,
                "kind": r.kind,
                "plan": _data(r.plan),
                "outcome": _data(r.outcome),
                "siting": None if r.siting is None else _data(r.siting),
            }
            for r in comparison.results.values()
        ],
        "baseline": comparison.baseline,
        "cheapest_central": comparison.cheapest_central,
        "notes": list(comparison.notes),
        "conclusion": None if comparison.conclusion is None else _data(comparison.conclusion),
        "frames": {
            name: _frame_data(getattr(comparison, name))
            for name in (
                "table",
                "assumptions",
                "break_even",
                "sensitivity",
                "difference_tornado",
                "not_served",
                "robustness",
            )
        },
    }


def _tuples(value: Any) -> Any:
    """Lists back to tuples, recursively (the frozen results hold tuples)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _proxy(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return types.MappingProxyType(dict(value))


def _week_plan(d: Mapping[str, Any]) -> WeekPlan:
    from maltid.results import DayPlan, KitchenWeek, LocalDelivery, RecipientOutcome, WeekPlan
    from maltid.routing import Route, RoutingPlan, Unserved

    days = []
    for day in d["days"]:
        rp = day["plan"]
        untimed = {f.name: math.nan for f in dataclasses.fields(RoutingPlan) if not f.compare}
        plan = RoutingPlan(
            **{
                **untimed,
                **{k: _tuples(v) for k, v in rp.items()},
                "routes": tuple(Route(**_tuples(r)) for r in rp["routes"]),
                "unserved": tuple(Unserved(**u) for u in rp["unserved"]),
                "kitchen_to_plate_s": _proxy(rp["kitchen_to_plate_s"]),
            }
        )
        fields = {k: _tuples(v) for k, v in day.items()}
        for name in ("fresh_meals", "chilled_meals", "chilled_days_kept"):
            if name in day:
                fields[name] = _proxy(day[name])
        days.append(DayPlan(**{**fields, "plan": plan}))
    fields = {k: _tuples(v) for k, v in d.items()}
    fields.update(
        kitchens=tuple(KitchenWeek(**_tuples(k)) for k in d["kitchens"]),
        days=tuple(days),
        assignment=_proxy(d["assignment"]),
        unserved=_proxy(d["unserved"]),
        local_deliveries=tuple(LocalDelivery(**ld) for ld in d["local_deliveries"]),
        outcomes=_proxy({rid: RecipientOutcome(**_tuples(o)) for rid, o in d["outcomes"].items()}),
        vehicles_needed=_proxy(d["vehicles_needed"]),
    )
    return WeekPlan(**fields)


def _result(d: Mapping[str, Any]) -> ModelResult:
    from maltid.comparison import ModelResult
    from maltid.costs import WeeklyOutcome
    from maltid.models import SitingReport

    siting = None
    if d["siting"] is not None:
        s = {k: _tuples(v) for k, v in d["siting"].items()}
        for name in ("delta_total_cost_sek", "delta_objective_sek", "delta_close_total_cost_sek"):
            if name in s:
                s[name] = _proxy(s[name])
        siting = SitingReport(**s)
    return ModelResult(
        name=str(d["name"]),
        kind=str(d["kind"]),
        plan=_week_plan(d["plan"]),
        outcome=WeeklyOutcome(**d["outcome"]),
        siting=siting,
    )


def _conclusion(d: Mapping[str, Any] | None) -> Conclusion | None:
    from maltid.comparison import Conclusion, LocalVerdict, OutcomeDifference

    if d is None:
        return None
    verdicts = tuple(
        LocalVerdict(
            **{
                **v,
                "break_even": _tuples(v["break_even"]),
                "outcomes": tuple(OutcomeDifference(**o) for o in v["outcomes"]),
            }
        )
        for v in d["locals"]
    )
    return Conclusion(**{**d, "locals": verdicts})


def _frame(d: Mapping[str, Any] | None) -> pd.DataFrame | None:
    import pandas as pd

    if d is None:
        return None
    frame = pd.DataFrame(d["data"], columns=d["columns"])
    frame.attrs.update(d.get("attrs") or {})
    return frame


def load_comparison(
    out_dir: str | Path, *, network: RoadNetwork | None = None, cache_dir: str | None = None
) -> Comparison:
    """Re-load a comparison from ``out_dir/comparison.json`` without solving anything.

    The road network is loaded from ``network`` or the scenario's network source (the
    disk cache when it holds it) and the travel matrix rebuilt or read from the cache, so
    the map can draw the routes along the roads again.

    Raises
    ------
    InputError
        No ``comparison.json`` in the folder, or one of another format.
    """
    from maltid.comparison import Comparison
    from maltid.network import load_network
    from maltid.pipeline import prepare_matrix
    from maltid.scenario import Recipient, Scenario

    path = Path(out_dir) / "comparison.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{path}: not found (fix: give a folder written by `maltid compare`, or rerun it)"
        ) from None
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc}) (fix: rerun `maltid compare`)") from None
    if tuple(data.get("format") or ()) != SAVED_FORMAT:
        raise InputError(
            f"{path}: format {data.get('format')!r}, expected {list(SAVED_FORMAT)} "
            "(fix: rerun `maltid compare` with this maltid version)"
        )
    src = data.get("source_path")
    scenario = Scenario.model_validate(
        {**data["scenario"], "source_path": None if src is None else Path(src)}
    ).with_recipients([Recipient(**r) for r in data["recipients"]])
    if network is None:
        network = load_network(scenario.network, cache_dir=cache_dir)
    snapped, matrix = prepare_matrix(scenario, network, cache_dir=cache_dir)
    frames = {name: _frame(f) for name, f in data["frames"].items()}
    table = frames.pop("table")
    assumptions = frames.pop("assumptions")
    if table is None or assumptions is None:
        raise InputError(f"{path}: no comparison table (fix: rerun `maltid compare`)")
    results = {r["name"]: _result(r) for r in data["results"]}
    return Comparison(
        scenario=scenario,
        network=network,
        snapped=snapped,
        matrix=matrix,
        results=types.MappingProxyType(results),
        table=table,
        baseline=str(data["baseline"]),
        assumptions=assumptions,
        notes=tuple(data["notes"]),
        cheapest_central=data.get("cheapest_central"),
        conclusion=_conclusion(data.get("conclusion")),
        break_even=frames.get("break_even"),
        sensitivity=frames.get("sensitivity"),
        difference_tornado=frames.get("difference_tornado"),
        not_served=frames.get("not_served"),
        robustness=frames.get("robustness"),
    )

"""Many scenarios at once: serial, on a local dask cluster, or on a remote scheduler.

One failed scenario never stops a batch: it appears in ``summary.csv`` with its error and
the rest complete. Rerunning the same command skips finished scenarios (each folder's
``manifest.json`` records a digest of its inputs) and gives identical results.

Networks are built once per region before any scenario starts, in the calling process,
so every worker loads them from the shared disk cache instead of rebuilding them.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maltid._io import atomic_write_csv
from maltid.errors import InputError, ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from maltid.network import RoadNetwork
    from maltid.scenario import Scenario

__all__ = ["ParamGrid", "expand_grid", "parse_param", "run_batch", "run_sweep"]

logger = logging.getLogger("maltid")

Progress = Callable[[str, int, int], None]

#: Seconds to wait for a remote dask scheduler before giving up.
_CONNECT_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class _Job:
    key: str  # output sub-folder name
    path: Path | None  # scenario file, or None for an in-memory variant
    scenario: Scenario | None  # a variant of a sweep, else loaded in the worker
    variant: tuple[tuple[str, float], ...] = ()


def _path(job: _Job) -> Path:
    if job.path is None:  # pragma: no cover - every job has a scenario or a path
        raise InputError(f"batch job {job.key!r} has neither a scenario nor a path")
    return job.path


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._")
    return slug or "scenario"


def _run_job(
    job: _Job,
    out_dir: str,
    lang: str,
    show_recipients: bool,
    force: bool,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Run one scenario end to end in a worker; return its summary rows (never raises).

    ``progress``: the compare's stages (serial runs only: a callback does not travel to a
    dask worker).
    """
    from maltid.faces.export import inputs_digest, is_complete, write_outputs
    from maltid.scenario import load_scenario

    folder = Path(out_dir) / job.key
    base = _base_row(job)
    try:
        scenario = job.scenario if job.scenario is not None else load_scenario(_path(job))
        options = {"lang": lang, "show_recipients": show_recipients, "variant": job.variant}
        digest = inputs_digest(scenario, options=options)
        if not force and is_complete(folder, digest):
            logger.info("%s: complete, skipped (use --force to recompute)", job.key)
            return _rows_from_folder(folder, base, status="ok", resumed=True)
        from maltid.pipeline import compare

        comparison = compare(scenario, progress=progress)
        write_outputs(comparison, folder, lang=lang, show_recipients=show_recipients, digest=digest)
        return _rows_from_table(comparison.table, base, status="ok", resumed=False)
    except ScenarioError as exc:
        msg = "; ".join(str(p) for p in exc.problems)
        return [{**base, "status": "bad_input", "error": msg, "resumed": False}]
    except InputError as exc:
        return [{**base, "status": "bad_input", "error": str(exc), "resumed": False}]
    except Exception as exc:  # one failed scenario must not stop the batch
        logger.exception("%s failed", job.key)
        return [
            {**base, "status": "failed", "error": f"{type(exc).__name__}: {exc}", "resumed": False}
        ]


def _base_row(job: _Job) -> dict[str, Any]:
    # ``folder`` is relative to the summary's folder, so that summary.csv does not depend
    # on where the batch was written (serial and distributed runs give identical files).
    base: dict[str, Any] = {"scenario": job.key, "folder": job.key}
    base.update({name: value for name, value in job.variant})
    return base


def _rows_from_table(table: pd.DataFrame, base: dict, *, status: str, resumed: bool) -> list[dict]:
    rows = []
    for rec in table.to_dict(orient="records"):
        rows.append({**base, "status": status, "error": "", "resumed": resumed, **rec})
    return rows


def _rows_from_folder(folder: Path, base: dict, *, status: str, resumed: bool) -> list[dict]:
    import pandas as pd

    # round_trip: the floats read back equal the ones written (pandas' default parser
    # may be off by one ulp), so a resumed summary is identical to a computed one.
    table = pd.read_csv(folder / "comparison.csv", float_precision="round_trip")
    return _rows_from_table(table, base, status=status, resumed=resumed)


def _prebuild_networks(jobs: Sequence[_Job]) -> None:
    """Build each distinct network and travel matrix once, here, before any job starts.

    Workers then read both from the disk cache (``MALTID_CACHE_DIR``; on a remote cluster
    it must be a folder every worker and this process share) instead of each rebuilding
    them. Errors are left for the jobs themselves to report.
    """
    from maltid.network import load_network
    from maltid.pipeline import prepare_matrix
    from maltid.scenario import load_scenario

    networks: dict[str, RoadNetwork] = {}
    for job in jobs:
        try:
            scenario = job.scenario if job.scenario is not None else load_scenario(_path(job))
            key = scenario.network.model_dump_json()
            if key not in networks:
                logger.info("%s: building the road network once for the batch", job.key)
                networks[key] = load_network(scenario.network)
            # snaps and builds the matrix, or finds it in the disk cache
            prepare_matrix(scenario, networks[key])
        except Exception as exc:  # the job reports it (bad input or failure)
            logger.debug("%s: prebuild skipped (%s)", job.key, exc)
            continue


def _execute(
    jobs: Sequence[_Job],
    out: Path,
    *,
    lang: str,
    show_recipients: bool,
    force: bool,
    workers: int,
    scheduler: str | None,
    progress: Progress | None,
) -> pd.DataFrame:
    import pandas as pd

    # workers run in other processes (other machines, other working directories): every
    # path they see must be absolute
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    total = len(jobs)
    if progress:
        progress("scenarios", 0, total)
    results: list[list[dict]] = [[] for _ in jobs]
    if workers <= 1 and scheduler is None:
        for i, job in enumerate(jobs):
            results[i] = _run_job(job, str(out), lang, show_recipients, force, progress)
            if progress:
                progress("scenarios", i + 1, total)
    else:
        _prebuild_networks(jobs)
        from dask.distributed import Client, LocalCluster, as_completed

        cluster = None
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout=_CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(
                    f"--scheduler {scheduler}: cannot connect to a dask scheduler there "
                    f"({type(exc).__name__}: {exc}) (fix: start one with `dask scheduler` "
                    "and give its tcp://HOST:PORT address, or use --workers N for a local "
                    "cluster)"
                ) from None
        try:
            futures = {
                client.submit(_run_job, job, str(out), lang, show_recipients, force, pure=False): i
                for i, job in enumerate(jobs)
            }
            for done, fut in enumerate(as_completed(futures), start=1):
                i = futures[fut]
                try:
                    results[i] = fut.result()
                except Exception as exc:  # a worker died: report, keep going
                    results[i] = [
                        {
                            **_base_row(jobs[i]),
                            "status": "failed",
                            "error": f"worker failure: {type(exc).__name__}: {exc}",
                            "resumed": False,
                        }
                    ]
                if progress:
                    progress("scenarios", done, total)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    rows = list(itertools.chain.from_iterable(results))
    summary = pd.DataFrame(rows)
    atomic_write_csv(out / "summary.csv", summary)
    return summary


def _job_keys(paths: Sequence[Path]) -> list[str]:
    keys: list[str] = []
    for p in paths:
        key = _slug(Path(p).stem)
        candidate, n = key, 2
        while candidate in keys:
            candidate, n = f"{key}_{n}", n + 1
        keys.append(candidate)
    return keys


def run_batch(
    scenarios: Sequence[str | Path],
    out: str | Path,
    *,
    lang: str = "sv",
    show_recipients: bool = False,
    force: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Compare every scenario file and write one folder each plus ``summary.csv``.

    Parameters
    ----------
    scenarios : sequence of path
        Scenario TOML files.
    out : path
        Output folder; each scenario gets ``out/<file stem>/``.
    workers : int, keyword-only
        Number of worker processes of a local dask cluster (1 = serial, in-process).
    scheduler : str, keyword-only
        Address of a running dask scheduler (``tcp://host:8786``); overrides ``workers``.

    Returns
    -------
    pandas.DataFrame
        ``summary.csv``: a row per scenario × model, with ``status`` (ok, bad_input,
        failed) and ``error``.
    """
    paths = [Path(p).resolve() for p in scenarios]
    jobs = [
        _Job(key=k, path=p, scenario=None) for k, p in zip(_job_keys(paths), paths, strict=True)
    ]
    return _execute(
        jobs,
        Path(out),
        lang=lang,
        show_recipients=show_recipients,
        force=force,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
    )


@dataclass(frozen=True)
class ParamGrid:
    """One swept parameter: a dotted scenario field and its values."""

    name: str
    values: tuple[float, ...]


def parse_param(text: str) -> ParamGrid:
    """Parse ``dotted.name=START:STOP:STEP`` (inclusive) or ``dotted.name=v1,v2,...``."""
    if "=" not in text:
        raise InputError(
            f"--param {text!r}: expected NAME=START:STOP:STEP or NAME=V1,V2 "
            "(e.g. fleet.cost_per_km_sek=2:4:0.5)"
        )
    name, spec = (s.strip() for s in text.split("=", 1))
    try:
        if ":" in spec:
            start, stop, step = (float(v) for v in spec.split(":"))
            if step <= 0 or stop < start:
                raise ValueError
            n = round((stop - start) / step) + 1
            values = tuple(
                round(start + i * step, 10) for i in range(n) if start + i * step <= stop + 1e-9
            )
        else:
            values = tuple(float(v) for v in spec.split(","))
    except ValueError:
        raise InputError(
            f"--param {text!r}: values must be START:STOP:STEP with STEP > 0 and "
            "STOP >= START, or a comma-separated list of numbers"
        ) from None
    if not values:
        raise InputError(f"--param {text!r}: no values")
    return ParamGrid(name=name, values=values)


def expand_grid(
    scenario: Scenario, grids: Sequence[ParamGrid]
) -> list[tuple[str, Scenario, tuple]]:
    """Return ``(key, variant, ((name, value), ...))`` for every point of the grid."""
    out = []
    for combo in itertools.product(*(g.values for g in grids)):
        variant = scenario
        pairs = tuple((g.name, v) for g, v in zip(grids, combo, strict=True))
        for name, value in pairs:
            variant = variant.with_value(name, value)
        key = "__".join(f"{_slug(n)}={v:g}" for n, v in pairs) or "base"
        out.append((key, variant, pairs))
    return out


def run_sweep(
    scenario_path: str | Path,
    params: Sequence[str],
    out: str | Path,
    *,
    lang: str = "sv",
    force: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Expand a parameter grid over one scenario and compare every variant.

    Writes ``out/<variant>/`` folders and one ``summary.csv`` with a row per variant ×
    model; the swept parameters are columns of the summary.
    """
    from maltid.scenario import load_scenario

    scenario = load_scenario(Path(scenario_path).resolve())
    grids = [parse_param(p) for p in params]
    jobs = [
        _Job(key=key, path=None, scenario=variant, variant=pairs)
        for key, variant, pairs in expand_grid(scenario, grids)
    ]
    return _execute(
        jobs,
        Path(out),
        lang=lang,
        show_recipients=False,
        force=force,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
    )

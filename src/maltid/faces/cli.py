"""The ``maltid`` command line: a thin layer from arguments to the library and to files.

Exit codes: 0 ok, 2 bad input (scenario, CSV, OSM file, arguments), 1 any other failure.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from maltid import __version__
from maltid.errors import InputError, MaltidError, ScenarioError

if TYPE_CHECKING:
    from maltid.comparison import Comparison
    from maltid.scenario import Scenario

__all__ = ["app", "main"]

logger = logging.getLogger("maltid")

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2

app = typer.Typer(
    name="maltid",
    help=(
        "Plan home-delivered meals for rural municipalities: compare a central kitchen "
        "(daily hot or weekly chilled) with local village kitchens (the Frame Lake model) "
        "on real OpenStreetMap roads.\n\nStart with:  maltid demo --out maltid-demo"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
network_app = typer.Typer(help="Build and cache road networks.", no_args_is_help=True)
app.add_typer(network_app, name="network")


class _State:
    quiet = False
    verbose = False


def _setup_logging(*, quiet: bool, verbose: bool) -> None:
    from rich.console import Console
    from rich.logging import RichHandler

    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    root = logging.getLogger("maltid")
    root.handlers = [h for h in root.handlers if isinstance(h, logging.NullHandler)]
    # Log records (warnings included) go to stderr: stdout stays for results.
    handler = RichHandler(
        console=Console(stderr=True), show_path=False, show_time=False, markup=False
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def _err(message: str) -> None:
    sys.stderr.write(message.rstrip() + "\n")


def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"maltid {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Debug logging and full tracebacks.")
    ] = False,
) -> None:
    _State.quiet, _State.verbose = quiet, verbose
    _setup_logging(quiet=quiet, verbose=verbose)


@contextlib.contextmanager
def _guard() -> Iterator[None]:
    """Turn maltid's errors into exit codes and plain messages, never a raw traceback."""
    try:
        yield
    except typer.Exit:
        raise
    except ScenarioError as exc:
        _err(f"error: {len(exc.problems)} problem(s) found:")
        for p in exc.problems:
            _err(f"  - {p}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except InputError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        _err("interrupted: finished scenarios are complete; rerun the same command to resume.")
        raise typer.Exit(130) from None
    except (MaltidError, Exception) as exc:
        if _State.verbose:
            traceback.print_exc()
        _err(f"error: {type(exc).__name__}: {exc}")
        if not _State.verbose:
            _err("(run with --verbose for the full traceback)")
        raise typer.Exit(EXIT_FAILURE) from None


@contextlib.contextmanager
def _progress() -> Iterator[Callable[..., None]]:
    """Yield a ``(stage, done, total, detail="")`` callback drawing rich progress bars."""
    from maltid.faces.console import progress_bars

    with progress_bars(quiet=_State.quiet) as update:
        yield update


def _run_one(
    scenario: Scenario,
    out_dir: Path,
    *,
    lang: str,
    show_recipients: bool,
    progress: Callable[[str, int, int], None],
) -> Comparison:
    from maltid.faces.export import inputs_digest, write_outputs
    from maltid.pipeline import compare

    comparison = compare(scenario, progress=progress)
    digest = inputs_digest(scenario, options={"lang": lang, "show_recipients": show_recipients})
    write_outputs(comparison, out_dir, lang=lang, show_recipients=show_recipients, digest=digest)
    return comparison


LangOpt = Annotated[str, typer.Option("--lang", help="Language of map and report: sv or en.")]
ShowOpt = Annotated[
    bool,
    typer.Option(
        "--show-recipients",
        help="Show exact recipient positions on the map (personal data: off by default).",
    ),
]
WorkersOpt = Annotated[
    int, typer.Option("--workers", min=1, help="Worker processes (a local dask cluster).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Address of a dask scheduler, e.g. tcp://host:8786."),
]


def _check_lang(lang: str) -> str:
    if lang not in ("sv", "en"):
        _err(f"error: --lang must be 'sv' or 'en', got {lang!r}")
        raise typer.Exit(EXIT_BAD_INPUT)
    return lang


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the demo into.")] = Path(
        "maltid-demo"
    ),
    seed: Annotated[int, typer.Option(help="Seed of the synthetic municipality.")] = 1,
    lang: LangOpt = "sv",
    show_recipients: ShowOpt = False,
) -> None:
    """Generate the synthetic demo municipality and compare every delivery model.

    Writes scenario.toml, recipients.csv and demo.osm (edit and rerun with
    `maltid compare`), and comparison.csv, routes, map.html and report.html.

    Example:  maltid demo --out maltid-demo
    """
    _check_lang(lang)
    with _guard():
        from maltid.demo import write_demo
        from maltid.scenario import load_scenario

        scenario_path = write_demo(out, seed=seed, overwrite=True)
        scenario = load_scenario(scenario_path)
        with _progress() as progress:
            comparison = _run_one(
                scenario, out, lang=lang, show_recipients=show_recipients, progress=progress
            )
        _print_table(comparison)
        sys.stdout.write(f"Open {out / 'report.html'} and {out / 'map.html'} in a browser.\n")


@app.command()
def validate(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario TOML file(s).")],
    network: Annotated[
        bool,
        typer.Option(
            "--network/--no-network",
            help="Also build (or load from cache) the road network and check every point "
            "lies within its extent.",
        ),
    ] = True,
) -> None:
    """Check scenario files without solving; list EVERY problem found.

    Example:  maltid validate scenario.toml
    """
    from maltid.scenario import validate_scenario

    bad = False
    for path in scenarios:
        with _guard():
            problems = validate_scenario(path)
            scenario = None
            if not problems:
                from maltid.scenario import load_scenario

                scenario = load_scenario(path)
                if network:
                    problems = _extent_problems(scenario)
            if problems:
                bad = True
                _err(f"{path}: {len(problems)} problem(s):")
                for p in problems:
                    _err(f"  - {p}")
                continue
            assert scenario is not None
            sys.stdout.write(f"{path}: OK: {_summary(scenario)}\n")
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


def _extent_problems(scenario: Scenario) -> list[Any]:
    """Points outside the road network's extent, and kitchens too far from any road."""
    from maltid.network import load_network
    from maltid.pipeline import check_network_reach
    from maltid.scenario import check_extent

    net = load_network(scenario.network)
    problems = list(check_extent(scenario, net.bounds))
    if problems:
        return problems
    reach = check_network_reach(scenario, net)
    for warning in reach.warnings:
        logger.warning("%s", warning)
    return list(reach.problems)


def _summary(scenario: Scenario) -> str:
    net = scenario.network
    if getattr(net, "osm", None):
        source = f"osm {net.osm}"
    elif getattr(net, "graphml", None):
        source = f"graphml {net.graphml}"
    elif getattr(net, "place", None):
        source = f"place {net.place!r} (download)"
    else:
        source = f"bbox {net.bbox} (download)"
    models = ", ".join(m.name for m in scenario.models)
    return (
        f"{scenario.name!r}: {len(scenario.recipients)} recipients, "
        f"{len(scenario.kitchens)} kitchens, {len(scenario.models)} models ({models}), "
        f"network {source}"
    )


@app.command("compare")
def compare_cmd(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario TOML file(s).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("maltid-out"),
    lang: LangOpt = "sv",
    show_recipients: ShowOpt = False,
    force: Annotated[
        bool, typer.Option("--force", help="Recompute scenarios that are already complete.")
    ] = False,
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
) -> None:
    """Compare delivery models for one or more scenarios.

    Writes one folder per scenario (comparison.csv, routes.csv, routes.geojson,
    map.html, report.html) and summary.csv across scenarios. Rerunning the same
    command skips scenarios that are already complete.

    Example:  maltid compare kommun.toml vinter.toml --out results
    """
    _check_lang(lang)
    from maltid.faces.batch import run_batch

    with _guard(), _progress() as progress:
        summary = run_batch(
            scenarios,
            out,
            lang=lang,
            show_recipients=show_recipients,
            force=force,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
    if len(summary) and "total_cost_sek_per_week" in summary.columns:
        for name, rows in summary[summary["status"] == "ok"].groupby("scenario", sort=False):
            _print_text_table(rows, str(name))
    _report_summary(summary, out)


def _report_summary(summary: Any, out: Path) -> None:
    failed = summary[summary["status"] != "ok"] if len(summary) else summary
    sys.stdout.write(f"wrote {out / 'summary.csv'}\n")
    if len(failed):
        bad_input = (failed["status"] == "bad_input").all()
        for _, row in failed.drop_duplicates("scenario").iterrows():
            _err(f"{row['scenario']}: {row['status']}: {row['error']}")
        raise typer.Exit(EXIT_BAD_INPUT if bad_input else EXIT_FAILURE)


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    param: Annotated[
        list[str],
        typer.Option(
            "--param",
            help="NAME=START:STOP:STEP or NAME=V1,V2 (repeatable), e.g. "
            "fleet.cost_per_km_sek=2:4:0.5 or kitchens.camping.cost_per_meal_sek=60,70,80.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("maltid-sweep"),
    lang: LangOpt = "sv",
    force: Annotated[
        bool, typer.Option("--force", help="Recompute variants that are already complete.")
    ] = False,
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
) -> None:
    """Expand a parameter grid over one scenario; one summary row per variant × model.

    Example:  maltid sweep kommun.toml --param fleet.cost_per_km_sek=2:4:0.5 --out sweep
    """
    _check_lang(lang)
    from maltid.faces.batch import run_sweep

    with _guard(), _progress() as progress:
        summary = run_sweep(
            scenario,
            param,
            out,
            lang=lang,
            force=force,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
    _report_summary(summary, out)


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="A result folder written by compare or demo.")],
    lang: LangOpt = "sv",
    show_recipients: ShowOpt = False,
) -> None:
    """Rebuild report.html and map.html from saved results, without solving anything.

    Reads FOLDER/comparison.json (written by `maltid compare` and `maltid demo`); the
    road network comes from the network cache (or is rebuilt from the scenario's OSM file).

    Example:  maltid report results/kommun --lang en
    """
    _check_lang(lang)
    with _guard():
        from maltid.analysis.procurement import procurement_sheet
        from maltid.faces.export import load_comparison
        from maltid.faces.maps import render_map, write_map
        from maltid.faces.procurement import procurement_section
        from maltid.faces.report import write_report
        from maltid.network import RoadPaths

        comparison = load_comparison(folder)
        # re-priced on the saved plans (no solving): the ceilings are the formula's
        sheet = procurement_sheet(comparison, resolve=False)
        paths = RoadPaths(comparison.network)  # both maps draw the same routes
        map_path = write_map(
            comparison,
            folder / "map.html",
            lang=lang,
            show_recipients=show_recipients,
            paths=paths,
        )
        # the report goes to decision makers: its embedded map always aggregates recipients
        report_map = render_map(comparison, lang=lang, paths=paths)
        report_path = write_report(
            comparison,
            folder / "report.html",
            lang=lang,
            map_html=report_map,
            procurement_html=procurement_section(comparison, lang, sheet=sheet),
        )
        _print_table(comparison)
        sys.stdout.write(f"wrote {report_path} and {map_path}\n")


@network_app.command("build")
def network_build(
    out: Annotated[Path, typer.Option("--out", help="GraphML file to write.")],
    osm: Annotated[
        Path | None, typer.Option("--osm", help="OSM file (.osm, .osm.gz, .osm.bz2, .osm.pbf).")
    ] = None,
    place: Annotated[
        str | None, typer.Option("--place", help="Place name to download (needs internet).")
    ] = None,
    bbox: Annotated[
        str | None, typer.Option("--bbox", help="W,S,E,N in degrees to download (internet).")
    ] = None,
    winter_speed_factor: Annotated[
        float, typer.Option(help="Multiply every speed (e.g. 0.8 in winter).")
    ] = 1.0,
) -> None:
    """Build a drivable road network and save it as GraphML.

    Example:  maltid network build --osm ljusdal.osm.pbf --out ljusdal.graphml
    """
    sources = [s for s in (osm, place, bbox) if s is not None]
    if len(sources) != 1:
        _err("error: give exactly one of --osm FILE, --place NAME, --bbox W,S,E,N")
        raise typer.Exit(EXIT_BAD_INPUT)
    box: tuple[float, float, float, float] | None = None
    if bbox is not None:
        try:
            parts = [float(v) for v in bbox.split(",")]
        except ValueError:
            parts = []
        if len(parts) != 4:
            _err(f"error: --bbox must be four numbers W,S,E,N, got {bbox!r}")
            raise typer.Exit(EXIT_BAD_INPUT)
        box = (parts[0], parts[1], parts[2], parts[3])
    with _guard():
        from maltid.network import build_network, save_graphml

        net = build_network(osm=osm, place=place, bbox=box, winter_speed_factor=winter_speed_factor)
        save_graphml(net, out)
        s = net.stats
        sys.stdout.write(
            f"wrote {out}: {s.nodes} nodes, {s.edges} edges "
            f"(dropped {s.dropped_non_drivable_edges} non-drivable edges, "
            f"{s.dropped_scc_nodes} nodes outside the largest strongly connected "
            f"component)\n"
        )


def _print_table(comparison: Comparison) -> None:
    _print_text_table(comparison.table, comparison.scenario.name)


def _print_text_table(table: Any, title: str) -> None:
    """The comparison table on stdout, 100 columns wide (not with --quiet)."""
    if _State.quiet:
        return
    from maltid.faces.console import comparison_text

    sys.stdout.write(comparison_text(table, title=title))


def main() -> None:
    """Entry point of the ``maltid`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

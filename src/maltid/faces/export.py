"""Write a comparison's result files into a folder, atomically and resumably.

A scenario's output folder holds ``comparison.csv``, ``routes.csv``, ``routes.geojson``,
``map.html``, ``report.html`` and, written LAST, ``manifest.json``. A folder without a
manifest (or with a manifest for other inputs) is not complete: an interrupted run never
leaves output that looks complete but is not, and a rerun redoes exactly those folders.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maltid._io import atomic_write_csv, atomic_write_text

if TYPE_CHECKING:
    from maltid.comparison import Comparison
    from maltid.scenario import Scenario

__all__ = [
    "MANIFEST",
    "OUTPUT_FILES",
    "inputs_digest",
    "is_complete",
    "write_outputs",
]

logger = logging.getLogger("maltid")

MANIFEST = "manifest.json"
OUTPUT_FILES = (
    "comparison.csv",
    "routes.csv",
    "routes.geojson",
    "map.html",
    "report.html",
)


def _file_digest(path: Path, h: Any) -> None:
    h.update(str(path.name).encode())
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)


def _input_files(scenario: Scenario) -> Iterable[Path]:
    src = getattr(scenario, "source_path", None)
    if src is not None:
        yield Path(src)
    rspec = getattr(scenario, "recipients_spec", None)
    csv = getattr(rspec, "csv", None)
    if csv is not None:
        yield Path(csv)
    net = scenario.network
    for attr in ("osm", "graphml"):
        p = getattr(net, attr, None)
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
    dump = scenario.model_dump(mode="json") if hasattr(scenario, "model_dump") else {}
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
    from maltid.faces.maps import render_map
    from maltid.faces.report import render_report
    from maltid.faces.tables import routes_frame, routes_geojson

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # A stale manifest must not vouch for files we are about to replace.
    (out_dir / MANIFEST).unlink(missing_ok=True)

    written: dict[str, Path] = {}
    written["comparison.csv"] = atomic_write_csv(out_dir / "comparison.csv", comparison.table)
    written["routes.csv"] = atomic_write_csv(out_dir / "routes.csv", routes_frame(comparison))
    written["routes.geojson"] = atomic_write_text(
        out_dir / "routes.geojson", json.dumps(routes_geojson(comparison), ensure_ascii=False)
    )
    map_html = render_map(comparison, lang=lang, show_recipients=show_recipients)
    written["map.html"] = atomic_write_text(out_dir / "map.html", map_html)
    # The report goes to decision makers: its embedded map always aggregates recipients,
    # even when the planner asked for exact positions on map.html.
    report_map = map_html if not show_recipients else render_map(comparison, lang=lang)
    written["report.html"] = atomic_write_text(
        out_dir / "report.html", render_report(comparison, lang=lang, map_html=report_map)
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

"""The planner notebooks: stored without outputs, and each runs top to bottom offline."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = ("01_quickstart", "02_frame_lake", "03_your_municipality")


def _read(name: str) -> Any:
    return nbformat.read(NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_stripped(name: str) -> None:
    nb = _read(name)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{name}.ipynb has no code cells"
    for i, cell in enumerate(code):
        assert cell.get("outputs") == [], f"{name}.ipynb code cell {i} has stored outputs"
        assert cell.get("execution_count") is None, (
            f"{name}.ipynb code cell {i} has an execution count"
        )
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_every_notebook_is_tested() -> None:
    found = sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))
    assert found == sorted(NOTEBOOKS)


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Execute the notebook in a fresh kernel in a temp folder; any cell error fails."""
    monkeypatch.setenv("MALTID_OFFLINE", "1")
    monkeypatch.setenv("MALTID_CACHE_DIR", str(tmp_path / "cache"))
    if "MALTID_SHARED_DATA" not in os.environ:
        shared = ROOT.parent / "shared" / "data"
        if (shared / "osm").is_dir():
            monkeypatch.setenv("MALTID_SHARED_DATA", str(shared))
    workdir = tmp_path / "work"
    workdir.mkdir()
    nb = _read(name)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()  # raises CellExecutionError (with the cell source) on any error
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), f"{name}: a cell did not run"
    errors = [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, f"{name}: error outputs {errors}"

"""The planner notebooks: stored without outputs, on the public API, and each runs offline.

A notebook writes its files into a scratch folder (``$MALTID_NOTEBOOK_OUT`` or a new
temporary folder), never into ``notebooks/``.
"""

from __future__ import annotations

import ast
import importlib
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


def _maltid_imports(name: str) -> list[tuple[str, str]]:
    """(module, name) of every ``from maltid... import name`` in the notebook's code."""
    found = []
    for cell in _read(name).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("maltid"):
                found += [(node.module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_uses_public_names_only(name: str) -> None:
    """Every name a notebook imports from maltid is in its module's ``__all__``."""
    for module_name, imported in _maltid_imports(name):
        assert not any(part.startswith("_") for part in module_name.split(".")), module_name
        module = importlib.import_module(module_name)
        assert imported in getattr(module, "__all__", ()), (
            f"{name}.ipynb imports {imported} from {module_name}, which does not export it"
        )


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Execute the notebook in a fresh kernel from ``notebooks/``; any cell error fails.

    Everything it writes lands in ``$MALTID_NOTEBOOK_OUT``; ``notebooks/`` is unchanged.
    """
    monkeypatch.setenv("MALTID_OFFLINE", "1")
    monkeypatch.setenv("MALTID_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    monkeypatch.setenv("MALTID_NOTEBOOK_OUT", str(out))
    if "MALTID_SHARED_DATA" not in os.environ:
        shared = ROOT.parent / "shared" / "data"
        if (shared / "osm").is_dir():
            monkeypatch.setenv("MALTID_SHARED_DATA", str(shared))
    before = _listing(NOTEBOOK_DIR)
    nb = _read(name)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()  # raises CellExecutionError (with the cell source) on any error
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), f"{name}: a cell did not run"
    errors = [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, f"{name}: error outputs {errors}"
    assert _listing(NOTEBOOK_DIR) == before, f"{name} wrote into {NOTEBOOK_DIR}"
    written = _listing(out / name)
    assert "demo/scenario.toml" in written or "scenario.toml" in written, written
    if name != "02_frame_lake":  # 01 and 03 export a result folder
        assert "results/manifest.json" in written, written

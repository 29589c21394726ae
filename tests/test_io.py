"""Atomic writes and spreadsheet-safe CSV (maltid._io)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from maltid._io import atomic_write_csv, atomic_write_text, excel_safe


def test_atomic_write_leaves_no_temp_file_and_keeps_old_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    atomic_write_text(target, "first")
    assert target.read_text(encoding="utf-8") == "first"

    class BoomError(Exception):
        pass

    class Bad:
        def to_csv(self, *args: object, **kwargs: object) -> None:
            Path(args[0]).write_text("half", encoding="utf-8")  # type: ignore[arg-type]
            raise BoomError

        columns: tuple[str, ...] = ()

        def copy(self) -> Bad:
            return self

    with pytest.raises(BoomError):
        atomic_write_csv(target, Bad())
    assert target.read_text(encoding="utf-8") == "first"  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_formula_cells_are_neutralised_numbers_untouched(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "stop_id": ["=1+2", "+SUM(A1)", "-x", "@cmd", "\tTAB", "ok", "a=b"],
            "km": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        }
    )
    path = atomic_write_csv(tmp_path / "routes.csv", frame)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["stop_id"] for r in rows] == [
        "'=1+2",
        "'+SUM(A1)",
        "'-x",
        "'@cmd",
        "'\tTAB",
        "ok",
        "a=b",
    ]
    assert [float(r["km"]) for r in rows] == [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    # the caller's frame is not modified
    assert frame["stop_id"].iloc[0] == "=1+2"
    assert excel_safe(frame)["stop_id"].iloc[5] == "ok"


def test_result_files_get_the_permissions_a_plain_write_would(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    atomic = atomic_write_text(tmp_path / "atomic.txt", "x")
    assert (atomic.stat().st_mode & 0o777) == (plain.stat().st_mode & 0o777)

"""Solver faults at scenario level, through ``maltid.compare`` and the CLI.

A vehicle smaller than one recipient's meals per delivery, a personal window shorter
than the service time (and one no vehicle can reach), and zero vehicles: the run
completes and the plan says which recipient is unserved and why; a warning names the
recipient or kitchen and the cause. The plain-array cases are in ``test_adv_routing.py``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import adv_helpers as h
import pandas as pd

from maltid.scenario import load_scenario

#: One recipient that eats 14 meals a week: 2 per day hot, 14 in a weekly chilled box.
BIG = ("R_stor", 63.0052, 17.0302, 14, True)


def _compare_logged(toml: Path) -> tuple[Any, list[str]]:
    """Load and compare ``toml``; return the Comparison and the warnings logged."""
    from maltid.pipeline import compare

    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep(level=logging.WARNING)
    log = logging.getLogger("maltid")
    log.addHandler(handler)
    try:
        comparison = compare(load_scenario(toml))
    finally:
        log.removeHandler(handler)
    return comparison, records


def _cheap(data: dict[str, Any]) -> dict[str, Any]:
    """Cheap analyses only (the helper's solver cap, 5 s, is never reached here)."""
    assert data["analysis"] == {"break_even": [], "sensitivity": False}
    return data


def _served(result: Any, *, fallback: bool = False) -> set[str]:
    """Stops routed by the model's own rounds (or, ``fallback``, by the fallback's)."""
    return {
        rid
        for day in result.plan.days
        if day.fallback == fallback
        for route in day.plan.routes
        for rid in route.stop_ids
    }


def test_vehicle_smaller_than_one_recipients_meals_names_the_recipient(tmp_path: Path) -> None:
    data = _cheap(
        h.scenario_dict(
            models=[
                {"kind": "central_daily_hot", "name": "varm"},
                {"kind": "central_chilled", "name": "kyld", "deliveries_per_week": 1},
            ]
        )
    )
    # hot rounds carry 1 meal (R_stor needs 2 a day), chilled rounds 7 (the shelf life
    # raises the weekly box to two deliveries, Mon + Thu: R_stor needs 8 on Thursday)
    data["fleet"]["vehicle_capacity_meals"] = 1
    data["fleet"]["chilled_vehicle_capacity_meals"] = 7
    data["kitchens"][0]["vehicles"] = 8  # enough one-meal vehicles for everyone else
    rows = [*h.RECIPIENTS, BIG]
    toml = h.write_scenario(tmp_path, data=data, csv_text=h.recipients_csv(rows))
    comparison, _ = _compare_logged(toml)
    needs = {"varm": "2 meals", "kyld": "8 meals"}
    for name, result in comparison.results.items():
        plan = result.plan
        # the own mode cannot carry R_stor: the fallback does (three chilled deliveries a
        # week fit the van), nobody is unserved
        assert dict(plan.unserved) == {}, (name, dict(plan.unserved))
        big = plan.outcomes[BIG[0]]
        assert (big.outcome, big.reason_code) == ("fallback", "capacity"), big
        assert needs[name] in big.reason, big.reason  # the code above says "capacity"
        others = {o.outcome for rid, o in plan.outcomes.items() if rid != BIG[0]}
        assert others == {"served"}, name
        assert _served(result) == {r[0] for r in h.RECIPIENTS}, name
        assert _served(result, fallback=True) == {BIG[0]}, name
        assert plan.chilled_deliveries_per_week == (3 if name == "varm" else 2), name
    table = comparison.table.set_index("model")
    assert (table["recipients_unserved"] == 0).all()


def test_windows_shorter_than_service_or_unreachable_name_the_recipient(tmp_path: Path) -> None:
    data = _cheap(h.scenario_dict(models=[{"kind": "central_daily_hot"}]))
    data["fleet"]["service_min_per_stop"] = 4.0
    windows = {
        "R02": ("11:00", "11:02"),  # 2 min < 4 min service: served, starting in the window
        "R04": ("10:00", "10:01"),  # R04 is 5 km from the kitchen, vehicles leave at 10:00
    }
    lines = h.recipients_csv().splitlines()
    lines[0] += ",window_start,window_end"
    for i, row in enumerate(h.RECIPIENTS, start=1):
        w = windows.get(row[0], ("", ""))
        lines[i] += f",{w[0]},{w[1]}"
    toml = h.write_scenario(tmp_path, data=data, csv_text="\n".join(lines) + "\n")
    comparison, warnings = _compare_logged(toml)
    # the short window is named with the cause, at load time
    assert any("R02" in m and "shorter than the service time" in m for m in warnings), warnings
    (result,) = comparison.results.values()
    # served, arriving inside 11:00-11:02 on every day plan
    arrivals = [
        route.arrival_s[route.stop_ids.index("R02")]
        for day in result.plan.days
        for route in day.plan.routes
        if "R02" in route.stop_ids
    ]
    assert arrivals and all(11 * 3600 <= a <= 11 * 3600 + 120 for a in arrivals), arrivals
    # the window nobody can reach: the fallback's chilled boxes, the reason says window
    assert dict(result.plan.unserved) == {}
    r04 = result.plan.outcomes["R04"]
    assert (r04.outcome, r04.reason_code) == ("fallback", "window"), r04
    assert "window" in r04.reason
    assert _served(result, fallback=True) == {"R04"}


def _zero_vehicles_scenario(folder: Path) -> Path:
    data = _cheap(
        h.scenario_dict(models=[{"kind": "central_daily_hot"}, {"kind": "local_kitchens"}])
    )
    data["fleet"]["vehicles_per_kitchen"] = 0
    del data["kitchens"][0]["vehicles"]
    return h.write_scenario(folder, data=data)


def test_zero_vehicles_every_recipient_unserved_with_reason(tmp_path: Path) -> None:
    comparison, warnings = _compare_logged(_zero_vehicles_scenario(tmp_path))
    for kitchen in ("central", "byn"):
        assert any(
            f"'{kitchen}'" in m and "no vehicles" in m and "vehicles_per_kitchen = 0" in m
            for m in warnings
        ), warnings
    ids = {r[0] for r in h.RECIPIENTS}
    for name, result in comparison.results.items():
        # a cap of 0 vans: the own mode serves nobody, the fallback (sized) everyone
        plan = result.plan
        assert dict(plan.unserved) == {}, name
        assert {o.outcome for o in plan.outcomes.values()} == {"fallback"}, name
        assert set(plan.outcomes) == ids, name
        assert all("no vehicles" in o.reason for o in plan.outcomes.values()), name
        assert not _served(result), name
        assert _served(result, fallback=True) == ids, name
    table = comparison.table.set_index("model")
    assert (table["recipients_unserved"] == 0).all()
    assert table["total_cost_sek_per_week"].notna().all()


def test_zero_vehicles_through_the_cli(tmp_path: Path) -> None:
    """``maltid compare`` completes (exit 0), names the kitchens on stderr, and the
    output tables and report say every recipient is unserved and why."""
    toml = _zero_vehicles_scenario(tmp_path / "in")
    out = tmp_path / "out"
    env = {**os.environ, "MALTID_CACHE_DIR": str(tmp_path / "cache")}
    code = (
        "import sys; from maltid.faces.cli import main; "
        "sys.argv = ['maltid', *sys.argv[1:]]; main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "--quiet", "compare", str(toml), "--out", str(out)],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    flat = " ".join(err.split())  # rich wraps long log lines
    assert "kitchen 'central' has no vehicles" in flat, err
    table = pd.read_csv(out / "scenario" / "comparison.csv")
    assert (table["recipients_unserved"] == 0).all()  # the fallback serves everyone
    report = (out / "scenario" / "report.html").read_text(encoding="utf-8")
    # the fallback's reason, in the report's language (Swedish by default)
    assert "inga bilar vid köket" in report

"""Geometry faults through ``maltid.compare``: the run completes and reports every fault.

One scenario holds all the faults at once (to keep the test fast): a recipient on an
island road piece with no road to the grid, a recipient in the forest 8 km from any
road and two recipients at one coordinate. A local kitchen 39 km outside the network
stops the comparison with a ScenarioError naming it (issue 13: nothing can leave it). A
second scenario has ONLY island recipients.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import adv_helpers as h
import pytest

from maltid.comparison import Comparison
from maltid.scenario import load_scenario

ISLAND_R = ("R_ö", 63.0701, 17.0200, 5, True)
FOREST_R = ("R_skog", 63.010, 17.200, 5, True)
TWIN_R = ("R_tvilling", h.RECIPIENTS[0][1], h.RECIPIENTS[0][2], 7, True)


def _compare(
    folder: Path, rows: list[tuple[str, float, float, int, bool]], data: dict[str, Any]
) -> Comparison:
    from maltid.pipeline import compare

    toml = h.write_scenario(folder, data=data, csv_text=h.recipients_csv(rows), island=True)
    return compare(load_scenario(toml))


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[str]]:
    data = h.scenario_dict()
    rows = [*h.RECIPIENTS, ISLAND_R, FOREST_R, TWIN_R]
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep(level=logging.WARNING)
    logging.getLogger("maltid").addHandler(handler)
    try:
        comparison = _compare(tmp_path_factory.mktemp("faulty"), rows, data)
    finally:
        logging.getLogger("maltid").removeHandler(handler)
    return comparison, records


def _accounted(comparison: Comparison, rid: str) -> None:
    """``rid`` is flagged as far-snapped, or not served with a reason, in every model."""
    far = rid in comparison.snapped.far
    ns = comparison.not_served
    assert ns is not None
    for name in comparison.results:
        rows = ns[(ns["model"] == name) & (ns["recipient_id"] == rid)]
        reason = str(rows["reason"].iloc[0]) if len(rows) else ""
        assert far or reason.strip(), f"{name}: {rid} neither far nor with a reason"
    assert any(rid in note for note in comparison.notes), comparison.notes


@pytest.mark.parametrize("rid", [ISLAND_R[0], FOREST_R[0]])
def test_isolated_recipient_is_reported(faulty: tuple[Any, list[str]], rid: str) -> None:
    comparison, records = faulty
    _accounted(comparison, rid)
    if rid in comparison.snapped.far:
        i = list(comparison.snapped.ids).index(rid)
        assert comparison.snapped.snap_distance_m[i] > 2000.0
        assert any(rid in m for m in records)  # and a warning was logged


def test_kitchen_outside_network_is_rejected(tmp_path: Path) -> None:
    from maltid.errors import ScenarioError

    data = h.scenario_dict()
    data["kitchens"][1]["lat"], data["kitchens"][1]["lon"] = 63.30, 17.50  # outside the roads
    with pytest.raises(ScenarioError) as err:
        _compare(tmp_path, list(h.RECIPIENTS), data)
    (problem,) = err.value.problems
    assert 'kitchen "byn"' in problem.location
    assert "m from the nearest drivable road" in problem.message
    metres = float(problem.message.split(" is ")[1].split(" m ")[0].replace(",", ""))
    assert 30_000 < metres < 50_000  # 39 km


def test_two_recipients_at_one_coordinate_are_both_planned(faulty: tuple[Any, list[str]]) -> None:
    comparison, _ = faulty
    first = h.RECIPIENTS[0][0]
    i, j = (list(comparison.snapped.ids).index(x) for x in (first, TWIN_R[0]))
    assert comparison.snapped.node[i] == comparison.snapped.node[j]
    for name, result in comparison.results.items():
        for rid in (first, TWIN_R[0]):
            served = rid in result.plan.assignment
            assert served or rid in result.plan.unserved, f"{name}: {rid} lost"
        assert TWIN_R[0] not in result.plan.unserved, f"{name}: twin unserved"


def test_every_recipient_is_in_the_table(faulty: tuple[Any, list[str]]) -> None:
    comparison, _ = faulty
    n = len(h.RECIPIENTS) + 3
    table = comparison.table.set_index("model")
    for name in comparison.results:
        row = table.loc[name]
        total = row["recipients_served"] + row["recipients_fallback"]
        assert total + row["recipients_unserved"] == n


def test_only_unreachable_recipients_still_completes(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    rows = [("R_ö1", 63.0701, 17.0150, 5, True), ("R_ö2", 63.0699, 17.0250, 5, False)]
    comparison = _compare(tmp_path_factory.mktemp("island"), rows, h.scenario_dict())
    for rid, *_ in rows:
        _accounted(comparison, rid)
    table = comparison.table.set_index("model")
    assert set(table.index) == set(comparison.results)
    accounted = (
        table["recipients_served"] + table["recipients_fallback"] + table["recipients_unserved"]
    )
    assert (accounted == 2).all()

"""maltid.analysis.search: the tornado and the break-even bisection on known functions."""

from __future__ import annotations

import pytest

from maltid.analysis import bisect_break_even, tornado
from maltid.errors import InputError


def test_tornado_on_linear_callback_gives_analytic_swings() -> None:
    base = {"a": 10.0, "b": 100.0, "c": 2.0}
    coef = {"a": 50.0, "b": -1.0, "c": 0.0}
    base_total = 1000.0

    def evaluate(name: str, value: float) -> float:
        return base_total + coef[name] * (value - base[name])

    df = tornado(base_total, evaluate, base, names=["b", "a", "c"], rel_change=0.2)
    # swing = |coef| * 2 * rel * value: a -> 200, b -> 40, c -> 0
    assert df["parameter"].tolist() == ["a", "b", "c"]
    assert df["swing_sek"].tolist() == pytest.approx([200.0, 40.0, 0.0])
    a = df.iloc[0]
    assert (a["low_value"], a["high_value"]) == pytest.approx((8.0, 12.0))
    assert (a["total_low_sek"], a["total_high_sek"]) == pytest.approx((900.0, 1100.0))
    assert list(df.columns) == [
        "parameter",
        "base_value",
        "low_value",
        "high_value",
        "base_total_sek",
        "total_low_sek",
        "total_high_sek",
        "swing_sek",
    ]
    with pytest.raises(InputError, match="unknown parameter"):
        tornado(base_total, evaluate, base, names=["zzz"])
    with pytest.raises(InputError, match="rel_change"):
        tornado(base_total, evaluate, base, rel_change=0.0)


def test_bisection_finds_root_of_linear_function_and_records_history() -> None:
    calls: list[float] = []

    def f(x: float) -> float:
        calls.append(x)
        return 3.0 * x - 4.5  # root 1.5

    be = bisect_break_even(f, 0.0, 10.0, tol=1e-9, max_iter=100)
    assert be.bracketed and be.converged
    assert be.value == pytest.approx(1.5, abs=1e-8)
    assert be.iterations > 0
    assert [x for x, _ in be.history] == calls  # every evaluation, once each
    assert len(set(calls)) == len(calls)
    assert all(y == pytest.approx(3.0 * x - 4.5) for x, y in be.history)
    assert be.history[:2] == ((0.0, -4.5), (10.0, 25.5))  # the ends first


def test_bisection_reports_not_bracketed_honestly() -> None:
    be = bisect_break_even(lambda x: x + 1.0, 0.0, 10.0, tol=1e-6, max_iter=50)
    assert not be.bracketed and be.value is None and be.iterations == 0
    assert be.history == ((0.0, 1.0), (10.0, 11.0))


def test_bisection_root_at_an_end_and_bad_input() -> None:
    be = bisect_break_even(lambda x: x - 2.0, 2.0, 5.0)
    assert be.value == 2.0 and be.bracketed and be.iterations == 0
    with pytest.raises(InputError, match="lo < hi"):
        bisect_break_even(lambda x: x, 1.0, 1.0)
    with pytest.raises(InputError, match="NaN"):
        bisect_break_even(lambda x: float("nan"), 0.0, 1.0)


def test_bisection_stops_at_max_iter_unconverged() -> None:
    be = bisect_break_even(lambda x: x - 0.3, 0.0, 1.0, tol=1e-12, max_iter=3)
    assert be.bracketed and not be.converged
    assert be.value is not None and abs(be.value - 0.3) < 0.2

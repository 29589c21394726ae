"""Property tests of the scenario loader: any mutated input ends in a clear error or a Scenario.

Random mutations of a valid scenario TOML and recipients CSV (wrong types, units in
strings, missing and extra keys, unicode, huge numbers, NaN/inf, empty files, BOM, ``;``
and decimal commas, truncation, binary garbage) must end either in a valid
:class:`maltid.scenario.Scenario` or in a :class:`maltid.errors.ScenarioError` whose
problems each name the file, the location and a fix -- never in any other exception.
"""

from __future__ import annotations

import contextlib
import copy
import math
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import adv_helpers as h
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from maltid.errors import Problem, ScenarioError
from maltid.scenario import Scenario, load_scenario, validate_scenario

LOADER_SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

BASE = h.scenario_dict()
BASE_CSV = h.recipients_csv()

# every leaf of the base scenario as a path of keys/indices
LEAVES: list[tuple[Any, ...]] = []


def _collect(node: Any, path: tuple[Any, ...]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _collect(v, (*path, k))
    elif isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
        for i, v in enumerate(node):
            _collect(v, (*path, i))
    else:
        LEAVES.append(path)


_collect(BASE, ())
TABLES = [p[:-1] for p in LEAVES if p[:-1]] + [()]

BAD_SCALARS = st.one_of(
    st.sampled_from(
        [
            "90 min",
            "2,5",
            "12:00",
            "25:61",
            "",
            " ",
            "true",
            "Ödmjukt kök ✓ 漢字 🍲",
            "<script>window.__pwned=1</script>",
            "\u202eevil",
            10**30,
            -(10**30),
            2**63 - 1,
            -1,
            0,
            1e308,
            -1e-308,
            math.nan,
            math.inf,
            -math.inf,
            True,
            False,
            [],
            [1, 2, 3],
            ["11:00"],
            {},
            {"a": 1},
        ]
    ),
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
)


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        data = data[k]
    return data


@st.composite
def mutated_scenario(draw: st.DrawFn) -> dict[str, Any]:
    """The base scenario with 1-3 structural mutations."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["replace", "delete", "extra", "replace_table"]))
        if op == "replace":
            path = draw(st.sampled_from(LEAVES))
            with contextlib.suppress(KeyError, IndexError, TypeError):
                _get(data, path[:-1])[path[-1]] = draw(BAD_SCALARS)
        elif op == "delete":
            path = draw(st.sampled_from(LEAVES + [(k,) for k in BASE]))
            with contextlib.suppress(KeyError, IndexError, TypeError):
                del _get(data, path[:-1])[path[-1]]
        elif op == "extra":
            table = draw(st.sampled_from(TABLES))
            key = draw(st.sampled_from(["colour", "max_shift_minutes", "ÅÄÖ", "source_path"]))
            try:
                target = _get(data, table)
                if isinstance(target, dict):
                    target[key] = draw(BAD_SCALARS)
            except (KeyError, IndexError, TypeError):
                pass
        else:
            key = draw(st.sampled_from(list(BASE)))
            data[key] = draw(BAD_SCALARS)
    return data


CSV_BAD_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "NaN",
            "inf",
            "-inf",
            "1e400",
            "63,5",
            "63.5.1",
            "sju",
            "ja",
            "nej",
            "TRUE",
            "7 st",
            "99999999999999999999",
            "-1",
            "0",
            "15",
            "Åsa Öberg",
            '"',
            "19121212-1212",
            "\x00",
            "\u00a063.01",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
)


@st.composite
def mutated_csv(draw: st.DrawFn) -> bytes:
    """The base recipients CSV with text- or byte-level damage (or none)."""
    rows = [list(map(str, r)) for r in h.RECIPIENTS]
    header = ["id", "lat", "lon", "meals_per_week", "hot_meal"]
    table = [header] + [
        [r[0], r[1], r[2], r[3], "true" if r[4] == "True" else "false"] for r in rows
    ]
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["cell", "drop_col", "extra_col", "dup_row", "short_row"]))
        if op == "cell":
            i = draw(st.integers(0, len(table) - 1))
            j = draw(st.integers(0, len(table[i]) - 1))
            table[i][j] = draw(CSV_BAD_CELLS)
        elif op == "drop_col" and len(table[0]) > 1:
            j = draw(st.integers(0, len(table[0]) - 1))
            table = [r[:j] + r[j + 1 :] for r in table]
        elif op == "extra_col":
            name = draw(st.sampled_from(["name", "personnummer", "telefon", "lat", "ID", ""]))
            table = [[*r, name if k == 0 else draw(CSV_BAD_CELLS)] for k, r in enumerate(table)]
        elif op == "dup_row" and len(table) > 1:
            table.append(list(table[1]))
        elif op == "short_row" and len(table) > 1:
            table[-1] = table[-1][:-1]
    swedish = draw(st.booleans())
    sep = ";" if swedish else draw(st.sampled_from([",", ",", "\t"]))

    def cell(c: str) -> str:
        if swedish:
            try:
                float(c)
                c = c.replace(".", ",")
            except ValueError:
                pass
        if sep in c or '"' in c or "\n" in c:
            c = '"' + c.replace('"', '""') + '"'
        return c

    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(sep.join(cell(c) for c in r) for r in table) + newline
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    damage = draw(st.sampled_from(["none", "none", "truncate", "garbage", "empty", "insert"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "garbage":
        data = draw(st.binary(min_size=1, max_size=200))
    elif damage == "empty":
        data = b""
    elif damage == "insert":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=20)) + data[at:]
    return data


@st.composite
def damaged_toml(draw: st.DrawFn) -> bytes:
    """The base TOML text damaged at the byte level (truncated, garbage, BOM, commas)."""
    text = h.dumps_toml(BASE)
    data = text.encode("utf-8")
    damage = draw(
        st.sampled_from(["truncate", "garbage", "empty", "bom", "insert", "comma", "latin1"])
    )
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "garbage":
        data = draw(st.binary(max_size=300))
    elif damage == "empty":
        data = b""
    elif damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "insert":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=20)) + data[at:]
    elif damage == "comma":  # decimal commas as a Swedish user might type them
        data = text.replace("2.5", "2,5").replace("0.18", "0,18").encode("utf-8")
    else:
        data = text.encode("latin-1", errors="replace")
    return data


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="maltid-adv-loader-"))
    (folder / "roads.osm").write_text(h.osm_xml(bounds=True), encoding="utf-8")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write(folder: Path, toml: bytes, csv: bytes) -> Path:
    (folder / "recipients.csv").write_bytes(csv)
    path = folder / "scenario.toml"
    path.write_bytes(toml)
    return path


def _check_outcome(path: Path) -> Scenario | tuple[Problem, ...]:
    """Load ``path``; assert the result is a Scenario or a well-formed ScenarioError."""
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        problems = exc.problems
        assert problems, "ScenarioError without problems"
        names = {str(path), str(path.parent / "recipients.csv")}
        for p in problems:
            assert isinstance(p, Problem)
            assert p.file.strip() and p.location.strip() and p.message.strip() and p.fix.strip()
            # the file is the scenario TOML or its CSV, by name
            assert p.file in names or Path(p.file).name in {"scenario.toml", "recipients.csv"}, p
            assert "unexpected error" not in p.message, p
        # validate_scenario reports the same problems and never raises
        assert tuple(validate_scenario(path)) == problems
        return problems
    assert isinstance(scenario, Scenario)
    assert validate_scenario(path) == []
    _assert_sane(scenario)
    return scenario


def _assert_sane(scenario: Scenario) -> None:
    """Facts every accepted scenario has (finiteness is tested separately below)."""
    assert scenario.kitchens and scenario.models
    assert sum(k.role == "central" for k in scenario.kitchens) == 1
    for r in scenario.recipients:
        assert r.id.strip()
        assert -90 <= r.lat <= 90 and -180 <= r.lon <= 180
        assert 1 <= r.meals_per_week <= 14


def _event(outcome: Scenario | tuple[Problem, ...]) -> None:
    """Label the outcome (``--hypothesis-show-statistics`` shows both kinds occur)."""
    event("valid scenario" if isinstance(outcome, Scenario) else "clear error")


def test_base_scenario_is_valid(workdir: Path) -> None:
    path = _write(workdir, h.dumps_toml(BASE).encode(), BASE_CSV.encode())
    scenario = _check_outcome(path)
    assert isinstance(scenario, Scenario)
    assert [r.id for r in scenario.recipients] == [r[0] for r in h.RECIPIENTS]


@LOADER_SETTINGS
@given(data=mutated_scenario())
def test_mutated_toml_gives_scenario_or_clear_error(workdir: Path, data: dict[str, Any]) -> None:
    path = _write(workdir, h.dumps_toml(data).encode("utf-8"), BASE_CSV.encode())
    _event(_check_outcome(path))


@LOADER_SETTINGS
@given(toml=damaged_toml())
def test_damaged_toml_bytes_give_scenario_or_clear_error(workdir: Path, toml: bytes) -> None:
    path = _write(workdir, toml, BASE_CSV.encode())
    _event(_check_outcome(path))


@LOADER_SETTINGS
@given(csv=mutated_csv())
def test_mutated_csv_gives_scenario_or_clear_error(workdir: Path, csv: bytes) -> None:
    path = _write(workdir, h.dumps_toml(BASE).encode(), csv)
    _event(_check_outcome(path))


# ---- targeted cases the properties must cover ------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_swedish_excel_csv_equals_plain_csv(workdir: Path, encoding: str) -> None:
    """``;``-separated, decimal commas, BOM/cp1252, CRLF: the same recipients as plain CSV."""
    plain = _check_outcome(_write(workdir, h.dumps_toml(BASE).encode(), BASE_CSV.encode()))
    excel_text = h.recipients_csv(
        sep=";", decimal_comma=True, extra={"namn": ["Åsa Öberg"] * len(h.RECIPIENTS)}
    ).replace("\n", "\r\n")
    excel = _check_outcome(
        _write(workdir, h.dumps_toml(BASE).encode(), excel_text.encode(encoding))
    )
    assert isinstance(plain, Scenario) and isinstance(excel, Scenario)
    assert excel.recipients == plain.recipients


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("delivery", "max_hot_holding_min"), "90 min"),
        (("fleet", "max_shift_min"), "4 h"),
        (("fleet", "cost_per_km_sek"), "2,5"),
        (("fleet", "shift_start"), 10),
        (("fleet", "cost_per_km_sek"), math.nan),
        (("kitchens", 0, "lat"), 10**30),
        (("kitchens", 1, "capacity_meals_per_day"), -5),
    ],
)
def test_wrong_value_names_field_and_fix(workdir: Path, path: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(BASE)
    _get(data, path[:-1])[path[-1]] = value
    toml = _write(workdir, h.dumps_toml(data).encode(), BASE_CSV.encode())
    with pytest.raises(ScenarioError) as info:
        load_scenario(toml)
    field = str(path[-1])
    hits = [p for p in info.value.problems if field in p.location]
    assert hits, f"no problem names {field}: {info.value.problems}"
    assert all(p.file == str(toml) and p.fix for p in hits)


@pytest.mark.parametrize(
    ("csv", "where"),
    [
        (b"", "file"),
        (b"\xef\xbb\xbf", "file"),
        (b"id,lat,lon,meals_per_week\nR1,63.0,17.0,5\n", "hot_meal"),
        (b"id,lat,lon,meals_per_week,hot_meal\nR1,63.0,17.0,sju,true\n", "row 2"),
        (b"id,lat,lon,meals_per_week,hot_meal\nR1,NaN,17.0,5,true\n", "row 2"),
        (b"id,lat,lon,meals_per_week,hot_meal\nR1,63.0,inf,5,true\n", "row 2"),
        (b"id,lat,lon,meals_per_week,hot_meal\nR1,63.0,17.0,5,true\nR1,63.0,17.0,5,true\n", "R1"),
        (b"\x00\xff\xfe\x89PNG\r\n\x1a\n", ""),
    ],
)
def test_bad_csv_names_file_row_and_fix(workdir: Path, csv: bytes, where: str) -> None:
    toml = _write(workdir, h.dumps_toml(BASE).encode(), csv)
    with pytest.raises(ScenarioError) as info:
        load_scenario(toml)
    problems = info.value.problems
    assert any(
        Path(p.file).name == "recipients.csv" and where in f"{p.location} {p.message}"
        for p in problems
    ), problems
    assert all(p.fix for p in problems)


FINITE_FIELDS = [
    ("fleet", "cost_per_km_sek"),
    ("fleet", "driver_cost_per_hour_sek"),
    ("fleet", "co2_kg_per_km"),
    ("fleet", "service_min_per_stop"),
    ("fleet", "max_shift_min"),
    ("delivery", "max_hot_holding_min"),
    ("solver", "time_limit_s"),
    ("solver", "siting_time_limit_s"),
    ("kitchens", 0, "cost_per_meal_sek"),
    ("kitchens", 1, "fixed_cost_sek_per_day"),
]


@pytest.mark.parametrize("path", FINITE_FIELDS, ids=lambda p: ".".join(map(str, p)))
def test_infinite_number_is_rejected(workdir: Path, path: tuple[Any, ...]) -> None:
    """``inf`` (valid TOML) is never a sensible cost, time or limit: a clear error."""
    data = copy.deepcopy(BASE)
    _get(data, path[:-1])[path[-1]] = math.inf
    toml = _write(workdir, h.dumps_toml(data).encode(), BASE_CSV.encode())
    with pytest.raises(ScenarioError) as info:
        load_scenario(toml)
    assert any(str(path[-1]) in p.location and p.fix for p in info.value.problems)

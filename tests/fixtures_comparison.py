"""A small, synthetic, hand-built Comparison for the map and report tests.

Everything here is synthetic (no real person): a 12 x 12 grid of roads ~500 m apart near
61.8 N 15.9 E, a central kitchen in one corner, two local kitchens, and 40 recipients
placed 20-40 m off road nodes (like houses) with 7-decimal coordinates, so a test can
check that no recipient position leaks into the map.

Routes are real :class:`maltid.routing.Route` objects built by hand along the grid (no
solver: the faces only draw what they are given). The outcome objects carry the field
names of ``costs.WeeklyOutcome`` used by the faces.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from maltid.comparison import Comparison, ModelResult
from maltid.results import DayPlan, KitchenWeek, LocalDelivery, WeekPlan
from maltid.routing import Route, RoutingPlan, Unserved

HOSTILE_NAME = '<script>window.__pwned=1</script>" onmouseover="window.__pwned=2'
LAT0, LON0 = 61.8, 15.9
STEP_DEG_LAT = 0.0045  # ~500 m
STEP_DEG_LON = 0.0095  # ~500 m at 61.8 N
GRID = 12


@dataclass(frozen=True)
class FakeKitchen:
    id: str
    name: str
    role: str
    lat: float
    lon: float
    cost_per_meal_sek: float = 55.0


@dataclass(frozen=True)
class FakeRecipient:
    id: str
    lat: float
    lon: float
    meals_per_week: int = 7
    hot_meal: bool = True


@dataclass(frozen=True)
class FakeScenario:
    name: str
    kitchens: tuple[FakeKitchen, ...]
    recipients: tuple[FakeRecipient, ...]
    seed: int = 1


@dataclass(frozen=True)
class FakeNetwork:
    graph: nx.MultiDiGraph
    cache_key: str = "fixture"


@dataclass(frozen=True)
class FakeSnapped:
    ids: tuple[str, ...]
    node: np.ndarray
    snap_distance_m: np.ndarray
    far: tuple[str, ...] = ()


@dataclass(frozen=True)
class FakeMatrix:
    ids: tuple[str, ...]
    nodes: np.ndarray


@dataclass(frozen=True)
class FakeOutcome:
    model: str
    total_cost_sek_per_week: float
    cost_per_meal_sek: float
    vehicle_km_per_week: float
    driver_hours_per_week: float
    co2_kg_per_week: float
    mean_kitchen_to_plate_min: float
    max_kitchen_to_plate_min: float
    fresh_meals_per_week: float
    local_spend_sek_per_week: float
    recipients_served: int
    recipients_unserved: int
    meals_per_week: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def node_id(i: int, j: int) -> int:
    return 1_000_000 + i * 100 + j


def grid_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(crs="EPSG:4326")
    for i in range(GRID):
        for j in range(GRID):
            g.add_node(node_id(i, j), y=LAT0 + i * STEP_DEG_LAT, x=LON0 + j * STEP_DEG_LON)
    for i in range(GRID):
        for j in range(GRID):
            for di, dj in ((0, 1), (1, 0)):
                a, b = (i, j), (i + di, j + dj)
                if b[0] >= GRID or b[1] >= GRID:
                    continue
                for u, v in ((a, b), (b, a)):
                    g.add_edge(
                        node_id(*u),
                        node_id(*v),
                        length=500.0,
                        speed_kph=50.0,
                        travel_time=36.0,
                        highway="unclassified",
                    )
    return g


def _cell_of(node: int) -> tuple[int, int]:
    rest = node - 1_000_000
    return rest // 100, rest % 100


def _grid_path(a: int, b: int) -> list[int]:
    """Manhattan path on the grid (rows first), both ends included."""
    (i0, j0), (i1, j1) = _cell_of(a), _cell_of(b)
    path = [node_id(i0, j0)]
    i, j = i0, j0
    while i != i1:
        i += 1 if i1 > i else -1
        path.append(node_id(i, j))
    while j != j1:
        j += 1 if j1 > j else -1
        path.append(node_id(i, j))
    return path


def grid_route_coords(net: Any, nodes: list[int]) -> list[tuple[float, float]]:
    """Stand-in for ``matrix.route_coords`` on the grid: (lat, lon) along the grid path."""
    g = net.graph
    out: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(nodes):
        for n in _grid_path(a, b):
            point = (g.nodes[n]["y"], g.nodes[n]["x"])
            if not out or out[-1] != point:
                out.append(point)
    return out


def install_grid_geometry(monkeypatch: Any) -> None:
    """Make ``maltid.network.matrix.route_coords`` draw along the grid, for this test only.

    The fixture network is a plain grid graph, not a ``RoadNetwork``; while ``matrix.py``
    is absent a stand-in module is registered (the map only needs ``route_coords``).
    """
    import sys
    import types

    import maltid

    try:
        import maltid.network.matrix as matrix_module
    except ImportError:
        matrix_module = types.ModuleType("maltid.network.matrix")
        monkeypatch.setitem(sys.modules, "maltid.network.matrix", matrix_module)
        monkeypatch.setattr(maltid, "matrix", matrix_module, raising=False)
    monkeypatch.setattr(matrix_module, "route_coords", grid_route_coords, raising=False)


def _route(vehicle: str, depot: str, stops: list[str], node_of: dict[str, int]) -> Route:
    seq = [node_of[depot]] + [node_of[s] for s in stops] + [node_of[depot]]
    hops = sum(len(_grid_path(a, b)) - 1 for a, b in itertools.pairwise(seq))
    distance_m = 500.0 * hops
    duration_s = 36.0 * hops + 240.0 * len(stops)
    arrivals = tuple(39_600.0 + 600.0 * (k + 1) for k in range(len(stops)))
    return Route(
        vehicle_id=vehicle,
        depot_id=depot,
        stop_ids=tuple(stops),
        arrival_s=arrivals,
        departure_s=39_600.0,
        return_s=39_600.0 + duration_s,
        load_meals=len(stops),
        distance_m=distance_m,
        duration_s=duration_s,
        cost_sek=distance_m / 1000.0 * 2.5 + duration_s / 3600.0 * 380.0,
    )


def _outcome(name: str, routes: list[tuple[Route, int]], meals: float, fresh: float) -> FakeOutcome:
    km = sum(r.distance_m / 1000.0 * d for r, d in routes)
    hours = sum(r.duration_s / 3600.0 * d for r, d in routes)
    total = km * 2.5 + hours * 380.0 + meals * 55.0
    return FakeOutcome(
        model=name,
        total_cost_sek_per_week=total,
        cost_per_meal_sek=total / meals,
        vehicle_km_per_week=km,
        driver_hours_per_week=hours,
        co2_kg_per_week=km * 0.18,
        mean_kitchen_to_plate_min=35.0 if fresh else 1440.0,
        max_kitchen_to_plate_min=80.0 if fresh else 2880.0,
        fresh_meals_per_week=fresh,
        local_spend_sek_per_week=0.0,
        recipients_served=40,
        recipients_unserved=0,
        meals_per_week=meals,
    )


def make_comparison(
    *,
    kitchen_name: str = "Campingköket",
    scenario_name: str = "Testbyn (synthetic)",
    n_recipients: int = 40,
    seed: int = 7,
) -> Comparison:
    """Build the synthetic comparison; ``kitchen_name`` names the local kitchen ``camping``."""
    rng = np.random.default_rng(seed)
    graph = grid_graph()
    kitchens = (
        FakeKitchen("central", "Centralköket", "central", LAT0, LON0),
        FakeKitchen(
            "camping",
            kitchen_name,
            "local",
            LAT0 + 10 * STEP_DEG_LAT,
            LON0 + 10 * STEP_DEG_LON,
            68.0,
        ),
        FakeKitchen(
            "school", "Skolköket", "local", LAT0 + 2 * STEP_DEG_LAT, LON0 + 9 * STEP_DEG_LON, 62.0
        ),
    )
    recipients: list[FakeRecipient] = []
    rec_nodes: list[int] = []
    for k in range(n_recipients):
        # half in the far village (rows 8-11, cols 8-11), half near the centre; one remote
        if k == n_recipients - 1:
            i, j = 0, 11
        elif k % 2:
            i, j = int(rng.integers(8, 12)), int(rng.integers(8, 12))
        else:
            i, j = int(rng.integers(0, 4)), int(rng.integers(0, 4))
        n = node_id(i, j)
        angle = rng.uniform(0, 2 * math.pi)
        dist_m = rng.uniform(20, 40)
        lat = LAT0 + i * STEP_DEG_LAT + dist_m * math.sin(angle) / 111_320.0
        lon = (
            LON0
            + j * STEP_DEG_LON
            + dist_m * math.cos(angle) / (111_320.0 * math.cos(math.radians(LAT0)))
        )
        recipients.append(
            FakeRecipient(f"r{k:03d}", round(lat, 7), round(lon, 7), 7 if k % 5 else 5)
        )
        rec_nodes.append(n)
    node_of = {
        "central": node_id(0, 0),
        "camping": node_id(10, 10),
        "school": node_id(2, 9),
    }
    node_of.update({r.id: n for r, n in zip(recipients, rec_nodes, strict=True)})
    ids = tuple(node_of)
    nodes = np.array([node_of[i] for i in ids], dtype=np.int64)
    scenario = FakeScenario(scenario_name, kitchens, tuple(recipients))

    rid = [r.id for r in recipients]
    near = [r for r in rid if _cell_of(node_of[r])[0] < 8]
    far = [r for r in rid if _cell_of(node_of[r])[0] >= 8]
    meals = float(sum(r.meals_per_week for r in recipients))

    # central_daily_hot: 3 vehicles from the central kitchen, one day pattern x7
    hot_routes = [
        _route("central-1", "central", near[: len(near) // 2], node_of),
        _route("central-2", "central", near[len(near) // 2 :], node_of),
        _route("central-3", "central", far, node_of),
    ]
    hot_plan = RoutingPlan(
        routes=tuple(hot_routes),
        unserved=(),
        kitchen_to_plate_s={s: 1800.0 for s in rid},
        status="success",
        objective_sek=sum(r.cost_sek for r in hot_routes),
        solve_time_s=0.1,
    )
    hot_week = WeekPlan(
        model="central_daily_hot",
        kind="central_daily_hot",
        kitchens=(
            KitchenWeek(
                "central", "central", True, 7, meals, 0.0, 55.0, 0.0, 0.0, "car", tuple(rid)
            ),
        ),
        days=(DayPlan("Mon-Sun", 7, hot_plan, True),),
        assignment={r: "central" for r in rid},
        unserved={},
    )
    # central_chilled: two delivery days, different recipients
    day_a = [_route("chill-1", "central", near, node_of)]
    day_b = [_route("chill-1", "central", far, node_of)]
    chilled_days = tuple(
        DayPlan(
            label,
            1,
            RoutingPlan(
                routes=tuple(rs),
                unserved=(),
                kitchen_to_plate_s={},
                status="success",
                objective_sek=sum(r.cost_sek for r in rs),
                solve_time_s=0.1,
            ),
            False,
        )
        for label, rs in (("Mon", day_a), ("Thu", day_b))
    )
    chilled_week = WeekPlan(
        model="kyld <b>mat</b>",
        kind="central_chilled",
        kitchens=(
            KitchenWeek(
                "central", "central", True, 2, 0.0, meals, 50.0, 0.0, 0.0, "car", tuple(rid)
            ),
        ),
        days=chilled_days,
        assignment={r: "central" for r in rid},
        unserved={},
    )
    # local_kitchens: camping serves the far village by car except two on foot; one unserved
    walkers, far_car = far[:2], far[2:]
    local_routes = [
        _route("central-1", "central", near, node_of),
        _route("camping-1", "camping", far_car[:-1], node_of),
    ]
    unserved_id = far_car[-1]
    local_plan = RoutingPlan(
        routes=tuple(local_routes),
        unserved=(Unserved(unserved_id, "outside the hot-holding limit", "hot_holding"),),
        kitchen_to_plate_s={s: 900.0 for s in rid},
        status="success",
        objective_sek=sum(r.cost_sek for r in local_routes),
        solve_time_s=0.1,
    )
    local_week = WeekPlan(
        model="local_kitchens",
        kind="local_kitchens",
        kitchens=(
            KitchenWeek("central", "central", True, 7, 7.0 * len(near), 0.0, 55.0, 0.0, 0.0, "car"),
            KitchenWeek("camping", "local", True, 7, 7.0 * len(far), 0.0, 68.0, 450.0, 0.8, "car"),
            KitchenWeek("school", "local", False, 0, 0.0, 0.0, 62.0, 300.0, 0.5, "car"),
        ),
        days=(DayPlan("Mon-Sun", 7, local_plan, True),),
        assignment={**{r: "central" for r in near}, **{r: "camping" for r in far}},
        unserved={unserved_id: "outside the hot-holding limit"},
        local_deliveries=tuple(
            LocalDelivery(w, "camping", "foot", 300.0, 300.0, 600.0, 7) for w in walkers
        ),
    )

    results = {
        "central_daily_hot": ModelResult(
            "central_daily_hot",
            "central_daily_hot",
            hot_week,
            _outcome("central_daily_hot", [(r, 7) for r in hot_routes], meals, meals),
        ),
        "kyld <b>mat</b>": ModelResult(
            "kyld <b>mat</b>",
            "central_chilled",
            chilled_week,
            _outcome("kyld <b>mat</b>", [(day_a[0], 1), (day_b[0], 1)], meals, 0.0),
        ),
        "local_kitchens": ModelResult(
            "local_kitchens",
            "local_kitchens",
            local_week,
            _outcome("local_kitchens", [(r, 7) for r in local_routes], meals, meals - 7.0),
        ),
    }
    table = pd.DataFrame([vars(r.outcome) for r in results.values()]).drop(columns=["extra"])
    base = table.loc[table["model"] == "central_daily_hot", "total_cost_sek_per_week"].iloc[0]
    table["delta_total_cost_sek_per_week"] = table["total_cost_sek_per_week"] - base
    table["delta_total_cost_pct"] = 100.0 * table["delta_total_cost_sek_per_week"] / base
    assumptions = pd.DataFrame(
        {
            "parameter": ["cost_per_km_sek", "driver_cost_per_hour_sek", "co2_kg_per_km"],
            "value": [2.5, 380.0, 0.18],
            "unit": ["SEK/km", "SEK/h", "kg/km"],
            "source": ["Skatteverket <milersättning>", "SCB lönestatistik", "Trafikverket"],
            "year": [2024, 2023, 2023],
        }
    )
    break_even = pd.DataFrame(
        {
            "parameter": ["local_cost_per_meal"],
            "kitchen": [kitchen_name],
            "break_even_value": [74.2],
            "unit": ["SEK/meal"],
            "bracketed": [True],
        }
    )
    sensitivity = pd.DataFrame(
        {
            "model": ["central_daily_hot", "local_kitchens"],
            "parameter": ["cost_per_km_sek", "cost_per_km_sek"],
            "base_value": [2.5, 2.5],
            "low_value": [2.0, 2.0],
            "high_value": [3.0, 3.0],
            "total_low_sek": [15000.0, 14000.0],
            "total_high_sek": [16000.0, 14500.0],
            "swing_sek": [1000.0, 500.0],
        }
    )
    snapped = FakeSnapped(ids=ids, node=nodes, snap_distance_m=np.full(len(ids), 30.0), far=())
    return Comparison(
        scenario=scenario,  # type: ignore[arg-type]
        network=FakeNetwork(graph),  # type: ignore[arg-type]
        snapped=snapped,  # type: ignore[arg-type]
        matrix=FakeMatrix(ids, nodes),  # type: ignore[arg-type]
        results=results,
        table=table,
        baseline="central_daily_hot",
        assumptions=assumptions,
        break_even=break_even,
        sensitivity=sensitivity,
    )


class _StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def start_tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of an HTML page or fragment with its attributes, in order."""
    parser = _StartTags()
    parser.feed(page)
    return parser.tags

"""End-to-end comparison on real roads (north of Bayreuth) with synthetic recipients.

A central kitchen at the south-east edge of the extract, a village 15 min away in the
north-west with 20 recipients and a candidate local kitchen, and 60 recipients around the
central kitchen. Recipients are SYNTHETIC: seeded random road nodes of the built network.
Every number of the comparison table is recomputed here by hand from the plans, the
travel matrix and the parameters.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from maltid.network import RoadNetwork, TravelMatrix
from maltid.results import WeekPlan
from maltid.scenario import Scenario

SOLUTIONS = 25  # routing solution limit per solve: fast and machine-independent
CENTRAL = (49.975, 11.60)
VILLAGE = (50.05, 11.48)

SCENARIO_TOML = """
name = "Nord-Bayreuth (synthetic recipients)"
seed = 7

[network]
osm = "{osm}"

[recipients]
csv = "recipients.csv"

[[kitchens]]
id = "central"
name = "Centralköket"
role = "central"
lat = {c_lat}
lon = {c_lon}
cost_per_meal_sek = 55.0
capacity_meals_per_day = 2000

[[kitchens]]
id = "village"
name = "Byköket"
role = "local"
lat = {v_lat}
lon = {v_lon}
cost_per_meal_sek = 56.0
fixed_cost_sek_per_day = 100.0
capacity_meals_per_day = 30
local_food_share = 0.8
vehicles = 2

[fleet]
vehicle_capacity_meals = 40
cost_per_km_sek = 2.5
driver_cost_per_hour_sek = 380.0
co2_kg_per_km = 0.18
service_min_per_stop = 3.0
shift_start = "10:00"
max_shift_min = 300
chilled_vehicle_capacity_meals = 200

[delivery]
lunch_window = ["11:00", "13:30"]
max_hot_holding_min = 90

# drivers paid by the minute here (no minimum per route-day): the village kitchen's short
# round costs what it takes; the central kitchen's cost per meal moves with its meals (no
# fixed share); fleets sized by the solver: the local model is the cheaper one
[costs]
driver_min_paid_min_per_route_day = 0.0
central_fixed_share_of_meal_cost = 0.0

[solver]
time_limit_s = 30

[analysis]
break_even = ["local_cost_per_meal", "village_recipients", "village_distance", "fuel_cost"]
break_even_kitchen = "village"
sensitivity_rel_change = 0.2

[[models]]
kind = "central_daily_hot"
days_per_week = 7

[[models]]
kind = "central_chilled"
deliveries_per_week = 1

[[models]]
kind = "local_kitchens"

[[models]]
kind = "optimised_mix"
"""


def _nodes_within(
    net: RoadNetwork, lat: float, lon: float, radius_m: float
) -> tuple[list[int], int]:
    g = net.graph
    nodes = sorted(g.nodes)
    ys = np.array([g.nodes[n]["y"] for n in nodes])
    xs = np.array([g.nodes[n]["x"] for n in nodes])
    d = np.hypot((ys - lat) * 111_320.0, (xs - lon) * 111_320.0 * math.cos(math.radians(lat)))
    keep = [n for n, dd in zip(nodes, d, strict=True) if dd <= radius_m]
    nearest = nodes[int(np.argmin(d))]
    return keep, nearest


@pytest.fixture(scope="session")
def bayreuth(
    road_network: Callable[[str], Any],
    extract_path: Callable[[str], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """The scenario, written to disk and loaded, and its comparison (built once)."""
    from maltid.pipeline import compare
    from maltid.scenario import load_scenario

    net = road_network("north-bayreuth")
    g = net.graph
    rng = np.random.default_rng(20240607)
    centre_nodes, c_node = _nodes_within(net, *CENTRAL, 2500.0)
    village_nodes, v_node = _nodes_within(net, *VILLAGE, 1500.0)
    village_nodes = [n for n in village_nodes if n != v_node]
    centre_nodes = [n for n in centre_nodes if n != c_node]
    pick_c = rng.choice(len(centre_nodes), size=60, replace=False)
    pick_v = rng.choice(len(village_nodes), size=20, replace=False)
    rows = ["id,lat,lon,meals_per_week,hot_meal"]
    for prefix, pool, picks in (("c", centre_nodes, pick_c), ("v", village_nodes, pick_v)):
        for k, idx in enumerate(sorted(int(i) for i in picks)):
            node = pool[idx]
            meals = int(rng.choice([5, 7, 7]))
            hot = "true" if rng.random() < 0.9 else "false"
            rows.append(
                f"{prefix}{k:02d},{g.nodes[node]['y']:.7f},{g.nodes[node]['x']:.7f},{meals},{hot}"
            )
    folder = tmp_path_factory.mktemp("bayreuth")
    (folder / "recipients.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    osm = extract_path("north-bayreuth")
    (folder / "scenario.toml").write_text(
        SCENARIO_TOML.format(
            osm=osm.as_posix(),
            c_lat=g.nodes[c_node]["y"],
            c_lon=g.nodes[c_node]["x"],
            v_lat=g.nodes[v_node]["y"],
            v_lon=g.nodes[v_node]["x"],
        ),
        encoding="utf-8",
    )
    scenario = load_scenario(folder / "scenario.toml")
    stages: list[tuple[str, int, int]] = []
    comparison = compare(
        scenario,
        network=net,
        solution_limit=SOLUTIONS,
        progress=lambda s, d, n: stages.append((s, d, n)),
    )
    return {"scenario": scenario, "comparison": comparison, "net": net, "stages": stages}


# --------------------------------------------------------------------------------------
# recompute every number of the table by hand
# --------------------------------------------------------------------------------------

DAY_S = 86400.0


def _recompute(
    plan: WeekPlan, scenario: Scenario, matrix: TravelMatrix, p: dict[str, float]
) -> dict[str, float]:
    """Every WeeklyOutcome field from the plan, the matrix and the parameters."""
    row = {i: k for k, i in enumerate(matrix.ids)}
    # the matrix is stored as float32; sums are recomputed in float64 like the solver does
    dist = np.asarray(matrix.distance_m, dtype=float)
    tt = np.asarray(matrix.time_s, dtype=float)
    service = scenario.fleet.service_s
    meals = {r.id: r.meals_per_week for r in scenario.recipients}
    km = hours = 0.0
    vehicles_max = 0
    visits = 0
    van_days = 0
    per_weekday: dict[tuple[str, int], int] = {}
    hot_k2p: dict[str, list[tuple[float, int]]] = {}
    cold: dict[str, list[tuple[float, int]]] = {}
    carried_fresh: dict[str, float] = {}
    carried_chilled: dict[str, float] = {}
    for day in plan.days:
        vehicles_max = max(vehicles_max, len(day.plan.routes))
        for r in day.plan.routes:
            for wd in day.day_indices:
                per_weekday[(r.depot_id, wd)] = per_weekday.get((r.depot_id, wd), 0) + 1
            seq = [r.depot_id, *r.stop_ids, r.depot_id]
            route_m = sum(dist[row[a], row[b]] for a, b in itertools.pairwise(seq))
            assert math.isclose(route_m, r.distance_m, rel_tol=1e-9), "route km from the matrix"
            # times: the schedule along stop order is feasible with the matrix times
            t = r.departure_s
            for k, sid in enumerate(r.stop_ids):
                prev = seq[k]
                arrive = t + tt[row[prev], row[sid]]
                assert r.arrival_s[k] >= arrive - 0.2, "arrival before the vehicle can be there"
                t = r.arrival_s[k] + service
            assert r.return_s >= t + tt[row[seq[-2]], row[r.depot_id]] - 0.2
            assert math.isclose(r.duration_s, r.return_s - r.departure_s, abs_tol=1e-6)
            assert r.load_meals == sum(
                day.fresh_meals.get(s, 0) + day.chilled_meals.get(s, 0) for s in r.stop_ids
            )
            # the vehicles were priced with the SAME rates the cost model uses
            assert math.isclose(
                r.cost_sek,
                route_m / 1000.0 * p["cost_per_km_sek"]
                + r.duration_s / 3600.0 * p["driver_cost_per_hour_sek"]
                + p["fixed_cost_sek_per_vehicle_day"],
                rel_tol=1e-9,
            )
            km += day.days * route_m / 1000.0
            # the driver is paid the route plus loading, at least the minimum per route-day
            paid_s = max(
                p["driver_min_paid_min_per_route_day"] * 60.0,
                r.duration_s + p["driver_loading_min_per_route"] * 60.0,
            )
            hours += day.days * paid_s / 3600.0
            van_days += day.days
            for k, sid in enumerate(r.stop_ids):
                k2p = r.arrival_s[k] - r.departure_s
                (hot_k2p if day.hot else cold).setdefault(sid, []).append((k2p, day.days))
                visits += day.days
                carried_fresh[sid] = carried_fresh.get(sid, 0) + day.days * day.fresh_meals[sid]
                carried_chilled[sid] = carried_chilled.get(
                    sid, 0
                ) + day.days * day.chilled_meals.get(sid, 0)
    # vans needed: per kitchen the most routes on one weekday, summed over kitchens
    needed: dict[str, int] = {}
    for (kid, _), n in per_weekday.items():
        needed[kid] = max(needed.get(kid, 0), n)
    assert needed == dict(plan.vehicles_needed)
    local_h = 0.0
    for ld in plan.local_deliveries:
        local_h += ld.staff_time_s * ld.days / 3600.0
        hot_k2p.setdefault(ld.recipient_id, []).append((ld.kitchen_to_plate_s, ld.days))
        visits += ld.days
        carried_fresh[ld.recipient_id] = (
            carried_fresh.get(ld.recipient_id, 0) + meals[ld.recipient_id]
        )
    served = set(hot_k2p) | set(cold)
    for rid in served:  # every served recipient gets all their meals
        assert carried_fresh.get(rid, 0) + carried_chilled.get(rid, 0) == meals[rid]
    kitchens = {k.kitchen_id: k for k in plan.kitchens}
    spec = {k.id: k for k in scenario.kitchens}
    production = fixed_k = local_spend = local_meals = packaging = central_fixed = 0.0
    fresh = chilled = 0.0
    meals_all = float(sum(meals.values()))
    share = p["central_fixed_share_of_meal_cost"]
    for kid, k in kitchens.items():
        mine = [r for r, a in plan.assignment.items() if a == kid and r in served]
        f = sum(carried_fresh.get(r, 0) for r in mine)
        c = sum(carried_chilled.get(r, 0) for r in mine)
        assert (f, c) == (k.meals_fresh_per_week, k.meals_chilled_per_week), kid
        cost_meal = spec[kid].cost_per_meal_sek
        if spec[kid].role == "central":
            # the fixed share is paid for everyone's meals, the rest moves with the meals
            central_fixed = share * cost_meal * meals_all
            production += central_fixed + (1.0 - share) * cost_meal * (f + c)
        else:
            production += (f + c) * cost_meal
        packaging += c * p["chilled_packaging_sek_per_meal"]
        fixed_k += spec[kid].fixed_cost_sek_per_day * k.cooking_days_per_week
        local_spend += (
            (f + c) * cost_meal * p["food_cost_share_of_meal"] * spec[kid].local_food_share
        )
        if spec[kid].role == "local":
            local_meals += f + c
        fresh += f
        chilled += c
    # kitchen-to-plate, meal-weighted (docs/cost-model.md): hot meals = leaving the
    # kitchen to the plate; chilled meals = lead days + transport + days kept at home
    lead = p["chilled_days_cooked_before_delivery"] * DAY_S
    w_sum = w_t = 0.0
    t_max = -math.inf
    for rid in served:
        hot_meals = 0
        for t, d in hot_k2p.get(rid, []):
            w_sum += d
            w_t += d * t
            t_max = max(t_max, t)
            hot_meals += d
        c = max(0, meals[rid] - hot_meals)
        if c:
            cv = cold.get(rid)
            lead_r = lead
            if not cv and hot_meals >= 7:  # a daily visit's second meal: eaten that day
                cv, lead_r = hot_k2p.get(rid, []), 0.0
            cv = cv or [(0.0, 1)]
            v = sum(d for _, d in cv)
            m = c / v
            for t, d in cv:
                w_sum += m * d
                w_t += m * d * (lead_r + t + max(0.0, (m - 1) / 2) * DAY_S)
                t_max = max(t_max, lead_r + t + max(0, math.ceil(m) - 1) * DAY_S)
    km_cost = km * p["cost_per_km_sek"]
    driver = hours * p["driver_cost_per_hour_sek"]
    assert scenario.fleet.fixed_cost_basis == "week"  # an owned fleet stands every day
    veh_fixed = sum(needed.values()) * p["fixed_cost_sek_per_vehicle_week"]
    local_cost = local_h * p["local_delivery_staff_cost_per_hour_sek"]
    # reheating: each chilled meal of a recipient who needs help, at home-care rates
    hot_flag = {r.id: r.hot_meal for r in scenario.recipients}
    reheating = sum(
        max(0, meals[rid] - sum(d for _, d in hot_k2p.get(rid, [])))
        * (p["reheating_help_share_hot_meal"] if hot_flag[rid] else p["reheating_help_share_other"])
        * p["reheating_minutes_per_meal"]
        / 60.0
        * p["home_care_cost_per_hour_sek"]
        for rid in served
    )
    total = production + packaging + fixed_k + km_cost + driver + veh_fixed + local_cost + reheating
    served_meals = float(sum(meals[r] for r in served))
    assert {o.outcome for o in plan.outcomes.values()} == {"served"}  # all on the network
    assert all(ld.mode != "home_care" for ld in plan.local_deliveries)
    assert all(d.crew != "home_care" for d in plan.days)
    return {
        "production_cost_sek_per_week": production,
        "packaging_cost_sek_per_week": packaging,
        "fixed_kitchen_cost_sek_per_week": fixed_k,
        "vehicle_km_cost_sek_per_week": km_cost,
        "driver_cost_sek_per_week": driver,
        "vehicle_fixed_cost_sek_per_week": veh_fixed,
        "local_delivery_cost_sek_per_week": local_cost,
        "total_cost_sek_per_week": total,
        "meals_per_week": served_meals,
        "cost_per_meal_sek": total / served_meals,
        "vehicle_km_per_week": km,
        "driver_hours_per_week": hours,
        "co2_kg_per_week": km * p["co2_kg_per_km"],
        "mean_kitchen_to_plate_min": w_t / w_sum / 60.0,
        "max_kitchen_to_plate_min": t_max / 60.0,
        "fresh_meals_per_week": fresh,
        "reheated_meals_per_week": chilled,
        "local_spend_sek_per_week": local_spend,
        "local_working_hours_per_week": local_meals * p["local_staff_minutes_per_meal"] / 60.0
        + local_h,
        "recipient_visits_per_week": visits,
        "recipients_served": len(served),
        "recipients_unserved": len(set(meals) - served),
        "vehicles_used_per_day_max": vehicles_max,
        "vehicles_needed": sum(needed.values()),
        "reheating_cost_sek_per_week": reheating,
        "central_fixed_cost_sek_per_week": central_fixed,
        "recipients_fallback": 0,
        "fallback_cost_sek_per_week": 0.0,
        # no home-care crews cook in these models: no home-care staff time
        "home_care_cost_sek_per_week": 0.0,
        "home_care_hours_per_week": 0.0,
    }


def test_every_number_in_the_table_is_recomputed(bayreuth: dict[str, Any]) -> None:
    from maltid.costs import parameters_for

    comp, sc = bayreuth["comparison"], bayreuth["scenario"]
    p = parameters_for(sc)
    table = comp.table.set_index("model")
    assert list(table.index) == [m.name for m in sc.models]
    expected = {
        name: _recompute(res.plan, sc, comp.matrix, p) for name, res in comp.results.items()
    }
    base = expected[comp.baseline]
    checked = set()
    for name in table.index:
        exp = dict(expected[name])
        for col, v in list(exp.items()):
            exp[f"delta_{col}"] = v - base[col]
        exp["delta_total_cost_pct"] = (
            100.0 * exp["delta_total_cost_sek_per_week"] / base["total_cost_sek_per_week"]
        )
        for col in table.columns:
            assert col in exp, f"column {col} is not verified by this test"
            assert math.isclose(
                float(table.loc[name, col]), float(exp[col]), rel_tol=1e-9, abs_tol=1e-6
            ), (
                name,
                col,
            )
            checked.add(col)
    assert len(checked) == len(table.columns) >= 40


def test_the_comparison_tells_the_village_story(bayreuth: dict[str, Any]) -> None:
    comp = bayreuth["comparison"]
    t = comp.table.set_index("model")
    assert comp.baseline == "central_daily_hot"
    assert (t["recipients_unserved"] == 0).all()
    village = {r.id for r in bayreuth["scenario"].recipients if r.id.startswith("v")}
    # the local and the mixed model serve the village from the village kitchen ...
    for name in ("local_kitchens", "optimised_mix"):
        plan = comp.results[name].plan
        assert {r for r, k in plan.assignment.items() if k == "village"} == village
        for day in plan.days:
            for r in day.plan.routes:
                if r.depot_id == "central":
                    assert not village & set(r.stop_ids)
        # ... and cut the vehicle km of the daily hot central model
        assert (
            t.loc[name, "vehicle_km_per_week"] < t.loc["central_daily_hot", "vehicle_km_per_week"]
        )
    # weekly chilled: fewest km and fewest fresh meals (none)
    assert t["vehicle_km_per_week"].idxmin() == "central_chilled"
    assert t["fresh_meals_per_week"].idxmin() == "central_chilled"
    assert t.loc["central_chilled", "fresh_meals_per_week"] == 0
    assert t.loc["local_kitchens", "local_spend_sek_per_week"] > 0
    mix = comp.results["optimised_mix"].siting
    assert mix.status == "OPTIMAL" and "village" in mix.open_ids
    stages = {s for s, _, _ in bayreuth["stages"]}
    assert {"network", "matrix", "models", "break-even", "sensitivity"} <= stages


def test_break_even_values_are_real_sign_changes(bayreuth: dict[str, Any]) -> None:
    """Each bracketed break-even sits between two real re-solves of opposite sign."""
    frame = bayreuth["comparison"].break_even
    assert list(frame.columns[:9]) == [
        "parameter",
        "kitchen",
        "local_model",
        "versus_model",
        "value",
        "unit",
        "bracketed",
        "low",
        "high",
    ]
    be = frame[frame["versus_model"] == "central_daily_hot"].set_index("parameter")
    assert set(be.index) == {
        "local_cost_per_meal",
        "village_recipients",
        "village_distance",
        "fuel_cost",
    }
    for name, row in be.iterrows():
        if row["bracketed"]:
            assert row["low"] <= row["value"] <= row["high"], name
            assert row["evaluations"] >= 3
        else:
            assert math.isnan(row["value"]) and "no sign change" in row["note"]
    # the local model is cheaper here, so it breaks even at a HIGHER local cost per meal
    cpm = be.loc["local_cost_per_meal"]
    assert cpm["base_difference_sek_per_week"] < 0
    assert cpm["bracketed"] and cpm["value"] > cpm["base_value"]
    # ... at FEWER village recipients, and with the village NEARER the central kitchen
    vr = be.loc["village_recipients"]
    assert vr["bracketed"] and 0 < vr["value"] < vr["base_value"] == 20
    assert float(vr["value"]).is_integer()
    assert vr["high"] == 30  # capped at what the village kitchen cooks a day
    # the nearer the village is to the central kitchen, the smaller the local advantage:
    # it breaks even nearer than today, or (the village kitchen's own round remains) it
    # shrinks steadily over the whole interval without changing sign
    vd = be.loc["village_distance"]
    if vd["bracketed"]:
        assert vd["low"] < vd["value"] < 1.0
        assert vd["difference_at_low_sek_per_week"] > 0 > vd["base_difference_sek_per_week"]
    else:
        near, today, far = (
            vd[f"difference_at_{k}_sek_per_week"]
            if k != "base"
            else vd["base_difference_sek_per_week"]
            for k in ("low", "base", "high")
        )
        assert 0 > near > today > far
    # re-solve at the found value +- 2 SEK: the sign flips across it
    from maltid.analysis import model_spec, price_plan
    from maltid.models import make_context, solve_model

    comp = bayreuth["comparison"]
    sc = bayreuth["scenario"]
    diffs = []
    for x in (cpm["value"] - 2.0, cpm["value"] + 2.0):
        variant = sc.with_value("kitchens.village.cost_per_meal_sek", float(x))
        ctx = make_context(
            variant, comp.matrix, solution_limit=SOLUTIONS, iteration_limit=SOLUTIONS
        )
        totals = [
            price_plan(solve_model(model_spec(variant, n), ctx), ctx).total_cost_sek_per_week
            for n in ("local_kitchens", "central_daily_hot")
        ]
        diffs.append(totals[0] - totals[1])
    assert diffs[0] < 0 < diffs[1]


def test_sensitivity_covers_both_models(bayreuth: dict[str, Any]) -> None:
    from maltid.costs import parameters_for

    comp = bayreuth["comparison"]
    s = comp.sensitivity
    assert set(s["model"]) == {"central_daily_hot", "local_kitchens"}
    for model, grp in s.groupby("model"):
        base = comp.table.set_index("model").loc[model, "total_cost_sek_per_week"]
        assert np.allclose(grp["base_total_sek"], base)
        assert list(grp["swing_sek"]) == sorted(grp["swing_sek"], reverse=True)
        row = grp.set_index("parameter").loc["central_cost_per_meal_sek"]
        # re-priced: the swing is exactly +-20 % of the central kitchen's production cost:
        # its fixed share for everyone's meals plus the rest for the meals it cooks
        plan = comp.results[model].plan
        central_meals = sum(
            k.meals_fresh_per_week + k.meals_chilled_per_week
            for k in plan.kitchens
            if k.kitchen_id == "central"
        )
        share = parameters_for(comp.scenario)["central_fixed_share_of_meal_cost"]
        meals_all = sum(r.meals_per_week for r in comp.scenario.recipients)
        production = 55.0 * (share * meals_all + (1.0 - share) * central_meals)
        assert math.isclose(row["swing_sek"], 2 * 0.2 * production, rel_tol=1e-9)
        assert set(grp["method"]) == {"re-priced"}
        # on a kept plan the km cost is linear in the km rate: swing = 2 * 20 % * km cost
        km_row = grp.set_index("parameter").loc["cost_per_km_sek"]
        km_cost = comp.results[model].outcome.vehicle_km_cost_sek_per_week
        assert math.isclose(km_row["swing_sek"], 2 * 0.2 * km_cost, rel_tol=1e-6)


def test_assumptions_routes_and_geojson(bayreuth: dict[str, Any]) -> None:
    from maltid.faces.tables import routes_frame, routes_geojson

    comp = bayreuth["comparison"]
    a = comp.assumptions
    assert {"parameter", "value", "unit", "source", "year"} <= set(a.columns)
    assert "kitchens.village.cost_per_meal_sek" in set(a["parameter"])
    assert a["source"].astype(str).str.len().min() > 0
    rf = routes_frame(comp)
    n_stops = sum(
        len(r.stop_ids)
        for res in comp.results.values()
        for d in res.plan.days
        for r in d.plan.routes
    )
    assert len(rf) == n_stops
    assert rf["arrival"].str.match(r"^\d\d:\d\d$").all()
    hot = rf[(rf["model"] == "central_daily_hot") & rf["hot"]]
    assert len(hot) > 0 and (hot["kitchen_to_plate_min"] <= 90.0 + 1e-6).all()
    gj = routes_geojson(comp)
    n_routes = sum(len(d.plan.routes) for res in comp.results.values() for d in res.plan.days)
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == n_routes
    ids = {r.id for r in bayreuth["scenario"].recipients}
    for f in gj["features"]:
        assert f["geometry"]["type"] == "LineString"
        assert len(f["geometry"]["coordinates"]) >= 2
        lon, lat = f["geometry"]["coordinates"][0]
        assert 11.4 < lon < 11.7 and 49.9 < lat < 50.1
        assert not ids & {str(v) for v in f["properties"].values()}  # no recipient ids


def test_same_scenario_same_comparison(bayreuth: dict[str, Any]) -> None:
    from maltid.pipeline import compare

    first = bayreuth["comparison"]
    again = compare(
        bayreuth["scenario"],
        network=bayreuth["net"],
        solution_limit=SOLUTIONS,
        break_even=False,
        sensitivity=False,
    )
    import pandas as pd

    pd.testing.assert_frame_equal(first.table, again.table)
    for name in first.results:
        assert first.results[name].plan == again.results[name].plan

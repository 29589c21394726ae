"""Writing the demo: OSM XML roads, the recipients CSV, the scenario TOML; :func:`write_demo`."""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import tomli_w

from maltid._io import atomic_write_text
from maltid.demo.frame import SYNTHETIC_NOTE, Net, Point, dist_m, to_latlon, to_latlon_arrays
from maltid.demo.municipality import (
    Municipality,
    Person,
    build_municipality,
    junction_nodes,
    make_recipients,
    nearest_junction,
)
from maltid.errors import InputError

__all__ = [
    "DEMO_OSM_NAME",
    "RECIPIENTS_CSV_NAME",
    "SCENARIO_NAME",
    "SCENARIO_TOML_NAME",
    "write_demo",
]

logger = logging.getLogger("maltid")

#: Scenario name written into ``scenario.toml``.
SCENARIO_NAME = "Syntetiska kommunen (påhittade data)"
#: File names written by :func:`write_demo` (the scenario refers to the first two).
DEMO_OSM_NAME = "demo.osm"
RECIPIENTS_CSV_NAME = "recipients.csv"
SCENARIO_TOML_NAME = "scenario.toml"

# The candidate local kitchens after the camping kitchen, in turn:
# (id prefix, name pattern, cost_per_meal_sek, fixed_cost_sek_per_day, capacity, local share)
_LOCAL_KINDS = (
    ("skola", "Skolköket i {}", 58.0, 300.0, 80, 0.3),
    ("restaurang", "Värdshuset i {}", 72.0, 350.0, 50, 0.4),
    ("bygdegard", "Bygdegårdens kök i {}", 64.0, 400.0, 40, 0.6),
    ("aldreboende", "Äldreboendets kök i {}", 60.0, 250.0, 60, 0.35),
)


def _osm_xml(net: Net, *, seed: int) -> str:
    """The roads as OSM XML (positions in degrees to 7 decimals, about 1 cm)."""
    xy = np.array(net.xy, dtype=float)
    lats, lons = to_latlon_arrays(xy[:, 0], xy[:, 1])
    out = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<osm version="0.6" generator="maltid.demo (SYNTHETIC data, not a real place)" '
        'upload="false">',
        f"  <note>{escape(SYNTHETIC_NOTE)} (seed={seed}). No real roads or people.</note>",
        f'  <bounds minlat="{lats.min():.7f}" minlon="{lons.min():.7f}" '
        f'maxlat="{lats.max():.7f}" maxlon="{lons.max():.7f}"/>',
    ]
    for i, (lat, lon) in enumerate(zip(lats.tolist(), lons.tolist(), strict=True), start=1):
        tags = net.node_tags.get(i)
        if not tags:
            out.append(f'  <node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
            continue
        out.append(f'  <node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">')
        out += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
        out.append("  </node>")
    for w, way in enumerate(net.ways, start=1):
        out.append(f'  <way id="{w}" version="1">')
        out += [f'    <nd ref="{n}"/>' for n in way.nodes]
        out += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in way.tags.items()]
        out.append("  </way>")
    out.append("</osm>")
    return "\n".join(out) + "\n"


def _recipients_csv(people: list[Person]) -> str:
    """The recipients as CSV (positions in degrees to 6 decimals, about 0.1 m)."""
    lines = ["id,lat,lon,meals_per_week,hot_meal,note"]
    lines += [
        f"{p.id},{p.lat:.6f},{p.lon:.6f},{p.meals_per_week},{'true' if p.hot_meal else 'false'},"
        "SYNTHETIC person (maltid demo)"
        for p in people
    ]
    return "\n".join(lines) + "\n"


def _kitchen(
    kid: str, name: str, role: str, at_m: Point, dx_m: float, dy_m: float, **costs: int | float
) -> dict[str, Any]:
    """One ``[[kitchens]]`` table, the kitchen ``(dx_m, dy_m)`` metres off the node at ``at_m``."""
    lat, lon = to_latlon(at_m[0] + dx_m, at_m[1] + dy_m)
    # degrees to 6 decimals (about 0.1 m), as in the recipients CSV
    return {
        "id": kid,
        "name": name,
        "role": role,
        "lat": float(f"{lat:.6f}"),
        "lon": float(f"{lon:.6f}"),
        **costs,
    }


def _kitchens(m: Municipality, *, n_candidate_kitchens: int) -> list[dict[str, Any]]:
    """The ``[[kitchens]]`` tables: the central kitchen, the camping kitchen, other candidates."""
    net = m.net
    remote = next(v for v in m.villages if v.remote)
    junctions = sorted(junction_nodes(net))
    centre_node = nearest_junction(
        net, junctions, min(m.town.nodes, key=lambda n: dist_m(net.pos(n), (0.0, 0.0)))
    )
    kitchens = [
        _kitchen(
            "central",
            "Centralköket (syntetiskt)",
            "central",
            net.pos(centre_node),
            20.0,
            15.0,
            cost_per_meal_sek=55.0,
            fixed_cost_sek_per_day=0.0,
            capacity_meals_per_day=2000,
        ),
        _kitchen(
            "camping",
            f"Campingköket vid {remote.name} (syntetiskt)",
            "local",
            net.pos(nearest_junction(net, junctions, remote.centre)),
            -25.0,
            18.0,
            cost_per_meal_sek=68.0,
            fixed_cost_sek_per_day=450.0,
            capacity_meals_per_day=40,
            local_food_share=0.8,
        ),
    ]
    others = [v for v in m.villages if not v.remote]
    # the further local candidates go to the largest-distance-spread villages first
    others.sort(key=lambda v: -dist_m(net.pos(v.centre), (0.0, 0.0)))
    for k in range(min(n_candidate_kitchens - 1, len(others))):
        vil = others[(k * 2) % len(others)] if len(others) > 2 * k else others[k % len(others)]
        prefix, pattern, cost, fixed, cap, share = _LOCAL_KINDS[k % len(_LOCAL_KINDS)]
        kitchens.append(
            _kitchen(
                f"{prefix}_{k + 1}",
                pattern.format(vil.name) + " (syntetiskt)",
                "local",
                net.pos(nearest_junction(net, junctions, vil.centre)),
                15.0,
                -20.0,
                cost_per_meal_sek=cost,
                fixed_cost_sek_per_day=fixed,
                capacity_meals_per_day=cap,
                local_food_share=share,
            )
        )
    return kitchens


def _scenario_toml(m: Municipality, *, seed: int, n_candidate_kitchens: int) -> str:
    """``scenario.toml``: a SYNTHETIC comment header, then the data written by tomli-w."""
    header = (
        "# SYNTHETIC demo scenario generated by maltid.demo - not a real municipality.\n"
        f"# Roads (demo.osm) and recipients (recipients.csv) are made up; seed = {seed}.\n"
        "# Every key is described in docs/scenario-format.md.\n"
    )
    data: dict[str, Any] = {
        "name": SCENARIO_NAME,
        "seed": seed,
        "network": {"osm": DEMO_OSM_NAME, "winter_speed_factor": 1.0},
        "recipients": {"csv": RECIPIENTS_CSV_NAME},
        "kitchens": _kitchens(m, n_candidate_kitchens=n_candidate_kitchens),
        "fleet": {
            "vehicle_capacity_meals": 40,
            "cost_per_km_sek": 2.5,
            "driver_cost_per_hour_sek": 380.0,
            "co2_kg_per_km": 0.18,
            "service_min_per_stop": 4.0,
            "shift_start": "10:00",
            "max_shift_min": 240,
        },
        "delivery": {"lunch_window": ["11:00", "13:30"], "max_hot_holding_min": 90},
        # fleets sized by each day's plan (no vehicle caps); the default backend "auto":
        # lunch rounds mixing hot and not-hot meals by OR-Tools, 200 search solutions a
        # solve, chilled rounds by PyVRP (its default iterations)
        "solver": {"time_limit_s": 60, "solution_limit": 200},
        "models": [
            {"kind": "central_daily_hot", "days_per_week": 7},
            {"kind": "central_chilled", "deliveries_per_week": 1},
            {"kind": "local_kitchens"},
            {"kind": "optimised_mix"},
        ],
    }
    return header + tomli_w.dumps(data)


def write_demo(
    out_dir: str | Path,
    *,
    seed: int = 1,
    n_recipients: int = 150,
    n_candidate_kitchens: int = 3,
    overwrite: bool = False,
) -> Path:
    """Write the seeded synthetic municipality (roads in metres, OSM XML) and return its scenario.

    Parameters
    ----------
    out_dir : str or Path
        Directory to write ``demo.osm``, ``recipients.csv`` and ``scenario.toml``
        into; created if missing.
    seed : int
        Random seed; the same arguments give byte-identical files.
    n_recipients : int
        Number of synthetic recipients (about 35 % in the town, 8 % in the remote
        village, 10 % on farms along the roads, the rest in the villages). It also
        sets the number of villages 10-70 km out, ``6 + n_recipients // 100``
        including the remote one (7 for 150 recipients, 26 for 2,000).
    n_candidate_kitchens : int
        Number of candidate local kitchens (the camping kitchen plus school,
        restaurant, ... kitchens in other villages), at most the number of villages.
    overwrite : bool
        Replace existing demo files in ``out_dir``; without it an existing file is an
        error.

    Returns
    -------
    Path
        Path of the written ``scenario.toml`` (it refers to the other two files by
        relative paths).

    Raises
    ------
    InputError
        If a parameter is out of range, ``out_dir`` is not a directory, or a demo
        file exists and ``overwrite`` is false.
    """
    out = Path(out_dir)
    _check_int("seed", seed, 0, 2**63 - 1)
    _check_int("n_recipients", n_recipients, 10, 1_000_000)
    n_villages = 6 + n_recipients // 100
    _check_int("n_candidate_kitchens", n_candidate_kitchens, 1, n_villages)
    if out.exists() and not out.is_dir():
        raise InputError(
            f"demo output directory {out} exists and is not a directory "
            "(fix: choose a directory path for the demo files)"
        )
    targets = [out / DEMO_OSM_NAME, out / RECIPIENTS_CSV_NAME, out / SCENARIO_TOML_NAME]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        raise InputError(
            f"{existing[0]} already exists (fix: pass overwrite=True / --overwrite, "
            "or choose an empty directory)"
        )

    m = build_municipality(random.Random(seed), n_villages=n_villages, n_recipients=n_recipients)
    people = make_recipients(random.Random(seed * 7919 + 1), m, n_recipients)
    toml = _scenario_toml(m, seed=seed, n_candidate_kitchens=n_candidate_kitchens)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(targets[0], _osm_xml(m.net, seed=seed))
    atomic_write_text(targets[1], _recipients_csv(people))
    atomic_write_text(targets[2], toml)
    logger.info(
        "wrote SYNTHETIC demo municipality to %s: %d nodes, %d ways, %d villages, %d recipients",
        out,
        len(m.net.xy),
        len(m.net.ways),
        len(m.villages),
        len(people),
    )
    return targets[2]


def _check_int(name: str, value: object, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InputError(
            f"write_demo: {name} = {value!r} is not an integer in [{lo}, {hi}] "
            f"(fix: pass {name} as an integer between {lo} and {hi})"
        )

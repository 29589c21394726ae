"""The synthetic municipality (metres, local frame): villages, the town, and the recipients.

:func:`build_municipality` lays out the town, the two arms of the valley main road, the
villages on branch roads (the remote one with a camping kitchen and a shop: the Frame
Lake set-up), the links between villages and the side roads; :func:`make_recipients`
places the recipients beside the roads.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

from maltid.demo.frame import (
    SYNTHETIC_NOTE,
    Net,
    add_road,
    bearing,
    dist_m,
    pursuit,
    road_tags,
    to_latlon,
)
from maltid.demo.roads import (
    Town,
    Village,
    arc_lengths,
    build_town,
    main_road,
    old_road,
    roadside,
    village_streets,
)

__all__ = [
    "CENTRE_SHARE",
    "Municipality",
    "Person",
    "build_municipality",
    "junction_nodes",
    "make_recipients",
    "nearest_junction",
]

#: Share of the recipients who live in the town.
CENTRE_SHARE = 0.35

# Synthetic, Swedish-sounding place names: every prefix means "made up" / "sample".
_NAME_PREFIXES = (
    "Syntet",
    "Påhitt",
    "Låtsas",
    "Fiktiv",
    "Exempel",
    "Prov",
    "Modell",
    "Skiss",
    "Utkast",
    "Test",
)
_NAME_SUFFIXES = (
    "byn",
    "träsk",
    "åsen",
    "berget",
    "sjön",
    "myran",
    "holmen",
    "bodarna",
    "viken",
    "forsen",
    "tjärn",
    "liden",
    "näset",
    "älven",
)


def _place_names(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct made-up village names; the remote village is always Syntetbyn."""
    combos = [p + s for p in _NAME_PREFIXES for s in _NAME_SUFFIXES]
    combos.remove("Syntetbyn")
    rng.shuffle(combos)
    names = ["Syntetbyn", *combos]
    while len(names) < n:  # only for absurd village counts
        names += [f"{c} {len(names) // len(combos) + 1}" for c in combos]
    return names[:n]


@dataclass(frozen=True)
class Municipality:
    """The generated roads, the town, the villages (the remote one first) and farm nodes."""

    net: Net
    town: Town
    villages: list[Village]
    farm_nodes: list[int]


Span = tuple[float, float]
"""A built-up stretch of a road: from and to, in metres of arc length along it."""


def build_municipality(rng: random.Random, *, n_villages: int, n_recipients: int) -> Municipality:
    """Lay out the roads (m) of a municipality of ``n_villages`` villages.

    ``n_recipients`` only sets the size of the town grid (more people, more streets).
    """
    net = Net()
    scale = max(1.0, math.sqrt(n_recipients / 150.0))
    n_cols = min(31, round(21 * scale))
    n_rows = min(23, round(15 * scale)) | 1  # odd, so the main road is the middle row
    town = build_town(net, rng, n_cols=n_cols, n_rows=n_rows)

    # the river valley runs west-south-west to east-north-east
    valley = math.radians(rng.uniform(5.0, 20.0))
    west = main_road(net, rng, town.west, valley + math.pi, rng.uniform(50e3, 60e3))
    east = main_road(net, rng, town.east, valley, rng.uniform(60e3, 70e3))
    arms = [west, east]
    for arm in arms:
        net.way(arm, road_tags("primary", "Riksvägen", ref="999", maxspeed="90"))
    arm_arcs = [arc_lengths(net, a) for a in arms]
    arm_spans = [_valley_spans(rng, arc) for arc in arm_arcs]

    names = _place_names(rng, n_villages)
    villages: list[Village] = []
    branches: list[tuple[list[int], list[Span]]] = []  # roads off the main road
    for v, target in enumerate(_village_distances(rng, n_villages)):
        remote = v == 0
        arm_i = 1 if remote else rng.randrange(2)
        arm, arc = arms[arm_i], arm_arcs[arm_i]
        if (not remote) and rng.random() < 0.25:
            # on the main road
            s = min(target, arc[-1] - 2e3)
            k = min(range(len(arm)), key=lambda i: abs(arc[i] - s))
            arm_spans[arm_i].append((arc[k] - 2.5e3, arc[k] + 2.5e3))
            village = Village(names[v], arm[k])
            a, b = net.pos(arm[max(0, k - 1)]), net.pos(arm[min(len(arm) - 1, k + 1)])
            side = rng.choice((-1.0, 1.0))
            heading = bearing(a, b) + side * math.pi / 2
        else:
            ids, heading = _branch_road(net, rng, arm, arc, target, name=names[v], remote=remote)
            length = arc_lengths(net, ids)[-1]
            branches.append((ids, [(length - rng.uniform(2e3, 3.5e3), length)]))
            village = Village(names[v], ids[-1], remote=remote)
        villages.append(village)
        branches.append((village_streets(net, rng, village, heading), [(0.0, 1e9)]))

    on_main = set(west) | set(east)
    branch_villages = [(i, v) for i, v in enumerate(villages) if v.centre not in on_main]
    branches += [(ids, []) for ids in _village_links(net, rng, branch_villages)]
    _frame_lake_pois(net, villages[0])
    _place_nodes(net, villages)

    side_names = [*names, "Kronans", "Bolagets", "Älvdalens", "Myrens", "Norr", "Sör", "Väster"]
    farm_nodes: list[int] = []
    for road, spans in [*zip(arms, arm_spans, strict=True), *branches]:
        for span in spans:
            old_road(net, rng, road, span, names=side_names, farm_nodes=farm_nodes)
        roadside(net, rng, road, settled=spans, names=side_names, farm_nodes=farm_nodes)
    return Municipality(net, town, villages, farm_nodes)


def _valley_spans(rng: random.Random, arc: list[float]) -> list[Span]:
    """Built-up stretches of a main-road arm: the town outskirts, valley farms every ~15 km."""
    spans = [(0.0, rng.uniform(4e3, 7e3))]
    for s0 in range(10_000, int(arc[-1]) - 3000, 15_000):
        if rng.random() < 0.7:
            s_from = s0 + rng.uniform(0.0, 10e3)
            spans.append((s_from, s_from + rng.uniform(1.5e3, 4e3)))
    return spans


def _village_distances(rng: random.Random, n_villages: int) -> list[float]:
    """Road distances (m) of the villages from the centre, the remote one first.

    The remote village is 55-65 km out; the others are spread over 10-60 km.
    """
    targets = [rng.uniform(55e3, 65e3)]
    for v in range(1, n_villages):
        lo = 10e3 + 50e3 * (v - 1) / max(1, n_villages - 1)
        targets.append(rng.uniform(lo, lo + 50e3 / max(1, n_villages - 1)))
    return targets


def _branch_road(
    net: Net,
    rng: random.Random,
    arm: list[int],
    arc: list[float],
    target_m: float,
    *,
    name: str,
    remote: bool,
) -> tuple[list[int], float]:
    """The road off the main-road ``arm`` to a village about ``target_m`` from the centre.

    Returns its node ids (the village centre last) and its heading (rad) at the village.
    """
    branch_len = rng.uniform(0.35, 0.55) * target_m if not remote else rng.uniform(22e3, 26e3)
    s = max(3e3, min(target_m - branch_len, arc[-1] - 3e3))
    k = min(range(1, len(arm) - 1), key=lambda i: abs(arc[i] - s))
    a, b = net.pos(arm[k - 1]), net.pos(arm[k + 1])
    side = rng.choice((-1.0, 1.0))
    heading = bearing(a, b) + side * rng.uniform(0.5, 1.1)
    start = net.pos(arm[k])
    end = (
        start[0] + branch_len * math.cos(heading),
        start[1] + branch_len * math.sin(heading),
    )
    # the road bends round a lake or a hill: via a point off the straight line
    bend = rng.uniform(0.3, 0.7)
    lateral = rng.choice((-1.0, 1.0)) * rng.uniform(0.12, 0.25) * branch_len
    via = (
        start[0] + bend * (end[0] - start[0]) - lateral * math.sin(heading),
        start[1] + bend * (end[1] - start[1]) + lateral * math.cos(heading),
    )
    pts = pursuit(rng, start, via, step_m=(80.0, 280.0), wiggle_rad=0.12)
    pts += pursuit(rng, via, end, step_m=(80.0, 280.0), wiggle_rad=0.12)
    ids = add_road(net, arm[k], pts, None)
    hw = "secondary" if (remote or branch_len > 12e3) else "tertiary"
    maxspeed = "80" if hw == "secondary" else "70"
    net.way(ids, road_tags(hw, f"Vägen till {name}", maxspeed=maxspeed))
    return ids, heading


def _village_links(
    net: Net, rng: random.Random, branch_villages: list[tuple[int, Village]]
) -> list[list[int]]:
    """Node ids of tertiary roads (m) joining neighbouring branch villages.

    Each village but the remote one is joined to its nearest neighbour 3-22 km away,
    each pair once.
    """
    candidates = [(i, v) for i, v in branch_villages if not v.remote]
    linked: set[frozenset[int]] = set()
    links: list[list[int]] = []
    for i, vil in candidates:
        p = net.pos(vil.centre)
        best: tuple[float, int, Village] | None = None
        for j, other in candidates:
            if j == i:
                continue
            d = dist_m(p, net.pos(other.centre))
            if 3e3 < d < 22e3 and (best is None or d < best[0]):
                best = (d, j, other)
        if best is None or frozenset((i, best[1])) in linked:
            continue
        linked.add(frozenset((i, best[1])))
        pts = pursuit(rng, p, net.pos(best[2].centre), step_m=(80.0, 250.0), wiggle_rad=0.14)
        ids = add_road(net, vil.centre, pts, best[2].centre)
        net.way(ids, road_tags("tertiary", f"{vil.name}–{best[2].name}", maxspeed="70"))
        links.append(ids)
    return links


def _place_nodes(net: Net, villages: list[Village]) -> None:
    """Each village's name on its centre node (``place=village``), as OpenStreetMap has it.

    Only tags: no road changes. They let the map name the villages offline, as it names
    the places of a real extract.
    """
    for village in villages:
        tags = net.node_tags.setdefault(village.centre, {})
        if "name" not in tags:
            tags.update({"place": "village", "name": village.name, "note": SYNTHETIC_NOTE})


def _frame_lake_pois(net: Net, village: Village) -> None:
    """The Frame Lake set-up: a camping (with a kitchen) and a shop in the remote village."""
    shop, camp = village.street_nodes[1], village.street_nodes[-1]
    net.node_tags[shop] = {"shop": "convenience", "name": f"Lanthandeln i {village.name}"}
    net.node_tags[camp] = {"tourism": "camp_site", "name": f"{village.name} camping"}
    for n in (shop, camp):
        net.node_tags[n]["note"] = SYNTHETIC_NOTE


@dataclass(frozen=True)
class Person:
    """A synthetic recipient: id, house position (degrees) and meal order."""

    id: str
    lat: float
    lon: float
    meals_per_week: int
    hot_meal: bool


def _house_near(net: Net, rng: random.Random, node_id: int) -> tuple[float, float]:
    """A house position (lat, lon) 8-45 m from a road node, like a house beside the road."""
    x, y = net.pos(node_id)
    r = rng.uniform(8.0, 45.0)
    a = rng.uniform(0.0, 2.0 * math.pi)
    return to_latlon(x + r * math.cos(a), y + r * math.sin(a))


def junction_nodes(net: Net) -> set[int]:
    """Nodes that stay graph nodes after simplification: dead ends and junctions."""
    neighbours: dict[int, set[int]] = {}
    for way in net.ways:
        for a, b in itertools.pairwise(way.nodes):
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
    return {n for n, nb in neighbours.items() if len(nb) != 2}


def nearest_junction(net: Net, junctions: list[int], node_id: int) -> int:
    """The node of ``junctions`` nearest (m; ties by id) to node ``node_id``."""
    p = net.pos(node_id)
    return min(junctions, key=lambda n: (dist_m(net.pos(n), p), n))


def make_recipients(rng: random.Random, m: Municipality, n: int) -> list[Person]:
    """``n`` recipients: :data:`CENTRE_SHARE` in the town, 8 % in the remote village, 10 % on farms.

    Houses stand 8-45 m from a road node; positions are in degrees.
    """
    n_remote = max(1, round(0.08 * n))
    n_centre = round(CENTRE_SHARE * n)
    n_farms = round(0.10 * n)
    n_village = n - n_remote - n_centre - n_farms
    # houses sit beside nodes that survive graph simplification (junctions and dead
    # ends), so every recipient snaps to a node within a few tens of metres
    keep = junction_nodes(m.net)

    def pool(nodes: list[int]) -> list[int]:
        return [x for x in nodes if x in keep] or nodes

    remote = next(v for v in m.villages if v.remote)
    others = [v for v in m.villages if not v.remote] or [remote]
    town_nodes = pool(m.town.nodes)
    chosen = [town_nodes[rng.randrange(len(town_nodes))] for _ in range(n_centre)]
    remote_nodes = pool([remote.centre, *remote.street_nodes])
    chosen += [remote_nodes[rng.randrange(len(remote_nodes))] for _ in range(n_remote)]
    # villages get unequal shares (bigger and smaller villages)
    weights = [rng.uniform(0.5, 2.0) for _ in others]
    village_nodes = [pool([v.centre, *v.street_nodes]) for v in others]
    for _ in range(n_village):
        nodes = rng.choices(village_nodes, weights=weights)[0]
        chosen.append(nodes[rng.randrange(len(nodes))])
    farms = pool(m.farm_nodes or m.town.nodes)
    chosen += [farms[rng.randrange(len(farms))] for _ in range(n_farms)]
    people = []
    for i, node_id in enumerate(chosen, start=1):
        lat, lon = _house_near(m.net, rng, node_id)
        u = rng.random()
        meals = 7 if u < 0.72 else 5 if u < 0.93 else 3
        hot = rng.random() < 0.85
        people.append(Person(f"S{i:04d}", lat, lon, meals, hot))
    return people

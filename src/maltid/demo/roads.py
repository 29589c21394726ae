"""The synthetic road geometry (metres, local frame): town grid, main road, side roads, villages.

Every builder draws with the shared :class:`random.Random` in a fixed order, so the
same seed gives the same roads; the order of the calls is part of the output.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass, field

from maltid.demo.frame import (
    Net,
    Point,
    add_road,
    bearing,
    dist_m,
    pursuit,
    road_tags,
    wander,
)

__all__ = [
    "STREET_NAMES",
    "Town",
    "Village",
    "arc_lengths",
    "build_town",
    "main_road",
    "old_road",
    "roadside",
    "village_streets",
]

STREET_NAMES = (
    "Storgatan",
    "Kyrkogatan",
    "Skolgatan",
    "Järnvägsgatan",
    "Åvägen",
    "Björkvägen",
    "Tallvägen",
    "Granvägen",
    "Rönnvägen",
    "Lingonstigen",
    "Blåbärsvägen",
    "Älgvägen",
    "Torggatan",
    "Sjögatan",
    "Parkvägen",
    "Backvägen",
)


@dataclass
class Village:
    """A village: its name, centre node, street nodes, and whether it is the remote one."""

    name: str
    centre: int
    street_nodes: list[int] = field(default_factory=list)
    remote: bool = False


@dataclass(frozen=True)
class Town:
    """The town grid: its node ids and the two ends of the main road through it."""

    nodes: list[int]
    west: int
    east: int


def build_town(net: Net, rng: random.Random, *, n_cols: int, n_rows: int) -> Town:
    """Town grid of residential streets; the middle row is the main road through town."""
    dx, dy = 125.0, 110.0
    mid = n_rows // 2
    # knock out a few corners so the town is not a perfect rectangle
    corners = ((0, 0), (0, n_rows - 1), (n_cols - 1, 0), (n_cols - 1, n_rows - 1))
    dropped = {c for c in corners if rng.random() < 0.7}
    grid: list[list[int | None]] = []
    for i in range(n_cols):
        col: list[int | None] = []
        for j in range(n_rows):
            x = (i - (n_cols - 1) / 2) * dx + rng.uniform(-12, 12)
            y = (j - mid) * dy + rng.uniform(-12, 12)
            col.append(None if (i, j) in dropped else net.node(x, y))
        grid.append(col)

    # a block with oneway circulation just north-east of the centre (a strongly
    # connected cycle, so the network stays one strongly connected component)
    bi, bj = n_cols // 2, mid + 1
    ring = [grid[bi][bj], grid[bi + 1][bj], grid[bi + 1][bj + 1], grid[bi][bj + 1]]
    ring_edges = {frozenset((ring[k], ring[(k + 1) % 4])) for k in range(4)}
    removed: set[frozenset[int | None]] = set()
    # remove a few interior street segments (irregular blocks, some dead ends)
    for _ in range(max(1, (n_cols * n_rows) // 10)):
        i = rng.randrange(n_cols - 1)
        j = rng.randrange(n_rows)
        if j == mid:
            continue
        removed.add(frozenset((grid[i][j], grid[i + 1][j])))

    names = list(STREET_NAMES)
    rng.shuffle(names)

    for j in range(n_rows):
        name = "Storgatan" if j == mid else names[j % len(names)]
        hw = "primary" if j == mid else "residential"
        extra = {"maxspeed": "50", "ref": "999"} if j == mid else {"maxspeed": "30"}
        run: list[int] = []
        for i in range(n_cols):
            a = grid[i][j]
            b = grid[i + 1][j] if i + 1 < n_cols else None
            if a is None:
                continue
            run.append(a)
            key = frozenset((a, b))
            if b is None or key in removed or key in ring_edges:
                net.way(run, road_tags(hw, name, **extra))
                run = []
    for i in range(n_cols):
        name = names[(n_rows + i) % len(names)]
        run = []
        for j in range(n_rows):
            a = grid[i][j]
            b = grid[i][j + 1] if j + 1 < n_rows else None
            if a is None:
                continue
            run.append(a)
            key = frozenset((a, b))
            if b is None or key in ring_edges:
                net.way(run, road_tags("residential", name, maxspeed="30"))
                run = []
    for k in range(4):
        a, b = ring[k], ring[(k + 1) % 4]
        assert a is not None and b is not None
        net.way([a, b], road_tags("residential", "Torgslingan", oneway="yes", maxspeed="30"))

    nodes = [n for col in grid for n in col if n is not None]
    west, east = grid[0][mid], grid[n_cols - 1][mid]
    assert west is not None and east is not None
    return Town(nodes, west, east)


def main_road(
    net: Net, rng: random.Random, start: int, direction: float, length_m: float
) -> list[int]:
    """Node ids of one arm of the valley main road, ``length_m`` along ``direction`` (rad)."""
    n_legs = 8
    leg_m = length_m / n_legs
    waypoints: list[Point] = []
    p = net.pos(start)
    for _ in range(n_legs):
        h = direction + rng.uniform(-0.5, 0.5)
        p = (p[0] + leg_m * math.cos(h), p[1] + leg_m * math.sin(h))
        waypoints.append(p)
    ids = [start]
    for wp in waypoints:
        pts = pursuit(rng, net.pos(ids[-1]), wp, step_m=(150.0, 320.0), wiggle_rad=0.08)
        ids += add_road(net, ids[-1], pts, None)[1:]
    return ids


def arc_lengths(net: Net, ids: list[int]) -> list[float]:
    """Cumulative length (m) along the road through ``ids``, starting at 0."""
    out = [0.0]
    for a, b in itertools.pairwise(ids):
        out.append(out[-1] + dist_m(net.pos(a), net.pos(b)))
    return out


def _in_any(s_m: float, intervals: list[tuple[float, float]]) -> bool:
    return any(lo <= s_m <= hi for lo, hi in intervals)


def roadside(
    net: Net,
    rng: random.Random,
    road: list[int],
    *,
    settled: list[tuple[float, float]],
    names: list[str],
    farm_nodes: list[int],
) -> None:
    """Side roads off ``road`` (arc-length intervals in ``settled`` are built-up).

    Built-up stretches (the town outskirts, around villages, and the strings of farms
    along the valley typical of Norrland "radbyar") get a side road every 100-400 m,
    60 % of them short farm roads; the forest in between gets one every 0.4-1.1 km,
    60 % of them gravel forest roads: dead ends, sometimes a loop back to the road.
    """
    arc = arc_lengths(net, road)
    total = arc[-1]
    used: set[int] = set()
    s = rng.uniform(50.0, 400.0)
    while s < total - 150.0:
        built_up = _in_any(s, settled)
        k = min(max(1, bisect.bisect_left(arc, s)), len(road) - 2)
        if k not in used and len(road) > 2:
            used.add(k)
            a, b = net.pos(road[k - 1]), net.pos(road[k + 1])
            tangent = bearing(a, b)
            side = rng.choice((-1.0, 1.0))
            if rng.random() < (0.6 if built_up else 0.4):
                _farm_road(net, rng, road[k], tangent + side * rng.uniform(1.1, 2.0), names)
                farm_nodes.append(net.ways[-1].nodes[-1])
            else:
                loop_to = None
                if rng.random() < 0.15 and k + 8 < len(road) - 1:
                    loop_to = road[min(len(road) - 2, k + rng.randint(8, 24))]
                _forest_road(
                    net, rng, road[k], tangent + side * rng.uniform(0.6, 1.4), names, loop_to
                )
        s += rng.uniform(100.0, 400.0) if built_up else rng.uniform(400.0, 1100.0)


def old_road(
    net: Net,
    rng: random.Random,
    road: list[int],
    span: tuple[float, float],
    *,
    names: list[str],
    farm_nodes: list[int],
) -> None:
    """The old village road running 60-150 m beside ``road`` over ``span`` (m of arc).

    Joined to the road every 150-450 m by short links: the ladder pattern of a
    Norrland valley village where the new road bypasses the old one.
    """
    arc = arc_lengths(net, road)
    ks = [k for k in range(1, len(road) - 1) if span[0] <= arc[k] <= span[1]]
    if len(ks) < 3:
        return
    side = rng.choice((-1.0, 1.0))
    offset = rng.uniform(60.0, 150.0)
    old: list[int] = []
    for k in ks:
        a, b = net.pos(road[k - 1]), net.pos(road[k + 1])
        normal = bearing(a, b) + side * math.pi / 2
        x, y = net.pos(road[k])
        d = offset + rng.uniform(-15.0, 15.0)
        old.append(net.node(x + d * math.cos(normal), y + d * math.sin(normal)))
    net.way(old, road_tags("residential", "Gamla landsvägen", maxspeed="50"))
    last = -1e9
    for i, k in enumerate(ks):
        if i in (0, len(ks) - 1) or arc[k] - last >= rng.uniform(150.0, 450.0):
            net.way([road[k], old[i]], road_tags("residential", None, maxspeed="30"))
            last = arc[k]
        elif rng.random() < 0.35:
            tangent = bearing(net.pos(road[ks[i - 1]]), net.pos(road[ks[i + 1]]))
            _farm_road(net, rng, old[i], tangent + side * rng.uniform(1.1, 2.0), names)
            farm_nodes.append(net.ways[-1].nodes[-1])
    farm_nodes += old


def _farm_road(net: Net, rng: random.Random, start: int, heading: float, names: list[str]) -> None:
    """A short residential road (about 40-300 m) to a farm or a few houses."""
    pts = wander(
        rng, net.pos(start), heading, rng.uniform(40.0, 220.0), step_m=(40, 110), wiggle_rad=0.2
    )
    name = f"{rng.choice(names)}{rng.choice(('gården', 'vägen', 'backen', 'stigen'))}"
    net.way(add_road(net, start, pts, None), road_tags("residential", name, maxspeed="30"))


def _forest_road(
    net: Net,
    rng: random.Random,
    start: int,
    heading: float,
    names: list[str],
    loop_to: int | None,
) -> None:
    """A gravel forest road (0.3-2 km) with at most one dead-end fork, or a loop to ``loop_to``."""
    name = f"{rng.choice(names)} skogsväg"
    extra = {"maxspeed": "70"} if rng.random() < 0.15 else {}
    if loop_to is not None:
        out = wander(
            rng, net.pos(start), heading, rng.uniform(600, 2000), step_m=(60, 200), wiggle_rad=0.12
        )
        back = pursuit(rng, out[-1], net.pos(loop_to), step_m=(60.0, 200.0), wiggle_rad=0.12)
        stem = add_road(net, start, out + back, loop_to)
    else:
        pts = wander(
            rng, net.pos(start), heading, rng.uniform(300, 1500), step_m=(50, 200), wiggle_rad=0.15
        )
        stem = add_road(net, start, pts, None)
    net.way(stem, road_tags("unclassified", name, surface="gravel", **extra))
    for _ in range(rng.choice((0, 0, 0, 0, 1, 1))):
        if len(stem) < 5:
            break
        j = rng.randrange(2, len(stem) - 2)
        fork = wander(
            rng,
            net.pos(stem[j]),
            heading + rng.choice((-1.0, 1.0)) * rng.uniform(0.6, 1.3),
            rng.uniform(200.0, 800.0),
            step_m=(50.0, 180.0),
            wiggle_rad=0.15,
        )
        net.way(
            add_road(net, stem[j], fork, None), road_tags("unclassified", None, surface="gravel")
        )


def _village_grid(
    net: Net,
    rng: random.Random,
    village: Village,
    through_ids: list[int],
    heading: float,
    names: list[str],
) -> None:
    """A grid of residential streets (5-8 by 3-5 nodes, about 100 m apart) by the main street."""
    n_c, n_r = rng.randint(5, 8), rng.randint(3, 5)
    dx, dy = rng.uniform(85.0, 120.0), rng.uniform(80.0, 110.0)
    j0 = rng.randrange(0, max(1, len(through_ids) - n_c))
    side = rng.choice((-1.0, 1.0))
    ox_, oy_ = net.pos(through_ids[j0])
    ux, uy = math.cos(heading), math.sin(heading)
    vx, vy = -uy * side, ux * side
    grid = [
        [
            net.node(
                ox_ + i * dx * ux + (j + 1) * dy * vx + rng.uniform(-10, 10),
                oy_ + i * dx * uy + (j + 1) * dy * vy + rng.uniform(-10, 10),
            )
            for j in range(n_r)
        ]
        for i in range(n_c)
    ]
    for j in range(n_r):
        net.way([grid[i][j] for i in range(n_c)], road_tags("residential", names[j], maxspeed="30"))
    for i in range(n_c):
        net.way(
            [grid[i][j] for j in range(n_r)],
            road_tags("residential", names[(n_r + i) % len(names)], maxspeed="30"),
        )
    # two or three links from the first grid row to the through road
    for i in sorted({0, n_c - 1, rng.randrange(n_c)}):
        corner = net.pos(grid[i][0])
        target = min(through_ids, key=lambda n: dist_m(net.pos(n), corner))
        if target != grid[i][0]:
            net.way([target, grid[i][0]], road_tags("residential", None, maxspeed="30"))
    village.street_nodes += [n for col in grid for n in col]


def village_streets(net: Net, rng: random.Random, village: Village, heading: float) -> list[int]:
    """A village: the through road continues a little; short side streets branch off."""
    centre = village.centre
    through = wander(
        rng, net.pos(centre), heading, rng.uniform(800.0, 1600.0), step_m=(60, 120), wiggle_rad=0.1
    )
    through_ids = add_road(net, centre, through, None)
    net.way(through_ids, road_tags("residential", f"{village.name}s bygata", maxspeed="50"))
    village.street_nodes += through_ids
    names = list(STREET_NAMES)
    rng.shuffle(names)
    _village_grid(net, rng, village, through_ids, heading, names)
    n_side = rng.randint(2, 4)
    for s in range(n_side):
        j = rng.randrange(0, len(through_ids) - 1)
        side_heading = heading + rng.choice((-1.0, 1.0)) * rng.uniform(1.0, 1.8)
        pts = wander(
            rng,
            net.pos(through_ids[j]),
            side_heading,
            rng.uniform(150.0, 600.0),
            step_m=(50.0, 110.0),
            wiggle_rad=0.12,
        )
        ids = add_road(net, through_ids[j], pts, None)
        if s == 0 and len(through_ids) > 4:
            # one side street loops back to the through road
            k = len(through_ids) - 1 if j < len(through_ids) - 2 else 0
            back = pursuit(
                rng, net.pos(ids[-1]), net.pos(through_ids[k]), step_m=(50, 110), wiggle_rad=0.1
            )
            ids += add_road(net, ids[-1], back, through_ids[k])[1:]
        net.way(ids, road_tags("residential", names[s % len(names)], maxspeed="30"))
        village.street_nodes += ids[1:]
    return through_ids

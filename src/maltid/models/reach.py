"""Who a kitchen can reach within the hot-holding limit, and the estimated cost of serving
them (the siting MIP's assignment costs); local deliveries on foot, by bicycle, on site."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from maltid.errors import InputError
from maltid.models.visits import meals_by_day
from maltid.results import LocalDelivery

if TYPE_CHECKING:
    from maltid.models.context import ModelContext
    from maltid.scenario import KitchenSpec, Recipient

__all__ = [
    "NEIGHBOUR_SHARE",
    "Reach",
    "assignment_cost_sek",
    "delivery_mode",
    "local_delivery",
    "reach",
    "village_only",
]

#: Radius of a recipient's cluster, as a share of its distance from the kitchen (estimate).
NEIGHBOUR_SHARE = 0.25


@dataclass(frozen=True)
class Reach:
    """Which kitchen may serve which recipient, and the local (non-car) delivery data.

    Attributes
    ----------
    allowed : numpy.ndarray
        facility x customer bool.
    one_way_m : numpy.ndarray
        facility x customer road distance (m).
    one_way_s : numpy.ndarray
        facility x customer delivery time by the kitchen's mode (s).
    """

    allowed: np.ndarray
    one_way_m: np.ndarray
    one_way_s: np.ndarray


def delivery_mode(kitchen: KitchenSpec) -> str:
    """How a kitchen delivers: ``"car"`` for the central kitchen, else its own mode."""
    return "car" if kitchen.role == "central" else kitchen.delivery_mode


def _meal_days(r: Recipient) -> int:
    return sum(1 for m in meals_by_day(r.meals_per_week) if m > 0)


def _local_speed_mps(ctx: ModelContext, mode: str) -> float:
    p = ctx.parameters
    if mode == "foot":
        return float(p["walking_speed_kph"]) / 3.6
    if mode == "bicycle":
        return float(p["cycling_speed_kph"]) / 3.6
    raise ValueError(mode)


def _radius_m(kitchen: KitchenSpec) -> float:
    # the one home of the defaults is the scenario (KitchenSpec fills them per mode)
    r = kitchen.delivery_radius_m
    return np.inf if r is None else float(r)


def reach(
    ctx: ModelContext, kitchens: Sequence[KitchenSpec], recipients: Sequence[Recipient]
) -> Reach:
    """Which kitchens can serve which recipients within the hot-holding limit (s, m).

    Central and local car kitchens: ``time_s[k, r] <= max_hot_holding_s``. This is the
    routing rule (``maltid.routing``): a hot stop is allowed when its service STARTS
    within the holding limit after the vehicle's departure; a direct trip from the
    kitchen is the earliest such start, so reach never excludes a stop routing could
    serve. Foot / bicycle: road distance <= ``delivery_radius_m`` and distance / speed
    <= the same limit. ``on_site``: road distance <= ``delivery_radius_m``. For
    recipients who do not want a hot meal (``hot_meal = False``: a same-day meal not kept
    hot) the limit is ``max_same_day_holding_s`` instead. ``home_care`` (home-care staff
    carry the meals out on their lunch visits): travel time <= the limit, and only for
    recipients with a lunch visit on every meal day (``home_care_lunch_visits_per_week``
    >= their meal days); the others stay with the central kitchen.
    """
    delivery = ctx.scenario.delivery
    # per recipient: the hot-holding limit, or the same-day limit for hot_meal = false
    hold = np.asarray(
        [
            float(delivery.max_hot_holding_s if r.hot_meal else delivery.max_same_day_holding_s)
            for r in recipients
        ]
    )
    # home_care kitchens: only for recipients with a lunch visit on every meal day
    visited = np.asarray(
        [r.home_care_lunch_visits_per_week >= _meal_days(r) for r in recipients], dtype=bool
    )
    nf, nc = len(kitchens), len(recipients)
    allowed = np.zeros((nf, nc), dtype=bool)
    one_m = np.full((nf, nc), np.inf)
    one_s = np.full((nf, nc), np.inf)
    rrows = np.asarray([ctx.row(r.id) for r in recipients], dtype=np.int64)
    tm = np.asarray(ctx.matrix.time_s, dtype=float)
    dm = np.asarray(ctx.matrix.distance_m, dtype=float)
    for i, k in enumerate(kitchens):
        kr = ctx.row(k.id)
        t = tm[kr, rrows]
        dist = dm[kr, rrows]
        mode = delivery_mode(k)
        one_m[i] = dist
        if mode == "car":
            one_s[i] = t
            allowed[i] = np.isfinite(t) & (t <= hold)
        elif mode in ("foot", "bicycle"):
            ts = dist / _local_speed_mps(ctx, mode)
            one_s[i] = ts
            allowed[i] = np.isfinite(dist) & (dist <= _radius_m(k)) & (ts <= hold)
        elif mode == "on_site":
            one_s[i] = 0.0
            allowed[i] = np.isfinite(dist) & (dist <= _radius_m(k))
        elif mode == "home_care":
            one_s[i] = t
            allowed[i] = np.isfinite(t) & (t <= hold) & visited
        else:
            raise InputError(
                f"kitchen {k.id!r}: delivery_mode={mode!r} (fix: car, foot, bicycle or on_site)"
            )
    return Reach(allowed, one_m, one_s)


def village_only(
    ctx: ModelContext,
    facilities: Sequence[KitchenSpec],
    recipients: Sequence[Recipient],
    rch: Reach,
) -> Reach:
    """Restrict local kitchens to their village: recipients nearer (travel time) to that
    local kitchen than to the central kitchen (``facilities[0]``)."""
    tm = np.asarray(ctx.matrix.time_s, dtype=float)
    rrows = np.asarray([ctx.row(r.id) for r in recipients], dtype=np.int64)
    t_central = tm[ctx.row(facilities[0].id), rrows]
    allowed = rch.allowed.copy()
    for i, k in enumerate(facilities[1:], start=1):
        allowed[i] &= tm[ctx.row(k.id), rrows] < t_central
    return Reach(allowed, rch.one_way_m, rch.one_way_s)


def assignment_cost_sek(
    ctx: ModelContext,
    kitchens: Sequence[KitchenSpec],
    recipients: Sequence[Recipient],
    rch: Reach,
    *,
    delivery_days: Sequence[int],
) -> np.ndarray:
    """Estimated weekly cost (SEK) of kitchen ``i`` serving recipient ``j``; inf = not allowed.

    ``production = meals_per_week x cost_per_meal_sek(i)`` plus a delivery estimate per
    delivery day x ``delivery_days[i]``:

    * car (radial/insertion estimate, after Daganzo's route-length approximation): the
      round trip ``i -> j -> i`` is shared by the stops that would ride on the same trip,
      ``q_ij = min(q_cap, q_hold, n_ij)`` where ``q_cap = vehicle capacity / meals per
      stop``, ``q_hold = max_hot_holding_s / service_s`` and ``n_ij`` counts the
      recipients sharing the trip. Catchments: each recipient's nearest kitchen by travel
      time among ``kitchens``. If ``j`` is in ``i``'s own catchment, ``n_ij`` = the
      size of that catchment (its routes serve all of it). Otherwise, for the central
      kitchen, ``n_ij`` = ``j``'s cluster: the recipients of ``j``'s catchment within
      ``NEIGHBOUR_SHARE x d_ij`` road metres of ``j`` (a far village is driven to as a
      whole); for a LOCAL kitchen ``n_ij = 1`` (a dedicated trip: a village kitchen does
      not run a route into another catchment for a few of its recipients -- the
      separable MIP could not see that the rest of that cluster stays behind); plus the
      local detour to the nearest other recipient in both directions:
      ``(d_ij + d_ji) / q_ij + (d_nn(j) + d_nn'(j))`` metres at ``cost_per_km_sek`` plus
      the same in seconds (with ``t``) plus the service time, at
      ``driver_cost_per_hour_sek``, plus ``fixed_cost_sek_per_vehicle_day / q_ij`` (the
      vehicle's day shared by its stops -- for every kitchen alike, so a local kitchen's
      own car is not charged twice);
    * foot / bicycle: staff time ``2 x distance / speed + service`` at
      ``local_delivery_staff_cost_per_hour_sek``;
    * on_site: no delivery cost.
    """
    p = ctx.parameters
    fleet = ctx.scenario.fleet
    per_km = float(p["cost_per_km_sek"])
    per_h = float(p["driver_cost_per_hour_sek"])
    staff_h = float(p.get("local_delivery_staff_cost_per_hour_sek", per_h))
    veh_fixed = float(p["fixed_cost_sek_per_vehicle_day"])
    service_s = float(fleet.service_s)
    rrows = np.asarray([ctx.row(r.id) for r in recipients], dtype=np.int64)
    tm = np.asarray(ctx.matrix.time_s, dtype=float)
    dm = np.asarray(ctx.matrix.distance_m, dtype=float)
    nc = len(recipients)
    if nc > 1:
        sub_d = dm[np.ix_(rrows, rrows)].copy()
        sub_t = tm[np.ix_(rrows, rrows)].copy()
        np.fill_diagonal(sub_d, np.inf)
        np.fill_diagonal(sub_t, np.inf)
        nn_d = np.min(sub_d, axis=1) + np.min(sub_d, axis=0)
        nn_t = np.min(sub_t, axis=1) + np.min(sub_t, axis=0)
        nn_d = np.where(np.isfinite(nn_d), nn_d, 0.0)
        nn_t = np.where(np.isfinite(nn_t), nn_t, 0.0)
    else:
        nn_d = np.zeros(nc)
        nn_t = np.zeros(nc)
    meals = np.asarray([float(r.meals_per_week) for r in recipients])
    per_stop = np.asarray([max(meals_by_day(r.meals_per_week)) for r in recipients], dtype=float)
    q = np.maximum(1.0, float(fleet.vehicle_capacity_meals) / np.maximum(per_stop, 1.0))
    q = np.minimum(
        q, max(1.0, float(ctx.scenario.delivery.max_hot_holding_s) / max(service_s, 1.0))
    )
    rr_d = dm[np.ix_(rrows, rrows)] if nc else np.zeros((0, 0))
    krows = np.asarray([ctx.row(k.id) for k in kitchens], dtype=np.int64)
    t_kr = tm[np.ix_(krows, rrows)]
    cell = np.argmin(np.where(np.isfinite(t_kr), t_kr, np.inf), axis=0) if nc else np.zeros(0)
    same_cell = cell[:, None] == cell[None, :]
    out = np.full((len(kitchens), nc), np.inf)
    for i, k in enumerate(kitchens):
        kr = ctx.row(k.id)
        prod = meals * float(k.cost_per_meal_sek)
        mode = delivery_mode(k)
        if mode == "car":
            rt_d = dm[kr, rrows] + dm[rrows, kr]
            rt_t = tm[kr, rrows] + tm[rrows, kr]
            near = ((rr_d <= NEIGHBOUR_SHARE * dm[kr, rrows][:, None]) & same_cell).sum(axis=1)
            own = np.where(cell == i, int(np.sum(cell == i)), 0)
            if k.role != "central":
                near = np.where(cell == i, own, 1)
            else:
                near = np.where(cell == i, own, near)
            qi = np.minimum(q, np.maximum(near, 1))
            day = (
                (rt_d / qi + nn_d) / 1000.0 * per_km
                + (rt_t / qi + nn_t + service_s) / 3600.0 * per_h
                + veh_fixed / qi
            )
        elif mode in ("foot", "bicycle"):
            day = (2.0 * rch.one_way_s[i] + service_s) / 3600.0 * staff_h
        elif mode == "home_care":
            # estimate: a dedicated pick-up round trip at the home-care rate (the plan
            # shares it over the kitchen's home-care recipients, local_delivery)
            day = 2.0 * rch.one_way_s[i] / 3600.0 * float(p["home_care_cost_per_hour_sek"])
        else:
            day = np.zeros(nc)
        total = prod + day * float(delivery_days[i])
        out[i] = np.where(rch.allowed[i], total, np.inf)
    return out


def local_delivery(
    ctx: ModelContext,
    kitchen: KitchenSpec,
    r: Recipient,
    rch: Reach,
    i: int,
    j: int,
    *,
    share: int = 1,
) -> LocalDelivery:
    """A recipient's foot, bicycle, on-site or home-care delivery (m, s, days a week).

    ``home_care``: the visit exists anyway; the extra staff time is the pick-up, the round
    trip kitchen -> recipient -> kitchen shared over the ``share`` recipients the kitchen's
    meals go to by home care (one pick-up carries them all); kitchen-to-plate = the drive.
    """
    mode = kitchen.delivery_mode
    days = _meal_days(r)
    if mode == "on_site":
        return LocalDelivery(r.id, kitchen.id, mode, 0.0, 0.0, 0.0, days)
    if mode == "home_care":
        t = np.asarray(ctx.matrix.time_s)
        there = float(t[ctx.row(kitchen.id), ctx.row(r.id)])
        back = float(t[ctx.row(r.id), ctx.row(kitchen.id)])
        return LocalDelivery(
            recipient_id=r.id,
            kitchen_id=kitchen.id,
            mode=mode,
            one_way_distance_m=float(rch.one_way_m[i, j]),
            kitchen_to_plate_s=there,
            staff_time_s=(there + back) / max(1, share),
            days=days,
        )
    service_s = float(ctx.scenario.fleet.service_s)
    one_s = float(rch.one_way_s[i, j])
    return LocalDelivery(
        recipient_id=r.id,
        kitchen_id=kitchen.id,
        mode=mode,
        one_way_distance_m=float(rch.one_way_m[i, j]),
        kitchen_to_plate_s=one_s,
        staff_time_s=2.0 * one_s + service_s,
        days=days,
    )

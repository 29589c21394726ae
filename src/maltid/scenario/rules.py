"""Rules across sections of a scenario, checked on the raw (TOML-level) data.

The one home of: defaults that depend on other keys (models, baseline), unique kitchen
ids and model names, exactly one central kitchen, the baseline and break-even kitchen
naming something, and the cost overrides (``[costs]`` and the ``[fleet]`` cost fields)
against the bounds of the cost catalogue (:mod:`maltid.scenario.parameters`). Tolerant
of bad data: each check skips what the schema reports itself.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from maltid.errors import Problem
from maltid.scenario._base import MODEL_KINDS
from maltid.scenario.home_care import HOME_CARE_PARAMETER_NAMES
from maltid.scenario.parameters import FLEET_PARAMETER_NAMES, default_parameters
from maltid.scenario.schema import DeliverySpec

__all__ = ["Cross", "cross_problems", "model_name", "set_dotted", "with_defaults"]

#: (file role, location, message, fix) of one problem found across sections.
Cross = tuple[str, tuple[str | int, ...], str, str]


def model_name(entry: Any) -> Any:
    """Return a raw model entry's name (its kind when unnamed); ``None`` if not a table."""
    if isinstance(entry, Mapping):
        return entry.get("name", entry.get("kind"))
    return None


def with_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """Fill the defaults that depend on other keys: models and baseline."""
    if data.get("models") is None:
        home_care = data.get("home_care") is not None
        kinds = [k for k in MODEL_KINDS if k != "home_care_cooking" or home_care]
        data["models"] = [{"kind": k} for k in kinds]
    if data.get("baseline") is None:
        models = data.get("models")
        if isinstance(models, Sequence) and not isinstance(models, str) and models:
            entries = [m for m in models if isinstance(m, Mapping)]
            central = [m for m in entries if str(m.get("kind", "")).startswith("central_")]
            pick = central[0] if central else (entries[0] if entries else None)
            name = model_name(pick)
            if isinstance(name, str):
                data["baseline"] = name
    return data


def cross_problems(data: Mapping[str, Any]) -> list[Cross]:
    """Checks across entries (ids, the central kitchen, names), tolerant of bad data."""
    out: list[Cross] = []
    kitchens = data.get("kitchens")
    kitchen_list = (
        list(kitchens) if isinstance(kitchens, Sequence) and not isinstance(kitchens, str) else []
    )
    ids: dict[str, int] = {}
    centrals: list[int] = []
    local_ids: list[str] = []
    for i, k in enumerate(kitchen_list):
        if not isinstance(k, Mapping):
            continue
        kid = k.get("id")
        if isinstance(kid, str):
            if kid in ids:
                out.append(
                    (
                        "scenario",
                        ("kitchens", i, "id"),
                        f"duplicate kitchen id {kid!r}: kitchens[{ids[kid]}] and kitchens[{i}] "
                        "have the same id",
                        "give every kitchen a unique id",
                    )
                )
            else:
                ids[kid] = i
        if k.get("role") == "central":
            centrals.append(i)
        elif k.get("role") == "local" and isinstance(kid, str):
            local_ids.append(kid)
    if kitchen_list and not centrals:
        out.append(
            (
                "scenario",
                ("kitchens",),
                'no kitchen has role = "central"; exactly one central kitchen is needed',
                'set role = "central" on the central production kitchen',
            )
        )
    elif len(centrals) > 1:
        listed = ", ".join(f"kitchens[{i}]" for i in centrals)
        out.append(
            (
                "scenario",
                ("kitchens",),
                f'{len(centrals)} kitchens have role = "central" ({listed}); '
                "exactly one is allowed",
                'keep role = "central" on one kitchen and set role = "local" on the others',
            )
        )
    models = data.get("models")
    model_list = (
        list(models) if isinstance(models, Sequence) and not isinstance(models, str) else []
    )
    names: dict[str, int] = {}
    for i, m in enumerate(model_list):
        name = model_name(m)
        if not isinstance(name, str):
            continue
        if name in names:
            out.append(
                (
                    "scenario",
                    ("models", i, "name"),
                    f"duplicate model name {name!r}: models[{names[name]}] and models[{i}]",
                    f'give one of them its own name, e.g. name = "{name}_2"',
                )
            )
        else:
            names[name] = i
    baseline = data.get("baseline")
    if isinstance(baseline, str) and model_list and baseline not in names:
        close = difflib.get_close_matches(baseline, list(names), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        out.append(
            (
                "scenario",
                ("baseline",),
                f"baseline {baseline!r} names no model",
                f"{hint}use one of the model names: {', '.join(names)}",
            )
        )
    analysis = data.get("analysis")
    if isinstance(analysis, Mapping):
        bek = analysis.get("break_even_kitchen")
        if isinstance(bek, str) and kitchen_list and bek not in local_ids:
            what = "is the central kitchen" if bek in ids else "names no kitchen"
            out.append(
                (
                    "scenario",
                    ("analysis", "break_even_kitchen"),
                    f"break_even_kitchen {bek!r} {what}; it must name a local kitchen",
                    f"use one of the local kitchen ids: {', '.join(local_ids) or '(none)'}",
                )
            )
    out.extend(_cost_problems(data))
    out.extend(_shelf_life_problems(data))
    out.extend(_home_care_problems(data, model_list, names, ids))
    return out


def _home_care_problems(
    data: Mapping[str, Any],
    model_list: Sequence[Any],
    names: Mapping[str, int],
    kitchen_ids: Mapping[str, int],
) -> list[Cross]:
    """``[home_care]``: who needs it, unique base ids, and ``[procurement] model``."""
    out: list[Cross] = []
    home_care = data.get("home_care")
    has_home_care = isinstance(home_care, Mapping)
    if not has_home_care:
        for i, m in enumerate(model_list):
            if isinstance(m, Mapping) and m.get("kind") == "home_care_cooking":
                out.append(
                    (
                        "scenario",
                        ("models", i, "kind"),
                        f"model {model_name(m)!r} is home_care_cooking but the scenario has no "
                        "[home_care]",
                        "add [home_care] with at least one [[home_care.bases]] (id, lat, lon), "
                        "or remove the model",
                    )
                )
        kitchens = data.get("kitchens")
        for i, k in enumerate(kitchens if isinstance(kitchens, Sequence) else []):
            if isinstance(k, Mapping) and k.get("delivery_mode") == "home_care":
                out.append(
                    (
                        "scenario",
                        ("kitchens", i, "delivery_mode"),
                        f'kitchen {k.get("id")!r} has delivery_mode = "home_care" but the '
                        "scenario has no [home_care]",
                        "add [home_care] with its [[home_care.bases]], or choose car, foot, "
                        "bicycle or on_site",
                    )
                )
    else:
        assert isinstance(home_care, Mapping)
        bases = home_care.get("bases")
        seen: dict[str, int] = {}
        for i, b in enumerate(bases if isinstance(bases, Sequence) else []):
            bid = b.get("id") if isinstance(b, Mapping) else None
            if not isinstance(bid, str):
                continue
            if bid in kitchen_ids or bid in seen:
                other = "a kitchen" if bid in kitchen_ids else f"home_care.bases[{seen[bid]}]"
                out.append(
                    (
                        "scenario",
                        ("home_care", "bases", i, "id"),
                        f"base id {bid!r} is also the id of {other}",
                        "give every kitchen and home-care base its own id",
                    )
                )
            seen.setdefault(bid, i)
        catalogue = default_parameters()
        costs = data.get("costs")
        for field, name in HOME_CARE_PARAMETER_NAMES.items():
            value = home_care.get(field)
            if value is None:
                continue
            if isinstance(costs, Mapping) and name in costs:
                out.append(
                    (
                        "scenario",
                        ("costs", name),
                        f"{name} is given twice: home_care.{field} = {value!r} and "
                        f"costs.{name} = {costs[name]!r}",
                        f"keep one of them (home_care.{field} is the usual place)",
                    )
                )
                continue
            found = catalogue[name].problem(value)
            if found is not None:
                out.append(("scenario", ("home_care", field), *found))
    procurement = data.get("procurement")
    chosen = procurement.get("model") if isinstance(procurement, Mapping) else None
    if isinstance(chosen, str) and model_list and chosen not in names:
        close = difflib.get_close_matches(chosen, list(names), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        out.append(
            (
                "scenario",
                ("procurement", "model"),
                f"procurement model {chosen!r} names no model of the scenario",
                f"{hint}use one of the model names: {', '.join(names)}",
            )
        )
    return out


def _shelf_life_problems(data: Mapping[str, Any]) -> list[Cross]:
    """Chilled meals must be deliverable within their shelf life (days)."""
    delivery = data.get("delivery")
    costs = data.get("costs")
    shelf: Any = DeliverySpec.model_fields["chilled_shelf_life_days"].default
    if isinstance(delivery, Mapping) and "chilled_shelf_life_days" in delivery:
        shelf = delivery["chilled_shelf_life_days"]
    lead: Any = default_parameters()["chilled_days_cooked_before_delivery"].value
    if isinstance(costs, Mapping) and "chilled_days_cooked_before_delivery" in costs:
        lead = costs["chilled_days_cooked_before_delivery"]
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (shelf, lead))
    if not numbers or lead < shelf:
        return []  # type errors are the schema's to report
    return [
        (
            "scenario",
            ("delivery", "chilled_shelf_life_days"),
            f"chilled_shelf_life_days = {shelf} is not longer than the "
            f"{lead:g} days from cooking to delivery (costs.chilled_days_cooked_before_delivery):"
            " no chilled meal could be eaten in time",
            "make the shelf life longer than the days from cooking to delivery",
        )
    ]


def _cost_problems(data: Mapping[str, Any]) -> list[Cross]:
    """``[costs]`` keys and values, and the ``[fleet]`` cost fields, against the catalogue."""
    out: list[Cross] = []
    catalogue = default_parameters()
    fleet = data.get("fleet")
    fleet_given: dict[str, Any] = {}
    if isinstance(fleet, Mapping):
        fleet_given = {n: fleet[n] for n in FLEET_PARAMETER_NAMES if fleet.get(n) is not None}
    for name, value in fleet_given.items():
        found = catalogue[name].problem(value)
        if found is not None and isinstance(value, int | float) and not isinstance(value, bool):
            out.append(("scenario", ("fleet", name), *found))
    costs = data.get("costs")
    if not isinstance(costs, Mapping):
        return out
    for key, value in costs.items():
        name = str(key)
        if name not in catalogue:
            close = difflib.get_close_matches(name, list(catalogue), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            out.append(
                (
                    "scenario",
                    ("costs", name),
                    f"unknown cost parameter {name!r}",
                    f"{hint}use one of: {', '.join(catalogue)}",
                )
            )
            continue
        if name in fleet_given:
            out.append(
                (
                    "scenario",
                    ("costs", name),
                    f"{name} is given twice: fleet.{name} = {fleet_given[name]!r} and "
                    f"costs.{name} = {value!r}",
                    f"keep one of them (the [fleet] field is the usual place for {name})",
                )
            )
            continue
        found = catalogue[name].problem(value)
        if found is not None:
            out.append(("scenario", ("costs", name), *found))
    return out


def set_dotted(
    data: dict[str, Any], parts: list[str], value: Any, *, file: str, path: str
) -> Problem | None:
    """Set ``value`` at a dotted path in raw scenario data; a Problem if it names nothing."""

    def bad(message: str, fix: str) -> Problem:
        return Problem(file, path, message, fix)

    sections = (
        "fleet",
        "delivery",
        "network",
        "solver",
        "analysis",
        "recipients",
        "home_care",
        "procurement",
    )
    head = parts[0]
    if len(parts) == 1:
        if head not in ("name", "seed", "baseline"):
            return bad(
                f"{path!r} is not a value that can be changed",
                "use e.g. fleet.cost_per_km_sek, kitchens.<id>.<field>, costs.<key>",
            )
        data[head] = value
        return None
    if head in sections or head == "costs":
        if len(parts) != 2:
            return bad(f"{path!r} must have the form {head}.<field>", f"write {head}.<field>")
        section = data.setdefault(head, {})
        if not isinstance(section, dict):  # pragma: no cover - data came from a valid scenario
            return bad(f"[{head}] is not a table", "fix the scenario")
        section[parts[1]] = value
        return None
    if head in ("kitchens", "models"):
        if len(parts) != 3:
            return bad(
                f"{path!r} must have the form {head}.<id>.<field>",
                f"write e.g. {head}.<{'id' if head == 'kitchens' else 'name'}>.<field>",
            )
        entries = data.get(head)
        if not isinstance(entries, list):
            entries = [dict(e) for e in entries] if isinstance(entries, tuple) else []
            data[head] = entries

        def ident(e: dict[str, Any]) -> Any:
            return e.get("id") if head == "kitchens" else model_name(e)

        dicts = [e for e in entries if isinstance(e, dict)]
        found = [e for e in dicts if ident(e) == parts[1]]
        if not found:
            known = [str(ident(e)) for e in dicts]
            close = difflib.get_close_matches(parts[1], known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            what = "kitchen id" if head == "kitchens" else "model name"
            return bad(f"no {what} {parts[1]!r}", f"{hint}use one of: {', '.join(known)}")
        found[0][parts[2]] = value
        return None
    return bad(
        f"{path!r} does not start with a scenario section",
        "start with fleet, delivery, network, solver, analysis, kitchens, models or costs",
    )

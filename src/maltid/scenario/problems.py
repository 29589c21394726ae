"""Pydantic validation errors turned into :class:`maltid.errors.Problem` (file, field, fix).

Each error names the field (``kitchens[1].cost_per_meal_sek (kitchen "camping")``), what
is wrong in plain words, and how to fix it; unknown keys get a "did you mean" from the
keys valid at that place.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from maltid.errors import Problem
from maltid.scenario._base import DOCS, MODEL_KINDS, dotted
from maltid.scenario.rules import model_name
from maltid.scenario.schema import (
    MODEL_CLASSES,
    AnalysisSpec,
    DeliverySpec,
    FleetSpec,
    KitchenSpec,
    NetworkSpec,
    RecipientsSpec,
    SolverSpec,
)

__all__ = ["entry_label", "problems_from_validation"]

_SECTION_CLASSES: dict[str, type[BaseModel]] = {
    "network": NetworkSpec,
    "recipients": RecipientsSpec,
    "kitchens": KitchenSpec,
    "fleet": FleetSpec,
    "delivery": DeliverySpec,
    "solver": SolverSpec,
    "analysis": AnalysisSpec,
}
_TOP_KEYS: tuple[str, ...] = (
    "name",
    "seed",
    "network",
    "recipients",
    "kitchens",
    "fleet",
    "delivery",
    "models",
    "baseline",
    "costs",
    "solver",
    "analysis",
)


def _keys_of(cls: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in cls.model_fields.items()]


def _clean_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """Drop the discriminator tag pydantic inserts after ``models[i]``."""
    parts = list(loc)
    if (
        len(parts) > 2
        and parts[0] == "models"
        and isinstance(parts[1], int)
        and parts[2] in MODEL_CLASSES
    ):
        del parts[2]
    return tuple(parts)


def entry_label(data: Mapping[str, Any], loc: Sequence[str | int]) -> str:
    """``(kitchen "camping")`` for a location inside kitchens[i] / models[i]."""
    if len(loc) < 2 or not isinstance(loc[1], int) or loc[0] not in ("kitchens", "models"):
        return ""
    entries = data.get(str(loc[0]))
    if not isinstance(entries, Sequence) or isinstance(entries, str):
        return ""
    i = loc[1]
    if not 0 <= i < len(entries) or not isinstance(entries[i], Mapping):
        return ""
    if loc[0] == "kitchens":
        kid = entries[i].get("id")
        return f' (kitchen "{kid}")' if isinstance(kid, str) else ""
    name = model_name(entries[i])
    return f' (model "{name}")' if isinstance(name, str) else ""


def _valid_keys(data: Mapping[str, Any], loc: Sequence[str | int]) -> list[str]:
    """The keys allowed in the table containing ``loc`` (the last part is the key)."""
    parent = [p for p in loc[:-1] if not isinstance(p, int)]
    if not parent:
        return list(_TOP_KEYS)
    if parent[0] == "models":
        entries = data.get("models")
        i = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        kind = None
        if isinstance(entries, Sequence) and i is not None and i < len(entries):
            entry = entries[i]
            kind = entry.get("kind") if isinstance(entry, Mapping) else None
        cls = MODEL_CLASSES.get(str(kind))
        return _keys_of(cls) if cls else ["kind", "name"]
    cls2 = _SECTION_CLASSES.get(str(parent[0]))
    return _keys_of(cls2) if cls2 else []


def _bound_text(ctx: Mapping[str, Any]) -> str:
    for key, op in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
        if key in ctx:
            return f"{op} {ctx[key]}"
    return ""


def _problem_from_error(
    err: Mapping[str, Any], data: Mapping[str, Any], file: str
) -> Problem | None:
    t = str(err["type"])
    if t == "maltid_cross":
        return None  # reported from the raw data by _cross_problems
    loc = _clean_loc(err.get("loc", ()))
    ctx = err.get("ctx") or {}
    value = err.get("input")
    key = str(loc[-1]) if loc else ""
    where = dotted(loc) + entry_label(data, loc)
    if t == "extra_forbidden":
        valid = _valid_keys(data, loc)
        close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return Problem(
            file,
            where,
            f"unknown key {key!r}",
            f"{hint}valid keys here: {', '.join(valid)} (a misspelt key would be ignored, "
            "so maltid refuses it)",
        )
    if t == "missing":
        section = dotted(loc[:-1])
        in_section = f" in [{section}]" if section != "(top level)" else ""
        if len(loc) == 1 and key in ("kitchens", "models"):
            add = f"add one [[{key}]] table per entry"
        elif len(loc) == 1 and key in _SECTION_CLASSES:
            add = f"add a [{key}] table"
        else:
            add = f"add {key} = ..."
        return Problem(
            file,
            where,
            f"required key {key!r} is missing{in_section}",
            f"{add} (see {DOCS})",
        )
    if t == "maltid":
        return Problem(file, where, str(ctx.get("message")), str(ctx.get("fix")))
    if t in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = _bound_text(ctx)
        negative = isinstance(value, int | float) and value < 0 and bound in (">= 0", ">= 0.0")
        what = "is negative" if negative else "is out of range"
        return Problem(
            file, where, f"{value!r} {what}: {key} must be {bound}", f"use a value {bound}"
        )
    if t == "literal_error":
        return Problem(
            file, where, f"{value!r} is not allowed for {key}", f"use {ctx.get('expected')}"
        )
    if t == "union_tag_invalid":
        tag = ctx.get("tag")
        close = difflib.get_close_matches(str(tag), MODEL_KINDS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return Problem(
            file,
            dotted((*loc, "kind")) + entry_label(data, loc),
            f"unknown model kind {tag!r}",
            f"{hint}use one of: {', '.join(MODEL_KINDS)}",
        )
    if t == "union_tag_not_found":
        return Problem(
            file,
            where,
            "a [[models]] entry has no kind",
            f"add kind = ... with one of: {', '.join(MODEL_KINDS)}",
        )
    if t in ("too_short", "too_long"):
        if loc and loc[-1] == "lunch_window":
            return Problem(file, where, f"{value!r} is not two times", 'write ["11:00", "13:30"]')
        if t == "too_short" and loc in (("kitchens",), ("models",)):
            return Problem(file, where, f"no [[{key}]] given", f"add at least one [[{key}]] table")
        return Problem(file, where, f"{value!r}: {err.get('msg')}", f"see {DOCS}")
    fixes = {
        "int": "write a whole number",
        "float": "write a plain number with a decimal point, e.g. 2.5",
        "bool": "write true or false",
        "string": 'write a quoted string, e.g. "text"',
        "model": f"write [{key}] as a table (see {DOCS})",
        "dict": f"write [{key}] as a table (see {DOCS})",
        "tuple": "write a list, e.g. [1, 2]",
        "list": "write a list, e.g. [1, 2]",
        "path": 'write a quoted path, e.g. "roads.osm.gz"',
    }
    prefix = t.split("_", 1)[0]
    fix = fixes.get(prefix, f"see {DOCS}")
    if t == "int_from_float":
        return Problem(file, where, f"{value!r} is not a whole number", fix)
    return Problem(file, where, f"{value!r} has the wrong type: {err.get('msg')}", fix)


def problems_from_validation(
    exc: ValidationError, data: Mapping[str, Any], file: str
) -> list[Problem]:
    """Return one Problem per pydantic error of ``exc`` (cross-section ones are skipped).

    Parameters
    ----------
    exc : ValidationError
        From validating ``data``.
    data : Mapping
        The raw scenario data (to name kitchens and models and list valid keys).
    file : str
        The scenario file named in each Problem.
    """
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        p = _problem_from_error(err, data, file)
        if p is not None:
            out.append(p)
    return out

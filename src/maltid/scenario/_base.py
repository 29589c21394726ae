"""Small shared pieces of the scenario package: clock times, error helper, docs path.

A leaf inside :mod:`maltid.scenario` (imports nothing of maltid).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import ConfigDict
from pydantic_core import PydanticCustomError

#: The delivery model kinds, in their default order (``home_care_cooking`` is a default
#: model only when the scenario has ``[home_care]``).
MODEL_KINDS: tuple[str, ...] = (
    "central_daily_hot",
    "central_chilled",
    "local_kitchens",
    "optimised_mix",
    "home_care_cooking",
)

DOCS = "docs/scenario-format.md"
FROZEN = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def err(message: str, fix: str) -> PydanticCustomError:
    """A validation error carrying its own fix (read back by the Problem conversion)."""
    return PydanticCustomError("maltid", "{message}", {"message": message, "fix": fix})


def parse_hhmm(text: str) -> int:
    """Return seconds after midnight (s) of a ``"HH:MM"`` clock time.

    Parameters
    ----------
    text : str
        A time such as ``"10:00"`` or ``"7:30"`` (hours 0-24, minutes 0-59; ``"24:00"``
        is the end of the day).

    Returns
    -------
    int
        Seconds after midnight.

    Raises
    ------
    ValueError
        If ``text`` is not a valid ``HH:MM`` time.
    """
    m = _HHMM.match(str(text))
    if not m:
        raise ValueError(f"{text!r} is not a time in HH:MM form")
    h, mi = int(m.group(1)), int(m.group(2))
    if mi > 59 or h > 24 or (h == 24 and mi > 0):
        raise ValueError(f"{text!r} is not a valid time of day")
    return h * 3600 + mi * 60


def hhmm_field(value: object, what: str) -> str:
    """Return a validated ``"HH:MM"`` string (a time of day) or raise a validation error."""
    if not isinstance(value, str):
        raise err(f"{value!r} is not a time", f'write {what} as a quoted "HH:MM" string')
    try:
        parse_hhmm(value)
    except ValueError as exc:
        raise err(str(exc), f'write {what} as "HH:MM", e.g. "10:00"') from None
    return value.strip()


def dotted(loc: Sequence[str | int]) -> str:
    """Return a location as ``a.b[2].c`` (unitless); ``(top level)`` when empty."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"

"""Reading a scenario TOML file: :func:`load_scenario` and :func:`validate_scenario`.

A scenario is one TOML file (the municipality, its kitchens, fleet, delivery rules and
the delivery models to compare) plus a recipients file beside it. Both functions read
the same way (:func:`maltid.scenario.document.build_scenario`), so a scenario that
``validate`` accepts is one that ``compare`` accepts: every problem found is collected
and returned (``validate_scenario``) or raised together as one
:class:`maltid.errors.ScenarioError` (``load_scenario``), each a
:class:`maltid.errors.Problem` naming the file, the field or row, what is wrong and how
to fix it.
"""

from __future__ import annotations

import copy
import logging
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from maltid.errors import Problem, ScenarioError
from maltid.scenario.document import Scenario, build_scenario
from maltid.scenario.schema import Recipient

__all__ = ["load_scenario", "scenario_from_data", "validate_scenario"]

logger = logging.getLogger("maltid")

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _load(path: str | Path) -> tuple[Scenario | None, list[Problem]]:
    p = Path(path).expanduser()
    file = str(path)
    if not p.is_file():
        what = "is a directory, not a file" if p.is_dir() else "not found"
        return None, [
            Problem(
                file,
                "file",
                f"scenario file {what}: {p.resolve()}",
                "check the path to the scenario .toml file",
            )
        ]
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(file, "file", f"cannot read the file: {exc}", "save it as UTF-8")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        location = f"line {m.group(1)}, column {m.group(2)}" if m else "TOML syntax"
        return None, [
            Problem(
                file,
                location,
                f"not valid TOML: {_TOML_POS.sub('', msg).strip()}",
                'check the line: strings need quotes ("..."), tables [name], '
                "lists [a, b], decimal point not comma",
            )
        ]
    return build_scenario(data, file=file, source_path=p.resolve(), base_dir=p.resolve().parent)


def validate_scenario(path: str | Path) -> list[Problem]:
    """List every problem in a scenario TOML and its recipients file (empty if valid).

    Never raises for bad input: unreadable files, TOML syntax errors, schema errors,
    bad CSV rows and points outside the OSM file's ``<bounds>`` are all returned.

    Parameters
    ----------
    path : str or Path
        The scenario ``.toml`` file.

    Returns
    -------
    list of Problem
        Empty when the scenario is valid.
    """
    return _guarded_load(path)[1]


def _guarded_load(path: str | Path) -> tuple[Scenario | None, list[Problem]]:
    try:
        return _load(path)
    except Exception as exc:  # a bug, but never a raw traceback for the user
        logger.exception("unexpected error while reading %s", path)
        return None, [
            Problem(
                str(path),
                "file",
                f"unexpected error while reading the scenario: {exc!r}",
                "please report this as a maltid bug with the file attached",
            )
        ]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file and its recipients file (units as in the file).

    Paths in the file are relative to the file (absolute paths work too).

    Parameters
    ----------
    path : str or Path
        The scenario ``.toml`` file.

    Returns
    -------
    Scenario
        With :attr:`Scenario.recipients` loaded and every path resolved.

    Raises
    ------
    ScenarioError
        Listing EVERY problem found (see :func:`validate_scenario`).
    """
    scenario, problems = _guarded_load(path)
    if problems or scenario is None:
        raise ScenarioError(problems)
    logger.debug(
        "loaded scenario %r: %d recipients, %d kitchens",
        scenario.name,
        len(scenario.recipients),
        len(scenario.kitchens),
    )
    return scenario


def scenario_from_data(
    data: Mapping[str, Any],
    *,
    recipients: Sequence[Recipient] | None = None,
    base_dir: str | Path | None = None,
) -> Scenario:
    """Build a scenario from TOML-level data, as :func:`load_scenario` does from a file.

    The small builder for notebooks and tests: the same schema, rules and problems as a
    file (units as in the file).

    Parameters
    ----------
    data : Mapping
        What the TOML file would hold (``name``, ``network``, ``kitchens``, ...).
    recipients : Sequence of Recipient, optional
        The recipients; when omitted, the file named in ``[recipients]`` is read.
    base_dir : str or Path, optional
        Relative paths are taken from here.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Listing every problem found.
    """
    base = Path(base_dir).resolve() if base_dir is not None else None
    scenario, problems = build_scenario(
        copy.deepcopy(dict(data)),
        file="<scenario data>",
        source_path=None,
        recipients=None if recipients is None else tuple(recipients),
        base_dir=base,
    )
    if problems or scenario is None:
        raise ScenarioError(problems)
    return scenario

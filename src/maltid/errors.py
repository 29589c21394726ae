"""Exceptions raised by maltid, each carrying what a planner needs to fix the input."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CacheError",
    "InputError",
    "MaltidError",
    "NetworkError",
    "Problem",
    "RoutingInputError",
    "ScenarioError",
]


class MaltidError(Exception):
    """Base class of every error maltid raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is, what is wrong, and how to fix it.

    Parameters
    ----------
    file : str
        The file the problem is in (scenario TOML, recipients CSV, OSM file).
    location : str
        The field (``fleet.cost_per_km_sek``) or CSV row (``row 12, column lat``).
    message : str
        What is wrong, in plain words.
    fix : str
        What the user should do about it.
    """

    file: str
    location: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message} (fix: {self.fix})"


class InputError(MaltidError):
    """Bad input: the command-line exit code for these is 2."""


class ScenarioError(InputError):
    """A scenario (TOML and its CSV) failed validation; ``problems`` lists every problem."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = [f"{len(self.problems)} problem(s) in the scenario:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class NetworkError(InputError):
    """The road network could not be built from the given source."""


class RoutingInputError(InputError):
    """A routing problem is malformed (shapes, negative times, unknown depot)."""


class CacheError(MaltidError):
    """A cache entry is unreadable; callers rebuild it and log a warning."""

"""The four careers, each a start state on one shared state machine."""

from __future__ import annotations

from collections.abc import Callable

from . import engineer, independent, phd, residency
from ._machine import STATUS_NAMES, TRACK_NAMES, CareerPath, StartState, run_career

#: career ids, in display order
CAREERS: tuple[str, ...] = ("phd", "residency", "engineer", "independent")

START_STATES: dict[str, Callable[..., StartState]] = {
    "phd": phd.start_state,
    "residency": residency.start_state,
    "engineer": engineer.start_state,
    "independent": independent.start_state,
}

__all__ = ["CAREERS", "START_STATES", "STATUS_NAMES", "TRACK_NAMES", "CareerPath", "StartState", "run_career"]

"""An industry AI residency: about a year at residency pay, then conversion to a
full-time research role, a job search, or a PhD a year later (see the state machine)."""

from __future__ import annotations

from .._draws import Draws
from .._market import World
from .._scenario import Scenario
from ._machine import RESIDENT, StartState


def start_state(s: Scenario, world: World, d: Draws) -> StartState:
    """A resident in year 1."""
    return StartState.uniform(len(world.ability), status=RESIDENT, pay=s.residency.pay_usd, years_left=s.residency.duration_years)

"""Independent research on grants: funded years with a renewal probability, unpaid gaps
between grants, then an engineering job when funding ends (see the state machine)."""

from __future__ import annotations

from .._draws import Draws
from .._market import World
from .._scenario import Scenario
from ._machine import GRANT_FUNDED, StartState


def start_state(s: Scenario, world: World, d: Draws) -> StartState:
    """Grant-funded in year 1."""
    return StartState.uniform(len(world.ability), status=GRANT_FUNDED, pay=s.independent.grant_pay_usd)

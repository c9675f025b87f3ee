"""A research engineer at a lab, hired straight from the degree: starting pay, raises,
promotions and stock tied to the market, layoffs and lab closures (see the state machine)."""

from __future__ import annotations

from .._draws import Draws
from .._market import World
from .._scenario import Scenario
from ._machine import EMPLOYED, ENGINEER, StartState, pay_luck


def start_state(s: Scenario, world: World, d: Draws) -> StartState:
    """An engineer in year 1, at a starting pay drawn around the median offer."""
    pay = s.engineer.start_pay_usd * pay_luck(s, d, world, s.employment.start_pay_log_sd)
    return StartState.uniform(len(world.ability), status=EMPLOYED, pay=pay, track=ENGINEER)

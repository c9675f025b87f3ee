"""The ML PhD: funding source, advisor quality, duration, attrition and outcomes.

Everything about a PhD is decided from the world's draws when it starts: the funding
source sets the stipend; advisor quality (a latent draw, "a cosmic roll of the dice")
shortens or lengthens it, makes leaving with a master's less or more likely, and moves the
chance of an industry research job and of a breakthrough bidding war.
"""

from __future__ import annotations

import numpy as np

from .._draws import Draws
from .._market import World
from .._scenario import Scenario
from ._machine import ENGINEER, FACULTY, OTHER, RESEARCH_SCIENTIST, STUDENT, StartState, logistic, logit

FUNDING_SOURCES = ("fellowship", "advisor_grant", "ta")
MIN_YEARS, MAX_YEARS = 3, 12


def phd_plan(s: Scenario, world: World, d: Draws) -> dict[str, np.ndarray]:
    """Draw-determined facts of each world's PhD (pure function of draws and parameters).

    Returns
    -------
    dict
        ``funding`` (index into FUNDING_SOURCES), ``stipend``, ``advisor_quality``,
        ``years`` (years enrolled), ``attrited``, ``tier`` (a track code),
        ``breakthrough`` and ``exit_pay`` (real USD/year), each ``(world,)``.
    """
    p = s.phd
    u_f = d.phd_funding_u
    funding = np.where(u_f < p.fellowship_probability, 0, np.where(u_f >= 1.0 - p.ta_probability, 2, 1))
    stipend = np.choose(funding, [p.stipend_fellowship_usd, p.stipend_advisor_grant_usd, p.stipend_ta_usd]).astype(float)
    quality = p.advisor_quality_sd * d.phd_advisor_z
    ability = world.ability

    years = np.rint(p.duration_median_years * np.exp(p.duration_log_sd * d.phd_duration_z - p.advisor_duration_effect * quality))
    years = np.clip(years, MIN_YEARS, MAX_YEARS).astype(np.int64)
    p_attrition = logistic(logit(p.attrition_probability) - p.advisor_attrition_effect * quality - p.ability_attrition_effect * ability)
    attrited = d.phd_attrition_u < p_attrition
    # most who leave do so in the first years: uniformly in years 1..min(3, years - 1)
    leave_year = 1 + np.floor(d.phd_attrition_year_u * np.minimum(3, years - 1)).astype(np.int64)
    years = np.where(attrited, leave_year, years)

    boost = p.advisor_tier_effect * quality + p.ability_tier_effect * ability
    p_research = logistic(logit(p.industry_research_probability) + boost)
    rest = 1.0 - p.industry_research_probability
    academia_share = p.academia_probability / rest if rest > 0 else 0.0
    p_academia = (1.0 - p_research) * academia_share
    u_t = d.phd_tier_u
    tier = np.where(u_t < p_research, RESEARCH_SCIENTIST, np.where(u_t < p_research + p_academia, FACULTY, OTHER))
    start_pay = np.choose(
        np.select([tier == RESEARCH_SCIENTIST, tier == FACULTY], [0, 1], 2),
        [p.research_scientist_start_pay_usd, p.faculty_start_pay_usd, p.other_start_pay_usd],
    )
    luck = np.exp(p.post_phd_pay_log_sd * d.phd_pay_z + s.employment.ability_pay_effect * ability)
    breakthrough = (~attrited) & (tier != FACULTY) & (d.phd_breakthrough_u < logistic(logit(p.breakthrough_probability) + boost))
    exit_pay = start_pay * luck * np.where(breakthrough, p.breakthrough_pay_multiplier, 1.0)
    masters_pay = p.masters_start_pay_usd * np.exp(s.employment.start_pay_log_sd * d.pay_z + s.employment.ability_pay_effect * ability)
    exit_pay = np.where(attrited, masters_pay, exit_pay)
    tier = np.where(attrited, ENGINEER, tier)
    return {
        "funding": funding,
        "stipend": stipend,
        "advisor_quality": quality,
        "years": years,
        "attrited": attrited,
        "tier": tier.astype(np.int8),
        "breakthrough": breakthrough,
        "exit_pay": exit_pay,
    }


def start_state(s: Scenario, world: World, d: Draws, plan: dict[str, np.ndarray] | None = None) -> StartState:
    """A PhD student in year 1, with the whole PhD drawn up front (``plan``: the
    :func:`phd_plan` of the same scenario, world and draws, when the caller has it)."""
    if plan is None:
        plan = phd_plan(s, world, d)
    n = len(world.ability)
    state = StartState.uniform(n, status=STUDENT, pay=plan["stipend"])
    state.years_left = plan["years"]
    state.exit_track = plan["tier"]
    state.exit_pay = plan["exit_pay"]
    state.exit_has_phd = ~plan["attrited"]
    return state

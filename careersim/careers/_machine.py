"""The one state machine every career runs on, with the shared employment mechanics.

A career is only a :class:`StartState` (built by the career's own module from its
parameters and draws); from there every world walks through the same yearly steps:

* **income** for the year = pay rate x the fraction of the year not spent unemployed or
  between grants, with the stock part of industry pay moving with the market;
* **end-of-year events**, decided from the state at the start of the year: layoffs
  (hazard higher in a bust) and lab closures for research roles, raises and promotions,
  going back to school, the end of a PhD, a residency or a grant.

Time between jobs is carried as ``gap`` years, so a 10-week spell costs 10/52 of a
year's pay, and a 16-month one spills into the next year.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._draws import Draws
from .._market import World, expected_real_return
from .._scenario import Scenario

# status codes, reported per year in Result.status
STUDENT, RESIDENT, EMPLOYED, UNEMPLOYED, GRANT_FUNDED = 0, 1, 2, 3, 4
STATUS_NAMES = {STUDENT: "student", RESIDENT: "resident", EMPLOYED: "employed", UNEMPLOYED: "unemployed", GRANT_FUNDED: "grant_funded"}

# job tracks of an employed person
ENGINEER, RESEARCH_SCIENTIST, FACULTY, OTHER = 0, 1, 2, 3
TRACK_NAMES = {ENGINEER: "engineer", RESEARCH_SCIENTIST: "research_scientist", FACULTY: "faculty", OTHER: "other"}


def logistic(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return float(np.log(p / (1.0 - p)))


def pay_luck(s: Scenario, d: Draws, world: World, log_sd: float) -> np.ndarray:
    """A person's starting-pay multiplier: shared pay luck and ability, scaled by the job's spread."""
    return np.exp(log_sd * d.pay_z + s.employment.ability_pay_effect * world.ability)


@dataclasses.dataclass
class StartState:
    """Per-world state at the start of year 1; arrays of shape ``(world,)``.

    ``years_left`` counts whole years left as a student or resident; when it reaches
    zero the person moves to ``exit_track`` at ``exit_pay`` (a PhD's outcome is drawn
    when it starts).
    """

    status: np.ndarray
    pay: np.ndarray
    track: np.ndarray
    years_left: np.ndarray
    exit_track: np.ndarray
    exit_pay: np.ndarray
    exit_has_phd: np.ndarray
    has_phd: np.ndarray
    gap: np.ndarray

    @classmethod
    def uniform(cls, n: int, *, status: int, pay: np.ndarray | float, track: int = ENGINEER, years_left: int = 0) -> StartState:
        return cls(
            status=np.full(n, status, dtype=np.int8),
            pay=np.broadcast_to(np.asarray(pay, dtype=float), (n,)).copy(),
            track=np.full(n, track, dtype=np.int8),
            years_left=np.full(n, years_left, dtype=np.int64),
            exit_track=np.full(n, ENGINEER, dtype=np.int8),
            exit_pay=np.zeros(n),
            exit_has_phd=np.zeros(n, dtype=bool),
            has_phd=np.zeros(n, dtype=bool),
            gap=np.zeros(n),
        )


@dataclasses.dataclass(frozen=True)
class CareerPath:
    """Gross income (real USD) and status per ``(year, world)``."""

    income: np.ndarray
    status: np.ndarray


def run_career(start: StartState, s: Scenario, world: World, d: Draws) -> CareerPath:
    """Walk every world of a block through the yearly state machine.

    Parameters
    ----------
    start
        The career's state at the start of year 1.
    s, world, d
        Scenario, market/regime paths and raw draws of the block.

    Returns
    -------
    CareerPath
        ``income`` and ``status``, each ``(year, world)``.
    """
    T, n = world.real_return.shape
    emp, lay, reg, sw = s.employment, s.layoffs, s.regime, s.switching
    res, ind = s.residency, s.independent

    st = start.status.copy()
    pay = start.pay.copy()
    track = start.track.copy()
    years_left = start.years_left.copy()
    exit_track = start.exit_track.copy()
    exit_pay = start.exit_pay.copy()
    exit_has_phd = start.exit_has_phd.copy()
    has_phd = start.has_phd.copy()
    gap = start.gap.copy()
    level = np.zeros(n, dtype=np.int64)
    years_in_industry = np.zeros(n, dtype=np.int64)

    income = np.empty((T, n))
    status = np.empty((T, n), dtype=np.int8)

    mean_real = expected_real_return(s.market)
    luck = pay_luck(s, d, world, emp.start_pay_log_sd)
    ability = world.ability
    p_convert = logistic(logit(res.conversion_probability) + res.ability_conversion_effect * ability)
    p_renew = logistic(logit(ind.renewal_probability) + ind.ability_renewal_effect * ability)
    hazard_boom = lay.annual_layoff_hazard
    hazard_bust = min(1.0, lay.annual_layoff_hazard * reg.bust_layoff_multiplier)

    for t in range(T):
        bust = world.bust[t]
        working = 1.0 - np.minimum(gap, 1.0)
        gap = np.maximum(gap - 1.0, 0.0)

        employed = st == EMPLOYED
        industry = employed & (track != FACULTY)
        grant = st == GRANT_FUNDED
        student = st == STUDENT
        resident = st == RESIDENT

        # The stock part of industry pay is worth more or less with the market's year.
        equity = 1.0 + emp.equity_fraction * emp.equity_market_beta * (world.real_return[t] - mean_real)
        equity = np.maximum(equity, 1.0 - emp.equity_fraction)
        income[t] = pay * working * np.where(industry, equity, 1.0)
        status[t] = np.where((employed | grant) & (working < 0.5), UNEMPLOYED, st)

        # ---- end-of-year events, from the start-of-year state ----
        in_job = employed & (gap == 0.0)
        hazard = np.where(bust, hazard_bust, hazard_boom)
        laid_off = in_job & industry & (d.layoff_u[t] < hazard)
        research_role = in_job & ((track == RESEARCH_SCIENTIST) | (track == ENGINEER))
        lab_closed = research_role & (d.lab_closure_u[t] < lay.lab_closure_hazard)
        lost = laid_off | lab_closed
        spell = lay.spell_median_years * np.exp(lay.spell_log_sd * d.spell_z[t]) * np.where(bust, reg.bust_spell_multiplier, 1.0)
        gap = np.where(lost, gap + spell, gap)
        pay_change = np.exp(lay.reemployment_log_pay_change_mean + lay.reemployment_log_pay_change_sd * d.reemployment_z[t])
        pay = np.where(lost, pay * pay_change, pay)

        keep = employed & ~lost
        promoted = keep & (track != FACULTY) & (level < emp.max_promotions) & (d.promotion_u[t] < emp.promotion_probability)
        level = level + promoted
        growth = np.where(track == FACULTY, 1.0 + emp.faculty_real_raise, 1.0 + emp.real_raise - reg.bust_raise_penalty * bust)
        growth = growth * np.where(promoted, 1.0 + emp.promotion_raise, 1.0)
        pay = np.where(keep, pay * growth, pay)
        years_in_industry = years_in_industry + industry

        # Going back to school: exponentially less likely with each year in industry.
        p_switch = sw.first_year_probability * np.exp(-sw.decay_per_year * (years_in_industry - 1))
        switch = keep & (track == ENGINEER) & ~has_phd & (d.switch_u[t] < p_switch)

        # A PhD, a residency or a grant ends.
        years_left = np.where(student | resident, years_left - 1, years_left)
        graduated = student & (years_left <= 0)
        residency_over = resident & (years_left <= 0)
        converted = residency_over & (d.residency_convert_u < p_convert * np.where(bust, reg.bust_hiring_multiplier, 1.0))
        res_to_phd = residency_over & ~converted & (d.residency_phd_u < res.phd_after_probability)
        res_to_search = residency_over & ~converted & ~res_to_phd
        renewed = grant & (d.grant_renew_u[t] < p_renew * np.where(bust, reg.bust_hiring_multiplier, 1.0))
        grant_gap = ind.gap_median_years * np.exp(ind.gap_log_sd * d.grant_gap_z[t])
        funding_over = grant & ~renewed

        # -- apply the transitions --
        to_late_phd = switch | res_to_phd
        st = np.where(to_late_phd, STUDENT, st)
        pay = np.where(to_late_phd, sw.stipend_usd, pay)
        years_left = np.where(to_late_phd, sw.phd_years, years_left)
        exit_track = np.where(to_late_phd, RESEARCH_SCIENTIST, exit_track)
        exit_pay = np.where(to_late_phd, sw.post_phd_pay_usd * luck, exit_pay)
        exit_has_phd = exit_has_phd | to_late_phd

        st = np.where(graduated, EMPLOYED, st)
        track = np.where(graduated, exit_track, track)
        pay = np.where(graduated, exit_pay, pay)
        has_phd = has_phd | (graduated & exit_has_phd)

        hired = converted | res_to_search | funding_over
        st = np.where(hired, EMPLOYED, st)
        track = np.where(converted, RESEARCH_SCIENTIST, np.where(hired, ENGINEER, track))
        pay = np.where(converted, res.converted_pay_usd * luck, pay)
        pay = np.where(res_to_search, res.fallback_pay_usd * luck, pay)
        pay = np.where(funding_over, ind.exit_pay_usd * luck, pay)

        new_job = graduated | res_to_search | funding_over
        level = np.where(new_job | converted | to_late_phd, 0, level)
        gap = gap + np.where(new_job, emp.job_search_years, 0.0) + np.where(renewed, grant_gap, 0.0)

    return CareerPath(income=income, status=status)

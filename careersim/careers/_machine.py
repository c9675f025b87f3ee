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
from .._places import place
from .._scenario import Scenario

# status codes, reported per year in Result.status
STUDENT, RESIDENT, EMPLOYED, UNEMPLOYED, GRANT_FUNDED = 0, 1, 2, 3, 4
STATUS_NAMES = {STUDENT: "student", RESIDENT: "resident", EMPLOYED: "employed", UNEMPLOYED: "unemployed", GRANT_FUNDED: "grant_funded"}

# job tracks of an employed person
ENGINEER, RESEARCH_SCIENTIST, FACULTY, OTHER = 0, 1, 2, 3
TRACK_NAMES = {ENGINEER: "engineer", RESEARCH_SCIENTIST: "research_scientist", FACULTY: "faculty", OTHER: "other"}


WEEKS_PER_YEAR = 52.0


@dataclasses.dataclass(frozen=True)
class UnemploymentInsurance:
    """The place's unemployment insurance: a share of the lost job's weekly pay, up to a
    weekly maximum, for at most ``max_weeks`` weeks of a spell (real USD)."""

    replacement_rate: float
    max_weekly_usd: float
    max_weeks: float


def unemployment_insurance(s: Scenario) -> UnemploymentInsurance:
    """The scenario's unemployment insurance (from its place and replacement rate)."""
    p = place(s.finances.place)
    return UnemploymentInsurance(replacement_rate=s.finances.ui_replacement_rate, max_weekly_usd=p.ui_max_weekly_usd, max_weeks=p.ui_max_weeks)


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
    """Gross income (real USD) and status per ``(year, world)``.

    ``income`` includes ``ui_income``, the unemployment insurance paid during a spell
    after a layoff; ``self_employed`` marks grant-funded years (the grant is
    self-employment income for tax). Both are filled by :func:`run_career` when None.
    """

    income: np.ndarray
    status: np.ndarray
    ui_income: np.ndarray | None = None
    self_employed: np.ndarray | None = None


@dataclasses.dataclass(frozen=True)
class WorldEvents:
    """Per ``(year, world)`` event draws already turned into events with the parameters.

    They depend on the world and the shared parameters but not on the career, so they
    are computed once per block and reused by every career (whole-array operations
    instead of one small operation per year).
    """

    equity_factor: np.ndarray  #: multiplies industry pay: the stock part moves with the market
    layoff: np.ndarray  #: True where an industry job in that year would be lost
    lab_closure: np.ndarray  #: True where a research role's lab would close
    promotion: np.ndarray  #: True where a promotion would come through
    raise_factor: np.ndarray  #: 1 + real raise of an industry job (lower in a bust)
    hiring_factor: np.ndarray  #: multiplies conversion and renewal chances (lower in a bust)
    bust: np.ndarray  #: True in a bust year
    luck: np.ndarray  #: (world,) starting-pay multiplier of a new job
    p_convert: np.ndarray  #: (world,) residency conversion chance in a boom year
    p_renew: np.ndarray  #: (world,) grant renewal chance in a boom year


def world_events(s: Scenario, world: World, d: Draws) -> WorldEvents:
    """Turn the block's raw draws into the events every career shares."""
    emp, lay, reg, ind, res = s.employment, s.layoffs, s.regime, s.independent, s.residency
    bust = world.bust
    mean_real = expected_real_return(s.market)
    equity = np.maximum(1.0 + emp.equity_fraction * emp.equity_market_beta * (world.real_return - mean_real), 1.0 - emp.equity_fraction)
    hazard = np.where(bust, min(1.0, lay.annual_layoff_hazard * reg.bust_layoff_multiplier), lay.annual_layoff_hazard)
    return WorldEvents(
        equity_factor=equity,
        layoff=d.layoff_u < hazard,
        lab_closure=d.lab_closure_u < lay.lab_closure_hazard,
        promotion=d.promotion_u < emp.promotion_probability,
        raise_factor=1.0 + emp.real_raise - reg.bust_raise_penalty * bust,
        hiring_factor=np.where(bust, reg.bust_hiring_multiplier, 1.0),
        bust=bust,
        luck=pay_luck(s, d, world, emp.start_pay_log_sd),
        p_convert=logistic(logit(res.conversion_probability) + res.ability_conversion_effect * world.ability),
        p_renew=logistic(logit(ind.renewal_probability) + ind.ability_renewal_effect * world.ability),
    )


def run_career(start: StartState, s: Scenario, ev: WorldEvents, d: Draws, *, out: CareerPath | None = None) -> CareerPath:
    """Walk every world through the yearly state machine.

    Parameters
    ----------
    start
        The career's state at the start of year 1.
    s
        The scenario.
    ev
        The world's events (:func:`world_events`), shared by every career.
    d
        The raw draws (for draws that are compared with state-dependent probabilities).
    out
        Arrays to write ``income`` and ``status`` into (the engine's output buffers).

    Returns
    -------
    CareerPath
        ``income`` and ``status``, each ``(year, world)``.
    """
    T, n = ev.layoff.shape
    emp, sw, res, ind, lay, reg = s.employment, s.switching, s.residency, s.independent, s.layoffs, s.regime

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

    income = np.empty((T, n)) if out is None else out.income
    status = np.empty((T, n), dtype=np.int8) if out is None else out.status
    ui_income = np.zeros((T, n)) if out is None or out.ui_income is None else out.ui_income
    self_employed = np.empty((T, n), dtype=bool) if out is None or out.self_employed is None else out.self_employed
    # Unemployment insurance, for a spell after a layoff or an unconverted residency (jobs
    # covered by UI); not after a degree or a grant (no covered job to claim from). The
    # weekly benefit is fixed when the job is lost; weeks run down across years.
    ui = unemployment_insurance(s)
    ui_on = ui.replacement_rate > 0.0 and ui.max_weekly_usd > 0.0 and ui.max_weeks > 0.0
    ui_weekly = np.zeros(n)
    ui_weeks_left = np.zeros(n)

    def start_claims(i: np.ndarray, lost_pay: np.ndarray | float) -> None:
        ui_weekly[i] = np.minimum(ui.replacement_rate * lost_pay / WEEKS_PER_YEAR, ui.max_weekly_usd)
        ui_weeks_left[i] = ui.max_weeks
    # P(going back to school) after k years in industry, looked up instead of exp() per world
    p_switch_by_years = sw.first_year_probability * np.exp(-sw.decay_per_year * np.arange(-1, T + 1))
    scratch = np.empty(n)

    for t in range(T):
        working = 1.0 - np.minimum(gap, 1.0)
        np.maximum(gap - 1.0, 0.0, out=gap)

        employed = st == EMPLOYED
        faculty = track == FACULTY
        any_faculty = faculty.any()
        industry = employed & ~faculty if any_faculty else employed
        grant = st == GRANT_FUNDED
        student = st == STUDENT
        resident = st == RESIDENT

        np.multiply(pay, working, out=income[t])
        np.multiply(income[t], ev.equity_factor[t], out=income[t], where=industry)
        np.copyto(self_employed[t], grant)
        if ui_on and ui_weeks_left.any():
            claiming = np.flatnonzero((ui_weeks_left > 0.0) & (working < 1.0))
            weeks = np.minimum((1.0 - working[claiming]) * WEEKS_PER_YEAR, ui_weeks_left[claiming])
            ui_weeks_left[claiming] -= weeks
            ui_income[t, claiming] = ui_weekly[claiming] * weeks
            income[t, claiming] += ui_income[t, claiming]
            ui_weeks_left[working == 1.0] = 0.0  # back at work: the claim ends
        status[t] = st
        np.copyto(status[t], UNEMPLOYED, where=(employed | grant) & (working < 0.5))

        # ---- end-of-year events, decided from the start-of-year state ----
        in_job = employed & (gap == 0.0)
        research_role = track <= RESEARCH_SCIENTIST  # ENGINEER or RESEARCH_SCIENTIST
        lost = in_job & ((industry & ev.layoff[t]) | (research_role & ev.lab_closure[t]))
        if lost.any():
            # spells and pay changes are drawn for every world, but only a few per cent
            # are laid off in a year: transform just their draws
            i = np.flatnonzero(lost)
            if ui_on:  # the claim is based on the pay of the job lost
                start_claims(i, pay[i])
            gap[i] += lay.spell_median_years * np.exp(lay.spell_log_sd * d.spell_z[t, i]) * np.where(ev.bust[t, i], reg.bust_spell_multiplier, 1.0)
            pay[i] *= np.exp(lay.reemployment_log_pay_change_mean + lay.reemployment_log_pay_change_sd * d.reemployment_z[t, i])

        # raises, promotions and a move back to school are for people at work, not for
        # those still between jobs (whose pay is that of the job they will find)
        keep = in_job & ~lost
        promoted = keep & ev.promotion[t] & (level < emp.max_promotions)
        if any_faculty:
            promoted &= ~faculty
            np.copyto(scratch, ev.raise_factor[t])
            np.copyto(scratch, 1.0 + emp.faculty_real_raise, where=faculty)
            growth = scratch
        else:
            growth = ev.raise_factor[t].copy()
        np.multiply(growth, 1.0 + emp.promotion_raise, out=growth, where=promoted)
        level += promoted
        np.multiply(pay, growth, out=pay, where=keep)
        years_in_industry += industry

        # Going back to school: exponentially less likely with each year in industry.
        to_late_phd = np.zeros(n, dtype=bool)
        if sw.first_year_probability > 0.0:
            to_late_phd = keep & (track == ENGINEER) & ~has_phd & (d.switch_u[t] < p_switch_by_years[years_in_industry])

        # A PhD or a residency ends.
        graduated = np.zeros(n, dtype=bool)
        if student.any():
            years_left -= student
            graduated = student & (years_left <= 0)
        converted = res_to_search = np.zeros(n, dtype=bool)
        if resident.any():
            years_left -= resident
            residency_over = resident & (years_left <= 0)
            converted = residency_over & (d.residency_convert_u < ev.p_convert * ev.hiring_factor[t])
            res_to_phd = residency_over & ~converted & (d.residency_phd_u < res.phd_after_probability)
            res_to_search = residency_over & ~converted & ~res_to_phd
            to_late_phd |= res_to_phd
        # A grant is renewed (after an unpaid gap) or funding ends.
        funding_over = np.zeros(n, dtype=bool)
        if grant.any():
            renewed = grant & (d.grant_renew_u[t] < ev.p_renew * ev.hiring_factor[t])
            i = np.flatnonzero(renewed)
            gap[i] += ind.gap_median_years * np.exp(ind.gap_log_sd * d.grant_gap_z[t, i])
            funding_over = grant & ~renewed

        # -- apply the transitions --
        if to_late_phd.any():
            st[to_late_phd] = STUDENT
            pay[to_late_phd] = sw.stipend_usd
            years_left[to_late_phd] = sw.phd_years
            exit_track[to_late_phd] = RESEARCH_SCIENTIST
            exit_pay[to_late_phd] = sw.post_phd_pay_usd * ev.luck[to_late_phd]
            exit_has_phd |= to_late_phd
            level[to_late_phd] = 0
        if graduated.any():
            st[graduated] = EMPLOYED
            track[graduated] = exit_track[graduated]
            pay[graduated] = exit_pay[graduated]
            has_phd |= graduated & exit_has_phd
        hired = converted | res_to_search | funding_over
        if hired.any():
            st[hired] = EMPLOYED
            track[hired] = ENGINEER
            track[converted] = RESEARCH_SCIENTIST
            pay[converted] = res.converted_pay_usd * ev.luck[converted]
            pay[res_to_search] = res.fallback_pay_usd * ev.luck[res_to_search]
            pay[funding_over] = ind.exit_pay_usd * ev.luck[funding_over]
        new_job = graduated | res_to_search | funding_over
        if new_job.any() or converted.any():
            level[new_job | converted] = 0
            np.add(gap, emp.job_search_years, out=gap, where=new_job)
            if ui_on and res_to_search.any():  # a resident was an employee: covered
                start_claims(np.flatnonzero(res_to_search), res.pay_usd)

    return CareerPath(income=income, status=status, ui_income=ui_income, self_employed=self_employed)

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


def logit(p: float | np.ndarray) -> float | np.ndarray:
    """Log-odds of a probability, or of each of an array of them (an uncertain assumption)."""
    if np.ndim(p) == 0:
        p = min(max(p, 1e-12), 1 - 1e-12)
        return float(np.log(p / (1.0 - p)))
    q = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(q / (1.0 - q))


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
    are computed once per block and reused by every career. Events whose chance depends on
    the person's state (a layoff, which the credential filter makes likelier without a PhD)
    are decided in the state machine from the raw draws and the per-year tables here.
    """

    equity_factor: np.ndarray  #: multiplies industry pay: the stock part moves with the market
    lab_closure: np.ndarray  #: True where a research role's lab would close
    promotion: np.ndarray  #: True where a promotion would come through
    bust: np.ndarray  #: True in a bust year
    luck: np.ndarray  #: (world,) starting-pay multiplier of a new job
    p_convert: np.ndarray  #: (world,) residency conversion chance in a boom year
    p_renew: np.ndarray  #: (world,) grant renewal chance in a boom year
    hazard_phd: np.ndarray  #: (world, 2) layoff hazard with a PhD, in a boom [:, 0] and a bust [:, 1]
    hazard_no_phd: np.ndarray  #: (world, 2) the same without a PhD (the credential filter), before the trend
    open_share: np.ndarray  #: (year,) share of research roles still open to non-PhDs: (1 - trend)^t
    conversion_bust: np.ndarray  #: (world,) multiplies p_convert in a bust: bust hiring x credential filter
    renewal_bust: np.ndarray  #: (world,) multiplies p_renew in a bust
    raise_factor: np.ndarray  #: (2,) 1 + real raise of an industry job (lower in a bust)
    spell_factor_phd: np.ndarray  #: (2,) multiplies a spell's length, with a PhD
    spell_factor_no_phd: np.ndarray  #: (2,) the same without a PhD


def world_events(s: Scenario, world: World, d: Draws) -> WorldEvents:
    """Turn the block's raw draws into the events every career shares."""
    emp, lay, reg, ind, res, cred = s.employment, s.layoffs, s.regime, s.independent, s.residency, s.credentials
    T = world.bust.shape[0]
    bust = world.bust
    mean_real = expected_real_return(s.market)
    equity = np.maximum(1.0 + emp.equity_fraction * emp.equity_market_beta * (world.real_return - mean_real), 1.0 - emp.equity_fraction)
    n = world.ability.shape[0]

    def per_world(x: float | np.ndarray) -> np.ndarray:  # a number, or an uncertain assumption's (world,) draws
        return np.broadcast_to(np.asarray(x, dtype=float), (n,))

    h = per_world(lay.annual_layoff_hazard)
    h_bust = np.minimum(1.0, h * reg.bust_layoff_multiplier)
    hiring = per_world(reg.bust_hiring_multiplier)
    # research roles open to non-PhDs shrink by the trend each year: (1 - trend)^t, t from 0
    open_share = (1.0 - cred.research_share_trend) ** np.arange(T, dtype=float)
    return WorldEvents(
        equity_factor=equity,
        lab_closure=d.lab_closure_u < lay.lab_closure_hazard,
        promotion=d.promotion_u < emp.promotion_probability,
        bust=bust,
        luck=pay_luck(s, d, world, emp.start_pay_log_sd),
        p_convert=logistic(logit(res.conversion_probability) + res.ability_conversion_effect * world.ability),
        p_renew=logistic(logit(ind.renewal_probability) + ind.ability_renewal_effect * world.ability),
        hazard_phd=np.column_stack([h, h_bust]),
        hazard_no_phd=np.column_stack([h, h_bust * cred.bust_layoff_multiplier]),
        open_share=open_share,
        conversion_bust=hiring * cred.bust_conversion_multiplier,
        renewal_bust=hiring.copy(),
        raise_factor=np.array([1.0 + emp.real_raise, 1.0 + emp.real_raise - reg.bust_raise_penalty]),
        spell_factor_phd=np.array([1.0, reg.bust_spell_multiplier]),
        spell_factor_no_phd=np.array([1.0, reg.bust_spell_multiplier * cred.bust_spell_multiplier]),
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
    from ._kernel import career_kernel

    T, n = ev.bust.shape
    emp, sw, res, ind, lay = s.employment, s.switching, s.residency, s.independent, s.layoffs
    income = np.empty((T, n)) if out is None else out.income
    status = np.empty((T, n), dtype=np.int8) if out is None else out.status
    ui_income = np.empty((T, n)) if out is None or out.ui_income is None else out.ui_income
    self_employed = np.empty((T, n), dtype=bool) if out is None or out.self_employed is None else out.self_employed
    # Unemployment insurance, for a spell after a layoff or an unconverted residency (jobs
    # covered by UI); not after a degree or a grant (no covered job to claim from). The
    # weekly benefit is fixed when the job is lost; weeks run down across years.
    ui = unemployment_insurance(s)
    ui_on = ui.replacement_rate > 0.0 and ui.max_weekly_usd > 0.0 and ui.max_weeks > 0.0
    # P(going back to school) after k years in industry, looked up instead of exp() per world
    p_switch_by_years = sw.first_year_probability * np.exp(-sw.decay_per_year * np.arange(-1, T + 1))

    def c(a: np.ndarray, dtype: type) -> np.ndarray:
        return np.ascontiguousarray(a, dtype=dtype)

    f8, i1, i4, b1 = np.float64, np.int8, np.int32, np.bool_
    career_kernel(
        c(start.status, i1), c(start.pay, f8), c(start.track, i1), c(start.years_left, i4), c(start.exit_track, i1), c(start.exit_pay, f8),
        c(start.exit_has_phd, b1), c(start.has_phd, b1), c(start.gap, f8),
        c(ev.equity_factor, f8), c(ev.lab_closure, b1), c(ev.promotion, b1), c(ev.bust, b1), c(ev.luck, f8), c(ev.p_convert, f8), c(ev.p_renew, f8),
        c(ev.hazard_phd, f8), c(ev.hazard_no_phd, f8), ev.open_share, c(ev.conversion_bust, f8), c(ev.renewal_bust, f8), ev.raise_factor,
        ev.spell_factor_phd, ev.spell_factor_no_phd,
        d.layoff_u, d.spell_u, d.reemployment_u, d.switch_u, d.residency_convert_u, d.residency_phd_u, d.grant_renew_u, d.grant_gap_u,
        int(emp.max_promotions), float(emp.promotion_raise), float(emp.faculty_real_raise), p_switch_by_years, sw.first_year_probability > 0.0,
        float(sw.stipend_usd), int(sw.phd_years), float(sw.post_phd_pay_usd), float(res.phd_after_probability), float(res.converted_pay_usd),
        float(res.fallback_pay_usd), float(res.pay_usd), float(ind.exit_pay_usd), float(emp.job_search_years), float(ind.gap_median_years),
        float(ind.gap_log_sd), float(lay.spell_median_years), float(lay.spell_log_sd),
        float(lay.reemployment_log_pay_change_mean), float(lay.reemployment_log_pay_change_sd),
        ui_on, float(ui.replacement_rate), float(ui.max_weekly_usd), float(ui.max_weeks),
        income, status, ui_income, self_employed,
    )
    return CareerPath(income=income, status=status, ui_income=ui_income, self_employed=self_employed)

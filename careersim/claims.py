"""Checking a money claim against simulated careers, and searching for what would overturn it.

The claim checked here is the "Money: Much better" row of the seed essay "five years after
skipping a PhD": 5-6 years of ML-engineer salary plus index-fund compounding get you more
than most post-PhD jobs, unless a breakthrough starts a bidding war. careersim lives both
careers in the same worlds, so every statistic below is about the **paired** difference

    lead = net worth of the industry path - net worth of the PhD path   (same world)

in real dollars of the scenario's ``currency_year``. "Industry ahead" means ``lead > 0``.

Three layers, computation only (the figures are drawn by the claim's ``plot_*`` functions in
:mod:`careersim.plotting`):

* :func:`money_claim` -- the claim's statistics from one :class:`~careersim.Result`, as a
  typed :class:`MoneyClaim` with a Monte Carlo standard error on every estimate;
* :func:`breakthrough_effect` -- the same worlds rerun with no breakthroughs, world by world;
* :func:`smallest_overturning_changes` -- for each :class:`Lever`, a bisection with common
  random numbers for the smallest change that makes the PhD win by a criterion.

:func:`claim_outputs` bundles the tables and figures for ``careersim run --out``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ._draws import root_seed_sequence
from ._engine import simulate
from ._params import ScenarioError
from ._results import Result, mean_with_se, proportion_with_se, quantiles_with_se
from ._scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CLAIM",
    "Checkpoint",
    "Estimate",
    "Lever",
    "MoneyClaim",
    "breakthrough_effect",
    "claim_outputs",
    "default_levers",
    "format_share",
    "format_usd",
    "money_claim",
    "smallest_overturning_changes",
]

#: the claim, quoted briefly, and where it comes from
CLAIM = {
    "quote": (
        "If you only care about the money, doing an ML PhD just doesn't make sense. Unless you "
        "discover something revolutionary that starts a bidding war, 5-6 years of ML engineer / "
        "data scientist salary + compounding returns from investing in index funds will get you "
        "more than most post-PhD jobs."
    ),
    "source": "\"Five years after skipping a PhD\" (seed essay, shared/seeds/five-years-after-skipping-a-phd.txt), verdict row \"Money: Much better\"",
}

Criterion = Literal["p_phd_ahead", "median_difference", "mean_difference"]
LeverUnit = Literal["usd", "probability", "years", "rate"]
_CRITERIA = ("p_phd_ahead", "median_difference", "mean_difference")
_QUANTILES = (0.05, 0.25, 0.75, 0.95)


# ---------------------------------------------------------------------------------------------
# Typed results
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate and its standard error (``nan`` where undefined)."""

    value: float
    se: float

    @classmethod
    def of(cls, value: Any, se: Any) -> Estimate:
        return cls(float(value), float(se))


NAN = Estimate(math.nan, math.nan)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Checkpoint:
    """The claim's statistics at the end of one simulated year.

    Attributes
    ----------
    label
        ``"year 5"`` for a claim-horizon checkpoint, ``"age 45"`` for an age checkpoint.
    year, age
        Simulated year (1-based) and the age at its end.
    p_industry_ahead
        P(lead > 0): share of worlds where the industry path has more net worth.
    median_lead, mean_lead
        Median and mean of the paired lead (industry minus PhD), real USD.
    lead_quantiles
        ``{"p5": ..., "p25": ..., "p75": ..., "p95": ...}`` of the lead.
    industry_median, phd_median, phd_mean, phd_p95
        Net worth of each path over all worlds.
    phd_mean_excluding_breakthroughs, phd_p95_excluding_breakthroughs
        The PhD's net worth over the worlds without a bidding war.
    p_phd_ahead_given_breakthrough, p_phd_ahead_excluding_breakthroughs
        P(PhD ahead) within and outside the bidding-war worlds.
    breakthrough_share_of_upside
        Of the PhD's total excess over industry, summed over the worlds where the PhD is
        ahead, the share earned in bidding-war worlds (ratio estimator, delta-method se).
    """

    label: str
    year: int
    age: int
    p_industry_ahead: Estimate
    median_lead: Estimate
    mean_lead: Estimate
    lead_quantiles: dict[str, Estimate]
    industry_median: Estimate
    phd_median: Estimate
    phd_mean: Estimate
    phd_p95: Estimate
    phd_mean_excluding_breakthroughs: Estimate
    phd_p95_excluding_breakthroughs: Estimate
    p_phd_ahead_given_breakthrough: Estimate
    p_phd_ahead_excluding_breakthroughs: Estimate
    breakthrough_share_of_upside: Estimate

    @property
    def holds(self) -> bool:
        """The claim holds here: the industry path is ahead in more than half the worlds."""
        return self.p_industry_ahead.value > 0.5

    def estimates(self) -> dict[str, Estimate]:
        """Every estimate by statistic name (quantiles as ``lead_p5`` ...)."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, Estimate):
                out[f.name] = v
            elif f.name == "lead_quantiles":
                out.update({f"lead_{k}": e for k, e in v.items()})
        return out


@dataclasses.dataclass(frozen=True, kw_only=True)
class MoneyClaim:
    """The "money much better" claim measured on one simulation.

    Attributes
    ----------
    phd, industry
        Career ids compared (industry minus PhD).
    scenario_name, worlds, start_age, units
        What was simulated.
    claim_years
        The claim's horizon in years (5 and 6: "5-6 years of ... salary").
    checkpoints
        One :class:`Checkpoint` per claim year, then per requested age.
    breakthrough_rate
        Share of worlds in which the PhD graduate won a bidding war.
    p_never_catches_up
        Share of worlds in which the PhD's net worth never reaches the industry path's
        within the horizon.
    median_catch_up_age
        Median age at which the PhD first catches up, among the worlds where it does.
    """

    phd: str
    industry: str
    scenario_name: str
    worlds: int
    start_age: int
    units: str
    claim_years: tuple[int, ...]
    checkpoints: tuple[Checkpoint, ...]
    breakthrough_rate: Estimate
    p_never_catches_up: Estimate
    median_catch_up_age: Estimate

    def checkpoint(self, *, age: int | None = None, year: int | None = None) -> Checkpoint:
        """The checkpoint at ``age`` or at ``year`` (exactly one of them)."""
        if (age is None) == (year is None):
            raise ScenarioError("checkpoint: give exactly one of age= or year=")
        for c in self.checkpoints:
            if (age is not None and c.age == age) or (year is not None and c.year == year):
                return c
        have = ", ".join(c.label for c in self.checkpoints)
        raise ScenarioError(f"checkpoint: no {'age' if age is not None else 'year'} {age if age is not None else year} in this claim; have {have}")

    @property
    def holds_at_claim_horizon(self) -> bool:
        """True if the industry path is ahead in most worlds at every claim year."""
        return all(self.checkpoint(year=y).holds for y in self.claim_years)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: columns ``phd, industry, checkpoint, year, age, statistic, value, se``.

        Whole-horizon statistics (breakthrough rate, catch-up) have ``checkpoint`` "all"
        and missing year and age.
        """
        rows = []
        for c in self.checkpoints:
            for name, e in c.estimates().items():
                rows.append((c.label, c.year, c.age, name, e.value, e.se))
        for name in ("breakthrough_rate", "p_never_catches_up", "median_catch_up_age"):
            e = getattr(self, name)
            rows.append(("all", None, None, name, e.value, e.se))
        frame = pd.DataFrame(rows, columns=["checkpoint", "year", "age", "statistic", "value", "se"])
        frame["year"] = frame["year"].astype("Int64")
        frame["age"] = frame["age"].astype("Int64")
        frame.insert(0, "industry", self.industry)
        frame.insert(0, "phd", self.phd)
        return frame


# ---------------------------------------------------------------------------------------------
# The claim's statistics
# ---------------------------------------------------------------------------------------------
def _ratio_with_se(a: np.ndarray, b: np.ndarray) -> Estimate:
    """sum(a) / sum(b) with its delta-method standard error; nan when sum(b) == 0."""
    sb = float(b.sum())
    if sb <= 0.0:
        return NAN
    r = float(a.sum()) / sb
    n = len(a)
    resid = a - r * b
    se = math.sqrt(float((resid**2).sum()) * n / max(n - 1, 1)) / sb
    return Estimate(r, se)


def _quantile(x: np.ndarray, q: float) -> Estimate:
    if len(x) == 0:
        return NAN
    v, s = quantiles_with_se(x, [q])
    return Estimate.of(v[0], s[0])


def _mean(x: np.ndarray) -> Estimate:
    if len(x) == 0:
        return NAN
    if len(x) == 1:
        return Estimate(float(x[0]), math.nan)
    return Estimate.of(*mean_with_se(x))


def _proportion(mask: np.ndarray) -> Estimate:
    if len(mask) == 0:
        return NAN
    return Estimate.of(*proportion_with_se(mask))


def _checkpoint(label: str, year: int, age: int, phd_nw: np.ndarray, ind_nw: np.ndarray, breakthrough: np.ndarray) -> Checkpoint:
    lead = ind_nw - phd_nw
    q, q_se = quantiles_with_se(lead, _QUANTILES)
    no_bt = ~breakthrough
    phd_excess = np.maximum(-lead, 0.0)
    return Checkpoint(
        label=label,
        year=year,
        age=age,
        p_industry_ahead=_proportion(lead > 0),
        median_lead=_quantile(lead, 0.5),
        mean_lead=_mean(lead),
        lead_quantiles={f"p{100 * qq:g}": Estimate.of(q[i], q_se[i]) for i, qq in enumerate(_QUANTILES)},
        industry_median=_quantile(ind_nw, 0.5),
        phd_median=_quantile(phd_nw, 0.5),
        phd_mean=_mean(phd_nw),
        phd_p95=_quantile(phd_nw, 0.95),
        phd_mean_excluding_breakthroughs=_mean(phd_nw[no_bt]),
        phd_p95_excluding_breakthroughs=_quantile(phd_nw[no_bt], 0.95),
        p_phd_ahead_given_breakthrough=_proportion(lead[breakthrough] < 0),
        p_phd_ahead_excluding_breakthroughs=_proportion(lead[no_bt] < 0),
        breakthrough_share_of_upside=_ratio_with_se(phd_excess * breakthrough, phd_excess),
    )


def _check_pair(result: Result, phd: str, industry: str) -> tuple[int, int]:
    if phd == industry:
        raise ScenarioError(f"phd = industry = {phd!r}: compare two different careers")
    return result.index(phd), result.index(industry)


def _check_years(result: Result, years: Sequence[int], what: str) -> tuple[int, ...]:
    out = tuple(int(y) for y in years)
    for y in out:
        if not 1 <= y <= result.horizon_years:
            raise ScenarioError(f"{what} = {y!r}: must be between 1 and the horizon, {result.horizon_years} years")
    return out


def money_claim(
    result: Result,
    *,
    phd: str = "phd",
    industry: str = "residency",
    claim_years: Sequence[int] = (5, 6),
    ages: Sequence[int] = (35, 45, 65),
) -> MoneyClaim:
    """Measure the "money much better" claim on a simulation.

    Parameters
    ----------
    result
        A simulation that includes both careers.
    phd, industry
        Career ids: the PhD path and the path that skips it.
    claim_years
        The claim's horizon in simulated years ("5-6 years of ... salary").
    ages
        Later ages at which to check whether the industry path is still ahead.

    Returns
    -------
    MoneyClaim
        One :class:`Checkpoint` per claim year and age, the breakthrough rate and the
        catch-up statistics, each an :class:`Estimate` with its standard error.

    Examples
    --------
    >>> import careersim
    >>> from careersim import claims
    >>> s = careersim.load_scenario("money-much-better")
    >>> r = careersim.simulate(s, worlds=2_000, rng=1, careers=["phd", "residency"])
    >>> c = claims.money_claim(r)
    >>> [cp.label for cp in c.checkpoints]
    ['year 5', 'year 6', 'age 35', 'age 45', 'age 65']
    >>> c.holds_at_claim_horizon
    True
    """
    ip, ii = _check_pair(result, phd, industry)
    years = _check_years(result, claim_years, "claim_years")
    points = [(f"year {y}", y) for y in years]
    points += [(f"age {a}", result.year_of_age(a)) for a in ages]
    start_age = result.scenario.simulation.start_age
    bt = np.asarray(result.facts["phd_breakthrough"], dtype=bool)
    checkpoints = tuple(
        _checkpoint(label, y, start_age + y, result.net_worth[ip, :, y - 1], result.net_worth[ii, :, y - 1], bt) for label, y in points
    )
    comparison = result.compare(phd, industry)
    caught = comparison.catch_up_year > 0
    catch_up_ages = (comparison.catch_up_year[caught] + start_age).astype(float)
    return MoneyClaim(
        phd=phd,
        industry=industry,
        scenario_name=result.scenario.name,
        worlds=result.worlds,
        start_age=start_age,
        units=result.units,
        claim_years=years,
        checkpoints=checkpoints,
        breakthrough_rate=_proportion(bt),
        p_never_catches_up=_proportion(~caught),
        median_catch_up_age=_quantile(catch_up_ages, 0.5),
    )


def breakthrough_effect(
    result: Result,
    counterfactual: Result,
    *,
    phd: str = "phd",
    industry: str = "residency",
    ages: Sequence[int] = (35, 45, 65),
) -> pd.DataFrame:
    """How much of the PhD's upside the bidding-war tail supplies, world by world.

    ``counterfactual`` is the same simulation (same scenario, worlds and ``rng``) rerun with
    ``phd.breakthrough_probability = 0``. Because careersim draws every random number
    before it reads a parameter, the two runs differ only in the bidding-war worlds, so the
    paired differences below isolate the tail exactly.

    Returns
    -------
    DataFrame
        Tidy, columns ``age, year, statistic, value, se``; statistics: ``phd_mean`` and
        ``phd_mean_without_breakthroughs``, ``breakthrough_contribution_to_phd_mean``
        (paired mean difference), ``phd_p95``/``phd_p99`` and their ``_without_breakthroughs``
        counterparts, ``p_phd_ahead`` and ``p_phd_ahead_without_breakthroughs``, and
        ``upside_share_from_breakthroughs``: the share of the PhD's summed excess over
        industry (worlds where the PhD is ahead) that disappears without bidding wars.

    Raises
    ------
    ScenarioError
        If the counterfactual still has bidding wars, or is not the same worlds (different
        shape, or the industry path differs: simulate both with the same ``rng``).

    Examples
    --------
    >>> import careersim
    >>> from careersim import claims
    >>> s = careersim.load_scenario("money-much-better")
    >>> r = careersim.simulate(s, worlds=2_000, rng=3, careers=["phd", "residency"])
    >>> cf = careersim.simulate(s.replace({"phd.breakthrough_probability": 0.0}), worlds=2_000, rng=3, careers=["phd", "residency"])
    >>> e = claims.breakthrough_effect(r, cf)
    >>> bool((e.query("statistic == 'breakthrough_contribution_to_phd_mean'").value >= 0).all())
    True
    """
    ip, ii = _check_pair(result, phd, industry)
    jp, ji = _check_pair(counterfactual, phd, industry)
    if result.net_worth.shape[1:] != counterfactual.net_worth.shape[1:]:
        raise ScenarioError(f"counterfactual has {counterfactual.worlds} worlds x {counterfactual.horizon_years} years, the result {result.worlds} x {result.horizon_years}: simulate both alike")
    if np.asarray(counterfactual.facts["phd_breakthrough"]).any():
        raise ScenarioError("counterfactual has bidding wars: simulate it with phd.breakthrough_probability = 0")
    if not np.array_equal(result.net_worth[ii], counterfactual.net_worth[ji]):
        raise ScenarioError(f"counterfactual is not the same worlds: the {industry} path differs; simulate both with the same rng and scenario")
    rows = []
    for age in ages:
        y = result.year_of_age(age)
        x, x0, ind = result.net_worth[ip, :, y - 1], counterfactual.net_worth[jp, :, y - 1], result.net_worth[ii, :, y - 1]
        excess, excess0 = np.maximum(x - ind, 0.0), np.maximum(x0 - ind, 0.0)
        stats = {
            "phd_mean": _mean(x),
            "phd_mean_without_breakthroughs": _mean(x0),
            "breakthrough_contribution_to_phd_mean": _mean(x - x0),
            "phd_p95": _quantile(x, 0.95),
            "phd_p95_without_breakthroughs": _quantile(x0, 0.95),
            "phd_p99": _quantile(x, 0.99),
            "phd_p99_without_breakthroughs": _quantile(x0, 0.99),
            "p_phd_ahead": _proportion(x > ind),
            "p_phd_ahead_without_breakthroughs": _proportion(x0 > ind),
            "upside_share_from_breakthroughs": _ratio_with_se(excess - excess0, excess),
        }
        rows += [(age, y, k, e.value, e.se) for k, e in stats.items()]
    return pd.DataFrame(rows, columns=["age", "year", "statistic", "value", "se"])


# ---------------------------------------------------------------------------------------------
# Levers and the search for the smallest change that overturns the claim
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, kw_only=True)
class Lever:
    """One way of changing a scenario, moved along a single number.

    The search moves ``parameter`` from its value in the scenario (the baseline) toward
    ``stop``; ``linked`` returns other keys that move with it (e.g. the other stipends).

    Attributes
    ----------
    name
        Short id, e.g. ``"stipend"``.
    parameter
        Dotted scenario key whose value is reported.
    description
        What moving it means, in words.
    unit
        ``"usd"`` (real USD/year), ``"probability"``, ``"years"`` or ``"rate"`` (per year);
        only for display.
    stop
        The most extreme value searched (absolute, or a multiple of the baseline when
        ``relative_stop`` is True).
    relative_stop
        Read ``stop`` as a multiple of the baseline.
    linked
        ``linked(scenario, value) -> {key: value}``: other keys set with the parameter.
        At the baseline value it must leave the scenario unchanged.
    """

    name: str
    parameter: str
    description: str
    unit: LeverUnit
    stop: float
    relative_stop: bool = False
    linked: Callable[[Scenario, float], dict[str, Any]] | None = None

    def format(self, value: float) -> str:
        """``value`` in the lever's unit, as the notebook's text shows it."""
        return format_value(value, self.unit)

    def baseline(self, scenario: Scenario) -> float:
        """The parameter's value in ``scenario``."""
        return float(scenario.get(self.parameter))

    def stop_value(self, scenario: Scenario) -> float:
        """The far end of the search range for ``scenario``."""
        return self.stop * self.baseline(scenario) if self.relative_stop else float(self.stop)

    def changes(self, scenario: Scenario, value: float) -> dict[str, Any]:
        """Every key set when the lever is at ``value``."""
        out: dict[str, Any] = {self.parameter: float(value)}
        if self.linked is not None:
            out.update(self.linked(scenario, float(value)))
        return out

    def apply(self, scenario: Scenario, value: float) -> Scenario:
        """``scenario`` with the lever at ``value``."""
        return scenario.replace(self.changes(scenario, value))


def _shift_other_stipends(s: Scenario, value: float) -> dict[str, Any]:
    delta = value - s.phd.stipend_advisor_grant_usd
    return {"phd.stipend_fellowship_usd": s.phd.stipend_fellowship_usd + delta, "phd.stipend_ta_usd": s.phd.stipend_ta_usd + delta}


def _fit_ta_share(s: Scenario, value: float) -> dict[str, Any]:
    return {"phd.ta_probability": min(s.phd.ta_probability, 1.0 - value)}


def _scale_other_post_phd_pay(s: Scenario, value: float) -> dict[str, Any]:
    base = s.phd.research_scientist_start_pay_usd
    factor = value / base if base > 0 else 1.0
    return {"phd.faculty_start_pay_usd": s.phd.faculty_start_pay_usd * factor, "phd.other_start_pay_usd": s.phd.other_start_pay_usd * factor}


def default_levers(scenario: Scenario | None = None) -> tuple[Lever, ...]:
    """The levers named in the claim's issue, one at a time.

    Parameters
    ----------
    scenario
        If given and its market model is parametric (``lognormal`` or ``student_t``), a
        ``lower_returns`` lever is added (the claim leans on "compounding returns"); the
        historical and bootstrap models take returns from data, so no lever moves them.

    Returns
    -------
    tuple of Lever
        ``stipend`` (every stipend raised by the same amount, up to 6x the RA stipend),
        ``fellowship`` (share of students on a fellowship, up to 1), ``faster_phd`` (median
        PhD length, down to 3 years), ``post_phd_pay`` (every post-PhD starting pay scaled,
        up to 4x), ``breakthrough`` (chance of a bidding war, up to 1), ``bust_regime``
        (chance per year that a boom turns to bust, up to 1), ``layoffs`` (annual layoff
        hazard, up to 0.5), and maybe ``lower_returns`` (mean log real return, down to -5%).

    Examples
    --------
    >>> from careersim import claims
    >>> [l.name for l in claims.default_levers()]
    ['stipend', 'fellowship', 'faster_phd', 'post_phd_pay', 'breakthrough', 'bust_regime', 'layoffs']
    """
    levers = [
        Lever(name="stipend", parameter="phd.stipend_advisor_grant_usd", unit="usd", stop=6.0, relative_stop=True, linked=_shift_other_stipends,
              description="a higher PhD stipend (fellowship and TA stipends raised by the same amount)"),
        Lever(name="fellowship", parameter="phd.fellowship_probability", unit="probability", stop=1.0, linked=_fit_ta_share,
              description="a fellowship: a larger share of students funded by one, at the fellowship stipend"),
        Lever(name="faster_phd", parameter="phd.duration_median_years", unit="years", stop=3.0,
              description="a faster PhD: a shorter median time to degree"),
        Lever(name="post_phd_pay", parameter="phd.research_scientist_start_pay_usd", unit="usd", stop=4.0, relative_stop=True, linked=_scale_other_post_phd_pay,
              description="higher post-PhD pay: research-scientist, faculty and other starting pay scaled together"),
        Lever(name="breakthrough", parameter="phd.breakthrough_probability", unit="probability", stop=1.0,
              description="a likelier bidding war for the PhD graduate"),
        Lever(name="bust_regime", parameter="regime.boom_to_bust_probability", unit="rate", stop=1.0,
              description="a bust regime: booms turn to busts more often (more layoffs, lower raises, fewer offers)"),
        Lever(name="layoffs", parameter="layoffs.annual_layoff_hazard", unit="rate", stop=0.5,
              description="more layoffs: a higher annual layoff hazard in industry"),
    ]
    if scenario is not None and scenario.market.model in ("lognormal", "student_t"):
        levers.append(Lever(name="lower_returns", parameter="market.real_log_return_mean", unit="rate", stop=-0.05,
                            description="lower market returns: a lower mean log real return of the index fund"))
    return tuple(levers)


def _criterion_threshold(criterion: str, threshold: float | None) -> float:
    if criterion not in _CRITERIA:
        raise ScenarioError(f"criterion = {criterion!r}: must be one of {', '.join(_CRITERIA)}")
    if threshold is None:
        return 0.5 if criterion == "p_phd_ahead" else 0.0
    return float(threshold)


class _Evaluator:
    """Simulates a scenario with the same seed every time (common random numbers) and
    returns the criterion's statistic at each age; remembers what it has computed.

    Each run reuses the baseline's careers that the change cannot touch
    (``simulate(reuse=...)``): a PhD-only lever re-simulates the PhD alone."""

    def __init__(self, scenario: Scenario, *, phd: str, industry: str, worlds: int, root: np.random.SeedSequence, ages: tuple[int, ...], criterion: str, workers: int | None):
        self.scenario, self.careers = scenario, (phd, industry)
        self.worlds, self.root, self.criterion, self.workers = worlds, root, criterion, workers
        self.base = simulate(scenario, worlds=worlds, rng=root, careers=self.careers, workers=workers)
        self.columns = [self.base.year_of_age(a) - 1 for a in ages]
        self.baseline = self._stats(self.base)
        self.evaluations = 1
        self.cache: dict[tuple[str, float], list[Estimate]] = {}

    def _stats(self, r: Result) -> list[Estimate]:
        d = r.net_worth[0][:, self.columns] - r.net_worth[1][:, self.columns]  # PhD minus industry, (world, age)
        if self.criterion == "p_phd_ahead":
            return [_proportion(d[:, j] > 0) for j in range(d.shape[1])]
        if self.criterion == "median_difference":
            return [_quantile(d[:, j], 0.5) for j in range(d.shape[1])]
        return [_mean(d[:, j]) for j in range(d.shape[1])]

    def __call__(self, lever: Lever, value: float) -> list[Estimate]:
        key = (lever.name, float(value))
        if key not in self.cache:
            scenario = lever.apply(self.scenario, value)
            r = simulate(scenario, worlds=self.worlds, rng=self.root, careers=self.careers, workers=self.workers, reuse=self.base)
            self.cache[key] = self._stats(r)
            self.evaluations += 1
        return self.cache[key]


def _illinois(f: Callable[[float], float], f_lo: float, f_hi: float, *, max_evaluations: int, tolerance: float) -> tuple[float, float]:
    """Narrow a bracket [0, 1] with f(0) < 0 <= f(1) by the Illinois method.

    Returns the bracket's ends ``(t_lose, t_win)``: f < 0 at the first, f >= 0 at the second.
    """
    lo, hi, side = 0.0, 1.0, 0
    for _ in range(max_evaluations):
        width = hi - lo
        if width <= tolerance:
            break
        t = (lo * f_hi - hi * f_lo) / (f_hi - f_lo) if f_hi != f_lo else 0.5 * (lo + hi)
        t = min(max(t, lo + 0.02 * width), hi - 0.02 * width)  # stay strictly inside
        ft = f(t)
        if ft >= 0.0:
            hi, f_hi = t, ft
            if side == 1:
                f_lo *= 0.5
            side = 1
        else:
            lo, f_lo = t, ft
            if side == -1:
                f_hi *= 0.5
            side = -1
    return lo, hi


def smallest_overturning_changes(
    scenario: Scenario,
    levers: Sequence[Lever] | None = None,
    *,
    ages: Sequence[int] = (65,),
    criterion: Criterion = "p_phd_ahead",
    threshold: float | None = None,
    phd: str = "phd",
    industry: str = "residency",
    worlds: int = 4_096,
    max_evaluations: int = 8,
    tolerance: float = 0.002,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    workers: int | None = 1,
) -> pd.DataFrame:
    """For each lever alone, the smallest change that makes the PhD win: a bracketing
    search with common random numbers.

    Every evaluation simulates the changed scenario in the *same* worlds (one seed for
    all), so the statistic moves only because the lever moved. For each lever and age the
    search evaluates the lever's far end; if the PhD wins there, it narrows the bracket
    between the baseline (PhD loses) and that end by the Illinois method (regula falsi that
    halves a stale end's weight, each step kept inside the bracket), stopping when the
    bracket is narrower than ``tolerance`` of the range or after ``max_evaluations``. The
    answer is the nearest value at which the PhD was seen to win; ``bracket`` is the
    nearest at which it was seen to lose, so the threshold for these worlds lies between.

    Parameters
    ----------
    scenario
        The scenario in which the claim holds.
    levers
        The levers to try, one at a time; default ``default_levers(scenario)``.
    ages
        Ages at which the PhD must win.
    criterion
        ``"p_phd_ahead"``: P(PhD net worth > industry's) >= threshold (default 0.5);
        ``"median_difference"``: the median of PhD minus industry >= threshold (default 0;
        equivalent to the first at 0.5 up to ties); ``"mean_difference"``: its mean >=
        threshold (default 0; sensitive to the bidding-war tail).
    threshold
        See ``criterion``.
    phd, industry
        Career ids compared.
    worlds
        Worlds per evaluation.
    max_evaluations
        Most simulations per lever and age inside the bracket (0: only the far end).
    tolerance
        Stop when the bracket is narrower than this fraction of ``|stop - baseline|``.
    rng
        Seed (int, SeedSequence, Generator or None), normalised once and reused for every
        evaluation.
    workers
        Worker processes per simulation (results do not depend on it).

    Returns
    -------
    DataFrame
        One row per lever and age: ``lever, parameter, unit, description, criterion, threshold,
        age, baseline_value, stop_value, found, value`` (the smallest overturning value
        found, NaN if none within the range), ``bracket`` (the nearest value tested that did
        not overturn), ``change``, ``relative_change`` (value / baseline - 1),
        ``statistic_baseline``, ``statistic_baseline_se``, ``statistic_at_value``,
        ``statistic_at_value_se``, ``evaluations`` (simulations run for the row) and
        ``worlds``.

    Examples
    --------
    >>> import careersim
    >>> from careersim import claims
    >>> s = careersim.load_scenario("money-much-better")
    >>> lever = [l for l in claims.default_levers() if l.name == "post_phd_pay"]
    >>> t = claims.smallest_overturning_changes(s, lever, ages=(45,), worlds=1_000, max_evaluations=4, rng=0)
    >>> t[["lever", "age", "found"]].to_dict("records")
    [{'lever': 'post_phd_pay', 'age': 45, 'found': True}]
    """
    thr = _criterion_threshold(criterion, threshold)
    levers = default_levers(scenario) if levers is None else tuple(levers)
    for lever in levers:
        if not isinstance(lever, Lever):
            raise ScenarioError(f"levers: {lever!r} is not a careersim.claims.Lever")
    if isinstance(max_evaluations, bool) or not isinstance(max_evaluations, (int, np.integer)) or max_evaluations < 0:
        raise ScenarioError(f"max_evaluations = {max_evaluations!r}: must be a whole number >= 0")
    if not 0.0 < float(tolerance) < 1.0:
        raise ScenarioError(f"tolerance = {tolerance!r}: must be in (0, 1)")
    ages_t = tuple(int(a) for a in ages)
    root = root_seed_sequence(rng)
    ev = _Evaluator(scenario, phd=phd, industry=industry, worlds=worlds, root=root, ages=ages_t, criterion=criterion, workers=workers)

    def wins(e: Estimate) -> bool:
        return e.value >= thr

    rows = []
    for lever in levers:
        base_value, stop = lever.baseline(scenario), lever.stop_value(scenario)
        lever.apply(scenario, stop)  # validate the far end up front: a clear ScenarioError
        for j, age in enumerate(ages_t):
            before = ev.evaluations
            base_stat = ev.baseline[j]
            value, bracket, stat = math.nan, base_value, NAN
            if wins(base_stat):
                value, bracket, stat = base_value, math.nan, base_stat
            elif stop != base_value and wins(ev(lever, stop)[j]):

                def gap(t: float, lever: Lever = lever, j: int = j, base_value: float = base_value, stop: float = stop) -> float:
                    return ev(lever, base_value + t * (stop - base_value))[j].value - thr

                t_lose, t_win = _illinois(gap, base_stat.value - thr, gap(1.0), max_evaluations=int(max_evaluations), tolerance=float(tolerance))
                value = base_value + t_win * (stop - base_value)
                bracket = base_value + t_lose * (stop - base_value)
                stat = ev(lever, value)[j]
            else:
                bracket = stop
                if stop != base_value:
                    stat = ev(lever, stop)[j]
            found = not math.isnan(value)
            rows.append(
                {
                    "lever": lever.name,
                    "parameter": lever.parameter,
                    "unit": lever.unit,
                    "description": lever.description,
                    "criterion": criterion,
                    "threshold": thr,
                    "age": age,
                    "baseline_value": base_value,
                    "stop_value": stop,
                    "found": found,
                    "value": value,
                    "bracket": bracket,
                    "change": value - base_value,
                    "relative_change": (value / base_value - 1.0) if base_value != 0 else math.nan,
                    "statistic_baseline": base_stat.value,
                    "statistic_baseline_se": base_stat.se,
                    "statistic_at_value": stat.value,
                    "statistic_at_value_se": stat.se,
                    "evaluations": ev.evaluations - before,
                    "worlds": worlds,
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Text: how the notebook and the CLI print numbers (one place, so tests can check them)
# ---------------------------------------------------------------------------------------------
MINUS = "\u2212"  # a real minus sign, so that a hyphen in prose is never read as one


def format_usd(x: float) -> str:
    """``$1.23M``, ``$456k``, ``$789``; negative with a minus sign; ``n/a`` for NaN.

    Examples
    --------
    >>> format_usd(1_234_567), format_usd(-45_600), format_usd(12)
    ('$1.23M', '\u2212$46k', '$12')
    """
    x = float(x)
    if math.isnan(x):
        return "n/a"
    sign = MINUS if x < 0 else ""
    a = abs(x)
    if a >= 999_500:
        return f"{sign}${a / 1e6:,.2f}M"
    if a >= 999.5:
        return f"{sign}${a / 1e3:,.0f}k"
    return f"{sign}${a:,.0f}"


def format_share(p: float, *, digits: int = 1) -> str:
    """A probability or share as a percentage, ``77.3%``; ``n/a`` for NaN.

    Examples
    --------
    >>> format_share(0.7731), format_share(0.0)
    ('77.3%', '0.0%')
    """
    p = float(p)
    if math.isnan(p):
        return "n/a"
    text = f"{100 * abs(p):.{digits}f}%"
    return (MINUS + text) if p < 0 and text.strip("0.%") else text


def format_change(relative: float) -> str:
    """A relative change with its sign, ``+34%`` or ``\u221220%``.

    Examples
    --------
    >>> format_change(0.339), format_change(-0.2)
    ('+34%', '\u221220%')
    """
    r = float(relative)
    if math.isnan(r):
        return "n/a"
    text = f"{100 * abs(r):,.0f}%"
    return ("+" if r >= 0 else MINUS) + text


def format_value(value: float, unit: LeverUnit) -> str:
    """A lever's value in its unit: USD, a share, years, or a rate per year.

    Examples
    --------
    >>> format_value(46_610, "usd"), format_value(0.15, "probability"), format_value(5.5, "years"), format_value(0.018, "rate")
    ('$47k a year', '15.0%', '5.5 years', '1.8% a year')
    """
    if unit == "usd":
        return format_usd(value) + " a year"
    if unit == "probability":
        return format_share(value)
    if unit == "years":
        return "n/a" if math.isnan(float(value)) else f"{float(value):.1f} years"
    if unit == "rate":
        return format_share(value) + " a year"
    raise ScenarioError(f"unit = {unit!r}: must be one of usd, probability, years, rate")


def format_estimate(e: Estimate, kind: Literal["usd", "share"] = "share") -> str:
    """``77.3% ± 0.3%`` or ``$1.23M ± $12k`` (the ± is one Monte Carlo standard error)."""
    f = format_usd if kind == "usd" else format_share
    return f"{f(e.value)} ± {f(e.se)}"


# ---------------------------------------------------------------------------------------------
# Everything for `careersim run --out`
# ---------------------------------------------------------------------------------------------
def claim_outputs(
    result: Result,
    *,
    phd: str = "phd",
    industry: str = "residency",
    search: bool | None = None,
    search_ages: Sequence[int] = (45, 65),
    search_worlds: int = 4_096,
) -> dict[str, dict[str, Any]]:
    """Tables and figures of the money claim for ``careersim run --out``.

    Parameters
    ----------
    result
        A simulation with both careers; its recorded seed (``seed_entropy``,
        ``seed_spawn_key``) reproduces its worlds for the rerun and the search.
    phd, industry
        Career ids compared.
    search
        Run :func:`smallest_overturning_changes` (a few seconds); default: only for the
        bundled ``money-much-better`` scenario.
    search_ages, search_worlds
        Ages and worlds per evaluation for the search.

    The claim is checked at years 5 and 6 and ages 35, 45 and 65; ages past the horizon
    give way to the horizon's last age (so ``default``, to age 62, is checked at 62).

    Returns
    -------
    dict
        ``{"tables": {stem: DataFrame}, "figures": {file name: draw}}`` where each ``draw``
        takes a matplotlib Axes, draws into it and returns it. Tables: ``claim``
        (:meth:`MoneyClaim.to_frame`), ``claim_catch_up`` (first age the PhD catches up),
        ``claim_breakthrough`` (:func:`breakthrough_effect`, the same worlds rerun without
        bidding wars) and, with the search, ``claim_overturning``.
    """
    last = int(result.ages[-1])
    within = lambda ages: tuple(a for a in ages if result.ages[0] <= a < last) + (min(max(ages), last),)  # noqa: E731
    ages = within((35, 45, 65))
    claim = money_claim(result, phd=phd, industry=industry, claim_years=[y for y in (5, 6) if y <= result.horizon_years] or [result.horizon_years], ages=ages)
    seed = np.random.SeedSequence(result.seed_entropy, spawn_key=result.seed_spawn_key) if result.seed_entropy is not None else None
    tables: dict[str, pd.DataFrame] = {
        "claim": claim.to_frame(),
        "claim_catch_up": result.compare(phd, industry).catch_up(),
    }
    counterfactual = None
    if seed is not None:
        # the same worlds without bidding wars; careers other than the PhD are copied
        counterfactual = simulate(result.scenario.replace({"phd.breakthrough_probability": 0.0}), worlds=result.worlds, rng=seed, careers=(phd, industry), reuse=result)
        tables["claim_breakthrough"] = breakthrough_effect(result, counterfactual, phd=phd, industry=industry, ages=ages)
    if search is None:
        search = result.scenario.name == "money-much-better"
    if search:
        tables["claim_overturning"] = smallest_overturning_changes(
            result.scenario, ages=within(tuple(search_ages)), phd=phd, industry=industry, worlds=search_worlds, rng=seed
        )
    from . import plotting

    figures: dict[str, Callable[[Axes], Axes]] = {}
    for c in claim.checkpoints:
        figures[f"claim_lead_{c.label.replace(' ', '_')}.png"] = lambda ax, y=c.year: plotting.plot_lead_distribution(result, year=y, phd=phd, industry=industry, ax=ax)
    figures["claim_p_industry_ahead.png"] = lambda ax: plotting.plot_p_industry_ahead(result, phd=phd, industry=industry, claim_years=claim.claim_years, ax=ax)
    figures["claim_catch_up.png"] = lambda ax: plotting.plot_catch_up_distribution(result, phd=phd, industry=industry, ax=ax)
    figures["claim_breakthrough_tail.png"] = lambda ax: plotting.plot_breakthrough_tail(result, counterfactual, phd=phd, industry=industry, ax=ax)
    if "claim_overturning" in tables:
        figures["claim_overturning.png"] = lambda ax: plotting.plot_overturning(tables["claim_overturning"], ax=ax)
    return {"tables": tables, "figures": figures}

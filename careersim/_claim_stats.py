"""The money claim's statistics: how often, and by how much, the industry path is ahead.

Every statistic is about the **paired** difference

    lead = net worth of the industry path - net worth of the PhD path   (same world)

in real dollars of the scenario's ``currency_year``; "industry ahead" means ``lead > 0``.
"Much better" is answered as *how much*: the median lead with its Monte Carlo standard error
and the worlds' 5-95% range, the ratio of the two median net worths, and the chance that the
industry path is ahead by at least a margin (``margin``: a share of the PhD's net worth).
Public names are re-exported by :mod:`careersim.claims`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._format import format_estimate, format_share, format_usd
from ._params import ScenarioError, is_number, is_whole_number, one_or_many
from ._results import Result, check_independent_worlds, mean_with_se, proportion_with_se, quantiles_with_se

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

_QUANTILES = (0.05, 0.25, 0.75, 0.95)
#: the default margin for "much": the industry path ends with at least 1.5 times the PhD's
#: net worth (ahead by half the PhD's net worth or more); a judgement, see docs/money_claim.md
DEFAULT_MARGIN = 0.5


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
    median_ratio
        Industry's median net worth over the PhD's (how many times as much the typical
        industry path has); ``nan`` while the PhD's median is not above zero.
    margin
        The margin of "much": a share of the PhD's net worth.
    p_industry_ahead_by_margin
        P(lead >= margin x |PhD net worth| and lead > 0): industry ahead by at least the margin.
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
    median_ratio: Estimate = NAN
    margin: float = math.nan
    p_industry_ahead_by_margin: Estimate = NAN

    @property
    def lead_range(self) -> tuple[float, float]:
        """The worlds' 5% and 95% quantiles of the lead: where nine worlds in ten fall."""
        return self.lead_quantiles["p5"].value, self.lead_quantiles["p95"].value

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
        within the horizon (by :attr:`horizon_age`).
    median_catch_up_age
        Median age at which the PhD first catches up, among the worlds where it does.
    horizon_age
        The age at the simulation's horizon, by which :attr:`p_never_catches_up` is counted
        (the last checkpoint may be earlier).
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
    horizon_age: int

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


def _ratio_of_medians(num: np.ndarray, den: np.ndarray) -> Estimate:
    """median(num) / median(den) with a delta-method se (the two medians' errors taken as
    independent, which overstates it for paired worlds); nan unless median(den) > 0."""
    (a,), (sa,) = quantiles_with_se(num, [0.5])
    (b,), (sb,) = quantiles_with_se(den, [0.5])
    if not b > 0:
        return NAN
    r = a / b
    return Estimate(float(r), float(abs(r) * math.sqrt((sa / a) ** 2 + (sb / b) ** 2)) if a != 0 else float(sa / b))


def _check_margin(margin: float) -> float:
    if not is_number(margin) or not math.isfinite(float(margin)) or float(margin) < 0:
        raise ScenarioError(f"margin = {margin!r}: must be a number >= 0, a share of the PhD's net worth (0.5: industry ahead by half the PhD's net worth or more)")
    return float(margin)


def ahead_by_margin(phd_nw: np.ndarray, ind_nw: np.ndarray, margin: float) -> np.ndarray:
    """(world,) True where the industry path is ahead by at least ``margin`` x |PhD net worth|."""
    lead = ind_nw - phd_nw
    return (lead > 0) & (lead >= _check_margin(margin) * np.abs(phd_nw))


def _checkpoint(label: str, year: int, age: int, phd_nw: np.ndarray, ind_nw: np.ndarray, breakthrough: np.ndarray, margin: float = DEFAULT_MARGIN) -> Checkpoint:
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
        median_ratio=_ratio_of_medians(ind_nw, phd_nw),
        margin=margin,
        p_industry_ahead_by_margin=_proportion(ahead_by_margin(phd_nw, ind_nw, margin)),
    )


def _whole_numbers(values: Any, what: str, allowed: str) -> tuple[int, ...]:
    """One whole number or a non-empty list of them, as a tuple of ints."""
    listed = one_or_many(values, (int, np.integer))
    if not listed or not all(is_whole_number(v) for v in listed):
        raise ScenarioError(f"{what} = {values!r}: must be a whole number or a non-empty list of them ({allowed})")
    return tuple(int(v) for v in listed)


def check_ages(ages: Any, what: str = "ages") -> tuple[int, ...]:
    """Ages as a tuple of ints: one whole number or a non-empty list of them."""
    return _whole_numbers(ages, what, "ages in years, e.g. (35, 45, 65)")


def _check_pair(result: Result, phd: str, industry: str, name: str = "result") -> tuple[int, int]:
    if not isinstance(result, Result):
        raise ScenarioError(f"{name} = {type(result).__name__}: must be a careersim.Result (from careersim.simulate)")
    check_independent_worlds(result, "the money claim", name)
    if phd == industry:
        raise ScenarioError(f"phd = industry = {phd!r}: compare two different careers")
    return result.index(phd), result.index(industry)


def _check_years(result: Result, years: Sequence[int], what: str) -> tuple[int, ...]:
    out = _whole_numbers(years, what, f"years from 1 to the horizon, {result.horizon_years}")
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
    margin: float = DEFAULT_MARGIN,
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
    margin
        What "much" means: the industry path ahead by at least this share of the PhD's net
        worth (default 0.5, industry ends with 1.5 times as much or more).

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
    margin = _check_margin(margin)
    points = [(f"year {y}", y) for y in years]
    points += [(f"age {a}", result.year_of_age(a)) for a in check_ages(ages)]
    start_age = result.scenario.simulation.start_age
    bt = np.asarray(result.facts["phd_breakthrough"], dtype=bool)
    checkpoints = tuple(
        _checkpoint(label, y, start_age + y, result.net_worth[ip, :, y - 1], result.net_worth[ii, :, y - 1], bt, margin) for label, y in points
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
        horizon_age=start_age + result.horizon_years,
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
    jp, ji = _check_pair(counterfactual, phd, industry, "counterfactual")
    if result.net_worth.shape[1:] != counterfactual.net_worth.shape[1:]:
        raise ScenarioError(f"counterfactual has {counterfactual.worlds} worlds x {counterfactual.horizon_years} years, the result {result.worlds} x {result.horizon_years}: simulate both alike")
    if np.asarray(counterfactual.facts["phd_breakthrough"]).any():
        raise ScenarioError("counterfactual has bidding wars: simulate it with phd.breakthrough_probability = 0")
    if not np.array_equal(result.net_worth[ii], counterfactual.net_worth[ji]):
        raise ScenarioError(f"counterfactual is not the same worlds: the {industry} path differs; simulate both with the same rng and scenario")
    rows = []
    for age in check_ages(ages):
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
# The claim's headline, for the command line (text and JSON)
# ---------------------------------------------------------------------------------------------
def _json(x: float) -> float | None:
    return float(x) if math.isfinite(float(x)) else None


def _est_json(e: Estimate) -> dict[str, float | None]:
    return {"value": _json(e.value), "se": _json(e.se)}


def claim_document(claim: MoneyClaim) -> dict[str, Any]:
    """The claim's headline as plain JSON types: the ``claim`` object of ``careersim run --json``.

    Keys: ``industry, phd, quote, claim_years, margin, holds_at_claim_horizon,
    p_never_catches_up, median_catch_up_age, breakthrough_rate`` and ``checkpoints``, one per
    year or age with ``label, year, age, holds, p_industry_ahead, median_lead, lead_p5,
    lead_p95, mean_lead, median_ratio, p_industry_ahead_by_margin`` (each estimate as
    ``{"value", "se"}``, real USD of the scenario's currency year; ``null`` where undefined).
    """
    points = []
    for c in claim.checkpoints:
        points.append(
            {
                "label": c.label,
                "year": c.year,
                "age": c.age,
                "holds": c.holds,
                "p_industry_ahead": _est_json(c.p_industry_ahead),
                "median_lead": _est_json(c.median_lead),
                "lead_p5": _est_json(c.lead_quantiles["p5"]),
                "lead_p95": _est_json(c.lead_quantiles["p95"]),
                "mean_lead": _est_json(c.mean_lead),
                "median_ratio": _est_json(c.median_ratio),
                "p_industry_ahead_by_margin": _est_json(c.p_industry_ahead_by_margin),
            }
        )
    return {
        "industry": claim.industry,
        "phd": claim.phd,
        "quote": CLAIM["quote"],
        "units": claim.units,
        "claim_years": list(claim.claim_years),
        "margin": claim.checkpoints[0].margin if claim.checkpoints else None,
        "holds_at_claim_horizon": claim.holds_at_claim_horizon,
        "p_never_catches_up": _est_json(claim.p_never_catches_up),
        "median_catch_up_age": _est_json(claim.median_catch_up_age),
        "horizon_age": claim.horizon_age,
        "breakthrough_rate": _est_json(claim.breakthrough_rate),
        "checkpoints": points,
    }


def claim_headline(claim: MoneyClaim) -> str:
    """The claim's headline as plain text lines (what ``careersim run`` prints under the table).

    One line per checkpoint: P(industry ahead) ± se, the median lead ± se with the worlds'
    5-95% range, the ratio of median net worths, and P(ahead by the margin); then the share
    of worlds where the PhD never catches up.
    """
    from ._palette import CAREER_LABELS

    ind, phd = CAREER_LABELS.get(claim.industry, claim.industry), CAREER_LABELS.get(claim.phd, claim.phd)
    margin = claim.checkpoints[0].margin if claim.checkpoints else DEFAULT_MARGIN
    horizon = "-".join(str(y) for y in (min(claim.claim_years), max(claim.claim_years))) if len(set(claim.claim_years)) > 1 else str(claim.claim_years[0])
    lines = [
        f"The money claim: {ind} (the industry path) vs {phd}, paired in the same worlds ({claim.units}; lead = industry minus PhD net worth)",
        f"At the claim's horizon ({horizon} years) the claim {'holds' if claim.holds_at_claim_horizon else 'does not hold'}: "
        f"the industry path is ahead in most worlds{'' if claim.holds_at_claim_horizon else ' only at some claim years'}.",
        f"{'':<8} {'P(industry ahead)':>18} {'median lead':>18} {'5-95% of worlds':>22} {'median ratio':>13} {f'P(ahead by {margin:.0%}+)':>20}",
    ]
    for c in claim.checkpoints:
        lo, hi = c.lead_range
        ratio = "n/a" if math.isnan(c.median_ratio.value) else f"{c.median_ratio.value:.2f}x"
        lines.append(
            f"{c.label + ':':<8} {format_estimate(c.p_industry_ahead):>18} {format_estimate(c.median_lead, 'usd'):>18} "
            f"{format_usd(lo) + ' to ' + format_usd(hi):>22} {ratio:>13} {format_estimate(c.p_industry_ahead_by_margin):>20}"
        )
    lines.append(
        f"The PhD never catches up by age {claim.horizon_age} (the horizon) in {format_estimate(claim.p_never_catches_up)} of worlds; "
        f"a bidding war happens in {format_share(claim.breakthrough_rate.value)} of them. "
        f"Median ratio: industry's median net worth over the PhD's (n/a while the PhD's median is not above zero)."
    )
    return "\n".join(lines)

"""Simulation results: raw arrays plus tidy tables, each estimate with its Monte Carlo error.

Axis order of every per-career array is ``(career, world, year)``; ``year`` 1 is the
first simulated year and values are at its end (net worth) or over it (income). The age
at the end of year ``y`` is ``start_age + y``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ._params import ScenarioError, is_number, is_whole_number, one_or_many
from ._scenario import Scenario
from .careers import STATUS_NAMES

DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_Z95 = 1.959963984540054
Variable = Literal["net_worth", "income", "after_tax_income", "consumption"]

#: how money is valued (a "lens"): net worth at an age, or the present value, at a real discount
#: rate, of the after-tax income or the consumption up to that age
LENSES = ("net_worth", "income_pv", "consumption_pv")
LENS_NAMES = {
    "net_worth": "net worth",
    "income_pv": "present value of after-tax income",
    "consumption_pv": "present value of consumption",
}


def resolve_baseline(scenario: Scenario, careers: Sequence[str], baseline: str | None) -> str:
    """The path others are compared with: ``baseline`` if given (it must be simulated), else the
    scenario's first engineer-kind path if simulated, else the first path simulated."""
    if baseline is None:
        default = scenario.default_baseline()
        return default if default in careers else careers[0]
    if baseline not in careers:
        from ._params import ArgumentError, suggest

        raise ArgumentError(f"baseline = {baseline!r}: not a simulated path{suggest(baseline, careers) if isinstance(baseline, str) else ''}; simulated: {', '.join(careers)}")
    return baseline


def check_lens(lens: str, discount_rate: float) -> tuple[str, float]:
    """A lens name and a real discount rate, or an :class:`ArgumentError` naming what is allowed."""
    from ._params import ArgumentError, short_repr

    if not isinstance(lens, str) or lens not in LENSES:
        raise ArgumentError(f"lens = {short_repr(lens)}: must be one of {', '.join(map(repr, LENSES))}")
    try:
        rate = float(discount_rate) if is_number(discount_rate) else math.nan
    except OverflowError:  # an integer beyond any float
        rate = math.nan
    if not -0.1 <= rate <= 0.5:
        raise ArgumentError(f"discount_rate = {short_repr(discount_rate)}: must be a real rate per year from -0.1 to 0.5 (0.03 = 3%)")
    return lens, rate


def check_quantiles(quantiles: object) -> tuple[float, ...]:
    """``quantiles`` as a tuple of floats, each in [0, 1]; a clear ScenarioError otherwise (a
    single number, text, an empty list, NaN or a value outside [0, 1])."""
    bad = ScenarioError(f"quantiles = {quantiles!r}: must be a non-empty list of numbers between 0 and 1, e.g. [0.05, 0.5, 0.95]")
    if isinstance(quantiles, (str, bytes, dict)) or not hasattr(quantiles, "__iter__"):
        raise bad
    out = []
    for q in quantiles:
        if not is_number(q) or not 0.0 <= float(q) <= 1.0:
            raise bad
        out.append(float(q))
    if not out:
        raise bad
    return tuple(out)


def quantile_label(q: float) -> str:
    return f"p{100 * q:g}"


def _clustered_var_of_mean(x: np.ndarray, groups: int) -> np.ndarray:
    """Variance of the mean over axis 0 when runs of ``groups`` consecutive worlds share a draw
    of the assumptions (a nested design): the cluster-robust (sandwich) estimator,
    ``G / (G - 1) sum_g (S_g - n_g mean)^2 / n^2`` over the G groups' sums ``S_g``."""
    n = x.shape[0]
    starts = np.arange(0, n, groups)
    G = len(starts)
    if G < 2:
        return np.full(x.shape[1:], np.nan)
    sums = np.add.reduceat(x, starts, axis=0)
    sizes = np.diff(np.r_[starts, n]).reshape((-1,) + (1,) * (x.ndim - 1))
    mean = x.mean(axis=0)
    return G / (G - 1) * ((sums - sizes * mean) ** 2).sum(axis=0) / n**2


def _check_groups(groups: int) -> int:
    if not is_whole_number(groups) or not 1 <= groups:
        raise ScenarioError(f"groups = {groups!r}: must be a whole number >= 1 (worlds sharing one draw of the assumptions)")
    return int(groups)


def check_independent_worlds(result: "Result", what: str, name: str = "result") -> None:
    """Refuse a result whose worlds share their assumptions in groups (``simulate(...,
    group_worlds=...)``) for an analysis whose standard errors treat every world as independent."""
    g = getattr(result, "group_worlds", 1)
    if g > 1:
        raise ScenarioError(f"{name}: its worlds share their assumptions in runs of {g} (simulate(..., group_worlds={g})), "
                            f"and {what} counts every world as independent, so its standard errors would be too small; "
                            f"simulate with group_worlds=1 (the default) for it")


def quantiles_with_se(x: np.ndarray, quantiles: Sequence[float], axis: int = 0, *, groups: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Sample quantiles along ``axis`` and their Monte Carlo standard errors.

    The standard error comes from the distribution-free order-statistic interval: the
    95% interval of the ``q``-quantile runs between the order statistics at
    ``n q -/+ 1.96 sqrt(n q (1 - q))``, and se = its width / (2 x 1.96). With ``groups`` > 1
    (runs of that many worlds share their assumptions, so they are not independent) it is
    widened by the design effect at the quantile: the clustered variance of the share of
    worlds below it over the binomial one.

    Returns
    -------
    values, se
        Arrays with the ``axis`` dimension replaced by one of length ``len(quantiles)``
        (moved to the front).
    """
    xs = np.sort(np.moveaxis(np.asarray(x, dtype=float), axis, 0), axis=0)
    n = xs.shape[0]
    qs = np.asarray(quantiles, dtype=float)
    values = np.quantile(xs, qs, axis=0)
    half = _Z95 * np.sqrt(n * qs * (1.0 - qs))
    lo = np.clip(np.floor(n * qs - half).astype(int), 0, n - 1)
    hi = np.clip(np.ceil(n * qs + half).astype(int), 0, n - 1)
    se = (xs[hi] - xs[lo]) / (2.0 * _Z95)
    if _check_groups(groups) > 1:
        x0 = np.moveaxis(np.asarray(x, dtype=float), axis, 0)  # world order: the groups are runs
        for i in range(len(qs)):
            below = (x0 <= values[i][None]).astype(float)
            p = below.mean(axis=0)
            binomial = p * (1.0 - p) / n
            deff = np.where(binomial > 0, _clustered_var_of_mean(below, groups) / np.where(binomial > 0, binomial, 1.0), 1.0)
            se[i] = se[i] * np.sqrt(np.maximum(deff, 0.0))
    return values, se


def mean_with_se(x: np.ndarray, axis: int = 0, *, groups: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Mean along ``axis`` and its standard error, sd / sqrt(n); with ``groups`` > 1 (runs of
    that many worlds share their assumptions) the cluster-robust one."""
    n = x.shape[axis]
    mean = x.mean(axis=axis)
    if _check_groups(groups) > 1:
        return mean, np.sqrt(_clustered_var_of_mean(np.moveaxis(np.asarray(x, dtype=float), axis, 0), groups))
    se = x.std(axis=axis, ddof=1) / np.sqrt(n) if n > 1 else np.full_like(mean, np.nan)
    return mean, se


def proportion_with_se(mask: np.ndarray, axis: int = 0, *, groups: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Share of True along ``axis`` and its binomial standard error; with ``groups`` > 1 (runs of
    that many worlds share their assumptions) the cluster-robust one."""
    n = mask.shape[axis]
    p = mask.mean(axis=axis)
    if _check_groups(groups) > 1:
        return p, np.sqrt(_clustered_var_of_mean(np.moveaxis(np.asarray(mask, dtype=float), axis, 0), groups))
    return p, np.sqrt(p * (1.0 - p) / n)


def p_best_with_se(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(career, world)`` values: the share of worlds in which each career has the highest value,
    a tie shared between the tied careers (each of k is best in 1/k of that world, so the shares
    sum to 1; counting a tie for the first listed favoured it), and its standard error."""
    top = values == values.max(axis=0)[None, :]
    return mean_with_se(top / top.sum(axis=0)[None, :], axis=1)


class YearAxis:
    """Year numbers, ages and units of a result with a ``scenario`` and a ``horizon_years``."""

    scenario: Scenario
    horizon_years: int

    @property
    def uncertainty(self) -> str:
        """What the intervals and probabilities of this result contain, in words (for headings)."""
        if getattr(self, "assumptions", "fixed") == "uncertain":
            n = len(self.scenario.active_priors())
            return f"spread over luck (market, regime, person) and {n} uncertain assumptions drawn from their priors; \u00b1 is Monte Carlo error"
        return "spread over luck (market, regime, person) with every assumption fixed at its value; \u00b1 is Monte Carlo error"

    @property
    def years(self) -> np.ndarray:
        """Year numbers 1..horizon."""
        return np.arange(1, self.horizon_years + 1)

    @property
    def ages(self) -> np.ndarray:
        """Age at the end of each year."""
        return self.scenario.simulation.start_age + self.years

    @property
    def units(self) -> str:
        return f"real {self.scenario.simulation.currency_year} US dollars"

    @property
    def net_worth_basis(self) -> str:
        """Which net worth the result holds: ``"after-tax"`` or ``"pre-tax"`` (the
        scenario's ``finances.net_worth``)."""
        return self.scenario.finances.net_worth


def summary_frame(axis: YearAxis, careers: Sequence[str], variable: str, mean: np.ndarray, mean_se: np.ndarray,
                  q: np.ndarray, q_se: np.ndarray, quantiles: Sequence[float]) -> pd.DataFrame:
    """The tidy summary table from ``(career, year)`` means and ``(quantile, career, year)``
    quantiles with their standard errors (shared by Result and SummaryResult)."""
    frames = []
    for ci, career in enumerate(careers):
        base = {"career": career, "year": axis.years, "age": axis.ages, "variable": variable}
        frames.append(pd.DataFrame({**base, "statistic": "mean", "value": mean[ci], "se": mean_se[ci]}))
        for qi, qq in enumerate(quantiles):
            frames.append(pd.DataFrame({**base, "statistic": quantile_label(qq), "value": q[qi, ci], "se": q_se[qi, ci]}))
    return pd.concat(frames, ignore_index=True)


def horizon_frame(careers: Sequence[str], q: np.ndarray, mean: np.ndarray, mean_se: np.ndarray, *,
                  baseline: str, p_ahead: np.ndarray | None, worlds: int, p_ahead_se: np.ndarray | None = None) -> pd.DataFrame:
    """One row per career from ``(quantile, career)`` values at one year, the mean and its
    se, and P(ahead of ``baseline``) per career (None: no baseline column) with its se
    (default: binomial over ``worlds``)."""
    table = pd.DataFrame({quantile_label(qq): q[i] for i, qq in enumerate(DEFAULT_QUANTILES)}, index=pd.Index(careers, name="career"))
    table["mean"] = mean
    table["mean_se"] = mean_se
    if p_ahead is not None:
        table[f"p_ahead_of_{baseline}"] = p_ahead
        table[f"p_ahead_of_{baseline}_se"] = np.sqrt(p_ahead * (1.0 - p_ahead) / worlds) if p_ahead_se is None else p_ahead_se
    return table


@dataclasses.dataclass(frozen=True)
class Comparison:
    """Paired comparison of career ``a`` against career ``b`` in the same worlds.

    Attributes
    ----------
    difference
        ``(world, year)`` net worth of ``a`` minus ``b``, real USD.
    catch_up_year
        ``(world,)`` first year in which ``a``'s net worth is at least ``b``'s;
        0 where it never is within the horizon.
    group_worlds
        Runs of this many worlds share their assumptions (:attr:`Result.group_worlds`); the
        standard errors count them as such.
    """

    a: str
    b: str
    start_age: int
    difference: np.ndarray
    catch_up_year: np.ndarray
    group_worlds: int = 1

    @property
    def years(self) -> np.ndarray:
        return np.arange(1, self.difference.shape[1] + 1)

    @property
    def p_a_ahead(self) -> np.ndarray:
        """P(a's net worth > b's) per year."""
        return (self.difference > 0).mean(axis=0)

    def summary(self, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
        """Tidy table per year: P(a ahead), P(b ahead), P(tie), mean and quantiles of the
        difference, each with its Monte Carlo standard error.

        Returns
        -------
        DataFrame
            Columns ``a, b, year, age, statistic, value, se``.
        """
        quantiles = check_quantiles(quantiles)
        d = self.difference
        rows = {}
        g = self.group_worlds
        for name, mask in (("p_a_ahead", d > 0), ("p_b_ahead", d < 0), ("p_tie", d == 0)):
            rows[name] = proportion_with_se(mask, groups=g)
        rows["mean_difference"] = mean_with_se(d, groups=g)
        values, se = quantiles_with_se(d, quantiles, groups=g)
        for i, q in enumerate(quantiles):
            rows[f"{quantile_label(q)}_difference"] = (values[i], se[i])
        frames = [
            pd.DataFrame({"a": self.a, "b": self.b, "year": self.years, "age": self.start_age + self.years, "statistic": name, "value": v, "se": s})
            for name, (v, s) in rows.items()
        ]
        return pd.concat(frames, ignore_index=True)

    def catch_up(self) -> pd.DataFrame:
        """Distribution of the first year ``a`` catches up with ``b``.

        Returns
        -------
        DataFrame
            One row per year (``never`` False) plus one row for "never within the
            horizon" (``year`` missing, ``never`` True); columns ``year, age, never,
            probability, se``.
        """
        n = len(self.catch_up_year)
        T = self.difference.shape[1]
        counts = np.bincount(self.catch_up_year, minlength=T + 1)
        p = counts / n
        se = np.sqrt(p * (1 - p) / n)
        if self.group_worlds > 1:
            _, se = proportion_with_se(self.catch_up_year[:, None] == np.arange(T + 1)[None], groups=self.group_worlds)
        years = pd.array(list(range(1, T + 1)) + [None], dtype="Int64")
        return pd.DataFrame(
            {
                "year": years,
                "age": years + self.start_age,
                "never": [False] * T + [True],
                "probability": np.r_[p[1:], p[0]],
                "se": np.r_[se[1:], se[0]],
            }
        )

    @property
    def p_never_catches_up(self) -> float:
        return float((self.catch_up_year == 0).mean())


def start_price_factor(scenario: Scenario) -> float:
    """Price level at the start of year 1, in units of the currency year's dollars.

    A run under the historical market model starts on 1 January of
    ``market.history_start_year`` and replays that year's inflation onwards, so its first year's
    prices are those of that year, not of ``simulation.currency_year`` (the money-much-better
    scenario starts in 2016 with 2025 dollars: a 2016 dollar bought about a third more). The
    factor is the bundled CPI at that date over the currency year's mid-year level
    (:func:`careersim.calibration.price_level`, the same convention as the pay defaults). The other models start at the currency year's
    prices: 1.
    """
    m, sim = scenario.market, scenario.simulation
    if m.model != "historical":
        return 1.0
    from ._market import cpi_level

    try:
        return cpi_level(float(m.history_start_year)) / cpi_level(sim.currency_year + 0.5)
    except ValueError:
        raise ScenarioError(f"simulation.currency_year = {sim.currency_year}: nominal dollars need the CPI of that year, which the bundled data has "
                            f"from 1928 on; choose a currency year from 1928") from None


@dataclasses.dataclass(frozen=True)
class Result(YearAxis):
    """Outcome of :func:`careersim.simulate`.

    Attributes
    ----------
    scenario
        The scenario simulated.
    careers
        Career ids, in the order of the first axis of the arrays.
    net_worth
        ``(career, world, year)`` net worth at the end of each year, real USD.
    income
        ``(career, world, year)`` gross income over each year, real USD.
    status
        ``(career, world, year)`` int8 status codes, see :data:`STATUS_NAMES`.
    real_return, bond_real_return, inflation, bust
        ``(world, year)`` the stock and bond funds' real returns, CPI inflation and the bust flag.
    facts
        ``(world,)`` arrays about each world's person and PhD: ``ability``,
        ``advisor_quality``, ``phd_funding`` (0 fellowship, 1 advisor grant, 2 TA),
        ``phd_years``, ``phd_attrited``, ``phd_breakthrough``.
    seed_entropy, seed_spawn_key
        The root SeedSequence: ``simulate(..., rng=np.random.SeedSequence(seed_entropy,
        spawn_key=seed_spawn_key))`` reproduces the run.
    after_tax_income, consumption
        ``(career, world, year)`` gross income less the year's taxes, and spending, real USD
        (for the valuation lenses; None in results made without them).
    assumptions
        ``"fixed"`` or ``"uncertain"``: whether the assumptions with a prior were drawn per world.
    assumption_values
        With ``"uncertain"``: each uncertain key's ``(world,)`` values (empty when fixed).
    group_worlds
        How many consecutive worlds share one draw of the assumptions (``simulate(...,
        group_worlds=...)``; 1: every world its own). Such worlds are not independent: the
        result's own standard errors (:meth:`summary`, :meth:`horizon_table`, :meth:`compare`)
        are clustered by group, and the analyses that assume independent worlds refuse it.
    """

    scenario: Scenario
    careers: tuple[str, ...]
    net_worth: np.ndarray
    income: np.ndarray
    status: np.ndarray
    real_return: np.ndarray
    inflation: np.ndarray
    bust: np.ndarray
    facts: dict[str, np.ndarray]
    bond_real_return: np.ndarray | None = None
    seed_entropy: int | Sequence[int] | None = None
    seed_spawn_key: tuple[int, ...] = ()
    after_tax_income: np.ndarray | None = None
    consumption: np.ndarray | None = None
    assumptions: str = "fixed"
    assumption_values: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    group_worlds: int = 1

    # -- shape helpers ---------------------------------------------------------------------
    @property
    def worlds(self) -> int:
        return self.net_worth.shape[1]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The career kind of each path, in the order of :attr:`careers`."""
        return tuple(self.scenario.path(c).kind for c in self.careers)

    @property
    def horizon_years(self) -> int:  # type: ignore[override]
        return self.net_worth.shape[2]

    def index(self, career: str) -> int:
        """Position of ``career`` on the first axis."""
        if career not in self.careers:
            raise ScenarioError(f"career {career!r} was not simulated; simulated: {', '.join(self.careers)}")
        return self.careers.index(career)

    def year_of_age(self, age: int) -> int:
        """The year (1-based) at whose end the person is ``age``."""
        if not is_whole_number(age):
            raise ScenarioError(f"age = {age!r}: must be a whole number of years, between {self.ages[0]} and {self.ages[-1]} for this result")
        year = int(age) - self.scenario.simulation.start_age
        if not 1 <= year <= self.horizon_years:
            raise ScenarioError(f"age = {age!r}: must be between {self.ages[0]} and {self.ages[-1]} for this result")
        return year

    def price_level(self) -> np.ndarray:
        """``(world, year)`` CPI at the end of each year, relative to the price level of the
        scenario's currency-year dollars (:func:`start_price_factor` times each world's inflation
        since the start)."""
        return start_price_factor(self.scenario) * np.cumprod(1.0 + self.inflation, axis=1)

    def values(self, variable: Variable = "net_worth", *, dollars: Literal["real", "nominal"] = "real") -> np.ndarray:
        """``(career, world, year)`` values of a money variable, in real or nominal dollars."""
        if variable not in ("net_worth", "income", "after_tax_income", "consumption"):
            raise ScenarioError(f"variable = {variable!r}: must be 'net_worth', 'income', 'after_tax_income' or 'consumption'")
        x = getattr(self, variable)
        if x is None:
            raise ScenarioError(f"variable = {variable!r}: this result has no such paths (made by an older careersim or by hand); simulate again")
        if dollars == "nominal":
            return x * self.price_level()[None]
        if dollars != "real":
            raise ScenarioError(f"dollars = {dollars!r}: must be 'real' or 'nominal'")
        return x

    # -- tables --------------------------------------------------------------------------------
    def summary(self, variable: Variable = "net_worth", *, quantiles: Sequence[float] = DEFAULT_QUANTILES, dollars: Literal["real", "nominal"] = "real",
                lens: str | None = None, discount_rate: float = 0.0) -> pd.DataFrame:
        """Tidy per career and year: mean and quantiles, each with its Monte Carlo standard error.

        With ``lens`` (``"net_worth"``, ``"income_pv"``, ``"consumption_pv"``; see
        :meth:`lens_paths`) the values are money through that lens at ``discount_rate`` instead of
        ``variable`` (real dollars), and ``variable`` in the table is the lens's name.

        Returns
        -------
        DataFrame
            Columns ``career, year, age, variable, statistic, value, se``; ``statistic``
            is ``mean`` or ``p5``, ``p25``, ... for the requested quantiles.

        Examples
        --------
        >>> import careersim
        >>> r = careersim.simulate(worlds=2_000, rng=0)
        >>> s = r.summary()
        >>> sorted(s.statistic.unique())
        ['mean', 'p25', 'p5', 'p50', 'p75', 'p95']
        """
        quantiles = check_quantiles(quantiles)
        if lens is not None:
            if dollars != "real":
                raise ScenarioError(f"dollars = {dollars!r}: a lens values money in real dollars; leave dollars='real' with lens = {lens!r}")
            x, variable = self.lens_paths(lens, discount_rate=discount_rate), lens
        else:
            x = self.values(variable, dollars=dollars)
        mean, mean_se = mean_with_se(x, axis=1, groups=self.group_worlds)
        q, q_se = quantiles_with_se(x, quantiles, axis=1, groups=self.group_worlds)  # (quantile, career, year)
        return summary_frame(self, self.careers, variable, mean, mean_se, q, q_se, quantiles)

    def lens_paths(self, lens: str = "net_worth", *, discount_rate: float = 0.0) -> np.ndarray:
        """``(career, world, year)`` money valued through a lens, at the end of each year.

        ``net_worth`` is net worth; ``income_pv`` and ``consumption_pv`` are the present value,
        at the start of year 1, of the after-tax income (gross income less the year's taxes) or
        of the consumption received up to that year, each year's flow discounted from its middle
        at the real ``discount_rate``: ``sum_t x_t / (1 + r) ** (t - 0.5)``. At a zero rate it
        is the plain sum.
        """
        lens, r = check_lens(lens, discount_rate)
        if lens == "net_worth":
            return self.net_worth
        flows = self.after_tax_income if lens == "income_pv" else self.consumption
        if flows is None:
            raise ScenarioError(f"lens = {lens!r}: this result has no after-tax income and consumption paths (made by an older careersim or by hand); simulate again")
        factor = (1.0 + r) ** -(np.arange(1, self.horizon_years + 1) - 0.5)
        return np.cumsum(flows * factor, axis=2)

    def lens_values(self, lens: str = "net_worth", *, age: int | None = None, discount_rate: float = 0.0) -> np.ndarray:
        """``(career, world)`` money through a lens at ``age`` (default: the horizon); see :meth:`lens_paths`."""
        year = self.horizon_years if age is None else self.year_of_age(age)
        return self.lens_paths(lens, discount_rate=discount_rate)[:, :, year - 1]

    def compare(self, a: str, b: str, *, lens: str = "net_worth", discount_rate: float = 0.0) -> Comparison:
        """Paired difference, ``a`` minus ``b``, world by world, of money valued through ``lens``
        (see :meth:`lens_paths`; default: net worth).

        Examples
        --------
        >>> import careersim
        >>> r = careersim.simulate(worlds=2_000, rng=0)
        >>> c = r.compare("phd", "engineer")
        >>> c.difference.shape
        (2000, 40)
        >>> r.compare("phd", "engineer", lens="income_pv", discount_rate=0.03).difference.shape
        (2000, 40)
        """
        x = self.lens_paths(lens, discount_rate=discount_rate)
        d = x[self.index(a)] - x[self.index(b)]
        caught = d >= 0
        first = np.where(caught.any(axis=1), caught.argmax(axis=1) + 1, 0)
        return Comparison(a=a, b=b, start_age=self.scenario.simulation.start_age, difference=d, catch_up_year=first, group_worlds=self.group_worlds)

    def horizon_table(self, *, baseline: str | None = None, year: int | None = None, lens: str = "net_worth", discount_rate: float = 0.0) -> pd.DataFrame:
        """One row per path: money through ``lens`` (default: net worth; see :meth:`lens_paths`)
        at ``year`` (default: the horizon) with p5, p25, p50, p75, p95, mean and mean_se, and
        P(ahead of ``baseline``) with its se (default baseline: the first engineer-kind path, else
        the first path; the column is ``p_ahead_of_<baseline>``)."""
        baseline = resolve_baseline(self.scenario, self.careers, baseline)
        if year is not None and not is_whole_number(year):
            raise ScenarioError(f"year = {year!r}: must be a whole number between 1 and {self.horizon_years} (or None: the horizon)")
        year = self.horizon_years if year is None else int(year)
        if not 1 <= year <= self.horizon_years:
            raise ScenarioError(f"year = {year!r}: must be between 1 and {self.horizon_years}")
        x = self.lens_paths(lens, discount_rate=discount_rate)[:, :, year - 1]
        q = np.quantile(x, DEFAULT_QUANTILES, axis=1)
        mean, se = mean_with_se(x, axis=1, groups=self.group_worlds)
        p, p_se = proportion_with_se(x > x[self.index(baseline)][None], axis=1, groups=self.group_worlds)
        return horizon_frame(self.careers, q, mean, se, baseline=baseline, p_ahead=p, worlds=self.worlds, p_ahead_se=p_se)

    def status_shares(self) -> pd.DataFrame:
        """Tidy share of worlds in each status, per career and year (with binomial se)."""
        frames = []
        for ci, career in enumerate(self.careers):
            for code, name in STATUS_NAMES.items():
                p, se = proportion_with_se(self.status[ci] == code)
                frames.append(pd.DataFrame({"career": career, "year": self.years, "age": self.ages, "status": name, "share": p, "se": se}))
        return pd.concat(frames, ignore_index=True)

    def to_frame(self, variables: Sequence[str] = ("net_worth", "income", "status")) -> pd.DataFrame:
        """Every value in long format: columns ``career, world, year, variable, value``
        (``variables``: one name or a list of them)."""
        listed = one_or_many(variables, str)
        if not listed:
            raise ScenarioError(f"variables = {variables!r}: give one or a list of net_worth, income, status")
        variables = listed
        C, W, T = self.net_worth.shape
        frames = []
        for v in variables:
            if v not in ("net_worth", "income", "status"):
                raise ScenarioError(f"variable {v!r}: must be one of net_worth, income, status")
            frames.append(
                pd.DataFrame(
                    {
                        "career": pd.Categorical.from_codes(np.repeat(np.arange(C), W * T), categories=list(self.careers)),
                        "world": np.tile(np.repeat(np.arange(W), T), C),
                        "year": np.tile(np.arange(1, T + 1), C * W),
                        "variable": v,
                        "value": getattr(self, v).reshape(-1).astype(float),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

"""Where the spread comes from, and which unknown is worth learning before deciding.

With ``assumptions="uncertain"`` (:func:`careersim.simulate`) a world draws its assumptions
from their priors as well as its luck. This module splits what follows:

* :func:`variance_breakdown`: how much of the variance of a paired difference between two
  careers (and of the decision "a is ahead of b") comes from the assumptions and how much
  from luck (the market, the regime, layoffs, the person), by a **nested design**: groups of
  worlds share one draw of the assumptions, and a one-way random-effects analysis of variance
  (between and within groups) separates the two, with a bootstrap over groups for the error.
  Each assumption is then ranked by its **first-order Sobol index** (the share of the variance
  its value alone explains), estimated from per-world draws with RBD-FAST (SALib,
  Tarantola et al. 2006, Plischke 2010), with SALib's bootstrap interval.
* :func:`value_of_information`: the **expected value of perfect information** (EVPI) about all
  the assumptions, and of partial perfect information (EVPPI) about each one, for the choice
  between careers, in dollars of certainty-equivalent net worth (CRRA, as in
  :func:`careersim.decision.crra_certainty_equivalent`). EVPI is the gain from choosing the
  career *after* learning the assumptions instead of before. The overall value comes from the
  nested design (the group means are each assumption draw's expected utilities, with a
  split-half correction for their noise); each assumption's from a regression of each
  career's utility on that assumption alone (Strong, Oakley & Brennan 2014; here a cubic in
  the assumption's quantile), with a bootstrap over worlds for the error.

Both read net worth at an age (default: the horizon) after tax, as the scenario reports it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._draws import root_seed_sequence
from ._engine import check_careers, simulate
from ._params import ArgumentError, ScenarioError, short_repr
from ._scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: bootstrap resamples for the standard errors
BOOTSTRAP = 200
#: shuffles of an assumption's quantiles that measure the EVPPI fit's bias from noise alone
NULL_SHUFFLES = 8


def _scenario(scenario: Scenario | None) -> Scenario:
    if scenario is None:
        from ._scenario_io import load_scenario

        return load_scenario("default")
    if not isinstance(scenario, Scenario):
        raise ArgumentError(f"scenario = {short_repr(scenario)}: must be a careersim.Scenario")
    return scenario


def _year(scenario: Scenario, age: int | None) -> int:
    sim = scenario.simulation
    if age is None:
        return sim.horizon_years
    if isinstance(age, bool) or not isinstance(age, (int, np.integer)) or not sim.start_age + 1 <= age <= sim.start_age + sim.horizon_years:
        raise ArgumentError(f"age = {short_repr(age)}: must be a whole number from {sim.start_age + 1} to {sim.start_age + sim.horizon_years} for this scenario")
    return int(age) - sim.start_age


def _whole(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ArgumentError(f"{name} = {short_repr(value)}: must be a whole number >= {low}")
    return int(value)


def _child(root: np.random.SeedSequence, k: int) -> np.random.SeedSequence:
    """A reproducible child stream of the run's seed (never the worlds' own streams)."""
    return np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (1_000_000 + k,))


def _needs_priors(scenario: Scenario) -> dict:
    priors = scenario.active_priors()
    if not priors:
        raise ScenarioError("the scenario has no uncertain assumptions: every prior is switched off (see docs/scenarios.md, [priors])")
    return priors


# ---------------------------------------------------------------------------------------------
# where the spread comes from
# ---------------------------------------------------------------------------------------------
def random_effects_share(y: np.ndarray) -> float:
    """Share of the variance of ``y`` ``(group, world)`` that lies between groups: the one-way
    random-effects estimate ``s_b / (s_b + s_w)`` with ``s_b = (MSB - MSW) / m`` (floored at 0)."""
    k, m = y.shape
    msw = float(y.var(axis=1, ddof=1).mean())
    msb = float(m * y.mean(axis=1).var(ddof=1))
    between = max((msb - msw) / m, 0.0)
    total = between + msw
    return between / total if total > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class VarianceBreakdown:
    """Result of :func:`variance_breakdown`.

    Attributes
    ----------
    shares
        One row per quantity (``difference``: net worth of ``a`` minus ``b``; ``a_ahead``: the
        decision, 1 where ``a`` is ahead): ``assumptions_share``, ``luck_share`` and their
        bootstrap standard error ``share_se``.
    ranking
        One row per quantity and assumption: ``first_order`` (Sobol S1, the share of the
        variance that assumption's value alone explains) and ``first_order_ci`` (95% half-width),
        sorted by importance.
    """

    a: str
    b: str
    age: int
    groups: int
    group_worlds: int
    ranking_worlds: int
    shares: pd.DataFrame
    ranking: pd.DataFrame

    def plot(self, ax: Axes | None = None, *, quantity: str = "difference", top: int = 8) -> Axes:
        """Bar chart of the assumptions' first-order shares, with the total assumption and luck
        shares in the title."""
        from .plotting import plot_variance_breakdown

        return plot_variance_breakdown(self, ax=ax, quantity=quantity, top=top)


def variance_breakdown(
    scenario: Scenario | None = None,
    a: str = "engineer",
    b: str = "phd",
    *,
    age: int | None = None,
    groups: int = 256,
    group_worlds: int = 128,
    ranking_worlds: int = 32_768,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    workers: int | None = 1,
) -> VarianceBreakdown:
    """How much of the spread of ``a`` minus ``b`` comes from the assumptions, how much from luck,
    and which assumptions matter most.

    Parameters
    ----------
    scenario
        The scenario (None: ``default``); its active priors are the uncertain assumptions.
    a, b
        The two careers compared.
    age
        Age at which net worth is compared (default: the horizon).
    groups, group_worlds
        The nested design: ``groups`` draws of the assumptions, each lived in ``group_worlds``
        worlds (a power of two up to 2048).
    ranking_worlds
        Worlds, each with its own assumption draw, for the per-assumption ranking.
    rng
        Seed of the whole analysis (reproducible).
    workers
        Worker processes for the simulations.

    Returns
    -------
    VarianceBreakdown

    Examples
    --------
    >>> import careersim
    >>> from careersim.uncertainty import variance_breakdown
    >>> v = variance_breakdown(groups=16, group_worlds=64, ranking_worlds=2048, rng=1)
    >>> sorted(v.shares.quantity)
    ['a_ahead', 'difference']
    """
    scenario = _scenario(scenario)
    careers = check_careers((a, b), scenario.path_names())
    year = _year(scenario, age)
    groups = _whole("groups", groups, 4)
    group_worlds = _whole("group_worlds", group_worlds, 2)  # luck is the spread within a group: two worlds at least
    ranking_worlds = _whole("ranking_worlds", ranking_worlds, 256)
    priors = _needs_priors(scenario)
    root = root_seed_sequence(rng)
    nested = simulate(scenario, worlds=groups * group_worlds, rng=_child(root, 0), careers=careers, assumptions="uncertain",
                      group_worlds=group_worlds, workers=workers)
    d = (nested.net_worth[0, :, year - 1] - nested.net_worth[1, :, year - 1]).reshape(groups, group_worlds)
    boot = np.random.default_rng(_child(root, 1))
    rows = []
    for quantity, y in (("difference", d), ("a_ahead", (d > 0).astype(float))):
        share = random_effects_share(y)
        reps = [random_effects_share(y[boot.integers(0, groups, groups)]) for _ in range(BOOTSTRAP)]
        rows.append({"quantity": quantity, "assumptions_share": share, "luck_share": 1.0 - share, "share_se": float(np.std(reps, ddof=1))})
    shares = pd.DataFrame(rows)

    per_world = simulate(scenario, worlds=ranking_worlds, rng=_child(root, 2), careers=careers, assumptions="uncertain", workers=workers)
    keys = [k for k in priors if np.ptp(per_world.assumption_values[k]) > 0]
    x = np.column_stack([per_world.assumption_values[k] for k in keys]) if keys else np.empty((ranking_worlds, 0))
    dw = per_world.net_worth[0, :, year - 1] - per_world.net_worth[1, :, year - 1]
    ranking_rows = []
    if keys:
        from SALib.analyze import rbd_fast

        problem = {"num_vars": len(keys), "names": keys, "bounds": [[float(x[:, i].min()), float(x[:, i].max())] for i in range(len(keys))]}
        for quantity, y in (("difference", dw), ("a_ahead", (dw > 0).astype(float))):
            if np.ptp(y) == 0:
                continue
            with np.errstate(invalid="ignore", divide="ignore"):  # a bootstrap resample of a rare event can have no variance
                si = rbd_fast.analyze(problem, x, y, seed=int(_child(root, 3).generate_state(1)[0]))
            for i, key in enumerate(keys):
                ranking_rows.append({"quantity": quantity, "assumption": key, "first_order": float(si["S1"][i]), "first_order_ci": float(si["S1_conf"][i])})
    ranking = pd.DataFrame(ranking_rows, columns=["quantity", "assumption", "first_order", "first_order_ci"])
    ranking = ranking.sort_values(["quantity", "first_order"], ascending=[False, False], ignore_index=True)
    return VarianceBreakdown(a=a, b=b, age=scenario.simulation.start_age + year, groups=groups, group_worlds=group_worlds,
                             ranking_worlds=ranking_worlds, shares=shares, ranking=ranking)


# ---------------------------------------------------------------------------------------------
# value of information
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Utility:
    """CRRA utility of net worth with the decision layer's wealth floor, scaled to be well
    conditioned; ``ce`` maps an expected utility back to dollars.

    For a risk aversion g other than 0 and 1 the utility is ``exp((1 - g) ln z - m) / (1 - g)``
    for z = (net worth + floor) / $1M: CRRA up to a positive factor ``exp(-m)`` and without
    the textbook's ``- 1`` (neither changes a comparison or a certainty equivalent). With
    ``m`` the largest ``(1 - g) ln z`` of the outcomes (:meth:`for_outcomes`) no power
    overflows, the worst outcome's is 1 (so not every one underflows), and nothing is
    subtracted that ``ce`` must add back: with the ``- 1``, a strong risk aversion's expected utility was 1 / (g - 1) less a
    remainder smaller than its rounding, and the certainty equivalent came out as minus the
    floor (a negative value of information).
    """

    risk_aversion: float
    wealth_floor_usd: float
    scale: float = 1e6
    log_shift: float = 0.0

    def _x(self, w: np.ndarray) -> np.ndarray:
        from ._decision_risk import _shifted

        return _shifted(w, self.wealth_floor_usd)[0]

    def _power(self) -> bool:
        g = self.risk_aversion
        return g != 0.0 and abs(g - 1.0) >= 1e-12

    def for_outcomes(self, *net_worths: np.ndarray) -> _Utility:
        """This utility, scaled for these outcomes (``m``, above)."""
        if not self._power():
            return self
        top = max(float(np.max((1.0 - self.risk_aversion) * np.log(self._x(w) / self.scale))) for w in net_worths)
        return dataclasses.replace(self, log_shift=top)

    def __call__(self, w: np.ndarray) -> np.ndarray:
        g = self.risk_aversion
        if g == 0.0:  # linear: defined at any wealth, so nothing is clipped (the mean, debts and all)
            return np.asarray(w, dtype=float) / self.scale
        z = self._x(w) / self.scale
        if not self._power():
            return np.log(z)
        return np.exp((1.0 - g) * np.log(z) - self.log_shift) / (1.0 - g)

    def ce(self, u: float) -> float:
        g = self.risk_aversion
        if g == 0.0:
            return u * self.scale
        if not self._power():
            z = math.exp(u)
        else:  # E[z**(1 - g)] = exp(m) (1 - g) u
            inner = (1.0 - g) * u
            z = math.exp((self.log_shift + math.log(inner)) / (1.0 - g)) if inner > 0 else 0.0
        return z * self.scale - self.wealth_floor_usd


def _tidy(usd: float) -> float:
    """A value of information in dollars, with float dust below a cent shown as 0."""
    return 0.0 if abs(usd) < 0.01 else usd


def evpi_from_expected_utilities(u_info: np.ndarray) -> float:
    """``E_theta[max_c U_c(theta)] - max_c E_theta[U_c(theta)]`` for ``u_info`` ``(career, draw)``:
    the expected value of perfect information in utility, from expected utilities per draw."""
    return float(u_info.max(axis=0).mean() - u_info.mean(axis=1).max())


def _nested_evpi_util(u: np.ndarray) -> tuple[float, float]:
    """Overall EVPI (utility) from ``u`` ``(career, group, world)`` with a split-half correction
    of the noise in the group means (their bias falls as 1 / worlds per group), and the value
    without information."""
    full = evpi_from_expected_utilities(u.mean(axis=2))
    m = u.shape[2] // 2
    half = 0.5 * (evpi_from_expected_utilities(u[:, :, :m].mean(axis=2)) + evpi_from_expected_utilities(u[:, :, m:].mean(axis=2)))
    return max(2.0 * full - half, 0.0), float(u.mean(axis=(1, 2)).max())


def _cubic_fit(q: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fitted values of a cubic in ``q`` (an assumption's quantile, in [0, 1]) for each row of
    ``y`` ``(career, world)``: a smooth estimate of each career's expected utility given it."""
    basis = np.column_stack([np.ones_like(q), q - 0.5, (q - 0.5) ** 2, (q - 0.5) ** 3])
    coef, *_ = np.linalg.lstsq(basis, y.T, rcond=None)
    # (career, world) in C order: the reductions over careers that follow take 0.06 ms on
    # it at 20,000 worlds, 1.3 ms on the transposed (world, career) product
    return coef.T @ basis.T


@dataclasses.dataclass(frozen=True)
class ValueOfInformation:
    """Result of :func:`value_of_information`.

    Attributes
    ----------
    table
        One row for ``all assumptions`` (EVPI) and one per assumption (EVPPI): ``evpi_usd``
        (certainty-equivalent dollars of net worth at ``age``) and its bootstrap ``se_usd``,
        sorted by value; ``best_without`` is the career chosen without the information;
        ``at_bound`` is True where an assumption's estimate reached a bound it cannot exceed
        (the value of all assumptions together, or of knowing each world's outcome): the fit
        did not resolve its value with this many worlds (common under a strong risk aversion,
        whose utilities are heavy-tailed), so read it as "at most this much".
    """

    careers: tuple[str, ...]
    age: int
    risk_aversion: float
    wealth_floor_usd: float
    worlds: int
    table: pd.DataFrame

    def plot(self, ax: Axes | None = None, *, top: int = 8) -> Axes:
        """Horizontal bars of what learning each assumption is worth, with 2 se."""
        from .plotting import plot_value_of_information

        return plot_value_of_information(self, ax=ax, top=top)


def value_of_information(
    scenario: Scenario | None = None,
    careers: Iterable[str] | None = None,
    *,
    age: int | None = None,
    risk_aversion: float = 0.0,
    wealth_floor_usd: float = 100_000.0,
    groups: int = 256,
    group_worlds: int = 128,
    worlds: int = 32_768,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    workers: int | None = 1,
) -> ValueOfInformation:
    """What perfect information about the assumptions would be worth for choosing a career.

    Parameters
    ----------
    scenario
        The scenario (None: ``default``); its active priors are the uncertain assumptions.
    careers
        The careers chosen between (default: all four).
    age
        Age at which net worth is valued (default: the horizon).
    risk_aversion, wealth_floor_usd
        CRRA utility, as :func:`careersim.decision.crra_certainty_equivalent` (0: the mean).
    groups, group_worlds
        The nested design of the overall EVPI (see :func:`variance_breakdown`).
    worlds
        Worlds, each with its own assumption draw, for the value of each assumption (EVPPI).
    rng, workers
        Seed of the whole analysis; worker processes.

    Returns
    -------
    ValueOfInformation

    Examples
    --------
    >>> from careersim.uncertainty import value_of_information
    >>> v = value_of_information(groups=16, group_worlds=64, worlds=2048, rng=1)
    >>> v.table.assumption.iloc[0] in set(v.table.assumption)
    True
    """
    from ._decision_risk import _finite

    scenario = _scenario(scenario)
    careers_t = check_careers(careers, scenario.path_names())
    year = _year(scenario, age)
    groups = _whole("groups", groups, 4)
    group_worlds = _whole("group_worlds", group_worlds, 2)  # a spread within each group needs two worlds
    worlds = _whole("worlds", worlds, 256)
    util = _Utility(float(_finite("risk_aversion", risk_aversion, low=0.0)), float(_finite("wealth_floor_usd", wealth_floor_usd, low=0.0)))
    priors = _needs_priors(scenario)
    root = root_seed_sequence(rng)
    boot = np.random.default_rng(_child(root, 11))

    nested = simulate(scenario, worlds=groups * group_worlds, rng=_child(root, 10), careers=careers_t, assumptions="uncertain",
                      group_worlds=group_worlds, workers=workers)
    per_world = simulate(scenario, worlds=worlds, rng=_child(root, 12), careers=careers_t, assumptions="uncertain", workers=workers)
    util = util.for_outcomes(nested.net_worth[:, :, year - 1], per_world.net_worth[:, :, year - 1])
    u = util(nested.net_worth[:, :, year - 1]).reshape(len(careers_t), groups, group_worlds)
    evpi_u, base_u = _nested_evpi_util(u)
    best = careers_t[int(u.mean(axis=(1, 2)).argmax())]

    def usd(gain_u: float, base: float) -> float:
        return util.ce(base + gain_u) - util.ce(base)

    reps = []
    for _ in range(BOOTSTRAP):
        g = boot.integers(0, groups, groups)
        e, b0 = _nested_evpi_util(u[:, g])
        reps.append(usd(e, b0))
    overall_usd = usd(evpi_u, base_u)
    rows = [{"assumption": "all assumptions", "evpi_usd": _tidy(overall_usd), "se_usd": _tidy(float(np.std(reps, ddof=1))), "best_without": best,
             "at_bound": False}]

    uw = util(per_world.net_worth[:, :, year - 1])
    best_w = careers_t[int(uw.mean(axis=1).argmax())]
    shuffles = np.random.default_rng(_child(root, 13))
    for key in priors:
        theta = per_world.assumption_values[key]
        if np.ptp(theta) == 0:
            rows.append({"assumption": key, "evpi_usd": 0.0, "se_usd": 0.0, "best_without": best_w, "at_bound": False})
            continue
        q = (np.argsort(np.argsort(theta, kind="stable"), kind="stable") + 0.5) / len(theta)
        # what the fit finds in noise alone: the maximum over careers of noisy fitted values
        # is biased upwards, most under a strong risk aversion, whose utilities are heavy-tailed
        # (at 10 every assumption came out at its ceiling, above all of them together); the same
        # fit on the quantiles shuffled, whose true value is 0, measures that bias
        null_u = float(np.mean([evpi_from_expected_utilities(_cubic_fit(q[shuffles.permutation(worlds)], uw)) for _ in range(NULL_SHUFFLES)]))

        def evppi(idx: np.ndarray) -> tuple[float, bool]:
            u_idx = uw[:, idx]
            fitted = _cubic_fit(q[idx], u_idx)
            # an EVPPI lies between 0 and the value of knowing each world's outcome (which
            # includes every assumption and luck); the fit's noise can leave that range, and
            # past the upper end a strong risk aversion has no certainty equivalent. Knowing one
            # assumption is worth no more than knowing all of them: at most the overall EVPI
            ceiling = evpi_from_expected_utilities(u_idx)
            raw = evpi_from_expected_utilities(fitted) - null_u
            value = usd(min(max(raw, 0.0), ceiling), float(u_idx.mean(axis=1).max()))
            cap = max(overall_usd, 0.0)
            return min(value, cap), bool(raw > ceiling or value > cap)

        value, at_bound = evppi(np.arange(worlds))
        reps = [evppi(boot.integers(0, worlds, worlds))[0] for _ in range(50)]
        rows.append({"assumption": key, "evpi_usd": _tidy(value), "se_usd": _tidy(float(np.std(reps, ddof=1))), "best_without": best_w,
                     "at_bound": at_bound})
    table = pd.DataFrame(rows)
    table = pd.concat([table.iloc[:1], table.iloc[1:].sort_values("evpi_usd", ascending=False)], ignore_index=True)
    return ValueOfInformation(careers=careers_t, age=scenario.simulation.start_age + year, risk_aversion=util.risk_aversion,
                              wealth_floor_usd=util.wealth_floor_usd, worlds=worlds, table=table)

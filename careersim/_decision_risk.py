"""Risk: certainty equivalents under CRRA utility, and the bounded money score.

Re-exported by :mod:`careersim.decision`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._params import ScenarioError, is_number
from ._results import Result, mean_with_se, quantiles_with_se

def _finite(name: str, value: Any, *, low: float | None = None, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if not is_number(value) or not math.isfinite(float(value)):
        raise ScenarioError(f"{name} = {value!r}: must be a finite number")
    if low is not None and value < low:
        raise ScenarioError(f"{name} = {value!r}: must be >= {low:g}")
    return value


# -- risk: certainty equivalents ----------------------------------------------------------------
def _shifted(wealth: np.ndarray, wealth_floor_usd: float) -> tuple[np.ndarray, np.ndarray]:
    """Wealth + floor, clipped below at 1% of the floor (at least $1); and the clipped mask."""
    lowest = max(0.01 * wealth_floor_usd, 1.0)
    x = np.asarray(wealth, dtype=float) + wealth_floor_usd
    clipped = x < lowest
    return np.maximum(x, lowest), clipped


def crra_certainty_equivalent(
    wealth: np.ndarray,
    *,
    risk_aversion: float,
    wealth_floor_usd: float = 100_000.0,
    axis: int = -1,
    groups: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Certainty-equivalent wealth under CRRA utility, with its Monte Carlo standard error.

    Utility of wealth ``W`` is ``u(x) = x**(1 - g) / (1 - g)`` (``log x`` at ``g = 1``)
    of ``x = W + wealth_floor_usd``; the certainty equivalent is ``u^-1(E[u(x)]) -
    wealth_floor_usd``, the sure wealth worth as much as the gamble.

    Net worth can be negative (student debt, a bad market). The floor is the wealth below
    which the person is no worse off however deep the debt: think of it as a consumption
    floor (what the safety net, family or future earnings guarantee). ``W`` below
    ``-wealth_floor_usd`` is clipped to 1% of the floor above it (at least $1), so the
    utility stays finite but very low; a higher floor means less fear of the bottom tail.
    At ``g = 0`` (linear utility) nothing is clipped: the certainty equivalent is the mean.

    Parameters
    ----------
    wealth
        Net worth in real USD, worlds along ``axis``.
    risk_aversion
        The CRRA coefficient ``g >= 0``: 0 is risk neutral (the certainty equivalent is
        the mean), 1 is log utility, 2-4 is cautious, 10 fears the bottom tail above all.
    wealth_floor_usd
        The floor, >= 0.
    axis
        The worlds axis.
    groups
        Runs of this many worlds along ``axis`` share their assumptions
        (:attr:`careersim.Result.group_worlds`): the standard error is clustered by run.

    Returns
    -------
    ce, se
        Arrays with ``axis`` removed: the certainty equivalent (real USD) and its
        delta-method standard error.

    Examples
    --------
    >>> import numpy as np
    >>> from careersim.decision import crra_certainty_equivalent
    >>> w = np.array([0.0, 200_000.0])
    >>> ce, se = crra_certainty_equivalent(w, risk_aversion=0.0)
    >>> float(ce)
    100000.0
    >>> float(crra_certainty_equivalent(w, risk_aversion=1.0, wealth_floor_usd=100_000)[0]) < 100_000
    True
    """
    g = float(_finite("risk_aversion", risk_aversion, low=0.0))
    floor = float(_finite("wealth_floor_usd", wealth_floor_usd, low=0.0))
    raw = np.moveaxis(np.asarray(wealth, dtype=float), axis, -1)

    def mean_se(v: np.ndarray) -> np.ndarray:  # of the mean over the last axis, world order kept
        return mean_with_se(v, axis=-1, groups=groups)[1]

    if g == 0.0:
        # risk neutral: linear utility is defined at any wealth, so nothing is clipped and the
        # certainty equivalent is the mean itself, debts and all
        ce = raw.mean(axis=-1)
        return ce, np.asarray(mean_se(raw)) * np.ones_like(ce)
    x, _ = _shifted(raw, floor)
    logx = np.log(x)
    if abs(1.0 - g) < 1e-12:
        mean_log, se_log = logx.mean(axis=-1), mean_se(logx)
        ce = np.exp(mean_log)
        se = ce * se_log
    else:
        a = (1.0 - g) * logx
        top = a.max(axis=-1, keepdims=True)
        v = np.exp(a - top)
        m = v.mean(axis=-1)
        rel_se = mean_se(v) / m
        ce = np.exp((np.log(m) + top[..., 0]) / (1.0 - g))
        se = ce * np.abs(rel_se / (1.0 - g))
    return ce - floor, np.asarray(se) * np.ones_like(ce)


def certainty_equivalent(
    result: Result,
    *,
    risk_aversion: float | Sequence[float] = 1.0,
    age: int | None = None,
    wealth_floor_usd: float = 100_000.0,
) -> pd.DataFrame:
    """Certainty-equivalent net worth of every career at one age, for one or more risk aversions.

    Parameters
    ----------
    result
        A simulation result.
    risk_aversion
        CRRA coefficient(s) ``>= 0`` (see :func:`crra_certainty_equivalent`).
    age
        Age at which net worth is valued (default: the horizon).
    wealth_floor_usd
        The consumption floor added to net worth before the utility (negative net worth
        below ``-wealth_floor_usd`` counts as sitting just above the floor).

    Returns
    -------
    DataFrame
        One row per risk aversion and career: ``risk_aversion, career, age,
        certainty_equivalent, se, mean, mean_se, p5, p50, share_below_floor, rank``
        (rank 1 = highest certainty equivalent at that risk aversion).

    Examples
    --------
    >>> import careersim
    >>> from careersim.decision import certainty_equivalent
    >>> r = careersim.simulate(worlds=2_000, rng=0)
    >>> t = certainty_equivalent(r, risk_aversion=[0, 3], age=30)
    >>> sorted(t.columns)[:3]
    ['age', 'career', 'certainty_equivalent']
    """
    if not isinstance(result, Result):
        raise ScenarioError(f"result = {type(result).__name__}: must be a careersim.Result (from careersim.simulate; a summary keeps no world's net worth)")
    year = result.horizon_years if age is None else result.year_of_age(age)
    w = result.net_worth[:, :, year - 1]
    listed = list(risk_aversion) if isinstance(risk_aversion, (list, tuple, np.ndarray)) else [risk_aversion]
    if not listed:
        raise ScenarioError(f"risk_aversion = {risk_aversion!r}: must be a number or a non-empty list of numbers >= 0")
    gammas = np.array([float(_finite("risk_aversion", g, low=0.0)) for g in listed])
    mean, mean_se = mean_with_se(w, axis=1, groups=result.group_worlds)
    q, _ = quantiles_with_se(w, [0.05, 0.5], axis=1)
    _, clipped = _shifted(w, float(_finite("wealth_floor_usd", wealth_floor_usd, low=0.0)))
    frames = []
    for g in gammas:
        ce, se = crra_certainty_equivalent(w, risk_aversion=float(g), wealth_floor_usd=wealth_floor_usd, axis=1, groups=result.group_worlds)
        frame = pd.DataFrame(
            {
                "risk_aversion": float(g),
                "career": list(result.careers),
                "age": result.scenario.simulation.start_age + year,
                "certainty_equivalent": ce,
                "se": se,
                "mean": mean,
                "mean_se": mean_se,
                "p5": q[0],
                "p50": q[1],
                "share_below_floor": clipped.mean(axis=1),
            }
        )
        frame["rank"] = frame["certainty_equivalent"].rank(ascending=False, method="min").astype(int)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)




#: the pooled quantiles of net worth that map to money scores 0 and 10
MONEY_SCORE_QUANTILES = (0.01, 0.99)


def money_scores(net_worth: np.ndarray, *, risk_aversion: float, wealth_floor_usd: float = 100_000.0) -> np.ndarray:
    """Money scores on 0-10: CRRA utility of net worth, scaled between two pooled quantiles.

    With ``x = net worth + wealth_floor_usd`` and ``lo, hi`` the pooled 1% and 99% quantiles
    of ``x`` over every career and world, the score is

        10 * (u(clip(x, lo, hi)) - u(lo)) / (u(hi) - u(lo))

    for the CRRA utility ``u`` with coefficient ``risk_aversion``. It is **bounded** (0 to 10:
    the worlds below the 1% quantile score 0, above the 99% score 10) and **monotone**
    (non-decreasing in net worth) for every risk aversion ``>= 0``; a higher risk aversion
    bends it so that gains near the bottom count more than gains near the top. Computed in
    log space, so no risk aversion overflows.

    Parameters
    ----------
    net_worth
        Real USD, any shape (pooled over all of it).
    risk_aversion
        CRRA coefficient ``>= 0``.
    wealth_floor_usd
        Added before the utility (see :func:`crra_certainty_equivalent`).

    Returns
    -------
    ndarray
        Scores, the shape of ``net_worth``.

    Examples
    --------
    >>> import numpy as np
    >>> s = money_scores(np.linspace(-50_000, 5e6, 101), risk_aversion=3.0)
    >>> float(s.min()), float(s.max()), bool((np.diff(s) >= 0).all())
    (0.0, 10.0, True)
    """
    g = float(_finite("risk_aversion", risk_aversion, low=0.0))
    if not np.isfinite(np.asarray(net_worth, dtype=float)).all():  # a NaN or inf made every score 5 silently
        raise ScenarioError("net_worth: must be finite amounts in dollars (it has NaN or infinite values)")
    x, _ = _shifted(net_worth, float(_finite("wealth_floor_usd", wealth_floor_usd, low=0.0)))
    lo, hi = np.quantile(x, MONEY_SCORE_QUANTILES)
    if not hi > lo:
        return np.full(x.shape, 5.0)
    t = np.log(np.clip(x, lo, hi) / lo) / math.log(hi / lo)  # in [0, 1], log-utility position
    a = (1.0 - g) * math.log(hi / lo)  # u(x) ~ exp(a t); a = 0 is log utility
    if abs(a) < 1e-9:
        frac = t
    elif a > 0:  # risk aversion below 1: exp(a (t - 1)) stays in (0, 1]
        base = math.exp(-a)
        frac = (np.exp(a * (t - 1.0)) - base) / (1.0 - base)
    else:  # above 1: exp(a t) in (0, 1], falling
        top = math.exp(a)
        frac = (1.0 - np.exp(a * t)) / (1.0 - top) if top < 1.0 else t
    return 10.0 * np.clip(frac, 0.0, 1.0)

"""The comparison under every valuation lens, side by side.

A lens is how money is valued (:data:`careersim._results.LENSES`): net worth at an age, or the
present value at a real discount rate of the after-tax income or of the consumption up to that
age (:meth:`careersim.Result.lens_paths`). :func:`lens_table` puts them side by side with the
CRRA certainty equivalent of each, so a claim can be read under each way of valuing money.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._decision_risk import crra_certainty_equivalent
from ._params import ArgumentError, one_or_many
from ._results import LENS_NAMES, LENSES, Result, mean_with_se, proportion_with_se, quantiles_with_se, resolve_baseline


def lens_table(result: Result, *, age: int | None = None, lenses: Sequence[str] = LENSES, discount_rate: float = 0.0, risk_aversion: float = 2.0,
               wealth_floor_usd: float = 100_000.0, baseline: str | None = None) -> pd.DataFrame:
    """The comparison under every lens: one row per lens and career with the median, the mean,
    the CRRA certainty equivalent at ``risk_aversion`` (:func:`careersim.decision.crra_certainty_equivalent`)
    and P(ahead of ``baseline``) in the same world, each with its Monte Carlo standard error.

    ``lenses`` is one lens name or a list of them. ``baseline`` (default: the first
    engineer-kind path, else the first path) must be a simulated path; its own rows have no
    P(ahead) (NaN).

    Examples
    --------
    >>> import careersim
    >>> r = careersim.simulate(worlds=2_000, rng=0)
    >>> from careersim.lenses import lens_table
    >>> t = lens_table(r, discount_rate=0.03)
    >>> sorted(t.lens.unique())
    ['consumption_pv', 'income_pv', 'net_worth']
    """
    listed = one_or_many(lenses, str)
    if not listed:
        raise ArgumentError(f"lenses = {lenses!r}: give one or a list of {', '.join(map(repr, LENSES))}")
    lenses = listed
    baseline = resolve_baseline(result.scenario, result.careers, baseline)
    rows = []
    for lens in lenses:
        x = result.lens_values(lens, age=age, discount_rate=discount_rate)
        q, q_se = quantiles_with_se(x, (0.5,), axis=1, groups=result.group_worlds)
        mean, mean_se = mean_with_se(x, axis=1, groups=result.group_worlds)
        ce, ce_se = crra_certainty_equivalent(x, risk_aversion=risk_aversion, wealth_floor_usd=wealth_floor_usd, axis=1, groups=result.group_worlds)
        for ci, career in enumerate(result.careers):
            row = {"lens": lens, "lens_name": LENS_NAMES[lens], "career": career, "median": q[0, ci], "median_se": q_se[0, ci],
                   "mean": mean[ci], "mean_se": mean_se[ci], "certainty_equivalent": ce[ci], "certainty_equivalent_se": ce_se[ci]}
            if baseline in result.careers and career != baseline:
                p, p_se = proportion_with_se(x[ci] > x[result.index(baseline)], groups=result.group_worlds)
                row.update(p_ahead=float(p), p_ahead_se=float(p_se))
            else:
                row.update(p_ahead=np.nan, p_ahead_se=np.nan)
            rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update(age=result.ages[-1] if age is None else int(age), discount_rate=float(discount_rate), risk_aversion=float(risk_aversion),
                     baseline=baseline, uncertainty=result.uncertainty)
    return out


"""Pay -> tax -> living costs -> savings -> index fund -> net worth, in real dollars.

Taxes use a simple progressive table: the 2025 US federal brackets for a single filer
with the standard deduction (IRS Rev. Proc. 2024-40), FICA (Social Security 6.2% up to
the 2025 wage base of $176,100, Medicare 1.45%; PhD stipends are exempt), and a flat
state rate from the scenario. Brackets are indexed to inflation in US law, so in real
dollars the table is constant. Every tax here is piecewise linear in gross pay, so it is
evaluated exactly with :func:`numpy.interp` on the kinks.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ._scenario import FinanceParams

STANDARD_DEDUCTION_USD = 15_000.0
#: (lower edge of taxable income, marginal rate), 2025, single filer
FEDERAL_BRACKETS = ((0.0, 0.10), (11_925.0, 0.12), (48_475.0, 0.22), (103_350.0, 0.24), (197_300.0, 0.32), (250_525.0, 0.35), (626_350.0, 0.37))
SOCIAL_SECURITY_RATE, SOCIAL_SECURITY_WAGE_BASE_USD, MEDICARE_RATE = 0.062, 176_100.0, 0.0145
_TOP = 1e15  # beyond any pay; the last slope extends to here


def _kinks(edges_rates: tuple[tuple[float, float], ...], offset: float) -> tuple[np.ndarray, np.ndarray]:
    x = [0.0] + [offset + e for e, _ in edges_rates] + [_TOP]
    y = [0.0, 0.0]
    for (edge, rate), nxt in zip(edges_rates, x[2:]):
        y.append(y[-1] + rate * (nxt - (offset + edge)))
    return np.array(x), np.array(y)


_FEDERAL_X, _FEDERAL_Y = _kinks(FEDERAL_BRACKETS, STANDARD_DEDUCTION_USD)
_FICA_X = np.array([0.0, SOCIAL_SECURITY_WAGE_BASE_USD, _TOP])
_FICA_Y = np.array([0.0, (SOCIAL_SECURITY_RATE + MEDICARE_RATE) * SOCIAL_SECURITY_WAGE_BASE_USD, (SOCIAL_SECURITY_RATE + MEDICARE_RATE) * SOCIAL_SECURITY_WAGE_BASE_USD + MEDICARE_RATE * (_TOP - SOCIAL_SECURITY_WAGE_BASE_USD)])


def _combined_table(state_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Kinks and values of federal + FICA + state tax: a sum of piecewise-linear functions
    is piecewise linear on the union of their kinks, so one interpolation gives it exactly."""
    x = np.union1d(_FEDERAL_X, _FICA_X)
    return x, np.interp(x, _FEDERAL_X, _FEDERAL_Y) + np.interp(x, _FICA_X, _FICA_Y) + state_rate * x


def income_tax(gross_usd: np.ndarray, *, state_rate: float, fica_exempt: np.ndarray | bool = False) -> np.ndarray:
    """Total tax on annual gross pay (federal + FICA + flat state), real USD.

    Parameters
    ----------
    gross_usd
        Gross pay, any shape, >= 0.
    state_rate
        Flat state income tax rate.
    fica_exempt
        Where True (PhD students), no FICA is due.

    Examples
    --------
    >>> float(income_tax(np.array(15_000.0), state_rate=0.0, fica_exempt=True))
    0.0
    """
    gross = np.asarray(np.maximum(gross_usd, 0.0), dtype=float)
    tax = np.asarray(np.interp(gross, *_combined_table(state_rate)))
    exempt = np.broadcast_to(np.asarray(fica_exempt, dtype=bool), gross.shape)
    if exempt.any():
        tax[exempt] -= np.interp(gross[exempt], _FICA_X, _FICA_Y)
    return tax


@dataclasses.dataclass(frozen=True)
class Finances:
    """Yearly money flows and end-of-year net worth, each ``(year, world)``, real USD.

    The accounting identity holds per world:
    ``net_worth[-1] = initial + contributions.sum() - withdrawals.sum() + investment_return.sum()``.
    """

    net_worth: np.ndarray
    taxes: np.ndarray
    saving: np.ndarray  #: net amount added to (or, negative, taken from) wealth at year end
    investment_return: np.ndarray | None  #: fund gains (or debt interest, negative) over each year

    @property
    def contributions(self) -> np.ndarray:
        """Saved and invested at the end of each year."""
        return np.maximum(self.saving, 0.0)

    @property
    def withdrawals(self) -> np.ndarray:
        """Shortfalls drawn from savings or borrowed."""
        return np.maximum(-self.saving, 0.0)


def accumulate(
    income: np.ndarray,
    fica_exempt: np.ndarray,
    real_return: np.ndarray,
    inflation: np.ndarray,
    p: FinanceParams,
    *,
    initial_net_worth_usd: float = 0.0,
    debt_real_rate: np.ndarray | None = None,
    keep_flows: bool = True,
    out: np.ndarray | None = None,
) -> Finances:
    """Turn gross income into net worth.

    Savings (``savings_rate`` of after-tax income above living costs) go into the index
    fund at the end of each year; a shortfall is drawn from the fund and, once it is
    empty, borrowed at ``debt_interest_rate`` (nominal, so its real rate moves with
    inflation).

    Parameters
    ----------
    income, fica_exempt, real_return, inflation
        ``(year, world)`` arrays.
    p
        Finance parameters.
    initial_net_worth_usd
        Net worth at the start of year 1.
    debt_real_rate
        ``(year, world)`` real interest on debt, if already computed (it depends only on
        the world, so the engine computes it once for all careers).
    keep_flows
        Keep ``investment_return`` per year (for the accounting identity); the engine,
        which needs only net worth, skips it.
    out
        ``(year, world)`` array to write net worth into.

    Returns
    -------
    Finances
    """
    taxes = income_tax(income, state_rate=p.state_income_tax_rate, fica_exempt=fica_exempt)
    surplus = income - taxes - p.living_cost_usd
    # save a share of a surplus, take all of a shortfall (savings_rate <= 1)
    saving = np.minimum(surplus, p.savings_rate * surplus)
    if debt_real_rate is None:
        debt_real_rate = debt_real_rates(inflation, p)
    T, n = income.shape
    net_worth = np.empty((T, n)) if out is None else out
    gains = np.empty((T, n)) if keep_flows else np.empty((1, n))
    wealth = np.full(n, float(initial_net_worth_usd))
    for t in range(T):
        g = gains[t if keep_flows else 0]
        np.multiply(wealth, np.where(wealth >= 0.0, real_return[t], debt_real_rate[t]), out=g)
        wealth += g
        wealth += saving[t]
        net_worth[t] = wealth
    return Finances(net_worth=net_worth, taxes=taxes, saving=saving, investment_return=gains if keep_flows else None)


def debt_real_rates(inflation: np.ndarray, p: FinanceParams) -> np.ndarray:
    """Real interest rate on debt: the nominal rate deflated by each year's inflation."""
    return (1.0 + p.debt_interest_rate) / (1.0 + inflation) - 1.0

"""Pay -> tax -> spending -> saving in accounts -> a stock/bond mix -> net worth, in real dollars.

This module prepares one career's inputs (tax tables by place, spending rule, glide path,
student debt) and wraps the outputs; the arithmetic itself runs element by element in one
compiled pass, :func:`careersim._money_kernel.money_kernel`.

* **Tax** comes from the 2026 tables generated from PolicyEngine-US (:mod:`careersim._tax`),
  by place and by kind of income: wages (with the employee's federal and state payroll
  taxes; a traditional 401(k) deferral lowers each income tax whose base the calculator
  says it lowers), a PhD stipend (income tax only: students are exempt from payroll tax,
  and a fellowship is not wages), an independent researcher's grant (self-employment
  income: SE tax and income tax) and unemployment insurance (income tax only; taxed as
  wages are, though California and Pennsylvania exempt it: a small overstatement there).
  Federal brackets are indexed to prices, so in real dollars the tables are constant. Not
  modelled: the federal Saver's Credit (10-50% of up to $2,000 of retirement contributions,
  for a low income; students are not eligible), which would lower a low-paid employee's tax
  by at most $1,000 in a year they defer.
* **Spending** follows income (``finances.spending_rule``): the place's living costs, and
  above them a share that falls as income rises (an income elasticity of consumption).
* **Saving** goes to the accounts in ``finances.contribution_order``; a shortfall is drawn
  from the taxable account and then borrowed.
* **Investments**: every account holds the same stock/bond mix (a glide path by age by
  default), less the funds' expense ratio; the taxable account pays tax each year on its
  dividends and interest and, when sold, on its realised gains.
* **Net worth** is reported pre-tax (balances less debts) and after-tax (the taxable gain
  taxed at the capital-gains rate of that year, the 401(k) at the place's average income
  tax rate on ``finances.retirement_income_usd``, the Roth IRA tax-free).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Literal

import numpy as np

from ._market import World
from ._params import ArgumentError, short_repr, suggest
from ._places import PLACE_IDS
from ._places import place as place_figures
from ._scenario import FinanceParams
from ._tax import load_tax_tables
from .careers._machine import CareerPath

_FAR_USD = 1e12  # beyond any income: each table's last slope continues to here


#: width of the buckets that index a table's segments for the compiled kernel, USD
TABLE_BUCKET_USD = 100.0
#: buckets cover incomes up to here (every table's knots but the far one lie below it)
TABLE_BUCKET_TOP_USD = 4_000_000.0


@dataclasses.dataclass(frozen=True)
class _Table:
    """A piecewise-linear function of income, ready for :func:`numpy.interp`."""

    x: np.ndarray
    y: np.ndarray

    def __call__(self, v: np.ndarray) -> np.ndarray:
        return np.interp(v, self.x, self.y)


def _sum_of_curves(curves: list[tuple[np.ndarray, np.ndarray]]) -> _Table:
    """The sum of piecewise-linear curves, exact on the union of their kinks, each continued
    with its last slope to :data:`_FAR_USD` (as :meth:`careersim._tax.TaxTables.lookup`)."""
    if not curves:
        return _Table(np.array([0.0, _FAR_USD]), np.zeros(2))
    extended = []
    for x, y in curves:
        slope = (y[-1] - y[-2]) / (x[-1] - x[-2])
        extended.append((np.append(x, _FAR_USD), np.append(y, y[-1] + slope * (_FAR_USD - x[-1]))))
    xs = np.unique(np.concatenate([[0.0]] + [x for x, _ in extended]))
    return _Table(xs, sum(np.interp(xs, x, y) for x, y in extended))


@dataclasses.dataclass(frozen=True)
class _Merged:
    """Curves on one set of knots (their union), as the kernel reads them: one look-up of
    the segment gives every curve's value and slope. ``y`` and ``slopes`` are
    ``(knot, curve)``; ``starts[k]`` is the segment holding ``k * TABLE_BUCKET_USD``, and no
    bucket holds more than ``scan`` knots."""

    x: np.ndarray
    y: np.ndarray
    slopes: np.ndarray
    starts: np.ndarray
    scan: int

    def kernel_args(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        return self.x, self.y, self.slopes, self.starts, self.scan


def _merge(tables: list[_Table]) -> _Merged:
    x = np.unique(np.concatenate([t.x for t in tables]))
    if x[-2] >= TABLE_BUCKET_TOP_USD:
        raise ValueError(f"a tax table has knots above {TABLE_BUCKET_TOP_USD:,.0f} USD: raise TABLE_BUCKET_TOP_USD")
    y = np.stack([np.interp(x, t.x, t.y) for t in tables], axis=1)
    grid = np.arange(0.0, TABLE_BUCKET_TOP_USD + TABLE_BUCKET_USD, TABLE_BUCKET_USD)
    starts = np.clip(np.searchsorted(x, grid, side="right") - 1, 0, len(x) - 2).astype(np.int64)
    inner = x[(x > 0) & (x < TABLE_BUCKET_TOP_USD)]
    scan = int(np.bincount((inner / TABLE_BUCKET_USD).astype(np.int64)).max()) if inner.size else 0
    return _Merged(x=x, y=np.ascontiguousarray(y), slopes=np.ascontiguousarray(np.diff(y, axis=0) / np.diff(x)[:, None]), starts=starts, scan=scan)


@dataclasses.dataclass(frozen=True)
class PlaceTaxes:
    """One place's taxes as a few combined tables (federal + state + city summed where they
    share a base); :attr:`merged` is how the kernel reads them."""

    wage_income_tax: _Table  #: income taxes whose base is wages less a 401(k) deferral
    wage_income_tax_on_gross: _Table  #: income taxes whose base is gross wages (e.g. PA's)
    payroll_tax: _Table  #: employee federal + state payroll tax on wages
    stipend_income_tax: _Table
    grant_income_tax: _Table  #: income taxes on self-employment income
    self_employment_tax: _Table
    dividend_rate: _Table  #: marginal rate on qualified dividends and long-term gains, by wages
    student_dividend_rate: _Table  #: the same on top of a stipend or fellowship

    @functools.cached_property
    def merged(self) -> tuple[_Merged, _Merged, _Merged, _Merged]:
        """The kernel's tables, one per kind of income: wages (income tax with and without
        the deferral base, payroll, dividend rate), a stipend (its tax, the wage income taxes
        for the marginal rate, the dividend rate), a grant (income tax, SE tax); and payroll
        alone (for a year whose wages differ from its income: unemployment insurance)."""
        return (
            _merge([self.wage_income_tax, self.wage_income_tax_on_gross, self.payroll_tax, self.dividend_rate]),
            _merge([self.stipend_income_tax, self.wage_income_tax, self.wage_income_tax_on_gross, self.student_dividend_rate]),
            _merge([self.grant_income_tax, self.self_employment_tax]),
            _merge([self.payroll_tax]),
        )


@functools.cache
def place_taxes(place: str) -> PlaceTaxes:
    """The combined tax tables of a place (cached)."""
    t = load_tax_tables()

    def curve(p, kind, comp):
        c = t.curves[(p, kind, comp)]
        return c.x, c.y

    income = ("federal_income_tax", "state_income_tax", "city_income_tax")
    rates = ("federal_marginal_rate", "state_marginal_rate", "city_marginal_rate")
    deferrable = [c for c in income if t.base(place, "wages", c) == "wages_minus_pretax_deferral"]
    fixed = [c for c in income if c not in deferrable]
    return PlaceTaxes(
        wage_income_tax=_sum_of_curves([curve(place, "wages", c) for c in deferrable]),
        wage_income_tax_on_gross=_sum_of_curves([curve(place, "wages", c) for c in fixed]),
        payroll_tax=_sum_of_curves([curve("us", "wages", "federal_payroll_tax"), curve(place, "wages", "state_payroll_tax")]),
        stipend_income_tax=_sum_of_curves([curve(place, "fellowship", c) for c in income]),
        grant_income_tax=_sum_of_curves([curve(place, "self_employment", c) for c in income]),
        self_employment_tax=_sum_of_curves([curve("us", "self_employment", "self_employment_tax")]),
        dividend_rate=_sum_of_curves([curve(place, "dividends_on_wages", c) for c in rates]),
        student_dividend_rate=_sum_of_curves([curve(place, "dividends_on_fellowship", c) for c in rates]),
    )


def _finite_usd(name: str, value: object) -> np.ndarray:
    """An amount (or array of amounts) of dollars as a float array: finite numbers only."""
    try:
        x = np.asarray(value, dtype=float) if not isinstance(value, (str, bytes, bool, np.bool_)) and value is not None else None
    except (TypeError, ValueError, OverflowError):
        x = None
    if x is None or x.dtype.kind != "f" or not np.isfinite(x).all():
        raise ArgumentError(f"{name} = {short_repr(value)}: must be a finite amount in dollars, or an array of them")
    return x


def income_tax(gross_usd: np.ndarray | float, *, place: str = "elsewhere", kind: Literal["wages", "stipend", "grant"] = "wages",
               pretax_deferral_usd: np.ndarray | float = 0.0) -> np.ndarray:
    """Total 2026 tax on a year's income of one kind, real USD (single filer, standard deduction).

    Parameters
    ----------
    gross_usd
        Gross income, any shape.
    place
        One of :data:`careersim._places.PLACE_IDS`: sets state and city tax.
    kind
        ``wages`` (federal + state income tax and the employee's payroll taxes),
        ``stipend`` (a PhD stipend or fellowship: income tax only) or ``grant``
        (self-employment income: income tax and self-employment tax).
    pretax_deferral_usd
        A traditional 401(k) deferral out of wages (lowers the income taxes that allow it).

    Returns
    -------
    numpy.ndarray
        Tax, shaped like ``gross_usd``.

    Examples
    --------
    >>> import numpy as np
    >>> float(income_tax(np.array(0.0), place="seattle"))
    0.0
    >>> bool(income_tax(100_000.0, place="bay_area") > income_tax(100_000.0, place="seattle"))
    True
    """
    if not isinstance(kind, str) or kind not in ("wages", "stipend", "grant"):
        raise ArgumentError(f"kind = {short_repr(kind)}: must be 'wages', 'stipend' or 'grant'")
    if not isinstance(place, str) or place not in PLACE_IDS:
        raise ArgumentError(f"place = {short_repr(place)}: must be one of {', '.join(PLACE_IDS)}{suggest(place, PLACE_IDS) if isinstance(place, str) else ''}")
    tx = place_taxes(place)
    gross = np.maximum(_finite_usd("gross_usd", gross_usd), 0.0)
    if kind == "stipend":
        return tx.stipend_income_tax(gross)
    if kind == "grant":
        return tx.grant_income_tax(gross) + tx.self_employment_tax(gross)
    deferral = np.minimum(_finite_usd("pretax_deferral_usd", pretax_deferral_usd), gross)
    return tx.wage_income_tax(gross - deferral) + tx.wage_income_tax_on_gross(gross) + tx.payroll_tax(gross)


def living_costs_usd(p: FinanceParams) -> float:
    """The place's basic living costs: ``living_cost_usd`` x its price index / 100."""
    return p.living_cost_usd * place_figures(p.place).price_index / 100.0


def spending_usd(take_home_usd: np.ndarray, p: FinanceParams) -> np.ndarray:
    """Spending out of after-tax income, by ``p.spending_rule`` (see :class:`FinanceParams`).

    Basic living costs are spent whatever the income (a shortfall is borrowed); above them,
    spending rises with income with the elasticity ``consumption_income_elasticity``, or by
    ``1 - savings_rate`` of each extra dollar.
    """
    base = living_costs_usd(p)
    if p.spending_rule == "savings_rate":
        return base + (1.0 - p.savings_rate) * np.maximum(take_home_usd - base, 0.0)
    e = p.consumption_income_elasticity
    # L (Y / L)^e written as L^(1 - e) Y^e: no overflow for a tiny L
    return np.where(take_home_usd > base, base ** (1.0 - e) * np.maximum(take_home_usd, base) ** e, base)


def stock_shares(p: FinanceParams, ages: np.ndarray) -> np.ndarray:
    """Share of every account in stocks at each age (the age during the year)."""
    if p.allocation == "constant":
        return np.full(len(ages), p.stock_share)
    progress = np.clip((ages - p.glide_path_start_age) / (p.glide_path_end_age - p.glide_path_start_age), 0.0, 1.0)
    return p.stock_share + (p.glide_path_end_stock_share - p.stock_share) * progress


def student_debt_paths(p: FinanceParams, inflation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Real payment in each year and real balance at each year's end, ``(year, world)``.

    Equal nominal payments over the term (the standard plan), so in real dollars they
    shrink with inflation.
    """
    T, n = inflation.shape
    payment = np.zeros((T, n))
    balance = np.zeros((T, n))
    if p.student_debt_usd <= 0.0:
        return payment, balance
    r, k = p.student_debt_interest_rate, min(p.student_debt_term_years, T)
    N = p.student_debt_term_years
    # the annuity formulas with log1p / expm1, exact down to a vanishing rate (then 1/N a year)
    nominal_payment = p.student_debt_usd * (r / -np.expm1(-N * np.log1p(r)) if r > 0 else 1.0 / N)
    years = np.arange(1, T + 1)
    growth = np.expm1(years * np.log1p(r))  # (1 + r)^years - 1
    nominal_balance = p.student_debt_usd * (1.0 + growth) - nominal_payment * (growth / r if r > 0 else years)
    nominal_balance = np.maximum(nominal_balance, 0.0)
    prices = np.cumprod(1.0 + inflation, axis=0)
    payment[:k] = nominal_payment / prices[:k]
    balance[:] = nominal_balance[:, None] / prices
    balance[N - 1 :] = 0.0  # repaid with the last payment (exactly, not to rounding)
    return payment, balance


#: contribution steps, as the kernel codes them
_STEP_CODES = {"match": 0, "roth": 1, "401k": 2, "taxable": 3}


def contribution_order(p: FinanceParams) -> np.ndarray:
    """The scenario's contribution order as the kernel's step codes."""
    return np.array([_STEP_CODES[step] for step in p.contribution_order.split(",")], dtype=np.int8)


def withdrawal_tax_rate(p: FinanceParams) -> float:
    """Average income tax (federal, state, city) on ``retirement_income_usd`` of ordinary
    income in the place: the rate at which a 401(k) balance counts after tax, in [0, 1).

    A withdrawal is ordinary income that is not earned: it is read from the tables of a
    non-service fellowship (no earned income credit, no payroll-tax deductions), not from
    the wage tables, whose EITC made the rate negative below about $20,000 (-345 at $1 in
    Seattle: a 401(k) counted at hundreds of times its balance). A fixed refundable credit
    (New Mexico's, New York City's) still makes the average rate negative at a few dollars
    of income; the rate is held at 0 there, since a credit of a fixed amount is not a share
    of the balance."""
    x = p.retirement_income_usd
    if x <= 0.0:
        return 0.0
    rate = float(place_taxes(p.place).stipend_income_tax(np.array(x)) / x)
    return min(max(rate, 0.0), 1.0)


@dataclasses.dataclass(frozen=True)
class Contributions:
    """What goes into each tax-advantaged account, ``(year, world)``, real USD."""

    deferral: np.ndarray  #: the employee's pre-tax 401(k) deferral
    match: np.ndarray  #: the employer's match, into the 401(k)
    roth: np.ndarray  #: Roth IRA contribution (after-tax dollars)


@dataclasses.dataclass(frozen=True)
class Balances:
    """End-of-year balances, ``(year, world)``, real USD; ``taxable`` is negative in debt."""

    taxable: np.ndarray
    basis: np.ndarray  #: cost basis of the taxable account (real USD; 0 when in debt)
    traditional: np.ndarray  #: 401(k)
    roth: np.ndarray
    taxable_account_tax: np.ndarray  #: tax paid from the taxable account: on its income and realised gains


@dataclasses.dataclass(frozen=True)
class Finances:
    """One career's money, each ``(year, world)``, real USD.

    Identity per world and year (tested): gross income = taxes + spending + student-debt
    payments + 401(k) deferral + Roth IRA contribution + cash into (out of) the taxable
    account. The flows are kept only when asked (``keep_flows``).
    """

    net_worth_pre_tax: np.ndarray | None
    net_worth_after_tax: np.ndarray | None
    taxes: np.ndarray | None = None
    spending: np.ndarray | None = None
    debt_payment: np.ndarray | None = None
    contributions: Contributions | None = None
    taxable_cash: np.ndarray | None = None
    balances: Balances | None = None
    student_debt: np.ndarray | None = None


def money_paths(
    path: CareerPath,
    world: World,
    p: FinanceParams,
    *,
    start_age: int,
    initial_net_worth_usd: float = 0.0,
    debt_real_rate: np.ndarray | None = None,
    keep_flows: bool = False,
    out_pre_tax: np.ndarray | None = None,
    out_after_tax: np.ndarray | None = None,
    out_after_tax_income: np.ndarray | None = None,
    out_consumption: np.ndarray | None = None,
) -> Finances:
    """Turn one career's gross income into net worth, pre-tax and after-tax.

    The arithmetic runs in one compiled pass (:func:`careersim._money_kernel.money_kernel`);
    this function prepares its inputs.

    Parameters
    ----------
    path
        The career's ``(year, world)`` income (unemployment insurance included), its
        unemployment insurance, status and self-employed years.
    world
        Real stock and bond returns and inflation, ``(year, world)``.
    p
        Finance parameters.
    start_age
        Age at the start of year 1 (for the glide path).
    initial_net_worth_usd
        Savings in the taxable account at the start (negative: debt at ``debt_interest_rate``).
    debt_real_rate
        ``(year, world)`` real interest on debt, if already computed.
    keep_flows
        Keep every flow (for the accounting identities); the engine needs only net worth.
    out_pre_tax, out_after_tax
        ``(year, world)`` arrays to write net worth into. When only one is given (the
        engine), only that one is computed.
    out_after_tax_income, out_consumption
        ``(year, world)`` arrays for the valuation lenses (both or neither): gross income less
        the year's taxes, and spending.

    Returns
    -------
    Finances
    """
    from ._money_kernel import FLOWS, money_kernel

    income = np.ascontiguousarray(path.income, dtype=np.float64)
    T, n = income.shape
    tx = place_taxes(p.place)
    ui = path.ui_income if path.ui_income is not None else np.zeros((T, n))
    grant = path.self_employed if path.self_employed is not None else np.zeros((T, n), dtype=bool)
    if debt_real_rate is None:
        debt_real_rate = debt_real_rates(world.inflation, p)
    has_debt = p.student_debt_usd > 0.0
    debt_payment, student_debt = student_debt_paths(p, world.inflation) if has_debt or keep_flows else (np.zeros((1, 1)), np.zeros((1, 1)))
    ages = start_age + np.arange(T) + 0.5
    only_one = (out_pre_tax is None) != (out_after_tax is None) and not keep_flows
    want_pre = out_pre_tax is not None or not only_one
    want_after = out_after_tax is not None or not only_one
    pre = out_pre_tax if out_pre_tax is not None else (np.empty((T, n)) if want_pre else np.empty((1, 1)))
    after = out_after_tax if out_after_tax is not None else (np.empty((T, n)) if want_after else np.empty((1, 1)))
    flows = np.empty((len(FLOWS), T, n)) if keep_flows else np.empty((1, 1, 1))
    money_kernel(
        income, np.ascontiguousarray(ui, dtype=np.float64), np.ascontiguousarray(path.status, dtype=np.int8), np.ascontiguousarray(grant, dtype=np.bool_),
        np.ascontiguousarray(world.real_return, dtype=np.float64), np.ascontiguousarray(world.bond_real_return, dtype=np.float64),
        np.ascontiguousarray(world.inflation, dtype=np.float64), np.ascontiguousarray(debt_real_rate, dtype=np.float64),
        stock_shares(p, ages).astype(np.float64), debt_payment, student_debt, has_debt,
        *(a for m in tx.merged for a in m.kernel_args()), 1.0 / TABLE_BUCKET_USD,
        living_costs_usd(p), p.spending_rule == "income_elasticity", p.consumption_income_elasticity, p.savings_rate, contribution_order(p),
        p.limit_401k_usd, p.employer_match_rate, p.employer_match_cap_share, p.roth_ira_limit_usd, p.roth_phaseout_start_usd, p.roth_phaseout_end_usd,
        p.expense_ratio, p.stock_dividend_yield, p.bond_income_yield, withdrawal_tax_rate(p), float(initial_net_worth_usd),
        want_pre, want_after, pre, after, keep_flows, flows,
        out_after_tax_income is not None, out_after_tax_income if out_after_tax_income is not None else np.empty((1, 1)),
        out_consumption if out_consumption is not None else np.empty((1, 1)),
    )
    result = Finances(net_worth_pre_tax=pre if want_pre else None, net_worth_after_tax=after if want_after else None)
    if not keep_flows:
        return result
    f = dict(zip(FLOWS, flows))
    return dataclasses.replace(
        result, taxes=f["taxes"], spending=f["spending"], debt_payment=debt_payment, taxable_cash=f["taxable_cash"], student_debt=student_debt,
        contributions=Contributions(deferral=f["deferral"], match=f["match"], roth=f["roth"]),
        balances=Balances(taxable=f["taxable"], basis=f["basis"], traditional=f["traditional"], roth=f["roth_balance"], taxable_account_tax=f["taxable_account_tax"]),
    )


def debt_real_rates(inflation: np.ndarray, p: FinanceParams) -> np.ndarray:
    """Real interest rate on debt: the nominal rate deflated by each year's inflation."""
    return (1.0 + p.debt_interest_rate) / (1.0 + inflation) - 1.0

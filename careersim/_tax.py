"""US taxes for 2026 from generated tables: a vectorised, numpy-only reader.

The tables in ``data/tax_tables_2026.csv`` come from a maintained tax calculator
(PolicyEngine-US; the version, the law year and the command are in
``data/tax_tables_2026.provenance.json``), made by ``python -m careersim._taxgen``.
They are never hand-written. This module only interpolates them.

The CSV is tidy and long: one row per kept point of one curve,

``place, income_kind, component, base, gross_usd, value``

where ``(place, income_kind, component)`` names a curve, ``base`` says what ``gross_usd``
measures, and ``value`` is USD of tax (components ending in ``_tax``) or a marginal rate
(components ending in ``_rate``). Each curve is piecewise linear between its points (it
was thinned from a $25 grid so that linear interpolation stays within $0.50 of every grid
point), and above its last point (``$2M``) continues with its last slope.

Places: ``bay_area`` (California), ``seattle`` (Washington), ``nyc`` (New York State and
City), ``boston`` (Massachusetts), ``austin`` (Texas, the lower-cost metro) and
``elsewhere`` (the median state, see the provenance file). Income kinds: ``wages``
(W-2), ``fellowship`` (a taxable non-service stipend: income tax, no payroll tax),
``self_employment`` (Schedule C net profit, e.g. independent-research grants: SE tax and
income tax), and ``dividends_on_wages`` and ``dividends_on_fellowship`` (marginal rates on
qualified dividends on top of each).

All money is in 2026 nominal dollars; US brackets are indexed to inflation, so the engine
may treat the tables as constant in real 2026 dollars.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np

Place = Literal["bay_area", "seattle", "nyc", "boston", "austin", "elsewhere"]
PLACES: tuple[str, ...] = ("bay_area", "seattle", "nyc", "boston", "austin", "elsewhere")
TABLES_PATH = Path(__file__).parent / "data" / "tax_tables_2026.csv"
PROVENANCE_PATH = Path(__file__).parent / "data" / "tax_tables_2026.provenance.json"
_INCOME_TAXES = ("federal_income_tax", "state_income_tax", "city_income_tax")
_RATES = ("federal_marginal_rate", "state_marginal_rate", "city_marginal_rate")


class IncomeTaxes(NamedTuple):
    """Federal, state and city income tax, USD, each shaped like the broadcast inputs."""

    federal: np.ndarray
    state: np.ndarray
    city: np.ndarray


class DividendRates(NamedTuple):
    """Federal (incl. the 3.8% NIIT), state and city marginal rates on qualified dividends."""

    federal: np.ndarray
    state: np.ndarray
    city: np.ndarray


@dataclasses.dataclass(frozen=True)
class _Curve:
    base: str
    x: np.ndarray
    y: np.ndarray
    cumulative: np.ndarray  #: integral of y from x[0] to each x (for rate curves)


@dataclasses.dataclass(frozen=True)
class TaxTables:
    """The loaded tax tables: ``(place, income_kind, component) -> curve``."""

    curves: dict[tuple[str, str, str], _Curve]

    @property
    def places(self) -> tuple[str, ...]:
        """Places with tables, in :data:`PLACES` order."""
        have = {p for p, _, _ in self.curves}
        return tuple(p for p in PLACES if p in have)

    def base(self, place: str, income_kind: str, component: str) -> str:
        """What a curve's ``gross_usd`` measures, e.g. ``"wages_minus_pretax_deferral"``."""
        return self._curve(place, income_kind, component).base

    def _curve(self, place: str, income_kind: str, component: str) -> _Curve:
        try:
            return self.curves[(place, income_kind, component)]
        except KeyError:
            raise ValueError(f"no tax table for place={place!r}, income_kind={income_kind!r}, component={component!r}") from None

    def lookup(self, place: str, income_kind: str, component: str, x: np.ndarray | float) -> np.ndarray:
        """Interpolate one curve at ``x`` (negative ``x`` counts as 0; beyond the table the
        last slope continues).

        Parameters
        ----------
        place, income_kind, component
            The curve.
        x
            Values of the curve's base, USD, any shape.

        Returns
        -------
        numpy.ndarray
            Same shape as ``x``.
        """
        c = self._curve(place, income_kind, component)
        x = np.maximum(np.asarray(x, dtype=float), 0.0)
        y = np.interp(x, c.x, c.y)
        slope = (c.y[-1] - c.y[-2]) / (c.x[-1] - c.x[-2])
        return y + slope * np.maximum(x - c.x[-1], 0.0)

    def integral(self, place: str, income_kind: str, component: str, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Exact integral of a (rate) curve from ``lo`` to ``hi``; beyond the table the last
        value continues."""
        c = self._curve(place, income_kind, component)
        return self._antiderivative(c, hi) - self._antiderivative(c, lo)

    @staticmethod
    def _antiderivative(c: _Curve, t: np.ndarray) -> np.ndarray:
        t = np.maximum(np.asarray(t, dtype=float), c.x[0])
        inside = np.minimum(t, c.x[-1])
        i = np.clip(np.searchsorted(c.x, inside, side="right") - 1, 0, len(c.x) - 2)
        dx = inside - c.x[i]
        slope = (c.y[i + 1] - c.y[i]) / (c.x[i + 1] - c.x[i])
        return c.cumulative[i] + c.y[i] * dx + 0.5 * slope * dx * dx + c.y[-1] * (t - inside)


@functools.lru_cache(maxsize=4)
def load_tax_tables(path: str | Path | None = None) -> TaxTables:
    """Read the generated tax tables once (cached).

    Parameters
    ----------
    path
        CSV to read; the shipped ``data/tax_tables_2026.csv`` by default.

    Returns
    -------
    TaxTables

    Examples
    --------
    >>> tables = load_tax_tables()
    >>> tables.places
    ('bay_area', 'seattle', 'nyc', 'boston', 'austin', 'elsewhere')
    """
    raw: dict[tuple[str, str, str], tuple[str, list[float], list[float]]] = {}
    with Path(path or TABLES_PATH).open(newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["place"], row["income_kind"], row["component"])
            entry = raw.setdefault(key, (row["base"], [], []))
            entry[1].append(float(row["gross_usd"]))
            entry[2].append(float(row["value"]))
    curves = {}
    for key, (base, xs, ys) in raw.items():
        x, y = np.array(xs), np.array(ys)
        if len(x) < 2 or np.any(np.diff(x) <= 0):
            raise ValueError(f"tax table {key} needs at least two points with increasing gross_usd")
        cumulative = np.concatenate([[0.0], np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(x))])
        for a in (x, y, cumulative):
            a.flags.writeable = False
        curves[key] = _Curve(base=base, x=x, y=y, cumulative=cumulative)
    return TaxTables(curves=curves)


def payroll_tax(wages: np.ndarray | float) -> np.ndarray:
    """Employee federal payroll tax on wages: Social Security (6.2% up to the 2026 wage
    base), Medicare (1.45%) and the Additional Medicare Tax (0.9% above $200,000).

    Pre-tax 401(k) deferrals do not reduce it: pass gross wages.

    Parameters
    ----------
    wages
        Annual W-2 wages, USD, any shape.

    Returns
    -------
    numpy.ndarray
        Tax, USD, shaped like ``wages``.

    Examples
    --------
    >>> round(float(payroll_tax(100_000.0)), 2)
    7650.0
    """
    return load_tax_tables().lookup("us", "wages", "federal_payroll_tax", wages)


def state_payroll_tax(place: Place, wages: np.ndarray | float) -> np.ndarray:
    """Employee state payroll contributions (CA SDI, NY PFL and DBL, WA PFML and WA Cares,
    MA PFML; zero where there are none), USD, shaped like ``wages``.

    Examples
    --------
    >>> float(state_payroll_tax("austin", 150_000.0))
    0.0
    """
    return load_tax_tables().lookup(place, "wages", "state_payroll_tax", wages)


def self_employment_tax(net_earnings: np.ndarray | float) -> np.ndarray:
    """Self-employment tax (Social Security and Medicare on 92.35% of Schedule C net
    profit) plus the Additional Medicare Tax on it, USD, shaped like ``net_earnings``.

    Examples
    --------
    >>> float(self_employment_tax(0.0))
    0.0
    """
    return load_tax_tables().lookup("us", "self_employment", "self_employment_tax", net_earnings)


def income_taxes(
    place: Place,
    *,
    wages: np.ndarray | float = 0.0,
    fellowship: np.ndarray | float = 0.0,
    self_employment: np.ndarray | float = 0.0,
    pretax_deferral: np.ndarray | float = 0.0,
) -> IncomeTaxes:
    """Federal, state and city income tax of a single filer in ``place``.

    Exact (to the tables' $1) when one income kind is non-zero. When several are, the
    kinds are stacked: wages first, then the fellowship's tax as the increase of the
    fellowship curve from the wage base, then self-employment's the same way, which is
    close but not exact (e.g. the EITC and the section 199A deduction see only one kind).

    Parameters
    ----------
    place
        One of :data:`PLACES`.
    wages
        W-2 wages, USD (before the deferral).
    fellowship
        Taxable non-service scholarship or fellowship stipend, USD.
    self_employment
        Schedule C net profit (e.g. an individual research grant), USD.
    pretax_deferral
        Traditional 401(k) deferral out of ``wages``, USD, within the legal limit
        ($24,500 under age 50 in 2026). It reduces each tax whose table's base is
        ``wages_minus_pretax_deferral`` (the calculator decides which).

    Returns
    -------
    IncomeTaxes
        ``federal`` (after refundable credits, so it can be negative at low wages, and
        including the 3.8% NIIT when dividends are added through :func:`dividend_tax`),
        ``state`` and ``city``, USD, each of the broadcast shape of the inputs.

    Examples
    --------
    >>> taxes = income_taxes("seattle", wages=np.array([0.0, 150_000.0]))
    >>> taxes.state.tolist()
    [0.0, 0.0]
    """
    tables = load_tax_tables()
    w, f, s, d = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (wages, fellowship, self_employment, pretax_deferral)))
    out = []
    for c in _INCOME_TAXES:
        a = w - d if tables.base(place, "wages", c) == "wages_minus_pretax_deferral" else w
        a = np.maximum(a, 0.0)
        tax = tables.lookup(place, "wages", c, a)
        if np.any(f):
            tax = tax + tables.lookup(place, "fellowship", c, a + f) - tables.lookup(place, "fellowship", c, a)
        if np.any(s):
            tax = tax + tables.lookup(place, "self_employment", c, a + f + s) - tables.lookup(place, "self_employment", c, a + f)
        out.append(tax)
    return IncomeTaxes(*out)


def dividend_tax_rate(
    place: Place,
    ordinary_income: np.ndarray | float,
    *,
    on: Literal["wages", "fellowship"] = "wages",
    pretax_deferral: np.ndarray | float = 0.0,
) -> DividendRates:
    """Marginal tax rates on the first dollar of qualified dividends on top of wage income.

    Federal: the 0/15/20% brackets plus the 3.8% net investment income tax above $200,000
    of MAGI; state and city: each place's treatment (ordinary income in CA, NY and NYC; 5%
    (plus the 4% surtax above ~$1M) in MA; none in WA and TX). Long-term capital gains have
    the same rates everywhere except Washington, whose excise on gains above ~$270k is not
    tabulated.

    Parameters
    ----------
    place
        One of :data:`PLACES`.
    ordinary_income
        Wages, or a fellowship stipend, USD, any shape.
    on
        Which of the two ``ordinary_income`` is (they differ at low incomes, where wages
        earn the EITC).
    pretax_deferral
        Traditional 401(k) deferral out of those wages, USD.

    Returns
    -------
    DividendRates
        Rates (fractions), each of the broadcast shape.

    Examples
    --------
    >>> round(float(dividend_tax_rate("austin", 120_000.0).federal), 3)
    0.15
    """
    tables = load_tax_tables()
    kind = _dividend_kind(on)
    x, d = np.broadcast_arrays(np.asarray(ordinary_income, dtype=float), np.asarray(pretax_deferral, dtype=float))
    out = []
    for c in _RATES:
        base = x - d if tables.base(place, kind, c) == "wages_minus_pretax_deferral" else x
        out.append(tables.lookup(place, kind, c, np.maximum(base, 0.0)))
    return DividendRates(*out)


def _dividend_kind(on: str) -> str:
    if on not in ("wages", "fellowship"):
        raise ValueError(f"on must be 'wages' or 'fellowship', not {on!r}")
    return f"dividends_on_{on}"


def dividend_tax(
    place: Place,
    ordinary_income: np.ndarray | float,
    dividends: np.ndarray | float,
    *,
    on: Literal["wages", "fellowship"] = "wages",
    pretax_deferral: np.ndarray | float = 0.0,
) -> IncomeTaxes:
    """Tax on qualified dividends stacked on top of wage (or fellowship) income: the exact
    integral of the marginal-rate table from the income to the income plus the dividends.

    This assumes the rate on each further dollar of dividends depends only on the total,
    which holds for the federal 0/15/20% brackets and the NIIT and for states that tax
    dividends as ordinary income. It is off by up to about 0.5% of the dividends where the
    Schedule D worksheet's "smaller of" rule binds (ordinary income in the 12% bracket
    near the 0% ceiling), and more on top of low wages (the EITC's investment-income limit)
    or on top of self-employment income, which these tables do not cover.

    Parameters
    ----------
    place
        One of :data:`PLACES`.
    ordinary_income
        Wages, or a fellowship stipend, USD.
    dividends
        Qualified dividends (or long-term capital gains, except in Washington), USD, >= 0.
    on
        Which of the two ``ordinary_income`` is.
    pretax_deferral
        Traditional 401(k) deferral out of those wages, USD.

    Returns
    -------
    IncomeTaxes
        The extra federal, state and city tax, USD, each of the broadcast shape.

    Examples
    --------
    >>> round(float(dividend_tax("austin", 120_000.0, 1_000.0).federal))
    150
    """
    tables = load_tax_tables()
    kind = _dividend_kind(on)
    x, q, d = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (ordinary_income, dividends, pretax_deferral)))
    q = np.maximum(q, 0.0)
    out = []
    for c in _RATES:
        base = x - d if tables.base(place, kind, c) == "wages_minus_pretax_deferral" else x
        base = np.maximum(base, 0.0)
        out.append(tables.integral(place, kind, c, base, base + q))
    return IncomeTaxes(*out)

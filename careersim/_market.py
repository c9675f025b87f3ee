"""World draws: index-fund real returns, inflation, and the ML job-market regime.

Pure functions of raw draws (see :mod:`careersim._draws`) and parameters. Arrays are
``(year, world)``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from importlib import resources
from typing import Any

import numpy as np

from ._draws import Draws
from ._scenario import MarketParams, RegimeParams


@dataclasses.dataclass(frozen=True)
class History:
    """Annual US history: year, nominal S&P 500 and 10-year Treasury total returns, CPI inflation."""

    year: np.ndarray
    nominal_return: np.ndarray
    inflation: np.ndarray
    bond_nominal_return: np.ndarray

    @property
    def real_return(self) -> np.ndarray:
        return (1.0 + self.nominal_return) / (1.0 + self.inflation) - 1.0

    @property
    def bond_real_return(self) -> np.ndarray:
        return (1.0 + self.bond_nominal_return) / (1.0 + self.inflation) - 1.0


@functools.cache
def load_history() -> History:
    """The bundled Damodaran series, data/us_annual_returns_1928-2025.csv."""
    path = resources.files("careersim") / "data" / "us_annual_returns_1928-2025.csv"
    with path.open("rb") as f:
        raw = np.genfromtxt(f, delimiter=",", names=True)
    return History(
        year=raw["year"].astype(int),
        nominal_return=raw["sp500_total_return"].astype(float),
        inflation=raw["cpi_inflation"].astype(float),
        bond_nominal_return=raw["tbond_10y_return"].astype(float),
    )


def cpi_level(when: float) -> float:
    """CPI price level at the decimal calendar date ``when``, relative to 1 January 1928.

    The bundled ``cpi_inflation`` of year *y* is its December-to-December change, taken as the
    change from ``y`` to ``y + 1`` (1 January to 1 January); within a year the level grows
    geometrically at that year's rate. After the data end the level is held constant.
    """
    h = load_history()
    first, last = int(h.year[0]), int(h.year[-1])
    if not np.isfinite(when) or when < first:
        raise ValueError(f"when = {when!r}: before the first CPI year {first}")
    when = min(float(when), last + 1.0)
    year = min(int(np.floor(when)), last)
    full = float(np.prod(1.0 + h.inflation[: year - first]))
    return full * float(1.0 + h.inflation[year - first]) ** (when - year)


@dataclasses.dataclass(frozen=True)
class World:
    """The market and regime of a block of worlds, ``(year, world)`` arrays."""

    real_return: np.ndarray  #: real total return of the stock index fund in each year
    inflation: np.ndarray  #: CPI inflation in each year
    bond_real_return: np.ndarray  #: real total return of the bond fund (10-year Treasuries) in each year
    bust: np.ndarray  #: True where the ML job market is in a bust year
    ability: np.ndarray  #: (world,) latent research ability, standard normal


def expected_real_return(p: MarketParams) -> float | np.ndarray:
    """Arithmetic mean annual real return implied by the market parameters (per world, an
    array, when the mean is an uncertain assumption)."""
    if p.model in ("bootstrap", "historical"):
        return float(load_history().real_return.mean())
    m = np.expm1(p.real_log_return_mean + 0.5 * p.real_log_return_sd**2)
    return float(m) if np.ndim(m) == 0 else m


#: limit on one year's log real return of the parametric models: the fund loses at most
#: 95% (1 - e**-3) or gains at most 1,909% (e**3 - 1) in a year, far beyond 1928-2025
#: (worst -38% in 1931, best +54% in 1954). A lognormal year reaches it only beyond 7 sd
#: even at the most extreme allowed mean and sd (at the defaults: 15 sd, never); it cuts
#: the far Student-t tail, where exp(t) has no mean and an unlimited year gives absurd
#: or infinite wealth.
LOG_RETURN_LIMIT = 3.0
#: lowest annual inflation of the parametric models: prices at most halve in a year (five
#: times the worst US year, 1932: -10.3%). A normal inflation draw is unbounded, and at
#: -100% or below the real rate of debt, (1 + nominal) / (1 + inflation) - 1, is
#: infinite or flips sign. At the defaults the floor is 13 sd away and never binds.
INFLATION_FLOOR = -0.5


def market_paths(p: MarketParams, d: Draws, *, currency_year: int = 2026, history_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Real returns and inflation, ``(year, world)``, for the chosen market model
    (``history_rows``: :func:`history_indices`, if already computed).

    Real returns are always above -100% and inflation at least :data:`INFLATION_FLOOR`
    (history's years are all within both limits).
    """
    if p.model in ("lognormal", "student_t"):
        z1 = d.market_z_return
        if p.model == "student_t":
            # scale so the shock has unit variance, keeping the fat tails (market_extra > 0)
            z1 = z1 / np.sqrt(d.market_extra) * np.sqrt((p.student_t_df - 2.0) / p.student_t_df)
        rho = p.return_inflation_correlation
        z2 = rho * d.market_z_return + np.sqrt(1.0 - rho**2) * d.market_z_inflation
        log_real = p.real_log_return_mean + p.real_log_return_sd * z1.astype(np.float64)
        real = np.expm1(np.clip(log_real, -LOG_RETURN_LIMIT, LOG_RETURN_LIMIT, out=log_real), out=log_real)
        inflation = p.inflation_mean + p.inflation_sd * z2.astype(np.float64)
        np.maximum(inflation, INFLATION_FLOOR, out=inflation)
        return real, inflation
    h = load_history()
    idx = history_indices(p, d) if history_rows is None else history_rows
    return h.real_return[idx], h.inflation[idx]


def history_indices(p: MarketParams, d: Draws) -> np.ndarray:
    """Rows of the bundled history replayed in each ``(year, world)`` by the bootstrap and
    historical models."""
    h = load_history()
    n_hist = len(h.year)
    T = d.market_extra.shape[0]
    idx = _bootstrap_indices(d.market_extra, n_hist, p.bootstrap_block_years)
    if p.model == "historical":
        first = int(np.searchsorted(h.year, p.history_start_year))
        n_known = min(T, n_hist - first)
        idx[:n_known] = (first + np.arange(n_known))[:, None]
    return idx


def bond_loadings(p: MarketParams) -> tuple[float, float, float]:
    """Weights ``(a, b, c)`` of the stock, inflation and own shocks in the bond shock
    ``a z_return + b z_inflation + c z_bond``, so that it has unit variance and the
    scenario's correlations with the stock shock and with the inflation shock
    (``rho z_return + sqrt(1 - rho**2) z_inflation``)."""
    rho = p.return_inflation_correlation
    a = p.bond_return_correlation
    s = np.sqrt(max(1.0 - rho**2, 0.0))
    b = (p.bond_inflation_correlation - rho * a) / s if s > 1e-12 else 0.0
    return a, b, float(np.sqrt(max(1.0 - a**2 - b**2, 0.0)))


def bond_paths(p: MarketParams, d: Draws, *, history_rows: np.ndarray | None = None) -> np.ndarray:
    """Real total return of the bond fund, ``(year, world)``.

    Parametric models: lognormal, with the scenario's correlations to the stock and
    inflation shocks (normal shocks in both models; the Student-t tail is the stocks').
    History's models: the 10-year Treasury return of the year they replay for stocks.
    """
    if p.model in ("lognormal", "student_t"):
        a, b, c = bond_loadings(p)
        z = a * d.market_z_return.astype(np.float64) + b * d.market_z_inflation + c * d.market_z_bond
        log_real = p.bond_real_log_return_mean + p.bond_real_log_return_sd * z
        return np.expm1(np.clip(log_real, -LOG_RETURN_LIMIT, LOG_RETURN_LIMIT, out=log_real), out=log_real)
    return load_history().bond_real_return[history_indices(p, d) if history_rows is None else history_rows]


def _bootstrap_indices(u: np.ndarray, n_years: int, block_years: int) -> np.ndarray:
    """Circular block bootstrap: a random start year every ``block_years`` years."""
    T = u.shape[0]
    t = np.arange(T)
    block_start_row = (t // block_years) * block_years
    starts = np.floor(u[block_start_row] * n_years).astype(np.int64)
    return (starts + (t % block_years)[:, None]) % n_years


def regime_path(p: RegimeParams, u: np.ndarray) -> np.ndarray:
    """Boom/bust Markov chain, ``(year, world)`` booleans (True = bust).

    ``u`` has ``horizon + 1`` rows: row 0 decides the first year, row ``t`` the move
    into year ``t``.
    """
    T = u.shape[0] - 1
    bust = np.empty((T, u.shape[1]), dtype=bool)
    bust[0] = u[0] < p.initial_bust_probability
    for t in range(1, T):
        bust[t] = np.where(bust[t - 1], u[t] >= p.bust_to_boom_probability, u[t] < p.boom_to_bust_probability)
    return bust


def make_world(market: MarketParams, regime: RegimeParams, d: Draws, run: Callable[[list[Callable[[], Any]]], list[Any]] | None = None) -> World:
    """Assemble the :class:`World` of a block from its raw draws (the market's, the regime's
    and the person's). ``run`` computes a list of independent parts (the stocks and inflation;
    the bonds and the regime) and returns their results, for example on threads; by default
    one after the other."""
    # history's models replay the same rows for stocks, inflation and bonds: find them once
    rows = history_indices(market, d) if market.model in ("bootstrap", "historical") else None
    parts: list[Callable[[], Any]] = [lambda: market_paths(market, d, history_rows=rows),
                                      lambda: (bond_paths(market, d, history_rows=rows), regime_path(regime, d.regime_u))]
    (real, inflation), (bonds, bust) = run(parts) if run is not None else [f() for f in parts]
    return World(real_return=real, inflation=inflation, bond_real_return=bonds, bust=bust, ability=d.ability_z)

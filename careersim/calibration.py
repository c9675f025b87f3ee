"""Calibrated defaults: compute scenario defaults from the data files shipped in data/.

Every default that comes from data is computed here, either from a CSV bundled in
``careersim/data/`` or from a figure cited (not shipped) in ``data/SOURCES.md``, and
returned with the rows it comes from. ``tests/test_calibration.py`` checks that the
bundled ``default`` scenario agrees with these numbers to the precision it writes them
in, so a default cannot drift from its data. docs/model.md explains each choice.

The module is not imported by ``import careersim``; it needs pandas.

Examples
--------
>>> from careersim.calibration import calibrate
>>> c = calibrate()
>>> c["market.real_log_return_mean"].rounded
0.0656
>>> c["engineer.start_pay_usd"].rounded  # levels.fyi median 160,000 (end-2019 $) in 2026 $
202000.0
"""

from __future__ import annotations

import dataclasses
import functools
import math
from importlib import resources
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "CITED",
    "DISAGREEMENTS",
    "EXPERIENCE_BRACKETS",
    "CalibratedDefault",
    "CitedFigure",
    "calibrate",
    "PRICE_BASES",
    "cpi_factor",
    "dollar_factor",
    "experience_pay_growth",
    "experience_pay_ratios",
    "finance_defaults",
    "finance_rule_defaults",
    "layoff_defaults",
    "load_data",
    "log_sd_from_quartiles",
    "market_defaults",
    "market_tail_diagnostics",
    "pay_defaults",
    "phd_outcome_defaults",
    "price_level",
    "regime_defaults",
    "residency_and_grant_defaults",
    "round_significant",
    "simulated_experience_pay_ratios",
    "stipend_defaults",
]

Confidence = Literal["H", "M", "L", "L-M", "H-M", "derived"]

RETURNS_FILE = "us_annual_returns_1928-2025.csv"
BLS_FILE = "bls_oews_selected_occupations_2020-2024.csv"
LEVELS_FILE = "levelsfyi_us_totalcomp_percentiles_2017-2021.csv"
LAYOFFS_FILE = "layoffs_annual_summary_2020-2026.csv"
NSF_FILE = "nsf_grfp_stipend_history.csv"
SHILLER_FILE = "shiller_sp500_monthly_1871-2026.csv"
PLACES_FILE = "places_2026.csv"
FINANCE_RULES_FILE = "finance_rules_2026.csv"

#: z(0.75) - z(0.25) of a standard normal: the interquartile range in standard deviations
NORMAL_IQR = float(stats.norm.ppf(0.75) - stats.norm.ppf(0.25))  # 1.3489795...

WEEKS_PER_YEAR = 365.25 / 7.0


@dataclasses.dataclass(frozen=True, kw_only=True)
class CitedFigure:
    """A public figure that is cited in data/SOURCES.md but whose file is not shipped."""

    value: float
    unit: str
    year: str
    source: str
    confidence: Confidence


#: Figures read from sources whose files careersim does not ship (licence, or no file).
#: Each names where it was read; data/SOURCES.md has the same rows.
CITED: dict[str, CitedFigure] = {
    "cs_phd_stipend_median_us": CitedFigure(
        value=39_962.0, unit="USD/year", year="AY ~2025-26",
        source="CSStipendRankings stipend-us.csv @8453bc56: median 12-month pre-qual stipend of 70 US CS departments "
        "(CC BY-NC-ND 4.0: figure cited, file not shipped); data/SOURCES.md section 3",
        confidence="M",
    ),
    "stipend_stanford_cs": CitedFigure(value=52_560.0, unit="USD/year", year="AY ~2025-26", source="CSStipendRankings stipend-us.csv @8453bc56 (cited, not shipped; data/SOURCES.md section 3)", confidence="M"),
    "stipend_berkeley_cs": CitedFigure(value=52_016.0, unit="USD/year", year="AY ~2025-26", source="CSStipendRankings stipend-us.csv @8453bc56 (cited, not shipped; data/SOURCES.md section 3)", confidence="M"),
    "doe_csgf_stipend": CitedFigure(value=45_000.0, unit="USD/year", year="~2023-25", source="CSStipendRankings fellowship-us.csv (cited, not shipped)", confidence="M"),
    "ndseg_stipend": CitedFigure(value=40_800.0, unit="USD/year", year="~2023-25", source="CSStipendRankings fellowship-us.csv (cited, not shipped)", confidence="M"),
    "hertz_stipend": CitedFigure(value=38_000.0, unit="USD/year", year="~2023-25", source="CSStipendRankings fellowship-us.csv (cited, not shipped)", confidence="M"),
    "meta_fellowship_stipend": CitedFigure(value=42_000.0, unit="USD/year", year="~2023-25", source="CSStipendRankings fellowship-us.csv (cited, not shipped)", confidence="M"),
    "ai_phd_industry_share": CitedFigure(
        value=0.654, unit="share", year="2021",
        source="Stanford AI Index 2023, Education chapter (CRA Taulbee): new North-American AI PhDs taking industry jobs", confidence="H-M",
    ),
    "ai_phd_academia_share": CitedFigure(
        value=0.282, unit="share", year="2021",
        source="Stanford AI Index 2023, Education chapter (CRA Taulbee): new North-American AI PhDs taking academic jobs", confidence="H-M",
    ),
    "comptia_us_tech_occupation_workforce": CitedFigure(
        value=5.9e6, unit="workers", year="2024",
        source="CompTIA State of the Tech Workforce 2025 press release (2025-07-01): ~5.9 million US workers in tech occupations", confidence="M",
    ),
    "bls_cps_median_unemployment_weeks": CitedFigure(
        value=float(np.mean([9.0, 8.8, 8.9, 9.1, 9.5, 9.1, 9.5])), unit="weeks", year="2023Q1-2024Q3",
        source="BLS CPS table E-10, median duration of unemployment, all unemployed, quarterly SA: "
        "9.0, 8.8, 8.9, 9.1 (2023 Q1-Q4), 9.5, 9.1, 9.5 (2024 Q1-Q3); mean of the seven", confidence="H",
    ),
    "anthropic_fellows_weekly_stipend": CitedFigure(
        value=3_850.0, unit="USD/week", year="2025",
        source="Anthropic Fellows programme, ~$3,850/week (habr.com citing Business Insider); data/SOURCES.md section 6", confidence="L-M",
    ),
    "anthropic_fellows_offer_share": CitedFigure(
        value=0.40, unit="share (lower bound)", year="2025",
        source="Anthropic Fellows: '>40%' received full-time offers (press report via habr.com citing Business Insider); "
        "no company publishes a residency conversion rate; data/SOURCES.md section 6", confidence="L",
    ),
    "google_ai_residency_months": CitedFigure(value=12.0, unit="months", year="2016-2020", source="Google AI Blog 2018-10 and 2019-11: 12-month residency", confidence="H"),
    "ltff_acceptance_rate": CitedFigure(
        value=0.500, unit="share", year="2022-23",
        source="LTFF April-2023 payout report: acceptance rate excluding desk rejects 50.0% (37.4% including them)", confidence="H",
    ),
}


def round_significant(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` significant digits (0 stays 0).

    Examples
    --------
    >>> round_significant(0.065565, 3)
    0.0656
    """
    if x == 0 or not math.isfinite(x):
        return float(x)
    return float(round(x, digits - 1 - int(math.floor(math.log10(abs(x))))))


@dataclasses.dataclass(frozen=True, kw_only=True)
class CalibratedDefault:
    """One scenario default computed from data.

    Attributes
    ----------
    key
        Dotted scenario key, e.g. ``"market.real_log_return_mean"``.
    value
        The value computed from the data, unrounded.
    significant_digits
        The precision the bundled scenario writes the default to; None means the default
        is the data figure itself (exact).
    source
        File (or cited figure) and the rows used.
    method
        How the value is computed from those rows.
    confidence
        H / M / L as in data/SOURCES.md ("derived" for values computed from other defaults).
    """

    key: str
    value: float
    significant_digits: int | None
    source: str
    method: str
    confidence: Confidence

    @property
    def rounded(self) -> float:
        """The value at the precision the scenario writes it in."""
        if self.significant_digits is None:
            return float(self.value)
        return round_significant(self.value, self.significant_digits)


def _entry(key: str, value: float, digits: int | None, source: str, method: str, confidence: Confidence) -> tuple[str, CalibratedDefault]:
    return key, CalibratedDefault(key=key, value=float(value), significant_digits=digits, source=source, method=method, confidence=confidence)


@functools.cache
def _load(name: str) -> pd.DataFrame:
    path = resources.files("careersim") / "data" / name
    with path.open("rb") as fh:
        return pd.read_csv(fh, dtype=str if name == BLS_FILE else None)


def load_data(name: str) -> pd.DataFrame:
    """A copy of one bundled CSV from ``careersim/data/`` (see data/SOURCES.md).

    BLS wages are returned as numbers, with the top-code ``#`` (>= $239,200) as NaN.
    """
    df = _load(name).copy()
    if name == BLS_FILE:
        for col in df.columns:
            if col == "year" or col == "tot_emp" or col.startswith("a_"):
                df[col] = pd.to_numeric(df[col].replace("#", np.nan))
        df["year"] = df["year"].astype(int)
    return df


def log_sd_from_quartiles(p25: float, p75: float) -> float:
    """Log-scale sd of a lognormal with these quartiles: ``(ln p75 - ln p25) / 1.349``."""
    return float((math.log(p75) - math.log(p25)) / NORMAL_IQR)


# ---------------------------------------------------------------------------------------
# market


def _history(first_year: int, last_year: int) -> pd.DataFrame:
    h = load_data(RETURNS_FILE)
    h = h[(h["year"] >= first_year) & (h["year"] <= last_year)].copy()
    if h.empty:
        raise ValueError(f"years {first_year}-{last_year}: no rows in {RETURNS_FILE}")
    h["log_real_return"] = np.log((1.0 + h["sp500_total_return"]) / (1.0 + h["cpi_inflation"]))
    return h


def market_defaults(*, first_year: int = 1928, last_year: int = 2025) -> dict[str, CalibratedDefault]:
    """Moments of the lognormal market model from the Damodaran annual series.

    The log real return of a year is ``ln((1 + S&P 500 total return) / (1 + CPI inflation))``;
    standard deviations are sample ones (``ddof=1``).
    """
    h = _history(first_year, last_year)
    rows = f"{RETURNS_FILE}, years {first_year}-{last_year} ({len(h)} rows), columns sp500_total_return and cpi_inflation"
    lr, inf = h["log_real_return"], h["cpi_inflation"]
    lb = np.log((1.0 + h["tbond_10y_return"]) / (1.0 + inf))
    bond_rows = f"{RETURNS_FILE}, years {first_year}-{last_year} ({len(h)} rows), columns tbond_10y_return and cpi_inflation"
    return dict(
        [
            _entry("market.real_log_return_mean", lr.mean(), 3, rows, "mean of ln((1+r)/(1+i))", "H"),
            _entry("market.real_log_return_sd", lr.std(ddof=1), 3, rows, "sample sd of ln((1+r)/(1+i))", "H"),
            _entry("market.inflation_mean", inf.mean(), 3, rows, "mean of cpi_inflation", "H"),
            _entry("market.inflation_sd", inf.std(ddof=1), 3, rows, "sample sd of cpi_inflation", "H"),
            _entry("market.return_inflation_correlation", np.corrcoef(lr, inf)[0, 1], 3, rows, "Pearson correlation of ln((1+r)/(1+i)) and cpi_inflation", "H"),
            _entry("market.bond_real_log_return_mean", lb.mean(), 3, bond_rows, "mean of ln((1+b)/(1+i))", "H"),
            _entry("market.bond_real_log_return_sd", lb.std(ddof=1), 3, bond_rows, "sample sd of ln((1+b)/(1+i))", "H"),
            _entry("market.bond_return_correlation", np.corrcoef(lb, lr)[0, 1], 3, bond_rows, "Pearson correlation of ln((1+b)/(1+i)) and ln((1+r)/(1+i))", "H"),
            _entry("market.bond_inflation_correlation", np.corrcoef(lb, inf)[0, 1], 3, bond_rows, "Pearson correlation of ln((1+b)/(1+i)) and cpi_inflation", "H"),
        ]
    )


def market_tail_diagnostics(*, first_year: int = 1928, last_year: int = 2025) -> dict[str, float]:
    """Shape of the annual log real return: skewness, excess kurtosis, and the Student-t
    degrees of freedom that would match that kurtosis (``4 + 6 / excess``; inf if <= 0).

    These are not defaults: ``market.student_t_df`` is a deliberate stress choice, and
    98 annual observations pin the kurtosis down poorly.
    """
    lr = _history(first_year, last_year)["log_real_return"]
    excess = float(stats.kurtosis(lr))
    return {
        "years": float(len(lr)),
        "skewness": float(stats.skew(lr)),
        "excess_kurtosis": excess,
        "moment_matched_t_df": 4.0 + 6.0 / excess if excess > 0 else math.inf,
        "arithmetic_mean_real_return": float(np.expm1(lr).mean()),
        "geometric_mean_real_return": float(np.expm1(lr.mean())),
    }


def cpi_factor(from_year: int, to_year: int) -> float:
    """Price-level ratio between the end of ``from_year`` and the end of ``to_year``
    (product of ``1 + cpi_inflation`` over the years in between, Damodaran file)."""
    h = load_data(RETURNS_FILE).set_index("year")["cpi_inflation"]
    if not (h.index.min() <= from_year <= h.index.max() and h.index.min() <= to_year <= h.index.max()):
        raise ValueError(f"years {from_year}->{to_year}: outside {h.index.min()}-{h.index.max()} in {RETURNS_FILE}")
    lo, hi = sorted((from_year, to_year))
    factor = float(np.prod(1.0 + h.loc[lo + 1 : hi].to_numpy()))
    return factor if to_year >= from_year else 1.0 / factor


#: When each kind of dollar figure was priced, as a decimal calendar date (2020.0 is
#: 1 January 2020, i.e. the end of 2019; 2024.375 is mid-May 2024). :func:`dollar_factor`
#: converts from these to the scenario's currency year.
PRICE_BASES: dict[str, float] = {
    # levels.fyi submissions run from mid-2017 to mid-2021 without timestamps in the shipped
    # subset; the calendar midpoint is mid-2019, and submissions grew year on year, so the
    # end of 2019 is taken (mid-2019 would raise levels.fyi pay by a further 1.1%).
    "levelsfyi_2017_2021": 2020.0,
    # BLS OEWS May 2024: wages are referenced to the survey month.
    "bls_oews_may_2024": 2024.0 + 4.5 / 12.0,
    # CS PhD stipends and fellowships of AY 2025-26 (fixed nominal amounts paid from
    # autumn 2025 to summer 2026; centre about March 2026).
    "stipend_ay_2025_26": 2026.0 + 2.0 / 12.0,
    # press figures of 2025 (residency pay)
    "press_2025": 2025.5,
}


def price_level(when: float) -> float:
    """CPI price level at the decimal calendar date ``when``, relative to 1 January 1928.

    Damodaran's ``cpi_inflation`` of year *y* is the December-to-December change, taken as
    the change from ``y`` to ``y + 1`` (1 January to 1 January); within a year the level
    grows geometrically at that year's rate. **After the data end (1 January 2026) the
    level is held constant**: no inflation is assumed for 2026 itself, so every date in
    2026 has the price level of December 2025.

    Examples
    --------
    >>> round(price_level(2026.0) / price_level(2025.0), 4)  # 2025 inflation
    1.0274
    >>> price_level(2026.5) == price_level(2026.0)  # no inflation assumed in 2026
    True
    """
    from ._market import cpi_level

    return cpi_level(when)


def dollar_factor(price_base: float | str, *, currency_year: int | None = None) -> float:
    """Multiply a dollar figure priced at ``price_base`` by this to express it in real
    dollars of ``currency_year`` (default: the scenario's ``simulation.currency_year``, 2026).

    Parameters
    ----------
    price_base
        A decimal calendar date (2020.0 = end of 2019) or a key of :data:`PRICE_BASES`.
    currency_year
        Dollars of a year mean its mid-year price level (about the annual average); for
        2026 that is the December-2025 level, since :func:`price_level` assumes no
        inflation after the data end.

    Examples
    --------
    >>> round(dollar_factor("levelsfyi_2017_2021"), 4)  # end-2019 -> 2026
    1.2618
    >>> dollar_factor("stipend_ay_2025_26")
    1.0
    """
    if currency_year is None:
        from ._scenario import SimulationParams

        currency_year = SimulationParams().currency_year
    when = PRICE_BASES[price_base] if isinstance(price_base, str) else float(price_base)
    return price_level(currency_year + 0.5) / price_level(when)


# ---------------------------------------------------------------------------------------
# pay


def _levels_row(title: str, education: str, years: str) -> pd.Series:
    lev = load_data(LEVELS_FILE)
    hit = lev[(lev["title"] == title) & (lev["education"] == education) & (lev["years_experience"] == years)]
    if len(hit) != 1:
        raise LookupError(f"{LEVELS_FILE}: no unique row for {title!r}, {education!r}, {years!r}")
    return hit.iloc[0]


def _levels_desc(title: str, education: str, years: str, what: str) -> str:
    n = int(_levels_row(title, education, years)["n"])
    return f"{LEVELS_FILE}: title={title}, education={education}, years_experience={years} (n={n}), {what}"


def _bls_row(occ_code: str, year: int = 2024) -> pd.Series:
    bls = load_data(BLS_FILE)
    hit = bls[(bls["occ_code"] == occ_code) & (bls["year"] == year)]
    if len(hit) != 1:
        raise LookupError(f"{BLS_FILE}: no unique row for {occ_code} in {year}")
    return hit.iloc[0]


def pay_defaults(*, currency_year: int | None = None) -> dict[str, CalibratedDefault]:
    """Starting pays and the spread of starting pay, from levels.fyi and BLS OEWS May 2024,
    in real dollars of ``currency_year`` (default the scenario's, 2026).

    Each pay figure is multiplied by :func:`dollar_factor` of its price base
    (:data:`PRICE_BASES`: levels.fyi at the end of 2019, BLS at May 2024) and written to
    three significant digits (the levels.fyi medians are rounded to $500-1,000, and the
    price base is uncertain by about 1%). Log spreads are unit-free and not converted.
    """
    SWE, BS, MS, PHD = "Software Engineer", "Bachelor's Degree", "Master's Degree", "PhD"
    bs01, ms01, phd01, bs24 = (_levels_row(SWE, e, y) for e, y in ((BS, "0-1"), (MS, "0-1"), (PHD, "0-1"), (BS, "2-4")))
    faculty, research = _bls_row("25-1021"), _bls_row("15-1221")
    f_lev = dollar_factor("levelsfyi_2017_2021", currency_year=currency_year)
    f_bls = dollar_factor("bls_oews_may_2024", currency_year=currency_year)
    to = "the scenario's currency year" if currency_year is None else str(currency_year)
    lev_m = f"median x {f_lev:.4f} (CPI, end-2019 -> {to}, calibration.dollar_factor)"
    bls_m = f"a_median x {f_bls:.4f} (CPI, May 2024 -> {to}, calibration.dollar_factor)"
    lm = "L-M"
    return dict(
        [
            _entry("engineer.start_pay_usd", bs01["median"] * f_lev, 3, _levels_desc(SWE, BS, "0-1", "median"), lev_m, lm),
            _entry("residency.fallback_pay_usd", bs01["median"] * f_lev, 3, _levels_desc(SWE, BS, "0-1", "median"), lev_m, lm),
            _entry("independent.exit_pay_usd", bs01["median"] * f_lev, 3, _levels_desc(SWE, BS, "0-1", "median"), lev_m, lm),
            _entry("employment.start_pay_log_sd", log_sd_from_quartiles(bs01["p25"], bs01["p75"]), 2, _levels_desc(SWE, BS, "0-1", "p25 and p75"), "(ln p75 - ln p25) / 1.349", lm),
            _entry("residency.converted_pay_usd", bs24["median"] * f_lev, 3, _levels_desc(SWE, BS, "2-4", "median"), lev_m, lm),
            _entry("phd.masters_start_pay_usd", ms01["median"] * f_lev, 3, _levels_desc(SWE, MS, "0-1", "median"), lev_m, lm),
            _entry("phd.research_scientist_start_pay_usd", phd01["median"] * f_lev, 3, _levels_desc(SWE, PHD, "0-1", "median"), lev_m, lm),
            _entry("switching.post_phd_pay_usd", phd01["median"] * f_lev, 3, _levels_desc(SWE, PHD, "0-1", "median"), lev_m, lm),
            _entry("phd.post_phd_pay_log_sd", log_sd_from_quartiles(phd01["p25"], phd01["p75"]), 2, _levels_desc(SWE, PHD, "0-1", "p25 and p75"), "(ln p75 - ln p25) / 1.349", lm),
            _entry("phd.faculty_start_pay_usd", faculty["a_median"] * f_bls, 3, f"{BLS_FILE}: year=2024, occ_code=25-1021 ({faculty['occ_title']}), a_median", bls_m, "H"),
            _entry("phd.other_start_pay_usd", research["a_median"] * f_bls, 3, f"{BLS_FILE}: year=2024, occ_code=15-1221 ({research['occ_title']}), a_median", bls_m, "H"),
        ]
    )


def experience_pay_growth(*, title: str = "Software Engineer", education: str = "Bachelor's Degree", years: float = 7.0) -> float:
    """Cross-sectional log pay growth per year between the 0-1 and 5-9 years-of-experience
    medians of levels.fyi (``years`` between the two brackets' midpoints, about 7).

    Not a default: it is the target that ``employment.real_raise``,
    ``employment.promotion_probability`` and ``employment.promotion_raise`` together
    should roughly reproduce (see docs/model.md).
    """
    a, b = _levels_row(title, education, "0-1"), _levels_row(title, education, "5-9")
    return float(math.log(b["median"] / a["median"]) / years)


#: levels.fyi experience brackets and the years of experience each stands for in the
#: simulation (0-based year index = completed years of work; "10-40" is read as ~12).
EXPERIENCE_BRACKETS: dict[str, int] = {"0-1": 0, "2-4": 3, "5-9": 7, "10-40": 12}


def experience_pay_ratios(*, title: str = "Software Engineer", education: str = "Bachelor's Degree") -> pd.Series:
    """levels.fyi median total pay of each experience bracket over the 0-1 years median.

    The target that ``employment.real_raise``, ``promotion_probability``,
    ``promotion_raise`` and ``max_promotions`` are chosen to reproduce (see
    :func:`simulated_experience_pay_ratios` and docs/model.md section 6.5). Ratios are
    free of the dollar year.

    Returns
    -------
    pandas.Series
        Indexed by years of experience (0, 3, 7, 12, from :data:`EXPERIENCE_BRACKETS`).

    Examples
    --------
    >>> experience_pay_ratios().round(3).tolist()
    [1.0, 1.175, 1.459, 1.747]
    """
    base = _levels_row(title, education, "0-1")["median"]
    return pd.Series(
        {k: float(_levels_row(title, education, b)["median"] / base) for b, k in EXPERIENCE_BRACKETS.items()},
        name="levelsfyi_median_ratio",
    ).rename_axis("years_experience")


def simulated_experience_pay_ratios(result, *, career: str = "engineer", years: tuple[int, ...] = (3, 7, 12)) -> pd.DataFrame:
    """Median simulated pay after ``years`` years of work over the median of year 1, with
    the levels.fyi ratios beside them.

    Like with like: levels.fyi is a cross-section of people *currently employed* as
    software engineers without a PhD, so year ``k`` (0-based: ``k`` completed years) counts
    only worlds where ``career`` is employed in that year and was never a student up to it
    (those who went back for a PhD left the population). Everything else stays in: past
    busts, layoffs and their pay cuts, and the year's stock factor, which the data's
    respondents also lived through. Incomes are ``Result.income`` (a spell of less than
    half a year still counts as employed).

    Parameters
    ----------
    result
        A :class:`careersim.Result` containing ``career``.

    Returns
    -------
    pandas.DataFrame
        One row per year of experience: ``simulated`` ratio, its Monte Carlo ``se`` (delta
        method from the order-statistic standard errors of the two medians, treated as
        independent, which overstates it), the levels.fyi ``target``, ``relative_error``
        and the number of worlds counted (``n``).
    """
    from ._results import quantiles_with_se
    from .careers._machine import EMPLOYED, STUDENT

    i = result.index(career)
    income, status = result.income[i], result.status[i]  # (world, year)
    target = experience_pay_ratios()
    ok0 = status[:, 0] == EMPLOYED
    (m0,), (se0,) = quantiles_with_se(income[ok0, 0], [0.5])
    rows = []
    for k in years:
        ok = (status[:, k] == EMPLOYED) & ~(status[:, : k + 1] == STUDENT).any(axis=1)
        (mk,), (sek,) = quantiles_with_se(income[ok, k], [0.5])
        ratio = mk / m0
        rows.append({
            "years_experience": k, "simulated": ratio, "se": ratio * math.hypot(sek / mk, se0 / m0),
            "target": float(target.get(k, np.nan)), "n": int(ok.sum()),
        })
    df = pd.DataFrame(rows).set_index("years_experience")
    df["relative_error"] = df["simulated"] / df["target"] - 1.0
    return df


# ---------------------------------------------------------------------------------------
# layoffs and the job-market regime


def layoff_defaults(*, boom_years: tuple[int, ...] = (2022, 2024, 2025), bust_years: tuple[int, ...] = (2023,)) -> dict[str, CalibratedDefault]:
    """Layoff hazard in a boom year and the bust multiplier from the layoffs.fyi summary.

    The hazard is US employees laid off (as reported to layoffs.fyi) divided by CompTIA's
    ~5.9M US tech-occupation workers, averaged over ``boom_years``; the multiplier is the
    ``bust_years`` mean over the ``boom_years`` mean. Low confidence: layoffs.fyi misses
    events and counts (``events_missing_count``) and counts non-tech staff of tech firms,
    and the denominator is not the population at risk. 2020 (COVID), 2021 (hiring boom,
    0.16%) and 2026 (partial) are left out.

    ``layoffs.lab_closure_hazard`` is 0: layoffs.fyi records a lab closure among its
    company's layoffs (Uber AI Labs closed in Uber's May-2020 cuts), and nearly every industry job in the model is a
    research role that faces both hazards, so any extra closure hazard would count those
    job losses twice. The rate computed here is already the research roles' total.
    """
    lay = load_data(LAYOFFS_FILE).set_index("year")
    workforce = CITED["comptia_us_tech_occupation_workforce"]
    rate = lay["us_employees_laid_off_reported"] / workforce.value
    # the file's own rate column is the same division, rounded; check we read it the same way
    if not np.allclose(rate.round(4), lay["us_rate_vs_comptia_tech_occ_5.9M"], atol=1.5e-4):
        raise ValueError(f"{LAYOFFS_FILE}: us_rate_vs_comptia_tech_occ_5.9M does not match counts / 5.9M")
    boom = rate.loc[list(boom_years)].mean()
    bust = rate.loc[list(bust_years)].mean()
    by = ", ".join(map(str, boom_years))
    return dict(
        [
            _entry(
                "layoffs.annual_layoff_hazard", boom, 2,
                f"{LAYOFFS_FILE}: us_employees_laid_off_reported, years {by}; denominator {workforce.source}",
                f"mean over {by} of US layoffs / {workforce.value:,.0f}", "L",
            ),
            _entry(
                "regime.bust_layoff_multiplier", bust / boom, 2,
                f"{LAYOFFS_FILE}: us_employees_laid_off_reported, {', '.join(map(str, bust_years))} vs {by}",
                "bust-year rate / mean boom-year rate", "L",
            ),
            _entry(
                "layoffs.lab_closure_hazard", 0.0, None,
                f"{LAYOFFS_FILE}: closures are among the counted layoffs (data/SOURCES.md)",
                "total job-loss rate of research roles minus annual_layoff_hazard (both the layoffs.fyi rate) = 0", "derived",
            ),
        ]
    )


def regime_defaults(*, boom_to_bust_probability: float | None = None, bust_to_boom_probability: float | None = None) -> dict[str, CalibratedDefault]:
    """The chain's stationary share of bust years, ``p / (p + q)``, used as the chance that
    year 1 is a bust. The transition probabilities default to the scenario's defaults."""
    from ._scenario import RegimeParams

    d = RegimeParams()
    p = d.boom_to_bust_probability if boom_to_bust_probability is None else boom_to_bust_probability
    q = d.bust_to_boom_probability if bust_to_boom_probability is None else bust_to_boom_probability
    share = p / (p + q) if p + q > 0 else 0.0
    return dict([_entry("regime.initial_bust_probability", share, 2, f"regime.boom_to_bust_probability = {p:g}, regime.bust_to_boom_probability = {q:g}", "stationary bust share p / (p + q)", "derived")])


def unemployment_defaults() -> dict[str, CalibratedDefault]:
    """Median unemployment spell from BLS CPS table E-10 (cited figures)."""
    weeks = CITED["bls_cps_median_unemployment_weeks"]
    return dict([_entry("layoffs.spell_median_years", weeks.value / WEEKS_PER_YEAR, 1, weeks.source, "weeks / 52.18", weeks.confidence)])


# ---------------------------------------------------------------------------------------
# PhD, residency, independent research, finances


def stipend_defaults(*, currency_year: int | None = None) -> dict[str, CalibratedDefault]:
    """PhD stipends: the NSF GRFP row shipped in data/ and the cited CSStipendRankings figures.

    All are stipends paid in AY 2025-26 (the GRFP's 37,000 runs 2023-2026; the
    CSStipendRankings snapshot lists current amounts), priced at the academic year's centre
    (:data:`PRICE_BASES`), so the factor to 2026 dollars is exactly 1 under
    :func:`price_level`'s no-inflation-in-2026 assumption.
    """
    f = dollar_factor("stipend_ay_2025_26", currency_year=currency_year)
    fm = f" x {f:.4f} (CPI, AY 2025-26 -> currency year)"
    nsf = load_data(NSF_FILE)
    row = nsf[nsf["year_or_period"] == "2023-2026"]
    if len(row) != 1:
        raise LookupError(f"{NSF_FILE}: no unique 2023-2026 row")
    grfp = float(row.iloc[0]["annual_stipend_usd"])
    others = [CITED[k] for k in ("doe_csgf_stipend", "ndseg_stipend", "hertz_stipend", "meta_fellowship_stipend")]
    # the default place is the Bay Area: its departments' stipends (data/places_2026.csv too)
    bay = float(np.mean([CITED["stipend_stanford_cs"].value, CITED["stipend_berkeley_cs"].value]))
    bay_source = f"{CITED['stipend_stanford_cs'].source} (Stanford {CITED['stipend_stanford_cs'].value:,.0f}, Berkeley {CITED['stipend_berkeley_cs'].value:,.0f})"
    return dict(
        [
            _entry(
                "phd.stipend_fellowship_usd", np.mean([grfp] + [c.value for c in others]) * f, None,
                f"{NSF_FILE}: year_or_period=2023-2026, annual_stipend_usd ({grfp:,.0f}); DOE CSGF, NDSEG, Hertz, Meta "
                f"({', '.join(f'{c.value:,.0f}' for c in others)}) from {others[0].source}",
                "mean of the five fellowship stipends" + fm, "M",
            ),
            _entry("phd.stipend_advisor_grant_usd", bay * f, None, bay_source, "mean of the two cited figures" + fm, "M"),
            _entry("phd.stipend_ta_usd", bay * f, None, bay_source, "mean of the two cited figures (departments pay TAs and RAs alike)" + fm, "M"),
            _entry("switching.stipend_usd", bay * f, None, bay_source, "mean of the two cited figures" + fm, "M"),
        ]
    )


def phd_outcome_defaults() -> dict[str, CalibratedDefault]:
    """Shares of new PhDs going to industry and academia (cited AI Index figures)."""
    ind, aca = CITED["ai_phd_industry_share"], CITED["ai_phd_academia_share"]
    return dict(
        [
            _entry("phd.industry_research_probability", ind.value, None, ind.source, "cited figure", ind.confidence),
            _entry("phd.academia_probability", aca.value, None, aca.source, "cited figure", aca.confidence),
        ]
    )


def residency_and_grant_defaults() -> dict[str, CalibratedDefault]:
    """Residency length, pay and conversion, and grant renewal (cited figures; weak)."""
    weekly, offers = CITED["anthropic_fellows_weekly_stipend"], CITED["anthropic_fellows_offer_share"]
    months, ltff = CITED["google_ai_residency_months"], CITED["ltff_acceptance_rate"]
    f = dollar_factor("press_2025")
    return dict(
        [
            _entry("residency.duration_years", months.value / 12.0, None, months.source, "months / 12", months.confidence),
            _entry(
                "residency.pay_usd", weekly.value * 52.0 * f, 2, weekly.source + " (OpenAI Residency: $210k annualised)",
                f"weekly x 52 x {f:.4f} (CPI, mid-2025 -> 2026)", weekly.confidence,
            ),
            _entry("residency.conversion_probability", offers.value, 1, offers.source, "the press-reported lower bound, as it is", "L"),
            _entry("independent.renewal_probability", ltff.value, 1, ltff.source, "acceptance rate used as the renewal probability (proxy)", "L"),
        ]
    )


def finance_defaults(*, stipend_usd: float | None = None) -> dict[str, CalibratedDefault]:
    """Living costs, and the funds' income yields.

    * ``living_cost_usd``: the median CS stipend after its 2026 income tax where prices are
      the US average (place ``elsewhere``: the median state's tax; a stipend pays no payroll
      tax), so a student on the median stipend at US-average prices neither saves nor
      borrows; the place's price index scales it. Written to three significant digits
      (36,800 for the computed 36,824: two digits, 37,000, would make that student borrow).
    * ``stock_dividend_yield``: S&P 500 dividend / price, the monthly mean over 2014-01 to
      2023-06 (the last decade of the Shiller file: buybacks have replaced much of the payout
      since the 1980s, so the 1928-2023 mean of 3.7% would overstate the tax).
    * ``bond_income_yield``: the 10-year Treasury yield, monthly mean 1928-01 to 2023-06, the
      window of the bond return model.
    """
    from ._finances import income_tax

    stipend = CITED["cs_phd_stipend_median_us"].value if stipend_usd is None else stipend_usd
    net = stipend - float(income_tax(np.array(stipend), place="elsewhere", kind="stipend"))
    sh = load_data(SHILLER_FILE)
    sh["Date"] = pd.to_datetime(sh["Date"])
    sh = sh[sh["Dividend"] > 0]
    recent = sh[(sh["Date"] >= "2014-01-01") & (sh["Date"] < "2023-07-01")]
    long_run = sh[(sh["Date"] >= "1928-01-01") & (sh["Date"] < "2023-07-01")]
    return dict(
        [
            _entry(
                "finances.living_cost_usd", net, 3,
                f"{CITED['cs_phd_stipend_median_us'].source}; careersim._finances.income_tax(place='elsewhere', kind='stipend'), 2026 tables",
                "stipend - tax(stipend)", "derived",
            ),
            _entry("finances.stock_dividend_yield", float((recent["Dividend"] / recent["SP500"]).mean()), 3,
                   f"{SHILLER_FILE}, months 2014-01 to 2023-06 ({len(recent)} rows)", "mean of Dividend / SP500", "H"),
            _entry("finances.bond_income_yield", float(long_run["Long Interest Rate"].mean() / 100.0), 3,
                   f"{SHILLER_FILE}, months 1928-01 to 2023-06 ({len(long_run)} rows)", "mean of Long Interest Rate / 100", "H"),
        ]
    )


#: scenario key <- (row key in data/finance_rules_2026.csv, its year), for figures taken as they are
FINANCE_RULES = {
    "finances.limit_401k_usd": ("k401_elective_deferral_limit", "2026"),
    "finances.roth_ira_limit_usd": ("ira_contribution_limit", "2026"),
    "finances.roth_phaseout_start_usd": ("roth_ira_phaseout_single_start", "2026"),
    "finances.roth_phaseout_end_usd": ("roth_ira_phaseout_single_end", "2026"),
    "finances.employer_match_rate": ("employer_match_rate_typical", "2020"),
    "finances.employer_match_cap_share": ("employer_match_cap_typical", "2020"),
    "finances.expense_ratio": ("expense_ratio_index_equity_mutual_fund_avg", "2022"),
    "finances.consumption_income_elasticity": ("consumption_elasticity_permanent_income", "2019-2023"),
    "finances.ui_replacement_rate": ("ui_replacement_rate", "2025"),
    "finances.student_debt_interest_rate": ("student_loan_rate_undergrad_direct", "2025-26"),
    "finances.student_debt_term_years": ("student_loan_standard_term", "current"),
    "finances.stock_share": ("glide_path_equity_start", "2024"),
    "finances.glide_path_end_stock_share": ("glide_path_equity_at_target_date", "2025"),
}


def finance_rule_defaults() -> dict[str, CalibratedDefault]:
    """Account limits, match, fees, the spending elasticity, unemployment insurance, student
    loans and the glide path's shares, as the cited figures in data/finance_rules_2026.csv."""
    rules = load_data(FINANCE_RULES_FILE)
    out = {}
    for key, (rule, year) in FINANCE_RULES.items():
        row = rules[(rules["key"] == rule) & (rules["year"].astype(str) == year)]
        if len(row) != 1:
            raise LookupError(f"{FINANCE_RULES_FILE}: no unique row {rule!r}, year {year!r}")
        r = row.iloc[0]
        out.update([_entry(key, float(r["value"]), None, f"{FINANCE_RULES_FILE}: {rule} ({year}); {r['source']}", "cited figure", str(r["confidence"]))])
    return out


def calibrate() -> dict[str, CalibratedDefault]:
    """Every data-calibrated default, keyed by dotted scenario key.

    Returns
    -------
    dict
        ``{"section.key": CalibratedDefault}``; see :data:`DISAGREEMENTS` for keys whose
        bundled default currently differs from the computed value.

    Examples
    --------
    >>> from careersim.calibration import calibrate
    >>> round(calibrate()["layoffs.annual_layoff_hazard"].value, 4)
    0.018
    """
    out: dict[str, CalibratedDefault] = {}
    for part in (
        market_defaults(),
        pay_defaults(),
        layoff_defaults(),
        regime_defaults(),
        unemployment_defaults(),
        stipend_defaults(),
        phd_outcome_defaults(),
        residency_and_grant_defaults(),
        finance_defaults(),
        finance_rule_defaults(),
    ):
        out.update(part)
    return out


#: Keys whose bundled default differs from the value computed here, with the reason.
#: The test marks them as expected failures (strict), so fixing the default makes the
#: test demand that the entry be removed from this dict.
DISAGREEMENTS: dict[str, str] = {}

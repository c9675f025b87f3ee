"""Scenario parameters: frozen dataclasses of plain numbers, validated on construction.

A :class:`Scenario` holds one section per TOML table. All money is in real US dollars of
the scenario's ``currency_year`` per year; all probabilities are per year unless a name
says otherwise. Each default names its source (see data/SOURCES.md and docs/model.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from ._params import Params, Prior, ScenarioError, allowed_text, param, short_repr, suggest
from ._paths import PathSpec, check_paths, default_paths, paths_to_table
from ._places import PLACE_IDS

# Short source tags used in the field metadata; docs/model.md expands them.
DAMODARAN = "data/us_annual_returns_1928-2025.csv (Damodaran, 1928-2025), computed by careersim.calibration"
LEVELS = "data/levelsfyi_us_totalcomp_percentiles_2017-2021.csv"
BLS = "data/bls_oews_selected_occupations_2020-2024.csv (May 2024)"
LAYOFFS = "data/layoffs_annual_summary_2020-2026.csv"
# levels.fyi pay is in 2017-2021 dollars, priced at the end of 2019; BLS OEWS at May 2024.
LEVELS_2026 = "converted to 2026 dollars by CPI (x 1.262 from end-2019, careersim.calibration.dollar_factor)"
BLS_2026 = "converted to 2026 dollars by CPI (x 1.046 from May 2024, careersim.calibration.dollar_factor)"
STIPEND = "CSStipendRankings stipend-us.csv (AY 2025-26, taken as 2026 dollars; CC BY-NC-ND, figure cited in data/SOURCES.md, file not shipped)"
ASSUMPTION = "assumption (no public figure; see docs/model.md)"


@dataclasses.dataclass(frozen=True, kw_only=True)
class SimulationParams(Params):
    """Who is simulated and for how long."""

    section: ClassVar[str] = "simulation"
    start_age: int = param(22, unit="years", low=14, high=80, doc="Age at the start of year 1 (the decision point).", source="bundled scenario: a final-year undergraduate")
    horizon_years: int = param(40, unit="years", low=1, high=80, doc="Number of simulated years.", source="issue 2: default 40 years")
    initial_net_worth_usd: float = param(0.0, unit="USD", low=-1e7, high=1e9, doc="Net worth at the start (negative = debt).", source="assumption: starts from zero")
    currency_year: int = param(2026, unit="calendar year", low=1900, high=2200, doc="Dollars are real dollars of this year.", source="bundled scenario; every pay default is converted to it by CPI (careersim.calibration.dollar_factor; no inflation assumed in 2026 beyond December 2025)")


@dataclasses.dataclass(frozen=True, kw_only=True)
class MarketParams(Params):
    """Index-fund returns and inflation, drawn jointly per world and year."""

    section: ClassVar[str] = "market"
    model: str = param("lognormal", unit="-", choices=("lognormal", "student_t", "bootstrap", "historical"), doc="lognormal: correlated normal log real return and inflation; student_t: the same with Student-t shocks; bootstrap: circular block bootstrap of the 1928-2025 years; historical: the actual years from history_start_year on (then a bootstrap past the data).", source="DESIGN.md")
    real_log_return_mean: float = param(0.0656, unit="log(1+r)/year", low=-0.5, high=0.12, doc="Mean of the annual log real total return of the index fund (upper bound 0.12: about the best 20-year run of 1928-2025, 0.124 in 1980-99; the best 40-year run is 0.088; held for decades, larger means only give absurd net worth, above $1e24 within 80 years at 0.5).", source=DAMODARAN, prior=Prior("shift", 0.02, "the standard error of the 1928-2025 mean of annual log real returns: sd 0.195 / sqrt(98 years) = 0.020; the market's mean is not knowable better than this"))
    real_log_return_sd: float = param(0.190, unit="log(1+r)/year", low=0.0, high=0.35, doc="Standard deviation of the annual log real return (0 = no volatility; upper bound 0.35: above the most volatile 10-year run of 1928-2025, 0.33 in 1929-38, and nearly twice the full-period 0.19; wider spreads, with mean wealth growing by exp(sd**2 / 2) a year, give absurd net worth within 80 years, above $1e19 at 1.0).", source=DAMODARAN)
    inflation_mean: float = param(0.0311, unit="1/year", low=-0.1, high=0.5, doc="Mean annual CPI inflation (lower bound -0.1: the worst single year of 1928-2025, 1932, and twice the worst 5-year average, -5.3% in 1928-32; sustained deflation beyond it only compounds debt at absurd real rates).", source=DAMODARAN)
    inflation_sd: float = param(0.0390, unit="1/year", low=0.0, high=0.2, doc="Standard deviation of annual inflation (upper bound 0.2: twice the most volatile 3-year run of 1928-2025, 0.092 in 1944-46; inflation is normal and floored at -50% a year, careersim._market.INFLATION_FLOOR, which at inflation_mean -0.1 and this spread already binds in 2% of years).", source=DAMODARAN)
    return_inflation_correlation: float = param(-0.153, unit="-", low=-1.0, high=1.0, doc="Correlation of log real return and inflation.", source=DAMODARAN)
    student_t_df: float = param(5.0, unit="-", low=3.0, high=1000.0, doc="Degrees of freedom of the Student-t shocks (scaled to unit variance; lower bound 3: the tail index of the 'cubic law' of stock returns, the fattest tail commonly measured; as df falls to 2 the unit-variance scaling shrinks a typical year to almost nothing and puts the variance into rare, enormous years). A year's log return is limited to +-3 (careersim._market.LOG_RETURN_LIMIT).", source="assumption: a stress choice, fatter-tailed than the 1928-2025 annual data (sample excess kurtosis of log real returns 0.55, matched by df ~15; careersim.calibration.market_tail_diagnostics)")
    bootstrap_block_years: int = param(5, unit="years", low=1, high=40, doc="Block length of the circular block bootstrap.", source="assumption: keeps multi-year runs of history together")
    history_start_year: int = param(2015, unit="calendar year", low=1928, high=2025, doc="First historical year used by model = 'historical'.", source="seed essay: a 2015 graduate")
    bond_real_log_return_mean: float = param(0.0144, unit="log(1+r)/year", low=-0.1, high=0.1, doc="Mean of the annual log real total return of the bond fund (10-year US Treasuries), parametric models.", source=DAMODARAN + ": mean of ln((1 + tbond_10y_return) / (1 + cpi_inflation)); bounds: beyond any 20-year run of the data")
    bond_real_log_return_sd: float = param(0.0868, unit="log(1+r)/year", low=0.0, high=0.3, doc="Standard deviation of the annual log real bond return (0 = no volatility).", source=DAMODARAN + ": sample sd of ln((1 + tbond_10y_return) / (1 + cpi_inflation))")
    bond_return_correlation: float = param(0.0966, unit="-", low=-1.0, high=1.0, doc="Correlation of the log real bond return with the log real stock return.", source=DAMODARAN + ": Pearson correlation of the two log real returns")
    bond_inflation_correlation: float = param(-0.530, unit="-", low=-1.0, high=1.0, doc="Correlation of the log real bond return with inflation (unexpected inflation hurts nominal bonds).", source=DAMODARAN + ": Pearson correlation of ln((1 + tbond_10y_return) / (1 + cpi_inflation)) and cpi_inflation")

    def _check_relations(self) -> None:
        # the three correlations must form a valid (positive semi-definite) matrix
        r = np.array([[1.0, self.return_inflation_correlation, self.bond_return_correlation],
                      [self.return_inflation_correlation, 1.0, self.bond_inflation_correlation],
                      [self.bond_return_correlation, self.bond_inflation_correlation, 1.0]])
        if np.linalg.eigvalsh(r).min() < -1e-9:
            self._fail("bond_inflation_correlation", self.bond_inflation_correlation,
                       f"consistent with return_inflation_correlation = {self.return_inflation_correlation:g} and bond_return_correlation = "
                       f"{self.bond_return_correlation:g} (the three must form a valid correlation matrix)")


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegimeParams(Params):
    """A two-state (boom / bust) Markov chain for the ML job market, shared by all careers."""

    section: ClassVar[str] = "regime"
    boom_to_bust_probability: float = param(0.15, unit="1/year", low=0.0, high=1.0, doc="Annual probability that a boom year is followed by a bust year.", source="assumption, loosely from " + LAYOFFS + ": one clearly elevated year (2023) and one wave (2022-23) in 2020-25; with bust_to_boom 0.5 the chain spends 0.15/0.65 = 23% of years in bust")
    bust_to_boom_probability: float = param(0.5, unit="1/year", low=0.0, high=1.0, doc="Annual probability that a bust ends (mean bust length = 1/p years).", source="assumption: a mean bust of 2 years, like the 2022-23 layoff wave in " + LAYOFFS)
    initial_bust_probability: float = param(0.23, unit="-", low=0.0, high=1.0, doc="Probability that year 1 is a bust year.", source="stationary bust share p/(p+q) of the default chain, computed by careersim.calibration")
    bust_layoff_multiplier: float = param(1.7, unit="x", low=0.0, high=20.0, doc="Layoff hazard in a bust year relative to a boom year.", source=LAYOFFS + ": US layoffs in 2023 / mean of 2022, 2024, 2025 = 1.68 (low confidence)")
    bust_raise_penalty: float = param(0.03, unit="1/year", low=0.0, high=0.3, doc="Real raises are this much lower in a bust year (upper bound 0.3: with real_raise at its lowest, -0.5, pay still keeps a fifth; at 0.5 it would drop to zero, a -100% raise).", source=ASSUMPTION)
    bust_hiring_multiplier: float = param(0.6, unit="x", low=0.0, high=1.0, doc="Multiplies residency conversion and grant renewal probabilities in a bust year.", source=ASSUMPTION, prior=Prior("odds", 2.0, "an assumption with no public figure (docs/model.md 7): odds halved or doubled, 0.43-0.75 around 0.6"))
    bust_spell_multiplier: float = param(1.5, unit="x", low=0.1, high=10.0, doc="Unemployment spells starting in a bust year are this much longer.", source=ASSUMPTION)


BLS_EDUCATION = ("BLS Current Population Survey, unemployment rate by educational attainment, age 25+, annual averages: "
                 "bachelor's 5.4% and doctoral 1.9% in 2010 (a bust), 2.2% and 1.1% in 2019 (a boom)")


@dataclasses.dataclass(frozen=True, kw_only=True)
class CredentialParams(Params):
    """The credential filter: when ML demand cools, people without a PhD are filtered out first
    (the essay "five years after skipping a PhD": "credentials are the first filter").

    It applies to everyone in the world without a finished PhD (an engineer, a resident, an
    independent researcher once hired, someone who left a PhD with a master's), whatever the
    career; PhD holders are exempt.
    """

    section: ClassVar[str] = "credentials"
    bust_layoff_multiplier: float = param(1.4, unit="x", low=0.0, high=20.0, doc="In a bust year, the layoff hazard of an industry worker without a PhD is this many times that of one with a PhD (on top of regime.bust_layoff_multiplier, which hits both).", source=BLS_EDUCATION + ": the bachelor's-to-doctoral ratio rose from 2.0 to 2.84 between the boom and the bust, a factor of 1.42, taken as the extra hazard (the spell is left to bust_spell_multiplier); all occupations, not ML (low confidence)", prior=Prior("ratio", 1.5, "one pair of years of all-occupation BLS data for an ML-specific effect: x/ 1.5 (0.93-2.1 around 1.4)"))
    bust_spell_multiplier: float = param(1.0, unit="x", low=0.1, high=10.0, doc="In a bust year, unemployment spells of people without a PhD are this much longer (on top of regime.bust_spell_multiplier).", source="1: the BLS ratio of " + BLS_EDUCATION + " is carried by bust_layoff_multiplier already; a stress lever")
    bust_conversion_multiplier: float = param(0.8, unit="x", low=0.0, high=1.0, doc="In a bust year, a residency's conversion to a research role is this much less likely (on top of regime.bust_hiring_multiplier, which applies to all hiring): the first filter of a cooling market.", source=ASSUMPTION + " (a judgement: research roles are where the filter bites hardest)", prior=Prior("odds", 2.0, "a judgement: odds halved or doubled (0.67-0.89 around 0.8)"))
    research_share_trend: float = param(0.0, unit="1/year", low=0.0, high=0.5, doc="The share of research roles open to people without a PhD falls by this fraction a year: in year t (from 1) a residency converts with probability x (1 - trend)^(t - 1), and an industry worker without a PhD is laid off with the hazard / (1 - trend)^(t - 1) (at most 1). 0 switches the trend off.", source="0 (off): the essay's 'ask people in electrical engineering' is an argument, not a figure; a lever for the claim's overturning search")


@dataclasses.dataclass(frozen=True, kw_only=True)
class LayoffParams(Params):
    """The one layoff mechanism shared by every employed state."""

    section: ClassVar[str] = "layoffs"
    annual_layoff_hazard: float = param(0.018, unit="1/year", low=0.0, high=1.0, doc="Probability per boom year that an employed industry worker is laid off.", source=LAYOFFS + ": US layoffs / 5.9M US tech-occupation workers (CompTIA 2024), mean of 2022, 2024, 2025 = 1.80% (low confidence: coverage errors both ways); includes lab closures, which layoffs.fyi counts as layoffs", prior=Prior("ratio", 1.5, "docs/model.md 7.3: a crowd-sourced tracker with coverage errors both ways and a denominator that is not the population at risk: x/ 1.5"))
    lab_closure_hazard: float = param(0.0, unit="1/year", low=0.0, high=1.0, doc="Extra annual probability that a research role ends because its lab closes, on top of annual_layoff_hazard (a stress lever).", source=LAYOFFS + ": 0 because layoffs.fyi counts a lab closure among its company's layoffs (Uber AI Labs closed in Uber's May-2020 cuts), so the layoff hazard already includes closures, which research roles face in full; set it above 0 only to stress a fragile lab, and lower annual_layoff_hazard to keep the total (see docs/model.md 6.4)")
    spell_median_years: float = param(0.2, unit="years", low=0.0, high=10.0, low_open=True, doc="Median length of an unemployment spell (lognormal).", source="BLS CPS table E-10: mean of the 2023Q1-2024Q3 medians 9.1 weeks = 0.175 years, rounded up (professional occupations 7-12 weeks)")
    spell_log_sd: float = param(1.0, unit="log years", low=0.0, high=3.0, doc="Log-scale spread of spell length.", source="assumption informed by BLS CPS (E-10 mean ~20 weeks; aa2024 table 29: 25% of job losers at 27+ weeks): those describe spells in progress, which over-represent long spells and imply a log sd of 1.3-1.6; completed spells are shorter, so 1.0")
    reemployment_log_pay_change_mean: float = param(-0.05, unit="log pay", low=-2.0, high=0.5, doc="Mean log change of pay on re-employment after a layoff (upper bound 0.5, a 65% rise: a layoff is not a way to raise pay, and repeated larger rises compound to absurd pay).", source=ASSUMPTION)
    reemployment_log_pay_change_sd: float = param(0.10, unit="log pay", low=0.0, high=2.0, doc="Spread of the log pay change on re-employment.", source=ASSUMPTION)


@dataclasses.dataclass(frozen=True, kw_only=True)
class EmploymentParams(Params):
    """Pay growth and promotions shared by every job track."""

    section: ClassVar[str] = "employment"
    real_raise: float = param(0.015, unit="1/year", low=-0.5, high=0.15, doc="Annual real raise in a boom year, before promotions (upper bound 0.15, pay doubling every 5 years: sustained for decades larger raises give absurd pay, 2**80 times the start at 1.0).", source="fitted with promotion_probability, promotion_raise and max_promotions to " + LEVELS + " (Software Engineer, Bachelor's, medians at 0-1, 2-4, 5-9, 10+ years = 1 : 1.175 : 1.459 : 1.747): the simulated engineer's median pay after 3, 7 and 12 years matches these ratios within 2% (careersim.calibration.simulated_experience_pay_ratios, tests/test_calibration.py); the split between raises and promotions is an assumption")
    promotion_probability: float = param(0.4, unit="1/year", low=0.0, high=1.0, doc="Annual probability of a promotion while below max_promotions.", source="fitted, as real_raise: the one value changed (from 0.25, which undershot the data by 5-12%) to match the levels.fyi experience profile, see docs/model.md 6.5")
    promotion_raise: float = param(0.14, unit="-", low=0.0, high=1.0, doc="Pay rise at a promotion (upper bound 1.0, pay doubles: a level step on a tech ladder is typically 10-30%).", source="fitted, as real_raise (a typical one-level step; the fit does not separate it from promotion_probability)")
    max_promotions: int = param(4, unit="count", low=0, high=20, doc="Number of promotions after which pay grows only by raises.", source="fitted, as real_raise: " + LEVELS + " growth slows from 5.4%/yr (0-7 years) to 3.6%/yr (7-12 years); with 4 promotions at 0.4/yr most engineers stop being promoted after ~10 years")
    equity_fraction: float = param(0.25, unit="-", low=0.0, high=1.0, doc="Share of industry pay paid in stock, whose value moves with the market.", source=ASSUMPTION + " (typical big-tech mix)")
    equity_market_beta: float = param(1.0, unit="-", low=0.0, high=5.0, doc="Sensitivity of the stock part of pay to the market's return that year.", source=ASSUMPTION)
    faculty_real_raise: float = param(0.01, unit="1/year", low=-0.5, high=0.15, doc="Annual real raise of a faculty job (no layoffs, no equity; upper bound 0.15, as employment.real_raise).", source="assumption: the " + BLS + " 25-1021 medians are too noisy to calibrate it (nominal +3.1%/yr 2020-24 but +7.5%/yr 2021-24, i.e. real about -1.7% or +3.1%/yr), and cross-sections do not measure raises")
    ability_pay_effect: float = param(0.05, unit="log pay per sd", low=0.0, high=1.0, doc="Log pay change per standard deviation of latent research ability.", source=ASSUMPTION)
    start_pay_log_sd: float = param(0.19, unit="log pay", low=0.0, high=2.0, doc="Spread of starting pay across people, for every job but post-PhD ones.", source=LEVELS + ": (ln p75 - ln p25) / 1.349 = 0.191 for Software Engineer, Bachelor's, 0-1 years")
    job_search_years: float = param(0.25, unit="years", low=0.0, high=5.0, doc="Unpaid search time when a degree, residency or grant ends without a job lined up.", source="BLS CPS E-10 median spell ~9-10 weeks, rounded up for new entrants")


@dataclasses.dataclass(frozen=True, kw_only=True)
class FinanceParams(Params):
    """Pay -> tax -> spending -> saving in accounts -> a stock/bond mix; shortfalls become debt.

    Where the person lives (``place``) sets prices, state and city income tax, unemployment
    insurance and the local PhD stipend (data/places_2026.csv; tax from the generated 2026
    tables, careersim._tax). See docs/model.md, "Money the way a planner models it".
    """

    section: ClassVar[str] = "finances"
    place: str = param("bay_area", unit="-", choices=PLACE_IDS, doc="Where the person lives, in every career: bay_area, seattle, nyc, boston, austin (a lower-cost metro, no state income tax), elsewhere (US-average prices, the median state's income tax).", source="judgement: the San Francisco Bay Area, where most AI labs are and whose big-tech pay " + LEVELS + " mostly reports; data/places_2026.csv for each place's figures")
    net_worth: str = param("after-tax", unit="-", choices=("after-tax", "pre-tax"), doc="Which net worth results report: after-tax (what the person could spend: the taxable account's gain taxed at the capital-gains rate, the 401(k) at the retirement tax rate, the Roth IRA tax-free, less debts) or pre-tax (every balance at face value, less debts).", source="judgement: after-tax is what a planner compares; pre-tax is the sum of statements")
    living_cost_usd: float = param(36_800.0, unit="USD/year", low=0.0, high=1e7, doc="Basic annual living costs (rent, food, ...) at US-average prices; the place's regional price parity scales them (Bay Area x 1.1755).", source="the after-tax median CS stipend at US-average prices, so a median-stipend student there breaks even: 39,962 less its 2026 income tax where prices are the US average (place elsewhere, the median state; no payroll tax on a stipend) = 36,824, at three digits (careersim.calibration.finance_defaults)")
    spending_rule: str = param("income_elasticity", unit="-", choices=("income_elasticity", "savings_rate"), doc="income_elasticity: spending is the place's living costs L, or L x (after-tax income / L)^elasticity when income is above them, so the share saved rises with income; savings_rate: L plus (1 - savings_rate) of any after-tax income above L (the old rule).", source="Straub (2019, rev. 2023), Consumption, Savings, and the Distribution of Permanent Income: consumption rises with permanent income with an elasticity of about 0.7 (data/SOURCES.md pf15)")
    consumption_income_elasticity: float = param(0.7, unit="-", low=0.0, high=1.0, doc="Elasticity of spending to after-tax income above the living costs (spending_rule = income_elasticity; 1 = spend it all, 0 = spend only the living costs).", source="Straub (2019, rev. 2023): 0.7 (data/SOURCES.md pf15)")
    savings_rate: float = param(0.5, unit="-", low=0.0, high=1.0, doc="Share of after-tax income above living costs that is saved (spending_rule = savings_rate).", source=ASSUMPTION)
    contribution_order: str = param("match,roth,401k,taxable", unit="-", choices=("match,roth,401k,taxable", "match,401k,roth,taxable", "roth,match,401k,taxable", "taxable"), doc="Where savings go, in order: match = the 401(k) up to the employer's match, roth = a Roth IRA to its limit, 401k = the 401(k) to its limit, taxable = a brokerage account (takes the rest); taxable alone = no tax-advantaged accounts.", source="the order planners recommend (Bogleheads wiki, Prioritizing investments: the match first, then an IRA, then the 401(k) limit, then taxable); a judgement")
    employer_match_rate: float = param(0.5, unit="-", low=0.0, high=2.0, doc="Employer 401(k) dollars per matched employee dollar, in every employed year (residents and faculty included: 403(b) plans match too); students and grant-funded researchers have no employer plan.", source="Vanguard How America Saves (2021 edition, via ASPPA): the most common formula, 50 cents per dollar on the first 6% of pay (data/SOURCES.md pf5)")
    employer_match_cap_share: float = param(0.06, unit="-", low=0.0, high=1.0, doc="Deferrals are matched up to this share of wages.", source="Vanguard How America Saves: the first 6% of pay (pf5); the average employer contribution is 4.6% of pay (2023, pf6)")
    limit_401k_usd: float = param(24_500.0, unit="USD/year", low=0.0, high=1e6, doc="IRS limit on a 401(k) employee deferral (limits are indexed to prices, so constant in real dollars).", source="IRS Notice 2025-67 / IR-2025-111: $24,500 for 2026 (data/SOURCES.md pf1)")
    roth_ira_limit_usd: float = param(7_500.0, unit="USD/year", low=0.0, high=1e6, doc="IRS limit on an IRA contribution. A graduate student's taxable fellowship or stipend counts as compensation (SECURE Act 2019, sec. 106); so does net self-employment income (a grant-funded researcher's).", source="IRS Notice 2025-67: $7,500 for 2026 (pf1); who may contribute: IRS Publications 970 and 590-A (pf3, pf4)")
    roth_phaseout_start_usd: float = param(153_000.0, unit="USD/year", low=0.0, high=1e7, doc="Modified AGI (taken as gross income less the 401(k) deferral: the simplification) where a single filer's Roth IRA limit starts to shrink; it is zero at roth_phaseout_end_usd (no backdoor Roth).", source="IRS Notice 2025-67: $153,000-$168,000 for 2026 (pf1)")
    roth_phaseout_end_usd: float = param(168_000.0, unit="USD/year", low=0.0, high=1e7, doc="Modified AGI where the Roth IRA limit reaches zero.", source="IRS Notice 2025-67 (pf1)")
    expense_ratio: float = param(0.0005, unit="1/year", low=0.0, high=0.05, doc="Annual fee of the index funds, a share of every balance.", source="ICI, Trends in the Expenses and Fees of Funds 2022: asset-weighted average expense ratio of index equity mutual funds 0.05% (pf9); index equity ETFs 0.14% (2024, pf8)")
    stock_dividend_yield: float = param(0.0184, unit="1/year", low=0.0, high=0.1, doc="Dividends of the stock fund, a share of its value, taxed each year in the taxable account as qualified dividends (part of the stock return, not added to it).", source="S&P 500 dividend / price, monthly mean 2014-01 to 2023-06 (data/shiller_sp500_monthly_1871-2026.csv, careersim.calibration.finance_defaults; 3.66% over 1928-2023, before buybacks replaced much of the payout); all qualified for an S&P 500 index fund (pf14)")
    bond_income_yield: float = param(0.0481, unit="1/year", low=0.0, high=0.2, doc="Interest of the bond fund, a share of its value, taxed each year in the taxable account as ordinary income (part of the bond return).", source="mean 10-year Treasury yield 1928-01 to 2023-06 (data/shiller_sp500_monthly_1871-2026.csv, Long Interest Rate), the window of the bond return model (careersim.calibration.finance_defaults)")
    allocation: str = param("glide_path", unit="-", choices=("glide_path", "constant"), doc="glide_path: stock_share in stocks until glide_path_start_age, then linearly down to glide_path_end_stock_share at glide_path_end_age; constant: stock_share always. Every account holds the same mix.", source="Vanguard target-date glide path (pf22-pf24)")
    stock_share: float = param(0.9, unit="-", low=0.0, high=1.0, doc="Share of every account in the stock fund (the rest in the bond fund); the glide path's starting share.", source="Vanguard target-date funds: 90% equities at the start of the glide path (pf22)")
    glide_path_start_age: int = param(40, unit="years", low=14, high=119, doc="Age at which the glide path starts to move from stocks to bonds.", source="fitted: 25 years before 65 gives Vanguard's 2030, 2035 and 2040 funds' equity shares of Sep 2024 (61.5, 69.0, 76.5%, pf24) as 59.6, 67.6 and 75.6%")
    glide_path_end_age: int = param(65, unit="years", low=15, high=120, doc="Age at which the glide path reaches its final share.", source="Vanguard target-date funds: the target (retirement) date, taken as 65")
    glide_path_end_stock_share: float = param(0.5, unit="-", low=0.0, high=1.0, doc="Share in stocks at glide_path_end_age.", source="Vanguard: about 50% equities at the target date (pf23, low confidence), as the fit above")
    retirement_income_usd: float = param(100_000.0, unit="USD/year", low=0.0, high=1e7, doc="For after-tax net worth: a 401(k) balance is taxed at the place's average income tax rate (at least 0) on this much ordinary income (not earned: no earned income credit) in a year of retirement.", source=ASSUMPTION + ": a comfortable single retiree's taxable income")
    ui_replacement_rate: float = param(0.5, unit="-", low=0.0, high=1.0, doc="Unemployment insurance pays this share of the lost job's weekly pay, up to the place's weekly maximum, for at most its maximum weeks, during a spell after a layoff (0 = none).", source="about half of the prior weekly wage (mass.gov; Pennsylvania, pf26); weekly maxima and weeks by state in data/places_2026.csv")
    student_debt_usd: float = param(0.0, unit="USD", low=0.0, high=1e6, doc="Student debt at the start (e.g. 29,300, the average bachelor's debt), repaid in equal nominal payments over student_debt_term_years in every career (no deferment).", source="optional, 0 by default; average bachelor's debt about $29,300 (public four-year, 2022-23, pf19b, low confidence)")
    student_debt_interest_rate: float = param(0.0639, unit="1/year nominal", low=0.0, high=0.36, doc="Fixed nominal interest on the student debt.", source="federal Direct Loan rate for undergraduates, 2025-26: 6.39% (pf18)")
    student_debt_term_years: int = param(10, unit="years", low=1, high=30, doc="Repayment term of the student debt.", source="federal standard repayment plan: 10 years (pf19)")
    debt_interest_rate: float = param(0.08, unit="1/year nominal", low=0.0, high=0.36, doc="Nominal interest on negative net worth (upper bound 0.36: the Military Lending Act's APR cap and a common state usury ceiling, above credit-card rates; debt compounding for decades at higher rates only gives absurd debt, -$1e27 at 1.0 within 80 years).", source="assumption: between federal student-loan (~6.5%) and personal-loan rates")

    def _check_relations(self) -> None:
        if self.roth_phaseout_end_usd < self.roth_phaseout_start_usd:
            self._fail("roth_phaseout_end_usd", self.roth_phaseout_end_usd, f"at least roth_phaseout_start_usd = {self.roth_phaseout_start_usd:g}")
        if self.glide_path_end_age <= self.glide_path_start_age:
            self._fail("glide_path_end_age", self.glide_path_end_age, f"more than glide_path_start_age = {self.glide_path_start_age}")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PhdParams(Params):
    """An ML PhD: stipend by funding source, duration, attrition, advisor quality, outcomes."""

    section: ClassVar[str] = "phd"
    stipend_fellowship_usd: float = param(40_560.0, unit="USD/year", low=0.0, high=1e6, doc="Stipend on an external fellowship, as the fellowship pays it (many departments top a fellowship up to their own stipend: then set it to that; no source gives how often).", source="AY 2025-26 stipends, taken as 2026 dollars: mean of NSF GRFP 37,000 (data/nsf_grfp_stipend_history.csv, 2023-2026 row) and DOE CSGF 45,000, NDSEG 40,800, Hertz 38,000, Meta 42,000 (CSStipendRankings fellowship-us.csv, cited in data/SOURCES.md)")
    stipend_advisor_grant_usd: float = param(52_288.0, unit="USD/year", low=0.0, high=1e6, doc="Stipend as a research assistant on the advisor's grant (the department's stipend where the person lives: data/places_2026.csv gives each place's).", source=STIPEND + ": the default place, the Bay Area: mean of Stanford 52,560 and Berkeley 52,016 (the median of 70 US departments is 39,962)")
    stipend_ta_usd: float = param(52_288.0, unit="USD/year", low=0.0, high=1e6, doc="Stipend as a teaching assistant (as stipend_advisor_grant_usd).", source=STIPEND + ": departments pay TAs and RAs the same stipend; Bay Area as stipend_advisor_grant_usd")
    fellowship_probability: float = param(0.15, unit="-", low=0.0, high=1.0, doc="Probability of being funded by a fellowship.", source=ASSUMPTION + "; NSF GRFP made 2,037 awards in 2024 and ~1,000 in 2025, across all fields")
    ta_probability: float = param(0.25, unit="-", low=0.0, high=1.0, doc="Probability of being funded as a TA (the rest: advisor grant).", source=ASSUMPTION)
    duration_median_years: float = param(6.0, unit="years", low=1.0, high=15.0, doc="Median PhD length (rounded to whole years, at least 3).", source="judgement (DESIGN.md: around 6): NSF SED 2016 median time to doctorate in math+CS is 6.9 years, but counted from first graduate enrolment (including master's years)")
    duration_log_sd: float = param(0.15, unit="log years", low=0.0, high=2.0, doc="Log-scale spread of PhD length.", source=ASSUMPTION)
    advisor_quality_sd: float = param(1.0, unit="sd", low=0.0, high=5.0, doc="Spread of latent advisor quality (0 = every advisor average): 'a cosmic roll of the dice'.", source="seed essay five-years-after-skipping-a-phd")
    advisor_duration_effect: float = param(0.08, unit="log years per sd", low=0.0, high=1.0, doc="A 1-sd better advisor shortens the PhD by this log factor.", source=ASSUMPTION)
    attrition_probability: float = param(0.30, unit="-", low=0.0, high=1.0, doc="Probability of leaving with a master's for an average advisor and ability.", source="assumption: CGS PhD Completion Project says 41% of 1990s CS cohorts finished within 10 years (59% did not); today's funded ML programs are assumed to lose far fewer", prior=Prior("odds", 2.0, "docs/model.md 7.4: the only figure (CGS, 41%) is 30 years old and for all CS: odds halved or doubled, 0.18-0.46 around 0.30"))
    advisor_attrition_effect: float = param(0.5, unit="log-odds per sd", low=0.0, high=5.0, doc="A 1-sd better advisor lowers the log-odds of attrition by this much.", source=ASSUMPTION)
    ability_attrition_effect: float = param(0.3, unit="log-odds per sd", low=0.0, high=5.0, doc="A 1-sd higher research ability lowers the log-odds of attrition by this much.", source=ASSUMPTION)
    masters_start_pay_usd: float = param(213_000.0, unit="USD/year", low=0.0, high=1e7, doc="Pay of the engineering job taken after leaving with a master's.", source=LEVELS + ": Software Engineer, Master's, 0-1 years, median 169,000, " + LEVELS_2026)
    industry_research_probability: float = param(0.654, unit="-", low=0.0, high=1.0, doc="Share of graduates (average advisor and ability) who become industry research scientists.", source="Stanford AI Index 2023 (CRA Taulbee): 65.4% of new AI PhDs to industry, 2021 (all industry jobs, not only research-scientist roles)")
    academia_probability: float = param(0.282, unit="-", low=0.0, high=1.0, doc="Share of graduates who go into academia (the rest: other jobs).", source="Stanford AI Index 2023: 28.2% to academia, 2021 (includes postdocs)", prior=Prior("odds", 1.5, "docs/model.md 7.7: the AI Index share counts postdocs and varies by year: odds x/ 1.5 (0.21-0.37 around 0.282); at most 1 - industry_research_probability"))
    advisor_tier_effect: float = param(0.4, unit="log-odds per sd", low=0.0, high=5.0, doc="A 1-sd better advisor raises the log-odds of an industry research job and of a breakthrough.", source=ASSUMPTION)
    ability_tier_effect: float = param(0.4, unit="log-odds per sd", low=0.0, high=5.0, doc="A 1-sd higher ability raises the log-odds of an industry research job and of a breakthrough.", source=ASSUMPTION)
    research_scientist_start_pay_usd: float = param(299_000.0, unit="USD/year", low=0.0, high=1e7, doc="Starting pay of an industry research scientist with a PhD.", source=LEVELS + ": Software Engineer, PhD, 0-1 years, median 237,000, " + LEVELS_2026)
    faculty_start_pay_usd: float = param(101_000.0, unit="USD/year", low=0.0, high=1e7, doc="Starting pay of an academic job.", source=BLS + ": 25-1021 CS teachers, postsecondary, median 96,690, " + BLS_2026 + " (includes lecturers; a postdoc pays less, ~66k LSRF 2023)")
    other_start_pay_usd: float = param(147_000.0, unit="USD/year", low=0.0, high=1e7, doc="Starting pay of another job with a PhD.", source=BLS + ": 15-1221 computer and information research scientists, median 140,910, " + BLS_2026)
    post_phd_pay_log_sd: float = param(0.19, unit="log pay", low=0.0, high=2.0, doc="Spread of post-PhD starting pay.", source=LEVELS + ": Software Engineer, PhD, 0-1 years (n = 93), (ln 264k - ln 203k) / 1.349 = 0.1948, at two digits like employment.start_pay_log_sd (Data Scientist, PhD: 0.178)")
    breakthrough_probability: float = param(0.02, unit="-", low=0.0, high=1.0, doc="Probability that a graduate (average advisor and ability) starts a bidding war.", source=ASSUMPTION + ": the seed essay's bidding-war exception; no public rate exists", prior=Prior("odds", 4.0, "docs/model.md 7.1: no data at all: odds x/ 4 (0.5%-7.5% around 2%)"))
    breakthrough_pay_multiplier: float = param(3.0, unit="x", low=1.0, high=100.0, doc="Pay multiple won in a bidding war.", source=ASSUMPTION, prior=Prior("ratio", 2.0, "docs/model.md 7.1: no data: x/ 2 (1.5-6 around 3)"))

    def _check_relations(self) -> None:
        for keys in (("fellowship_probability", "ta_probability"), ("industry_research_probability", "academia_probability")):
            total = sum(getattr(self, k) for k in keys)
            if total > 1.0 + 1e-12:
                self._fail_sum(keys, total)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ResidencyParams(Params):
    """An industry AI residency, then conversion, a job search, or a PhD."""

    section: ClassVar[str] = "residency"
    duration_years: int = param(1, unit="years", low=1, high=5, doc="Length of the residency.", source="Google AI Residency: 12 months (Google AI Blog 2018-19)")
    pay_usd: float = param(200_000.0, unit="USD/year", low=0.0, high=1e7, doc="Annualised residency pay.", source="Anthropic Fellows ~$3,850/week x 52 = $200,200 in 2025, x 1.014 (CPI, mid-2025 -> 2026) = $202,900, at two digits; OpenAI Residency $210k annualised (press reports, data/SOURCES.md)")
    conversion_probability: float = param(0.4, unit="-", low=0.0, high=1.0, doc="Probability of a full-time research offer at the end (boom year, average ability).", source="Anthropic Fellows: >40% received full-time offers (press report, low confidence; no company publishes a conversion rate)", prior=Prior("odds", 3.0, "docs/model.md 7.2: one press report about a different programme; a careful reader sweeps 0.2-0.8: odds x/ 3 gives 0.18-0.67 around 0.4"))
    ability_conversion_effect: float = param(0.5, unit="log-odds per sd", low=0.0, high=5.0, doc="A 1-sd higher ability raises the log-odds of conversion by this much.", source=ASSUMPTION)
    converted_pay_usd: float = param(237_000.0, unit="USD/year", low=0.0, high=1e7, doc="Starting pay of the full-time research role after conversion.", source=LEVELS + ": Software Engineer, Bachelor's, 2-4 years, median 188,000, " + LEVELS_2026 + " (a proxy: no residency-conversion pay is published)")
    fallback_pay_usd: float = param(202_000.0, unit="USD/year", low=0.0, high=1e7, doc="Starting pay of the engineering job found after a residency that did not convert.", source=LEVELS + ": Software Engineer, Bachelor's, 0-1 years, median 160,000, " + LEVELS_2026)
    phd_after_probability: float = param(0.2, unit="-", low=0.0, high=1.0, doc="Probability that an unconverted resident starts a PhD the next year.", source=ASSUMPTION)


@dataclasses.dataclass(frozen=True, kw_only=True)
class EngineerParams(Params):
    """A research-engineer job at a lab, straight from the degree."""

    section: ClassVar[str] = "engineer"
    start_pay_usd: float = param(202_000.0, unit="USD/year", low=0.0, high=1e7, doc="Median starting total compensation.", source=LEVELS + ": Software Engineer, Bachelor's, 0-1 years, median 160,000, " + LEVELS_2026)


@dataclasses.dataclass(frozen=True, kw_only=True)
class IndependentParams(Params):
    """Grant-funded independent research, then employment when funding ends."""

    section: ClassVar[str] = "independent"
    grant_pay_usd: float = param(60_000.0, unit="USD/year", low=0.0, high=1e7, doc="Annualised pay while grant-funded.", source="assumption, in 2026 dollars: LTFF 2022-23 mean grant ~$37k (~$40k in 2026 dollars), typical grants 3-12 months, so ~$40-160k/yr annualised; 60k sits at the low end (data/SOURCES.md)", prior=Prior("ratio", 1.5, "docs/model.md 7.8: application-level LTFF statistics read as a salary: x/ 1.5"))
    renewal_probability: float = param(0.5, unit="1/year", low=0.0, high=1.0, doc="Probability that funding continues for another year (boom year, average ability).", source="LTFF acceptance rate 50% excluding desk rejects, 2022-23, used as a proxy for renewal (low confidence)", prior=Prior("odds", 2.0, "docs/model.md 7.8: an acceptance rate read as a renewal chance: odds halved or doubled"))
    ability_renewal_effect: float = param(0.5, unit="log-odds per sd", low=0.0, high=5.0, doc="A 1-sd higher ability raises the log-odds of renewal by this much.", source=ASSUMPTION)
    gap_median_years: float = param(0.25, unit="years", low=0.0, high=5.0, doc="Median unpaid gap between consecutive grants (lognormal).", source=ASSUMPTION + ": a few months between grants")
    gap_log_sd: float = param(0.5, unit="log years", low=0.0, high=3.0, doc="Log-scale spread of the gap between grants.", source=ASSUMPTION)
    exit_pay_usd: float = param(202_000.0, unit="USD/year", low=0.0, high=1e7, doc="Starting pay of the engineering job taken when funding ends.", source=LEVELS + ": Software Engineer, Bachelor's, 0-1 years, median 160,000, " + LEVELS_2026)


@dataclasses.dataclass(frozen=True, kw_only=True)
class SwitchingParams(Params):
    """Going back from industry to a PhD: exponentially less likely each year."""

    section: ClassVar[str] = "switching"
    first_year_probability: float = param(0.03, unit="1/year", low=0.0, high=1.0, doc="Probability of leaving an engineering job for a PhD after the first year in industry.", source=ASSUMPTION + ": 'straightforward after 1 year' (seed essay)")
    decay_per_year: float = param(0.7, unit="1/year", low=0.0, high=10.0, doc="The probability falls by exp(-decay) with each further year in industry.", source="seed essay: 'exponentially less likely afterwards'; assumption for the rate")
    stipend_usd: float = param(52_288.0, unit="USD/year", low=0.0, high=1e6, doc="Stipend of a PhD started later (the department's stipend where the person lives).", source=STIPEND + ": the Bay Area, as phd.stipend_advisor_grant_usd")
    phd_years: int = param(5, unit="years", low=1, high=15, doc="Length of a PhD started later (with industry experience).", source=ASSUMPTION)
    post_phd_pay_usd: float = param(299_000.0, unit="USD/year", low=0.0, high=1e7, doc="Pay after a PhD started later.", source=LEVELS + ": Software Engineer, PhD, 0-1 years, median 237,000, " + LEVELS_2026)


SECTIONS: dict[str, type[Params]] = {
    cls.section: cls
    for cls in (
        SimulationParams,
        MarketParams,
        RegimeParams,
        LayoffParams,
        CredentialParams,
        EmploymentParams,
        FinanceParams,
        PhdParams,
        ResidencyParams,
        EngineerParams,
        IndependentParams,
        SwitchingParams,
    )
}

#: the declared prior of every uncertain assumption, by dotted key
DECLARED_PRIORS: dict[str, Prior] = {
    f"{section}.{f.name}": f.metadata["prior"]
    for section, cls in SECTIONS.items()
    for f in dataclasses.fields(cls)
    if f.metadata.get("prior") is not None
}

#: sections whose parameters affect only one career (the rest are shared by all)
CAREER_SECTIONS = {"phd": "phd", "residency": "residency", "engineer": "engineer", "independent": "independent"}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Scenario:
    """Every parameter of one simulation, as frozen, validated sections.

    Use :func:`load_scenario` to read a bundled or user TOML file, :meth:`replace` to
    change a few values by dotted key, and :meth:`to_toml` to write it back.

    Examples
    --------
    >>> import careersim
    >>> s = careersim.Scenario()
    >>> s.replace({"phd.stipend_ta_usd": 45_000}).phd.stipend_ta_usd
    45000.0
    """

    name: str = "custom"
    description: str = ""
    simulation: SimulationParams = dataclasses.field(default_factory=SimulationParams)
    market: MarketParams = dataclasses.field(default_factory=MarketParams)
    regime: RegimeParams = dataclasses.field(default_factory=RegimeParams)
    layoffs: LayoffParams = dataclasses.field(default_factory=LayoffParams)
    credentials: CredentialParams = dataclasses.field(default_factory=CredentialParams)
    employment: EmploymentParams = dataclasses.field(default_factory=EmploymentParams)
    finances: FinanceParams = dataclasses.field(default_factory=FinanceParams)
    phd: PhdParams = dataclasses.field(default_factory=PhdParams)
    residency: ResidencyParams = dataclasses.field(default_factory=ResidencyParams)
    engineer: EngineerParams = dataclasses.field(default_factory=EngineerParams)
    independent: IndependentParams = dataclasses.field(default_factory=IndependentParams)
    switching: SwitchingParams = dataclasses.field(default_factory=SwitchingParams)
    #: changes to the declared priors, ``((key, Prior or None), ...)``: None switches a key's prior off
    priors: tuple[tuple[str, Prior | None], ...] = ()
    #: named paths (offers), ``(PathSpec, ...)``; empty: the four careers, named by their kind
    paths: tuple[PathSpec, ...] = ()

    def __post_init__(self) -> None:
        for key in ("name", "description"):
            if not isinstance(getattr(self, key), str):
                raise ScenarioError(f"{key} = {getattr(self, key)!r}: must be a string")
        for section, cls in SECTIONS.items():
            if not isinstance(getattr(self, section), cls):
                raise ScenarioError(f"{section} = {getattr(self, section)!r}: must be a {cls.__name__}")
        if isinstance(self.priors, Mapping):
            object.__setattr__(self, "priors", tuple(self.priors.items()))
        seen = set()
        for item in self.priors:
            if not isinstance(item, tuple) or len(item) != 2:
                raise ScenarioError(f"priors: {short_repr(item)} must be a (key, Prior or None) pair")
            key, prior = item
            try:
                section, name = _split_key(key)
            except ScenarioError as exc:
                raise ScenarioError(f"priors: {exc}") from None
            f = next(f for f in dataclasses.fields(SECTIONS[section]) if f.name == name)
            if f.metadata.get("choices") or isinstance(f.default, (int, str)) and not isinstance(f.default, float):
                raise ScenarioError(f"priors.{key}: only a real-valued parameter can have a prior (this one is {allowed_text(f)})")
            if prior is not None and not isinstance(prior, Prior):
                raise ScenarioError(f"priors.{key} = {short_repr(prior)}: must be a careersim Prior or None (off)")
            low, high = f.metadata.get("low"), f.metadata.get("high")
            if prior is not None and prior.kind == "odds" and (low is None or high is None or low < 0.0 or high > 1.0):
                # odds move only a value in (0, 1); elsewhere the draw would silently keep the value
                raise ScenarioError(f"priors.{key}: kind 'odds' is for a probability or a share in [0, 1], and this key is {allowed_text(f)}; use 'ratio' or 'shift'")
            if key in seen:
                raise ScenarioError(f"priors.{key}: given twice")
            seen.add(key)
        self._check_paths()

    def _check_paths(self) -> None:
        if isinstance(self.paths, list):
            object.__setattr__(self, "paths", tuple(self.paths))
        if not isinstance(self.paths, tuple):
            raise ScenarioError(f"paths = {short_repr(self.paths)}: must be a tuple of careersim PathSpec")
        check_paths(self.paths)
        if not self.paths:
            return
        base = dataclasses.replace(self, paths=())
        for spec in self.paths:
            try:
                base.replace(spec.changes)  # every override names a real key and an allowed value
            except ScenarioError as exc:
                raise ScenarioError(f"paths.{spec.name}: {exc}") from None

    # -- paths ----------------------------------------------------------------------------
    def path_specs(self) -> tuple[PathSpec, ...]:
        """The paths lived in every world: the scenario's own, or the four careers."""
        return self.paths or default_paths()

    def path_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.path_specs())

    def path(self, name: str) -> PathSpec:
        """The path called ``name`` (a :class:`ScenarioError` with a suggestion if there is none)."""
        for p in self.path_specs():
            if p.name == name:
                return p
        names = self.path_names()
        raise ScenarioError(f"{short_repr(name)} is not a path of this scenario{suggest(name, names) if isinstance(name, str) else ''}; paths: {', '.join(names)}")

    def for_path(self, name: str) -> Scenario:
        """The parameters one path lives by: this scenario with the path's overrides (and no paths)."""
        spec = self.path(name)
        base = dataclasses.replace(self, paths=()) if self.paths else self
        return base.replace(spec.changes) if spec.overrides else base

    def default_baseline(self) -> str:
        """The path others are compared with by default: the first engineer-kind path, else the first."""
        specs = self.path_specs()
        return next((p.name for p in specs if p.kind == "engineer"), specs[0].name)

    def active_priors(self) -> dict[str, Prior]:
        """Every key's prior as this scenario uses it: the declared ones (docs/scenarios.md) with
        the scenario's changes; keys switched off are left out, and so is the parametric market's
        mean under a history-replaying market model (where it has no effect)."""
        out = dict(DECLARED_PRIORS)
        for key, prior in self.priors:
            if prior is None:
                out.pop(key, None)
            else:
                out[key] = prior
        if self.market.model in ("bootstrap", "historical"):
            out.pop("market.real_log_return_mean", None)
        return out

    def with_priors(self, changes: Mapping[str, Prior | None]) -> Scenario:
        """A copy with some priors set (a :class:`Prior`) or switched off (None)."""
        if not isinstance(changes, Mapping):
            raise ScenarioError(f"changes = {short_repr(changes)}: must be a mapping of dotted keys to a Prior or None")
        merged = dict(self.priors)
        merged.update(changes)
        return dataclasses.replace(self, priors=tuple(merged.items()))

    # -- access by dotted key -------------------------------------------------------------
    def get(self, key: str) -> Any:
        """Value of a dotted key such as ``"phd.stipend_ta_usd"``."""
        section, name = _split_key(key)
        return getattr(getattr(self, section), name)

    def replace(self, changes: dict[str, Any] | None = None, /, **sections: Any) -> Scenario:
        """A new scenario with some values changed.

        Parameters
        ----------
        changes
            Mapping of dotted keys (``"section.name"``) to new values.

        Returns
        -------
        Scenario
            A validated copy; raises :class:`ScenarioError` naming any bad key or value.
        """
        if changes is not None and not isinstance(changes, Mapping):
            raise ScenarioError(f"changes = {short_repr(changes)}: must be a mapping of dotted keys to values, e.g. {{'phd.stipend_ta_usd': 45000}}")
        fields = [f.name for f in dataclasses.fields(self)]
        for name in sections:
            if name not in fields:
                raise ScenarioError(f"{name} = {short_repr(sections[name])}: not a part of a scenario{suggest(name, fields)}; "
                                    f"the parts are {', '.join(fields)} (or pass dotted keys: replace({{'phd.stipend_ta_usd': 45000}}))")
        by_section: dict[str, dict[str, Any]] = {}
        top: dict[str, Any] = dict(sections)
        for key, value in (changes or {}).items():
            if key in ("name", "description"):
                top[key] = value
                continue
            section, name = _split_key(key)
            by_section.setdefault(section, {})[name] = value
        for section, values in by_section.items():
            top[section] = dataclasses.replace(getattr(self, section), **values)
        return dataclasses.replace(self, **top)

    def to_dict(self) -> dict[str, Any]:
        """Nested plain dict, one table per section (the TOML layout)."""
        out: dict[str, Any] = {"name": self.name, "description": self.description}
        for section in SECTIONS:
            out[section] = dataclasses.asdict(getattr(self, section))
        if self.paths:
            out["paths"] = paths_to_table(self.paths)
        if self.priors:
            out["priors"] = {key: "off" if prior is None else {"kind": prior.kind, "spread": prior.spread, "why": prior.why} for key, prior in self.priors}
        return out

    def to_toml(self) -> str:
        """The scenario as TOML text that :func:`load_scenario` reads back to an equal scenario."""
        import tomli_w

        return tomli_w.dumps(self.to_dict())

    def flat(self) -> dict[str, Any]:
        """All parameters as ``{"section.name": value}``."""
        return {
            f"{section}.{f.name}": getattr(getattr(self, section), f.name)
            for section in SECTIONS
            for f in dataclasses.fields(getattr(self, section))
        }


def _split_key(key: str) -> tuple[str, str]:
    if not isinstance(key, str) or key.count(".") != 1:
        raise ScenarioError(f"{short_repr(key)}: a parameter key has the form section.name, e.g. phd.stipend_ta_usd")
    section, name = key.split(".")
    if section not in SECTIONS:
        raise ScenarioError(f"unknown section {section!r} in {key!r}{suggest(section, SECTIONS)}; allowed: {', '.join(SECTIONS)}")
    names = [f.name for f in dataclasses.fields(SECTIONS[section])]
    if name not in names:
        raise ScenarioError(f"unknown key {key!r}{suggest(name, names, prefix=section + '.')}")
    return section, name

import dataclasses
import math

import pytest
from hypothesis import strategies as st

import careersim
from careersim._scenario import SECTIONS


@pytest.fixture(scope="session")
def default_scenario() -> careersim.Scenario:
    return careersim.load_scenario("default")


@pytest.fixture(scope="session")
def small_result(default_scenario):
    return careersim.simulate(default_scenario, worlds=3_000, rng=2026)


def quiet_scenario(**changes) -> careersim.Scenario:
    """A deterministic world: no volatility, no inflation, no layoffs, no raises."""
    base = {
        "market.real_log_return_sd": 0.0,
        "market.inflation_mean": 0.0,
        "market.inflation_sd": 0.0,
        "layoffs.annual_layoff_hazard": 0.0,
        "layoffs.lab_closure_hazard": 0.0,
        "employment.real_raise": 0.0,
        "employment.promotion_probability": 0.0,
        "employment.equity_fraction": 0.0,
        "employment.start_pay_log_sd": 0.0,
        "employment.ability_pay_effect": 0.0,
        "switching.first_year_probability": 0.0,
        "regime.initial_bust_probability": 0.0,
        "regime.boom_to_bust_probability": 0.0,
        # the plainest money: a fixed savings rate into one all-stock taxable account at face
        # value, no fees, no tax on its income, no unemployment insurance
        "finances.spending_rule": "savings_rate",
        "finances.contribution_order": "taxable",
        "finances.allocation": "constant",
        "finances.stock_share": 1.0,
        "finances.expense_ratio": 0.0,
        "finances.stock_dividend_yield": 0.0,
        "finances.bond_income_yield": 0.0,
        "finances.net_worth": "pre-tax",
        "finances.ui_replacement_rate": 0.0,
    }
    base.update(changes)
    return careersim.load_scenario("default").replace(base)


#: the three market correlations, which must form a valid correlation matrix
CORRELATIONS = ("market.return_inflation_correlation", "market.bond_return_correlation", "market.bond_inflation_correlation")


def keep_relations(changes: dict) -> dict:
    """``changes`` with partner keys moved so that the cross-key rules hold: shares of one
    whole leave room for each other, a range's end stays above its start, and the market's
    correlations stay a valid matrix (the keys not asked for are set to 0 when needed).
    Only partner keys are moved, never a key that ``changes`` sets on purpose."""
    out = dict(changes)
    d = careersim.Scenario()
    for a, b in (("phd.fellowship_probability", "phd.ta_probability"), ("phd.industry_research_probability", "phd.academia_probability")):
        va, vb = out.get(a, d.get(a)), out.get(b, d.get(b))
        if va + vb > 1.0:
            if b in changes and a not in changes:
                out[a] = 1.0 - vb
            else:
                out[b] = 1.0 - va
    for lo, hi, gap in (("finances.roth_phaseout_start_usd", "finances.roth_phaseout_end_usd", 0.0),
                        ("finances.glide_path_start_age", "finances.glide_path_end_age", 1)):
        vlo, vhi = out.get(lo, d.get(lo)), out.get(hi, d.get(hi))
        if vhi < vlo + gap:
            if hi in changes and lo not in changes:
                out[lo] = vhi - gap
            else:
                out[hi] = vlo + gap
    if any(k in changes for k in CORRELATIONS):
        try:
            d.replace({k: out.get(k, d.get(k)) for k in CORRELATIONS})
        except careersim.ScenarioError:
            kept = [k for k in CORRELATIONS if k in changes]
            for k in CORRELATIONS:
                if k not in changes:
                    out[k] = 0.0
            try:
                d.replace({k: out[k] for k in CORRELATIONS})
            except careersim.ScenarioError:
                for k in kept[1:]:  # several asked for, jointly impossible: keep the first
                    out[k] = 0.0
    return out


#: every scenario field by dotted key
FIELD = {f"{section}.{f.name}": f for section, cls in SECTIONS.items() for f in dataclasses.fields(cls)}


def valid_value(key: str) -> st.SearchStrategy:
    """A Hypothesis strategy for any value the key allows (its choices, or its range)."""
    f = FIELD[key]
    m = f.metadata
    if m["choices"]:
        return st.sampled_from(m["choices"])
    lo = m["low"] if m["low"] is not None else -1e6
    hi = m["high"] if m["high"] is not None else 1e6
    if isinstance(f.default, int):
        return st.integers(int(math.ceil(lo)), int(hi))
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, exclude_min=m["low_open"], exclude_max=m["high_open"])

"""The money model (issue 12): closed forms for tax by place, spending, the stock/bond mix,
the glide path, student debt and unemployment insurance; the engine against them."""

import csv
from importlib import resources

import numpy as np
import pytest

import careersim
from careersim import Scenario
from careersim._draws import draw_block, root_seed_sequence
from careersim._finances import income_tax, living_costs_usd, money_paths, spending_usd, stock_shares, student_debt_paths, withdrawal_tax_rate
from careersim._market import World, make_world
from careersim._places import PLACE_IDS, load_places
from careersim._tax import load_tax_tables
from careersim.careers import START_STATES, run_career
from careersim.careers._machine import EMPLOYED, STUDENT, CareerPath, world_events

TABLES = load_tax_tables()
INCOME = ("federal_income_tax", "state_income_tax", "city_income_tax")


def components(place, kind, x, deferral=0.0):
    """Tax as the calculator's curves give it, one component at a time (careersim._tax)."""
    total = 0.0
    for c in INCOME:
        base = TABLES.base(place, kind, c)
        total += float(TABLES.lookup(place, kind, c, x - deferral if base == "wages_minus_pretax_deferral" else x))
    if kind == "wages":
        total += float(TABLES.lookup("us", "wages", "federal_payroll_tax", x)) + float(TABLES.lookup(place, "wages", "state_payroll_tax", x))
    if kind == "self_employment":
        total += float(TABLES.lookup("us", "self_employment", "self_employment_tax", x))
    return total


@pytest.mark.parametrize("place", PLACE_IDS)
def test_combined_tax_tables_equal_the_calculators_curves(place):
    # the engine sums federal, state and city (and payroll) into one table per base: exact
    g = np.random.default_rng(1)
    for x in np.concatenate([g.uniform(0, 400_000, 40), g.uniform(0, 3e6, 10)]):
        assert float(income_tax(x, place=place, kind="wages")) == pytest.approx(components(place, "wages", x), abs=0.01)
        assert float(income_tax(x, place=place, kind="stipend")) == pytest.approx(components(place, "fellowship", x), abs=0.01)
        assert float(income_tax(x, place=place, kind="grant")) == pytest.approx(components(place, "self_employment", x), abs=0.01)
        d = min(24_500.0, 0.3 * x)
        assert float(income_tax(x, place=place, pretax_deferral_usd=d)) == pytest.approx(components(place, "wages", x, d), abs=0.01)


def test_after_tax_pay_of_known_cases_is_the_calculators():
    """Every check case the generator asked the calculator (wages, a stipend, a grant, with or
    without a 401(k) deferral; no dividends) gives the same total tax through the engine."""
    path = resources.files("careersim") / "data" / "tax_check_2026.csv"
    with path.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if float(r["qualified_dividends_usd"]) == 0.0]
    assert len(rows) > 50
    kinds = {"wages": "wages", "fellowship": "stipend", "self_employment": "grant"}
    for r in rows:
        gross = float(r["gross_usd"])
        expected = sum(float(r[c]) for c in (*INCOME, "federal_payroll_tax", "state_payroll_tax", "self_employment_tax"))
        deferral = float(r["pretax_deferral_usd"])
        got = float(income_tax(gross, place=r["place"], kind=kinds[r["income_kind"]], pretax_deferral_usd=deferral))
        # a low-income saver's federal Saver's Credit (10-50% of up to $2,000 of deferrals)
        # is not modelled: the engine's tax may be higher by at most that
        credit = 0.5 * min(deferral, 2_000.0)
        assert expected - 3.0 <= got <= expected + credit + 3.0, r


def test_places_without_an_income_tax():
    # Washington and Texas tax no wages: federal income tax and payroll taxes only, the same
    # federal figures as everywhere
    x = 150_000.0
    for place in ("seattle", "austin"):
        assert float(TABLES.lookup(place, "wages", "state_income_tax", x)) == 0.0
        assert float(TABLES.lookup(place, "wages", "city_income_tax", x)) == 0.0
    assert float(TABLES.lookup("seattle", "wages", "federal_income_tax", x)) == pytest.approx(float(TABLES.lookup("bay_area", "wages", "federal_income_tax", x)), abs=0.01)
    assert float(income_tax(x, place="nyc")) > float(income_tax(x, place="boston")) > float(income_tax(x, place="austin"))


def test_living_costs_follow_the_place():
    p = Scenario().finances
    for pid, place in load_places().items():
        q = Scenario().replace({"finances.place": pid}).finances
        assert living_costs_usd(q) == pytest.approx(p.living_cost_usd * place.price_index / 100)
    assert living_costs_usd(Scenario().replace({"finances.place": "elsewhere"}).finances) == p.living_cost_usd


def test_spending_rules_closed_form():
    p = Scenario().replace({"finances.place": "elsewhere", "finances.living_cost_usd": 40_000.0}).finances
    take_home = np.array([10_000.0, 40_000.0, 160_000.0])
    # the living costs are spent whatever the income; above them spending = L (Y / L)^0.7
    np.testing.assert_allclose(spending_usd(take_home, p), [40_000.0, 40_000.0, 40_000.0 * 4**0.7])
    q = Scenario().replace({"finances.place": "elsewhere", "finances.living_cost_usd": 40_000.0, "finances.spending_rule": "savings_rate",
                            "finances.savings_rate": 0.25}).finances
    np.testing.assert_allclose(spending_usd(take_home, q), [40_000.0, 40_000.0, 40_000.0 + 0.75 * 120_000.0])


def test_glide_path_shares():
    p = Scenario().finances  # 90% to 40, linearly to 50% at 65
    np.testing.assert_allclose(stock_shares(p, np.array([22.5, 40.0, 52.5, 65.0, 80.0])), [0.9, 0.9, 0.7, 0.5, 0.5])
    c = Scenario().replace({"finances.allocation": "constant", "finances.stock_share": 0.6}).finances
    np.testing.assert_allclose(stock_shares(c, np.array([22.5, 70.0])), [0.6, 0.6])


def test_student_debt_is_repaid_over_its_term():
    p = Scenario().replace({"finances.student_debt_usd": 30_000.0, "finances.student_debt_interest_rate": 0.06}).finances
    payment, balance = student_debt_paths(p, np.zeros((15, 2)))
    annuity = 30_000.0 * 0.06 / (1 - 1.06**-10)
    np.testing.assert_allclose(payment[:10], annuity)
    assert (payment[10:] == 0).all() and (balance[9:] == 0).all()
    np.testing.assert_allclose(balance[0], 30_000.0 * 1.06 - annuity)
    # with inflation the same nominal payments are worth less
    payment_inf, _ = student_debt_paths(p, np.full((15, 1), 0.03))
    np.testing.assert_allclose(payment_inf[:10, 0], annuity / 1.03 ** np.arange(1, 11))


def quiet_world(T, n, *, stock, bond, inflation=0.0):
    return World(real_return=np.full((T, n), stock), inflation=np.full((T, n), inflation), bond_real_return=np.full((T, n), bond),
                 bust=np.zeros((T, n), dtype=bool), ability=np.zeros(n))


def idle_path(T, n):
    return CareerPath(income=np.zeros((T, n)), status=np.full((T, n), EMPLOYED, dtype=np.int8), ui_income=np.zeros((T, n)), self_employed=np.zeros((T, n), dtype=bool))


def test_a_zero_volatility_mix_earns_the_weighted_return():
    T = 30
    p = Scenario().replace({"finances.allocation": "constant", "finances.stock_share": 0.6, "finances.expense_ratio": 0.0, "finances.living_cost_usd": 0.0,
                            "finances.stock_dividend_yield": 0.0, "finances.bond_income_yield": 0.0, "finances.net_worth": "pre-tax"}).finances
    f = money_paths(idle_path(T, 2), quiet_world(T, 2, stock=0.07, bond=0.01), p, start_age=22, initial_net_worth_usd=100_000.0)
    np.testing.assert_allclose(f.net_worth_pre_tax[:, 0], 100_000.0 * (1 + 0.6 * 0.07 + 0.4 * 0.01) ** np.arange(1, T + 1), rtol=1e-12)
    # the fee comes off every year
    q = Scenario().replace({"finances.allocation": "constant", "finances.stock_share": 0.6, "finances.expense_ratio": 0.001, "finances.living_cost_usd": 0.0,
                            "finances.stock_dividend_yield": 0.0, "finances.bond_income_yield": 0.0}).finances
    g = money_paths(idle_path(T, 1), quiet_world(T, 1, stock=0.07, bond=0.01), q, start_age=22, initial_net_worth_usd=100_000.0)
    np.testing.assert_allclose(g.net_worth_pre_tax[:, 0], 100_000.0 * ((1 + 0.046) * 0.999) ** np.arange(1, T + 1), rtol=1e-12)


def test_dividend_tax_drag_in_the_taxable_account():
    # all stocks, 2% dividend yield taxed each year at the place's rate at the year's income
    T = 10
    p = Scenario().replace({"finances.allocation": "constant", "finances.stock_share": 1.0, "finances.expense_ratio": 0.0, "finances.living_cost_usd": 0.0,
                            "finances.stock_dividend_yield": 0.02, "finances.place": "austin"}).finances
    f = money_paths(idle_path(T, 1), quiet_world(T, 1, stock=0.05, bond=0.0), p, start_age=22, initial_net_worth_usd=100_000.0)
    rate = float(TABLES.lookup("austin", "dividends_on_wages", "federal_marginal_rate", 0.0))  # no income: the 0% bracket
    assert rate == 0.0
    np.testing.assert_allclose(f.net_worth_pre_tax[:, 0], 100_000.0 * 1.05 ** np.arange(1, T + 1), rtol=1e-12)
    # someone with $300k of wages pays the 15% bracket and the 3.8% NIIT on the dividends
    wages = np.full((T, 1), 300_000.0)
    path = CareerPath(income=wages, status=np.full((T, 1), EMPLOYED, dtype=np.int8), ui_income=np.zeros((T, 1)), self_employed=np.zeros((T, 1), dtype=bool))
    rich = float(TABLES.lookup("austin", "dividends_on_wages", "federal_marginal_rate", 300_000.0))
    assert rich == pytest.approx(0.15 + 0.038, abs=1e-4)
    g = money_paths(path, quiet_world(T, 1, stock=0.05, bond=0.0), p.__class__(**{**p.__dict__, "contribution_order": "taxable", "spending_rule": "savings_rate", "savings_rate": 0.0}),
                    start_age=22, initial_net_worth_usd=100_000.0, keep_flows=True)
    np.testing.assert_allclose(g.balances.taxable[:, 0], 100_000.0 * (1.05 - 0.02 * rich) ** np.arange(1, T + 1), rtol=1e-9)


def test_a_401k_at_the_limit_with_its_match_through_the_engine():
    # an engineer on $300k who spends little: the match, the 401(k) limit, no Roth (above the
    # phase-out), zero returns: the 401(k) holds exactly (limit + match) x years
    T = 5
    p = Scenario().replace({"finances.living_cost_usd": 10_000.0, "finances.spending_rule": "savings_rate", "finances.savings_rate": 1.0,
                            "finances.allocation": "constant", "finances.expense_ratio": 0.0, "finances.net_worth": "pre-tax"}).finances
    path = CareerPath(income=np.full((T, 1), 300_000.0), status=np.full((T, 1), EMPLOYED, dtype=np.int8), ui_income=np.zeros((T, 1)), self_employed=np.zeros((T, 1), dtype=bool))
    f = money_paths(path, quiet_world(T, 1, stock=0.0, bond=0.0), p, start_age=22, keep_flows=True)
    np.testing.assert_allclose(f.contributions.deferral, 24_500.0)
    np.testing.assert_allclose(f.contributions.match, 0.5 * 0.06 * 300_000.0)
    np.testing.assert_allclose(f.contributions.roth, 0.0)
    np.testing.assert_allclose(f.balances.traditional[:, 0], (24_500.0 + 9_000.0) * np.arange(1, T + 1))
    # after tax, the 401(k) counts at the place's average tax on the retirement income
    rate = withdrawal_tax_rate(p)
    assert 0.1 < rate < 0.35
    np.testing.assert_allclose(f.net_worth_after_tax - f.net_worth_pre_tax, -rate * f.balances.traditional + 0.0, atol=1e-6)


@pytest.mark.parametrize("order", ["match,roth,401k,taxable", "match,401k,roth,taxable", "roth,match,401k,taxable"])
def test_the_roth_phase_out_reads_the_years_whole_deferral(order):
    """Modified AGI is the income less the year's whole 401(k) deferral, also when the order puts
    the Roth IRA before the rest of the 401(k) (it read the match's deferral alone, and the Roth
    IRA got $0-7,500 less than the law allows between about $161k and $192k of pay)."""
    pay = np.arange(150_000.0, 200_001.0, 2_500.0)
    n, T = len(pay), 1
    p = Scenario().replace({"finances.living_cost_usd": 10_000.0, "finances.spending_rule": "savings_rate", "finances.savings_rate": 1.0,
                            "finances.contribution_order": order}).finances
    path = CareerPath(income=pay[None, :].copy(), status=np.full((T, n), EMPLOYED, dtype=np.int8), ui_income=np.zeros((T, n)),
                      self_employed=np.zeros((T, n), dtype=bool))
    f = money_paths(path, quiet_world(T, n, stock=0.0, bond=0.0), p, start_age=22, keep_flows=True)
    np.testing.assert_allclose(f.contributions.deferral[0], 24_500.0)  # a budget that covers both
    magi = pay - 24_500.0
    np.testing.assert_allclose(f.contributions.roth[0], 7_500.0 * np.clip((168_000.0 - magi) / 15_000.0, 0.0, 1.0), atol=1e-6)


@pytest.mark.parametrize("place", list(PLACE_IDS))
@pytest.mark.parametrize("retirement_income", [1.0, 5_000.0, 12_000.0, 100_000.0, 1e7])
def test_a_401k_never_counts_above_its_balance_after_tax(place, retirement_income):
    """A withdrawal is unearned ordinary income: no earned income credit (the wage tables'
    EITC made the rate -345 at $1 in Seattle, and after-tax net worth 140 times pre-tax)."""
    p = Scenario().replace({"finances.place": place, "finances.retirement_income_usd": retirement_income}).finances
    rate = withdrawal_tax_rate(p)
    assert 0.0 <= rate < 1.0
    tax = float(income_tax(retirement_income, place=place, kind="stipend"))
    assert rate == pytest.approx(max(tax / retirement_income, 0.0), abs=1e-12)


def test_a_student_has_no_employer_plan_but_may_fund_a_roth_ira():
    T = 3
    p = Scenario().replace({"finances.living_cost_usd": 10_000.0, "finances.place": "elsewhere"}).finances
    path = CareerPath(income=np.full((T, 1), 45_000.0), status=np.full((T, 1), STUDENT, dtype=np.int8), ui_income=np.zeros((T, 1)), self_employed=np.zeros((T, 1), dtype=bool))
    f = money_paths(path, quiet_world(T, 1, stock=0.0, bond=0.0), p, start_age=22, keep_flows=True)
    assert (f.contributions.deferral == 0).all() and (f.contributions.match == 0).all()
    assert (f.contributions.roth > 0).all() and (f.contributions.roth <= 7_500.0).all()
    # a stipend pays no payroll tax
    np.testing.assert_allclose(f.taxes, float(income_tax(45_000.0, place="elsewhere", kind="stipend")))


def test_unemployment_insurance_after_a_layoff():
    # everyone is laid off at the end of year 1 and out of work for 0.2 years exactly
    s = Scenario().replace({
        "simulation.horizon_years": 3, "layoffs.annual_layoff_hazard": 1.0, "layoffs.spell_log_sd": 0.0, "layoffs.spell_median_years": 0.2,
        "layoffs.reemployment_log_pay_change_sd": 0.0, "layoffs.reemployment_log_pay_change_mean": 0.0, "regime.initial_bust_probability": 0.0,
        "regime.boom_to_bust_probability": 0.0, "employment.start_pay_log_sd": 0.0, "employment.ability_pay_effect": 0.0, "employment.equity_fraction": 0.0,
        "employment.real_raise": 0.0, "employment.promotion_probability": 0.0, "switching.first_year_probability": 0.0, "finances.place": "boston",
    })
    n = 50
    d = draw_block(root_seed_sequence(3), 0, horizon_years=3, market_model=s.market.model).take(n)
    world = make_world(s.market, s.regime, d)
    path = run_career(START_STATES["engineer"](s, world, d), s, world_events(s, world, d), d)
    weekly = min(0.5 * 202_000.0 / 52.0, 1_105.0)  # Boston's weekly maximum binds
    weeks = 0.2 * 52.0
    np.testing.assert_allclose(path.ui_income[0], 0.0)
    np.testing.assert_allclose(path.ui_income[1], weekly * weeks)
    np.testing.assert_allclose(path.income[1], 202_000.0 * 0.8 + weekly * weeks)
    # no unemployment insurance: the same spell costs its full pay
    off = run_career(START_STATES["engineer"](s.replace({"finances.ui_replacement_rate": 0.0}), world, d), s.replace({"finances.ui_replacement_rate": 0.0}), world_events(s, world, d), d)
    np.testing.assert_allclose(off.income[1], 202_000.0 * 0.8)


def test_net_worth_basis_is_explicit_and_after_tax_is_lower():
    s = careersim.load_scenario("default").replace({"simulation.horizon_years": 25})
    after = careersim.simulate(s, worlds=2_000, rng=4)
    pre = careersim.simulate(s.replace({"finances.net_worth": "pre-tax"}), worlds=2_000, rng=4)
    assert after.net_worth_basis == "after-tax" and pre.net_worth_basis == "pre-tax"
    # the same worlds and incomes; tax on gains and withdrawals only lowers wealth
    np.testing.assert_array_equal(after.income, pre.income)
    rich = pre.net_worth > 0
    assert (after.net_worth[rich] <= pre.net_worth[rich] + 1e-6).all()
    assert np.median(after.net_worth[:, :, -1]) < np.median(pre.net_worth[:, :, -1])
    summary = careersim.simulate_summary(s, worlds=2_000, rng=4)
    assert summary.net_worth_basis == "after-tax"


@pytest.mark.parametrize("living", [0.0, 1.1125369292536007e-308, 1e-300])
def test_tiny_living_costs_never_overflow_the_spending_rule(living):
    # found by the property tests: L (Y / L)^0.7 overflowed for a subnormal L
    r = careersim.simulate(Scenario().replace({"finances.living_cost_usd": living, "simulation.horizon_years": 3}), worlds=64, rng=1)
    assert np.isfinite(r.net_worth).all()


@pytest.mark.parametrize("elasticity", [0.0, 0.7, 1.0])
@pytest.mark.parametrize("living", [0.0, 30_000.0])
def test_the_kernel_spends_what_the_spending_rule_says(living, elasticity):
    """The kernel's L^(1-e) Y^e agrees with spending_usd, also with no living costs at e = 1
    (it spent nothing there, so the person saved everything instead of nothing)."""
    T = 3
    p = Scenario().replace({"finances.living_cost_usd": living, "finances.consumption_income_elasticity": elasticity}).finances
    income = np.array([[20_000.0, 150_000.0, 400_000.0]] * T)
    path = CareerPath(income=income, status=np.full((T, 3), EMPLOYED, dtype=np.int8), ui_income=np.zeros((T, 3)), self_employed=np.zeros((T, 3), dtype=bool))
    f = money_paths(path, quiet_world(T, 3, stock=0.0, bond=0.0), p, start_age=22, keep_flows=True)
    take_home = income - income_tax(income, place=p.place)  # the rule reads pay after the tax before any deferral
    np.testing.assert_allclose(f.spending, spending_usd(take_home, p), rtol=1e-9)
    if elasticity == 1.0:
        assert (f.spending > 0.5 * take_home).all()


@pytest.mark.parametrize("rate", [0.0, 5e-324, 1e-17, 1e-9])
def test_student_debt_at_a_vanishing_rate_is_repaid_evenly(rate):
    # found by the property tests: 1 - (1 + r)^-N was exactly 0 for a tiny rate
    p = Scenario().replace({"finances.student_debt_usd": 30_000.0, "finances.student_debt_interest_rate": rate}).finances
    payment, balance = student_debt_paths(p, np.zeros((12, 1)))
    np.testing.assert_allclose(payment[:10], 3_000.0, rtol=1e-6)
    np.testing.assert_allclose(balance[9], 0.0, atol=1e-6)


@pytest.mark.parametrize("args, kw, match", [
    ((float("nan"),), {}, r"gross_usd = nan: must be a finite amount in dollars"),
    ((None,), {}, r"gross_usd = None: must be a finite amount"),
    (("x",), {}, r"gross_usd = 'x': must be a finite amount"),
    ((1e5,), {"pretax_deferral_usd": float("inf")}, r"pretax_deferral_usd = inf: must be a finite amount"),
    ((1e5,), {"place": "seatle"}, r"place = 'seatle': must be one of .* \(did you mean 'seattle'\?\)"),
    ((1e5,), {"kind": "salary"}, r"kind = 'salary': must be 'wages', 'stipend' or 'grant'"),
])
def test_income_tax_refuses_what_is_not_an_amount_or_a_place(args, kw, match):
    with pytest.raises(careersim.ArgumentError, match=match):
        careersim.income_tax(*args, **kw)


def test_history_file_is_closed():
    import gc
    import warnings

    from careersim._market import load_history

    load_history.cache_clear()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", ResourceWarning)
        load_history()
        gc.collect()  # an unclosed file warns when it is collected
    assert not [w for w in seen if issubclass(w.category, ResourceWarning)]

"""The generated 2026 tax tables (careersim/_tax.py) against their calculator and the law."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json

import numpy as np
import pytest

from careersim import _tax
from careersim._tax import (
    PLACES,
    PROVENANCE_PATH,
    TABLES_PATH,
    dividend_tax,
    dividend_tax_rate,
    income_taxes,
    load_tax_tables,
    payroll_tax,
    self_employment_tax,
    state_payroll_tax,
)

CHECK_PATH = TABLES_PATH.with_name("tax_check_2026.csv")
TOLERANCE_USD = 2.0
#: dividends stacked on wages or a fellowship: the integral of the rate table is within
#: 2 USD + 0.5% of the dividends (the Schedule D worksheet's "smaller of" rule makes the
#: rate depend on more than the total near the 0% ceiling; see _tax.dividend_tax)
DIVIDEND_RELATIVE_TOLERANCE = 0.005
HAVE_CALCULATOR = importlib.util.find_spec("policyengine_us") is not None


def _check_rows() -> list[dict]:
    with CHECK_PATH.open(newline="") as fh:
        return [{k: (v if k in ("place", "income_kind") else float(v)) for k, v in row.items()} for row in csv.DictReader(fh)]


def _reader(row: dict) -> dict[str, float]:
    """careersim's own lookup for one check case."""
    kind, gross, d, q, place = row["income_kind"], row["gross_usd"], row["pretax_deferral_usd"], row["qualified_dividends_usd"], row["place"]
    kwargs = {"wages": 0.0, "fellowship": 0.0, "self_employment": 0.0}
    kwargs[{"wages": "wages", "fellowship": "fellowship", "self_employment": "self_employment"}[kind]] = gross
    taxes = income_taxes(place, pretax_deferral=d, **kwargs)
    div = dividend_tax(place, gross, q, on="fellowship" if kind == "fellowship" else "wages", pretax_deferral=d)
    return {
        "federal_income_tax": float(taxes.federal + div.federal),
        "state_income_tax": float(taxes.state + div.state),
        "city_income_tax": float(taxes.city + div.city),
        "federal_payroll_tax": float(payroll_tax(gross)) if kind == "wages" else 0.0,
        "state_payroll_tax": float(state_payroll_tax(place, gross)) if kind == "wages" else 0.0,
        "self_employment_tax": float(self_employment_tax(gross)) if kind == "self_employment" else 0.0,
    }


COMPONENTS = ("federal_income_tax", "state_income_tax", "city_income_tax", "federal_payroll_tax", "state_payroll_tax", "self_employment_tax")


def _tolerance(row: dict, component: str) -> float:
    if component.endswith("income_tax") and row["qualified_dividends_usd"] > 0:
        return TOLERANCE_USD + DIVIDEND_RELATIVE_TOLERANCE * row["qualified_dividends_usd"]
    return TOLERANCE_USD


#: below this ordinary income, stacked dividends interact with the EITC (its phase-out and
#: its investment-income limit) and with the standard deduction in ways a one-dimensional
#: rate table does not follow
DIVIDEND_MIN_ORDINARY_INCOME_USD = 30_000.0
#: below this AGI a 401(k) deferral also earns the Saver's credit (Form 8880; AGI limit
#: about $40k for a single filer), which the deferral-shifted wage table does not include
SAVERS_CREDIT_AGI_LIMIT_USD = 45_000.0


def _in_scope(row: dict) -> bool:
    """Cases the reader is meant to reproduce within the tolerance. Out of scope, and
    measured in test_out_of_scope_errors_are_bounded: a deferral with AGI in the Saver's
    credit range, dividends on top of low income, and dividends on top of
    self-employment income (the section 199A deduction's income limit counts them)."""
    if row["pretax_deferral_usd"] > 0 and row["gross_usd"] - row["pretax_deferral_usd"] < SAVERS_CREDIT_AGI_LIMIT_USD:
        return False
    if row["qualified_dividends_usd"] > 0 and (row["income_kind"] == "self_employment" or row["gross_usd"] < DIVIDEND_MIN_ORDINARY_INCOME_USD):
        return False
    if row["qualified_dividends_usd"] > 0 and row["income_kind"] == "fellowship" and row["place"] == "elsewhere":
        # not understood: the calculator's New Mexico tax on dividends on top of a
        # fellowship (not on top of wages) is not the integral of its marginal rate
        return False
    return True


# ---------------------------------------------------------------- the calculator's own cases


def test_check_cases_reproduced():
    rows = _check_rows()
    assert len(rows) >= 300
    failures = []
    for row in rows:
        if not _in_scope(row):
            continue
        got = _reader(row)
        for c in COMPONENTS:
            if abs(got[c] - row[c]) > _tolerance(row, c):
                failures.append((int(row["case"]), row["place"], row["income_kind"], row["gross_usd"], row["pretax_deferral_usd"], row["qualified_dividends_usd"], c, round(got[c], 2), row[c]))
    assert not failures, failures[:20]


def test_out_of_scope_errors_are_bounded():
    """The approximations outside _in_scope stay within these measured bounds: the Saver's
    credit is at most 50% of $2,000; dividends on self-employment income can be taxed at
    ~43% at the margin where they shrink the section 199A deduction (its phase-in above
    ~$200k), so their error is bounded by half the dividends."""
    rows = [r for r in _check_rows() if not _in_scope(r)]
    assert rows
    for row in rows:
        got = _reader(row)
        for c in COMPONENTS:
            bound = TOLERANCE_USD + 0.5 * min(row["pretax_deferral_usd"], 2_000.0) + 0.5 * row["qualified_dividends_usd"]
            assert abs(got[c] - row[c]) <= bound, (row, c, got[c])


def test_every_place_and_kind_has_tables():
    tables = load_tax_tables()
    assert tables.places == PLACES
    for place in PLACES:
        for kind in ("wages", "fellowship", "self_employment"):
            for c in ("federal_income_tax", "state_income_tax", "city_income_tax"):
                x = tables.curves[(place, kind, c)].x
                assert x[0] == 0.0 and x[-1] >= 1_999_000.0
    assert load_tax_tables() is load_tax_tables()  # cached


# ---------------------------------------------------------------- closed forms from the law


@pytest.mark.parametrize("place", PLACES)
def test_zero_income_zero_tax(place):
    # no federal tax and no payroll tax on nothing; a state or city may still pay a small
    # refundable credit to a filer with no income (NYC's school tax credit, New Mexico's
    # low-income rebate), so their tax is at most zero there
    for kind in ("wages", "fellowship", "self_employment"):
        taxes = income_taxes(place, **{kind: 0.0})
        assert float(taxes.federal) == 0.0
        assert -500.0 <= float(taxes.state) <= 0.0 and -500.0 <= float(taxes.city) <= 0.0
    assert float(payroll_tax(0.0)) == 0.0 and float(self_employment_tax(0.0)) == 0.0
    assert float(state_payroll_tax(place, 0.0)) == 0.0


@pytest.mark.parametrize("place", ["seattle", "austin"])
def test_no_income_tax_states(place):
    # Texas and Washington tax no income; Washington's refundable Working Families Tax
    # Credit (earned income, phased out by about the federal EITC's end) is a negative tax
    x = np.linspace(0.0, 3_000_000.0, 3001)
    above = x >= 30_000.0
    for kwargs in ({"wages": x}, {"fellowship": x}, {"self_employment": x}):
        taxes = income_taxes(place, **kwargs)
        assert np.all(taxes.state[above] == 0.0) and np.all(taxes.state <= 0.0) and np.all(taxes.city == 0.0)
    assert np.all(income_taxes(place, fellowship=x).state == 0.0)  # a stipend is not earned income
    if place == "austin":
        assert np.all(income_taxes(place, wages=x).state == 0.0)
    rates = dividend_tax_rate(place, x)
    assert np.all(rates.state[above] == 0.0) and np.all(rates.city == 0.0)


def test_only_new_york_city_has_a_city_income_tax():
    x = np.linspace(0.0, 2_000_000.0, 201)
    for place in PLACES:
        city = income_taxes(place, wages=x).city
        assert np.all(city == 0.0) == (place != "nyc")


def test_payroll_tax_rates():
    # Social Security 6.2% + Medicare 1.45% below the 2026 wage base;
    # Medicare alone between the base and $200k; plus 0.9% Additional Medicare above
    assert float(payroll_tax(50_000.0)) == pytest.approx(0.0765 * 50_000.0, abs=0.5)
    slope = lambda a, b: float(payroll_tax(b) - payroll_tax(a)) / (b - a)  # noqa: E731
    assert slope(190_000.0, 199_000.0) == pytest.approx(0.0145, abs=1e-4)
    assert slope(300_000.0, 1_500_000.0) == pytest.approx(0.0235, abs=1e-5)
    assert slope(2_500_000.0, 3_000_000.0) == pytest.approx(0.0235, abs=1e-5)


def test_social_security_cap_is_flat_above_the_wage_base():
    x = np.linspace(0.0, 2_000_000.0, 20_001)
    social_security = payroll_tax(x) - 0.0145 * x - 0.009 * np.maximum(x - 200_000.0, 0.0)
    cap = social_security.max()
    base = cap / 0.062
    assert 180_000.0 < base < 200_000.0  # the 2026 wage base ($184,500 per SSA)
    assert np.allclose(social_security[x > base + 100.0], cap, atol=0.5)


def test_federal_marginal_rate_at_mid_income_is_the_bracket_rate():
    # $100k wages: taxable income $83,900 lies in the 22% bracket for 2026 (single)
    for place in PLACES:
        a, b = 95_000.0, 105_000.0
        rate = float(income_taxes(place, wages=b).federal - income_taxes(place, wages=a).federal) / (b - a)
        assert rate == pytest.approx(0.22, abs=1e-4)


def test_fellowship_has_the_standard_deduction_and_no_payroll_tax():
    # the stipend is taxed like wages once both are above the EITC range
    f = np.array([40_000.0, 80_000.0, 300_000.0])
    assert np.allclose(income_taxes("austin", fellowship=f).federal, income_taxes("austin", wages=f).federal, atol=1.0)
    # and a stipend below the standard deduction owes nothing
    assert float(income_taxes("austin", fellowship=15_000.0).federal) == 0.0


def test_self_employment_tax_rate():
    # 15.3% of 92.35% of net profit below the wage base
    assert float(self_employment_tax(50_000.0)) == pytest.approx(0.153 * 0.9235 * 50_000.0, abs=1.0)


def test_deferral_reduces_income_tax_but_not_payroll_tax():
    w, d = 150_000.0, 20_000.0
    for place in PLACES:
        with_d = income_taxes(place, wages=w, pretax_deferral=d)
        less = income_taxes(place, wages=w - d)
        assert float(with_d.federal) == pytest.approx(float(less.federal), abs=1e-9)
        if load_tax_tables().base(place, "wages", "state_income_tax") == "wages_minus_pretax_deferral":
            assert float(with_d.state) == pytest.approx(float(less.state), abs=1e-9)


def test_dividend_rates_federal():
    # 0% while taxable income stays under the 0% ceiling; 15% + 3.8% NIIT above $200k MAGI;
    # 20% + 3.8% well above the 20% threshold
    assert float(dividend_tax_rate("austin", 20_000.0).federal) == pytest.approx(0.0, abs=1e-3)
    assert float(dividend_tax_rate("austin", 120_000.0).federal) == pytest.approx(0.15, abs=1e-3)
    assert float(dividend_tax_rate("austin", 300_000.0).federal) == pytest.approx(0.188, abs=1e-3)
    assert float(dividend_tax_rate("austin", 1_500_000.0).federal) == pytest.approx(0.238, abs=2e-3)


def test_massachusetts_surtax_on_dividends():
    assert float(dividend_tax_rate("boston", 300_000.0).state) == pytest.approx(0.05, abs=1e-3)
    assert float(dividend_tax_rate("boston", 1_500_000.0).state) == pytest.approx(0.09, abs=1e-3)


def test_dividend_tax_is_integral_of_rate():
    x = np.array([60_000.0, 150_000.0, 700_000.0])
    q = np.array([1.0, 1.0, 1.0])
    for place in PLACES:
        got = dividend_tax(place, x, q)
        rates = dividend_tax_rate(place, x + 0.5)
        assert np.allclose(got.federal, rates.federal, atol=1e-3)
        assert np.allclose(got.state, rates.state, atol=1e-3)


def test_vectorised_equals_loop():
    rng = np.random.default_rng(7)
    w = rng.uniform(0.0, 2_500_000.0, size=(3, 40))
    d = np.minimum(rng.uniform(0.0, 24_500.0, size=w.shape), w)
    taxes = income_taxes("nyc", wages=w, pretax_deferral=d)
    assert taxes.federal.shape == w.shape
    for idx in np.ndindex(w.shape):
        one = income_taxes("nyc", wages=w[idx], pretax_deferral=d[idx])
        assert float(one.state) == float(taxes.state[idx])


def test_unknown_place_is_an_error():
    with pytest.raises(ValueError, match="no tax table"):
        income_taxes("atlantis", wages=1.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------- provenance


def test_provenance_hashes_match():
    prov = json.loads(PROVENANCE_PATH.read_text())
    assert prov["calculator"] == "PolicyEngine-US" and prov["law_year"] == 2026
    assert prov["calculator_versions"]["policyengine-us"]
    for path in (TABLES_PATH, CHECK_PATH):
        assert prov["sha256"][path.name] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_careersim_module_imports_the_generator():
    import pathlib
    import re

    imports = re.compile(r"^\s*(from\s+\S*_taxgen\s+import|import\s+\S*_taxgen|from\s+\S+\s+import\s+.*\b_taxgen\b)", re.M)
    root = pathlib.Path(_tax.__file__).parent
    for path in root.rglob("*.py"):
        if path.name != "_taxgen.py":
            assert not imports.search(path.read_text()), path


# ---------------------------------------------------------------- live, where the calculator is installed


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_CALCULATOR, reason="PolicyEngine-US is not installed (calibration venv only)")
def test_live_against_calculator():
    from careersim._taxgen import INCOME_TAX_COMPONENTS, INCOME_VARIABLES, Calculator, _calc

    prov = json.loads(PROVENANCE_PATH.read_text())
    calc = Calculator()
    rng = np.random.default_rng(11)
    for place, info in prov["places"].items():
        incomes = np.round(rng.uniform(0.0, 2_000_000.0, size=12), 2)
        for kind, variable in INCOME_VARIABLES.items():
            sim = calc.cases(info["state"], info["in_nyc"], [{variable: float(v)} for v in incomes])
            got = income_taxes(place, **{kind: incomes})
            for c, (mine) in zip(INCOME_TAX_COMPONENTS, got):
                assert np.allclose(mine, _calc(sim, INCOME_TAX_COMPONENTS[c]), atol=TOLERANCE_USD), (place, kind, c)

"""Valuation lenses and nominal dollars (issue 13, items 5-6)."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

import careersim
from careersim import cli
from careersim._decision_risk import crra_certainty_equivalent
from careersim._finances import money_paths
from careersim._results import start_price_factor
from careersim.lenses import lens_table

S = careersim.load_scenario("default").replace({"simulation.horizon_years": 12})
R = careersim.simulate(S, worlds=1500, rng=7)


def test_present_value_at_zero_rate_is_the_plain_sum_and_discounting_is_from_mid_year():
    np.testing.assert_allclose(R.lens_values("income_pv"), R.after_tax_income.sum(axis=2), rtol=1e-12)
    np.testing.assert_allclose(R.lens_values("consumption_pv", age=30), R.consumption[:, :, :8].sum(axis=2), rtol=1e-12)
    r = 0.04
    direct = sum(R.consumption[:, :, t] / (1 + r) ** (t + 0.5) for t in range(12))
    np.testing.assert_allclose(R.lens_values("consumption_pv", discount_rate=r), direct, rtol=1e-12)
    assert np.array_equal(R.lens_values("net_worth"), R.net_worth[:, :, -1])


def test_lens_flows_are_the_money_models_own():
    # after-tax income and consumption are the kernel's flows: income - taxes and spending
    from careersim._draws import draw_block, root_seed_sequence
    from careersim._market import make_world
    from careersim.careers import START_STATES, run_career
    from careersim.careers._machine import world_events

    d = draw_block(root_seed_sequence(7), 0, horizon_years=12, market_model=S.market.model).take(1500)
    world = make_world(S.market, S.regime, d)
    path = run_career(START_STATES["engineer"](S, world, d), S, world_events(S, world, d), d)
    f = money_paths(path, world, S.finances, start_age=22, keep_flows=True)
    i = R.index("engineer")
    np.testing.assert_allclose(R.after_tax_income[i].T, path.income - f.taxes, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(R.consumption[i].T, f.spending, rtol=1e-12)


def test_lens_table_agrees_with_a_direct_computation():
    t = lens_table(R, discount_rate=0.02, risk_aversion=2.0).set_index(["lens", "career"])
    for lens in ("net_worth", "income_pv", "consumption_pv"):
        x = R.lens_values(lens, discount_rate=0.02)
        for ci, career in enumerate(R.careers):
            row = t.loc[(lens, career)]
            assert row["median"] == pytest.approx(np.median(x[ci]), rel=1e-9)
            assert row["mean"] == pytest.approx(x[ci].mean(), rel=1e-9)
            assert row.certainty_equivalent == pytest.approx(float(crra_certainty_equivalent(x[ci], risk_aversion=2.0)[0]), rel=1e-9)
            if career != "engineer":
                assert row.p_ahead == pytest.approx((x[ci] > x[R.index("engineer")]).mean())
    s = R.summary(lens="income_pv", discount_rate=0.02)
    assert s.query("career == 'phd' and statistic == 'p50' and year == 12").value.iloc[0] == pytest.approx(np.median(R.lens_values("income_pv", discount_rate=0.02)[0]))
    d = R.compare("phd", "engineer", lens="income_pv", discount_rate=0.02).difference
    np.testing.assert_allclose(d[:, -1], R.lens_values("income_pv", discount_rate=0.02)[0] - R.lens_values("income_pv", discount_rate=0.02)[2])


def test_bad_lens_arguments_are_refused():
    with pytest.raises(careersim.ScenarioError, match="lens = 'wealth'"):
        R.lens_values("wealth")
    with pytest.raises(careersim.ScenarioError, match="discount_rate = 2"):
        R.compare("phd", "engineer", lens="income_pv", discount_rate=2)


def test_cli_lens(capsys):
    assert cli.main(["run", "default", "--worlds", "800", "--seed", "2", "--horizon", "10", "--lens", "consumption_pv", "--discount-rate", "3%", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["lens"] == "consumption_pv" and doc["discount_rate"] == pytest.approx(0.03)
    assert set(doc["careers"]["phd"]) == {"net_worth_at_horizon", "lens_at_horizon"}
    assert cli.main(["run", "default", "--worlds", "800", "--seed", "2", "--horizon", "10", "--lens", "income_pv"]) == 0
    assert "Present value at age 22 of after-tax income" in capsys.readouterr().out


def test_nominal_dollars_follow_the_hand_computed_price_path():
    s = careersim.load_scenario("money-much-better").replace({"simulation.horizon_years": 6})
    r = careersim.simulate(s, worlds=20, rng=1, careers=["phd", "residency"])
    path = Path(careersim.__file__).parent / "data" / "us_annual_returns_1928-2025.csv"
    cpi = {int(row["year"]): float(row["cpi_inflation"]) for row in csv.DictReader(path.open())}
    # the run starts on 1 January 2016; 2025 dollars are the mid-2025 price level
    start = 1.0 / (np.prod([1 + cpi[y] for y in range(2016, 2025)]) * (1 + cpi[2025]) ** 0.5)
    assert start_price_factor(s) == pytest.approx(start, rel=1e-12)
    hand = start * np.cumprod([1 + cpi[y] for y in range(2016, 2022)])
    np.testing.assert_allclose(r.values("income", dollars="nominal")[1, 0], r.income[1, 0] * hand, rtol=1e-12)
    assert r.values("income", dollars="nominal")[1, 0, 0] < r.income[1, 0, 0]  # 2016 dollars were worth more than 2025's
    # a parametric market starts at the currency year's prices
    assert start_price_factor(careersim.load_scenario("default")) == 1.0

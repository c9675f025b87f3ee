"""Calibrated defaults (issue 3): the bundled default scenario agrees with its data.

Each key that careersim.calibration computes from data/ (or from a figure cited in
data/SOURCES.md) must equal the bundled default to the precision the scenario writes it
in; pay defaults are the data figure times the CPI factor to the scenario's 2026 dollars.
Known disagreements would be strict expected failures (careersim.calibration.DISAGREEMENTS,
empty now): fixing such a default makes the test fail until its entry is removed.
The engineer's simulated pay growth is checked against levels.fyi's experience profile.
"""

import dataclasses
import math
from importlib import resources

import numpy as np
import pytest

import careersim
from careersim import calibration
from careersim.calibration import DISAGREEMENTS, calibrate, round_significant

CALIBRATED = calibrate()
DATA_FILES = (
    calibration.RETURNS_FILE,
    calibration.BLS_FILE,
    calibration.LEVELS_FILE,
    calibration.LAYOFFS_FILE,
    calibration.NSF_FILE,
)


def _params():
    out = []
    for key in sorted(CALIBRATED):
        marks = [pytest.mark.xfail(strict=True, reason=DISAGREEMENTS[key])] if key in DISAGREEMENTS else []
        out.append(pytest.param(key, id=key, marks=marks))
    return out


@pytest.mark.parametrize("key", _params())
def test_default_equals_calibrated_value(key, default_scenario):
    c = CALIBRATED[key]
    default = default_scenario.get(key)
    assert default == pytest.approx(c.rounded, rel=1e-12, abs=1e-15), (
        f"{key}: bundled default {default!r} but {c.method} of {c.source} gives {c.value!r} "
        f"(= {c.rounded!r} at the scenario's precision)"
    )


def test_disagreements_name_calibrated_keys():
    assert set(DISAGREEMENTS) <= set(CALIBRATED)


def test_bundled_default_scenario_equals_code_defaults(default_scenario):
    # calibrate() derives some values from other defaults (regime chain, state tax rate)
    # through the dataclass defaults; they must be the bundled scenario's values too.
    code = careersim.Scenario()
    for key in ("regime.boom_to_bust_probability", "regime.bust_to_boom_probability", "finances.place", "finances.living_cost_usd"):
        assert default_scenario.get(key) == code.get(key)


def test_every_calibrated_key_is_a_scenario_key(default_scenario):
    flat = default_scenario.flat()
    for key, c in CALIBRATED.items():
        assert key in flat
        assert c.key == key
        assert math.isfinite(c.value)
        assert c.source and c.method
        assert c.confidence in ("H", "M", "L", "L-M", "H-M", "derived")


def test_shipped_data_files_are_present_and_sourced():
    data = resources.files("careersim") / "data"
    sources = (data / "SOURCES.md").read_text(encoding="utf-8")
    for name in DATA_FILES:
        assert (data / name).is_file(), name
        assert name in sources, f"{name} is not described in data/SOURCES.md"
    assert "CC BY-NC-ND" in sources  # the stipend figures are cited, not shipped


def test_round_significant():
    assert round_significant(0.065565, 3) == 0.0656
    assert round_significant(-0.15278, 3) == -0.153
    assert round_significant(35_207.0, 2) == 35_000.0
    assert round_significant(0.0, 3) == 0.0


def test_log_sd_from_quartiles_inverts_a_lognormal():
    from scipy import stats

    d = stats.lognorm(s=0.3, scale=150_000.0)
    assert calibration.log_sd_from_quartiles(d.ppf(0.25), d.ppf(0.75)) == pytest.approx(0.3, rel=1e-12)


def test_market_moments_match_the_history_the_engine_bootstraps():
    from careersim._market import load_history

    h = load_history()
    lr = np.log1p(h.real_return)
    c = calibration.market_defaults(first_year=int(h.year[0]), last_year=int(h.year[-1]))
    assert c["market.real_log_return_mean"].value == pytest.approx(lr.mean(), rel=1e-12)
    assert c["market.real_log_return_sd"].value == pytest.approx(lr.std(ddof=1), rel=1e-12)
    assert c["market.inflation_mean"].value == pytest.approx(h.inflation.mean(), rel=1e-12)


def test_layoff_rate_matches_the_files_own_rate_column():
    lay = calibration.load_data(calibration.LAYOFFS_FILE).set_index("year")
    hazard = calibration.layoff_defaults()["layoffs.annual_layoff_hazard"].value
    assert hazard == pytest.approx(lay.loc[[2022, 2024, 2025], "us_rate_vs_comptia_tech_occ_5.9M"].mean(), abs=2e-4)


def test_bls_top_code_is_read_as_missing():
    bls = calibration.load_data(calibration.BLS_FILE)
    managers = bls[(bls["occ_code"] == "11-3021") & (bls["year"] == 2024)].iloc[0]
    assert np.isnan(managers["a_pct90"])
    assert managers["a_median"] == 171_200


def test_cpi_factor_round_trips():
    assert calibration.cpi_factor(2019, 2025) * calibration.cpi_factor(2025, 2019) == pytest.approx(1.0)
    assert calibration.cpi_factor(2024, 2025) == pytest.approx(1.0274)
    with pytest.raises(ValueError):
        calibration.cpi_factor(1900, 2025)


def test_calibrated_defaults_are_frozen():
    c = CALIBRATED["engineer.start_pay_usd"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.value = 1.0  # type: ignore[misc]


def test_cpi_factor_matches_price_level():
    assert calibration.cpi_factor(2019, 2025) == pytest.approx(calibration.price_level(2026.0) / calibration.price_level(2020.0), rel=1e-12)
    # within a year the level grows geometrically at that year's rate
    assert calibration.price_level(2019.5) / calibration.price_level(2019.0) == pytest.approx(1.0229**0.5, rel=1e-12)
    with pytest.raises(ValueError):
        calibration.price_level(1927.5)


def test_dollar_factors_to_2026():
    # no inflation is assumed after the data end (December 2025)
    assert calibration.price_level(2026.9) == calibration.price_level(2026.0)
    assert calibration.dollar_factor("levelsfyi_2017_2021") == pytest.approx(calibration.cpi_factor(2019, 2025), rel=1e-12)
    assert calibration.dollar_factor("stipend_ay_2025_26") == 1.0
    assert calibration.dollar_factor("bls_oews_may_2024") == pytest.approx(1.0274 * 1.0289 ** (7.5 / 12), rel=1e-12)
    assert calibration.dollar_factor(2026.0, currency_year=2026) == 1.0
    # the factor is the scenario's currency year's: 2019 dollars are priced at mid-2019
    assert calibration.dollar_factor(2019.5, currency_year=2019) == pytest.approx(1.0, rel=1e-12)


def test_pay_defaults_are_data_times_the_cpi_factor(default_scenario):
    assert default_scenario.simulation.currency_year == 2026
    f_lev = calibration.dollar_factor("levelsfyi_2017_2021")
    f_bls = calibration.dollar_factor("bls_oews_may_2024")
    lev = calibration.load_data(calibration.LEVELS_FILE).set_index(["title", "education", "years_experience"])["median"]
    bls = calibration.load_data(calibration.BLS_FILE).query("year == 2024").set_index("occ_code")["a_median"]
    swe = "Software Engineer"
    expect = {
        "engineer.start_pay_usd": lev[swe, "Bachelor's Degree", "0-1"] * f_lev,
        "residency.converted_pay_usd": lev[swe, "Bachelor's Degree", "2-4"] * f_lev,
        "phd.masters_start_pay_usd": lev[swe, "Master's Degree", "0-1"] * f_lev,
        "phd.research_scientist_start_pay_usd": lev[swe, "PhD", "0-1"] * f_lev,
        "phd.faculty_start_pay_usd": bls["25-1021"] * f_bls,
        "phd.other_start_pay_usd": bls["15-1221"] * f_bls,
    }
    for key, value in expect.items():
        assert default_scenario.get(key) == pytest.approx(value, rel=0.005), key
    # the calibration in another currency year moves every pay default by the same factor
    other = calibration.pay_defaults(currency_year=2020)
    assert other["engineer.start_pay_usd"].value == pytest.approx(160_000 * calibration.dollar_factor(2020.0, currency_year=2020), rel=1e-12)


def test_living_cost_lets_a_median_stipend_student_break_even(default_scenario):
    # at US-average prices (place "elsewhere", price index 100), a student on the median
    # stipend pays its 2026 income tax and the living costs, and has a little left
    stipend = calibration.CITED["cs_phd_stipend_median_us"].value
    f = default_scenario.replace({"finances.place": "elsewhere"}).finances
    tax = float(careersim.income_tax(np.array(stipend), place="elsewhere", kind="stipend"))
    surplus = stipend - tax - careersim.living_costs_usd(f)
    assert 0.0 <= surplus < 1_000.0  # saves a little, never borrows


def test_places_file_agrees_with_the_calibration():
    # the default place's stipend is the PhD default; every place's stipend is its cited figure
    places = careersim.load_places()
    assert places["bay_area"].phd_stipend_usd == CALIBRATED["phd.stipend_advisor_grant_usd"].rounded
    assert places["elsewhere"].phd_stipend_usd == calibration.CITED["cs_phd_stipend_median_us"].value
    assert all(p.price_index > 0 for p in places.values())


def test_experience_pay_ratios_from_levelsfyi():
    r = calibration.experience_pay_ratios()
    assert list(r.index) == [0, 3, 7, 12]
    assert r.tolist() == pytest.approx([1.0, 188_000 / 160_000, 233_500 / 160_000, 279_500 / 160_000])


def _engineer_ratios(scenario, worlds=4096, seed=20260):
    res = careersim.simulate(scenario, worlds=worlds, rng=seed, careers=["engineer"])
    return calibration.simulated_experience_pay_ratios(res)


def test_engineer_pay_growth_matches_levelsfyi_experience_profile(default_scenario):
    # Statistical, not golden: the median simulated engineer pay after 3, 7 and 12 years,
    # over year 1's, among worlds where the engineer is employed and never went back to
    # school, is within 5% of levels.fyi's median ratios (the fit is within ~2%; the
    # Monte Carlo se of each ratio is ~1% at 4,096 worlds).
    df = _engineer_ratios(default_scenario)
    assert (df["se"] < 0.02).all()
    assert (df["n"] > 0.9 * 4096).all()
    for k, row in df.iterrows():
        assert abs(row["relative_error"]) < 0.05, (k, row.to_dict())


def test_engineer_pay_growth_check_has_power(default_scenario):
    # the previous default (promotion_probability 0.25) undershot the profile; the check sees it
    df = _engineer_ratios(default_scenario.replace({"employment.promotion_probability": 0.25}), worlds=2048)
    assert df.loc[7, "relative_error"] < -0.05

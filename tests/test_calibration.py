"""Calibrated defaults (issue 3): the bundled default scenario agrees with its data.

Each key that careersim.calibration computes from data/ (or from a figure cited in
data/SOURCES.md) must equal the bundled default to the precision the scenario writes it
in. Known disagreements are strict expected failures: fixing the default makes the test
fail until the entry is removed from careersim.calibration.DISAGREEMENTS.
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
    for key in ("regime.boom_to_bust_probability", "regime.bust_to_boom_probability", "finances.state_income_tax_rate"):
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

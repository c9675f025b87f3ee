"""Numerical edges (issue 11, "never silently wrong"): every allowed value of every key
gives finite, sane results, at the longest horizon, in both simulation paths.

The sanity bound: no world's net worth or income may exceed ``BOUND_USD`` = $1e15 in
absolute value, about twice all household wealth in the world (some $450 trillion at
the end of 2022, UBS Global Wealth Report 2023): nobody can own more. Within the
allowed ranges (docs/scenarios.md) the largest values seen are about $3e13 for a single
key at a range end (initial_net_worth_usd = $1e9 compounding for 80 years) and about
$2e14 with every market key at its favourable end at once (mean log return 0.12, sd
0.35, 80 years, in a few hundred worlds); the old ranges reached $1e19-$1e29 (mean log
return 0.5, sd 1.0, raises of 100% a year, debt at 100% interest).

Covered: each key alone at each end of its range (others at their defaults), and all
market keys at their adverse or favourable ends together. Not covered: extremes of
several money keys at once (e.g. debt at 36% interest in a 10%-a-year deflation for 80
years, which still compounds debt to absurd sizes; see docs/model.md).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import careersim
from conftest import keep_relations
from careersim._draws import draw_block, root_seed_sequence
from careersim._finances import debt_real_rates
from careersim._market import INFLATION_FLOOR, LOG_RETURN_LIMIT, market_paths
from careersim._scenario import SECTIONS, MarketParams, Scenario

BOUND_USD = 1e15
HORIZON = 80
PATH_WORLDS = 256  # simulate(): every path is kept and checked
SUMMARY_WORLDS = 2 * 2048  # simulate_summary(): two blocks
SEED = 20260511

#: keys that matter only under one market model are tried under it
MODEL_OF = {"market.student_t_df": "student_t", "market.bootstrap_block_years": "bootstrap", "market.history_start_year": "historical"}
def range_ends(f: dataclasses.Field) -> list:
    """Every choice, or the two ends of the allowed range (just inside an open end)."""
    m = f.metadata
    if m["choices"]:
        return list(m["choices"])
    out = []
    for side, inward in (("low", math.inf), ("high", -math.inf)):
        v = m[side]
        if v is None:
            continue
        if m[f"{side}_open"]:
            v = math.nextafter(v, inward) if not isinstance(f.default, int) else int(v) + (1 if inward > 0 else -1)
        out.append(type(f.default)(v))
    return out


CASES = [(f"{section}.{f.name}", v) for section, cls in SECTIONS.items() for f in dataclasses.fields(cls) for v in range_ends(f)]


def scenario_at(key: str, value) -> Scenario:
    changes = {"simulation.horizon_years": HORIZON, key: value}
    if key in MODEL_OF:
        changes["market.model"] = MODEL_OF[key]
    return Scenario().replace(keep_relations(changes))


MARKET_ENDS = {
    # low returns, wide spread, deflation that moves with returns (debt gets heavier in a crash)
    "adverse": {"market.real_log_return_mean": "low", "market.real_log_return_sd": "high", "market.inflation_mean": "low",
                "market.inflation_sd": "high", "market.return_inflation_correlation": "high"},
    # high returns, wide spread (a higher mean of wealth), inflation that erodes debt
    "favourable": {"market.real_log_return_mean": "high", "market.real_log_return_sd": "high", "market.inflation_mean": "high",
                   "market.inflation_sd": "high", "market.return_inflation_correlation": "low"},
}


def market_combo(which: str, model: str) -> Scenario:
    fields = {f.name: f for f in dataclasses.fields(MarketParams)}
    changes = {key: fields[key.split(".")[1]].metadata[end] for key, end in MARKET_ENDS[which].items()}
    changes.update({"simulation.horizon_years": HORIZON, "market.model": model,
                    "market.student_t_df": fields["student_t_df"].metadata["low"]})
    return Scenario().replace(keep_relations(changes))


COMBOS = [(which, model) for which in MARKET_ENDS for model in ("lognormal", "student_t")]


def assert_frame_finite(frame) -> None:
    numbers = frame.select_dtypes("number")
    assert np.isfinite(numbers.to_numpy()).all(), numbers[~np.isfinite(numbers).all(axis=1)]


def check_paths(r: careersim.Result) -> None:
    for name in ("net_worth", "income", "real_return", "inflation"):
        assert np.isfinite(getattr(r, name)).all(), name
    assert np.abs(r.net_worth).max() < BOUND_USD, f"max |net worth| = {np.abs(r.net_worth).max():.3g}"
    assert r.income.min() >= 0.0 and r.income.max() < BOUND_USD
    # no year may lose more than everything: fund, history and debt (a negative real rate
    # of debt at or below -100% would turn debt into wealth)
    assert (r.real_return > -1.0).all()
    assert (r.inflation >= INFLATION_FLOOR).all()
    assert (debt_real_rates(r.inflation, r.scenario.finances) > -1.0).all()
    for variable in ("net_worth", "income"):
        s = r.summary(variable)
        assert_frame_finite(s)
        assert s.value.abs().max() < BOUND_USD
    assert_frame_finite(r.summary(dollars="nominal"))  # nominal may be large under high inflation, never inf
    assert_frame_finite(r.horizon_table())
    assert_frame_finite(r.compare("phd", "engineer").summary())


def check_summary(r) -> None:
    assert np.isfinite(r.mean).all() and np.isfinite(r.mean_se).all()
    assert np.abs(r.mean).max() < BOUND_USD
    assert ((r.p_ahead >= 0.0) & (r.p_ahead <= 1.0)).all()
    q, q_se = r.quantiles()
    assert np.isfinite(q).all() and np.isfinite(q_se).all()
    assert_frame_finite(r.summary())
    assert_frame_finite(r.horizon_table())
    assert_frame_finite(r.comparisons())


@pytest.mark.parametrize(("key", "value"), CASES, ids=[f"{k}={v}" for k, v in CASES])
def test_each_range_end_gives_finite_sane_paths(key, value):
    check_paths(careersim.simulate(scenario_at(key, value), worlds=PATH_WORLDS, rng=SEED))


@pytest.mark.slow
@pytest.mark.parametrize(("key", "value"), CASES, ids=[f"{k}={v}" for k, v in CASES])
def test_each_range_end_gives_finite_sane_summary(key, value):
    check_summary(careersim.simulate_summary(scenario_at(key, value), worlds=SUMMARY_WORLDS, rng=SEED))


@pytest.mark.parametrize(("which", "model"), COMBOS)
def test_all_market_keys_at_their_ends_together(which, model):
    s = market_combo(which, model)
    check_paths(careersim.simulate(s, worlds=PATH_WORLDS, rng=SEED))
    check_summary(careersim.simulate_summary(s, worlds=SUMMARY_WORLDS, rng=SEED))


@pytest.mark.parametrize("mean", ["low", "high"])
def test_fattest_allowed_student_t_with_widest_spread_in_many_worlds(mean):
    fields = {f.name: f for f in dataclasses.fields(MarketParams)}
    s = Scenario().replace({"simulation.horizon_years": HORIZON, "market.model": "student_t",
                            "market.student_t_df": fields["student_t_df"].metadata["low"],
                            "market.real_log_return_sd": fields["real_log_return_sd"].metadata["high"],
                            "market.real_log_return_mean": fields["real_log_return_mean"].metadata[mean]})
    r = careersim.simulate_summary(s, worlds=4 * 2048, rng=SEED, careers=["engineer", "phd"])
    check_summary(r)


# -- the Student-t divisor (issue 11 (a)) ----------------------------------------------------

def test_student_t_divisor_is_never_exactly_zero():
    # At df / 2 == 1 in single precision numpy draws an exponential variate, which is exactly
    # 0 with probability 2**-23: block 0 of seed 1 holds one such zero among its 80 x 2048
    # draws (df just above 2 was allowed before issue 11), and z / sqrt(0) was +-inf.
    d = draw_block(root_seed_sequence(1), 0, horizon_years=80, market_model="student_t", student_t_df=2.0000001)
    assert (d.market_extra > 0.0).all()
    assert np.isfinite(d.market_extra).all()


def test_zero_student_t_divisor_gives_a_finite_return_above_minus_100_percent():
    # Draws with exact zeros in the gamma variate (as single precision can produce) must
    # still give finite returns within the yearly limit, never +inf (was: the CLI printed
    # "infM +- nanM") or exactly -100% (was: the fund wiped out).
    d = draw_block(root_seed_sequence(1), 0, horizon_years=3, market_model="student_t", student_t_df=3.0).take(4)
    extra = d.market_extra.copy()
    z = d.market_z_return.copy()
    extra[0, :] = 0.0
    z[0, :] = np.array([2.5, -2.5, 1e-3, -1e-3], dtype=np.float32)
    d = dataclasses.replace(d, market_extra=extra, market_z_return=z)
    p = MarketParams(model="student_t", student_t_df=3.0, real_log_return_sd=0.35)
    with np.errstate(divide="ignore"):  # z / sqrt(0) = +-inf before the yearly limit
        real, inflation = market_paths(p, d)
    assert np.isfinite(real).all() and np.isfinite(inflation).all()
    assert (real > -1.0).all()
    assert real[0, 0] == pytest.approx(math.expm1(LOG_RETURN_LIMIT)) and real[0, 1] == pytest.approx(math.expm1(-LOG_RETURN_LIMIT))


def test_limits_leave_ordinary_draws_untouched():
    # the guards change only degenerate draws: at the defaults every log return is well
    # inside the limit and no inflation is floored, so results are as before
    s = Scenario().replace({"simulation.horizon_years": HORIZON})
    for model in ("lognormal", "student_t"):
        m = dataclasses.replace(s.market, model=model)
        d = draw_block(root_seed_sequence(SEED), 0, horizon_years=HORIZON, market_model=model, student_t_df=m.student_t_df)
        real, inflation = market_paths(m, d)
        z = d.market_z_return.astype(np.float64)
        if model == "student_t":
            z = z / np.sqrt(d.market_extra.astype(np.float64)) * np.sqrt((m.student_t_df - 2.0) / m.student_t_df)
        inside = np.abs(m.real_log_return_mean + m.real_log_return_sd * z) < LOG_RETURN_LIMIT
        assert inside.mean() > 0.9999
        assert np.allclose(real[inside], np.expm1(m.real_log_return_mean + m.real_log_return_sd * z[inside]), rtol=1e-6)
        assert (inflation > INFLATION_FLOOR).all()

"""Property tests over the scenario space, invariants and edge cases (issue 8).

Layer (c) of STYLE.md: Hypothesis draws scenarios and seeds; the properties hold for any.
"""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import careersim
from careersim import Scenario, ScenarioError
from conftest import FIELD, keep_relations, valid_value
from careersim._draws import draw_block, root_seed_sequence
from careersim._finances import money_paths
from careersim._market import make_world
from careersim._places import PLACE_IDS
from careersim.careers import START_STATES, run_career
from careersim.careers._machine import world_events
from careersim._streaming import comparison_pairs

#: the loaded Hypothesis profile scales every example count below (conftest.py): 1 locally
#: and on CI, 20 under `make fuzz`
SCALE = settings.default.max_examples / settings.get_profile("default").max_examples


def examples(n: int) -> int:
    """``n`` examples per CI run, scaled by the loaded profile."""
    return max(1, round(n * SCALE))


def property_settings(n: int) -> settings:
    return settings(max_examples=examples(n), deadline=None, suppress_health_check=[HealthCheck.too_slow])


SETTINGS = property_settings(25)
KEYS = list(FIELD)
HORIZON = "simulation.horizon_years"
# few worlds keep each example quick; any horizon, up to the longest allowed
WORLDS = st.integers(2, 128)
CAREER_SUBSETS = st.lists(st.sampled_from(careersim.CAREERS), min_size=1, max_size=len(careersim.CAREERS), unique=True)


@st.composite
def scenarios(draw):
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=8, unique=True))
    changes = {k: draw(valid_value(k)) for k in keys}
    # the horizon, from 1 year to the longest the scenario allows, in every example
    changes[HORIZON] = draw(valid_value(HORIZON))
    # only the cross-key rules can refuse in-range values: keep each pair within them
    return Scenario().replace(keep_relations(changes))


@property_settings(1_200)
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1), worlds=WORLDS, careers=CAREER_SUBSETS)
def test_any_valid_scenario_simulates_finite_with_consistent_shapes(scenario, seed, worlds, careers):
    r = careersim.simulate(scenario, worlds=worlds, rng=seed, careers=careers)
    T = scenario.simulation.horizon_years
    assert r.careers == tuple(careers)
    assert r.net_worth.shape == r.income.shape == r.status.shape == (len(careers), worlds, T)
    assert r.real_return.shape == r.inflation.shape == r.bust.shape == (worlds, T)
    assert np.isfinite(r.net_worth).all() and np.isfinite(r.income).all()
    assert np.isfinite(r.real_return).all() and np.isfinite(r.inflation).all()
    assert (r.income >= 0).all()
    assert set(np.unique(r.status)) <= set(careersim.STATUS_NAMES)
    s = r.summary()
    assert np.isfinite(s.value).all()


def assert_summary_matches_paths(s, r, careers, worlds, T):
    """A SummaryResult against the paths of the same worlds (simulate with the same seed)."""
    C, pairs = len(careers), comparison_pairs(careers)
    P = len(pairs)
    assert s.careers == tuple(careers) and s.worlds == worlds and s.pairs == tuple(pairs)
    assert s.mean.shape == s.mean_se.shape == (C, T)
    assert s.p_ahead.shape == s.p_tie.shape == s.mean_difference.shape == s.mean_difference_se.shape == (P, T)
    for f in dataclasses.fields(s):
        x = getattr(s, f.name)
        if isinstance(x, np.ndarray):
            assert np.isfinite(x).all(), f.name
    assert (s.mean_se >= 0).all() and (s.mean_difference_se >= 0).all()
    assert ((0 <= s.p_ahead) & (s.p_ahead <= 1) & (0 <= s.p_tie) & (s.p_ahead + s.p_tie <= 1)).all()
    # the same worlds as the paths: moments to rounding, shares exactly
    x = r.net_worth  # (career, world, year)
    scale = max(1.0, float(np.abs(x).max()))
    np.testing.assert_allclose(s.mean, x.mean(axis=1), rtol=1e-9, atol=1e-9 * scale)
    np.testing.assert_allclose(s.mean_se, x.std(axis=1, ddof=1) / np.sqrt(worlds), rtol=1e-6, atol=1e-9 * scale)
    for i, (a, b) in enumerate(pairs):
        d = x[careers.index(a)] - x[careers.index(b)]
        np.testing.assert_array_equal(s.p_ahead[i], (d > 0).mean(axis=0), err_msg=f"{a} vs {b}")
        np.testing.assert_array_equal(s.p_tie[i], (d == 0).mean(axis=0), err_msg=f"{a} vs {b}")
        np.testing.assert_allclose(s.mean_difference[i], d.mean(axis=0), rtol=1e-9, atol=1e-9 * scale)
    # quantiles: finite, ordered in q, and those of the paths to within one bin
    qs = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]
    q, q_se = s.quantiles(qs)
    assert q.shape == q_se.shape == (len(qs), C, T)
    assert np.isfinite(q).all() and np.isfinite(q_se).all() and (q_se >= 0).all()
    assert (np.diff(q, axis=0) >= 0).all(), "quantiles decrease in q"
    assert_quantiles_within_a_bin(q, x.transpose(0, 2, 1), qs)
    if P:
        median, median_se = s.median_difference_at_horizon()
        assert median.shape == median_se.shape == (P,) and np.isfinite(median_se).all()
        d = np.stack([x[careers.index(a), :, -1] - x[careers.index(b), :, -1] for a, b in pairs])
        assert_quantiles_within_a_bin(median[None], d, [0.5])
    assert np.isfinite(s.summary().value).all()


def assert_quantiles_within_a_bin(got, x, qs):
    """``got[k]`` against ``np.quantile(x, qs[k], axis=-1)`` with the tolerance that
    careersim._streaming documents: ``(max(|x_(i)|, |x_(i+1)|) + $1) / 512``, where
    ``x_(i) <= x_(i+1)`` are the order statistics np.quantile interpolates between."""
    xs = np.sort(x, axis=-1)
    n = xs.shape[-1]
    for k, q in enumerate(qs):
        i = int(np.floor((n - 1) * q))
        tol = (np.maximum(np.abs(xs[..., i]), np.abs(xs[..., min(i + 1, n - 1)])) + 1.0) / 512
        err = np.abs(got[k] - np.quantile(x, q, axis=-1))
        assert (err <= tol * (1 + 1e-9)).all(), f"quantile {q}: off by up to {err.max():,.2f} USD, {(err / tol).max():.2f} bins"


@property_settings(800)
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1), worlds=WORLDS, careers=CAREER_SUBSETS)
def test_any_valid_scenario_summarizes_like_its_paths(scenario, seed, worlds, careers):
    s = careersim.simulate_summary(scenario, worlds=worlds, rng=seed, careers=careers)
    r = careersim.simulate(scenario, worlds=worlds, rng=seed, careers=careers)
    assert_summary_matches_paths(s, r, careers, worlds, scenario.simulation.horizon_years)


def invalid_value(key):
    f = FIELD[key]
    m = f.metadata
    bad = [st.none(), st.just([1, 2]), st.just({"a": 1}), st.booleans()]
    if m["choices"]:
        bad.append(st.text(max_size=8).filter(lambda t: t not in m["choices"]))
        bad.append(st.floats(allow_nan=True))
    else:
        bad += [st.just(math.nan), st.just(math.inf), st.just(-math.inf), st.text(max_size=5)]
        if m["low"] is not None:
            bad.append(st.floats(max_value=m["low"], exclude_max=not m["low_open"], allow_nan=False, allow_infinity=False).filter(lambda v: v < m["low"] or (m["low_open"] and v == m["low"])))
        if m["high"] is not None:
            bad.append(st.floats(min_value=m["high"], exclude_min=not m["high_open"], allow_nan=False, allow_infinity=False).filter(lambda v: v > m["high"] or (m["high_open"] and v == m["high"])))
        if isinstance(f.default, int):
            bad.append(st.floats(0.1, 0.9).map(lambda v: f.default + v))
    return st.one_of(bad)


@property_settings(200)
@given(data=st.data())
def test_any_invalid_value_raises_the_documented_error(data):
    key = data.draw(st.sampled_from(KEYS))
    value = data.draw(invalid_value(key))
    with pytest.raises(ScenarioError) as info:
        Scenario().replace({key: value})
    assert key in str(info.value)


@property_settings(100)
@given(text=st.text(max_size=200))
def test_any_text_either_loads_or_raises_scenario_error(tmp_path_factory, text):
    p = tmp_path_factory.mktemp("s") / "x.toml"
    p.write_text(text, encoding="utf-8")
    try:
        s = careersim.load_scenario(p)
    except ScenarioError:
        return
    assert isinstance(s, Scenario)


@property_settings(60)
@given(key=st.one_of(st.text(max_size=30), st.sampled_from(KEYS)), value=st.one_of(st.integers(), st.floats(), st.text(max_size=5), st.none()))
def test_any_key_either_sets_or_raises_scenario_error(key, value):
    try:
        s = Scenario().replace({key: value})
    except ScenarioError:
        return
    # only a known key can be set, and then it holds the value
    assert key in KEYS or key in ("name", "description"), key
    if key in KEYS:
        assert s.flat()[key] == value


# ---- monotonicity with the same seed (common random numbers) ----

@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), base=st.floats(10_000, 60_000), extra=st.floats(1, 30_000),
       source=st.sampled_from(["stipend_fellowship_usd", "stipend_advisor_grant_usd", "stipend_ta_usd"]))
def test_higher_stipend_never_lowers_phd_net_worth(seed, base, extra, source):
    s = Scenario().replace({"simulation.horizon_years": 15, f"phd.{source}": base})
    lo = careersim.simulate(s, worlds=300, rng=seed, careers=["phd"])
    hi = careersim.simulate(s.replace({f"phd.{source}": base + extra}), worlds=300, rng=seed, careers=["phd"])
    # world by world, hence for the median too
    assert (hi.net_worth >= lo.net_worth - 1e-6).all()
    assert np.median(hi.net_worth[0, :, -1]) >= np.median(lo.net_worth[0, :, -1])
    # and the stipend is paid: among 300 PhD students some are funded from this source
    assert (hi.net_worth > lo.net_worth).any()


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), rate=st.floats(0.0, 0.9), extra=st.floats(0.01, 0.5))
def test_higher_savings_rate_never_lowers_any_mean(seed, rate, extra):
    s = Scenario().replace({"simulation.horizon_years": 15, "finances.savings_rate": rate, "finances.spending_rule": "savings_rate"})
    lo = careersim.simulate(s, worlds=300, rng=seed)
    hi = careersim.simulate(s.replace({"finances.savings_rate": min(1.0, rate + extra)}), worlds=300, rng=seed)
    assert (hi.net_worth >= lo.net_worth - 1e-6).all()
    assert (hi.net_worth.mean(axis=1) >= lo.net_worth.mean(axis=1) - 1e-6).all()
    # and the rate is applied: every career has a surplus to save in some world and year
    assert (hi.net_worth > lo.net_worth).any(axis=(1, 2)).all()


@property_settings(10)
@given(seed=st.integers(0, 2**32 - 1), hazard=st.floats(0.0, 0.3), extra=st.floats(0.05, 0.4))
def test_higher_layoff_hazard_never_raises_engineer_median(seed, hazard, extra):
    # Not world by world: a layoff can be followed by a better-paid job. For the median
    # over many worlds, with common random numbers the effect dominates the noise.
    s = Scenario().replace({"simulation.horizon_years": 20, "layoffs.annual_layoff_hazard": hazard})
    lo = careersim.simulate(s, worlds=2_000, rng=seed, careers=["engineer"])
    hi = careersim.simulate(s.replace({"layoffs.annual_layoff_hazard": min(1.0, hazard + extra)}), worlds=2_000, rng=seed, careers=["engineer"])
    for year in (5, 10, 20):
        assert np.median(hi.net_worth[0, :, year - 1]) <= np.median(lo.net_worth[0, :, year - 1])


# ---- invariants ----

def test_identical_across_chunk_sizes_and_workers():
    s = careersim.load_scenario("default")
    a = careersim.simulate(s, worlds=9_000, rng=31, chunk_blocks=1)
    b = careersim.simulate(s, worlds=9_000, rng=31, chunk_blocks=3)
    c = careersim.simulate(s, worlds=9_000, rng=31, chunk_blocks=2, workers=2)
    for x in (b, c):
        np.testing.assert_array_equal(a.net_worth, x.net_worth)
        np.testing.assert_array_equal(a.status, x.status)
    sa = careersim.simulate_summary(s, worlds=9_000, rng=31, chunk_blocks=1, threads=1)
    # workers; threads over tasks; one task's paths on threads
    for kw in ({"chunk_blocks": 4, "workers": 2}, {"chunk_blocks": 2, "threads": 2}, {"chunk_blocks": 32, "threads": 2}):
        sb = careersim.simulate_summary(s, worlds=9_000, rng=31, **kw)
        for f in dataclasses.fields(sa):  # every field, whatever the summary keeps
            x, y = getattr(sa, f.name), getattr(sb, f.name)
            if isinstance(x, np.ndarray):
                np.testing.assert_array_equal(x, y, err_msg=f"{kw} {f.name}")
            else:
                assert x == y, f"{kw} {f.name}"


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), a=st.sampled_from(careersim.CAREERS), b=st.sampled_from(careersim.CAREERS))
def test_p_ahead_behind_tie_sum_to_one(seed, a, b):
    r = careersim.simulate(Scenario().replace({"simulation.horizon_years": 10}), worlds=200, rng=seed)
    s = r.compare(a, b).summary().pivot(index="year", columns="statistic", values="value")
    np.testing.assert_allclose(s.p_a_ahead + s.p_b_ahead + s.p_tie, 1.0)
    # each is the share of worlds it names, and swapping a and b swaps ahead and behind
    d = r.net_worth[r.index(a)] - r.net_worth[r.index(b)]
    np.testing.assert_array_equal(s.p_a_ahead, (d > 0).mean(axis=0))
    np.testing.assert_array_equal(s.p_tie, (d == 0).mean(axis=0))
    swapped = r.compare(b, a).summary().pivot(index="year", columns="statistic", values="value")
    np.testing.assert_array_equal(swapped.p_b_ahead, s.p_a_ahead)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), start=st.floats(-200_000, 200_000), debt=st.sampled_from([0.0, 30_000.0]),
       rule=st.sampled_from(["income_elasticity", "savings_rate"]), place=st.sampled_from(PLACE_IDS))
def test_accounting_identity_per_world(seed, start, debt, rule, place):
    """Every dollar of gross income goes somewhere, in every world and year; the engine's net
    worth is the finance kernel's on the same draws, and pre-tax net worth is the accounts'
    balances less debts."""
    s = Scenario().replace({"simulation.horizon_years": 25, "simulation.initial_net_worth_usd": start, "finances.living_cost_usd": 60_000.0,
                            "finances.student_debt_usd": debt, "finances.spending_rule": rule, "finances.place": place,
                            "layoffs.annual_layoff_hazard": 0.2})
    n = 200
    r = careersim.simulate(s, worlds=n, rng=seed)
    d = draw_block(root_seed_sequence(seed), 0, horizon_years=25, market_model=s.market.model, student_t_df=s.market.student_t_df).take(n)
    world = make_world(s.market, s.regime, d)
    events = world_events(s, world, d)
    for ci, career in enumerate(r.careers):
        path = run_career(START_STATES[career](s, world, d), s, events, d)
        f = money_paths(path, world, s.finances, start_age=s.simulation.start_age, initial_net_worth_usd=start, keep_flows=True)
        np.testing.assert_array_equal(path.income.T, r.income[ci])
        np.testing.assert_allclose(f.net_worth_after_tax.T, r.net_worth[ci], rtol=1e-12)
        c = f.contributions
        spent = f.taxes + f.spending + f.debt_payment + c.deferral + c.roth + f.taxable_cash
        np.testing.assert_allclose(spent, path.income, rtol=1e-12, atol=1e-6)
        b = f.balances
        np.testing.assert_allclose(f.net_worth_pre_tax, b.taxable + b.traditional + b.roth - f.student_debt, rtol=1e-12, atol=1e-6)
        assert (c.deferral <= s.finances.limit_401k_usd + 1e-9).all() and (c.roth <= s.finances.roth_ira_limit_usd + 1e-9).all()
        # (taxes may be negative: refundable credits such as California's EITC at low income)
        assert (f.spending > 0).all()


# ---- extreme but valid requests ----

def grown_by_returns(r):
    """Each year's net worth if the previous one only earned the best return it could: the
    better of the stock and bond funds' real returns on wealth (a mix, fees and taxes only
    lower it), the debt's real interest (nominal rate deflated) on debt."""
    start = r.scenario.simulation.initial_net_worth_usd
    previous = np.concatenate([np.full(r.net_worth.shape[:2] + (1,), float(start)), r.net_worth[:, :, :-1]], axis=2)
    debt_rate = (1.0 + r.scenario.finances.debt_interest_rate) / (1.0 + r.inflation) - 1.0
    best = np.maximum(r.real_return, r.bond_real_return)
    return previous, previous + previous * np.where(previous >= 0.0, best, debt_rate)


#: spend every dollar above the living costs; pre-tax net worth; no student loan (whose real
#: balance inflation erodes, which would add to net worth without any saving)
ZERO_SAVINGS = {"finances.spending_rule": "savings_rate", "finances.savings_rate": 0.0, "finances.net_worth": "pre-tax", "finances.student_debt_usd": 0.0}


def check_zero_savings(r):
    # saving nothing of a surplus and taking all of a shortfall, no year adds to wealth
    # more than its return on the year before, in any world or career ...
    previous, grown = grown_by_returns(r)
    assert np.isfinite(r.net_worth).all()
    excess = r.net_worth - grown
    slack = 1e-9 * np.abs(previous) + 1e-6
    assert (excess <= slack).all(), f"net worth rose ${excess.max():,.2f} above the return on the year before"
    # ... so who starts with nothing or in debt never gets out of it
    if r.scenario.simulation.initial_net_worth_usd <= 0:
        assert (r.net_worth <= 1e-6).all()  # (rounding: spending all of it leaves a few 1e-12 dollars)


@property_settings(100)
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1), worlds=WORLDS)
def test_zero_savings_never_adds_more_than_the_return(scenario, seed, worlds):
    check_zero_savings(careersim.simulate(scenario.replace(ZERO_SAVINGS), worlds=worlds, rng=seed))


def test_longest_horizon_and_zero_savings():
    longest = FIELD[HORIZON].metadata["high"]
    r = careersim.simulate(Scenario().replace({HORIZON: longest, **ZERO_SAVINGS}), worlds=500, rng=1)
    assert r.net_worth.shape == (4, 500, longest)
    check_zero_savings(r)


def test_hundred_million_worlds_refused_at_once_for_paths_and_chunked_for_summaries(monkeypatch):
    import tracemalloc

    from careersim import _engine

    with pytest.raises(ScenarioError, match="simulate_summary"):
        careersim.simulate(worlds=100_000_000)
    # the summary path's peak memory stays flat in the number of worlds: 4x the worlds
    # would add ~60 MiB of paths (x1.7) to a summary that kept them; a flat one grows <10%.
    # The draw cache (simulate()'s, for interactive runs) is turned off so that no warm-up
    # counts as growth.
    monkeypatch.setattr(_engine, "_DRAW_CACHE_WORLDS", 0)
    careersim.simulate_summary(worlds=2_048, rng=1)  # imports and first-call set-up

    def peak_bytes(worlds):
        _engine._DRAW_CACHE.clear()
        tracemalloc.start()
        try:
            careersim.simulate_summary(worlds=worlds, rng=1)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak_bytes(8 * 2_048), peak_bytes(32 * 2_048)
    assert large < 1.35 * small, (small / 2**20, large / 2**20)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", None, True])
def test_bad_world_counts_and_chunks(bad):
    with pytest.raises(ScenarioError, match="worlds"):
        careersim.simulate(worlds=bad)
    with pytest.raises(ScenarioError, match="chunk_blocks"):
        careersim.simulate(worlds=10, chunk_blocks=bad if bad is not None else 0)


@pytest.mark.parametrize("bad", [-1, "x", 1.5, [1]])
def test_bad_rng(bad):
    with pytest.raises((TypeError, ValueError)):
        careersim.simulate(worlds=10, rng=bad)


def test_bad_careers():
    with pytest.raises(ScenarioError, match="phd, residency"):
        careersim.simulate(worlds=10, careers=["postdoc"])
    with pytest.raises(ScenarioError):
        careersim.simulate(worlds=10, careers=[])

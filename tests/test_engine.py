"""Layer (a) reproducibility and (b) statistics of the core engine (issue 2)."""

import concurrent.futures
import dataclasses
import os
import sys

import numpy as np
import pytest
from conftest import quiet_scenario

import careersim
from careersim import _market
from careersim import income_tax
from careersim._draws import BLOCK_WORLDS


def test_shapes_and_careers(small_result):
    r = small_result
    assert r.careers == ("phd", "residency", "engineer", "independent")
    assert r.net_worth.shape == r.income.shape == r.status.shape == (4, 3_000, 40)
    assert np.isfinite(r.net_worth).all() and np.isfinite(r.income).all()
    assert (r.income >= 0).all()
    assert list(r.ages[[0, -1]]) == [23, 62]


def test_zero_volatility_gives_closed_form_future_value():
    s = quiet_scenario()
    r = careersim.simulate(s, worlds=50, rng=0, careers=["engineer"])
    pay = s.engineer.start_pay_usd
    assert np.allclose(r.income, pay)
    f = s.finances
    saving = f.savings_rate * (pay - float(income_tax(np.array(pay), place=f.place)) - careersim.living_costs_usd(f))
    rate = np.expm1(s.market.real_log_return_mean)
    years = np.arange(1, 41)
    expected = saving * ((1 + rate) ** years - 1) / rate
    np.testing.assert_allclose(r.net_worth[0], np.broadcast_to(expected, (50, 40)), rtol=1e-10)


@pytest.mark.parametrize("hazard", [0.05, 0.2])
def test_first_year_layoff_fraction_matches_hazard(hazard):
    s = quiet_scenario(**{"layoffs.annual_layoff_hazard": hazard, "regime.initial_bust_probability": 0.0})
    n = 40_000
    r = careersim.simulate(s, worlds=n, rng=7, careers=["engineer"])
    # laid off at the end of year 1 => part of year 2 unpaid
    laid_off = r.income[0, :, 1] < r.income[0, :, 0] - 1e-6
    se = np.sqrt(hazard * (1 - hazard) / n)
    assert abs(laid_off.mean() - hazard) < 4 * se


def test_short_spell_costs_fraction_of_year():
    s = quiet_scenario(**{"layoffs.annual_layoff_hazard": 1.0, "layoffs.spell_median_years": 0.25, "layoffs.spell_log_sd": 0.0,
                          "layoffs.reemployment_log_pay_change_sd": 0.0, "layoffs.reemployment_log_pay_change_mean": 0.0,
                          "regime.initial_bust_probability": 0.0, "regime.boom_to_bust_probability": 0.0})
    r = careersim.simulate(s, worlds=10, rng=1, careers=["engineer"])
    pay = s.engineer.start_pay_usd
    np.testing.assert_allclose(r.income[0, :, 0], pay)
    np.testing.assert_allclose(r.income[0, :, 1], 0.75 * pay)


def test_same_seed_same_result_and_different_seed_differs(default_scenario):
    a = careersim.simulate(default_scenario, worlds=500, rng=11)
    b = careersim.simulate(default_scenario, worlds=500, rng=11)
    c = careersim.simulate(default_scenario, worlds=500, rng=12)
    np.testing.assert_array_equal(a.net_worth, b.net_worth)
    np.testing.assert_array_equal(a.status, b.status)
    assert not np.array_equal(a.net_worth, c.net_worth)


def test_rng_forms_are_equivalent(default_scenario):
    a = careersim.simulate(default_scenario, worlds=300, rng=5)
    b = careersim.simulate(default_scenario, worlds=300, rng=np.random.SeedSequence(5))
    np.testing.assert_array_equal(a.net_worth, b.net_worth)
    g1 = careersim.simulate(default_scenario, worlds=300, rng=np.random.default_rng(3))
    g2 = careersim.simulate(default_scenario, worlds=300, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(g1.net_worth, g2.net_worth)
    unseeded = careersim.simulate(default_scenario, worlds=300, rng=None)
    again = careersim.simulate(default_scenario, worlds=300, rng=np.random.SeedSequence(unseeded.seed_entropy))
    np.testing.assert_array_equal(unseeded.net_worth, again.net_worth)


@pytest.mark.parametrize(
    "key, value, changed",
    [
        ("phd.stipend_advisor_grant_usd", 55_000.0, "phd"),
        ("phd.advisor_quality_sd", 2.0, "phd"),
        ("residency.conversion_probability", 0.9, "residency"),
        ("engineer.start_pay_usd", 200_000.0, "engineer"),
        ("independent.renewal_probability", 0.9, "independent"),
    ],
)
def test_changing_one_career_leaves_others_identical(default_scenario, key, value, changed):
    a = careersim.simulate(default_scenario, worlds=2_500, rng=3)
    b = careersim.simulate(default_scenario.replace({key: value}), worlds=2_500, rng=3)
    for i, career in enumerate(a.careers):
        if career == changed:
            assert not np.array_equal(a.net_worth[i], b.net_worth[i]), career
        else:
            np.testing.assert_array_equal(a.net_worth[i], b.net_worth[i], err_msg=career)
            np.testing.assert_array_equal(a.status[i], b.status[i], err_msg=career)


def test_subset_of_careers_sees_the_same_worlds(default_scenario):
    full = careersim.simulate(default_scenario, worlds=700, rng=9)
    only = careersim.simulate(default_scenario, worlds=700, rng=9, careers=["engineer", "phd"])
    np.testing.assert_array_equal(only.net_worth[0], full.net_worth[full.index("engineer")])
    np.testing.assert_array_equal(only.net_worth[1], full.net_worth[full.index("phd")])


def test_first_worlds_do_not_depend_on_world_count(default_scenario):
    small = careersim.simulate(default_scenario, worlds=100, rng=4)
    big = careersim.simulate(default_scenario, worlds=BLOCK_WORLDS + 100, rng=4)
    np.testing.assert_array_equal(small.net_worth, big.net_worth[:, :100])


@pytest.fixture
def process_pools(monkeypatch):
    """Every process pool the library starts from now on, with the tasks sent to it."""
    real = concurrent.futures.ProcessPoolExecutor
    started = []

    class Spy(real):
        def __init__(self, max_workers=None, *args, **kwargs):
            super().__init__(max_workers, *args, **kwargs)
            self.max_workers, self.tasks = max_workers, 0
            started.append(self)

        def submit(self, *args, **kwargs):  # Executor.map submits each task
            self.tasks += 1
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    for name, module in list(sys.modules.items()):
        if name.startswith("careersim") and getattr(module, "ProcessPoolExecutor", None) is real:
            monkeypatch.setattr(module, "ProcessPoolExecutor", Spy)
    return started


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="two worker processes need two CPUs")
def test_workers_do_not_change_results(default_scenario, process_pools):
    # three full blocks and a partial one, one block per task: four tasks for two processes
    n = 3 * BLOCK_WORLDS + 100
    a = careersim.simulate(default_scenario, worlds=n, rng=21, workers=1, chunk_blocks=1)
    sa = careersim.simulate_summary(default_scenario, worlds=n, rng=21, workers=1, chunk_blocks=1)
    assert process_pools == []
    b = careersim.simulate(default_scenario, worlds=n, rng=21, workers=2, chunk_blocks=1)
    sb = careersim.simulate_summary(default_scenario, worlds=n, rng=21, workers=2, chunk_blocks=1)
    # each run really went through a pool of two processes, several tasks each
    assert [p.max_workers for p in process_pools] == [2, 2]
    assert all(p.tasks >= 2 for p in process_pools), [p.tasks for p in process_pools]
    for name in ("net_worth", "income", "status", "real_return", "inflation", "bust"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.facts.keys() == b.facts.keys()
    for k in a.facts:
        np.testing.assert_array_equal(a.facts[k], b.facts[k], err_msg=k)
    for f in dataclasses.fields(sa):
        x, y = getattr(sa, f.name), getattr(sb, f.name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y, f.name


def test_compare_with_itself_is_zero(small_result):
    c = small_result.compare("phd", "phd")
    assert (c.difference == 0).all()
    s = c.summary()
    assert (s.loc[s.statistic == "p_tie", "value"] == 1).all()
    assert (c.catch_up_year == 1).all()


def test_catch_up_year_definition(small_result):
    c = small_result.compare("phd", "engineer")
    d = c.difference
    for w in range(200):
        ahead = np.nonzero(d[w] >= 0)[0]
        assert c.catch_up_year[w] == (ahead[0] + 1 if len(ahead) else 0)
    table = c.catch_up()
    assert table.probability.sum() == pytest.approx(1.0)
    assert table.never.sum() == 1


def test_p_ahead_tie_behind_sum_to_one(small_result):
    s = small_result.compare("residency", "engineer").summary()
    wide = s.pivot(index="year", columns="statistic", values="value")
    np.testing.assert_allclose(wide.p_a_ahead + wide.p_b_ahead + wide.p_tie, 1.0)


def test_quantile_standard_errors_are_honest():
    # the se of the median of N(0,1) samples is ~ sqrt(pi/2)/sqrt(n)
    from careersim._results import quantiles_with_se

    rng = np.random.default_rng(0)
    x = rng.standard_normal((10_000, 3))
    _, se = quantiles_with_se(x, [0.5])
    np.testing.assert_allclose(se[0], np.sqrt(np.pi / 2) / 100, rtol=0.15)


def test_summary_is_tidy(small_result):
    s = small_result.summary()
    assert list(s.columns) == ["career", "year", "age", "variable", "statistic", "value", "se"]
    assert len(s) == 4 * 40 * 6
    mean = s[(s.statistic == "mean") & (s.year == 40)].set_index("career").value
    np.testing.assert_allclose(mean.loc[list(small_result.careers)].to_numpy(), small_result.net_worth[:, :, -1].mean(axis=1))
    assert (s.se >= 0).all()


def test_to_frame_long_format(small_result):
    f = small_result.to_frame(["net_worth"])
    assert list(f.columns) == ["career", "world", "year", "variable", "value"]
    row = f[(f.career == "residency") & (f.world == 17) & (f.year == 5)].value.item()
    assert row == small_result.net_worth[1, 17, 4]


def test_nominal_dollars_are_real_times_price_level(small_result):
    nom = small_result.values("net_worth", dollars="nominal")
    np.testing.assert_allclose(nom / small_result.price_level()[None], small_result.net_worth)


def test_market_models_run(default_scenario):
    for model in ("lognormal", "student_t", "bootstrap", "historical"):
        r = careersim.simulate(default_scenario.replace({"market.model": model}), worlds=300, rng=1)
        assert np.isfinite(r.net_worth).all(), model


def test_historical_model_replays_history(default_scenario):
    from careersim._market import load_history

    r = careersim.simulate(default_scenario.replace({"market.model": "historical", "market.history_start_year": 2015}), worlds=20, rng=1)
    h = load_history()
    i = int(np.searchsorted(h.year, 2015))
    np.testing.assert_allclose(r.real_return[:, :11], np.broadcast_to(h.real_return[i : i + 11], (20, 11)))
    np.testing.assert_allclose(r.inflation[:, 0], h.inflation[i])


def test_regime_chain_stationary_share(default_scenario):
    s = default_scenario
    r = careersim.simulate(s, worlds=20_000, rng=5, careers=["engineer"])
    p, q = s.regime.boom_to_bust_probability, s.regime.bust_to_boom_probability
    share = r.bust[:, 20:].mean()
    assert abs(share - p / (p + q)) < 0.01


def test_phd_facts_follow_parameters(default_scenario):
    r = careersim.simulate(default_scenario, worlds=20_000, rng=8, careers=["phd"])
    f = r.facts
    p = default_scenario.phd
    n = r.worlds
    fellowship = (f["phd_funding"] == 0).mean()
    assert abs(fellowship - p.fellowship_probability) < 4 * np.sqrt(p.fellowship_probability * (1 - p.fellowship_probability) / n)
    done = ~f["phd_attrited"]
    assert np.median(f["phd_years"][done]) == pytest.approx(p.duration_median_years, abs=1)
    # better advisors: fewer leave, more breakthroughs
    good = f["advisor_quality"] > 1
    bad = f["advisor_quality"] < -1
    assert f["phd_attrited"][good].mean() < f["phd_attrited"][bad].mean()
    assert f["phd_breakthrough"][good].mean() > f["phd_breakthrough"][bad].mean()


def test_result_is_frozen(small_result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        small_result.careers = ()


def test_reuse_recomputes_only_changed_careers(default_scenario):
    base = careersim.simulate(default_scenario, worlds=1_500, rng=13)
    for changes in ({"phd.stipend_ta_usd": 50_000.0}, {"engineer.start_pay_usd": 150_000.0}, {"market.model": "bootstrap"}, {}):
        s = default_scenario.replace(changes)
        fresh = careersim.simulate(s, worlds=1_500, rng=13)
        reused = careersim.simulate(s, worlds=1_500, rng=13, reuse=base)
        for name in ("net_worth", "income", "status", "real_return", "bust"):
            np.testing.assert_array_equal(getattr(reused, name), getattr(fresh, name), err_msg=f"{changes} {name}")
        for k in fresh.facts:
            np.testing.assert_array_equal(reused.facts[k], fresh.facts[k])
        assert reused.scenario == s
    other_seed = careersim.simulate(default_scenario, worlds=1_500, rng=14, reuse=base)
    assert not np.array_equal(other_seed.net_worth, base.net_worth)


@pytest.mark.parametrize("changes, recomputed", [
    ({"phd.stipend_ta_usd": 50_000.0}, {"phd"}),
    ({"engineer.start_pay_usd": 150_000.0}, {"engineer"}),
    # the state machine reads the residency's and the grant's terms for every path
    ({"residency.pay_usd": 90_000.0}, set(careersim.CAREERS)),
    ({"finances.consumption_income_elasticity": 0.5}, set(careersim.CAREERS)),
    ({}, set()),
])
def test_reuse_copies_every_path_a_change_cannot_touch(default_scenario, changes, recomputed):
    from careersim._draws import root_seed_sequence
    from careersim._engine import _reusable_careers

    base = careersim.simulate(default_scenario, worlds=700, rng=5)
    s = default_scenario.replace(changes)
    reusable = _reusable_careers(base, s, base.careers, root_seed_sequence(5), 700)
    assert set(base.careers) - reusable == recomputed
    reused = careersim.simulate(s, worlds=700, rng=5, reuse=base)
    fresh = careersim.simulate(s, worlds=700, rng=5)
    for name in ("net_worth", "income", "status", "after_tax_income", "consumption"):
        np.testing.assert_array_equal(getattr(reused, name), getattr(fresh, name), err_msg=name)


def test_the_world_of_cached_draws_is_made_once(default_scenario, monkeypatch):
    """A change that moves neither the market nor the regime makes no world again; one that
    does makes its own; both are bit-identical to runs with empty caches."""
    from careersim import _engine

    made = []
    monkeypatch.setattr(_engine, "make_world", lambda *a: made.append(1) or _market.make_world(*a))

    def empty_caches():
        _engine._DRAW_CACHE.clear()
        _engine._WORLD_CACHE.clear()

    empty_caches()
    careersim.simulate(default_scenario, worlds=1_500, rng=31)
    assert len(made) == 1
    runs = {}
    for changes, worlds_made in (({"engineer.start_pay_usd": 150_000.0}, 1), ({"finances.consumption_income_elasticity": 0.5}, 1),
                                 ({"market.model": "bootstrap"}, 2), ({"regime.bust_to_boom_probability": 0.3}, 3)):
        runs[str(changes)] = (default_scenario.replace(changes), careersim.simulate(default_scenario.replace(changes), worlds=1_500, rng=31))
        assert len(made) == worlds_made, changes
        assert runs[str(changes)][1].real_return.flags.writeable  # results own their arrays
    assert len(_engine._WORLD_CACHE) == 3
    # it holds no more worlds than the draw cache may
    monkeypatch.setattr(_engine, "_DRAW_CACHE_WORLDS", 3_000)
    careersim.simulate(default_scenario.replace({"market.model": "student_t"}), worlds=1_500, rng=31)
    assert sum(w.ability.shape[0] for _d, w in _engine._WORLD_CACHE.values()) <= 3_000
    for key, (s, cached) in runs.items():
        empty_caches()
        fresh = careersim.simulate(s, worlds=1_500, rng=31)
        for name in ("net_worth", "income", "status", "real_return", "inflation", "bond_real_return", "bust"):
            np.testing.assert_array_equal(getattr(cached, name), getattr(fresh, name), err_msg=f"{key} {name}")


def test_a_change_to_money_alone_lives_no_career_again(default_scenario, monkeypatch):
    """Careers lived in cached draws are kept: a change that only the money model reads
    (spending, savings, accounts) runs no career again, one that a career reads (the place's
    unemployment insurance, layoffs, the market's equity) does, and one in a section of one
    kind (the PhD's) runs that kind alone; results are bit-identical to runs with empty caches."""
    from careersim import _engine

    lived = []
    monkeypatch.setattr(_engine, "run_career", lambda *a, **k: lived.append(1) or careersim.careers.run_career(*a, **k))

    def empty_caches():
        for cache in (_engine._DRAW_CACHE, _engine._WORLD_CACHE, _engine._CAREER_CACHE):
            cache.clear()

    empty_caches()
    careersim.simulate(default_scenario, worlds=1_500, rng=61)
    assert len(lived) == 4
    runs = {}
    for changes, again in (({"phd.duration_median_years": 7.0}, 1),  # only the PhD reads its own section
                           ({"finances.consumption_income_elasticity": 0.5}, 0), ({"finances.savings_rate": 0.3, "finances.spending_rule": "savings_rate"}, 0),
                           ({"finances.ui_replacement_rate": 0.3}, 4), ({"finances.place": "austin"}, 4),
                           ({"layoffs.annual_layoff_hazard": 0.05}, 4), ({"market.real_log_return_mean": 0.06}, 4)):
        n = len(lived)
        s = default_scenario.replace(changes)
        runs[str(changes)] = (s, careersim.simulate(s, worlds=1_500, rng=61))
        assert len(lived) - n == again, changes
    assert len(_engine._CAREER_CACHE) <= _engine._CAREER_CACHE_ENTRIES
    # a run whose paths would not all fit keeps none
    monkeypatch.setattr(_engine, "_CAREER_CACHE_BYTES", 3 * 1_500 * 40 * 18)
    _engine._CAREER_CACHE.clear()
    careersim.simulate(default_scenario, worlds=1_500, rng=61)
    assert not _engine._CAREER_CACHE
    monkeypatch.undo()
    assert all(not p.income.flags.writeable for _d, p in _engine._CAREER_CACHE.values())
    for key, (s, cached) in runs.items():
        empty_caches()
        fresh = careersim.simulate(s, worlds=1_500, rng=61)
        for name in ("net_worth", "income", "status", "after_tax_income", "consumption"):
            np.testing.assert_array_equal(getattr(cached, name), getattr(fresh, name), err_msg=f"{key} {name}")


def test_the_draw_cache_keeps_two_seeds(default_scenario):
    """Draws of the current seed and the one before are kept (moving back to it draws
    nothing), not of every seed a session has seen; results are the same either way."""
    from careersim import _engine

    _engine._DRAW_CACHE.clear()
    _engine._WORLD_CACHE.clear()
    first = careersim.simulate(default_scenario, worlds=2_500, rng=51)  # two blocks, one chunk
    for seed in (52, 53, 51):
        careersim.simulate(default_scenario, worlds=2_500, rng=seed)
    seeds = {key[0] for key in _engine._DRAW_CACHE}
    assert seeds == {53, 51}
    again = careersim.simulate(default_scenario, worlds=2_500, rng=51)
    assert {key[0] for key in _engine._DRAW_CACHE} == {53, 51}  # a hit: nothing drawn, nothing dropped
    np.testing.assert_array_equal(first.net_worth, again.net_worth)
    assert len({id(d) for d, _w in _engine._WORLD_CACHE.values()}) <= 2  # worlds leave with their draws


def test_a_result_owns_its_arrays(default_scenario):
    """A run of one chunk hands over that chunk's buffers; nothing it returns is a cached
    array: writing into a result changes no later run."""
    first = careersim.simulate(default_scenario, worlds=1_500, rng=41)
    again = careersim.simulate(default_scenario, worlds=1_500, rng=41)
    arrays = {name: getattr(first, name) for name in ("net_worth", "income", "status", "after_tax_income", "consumption", "real_return",
                                                      "bond_real_return", "inflation", "bust")} | {f"facts.{k}": v for k, v in first.facts.items()}
    for name, a in arrays.items():
        assert a.flags.writeable, name
        a[...] = 0
    later = careersim.simulate(default_scenario, worlds=1_500, rng=41)
    for name in ("net_worth", "real_return", "bust"):
        np.testing.assert_array_equal(getattr(later, name), getattr(again, name), err_msg=name)
    np.testing.assert_array_equal(later.facts["ability"], again.facts["ability"])
    assert later.facts["ability"].std() > 0.5


@pytest.mark.parametrize("model", ["lognormal", "student_t", "bootstrap", "historical"])
@pytest.mark.parametrize("blocks", [((0, 2048), (1, 2048), (2, 500)), ((3, 700),)])
def test_draws_on_threads_are_the_same_numbers(model, blocks, default_scenario):
    """Draws on threads, and the world made while the pool draws the other streams (or, for
    cached draws, with its parts on threads), are those of one thread."""
    from careersim._engine import chunk_draws, chunk_draws_and_world, chunk_world

    root = np.random.SeedSequence(77)
    n = sum(k for _b, k in blocks)
    market = default_scenario.replace({"market.model": model}).market
    one = chunk_draws(root, blocks, 40, model, 5.0, threads=1)
    two = chunk_draws(root, blocks, 40, model, 5.0, threads=2)
    early, world = chunk_draws_and_world(market, default_scenario.regime, root, blocks, 40, model, 5.0, threads=2)
    for f in dataclasses.fields(one):
        a = getattr(one, f.name)
        assert a.shape[-1] in (0, n), f.name
        for other in (two, early):
            b = getattr(other, f.name)
            assert a.dtype == b.dtype and a.shape == b.shape, f.name
            np.testing.assert_array_equal(a, b, err_msg=f.name)
    expected = _market.make_world(market, default_scenario.regime, one)
    assert world.ability is early.ability_z
    for w in (world, chunk_world(market, default_scenario.regime, one, threads=2)):
        for f in dataclasses.fields(expected):
            np.testing.assert_array_equal(getattr(w, f.name), getattr(expected, f.name), err_msg=f.name)


def test_threads_and_workers_do_not_change_a_result(default_scenario):
    one = careersim.simulate(default_scenario, worlds=5_000, rng=21, threads=1, chunk_blocks=1)
    for kw in ({"threads": 2}, {"threads": 2, "chunk_blocks": 3}, {"workers": 2}):
        other = careersim.simulate(default_scenario, worlds=5_000, rng=21, **kw)
        for name in ("net_worth", "income", "status", "after_tax_income", "consumption", "real_return", "inflation", "bust"):
            np.testing.assert_array_equal(getattr(other, name), getattr(one, name), err_msg=f"{kw} {name}")

"""The constant-memory summary against the full paths of the same worlds (issue 11).

``simulate_summary`` reads quantiles off exact counts in bins at most ``(|x| + $1) / 512``
wide, covering every double; the tolerance (module docstring of careersim._streaming):
a summary quantile differs from ``np.quantile`` on the full paths by at most
``(max(|x_(i)|, |x_(i+1)|) + 1) / 512``, ``x_(i), x_(i+1)`` the order statistics that
``np.quantile`` interpolates between. The scenarios include the extremes the old fixed
histogram (-$40M .. +$44B) clipped silently.
"""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import careersim
from conftest import FIELD, keep_relations, valid_value
from careersim import Scenario
from careersim._engine import block_sizes
from careersim._results import DEFAULT_QUANTILES
from careersim._streaming import SUB_BINS, _block_list, bin_key, bin_lower_edge

KEYS = list(FIELD)
PAY_KEYS = [k for k in KEYS if k.endswith("_usd") and k.startswith(("engineer.", "phd."))]


@st.composite
def extreme_scenarios(draw):
    """Any valid scenario, with the start net worth, starting pay and horizon pushed to their limits."""
    keys = draw(st.lists(st.sampled_from(KEYS), max_size=6, unique=True))
    changes = {k: draw(valid_value(k)) for k in keys}
    changes["simulation.initial_net_worth_usd"] = draw(st.one_of(st.sampled_from([-1e7, -2e6, 1e9]), valid_value("simulation.initial_net_worth_usd")))
    changes["simulation.horizon_years"] = draw(st.one_of(st.just(80), st.integers(1, 80)))
    changes["engineer.start_pay_usd"] = draw(st.one_of(st.just(1e7), valid_value("engineer.start_pay_usd")))
    for key in draw(st.lists(st.sampled_from(PAY_KEYS), max_size=3, unique=True)):
        changes[key] = draw(valid_value(key))
    # the cross-key rules, as in test_properties.scenarios
    return Scenario().replace(keep_relations(changes))


def tolerance_excess(approx, x, q):
    """How far ``approx`` (``(...)``) is outside the documented tolerance of ``np.quantile(x, q)``
    along the last axis of ``x``; <= 0 everywhere when within it."""
    xs = np.sort(x, axis=-1)
    n = xs.shape[-1]
    i = int(np.floor((n - 1) * q))
    lo, hi = xs[..., i], xs[..., min(i + 1, n - 1)]
    exact = np.quantile(x, q, axis=-1)
    bound = (np.maximum(np.abs(lo), np.abs(hi)) + 1.0) / SUB_BINS
    return np.abs(approx - exact) - (bound * (1 + 1e-9) + 1e-9)


def assert_summary_matches_paths(scenario, worlds, seed):
    full = careersim.simulate(scenario, worlds=worlds, rng=seed)
    summary = careersim.simulate_summary(scenario, worlds=worlds, rng=seed)
    assert np.isfinite(full.net_worth).all()
    q, se = summary.quantiles(DEFAULT_QUANTILES)
    assert np.isfinite(q).all() and np.isfinite(se).all()
    paths = np.moveaxis(full.net_worth, 1, -1)  # (career, year, world)
    for k, p in enumerate(DEFAULT_QUANTILES):
        excess = tolerance_excess(q[k], paths, p)  # (career, year)
        assert (excess <= 0).all(), (p, np.unravel_index(np.argmax(excess), excess.shape), excess.max())
    median, median_se = summary.median_difference_at_horizon()
    assert np.isfinite(median).all() and np.isfinite(median_se).all()
    diffs = np.stack([full.compare(a, b).difference[:, -1] for a, b in summary.pairs])
    assert (tolerance_excess(median, diffs, 0.5) <= 0).all()
    return full, summary


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=extreme_scenarios(), seed=st.integers(0, 2**32 - 1), worlds=st.one_of(st.integers(2, 40), st.integers(2, 2_500)))
def test_summary_quantiles_match_full_paths_in_any_scenario(scenario, worlds, seed):
    assert_summary_matches_paths(scenario, worlds, seed)


@pytest.mark.parametrize("start, horizon", [(-1e7, 40), (-1e7, 80), (1e9, 80)])
def test_extreme_start_net_worth_is_not_clipped(start, horizon):
    # the old histogram ended at -$40M and +$44B: these medians and 5th percentiles lie beyond
    # all in stocks at face value (no glide path into bonds, no tax on the gain): the
    # richest paths the model allows
    s = Scenario().replace({"simulation.initial_net_worth_usd": start, "simulation.horizon_years": horizon,
                            "finances.allocation": "constant", "finances.stock_share": 1.0, "finances.net_worth": "pre-tax"})
    full, summary = assert_summary_matches_paths(s, 20_000, 11)
    q, _ = summary.quantiles([0.05, 0.5])
    exact = np.quantile(full.net_worth[:, :, -1], [0.05, 0.5], axis=1)
    np.testing.assert_allclose(q[:, :, -1], exact, rtol=1 / SUB_BINS)
    if start < 0:
        assert (exact < -4.1e7).all()  # p5 and median of every career
    else:
        assert (exact[1] > 4.5e10).all()  # the medians


def test_extreme_summary_identical_across_chunk_sizes():
    dearest = FIELD["finances.debt_interest_rate"].metadata["high"]
    s = Scenario().replace({"simulation.initial_net_worth_usd": -1e7, "simulation.horizon_years": 80, "finances.debt_interest_rate": dearest})
    a = careersim.simulate_summary(s, worlds=5_000, rng=4, chunk_blocks=1)
    b = careersim.simulate_summary(s, worlds=5_000, rng=4, chunk_blocks=2)
    for f in dataclasses.fields(a):
        if isinstance(getattr(a, f.name), np.ndarray):
            np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name), err_msg=f.name)


@settings(max_examples=200, deadline=None)
@given(x=st.floats(allow_nan=False))
def test_every_double_falls_in_a_bin_at_most_a_512th_wide(x):
    key = bin_key(np.array([x]))
    lo, hi = bin_lower_edge(key)[0], bin_lower_edge(key + 1)[0]
    assert lo <= x <= hi
    if math.isfinite(lo) and math.isfinite(hi):
        assert hi - lo <= (abs(x) + 1.0) / SUB_BINS * (1 + 1e-12)


@given(a=st.floats(allow_nan=False), b=st.floats(allow_nan=False))
def test_bin_keys_keep_the_order_of_values(a, b):
    ka, kb = bin_key(np.array([a, b]))
    assert (ka <= kb) if a <= b else (ka >= kb)


def test_nan_net_worth_gives_nan_quantiles_not_a_bin_edge():
    from careersim._streaming import _page_counts, _quantiles_from_pages

    x = np.array([[1.0, 2.0, np.nan], [1.0, 2.0, 3.0], [-np.inf, 5.0, np.inf]])
    ids, pages = _page_counts(x)
    q, _ = _quantiles_from_pages(ids, pages, 3, 3, [0.0, 0.5, 1.0])
    assert np.isnan(q[:, 0]).all()
    np.testing.assert_allclose(q[:, 1], np.quantile(x[1], [0.0, 0.5, 1.0]), rtol=1 / SUB_BINS)
    assert q[0, 2] == -np.inf and q[2, 2] == np.inf and abs(q[1, 2] - 5.0) <= 6 / SUB_BINS


@pytest.mark.parametrize("worlds", [1, 2_047, 2_048, 2_049, 10 * 2_048 + 5])
def test_lazy_block_list_matches_block_sizes(worlds):
    n = len(block_sizes(worlds))
    assert _block_list(0, n, worlds) == list(enumerate(block_sizes(worlds)))
    assert _block_list(1, n, worlds) == list(enumerate(block_sizes(worlds)))[1:]

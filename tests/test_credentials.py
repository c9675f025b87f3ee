"""The credential filter ("credentials are the first filter", the seed essay): its effect in
known cases, and its levers in the money claim's overturning search.

Every comparison lives in the same worlds (same seed): the credential keys move no random
stream, so a change can only come from the filter itself.
"""

from __future__ import annotations

import numpy as np
import pytest

import careersim
from careersim import claims

UNEMPLOYED = next(code for code, name in careersim.STATUS_NAMES.items() if name == "unemployed")
#: a bust that starts in year 1 and never ends
PERMANENT_BUST = {"regime.initial_bust_probability": 1.0, "regime.bust_to_boom_probability": 0.0}
NO_FILTER = {"credentials.bust_layoff_multiplier": 1.0, "credentials.bust_spell_multiplier": 1.0,
             "credentials.bust_conversion_multiplier": 1.0, "credentials.research_share_trend": 0.0}
CREDENTIAL_LEVERS = ("credential_layoffs", "credential_conversion", "research_share_trend")


@pytest.fixture(scope="module")
def bust_runs():
    s = careersim.load_scenario("default").replace({**PERMANENT_BUST, **NO_FILTER})
    harsh = s.replace({"credentials.bust_layoff_multiplier": 8.0})
    careers = ("phd", "engineer")
    return (careersim.simulate(s, worlds=1_000, rng=11, careers=careers),
            careersim.simulate(harsh, worlds=1_000, rng=11, careers=careers))


def _unemployed_years(r, career, worlds=slice(None)):
    return int((r.status[r.index(career)][worlds] == UNEMPLOYED).sum())


def test_a_permanent_bust_with_a_harsh_filter_lays_off_the_engineer_more(bust_runs):
    off, harsh = bust_runs
    before, after = _unemployed_years(off, "engineer"), _unemployed_years(harsh, "engineer")
    assert after > 1.5 * before > 0
    # and costs the engineer money in the typical world
    i = off.index("engineer")
    assert np.median(harsh.net_worth[i, :, -1]) < np.median(off.net_worth[i, :, -1])


def test_a_phd_graduate_is_exempt(bust_runs):
    off, harsh = bust_runs
    i = off.index("phd")
    graduated = ~off.facts["phd_attrited"]
    assert graduated.any() and (~graduated).any()
    # a finished PhD: the whole path is the same, world by world
    np.testing.assert_array_equal(off.status[i][graduated], harsh.status[i][graduated])
    np.testing.assert_array_equal(off.net_worth[i][graduated], harsh.net_worth[i][graduated])
    # someone who left the PhD with a master's has no PhD: the filter reaches them
    assert _unemployed_years(harsh, "phd", ~graduated) > _unemployed_years(off, "phd", ~graduated)


def test_no_bust_no_filter():
    """Without a bust (and without the trend) the filter's bust multipliers change nothing."""
    s = careersim.load_scenario("default").replace({"regime.initial_bust_probability": 0.0, "regime.boom_to_bust_probability": 0.0})
    a = careersim.simulate(s.replace(NO_FILTER), worlds=400, rng=3, careers=("engineer", "residency"))
    b = careersim.simulate(s.replace({"credentials.bust_layoff_multiplier": 8.0, "credentials.bust_conversion_multiplier": 0.0}),
                           worlds=400, rng=3, careers=("engineer", "residency"))
    np.testing.assert_array_equal(a.net_worth, b.net_worth)


def test_research_roles_closing_lay_off_the_engineer_more():
    s = careersim.load_scenario("default").replace(NO_FILTER)
    a = careersim.simulate(s, worlds=500, rng=5, careers=("engineer",))
    b = careersim.simulate(s.replace({"credentials.research_share_trend": 0.1}), worlds=500, rng=5, careers=("engineer",))
    assert _unemployed_years(b, "engineer") > _unemployed_years(a, "engineer")


def test_the_overturning_search_includes_the_credential_levers():
    s = careersim.load_scenario("money-much-better")
    names = [l.name for l in claims.default_levers(s)]
    assert set(CREDENTIAL_LEVERS) <= set(names)
    keys = {claims.lever(n).parameter for n in CREDENTIAL_LEVERS}
    assert keys == {"credentials.bust_layoff_multiplier", "credentials.bust_conversion_multiplier", "credentials.research_share_trend"}
    for name in CREDENTIAL_LEVERS:
        lever = claims.lever(name)
        lo, hi = lever.plausible_range(s)
        assert lo <= lever.baseline(s) <= hi and lever.plausible_source and " " in lever.label
        lever.apply(s, lever.stop_value(s))  # the far end is a valid scenario
    t = claims.smallest_overturning_changes(s, ages=(65,), worlds=1_000, max_evaluations=0, rng=7)
    assert set(CREDENTIAL_LEVERS) <= set(t.lever)
    rows = t.set_index("lever").loc[list(CREDENTIAL_LEVERS)]
    # a harsher filter never helps the industry path (same worlds)
    assert (rows.statistic_at_value >= rows.statistic_baseline - 1e-12).all()
    assert rows.loc["credential_layoffs", "statistic_at_value"] > rows.loc["credential_layoffs", "statistic_baseline"]


def test_frontier_with_the_credential_filter_marks_the_scenario():
    s = careersim.load_scenario("money-much-better")
    lever = claims.lever("credential_layoffs")
    f = claims.overturning_frontier(s, "post_phd_pay", lever, age=45, points=2, y_values=[1.0, 3.0], worlds=300, rng=1)
    assert len(f) == 4 and (f.baseline_y == lever.baseline(s)).all()
    assert (f.baseline_x == claims.lever("post_phd_pay").baseline(s)).all()

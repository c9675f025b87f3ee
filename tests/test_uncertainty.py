"""Where the spread comes from and what information is worth (issue 13, items 3-4): the
estimators against closed forms, then the engine in cases whose answer is known."""

import numpy as np
import pytest

import careersim
from careersim._params import Prior
from careersim.uncertainty import (_nested_evpi_util, evpi_from_expected_utilities, random_effects_share, value_of_information,
                                   variance_breakdown)

BASE = careersim.load_scenario("default")
NONE = BASE.with_priors({k: None for k in BASE.active_priors()})


def test_evpi_closed_form():
    # U_a(theta) = theta with theta ~ U(-1, 1), U_b = 0: E[max(theta, 0)] - max(E theta, 0) = 1/4
    theta = np.linspace(-1, 1, 200_001)
    assert evpi_from_expected_utilities(np.vstack([theta, np.zeros_like(theta)])) == pytest.approx(0.25, abs=1e-5)
    # one career better in every draw: information changes nothing
    assert evpi_from_expected_utilities(np.vstack([theta + 3.0, theta])) == pytest.approx(0.0, abs=1e-12)


def test_nested_evpi_corrects_for_noisy_group_means():
    rng = np.random.default_rng(0)
    theta = rng.uniform(-1, 1, 2000)
    u = np.zeros((2, 2000, 64))
    u[0] = theta[:, None] + rng.normal(0.0, 1.0, (2000, 64))  # luck with sd 1 around each draw's mean
    u[1] = rng.normal(0.0, 1.0, (2000, 64))
    naive = evpi_from_expected_utilities(u.mean(axis=2))
    corrected, _ = _nested_evpi_util(u)
    assert abs(corrected - 0.25) < abs(naive - 0.25)
    assert corrected == pytest.approx(0.25, abs=0.02)


def test_random_effects_share_closed_form():
    rng = np.random.default_rng(1)
    # between-group sd 1, within-group sd 2: share = 1 / (1 + 4) = 0.2
    y = rng.normal(0, 1, (4000, 1))+ rng.normal(0, 2, (4000, 50))
    assert random_effects_share(y) == pytest.approx(0.2, abs=0.01)
    assert random_effects_share(rng.normal(0, 1, (500, 20))) < 0.01


def test_a_strong_assumption_dominates_the_breakdown_and_the_ranking():
    # year 1 of an independent researcher is the grant: with a wide prior on its pay, the
    # assumption drives most of the difference against the engineer
    s = NONE.with_priors({"independent.grant_pay_usd": Prior("ratio", 3.0), "phd.breakthrough_probability": Prior("odds", 2.0)})
    v = variance_breakdown(s, "independent", "engineer", age=23, groups=64, group_worlds=64, ranking_worlds=4096, rng=2)
    share = v.shares.set_index("quantity").loc["difference"]
    assert share.assumptions_share > 0.3 and share.share_se < 0.1
    top = v.ranking[v.ranking.quantity == "difference"].iloc[0]
    assert top.assumption == "independent.grant_pay_usd" and top.first_order > 0.3
    # the PhD's bidding-war chance cannot move either career: its index is nil within its interval
    other = v.ranking[(v.ranking.quantity == "difference") & (v.ranking.assumption == "phd.breakthrough_probability")].iloc[0]
    assert abs(other.first_order) <= other.first_order_ci + 0.02


def test_value_of_information_zero_when_no_assumption_moves_the_choice_and_positive_when_one_does():
    zero = NONE.with_priors({"phd.breakthrough_pay_multiplier": Prior("ratio", 3.0)})
    v = value_of_information(zero, ["residency", "engineer"], age=32, groups=32, group_worlds=64, worlds=2048, rng=3)
    assert (v.table.evpi_usd <= 3 * v.table.se_usd + 1.0).all()
    pos = NONE.with_priors({"residency.conversion_probability": Prior("odds", 30.0)})
    v = value_of_information(pos, ["residency", "engineer"], age=32, groups=64, group_worlds=64, worlds=4096, rng=3)
    row = v.table.set_index("assumption").loc["residency.conversion_probability"]
    assert row.evpi_usd > 3 * row.se_usd > 0
    assert v.table.iloc[0].assumption == "all assumptions"


@pytest.mark.parametrize("g", [0.0, 10.0])
def test_no_single_assumption_is_worth_more_than_all_of_them(g):
    """EVPPI <= EVPI: under a strong risk aversion every assumption's fit sat at its ceiling,
    ten times the value of all assumptions together; an estimate at a bound is flagged."""
    v = value_of_information(groups=32, group_worlds=64, worlds=2048, rng=3, risk_aversion=g)
    overall = v.table.iloc[0]
    assert overall.assumption == "all assumptions" and not overall.at_bound
    each = v.table.iloc[1:]
    assert (each.evpi_usd <= overall.evpi_usd + 1e-9).all()
    assert v.table.at_bound.dtype == bool
    assert (each[each.evpi_usd == overall.evpi_usd].evpi_usd.eq(0) | each[each.evpi_usd == overall.evpi_usd].at_bound).all()
    if g == 10.0:  # heavy-tailed utilities: the fit cannot resolve them at 2,048 worlds, and says so
        assert each.at_bound.any()


def test_analyses_refuse_a_scenario_without_priors_and_bad_arguments():
    with pytest.raises(careersim.ScenarioError, match="no uncertain assumptions"):
        value_of_information(NONE, worlds=256, groups=4, group_worlds=64)
    with pytest.raises(careersim.ScenarioError, match="group_worlds = 100"):
        variance_breakdown(None, group_worlds=100)
    with pytest.raises(careersim.ScenarioError, match="age = 5"):
        value_of_information(None, age=5)


@pytest.mark.parametrize("g", [0.0, 0.5, 1.0, 3.0, 50.0, 1e3])
def test_utility_certainty_equivalent_matches_the_decision_layer(g):
    """The value of information's utility maps back to the same certainty equivalent as the
    decision layer's CRRA, also where the textbook form's ``- 1`` cancels every digit."""
    from careersim._decision_risk import crra_certainty_equivalent
    from careersim.uncertainty import _Utility

    w = np.random.default_rng(3).lognormal(14, 1.0, 4000) - 200_000
    w[:40] = -1e6  # below the floor: clipped for g > 0, counted in full at g = 0
    util = _Utility(g, 100_000.0).for_outcomes(w)
    ce, _se = crra_certainty_equivalent(w, risk_aversion=g, wealth_floor_usd=100_000.0)
    assert util.ce(float(util(w).mean())) == pytest.approx(float(ce), rel=1e-9, abs=1e-3)


@pytest.mark.parametrize("g", [50.0, 1e9])
def test_value_of_information_never_negative_under_strong_risk_aversion(g):
    v = value_of_information(None, groups=8, group_worlds=16, worlds=256, rng=1, risk_aversion=g)
    assert np.isfinite(v.table[["evpi_usd", "se_usd"]].to_numpy()).all()
    assert (v.table.evpi_usd >= 0).all()


@pytest.mark.parametrize("fn", ["value_of_information", "variance_breakdown"])
def test_one_world_per_group_is_refused(fn):
    with pytest.raises(careersim.ArgumentError, match=r"group_worlds = 1: must be a whole number >= 2"):
        {"value_of_information": value_of_information, "variance_breakdown": variance_breakdown}[fn](None, groups=8, group_worlds=1, rng=1)

"""The decision layer (issue 6): dimension scores, weights, P(best), flips, certainty equivalents."""

import dataclasses
import pathlib
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import careersim
from careersim import decision as D
from careersim import plotting

ROOT = pathlib.Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def result():
    return careersim.simulate(careersim.load_scenario("default"), worlds=4_000, rng=2026)


@pytest.fixture(scope="module")
def scores(result):
    return D.score_worlds(result, rng=7)


# -- scores ----------------------------------------------------------------------------------
def test_scores_shape_finite_and_reproducible(result, scores):
    assert scores.values.shape == (4, len(D.DIMENSIONS), 4_000)
    assert np.isfinite(scores.values).all()
    again = D.score_worlds(result, rng=7)
    np.testing.assert_array_equal(scores.values, again.values)
    other = D.score_worlds(result, rng=8)
    assert not np.array_equal(scores.values, other.values)
    summary = scores.summary()
    assert list(summary.columns) == ["career", "dimension", "mean", "se", "sd", "p5", "p50", "p95"]
    assert len(summary) == 4 * len(D.DIMENSIONS)


def test_a_careers_non_money_scores_do_not_depend_on_the_other_careers(result, scores):
    pair = careersim.simulate(result.scenario, worlds=4_000, rng=2026, careers=["engineer", "phd"])
    sub = D.score_worlds(pair, rng=7)
    non_money = [i for i, d in enumerate(D.DIMENSIONS) if d != "money"]
    for career in ("phd", "engineer"):
        np.testing.assert_array_equal(sub.values[sub.careers.index(career)][non_money], scores.values[scores.careers.index(career)][non_money])


def test_priors_cover_every_career_and_non_money_dimension():
    m = D.ScoreModel()
    table = m.table()
    assert len(table) == len(D.CAREERS) * len(D.DIMENSIONS)
    for c in D.CAREERS:
        for d in D.DIMENSIONS:
            if d != "money":
                p = m.prior(c, d)
                assert p.sd >= 0 and p.source


def test_closed_form_scores_without_noise_or_blending(result):
    """sd 0 and no blending: PhD research ability = prior + advisor effect + ability effect, exactly."""
    model = D.ScoreModel(blend_toward_engineer=False, unemployment_mental_health=0.0)
    for c in D.CAREERS:
        for d in D.DIMENSIONS:
            if d != "money":
                model = model.with_prior(c, d, sd=0.0)
    s = D.score_worlds(result, model, rng=0)
    f = result.facts
    i = D.DIMENSIONS.index("research_ability")
    np.testing.assert_allclose(s.values[0, i], D.PAR + 1.5 * f["advisor_quality"] + 0.5 * f["ability"])
    np.testing.assert_allclose(s.values[2, i], D.score_of("minimally worse") + 0.5 * f["ability"])  # the engineer ignores the advisor
    j = D.DIMENSIONS.index("freedom")
    expected = D.PAR + 0.5 * f["advisor_quality"] + np.choose(f["phd_funding"].astype(int), [1.5, 0.0, -1.0])
    np.testing.assert_allclose(s.values[0, j], expected)
    k = D.DIMENSIONS.index("research_reputation")
    np.testing.assert_allclose(s.values[0, k], D.PAR + 3.0 * f["phd_breakthrough"])


def test_advisor_quality_is_the_engines_draw_and_moves_phd_scores_only(result, scores):
    """The advisor who shortens the PhD in the engine is the one who raises its research ability here."""
    adv = result.facts["advisor_quality"]
    graduated = ~result.facts["phd_attrited"]
    assert np.corrcoef(adv[graduated], result.facts["phd_years"][graduated])[0, 1] < 0
    i = D.DIMENSIONS.index("research_ability")
    assert np.corrcoef(adv, scores.values[0, i])[0, 1] > 0.5
    assert abs(np.corrcoef(adv, scores.values[2, i])[0, 1]) < 0.1


def test_attrition_and_lapsed_grants_pull_toward_the_engineer(result):
    model = D.ScoreModel()
    for c in D.CAREERS:
        for d in D.DIMENSIONS:
            if d != "money":
                model = model.with_prior(c, d, sd=0.0)
    s = D.score_worlds(result, model, rng=0)
    lead = D.DIMENSIONS.index("research_lead")
    attrited = result.facts["phd_attrited"]
    assert attrited.any() and (~attrited).any()
    assert s.values[0, lead][attrited].mean() < s.values[0, lead][~attrited].mean() - 2
    freedom = D.DIMENSIONS.index("freedom")
    funded = (result.status[3, :, :6] == 4).mean(axis=1)
    np.testing.assert_allclose(s.values[3, freedom], funded * D.score_of("minimally better") + (1 - funded) * D.score_of("minimally worse"))


def test_money_score_follows_net_worth(result, scores):
    i = D.DIMENSIONS.index("money")
    nw = result.net_worth[:, :, -1]
    for c in range(4):
        order = np.argsort(nw[c])
        assert np.all(np.diff(scores.values[c, i][order]) >= -1e-9)
    pooled = scores.values[:, i].ravel()
    assert pooled.min() == pytest.approx(0.0, abs=1e-9) and pooled.max() == pytest.approx(10.0, abs=1e-9)
    assert np.quantile(pooled, 0.005) == pytest.approx(0.0, abs=1e-6)
    assert np.quantile(pooled, 0.995) == pytest.approx(10.0, abs=1e-6)


# -- the one verbal scale, and a bounded money score --------------------------------------------
def test_scale_maps_words_to_steps_and_points():
    assert D.VERBAL_SCALE["about equal"] == 0
    assert [D.score_of(v) for v in ("very much worse", "much worse", "minimally worse", "about equal", "minimally better", "much better", "very much better")] == [0.5, 2.0, 3.5, 5.0, 6.5, 8.0, 9.5]
    with pytest.raises(D.ScenarioError, match="verdict = 'higher'.*must be one of"):
        D.score_of("higher")


def test_every_default_prior_sits_on_the_scale():
    for p in D.DEFAULT_PRIORS:
        assert p.verdict == "reference" if p.career == "phd" else p.verdict in D.VERBAL_SCALE, p
        assert p.mean == D.score_of(p.verdict), p
        assert 0.0 <= p.mean <= 10.0


def test_essay_verdicts_cover_the_ten_rows_and_about_equal_is_zero():
    assert set(D.ESSAY_VERDICTS) == set(D.VERDICT_DIMENSIONS)
    for dim, (words, verdict, why) in D.ESSAY_VERDICTS.items():
        assert verdict in D.VERBAL_SCALE and why
        if words.lower().startswith(("about equal", "similar")):
            assert D.VERBAL_SCALE[verdict] == 0, dim
        if dim != "money":  # the residency column is the essay's verdict, exactly
            assert D.ScoreModel().prior("residency", dim).mean - D.ScoreModel().prior("phd", dim).mean == D.STEP_POINTS * D.VERBAL_SCALE[verdict], dim


@pytest.mark.parametrize("g", [0.0, 0.3, 1.0, 2.0, 5.0, 30.0, 1e3, 1e6])
def test_money_score_is_bounded_and_monotone_for_any_risk_aversion(g):
    rng = np.random.default_rng(0)
    w = np.sort(np.concatenate([rng.lognormal(13, 1.5, 3000), -rng.lognormal(11, 1, 300), [0.0, -1e7, 1e10]]))
    s = D.money_scores(w, risk_aversion=g, wealth_floor_usd=50_000)
    assert np.isfinite(s).all() and s.min() >= 0.0 and s.max() <= 10.0
    assert np.all(np.diff(s) >= -1e-12)
    assert s[0] == 0.0 and s[-1] == 10.0


def test_money_score_through_score_worlds_stays_in_bounds(result):
    for g in (0.0, 1.0, 8.0, 200.0):
        s = D.score_worlds(result, D.ScoreModel(risk_aversion=g), rng=0)
        m = s.values[:, D.DIMENSIONS.index("money")]
        assert m.min() >= 0.0 and m.max() <= 10.0


def test_research_lead_time_value_penalises_long_phds(result):
    base = D.ScoreModel()
    for c in D.CAREERS:
        for d in D.DIMENSIONS:
            if d != "money":
                base = base.with_prior(c, d, sd=0.0)
    timed = dataclasses.replace(base, lead_points_per_year=0.5)
    i = D.DIMENSIONS.index("research_lead")
    a, b = D.score_worlds(result, base, rng=0).values[:, i], D.score_worlds(result, timed, rng=0).values[:, i]
    years = result.facts["phd_years"]
    grad = ~result.facts["phd_attrited"]
    long, short = grad & (years >= 7), grad & (years <= 5)
    assert long.any() and short.any()
    assert (b[0][long] < a[0][long]).all() and (b[0][short] >= a[0][short]).all()
    np.testing.assert_allclose(b[1] - a[1], -0.5 * (base.lead_years_residency - 5.0))


# -- the weighted decision ----------------------------------------------------------------------
@pytest.mark.parametrize("dimension", D.DIMENSIONS)
def test_weight_on_one_dimension_picks_the_career_best_on_it(scores, dimension):
    d = D.decide(scores, {dimension: 1.0})
    means = scores.values[:, D.DIMENSIONS.index(dimension)].mean(axis=1)
    assert d.choice == scores.careers[int(np.argmax(means))]


@pytest.mark.parametrize("career, dimension", [("independent", "social_life"), ("engineer", "research_lead"), ("phd", "money")])
def test_a_dominant_dimension_decides_for_the_career_best_on_it(result, career, dimension):
    """Known case: make one career clearly best on a dimension and weigh that dimension 100:1."""
    if dimension == "money":
        # the PhD is last on money by default: give it the richest outcome in every world
        nw = result.net_worth.copy()
        nw[0] = nw.max(axis=0) + 1e6
        r = dataclasses.replace(result, net_worth=nw)
        model = D.ScoreModel()
    else:
        r = result
        # no blending: scored as itself all window long (independent research otherwise lapses into engineering)
        model = D.ScoreModel(blend_toward_engineer=False).with_prior(career, dimension, mean=10.0, sd=0.5)
    s = D.score_worlds(r, model, rng=3)
    weights = {d: 1.0 for d in D.DIMENSIONS}
    weights[dimension] = 100.0
    dec = D.decide(s, weights)
    assert dec.choice == career
    assert dec.summary().set_index("career").loc[career, "p_best"] > 0.9


def test_decision_score_is_the_weighted_mean_and_scale_free(scores):
    w = {"money": 2.0, "freedom": 1.0, "mentorship": 0.5}
    d = D.decide(scores, w)
    idx = [D.DIMENSIONS.index(k) for k in w]
    manual = sum(v * scores.values[:, i] for v, i in zip(w.values(), idx)) / sum(w.values())
    np.testing.assert_allclose(d.score, manual)
    d10 = D.decide(scores, {k: 10 * v for k, v in w.items()})
    np.testing.assert_allclose(d10.score, d.score)
    s = d.summary()
    assert s.p_best.sum() == pytest.approx(1.0)
    assert (s.p_best_se > 0).all() and (s.se > 0).all()
    assert s.set_index("career").loc[d.choice, "rank"] == 1
    m = d.margin()
    assert (m.margin > 0).all()


def test_default_weights_follow_the_essay(scores):
    """Equal weights on the ten verdict rows: industry via the residency comes out ahead of the PhD."""
    d = D.decide(scores)
    assert d.choice == "residency"
    assert d.margin().set_index("other").loc["phd", "margin"] > 3 * d.margin().set_index("other").loc["phd", "se"]


def test_flips_are_exact(scores):
    weights = dict(D.DEFAULT_WEIGHTS)
    d = D.decide(scores, weights)
    flips = d.flips()
    assert set(flips.kind) == {"one_weight", "all_weights"}
    one = flips[flips.kind == "one_weight"]
    assert (one.new_weight >= 0).all()
    for _, row in one.head(3).iterrows():
        past = dict(weights)
        past[row.dimension] = row.new_weight + 1e-6 * np.sign(row.change)
        assert D.decide(scores, past).choice == row.to_career
        before = dict(weights)
        before[row.dimension] = row.weight + 0.98 * row.change
        assert D.decide(scores, before).choice == d.choice
    combined = flips[flips.kind == "all_weights"]
    for target, rows in combined.groupby("to_career"):
        moved = dict(weights)
        for _, row in rows.iterrows():
            moved[row.dimension] = row.new_weight
        assert min(moved.values()) >= 0
        dec = D.decide(scores, moved)
        exp = dict(zip(dec.careers, dec.expected))
        assert exp[target] == pytest.approx(exp[d.choice], abs=1e-9)
        assert sum(moved.values()) == pytest.approx(sum(weights.values()))  # the total weight kept
        # the L1 optimum is never larger than any single-weight move to the same career, that
        # move's weights scaled back to the same total (only ratios matter)
        for _, row in one[one.to_career == target].iterrows():
            w1 = dict(weights)
            w1[row.dimension] = row.new_weight
            scale = sum(weights.values()) / sum(w1.values())
            assert rows.total_change.iloc[0] <= sum(abs(scale * w1[k] - weights[k]) for k in weights) + 1e-9


@pytest.mark.parametrize("weights, match", [({"happiness": 1.0}, "unknown dimension"), ({"money": -1.0}, ">= 0"), ({"money": 0.0}, "at least one"), ([1, 2], "mapping"), ({"money": float("nan")}, "finite")])
def test_bad_weights_are_named(scores, weights, match):
    with pytest.raises(careersim.ScenarioError, match=match):
        D.decide(scores, weights)


def test_bad_model_values_are_named():
    with pytest.raises(careersim.ScenarioError, match="risk_aversion"):
        D.ScoreModel(risk_aversion=-1)
    with pytest.raises(careersim.ScenarioError, match="window_years"):
        D.ScoreModel(window_years=0)
    with pytest.raises(careersim.ScenarioError, match="sd"):
        D.ScoreModel().with_prior("phd", "freedom", sd=-1)
    with pytest.raises(careersim.ScenarioError, match="no prior"):
        D.ScoreModel().prior("phd", "money")


# -- certainty equivalents ----------------------------------------------------------------------
def test_certainty_equivalent_closed_forms():
    w = np.array([0.0, 300_000.0])
    ce0, se0 = D.crra_certainty_equivalent(w, risk_aversion=0.0, wealth_floor_usd=100_000)
    assert ce0 == pytest.approx(150_000.0)
    ce1, _ = D.crra_certainty_equivalent(w, risk_aversion=1.0, wealth_floor_usd=100_000)
    assert ce1 == pytest.approx(np.sqrt(100_000 * 400_000) - 100_000)
    ce2, _ = D.crra_certainty_equivalent(w, risk_aversion=2.0, wealth_floor_usd=100_000)
    assert ce2 == pytest.approx(1 / np.mean([1 / 100_000, 1 / 400_000]) - 100_000)
    for g in (0.0, 0.5, 1.0, 3.0, 30.0):
        c, s = D.crra_certainty_equivalent(np.full(50, 123_456.0), risk_aversion=g)
        assert c == pytest.approx(123_456.0) and s == pytest.approx(0.0, abs=1e-6)


def test_wealth_below_the_floor_is_clipped_not_infinite():
    w = np.array([-1e7, 0.0, 1e6])
    ce, se = D.crra_certainty_equivalent(w, risk_aversion=3.0, wealth_floor_usd=100_000)
    assert np.isfinite(ce) and np.isfinite(se)
    same, _ = D.crra_certainty_equivalent(np.array([-200_000.0, 0.0, 1e6]), risk_aversion=3.0, wealth_floor_usd=100_000)
    assert ce == pytest.approx(same)  # both sit at the clip
    assert ce > -100_000


def test_risk_neutral_certainty_equivalent_is_the_mean_even_below_the_floor():
    """Linear utility needs no floor: at g = 0 a debt deeper than the floor counts in full
    (it was clipped, so the certainty equivalent sat far above the mean)."""
    w = np.array([-1e6, 1e5])
    ce, se = D.crra_certainty_equivalent(w, risk_aversion=0.0, wealth_floor_usd=100_000)
    assert ce == pytest.approx(-450_000.0)
    assert se == pytest.approx(w.std(ddof=1) / np.sqrt(2))
    above = np.array([-50_000.0, 1e5])  # no world below the floor: Jensen, never above the mean
    for g in (0.5, 1.0, 3.0):
        assert D.crra_certainty_equivalent(above, risk_aversion=g)[0] < above.mean()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_certainty_equivalent_falls_with_risk_aversion_and_stays_below_the_mean(seed):
    rng = np.random.default_rng(seed)
    w = rng.lognormal(13, 1, 500) - rng.uniform(0, 1e5)
    ces = [float(D.crra_certainty_equivalent(w, risk_aversion=g)[0]) for g in (0.0, 0.5, 1.0, 2.0, 5.0)]
    assert ces[0] == pytest.approx(w.mean())
    assert all(a >= b - 1e-6 * abs(a) for a, b in zip(ces, ces[1:]))


def test_fear_of_the_bad_tail_changes_the_ranking(result):
    """Known case: career A has the higher mean but a bad tail, B is safe; risk aversion flips the order."""
    rng = np.random.default_rng(0)
    n = result.worlds
    nw = result.net_worth.copy()
    safe = np.full(n, 500_000.0)
    risky = np.where(rng.random(n) < 0.1, -50_000.0, 700_000.0)  # mean 625k, 10% chance of debt
    nw[0, :, -1], nw[1, :, -1] = risky, safe
    r = dataclasses.replace(result, net_worth=nw)
    t = D.certainty_equivalent(r, risk_aversion=[0.0, 4.0], wealth_floor_usd=100_000)
    rank = t.set_index(["risk_aversion", "career"])["rank"]
    assert rank[(0.0, "phd")] < rank[(0.0, "residency")]
    assert rank[(4.0, "phd")] > rank[(4.0, "residency")]
    assert list(t.columns) == ["risk_aversion", "career", "age", "certainty_equivalent", "se", "mean", "mean_se", "p5", "p50", "share_below_floor", "rank"]


def test_certainty_equivalent_se_matches_mean_se_when_risk_neutral(result):
    # a floor below every world's net worth, so that no world is clipped and risk neutrality
    # gives the plain mean
    t = D.certainty_equivalent(result, risk_aversion=0.0, age=30, wealth_floor_usd=1e7)
    assert (t.share_below_floor == 0).all()
    np.testing.assert_allclose(t.certainty_equivalent, t["mean"], rtol=1e-9)
    np.testing.assert_allclose(t.se, t.mean_se, rtol=1e-6)


def test_risk_aversion_changes_the_money_score_not_its_order(result):
    i = D.DIMENSIONS.index("money")
    a = D.score_worlds(result, D.ScoreModel(risk_aversion=0.0), rng=1).values[:, i]
    b = D.score_worlds(result, D.ScoreModel(risk_aversion=5.0), rng=1).values[:, i]
    assert not np.allclose(a, b)
    assert np.array_equal(np.argsort(a[0]), np.argsort(b[0]))


# -- plots, docs, notebook -------------------------------------------------------------------------
def test_plots_return_axes(result, scores):
    ax = plotting.plot_decision(D.decide(scores))
    assert len(ax.patches) == 4
    ax = plotting.plot_certainty_equivalent(D.certainty_equivalent(result, risk_aversion=[0, 1, 2], age=30))
    assert len(ax.get_lines()) >= 4


def test_docs_list_every_default():
    doc = (ROOT / "docs" / "decision.md").read_text()
    m = D.ScoreModel()
    for d in D.DIMENSIONS:
        if d == "money":
            continue
        row = next(line for line in doc.splitlines() if line.startswith(f"| {D.DIMENSION_LABELS[d]} (`{d}`) |"))
        for c in D.CAREERS:
            p = m.prior(c, d)
            assert f"{p.mean:g} ± {p.sd:g}" in row, (c, d)
    for f in dataclasses.fields(D.ScoreModel):
        if f.name not in ("priors", "money_age", "risk_aversion", "wealth_floor_usd"):
            assert f"`{f.name}`" in doc, f.name


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
def test_every_quoted_argument_is_in_the_essays():
    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", s.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"'))

    texts = [norm(p.read_text()) for p in SEEDS.glob("*.txt")]
    for p in D.DEFAULT_PRIORS:
        for quote in re.findall(r'"([^"]+)"', p.source.split(": ", 1)[1]):
            parts = [x.strip() for x in quote.split("...")]
            assert any(all(norm(x) in t for x in parts) for t in texts), (p.career, p.dimension, quote)



def test_weights_whose_sum_overflows_are_refused():
    r = careersim.simulate(worlds=200, rng=1)
    with pytest.raises(careersim.ScenarioError, match="their sum is beyond any float"):
        D.decide(D.score_worlds(r, rng=1), {"money": 1e308, "freedom": 1e308})


@pytest.mark.parametrize("rng", [-1, "x", 1.5])
def test_score_worlds_checks_its_seed(rng):
    r = careersim.simulate(worlds=200, rng=1)
    with pytest.raises(careersim.ArgumentError, match=r"rng = "):
        D.score_worlds(r, rng=rng)


@pytest.mark.parametrize("thing", ["x", None])
def test_certainty_equivalent_wants_a_result(thing):
    with pytest.raises(careersim.ScenarioError, match=r"result = .*: must be a careersim.Result"):
        D.certainty_equivalent(thing)


def test_certainty_equivalent_of_a_summary_says_why_not():
    with pytest.raises(careersim.ScenarioError, match=r"result = SummaryResult: .*a summary keeps no world's net worth"):
        D.certainty_equivalent(careersim.simulate_summary(worlds=200, rng=1))


@pytest.mark.parametrize("weights", [dict(D.DEFAULT_WEIGHTS), {"research_lead": 1.0}, {"money": 1.0, "freedom": 0.5}])
def test_every_flip_is_a_flip_to_the_career_it_names(scores, weights):
    """A one-weight row's move makes its to_career the choice (another career could overtake
    first, and was named anyway); no row sets every weight to zero (it 'tied' every career)."""
    d = D.decide(scores, weights)
    flips = d.flips()
    for _, row in flips[flips.kind == "one_weight"].iterrows():
        moved = dict(weights)
        moved[row.dimension] = row.new_weight + 1e-7 * np.sign(row.change) * max(1.0, abs(row.change))
        assert sum(moved.values()) > 0
        assert D.decide(scores, moved).choice == row.to_career, row.to_dict()
    for target, rows in flips[flips.kind == "all_weights"].groupby("to_career"):
        moved = dict(weights)
        for _, row in rows.iterrows():
            moved[row.dimension] = row.new_weight
        assert sum(moved.values()) == pytest.approx(sum(weights.values()))
        dec = D.decide(scores, moved)
        exp = dict(zip(dec.careers, dec.expected))
        assert exp[target] == pytest.approx(max(exp.values()), abs=1e-9)


def test_a_tie_for_the_best_is_shared():
    score = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.0, 5.0, 0.0]])
    d = D.Decision(careers=("a", "b", "c"), weights={k: 1.0 for k in D.DIMENSIONS}, score=score, dimension_means=np.zeros((3, len(D.DIMENSIONS))))
    np.testing.assert_allclose(d.summary().p_best, [1 / 3, 1 / 3, 1 / 3])  # the first listed took both ties


def test_scores_refuse_phd_paths_with_their_own_phd_section():
    """The non-money dimensions read the scenario's own PhD facts: two PhD offers got the same."""
    r = careersim.simulate(careersim.load_scenario("offers").replace({"simulation.horizon_years": 10}), worlds=200, rng=1)
    with pytest.raises(careersim.ScenarioError, match=r"score_worlds: path 'phd-boston-fellowship' sets its own phd\."):
        D.score_worlds(r, rng=2)


def test_money_scores_refuse_what_is_not_an_amount():
    with pytest.raises(careersim.ScenarioError, match="NaN or infinite"):
        D.money_scores(np.array([1.0, np.nan, 3.0]), risk_aversion=2.0)

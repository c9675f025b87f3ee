"""Uncertain assumptions (issue 13): priors declared beside the parameters, drawn per world from
streams of their own, with common random numbers and chunk invariance kept."""

import dataclasses
import json

import numpy as np
import pytest

import careersim
from careersim import cli
from careersim._assumptions import prior_values, triangular_offsets
from careersim._params import Prior, ScenarioError
from careersim._scenario import DECLARED_PRIORS, SECTIONS
from careersim._scenario_io import parse_toml, scenario_from_dict

S = careersim.load_scenario("default").replace({"simulation.horizon_years": 15})


def _degenerate(s):
    return s.with_priors({k: Prior(p.kind, 0.0 if p.kind == "shift" else 1.0) for k, p in s.active_priors().items()})


def test_every_weak_default_named_in_the_docs_has_a_prior_inside_its_range():
    # docs/model.md section 7 names these as weak, judgements or disputed
    for key in ("phd.breakthrough_probability", "phd.breakthrough_pay_multiplier", "residency.conversion_probability", "layoffs.annual_layoff_hazard",
                "phd.attrition_probability", "phd.academia_probability", "independent.grant_pay_usd", "independent.renewal_probability"):
        assert key in DECLARED_PRIORS, key
    for key, prior in DECLARED_PRIORS.items():
        section, name = key.split(".")
        f = next(f for f in dataclasses.fields(SECTIONS[section]) if f.name == name)
        assert prior.why, key
        x = prior_values(prior, float(f.default), np.linspace(0, 1, 101), f.metadata["low"], f.metadata["high"])
        assert np.all(x >= f.metadata["low"]) and np.all(x <= f.metadata["high"]), key
    assert "prior" in open("docs/scenarios.md", encoding="utf-8").read().lower()


def test_triangular_offsets_are_symmetric_and_bounded():
    u = np.random.default_rng(0).random(200_000)
    x = triangular_offsets(u, 2.0)
    assert abs(x.mean()) < 0.01 and x.min() >= -2.0 and x.max() <= 2.0
    assert x.var() == pytest.approx(4.0 / 6.0, rel=0.02)  # variance of a symmetric triangle: w^2 / 6


def test_degenerate_priors_give_bit_identical_results_to_the_fixed_run():
    fixed = careersim.simulate(S, worlds=3000, rng=4)
    deg = careersim.simulate(_degenerate(S), worlds=3000, rng=4, assumptions="uncertain")
    for name in ("net_worth", "income", "status"):
        assert np.array_equal(getattr(fixed, name), getattr(deg, name)), name


def test_a_wider_prior_widens_the_interval():
    def interval(spread_factor):
        s = S.with_priors({k: None for k in S.active_priors()}).with_priors({"independent.grant_pay_usd": Prior("ratio", spread_factor)})
        r = careersim.simulate(s, worlds=6000, rng=8, careers=["independent", "engineer"], assumptions="uncertain")
        x = r.net_worth[0, :, 2]
        return np.percentile(x, 95) - np.percentile(x, 5), r.compare("independent", "engineer").difference[:, 2].std()

    fixed, narrow, wide = interval(1.0), interval(1.2), interval(2.0)
    assert fixed[0] < narrow[0] < wide[0]
    assert fixed[1] < narrow[1] < wide[1]


def test_common_random_numbers_and_independent_streams():
    base = careersim.simulate(S, worlds=2500, rng=2, assumptions="uncertain")
    off = careersim.simulate(S.with_priors({"phd.breakthrough_probability": None}), worlds=2500, rng=2, assumptions="uncertain")
    # switching one prior off leaves every other assumption's draws unchanged ...
    assert set(base.assumption_values) - set(off.assumption_values) == {"phd.breakthrough_probability"}
    for k, v in off.assumption_values.items():
        assert np.array_equal(v, base.assumption_values[k]), k
    # ... and every career it does not touch bit-identical
    for c in ("residency", "engineer", "independent"):
        assert np.array_equal(base.net_worth[base.index(c)], off.net_worth[off.index(c)]), c
    # the market, regime and person draws do not move with the assumption streams
    fixed = careersim.simulate(S, worlds=2500, rng=2)
    assert np.array_equal(fixed.inflation, base.inflation) and np.array_equal(fixed.facts["ability"], base.facts["ability"])


def test_uncertain_runs_do_not_depend_on_chunks_or_workers_and_summary_agrees():
    a = careersim.simulate(S, worlds=5000, rng=6, assumptions="uncertain", chunk_blocks=1)
    b = careersim.simulate(S, worlds=5000, rng=6, assumptions="uncertain", chunk_blocks=3, workers=2)
    assert np.array_equal(a.net_worth, b.net_worth)
    for k in a.assumption_values:
        assert np.array_equal(a.assumption_values[k], b.assumption_values[k])
    s = careersim.simulate_summary(S, worlds=5000, rng=6, assumptions="uncertain")
    np.testing.assert_allclose(s.mean, a.net_worth.mean(axis=1), rtol=1e-10)
    assert s.assumptions == "uncertain" and "uncertain assumptions" in s.uncertainty and "fixed" in a.__class__(**{**a.__dict__, "assumptions": "fixed"}).uncertainty


def test_priors_in_scenario_files_round_trip_and_bad_ones_are_refused():
    s = S.with_priors({"phd.breakthrough_probability": None, "residency.conversion_probability": Prior("odds", 2.5, "my own")})
    back = scenario_from_dict(parse_toml(s.to_toml(), origin="t"))
    assert back == s and "phd.breakthrough_probability" not in back.active_priors()
    assert back.active_priors()["residency.conversion_probability"].spread == 2.5
    for table, words in [
        ({"priors": {"phd.stipend": "off"}}, "did you mean"),
        ({"priors": {"phd.attrition_probability": {"kind": "odd", "spread": 2}}}, "must be one of odds, ratio, shift"),
        ({"priors": {"phd.attrition_probability": {"kind": "odds", "spread": 0.5}}}, "spread = 0.5"),
        ({"priors": {"phd.attrition_probability": {"kind": "odds", "spred": 2}}}, "did you mean 'spread'"),
        ({"priors": {"simulation.horizon_years": {"kind": "shift", "spread": 2}}}, "real-valued"),
        ({"priors": {"phd.attrition_probability": 3}}, '"off" or a table'),
        ({"priors": {"phd.attrition_probability": {"kind": ["shift"], "spread": 0.1}}}, r"prior kind = \['shift'\]: must be one of"),
        ({"priors": {"phd.attrition_probability": {"kind": {"a": 1}, "spread": 0.1}}}, "must be one of odds, ratio, shift"),
        # odds move a probability only: on an amount the draw kept the value (no uncertainty, no error)
        ({"priors": {"phd.stipend_ta_usd": {"kind": "odds", "spread": 50}}}, r"kind 'odds' is for a probability .* use 'ratio' or 'shift'"),
    ]:
        with pytest.raises(ScenarioError, match=words):
            scenario_from_dict(table)
    with pytest.raises(ScenarioError, match="assumptions = 'maybe'"):
        careersim.simulate(S, worlds=10, assumptions="maybe")


def test_cli_assumptions_flag(capsys):
    assert cli.main(["run", "default", "--worlds", "1000", "--seed", "3", "--horizon", "8", "--json", "--assumptions", "fixed"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["assumptions"] == "fixed" and doc["uncertain_assumptions"] == []
    r = careersim.simulate(careersim.load_scenario("default").replace({"simulation.horizon_years": 8}), worlds=1000, rng=3)
    assert doc["careers"]["phd"]["net_worth_at_horizon"]["p50"] == pytest.approx(float(np.median(r.net_worth[0, :, -1])), rel=1e-9)
    assert cli.main(["run", "default", "--worlds", "1000", "--seed", "3", "--horizon", "8"]) == 0
    assert "Assumptions uncertain" in capsys.readouterr().out


def test_a_nested_designs_standard_errors_count_its_groups():
    """Worlds sharing one draw of the assumptions are not independent: the result's own standard
    errors are those of the groups (they were 1.1-3.9 times too small), and analyses that count
    every world as independent refuse such a result."""
    from careersim import claims, decision

    r = careersim.simulate(S, worlds=2048, rng=4, assumptions="uncertain", group_worlds=128)
    assert r.group_worlds == 128
    x = r.net_worth[r.index("residency"), :, -1]
    group_means = x.reshape(16, 128).mean(axis=1)
    s = r.summary()
    mean_se = s[(s.career == "residency") & (s.year == r.horizon_years) & (s.statistic == "mean")].se.item()
    assert mean_se == pytest.approx(group_means.std(ddof=1) / 4, rel=1e-9)
    ahead = (r.net_worth[r.index("residency"), :, -1] > r.net_worth[r.index("engineer"), :, -1]).reshape(16, 128).mean(axis=1)
    c = r.compare("residency", "engineer").summary()
    p_se = c[(c.year == r.horizon_years) & (c.statistic == "p_a_ahead")].se.item()
    assert p_se == pytest.approx(ahead.std(ddof=1) / 4, rel=1e-9)
    assert r.horizon_table()["p_ahead_of_engineer_se"]["residency"] == pytest.approx(p_se, rel=1e-9)
    # the median's se grows by the design effect; a plain run's is the order-statistic one
    iid = careersim._results.quantiles_with_se(x, [0.5])[1][0]
    assert s[(s.career == "residency") & (s.year == r.horizon_years) & (s.statistic == "p50")].se.item() > 1.2 * iid
    ce_se = decision.certainty_equivalent(r, risk_aversion=0.0).set_index("career").se["residency"]
    assert ce_se == pytest.approx(mean_se, rel=1e-9)
    for call in (lambda: claims.money_claim(r), lambda: decision.score_worlds(r, rng=1)):
        with pytest.raises(careersim.ScenarioError, match=r"share their assumptions in runs of 128 .* group_worlds=1"):
            call()
    # fixed assumptions: no shared draw, every world its own
    assert careersim.simulate(S, worlds=256, rng=4, group_worlds=128).group_worlds == 1

"""The "money much better" claim: the bundled scenario, careersim.claims, the notebook, the CLI.

Layers: (a) the scenario's numbers recomputed from the data files; (b) claims.py on known
cases (overturned by enormous PhD pay, no breakthroughs -> no breakthrough share, the
search's bracket re-checked by independent simulations); (c) the notebook: committed clean,
no typed-in numbers in its prose, and every number it displays equal to what
careersim.claims computes for the same seed.
"""

from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import careersim
from careersim import claims, plotting
from careersim._format import format_estimate
from careersim._market import load_history
from careersim._params import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "money_much_better.ipynb"
NO_CREDENTIAL_FILTER = {"credentials.bust_layoff_multiplier": 1.0, "credentials.bust_spell_multiplier": 1.0,
                        "credentials.bust_conversion_multiplier": 1.0, "credentials.research_share_trend": 0.0}
SCENARIO_FILE = ROOT / "careersim" / "data" / "scenarios" / "money-much-better.toml"
SHARED_DATA = ROOT.parent / "shared" / "data"
PAIR = ("phd", "residency")
#: an enormous stipend and post-PhD pay: the claim must fail
RICH_PHD = {
    "phd.stipend_fellowship_usd": 1e6, "phd.stipend_advisor_grant_usd": 1e6, "phd.stipend_ta_usd": 1e6,
    "phd.research_scientist_start_pay_usd": 5e6, "phd.faculty_start_pay_usd": 5e6, "phd.other_start_pay_usd": 5e6,
    "phd.masters_start_pay_usd": 5e6,
}


@pytest.fixture(scope="module")
def scenario() -> careersim.Scenario:
    return careersim.load_scenario("money-much-better")


@pytest.fixture(scope="module")
def small(scenario):
    return careersim.simulate(scenario, worlds=3_000, rng=11, careers=PAIR)


# ---------------------------------------------------------------------------------------------
# (a) the bundled scenario
# ---------------------------------------------------------------------------------------------
def test_scenario_is_bundled_and_strictly_valid(scenario):
    assert "money-much-better" in careersim.bundled_scenarios()
    data = tomllib.loads(SCENARIO_FILE.read_text(encoding="utf-8"))
    # every key in the file is a real scenario key (load_scenario is strict), and none is missing
    flat = {f"{sec}.{k}" for sec, table in data.items() if isinstance(table, dict) for k in table}
    assert flat == set(scenario.flat())
    sim = scenario.simulation
    assert (sim.start_age, sim.start_age + sim.horizon_years) == (22, 65)
    assert scenario.market.model == "historical" and scenario.market.history_start_year == 2016
    assert sim.currency_year == 2025
    assert 5.0 <= scenario.phd.duration_median_years <= 6.0  # "5-6 years"
    assert scenario.layoffs.lab_closure_hazard == 0.0  # closures are in the layoff rate: no text may say they are simulated


def test_authors_path_variant_differs_only_where_it_says():
    base = careersim.load_scenario("money-much-better")
    author = careersim.load_scenario("money-much-better-authors-path")
    diff = {k: (v, author.flat()[k]) for k, v in base.flat().items() if author.flat()[k] != v}
    assert diff == {"residency.conversion_probability": (0.4, 1.0)}
    assert author.finances.place == "bay_area"  # Bay Area prices, California tax


def _to_2025(nominal: float, year: int) -> float:
    h = load_history()
    m = (h.year > year) & (h.year <= 2025)
    return nominal * float(np.prod(1.0 + h.inflation[m]))


def _rows(name: str) -> list[dict[str, str]]:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} not present (the shared data folder sits beside the repository)")
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_scenario_pay_and_stipends_recomputed_from_the_data(scenario):
    grfp = {r["year_or_period"]: float(r["annual_stipend_usd"]) for r in _rows("nsf_grfp_stipend_history.csv")}
    stipend = grfp["2015-2022 (approx)"]
    assert stipend == 34_000
    p = scenario.phd
    for value in (p.stipend_fellowship_usd, p.stipend_advisor_grant_usd, p.stipend_ta_usd, scenario.switching.stipend_usd):
        assert value == pytest.approx(_to_2025(stipend, 2016), abs=1.0)  # the PhD would have started in 2016

    levels = {(r["title"], r["education"], r["years_experience"]): float(r["median"]) for r in _rows("levelsfyi_us_totalcomp_percentiles_2017-2021.csv")}
    swe = lambda edu, yrs: _to_2025(levels[("Software Engineer", edu, yrs)], 2019)  # noqa: E731
    assert p.research_scientist_start_pay_usd == pytest.approx(swe("PhD", "0-1"), abs=1.0)
    assert scenario.switching.post_phd_pay_usd == pytest.approx(swe("PhD", "0-1"), abs=1.0)
    assert p.masters_start_pay_usd == pytest.approx(swe("Master's Degree", "0-1"), abs=1.0)
    r = scenario.residency
    assert r.pay_usd == r.fallback_pay_usd == scenario.engineer.start_pay_usd == pytest.approx(swe("Bachelor's Degree", "0-1"), abs=1.0)
    assert r.converted_pay_usd == pytest.approx(swe("Bachelor's Degree", "2-4"), abs=1.0)

    bls = {(r["year"], r["occ_code"]): float(r["a_median"]) for r in _rows("bls_oews_selected_occupations_2020-2024.csv")}
    mean_2021_22 = lambda occ: (_to_2025(bls[("2021", occ)], 2021) + _to_2025(bls[("2022", occ)], 2022)) / 2  # noqa: E731
    assert p.faculty_start_pay_usd == pytest.approx(mean_2021_22("25-1021"), abs=1.0)
    assert p.other_start_pay_usd == pytest.approx(mean_2021_22("15-1221"), abs=1.0)
    # the post-PhD pay spread is the data-backed default, not a stale one
    assert p.post_phd_pay_log_sd == careersim.Scenario().phd.post_phd_pay_log_sd


def test_scenario_market_lenses_replay_2016_to_2025(scenario, small):
    h = load_history()
    i = int(np.searchsorted(h.year, 2016))
    n = 2025 - 2016 + 1
    np.testing.assert_allclose(small.real_return[:, :n], np.broadcast_to(h.real_return[i : i + n], (small.worlds, n)))
    assert not small.bust[:, 0].any()  # 2016 was a boom year in this scenario


# ---------------------------------------------------------------------------------------------
# (b) careersim.claims
# ---------------------------------------------------------------------------------------------
def test_money_claim_structure_and_definitions(small):
    c = claims.money_claim(small)
    assert [cp.label for cp in c.checkpoints] == ["year 5", "year 6", "age 35", "age 45", "age 65"]
    assert c.worlds == small.worlds and c.units == small.units
    ip, ii = small.index("phd"), small.index("residency")
    for cp in c.checkpoints:
        lead = small.net_worth[ii, :, cp.year - 1] - small.net_worth[ip, :, cp.year - 1]
        assert cp.age == 22 + cp.year
        assert cp.p_industry_ahead.value == pytest.approx((lead > 0).mean())
        assert cp.median_lead.value == pytest.approx(np.median(lead))
        assert cp.mean_lead.value == pytest.approx(lead.mean())
        assert cp.mean_lead.se == pytest.approx(lead.std(ddof=1) / np.sqrt(len(lead)))
        assert cp.holds == (cp.p_industry_ahead.value > 0.5)
        for name, e in cp.estimates().items():
            assert e.se >= 0 or math.isnan(e.se), name
    assert c.p_never_catches_up.value == pytest.approx(small.compare("phd", "residency").p_never_catches_up)
    frame = c.to_frame()
    assert list(frame.columns) == ["phd", "industry", "checkpoint", "year", "age", "statistic", "value", "se"]
    row = frame[(frame.checkpoint == "age 45") & (frame.statistic == "p_industry_ahead")]
    assert row.value.item() == c.checkpoint(age=45).p_industry_ahead.value


def test_claim_holds_in_the_claims_setting(small):
    c = claims.money_claim(small)
    assert c.holds_at_claim_horizon
    # the PhD is still in school for most of the claim's horizon: industry far ahead
    assert c.checkpoint(year=5).p_industry_ahead.value > 0.9


def test_enormous_phd_pay_overturns_the_claim(scenario):
    rich = scenario.replace(RICH_PHD)
    c = claims.money_claim(careersim.simulate(rich, worlds=1_000, rng=2, careers=PAIR))
    assert not c.holds_at_claim_horizon
    assert all(not cp.holds for cp in c.checkpoints)
    assert c.p_never_catches_up.value == 0.0


def test_without_breakthroughs_the_breakthrough_share_is_zero(scenario):
    r = careersim.simulate(scenario.replace({"phd.breakthrough_probability": 0.0}), worlds=2_000, rng=4, careers=PAIR)
    c = claims.money_claim(r)
    assert c.breakthrough_rate.value == 0.0
    for cp in c.checkpoints:
        assert cp.breakthrough_share_of_upside.value == 0.0 or math.isnan(cp.breakthrough_share_of_upside.value)
        assert math.isnan(cp.p_phd_ahead_given_breakthrough.value)
        assert cp.phd_mean_excluding_breakthroughs == cp.phd_mean
    e = claims.breakthrough_effect(r, r)
    share = e[e.statistic == "upside_share_from_breakthroughs"]
    assert ((share.value == 0.0) | share.value.isna()).all()
    assert (e[e.statistic == "breakthrough_contribution_to_phd_mean"].value == 0.0).all()


def test_breakthrough_share_is_the_ratio_it_says(small):
    cp = claims.money_claim(small).checkpoint(age=65)
    phd = small.net_worth[small.index("phd"), :, -1]
    ind = small.net_worth[small.index("residency"), :, -1]
    excess = np.maximum(phd - ind, 0.0)
    bt = small.facts["phd_breakthrough"]
    assert bt.any()
    assert cp.breakthrough_share_of_upside.value == pytest.approx(excess[bt].sum() / excess.sum())
    assert 0 < cp.breakthrough_share_of_upside.se < 1


def test_breakthrough_counterfactual_changes_only_breakthrough_worlds(scenario):
    kw = dict(worlds=2_500, rng=5, careers=PAIR)
    r = careersim.simulate(scenario.replace({"phd.breakthrough_probability": 0.1}), **kw)
    cf = careersim.simulate(scenario.replace({"phd.breakthrough_probability": 0.0}), **kw)
    bt = r.facts["phd_breakthrough"]
    assert bt.any()
    ip = r.index("phd")
    np.testing.assert_array_equal(r.net_worth[ip][~bt], cf.net_worth[ip][~bt])
    assert (r.net_worth[ip][bt][:, -1] > cf.net_worth[ip][bt][:, -1]).all()
    e = claims.breakthrough_effect(r, cf).set_index(["age", "statistic"])
    x, x0 = r.net_worth[ip, :, -1], cf.net_worth[ip, :, -1]
    assert e.loc[(65, "breakthrough_contribution_to_phd_mean"), "value"] == pytest.approx((x - x0).mean())
    assert 0 < e.loc[(65, "upside_share_from_breakthroughs"), "value"] <= 1
    assert e.loc[(65, "p_phd_ahead"), "value"] >= e.loc[(65, "p_phd_ahead_without_breakthroughs"), "value"]


def test_breakthrough_effect_refuses_a_mismatched_counterfactual(scenario, small):
    with pytest.raises(ScenarioError, match="bidding wars"):
        claims.breakthrough_effect(small, small)
    other = careersim.simulate(scenario.replace({"phd.breakthrough_probability": 0.0}), worlds=small.worlds, rng=12, careers=PAIR)
    with pytest.raises(ScenarioError, match="same worlds"):
        claims.breakthrough_effect(small, other)


def test_bad_input_is_a_scenario_error(small, scenario):
    with pytest.raises(ScenarioError, match="career"):
        claims.money_claim(small, industry="engineer")
    with pytest.raises(ScenarioError, match="age"):
        claims.money_claim(small, ages=(70,))
    with pytest.raises(ScenarioError, match="claim_years"):
        claims.money_claim(small, claim_years=(0,))
    with pytest.raises(ScenarioError, match="criterion"):
        claims.smallest_overturning_changes(scenario, criterion="vibes", worlds=100)
    bad = claims.Lever(name="x", parameter="phd.stipend_ta_usd", description="", unit="usd", stop=2e6)
    with pytest.raises(ScenarioError, match="stipend_ta_usd"):
        claims.smallest_overturning_changes(scenario, [bad], worlds=100)


def test_illinois_brackets_a_known_root():
    calls = []

    def f(t):
        calls.append(t)
        return t**3 - 0.2

    lo, hi = claims._illinois(f, f(0.0), f(1.0), max_evaluations=30, tolerance=1e-6)
    root = 0.2 ** (1 / 3)
    assert lo < root <= hi and hi - lo <= 1e-6
    assert len(calls) < 2 + 30


def _p_phd_ahead(scenario, *, worlds, rng, age):
    r = careersim.simulate(scenario, worlds=worlds, rng=rng, careers=PAIR)
    y = r.year_of_age(age)
    return float((r.net_worth[r.index("phd"), :, y - 1] > r.net_worth[r.index("residency"), :, y - 1]).mean())


def test_search_bracket_is_confirmed_by_independent_simulations(scenario):
    levers = {l.name: l for l in claims.default_levers()}
    chosen = [levers["post_phd_pay"], levers["bust_regime"]]
    t = claims.smallest_overturning_changes(scenario, chosen, ages=(45,), worlds=2_048, max_evaluations=6, rng=3)
    assert list(t.lever) == ["post_phd_pay", "bust_regime"]
    pay, bust = t.iloc[0], t.iloc[1]
    assert pay.found and pay.baseline_value < pay.bracket < pay.value < pay.stop_value
    # the same seed, re-simulated from scratch at the two ends of the bracket
    at = lambda v: _p_phd_ahead(levers["post_phd_pay"].apply(scenario, v), worlds=2_048, rng=3, age=45)  # noqa: E731
    assert at(pay.value) >= 0.5 > at(pay.bracket)
    assert at(pay.value) == pytest.approx(pay.statistic_at_value)
    assert pay.relative_change == pytest.approx(pay.value / pay.baseline_value - 1)
    # a bust regime cannot do it: the PhD graduate works in the same market afterwards
    assert not bust.found and math.isnan(bust.value) and bust.bracket == bust.stop_value
    assert bust.statistic_at_value < 0.5


def test_fellowship_lever_means_something(scenario):
    """The engine's funding source changes only the stipend, so the fellowship lever holds a
    fellowship (the situation) and raises what it pays; at its own baseline nothing moves."""
    fellowship = claims.lever("fellowship")
    assert dict(fellowship.given) == {"phd.fellowship_probability": 1.0, "phd.ta_probability": 0.0}
    held = fellowship.situation(scenario)
    # every stipend is the same in the claim's scenario: holding a fellowship changes no money
    r0 = careersim.simulate(scenario, worlds=500, rng=1, careers=PAIR)
    r1 = careersim.simulate(held, worlds=500, rng=1, careers=PAIR)
    np.testing.assert_array_equal(r0.net_worth, r1.net_worth)
    assert (r1.facts["phd_funding"] == 0).all()
    # a fellowship paying more moves the PhD's net worth up in every world that stays in school
    r2 = careersim.simulate(fellowship.apply(scenario, 2 * fellowship.baseline(scenario)), worlds=500, rng=1, careers=PAIR)
    assert (r2.net_worth[0, :, 2] >= r1.net_worth[0, :, 2]).all() and (r2.net_worth[0, :, 2] > r1.net_worth[0, :, 2]).mean() > 0.5
    t = claims.smallest_overturning_changes(scenario, [fellowship], ages=(45,), worlds=1_000, max_evaluations=3, rng=1)
    assert t.statistic_at_value.item() > t.statistic_baseline.item()


def test_already_overturned_needs_no_change(scenario):
    rich = scenario.replace(RICH_PHD)
    t = claims.smallest_overturning_changes(rich, ["breakthrough", "faster_phd"], ages=(65,), worlds=1_000, rng=1)
    assert t.found.all() and (t.change == 0).all() and (t.evaluations == 0).all() and (t.distance == 0).all()


def test_distances_are_shares_of_the_documented_plausible_range(scenario):
    t = claims.smallest_overturning_changes(scenario, ["post_phd_pay", "bidding_war_size"], ages=(45,), worlds=1_000, max_evaluations=3, rng=2)
    for row in t.itertuples():
        lever = claims.lever(row.lever)
        lo, hi = lever.plausible_range(scenario)
        assert (row.plausible_low, row.plausible_high) == (lo, hi) and hi > lo
        if row.found:
            assert row.distance == pytest.approx(abs(row.value - row.baseline_value) / (hi - lo))
        assert row.distance_to_stop == pytest.approx(abs(row.stop_value - row.baseline_value) / (hi - lo))
    # every lever in the table documents its plausible range and where it comes from
    for lever in claims.LEVERS:
        assert lever.plausible is not None and lever.plausible_source, lever.name
        assert lever.label and lever.label != lever.name or " " not in lever.name


def test_bidding_war_size_lever_moves_only_bidding_war_worlds(scenario):
    size = claims.lever("bidding_war_size")
    r0 = careersim.simulate(scenario, worlds=2_000, rng=4, careers=PAIR)
    r1 = careersim.simulate(size.apply(scenario, 10.0), worlds=2_000, rng=4, careers=PAIR)
    bt = r0.facts["phd_breakthrough"]
    assert bt.any()
    np.testing.assert_array_equal(r0.net_worth[0][~bt], r1.net_worth[0][~bt])
    assert (r1.net_worth[0, bt, -1] > r0.net_worth[0, bt, -1]).all()


def test_frontier_of_two_levers(scenario):
    f = claims.overturning_frontier(scenario, "post_phd_pay", "breakthrough", age=45, points=3, worlds=1_000, rng=5)
    assert len(f) == 9 and set(f.columns) >= {"x", "y", "statistic", "se", "overturned", "distance_x", "distance_y"}
    base = f[(f.x == f.x.min()) & (f.y == f.y.min())].iloc[0]
    assert not base.overturned and base.distance_x == 0 and base.distance_y == 0
    # more of both never makes the PhD worse off here (same worlds)
    grid = f.pivot(index="y", columns="x", values="statistic").to_numpy()
    assert (np.diff(grid, axis=0) >= -0.01).all() and (np.diff(grid, axis=1) >= -0.01).all()
    with pytest.raises(ScenarioError, match="two different levers"):
        claims.overturning_frontier(scenario, "stipend", "stipend")
    with pytest.raises(ScenarioError, match="lever = 'nope'"):
        claims.overturning_frontier(scenario, "nope", "stipend")


def test_how_much_the_lead_is(small):
    c = claims.money_claim(small, margin=0.5)
    for cp in c.checkpoints:
        phd = small.net_worth[small.index("phd"), :, cp.year - 1]
        ind = small.net_worth[small.index("residency"), :, cp.year - 1]
        lead = ind - phd
        assert cp.p_industry_ahead_by_margin.value == pytest.approx(((lead > 0) & (lead >= 0.5 * np.abs(phd))).mean())
        assert cp.p_industry_ahead_by_margin.value <= cp.p_industry_ahead.value
        if np.median(phd) > 0:
            assert cp.median_ratio.value == pytest.approx(np.median(ind) / np.median(phd), rel=1e-3)
        else:
            assert math.isnan(cp.median_ratio.value)
        assert cp.lead_range[0] <= cp.median_lead.value <= cp.lead_range[1]
    # margin 0 is plain "ahead"; a larger margin is never likelier
    c0, c1 = claims.money_claim(small, margin=0.0), claims.money_claim(small, margin=1.0)
    for a, b, m in zip(c0.checkpoints, c1.checkpoints, c.checkpoints):
        assert a.p_industry_ahead_by_margin.value == pytest.approx(a.p_industry_ahead.value)
        assert b.p_industry_ahead_by_margin.value <= m.p_industry_ahead_by_margin.value
    with pytest.raises(ScenarioError, match="margin = -1"):
        claims.money_claim(small, margin=-1)


def test_claim_headline_and_document(small):
    import json

    c = claims.money_claim(small)
    text = claims.claim_headline(c)
    for cp in c.checkpoints:
        assert cp.label + ":" in text
    horizon_age = small.scenario.simulation.start_age + small.horizon_years
    assert c.horizon_age == horizon_age
    assert f"never catches up by age {horizon_age} (the horizon) in {format_estimate(c.p_never_catches_up)}" in text
    # the share is over the whole horizon, so it is not labelled with an earlier last checkpoint
    early = claims.money_claim(small, ages=(30,))
    assert early.checkpoints[-1].age < horizon_age and f"by age {horizon_age} (the horizon)" in claims.claim_headline(early)
    doc = claims.claim_document(c)
    assert doc["horizon_age"] == horizon_age
    json.dumps(doc)  # plain JSON types
    assert [p["label"] for p in doc["checkpoints"]] == [cp.label for cp in c.checkpoints]
    assert doc["checkpoints"][0]["p_industry_ahead"]["value"] == c.checkpoints[0].p_industry_ahead.value


def test_search_is_reproducible_and_mean_criterion_works(scenario):
    # post-PhD pay is a lever that overturns the mean difference within its range (a higher
    # stipend alone no longer does, now that spending follows income)
    lever = [l for l in claims.default_levers() if l.name == "post_phd_pay"]
    kw = dict(ages=(65,), worlds=1_000, max_evaluations=3)
    a = claims.smallest_overturning_changes(scenario, lever, rng=7, **kw)
    b = claims.smallest_overturning_changes(scenario, lever, rng=np.random.SeedSequence(7), **kw)
    pd.testing.assert_frame_equal(a, b)
    m = claims.smallest_overturning_changes(scenario, lever, criterion="mean_difference", rng=7, **kw)
    assert m.threshold.item() == 0.0 and m.statistic_baseline.item() < 0
    assert m.found.item() and m.statistic_at_value.item() >= 0


def test_default_levers_add_returns_only_for_parametric_markets(scenario):
    names = [l.name for l in claims.default_levers(scenario)]
    assert "lower_returns" not in names
    assert "lower_returns" in [l.name for l in claims.default_levers(scenario.replace({"market.model": "lognormal"}))]
    for lever in claims.default_levers(scenario.replace({"market.model": "lognormal"})):
        # at its own baseline a lever leaves its situation (the scenario with its given conditions) unchanged
        s = scenario.replace({"market.model": "lognormal"})
        assert lever.apply(s, lever.baseline(s)).flat() == lever.situation(s).flat()


def test_formatters():
    assert claims.format_usd(1_234_567) == "$1.23M"
    assert claims.format_usd(-45_600) == "\u2212$46k"
    assert claims.format_usd(999_700) == "$1.00M"
    assert claims.format_share(0.7731) == "77.3%"
    assert claims.format_change(-0.2) == "\u221220%"
    assert claims.format_estimate(claims.Estimate(0.5, 0.01)) == "50.0% ± 1.0%"
    assert claims.format_usd(float("nan")) == "n/a"


def test_claim_outputs_tables_and_figures(scenario):
    import matplotlib.pyplot as plt

    r = careersim.simulate(scenario, worlds=1_500, rng=9, careers=PAIR)
    out = claims.claim_outputs(r, search=True, search_ages=(65,), search_worlds=1_000)
    assert set(out["tables"]) == {"claim", "claim_catch_up", "claim_breakthrough", "claim_overturning"}
    for table in out["tables"].values():
        assert isinstance(table, pd.DataFrame) and not table.empty
    assert "claim_catch_up.png" in out["figures"] and "claim_lead_age_65.png" in out["figures"]
    for name, draw in out["figures"].items():
        fig, ax = plt.subplots()
        assert draw(ax) is ax, name
        plt.close(fig)
    # default: the search runs only for the bundled claim scenario; ages past a shorter horizon are dropped
    generic = claims.claim_outputs(careersim.simulate(worlds=500, rng=1))
    assert "claim_overturning" not in generic["tables"]
    assert set(generic["tables"]["claim"].checkpoint) == {"year 5", "year 6", "age 35", "age 45", "age 62", "all"}


def test_plots_return_axes(small, scenario):
    cf = careersim.simulate(scenario.replace({"phd.breakthrough_probability": 0.0}), worlds=small.worlds, rng=11, careers=PAIR)
    both = {"history": small, "again": small}
    assert plotting.plot_lead_distribution(both, age=45) is not None
    assert plotting.plot_p_industry_ahead(both) is not None
    assert plotting.plot_catch_up_distribution(both, cumulative=False) is not None
    assert plotting.plot_breakthrough_tail(small, cf, age=65) is not None
    t = claims.smallest_overturning_changes(scenario, claims.default_levers()[:2], ages=(65,), worlds=500, max_evaluations=2, rng=0)
    assert plotting.plot_overturning(t) is not None


# ---------------------------------------------------------------------------------------------
# (c) the notebook
# ---------------------------------------------------------------------------------------------
def _notebook():
    import nbformat

    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_is_committed_without_outputs():
    nb = _notebook()
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_notebook_prose_types_in_no_numbers():
    """Numbers in the notebook's markdown cells would be typed in; only the quoted claim
    (blockquote lines) and the index's name may hold digits."""
    for cell in _notebook().cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.lstrip().startswith(">"):
                continue
            assert not re.search(r"\d", line.replace("S&P 500", "")), f"typed-in number in markdown: {line!r}"


NUMBER = re.compile(r"[+\u2212]?\$?\d[\d,]*(?:\.\d+)?[kM%]?")


def _run_notebook(overrides: str):
    import nbformat
    from nbclient import NotebookClient

    nb = _notebook()
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += "\n" + overrides
    params: dict = {}
    exec(cell.source, params)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    texts = [o.data["text/markdown"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
             if o.output_type in ("display_data", "execute_result") and "text/markdown" in o.data]
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    nbformat.validate(nb)
    # the notebook escapes every dollar for Markdown (tests/test_notebook_markdown.py checks that);
    # the statements below are compared with the dollars as the reader sees them
    return params, "\n".join(texts).replace("\\\\$", "$")  # markdown() writes each $ as \\$


def _variants(v) -> set[str]:
    """Every way the notebook may print a number computed by the library."""
    out = set()
    try:
        x = float(v)
    except (TypeError, ValueError):
        return out
    if math.isnan(x):
        return {"n/a"}
    for y in (x, -x):
        out |= {claims.format_usd(y), claims.format_share(y), claims.format_change(y), f"{y:.0f}", f"{y:.1f}", f"{y:.2f}", f"{y:g}", f"{y:.0%}"}
    if x == int(x):
        out |= {str(int(x)), f"{int(x):,}"}
    return out


@pytest.mark.slow
def test_notebook_numbers_are_the_librarys():
    params, text = _run_notebook("WORLDS = 2_048\nSEARCH_WORLDS = 2_048\nSEARCH_EVALUATIONS = 3")
    seed, worlds = params["SEED"], params["WORLDS"]
    base = careersim.load_scenario("money-much-better")
    lenses = {"history": base, "forward-looking": base.replace({"market.model": "lognormal"})}
    results = {k: careersim.simulate(s, worlds=worlds, rng=seed, careers=PAIR) for k, s in lenses.items()}
    cfs = {k: careersim.simulate(s.replace({"phd.breakthrough_probability": 0.0}), worlds=worlds, rng=seed, careers=PAIR) for k, s in lenses.items()}
    claim = {k: claims.money_claim(r, claim_years=params["CLAIM_YEARS"], ages=params["AGES"]) for k, r in results.items()}
    effects = {k: claims.breakthrough_effect(results[k], cfs[k], ages=params["AGES"]) for k in results}
    search = dict(worlds=params["SEARCH_WORLDS"], max_evaluations=params["SEARCH_EVALUATIONS"], rng=seed)
    overturn = {k: claims.smallest_overturning_changes(s, ages=params["SEARCH_AGES"], **search) for k, s in lenses.items()}
    overturn_mean = claims.smallest_overturning_changes(lenses["history"], ages=params["SEARCH_AGES"][-1:], criterion="mean_difference", **search)
    # the credential filter switched off, in the same worlds
    no_filter = {k: careersim.simulate(s.replace(NO_CREDENTIAL_FILTER), worlds=worlds, rng=seed, careers=PAIR) for k, s in lenses.items()}
    claim_off = {k: claims.money_claim(r, claim_years=params["CLAIM_YEARS"], ages=params["AGES"]) for k, r in no_filter.items()}
    frontiers = []
    for x, y in [("post_phd_pay", "breakthrough"), ("post_phd_pay", "faster_phd"), ("post_phd_pay", "credential_layoffs"), ("post_phd_pay", "research_share_trend")]:
        ly = claims.lever(y)
        ys = np.linspace(ly.plausible_range(base)[0], ly.stop_value(base), params["FRONTIER_POINTS"]) if y.startswith(("credential", "research")) else None
        frontiers.append(claims.overturning_frontier(base, x, y, age=params["SEARCH_AGES"][-1], points=params["FRONTIER_POINTS"], worlds=params["SEARCH_WORLDS"], rng=seed, y_values=ys))

    # -- every number shown is one the library computed (or a parameter of the run) --
    allowed: set[str] = set()
    for v in params.values():
        for x in np.ravel(v) if isinstance(v, tuple) else [v]:
            allowed |= _variants(x)
    for s in lenses.values():
        for v in s.flat().values():
            allowed |= _variants(v)
        allowed |= _variants(s.simulation.start_age + s.simulation.horizon_years)
        allowed |= _variants(careersim.living_costs_usd(s.finances))  # the place's living costs
    allowed.add("401")  # the name of the 401(k) account, not a number
    for c in [*claim.values(), *claim_off.values()]:
        for cp in c.checkpoints:
            allowed |= _variants(cp.year) | _variants(cp.age)
            for e in cp.estimates().values():
                allowed |= _variants(e.value) | _variants(e.se)
        for e in (c.breakthrough_rate, c.p_never_catches_up, c.median_catch_up_age):
            allowed |= _variants(e.value) | _variants(e.se)
    for k in lenses:  # the filter's paired change, world by world, to two decimals
        on, off = results[k], no_filter[k]
        for cp in claim[k].checkpoints:
            d = (on.net_worth[1, :, cp.year - 1] > on.net_worth[0, :, cp.year - 1]).astype(float) - (off.net_worth[1, :, cp.year - 1] > off.net_worth[0, :, cp.year - 1])
            for v in (d.mean(), d.std(ddof=1) / len(d) ** 0.5):
                allowed |= {claims.format_share(v, digits=2), claims.format_share(-v, digits=2)}
    allowed |= _variants(float(results["history"].bust.mean()))
    hazard = base.layoffs.annual_layoff_hazard * base.regime.bust_layoff_multiplier
    allowed |= _variants(hazard) | _variants(hazard * base.credentials.bust_layoff_multiplier)
    for table in [*effects.values(), *overturn.values(), overturn_mean, *frontiers]:
        for col in table.select_dtypes("number").columns:
            for v in table[col]:
                allowed |= _variants(v)
    r = results["history"]
    for y in params["CLAIM_YEARS"]:
        allowed |= _variants(float((r.status[r.index("phd"), :, y - 1] == 0).mean()))
    # the claim under each valuation lens: P(industry ahead) at the claim's horizon and at the last age
    for lens in ("net_worth", "income_pv", "consumption_pv"):
        for rate in (0.0, 0.03):
            for age in (base.simulation.start_age + params["CLAIM_YEARS"][-1], params["AGES"][-1]):
                x = r.lens_values(lens, age=age, discount_rate=rate)
                allowed |= _variants(float((x[r.index("residency")] > x[r.index("phd")]).mean()))
    shown = NUMBER.findall(text)
    assert len(shown) > 100
    stray = sorted({t for t in shown if t not in allowed})
    assert not stray, f"numbers in the notebook's text that careersim.claims did not compute: {stray}"

    # -- and the key statements carry the right ones --
    est = claims.format_estimate
    h, f = claim["history"], claim["forward-looking"]
    holds = h.holds_at_claim_horizon and f.holds_at_claim_horizon
    assert f"## At the claim's horizon the claim {'holds' if holds else 'does not hold'}" in text
    for y in params["CLAIM_YEARS"]:
        assert est(h.checkpoint(year=y).p_industry_ahead) in text and est(f.checkpoint(year=y).p_industry_ahead) in text
        assert est(h.checkpoint(year=y).median_lead, "usd") in text
    for a in params["AGES"]:
        for c in (h, f):
            assert est(c.checkpoint(age=a).p_industry_ahead) in text
            assert claims.format_usd(c.checkpoint(age=a).median_lead.value) in text
    assert est(h.p_never_catches_up) in text and est(f.p_never_catches_up) in text
    for k, e in effects.items():
        row = e[(e.age == params["AGES"][-1]) & (e.statistic == "upside_share_from_breakthroughs")].iloc[0]
        assert f"**{est(claims.Estimate(row.value, row.se))} of the PhD's upside**" in text
        assert est(claim[k].breakthrough_rate) in text
    levers = {l.name: l for l in claims.default_levers(lenses["forward-looking"])}
    for t in overturn.values():
        for row in t.itertuples():
            if row.found:
                assert f"**{levers[row.lever].format(row.value)}** ({claims.format_change(row.relative_change)})" in text
            else:
                assert f"not even at {levers[row.lever].format(row.stop_value)}" in text
    a = params["AGES"][-1]
    for k in lenses:  # with and without the credential filter
        assert est(claim_off[k].checkpoint(age=a).p_industry_ahead) in text
        assert claims.format_usd(claim_off[k].checkpoint(age=a).median_lead.value) in text
    everywhere = holds and all(c.checkpoint(age=a).holds for c in claim.values() for a in params["AGES"])
    assert ("**Under this scenario's assumptions the claim holds**" in text) == everywhere


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------
def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "careersim.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_cli_runs_the_claim_scenario(tmp_path):
    out = tmp_path / "out"
    p = _cli("run", "money-much-better", "--worlds", "2048", "--seed", "1", "--json", "--out", str(out), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["scenario"] == "money-much-better" and doc["units"] == "real 2025 US dollars"
    pair = next(c for c in doc["comparisons"] if {c["a"], c["b"]} == {"phd", "residency"})
    assert 0 <= pair["p_a_ahead"] <= 1
    for name in ("fan_chart.png", "difference_residency_vs_phd.png", "comparisons.csv", "scenario.toml"):
        assert (out / name).is_file(), name
    assert careersim.load_scenario(out / "scenario.toml") == careersim.load_scenario("money-much-better")
    # the claim's own headline travels in the JSON, and is the library's
    claim = doc["claim"]
    assert (claim["industry"], claim["phd"]) == ("residency", "phd")
    assert [c["label"] for c in claim["checkpoints"]] == ["year 5", "year 6", "age 35", "age 45", "age 65"]
    # the command line draws the uncertain assumptions by default (--assumptions uncertain)
    r = careersim.simulate(careersim.load_scenario("money-much-better"), worlds=2048, rng=1, assumptions="uncertain")
    expected = claims.money_claim(r)
    assert claim["checkpoints"][3]["p_industry_ahead"]["value"] == pytest.approx(expected.checkpoint(age=45).p_industry_ahead.value)
    assert claim["p_never_catches_up"]["value"] == pytest.approx(expected.p_never_catches_up.value)


def test_cli_prints_the_claims_headline_under_the_table(tmp_path):
    p = _cli("run", "money-much-better", "--worlds", "1000", "--seed", "2", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    table, _, headline = p.stdout.partition("The money claim:")
    assert "median" in table and headline
    for label in ("year 5:", "year 6:", "age 35:", "age 45:", "age 65:", "never catches up", "median lead", "P(ahead by 50%+)"):
        assert label in headline, label
    # not for other scenarios
    p = _cli("run", "default", "--worlds", "500", "--seed", "2", cwd=tmp_path)
    assert p.returncode == 0 and "The money claim" not in p.stdout


def test_cli_out_writes_the_claim_outputs(tmp_path):
    out = tmp_path / "out"
    p = _cli("run", "money-much-better", "--worlds", "2048", "--seed", "1", "--out", str(out), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    for stem in ("claim", "claim_catch_up", "claim_breakthrough", "claim_overturning"):
        assert (out / f"{stem}.csv").is_file() and (out / f"{stem}.parquet").is_file(), stem
    for name in ("claim_lead_year_5.png", "claim_lead_age_65.png", "claim_p_industry_ahead.png", "claim_catch_up.png",
                 "claim_breakthrough_tail.png", "claim_overturning.png"):
        assert (out / name).is_file(), name
    table = pd.read_csv(out / "claim.csv", comment="#")  # its first line is the provenance
    assert set(table.checkpoint) >= {"year 5", "year 6", "age 35", "age 45", "age 65", "all"}


def test_docs_list_every_lever_with_its_plausible_range():
    """docs/money_claim.md's levers table names every lever of the search and its source."""
    text = (ROOT / "docs" / "money_claim.md").read_text(encoding="utf-8")
    for lever in claims.LEVERS:
        assert f"(`{lever.name}`)" in text and f"`{lever.parameter}`" in text, lever.name
        assert lever.plausible_source.replace("|", "/") in text, lever.name


def _math_texts(fig):
    """Texts of a figure that matplotlib would typeset as math (two unescaped dollar signs)."""
    import re

    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text") and callable(o.get_text))]
    return [t for t in texts if isinstance(t, str) and len(re.findall(r"(?<!\\)\$", t)) >= 2]


def test_figures_show_dollars_not_math(scenario):
    import matplotlib.pyplot as plt

    from careersim import plotting, sensitivity

    s = careersim.load_scenario("default")
    v = s.get("engineer.start_pay_usd")
    torn = sensitivity.tornado(s, {"engineer.start_pay_usd": (0.8 * v, 1.2 * v)}, a="phd", b="engineer", worlds=200, rng=1)
    ax = plotting.plot_tornado(torn)
    ax.figure.canvas.draw()
    assert not _math_texts(ax.figure)
    f = claims.overturning_frontier(scenario, "post_phd_pay", "credential_layoffs", age=45, points=2, worlds=200, rng=1)
    ax = plotting.plot_frontier(f)
    ax.figure.canvas.draw()
    assert not _math_texts(ax.figure)
    plt.close("all")


@pytest.fixture(scope="module")
def small_claim_run():
    s = careersim.load_scenario("money-much-better")
    return s, careersim.simulate(s, worlds=300, rng=1, careers=["phd", "residency"])


def test_claim_arguments_are_checked(small_claim_run):
    from careersim import claims

    s, r = small_claim_run
    lever = claims.default_levers()[:1]
    cases = [
        (lambda: claims.money_claim(r, ages=(45.5,)), r"ages = \(45.5,\): must be a whole number"),
        (lambda: claims.money_claim(r, claim_years=(1.5,)), r"claim_years = \(1.5,\): must be a whole number"),
        (lambda: claims.money_claim("x"), r"result = str: must be a careersim.Result"),
        (lambda: claims.breakthrough_effect(r, None), r"counterfactual = NoneType: must be a careersim.Result"),
        (lambda: claims.default_levers("x"), r"scenario = 'x': must be a careersim.Scenario or None"),
        (lambda: claims.claim_outputs(r, search_ages=()), r"search_ages = \(\): must be a whole number"),
        (lambda: claims.smallest_overturning_changes(s, lever, worlds=128, threshold=float("nan")), r"threshold = nan: .* a probability, from 0 to 1"),
        (lambda: claims.smallest_overturning_changes(s, lever, worlds=128, threshold=2), r"threshold = 2: .* a probability"),
        (lambda: claims.smallest_overturning_changes(s, lever, worlds=128, criterion="mean_difference", threshold=float("inf")), r"threshold = inf: .* a finite amount"),
        (lambda: claims.smallest_overturning_changes(s, lever, worlds=128, tolerance="x"), r"tolerance = 'x': must be a number in \(0, 1\)"),
        (lambda: claims.overturning_frontier(s, "stipend", "fellowship", x_values="ab"), r"values for lever 'stipend' = 'ab'"),
    ]
    for call, match in cases:
        with pytest.raises(careersim.ScenarioError, match=match):
            call()
    # one whole number where a list is asked for is a list of one
    assert claims.money_claim(r, claim_years=5, ages=45).claim_years == (5,)

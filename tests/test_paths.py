"""Named paths (issue 14): any number of a person's own offers, of any kind, in the same worlds."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

import careersim
from careersim import cli
from careersim._paths import MAX_PATHS, PathSpec
from careersim._scenario_io import parse_toml, scenario_from_dict

BASE = careersim.load_scenario("default").replace({"simulation.horizon_years": 15})


def with_paths(*specs):
    return dataclasses.replace(BASE, paths=tuple(specs))


def test_a_scenario_without_paths_is_the_four_careers_exactly_as_before():
    assert BASE.path_names() == careersim.CAREERS
    explicit = with_paths(*(PathSpec(c, c) for c in careersim.CAREERS))
    a = careersim.simulate(BASE, worlds=3000, rng=1)
    b = careersim.simulate(explicit, worlds=3000, rng=1)
    assert a.careers == b.careers and np.array_equal(a.net_worth, b.net_worth) and np.array_equal(a.income, b.income)


def test_identical_paths_are_bit_identical_and_an_override_moves_only_its_path():
    s = with_paths(PathSpec("lab", "engineer"), PathSpec("lab-twin", "engineer"), PathSpec("phd", "phd"),
                   PathSpec("startup", "engineer", (("engineer.start_pay_usd", 150_000.0), ("layoffs.annual_layoff_hazard", 0.1))))
    r = careersim.simulate(s, worlds=2500, rng=3)
    assert np.array_equal(r.net_worth[r.index("lab")], r.net_worth[r.index("lab-twin")])
    changed = dataclasses.replace(s, paths=s.paths[:3] + (PathSpec("startup", "engineer", (("engineer.start_pay_usd", 120_000.0), ("employment.equity_fraction", 0.6))),))
    q = careersim.simulate(changed, worlds=2500, rng=3)
    for name in ("lab", "lab-twin", "phd"):
        assert np.array_equal(r.net_worth[r.index(name)], q.net_worth[q.index(name)]), name
    assert not np.array_equal(r.net_worth[r.index("startup")], q.net_worth[q.index("startup")])
    # reuse copies the unchanged paths and re-simulates the changed one, bit for bit
    again = careersim.simulate(changed, worlds=2500, rng=3, reuse=r)
    assert np.array_equal(again.net_worth, q.net_worth)
    # a path's kind and its overrides are what it lives by; the world is everyone's
    assert np.array_equal(r.inflation, q.inflation) and r.kinds == ("engineer", "engineer", "phd", "engineer")


def test_two_phd_offers_differ_only_by_their_offers():
    s = with_paths(PathSpec("fellowship", "phd", (("phd.fellowship_probability", 1.0), ("phd.ta_probability", 0.0))),
                   PathSpec("grant", "phd", (("phd.fellowship_probability", 0.0), ("phd.ta_probability", 0.0))))
    r = careersim.simulate(s, worlds=2000, rng=4, careers=["fellowship", "grant"])
    # year 1 is the stipend of each funding source, in every world
    np.testing.assert_allclose(r.income[0, :, 0], s.phd.stipend_fellowship_usd)
    np.testing.assert_allclose(r.income[1, :, 0], s.phd.stipend_advisor_grant_usd)


@pytest.mark.parametrize("threads", [1, 2])
def test_each_phd_offer_lives_its_own_plan(threads):
    # the engine makes each PhD path's plan once per chunk and scenario; lived one after the
    # other (threads=1), a path's scenario is freed before the next is made, and the next
    # must not be given its plan: each path equals a run of that path alone
    offers = {"fellowship": (1.0, 0.0), "grant": (0.0, 0.0), "ta": (0.0, 1.0)}
    s = with_paths(*(PathSpec(name, "phd", (("phd.fellowship_probability", f), ("phd.ta_probability", ta))) for name, (f, ta) in offers.items()))
    together = careersim.simulate(s, worlds=2100, rng=5, threads=threads)
    stipends = {"fellowship": s.phd.stipend_fellowship_usd, "grant": s.phd.stipend_advisor_grant_usd, "ta": s.phd.stipend_ta_usd}
    for name in offers:
        np.testing.assert_allclose(together.income[together.index(name), :, 0], stipends[name], err_msg=name)
        alone = careersim.simulate(s, worlds=2100, rng=5, careers=[name], threads=1)
        assert np.array_equal(together.net_worth[together.index(name)], alone.net_worth[0]), name


@pytest.mark.parametrize("table, words", [
    ({"x": {"kind": "phdd"}}, "did you mean 'phd'"),
    ({"x": {}}, "has no kind"),
    ({"x": {"kind": "phd", "regime": {"bust_layoff_multiplier": 2.0}}}, "cannot differ between paths"),
    ({"x": {"kind": "phd", "engineer": {"start_pay_usd": 1.0}}}, "cannot differ between paths"),
    ({"x": {"kind": "phd", "phd": {"stipend": 1.0}}}, "did you mean 'phd.stipend_ta_usd'"),
    ({"x": {"kind": "phd", "phd": {"fellowship_probability": 2.0}}}, r"must be a finite number in \[0, 1\]"),
    ({"Bad Name": {"kind": "phd"}}, "lower-case letters"),
    ({"lab\n": {"kind": "engineer"}}, "lower-case letters"),  # "$" matched before a final newline
    ({"x": {"kind": "phd", "finances": {"net_worth": "pre-tax"}}}, "same for every path"),
    ({f"p{i}": {"kind": "phd"} for i in range(MAX_PATHS + 1)}, f"at most {MAX_PATHS}"),
    ({"x": {"kind": "phd", "phd": 3}}, "tables of overrides"),
])
def test_bad_paths_are_refused_with_the_key_and_what_is_allowed(table, words):
    with pytest.raises(careersim.ScenarioError, match=words):
        scenario_from_dict({"paths": table}, origin="my.toml")


def test_duplicate_names_and_unknown_paths():
    with pytest.raises(careersim.ScenarioError, match="defined twice"):
        with_paths(PathSpec("a", "phd"), PathSpec("a", "engineer"))
    s = with_paths(PathSpec("lab", "engineer"), PathSpec("phd", "phd"))
    with pytest.raises(careersim.ScenarioError, match="did you mean 'lab'"):
        careersim.simulate(s, worlds=10, careers=["lob"])
    assert s.default_baseline() == "lab"
    assert with_paths(PathSpec("a", "phd"), PathSpec("b", "residency")).default_baseline() == "a"


def test_paths_round_trip_through_toml_and_the_bundled_example_is_valid():
    s = careersim.load_scenario("offers")
    assert len(s.path_names()) == 4 and scenario_from_dict(parse_toml(s.to_toml(), origin="t")) == s
    assert {p.kind for p in s.path_specs()} == {"phd", "engineer"}
    assert s.for_path("phd-boston-fellowship").finances.place == "boston"


def test_twelve_paths_run_and_cost_grows_with_paths_only():
    specs = [PathSpec(f"eng-{i}", "engineer", (("engineer.start_pay_usd", 150_000.0 + 5_000.0 * i),)) for i in range(12)]
    r = careersim.simulate(with_paths(*specs), worlds=1000, rng=2)
    assert r.net_worth.shape[0] == 12
    medians = np.median(r.net_worth[:, :, -1], axis=1)
    assert np.all(np.diff(medians) > 0)  # a better offer, in the same worlds, is worth more


def test_cli_prints_one_row_per_path_with_a_baseline(capsys):
    assert cli.main(["run", "offers", "--worlds", "800", "--seed", "1", "--horizon", "10", "--json", "--baseline", "phd-bay-area-grant"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["baseline"] == "phd-bay-area-grant" and set(doc["careers"]) == set(doc["paths"]) and len(doc["paths"]) == 4
    assert all(c["b"] == "phd-bay-area-grant" for c in doc["comparisons"][:3])
    assert cli.main(["run", "offers", "--worlds", "800", "--seed", "1", "--horizon", "10"]) == 0
    out = capsys.readouterr().out
    assert "P(ahead of lab-engineer)" in out and "startup-engineer" in out
    p = subprocess.run([str(__import__("pathlib").Path(sys.executable).parent / "careersim"), "run", "offers", "--worlds", "100", "--baseline", "lab"], capture_output=True, text=True)
    assert p.returncode == 2 and "baseline = 'lab': not a simulated path" in p.stderr and "lab-engineer" in p.stderr and "Traceback" not in p.stderr


def test_a_summary_of_many_paths_refuses_a_baseline_it_did_not_compare_with():
    """Beyond four paths a summary compares each path with the run's baseline only: a table
    against another baseline had P(ahead) 0 with se 0 for every path (no error)."""
    s = with_paths(*(PathSpec(f"e{i}", "engineer", (("engineer.start_pay_usd", 150_000.0 + 10_000.0 * i),)) for i in range(5)))
    summary = careersim.simulate_summary(s, worlds=512, rng=1)
    assert summary.horizon_table(baseline="e0")["p_ahead_of_e0"].tolist() == [0.0, 1.0, 1.0, 1.0, 1.0]  # more pay, ahead in every world
    with pytest.raises(careersim.ScenarioError, match=r"baseline = 'e2': this summary did not compare 'e1', 'e3', 'e4' with it .*here 'e0'.*baseline='e2'"):
        summary.horizon_table(baseline="e2")
    other = careersim.simulate_summary(s, worlds=512, rng=1, baseline="e2")
    full = careersim.simulate(s, worlds=512, rng=1).horizon_table(baseline="e2")
    col = "p_ahead_of_e2"
    np.testing.assert_allclose(other.horizon_table(baseline="e2")[col].to_numpy(dtype=float), full[col].to_numpy(dtype=float), equal_nan=True)

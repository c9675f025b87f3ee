"""careersim.plotting refuses bad arguments with the library's errors, before drawing anything.

Every refusal is a careersim.ArgumentError or ScenarioError naming the argument, the value (or its
type) and what is allowed; never a bare AttributeError / KeyError / TypeError / IndexError /
ZeroDivisionError from deep inside, and no figure is left open by a refused call.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import careersim  # noqa: E402
from careersim import ArgumentError, ScenarioError, plotting  # noqa: E402
from careersim import uncertainty  # noqa: E402


@pytest.fixture(scope="module")
def r():
    return careersim.simulate(worlds=300, rng=1)


@pytest.fixture(scope="module")
def s():
    return careersim.simulate_summary(worlds=300, rng=1)


@pytest.fixture(scope="module")
def rM():
    """The money claim's two paths, phd and residency."""
    return careersim.simulate(careersim.load_scenario("money-much-better"), worlds=300, rng=3, careers=["phd", "residency"])


@pytest.fixture(scope="module")
def vb():
    return uncertainty.variance_breakdown(None, groups=8, group_worlds=16, ranking_worlds=256, rng=1)


@pytest.fixture(scope="module")
def voi():
    return uncertainty.value_of_information(None, groups=8, group_worlds=16, worlds=256, rng=1)


@pytest.fixture(autouse=True)
def _no_figures():
    plt.close("all")
    yield
    plt.close("all")


def refused(call, error=ArgumentError, *parts: str) -> str:
    """Run ``call``; it must raise ``error`` whose message holds every one of ``parts``, and leave no figure."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for part in parts:
        assert part in message, (part, message)
    assert not isinstance(info.value, (AttributeError, KeyError, IndexError, ZeroDivisionError))
    assert plt.get_fignums() == [], "a refused call left a figure open"
    return message


# -- 1. the first argument's type -----------------------------------------------------------
FIRST_ARGUMENT = [
    ("plot_fan", "result", "careersim.Result or careersim.SummaryResult", ()),
    ("plot_difference", "result", "careersim.Result (from careersim.simulate)", ("phd", "engineer")),
    ("plot_distribution", "result", "careersim.Result (from careersim.simulate)", ()),
    ("plot_p_ahead", "result", "careersim.Result (from careersim.simulate)", ()),
    ("plot_catch_up", "result", "careersim.Result (from careersim.simulate)", ("phd", "engineer")),
    ("plot_tornado", "tornado", "careersim.sensitivity.Tornado (from careersim.sensitivity.tornado)", ()),
    ("plot_sobol", "result", "careersim.sensitivity.SobolResult (from careersim.sensitivity.sobol)", ()),
    ("plot_decision", "decision", "careersim.decision.Decision (from careersim.decision.decide)", ()),
    ("plot_certainty_equivalent", "table", "DataFrame from careersim.decision.certainty_equivalent", ()),
    ("plot_value_of_information", "voi", "careersim.uncertainty.ValueOfInformation", ()),
    ("plot_variance_breakdown", "breakdown", "careersim.uncertainty.VarianceBreakdown", ()),
    ("plot_breakthrough_tail", "result", "careersim.Result (from careersim.simulate)", ()),
]


# every function with text, None and a number; those not taking a Result also with a Result
FIRST_ARGUMENT_CASES = [(*f, bad) for f in FIRST_ARGUMENT for bad in ("text", None, 3) + (() if "careersim.Result" in f[2] else ("a Result",))]


@pytest.mark.parametrize("name, argument, allowed, rest, bad", FIRST_ARGUMENT_CASES, ids=[f"{c[0]}-{c[4]}" for c in FIRST_ARGUMENT_CASES])
def test_first_argument_type(name, argument, allowed, rest, bad, r):
    bad = r if bad == "a Result" else bad
    refused(lambda: getattr(plotting, name)(bad, *rest), ArgumentError, f"{argument} = {type(bad).__name__}: must be", allowed)


@pytest.mark.parametrize("name", ["plot_distribution", "plot_p_ahead", "plot_breakthrough_tail"])
def test_summary_result_is_refused_where_worlds_are_needed(name, s):
    refused(lambda: getattr(plotting, name)(s), ArgumentError, "= SummaryResult: must be a careersim.Result")


@pytest.mark.parametrize("table, says", [(pd.DataFrame(columns=["career", "risk_aversion", "certainty_equivalent", "se", "age"]), "is empty"), (pd.DataFrame({"career": ["phd"], "age": [30]}), "has no column 'risk_aversion'")])
def test_certainty_equivalent_table_must_have_its_columns(table, says):
    refused(lambda: plotting.plot_certainty_equivalent(table), ArgumentError, "table:", says, "careersim.decision.certainty_equivalent")


def test_counterfactual_must_be_a_result(rM):
    refused(lambda: plotting.plot_breakthrough_tail(rM, "cf"), ArgumentError, "counterfactual = str: must be a careersim.Result")
    short = careersim.simulate(careersim.load_scenario("money-much-better").replace({"simulation.horizon_years": 10}), worlds=50, rng=3, careers=["phd", "residency"])
    refused(lambda: plotting.plot_breakthrough_tail(rM, short), ArgumentError, "counterfactual: simulated for 10 years")


@pytest.mark.parametrize("name, kwargs", [
    ("plot_fan", {"line_kwargs": "red"}), ("plot_fan", {"band_kwargs": 1}), ("plot_distribution", {"hist_kwargs": ["a"]}),
    ("plot_fan", {"ax": "axes"}), ("plot_p_ahead", {"ax": 1}),
])
def test_kwargs_and_ax(name, kwargs, r):
    key = next(iter(kwargs))
    refused(lambda: getattr(plotting, name)(r, **kwargs), ArgumentError, f"{key} = ")


# -- 2. results of the claim's figures ------------------------------------------------------
@pytest.mark.parametrize("name", ["plot_catch_up_distribution", "plot_lead_distribution", "plot_p_industry_ahead"])
@pytest.mark.parametrize("bad", [None, "abc", 42, ["a", "b"]], ids=["None", "str", "int", "list"])
def test_claim_results_type(name, bad):
    refused(lambda: getattr(plotting, name)(bad), ArgumentError, f"results = {type(bad).__name__}: must be a careersim.Result", "mapping of labels to Results")


@pytest.mark.parametrize("name", ["plot_catch_up_distribution", "plot_lead_distribution", "plot_p_industry_ahead"])
@pytest.mark.parametrize("bad", [{}, {"a": "not a result"}], ids=["empty", "not results"])
def test_claim_results_mapping(name, bad):
    refused(lambda: getattr(plotting, name)(bad), ScenarioError, "results:")


def test_catch_up_distribution_cumulative_is_a_bool(rM):
    refused(lambda: plotting.plot_catch_up_distribution(rM, cumulative="no"), ArgumentError, "cumulative = 'no': must be True or False")


# -- 3. plot_fan's variable and yscale: the library's error, the same message ------------------
def test_fan_variable_of_a_summary(s):
    message = refused(lambda: plotting.plot_fan(s, variable="income"), ArgumentError)
    assert message == "variable = 'income': a summary holds only 'net_worth'"


def test_fan_yscale(r):
    message = refused(lambda: plotting.plot_fan(r, yscale="log"), ArgumentError)
    assert message == "yscale = 'log': must be 'symlog' or 'linear'"
    assert isinstance(pytest.raises(ValueError, plotting.plot_fan, r, yscale="log").value, ScenarioError)  # still a ValueError


# -- 4. plot_fan's careers, bands and x -------------------------------------------------------
@pytest.mark.parametrize("kwargs, parts", [
    ({"careers": ("foo",)}, ("careers: 'foo'", "allowed: phd, residency, engineer, independent")),
    ({"careers": ()}, ("careers = ()",)),
    ({"careers": ("phd", "phd")}, ("careers = ",)),
    ({"careers": 3}, ("careers = 3",)),
    ({"bands": ()}, ("bands = (): must be a non-empty list of quantile pairs",)),
    ({"bands": (0.05, 0.95)}, ("bands: 0.05 is not a quantile pair",)),
    ({"bands": ((0.9, 0.1),)}, ("bands: (0.9, 0.1) is not a quantile pair", "0 <= low < high <= 1")),
    ({"bands": ((0.05, 1.5),)}, ("bands: (0.05, 1.5)",)),
    ({"bands": ((0.05, "a"),)}, ("bands: (0.05, 'a')",)),
    ({"bands": "ab"}, ("bands = 'ab'",)),
    ({"x": "foo"}, ("x = 'foo': must be 'age' or 'year'",)),
    ({"x": None}, ("x = None",)),
])
@pytest.mark.parametrize("which", ["r", "s"])
def test_fan_arguments(kwargs, parts, which, r, s):
    refused(lambda: plotting.plot_fan(r if which == "r" else s, **kwargs), ArgumentError, *parts)


def test_fan_one_career_by_name(r):
    ax = plotting.plot_fan(r, careers="phd", x="year")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [plotting.CAREER_LABELS["phd"]]


@pytest.mark.parametrize("bands, parts", [((0.05, 0.95), ("bands: 0.05",)), ([(0.6, 0.4)], ("bands: (0.6, 0.4)",)), (None, ("bands = None",))])
def test_difference_bands(bands, parts, r):
    refused(lambda: plotting.plot_difference(r, "phd", "engineer", bands=bands), ArgumentError, *parts)


# -- 5. plot_distribution's bins and clip_quantiles (and plot_lead_distribution's) -----------
BAD_BINS = [(-1, "bins = -1"), (0, "bins = 0"), (1.5, "bins = 1.5"), (True, "bins = True"), ("10", "bins = '10'")]
BAD_CLIPS = [((0.9, 0.1), "clip_quantiles = (0.9, 0.1)"), ((0.1,), "clip_quantiles = (0.1,)"), ((-0.1, 0.5), "clip_quantiles = (-0.1, 0.5)"),
             ((0.1, 0.1), "clip_quantiles = (0.1, 0.1)"), ("ab", "clip_quantiles = 'ab'"), ((0.1, float("nan")), "clip_quantiles = (0.1, nan)")]


@pytest.mark.parametrize("name", ["plot_distribution", "plot_lead_distribution"])
@pytest.mark.parametrize("bins, says", BAD_BINS)
def test_bins(name, bins, says, r):
    refused(lambda: getattr(plotting, name)(r, bins=bins), ArgumentError, says, "must be a whole number >= 1")


@pytest.mark.parametrize("name", ["plot_distribution", "plot_lead_distribution"])
@pytest.mark.parametrize("clip, says", BAD_CLIPS)
def test_clip_quantiles(name, clip, says, r):
    refused(lambda: getattr(plotting, name)(r, clip_quantiles=clip), ArgumentError, says, "0 <= low < high <= 1")


def test_distribution_careers(r):
    refused(lambda: plotting.plot_distribution(r, careers=("foo",)), ArgumentError, "careers: 'foo'")


# -- 6. plot_overturning_panels' ncols ---------------------------------------------------------
@pytest.mark.parametrize("ncols", [0, -1, 1.5, None])
def test_overturning_panels_ncols(ncols):
    table = pd.DataFrame({"age": [45]})
    refused(lambda: plotting.plot_overturning_panels(table, ncols=ncols), ArgumentError, f"ncols = {ncols!r}: must be a whole number >= 1")


# -- 7. plot_variance_breakdown's quantity and top, plot_value_of_information's top ------------
@pytest.mark.parametrize("quantity", ["foo", None, 1])
def test_variance_breakdown_quantity(quantity, vb):
    refused(lambda: plotting.plot_variance_breakdown(vb, quantity=quantity), ArgumentError, f"quantity = {quantity!r}: must be 'difference' or 'a_ahead'")


@pytest.mark.parametrize("top", [0, -1, 1.5, "8"])
def test_variance_breakdown_top(top, vb):
    refused(lambda: plotting.plot_variance_breakdown(vb, top=top), ArgumentError, f"top = {top!r}: must be a whole number >= 1")


@pytest.mark.parametrize("top", [-1, 1.5, None, True])
def test_value_of_information_top(top, voi):
    refused(lambda: plotting.plot_value_of_information(voi, top=top), ArgumentError, f"top = {top!r}: must be a whole number >= 0")


def test_value_of_information_top_zero_is_the_total_alone(voi):
    ax = plotting.plot_value_of_information(voi, top=0)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["All assumptions at once"]


# -- 8. plot_p_industry_ahead's claim_years -----------------------------------------------------
@pytest.mark.parametrize("claim_years, says", [((), "claim_years = ()"), ([1.5], "claim_years = [1.5]"), ((0,), "claim_years = 0"), ((44,), "claim_years = 44"), ("5", "claim_years = '5'")])
def test_p_industry_ahead_claim_years(claim_years, says, rM):
    refused(lambda: plotting.plot_p_industry_ahead(rM, claim_years=claim_years), ScenarioError, says)


def test_p_industry_ahead_one_claim_year(rM):
    ax = plotting.plot_p_industry_ahead(rM, claim_years=5)
    assert ax.get_ylim() == (0.0, 1.0)


# -- 9. plot_lead_distribution's default: the horizon ----------------------------------------
def test_lead_distribution_defaults_to_the_horizon(rM):
    ax = plotting.plot_lead_distribution(rM)
    assert ax.get_title() == f"Industry minus PhD net worth at age {rM.ages[-1]}"
    same = plotting.plot_lead_distribution(rM, age=int(rM.ages[-1]))
    assert [p.get_xy().tolist() for p in ax.patches] == [p.get_xy().tolist() for p in same.patches]


@pytest.mark.parametrize("kwargs, error, says", [
    ({"year": 5, "age": 40}, ArgumentError, "year = 5 and age = 40: give at most one of them"),
    ({"year": 1.5}, ArgumentError, "year = 1.5: must be a whole number of years"),
    ({"year": "5"}, ArgumentError, "year = '5'"),
    ({"year": 44}, ScenarioError, "year = 44: must be between 1 and the horizon, 43 years"),
    ({"age": 200}, ScenarioError, "age = 200"),
])
def test_lead_distribution_year_and_age(kwargs, error, says, rM):
    refused(lambda: plotting.plot_lead_distribution(rM, **kwargs), error, says)


def test_lead_distribution_pair(rM):
    refused(lambda: plotting.plot_lead_distribution(rM, phd="phd", industry="phd"), ScenarioError, "phd = industry = 'phd'")
    refused(lambda: plotting.plot_lead_distribution(rM, industry="engineer"), ScenarioError, "career 'engineer' was not simulated")


# -- valid calls still draw --------------------------------------------------------------------
def test_valid_calls_still_draw(r, s, rM, vb, voi):
    axes = [
        plotting.plot_fan(r), plotting.plot_fan(s), plotting.plot_fan(r, careers=["phd", "engineer"], variable="income", x="year", yscale="linear"),
        plotting.plot_distribution(r, age=40, careers=("phd",), bins=20), plotting.plot_p_ahead(r, careers=("phd",)),
        plotting.plot_difference(r, "phd", "engineer", bands=()), plotting.plot_catch_up(r, "phd", "engineer"),
        plotting.plot_lead_distribution({"a": rM, "b": rM}, year=5), plotting.plot_catch_up_distribution(rM, cumulative=False),
        plotting.plot_breakthrough_tail(rM, None, age=50), plotting.plot_variance_breakdown(vb, quantity="a_ahead", top=2),
        plotting.plot_value_of_information(voi, top=3),
    ]
    assert all(isinstance(ax, matplotlib.axes.Axes) for ax in axes)
    assert re.search(r"300 worlds", axes[0].get_title())


def test_titles_keep_acronyms_in_a_sentence(r):
    """Names are lower-cased inside a sentence, but not an acronym: "ML PhD", not "ml phd"."""
    from careersim._palette import label_in_sentence

    assert [label_in_sentence(c) for c in ("phd", "residency", "engineer", "independent", "lab-engineer")] == \
        ["ML PhD", "AI residency", "research engineer", "independent research", "lab-engineer"]
    ax = plotting.plot_p_ahead(r, baseline="phd")
    assert ax.get_ylabel() == "P(ahead of ML PhD)" and "than the ML PhD in the same world" in ax.get_title()

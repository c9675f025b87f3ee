"""careersim.widgets in-process: the explorer's controls, callback, numbers and figure."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
import ipywidgets as W
import traitlets

import careersim
from careersim import ScenarioError
from careersim.widgets import CONTROL_NAMES, WORLD_CHOICES, Explorer

WORLDS = 1_000


@pytest.fixture(scope="module")
def explorer():
    return Explorer(worlds=WORLDS, figure="image")


@pytest.fixture
def fresh():
    return Explorer(worlds=WORLDS, figure="image")


def test_constructs_with_defaults(explorer):
    assert set(explorer.controls) == set(CONTROL_NAMES)
    assert explorer.controls["worlds"].value == WORLDS
    assert explorer.controls["seed"].value == 2026
    assert explorer.result.worlds == WORLDS
    assert explorer.result.careers == ("phd", "residency", "engineer", "independent")
    assert explorer.error is None
    assert "1,000 worlds" in explorer.status.value and "seed 2026" in explorer.status.value
    assert {"simulate", "stats", "artists", "table", "total", "draw"} <= set(explorer.timings)
    # the controls start at the scenario's values
    base = careersim.load_scenario("default")
    assert explorer.scenario_for() == base


def test_every_control_has_a_stable_css_class(explorer):
    for name, w in explorer.controls.items():
        assert "cs-" + name.replace("_", "-") in w._dom_classes
    assert "cs-summary" in explorer.table._dom_classes
    assert "cs-figure" in explorer.figure_widget._dom_classes


def test_summary_table_numbers(explorer):
    t = explorer.summary()
    assert list(t.index) == list(explorer.result.careers)
    assert (t.median_se > 0).all()
    assert t.loc["engineer", "p_ahead_of_engineer"] == 0
    html = explorer.table.value
    for career in t.index:
        assert f'data-career="{career}"' in html
    assert "± $" in html and "%" in html


def test_numbers_agree_with_result_methods(explorer):
    """The explorer's own fast statistics equal the public Result methods'."""
    r, t = explorer.result, explorer.summary()
    age = int(t.age.iloc[0])
    year = r.year_of_age(age)
    s = r.summary(quantiles=(0.5,))
    med = s[(s.statistic == "p50") & (s.year == year)].set_index("career")
    np.testing.assert_allclose(t["median"], med.loc[t.index, "value"], rtol=1e-12)
    np.testing.assert_allclose(t["median_se"], med.loc[t.index, "se"], rtol=1e-12)
    h = r.horizon_table(year=year)
    np.testing.assert_allclose(t["p_ahead_of_engineer"], h.loc[t.index, "p_ahead_of_engineer"])
    np.testing.assert_allclose(t["p_ahead_of_engineer_se"], h.loc[t.index, "p_ahead_of_engineer_se"])
    np.testing.assert_allclose(t["p5"], h.loc[t.index, "p5"])


def test_moving_a_slider_changes_the_summary(fresh):
    before, html0, png0 = fresh.summary(), fresh.table.value, fresh.render()
    fresh.controls["offer_usd"].value = 250_000  # what the browser's slider does
    after = fresh.summary()
    assert fresh.result.scenario.engineer.start_pay_usd == 250_000
    assert after.loc["engineer", "median"] > before.loc["engineer", "median"]
    assert after.loc["phd", "p_ahead_of_engineer"] < before.loc["phd", "p_ahead_of_engineer"]
    assert fresh.table.value != html0
    assert fresh.render() != png0
    assert fresh.timings["simulate"] > 0


def test_common_random_numbers_same_seed_same_numbers():
    a = Explorer(worlds=WORLDS, figure="image").summary()
    b = Explorer(worlds=WORLDS, figure="image").summary()
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())


def test_seed_and_worlds_controls(fresh):
    t0 = fresh.summary()
    fresh.recompute(seed=7)
    assert not np.array_equal(fresh.summary()["median"], t0["median"])
    fresh.recompute(seed=2026, worlds=2_000)
    assert fresh.result.worlds == 2_000
    with pytest.raises(traitlets.TraitError):
        fresh.controls["worlds"].value = 1234  # not one of the choices


def test_age_changes_view_without_simulating(fresh):
    result = fresh.result
    t = fresh.recompute(age=30)
    assert fresh.result is result
    assert fresh.timings["simulate"] == 0
    assert (t.age == 30).all()
    assert "At age 30" in fresh.table.value


def test_horizon_bounds_the_age(fresh):
    fresh.recompute(age=60)
    fresh.recompute(horizon_years=10)
    start = fresh.base.simulation.start_age
    assert fresh.controls["age"].max == start + 10
    assert fresh.controls["age"].value == start + 10
    assert fresh.result.horizon_years == 10
    fresh.recompute(horizon_years=40)
    assert fresh.controls["age"].max == start + 40


def test_bad_values_are_clamped_by_slider_bounds(fresh):
    c = fresh.controls
    c["offer_usd"].value = 10**12
    assert c["offer_usd"].value == c["offer_usd"].max
    c["savings_rate"].value = 5.0
    assert c["savings_rate"].value == 1.0
    c["layoff_hazard"].value = -1.0
    assert c["layoff_hazard"].value == 0.0
    c["phd_years"].value = 0.0
    assert c["phd_years"].value == c["phd_years"].min
    assert fresh.error is None
    s = fresh.result.scenario
    assert s.finances.savings_rate == 1.0 and s.layoffs.annual_layoff_hazard == 0.0


def test_bad_choices_and_names_are_rejected(fresh):
    with pytest.raises(traitlets.TraitError):
        fresh.controls["market_model"].value = "crystal_ball"
    with pytest.raises(traitlets.TraitError):
        fresh.controls["funding"].value = "lottery"
    with pytest.raises(careersim.ScenarioError, match="unknown control"):
        fresh.recompute(offer=1)
    with pytest.raises(careersim.ScenarioError):
        Explorer(worlds=1234)
    with pytest.raises(careersim.ScenarioError):
        Explorer(worlds=WORLDS, figure="svg")


@pytest.mark.parametrize(
    ("funding", "fellowship", "ta", "stipend_key"),
    [
        ("advisor_grant", 0.0, 0.0, "stipend_advisor_grant_usd"),
        ("ta", 0.0, 1.0, "stipend_ta_usd"),
        ("fellowship", 1.0, 0.0, "stipend_fellowship_usd"),
    ],
)
def test_funding_source_maps_to_scenario(explorer, funding, fellowship, ta, stipend_key):
    s = explorer.scenario_for({"funding": funding, "stipend_usd": 45_000})
    assert s.phd.fellowship_probability == fellowship
    assert s.phd.ta_probability == ta
    assert getattr(s.phd, stipend_key) == 45_000


def test_explorer_starts_at_any_scenarios_values():
    base = careersim.load_scenario("default").replace(
        {"phd.stipend_ta_usd": 35_000.0, "simulation.start_age": 45, "simulation.horizon_years": 20})
    ex = Explorer(base, worlds=WORLDS, figure="image")
    assert ex.scenario_for() == base
    assert ex.controls["age"].value == 65 and ex.controls["age"].max == 65
    ex.recompute(stipend_usd=base.phd.stipend_advisor_grant_usd + 5_000)
    assert ex.result.scenario.phd.stipend_ta_usd == 40_000


def test_funding_mix_keeps_probabilities(explorer):
    base = careersim.load_scenario("default")
    s = explorer.scenario_for({"funding": "mix", "stipend_usd": 30_000})
    assert s.phd.fellowship_probability == base.phd.fellowship_probability
    assert s.phd.stipend_advisor_grant_usd == s.phd.stipend_ta_usd == 30_000
    assert s.phd.stipend_fellowship_usd == base.phd.stipend_fellowship_usd


def test_every_control_reaches_the_scenario(explorer):
    changed = {
        "real_raise": 0.03, "phd_years": 5.0, "advisor_sd": 2.0, "savings_rate": 0.3,
        "living_cost_usd": 50_000, "market_model": "student_t", "return_mean": 0.04,
        "layoff_hazard": 0.05, "bust_probability": 0.3, "horizon_years": 30,
    }
    s = explorer.scenario_for(changed)
    assert s.employment.real_raise == 0.03 and s.phd.duration_median_years == 5.0
    assert s.phd.advisor_quality_sd == 2.0 and s.finances.savings_rate == 0.3
    assert s.finances.living_cost_usd == 50_000 and s.market.model == "student_t"
    assert s.market.real_log_return_mean == 0.04 and s.layoffs.annual_layoff_hazard == 0.05
    assert s.regime.boom_to_bust_probability == 0.3 and s.simulation.horizon_years == 30


def test_history_models_disable_the_return_slider(fresh):
    fresh.recompute(market_model="bootstrap")
    assert fresh.controls["return_mean"].disabled
    fresh.recompute(market_model="lognormal")
    assert not fresh.controls["return_mean"].disabled


def test_fan_scale_and_render(fresh):
    png_log = fresh.render()
    assert png_log[:8] == b"\x89PNG\r\n\x1a\n"
    fresh.recompute(fan_scale="linear")
    assert fresh.axes["fan"].get_yscale() == "linear"
    assert fresh.timings["simulate"] == 0
    assert fresh.render() != png_log
    fresh.recompute(fan_scale="log")
    assert fresh.axes["fan"].get_yscale() == "symlog"


def test_ipympl_canvas_updates_in_place():
    pytest.importorskip("ipympl")
    ex = Explorer(worlds=WORLDS, figure="ipympl")
    canvas = ex.figure_widget
    assert "cs-figure" in canvas._dom_classes and not canvas.toolbar_visible
    png0 = ex.render()
    ex.recompute(offer_usd=300_000)
    assert ex.figure_widget is canvas  # the same figure, new data
    assert ex.render() != png0


def test_ipympl_frames_are_the_figures_pixels():
    """The canvas sends each frame whole, PNG-encoded by the explorer (RGB when opaque):
    decoded, it is exactly the figure's pixels; nothing is sent when nothing was drawn."""
    pytest.importorskip("ipympl")
    from PIL import Image

    from careersim.widgets import _png_frame

    ex = Explorer(worlds=WORLDS, figure="ipympl")
    canvas = ex.figure_widget
    canvas.draw()
    ex.recompute(offer_usd=250_000)
    canvas._png_is_old = True
    png = canvas.get_diff_image()
    img = Image.open(io.BytesIO(png))
    assert img.mode == "RGB" and canvas._current_image_mode == "full"
    pixels = np.asarray(canvas.buffer_rgba())
    assert np.array_equal(np.asarray(img.convert("RGBA")), pixels)
    assert canvas.get_diff_image() is None  # no new drawing, no frame
    # a frame with transparency keeps its alpha channel
    clear = pixels.copy()
    clear[:10, :10, 3] = 0
    img = Image.open(io.BytesIO(_png_frame(clear)))
    assert img.mode == "RGBA" and np.array_equal(np.asarray(img), clear)


def test_a_blitted_frame_is_the_pixels_of_a_full_draw(fresh):
    """Moves that redraw only the data over the kept background (and put back the kept
    pixels of a title whose wording did not change, or draw it anew when it did) give
    exactly the pixels of a full draw."""
    from PIL import Image

    def pixels(png: bytes) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))

    full_draws = []
    fresh._agg_canvas.mpl_connect("draw_event", lambda _e: full_draws.append(1))
    fresh.render()
    blitted_new_title = 0
    for move in ({"age": 41}, {"seed": 7}, {"offer_usd": 250_000}, {"age": 42}, {"age": 41}, {"seed": 8}, {"age": 40}):
        title = fresh._art["dist_title"].get_text()
        n = len(full_draws)
        fresh.recompute(**move)
        frame = pixels(fresh.render())
        blitted_new_title += len(full_draws) == n and fresh._art["dist_title"].get_text() != title
        fresh._bg = None  # a full draw
        assert np.array_equal(frame, pixels(fresh.render())), move
    assert blitted_new_title  # a title's new wording was drawn over the kept background


def test_renders_as_a_widget(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert WORLDS in WORLD_CHOICES


def test_computation_never_imports_ipywidgets():
    code = (
        "import sys, careersim, careersim.plotting\n"
        "careersim.simulate(worlds=50, rng=1)\n"
        "assert 'ipywidgets' not in sys.modules, 'ipywidgets imported by a computation module'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
def test_a_change_at_the_default_worlds_takes_well_under_a_second():
    """Issue 4: each change updates in well under a second at the default 5,000 worlds
    (callback + the in-kernel render a browser's redraw request costs). Generous bound for a
    busy 2-core machine; benchmarks/ holds the strict target."""
    import time

    ex = Explorer()  # the notebook's defaults
    assert ex.result.worlds == 5_000
    ex.render()
    walls = []
    for offer in (170_000, 180_000, 190_000, 200_000, 210_000):
        t = time.perf_counter()
        ex.controls["offer_usd"].value = offer
        ex.render()
        walls.append(time.perf_counter() - t)
    assert float(np.median(walls)) < 1.0, f"update + render took {walls} s"


def test_scenario_values_sit_on_the_slider_grid(explorer):
    """A browser slider snaps to min + k * step: the scenario's value must be on that grid."""
    for w in explorer.controls.values():
        if isinstance(w, (W.IntSlider, W.FloatSlider)) and w.description != "Age for the table":
            k = (w.value - w.min) / w.step
            assert abs(k - round(k)) < 1e-6, (w.description, w.value, w.min, w.step)
            assert w.min <= w.value <= w.max


def test_table_states_the_inputs_it_was_computed_from(fresh):
    import html
    import json
    import re

    fresh.recompute(offer_usd=230_000, age=35)
    raw = re.search(r'data-inputs="([^"]*)"', fresh.table.value).group(1)
    assert json.loads(html.unescape(raw)) == fresh.values()


def test_place_moves_the_stipend_and_reaches_the_scenario(fresh):
    assert fresh.controls["place"].value == "bay_area"
    fresh.controls["place"].value = "boston"  # as a person picks it
    local = careersim.load_places()["boston"].phd_stipend_usd
    # the slider keeps round steps: it shows the local stipend to the nearest $1,000 ...
    assert fresh.controls["stipend_usd"].value == round(local / 1000) * 1000
    s = fresh.result.scenario
    # ... and the scenario gets the local stipend exactly until the slider is moved
    assert s.finances.place == "boston" and s.phd.stipend_advisor_grant_usd == local
    # the stipend stays adjustable after the place is chosen
    fresh.recompute(stipend_usd=50_000)
    assert fresh.result.scenario.phd.stipend_advisor_grant_usd == 50_000 and fresh.result.scenario.finances.place == "boston"


def test_spending_rule_enables_the_savings_rate_and_net_worth_basis_is_shown(fresh):
    assert fresh.controls["savings_rate"].disabled  # the default spending rises with income
    fresh.recompute(spending_rule="savings_rate", savings_rate=0.3)
    assert not fresh.controls["savings_rate"].disabled and fresh.result.scenario.finances.savings_rate == 0.3
    assert "median net worth (after tax)" in fresh.table.value
    after = fresh.summary()["median"]
    fresh.recompute(net_worth="pre-tax")
    assert fresh.result.net_worth_basis == "pre-tax" and "median net worth (pre-tax)" in fresh.table.value
    assert (fresh.summary()["median"] >= after - 1e-6).all()  # tax on gains and withdrawals only lowers it


# -- issue 16: load inputs, controls of the four roads, money ticks ---------------------------

def test_load_inputs_round_trip_and_errors(fresh, tmp_path):
    fresh.recompute(offer_usd=260_000, grant_usd=80_000)
    toml = fresh.inputs_toml()
    path = tmp_path / "in.toml"
    path.write_text(toml)
    assert careersim.load_scenario(path) == fresh.scenario_for()  # what the download holds
    other = Explorer(worlds=WORLDS, figure="image")
    other.load_inputs(toml.encode(), "in.toml")
    assert other.scenario_for() == fresh.scenario_for()
    assert other.controls["offer_usd"].value == 260_000
    with pytest.raises(careersim.ScenarioError, match=r"mine\.toml.*engineer\.start_pay_usd|start_pay_usd.*mine\.toml|mine\.toml"):
        other.load_inputs(toml.replace("start_pay_usd = 260000", "start_pay_usd = -1").encode(), "mine.toml")
    with pytest.raises(careersim.ScenarioError, match="KiB"):
        other.load_inputs(b"#" * 100_000, "big.toml")
    with pytest.raises(careersim.ScenarioError, match="unknown section"):
        other.load_inputs(b'["__import__(os)"]\nx = 1\n', "evil.toml")
    with pytest.raises(careersim.ScenarioError):
        other.load_inputs(b"\xff\xfe", "bin.toml")
    assert other.controls["offer_usd"].value == 260_000  # a refused file changes nothing


def test_upload_widget_shows_errors_in_the_page(fresh):
    fresh._on_upload({"new": ({"name": "x.toml", "content": memoryview(b"[engineer]\nstart_pay_usd = 'lots'\n")},)})
    assert fresh.error and "start_pay_usd" in fresh.error and "x.toml" in fresh.error
    assert "cs-error" in fresh.message.value


def test_controls_of_every_road_reach_the_scenario(fresh):
    fresh.recompute(residency_pay_usd=150_000, grant_usd=90_000, baseline="phd")
    s = fresh.result.scenario
    assert s.residency.pay_usd == 150_000 and s.independent.grant_pay_usd == 90_000
    t = fresh.summary()
    assert "p_ahead_of_phd" in t and t.loc["phd", "p_ahead_of_phd"] == 0
    assert 'data-baseline="phd"' in fresh.table.value


def test_sliders_have_round_steps_and_dollar_readouts(explorer):
    for name in ("offer_usd", "residency_pay_usd", "stipend_usd", "grant_usd", "living_cost_usd"):
        w = explorer.controls[name]
        assert w.readout_format.startswith("$") and w.step in (1_000, 5_000) and w.min % w.step == 0, name
        assert w.value % w.step == 0, (name, w.value)


def test_view_changes_do_not_simulate(fresh):
    r = fresh.result
    for change in ({"bands": "both"}, {"show_phd": False}, {"baseline": "residency"}, {"fan_scale": "linear"}):
        fresh.recompute(**change)
        assert fresh.result is r and fresh.timings["simulate"] == 0


def test_figure_follows_the_reported_width(fresh):
    from PIL import Image

    for width in (360, 900):
        fresh.viewport.value = str(width)
        png = fresh.render()
        assert Image.open(io.BytesIO(png)).size[0] == width
    fresh.viewport.value = "not a number"  # ignored


def test_money_ticks_never_show_an_exponent():
    from careersim.plotting import _dollar_tick

    for v, text in ((0, "$0"), (2_500, "$2.5k"), (1e6, "$1M"), (1.5e9, "$1.5B"), (1e12, "$1,000B"), (-3e5, "\u2212$300k")):
        assert _dollar_tick(v) == text
    for v in np.geomspace(1, 1e13, 200):
        assert "e+" not in _dollar_tick(v) and "e-" not in _dollar_tick(v)


# -- named paths, the assumptions toggle and the lenses ------------------------------------

def test_without_added_paths_the_scenario_has_none_and_results_match_simulate():
    import careersim
    from careersim.widgets import Explorer

    ex = Explorer(worlds=1_000, figure="image")
    assert ex.scenario_for().paths == ()
    r = careersim.simulate(ex.scenario_for(), worlds=1_000, rng=2026)
    assert (r.net_worth == ex.result.net_worth).all()
    assert list(ex.summary().index) == ["phd", "residency", "engineer", "independent"]


def test_add_rename_remove_a_path():
    import dataclasses

    import careersim
    from careersim.widgets import Explorer

    ex = Explorer(worlds=1_000, figure="image")
    before = ex.summary()
    ex.add_path("startup", "engineer", money=260_000, place="nyc")
    assert list(ex.summary().index)[-1] == "startup"
    assert ex.result.kinds[-1] == "engineer"
    # the four careers are bit-identical to the run without the path (same worlds)
    assert ex.summary().loc[list(before.index)].equals(before)
    spec = ex.scenario_for().paths[-1]
    assert spec.changes == {"engineer.start_pay_usd": 260_000, "finances.place": "nyc"}
    # the explorer's numbers are the library's for the same scenario
    r = careersim.simulate(ex.scenario_for(), worlds=1_000, rng=2026)
    assert (r.net_worth[-1] == ex.result.net_worth[-1]).all()
    assert "startup (Research engineer)" in ex.table.value
    ex.recompute(baseline="startup")
    ex.rename_path("startup", "lab-offer")
    assert ex.controls["baseline"].value == "lab-offer" and "p_ahead_of_lab-offer" in ex.summary()
    ex.set_path("lab-offer", money=300_000)
    assert ex.scenario_for().paths[-1].changes["engineer.start_pay_usd"] == 300_000
    ex.remove_path("lab-offer")
    assert ex.controls["baseline"].value == "engineer" and ex.scenario_for().paths == ()
    assert ex.summary().equals(before)
    assert dataclasses.replace(ex.scenario_for()) == ex.scenario_for()


def test_path_names_are_checked_and_errors_shown_in_the_page():
    from careersim.widgets import Explorer

    ex = Explorer(worlds=1_000, figure="image")
    for bad, words in (("Bad Name", "lower-case letters"), ("phd", "taken by one of the four careers"), ("", "lower-case")):
        ex.new_path_name.value = bad
        ex.add_button.click()
        assert words in ex.error and "Traceback" not in ex.message.value
    assert ex.paths == []
    ex.new_path_name.value = "offer-a"
    ex.add_button.click()
    assert [p["name"] for p in ex.paths] == ["offer-a"] and ex.new_path_name.value == ""
    with pytest.raises(ScenarioError, match="already a path"):
        ex.add_path("offer-a", "phd")
    # renaming in the row's field to a bad name keeps the old name and says why
    field = ex.path_rows.children[0].children[0].children[1]
    field.value = "Nope!"
    assert field.value == "offer-a" and "lower-case" in ex.error


def test_phd_path_stipend_follows_its_funding_source():
    from careersim.widgets import Explorer

    ex = Explorer(worlds=1_000, figure="image")
    ex.add_path("phd-fellow", "phd", money=50_000, funding="fellowship", place="boston")
    c = ex.scenario_for().paths[-1].changes
    assert c["phd.stipend_fellowship_usd"] == 50_000 and c["phd.fellowship_probability"] == 1.0 and c["finances.place"] == "boston"
    ex.set_path("phd-fellow", place="austin")  # a new place: the local department's stipend
    from careersim import load_places

    assert ex.paths[0]["money"] == round(load_places()["austin"].phd_stipend_usd)


def test_at_most_six_paths_are_drawn():
    from careersim.widgets import MAX_SHOWN, Explorer

    ex = Explorer(worlds=1_000, figure="image")
    for i in range(3):
        ex.add_path(f"p{i}", "engineer", money=100_000 + 50_000 * i, update=False)
    ex.update()
    assert len(ex._shown()) == MAX_SHOWN and not ex.controls["show_independent"].value
    ex.controls["show_independent"].value = True  # a seventh: refused, said in the page
    assert not ex.controls["show_independent"].value and "At most 6" in ex.error
    with pytest.raises(ScenarioError, match="at most 6"):
        ex.add_path("p3", "phd", show=False, update=False) or ex.set_path("p3", show=True)
    colours = [ex._art["median"][n].get_color() for n in ex._shown()]
    assert len(set(colours)) == len(colours)
    assert len(ex._legend.get_texts()) == MAX_SHOWN


def test_lens_and_assumptions_change_the_table_and_figure():
    from careersim.widgets import Explorer

    ex = Explorer(worlds=1_000, figure="image")
    nw = ex.summary()
    png = ex.render()
    assert ex.controls["discount_rate"].disabled and "luck" in ex.table.value and "every assumption fixed" in ex.table.value
    t = ex.recompute(lens="income_pv", discount_rate=0.0)
    assert not ex.controls["discount_rate"].disabled
    assert ex.timings["simulate"] == 0.0  # a lens is a view of the same worlds
    direct = ex.result.lens_values("income_pv", age=40).mean(axis=1)
    assert abs(t["median"]["engineer"] - __import__("numpy").median(ex.result.lens_values("income_pv", age=40)[2])) < 1e-6 * direct[2]
    assert 'data-lens="income_pv"' in ex.table.value and "present value of after-tax income" in ex.table.value
    assert ex.axes["fan"].get_ylabel() == "PV of income, 0.0%"
    assert ex.render() != png and not t.equals(nw)
    ex.recompute(assumptions="uncertain")
    assert ex.timings["simulate"] > 0 and ex.result.assumptions == "uncertain"
    assert ex.result.uncertainty in __import__("html").unescape(ex.table.value)
    assert 'data-assumptions="uncertain"' in ex.table.value


def test_paths_download_as_the_scenarios_paths_table_and_load_back():
    import tomllib

    from careersim.widgets import Explorer

    a = Explorer(worlds=1_000, figure="image")
    a.add_path("phd-boston", "phd", money=45_000, funding="ta", place="boston")
    a.add_path("lab", "engineer", money=240_000, place="seattle", show=False)
    toml = a.inputs_toml()
    table = tomllib.loads(toml)["paths"]
    assert table["lab"] == {"kind": "engineer", "engineer": {"start_pay_usd": 240_000}, "finances": {"place": "seattle"}}
    assert table["engineer"] == {"kind": "engineer"}
    b = Explorer(worlds=1_000, figure="image")
    b.load_inputs(toml.encode())
    assert b.error is None
    assert [(p["name"], p["kind"], p["money"], p["place"], p["funding"]) for p in b.paths] == \
        [(p["name"], p["kind"], p["money"], p["place"], p["funding"]) for p in a.paths]
    assert b.scenario_for() == a.scenario_for()
    assert (b.result.net_worth == a.result.net_worth).all()


def test_a_scenario_with_other_paths_loads_with_careers_hidden():
    from careersim.widgets import Explorer

    toml = b'''
[paths.offer-a]
kind = "engineer"
engineer = { start_pay_usd = 210_000 }
[paths.phd]
kind = "phd"
'''
    ex = Explorer(worlds=1_000, figure="image")
    ex.load_inputs(toml)
    assert [p["name"] for p in ex.paths] == ["offer-a"]
    assert ex._shown() == ["phd", "offer-a"]
    bad = b'[paths.engineer]\nkind = "engineer"\nengineer = { start_pay_usd = 1 }\n'
    with pytest.raises(ScenarioError, match="rename this path"):
        ex.load_inputs(bad)


def test_hiding_every_path_draws_an_empty_figure_and_recovers(fresh):
    fresh.recompute(**{f"show_{c}": False for c in careersim.CAREERS})
    fresh.render()
    assert fresh._shown() == [] and fresh._legend is None
    fresh.recompute(show_phd=True, seed=5)
    fresh.render()
    assert fresh._shown() == ["phd"] and fresh._legend is not None


def test_recompute_is_all_or_nothing(fresh):
    rows = [dict(name=f"e{i}", kind="engineer", money=200_000 + 1_000 * i, place="bay_area", funding="mix", show=True) for i in range(4)]
    fresh.recompute(paths=rows)
    state = (fresh.values(), [dict(p) for p in fresh.paths], fresh.scenario_for())
    bad_calls = [
        ({f"show_{c}": True for c in careersim.CAREERS}, "At most 6 paths are drawn at once"),
        ({"paths": [dict(rows[0], money=10)], "seed": 9}, "money 10: an engineer path's must be a whole number of dollars from 50,000 to 500,000"),
        ({"paths": [{"name": "x"}], "seed": 9}, "each row is a dict with name, kind, money"),
        ({"paths": [rows[0], dict(rows[1], kind="postdoc")], "seed": 9}, "postdoc"),
        ({"lens": "income_pv", "discount_rate": float("nan")}, "discount_rate = nan"),
    ]
    for values, words in bad_calls:
        with pytest.raises(ScenarioError, match=words):
            fresh.recompute(**values)
        assert (fresh.values(), fresh.paths, fresh.scenario_for()) == state
    fresh.recompute(seed=5)  # and it still works


def test_a_career_shown_again_has_its_line_in_the_legend(fresh):
    fresh.recompute(show_residency=False)
    fresh.render()
    fresh.recompute(show_residency=True)
    fresh.render()
    assert [t.get_text() for t in fresh._legend.get_texts()][1] == "AI residency"
    assert all(h.get_visible() for h in fresh._legend.legend_handles)  # each entry has its line sample


def test_a_value_asked_for_is_used_as_given_not_a_defaults_exact_value(fresh):
    """A default off a slider's grid (the Bay Area stipend 52,288, shown as 52,000) is used
    exactly only until the slider is set: asking for 52,000 (by hand, by recompute, in a link)
    gives 52,000 (it gave 52,288, and a link reopened to other numbers than the page it came from)."""
    assert fresh.scenario_for().phd.stipend_advisor_grant_usd == 52_288.0  # untouched: the exact default
    fresh.recompute(stipend_usd=52_000)
    assert fresh.scenario_for().phd.stipend_advisor_grant_usd == 52_000.0
    by_hand = Explorer(worlds=WORLDS, figure="image")
    by_hand.controls["stipend_usd"].value = 53_000
    by_hand.controls["stipend_usd"].value = 52_000  # and back, as a person moves it
    assert by_hand.scenario_for().phd.stipend_advisor_grant_usd == 52_000.0
    page = Explorer(worlds=WORLDS, figure="image")
    page.recompute(place="seattle")
    page.recompute(stipend_usd=52_000)
    again = Explorer(worlds=WORLDS, figure="image", query=page.query())
    assert again.scenario_for() == page.scenario_for()
    assert again.summary().equals(page.summary())
    # a hand-written link with a place and no stipend brings the local stipend, as the page does
    local = careersim.load_places()["seattle"].phd_stipend_usd
    assert Explorer(worlds=WORLDS, figure="image", query="place=seattle").scenario_for().phd.stipend_advisor_grant_usd == local


def test_loaded_inputs_are_used_as_written(fresh):
    """Loading a file whose values sit on the sliders' grid (a stipend of 52,000, a layoff chance
    of 2%) used the old defaults' exact values behind the same positions (52,288 and 1.8%)."""
    s = careersim.load_scenario("default").replace({
        "phd.stipend_advisor_grant_usd": 52_000.0, "phd.stipend_ta_usd": 52_000.0, "layoffs.annual_layoff_hazard": 0.02,
        "finances.living_cost_usd": 37_000.0, "market.real_log_return_mean": 0.065, "simulation.horizon_years": fresh.base.simulation.horizon_years})
    fresh.load_inputs(s.to_toml().encode())
    got = fresh.result.scenario
    for key in ("phd.stipend_advisor_grant_usd", "layoffs.annual_layoff_hazard", "finances.living_cost_usd", "market.real_log_return_mean"):
        assert got.get(key) == s.get(key), key


def test_a_link_says_what_loaded_inputs_it_leaves_out(fresh):
    """A link carries the controls, from the page's defaults: loaded settings no control holds
    (and a loaded path's own overrides) were dropped silently."""
    fresh.recompute(place="seattle", offer_usd=230_000)
    assert fresh.link_leaves_out() == [] and "cs-link-note" not in fresh.link.value
    s = careersim.load_scenario("default").replace({"phd.breakthrough_probability": 0.3, "simulation.horizon_years": fresh.base.simulation.horizon_years})
    fresh.load_inputs(s.to_toml().encode())
    assert fresh.link_leaves_out() == ["phd.breakthrough_probability"]
    assert "also set phd.breakthrough_probability, which it leaves out" in fresh.link.value
    offers = Explorer(worlds=WORLDS, figure="image")
    offers.load_inputs(careersim.load_scenario("offers").replace({"simulation.horizon_years": offers.base.simulation.horizon_years}).to_toml().encode())
    assert any(x.startswith("paths.startup-engineer (") for x in offers.link_leaves_out())


@pytest.mark.parametrize("usd, text", [(999.6, "$1k"), (999_499, "$999k"), (999_800, "$1.00M"), (999_996_000, "$1.00B"), (-45_600, "-$46k")])
def test_short_amounts_never_show_a_thousand_of_a_unit(usd, text):
    from careersim.widgets import _money

    assert _money(usd) == text  # $999,800 showed as "$1,000k"

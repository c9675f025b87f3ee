"""Parameter sweeps (issue 6): tidy table, common random numbers, same numbers on a Dask cluster."""

import numpy as np
import pandas as pd
import pytest

import careersim
from careersim._sweep import sweep

GRID = {"phd.stipend_ta_usd": [35_000, 45_000], "engineer.start_pay_usd": [150_000.0, 250_000.0]}


def test_tidy_table_one_row_per_point_career_statistic(default_scenario):
    t = sweep(default_scenario, GRID, worlds=300, rng=1, careers=["phd", "engineer"], age=40)
    assert list(t.columns) == ["phd.stipend_ta_usd", "engineer.start_pay_usd", "career", "age", "statistic", "value", "se"]
    n_stats = 1 + 5 + 1  # mean, p5..p95, p_best
    assert len(t) == 4 * 2 * n_stats
    assert not t.duplicated(["phd.stipend_ta_usd", "engineer.start_pay_usd", "career", "statistic"]).any()
    assert (t.age == 40).all()
    assert t.value.notna().all() and (t.se >= 0).all()
    p_best = t[t.statistic == "p_best"].groupby(["phd.stipend_ta_usd", "engineer.start_pay_usd"]).value.sum()
    np.testing.assert_allclose(p_best, 1.0)


def test_a_point_equals_a_direct_simulation(default_scenario):
    t = sweep(default_scenario, {"phd.stipend_ta_usd": [45_000]}, worlds=500, rng=3)
    r = careersim.simulate(default_scenario.replace({"phd.stipend_ta_usd": 45_000}), worlds=500, rng=3)
    table = r.horizon_table()
    means = t[t.statistic == "mean"].set_index("career").value
    np.testing.assert_allclose(means[list(r.careers)], table["mean"].to_numpy())
    p50 = t[t.statistic == "p50"].set_index("career").value
    np.testing.assert_allclose(p50[list(r.careers)], table["p50"].to_numpy())


def test_common_random_numbers_across_points(default_scenario):
    """A parameter the careers ignore leaves their rows bit-identical; one they use moves only them."""
    t = sweep(default_scenario, {"residency.pay_usd": [150_000, 250_000]}, worlds=400, rng=5, careers=["phd", "engineer", "residency"])
    lo = t[t["residency.pay_usd"] == 150_000].reset_index(drop=True)
    hi = t[t["residency.pay_usd"] == 250_000].reset_index(drop=True)
    other = lo.career != "residency"
    mean_rows = lo.statistic == "mean"
    np.testing.assert_array_equal(lo.value[other & (lo.statistic != "p_best")], hi.value[other & (hi.statistic != "p_best")])
    assert hi.value[~other & mean_rows].iloc[0] > lo.value[~other & mean_rows].iloc[0]


def test_integer_parameters_are_rounded(default_scenario):
    t = sweep(default_scenario, {"residency.duration_years": [1.0, 2.0]}, worlds=200, rng=1, careers=["residency"])
    assert set(t["residency.duration_years"]) == {1.0, 2.0}


@pytest.mark.parametrize(
    "grid, match",
    [
        ({"phd.no_such_key": [1]}, "unknown key"),
        ({"phd.stipend_ta_usd": []}, "empty"),
        ({"phd.stipend_ta_usd": [-5.0]}, "phd.stipend_ta_usd"),
        ({}, "non-empty mapping"),
    ],
)
def test_bad_grids_are_named(default_scenario, grid, match):
    with pytest.raises(careersim.ScenarioError, match=match):
        sweep(default_scenario, grid, worlds=10, rng=0)


def test_bad_client_is_named(default_scenario):
    with pytest.raises(careersim.ScenarioError, match="client"):
        sweep(default_scenario, {"phd.stipend_ta_usd": [40_000]}, worlds=10, rng=0, client=object())


@pytest.mark.slow
def test_dask_cluster_gives_the_local_numbers(default_scenario):
    distributed = pytest.importorskip("dask.distributed")
    local = sweep(default_scenario, GRID, worlds=600, rng=11, careers=["phd", "engineer", "independent"], age=35)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = sweep(default_scenario, GRID, worlds=600, rng=11, careers=["phd", "engineer", "independent"], age=35, client=client)
        from careersim import sensitivity

        ranges = {"engineer.start_pay_usd": (150_000, 250_000), "residency.pay_usd": (150_000, 250_000)}
        t_remote = sensitivity.tornado(default_scenario, ranges, worlds=300, rng=4, age=35, client=client)
    pd.testing.assert_frame_equal(local, remote)
    t_local = sensitivity.tornado(default_scenario, ranges, worlds=300, rng=4, age=35)
    pd.testing.assert_frame_equal(t_local.to_df(), t_remote.to_df())


def test_a_tie_for_the_best_is_shared():
    """Two paths with the same net worth in every world: each is best in half of each world
    (the first listed took every tie)."""
    from careersim._paths import PathSpec

    s = careersim.load_scenario("default").replace({"simulation.horizon_years": 3})
    s = s.__class__(**{**{f: getattr(s, f) for f in s.__dataclass_fields__}, "paths": (
        PathSpec("a", "engineer", (("employment.promotion_raise", 0.10),)), PathSpec("b", "engineer", (("employment.promotion_raise", 0.20),)))})
    t = sweep(s, {"engineer.start_pay_usd": [150_000.0]}, worlds=300, rng=1, age=23)
    p_best = t[t.statistic == "p_best"].set_index("career").value
    assert p_best["a"] == pytest.approx(0.5) and p_best["b"] == pytest.approx(0.5)


@pytest.mark.parametrize("grid, careers, age, match", [
    ({"residency.duration_years": [1.5, 2.5]}, None, None, r"residency.duration_years = 1.5: a whole-number parameter"),
    ({"phd.stipend_ta_usd": [40_000]}, ["engineer", "residency"], None, r"grid\['phd.stipend_ta_usd'\]: no simulated path reads it"),
    ({"phd.stipend_ta_usd": [40_000]}, None, 40.7, r"age = 40.7: must be a whole number"),
    ({"phd.stipend_ta_usd": [40_000]}, None, "40", r"age = '40': must be a whole number"),
])
def test_a_sweep_refuses_what_would_give_silently_wrong_rows(grid, careers, age, match):
    # 2.5 years ran as 2 under the label 2.5; an unread key gave identical rows; 40.7 read age 40
    with pytest.raises(careersim.ScenarioError, match=match):
        sweep(None, grid, worlds=100, rng=1, careers=careers, age=age)


def test_a_key_every_path_sets_itself_is_refused():
    with pytest.raises(careersim.ScenarioError, match=r"every one of them sets its own \(lab-engineer, startup-engineer\)"):
        sweep(careersim.load_scenario("offers"), {"engineer.start_pay_usd": [150e3, 250e3]}, worlds=100, rng=1,
              careers=["lab-engineer", "startup-engineer"])

"""The command line: output contracts, bad input, atomic output (issues 3 and 8)."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from careersim import cli

CLI = [sys.executable, "-m", "careersim.cli"]


ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, **kw):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, cwd=ROOT, **kw)


def test_run_prints_table(capsys):
    assert cli.main(["run", "--worlds", "1500", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    for word in ("phd", "residency", "engineer", "independent", "p5", "median", "p95", "mean ± se", "P(ahead of engineer)"):
        assert word in out


def test_run_json_contract(capsys):
    assert cli.main(["run", "default", "--worlds", "1200", "--seed", "5", "--json", "--horizon", "12"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"scenario", "seed", "worlds", "horizon_years", "units", "careers", "comparisons"}
    assert doc["seed"] == 5 and doc["worlds"] == 1200 and doc["horizon_years"] == 12 and doc["scenario"] == "default"
    assert set(doc["careers"]) == {"phd", "residency", "engineer", "independent"}
    for c in doc["careers"].values():
        assert set(c["net_worth_at_horizon"]) == {"p5", "p25", "p50", "p75", "p95", "mean", "mean_se"}
        v = c["net_worth_at_horizon"]
        assert v["p5"] <= v["p25"] <= v["p50"] <= v["p75"] <= v["p95"]
    pairs = {(c["a"], c["b"]) for c in doc["comparisons"]}
    assert {("phd", "engineer"), ("residency", "engineer"), ("independent", "engineer")} <= pairs
    for c in doc["comparisons"]:
        assert set(c) == {"a", "b", "p_a_ahead", "median_difference"} and 0 <= c["p_a_ahead"] <= 1


def test_json_is_reproducible_and_set_overrides(capsys):
    cli.main(["run", "--worlds", "800", "--seed", "9", "--json"])
    a = json.loads(capsys.readouterr().out)
    cli.main(["run", "--worlds", "800", "--seed", "9", "--json"])
    b = json.loads(capsys.readouterr().out)
    assert a == b
    cli.main(["run", "--worlds", "800", "--seed", "9", "--json", "--set", "phd.stipend_advisor_grant_usd=80000", "--set", "market.model=bootstrap"])
    c = json.loads(capsys.readouterr().out)
    assert c["careers"]["phd"] != a["careers"]["phd"]


def test_summary_mode_matches_path_mode_on_the_same_worlds(capsys, monkeypatch):
    cli.main(["run", "--worlds", "3000", "--seed", "4", "--json"])
    paths = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(cli, "PATHS_LIMIT_BYTES", 0)  # force the constant-memory path
    cli.main(["run", "--worlds", "3000", "--seed", "4", "--json"])
    summary = json.loads(capsys.readouterr().out)
    for career, v in paths["careers"].items():
        w = summary["careers"][career]["net_worth_at_horizon"]
        assert w["mean"] == pytest.approx(v["net_worth_at_horizon"]["mean"], rel=1e-9)
        assert w["p50"] == pytest.approx(v["net_worth_at_horizon"]["p50"], rel=3e-3)
    for a, b in zip(paths["comparisons"], summary["comparisons"]):
        assert (a["a"], a["b"]) == (b["a"], b["b"]) and a["p_a_ahead"] == b["p_a_ahead"]


def test_out_writes_figures_and_tables(tmp_path, capsys):
    out = tmp_path / "res"
    assert cli.main(["run", "--worlds", "1000", "--seed", "1", "--out", str(out), "--horizon", "15"]) == 0
    names = {p.name for p in out.iterdir()}
    for n in ("fan_chart.png", "distribution_at_horizon.png", "p_ahead.png", "difference_phd_vs_engineer.png",
              "summary.csv", "summary.parquet", "comparisons.csv", "comparisons.parquet", "horizon.csv", "result.json", "scenario.toml"):
        assert n in names
    s = pd.read_parquet(out / "summary.parquet")
    assert set(s.columns) == {"career", "year", "age", "variable", "statistic", "value", "se"}
    assert s.equals(pd.read_csv(out / "summary.csv")) or len(s) == len(pd.read_csv(out / "summary.csv"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary folder left behind"


def test_out_failure_midway_leaves_nothing(tmp_path, monkeypatch, capsys):
    from careersim import _output

    def boom(result, folder):
        (folder / "fan_chart.png").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_output, "_figures", boom)
    out = tmp_path / "res"
    assert cli.main(["run", "--worlds", "500", "--seed", "1", "--out", str(out)]) == 2
    assert "No space left" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())
    assert list(tmp_path.iterdir()) in ([], [out])


@pytest.mark.slow
def test_sigint_during_out_leaves_no_partial_files(tmp_path):
    out = tmp_path / "res"
    proc = subprocess.Popen([*CLI, "run", "--worlds", "150000", "--seed", "1", "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the interrupt on this machine")
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.parametrize(
    "args, needle",
    [
        (["run", "nosuchscenario"], "neither a bundled scenario"),
        (["run", "--worlds", "0"], "--worlds"),
        (["run", "--worlds", "many"], "--worlds"),
        (["run", "--seed", "-1"], "--seed"),
        (["run", "--set", "phd.stipend_ta_usd=-5"], "phd.stipend_ta_usd"),
        (["run", "--set", "phd.nope=1"], "unknown key 'phd.nope'"),
        (["run", "--set", "novalue"], "key.path=value"),
        (["run", "--set", "layoffs.annual_layoff_hazard=1.5"], "[0, 1]"),
        (["run", "--set", "market.model=gauss"], "market.model"),
        (["run", "--horizon", "0"], "--horizon"),
        (["run", "--worlds", "100000000", "--out", "README.md/x"], "--out"),
        (["run", "--worlds", "100000000", "--out", "README.md"], "not a folder"),
        (["validate", "/nonexistent/x.toml"], "no such scenario file"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_input_one_line_exit_2_no_traceback(args, needle):
    r = run_cli(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert needle in lines[0] and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_validate_good_and_bad(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('name = "mine"\n[phd]\nstipend_ta_usd = 45000\n')
    r = run_cli("validate", str(good))
    assert r.returncode == 0 and "valid" in r.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("[phd]\nstipend_ta_usd = -3\n")
    r = run_cli("validate", str(bad))
    assert r.returncode == 2 and "phd.stipend_ta_usd" in r.stderr and "-3" in r.stderr


def test_scenarios_lists_bundled():
    r = run_cli("scenarios")
    assert r.returncode == 0 and "default" in r.stdout


def test_run_scenario_file_path(tmp_path, capsys):
    p = tmp_path / "mine.toml"
    p.write_text('name = "mine"\n[simulation]\nhorizon_years = 8\n')
    assert cli.main(["run", str(p), "--worlds", "400", "--seed", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["horizon_years"] == 8


def test_huge_request_with_paths_refused_at_once():
    import careersim

    t = time.perf_counter()
    with pytest.raises(careersim.ScenarioError, match="GiB"):
        careersim.simulate(worlds=100_000_000)
    assert time.perf_counter() - t < 5  # refused before any work (not a speed test: a generous bound)


def test_read_results_round_trip_and_corruption(tmp_path, capsys):
    import careersim

    out = tmp_path / "res"
    assert cli.main(["run", "--worlds", "600", "--seed", "1", "--horizon", "6", "--out", str(out)]) == 0
    s = careersim.read_results(out)
    assert len(s) == 4 * 6 * 6 * 2  # careers x years x statistics x (net worth, income)
    assert careersim.read_results(out / "summary.csv").shape == s.shape
    assert list(careersim.read_results(out, "horizon").career) == list(careersim.CAREERS)
    # truncated Parquet, garbage bytes, a CSV cut mid-row, a CSV without the columns, missing files
    data = (out / "summary.parquet").read_bytes()
    (out / "summary.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(careersim.ResultsFileError, match="truncated or corrupted"):
        careersim.read_results(out / "summary.parquet")
    (out / "horizon.parquet").write_bytes(b"\x00\x01garbage" * 10)
    with pytest.raises(careersim.ResultsFileError, match="horizon.parquet"):
        careersim.read_results(out, "horizon")
    text = (out / "summary.csv").read_text()
    (out / "summary.csv").write_text(text[: len(text) // 3] + "\nphd,1,23,net_worth,mean,not-a-number")
    with pytest.raises(careersim.ResultsFileError):
        careersim.read_results(out / "summary.csv")
    (out / "comparisons.csv").write_text("x,y\n1,2\n")
    with pytest.raises(careersim.ResultsFileError, match="missing column"):
        careersim.read_results(out / "comparisons.csv")
    with pytest.raises(careersim.ResultsFileError, match="no such results file"):
        careersim.read_results(out / "nope.csv")
    with pytest.raises(careersim.ResultsFileError, match="no catch_up_x"):
        careersim.read_results(out, "catch_up_x")

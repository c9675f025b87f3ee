"""The command line: output contracts, bad input, atomic output, provenance (issues 3, 8, 11)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import careersim
from careersim import cli

CLI = [sys.executable, "-m", "careersim.cli"]


ROOT = Path(__file__).resolve().parents[1]
#: the installed console script (what a user runs), beside this interpreter
SCRIPT = Path(sys.executable).with_name("careersim")


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
    assert set(doc) == {"scenario", "seed", "worlds", "horizon_years", "units", "net_worth", "assumptions", "uncertain_assumptions", "lens", "discount_rate", "baseline", "paths", "careers", "comparisons", "provenance"}
    assert doc["net_worth"] == "after-tax"  # the documented default
    assert doc["assumptions"] == "uncertain" and "residency.conversion_probability" in doc["uncertain_assumptions"]  # the documented default
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


def assert_same_table(csv: pd.DataFrame, parquet: pd.DataFrame) -> None:
    """Equal values (exactly), columns and dtypes. The one justified dtype difference: CSV
    has no integer column with missing values, so a nullable Int64 column (a year that may
    be "never") reads back as float64 and is converted back before comparing."""
    nullable = {c: parquet[c].dtype for c in parquet.columns if isinstance(parquet[c].dtype, pd.Int64Dtype) and c in csv}
    pd.testing.assert_frame_equal(csv.astype(nullable), parquet, check_exact=True)


def test_out_writes_figures_and_tables(tmp_path, capsys):
    out = tmp_path / "res"
    assert cli.main(["run", "--worlds", "1000", "--seed", "1", "--out", str(out), "--horizon", "15"]) == 0
    names = {p.name for p in out.iterdir()}
    for n in ("fan_chart.png", "distribution_at_horizon.png", "p_ahead.png", "difference_phd_vs_engineer.png",
              "summary.csv", "summary.parquet", "comparisons.csv", "comparisons.parquet", "horizon.csv", "result.json", "scenario.toml"):
        assert n in names
    s = pd.read_parquet(out / "summary.parquet")
    assert set(s.columns) == {"career", "year", "age", "variable", "statistic", "value", "se"}
    for parquet in out.glob("*.parquet"):  # every table: the CSV holds exactly the Parquet's values
        assert_same_table(pd.read_csv(parquet.with_suffix(".csv"), comment="#"), pd.read_parquet(parquet))
    # and the comparison can fail: one value changed in its last bit, a column's type, a row
    changed = s.copy()
    changed.loc[7, "value"] = np.nextafter(changed.loc[7, "value"], np.inf)
    for other in (changed, s.astype({"year": float}), s.iloc[:-1]):
        with pytest.raises(AssertionError):
            assert_same_table(pd.read_csv(out / "summary.csv", comment="#"), other)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary folder left behind"


@pytest.mark.parametrize("args, baseline, differences", [
    (["default", "--baseline", "phd"], "phd", {"residency_vs_phd", "engineer_vs_phd", "independent_vs_phd"}),
    (["offers"], "lab-engineer", {"phd-boston-fellowship_vs_lab-engineer", "phd-bay-area-grant_vs_lab-engineer", "startup-engineer_vs_lab-engineer"}),
])
def test_out_compares_with_the_runs_baseline(tmp_path, capsys, args, baseline, differences):
    """--out's tables and figures follow --baseline and name any path (they were always against
    'engineer': a P(ahead of engineer) column under "baseline": "phd", and no comparisons at all
    for the offers' own path names)."""
    out = tmp_path / "res"
    assert cli.main(["run", *args, "--worlds", "500", "--seed", "1", "--horizon", "8", "--out", str(out)]) == 0
    doc = json.loads((out / "result.json").read_text())
    assert doc["baseline"] == baseline
    horizon = pd.read_csv(out / "horizon.csv", comment="#")
    assert f"p_ahead_of_{baseline}" in horizon.columns
    comparisons = pd.read_csv(out / "comparisons.csv", comment="#")
    assert {f"{a}_vs_{b}" for a, b in comparisons[["a", "b"]].drop_duplicates().itertuples(index=False)} == differences
    assert {p.stem.removeprefix("difference_") for p in out.glob("difference_*.png")} == differences


def test_out_failure_midway_leaves_nothing(tmp_path, monkeypatch, capsys):
    from careersim import _output

    def boom(result, folder, **kw):
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
        (["run", "--worlds", "1"], "--worlds"),
        (["run", "--worlds", "200", "--discount-rate", "0.3"], "--discount-rate 0.3: a rate values the present-value lenses only"),
        (["run", "offers", "--worlds", "200", "--set", "engineer.start_pay_usd=1"], "no path of scenario 'offers' reads it"),
        (["run", "--worlds", "200", "--set", "simulation.horizon_years=10", "--horizon", "20"], "both set simulation.horizon_years"),
        (["run", "--worlds", "200", "--set", "finances.net_worth=pre-tax", "--net-worth", "after-tax"], "both set finances.net_worth"),
        (["run", "--worlds", "200", "--set", "phd.stipend_ta_usd=1000", "--set", "phd.stipend_ta_usd=90000"], "--set phd.stipend_ta_usd: given twice ('1000' and '90000')"),
        (["run", "--worlds", "200", "--set", "paths.x.kind=phd"], "a parameter key has the form section.name"),
        (["app", "--no-browser", "--preheat", "0", "--port", "18866", "--host", "not a host!"], "--host not a host!: not a name or address"),
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


# -- issue 11: never silently wrong -----------------------------------------------------------

HUGE = "1" + "0" * 400


def bad_input_cases(tmp: Path) -> list[tuple[list[str], str]]:
    """(arguments, needle) for every class of bad input that needs files in ``tmp``."""
    (tmp / "huge.toml").write_text(f"[phd]\nstipend_ta_usd = {HUGE}\n")
    (tmp / "deep_array.toml").write_text("[phd]\nstipend_ta_usd = " + "[" * 5000 + "]" * 5000 + "\n")
    (tmp / "deep_table.toml").write_text("a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n")
    (tmp / "shallow_deep.toml").write_text("[phd]\nstipend_ta_usd = " + "[" * 40 + "]" * 40 + "\n")
    (tmp / "large.toml").write_text("# padding\n" * 110_000)
    (tmp / "folder.toml").mkdir()
    os.mkfifo(tmp / "fifo.toml")
    return [
        (["run", "--set", f"phd.stipend_ta_usd={HUGE}"], "64-bit"),
        (["run", "--set", f"phd.stipend_ta_usd=1{'0' * 5000}"], "longer than"),
        (["run", "--worlds", HUGE], "--worlds"),
        (["run", "--seed", HUGE], "--seed"),
        (["run", "--horizon", HUGE], "--horizon"),
        (["validate", str(tmp / "huge.toml")], "phd.stipend_ta_usd"),
        (["run", str(tmp / "huge.toml")], "64-bit"),
        (["validate", str(tmp / "deep_array.toml")], "nested too deeply"),
        (["validate", str(tmp / "deep_table.toml")], "nested too deeply"),
        (["validate", str(tmp / "shallow_deep.toml")], "nested more than"),
        (["run", "--set", "phd.stipend_ta_usd=" + "[" * 900 + "]" * 900], "phd.stipend_ta_usd"),
        (["run", "--set", "phd.stipend_ta_usd=" + "{a=" * 300 + "1" + "}" * 300], "phd.stipend_ta_usd"),
        (["run", "--workers", str((os.cpu_count() or 1) + 1)], "--workers"),
        (["run", "--workers", "500"], "at most"),
        (["run", "--out", ""], "empty path"),
        (["run", "--out", "."], "current folder"),
        (["run", "--set", "phd.stipend_ta_usd=45000\nfoo"], "control character"),
        (["run", "--set", "phd.stipend_ta_usd=45000\tfoo"], "control character"),
        (["validate", str(tmp / "fifo.toml")], "FIFO"),
        (["validate", "/dev/zero"], "not a regular file"),
        (["validate", "/dev/stdin"], "not a regular file"),
        (["validate", str(tmp / "folder.toml")], "is a folder"),
        (["validate", str(tmp / "large.toml")], "1 MiB"),
    ]


def test_every_bad_input_class_one_line_exit_2_nothing_written(tmp_path):
    """Huge literals, deep nesting, too many workers, special files, empty --out, control
    characters: exit 2, one line naming the problem, no traceback, nothing written."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    work = tmp_path / "cwd"
    work.mkdir()
    (work / "keep.txt").write_text("mine")
    for args, needle in bad_input_cases(inputs):
        before = sorted(p.name for p in inputs.iterdir())
        # stdin is a pipe: /dev/stdin must be refused, not waited on
        r = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60, cwd=work, input="")
        shown = [a[:40] for a in args]
        assert r.returncode == 2, (shown, r.stderr[-500:])
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("careersim: error: "), (shown, r.stderr[-500:])
        assert needle in lines[0] and "Traceback" not in r.stderr, (shown, lines[0][:300])
        assert len(lines[0]) < 400, (shown, lines[0])  # a huge literal is not echoed whole
        assert r.stdout == ""
        assert sorted(p.name for p in work.iterdir()) == ["keep.txt"] and sorted(p.name for p in inputs.iterdir()) == before


def test_world_count_far_beyond_the_machine_refused_at_once():
    t = time.perf_counter()
    r = subprocess.run([str(SCRIPT), "run", "--worlds", str(10**12), "--out", "never_written"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    elapsed = time.perf_counter() - t
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert "worlds = 1,000,000,000,000" in r.stderr and "days" in r.stderr  # the estimate
    assert elapsed < 20  # refused before any work (a generous bound: start-up is most of it)
    assert not (ROOT / "never_written").exists()


def test_import_is_lazy_and_namespace_complete():
    code = (
        "import sys, careersim;"
        "assert not {'numpy', 'pandas', 'matplotlib'} & set(sys.modules), sorted(sys.modules);"
        "assert set(careersim.__all__) <= set(dir(careersim));"
        "from careersim import simulate, Scenario, claims, Tornado;"
        "assert careersim.claims is claims and careersim.simulate is simulate;"
        "assert all(getattr(careersim, n) is not None for n in careersim.__all__);"
        "print(careersim.__version__)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        __import__("careersim").nope


@pytest.mark.parametrize("delay", [0.15, 0.3, 0.6, 2.0])
def test_sigint_at_any_moment_exits_130_with_one_line(tmp_path, delay):
    """Ctrl-C during start-up (careersim.cli importing argparse, then numpy, pandas and
    matplotlib: the first second) or during the run: exit 130, one line, no traceback, no
    files. A Ctrl-C before Python has even found careersim (its own start-up, about 0.1 s
    here with the editable install's import hook) is out of the package's reach."""
    out = tmp_path / "res"
    proc = subprocess.Popen([str(SCRIPT), "run", "--worlds", "150000", "--seed", "1", "--workers", "2", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the interrupt on this machine")
    assert proc.returncode == 130, err
    assert err.splitlines() == ["careersim: interrupted; no partial output was left"], err
    assert list(tmp_path.iterdir()) == []


def run_out(out: Path, *extra: str, seed: int = 1) -> None:
    assert cli.main(["run", "--worlds", "400", "--seed", str(seed), "--horizon", "5", "--out", str(out), *extra]) == 0


def test_out_folder_replaced_as_a_whole(tmp_path, capsys):
    out = tmp_path / "res"
    run_out(out, seed=1)
    (out / "from_an_earlier_run.csv").write_text("x\n1\n")
    run_out(out, seed=2)
    names = {p.name for p in out.iterdir()}
    assert "from_an_earlier_run.csv" not in names and "provenance.json" in names
    assert json.loads((out / "provenance.json").read_text())["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]  # no temporary or old folder left


def test_out_without_atomic_exchange_falls_back_to_renames(tmp_path, monkeypatch, capsys):
    from careersim import _output

    monkeypatch.setattr(_output, "_exchange", lambda a, b: False)
    out = tmp_path / "res"
    run_out(out, seed=1)
    run_out(out, seed=3)
    assert json.loads((out / "provenance.json").read_text())["seed"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_out_failure_part_way_leaves_previous_contents_untouched(tmp_path, monkeypatch, capsys):
    from careersim import _output

    out = tmp_path / "res"
    run_out(out, seed=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(table, folder, stem, record_text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_output, "_write_table", boom)
    assert cli.main(["run", "--worlds", "400", "--seed", "2", "--horizon", "5", "--out", str(out)]) == 2
    assert "No space left" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_out_refuses_a_folder_careersim_did_not_write(tmp_path):
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("precious")
    r = run_cli("run", "--worlds", "400", "--out", str(mine))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "not written by careersim" in r.stderr, r.stderr
    assert [p.name for p in mine.iterdir()] == ["chapter1.tex"] and (mine / "chapter1.tex").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]


def test_stale_partial_folders_of_killed_runs_are_removed(tmp_path, capsys):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".res.careersim-partial-{dead.pid}-abc123"
    live = tmp_path / f".res.careersim-partial-{os.getppid()}-def456"  # a live process, older than the folder
    other = tmp_path / ".res.careersim-partial-notapid"
    for d in (stale, live, other):
        d.mkdir()
        (d / "fan_chart.png").write_bytes(b"half")
    run_out(tmp_path / "res")
    assert not stale.exists() and live.exists() and other.exists()


def test_provenance_in_every_format(tmp_path, capsys):
    import hashlib

    from careersim._output import read_provenance

    out = tmp_path / "res"
    assert cli.main(["run", "--worlds", "500", "--seed", "17", "--horizon", "5", "--set", "phd.stipend_ta_usd=41000", "--out", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    expected = doc["provenance"]
    assert set(expected) == {"careersim_version", "scenario", "scenario_sha256", "seed", "worlds", "assumptions"}
    assert expected["seed"] == 17 and expected["worlds"] == 500 and expected["scenario"] == "default" and expected["assumptions"] == "uncertain"  # the command line's default
    assert expected["careersim_version"] == __import__("careersim").__version__
    assert expected["scenario_sha256"] == hashlib.sha256((out / "scenario.toml").read_bytes()).hexdigest()
    result_json = json.loads((out / "result.json").read_text())
    assert result_json == doc  # every earlier key kept, provenance added
    files = [out, out / "result.json", out / "summary.csv", out / "summary.parquet", out / "fan_chart.png", out / "claim_catch_up.png", out / "horizon.csv"]
    for f in files:
        assert read_provenance(f) == expected, f
    assert (out / "summary.csv").read_text().startswith("# provenance: {")
    for f in (out / "summary.csv", out / "summary.parquet"):
        assert __import__("careersim").read_results(f).attrs["provenance"] == expected
    # a different scenario has a different hash
    other = tmp_path / "other"
    assert cli.main(["run", "--worlds", "500", "--seed", "17", "--horizon", "5", "--out", str(other), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["provenance"]["scenario_sha256"] != expected["scenario_sha256"]


def test_a_claim_scenario_that_starts_late_reads_the_claim_at_its_last_age(capsys):
    # no claim age (35, 45, 65) after a start at 64: the claim is read at the horizon's age
    assert cli.main(["run", "money-much-better", "--worlds", "300", "--seed", "1", "--horizon", "5", "--set", "simulation.start_age=64"]) == 0
    assert "age 69:" in capsys.readouterr().out


def test_app_refuses_a_port_in_use_before_starting():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = run_cli("app", "--no-browser", "--preheat", "0", "--port", str(port))
    assert r.returncode == 2 and f"--port {port}: already in use" in r.stderr and "Traceback" not in r.stderr


def test_out_folder_has_ordinary_permissions(tmp_path):
    import stat as stat_

    kept = tmp_path / "kept"
    kept.mkdir()
    kept.chmod(0o750)
    assert cli.main(["run", "--worlds", "300", "--seed", "1", "--out", str(kept)]) == 0
    assert stat_.S_IMODE(kept.stat().st_mode) == 0o750  # the replaced empty folder's own
    new = tmp_path / "new"
    assert cli.main(["run", "--worlds", "300", "--seed", "1", "--out", str(new)]) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat_.S_IMODE(new.stat().st_mode) == 0o777 & ~umask  # a plain mkdir's, not mkdtemp's 0700


def test_a_one_path_scenario_writes_no_comparison_figures_and_no_warnings(tmp_path):
    one = tmp_path / "one.toml"
    one.write_text('name = "one"\n[paths.only]\nkind = "engineer"\n')
    r = run_cli("run", str(one), "--worlds", "300", "--seed", "1", "--out", str(tmp_path / "out"))
    assert r.returncode == 0 and "Warning" not in r.stderr, r.stderr
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"fan_chart.png", "distribution_at_horizon.png"} <= written and "p_ahead.png" not in written


def test_set_name_renames_the_run_instead_of_being_refused(tmp_path):
    # the scenario's name is a label, not read by any path: it was refused as "no path reads it"
    out = tmp_path / "named"
    r = run_cli("run", "--worlds", "200", "--horizon", "3", "--seed", "1", "--set", "name=mine", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert json.loads((out / "result.json").read_text())["provenance"]["scenario"] == "mine"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["run", "--worlds", "200", "--horizon", "3", "--json"], ["scenarios"]])
def test_a_full_device_is_one_line_not_a_traceback(args):
    with open("/dev/full", "w") as full:
        r = subprocess.run([*CLI, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.strip() == "careersim: error: cannot write the output: No space left on device"


def test_out_is_checked_before_any_work(tmp_path, monkeypatch):
    """A name too long for its temporary twin, or no pyarrow for the Parquet tables, is refused
    before the simulation (both failed only after it, the second with a traceback)."""
    from careersim._output import check_out_dir

    with pytest.raises(careersim.ScenarioError, match=r"the folder's name is 240 bytes long; at most \d+ here"):
        check_out_dir(tmp_path / ("x" * 240))
    check_out_dir(tmp_path / ("x" * 200))
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(careersim.ScenarioError, match=r"needs pyarrow: pip install 'careersim\[parquet\]'"):
        check_out_dir(tmp_path / "res")

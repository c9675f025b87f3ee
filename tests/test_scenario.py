"""Scenario files: round trip, strict validation with clear errors (issue 3)."""

import dataclasses
import math

import pytest

import careersim
from careersim import Scenario, ScenarioError, load_scenario
from careersim._docs import scenarios_markdown
from careersim._scenario import SECTIONS


def test_bundled_default_loads_and_equals_code_defaults():
    s = load_scenario("default")
    assert s.name == "default"
    assert dataclasses.replace(s, name="custom", description="") == Scenario()
    assert "default" in careersim.bundled_scenarios()


@pytest.mark.parametrize("name", sorted(careersim.bundled_scenarios()))
def test_round_trip_every_bundled_scenario(name, tmp_path):
    s = load_scenario(name)
    path = tmp_path / "s.toml"
    path.write_text(s.to_toml())
    assert load_scenario(path) == s
    assert load_scenario(str(path)) == s


def test_replace_and_get_by_dotted_key():
    s = Scenario().replace({"phd.stipend_ta_usd": 45_000, "market.model": "bootstrap", "simulation.horizon_years": 30})
    assert s.get("phd.stipend_ta_usd") == 45_000.0 and isinstance(s.get("phd.stipend_ta_usd"), float)
    assert s.market.model == "bootstrap"
    assert s.simulation.horizon_years == 30
    assert hash(s) == hash(Scenario().replace({"phd.stipend_ta_usd": 45_000.0, "market.model": "bootstrap", "simulation.horizon_years": 30}))


def test_flat_lists_every_key():
    flat = Scenario().flat()
    n = sum(len(dataclasses.fields(cls)) for cls in SECTIONS.values())
    assert len(flat) == n and "layoffs.annual_layoff_hazard" in flat


BAD_VALUES = [
    ("layoffs.annual_layoff_hazard", 1.5, "[0, 1]"),
    ("phd.stipend_ta_usd", -1.0, "[0,"),
    ("phd.duration_median_years", 0.0, "[1,"),
    ("layoffs.spell_median_years", 0.0, "(0,"),
    ("finances.savings_rate", math.nan, "finite"),
    ("market.real_log_return_sd", math.inf, "finite"),
    ("simulation.horizon_years", 2.5, "integer"),
    ("simulation.horizon_years", "40", "integer"),
    ("market.model", "gaussian", "'lognormal'"),
    ("finances.savings_rate", True, "number"),
    ("regime.initial_bust_probability", None, "number"),
]


@pytest.mark.parametrize("key, value, allowed", BAD_VALUES)
def test_bad_values_name_key_value_and_allowed(key, value, allowed):
    with pytest.raises(ScenarioError) as info:
        Scenario().replace({key: value})
    msg = str(info.value)
    assert key in msg and repr(value) in msg and allowed in msg


@pytest.mark.parametrize("key, value, allowed", BAD_VALUES)
def test_bad_values_in_files(tmp_path, key, value, allowed):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        text_value = {None: "{}", math.inf: "inf"}.get(value, "nan")
    else:
        text_value = repr(value).lower() if isinstance(value, bool) else f'"{value}"' if isinstance(value, str) else repr(value)
    section, name = key.split(".")
    path = tmp_path / "bad.toml"
    path.write_text(f"[{section}]\n{name} = {text_value}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert key in str(info.value) and str(path) in str(info.value)


def test_relations_between_keys():
    with pytest.raises(ScenarioError, match="phd.ta_probability"):
        Scenario().replace({"phd.fellowship_probability": 0.8, "phd.ta_probability": 0.5})


def test_unknown_key_and_section_suggest(tmp_path):
    p = tmp_path / "typo.toml"
    p.write_text("[phd]\nstipend_ta = 40000\n")
    with pytest.raises(ScenarioError, match=r"unknown key 'phd.stipend_ta'.*did you mean 'phd.stipend_ta_usd'"):
        load_scenario(p)
    p.write_text("[layoff]\nannual_layoff_hazard = 0.1\n")
    with pytest.raises(ScenarioError, match=r"unknown section 'layoff'.*did you mean 'layoffs'"):
        load_scenario(p)
    with pytest.raises(ScenarioError, match=r"did you mean 'engineer.start_pay_usd'"):
        Scenario().replace({"engineer.start_pay": 1})
    with pytest.raises(ScenarioError, match="section.name"):
        Scenario().replace({"horizon_years": 1})


def test_missing_malformed_and_non_table_files(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[phd\nstipend = 1")
    with pytest.raises(ScenarioError, match="malformed TOML"):
        load_scenario(bad)
    bad.write_text("phd = 3\n")
    with pytest.raises(ScenarioError, match="must be a table"):
        load_scenario(bad)
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError, match="cannot read|malformed"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="neither a bundled scenario"):
        load_scenario("defualt")
    with pytest.raises(ScenarioError, match="did you mean 'default'"):
        load_scenario("defualt")


def test_scenario_files_are_data_only(tmp_path):
    # TOML has no way to run code; a string that looks like code stays a string and is refused
    p = tmp_path / "evil.toml"
    p.write_text('name = "__import__(\'os\').system(\'touch pwned\')"\n[market]\nmodel = "__import__(\'os\')"\n')
    with pytest.raises(ScenarioError, match="market.model"):
        load_scenario(p)
    assert not (tmp_path / "pwned").exists()


def test_docs_scenarios_md_is_current():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
    assert doc.read_text() == scenarios_markdown(), "docs/scenarios.md is stale: run `make docs`"

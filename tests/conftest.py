import pytest

import careersim


@pytest.fixture(scope="session")
def default_scenario() -> careersim.Scenario:
    return careersim.load_scenario("default")


@pytest.fixture(scope="session")
def small_result(default_scenario):
    return careersim.simulate(default_scenario, worlds=3_000, rng=2026)


def quiet_scenario(**changes) -> careersim.Scenario:
    """A deterministic world: no volatility, no inflation, no layoffs, no raises."""
    base = {
        "market.real_log_return_sd": 0.0,
        "market.inflation_mean": 0.0,
        "market.inflation_sd": 0.0,
        "layoffs.annual_layoff_hazard": 0.0,
        "layoffs.lab_closure_hazard": 0.0,
        "employment.real_raise": 0.0,
        "employment.promotion_probability": 0.0,
        "employment.equity_fraction": 0.0,
        "employment.start_pay_log_sd": 0.0,
        "employment.ability_pay_effect": 0.0,
        "switching.first_year_probability": 0.0,
        "regime.initial_bust_probability": 0.0,
        "regime.boom_to_bust_probability": 0.0,
    }
    base.update(changes)
    return careersim.load_scenario("default").replace(base)

"""careersim: should I do an ML PhD, an AI residency, a research-engineer job, or
independent research? A Monte Carlo model that lives all four careers in the same
simulated worlds and reports outcome distributions and paired differences.

The public names are imported on first use (PEP 562), so ``import careersim`` (and the
``careersim`` command's start-up) does not load numpy, pandas or matplotlib until needed.

Examples
--------
>>> import careersim
>>> result = careersim.simulate(careersim.load_scenario("default"), worlds=2_000, rng=42)
>>> result.careers
('phd', 'residency', 'engineer', 'independent')
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
__version__ = "0.1.0"

#: public name -> the module that defines it (a module's own name: the submodule itself)
_SOURCES = {
    # scenario -> simulation -> results
    "simulate": "._engine",
    "income_tax": "._finances",
    "living_costs_usd": "._finances",
    "PLACE_IDS": "._places",
    "PLACE_NAMES": "._places",
    "Place": "._places",
    "load_places": "._places",
    "ResultsFileError": "._output",
    "read_results": "._output",
    "ArgumentError": "._params",
    "ScenarioError": "._params",
    "Comparison": "._results",
    "Result": "._results",
    "SECTIONS": "._scenario",
    "Scenario": "._scenario",
    "bundled_scenarios": "._scenario_io",
    "load_scenario": "._scenario_io",
    "SummaryResult": "._streaming",
    "simulate_summary": "._streaming",
    "CAREERS": ".careers",
    "STATUS_NAMES": ".careers",
    # analyses built on results (submodules are public too: careersim.claims, .decision, .sensitivity)
    "claims": ".claims",
    "decision": ".decision",
    "sensitivity": ".sensitivity",
    "uncertainty": ".uncertainty",
    "lenses": ".lenses",
    "LENSES": "._results",
    "Prior": "._params",
    "lens_table": ".lenses",
    "value_of_information": ".uncertainty",
    "variance_breakdown": ".uncertainty",
    "sweep": "._sweep",
    "Checkpoint": ".claims",
    "Estimate": ".claims",
    "Lever": ".claims",
    "MoneyClaim": ".claims",
    "breakthrough_effect": ".claims",
    "claim_outputs": ".claims",
    "default_levers": ".claims",
    "money_claim": ".claims",
    "smallest_overturning_changes": ".claims",
    "Decision": ".decision",
    "DimensionScores": ".decision",
    "ScoreModel": ".decision",
    "certainty_equivalent": ".decision",
    "decide": ".decision",
    "score_worlds": ".decision",
    "SobolResult": ".sensitivity",
    "Tornado": ".sensitivity",
    "sobol": ".sensitivity",
    "tornado": ".sensitivity",
}

__all__ = [
    # the engine
    "ArgumentError",
    "CAREERS",
    "PLACE_IDS",
    "PLACE_NAMES",
    "Place",
    "SECTIONS",
    "STATUS_NAMES",
    "Comparison",
    "Result",
    "ResultsFileError",
    "Scenario",
    "ScenarioError",
    "SummaryResult",
    "bundled_scenarios",
    "income_tax",
    "living_costs_usd",
    "load_places",
    "load_scenario",
    "read_results",
    "simulate",
    "simulate_summary",
    # the money claim
    "claims",
    "Checkpoint",
    "Estimate",
    "Lever",
    "MoneyClaim",
    "breakthrough_effect",
    "claim_outputs",
    "default_levers",
    "money_claim",
    "smallest_overturning_changes",
    # assumptions, lenses, what is worth learning
    "LENSES",
    "Prior",
    "lenses",
    "lens_table",
    "uncertainty",
    "value_of_information",
    "variance_breakdown",
    # beyond money, sensitivity, sweeps
    "decision",
    "sensitivity",
    "Decision",
    "DimensionScores",
    "ScoreModel",
    "SobolResult",
    "Tornado",
    "certainty_equivalent",
    "decide",
    "score_worlds",
    "sobol",
    "sweep",
    "tornado",
]


def __getattr__(name: str) -> object:
    """Import a public name on first use and keep it in the namespace."""
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'careersim' has no attribute {name!r}")
    module = importlib.import_module(source, __name__)
    value = module if source == f".{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what type checkers and editors see: the eager imports
    from . import claims, decision, sensitivity  # noqa: F401
    from ._engine import simulate  # noqa: F401
    from ._finances import income_tax, living_costs_usd  # noqa: F401
    from ._places import PLACE_IDS, PLACE_NAMES, Place, load_places  # noqa: F401
    from ._output import ResultsFileError, read_results  # noqa: F401
    from ._params import ArgumentError, ScenarioError  # noqa: F401
    from ._results import Comparison, Result  # noqa: F401
    from ._scenario import SECTIONS, Scenario  # noqa: F401
    from ._scenario_io import bundled_scenarios, load_scenario  # noqa: F401
    from ._streaming import SummaryResult, simulate_summary  # noqa: F401
    from ._sweep import sweep  # noqa: F401
    from .careers import CAREERS, STATUS_NAMES  # noqa: F401
    from .claims import Checkpoint, Estimate, Lever, MoneyClaim, breakthrough_effect, claim_outputs, default_levers, money_claim, smallest_overturning_changes  # noqa: F401
    from .decision import Decision, DimensionScores, ScoreModel, certainty_equivalent, decide, score_worlds  # noqa: F401
    from .sensitivity import SobolResult, Tornado, sobol, tornado  # noqa: F401
del TYPE_CHECKING

"""careersim: should I do an ML PhD, an AI residency, a research-engineer job, or
independent research? A Monte Carlo model that lives all four careers in the same
simulated worlds and reports outcome distributions and paired differences.

Examples
--------
>>> import careersim
>>> result = careersim.simulate(careersim.load_scenario("default"), worlds=2_000, rng=42)
>>> result.careers
('phd', 'residency', 'engineer', 'independent')
"""

from __future__ import annotations

# scenario -> simulation -> results
from ._engine import simulate
from ._finances import income_tax
from ._output import ResultsFileError, read_results
from ._params import ScenarioError
from ._results import Comparison, Result
from ._scenario import SECTIONS, Scenario
from ._scenario_io import bundled_scenarios, load_scenario
from ._streaming import SummaryResult, simulate_summary
from .careers import CAREERS, STATUS_NAMES

# analyses built on results (submodules are public too: careersim.claims, .decision, .sensitivity)
from . import claims, decision, sensitivity  # noqa: I001
from ._sweep import sweep
from .claims import Checkpoint, Estimate, Lever, MoneyClaim, breakthrough_effect, claim_outputs, default_levers, money_claim, smallest_overturning_changes
from .decision import Decision, DimensionScores, ScoreModel, certainty_equivalent, decide, score_worlds
from .sensitivity import SobolResult, Tornado, sobol, tornado

__version__ = "0.1.0"

__all__ = [
    # the engine
    "CAREERS",
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

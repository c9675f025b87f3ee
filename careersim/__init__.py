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

from ._engine import simulate
from ._finances import income_tax
from ._output import ResultsFileError, read_results
from ._params import ScenarioError
from ._results import Comparison, Result
from ._scenario import SECTIONS, Scenario
from ._scenario_io import bundled_scenarios, load_scenario
from ._streaming import SummaryResult, simulate_summary
from ._sweep import sweep
from . import claims  # noqa: E402
from .claims import Checkpoint, Estimate, Lever, MoneyClaim, breakthrough_effect, claim_outputs, default_levers, money_claim, smallest_overturning_changes
from . import decision, sensitivity  # noqa: E402  (submodules, also reachable as careersim.decision)
from .decision import Decision, DimensionScores, ScoreModel, certainty_equivalent, decide, score_worlds
from .sensitivity import SobolResult, Tornado, sobol, tornado
from .careers import CAREERS, STATUS_NAMES

__version__ = "0.1.0"

__all__ = [
    "CAREERS",
    "Checkpoint",
    "Estimate",
    "Lever",
    "MoneyClaim",
    "breakthrough_effect",
    "claim_outputs",
    "claims",
    "default_levers",
    "money_claim",
    "smallest_overturning_changes",
    "Decision",
    "DimensionScores",
    "ScoreModel",
    "SobolResult",
    "Tornado",
    "certainty_equivalent",
    "decide",
    "decision",
    "score_worlds",
    "sensitivity",
    "sobol",
    "sweep",
    "tornado",
    "SECTIONS",
    "STATUS_NAMES",
    "Comparison",
    "Result",
    "Scenario",
    "ResultsFileError",
    "ScenarioError",
    "SummaryResult",
    "bundled_scenarios",
    "income_tax",
    "load_scenario",
    "read_results",
    "simulate",
    "simulate_summary",
]

"""Beyond money: a weighted decision over the verdict's dimensions, and risk-adjusted wealth.

The seed essay "Five years after skipping a PhD" ends with a verdict table over ten
dimensions and the remark that "a few different weightings on each feature would be
enough to change the decision". This module makes that remark computable:

1. :func:`score_worlds` gives every career a score on each dimension in every simulated
   world (0-10, the ML PhD at par, 5). Every non-money score is a **judgement**: a verbal
   verdict relative to the PhD on one published scale (:data:`VERBAL_SCALE`, the CGI-I
   seven-point scale; :data:`ESSAY_VERDICTS` maps the essay's own words onto it), each with
   the essay argument it comes from (:data:`DEFAULT_PRIORS`, docs/decision.md). The same
   world facts that set the money move the scores: advisor quality and the funding source
   (unconditional funding is freedom) feed freedom, research ability, mentorship, mental
   health and becoming a research lead; attrition and lapsed grants pull the PhD and
   independent research toward an engineering job; unemployment costs mental health; the
   years a path takes to make a research lead can carry a time value. Money is the simulated
   net worth through a bounded, monotone CRRA score (:func:`money_scores`).
2. :func:`decide` weighs the dimensions with the user's weights: a decision score per
   world, P(each career is best), the expected score with its Monte Carlo standard error,
   and :meth:`Decision.flips`, the smallest weight changes that change the choice.
3. :func:`certainty_equivalent`: wealth a risk-averse person would take for certain
   instead of a career's distribution of net worth (CRRA utility, user-set risk aversion).

Nothing here imports matplotlib or ipywidgets: figures are in :mod:`careersim.plotting`
(``plot_decision``, ``plot_certainty_equivalent``, ``plot_scores``) and the sliders live in
the notebook ``notebooks/beyond_money.ipynb``. The implementation is split over
``_decision_dims`` (dimensions, scale, priors), ``_decision_risk`` (certainty equivalents,
money score) and ``_decision_scores`` (scores per world).

Examples
--------
>>> import careersim
>>> from careersim import decision
>>> result = careersim.simulate(worlds=2_000, rng=1)
>>> scores = decision.score_worlds(result, rng=2)
>>> d = decision.decide(scores, {"money": 1.0, "research_lead": 3.0})
>>> d.choice
'phd'
"""

from __future__ import annotations



from ._decision_dims import (
    DEFAULT_WEIGHTS,
    DIMENSION_LABELS,
    DIMENSIONS,
    ESSAY_VERDICTS,
    EXTRA_DIMENSIONS,
    PAR,
    STEP_POINTS,
    VERBAL_SCALE,
    VERDICT_DIMENSIONS,
    Prior,
    score_of,
)
from ._decision_dims import DEFAULT_PRIORS
from ._decision_risk import MONEY_SCORE_QUANTILES, certainty_equivalent, crra_certainty_equivalent, money_scores
from ._decision_scores import DimensionScores, ScoreModel, score_worlds
from ._decision_weigh import Decision, check_weights, decide
from ._params import ScenarioError  # noqa: F401  (tests reach it here)
from .careers import CAREERS, STATUS_NAMES  # noqa: F401  (re-exported for callers of the old module)

__all__ = [
    "DEFAULT_PRIORS",
    "DEFAULT_WEIGHTS",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "ESSAY_VERDICTS",
    "EXTRA_DIMENSIONS",
    "MONEY_SCORE_QUANTILES",
    "PAR",
    "STEP_POINTS",
    "VERBAL_SCALE",
    "VERDICT_DIMENSIONS",
    "Decision",
    "DimensionScores",
    "Prior",
    "ScoreModel",
    "certainty_equivalent",
    "check_weights",
    "crra_certainty_equivalent",
    "decide",
    "money_scores",
    "score_of",
    "score_worlds",
]


# -- the weighted decision -----------------------------------------------------------------------

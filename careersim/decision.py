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

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

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
from ._decision_risk import MONEY_SCORE_QUANTILES, _finite, certainty_equivalent, crra_certainty_equivalent, money_scores
from ._decision_scores import DimensionScores, ScoreModel, score_worlds
from ._params import ScenarioError
from ._results import mean_with_se, proportion_with_se
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
def check_weights(weights: Mapping[str, float] | None) -> np.ndarray:
    """Validate user weights: a mapping from dimension to a number >= 0, not all zero.

    Missing dimensions get weight 0. Returns the weights as a ``(dimension,)`` array in
    :data:`DIMENSIONS` order.
    """
    if weights is None:
        weights = DEFAULT_WEIGHTS
    if not isinstance(weights, Mapping):
        raise ScenarioError(f"weights = {weights!r}: must be a mapping from dimension to weight, e.g. {{'money': 1.0, 'freedom': 2.0}}")
    out = np.zeros(len(DIMENSIONS))
    for key, value in weights.items():
        if key not in DIMENSIONS:
            raise ScenarioError(f"weights: unknown dimension {key!r}; allowed: {', '.join(DIMENSIONS)}")
        _finite(f"weights[{key!r}]", value, low=0.0)
        out[DIMENSIONS.index(key)] = float(value)
    if not out.sum() > 0:
        raise ScenarioError(f"weights = {dict(weights)!r}: at least one weight must be > 0")
    return out


@dataclasses.dataclass(frozen=True)
class Decision:
    """The weighted decision over careers, world by world.

    Attributes
    ----------
    careers
        Career ids, the first axis of ``score``.
    weights
        ``{dimension: weight}`` as given (0 for dimensions not given).
    score
        ``(career, world)`` decision score: the weighted mean of the dimension scores
        (on the 0-10 scale).
    dimension_means
        ``(career, dimension)`` mean score over worlds.
    """

    careers: tuple[str, ...]
    weights: dict[str, float]
    score: np.ndarray
    dimension_means: np.ndarray

    @property
    def weight_vector(self) -> np.ndarray:
        return np.array([self.weights[d] for d in DIMENSIONS])

    @property
    def expected(self) -> np.ndarray:
        """``(career,)`` expected decision score."""
        return self.score.mean(axis=1)

    @property
    def choice(self) -> str:
        """The career with the highest expected decision score."""
        return self.careers[int(np.argmax(self.expected))]

    def best_mask(self) -> np.ndarray:
        """``(career, world)`` True where the career scores highest in that world (ties: first)."""
        best = np.argmax(self.score, axis=0)
        return best[None, :] == np.arange(len(self.careers))[:, None]

    def summary(self) -> pd.DataFrame:
        """One row per career: ``career, expected_score, se, p_best, p_best_se, rank``.

        ``se`` is the Monte Carlo standard error of the expected score; ``p_best`` is the
        share of worlds in which the career has the highest decision score, with its
        binomial standard error; rank 1 = highest expected score (the choice).
        """
        mean, se = mean_with_se(self.score, axis=1)
        p, p_se = proportion_with_se(self.best_mask(), axis=1)
        out = pd.DataFrame({"career": list(self.careers), "expected_score": mean, "se": se, "p_best": p, "p_best_se": p_se})
        out["rank"] = out["expected_score"].rank(ascending=False, method="min").astype(int)
        return out

    def margin(self) -> pd.DataFrame:
        """Paired margin of the choice over every other career: mean score difference per
        world with its standard error, and P(choice scores higher in the same world)."""
        b = self.careers.index(self.choice)
        rows = []
        for k, c in enumerate(self.careers):
            if k == b:
                continue
            d = self.score[b] - self.score[k]
            m, s = mean_with_se(d)
            p, ps = proportion_with_se(d > 0)
            rows.append({"choice": self.choice, "other": c, "margin": float(m), "se": float(s), "p_choice_higher": float(p), "p_choice_higher_se": float(ps)})
        return pd.DataFrame(rows)

    def flips(self) -> pd.DataFrame:
        """The smallest weight changes that change the choice (the expected-score winner).

        Expected scores are linear in the weights, so the flip points are exact (given
        the sampled dimension means). Two kinds of rows:

        * ``kind == "one_weight"``: change one dimension's weight, all others fixed, until
          ``to_career`` ties the current choice (any further move flips). Infeasible
          moves (a weight would go below zero) are left out.
        * ``kind == "all_weights"``: the smallest total change (L1) over all weights at
          once that makes ``to_career`` tie, from a linear program (weights stay >= 0);
          one row per dimension whose weight moves, ``total_change`` on each.

        Returns
        -------
        DataFrame
            ``kind, choice, to_career, dimension, weight, new_weight, change,
            relative_change, total_change``; ``relative_change`` is the change as a share
            of the current total weight. Sorted by kind, then ``|change|``.
        """
        from scipy.optimize import linprog

        w = self.weight_vector
        total = w.sum()
        b = self.careers.index(self.choice)
        rows = []
        for k, c in enumerate(self.careers):
            if k == b:
                continue
            g = self.dimension_means[k] - self.dimension_means[b]
            gap = float(w @ g)  # <= 0: c is behind by -gap weighted points
            for di, dim in enumerate(DIMENSIONS):
                if g[di] == 0:
                    continue
                change = -gap / g[di]
                new = w[di] + change
                if new < 0:
                    continue
                rows.append({"kind": "one_weight", "choice": self.choice, "to_career": c, "dimension": dim, "weight": w[di], "new_weight": new, "change": change, "relative_change": change / total, "total_change": abs(change)})
            # min sum(p + n) s.t. (w + p - n) . g >= 0, 0 <= n <= w, p >= 0
            D = len(DIMENSIONS)
            res = linprog(
                c=np.ones(2 * D),
                A_ub=-np.concatenate([g, -g])[None, :],
                b_ub=[gap],
                bounds=[(0, None)] * D + [(0, float(wi)) for wi in w],
                method="highs",
            )
            if res.status == 0:
                delta = res.x[:D] - res.x[D:]
                for di, dim in enumerate(DIMENSIONS):
                    if abs(delta[di]) > 1e-12 * max(total, 1.0):
                        rows.append({"kind": "all_weights", "choice": self.choice, "to_career": c, "dimension": dim, "weight": w[di], "new_weight": w[di] + delta[di], "change": delta[di], "relative_change": delta[di] / total, "total_change": float(np.abs(delta).sum())})
        columns = ["kind", "choice", "to_career", "dimension", "weight", "new_weight", "change", "relative_change", "total_change"]
        out = pd.DataFrame(rows, columns=columns)
        if out.empty:
            return out
        out["_order"] = out["kind"].map({"one_weight": 0, "all_weights": 1})
        out = out.sort_values(["_order", "total_change", "to_career"], kind="stable").drop(columns="_order")
        return out.reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """Long format: ``career, world, score``."""
        C, W = self.score.shape
        return pd.DataFrame({"career": np.repeat(list(self.careers), W), "world": np.tile(np.arange(W), C), "score": self.score.reshape(-1)})


def decide(scores: DimensionScores, weights: Mapping[str, float] | None = None) -> Decision:
    """Weigh the dimensions: a decision score per world and career.

    Parameters
    ----------
    scores
        From :func:`score_worlds`.
    weights
        ``{dimension: weight >= 0}``; missing dimensions weigh 0; only ratios matter.
        Default :data:`DEFAULT_WEIGHTS` (the ten verdict rows equally).

    Returns
    -------
    Decision
        ``score`` ``(career, world)`` = sum of weight x score / sum of weights.

    Examples
    --------
    >>> import careersim
    >>> from careersim.decision import score_worlds, decide
    >>> r = careersim.simulate(worlds=1_000, rng=5)
    >>> d = decide(score_worlds(r, rng=6), {"money": 1.0})
    >>> d.summary().columns.tolist()
    ['career', 'expected_score', 'se', 'p_best', 'p_best_se', 'rank']
    """
    if not isinstance(scores, DimensionScores):
        raise ScenarioError(f"scores = {type(scores).__name__}: must be the DimensionScores returned by score_worlds")
    w = check_weights(weights)
    score = np.einsum("d,cdw->cw", w / w.sum(), scores.values)
    return Decision(
        careers=scores.careers,
        weights={d: float(w[i]) for i, d in enumerate(DIMENSIONS)},
        score=score,
        dimension_means=scores.values.mean(axis=2),
    )

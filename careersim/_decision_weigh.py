"""The weighted decision: a score per world from the user's weights, and its flips.

Re-exported by :mod:`careersim.decision`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ._decision_dims import DEFAULT_WEIGHTS, DIMENSIONS
from ._decision_risk import _finite
from ._params import ScenarioError
from ._results import mean_with_se, p_best_with_se, proportion_with_se


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
    if not out.max() > 0:
        raise ScenarioError(f"weights = {dict(weights)!r}: at least one weight must be > 0")
    if out.max() > np.finfo(float).max / len(out):  # their sum could overflow
        raise ScenarioError(f"weights = {dict(weights)!r}: their sum is beyond any float; only their ratios matter, so give smaller numbers (e.g. 1 and 2)")
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
        share of worlds in which the career has the highest decision score (a tie shared
        between the tied careers), with its standard error; rank 1 = highest expected score (the choice).
        """
        mean, se = mean_with_se(self.score, axis=1)
        p, p_se = p_best_with_se(self.score)  # money scores tie at their cap of 10
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
          ``to_career`` ties the best of all careers (any further move makes it the choice;
          a career that another overtakes first along that move is not listed). Infeasible
          moves (a weight would go below zero, or every weight to zero) are left out.
        * ``kind == "all_weights"``: the smallest total change (L1) over all weights at
          once, their sum kept, that makes ``to_career`` tie the best, from a linear
          program (weights stay >= 0); one row per dimension whose weight moves,
          ``total_change`` on each.

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
        m = self.dimension_means
        D = len(DIMENSIONS)
        rows = []
        for k, c in enumerate(self.careers):
            if k == b:
                continue
            # to flip to c, c must tie the best of all careers, not only the current choice
            # (another career can overtake first): (w + change) . (m_c - m_j) >= 0 for every j
            g = np.array([m[k] - m[j] for j in range(len(self.careers)) if j != k])  # (other, dimension)
            ahead = g @ w  # c's current lead over each other career (negative: behind)
            for di, dim in enumerate(DIMENSIONS):
                lo, hi = -w[di], np.inf  # the weight stays >= 0
                col = g[:, di]
                if np.any((col == 0) & (ahead < 0)):
                    continue  # behind someone this weight cannot move
                up, down = col > 0, col < 0
                if up.any():
                    lo = max(lo, float(np.max(-ahead[up] / col[up])))
                if down.any():
                    hi = min(hi, float(np.min(-ahead[down] / col[down])))
                if lo > hi or lo <= 0 <= hi:
                    continue  # no such change, or c already ties the best
                change = lo if lo > 0 else hi
                new = w[di] + change
                if new <= 0 and not np.delete(w, di).any():
                    continue  # every weight zero: no decision at all
                rows.append({"kind": "one_weight", "choice": self.choice, "to_career": c, "dimension": dim, "weight": w[di], "new_weight": new, "change": change, "relative_change": change / total, "total_change": abs(change)})
            # min sum(p + q) s.t. (w + p - q) . (m_c - m_j) >= 0 for every j, 0 <= q <= w, p >= 0,
            # and sum(p - q) = 0: the total weight kept (only ratios matter, and a total of zero,
            # every weight removed, is no weighting: it "tied" every career before)
            res = linprog(
                c=np.ones(2 * D),
                A_ub=-np.concatenate([g, -g], axis=1),
                b_ub=ahead,
                A_eq=np.concatenate([np.ones(D), -np.ones(D)])[None, :],
                b_eq=[0.0],
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


def decide(scores: Any, weights: Mapping[str, float] | None = None) -> Decision:
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
    if not (hasattr(scores, "careers") and getattr(getattr(scores, "values", None), "ndim", 0) == 3):
        raise ScenarioError(f"scores = {type(scores).__name__}: must be the DimensionScores returned by score_worlds")
    w = check_weights(weights)
    score = np.einsum("d,cdw->cw", w / w.sum(), scores.values)
    return Decision(
        careers=scores.careers,
        weights={d: float(w[i]) for i, d in enumerate(DIMENSIONS)},
        score=score,
        dimension_means=scores.values.mean(axis=2),
    )

"""Checking a money claim against simulated careers, and searching for what would overturn it.

The claim checked here is the "Money: Much better" row of the seed essay "five years after
skipping a PhD": 5-6 years of ML-engineer salary plus index-fund compounding get you more
than most post-PhD jobs, unless a breakthrough starts a bidding war. careersim lives both
careers in the same worlds, so every statistic is about the **paired** difference

    lead = net worth of the industry path - net worth of the PhD path   (same world)

in real dollars of the scenario's ``currency_year``. "Industry ahead" means ``lead > 0``;
"much" is answered as *how much* (median lead, median ratio, P(ahead by a margin)).

The layers, each in its own private module and re-exported here:

* :func:`money_claim` -- the claim's statistics from one :class:`~careersim.Result`, as a
  typed :class:`MoneyClaim` with a Monte Carlo standard error on every estimate
  (``careersim._claim_stats``); :func:`claim_headline` and :func:`claim_document` give its
  headline as text and as JSON;
* :func:`breakthrough_effect` -- the same worlds rerun with no breakthroughs, world by world;
* :class:`Lever` and :data:`LEVERS` -- the levers of the overturning search, one entry each,
  with their documented plausible ranges (``careersim._claim_levers``);
* :func:`smallest_overturning_changes` and :func:`overturning_frontier` -- one lever at a time,
  and two at once, with common random numbers (``careersim._claim_search``);
* :func:`claim_outputs` -- the tables and figures for ``careersim run --out``.

The figures are drawn by the claim's ``plot_*`` functions in :mod:`careersim.plotting`.
"""

from __future__ import annotations

from ._claim_levers import LEVERS, Lever, default_levers, lever
from ._claim_outputs import claim_outputs
from ._claim_search import Criterion, overturning_frontier, smallest_overturning_changes
from ._claim_search import _illinois  # noqa: F401  (tests reach it here)
from ._claim_stats import (
    CLAIM,
    DEFAULT_MARGIN,
    NAN,
    Checkpoint,
    Estimate,
    MoneyClaim,
    ahead_by_margin,
    breakthrough_effect,
    claim_document,
    claim_headline,
    money_claim,
)
from ._claim_stats import _check_pair, _check_years  # noqa: F401
from ._format import MINUS, format_change, format_estimate, format_share, format_usd, format_value, markdown

__all__ = [
    "CLAIM",
    "DEFAULT_MARGIN",
    "LEVERS",
    "MINUS",
    "NAN",
    "Checkpoint",
    "Criterion",
    "Estimate",
    "Lever",
    "MoneyClaim",
    "ahead_by_margin",
    "breakthrough_effect",
    "claim_document",
    "claim_headline",
    "claim_outputs",
    "default_levers",
    "format_change",
    "format_estimate",
    "format_share",
    "format_usd",
    "format_value",
    "lever",
    "markdown",
    "money_claim",
    "overturning_frontier",
    "smallest_overturning_changes",
]

"""Everything the money claim writes for ``careersim run --out``: tables and figures.

Apart from :mod:`careersim.claims` so that the statistics never import the drawing code
(:mod:`careersim.plotting` imports the statistics, not the other way round).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._claim_search import smallest_overturning_changes
from ._claim_stats import breakthrough_effect, check_ages, money_claim
from ._engine import simulate
from ._results import Result

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def claim_outputs(
    result: Result,
    *,
    phd: str = "phd",
    industry: str = "residency",
    search: bool | None = None,
    search_ages: Sequence[int] = (45, 65),
    search_worlds: int = 4_096,
) -> dict[str, dict[str, Any]]:
    """Tables and figures of the money claim for ``careersim run --out``.

    Parameters
    ----------
    result
        A simulation with both careers; its recorded seed (``seed_entropy``,
        ``seed_spawn_key``) reproduces its worlds for the rerun and the search.
    phd, industry
        Career ids compared.
    search
        Run :func:`smallest_overturning_changes` (a few seconds); default: only for the
        bundled ``money-much-better`` scenario.
    search_ages, search_worlds
        Ages and worlds per evaluation for the search.

    The claim is checked at years 5 and 6 and ages 35, 45 and 65; ages past the horizon
    give way to the horizon's last age (so ``default``, to age 62, is checked at 62).

    Returns
    -------
    dict
        ``{"tables": {stem: DataFrame}, "figures": {file name: draw}}`` where each ``draw``
        takes a matplotlib Axes, draws into it and returns it. Tables: ``claim``
        (:meth:`MoneyClaim.to_frame`), ``claim_catch_up`` (first age the PhD catches up),
        ``claim_breakthrough`` (:func:`breakthrough_effect`, the same worlds rerun without
        bidding wars) and, with the search, ``claim_overturning``.
    """
    search_ages = check_ages(search_ages, "search_ages")
    last = int(result.ages[-1])
    within = lambda ages: tuple(a for a in ages if result.ages[0] <= a < last) + (min(max(ages), last),)  # noqa: E731
    ages = within((35, 45, 65))
    claim = money_claim(result, phd=phd, industry=industry, claim_years=[y for y in (5, 6) if y <= result.horizon_years] or [result.horizon_years], ages=ages)
    seed = np.random.SeedSequence(result.seed_entropy, spawn_key=result.seed_spawn_key) if result.seed_entropy is not None else None
    tables: dict[str, pd.DataFrame] = {
        "claim": claim.to_frame(),
        "claim_catch_up": result.compare(phd, industry).catch_up(),
    }
    counterfactual = None
    if seed is not None:
        # the same worlds without bidding wars; careers other than the PhD are copied
        counterfactual = simulate(result.scenario.replace({"phd.breakthrough_probability": 0.0}), worlds=result.worlds, rng=seed, careers=(phd, industry), reuse=result,
                                    assumptions=result.assumptions)
        tables["claim_breakthrough"] = breakthrough_effect(result, counterfactual, phd=phd, industry=industry, ages=ages)
    if search is None:
        search = result.scenario.name == "money-much-better"
    if search:
        tables["claim_overturning"] = smallest_overturning_changes(
            result.scenario, ages=within(search_ages), phd=phd, industry=industry, worlds=search_worlds, rng=seed
        )
    from . import plotting

    figures: dict[str, Callable[[Axes], Axes]] = {}
    for c in claim.checkpoints:
        figures[f"claim_lead_{c.label.replace(' ', '_')}.png"] = lambda ax, y=c.year: plotting.plot_lead_distribution(result, year=y, phd=phd, industry=industry, ax=ax)
    figures["claim_p_industry_ahead.png"] = lambda ax: plotting.plot_p_industry_ahead(result, phd=phd, industry=industry, claim_years=claim.claim_years, ax=ax)
    figures["claim_catch_up.png"] = lambda ax: plotting.plot_catch_up_distribution(result, phd=phd, industry=industry, ax=ax)
    figures["claim_breakthrough_tail.png"] = lambda ax: plotting.plot_breakthrough_tail(result, counterfactual, phd=phd, industry=industry, ax=ax)
    if "claim_overturning" in tables:
        figures["claim_overturning.png"] = lambda ax: plotting.plot_overturning(tables["claim_overturning"], ax=ax)
    return {"tables": tables, "figures": figures}

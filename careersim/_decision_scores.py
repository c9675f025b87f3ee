"""Scores per world: every career on every dimension, tied to the simulated worlds.

Re-exported by :mod:`careersim.decision`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._decision_dims import DEFAULT_PRIORS, DIMENSIONS, Prior
from ._decision_risk import _finite, money_scores
from ._draws import root_seed_sequence
from ._params import ScenarioError
from ._results import Result, check_independent_worlds, mean_with_se, quantiles_with_se
from .careers import CAREERS, STATUS_NAMES

if TYPE_CHECKING:
    from ._decision_weigh import Decision

@dataclasses.dataclass(frozen=True, kw_only=True)
class ScoreModel:
    """How careers score on each dimension in each world: priors plus world effects.

    Every field is a plain number (or the tuple of :class:`Prior`), so the model is
    hashable and ``dataclasses.replace`` works, as sliders need. The effects are in score
    points; see docs/decision.md for the argument behind each.

    Attributes
    ----------
    priors
        One :class:`Prior` per career and non-money dimension.
    window_years
        The years over which the path is judged ("5-6 years is about the length of a
        computer science PhD"): unemployment and time in the path's defining state are
        counted over the first ``window_years`` years.
    advisor_research_ability, advisor_freedom, advisor_mentorship, advisor_mental_health, advisor_research_lead
        PhD score points per unit of ``Result.facts["advisor_quality"]`` (1 = one sd in
        the default scenario): the same draw that set the PhD's length, attrition and
        outcome.
    fellowship_freedom, ta_freedom
        PhD freedom points for fellowship / TA funding (advisor-grant funding: 0).
    fellowship_direction, advisor_grant_direction
        PhD research-direction points for fellowship / advisor-grant funding (TA: 0).
    breakthrough_reputation, breakthrough_confidence
        PhD points in worlds where the PhD produced a breakthrough (the bidding-war tail).
    ability_confidence, ability_research_ability
        Points per sd of the person's latent research ability (``facts["ability"]``), every career.
    unemployment_mental_health
        Points per year spent unemployed within the window, every career.
    blend_toward_engineer
        If True, a PhD left early (attrition) and independent research whose grants lapse
        are scored as a mix of their own priors and the engineer's, in proportion to the
        share of the window spent as a student / grant-funded.
    lead_points_per_year
        The time value of becoming a research lead ("it typically takes around 5 years to
        gain the requisite skills and experience", Gleave et al.): research-lead points lost
        per year a path takes beyond 5 years (gained per year under 5). 0 (the default):
        time does not matter. The PhD's years are the simulated ones, world by world (a PhD
        left early counts its years plus ``lead_years_engineer``).
    lead_years_residency, lead_years_engineer, lead_years_independent
        Years each other path takes to make a research lead, if it does (judgements; the
        residency "may be faster", Gleave).
    money_age
        Age at which net worth is scored for money (None: the horizon).
    risk_aversion
        CRRA coefficient of the money utility (0 = risk neutral, 1 = log).
    wealth_floor_usd
        Added to net worth before the utility (see :func:`crra_certainty_equivalent`).
    """

    priors: tuple[Prior, ...] = DEFAULT_PRIORS
    window_years: int = 6
    advisor_research_ability: float = 1.5
    advisor_freedom: float = 0.5
    advisor_mentorship: float = 1.5
    advisor_mental_health: float = 0.8
    advisor_research_lead: float = 1.0
    fellowship_freedom: float = 1.5
    ta_freedom: float = -1.0
    fellowship_direction: float = 1.0
    advisor_grant_direction: float = -0.5
    breakthrough_reputation: float = 3.0
    breakthrough_confidence: float = 1.0
    ability_confidence: float = 0.5
    ability_research_ability: float = 0.5
    unemployment_mental_health: float = -1.0
    blend_toward_engineer: bool = True
    lead_points_per_year: float = 0.0
    lead_years_residency: float = 4.0
    lead_years_engineer: float = 7.0
    lead_years_independent: float = 6.0
    money_age: int | None = None
    risk_aversion: float = 1.0
    wealth_floor_usd: float = 100_000.0

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.name == "priors":
                if not isinstance(v, tuple) or not all(isinstance(p, Prior) for p in v):
                    raise ScenarioError("ScoreModel.priors: must be a tuple of Prior")
                cells = {(p.career, p.dimension) for p in v}
                missing = [(c, d) for c in CAREERS for d in DIMENSIONS if d != "money" and (c, d) not in cells]
                if missing or len(cells) != len(v):
                    raise ScenarioError(f"ScoreModel.priors: need exactly one Prior per career and non-money dimension; missing {missing[:3]}{'...' if len(missing) > 3 else ''}")
            elif f.name == "blend_toward_engineer":
                if not isinstance(v, bool):
                    raise ScenarioError(f"ScoreModel.blend_toward_engineer = {v!r}: must be True or False")
            elif f.name in ("window_years", "money_age"):
                _finite(f"ScoreModel.{f.name}", v, low=1, allow_none=f.name == "money_age")
                if v is not None and int(v) != v:
                    raise ScenarioError(f"ScoreModel.{f.name} = {v!r}: must be a whole number")
                object.__setattr__(self, f.name, None if v is None else int(v))
            else:
                low = 0.0 if f.name in ("risk_aversion", "wealth_floor_usd", "lead_points_per_year") or f.name.startswith("lead_years_") else None
                object.__setattr__(self, f.name, float(_finite(f"ScoreModel.{f.name}", v, low=low)))

    def prior(self, career: str, dimension: str) -> Prior:
        """The :class:`Prior` of one cell."""
        for p in self.priors:
            if p.career == career and p.dimension == dimension:
                return p
        raise ScenarioError(f"no prior for career {career!r}, dimension {dimension!r}; careers: {', '.join(CAREERS)}; non-money dimensions: {', '.join(d for d in DIMENSIONS if d != 'money')}")

    def with_prior(self, career: str, dimension: str, *, mean: float | None = None, sd: float | None = None, source: str | None = None) -> ScoreModel:
        """A copy with one cell's mean and/or sd changed.

        Examples
        --------
        >>> from careersim.decision import ScoreModel
        >>> ScoreModel().with_prior("phd", "social_life", mean=7).prior("phd", "social_life").mean
        7.0
        """
        old = self.prior(career, dimension)
        new = dataclasses.replace(old, mean=old.mean if mean is None else mean, sd=old.sd if sd is None else sd, source=old.source if source is None else source,
                                  verdict=old.verdict if mean is None else "")
        return dataclasses.replace(self, priors=tuple(new if p is old else p for p in self.priors))

    def table(self) -> pd.DataFrame:
        """The priors as a tidy table: ``career, dimension, kind, verdict, mean, sd, source``;
        ``kind`` is "judgement" for every prior and "simulated" for money."""
        rows = []
        for c in CAREERS:
            for d in DIMENSIONS:
                if d == "money":
                    rows.append({"career": c, "dimension": d, "kind": "simulated", "verdict": "", "mean": np.nan, "sd": np.nan, "source": "simulated net worth through a bounded CRRA utility (score_worlds)"})
                else:
                    p = self.prior(c, d)
                    rows.append({"career": c, "dimension": d, "kind": "judgement", "verdict": p.verdict, "mean": p.mean, "sd": p.sd, "source": p.source})
        return pd.DataFrame(rows)




# -- scores per world -----------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DimensionScores:
    """Every career's score on every dimension in every world.

    Attributes
    ----------
    careers
        Career ids, the first axis of ``values``.
    dimensions
        Dimension ids, the second axis (always :data:`DIMENSIONS`).
    values
        ``(career, dimension, world)`` scores: 0-10 with 5 = par for the non-money
        dimensions (world effects and noise can take a score outside 0-10; it is not
        clipped); money is :func:`~careersim.decision.money_scores`: a CRRA utility of net
        worth, bounded to 0-10 and monotone for every risk aversion.
    model
        The :class:`ScoreModel` used.
    money_age
        Age at which money was valued.
    """

    careers: tuple[str, ...]
    dimensions: tuple[str, ...]
    values: np.ndarray
    model: ScoreModel
    money_age: int

    @property
    def worlds(self) -> int:
        return self.values.shape[2]

    def summary(self) -> pd.DataFrame:
        """Tidy per career and dimension: ``career, dimension, mean, se, sd, p5, p50, p95``."""
        mean, se = mean_with_se(self.values, axis=2)
        q, _ = quantiles_with_se(self.values, [0.05, 0.5, 0.95], axis=2)
        sd = self.values.std(axis=2, ddof=1) if self.worlds > 1 else np.full(mean.shape, np.nan)
        rows = []
        for ci, c in enumerate(self.careers):
            for di, d in enumerate(self.dimensions):
                rows.append({"career": c, "dimension": d, "mean": mean[ci, di], "se": se[ci, di], "sd": sd[ci, di], "p5": q[0, ci, di], "p50": q[1, ci, di], "p95": q[2, ci, di]})
        return pd.DataFrame(rows)

    def decide(self, weights: Mapping[str, float] | None = None) -> Decision:
        """Shorthand for :func:`careersim.decision.decide` ``(self, weights)``."""
        from ._decision_weigh import decide

        return decide(self, weights)


def _window_share(status: np.ndarray, code: int, window: int) -> np.ndarray:
    """(world,) share of the first ``window`` years spent in status ``code``."""
    w = min(window, status.shape[-1])
    return (status[..., :w] == code).mean(axis=-1)


def score_worlds(
    result: Result,
    model: ScoreModel | None = None,
    *,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
) -> DimensionScores:
    """Score every simulated career on every dimension, world by world.

    For a non-money dimension the score of career ``c`` in world ``w`` is

    ``f * (prior_c + effects_c(w)) + (1 - f) * prior_engineer + (f * sd_c + (1 - f) * sd_engineer) * z``

    where ``z`` is standard normal (one per career, dimension and world, drawn from
    ``rng`` for all four careers whatever was simulated, so a career's scores do not
    depend on which others are present), ``effects`` are the world links of the
    :class:`ScoreModel` (advisor quality, funding source, breakthrough, ability,
    unemployment) and ``f`` is 1 except, with ``blend_toward_engineer``, for a PhD left
    early (years enrolled / window) and for independent research (share of the window
    grant-funded). Money is the CRRA utility of net worth at ``model.money_age``, mapped
    to the same 0-10 scale, bounded (see :func:`~careersim.decision.money_scores`).

    Parameters
    ----------
    result
        A simulation; its ``facts`` supply advisor quality, funding, attrition,
        breakthrough and ability, and its ``status`` the time in each state.
    model
        Priors and world effects (default :class:`ScoreModel`).
    rng
        Seed of the score noise.

    Returns
    -------
    DimensionScores
        ``values`` of shape ``(career, dimension, world)``.

    Examples
    --------
    >>> import careersim
    >>> from careersim.decision import score_worlds
    >>> r = careersim.simulate(worlds=1_000, rng=3)
    >>> score_worlds(r, rng=4).values.shape
    (4, 13, 1000)
    """
    model = ScoreModel() if model is None else model
    if not isinstance(result, Result):
        raise ScenarioError(f"result = {type(result).__name__}: must be a careersim.Result (from careersim.simulate)")
    check_independent_worlds(result, "score_worlds")
    own_phd = [(p.name, [k for k in p.changes if k.startswith("phd.")]) for p in result.scenario.path_specs()
               if p.kind == "phd" and p.name in result.careers and any(k.startswith("phd.") for k in p.changes)]
    if own_phd:  # the facts (funding, leaving, years) are the scenario's own [phd] section's
        name, keys = own_phd[0]
        raise ScenarioError(f"score_worlds: path {name!r} sets its own {', '.join(keys)}, but the PhD's funding source, leaving and years that its "
                            f"other dimensions read are those of the scenario's [phd] section, so its non-money scores would be another offer's; "
                            f"score a scenario whose PhD paths do not override [phd] (its money is scored correctly by certainty_equivalent)")
    if not isinstance(model, ScoreModel):
        raise ScenarioError(f"model = {model!r}: must be a careersim.decision.ScoreModel")
    if not isinstance(rng, (np.random.Generator, np.random.BitGenerator)):
        root_seed_sequence(rng)  # an ArgumentError naming what a seed may be
    gen = np.random.default_rng(rng)
    n = result.worlds
    z = gen.standard_normal((len(CAREERS), len(DIMENSIONS), n))
    facts = result.facts
    zeros = np.zeros(n)
    advisor = np.asarray(facts.get("advisor_quality", zeros), dtype=float)
    ability = np.asarray(facts.get("ability", zeros), dtype=float)
    funding = np.asarray(facts.get("phd_funding", np.ones(n)), dtype=int)
    breakthrough = np.asarray(facts.get("phd_breakthrough", np.zeros(n, dtype=bool)), dtype=float)
    attrited = np.asarray(facts.get("phd_attrited", np.zeros(n, dtype=bool)), dtype=bool)
    phd_years = np.asarray(facts.get("phd_years", np.full(n, model.window_years)), dtype=float)
    codes = {name: code for code, name in STATUS_NAMES.items()}
    window = model.window_years

    money_year = result.horizon_years if model.money_age is None else result.year_of_age(model.money_age)
    money = money_scores(result.net_worth[:, :, money_year - 1], risk_aversion=model.risk_aversion, wealth_floor_usd=model.wealth_floor_usd)
    lead_years_other = {"residency": model.lead_years_residency, "engineer": model.lead_years_engineer, "independent": model.lead_years_independent}

    values = np.empty((len(result.careers), len(DIMENSIONS), n))
    for ci, career in enumerate(result.careers):
        # a named path is scored as its career kind (paths of one kind share their judgement draws)
        kind = result.scenario.path(career).kind
        k = CAREERS.index(kind)
        status = result.status[ci]
        if model.blend_toward_engineer and kind == "phd":
            share = np.where(attrited, np.minimum(phd_years, window) / window, 1.0)
        elif model.blend_toward_engineer and kind == "independent":
            share = _window_share(status, codes["grant_funded"], window)
        else:
            share = np.ones(n)
        unemployed_years = _window_share(status, codes["unemployed"], window) * min(window, result.horizon_years)
        for di, dim in enumerate(DIMENSIONS):
            if dim == "money":
                values[ci, di] = money[ci]
                continue
            own = model.prior(kind, dim)
            eff_own = np.zeros(n)  # effects of the PhD itself (not of the job it may turn into)
            if kind == "phd":
                if dim == "research_ability":
                    eff_own = model.advisor_research_ability * advisor
                elif dim == "freedom":
                    eff_own = model.advisor_freedom * advisor + np.choose(funding, [model.fellowship_freedom, 0.0, model.ta_freedom])
                elif dim == "mentorship":
                    eff_own = model.advisor_mentorship * advisor
                elif dim == "mental_health":
                    eff_own = model.advisor_mental_health * advisor
                elif dim == "research_lead":
                    eff_own = model.advisor_research_lead * advisor
                elif dim == "research_direction":
                    eff_own = np.choose(funding, [model.fellowship_direction, model.advisor_grant_direction, 0.0]).astype(float)
                elif dim == "research_reputation":
                    eff_own = model.breakthrough_reputation * breakthrough
                elif dim == "research_confidence":
                    eff_own = model.breakthrough_confidence * breakthrough
            eff_common = np.zeros(n)  # effects of the person and the world, whatever the job
            if dim == "research_confidence":
                eff_common = model.ability_confidence * ability
            elif dim == "research_ability":
                eff_common = model.ability_research_ability * ability
            elif dim == "mental_health":
                eff_common = model.unemployment_mental_health * unemployed_years
            elif dim == "research_lead" and model.lead_points_per_year:
                if kind == "phd":
                    years_to_lead = np.where(attrited, phd_years + model.lead_years_engineer, phd_years)
                else:
                    years_to_lead = np.full(n, lead_years_other.get(kind, 5.0))
                eff_common = -model.lead_points_per_year * (years_to_lead - 5.0)
            eng = model.prior("engineer", dim)
            mean = share * (own.mean + eff_own) + (1.0 - share) * eng.mean + eff_common
            sd = share * own.sd + (1.0 - share) * eng.sd
            values[ci, di] = mean + sd * z[k, di]
    return DimensionScores(careers=tuple(result.careers), dimensions=DIMENSIONS, values=values, model=model, money_age=result.scenario.simulation.start_age + money_year)



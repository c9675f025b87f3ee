"""Beyond money: a weighted decision over the verdict's dimensions, and risk-adjusted wealth.

The seed essay "Five years after skipping a PhD" ends with a verdict table over ten
dimensions and the remark that "a few different weightings on each feature would be
enough to change the decision". This module makes that remark computable:

1. :func:`score_worlds` gives every career a score on each dimension in every simulated
   world (0-10, 5 = par), drawn around documented defaults (:data:`DEFAULT_PRIORS`, each
   with the essay argument it comes from; see docs/decision.md) and moved by the *same*
   world facts that set the money: advisor quality (``Result.facts["advisor_quality"]``,
   the draw that set the PhD's length, attrition and outcome) feeds research ability,
   freedom, mentorship, mental health and becoming a research lead; the funding source
   feeds freedom and research direction; attrition and lapsed grants pull the PhD and
   independent research toward an engineering job for the rest of the window;
   unemployment costs mental health. Money is the simulated net worth, through a CRRA
   utility.
2. :func:`decide` weighs the dimensions with the user's weights: a decision score per
   world, P(each career is best), the expected score with its Monte Carlo standard error,
   and :meth:`Decision.flips`, the smallest weight changes that change the choice.
3. :func:`certainty_equivalent`: wealth a risk-averse person would take for certain
   instead of a career's distribution of net worth (CRRA utility, user-set risk aversion),
   so that someone who fears the bad tail sees a different ranking from someone who does
   not.

Nothing here imports matplotlib or ipywidgets: figures are in :mod:`careersim.plotting`
(``plot_decision``, ``plot_certainty_equivalent``) and the sliders live in the notebook
``notebooks/beyond_money.ipynb``.

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
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._params import ScenarioError
from ._results import Result, mean_with_se, proportion_with_se, quantiles_with_se
from .careers import CAREERS, STATUS_NAMES

__all__ = [
    "DEFAULT_PRIORS",
    "DEFAULT_WEIGHTS",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "EXTRA_DIMENSIONS",
    "VERDICT_DIMENSIONS",
    "Decision",
    "DimensionScores",
    "Prior",
    "ScoreModel",
    "certainty_equivalent",
    "crra_certainty_equivalent",
    "decide",
    "score_worlds",
]

#: the ten rows of the verdict table in "Five years after skipping a PhD", in its order
VERDICT_DIMENSIONS: tuple[str, ...] = (
    "research_confidence",
    "research_interest",
    "research_reputation",
    "research_ability",
    "money",
    "freedom",
    "research_direction",
    "day_to_day_work",
    "non_research_skills",
    "social_life",
)
#: dimensions the other essays add: mentorship, mental health, becoming a research lead
EXTRA_DIMENSIONS: tuple[str, ...] = ("mentorship", "mental_health", "research_lead")
DIMENSIONS: tuple[str, ...] = VERDICT_DIMENSIONS + EXTRA_DIMENSIONS

DIMENSION_LABELS = {
    "research_confidence": "Research confidence",
    "research_interest": "Research interest",
    "research_reputation": "Research reputation",
    "research_ability": "Research ability",
    "money": "Money",
    "freedom": "Freedom",
    "research_direction": "Research direction",
    "day_to_day_work": "Day-to-day work",
    "non_research_skills": "Non-research skills",
    "social_life": "Social life",
    "mentorship": "Mentorship",
    "mental_health": "Mental health",
    "research_lead": "Becoming a research lead",
}

#: equal weight on the ten verdict rows ("after totalling this up"), none on the extras
DEFAULT_WEIGHTS: dict[str, float] = {d: (1.0 if d in VERDICT_DIMENSIONS else 0.0) for d in DIMENSIONS}

# Short attributions; docs/decision.md gives the full references.
IRPAN = 'Irpan, "Five years after skipping a PhD" (seeds/five-years-after-skipping-a-phd.txt)'
GLEAVE = 'Gleave et al., "More people getting into AI safety should do a PhD" (seeds/ai-safety-phd-case.txt)'
GLEAVE_CAREERS = 'Gleave, "Careers in Beneficial AI Research" (seeds/careers-in-beneficial-ai-research.txt)'
KURENKOV = 'Kurenkov, "My Failures as a Grad Student, and Lessons Learned" (seeds/grad-student-failures-lessons.txt)'


@dataclasses.dataclass(frozen=True, kw_only=True)
class Prior:
    """Default score of one career on one dimension, before world facts move it.

    Attributes
    ----------
    career, dimension
        Which cell of the table.
    mean
        Score on the 0-10 scale (5 = par; the scale is shared by every non-money dimension).
    sd
        Uncertainty of how that career goes *for you* on that dimension: each world draws
        the score as ``mean + world effects + sd * z`` with ``z`` standard normal,
        independently per career, dimension and world.
    source
        The essay argument the default comes from (a brief quote and attribution).
    """

    career: str
    dimension: str
    mean: float
    sd: float
    source: str

    def __post_init__(self) -> None:
        if self.career not in CAREERS:
            raise ScenarioError(f"Prior.career = {self.career!r}: must be one of {', '.join(CAREERS)}")
        if self.dimension not in DIMENSIONS or self.dimension == "money":
            raise ScenarioError(f"Prior.dimension = {self.dimension!r}: must be one of the non-money dimensions {', '.join(d for d in DIMENSIONS if d != 'money')}")
        for key in ("mean", "sd"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ScenarioError(f"Prior.{key} = {v!r} for ({self.career}, {self.dimension}): must be a finite number")
            object.__setattr__(self, key, float(v))
        if self.sd < 0:
            raise ScenarioError(f"Prior.sd = {self.sd!r} for ({self.career}, {self.dimension}): must be >= 0")


def _p(career: str, dimension: str, mean: float, sd: float, source: str) -> Prior:
    return Prior(career=career, dimension=dimension, mean=mean, sd=sd, source=source)


#: the documented defaults, one per non-money (career, dimension); see docs/decision.md
DEFAULT_PRIORS: tuple[Prior, ...] = (
    # -- research confidence: "About equal" ---------------------------------------------------
    _p("phd", "research_confidence", 5.0, 1.5, IRPAN + ": \"I don't think my research self-confidence would be that different\""),
    _p("residency", "research_confidence", 5.0, 1.5, IRPAN + ": verdict \"About equal\""),
    _p("engineer", "research_confidence", 4.5, 1.5, GLEAVE + ": a research contributor will \"execute on other people's ideas\""),
    _p("independent", "research_confidence", 4.5, 2.0, GLEAVE + ": without a mentor \"your feedback loop will be a lot longer\""),
    # -- research interest: "Higher from industry" -------------------------------------------
    _p("phd", "research_interest", 5.0, 1.5, IRPAN + ": \"I'm guessing my interest is higher than it would have been if I went to grad school\""),
    _p("residency", "research_interest", 6.0, 1.5, IRPAN + ": verdict \"Higher from industry\" (big projects that \"made big splashes\")"),
    _p("engineer", "research_interest", 5.0, 1.5, GLEAVE + ": research contributors \"execute on other people's ideas\""),
    _p("independent", "research_interest", 6.0, 2.0, GLEAVE + ": \"you get time to think and work on ideas\""),
    # -- research reputation: "About equal" --------------------------------------------------
    _p("phd", "research_reputation", 6.0, 1.5, IRPAN + ": \"getting a PhD is a surefire way to force you to publish\""),
    _p("residency", "research_reputation", 5.5, 1.5, IRPAN + ": verdict \"About equal\"; big-project papers read as \"the Apple paper\""),
    _p("engineer", "research_reputation", 4.0, 1.5, GLEAVE_CAREERS + ": \"many organisations still insist on a PhD\""),
    _p("independent", "research_reputation", 3.5, 2.0, GLEAVE + ": a PhD gets research \"noticed outside of a narrow group of people\""),
    # -- research ability: "About equal, but high variance" ---------------------------------
    _p("phd", "research_ability", 6.0, 1.0, IRPAN + ": verdict \"About equal, but high variance\"; the advisor is \"a similar roll with higher stakes\""),
    _p("residency", "research_ability", 6.0, 1.0, IRPAN + ": \"on expectation, if I was in a PhD program, my research ability would be similar\""),
    _p("engineer", "research_ability", 5.0, 1.0, GLEAVE + ": good for execution, \"not usually sufficient for getting good at developing research agendas\""),
    _p("independent", "research_ability", 4.0, 1.5, GLEAVE + ": \"by default you'll be working alone and without a mentor\""),
    # -- freedom: "Slightly worse (compared to top CS program)" -------------------------------
    _p("phd", "freedom", 6.0, 1.5, IRPAN + ": \"On average though, I'd say that PhD programs have the edge\""),
    _p("residency", "freedom", 5.0, 1.5, IRPAN + ": verdict \"Slightly worse (compared to top CS program)\""),
    _p("engineer", "freedom", 4.0, 1.5, GLEAVE + ": \"Industry lab agendas are often set top-down\""),
    _p("independent", "freedom", 8.0, 1.5, GLEAVE + ": \"you'll feel none of the bad incentives that industry or academia place on you\""),
    # -- research direction: "Slightly misaligned, but not by much" -----------------------------
    _p("phd", "research_direction", 6.0, 1.5, IRPAN + ": \"there's a real chance I would have ended up in learning theory\""),
    _p("residency", "research_direction", 5.5, 1.5, IRPAN + ": verdict \"Slightly misaligned, but not by much\""),
    _p("engineer", "research_direction", 4.5, 1.5, GLEAVE + ": \"your manager likely won't give you opportunities to practice exploring your own research ideas\""),
    _p("independent", "research_direction", 7.0, 1.5, GLEAVE + ": independent research gives \"time to think and work on ideas\""),
    # -- day-to-day work: "Similar" ------------------------------------------------------------
    _p("phd", "day_to_day_work", 5.0, 1.5, IRPAN + ": \"Doing a PhD will not save you - you will be debugging garbage your entire life\""),
    _p("residency", "day_to_day_work", 5.0, 1.5, IRPAN + ": verdict \"Similar\""),
    _p("engineer", "day_to_day_work", 4.5, 1.5, IRPAN + ": \"getting boxed into non-research work is a real, valid concern\""),
    _p("independent", "day_to_day_work", 5.0, 2.0, GLEAVE + ": \"Some people struggle with the lack of structure\""),
    # -- non-research skills: "Less mentoring, more coding" ----------------------------------
    _p("phd", "non_research_skills", 5.0, 1.5, IRPAN + ": in a PhD \"it'd likely be weighted towards teaching + mentorship\""),
    _p("residency", "non_research_skills", 5.5, 1.5, IRPAN + ": verdict \"Less mentoring, more coding\""),
    _p("engineer", "non_research_skills", 6.5, 1.5, GLEAVE + ": \"engineering skills are often acquired faster and better in a company than a PhD\""),
    _p("independent", "non_research_skills", 4.0, 2.0, GLEAVE + ": \"by default you'll be working alone\""),
    # -- social life: "Very dependent on location, hard to say" -------------------------------
    _p("phd", "social_life", 5.0, 2.5, IRPAN + ": \"the largest factor for social life is location, rather than industry vs grad school\""),
    _p("residency", "social_life", 5.0, 2.5, IRPAN + ": verdict \"Very dependent on location, hard to say\""),
    _p("engineer", "social_life", 5.0, 2.5, IRPAN + ": verdict \"Very dependent on location, hard to say\""),
    _p("independent", "social_life", 3.5, 2.5, GLEAVE + ": \"If you think being isolated doesn't matter, you're probably fooling yourself\""),
    # -- mentorship (the other essays) ------------------------------------------------------------
    _p("phd", "mentorship", 6.5, 1.5, GLEAVE + ": \"the program guarantees at least some mentorship from your supervisor\""),
    _p("residency", "mentorship", 5.5, 1.5, IRPAN + ": \"Fewer people are obligated to give you mentorship, but more people could give you mentorship\""),
    _p("engineer", "mentorship", 4.5, 1.5, IRPAN + ": \"No one is required to give you this mentorship in an industry lab\""),
    _p("independent", "mentorship", 2.5, 1.5, GLEAVE + ": \"by default you'll be working alone and without a mentor\""),
    # -- mental health ------------------------------------------------------------------------
    _p("phd", "mental_health", 4.0, 2.0, GLEAVE + ": \"The mental health of graduate students is notoriously bad\"; " + KURENKOV + ": \"burn out, anxiety, and even depression\""),
    _p("residency", "mental_health", 6.0, 1.5, IRPAN + ": \"I got much better at work-life balance once I left university\""),
    _p("engineer", "mental_health", 6.0, 1.5, GLEAVE + ": \"mental health is often better in more structured roles\""),
    _p("independent", "mental_health", 4.0, 2.0, GLEAVE + ": \"mental health amongst independent researchers ... might be as bad as in PhD programs\""),
    # -- becoming a research lead -------------------------------------------------------------
    _p("phd", "research_lead", 7.0, 1.5, GLEAVE + ": \"a PhD is excellent preparation for becoming a research lead\""),
    _p("residency", "research_lead", 4.5, 1.5, GLEAVE_CAREERS + ": a research career without a PhD via a residency \"may be faster\" but \"will typically limit your options\""),
    _p("engineer", "research_lead", 3.0, 1.5, GLEAVE + ": research contributor work \"is not usually sufficient for getting good at developing research agendas\""),
    _p("independent", "research_lead", 3.5, 2.0, GLEAVE + ": \"most people are unlikely to become research leads by ... doing independent research\""),
)


def _finite(name: str, value: Any, *, low: float | None = None, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not math.isfinite(float(value)):
        raise ScenarioError(f"{name} = {value!r}: must be a finite number")
    if low is not None and value < low:
        raise ScenarioError(f"{name} = {value!r}: must be >= {low:g}")
    return value


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
                low = 0.0 if f.name in ("risk_aversion", "wealth_floor_usd") else None
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
        new = dataclasses.replace(old, mean=old.mean if mean is None else mean, sd=old.sd if sd is None else sd, source=old.source if source is None else source)
        return dataclasses.replace(self, priors=tuple(new if p is old else p for p in self.priors))

    def table(self) -> pd.DataFrame:
        """The priors as a tidy table: ``career, dimension, mean, sd, source`` (money: simulated)."""
        rows = []
        for c in CAREERS:
            for d in DIMENSIONS:
                if d == "money":
                    rows.append({"career": c, "dimension": d, "mean": np.nan, "sd": np.nan, "source": "simulated net worth through a CRRA utility (score_worlds)"})
                else:
                    p = self.prior(c, d)
                    rows.append({"career": c, "dimension": d, "mean": p.mean, "sd": p.sd, "source": p.source})
        return pd.DataFrame(rows)


# -- risk: certainty equivalents ----------------------------------------------------------------
def _shifted(wealth: np.ndarray, wealth_floor_usd: float) -> tuple[np.ndarray, np.ndarray]:
    """Wealth + floor, clipped below at 1% of the floor (at least $1); and the clipped mask."""
    lowest = max(0.01 * wealth_floor_usd, 1.0)
    x = np.asarray(wealth, dtype=float) + wealth_floor_usd
    clipped = x < lowest
    return np.maximum(x, lowest), clipped


def crra_certainty_equivalent(
    wealth: np.ndarray,
    *,
    risk_aversion: float,
    wealth_floor_usd: float = 100_000.0,
    axis: int = -1,
) -> tuple[np.ndarray, np.ndarray]:
    """Certainty-equivalent wealth under CRRA utility, with its Monte Carlo standard error.

    Utility of wealth ``W`` is ``u(x) = x**(1 - g) / (1 - g)`` (``log x`` at ``g = 1``)
    of ``x = W + wealth_floor_usd``; the certainty equivalent is ``u^-1(E[u(x)]) -
    wealth_floor_usd``, the sure wealth worth as much as the gamble.

    Net worth can be negative (student debt, a bad market). The floor is the wealth below
    which the person is no worse off however deep the debt: think of it as a consumption
    floor (what the safety net, family or future earnings guarantee). ``W`` below
    ``-wealth_floor_usd`` is clipped to 1% of the floor above it (at least $1), so the
    utility stays finite but very low; a higher floor means less fear of the bottom tail.

    Parameters
    ----------
    wealth
        Net worth in real USD, worlds along ``axis``.
    risk_aversion
        The CRRA coefficient ``g >= 0``: 0 is risk neutral (the certainty equivalent is
        the mean), 1 is log utility, 2-4 is cautious, 10 fears the bottom tail above all.
    wealth_floor_usd
        The floor, >= 0.
    axis
        The worlds axis.

    Returns
    -------
    ce, se
        Arrays with ``axis`` removed: the certainty equivalent (real USD) and its
        delta-method standard error.

    Examples
    --------
    >>> import numpy as np
    >>> from careersim.decision import crra_certainty_equivalent
    >>> w = np.array([0.0, 200_000.0])
    >>> ce, se = crra_certainty_equivalent(w, risk_aversion=0.0)
    >>> float(ce)
    100000.0
    >>> float(crra_certainty_equivalent(w, risk_aversion=1.0, wealth_floor_usd=100_000)[0]) < 100_000
    True
    """
    g = float(_finite("risk_aversion", risk_aversion, low=0.0))
    floor = float(_finite("wealth_floor_usd", wealth_floor_usd, low=0.0))
    x, _ = _shifted(np.moveaxis(np.asarray(wealth, dtype=float), axis, -1), floor)
    n = x.shape[-1]
    logx = np.log(x)
    if g == 0.0:
        ce = x.mean(axis=-1)
        se = x.std(axis=-1, ddof=1) / np.sqrt(n) if n > 1 else np.full(ce.shape, np.nan)
    elif abs(1.0 - g) < 1e-12:
        mean_log, se_log = logx.mean(axis=-1), (logx.std(axis=-1, ddof=1) / np.sqrt(n) if n > 1 else np.nan)
        ce = np.exp(mean_log)
        se = ce * se_log
    else:
        a = (1.0 - g) * logx
        top = a.max(axis=-1, keepdims=True)
        v = np.exp(a - top)
        m = v.mean(axis=-1)
        rel_se = (v.std(axis=-1, ddof=1) / np.sqrt(n) / m) if n > 1 else np.nan
        ce = np.exp((np.log(m) + top[..., 0]) / (1.0 - g))
        se = ce * np.abs(rel_se / (1.0 - g))
    return ce - floor, np.asarray(se) * np.ones_like(ce)


def certainty_equivalent(
    result: Result,
    *,
    risk_aversion: float | Sequence[float] = 1.0,
    age: int | None = None,
    wealth_floor_usd: float = 100_000.0,
) -> pd.DataFrame:
    """Certainty-equivalent net worth of every career at one age, for one or more risk aversions.

    Parameters
    ----------
    result
        A simulation result.
    risk_aversion
        CRRA coefficient(s) ``>= 0`` (see :func:`crra_certainty_equivalent`).
    age
        Age at which net worth is valued (default: the horizon).
    wealth_floor_usd
        The consumption floor added to net worth before the utility (negative net worth
        below ``-wealth_floor_usd`` counts as sitting just above the floor).

    Returns
    -------
    DataFrame
        One row per risk aversion and career: ``risk_aversion, career, age,
        certainty_equivalent, se, mean, mean_se, p5, p50, share_below_floor, rank``
        (rank 1 = highest certainty equivalent at that risk aversion).

    Examples
    --------
    >>> import careersim
    >>> from careersim.decision import certainty_equivalent
    >>> r = careersim.simulate(worlds=2_000, rng=0)
    >>> t = certainty_equivalent(r, risk_aversion=[0, 3], age=30)
    >>> sorted(t.columns)[:3]
    ['age', 'career', 'certainty_equivalent']
    """
    year = result.horizon_years if age is None else result.year_of_age(age)
    w = result.net_worth[:, :, year - 1]
    gammas = np.atleast_1d(np.asarray(risk_aversion, dtype=float))
    if gammas.ndim != 1 or len(gammas) == 0:
        raise ScenarioError(f"risk_aversion = {risk_aversion!r}: must be a number or a non-empty list of numbers >= 0")
    mean, mean_se = mean_with_se(w, axis=1)
    q, _ = quantiles_with_se(w, [0.05, 0.5], axis=1)
    _, clipped = _shifted(w, float(_finite("wealth_floor_usd", wealth_floor_usd, low=0.0)))
    frames = []
    for g in gammas:
        ce, se = crra_certainty_equivalent(w, risk_aversion=float(g), wealth_floor_usd=wealth_floor_usd, axis=1)
        frame = pd.DataFrame(
            {
                "risk_aversion": float(g),
                "career": list(result.careers),
                "age": result.scenario.simulation.start_age + year,
                "certainty_equivalent": ce,
                "se": se,
                "mean": mean,
                "mean_se": mean_se,
                "p5": q[0],
                "p50": q[1],
                "share_below_floor": clipped.mean(axis=1),
            }
        )
        frame["rank"] = frame["certainty_equivalent"].rank(ascending=False, method="min").astype(int)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


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
        clipped); money is the CRRA utility of net worth mapped so that the pooled 5th
        percentile over careers and worlds is 0 and the pooled 95th is 10.
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
        """Shorthand for :func:`decide` ``(self, weights)``."""
        return decide(self, weights)


def _window_share(status: np.ndarray, code: int, window: int) -> np.ndarray:
    """(world,) share of the first ``window`` years spent in status ``code``."""
    w = min(window, status.shape[-1])
    return (status[..., :w] == code).mean(axis=-1)


def _money_scores(net_worth: np.ndarray, model: ScoreModel) -> np.ndarray:
    """(career, world) money scores: CRRA utility mapped so pooled p5 -> 0 and p95 -> 10."""
    x, _ = _shifted(net_worth, model.wealth_floor_usd)
    g = model.risk_aversion
    logx = np.log(x / np.median(x))
    u = logx if abs(1.0 - g) < 1e-12 else np.expm1(np.clip((1.0 - g) * logx, -700, 700)) / (1.0 - g)
    lo, hi = np.quantile(u, [0.05, 0.95])
    if not hi > lo:
        return np.full(u.shape, 5.0)
    return 10.0 * (u - lo) / (hi - lo)


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
    to the same 0-10 scale by its pooled 5th and 95th percentiles.

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
    if not isinstance(model, ScoreModel):
        raise ScenarioError(f"model = {model!r}: must be a careersim.decision.ScoreModel")
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
    money = _money_scores(result.net_worth[:, :, money_year - 1], model)

    values = np.empty((len(result.careers), len(DIMENSIONS), n))
    for ci, career in enumerate(result.careers):
        k = CAREERS.index(career)
        status = result.status[ci]
        if model.blend_toward_engineer and career == "phd":
            share = np.where(attrited, np.minimum(phd_years, window) / window, 1.0)
        elif model.blend_toward_engineer and career == "independent":
            share = _window_share(status, codes["grant_funded"], window)
        else:
            share = np.ones(n)
        unemployed_years = _window_share(status, codes["unemployed"], window) * min(window, result.horizon_years)
        for di, dim in enumerate(DIMENSIONS):
            if dim == "money":
                values[ci, di] = money[ci]
                continue
            own = model.prior(career, dim)
            eff_own = np.zeros(n)  # effects of the PhD itself (not of the job it may turn into)
            if career == "phd":
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
            eng = model.prior("engineer", dim)
            mean = share * (own.mean + eff_own) + (1.0 - share) * eng.mean + eff_common
            sd = share * own.sd + (1.0 - share) * eng.sd
            values[ci, di] = mean + sd * z[k, di]
    return DimensionScores(careers=tuple(result.careers), dimensions=DIMENSIONS, values=values, model=model, money_age=result.scenario.simulation.start_age + money_year)


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

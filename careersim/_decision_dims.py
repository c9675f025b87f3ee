"""The dimensions of the decision, the one verbal scale, and the default judgements.

Every non-money score is a **judgement** on one published verbal scale: the seven-point
Clinical Global Impression - Improvement scale (Guy 1976, ECDEU Assessment Manual for
Psychopharmacology, item CGI-I: "very much improved, much improved, minimally improved, no
change, minimally worse, much worse, very much worse"), read as a comparison *with the ML
PhD*: each career's cell is a verbal verdict relative to the PhD, placed on the 0-10 score
scale as ``PAR + STEP_POINTS x steps`` (the PhD sits at par, 5). The essay's own verdicts
("Much better", "Higher from industry", "Slightly worse", "About equal") are mapped onto the
same scale in :data:`ESSAY_VERDICTS`, so "about equal" is exactly zero steps everywhere.
docs/decision.md publishes the scale and every cell with its argument.
"""

from __future__ import annotations

import dataclasses
import math

from ._params import ScenarioError
from .careers import CAREERS

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

#: the 0-10 score of par (the ML PhD on every non-money dimension)
PAR = 5.0
#: score points per step of the verbal scale (three steps each way stay inside 0-10)
STEP_POINTS = 1.5

#: the one verbal scale (CGI-I, Guy 1976, "improved" read as "better" and "no change" as
#: "about equal"), in steps relative to the ML PhD
VERBAL_SCALE: dict[str, int] = {
    "very much better": 3,
    "much better": 2,
    "minimally better": 1,
    "about equal": 0,
    "minimally worse": -1,
    "much worse": -2,
    "very much worse": -3,
}

#: the essay's verdict table (the residency route vs the PhD), row by row: the essay's words,
#: where they land on :data:`VERBAL_SCALE`, and why (a judgement: the words carry no number)
ESSAY_VERDICTS: dict[str, tuple[str, str, str]] = {
    "research_confidence": ("About equal", "about equal", "the words of the scale's middle point"),
    "research_interest": ("Higher from industry", "minimally better", "an unqualified comparative, hedged in the text ('I'm guessing my interest is higher'): one step"),
    "research_reputation": ("About equal", "about equal", "the words of the scale's middle point"),
    "research_ability": ("About equal, but high variance", "about equal", "equal in expectation; the variance is the cell's sd and the advisor draw"),
    "money": ("Much better", "much better", "the scale's own words; the money score itself is simulated, this row is the essay's claim to check it against"),
    "freedom": ("Slightly worse (compared to top CS program)", "minimally worse", "'slightly' is the scale's smallest step"),
    "research_direction": ("Slightly misaligned, but not by much", "minimally worse", "'slightly ... not by much': the smallest step"),
    "day_to_day_work": ("Similar", "about equal", "'similar' is the middle point"),
    "non_research_skills": ("Less mentoring, more coding", "about equal", "two opposite steps: fewer chances to mentor others (giving mentorship, the essay's sense) and more coding"),
    "social_life": ("Very dependent on location, hard to say", "about equal", "no direction given; the uncertainty is the cell's wide sd"),
}


def steps(verdict: str) -> int:
    """Steps of a verbal verdict on :data:`VERBAL_SCALE` (a clear error for other words)."""
    if verdict not in VERBAL_SCALE:
        raise ScenarioError(f"verdict = {verdict!r}: must be one of {', '.join(repr(v) for v in VERBAL_SCALE)} (or 'reference' for the ML PhD)")
    return VERBAL_SCALE[verdict]


def score_of(verdict: str) -> float:
    """The 0-10 score of a verbal verdict relative to the PhD: ``PAR + STEP_POINTS x steps``.

    Examples
    --------
    >>> score_of("about equal"), score_of("much better"), score_of("minimally worse")
    (5.0, 8.0, 3.5)
    """
    return PAR if verdict == "reference" else PAR + STEP_POINTS * steps(verdict)


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
    verdict
        The verbal verdict relative to the ML PhD on :data:`VERBAL_SCALE` that set the
        default mean ("reference" for the PhD itself; "" once a user has set the mean).

    Every prior is a judgement, not a measurement: the verdict names it in words.
    """

    career: str
    dimension: str
    mean: float
    sd: float
    source: str
    verdict: str = ""

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



def _v(career: str, dimension: str, verdict: str, sd: float, source: str) -> Prior:
    return Prior(career=career, dimension=dimension, mean=score_of(verdict), sd=sd, source=source, verdict=verdict)


REF = "reference"

#: the documented defaults, one per non-money (career, dimension): a verbal verdict relative to
#: the ML PhD on the one scale, with the essay argument behind it; see docs/decision.md
DEFAULT_PRIORS: tuple[Prior, ...] = (
    # -- research confidence: essay "About equal" ------------------------------------------------
    _v("phd", "research_confidence", REF, 1.5, IRPAN + ": \"I don't think my research self-confidence would be that different\""),
    _v("residency", "research_confidence", "about equal", 1.5, IRPAN + ": verdict \"About equal\""),
    _v("engineer", "research_confidence", "minimally worse", 1.5, GLEAVE + ": a research contributor will \"execute on other people's ideas\""),
    _v("independent", "research_confidence", "minimally worse", 2.0, GLEAVE + ": without a mentor \"your feedback loop will be a lot longer\""),
    # -- research interest: essay "Higher from industry" ----------------------------------------
    _v("phd", "research_interest", REF, 1.5, IRPAN + ": the PhD counterfactual"),
    _v("residency", "research_interest", "minimally better", 1.5, IRPAN + ": verdict \"Higher from industry\"; \"I'm guessing my interest is higher than it would have been if I went to grad school\""),
    _v("engineer", "research_interest", "about equal", 1.5, GLEAVE + ": research contributors \"execute on other people's ideas\""),
    _v("independent", "research_interest", "minimally better", 2.0, GLEAVE + ": \"you get time to think and work on ideas\""),
    # -- research reputation: essay "About equal" -----------------------------------------------
    _v("phd", "research_reputation", REF, 1.5, IRPAN + ": \"getting a PhD is a surefire way to force you to publish\""),
    _v("residency", "research_reputation", "about equal", 1.5, IRPAN + ": verdict \"About equal\" (\"my reputation would probably have been equal\")"),
    _v("engineer", "research_reputation", "minimally worse", 1.5, GLEAVE_CAREERS + ": \"many organisations still insist on a PhD\""),
    _v("independent", "research_reputation", "much worse", 2.0, GLEAVE + ": a PhD gets research \"noticed outside of a narrow group of people\""),
    # -- research ability: essay "About equal, but high variance" -------------------------------
    _v("phd", "research_ability", REF, 1.0, IRPAN + ": the advisor is \"a similar roll with higher stakes\" (the advisor draw moves it)"),
    _v("residency", "research_ability", "about equal", 1.0, IRPAN + ": verdict \"About equal, but high variance\""),
    _v("engineer", "research_ability", "minimally worse", 1.0, GLEAVE + ": good for execution, \"not usually sufficient for getting good at developing research agendas\""),
    _v("independent", "research_ability", "minimally worse", 1.5, GLEAVE + ": \"by default you'll be working alone and without a mentor\""),
    # -- freedom: essay "Slightly worse (compared to top CS program)" ---------------------------
    _v("phd", "freedom", REF, 1.5, IRPAN + ": \"PhD students should get as much unconditional funding as possible\" (funding source and advisor move it)"),
    _v("residency", "freedom", "minimally worse", 1.5, IRPAN + ": verdict \"Slightly worse (compared to top CS program)\""),
    _v("engineer", "freedom", "minimally worse", 1.5, GLEAVE + ": \"Industry lab agendas are often set top-down\""),
    _v("independent", "freedom", "minimally better", 1.5, GLEAVE + ": \"you'll feel none of the bad incentives that industry or academia place on you\""),
    # -- research direction: essay "Slightly misaligned, but not by much" -----------------------
    _v("phd", "research_direction", REF, 1.5, IRPAN + ": \"there's a real chance I would have ended up in learning theory\""),
    _v("residency", "research_direction", "minimally worse", 1.5, IRPAN + ": verdict \"Slightly misaligned, but not by much\""),
    _v("engineer", "research_direction", "minimally worse", 1.5, GLEAVE + ": \"your manager likely won't give you opportunities to practice exploring your own research ideas\""),
    _v("independent", "research_direction", "minimally better", 1.5, GLEAVE + ": independent research gives \"time to think and work on ideas\""),
    # -- day-to-day work: essay "Similar" --------------------------------------------------------
    _v("phd", "day_to_day_work", REF, 1.5, IRPAN + ": \"Doing a PhD will not save you - you will be debugging garbage your entire life\""),
    _v("residency", "day_to_day_work", "about equal", 1.5, IRPAN + ": verdict \"Similar\""),
    _v("engineer", "day_to_day_work", "minimally worse", 1.5, IRPAN + ": \"getting boxed into non-research work is a real, valid concern\""),
    _v("independent", "day_to_day_work", "about equal", 2.0, GLEAVE + ": \"Some people struggle with the lack of structure\" (others do not: a wide sd)"),
    # -- non-research skills: essay "Less mentoring, more coding" --------------------------------
    _v("phd", "non_research_skills", REF, 1.5, IRPAN + ": in a PhD \"it'd likely be weighted towards teaching + mentorship\" (mentoring undergraduates)"),
    _v("residency", "non_research_skills", "about equal", 1.5, IRPAN + ": verdict \"Less mentoring, more coding\": fewer chances to mentor others, more coding, one step each way"),
    _v("engineer", "non_research_skills", "minimally better", 1.5, GLEAVE + ": \"engineering skills are often acquired faster and better in a company than a PhD\""),
    _v("independent", "non_research_skills", "minimally worse", 2.0, GLEAVE + ": \"by default you'll be working alone\""),
    # -- social life: essay "Very dependent on location, hard to say" ---------------------------
    _v("phd", "social_life", REF, 2.5, IRPAN + ": \"the largest factor for social life is location, rather than industry vs grad school\""),
    _v("residency", "social_life", "about equal", 2.5, IRPAN + ": verdict \"Very dependent on location, hard to say\""),
    _v("engineer", "social_life", "about equal", 2.5, IRPAN + ": verdict \"Very dependent on location, hard to say\""),
    _v("independent", "social_life", "minimally worse", 2.5, GLEAVE + ": \"If you think being isolated doesn't matter, you're probably fooling yourself\""),
    # -- mentorship received (the other essays) ----------------------------------------------------
    _v("phd", "mentorship", REF, 1.5, GLEAVE + ": \"the program guarantees at least some mentorship from your supervisor\""),
    _v("residency", "mentorship", "minimally worse", 1.5, IRPAN + ": \"Fewer people are obligated to give you mentorship, but more people could give you mentorship\""),
    _v("engineer", "mentorship", "minimally worse", 1.5, IRPAN + ": \"No one is required to give you this mentorship in an industry lab\""),
    _v("independent", "mentorship", "very much worse", 1.5, GLEAVE + ": \"by default you'll be working alone and without a mentor\""),
    # -- mental health -------------------------------------------------------------------------------
    _v("phd", "mental_health", REF, 2.0, GLEAVE + ": \"The mental health of graduate students is notoriously bad\"; " + KURENKOV + ": \"burn out, anxiety, and even depression\""),
    _v("residency", "mental_health", "minimally better", 1.5, IRPAN + ": \"I got much better at work-life balance once I left university\""),
    _v("engineer", "mental_health", "minimally better", 1.5, GLEAVE + ": \"mental health is often better in more structured roles\""),
    _v("independent", "mental_health", "about equal", 2.0, GLEAVE + ": \"mental health amongst independent researchers ... might be as bad as in PhD programs\""),
    # -- becoming a research lead ------------------------------------------------------------------
    _v("phd", "research_lead", REF, 1.5, GLEAVE + ": \"a PhD is excellent preparation for becoming a research lead\""),
    _v("residency", "research_lead", "much worse", 1.5, GLEAVE_CAREERS + ": a research career without a PhD via a residency \"may be faster\" but \"will typically limit your options\""),
    _v("engineer", "research_lead", "very much worse", 1.5, GLEAVE + ": research contributor work \"is not usually sufficient for getting good at developing research agendas\""),
    _v("independent", "research_lead", "much worse", 2.0, GLEAVE + ": \"most people are unlikely to become research leads by ... doing independent research\""),
)

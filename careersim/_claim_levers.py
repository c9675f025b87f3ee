"""The levers of the overturning search: one table, one entry per lever.

A :class:`Lever` moves one scenario parameter (and, through ``linked``, any that must move
with it) from its value in the scenario toward a far end. Each lever carries its **documented
plausible range**, so that the search can say how far a change is in comparable units: the
change as a share of the plausible range (0.5 = half of the span that the sources or a stated
judgement consider plausible). A lever can also hold conditions (``given``) that define the
situation it is about, e.g. "you hold a fellowship".

**Adding a lever is one entry in** :data:`LEVERS` (below): a :class:`Lever` with its
parameter, unit, far end, plausible range and the source of that range. ``default_levers``
offers every entry whose ``markets`` admit the scenario's market model.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any

from ._format import UNITS, LeverUnit, format_value
from ._params import ScenarioError
from ._scenario import Scenario


@dataclasses.dataclass(frozen=True, kw_only=True)
class Lever:
    """One way of changing a scenario, moved along a single number.

    Attributes
    ----------
    name
        Short id, e.g. ``"stipend"``.
    label
        Plain words for charts, e.g. ``"PhD stipend"`` (default: ``name``).
    parameter
        Dotted scenario key whose value is reported.
    description
        What moving it means, in words.
    unit
        ``"usd"`` (real USD/year), ``"probability"``, ``"years"``, ``"rate"`` (per year) or
        ``"multiple"``; for display.
    stop
        The most extreme value searched (absolute, or a multiple of the baseline when
        ``relative_stop`` is True).
    relative_stop
        Read ``stop`` as a multiple of the baseline.
    plausible
        ``(low, high)``: the documented plausible range of the parameter (absolute values;
        multiples of the baseline when ``relative_plausible``). Distances are shares of it.
    relative_plausible
        Read ``plausible`` as multiples of the baseline.
    plausible_source
        Where the plausible range comes from (a source, or "judgement: ..." with its reason).
    linked
        ``linked(scenario, value) -> {key: value}``: other keys set with the parameter.
        At the baseline value it must leave the scenario unchanged.
    given
        ``{key: value}`` held fixed while this lever moves (the situation it is about);
        the lever's baseline is the scenario with these set.
    markets
        Market models for which the lever exists (None: all).
    """

    name: str
    parameter: str
    description: str
    unit: LeverUnit
    stop: float
    label: str = ""
    relative_stop: bool = False
    plausible: tuple[float, float] | None = None
    relative_plausible: bool = False
    plausible_source: str = ""
    linked: Callable[[Scenario, float], dict[str, Any]] | None = None
    given: tuple[tuple[str, Any], ...] = ()
    markets: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ScenarioError(f"Lever {self.name!r}: unit = {self.unit!r}: must be one of {', '.join(UNITS)}")
        if not isinstance(self.stop, (int, float)) or isinstance(self.stop, bool) or not math.isfinite(self.stop):
            raise ScenarioError(f"Lever {self.name!r}: stop = {self.stop!r}: must be a finite number")
        if self.plausible is not None:
            lo, hi = self.plausible
            if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
                raise ScenarioError(f"Lever {self.name!r}: plausible = {self.plausible!r}: must be (low, high) with low < high")
        if isinstance(self.given, Mapping):
            object.__setattr__(self, "given", tuple(sorted(self.given.items())))
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " "))

    def format(self, value: float) -> str:
        """``value`` in the lever's unit, as the notebook's text shows it."""
        return format_value(value, self.unit)

    def situation(self, scenario: Scenario) -> Scenario:
        """``scenario`` with the lever's ``given`` conditions set (its baseline situation)."""
        return scenario.replace(dict(self.given)) if self.given else scenario

    def baseline(self, scenario: Scenario) -> float:
        """The parameter's value in ``scenario``."""
        return float(scenario.get(self.parameter))

    def stop_value(self, scenario: Scenario) -> float:
        """The far end of the search range for ``scenario``."""
        return self.stop * self.baseline(scenario) if self.relative_stop else float(self.stop)

    def plausible_range(self, scenario: Scenario) -> tuple[float, float]:
        """``(low, high)`` in the parameter's unit for ``scenario`` (NaNs if undocumented)."""
        if self.plausible is None:
            return math.nan, math.nan
        lo, hi = self.plausible
        if self.relative_plausible:
            b = self.baseline(scenario)
            return lo * b, hi * b
        return float(lo), float(hi)

    def distance(self, scenario: Scenario, value: float) -> float:
        """``|value - baseline|`` as a share of the plausible range (NaN if undocumented)."""
        lo, hi = self.plausible_range(scenario)
        return abs(float(value) - self.baseline(scenario)) / (hi - lo) if hi > lo else math.nan

    def changes(self, scenario: Scenario, value: float) -> dict[str, Any]:
        """Every key set when the lever is at ``value`` (the ``given`` conditions included)."""
        out: dict[str, Any] = dict(self.given)
        out[self.parameter] = float(value)
        if self.linked is not None:
            out.update(self.linked(scenario, float(value)))
        return out

    def apply(self, scenario: Scenario, value: float) -> Scenario:
        """``scenario`` with the lever at ``value``."""
        return scenario.replace(self.changes(scenario, value))


def _shift_other_stipends(s: Scenario, value: float) -> dict[str, Any]:
    delta = value - s.phd.stipend_advisor_grant_usd
    return {"phd.stipend_fellowship_usd": s.phd.stipend_fellowship_usd + delta, "phd.stipend_ta_usd": s.phd.stipend_ta_usd + delta}


def _scale_other_post_phd_pay(s: Scenario, value: float) -> dict[str, Any]:
    base = s.phd.research_scientist_start_pay_usd
    factor = value / base if base > 0 else 1.0
    return {"phd.faculty_start_pay_usd": s.phd.faculty_start_pay_usd * factor, "phd.other_start_pay_usd": s.phd.other_start_pay_usd * factor}


JUDGEMENT = "judgement"

#: Every lever of the overturning search. ADD A LEVER HERE: one entry.
LEVERS: tuple[Lever, ...] = (
    Lever(name="stipend", label="PhD stipend", parameter="phd.stipend_advisor_grant_usd", unit="usd", stop=6.0, relative_stop=True, linked=_shift_other_stipends,
          description="a higher PhD stipend (fellowship and TA stipends raised by the same amount)",
          plausible=(32_000.0, 52_560.0),
          plausible_source="US CS departments' 12-month stipends, AY 2025-26: p25 $32,000 to Stanford's $52,560 (CSStipendRankings, data/SOURCES.md)"),
    Lever(name="fellowship", label="fellowship stipend (you hold one)", parameter="phd.stipend_fellowship_usd", unit="usd", stop=6.0, relative_stop=True,
          given=(("phd.fellowship_probability", 1.0), ("phd.ta_probability", 0.0)),
          description="a fellowship that pays more: you hold one (funding is settled when you decide), and its stipend rises",
          plausible=(37_000.0, 52_560.0),
          plausible_source="the NSF GRFP's $37,000 (data/nsf_grfp_stipend_history.csv) to a fellowship topped up to the highest department stipend, Stanford's $52,560 (data/SOURCES.md)"),
    Lever(name="faster_phd", label="median PhD length", parameter="phd.duration_median_years", unit="years", stop=3.0,
          description="a faster PhD: a shorter median time to degree",
          plausible=(4.0, 7.0),
          plausible_source="judgement: the essay's '5-6 years' widened by a year each way; NSF SED's 6.9 years counts master's years too"),
    Lever(name="attrition", label="chance of leaving the PhD", parameter="phd.attrition_probability", unit="probability", stop=0.0,
          description="fewer students leave the PhD early with a master's",
          plausible=(0.1, 0.5),
          plausible_source="judgement around CGS's 41% ten-year completion in 1990s CS cohorts (59% leaving, an upper end) and today's funded ML programmes"),
    Lever(name="post_phd_pay", label="post-PhD starting pay", parameter="phd.research_scientist_start_pay_usd", unit="usd", stop=4.0, relative_stop=True,
          linked=_scale_other_post_phd_pay, relative_plausible=True, plausible=(0.8, 2.0),
          description="higher post-PhD pay: research-scientist, faculty and other starting pay scaled together",
          plausible_source="judgement: 0.8x (levels.fyi PhD 0-1 years p25 over median, 203k/237k, 0.86) to 2x (the 2023-25 frontier-lab offers to new PhDs)"),
    Lever(name="breakthrough", label="chance of a bidding war", parameter="phd.breakthrough_probability", unit="probability", stop=1.0,
          description="a likelier bidding war for the PhD graduate",
          plausible=(0.0, 0.10),
          plausible_source="judgement: no public rate exists; one graduate in ten is a generous upper end"),
    Lever(name="bidding_war_size", label="size of a bidding war", parameter="phd.breakthrough_pay_multiplier", unit="multiple", stop=100.0,
          description="a bigger bidding war: the pay multiple a breakthrough wins",
          plausible=(1.5, 10.0),
          plausible_source="judgement: a 50% raise to the tenfold packages reported for a few researchers in 2025"),
    Lever(name="conversion", label="residency conversion", parameter="residency.conversion_probability", unit="probability", stop=0.0,
          description="a residency less likely to convert into a research role",
          plausible=(0.2, 0.6),
          plausible_source="judgement around Anthropic Fellows' '> 40%' full-time offers (data/SOURCES.md); Google published no rate"),
    Lever(name="bust_regime", label="chance a boom turns to bust", parameter="regime.boom_to_bust_probability", unit="rate", stop=1.0,
          description="a bust regime: booms turn to busts more often (more layoffs, lower raises, fewer offers)",
          plausible=(0.05, 0.4),
          plausible_source="judgement around the layoffs data's 2 elevated years in 2020-25 (data/layoffs_annual_summary_2020-2026.csv)"),
    Lever(name="layoffs", label="annual layoff hazard", parameter="layoffs.annual_layoff_hazard", unit="rate", stop=0.5,
          description="more layoffs: a higher annual layoff hazard in industry",
          plausible=(0.01, 0.05),
          plausible_source="layoffs data 2020-25: 1.1% a normal year to 1.9% in 2023, widened to 5% for a bad decade (judgement)"),
    Lever(name="lower_returns", label="mean real return", parameter="market.real_log_return_mean", unit="rate", stop=-0.05, markets=("lognormal", "student_t"),
          description="lower market returns: a lower mean log real return of the index fund",
          plausible=(0.03, 0.08),
          plausible_source="judgement: long-run forecasts of real equity returns (about 3%) to the 1928-2025 history (6.6%)"),
    # The credential filter ("credentials are the first filter" when ML demand cools): it hits
    # everyone without a finished PhD, so it moves the industry path and the PhD leavers.
    Lever(name="credential_layoffs", label="extra layoff risk without a PhD in a bust", parameter="credentials.bust_layoff_multiplier", unit="multiple", stop=10.0,
          description="a harsher credential filter in layoffs: in a bust, people without a PhD are laid off this many times as often as PhD holders",
          plausible=(1.0, 2.84),
          plausible_source="BLS CPS unemployment by education (age 25+): 1x is no filter; 2.84x is the whole bachelor's-to-doctoral unemployment ratio of the 2010 bust read as extra layoff risk (the scenario's 1.4x is only its rise from the 2019 boom's 2.0)"),
    Lever(name="credential_conversion", label="residency conversion in a bust, relative", parameter="credentials.bust_conversion_multiplier", unit="multiple", stop=0.0,
          description="a harsher credential filter in hiring: in a bust, a residency converts into a research role this much as often",
          plausible=(0.5, 1.0),
          plausible_source="judgement: 1x is no filter; 0.5x (half the conversions in a bust) widens the prior's odds-halved 0.67x, as no public figure exists"),
    Lever(name="research_share_trend", label="research roles closing to non-PhDs", parameter="credentials.research_share_trend", unit="rate", stop=0.3,
          description="research roles close to people without a PhD: the share open to them falls by this fraction a year (the essay's 'ask people in electrical engineering')",
          plausible=(0.0, 0.05),
          plausible_source="judgement from the essay's electrical-engineering example: 0 (no trend) to 5% a year, which halves the open share in 14 years and leaves a fifth of it after 30, roughly EE's move from hiring out of undergrad to asking for a master's"),
)


def default_levers(scenario: Scenario | None = None) -> tuple[Lever, ...]:
    """The levers of :data:`LEVERS` that apply to ``scenario``.

    Parameters
    ----------
    scenario
        If given, levers whose ``markets`` exclude its market model are left out (the
        historical and bootstrap models take returns from data, so ``lower_returns`` cannot
        move them). None: the levers that apply to every market.

    Returns
    -------
    tuple of Lever

    Examples
    --------
    >>> from careersim import claims
    >>> [l.name for l in claims.default_levers()][:4]
    ['stipend', 'fellowship', 'faster_phd', 'attrition']
    """
    if scenario is not None and not isinstance(scenario, Scenario):
        raise ScenarioError(f"scenario = {scenario!r}: must be a careersim.Scenario or None")
    model = None if scenario is None else scenario.market.model
    return tuple(l for l in LEVERS if l.markets is None or (model is not None and model in l.markets))


def lever(name: str | Lever, scenario: Scenario | None = None) -> Lever:
    """The lever called ``name`` in :data:`LEVERS` (a :class:`Lever` is returned as is)."""
    if isinstance(name, Lever):
        return name
    for l in LEVERS:
        if l.name == name:
            return l
    raise ScenarioError(f"lever = {name!r}: must be a careersim.claims.Lever or one of {', '.join(l.name for l in LEVERS)}")

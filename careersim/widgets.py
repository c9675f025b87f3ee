"""Interactive explorer: controls for the inputs a person most wants to set, and the four
careers' outcomes in the same simulated worlds.

A thin layer over the public API: the controls are turned into a :class:`~careersim.Scenario`
with :meth:`Scenario.replace`, simulated with :func:`careersim.simulate`, and read back from
the :class:`~careersim.Result`. Only this module imports :mod:`ipywidgets`.

Examples
--------
In a notebook::

    from careersim.widgets import Explorer
    Explorer()                      # 5,000 worlds, seed 2026

From Python (the same callback the controls call)::

    >>> from careersim.widgets import Explorer
    >>> ex = Explorer(worlds=2_000)
    >>> table = ex.recompute(offer_usd=200_000)
    >>> list(table.index)
    ['phd', 'residency', 'engineer', 'independent']

Speed: the figure is created once and every change only replaces the data of its artists
(``set_data``) and asks for a redraw (``draw_idle``); a change of what is viewed (age,
careers shown, bands, comparison) does not simulate again. :attr:`Explorer.timings` holds
the split of the last update.

Sharing: :meth:`Explorer.query` is the link's query string of every input that differs from
its default (:mod:`careersim._urlstate`); in Voila the page's address follows it, and a
page opened with such a link starts from those inputs (``Explorer(query=...)``). The inputs
download as a scenario TOML and load from one, checked by :func:`careersim.load_scenario`.

Layout: the controls and the results sit side by side and wrap, controls first, when the
page is narrow; the figure is redrawn at the width of its container (the browser reports
it through a hidden text field).
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import json
import os
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd

from . import CAREERS, PLACE_NAMES, Scenario, ScenarioError, load_places, load_scenario, plotting, simulate
from ._palette import CAREER_COLORS, CAREER_LABELS, CAREER_LINESTYLES
from ._urlstate import Spec, URLStateError, decode, encode

#: default number of worlds: a change recomputes and redraws in well under a second
DEFAULT_WORLDS = 5_000
#: default seed: moving a slider changes only what it means (common random numbers)
DEFAULT_SEED = 2026
#: choices of the worlds control
WORLD_CHOICES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
#: the default career that P(ahead) is measured against (the "Compare with" control)
BASELINE = "engineer"
#: quantile bands of the fan chart, by the "Bands" control
BAND_CHOICES = {"50": ((0.25, 0.75),), "90": ((0.05, 0.95),), "both": ((0.05, 0.95), (0.25, 0.75)), "none": ()}
#: every quantile the explorer computes per career and year
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_Z95 = 1.959963984540054
#: the log-scale fan chart is linear between -LINTHRESH and +LINTHRESH dollars
LINTHRESH = 100_000.0
#: the largest scenario file "Load inputs" accepts
MAX_UPLOAD_BYTES = 64 * 1024
#: the figure's resolution (pixels per inch); text is 10-11 pt, i.e. 11-12 px
FIGURE_DPI = 80
#: the figure's width in pixels before the browser reports its container's
DEFAULT_FIGURE_WIDTH = 760
#: below this width (pixels) the figure stacks its three panels
NARROW_FIGURE = 620

FUNDING_CHOICES = (
    ("not known yet (typical mix)", "mix"),
    ("advisor's grant (RA)", "advisor_grant"),
    ("teaching assistant (TA)", "ta"),
    ("fellowship", "fellowship"),
)
_DESCRIPTION_WIDTH = "140px"


@dataclasses.dataclass(frozen=True)
class Control:
    """One input: its name (a keyword of :meth:`Explorer.recompute` and of the link), the
    scenario key it sets (None when :meth:`Explorer.scenario_for` maps it specially or it
    only changes the view), the group it is shown in, and its widget."""

    name: str
    key: str | None
    group: str
    make: Callable[[Any], W.ValueWidget]
    help: str = ""


def _slider(cls: type, description: str, lo: float, hi: float, step: float, fmt: str) -> Callable[[Any], W.ValueWidget]:
    def make(value: Any) -> W.ValueWidget:
        # a round grid (min + k * step); a scenario value off the grid is shown at the
        # nearest grid value and kept exactly until the slider is moved (Explorer._exact)
        lo_, hi_ = min(lo, value), max(hi, value)
        if cls is W.IntSlider:
            lo_, hi_ = int(np.floor(lo_)), int(np.ceil(hi_))
        return cls(
            value=_on_grid(value, lo, step, cls), min=lo_, max=hi_, step=step, description=description,
            readout_format=fmt, continuous_update=False, style={"description_width": _DESCRIPTION_WIDTH},
            layout=W.Layout(width="100%"),
        )

    make.grid = (lo, step, cls)  # type: ignore[attr-defined]
    return make


def _on_grid(value: float, lo: float, step: float, cls: type) -> float:
    k = round((value - lo) / step)
    v = lo + k * step
    return int(round(v)) if cls is W.IntSlider else round(float(v), 10)


def _dropdown(description: str, options: Any) -> Callable[[Any], W.ValueWidget]:
    def make(value: Any) -> W.ValueWidget:
        return W.Dropdown(options=options, value=value, description=description,
                          style={"description_width": _DESCRIPTION_WIDTH}, layout=W.Layout(width="100%"))

    return make


def _checkbox(description: str) -> Callable[[Any], W.ValueWidget]:
    def make(value: Any) -> W.ValueWidget:
        return W.Checkbox(value=bool(value), description=description, indent=False, layout=W.Layout(width="auto", margin="0 12px 0 0"))

    return make


ROADS, PHD, MONEY, MARKET, SIMULATION, VIEW = "Your four roads", "PhD details", "Money", "Market and risk (advanced)", "Simulation", "View"
CONTROLS: tuple[Control, ...] = (
    Control("offer_usd", "engineer.start_pay_usd", ROADS,
            _slider(W.IntSlider, "Engineer offer", 50_000, 500_000, 1_000, "$,d"),
            "Starting total compensation of the research-engineer offer, $ a year."),
    Control("residency_pay_usd", "residency.pay_usd", ROADS,
            _slider(W.IntSlider, "Residency pay", 50_000, 400_000, 1_000, "$,d"),
            "Pay during the AI residency (about a year), $ a year."),
    Control("stipend_usd", None, ROADS,
            _slider(W.IntSlider, "PhD stipend", 15_000, 80_000, 1_000, "$,d"),
            "Your PhD stipend, $ a year, in steps of $1,000 (a scenario's or a place's exact stipend is used until you move it). With 'not known yet' it sets the advisor-grant (RA) stipend and "
            "moves the TA stipend with it (a fellowship keeps the scenario's); otherwise the stipend of that source."),
    Control("grant_usd", "independent.grant_pay_usd", ROADS,
            _slider(W.IntSlider, "Research grant", 10_000, 200_000, 1_000, "$,d"),
            "What an independent researcher's grant pays, $ a year, while funded."),
    Control("real_raise", "employment.real_raise", ROADS,
            _slider(W.FloatSlider, "Raise above inflation", -0.02, 0.08, 0.005, ".1%"),
            "Yearly raise above inflation of every industry job in a boom year, before promotions."),
    Control("funding", None, PHD,
            _dropdown("Funding source", FUNDING_CHOICES),
            "Who pays the stipend; 'not known yet' keeps the scenario's probabilities."),
    Control("phd_years", "phd.duration_median_years", PHD,
            _slider(W.FloatSlider, "Typical length (yrs)", 3.0, 10.0, 0.5, ".1f"),
            "Median PhD length in years: half of PhDs take longer."),
    Control("advisor_sd", "phd.advisor_quality_sd", PHD,
            _slider(W.FloatSlider, "Advisor luck spread", 0.0, 3.0, 0.1, ".1f"),
            "How much advisors differ (0 = every advisor is average); moves length, drop-out and the job after."),
    Control("place", "finances.place", MONEY,
            _dropdown("Where you live", tuple((name, pid) for pid, name in PLACE_NAMES.items())),
            "Sets prices (living costs), state and city income tax, unemployment insurance, and moves the PhD stipend to the local department's."),
    Control("spending_rule", "finances.spending_rule", MONEY,
            _dropdown("Spending", (("rises with income", "income_elasticity"), ("fixed savings rate", "savings_rate"))),
            "How spending follows after-tax income above the living costs: like most people's (an income elasticity of 0.7), or saving a fixed share."),
    Control("savings_rate", "finances.savings_rate", MONEY,
            _slider(W.FloatSlider, "Savings rate", 0.0, 1.0, 0.05, ".0%"),
            "With a fixed savings rate: the share of after-tax income above living costs that is saved."),
    Control("living_cost_usd", "finances.living_cost_usd", MONEY,
            _slider(W.IntSlider, "Living costs", 15_000, 150_000, 1_000, "$,d"),
            "Basic living costs, $ a year at US-average prices; the place's price level scales them."),
    Control("net_worth", "finances.net_worth", MONEY,
            _dropdown("Net worth shown", (("after tax", "after-tax"), ("pre-tax (balances)", "pre-tax"))),
            "After tax: the taxable account's gain taxed as if sold, the 401(k) at a retirement tax rate, the Roth IRA tax-free; pre-tax: every balance at face value."),
    Control("market_model", "market.model", MARKET,
            _dropdown("Stock market model", (("lognormal", "lognormal"), ("fat tails (Student t)", "student_t"),
                                              ("history, shuffled blocks", "bootstrap"), ("history, replayed", "historical"))),
            "lognormal / fat tails use the return below; the two history models replay US returns and inflation 1928-2025."),
    Control("return_mean", "market.real_log_return_mean", MARKET,
            _slider(W.FloatSlider, "Stock return / yr", -0.03, 0.12, 0.005, ".1%"),
            "Typical yearly return of the index fund above inflation (the mean of its log return; a median year)."),
    Control("layoff_hazard", "layoffs.annual_layoff_hazard", MARKET,
            _slider(W.FloatSlider, "Layoff chance / yr", 0.0, 0.2, 0.005, ".1%"),
            "Chance per boom year that an industry worker is laid off (higher in a bust)."),
    Control("bust_probability", "regime.boom_to_bust_probability", MARKET,
            _slider(W.FloatSlider, "Boom-to-bust / yr", 0.0, 1.0, 0.01, ".0%"),
            "Chance per year that a boom in the ML job market turns into a bust."),
    Control("horizon_years", "simulation.horizon_years", SIMULATION,
            _slider(W.IntSlider, "Years simulated", 5, 60, 1, "d"),
            "Number of simulated years."),
    Control("worlds", None, SIMULATION,
            _dropdown("Worlds", [(f"{w:,}", w) for w in WORLD_CHOICES]),
            "Monte Carlo worlds: more worlds, smaller Monte Carlo error, slower updates."),
    Control("seed", None, SIMULATION,
            lambda v: W.BoundedIntText(value=v, min=0, max=2**31 - 1, description="Seed",
                                       style={"description_width": _DESCRIPTION_WIDTH}, layout=W.Layout(width="100%")),
            "Fixed seed: every change is evaluated in the same worlds; a new seed draws new worlds."),
    Control("age", None, VIEW,
            _slider(W.IntSlider, "Age for the table", 23, 62, 1, "d"),
            "Age at which the table and the distribution panel are read (no new simulation)."),
    Control("baseline", None, VIEW,
            _dropdown("Compare with", tuple((CAREER_LABELS[c], c) for c in CAREERS)),
            "The career that P(ahead) is measured against, world by world."),
    Control("bands", None, VIEW,
            _dropdown("Bands", (("middle 50% of worlds", "50"), ("middle 90% of worlds", "90"), ("both", "both"), ("none", "none"))),
            "Shaded bands of the net-worth chart."),
    Control("fan_scale", None, VIEW,
            _dropdown("Net-worth axis", (("log (shows every age)", "log"), ("linear", "linear"))),
            "Scale of the net-worth chart: log above $100k (linear below, so debt shows), or linear."),
    *(Control(f"show_{c}", None, VIEW, _checkbox(CAREER_LABELS[c]), f"Draw the {CAREER_LABELS[c]} in the figure.") for c in CAREERS),
)
CONTROL_NAMES = tuple(c.name for c in CONTROLS)
#: controls that change only what is shown, not what is simulated
VIEW_CONTROLS = tuple(c.name for c in CONTROLS if c.group == VIEW)


def _css(name: str) -> str:
    return "cs-" + name.replace("_", "-")


def _money(v: float, digits: int = 2) -> str:
    """$1.23M, $456k, -$78k, $1.2B: short, readable amounts."""
    sign, a = ("-" if v < 0 else ""), abs(v)
    if a >= 1e9:
        return f"{sign}${a / 1e9:,.{digits}f}B"
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.{digits}f}M"
    if a >= 1e3:
        return f"{sign}${a / 1e3:,.0f}k"
    return f"{sign}${a:,.0f}"


def _nice_ceil(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10**k that is >= x (x > 0)."""
    if not x > 0:
        return 1.0
    k = np.floor(np.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * 10**k >= x * (1 - 1e-12):
            return float(m * 10**k)
    return float(10 ** (k + 1))  # pragma: no cover


def sorted_quantiles(sorted_x: np.ndarray, qs: list[float]) -> np.ndarray:
    """Quantiles of values sorted along the last axis, numpy's default (linear) method,
    without sorting again; shape ``(len(qs), *sorted_x.shape[:-1])``."""
    n = sorted_x.shape[-1]
    out = np.empty((len(qs), *sorted_x.shape[:-1]))
    for i, q in enumerate(qs):
        pos = q * (n - 1)
        lo = int(np.floor(pos))
        hi = min(lo + 1, n - 1)
        frac = pos - lo
        out[i] = sorted_x[..., lo] + (sorted_x[..., hi] - sorted_x[..., lo]) * frac
    return out


def median_se(sorted_x: np.ndarray, n: int) -> np.ndarray:
    """Monte Carlo standard error of the median from values sorted along the last axis:
    the distribution-free order-statistic 95% interval (the method of
    :meth:`Result.summary`) divided by 2 x 1.96."""
    half = _Z95 * np.sqrt(n * 0.25)
    lo = int(np.clip(np.floor(n * 0.5 - half), 0, n - 1))
    hi = int(np.clip(np.ceil(n * 0.5 + half), 0, n - 1))
    return (sorted_x[..., hi] - sorted_x[..., lo]) / (2 * _Z95)


# The page's own style: controls beside the results, wrapping (controls first) when narrow.
_CSS = """<style>
.cs-explorer { max-width: 100%; box-sizing: border-box; }
.cs-explorer .cs-main { display: flex; flex-flow: row wrap; gap: 8px 20px; align-items: flex-start; width: 100%; }
.cs-explorer .cs-controls { flex: 1 1 330px; max-width: 400px; min-width: 0; }
.cs-explorer .cs-results { flex: 100 1 480px; min-width: 0; max-width: 100%; }
.cs-explorer .cs-results > * { max-width: 100%; }
.cs-explorer .cs-figure, .cs-explorer .cs-figure canvas, .cs-explorer img.cs-figure { max-width: 100%; }
.cs-explorer .cs-figure img { max-width: 100%; height: auto; }
.cs-explorer .cs-table-wrap { overflow-x: auto; max-width: 100%; }
.cs-explorer table.cs-table { border-collapse: collapse; font-size: 13px; }
.cs-explorer table.cs-table th, .cs-explorer table.cs-table td { text-align: left; padding: 3px 12px 3px 0; vertical-align: top; }
.cs-explorer table.cs-table th { font-weight: 600; }
.cs-explorer table.cs-table td { white-space: nowrap; }
.cs-explorer table.cs-table td:first-child { white-space: normal; min-width: 7em; }
.cs-explorer .cs-summary .widget-html-content, .cs-explorer .cs-message .widget-html-content { line-height: 1.35; }
.cs-explorer .cs-group-title { font-weight: 600; margin: 6px 0 2px 0; }
.cs-explorer .cs-show { flex-wrap: wrap; }
.cs-explorer .widget-label { min-width: 0; }
.cs-explorer .cs-link-text { width: 100%; box-sizing: border-box; font-size: 12px; }
.cs-explorer .cs-note { font-size: 12px; color: #555; }
@media (max-width: 800px) {
  .cs-explorer .cs-controls { max-width: 100%; flex-basis: 100%; }
  .cs-explorer table.cs-table { font-size: 12px; }
  .cs-explorer table.cs-table td { white-space: normal; }
}
</style>"""

# Runs in the page once the explorer is shown (an image that fails to load, the way an
# HTML widget can run a few lines): reports the results column's width through a hidden
# text field, so the kernel redraws the figure at that width; in Voila it also writes the
# inputs into the page's address (history.replaceState), so the address is a link to them.
_SCRIPT = """(function(){var root=document.querySelector('.%(uid)s');if(!root){var n=(window.__csTries=(window.__csTries||0)+1);if(n<100)setTimeout(arguments.callee,100);return;}
var q=%(query)s, setUrl=%(set_url)s;
if(setUrl){var u=location.pathname+(q?'?'+q:'');if(location.pathname+location.search!==u){history.replaceState(history.state,'',u);}}
var t=root.querySelector('.cs-link-text');if(t){var a=document.createElement('a');a.href=setUrl?(location.pathname+(q?'?'+q:'')):('?'+q);t.value=a.href;}
if(root.__csObserved)return;root.__csObserved=true;
var res=root.querySelector('.cs-results'),inp=root.querySelector('.cs-viewport input'),last=0,timer=null;
if(!res||!inp)return;
function send(){var w=Math.floor(res.getBoundingClientRect().width)-12;if(w>0&&Math.abs(w-last)>=8){last=w;inp.value=String(w);inp.dispatchEvent(new Event('input',{bubbles:true}));inp.dispatchEvent(new Event('change',{bubbles:true}));inp.dispatchEvent(new KeyboardEvent('keydown',{key:'Enter',keyCode:13,bubbles:true}));}}
new ResizeObserver(function(){clearTimeout(timer);timer=setTimeout(send,150);}).observe(res);send();})();"""

_COPY_JS = ("var t=this.parentNode.querySelector('.cs-link-text'),b=this;t.value=new URL(t.value,location.href).href;"
            "function ok(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy link';},1500);}"
            "if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t.value).then(ok,function(){t.select();document.execCommand('copy');ok();});}"
            "else{t.select();document.execCommand('copy');ok();}")


def control_specs(controls: Mapping[str, W.ValueWidget]) -> dict[str, Spec]:
    """What each control accepts, read from its widget: the rules a link is checked by."""
    specs = {}
    for name, w in controls.items():
        if isinstance(w, (W.Dropdown,)):
            specs[name] = Spec("choice", choices=tuple(v for _, v in w.options) if w.options and isinstance(w.options[0], tuple) else tuple(w.options))
        elif isinstance(w, W.Checkbox):
            specs[name] = Spec("choice", choices=(True, False))
        elif isinstance(w, (W.IntSlider, W.BoundedIntText)):
            specs[name] = Spec("int", lo=w.min, hi=w.max)
        else:
            specs[name] = Spec("float", lo=w.min, hi=w.max)
    return specs


class Explorer:
    """Controls -> scenario -> :func:`careersim.simulate` -> fan chart, distribution at an
    age, P(ahead of a chosen career) by age, and a table of the numbers with their Monte
    Carlo error; a link, a download and an upload of the inputs.

    Parameters
    ----------
    scenario
        A :class:`Scenario` or the name/path of one (:func:`load_scenario`); default ``"default"``.
    worlds
        Initial number of worlds (one of :data:`WORLD_CHOICES`).
    rng
        Initial seed (an int); fixed so that a change is compared in the same worlds.
    age
        Initial age of the table and the distribution panel (default: 40, or the last age).
    figure
        ``"ipympl"`` (an interactive canvas updated in place), ``"image"`` (a PNG in an
        Image widget) or ``"auto"`` (ipympl if it is installed).
    query
        A link's query string (``"offer_usd=250000&seed=7"``) to start from; ``None`` reads
        Voila's ``QUERY_STRING`` when served by Voila. A query that cannot be applied is
        refused as a whole and its error shown in the page (:attr:`error`).

    Attributes
    ----------
    widget
        The whole app, an :class:`ipywidgets.VBox`; the notebook displays the Explorer itself.
    controls
        ``{name: widget}`` for every name in :data:`CONTROL_NAMES`.
    defaults
        The controls' starting values (the link carries only what differs from them).
    result
        The last :class:`Result`.
    error
        The last input error shown in the page (a link, an upload or a scenario), or None.
    timings
        Milliseconds of the last update: ``simulate`` (0 when only the view changed),
        ``stats``, ``artists`` (updating the figure's data), ``table``, ``total``; and
        ``draw`` (Agg render + PNG) once the figure was rendered in the kernel
        (always with ``figure="image"``; with ipympl after :meth:`render`).
    """

    def __init__(self, scenario: Scenario | str = "default", *, worlds: int = DEFAULT_WORLDS, rng: int = DEFAULT_SEED,
                 age: int | None = None, figure: str = "auto", query: str | None = None) -> None:
        self.base = load_scenario(scenario) if isinstance(scenario, str) else scenario
        if not isinstance(self.base, Scenario):
            raise ScenarioError(f"scenario = {scenario!r}: must be a careersim.Scenario or a scenario name/path")
        if worlds not in WORLD_CHOICES:
            raise ScenarioError(f"worlds = {worlds!r}: must be one of {', '.join(map(str, WORLD_CHOICES))}")
        if figure not in ("auto", "ipympl", "image"):
            raise ScenarioError(f"figure = {figure!r}: must be 'auto', 'ipympl' or 'image'")
        # served by Voila: the page's address carries the inputs (in JupyterLab it does not)
        self._in_voila = "VOILA_KERNEL_ID" in os.environ or "VOILA_BASE_URL" in os.environ
        if query is None:
            query = os.environ.get("QUERY_STRING", "") if self._in_voila else ""
        self.result = None
        self.timings: dict[str, float] = {}
        self.error: str | None = None
        self._sim_key: tuple | None = None
        self._holding = False
        self._stats: dict[str, Any] = {}
        self._exact: dict[str, tuple[Any, Any]] = {}
        self._uid = "cs-ex-" + uuid.uuid4().hex[:10]
        self._figure_width = DEFAULT_FIGURE_WIDTH
        self._layout_key: tuple | None = None

        self.controls = self._make_controls(worlds, rng, age)
        self.defaults = self.values()
        self.specs = control_specs(self.controls)
        self._build_figure(figure)
        self.status = W.HTML().add_class("cs-status")
        self.message = W.HTML().add_class("cs-message")
        self.table = W.HTML().add_class("cs-summary")
        self._build_share()
        self.widget = self._layout()
        self.widget.add_class("cs-explorer")
        self.widget.add_class(self._uid)
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        link_error = None
        if query:
            try:
                self._apply(decode(query, self.specs))
            except (URLStateError, ScenarioError) as e:
                link_error = f"This link's inputs were not applied (the page shows the defaults): {e}"
        self.update()
        if link_error:
            self._show_error(link_error)

    # -- controls ------------------------------------------------------------------------
    def _make_controls(self, worlds: int, seed: int, age: int | None) -> dict[str, W.ValueWidget]:
        s = self.base
        start = s.simulation.start_age
        initial = {c.name: s.get(c.key) for c in CONTROLS if c.key}
        initial.update(stipend_usd=s.phd.stipend_advisor_grant_usd, funding="mix", worlds=worlds, seed=int(seed), fan_scale="log",
                       baseline=BASELINE, bands="50", **{f"show_{c}": True for c in CAREERS})
        horizon = s.simulation.horizon_years
        initial["age"] = int(age) if age is not None else (40 if start < 40 <= start + horizon else start + horizon)
        controls = {}
        for c in CONTROLS:
            w = c.make(initial[c.name])
            if isinstance(w, (W.IntSlider, W.FloatSlider)) and w.value != initial[c.name]:
                self._exact[c.name] = (w.value, initial[c.name])  # shown rounded, used exactly
            w.add_class(_css(c.name))
            w.description_allow_html = False
            w.tooltip = c.help
            controls[c.name] = w
        controls["age"].min, controls["age"].max = start + 1, start + horizon
        if not start + 1 <= initial["age"] <= start + horizon:
            raise ScenarioError(f"age = {age!r}: must be between {start + 1} and {start + horizon}")
        controls["age"].value = initial["age"]
        self._exact.pop("age", None)
        self._sync_enabled(controls)
        return controls

    @staticmethod
    def _sync_enabled(controls: Mapping[str, W.ValueWidget]) -> None:
        controls["return_mean"].disabled = controls["market_model"].value in ("bootstrap", "historical")
        controls["savings_rate"].disabled = controls["spending_rule"].value != "savings_rate"

    def values(self) -> dict[str, Any]:
        """Current value of every control, by name."""
        return {name: w.value for name, w in self.controls.items()}

    def _exact_values(self, v: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(v)
        for name, (shown, exact) in self._exact.items():
            if out.get(name) == shown:
                out[name] = exact
        return out

    def scenario_for(self, values: Mapping[str, Any] | None = None) -> Scenario:
        """The scenario that the control values (default: the current ones) describe."""
        v = self._exact_values({**self.values(), **(values or {})})
        changes = {c.key: v[c.name] for c in CONTROLS if c.key}
        stipend, funding = v["stipend_usd"], v["funding"]
        if funding == "mix":
            # RA stipend = the slider; the TA stipend keeps its difference from it in the scenario
            ta = max(0.0, stipend + self.base.phd.stipend_ta_usd - self.base.phd.stipend_advisor_grant_usd)
            changes.update({"phd.stipend_advisor_grant_usd": stipend, "phd.stipend_ta_usd": ta})
        elif funding == "advisor_grant":
            changes.update({"phd.stipend_advisor_grant_usd": stipend, "phd.fellowship_probability": 0.0, "phd.ta_probability": 0.0})
        elif funding == "ta":
            changes.update({"phd.stipend_ta_usd": stipend, "phd.fellowship_probability": 0.0, "phd.ta_probability": 1.0})
        elif funding == "fellowship":
            changes.update({"phd.stipend_fellowship_usd": stipend, "phd.fellowship_probability": 1.0, "phd.ta_probability": 0.0})
        else:
            raise ScenarioError(f"funding = {funding!r}: must be one of {', '.join(k for _, k in FUNDING_CHOICES)}")
        return self.base.replace(changes)

    # -- sharing -------------------------------------------------------------------------
    def query(self) -> str:
        """The link's query string: every control that differs from its default."""
        return encode(self.values(), self.defaults)

    def _build_share(self) -> None:
        self._sync = W.HTML().add_class("cs-urlsync")
        self.viewport = W.Text(value="", continuous_update=True, layout=W.Layout(display="none")).add_class("cs-viewport")
        self.viewport.observe(self._on_viewport, names="value")
        self.link = W.HTML().add_class("cs-link")
        self.download = W.HTML().add_class("cs-download")
        self.upload = W.FileUpload(accept=".toml", multiple=False, description="Load inputs (TOML)",
                                   layout=W.Layout(width="auto")).add_class("cs-upload")
        self.upload.observe(self._on_upload, names="value")

    def _update_share(self) -> None:
        q = self.query()
        self.link.value = (
            '<div class="cs-share">'
            f'<input class="cs-link-text" readonly value="?{html.escape(q, quote=True)}" aria-label="link to these inputs">'
            f'<button class="cs-copy-link" type="button" onclick="{html.escape(_COPY_JS, quote=True)}">Copy link</button>'
            f'<a class="cs-open-link" href="?{html.escape(q, quote=True)}" target="_blank" rel="noopener" style="margin-left:8px">open</a></div>'
        )
        self._sync.value = (f'<img alt="" src="data:," style="display:none" data-n="{uuid.uuid4().hex[:8]}" onerror="'
                            + html.escape(_SCRIPT % {"uid": self._uid, "query": json.dumps(q), "set_url": "true" if self._in_voila else "false"}, quote=True)
                            + '">')
        try:
            toml = self.inputs_toml()
        except ScenarioError:
            return
        data = base64.b64encode(toml.encode()).decode()
        self.download.value = (f'<a class="cs-download-link" download="careersim-inputs.toml" '
                               f'href="data:application/toml;base64,{data}">Download inputs (scenario TOML)</a>')

    def inputs_toml(self) -> str:
        """The current inputs as a scenario TOML (what "Download inputs" saves); loading it
        with "Load inputs" or :func:`careersim.load_scenario` gives the same scenario. The
        worlds and the seed are not part of a scenario: they are in the header comment."""
        v = self.values()
        s = self.scenario_for()
        head = (f"# careersim explorer inputs; simulated with {int(v['worlds'])} worlds, seed {int(v['seed'])}\n"
                f"# careersim run FILE --worlds {int(v['worlds'])} --seed {int(v['seed'])}\n")
        return head + s.to_toml()

    def load_inputs(self, content: bytes, name: str = "upload.toml") -> None:
        """Load a scenario TOML (bytes, at most :data:`MAX_UPLOAD_BYTES`) as the new
        starting point: checked by :func:`careersim.load_scenario`, nothing in it is run.
        Raises :class:`ScenarioError` with the loader's message."""
        shown = os.path.basename(str(name))[:80] or "upload.toml"
        if len(content) > MAX_UPLOAD_BYTES:
            raise ScenarioError(f"{shown}: {len(content):,} bytes; a scenario file to load here has at most {MAX_UPLOAD_BYTES // 1024} KiB")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "inputs.toml"
            path.write_bytes(content)
            try:
                scenario = load_scenario(path)
            except ScenarioError as e:
                raise ScenarioError(str(e).replace(str(path), shown)) from None
        self._rebase(scenario)

    def _rebase(self, scenario: Scenario) -> None:
        keep = {n: self.controls[n].value for n in ("worlds", "seed", *VIEW_CONTROLS)}
        self.base = scenario
        fresh = self._make_controls(int(keep["worlds"]), int(keep["seed"]), None)
        self._holding = True
        try:
            for name, w in fresh.items():
                target = self.controls[name]
                for attr in ("min", "max", "step"):
                    if hasattr(w, attr) and hasattr(target, attr):
                        if attr == "max":
                            target.max = max(getattr(w, "max"), target.min)
                        setattr(target, attr, getattr(w, attr))
                target.value = w.value
            for name in VIEW_CONTROLS:
                if name != "age":
                    self.controls[name].value = keep[name]
        finally:
            self._holding = False
        self._sim_key = None
        self.update()

    def _on_upload(self, change: Mapping[str, Any]) -> None:
        files = change.get("new") or ()
        if not files:
            return
        f = files[0]
        name = f.get("name", "upload.toml") if isinstance(f, Mapping) else getattr(f, "name", "upload.toml")
        content = f.get("content", b"") if isinstance(f, Mapping) else getattr(f, "content", b"")
        try:
            self.load_inputs(bytes(content), name)
        except ScenarioError as e:
            self._show_error(f"Inputs not loaded: {e}")
        else:
            self.message.value = f'<span class="cs-loaded">Loaded {html.escape(os.path.basename(str(name))[:80])}.</span>'
        finally:
            self._holding = True
            try:
                self.upload.value = ()
            finally:
                self._holding = False

    def _show_error(self, text: str) -> None:
        self.error = text
        self.message.value = f'<div class="cs-error" role="alert" style="color:#a00;white-space:normal">{html.escape(text)}</div>'

    def _apply(self, values: Mapping[str, Any]) -> None:
        self._holding = True
        try:
            if "horizon_years" in values:
                self.controls["horizon_years"].value = values["horizon_years"]
                self._sync_age_range()
            if "place" in values:
                self.controls["place"].value = values["place"]
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False

    # -- the callback --------------------------------------------------------------------
    def _on_change(self, change: Mapping[str, Any]) -> None:
        if self._holding:
            return
        if change.get("owner") is self.controls["place"]:
            # a new place: the PhD stipend becomes the local department's (then adjustable)
            self._holding = True
            try:
                exact = load_places()[change["new"]].phd_stipend_usd
                w = self.controls["stipend_usd"]
                w.value = _on_grid(exact, 15_000, 1_000, W.IntSlider)
                self._exact["stipend_usd"] = (w.value, exact)
            finally:
                self._holding = False
        self.update()

    def recompute(self, **values: Any) -> pd.DataFrame:
        """Set some controls by name (as a person moving them would) and update once.

        Values go through the widgets, so a slider clamps a value to its bounds and a
        dropdown rejects an unknown choice (:class:`traitlets.TraitError`).

        Returns
        -------
        DataFrame
            :meth:`summary` after the update.
        """
        unknown = set(values) - set(CONTROL_NAMES)
        if unknown:
            raise ScenarioError(f"unknown control(s) {', '.join(sorted(unknown))}; controls: {', '.join(CONTROL_NAMES)}")
        self._apply(values)
        self.update()
        return self.summary()

    def _sync_age_range(self) -> None:
        start = self.base.simulation.start_age
        age = self.controls["age"]
        hi = start + int(self.controls["horizon_years"].value)
        was = self._holding
        self._holding = True
        try:
            if age.value > hi:
                age.value = hi
            age.max = hi
        finally:
            self._holding = was

    def _on_viewport(self, change: Mapping[str, Any]) -> None:
        try:
            width = int(float(str(change.get("new", "")).strip()))
        except ValueError:
            return
        width = int(np.clip(width, 200, 2400))
        if abs(width - self._figure_width) < 8:
            return
        self._figure_width = width
        if self.result is not None:
            self._relayout()
            self._update_artists(int(self.controls["age"].value))  # titles follow the width
            self._redraw()

    def update(self) -> None:
        """Recompute from the current controls and redraw: the callback every control calls.

        Simulates only when something other than the view changed; updates the figure's
        artists in place, the table, the link, the download and the status line.
        """
        t0 = time.perf_counter()
        self._sync_enabled(self.controls)
        self._sync_age_range()
        timings = {"simulate": 0.0}
        try:
            scenario = self.scenario_for()
        except ScenarioError as e:
            self._show_error(f"Not a valid scenario: {e}")
            self.status.value = '<span class="cs-error" style="color:#a00">Not a valid scenario: see the message above.</span>'
            return
        if self.error is not None:
            self.error = None
            self.message.value = ""
        v = self.values()
        key = (scenario, int(v["worlds"]), int(v["seed"]))
        baseline = str(v["baseline"])
        if key != self._sim_key or self.result is None:
            t = time.perf_counter()
            previous = self.result
            # reuse: careers that this change cannot touch are copied, not simulated again
            self.result = simulate(scenario, worlds=key[1], rng=key[2], reuse=previous)
            self._sim_key = key
            timings["simulate"] = 1e3 * (time.perf_counter() - t)
            t = time.perf_counter()
            self._stats = self._year_stats(previous)
            timings["stats"] = 1e3 * (time.perf_counter() - t)
        t = time.perf_counter()
        self._ahead_stats(baseline)
        self._age_stats(int(v["age"]))
        timings["stats"] = timings.get("stats", 0.0) + 1e3 * (time.perf_counter() - t)
        t = time.perf_counter()
        self._relayout()
        self._update_artists(int(v["age"]))
        timings["artists"] = 1e3 * (time.perf_counter() - t)
        t = time.perf_counter()
        self.table.value = self._table_html(int(v["age"]))
        self._update_share()
        timings["table"] = 1e3 * (time.perf_counter() - t)
        self._redraw(timings)
        timings["total"] = 1e3 * (time.perf_counter() - t0)
        self.timings = timings
        r = self.result
        self.status.value = (
            f"{r.worlds:,} worlds, seed {key[2]}, {r.horizon_years} years, {r.units}. "
            f"Last update {timings['total']:.0f} ms (simulation {timings['simulate']:.0f} ms)."
        )

    def _redraw(self, timings: dict[str, float] | None = None) -> None:
        if self._mode == "image":
            self.render()
            if timings is not None:
                timings["draw"] = self.timings["draw"]
        else:
            # every frame whole, not a diff against the last: the page's canvas loads frames
            # asynchronously and can skip one when two arrive close together (after a
            # resize), and a skipped frame would leave a diff painting over stale pixels
            self._agg_canvas._force_full = True
            if self._blit():
                self._agg_canvas.blit(self.figure.bbox)  # sends the new frame to the page
            else:
                self._bg = None
                self.figure.canvas.draw_idle()  # the page asks for a full draw

    def render(self) -> bytes:
        """Render the figure in the kernel (Agg) and encode it as PNG: the work a browser's
        redraw request costs after :meth:`update`. Records ``timings["draw"]`` and returns
        the PNG bytes. A benchmark of one slider change times ``update()`` + ``render()``.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        t = time.perf_counter()
        # Agg only: with ipympl this leaves the canvas's own diff state to its browser view;
        # only the data are drawn again when nothing else changed (blitting)
        if not self._blit():
            FigureCanvasAgg.draw(self._agg_canvas)
        buf = io.BytesIO()
        Image.fromarray(np.asarray(self._agg_canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
        png = buf.getvalue()
        if self._mode == "image":
            self.image.value = png
        self.timings["draw"] = 1e3 * (time.perf_counter() - t)
        return png

    # -- numbers ---------------------------------------------------------------------------
    def _year_stats(self, previous: Any = None) -> dict[str, Any]:
        r = self.result
        x = np.empty((len(r.careers), r.horizon_years, r.worlds))  # (career, year, world), sorted
        old = self._stats.get("sorted")
        for ci in range(len(r.careers)):
            if (old is not None and previous is not None and previous.careers == r.careers
                    and previous.net_worth.shape == r.net_worth.shape
                    and np.array_equal(previous.net_worth[ci], r.net_worth[ci])):
                x[ci] = old[ci]  # this career did not change: its sorted values neither
            else:
                x[ci] = np.sort(r.net_worth[ci].T, axis=-1)
        qs = list(QUANTILES)
        quant = sorted_quantiles(x, qs)  # (quantile, career, year)
        return {"sorted": x, "qs": qs, "quant": quant, "median_se": median_se(x, r.worlds), "ahead": {}}

    def _ahead_stats(self, baseline: str) -> None:
        s, r = self._stats, self.result
        if baseline not in s["ahead"]:
            b = r.index(baseline)
            p = (r.net_worth > r.net_worth[b][None]).mean(axis=1)  # (career, year)
            s["ahead"][baseline] = (p, np.sqrt(p * (1 - p) / r.worlds))
        s["p_ahead"], s["p_ahead_se"] = s["ahead"][baseline]
        s["baseline"] = baseline

    def _age_stats(self, age: int) -> None:
        r = self.result
        year = r.year_of_age(age)
        x = self._stats["sorted"][:, year - 1]
        lo, hi = np.quantile(x, [0.01, 0.99])
        if not hi > lo:
            lo, hi = lo - 1.0, hi + 1.0
        # round limits, kept while the 1%-99% range still fills most of them (see _set_fan_scale)
        step = _nice_ceil((hi - lo) / 8)
        new = (np.floor(lo / step) * step, np.ceil(hi / step) * step)
        old = self._dist_xlim
        if old is not None and old[0] <= lo and hi <= old[1] and (old[1] - old[0]) <= 1.4 * (new[1] - new[0]):
            new = old
        self._dist_xlim = lo, hi = float(new[0]), float(new[1])
        edges = np.linspace(lo, hi, 51)
        width = edges[1] - edges[0]
        dens = np.stack([np.histogram(v, bins=edges)[0] / (len(v) * width) for v in x])
        self._stats["hist"] = (edges, dens)

    def summary(self) -> pd.DataFrame:
        """The numbers in the table, one row per career, at the chosen age: median net
        worth and its Monte Carlo se, p5 and p95, P(ahead of the chosen career) and its se
        (columns ``p_ahead_of_<career>`` and ``p_ahead_of_<career>_se``)."""
        r, s = self.result, self._stats
        age = int(self.controls["age"].value)
        y = r.year_of_age(age) - 1
        qs = s["qs"]
        b = s["baseline"]
        return pd.DataFrame(
            {
                "age": age,
                "median": s["quant"][qs.index(0.5), :, y],
                "median_se": s["median_se"][:, y],
                "p5": s["quant"][qs.index(0.05), :, y],
                "p95": s["quant"][qs.index(0.95), :, y],
                f"p_ahead_of_{b}": s["p_ahead"][:, y],
                f"p_ahead_of_{b}_se": s["p_ahead_se"][:, y],
            },
            index=pd.Index(r.careers, name="career"),
        )

    def _table_html(self, age: int) -> str:
        t = self.summary()
        b = self._stats["baseline"]
        # the control values these numbers were computed from (for scripts and the browser test)
        inputs = html.escape(json.dumps(self.values(), separators=(",", ":")), quote=True)
        rows = []
        for career, row in t.iterrows():
            color = CAREER_COLORS.get(career, "#444")
            label = html.escape(CAREER_LABELS.get(career, career))
            ahead = "(compared with)" if career == b else f"{row[f'p_ahead_of_{b}']:.1%} ± {row[f'p_ahead_of_{b}_se']:.1%}"
            rows.append(
                f'<tr data-career="{career}"><td><span style="color:{color};font-weight:700">\u25a0</span>\u00a0{label}</td>'
                f'<td class="cs-median">{_money(row["median"])} ± {_money(row["median_se"])}</td>'
                f'<td class="cs-range">{_money(row["p5"])} to {_money(row["p95"])}</td>'
                f'<td class="cs-p-ahead">{ahead}</td></tr>'
            )
        basis = "after tax" if self.result.net_worth_basis == "after-tax" else "pre-tax"
        return (
            f'<div class="cs-table-wrap"><table class="cs-table" data-age="{age}" data-baseline="{b}" data-inputs="{inputs}">'
            f"<thead><tr><th>At age {age}</th><th>median net worth ({basis}) ± se</th>"
            f"<th>90% of worlds</th><th>P(ahead of {html.escape(CAREER_LABELS[b].lower())}) ± se</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
            f'<div class="cs-note">± is the Monte Carlo standard error: it shrinks with more worlds; '
            f"the spread (90% of worlds) is the real uncertainty.</div>"
        )

    # -- figure ----------------------------------------------------------------------------
    def _build_figure(self, mode: str) -> None:
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        if mode == "auto":
            try:
                import ipympl.backend_nbagg  # noqa: F401

                mode = "ipympl"
            except ImportError:
                mode = "image"
        self._mode = mode
        w, h = self._figure_size(self._figure_width)
        fig = Figure(figsize=(w / FIGURE_DPI, h / FIGURE_DPI), dpi=FIGURE_DPI)
        if mode == "ipympl":
            from ipympl.backend_nbagg import Canvas, FigureManager

            canvas = Canvas(fig)
            with warnings.catch_warnings():  # ipympl's own Toolbar construction, harmless
                warnings.filterwarnings("ignore", "Passing unrecognized arguments", DeprecationWarning)
                FigureManager(canvas, 0)
            canvas.header_visible = False
            canvas.footer_visible = False
            canvas.toolbar_visible = False
            canvas.resizable = False
            canvas.capture_scroll = False
            canvas.add_class("cs-figure")
            self.figure_widget: W.DOMWidget = canvas
            self._agg_canvas = canvas
        else:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            self._agg_canvas = FigureCanvasAgg(fig)
            self.image = W.Image(format="png", layout=W.Layout(width="100%", height="auto", max_width="100%")).add_class("cs-figure")
            self.figure_widget = self.image
        self.figure = fig
        ax_fan, ax_dist, ax_p = fig.add_axes((0.1, 0.5, 0.8, 0.4)), fig.add_axes((0.1, 0.1, 0.35, 0.3)), fig.add_axes((0.55, 0.1, 0.35, 0.3))
        self.axes = {"fan": ax_fan, "distribution": ax_dist, "p_ahead": ax_p}
        x0 = np.array([0.0, 1.0])
        self._art: dict[str, Any] = {"bands": {}, "median": {}, "stairs": {}, "med_line": {}, "p": {}, "p_band": {}}
        for c in CAREERS:
            color, style, label = CAREER_COLORS[c], CAREER_LINESTYLES[c], CAREER_LABELS[c]
            self._art["bands"][c] = {band: ax_fan.fill_between(x0, x0, x0, color=color, alpha=0.16 if band == (0.25, 0.75) else 0.10, linewidth=0)
                                     for band in ((0.05, 0.95), (0.25, 0.75))}
            (self._art["median"][c],) = ax_fan.plot(x0, x0, color=color, linewidth=2.2, linestyle=style, label=label)
            self._art["stairs"][c] = ax_dist.stairs([0.0], [0.0, 1.0], color=color, linewidth=1.6, linestyle=style, label=label)
            self._art["med_line"][c] = ax_dist.axvline(0, color=color, linestyle=style, linewidth=1, alpha=0.8)
            self._art["p_band"][c] = ax_p.fill_between(x0, x0, x0, color=color, alpha=0.2, linewidth=0)
            (self._art["p"][c],) = ax_p.plot(x0, x0, color=color, linewidth=1.8, linestyle=style, label=label)
        ax_fan.axhline(0, color="0.6", linewidth=0.8)
        self._art["fan_age"] = ax_fan.axvline(0, color="0.3", linestyle=":", linewidth=1)
        self._art["p_age"] = ax_p.axvline(0, color="0.3", linestyle=":", linewidth=1)
        ax_p.axhline(0.5, color="0.6", linewidth=0.8, linestyle=":")
        # Blitting: the data are "animated" artists, drawn over a saved image of everything
        # else (axes, ticks, text), which is drawn again only when the limits, the titles,
        # the legend or the size change (_background_key). Most moves then redraw only data.
        self._animated = [*(b for c in CAREERS for b in self._art["bands"][c].values()),
                          *(self._art[k][c] for k in ("p_band", "p", "median", "stairs", "med_line") for c in CAREERS),
                          self._art["fan_age"], self._art["p_age"]]
        self._bg = None
        self._bg_key: tuple | None = None
        money = FuncFormatter(plotting._dollar_tick)
        # few ticks: text is most of the cost of each redraw; every text at least 10 pt (11 px)
        for ax in (ax_fan, ax_dist, ax_p):
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
            ax.tick_params(labelsize=10)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        ax_fan.yaxis.set_major_formatter(money)
        ax_fan.set_xlabel("age", fontsize=10, labelpad=1)
        self._art["fan_title"] = ax_fan.set_title("", fontsize=11, loc="left")
        ax_dist.xaxis.set_major_formatter(money)
        ax_dist.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax_dist.set_yticks([])
        ax_dist.set_ylabel("share of worlds", fontsize=10)
        self._art["dist_title"] = ax_dist.set_title("", fontsize=11, loc="left")
        self._animated.append(self._art["dist_title"])
        ax_p.set_ylim(0, 1)
        ax_p.set_xlabel("age", fontsize=10, labelpad=1)
        ax_p.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0%}"))
        self._art["p_title"] = ax_p.set_title("", fontsize=11, loc="left")
        self._legend = None
        for a in self._animated:
            a.set_animated(True)
        self._agg_canvas.mpl_connect("draw_event", self._on_draw)
        self._dist_xlim: tuple[float, float] | None = None

    def _background_key(self) -> tuple:
        fan, dist, p = self.axes["fan"], self.axes["distribution"], self.axes["p_ahead"]
        return (tuple(self.figure.bbox.size), self.figure.dpi, fan.get_xlim(), fan.get_ylim(), fan.get_yscale(), dist.get_xlim(),
                p.get_xlim(), self._art["fan_title"].get_text(), self._art["p_title"].get_text(), self._layout_key)

    def _on_draw(self, event: Any) -> None:
        """After a full draw (which leaves out the animated data): keep the image as the
        background, then draw the data on it (before the frame is sent or encoded)."""
        canvas = self._agg_canvas
        self._bg = canvas.copy_from_bbox(self.figure.bbox)
        self._bg_key = self._background_key()
        self._draw_animated()

    def _draw_animated(self) -> None:
        for a in self._animated:
            if a.get_visible():
                self.figure.draw_artist(a)

    def _blit(self) -> bool:
        """Redraw only the data over the saved background if nothing else changed; False
        when a full draw is needed."""
        if self._bg is None or self._background_key() != self._bg_key:
            return False
        self._agg_canvas.restore_region(self._bg)
        self._draw_animated()
        return True

    @staticmethod
    def _figure_size(width: int) -> tuple[int, int]:
        if width < NARROW_FIGURE:
            return width, 68 + 270 + 2 * (60 + 190) + 52  # legend, three panels, the last axis
        return width, int(np.clip(0.64 * width, 470, 640))

    def _shown(self) -> list[str]:
        return [c for c in CAREERS if self.controls[f"show_{c}"].value]

    def _relayout(self) -> None:
        """Place the panels for the figure's width (three stacked below NARROW_FIGURE
        pixels) and the legend for the careers shown; nothing is done when neither changed."""
        width = self._figure_width
        shown = tuple(self._shown())
        key = (width, shown)
        if key == self._layout_key:
            return
        self._layout_key = key
        fig = self.figure
        w, h = self._figure_size(width)
        if self._mode == "ipympl":
            self._agg_canvas.handle_resize({"width": w, "height": h})
        else:
            fig.set_size_inches(w / FIGURE_DPI, h / FIGURE_DPI)
        ncols = 4 if w >= 720 else 2
        legend_h = 26 if ncols == 4 or len(shown) <= 2 else 46
        left, right, title = (70 if w >= NARROW_FIGURE else 58), 14, 22

        def rect(x: float, y: float, rw: float, rh: float) -> tuple[float, float, float, float]:
            return (x / w, 1 - (y + rh) / h, rw / w, rh / h)

        top = legend_h + title
        if w < NARROW_FIGURE:
            fan_h, panel_h, gap = 270, 190, 38 + title
            self.axes["fan"].set_position(rect(left, top, w - left - right, fan_h))
            y = top + fan_h + gap
            self.axes["distribution"].set_position(rect(left, y, w - left - right, panel_h))
            y += panel_h + gap
            self.axes["p_ahead"].set_position(rect(left, y, w - left - right, panel_h))
        else:
            bottom = 40
            avail = h - top - bottom - 40 - title
            fan_h = int(avail * 0.56)
            panel_h = avail - fan_h
            self.axes["fan"].set_position(rect(left, top, w - left - right, fan_h))
            y = top + fan_h + 40 + title
            half = (w - left - right - 60) / 2
            self.axes["distribution"].set_position(rect(left, y, half, panel_h))
            self.axes["p_ahead"].set_position(rect(left + half + 60, y, half, panel_h))
        if self._legend is not None:
            self._legend.remove()
        handles = [self._art["median"][c] for c in shown]
        self._legend = fig.legend(handles=handles, labels=[CAREER_LABELS[c] for c in shown], loc="upper left",
                                  bbox_to_anchor=((left - 8 if ncols == 4 else 2) / w, 1 - 2 / h), ncols=ncols, frameon=False, fontsize=10,
                                  handlelength=3.2, columnspacing=1.4, borderaxespad=0.2)
        for handle in self._legend.legend_handles:  # copies of the (animated) median lines
            handle.set_animated(False)

    def _set_fan_scale(self, scale: str, lo: float, hi: float) -> None:
        from matplotlib.ticker import FuncFormatter, MaxNLocator, SymmetricalLogLocator

        ax = self.axes["fan"]
        if scale != ax.get_yscale() and not (scale == "log" and ax.get_yscale() == "symlog"):
            if scale == "log":
                ax.set_yscale("symlog", linthresh=LINTHRESH, linscale=0.4)
                ax.yaxis.set_major_locator(SymmetricalLogLocator(base=10, linthresh=LINTHRESH))
            else:
                ax.set_yscale("linear")
                ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
            ax.yaxis.set_major_formatter(FuncFormatter(plotting._dollar_tick))
            ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _p: ""))
        lo = min(lo, 0.0)
        # round limits, kept while the data still fit them well: the axis (and its text)
        # then stays put for most moves, and only the data are drawn again
        old_lo, old_hi = ax.get_ylim()
        if scale == "log":
            top = _nice_ceil(max(hi, LINTHRESH) * 1.2)
            bottom = -_nice_ceil(-lo * 1.3) if lo < 0 else -0.1 * LINTHRESH
            if hi <= old_hi <= 2.5 * top and bottom * 2.5 <= old_lo <= min(lo, bottom) and old_lo < 0:
                top, bottom = old_hi, old_lo
        else:
            top = _nice_ceil(hi + 0.04 * (hi - lo or 1.0))
            bottom = -_nice_ceil(-(lo - 0.04 * (hi - lo or 1.0))) if lo < 0 else lo - 0.04 * (hi - lo or 1.0)
            if hi <= old_hi <= 1.25 * top and min(bottom, lo) >= old_lo >= bottom - 0.25 * (top - bottom):
                top, bottom = old_hi, old_lo
        if (bottom, top) != (old_lo, old_hi):
            ax.set_ylim(bottom, top)

    @staticmethod
    def _set_band(coll: Any, x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> Any:
        if hasattr(coll, "set_data"):  # matplotlib >= 3.10: FillBetweenPolyCollection
            coll.set_data(x, lo, hi)
            return coll
        verts = np.concatenate([np.column_stack([x, lo]), np.column_stack([x[::-1], hi[::-1]])])
        coll.set_verts([verts])
        return coll

    def _update_artists(self, age: int) -> None:
        r, s, art = self.result, self._stats, self._art
        ages = r.ages.astype(float)
        qs, quant = s["qs"], s["quant"]
        y = r.year_of_age(age) - 1
        shown = set(self._shown())
        bands = BAND_CHOICES[str(self.controls["bands"].value)]
        baseline = s["baseline"]
        idx = [r.careers.index(c) for c in r.careers if c in shown] or list(range(len(r.careers)))
        for ci, c in enumerate(r.careers):
            on = c in shown
            for band, coll in art["bands"][c].items():
                visible = on and band in bands
                coll.set_visible(visible)
                if visible:
                    self._set_band(coll, ages, quant[qs.index(band[0]), ci], quant[qs.index(band[1]), ci])
            art["median"][c].set_data(ages, quant[qs.index(0.5), ci])
            art["median"][c].set_visible(on)
            p, se = s["p_ahead"][ci], s["p_ahead_se"][ci]
            ahead_on = on and c != baseline
            art["p"][c].set_visible(ahead_on)
            art["p_band"][c].set_visible(ahead_on)
            if ahead_on:
                art["p"][c].set_data(ages, p)
                self._set_band(art["p_band"][c], ages, np.clip(p - 2 * se, 0, 1), np.clip(p + 2 * se, 0, 1))
        outer = bands[0] if bands else (0.25, 0.75)
        self._set_fan_scale(str(self.controls["fan_scale"].value), quant[qs.index(outer[0])][idx].min(),
                            quant[qs.index(outer[1])][idx].max())
        self.axes["fan"].set_xlim(ages[0], ages[-1])
        self.axes["p_ahead"].set_xlim(ages[0], ages[-1])
        art["fan_age"].set_xdata([age, age])
        art["p_age"].set_xdata([age, age])
        narrow = self._figure_width < NARROW_FIGURE
        band_text = " and ".join(f"{round(100 * (hi - lo))}%" for lo, hi in bands)
        art["fan_title"].set_text("Net worth by age" + (f": median, middle {band_text} of worlds" if bands and not narrow else ""))
        edges, dens = s["hist"]
        for ci, c in enumerate(r.careers):
            on = c in shown
            art["stairs"][c].set_visible(on)
            art["med_line"][c].set_visible(on)
            if on:
                art["stairs"][c].set_data(dens[ci], edges)
                m = quant[qs.index(0.5), ci, y]
                art["med_line"][c].set_xdata([m, m])
        ax = self.axes["distribution"]
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(0, 1.08 * max(float(dens[idx].max()), 1e-300))
        art["dist_title"].set_text(f"Net worth at age {age}" + ("" if narrow else " (thin: medians)"))
        art["p_title"].set_text(f"P(ahead of {CAREER_LABELS[baseline].lower()}) \u00b12 se")

    # -- layout ----------------------------------------------------------------------------
    def _layout(self) -> W.VBox:
        groups: dict[str, list[W.Widget]] = {}
        for c in CONTROLS:
            groups.setdefault(c.group, []).append(self.controls[c.name])
        roads = [W.HTML(f'<div class="cs-group-title">{html.escape(ROADS)}</div>'), *groups[ROADS]]
        share = W.VBox([self.link, self.download, self.upload,
                        W.HTML('<div class="cs-note">The address of this page is a link to these inputs. '
                               "The download is a scenario file for <code>careersim run</code>; loading one makes it the starting point.</div>")])
        share.add_class("cs-share-box")
        sections = [(PHD, groups[PHD]), (MONEY, groups[MONEY]), (MARKET, groups[MARKET]), (SIMULATION, groups[SIMULATION])]
        acc = W.Accordion(children=[W.VBox(ws) for _, ws in sections] + [share], selected_index=None,
                          layout=W.Layout(width="100%"))
        for i, (title, _) in enumerate(sections):
            acc.set_title(i, title)
        acc.set_title(len(sections), "Share and save")
        acc.add_class("cs-sections")
        self.sections = acc
        left = W.VBox([*roads, acc], layout=W.Layout(width="auto"))
        left.add_class("cs-controls")
        show = W.HBox([W.HTML('<span style="margin-right:8px">Show:</span>')] + [self.controls[f"show_{c}"] for c in CAREERS],
                      layout=W.Layout(flex_flow="row wrap", width="100%"))
        show.add_class("cs-show")
        view_controls = [self.controls[n] for n in ("age", "baseline", "bands", "fan_scale")]
        for w in view_controls:
            w.layout.width = "auto"
            w.style.description_width = "110px"
        view = W.GridBox(view_controls, layout=W.Layout(grid_template_columns="repeat(auto-fit, minmax(310px, 1fr))", grid_gap="0 16px", width="100%"))
        view.add_class("cs-view")
        right = W.VBox([self.message, view, show, self.table, self.figure_widget, self.status], layout=W.Layout(width="auto"))
        right.add_class("cs-results")
        main = W.Box([left, right], layout=W.Layout(width="100%"))
        main.add_class("cs-main")
        return W.VBox([W.HTML(_CSS), main, self.viewport, self._sync], layout=W.Layout(width="100%"))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def display(self) -> None:
        """Show the explorer (the same as ending a notebook cell with it)."""
        from IPython.display import display

        display(self.widget)


def explorer(scenario: Scenario | str = "default", **kwargs: Any) -> Explorer:
    """Shortcut for :class:`Explorer` (same arguments)."""
    return Explorer(scenario, **kwargs)

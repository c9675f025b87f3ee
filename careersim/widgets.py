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
page opened with such a link starts from those inputs (``Explorer(query=...)``, or
:meth:`Explorer.open_link` on an explorer already built: :func:`page_query` reads the link,
waiting for the page's request in a preheated kernel of ``careersim app``). The inputs
download as a scenario TOML and load from one, checked by :func:`careersim.load_scenario`.

Layout: the controls and the results sit side by side and wrap, controls first, when the
page is narrow; the figure is redrawn at the width of its container (the browser reports
it through a hidden text field).
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import html
import json
import os
import struct
import tempfile
import time
import uuid
import warnings
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd

from . import CAREERS, PLACE_NAMES, Scenario, ScenarioError, load_places, load_scenario, plotting, simulate
from ._engine import map_on_threads, resolve_threads
from ._palette import CAREER_COLORS, CAREER_LABELS, CAREER_LINESTYLES, label_in_sentence, path_styles
from ._params import is_whole_number, short_repr
from ._paths import PathSpec
from ._results import LENS_NAMES
from ._scenario import SECTIONS
from ._urlstate import MAX_LINK_PATHS, PathFields, Spec, URLStateError, decode, encode, encode_paths

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
#: the most paths the explorer adds to the four careers (a link carries as many)
MAX_ADDED_PATHS = MAX_LINK_PATHS
#: the most paths drawn at once (each with a colour of its own)
MAX_SHOWN = 6
#: the lens menu: how money is valued
LENS_CHOICES = (("net worth", "net_worth"), ("PV of after-tax income", "income_pv"), ("PV of consumption", "consumption_pv"))
#: the assumptions toggle
ASSUMPTION_CHOICES = (("fixed (your settings)", "fixed"), ("uncertain (drawn per world)", "uncertain"))


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
PATHS = "Your own offers (paths)"
ASSUME = "Assumptions"
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
    Control("lens", None, VIEW,
            _dropdown("Measure", LENS_CHOICES),
            "How money is valued: net worth at each age, or the present value (at the discount rate) of the after-tax income or of the consumption received up to that age."),
    Control("discount_rate", None, VIEW,
            _slider(W.FloatSlider, "Discount rate", -0.02, 0.1, 0.005, ".1%"),
            "Real discount rate per year of the present-value measures (0% = the plain sum)."),
    Control("assumptions", None, ASSUME,
            _dropdown("Assumptions", ASSUMPTION_CHOICES),
            "Fixed: every assumption is your setting. Uncertain: the weak assumptions (residency conversion, grant pay, ...) are drawn "
            "per world from their priors, so the spread also contains what is not known about them."),
    *(Control(f"show_{c}", None, VIEW, _checkbox(CAREER_LABELS[c]), f"Draw the {CAREER_LABELS[c]} in the figure.") for c in CAREERS),
)
CONTROL_NAMES = tuple(c.name for c in CONTROLS)
#: per career kind: the control whose range a path's money slider has, and what it is called
KIND_MONEY = {"engineer": ("offer_usd", "Start pay"), "residency": ("residency_pay_usd", "Residency pay"),
              "phd": ("stipend_usd", "Stipend"), "independent": ("grant_usd", "Grant pay")}
_MONEY_KEY = {"engineer": "engineer.start_pay_usd", "residency": "residency.pay_usd", "independent": "independent.grant_pay_usd"}


def phd_stipend_changes(base: Scenario, stipend: float, funding: str, section: str = "phd") -> dict[str, Any]:
    """The scenario changes of a PhD stipend from one funding source (``mix``: the RA
    stipend, with the TA stipend keeping its difference from it in ``base``)."""
    if funding == "mix":
        ta = max(0.0, stipend + base.phd.stipend_ta_usd - base.phd.stipend_advisor_grant_usd)
        return {f"{section}.stipend_advisor_grant_usd": stipend, f"{section}.stipend_ta_usd": ta}
    if funding == "advisor_grant":
        return {f"{section}.stipend_advisor_grant_usd": stipend, f"{section}.fellowship_probability": 0.0, f"{section}.ta_probability": 0.0}
    if funding == "ta":
        return {f"{section}.stipend_ta_usd": stipend, f"{section}.fellowship_probability": 0.0, f"{section}.ta_probability": 1.0}
    if funding == "fellowship":
        return {f"{section}.stipend_fellowship_usd": stipend, f"{section}.fellowship_probability": 1.0, f"{section}.ta_probability": 0.0}
    raise ScenarioError(f"funding = {funding!r}: must be one of {', '.join(k for _, k in FUNDING_CHOICES)}")


def path_overrides(base: Scenario, path: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A path row's overrides: its money, its place (and its funding source for a PhD),
    after any other overrides it was loaded with."""
    kind = path["kind"]
    own = phd_stipend_changes(base, path["money"], path.get("funding", "mix")) if kind == "phd" else {_MONEY_KEY[kind]: path["money"]}
    own["finances.place"] = path["place"]
    extra = [(k, v) for k, v in path.get("extra", ()) if k not in own]
    return (*extra, *own.items())
#: controls that change only what is shown, not what is simulated
VIEW_CONTROLS = tuple(c.name for c in CONTROLS if c.group == VIEW)


def _css(name: str) -> str:
    return "cs-" + name.replace("_", "-")


def _money(v: float, digits: int = 2) -> str:
    """$1.23M, $456k, -$78k, $1.2B: short, readable amounts."""
    sign, a = ("-" if v < 0 else ""), abs(v)
    # each unit from where the smaller one would round up to 1,000 of itself ($999,800 is $1.00M, not $1,000k)
    if a >= 1e9 - 0.5e6 * 10.0**-digits:
        return f"{sign}${a / 1e9:,.{digits}f}B"
    if a >= 999_500:
        return f"{sign}${a / 1e6:,.{digits}f}M"
    if a >= 999.5:
        return f"{sign}${a / 1e3:,.0f}k"
    return f"{sign}${a:,.0f}"


def _png_frame(rgba: np.ndarray) -> bytes:
    """One frame of the figure as PNG: RGB when every pixel is opaque (a quarter fewer bytes
    to compress), rows unfiltered, deflated by zlib at level 1.

    Pillow filters every row of an RGB image adaptively (trying four filters per row, with
    no option to turn it off), which was two thirds of its 10-11 ms for the explorer's
    760x486 frame; this chart's flat colours deflate smaller unfiltered (74 against 82 kB),
    in about 4 ms. The pixels are copied channel by channel: a copy whose innermost step is
    one 3-byte pixel took 2.2 ms for that frame, three strided byte copies take 0.4. (Two
    bands of rows deflated on two threads, as pigz does, saved only another 0.5 ms here.)
    The container is the PNG specification's three chunks.
    """
    h, w = rgba.shape[:2]
    opaque = bool((rgba[..., 3] == 255).all())
    channels = 3 if opaque else 4
    rows = np.empty((h, 1 + w * channels), dtype=np.uint8)
    rows[:, 0] = 0  # each row's filter type: none
    pixels = rows[:, 1:].reshape(h, w, channels)
    for c in range(channels):
        pixels[..., c] = rgba[..., c]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2 if opaque else 6, 0, 0, 0)  # 8 bits, RGB or RGBA, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")


@functools.cache
def _frame_canvas_class() -> type:
    """ipympl's canvas, sending every frame whole and encoded by :func:`_png_frame`.

    ipympl (through matplotlib's webagg) encodes at PIL's default level and keeps a copy of
    each frame to send the next one as a diff; the explorer sends every frame whole (see
    ``Explorer._redraw``), so neither is needed, and the encoding was the largest part of a
    slider's update in the kernel.
    """
    from ipympl.backend_nbagg import Canvas

    class FrameCanvas(Canvas):
        def get_diff_image(self) -> bytes | None:
            if not self._png_is_old:
                return None
            rgba = np.asarray(self.get_renderer().buffer_rgba())
            self.set_image_mode("full")
            # ipympl reads it for the notebook's saved image (its data URL) while that syncs
            self._last_buff = rgba.view(np.uint32).squeeze(2)
            self._force_full = False
            self._png_is_old = False
            return _png_frame(rgba)

    return FrameCanvas


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

# Runs in the page at each update (an image that fails to load, the way an HTML widget can
# run a few lines): in Voila it writes the inputs into the page's address
# (history.replaceState), so the address is a link to them, and the link field follows. Once,
# it reports the results column's width through a hidden text field, so the kernel redraws
# the figure at that width; and, in Voila only, it skips ipympl's copy of each frame as a PNG
# data URL: ipympl's page code encodes its hidden, off-screen canvas with toDataURL whenever a
# frame arrives, before it can draw the new one (7-11 ms of the page's main thread per frame
# here), for the image a saved notebook keeps; a Voila page saves no notebook (JupyterLab keeps
# ipympl's behaviour).
_SCRIPT = """(function(){var root=document.querySelector('.%(uid)s');if(!root){var n=(window.__csTries=(window.__csTries||0)+1);if(n<100)setTimeout(arguments.callee,100);return;}
var q=%(query)s, setUrl=%(set_url)s;
if(setUrl){var u=location.pathname+(q?'?'+q:'');if(location.pathname+location.search!==u){history.replaceState(history.state,'',u);}}
var t=root.querySelector('.cs-link-text');if(t){var a=document.createElement('a');a.href=setUrl?(location.pathname+(q?'?'+q:'')):('?'+q);t.value=a.href;}
if(setUrl&&!window.__csLazyDataUrl){window.__csLazyDataUrl=true;var toUrl=HTMLCanvasElement.prototype.toDataURL;
HTMLCanvasElement.prototype.toDataURL=function(){if(!this.isConnected&&/handle_binary/.test((new Error()).stack||''))return 'data:,';return toUrl.apply(this,arguments);};}
if(root.__csObserved)return;root.__csObserved=true;
var res=root.querySelector('.cs-results'),inp=root.querySelector('.cs-viewport input'),last=0,timer=null;
if(!res||!inp)return;
function send(){var w=Math.floor(res.getBoundingClientRect().width)-12;if(w>0&&Math.abs(w-last)>=8){last=w;inp.value=String(w);inp.dispatchEvent(new Event('input',{bubbles:true}));inp.dispatchEvent(new Event('change',{bubbles:true}));inp.dispatchEvent(new KeyboardEvent('keydown',{key:'Enter',keyCode:13,bubbles:true}));}}
new ResizeObserver(function(){clearTimeout(timer);timer=setTimeout(send,150);}).observe(res);send();})();"""

_COPY_JS = ("var t=this.parentNode.querySelector('.cs-link-text'),b=this;t.value=new URL(t.value,location.href).href;"
            "function ok(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy link';},1500);}"
            "if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t.value).then(ok,function(){t.select();document.execCommand('copy');ok();});}"
            "else{t.select();document.execCommand('copy');ok();}")


def in_voila() -> bool:
    """Whether this kernel was started by Voila (its page's address can carry a link)."""
    return "VOILA_KERNEL_ID" in os.environ or "VOILA_BASE_URL" in os.environ


_page_request_seen = False


def page_query() -> str | None:
    """The query string of the page's address in Voila (``""`` outside Voila).

    In a preheated kernel (``careersim app``, Voila's ``preheat_kernel``) the notebook runs
    before any page asks for it: this waits until a page takes the kernel and Voila hands
    over its request (``voila.utils.wait_for_request``: a websocket to the server, which
    sets ``QUERY_STRING`` and the other request variables in ``os.environ``), once per
    kernel. Returns None when that request could not be read (the link is unknown).
    """
    global _page_request_seen
    if not in_voila():
        return ""
    if os.environ.get("VOILA_PREHEAT") == "True" and not _page_request_seen:
        from voila.utils import wait_for_request

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Failed to connect": reported as None below
            wait_for_request()
        _page_request_seen = True
        if "QUERY_STRING" not in os.environ:
            return None
    return os.environ.get("QUERY_STRING", "")


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
        the page's link when served by Voila (:func:`page_query`: in a preheated kernel it
        waits for the page's request, so an explorer meant to be built before the request
        is made with ``query=""`` and given the link by :meth:`open_link`). A query that
        cannot be applied is refused as a whole and its error shown in the page (:attr:`error`).

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
        self._in_voila = in_voila()
        if query is None:
            query = page_query()
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
        #: the paths added to the four careers: dicts of name, kind, money, place, funding, show
        self.paths: list[dict[str, Any]] = []
        self._stats_key: tuple | None = None

        self.controls = self._make_controls(worlds, rng, age)
        self._page_base = self.base  # what a page opened with a link starts from
        self.defaults = self.values()
        self._default_exact = dict(self._exact)
        self._link_defaults = self._link_values(self.defaults)
        self.specs = control_specs(self.controls)
        # a link's age is checked against the horizon the link itself sets (_apply_link)
        start = self.base.simulation.start_age
        self.specs["age"] = Spec("int", lo=start + 1, hi=start + int(self.controls["horizon_years"].max))
        self.path_fields = PathFields(
            kinds=tuple(CAREERS), money={k: (int(self.controls[c].min), int(self.controls[c].max)) for k, (c, _) in KIND_MONEY.items()},
            places=tuple(PLACE_NAMES), fundings=tuple(k for _, k in FUNDING_CHOICES), reserved=tuple(CAREERS))
        self._build_figure(figure)
        self._build_paths()
        self.status = W.HTML().add_class("cs-status")
        self.message = W.HTML().add_class("cs-message")
        self.table = W.HTML().add_class("cs-summary")
        self._build_share()
        self.widget = self._layout()
        self.widget.add_class("cs-explorer")
        self.widget.add_class(self._uid)
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        link_error = self._apply_link(query)
        self.update()
        if link_error:
            self._show_error(link_error)

    def open_link(self, query: str | None) -> None:
        """Start from a link's inputs (its query string) as if the page had been opened with
        it: the inputs are applied and the explorer recomputes (reusing what the change
        cannot touch). A query that cannot be applied is refused as a whole: the inputs stay
        the defaults and the error is shown in the page; None (a link that could not be
        read, :func:`page_query`) is said so. ``""`` changes nothing."""
        if query == "":
            return
        error = self._apply_link(query)
        self.update()
        if error:
            self._show_error(error)

    def _apply_link(self, query: str | None) -> str | None:
        """Apply a link's inputs; the error to show if they are refused (then the inputs are
        the defaults)."""
        if query is None:
            return "This page's link could not be read: the page shows the defaults."
        if not query:
            return None
        try:
            values = decode(query, self.specs, self.path_fields)
            start = self.base.simulation.start_age
            last = start + int(values.get("horizon_years", self.defaults["horizon_years"]))
            if "age" in values and values["age"] > last:
                raise URLStateError(f"link: age = {values['age']}: beyond the horizon, must be from {start + 1} to {last}")
            # from the defaults, as a page opened with the link starts: what it leaves out is the default
            self._exact = dict(self._default_exact)
            self._apply({**self.defaults, "paths": []})
            self._set(values)
        except (URLStateError, ScenarioError) as e:
            if self.paths or self.values() != self.defaults or self._exact != self._default_exact:  # partly applied: back to the defaults
                self._restore(self.defaults, [], self._default_exact)
            return f"This link's inputs were not applied (the page shows the defaults): {e}"
        return None

    # -- controls ------------------------------------------------------------------------
    def _make_controls(self, worlds: int, seed: int, age: int | None) -> dict[str, W.ValueWidget]:
        s = self.base
        start = s.simulation.start_age
        initial = {c.name: s.get(c.key) for c in CONTROLS if c.key}
        initial.update(stipend_usd=s.phd.stipend_advisor_grant_usd, funding="mix", worlds=worlds, seed=int(seed), fan_scale="log",
                       baseline=BASELINE, bands="50", lens="net_worth", discount_rate=0.03, assumptions="fixed",
                       **{f"show_{c}": True for c in CAREERS})
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
        controls["discount_rate"].disabled = controls["lens"].value == "net_worth"

    def values(self) -> dict[str, Any]:
        """Current value of every control, by name."""
        return {name: w.value for name, w in self.controls.items()}

    def _link_values(self, v: Mapping[str, Any]) -> dict[str, Any]:
        """The values a link carries: those the scenario uses (a slider shows some rounded to its
        grid: a place's stipend), whole numbers for whole-number sliders. A link opened again
        then gives the same numbers, not the rounded ones."""
        out = self._exact_values(v)
        for name, value in out.items():
            if isinstance(self.controls[name], W.IntSlider) and isinstance(value, float) and value.is_integer():
                out[name] = int(value)
        return out

    def _exact_values(self, v: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(v)
        for name, (shown, exact) in self._exact.items():
            if out.get(name) == shown:
                out[name] = exact
        return out

    def scenario_for(self, values: Mapping[str, Any] | None = None) -> Scenario:
        """The scenario that the control values (default: the current ones) describe."""
        return self._scenario_from(self.base, self._exact_values({**self.values(), **(values or {})}), self.paths)

    @staticmethod
    def _scenario_from(base: Scenario, v: Mapping[str, Any], paths: list[dict[str, Any]]) -> Scenario:
        changes = {c.key: v[c.name] for c in CONTROLS if c.key}
        # RA stipend = the slider with 'not known yet'; the TA stipend keeps its difference from it
        changes.update(phd_stipend_changes(base, v["stipend_usd"], v["funding"]))
        scenario = base.replace(changes)
        if not paths:
            return scenario  # the four careers, exactly as without paths
        specs = (*(PathSpec(c, c) for c in CAREERS), *(PathSpec(p["name"], p["kind"], path_overrides(base, p)) for p in paths))
        return dataclasses.replace(scenario, paths=specs)

    def link_leaves_out(self) -> list[str]:
        """What the link cannot carry: the settings of loaded inputs (a scenario file) that no
        control holds, as scenario keys, and the added paths whose loaded overrides it drops. A
        page opened with the link starts from the page's own defaults, so these would be lost."""
        if self.base is self._page_base and not any(p.get("extra") for p in self.paths):
            return []
        linked = self._scenario_from(self._page_base, self._link_values(self.values()), [{**p, "extra": ()} for p in self.paths])
        here = self.scenario_for()
        keys = [f"{section}.{f.name}" for section, cls in SECTIONS.items() for f in dataclasses.fields(cls)]
        out = [k for k in keys if linked.get(k) != here.get(k)]
        out += [f"paths.{p['name']} ({', '.join(k for k, _ in p['extra'])})" for p in self.paths if p.get("extra")]
        return out

    def path_styles(self) -> dict[str, tuple[str, Any]]:
        """``{path: (colour, line style)}`` of the four careers and the added paths."""
        return path_styles([*((c, c) for c in CAREERS), *((p["name"], p["kind"]) for p in self.paths)])

    def label(self, name: str) -> str:
        """How a path is called in the page: a career's label, or an added path's name and kind."""
        if name in CAREER_LABELS:
            return CAREER_LABELS[name]
        kind = next((p["kind"] for p in self.paths if p["name"] == name), "")
        return f"{name} ({CAREER_LABELS.get(kind, kind)})" if kind else name

    # -- paths ---------------------------------------------------------------------------
    def _build_paths(self) -> None:
        self.new_path_name = W.Text(value="", placeholder="name, e.g. phd-boston", description="New path",
                                    style={"description_width": "70px"}, layout=W.Layout(width="auto", flex="1 1 160px")).add_class("cs-new-path-name")
        self.new_path_kind = W.Dropdown(options=tuple((CAREER_LABELS[c], c) for c in CAREERS), value="engineer",
                                        layout=W.Layout(width="auto", flex="1 1 120px")).add_class("cs-new-path-kind")
        self.add_button = W.Button(description="Add path", layout=W.Layout(width="auto")).add_class("cs-add-path")
        self.add_button.on_click(lambda _b: self._ui(lambda: self.add_path(self.new_path_name.value.strip(), self.new_path_kind.value)))
        self.path_rows = W.VBox([], layout=W.Layout(width="100%")).add_class("cs-path-rows")
        note = W.HTML('<div class="cs-note">Each path is one of the four careers with an offer of its own (its pay and its place), '
                      f"lived in the same worlds as the others. Up to {MAX_ADDED_PATHS} paths; at most {MAX_SHOWN} are drawn at once.</div>")
        self.paths_box = W.VBox([W.HBox([self.new_path_name, self.new_path_kind, self.add_button],
                                        layout=W.Layout(flex_flow="row wrap", width="100%")), self.path_rows, note],
                                layout=W.Layout(width="100%")).add_class("cs-paths")

    def _ui(self, action: Callable[[], Any]) -> None:
        """Run a path action from a button or a field; its error goes to the page."""
        try:
            action()
        except ScenarioError as e:
            self._show_error(f"Path not changed: {e}")
        else:
            if any(p["name"] == self.new_path_name.value.strip() for p in self.paths):
                self.new_path_name.value = ""  # added: the field is ready for the next one

    def _check_name(self, name: str, kind: str, *, old: str | None = None) -> None:
        PathSpec(name, kind)  # the library's rules for a name and a kind (ScenarioError)
        if name in CAREERS:
            raise ScenarioError(f"paths.{name}: taken by one of the four careers; choose another name (e.g. {name}-offer)")
        if any(p["name"] == name for p in self.paths if p["name"] != old):
            raise ScenarioError(f"paths.{name}: there is already a path of that name; each path needs a name of its own")

    def _shown_count(self) -> int:
        return len(self._shown())

    def add_path(self, name: str, kind: str = "engineer", *, money: int | None = None, place: str | None = None,
                 funding: str | None = None, show: bool = True, update: bool = True) -> None:
        """Add a named path of a career ``kind`` with its own offer (default: the current
        values of the kind's control, the place and the PhD funding source)."""
        self._check_name(name, kind)
        if len(self.paths) >= MAX_ADDED_PATHS:
            raise ScenarioError(f"paths: at most {MAX_ADDED_PATHS} paths can be added here; remove one first")
        control = KIND_MONEY[kind][0]
        lo, hi = self.path_fields.money[kind]
        if money is not None and (not is_whole_number(money) or not lo <= money <= hi):
            raise ScenarioError(f"paths.{name}: money {money!r}: {'an' if kind[0] in 'aeiou' else 'a'} {kind} path's must be a whole number of dollars from {lo:,} to {hi:,}")
        row = {"name": name, "kind": kind,
               "money": int(self._exact_values(self.values())[control] if money is None else money),
               "place": str(self.controls["place"].value if place is None else place),
               "funding": str(self.controls["funding"].value if funding is None else funding), "show": bool(show)}
        if row["place"] not in PLACE_NAMES:
            raise ScenarioError(f"paths.{name}: place {row['place']!r} must be one of {', '.join(PLACE_NAMES)}")
        if row["funding"] not in self.path_fields.fundings:
            raise ScenarioError(f"paths.{name}: funding {row['funding']!r} must be one of {', '.join(self.path_fields.fundings)}")
        self.paths.append(row)
        if show and self._shown_count() > MAX_SHOWN:
            self._hide_a_career()
        self._paths_changed(update)

    def _hide_a_career(self) -> None:
        was = self._holding
        self._holding = True
        try:
            for c in reversed(CAREERS):
                if self._shown_count() <= MAX_SHOWN:
                    break
                if self.controls[f"show_{c}"].value and c != self.controls["baseline"].value:
                    self.controls[f"show_{c}"].value = False
        finally:
            self._holding = was

    def remove_path(self, name: str, *, update: bool = True) -> None:
        """Remove an added path."""
        self._row(name)
        self.paths = [p for p in self.paths if p["name"] != name]
        self._paths_changed(update)

    def rename_path(self, old: str, new: str, *, update: bool = True) -> None:
        """Rename an added path (the library's rules for names; unique, not a career's)."""
        row = self._row(old)
        if new == old:
            return
        self._check_name(new, row["kind"], old=old)
        row["name"] = new
        if self.controls["baseline"].value == old:
            self._paths_changed(False)
            self._holding = True
            try:
                self.controls["baseline"].value = new
            finally:
                self._holding = False
        self._paths_changed(update)

    def set_path(self, name: str, *, update: bool = True, **fields: Any) -> None:
        """Change an added path's ``money``, ``place``, ``funding`` or ``show``."""
        row = self._row(name)
        unknown = set(fields) - {"money", "place", "funding", "show"}
        if unknown:
            raise ScenarioError(f"paths.{name}: unknown field(s) {', '.join(sorted(unknown))}; fields: money, place, funding, show")
        if fields.get("show") and not row["show"] and self._shown_count() >= MAX_SHOWN:
            raise ScenarioError(f"at most {MAX_SHOWN} paths are drawn at once; hide one first")
        if "place" in fields and fields["place"] != row["place"] and row["kind"] == "phd" and "money" not in fields:
            fields["money"] = int(round(load_places()[fields["place"]].phd_stipend_usd))  # the local department's stipend
        row.update(fields)
        self._paths_changed(update, rebuild="show" in fields and len(fields) == 1)

    def _row(self, name: str) -> dict[str, Any]:
        for p in self.paths:
            if p["name"] == name:
                return p
        raise ScenarioError(f"{name!r} is not an added path; added: {', '.join(p['name'] for p in self.paths) or '(none)'}")

    def _paths_changed(self, update: bool, rebuild: bool = True) -> None:
        names = [p["name"] for p in self.paths]
        was = self._holding
        self._holding = True
        try:
            b = self.controls["baseline"]
            value = b.value if b.value in (*CAREERS, *names) else BASELINE
            b.options = (*((CAREER_LABELS[c], c) for c in CAREERS), *((self.label(n), n) for n in names))
            b.value = value
        finally:
            self._holding = was
        self._render_rows()
        if update:
            self.update()

    def _render_rows(self) -> None:
        styles = self.path_styles()
        rows = []
        for p in self.paths:
            name, kind = p["name"], p["kind"]
            color = styles[name][0]
            control = self.controls[KIND_MONEY[kind][0]]
            swatch = W.HTML(f'<span style="color:{color};font-weight:700;font-size:16px" title="{html.escape(kind)}">\u25a0</span>',
                            layout=W.Layout(width="auto"))
            title = W.Text(value=name, continuous_update=False, layout=W.Layout(width="auto", flex="1 1 120px")).add_class("cs-path-name")
            kind_label = W.HTML(f'<span class="cs-note">{html.escape(CAREER_LABELS[kind])}</span>', layout=W.Layout(width="auto", margin="0 6px"))
            show = W.Checkbox(value=p["show"], description="show", indent=False, layout=W.Layout(width="auto")).add_class("cs-path-show")
            remove = W.Button(description="Remove", layout=W.Layout(width="auto")).add_class("cs-path-remove")
            money = W.IntSlider(value=int(p["money"]), min=min(int(control.min), int(p["money"])), max=max(int(control.max), int(p["money"])),
                                step=1_000, description=KIND_MONEY[kind][1], readout_format="$,d", continuous_update=False,
                                style={"description_width": "90px"}, layout=W.Layout(width="100%")).add_class("cs-path-money")
            place = W.Dropdown(options=tuple((n, pid) for pid, n in PLACE_NAMES.items()), value=p["place"], description="Place",
                               style={"description_width": "90px"}, layout=W.Layout(width="100%")).add_class("cs-path-place")
            parts: list[W.Widget] = [W.HBox([swatch, title, kind_label, show, remove], layout=W.Layout(flex_flow="row wrap", align_items="center", width="100%")), money]
            if kind == "phd":
                funding = W.Dropdown(options=FUNDING_CHOICES, value=p["funding"], description="Funding",
                                     style={"description_width": "90px"}, layout=W.Layout(width="100%")).add_class("cs-path-funding")
                funding.observe(lambda ch, n=name: self._ui(lambda: self.set_path(n, funding=ch["new"])), names="value")
                parts.append(funding)
            parts.append(place)
            title.observe(lambda ch, n=name: self._ui(lambda: self._rename_from_field(n, ch)), names="value")
            money.observe(lambda ch, n=name: self._ui(lambda: self.set_path(n, money=int(ch["new"]))), names="value")
            place.observe(lambda ch, n=name: self._ui(lambda: self.set_path(n, place=ch["new"])), names="value")
            show.observe(lambda ch, n=name: self._ui(lambda: self._show_from_box(n, ch)), names="value")
            remove.on_click(lambda _b, n=name: self._ui(lambda: self.remove_path(n)))
            row = W.VBox(parts, layout=W.Layout(width="100%", border="1px solid #ddd", padding="2px 4px", margin="4px 0"))
            row.add_class("cs-path")
            rows.append(row)
        self.path_rows.children = rows

    def _rename_from_field(self, old: str, change: Mapping[str, Any]) -> None:
        try:
            self.rename_path(old, str(change["new"]).strip())
        except ScenarioError:
            change["owner"].value = old  # the field shows the name in use again
            raise

    def _show_from_box(self, name: str, change: Mapping[str, Any]) -> None:
        try:
            self.set_path(name, show=bool(change["new"]))
        except ScenarioError:
            change["owner"].value = not change["new"]
            raise

    def _paths_from_scenario(self, scenario: Scenario) -> tuple[Scenario, list[dict[str, Any]], set[str]]:
        """A loaded scenario's paths as the explorer's rows: the scenario without paths, the
        added rows, and the careers it lists (the others are hidden)."""
        if not scenario.paths:
            return scenario, [], set(CAREERS)
        base = dataclasses.replace(scenario, paths=())
        careers, rows = set(), []
        for spec in scenario.paths:
            if spec.name in CAREERS:
                if spec.kind != spec.name or spec.overrides:
                    raise ScenarioError(f"paths.{spec.name}: the explorer keeps the names of the four careers for the careers themselves "
                                        f"(kind {spec.name}, no overrides); rename this path")
                careers.add(spec.name)
                continue
            own = scenario.for_path(spec.name)
            changes = spec.changes
            funding = "mix"
            if spec.kind == "phd":
                fp, tp = changes.get("phd.fellowship_probability"), changes.get("phd.ta_probability")
                funding = ("fellowship" if fp == 1.0 else "ta" if tp == 1.0 else "advisor_grant" if (fp, tp) == (0.0, 0.0) else "mix")
                key = {"fellowship": "stipend_fellowship_usd", "ta": "stipend_ta_usd"}.get(funding, "stipend_advisor_grant_usd")
                money = own.get(f"phd.{key}")
            else:
                money = own.get(_MONEY_KEY[spec.kind])
            rows.append({"name": spec.name, "kind": spec.kind, "money": int(round(money)), "place": own.finances.place,
                         "funding": funding, "show": True, "extra": spec.overrides})
        if len(rows) > MAX_ADDED_PATHS:
            raise ScenarioError(f"paths: {len(rows)} paths besides the four careers; the explorer shows at most {MAX_ADDED_PATHS} (use careersim run for more)")
        return base, rows, careers

    # -- sharing -------------------------------------------------------------------------
    def query(self) -> str:
        """The link's query string: every control that differs from its default."""
        q = encode(self._link_values(self.values()), self._link_defaults)
        if self.paths:
            q = "&".join(x for x in (q, encode_paths(self.paths)) if x)
        return q

    def _build_share(self) -> None:
        self._sync = W.HTML().add_class("cs-urlsync")
        self.viewport = W.Text(value="", continuous_update=True, layout=W.Layout(display="none")).add_class("cs-viewport")
        self.viewport.observe(self._on_viewport, names="value")
        self.link = W.HTML().add_class("cs-link")
        self.download = W.HTML().add_class("cs-download")
        self.upload = W.FileUpload(accept=".toml", multiple=False, description="Load inputs (TOML)",
                                   layout=W.Layout(width="auto")).add_class("cs-upload")
        self.upload.observe(self._on_upload, names="value")

    def _update_share(self, scenario: Scenario | None = None) -> None:
        """The link, the page's address and the download, for the current inputs (whose
        scenario the update has already built, when given)."""
        q = self.query()
        self.link.value = (
            '<div class="cs-share">'
            f'<input class="cs-link-text" readonly value="?{html.escape(q, quote=True)}" aria-label="link to these inputs">'
            f'<button class="cs-copy-link" type="button" onclick="{html.escape(_COPY_JS, quote=True)}">Copy link</button>'
            f'<a class="cs-open-link" href="?{html.escape(q, quote=True)}" target="_blank" rel="noopener" style="margin-left:8px">open</a></div>'
        )
        left_out = self.link_leaves_out()
        if left_out:  # a link starts from the page's defaults: say what it would lose
            shown = ", ".join(left_out[:6]) + (f" and {len(left_out) - 6} more" if len(left_out) > 6 else "")
            self.link.value += (f'<div class="cs-link-note">This link carries the page\'s controls only; the loaded inputs also set '
                                f'{html.escape(shown)}, which it leaves out: share the downloaded inputs for those.</div>')
        self._sync.value = (f'<img alt="" src="data:," style="display:none" data-n="{uuid.uuid4().hex[:8]}" onerror="'
                            + html.escape(_SCRIPT % {"uid": self._uid, "query": json.dumps(q), "set_url": "true" if self._in_voila else "false"}, quote=True)
                            + '">')
        try:
            toml = self._inputs_toml(scenario)
        except ScenarioError:
            return
        data = base64.b64encode(toml.encode()).decode()
        self.download.value = (f'<a class="cs-download-link" download="careersim-inputs.toml" '
                               f'href="data:application/toml;base64,{data}">Download inputs (scenario TOML)</a>')

    def inputs_toml(self) -> str:
        """The current inputs as a scenario TOML (what "Download inputs" saves); loading it
        with "Load inputs" or :func:`careersim.load_scenario` gives the same scenario. The
        worlds and the seed are not part of a scenario: they are in the header comment."""
        return self._inputs_toml()

    def _inputs_toml(self, scenario: Scenario | None = None) -> str:
        v = self.values()
        s = self.scenario_for() if scenario is None else scenario
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
        scenario, rows, careers = self._paths_from_scenario(scenario)
        keep = {n: self.controls[n].value for n in ("worlds", "seed", "assumptions", *VIEW_CONTROLS)}
        self.base = scenario
        self.paths = rows
        if rows or careers != set(CAREERS):
            keep.update({f"show_{c}": c in careers for c in CAREERS})
        self._exact = {}  # the loaded scenario's own values behind rounded sliders, none of the old ones
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
            self._paths_changed(False)
            for name in (*VIEW_CONTROLS, "assumptions"):
                if name != "age" and name in keep:
                    self.controls[name].value = keep[name]
            if self._shown_count() > MAX_SHOWN:
                self._hide_a_career()
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

    def _set(self, values: Mapping[str, Any]) -> None:
        """Set controls as a person moving them would: each value is used as given (not a
        default's exact value behind the same rounded slider position), and a new place
        without a stipend brings the local one."""
        self._apply(values)
        for name in values:
            self._exact.pop(name, None)
        if "place" in values and "stipend_usd" not in values:
            self._local_stipend(self.controls["place"].value)  # as the page does on a new place

    def _apply(self, values: Mapping[str, Any]) -> None:
        values = dict(values)
        if "paths" in values:
            rows = values.pop("paths")
            self.paths = []
            for row in rows:
                fields = ("name", "kind", "money", "place", "funding", "show")
                if not isinstance(row, Mapping) or any(k not in row for k in fields):
                    raise ScenarioError(f"paths: {short_repr(row)}: each row is a dict with {', '.join(fields)}")
                self.add_path(row["name"], row["kind"], money=row["money"], place=row["place"], funding=row["funding"],
                              show=row["show"], update=False)
            if not rows:
                self._paths_changed(False)  # the baseline's choices without the removed paths
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
        owner = change.get("owner")
        if change.get("new") is True and any(owner is self.controls[f"show_{c}"] for c in CAREERS) and self._shown_count() > MAX_SHOWN:
            self._holding = True
            try:
                owner.value = False
            finally:
                self._holding = False
            self._show_error(f"At most {MAX_SHOWN} paths are drawn at once: hide one first.")
            return
        # a slider moved by hand shows the value used from now on: its exact value (a default
        # off the slider's grid) no longer applies, even back at the same rounded place
        self._exact.pop(next((n for n, w in self.controls.items() if w is owner), ""), None)
        if owner is self.controls["place"]:
            self._local_stipend(change["new"])
        self.update()

    def _restore(self, values: Mapping[str, Any], paths: list[dict[str, Any]], exact: dict[str, tuple[Any, Any]]) -> None:
        """Put back a state: the controls' values, the added paths and the exact values behind
        rounded sliders (without the last, a restored slider could be read at its rounded value)."""
        self.paths = [dict(p) for p in paths]
        self._paths_changed(False)
        self._apply(values)
        self._exact = dict(exact)

    def _local_stipend(self, place: str) -> None:
        """A new place: the PhD stipend becomes the local department's (then adjustable),
        shown on the slider's grid and used exactly."""
        was = self._holding
        self._holding = True
        try:
            exact = load_places()[place].phd_stipend_usd
            w = self.controls["stipend_usd"]
            w.value = _on_grid(exact, 15_000, 1_000, W.IntSlider)
            self._exact["stipend_usd"] = (w.value, exact)
        finally:
            self._holding = was

    def recompute(self, **values: Any) -> pd.DataFrame:
        """Set some controls by name (as a person moving them would) and update once.

        Values go through the widgets, so a slider clamps a value to its bounds and a
        dropdown rejects an unknown choice (:class:`traitlets.TraitError`).

        Returns
        -------
        DataFrame
            :meth:`summary` after the update.
        """
        unknown = set(values) - set(CONTROL_NAMES) - {"paths"}
        if unknown:
            raise ScenarioError(f"unknown control(s) {', '.join(sorted(unknown))}; controls: {', '.join(CONTROL_NAMES)}")
        for name, value in values.items():
            if isinstance(value, (float, np.floating)) and value != value:  # a slider clamps any number but NaN
                raise ScenarioError(f"{name} = nan: must be a number (a slider clamps it to its range)")
        before = (self.values(), [dict(p) for p in self.paths], dict(self._exact))
        try:  # all or nothing: a refused value leaves every control and path as it was
            self._set(values)
            if self._shown_count() > MAX_SHOWN:
                raise ScenarioError(f"At most {MAX_SHOWN} paths are drawn at once ({', '.join(self._shown())} asked for): hide one first")
        except Exception:
            self._restore(*before)
            raise
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
        key = (scenario, int(v["worlds"]), int(v["seed"]), str(v["assumptions"]))
        baseline = str(v["baseline"])
        lens_key = (str(v["lens"]), 0.0 if v["lens"] == "net_worth" else float(v["discount_rate"]))
        previous = None
        if key != self._sim_key or self.result is None:
            t = time.perf_counter()
            previous = self.result
            # reuse: careers that this change cannot touch are copied, not simulated again
            same_kind = previous is not None and getattr(previous, "assumptions", "fixed") == key[3]
            self.result = simulate(scenario, worlds=key[1], rng=key[2], reuse=previous if same_kind else None, assumptions=key[3])
            self._sim_key = key
            timings["simulate"] = 1e3 * (time.perf_counter() - t)
            self._stats_key = None
        if (key, lens_key) != self._stats_key:
            t = time.perf_counter()
            self._sync_artists()
            self._stats = self._year_stats(previous, lens_key)
            self._stats_key = (key, lens_key)
            timings["stats"] = 1e3 * (time.perf_counter() - t)
        t = time.perf_counter()
        self._ahead_stats(baseline)
        self._age_stats(int(v["age"]))
        timings["stats"] = timings.get("stats", 0.0) + 1e3 * (time.perf_counter() - t)
        t = time.perf_counter()
        self._relayout()
        self._update_artists(int(v["age"]))
        timings["artists"] = 1e3 * (time.perf_counter() - t)
        # the figure's frame goes first: the page decodes it while the table is computed
        t = time.perf_counter()
        self._redraw()
        timings["draw"] = 1e3 * (time.perf_counter() - t)
        t = time.perf_counter()
        self.table.value = self._table_html(int(v["age"]))
        self._update_share(scenario)
        timings["table"] = 1e3 * (time.perf_counter() - t)
        timings["total"] = 1e3 * (time.perf_counter() - t0)
        self.timings = timings
        r = self.result
        self.status.value = (
            f"{r.worlds:,} worlds, seed {key[2]}, {r.horizon_years} years, {r.units}. "
            f"Last update {timings['total']:.0f} ms (simulation {timings['simulate']:.0f} ms)."
        )

    def _redraw(self) -> None:
        if self._mode == "image":
            self.render()
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

        t = time.perf_counter()
        # Agg only: with ipympl this leaves the canvas's own diff state to its browser view;
        # only the data are drawn again when nothing else changed (blitting)
        if not self._blit():
            FigureCanvasAgg.draw(self._agg_canvas)
        png = _png_frame(np.asarray(self._agg_canvas.buffer_rgba()))
        if self._mode == "image":
            self.image.value = png
        self.timings["draw"] = 1e3 * (time.perf_counter() - t)
        return png

    # -- numbers ---------------------------------------------------------------------------
    def _year_stats(self, previous: Any = None, lens: tuple[str, float] = ("net_worth", 0.0)) -> dict[str, Any]:
        r = self.result
        values = r.lens_paths(lens[0], discount_rate=lens[1])  # (career, world, year)
        x = np.empty((len(r.careers), r.horizon_years, r.worlds))  # (career, year, world), sorted
        old, old_values = self._stats.get("sorted"), self._stats.get("values")
        # a new seed changes every career: no comparison needed then
        same = (old is not None and old_values is not None and self._stats.get("lens") == lens and previous is not None
                and previous.careers == r.careers and old_values.shape == values.shape
                and previous.seed_entropy == r.seed_entropy and previous.seed_spawn_key == r.seed_spawn_key)
        rows = []  # (career, years) to copy and sort
        threads = resolve_threads(None, 1)
        for ci in range(len(r.careers)):
            if same and np.array_equal(old_values[ci], values[ci]):
                x[ci] = old[ci]  # this career did not change: its sorted values neither
            else:
                step = -(-r.horizon_years // threads)
                rows += [(ci, slice(y, y + step)) for y in range(0, r.horizon_years, step)]

        def sort_rows(job: tuple[int, slice]) -> None:  # copied and sorted in place on the pool; numpy releases the GIL
            ci, years = job
            rows_x = x[ci, years]
            rows_x[...] = values[ci][:, years].T
            rows_x.sort(axis=-1)

        map_on_threads(sort_rows, rows, threads)
        qs = list(QUANTILES)
        quant = sorted_quantiles(x, qs)  # (quantile, career, year)
        return {"sorted": x, "values": values, "lens": lens, "qs": qs, "quant": quant, "median_se": median_se(x, r.worlds), "ahead": {}}

    def _ahead_stats(self, baseline: str) -> None:
        s, r = self._stats, self.result
        if baseline not in s["ahead"]:
            b = r.index(baseline)
            values = s["values"]
            p = (values > values[b][None]).mean(axis=1)  # (career, year)
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
        # the controls' values as shown when these numbers were computed (for scripts and the
        # browser test; a slider showing a rounded default is computed with its exact value)
        inputs = html.escape(json.dumps(self.values(), separators=(",", ":")), quote=True)
        rows = []
        styles = self.path_styles()
        lens, rate = self._stats.get("lens", ("net_worth", 0.0))
        what = LENS_NAMES[lens] + ("" if lens == "net_worth" else f" at {rate:.1%}")
        for career, row in t.iterrows():
            if not self._is_shown(career) and career != b:
                continue
            color = styles.get(career, ("#444",))[0]
            label = html.escape(self.label(career))
            ahead = "(compared with)" if career == b else f"{row[f'p_ahead_of_{b}']:.1%} ± {row[f'p_ahead_of_{b}_se']:.1%}"
            rows.append(
                f'<tr data-career="{career}"><td><span style="color:{color};font-weight:700">\u25a0</span>\u00a0{label}</td>'
                f'<td class="cs-median">{_money(row["median"])} ± {_money(row["median_se"])}</td>'
                f'<td class="cs-range">{_money(row["p5"])} to {_money(row["p95"])}</td>'
                f'<td class="cs-p-ahead">{ahead}</td></tr>'
            )
        basis = "after tax" if self.result.net_worth_basis == "after-tax" else "pre-tax"
        heading = f"median net worth ({basis}) ± se" if lens == "net_worth" else f"median {html.escape(what)} ± se"
        return (
            f'<div class="cs-uncertainty cs-note" data-assumptions="{html.escape(getattr(self.result, "assumptions", "fixed"))}">'
            f"<b>{html.escape(LENS_NAMES[lens].capitalize())}</b>; intervals: {html.escape(self.result.uncertainty)}.</div>"
            f'<div class="cs-table-wrap"><table class="cs-table" data-age="{age}" data-baseline="{b}" data-lens="{lens}" data-inputs="{inputs}">'
            f"<thead><tr><th>At age {age}</th><th>{heading}</th>"
            f"<th>90% of worlds</th><th>P(ahead of {html.escape(self.label(b))}) ± se</th></tr></thead>"
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
            from ipympl.backend_nbagg import FigureManager

            canvas = _frame_canvas_class()(fig)
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
        self._art: dict[str, Any] = {"bands": {}, "median": {}, "stairs": {}, "med_line": {}, "p": {}, "p_band": {}}
        for c in CAREERS:
            self._add_artists(c, CAREER_COLORS[c], CAREER_LINESTYLES[c])
        ax_fan.axhline(0, color="0.6", linewidth=0.8)
        self._art["fan_age"] = ax_fan.axvline(0, color="0.3", linestyle=":", linewidth=1)
        self._art["p_age"] = ax_p.axvline(0, color="0.3", linestyle=":", linewidth=1)
        ax_p.axhline(0.5, color="0.6", linewidth=0.8, linestyle=":")
        # Blitting: the data are "animated" artists, drawn over a saved image of everything
        # else (axes, ticks, text), which is drawn again only when the limits, the titles,
        # the legend or the size change (_background_key). Most moves then redraw only data.
        self._collect_animated()
        self._bg = None
        self._bg_key: tuple | None = None
        self._text_pixels: dict[int, tuple[str, Any]] = {}
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
        self._collect_animated()
        ax_p.set_ylim(0, 1)
        ax_p.set_xlabel("age", fontsize=10, labelpad=1)
        ax_p.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0%}"))
        self._art["p_title"] = ax_p.set_title("", fontsize=11, loc="left")
        self._legend = None
        for a in self._animated:
            a.set_animated(True)
        self._agg_canvas.mpl_connect("draw_event", self._on_draw)
        self._dist_xlim: tuple[float, float] | None = None

    def _add_artists(self, c: str, color: str, style: Any) -> None:
        ax_fan, ax_dist, ax_p = self.axes["fan"], self.axes["distribution"], self.axes["p_ahead"]
        x0 = np.array([0.0, 1.0])
        self._art["bands"][c] = {band: ax_fan.fill_between(x0, x0, x0, color=color, alpha=0.16 if band == (0.25, 0.75) else 0.10, linewidth=0)
                                 for band in ((0.05, 0.95), (0.25, 0.75))}
        (self._art["median"][c],) = ax_fan.plot(x0, x0, color=color, linewidth=2.2, linestyle=style)
        self._art["stairs"][c] = ax_dist.stairs([0.0], [0.0, 1.0], color=color, linewidth=1.6, linestyle=style)
        self._art["med_line"][c] = ax_dist.axvline(0, color=color, linestyle=style, linewidth=1, alpha=0.8)
        self._art["p_band"][c] = ax_p.fill_between(x0, x0, x0, color=color, alpha=0.2, linewidth=0)
        (self._art["p"][c],) = ax_p.plot(x0, x0, color=color, linewidth=1.8, linestyle=style)

    def _collect_animated(self) -> None:
        names = list(self._art["median"])
        self._animated = [*(b for c in names for b in self._art["bands"][c].values()),
                          *(self._art[k][c] for k in ("p_band", "p", "median", "stairs", "med_line") for c in names),
                          *(self._art[k] for k in ("fan_age", "p_age", "dist_title") if k in self._art)]
        for a in self._animated:
            a.set_animated(True)

    def _sync_artists(self) -> None:
        """Artists for exactly the simulated paths, each in its colour from :func:`path_styles`."""
        names = list(self.result.careers) if self.result is not None else list(CAREERS)
        styles = self.path_styles()
        changed = False
        for c in list(self._art["median"]):
            if c not in names or (c not in CAREERS and self._art["median"][c].get_color() != styles.get(c, ("",))[0]):
                for k in ("median", "stairs", "med_line", "p_band", "p"):
                    self._art[k].pop(c).remove()
                for coll in self._art["bands"].pop(c).values():
                    coll.remove()
                changed = True
        for c in names:
            if c not in self._art["median"]:
                color, style = styles.get(c, ("0.4", "-"))
                self._add_artists(c, color, style)
                changed = True
        if changed:
            self._collect_animated()
            self._layout_key = None  # the legend follows
            self._bg = None

    def _background_key(self) -> tuple:
        fan, dist, p = self.axes["fan"], self.axes["distribution"], self.axes["p_ahead"]
        return (tuple(self.figure.bbox.size), self.figure.dpi, fan.get_xlim(), fan.get_ylim(), fan.get_yscale(), dist.get_xlim(),
                p.get_xlim(), self._art["fan_title"].get_text(), self._art["p_title"].get_text(), fan.get_ylabel(), self._layout_key)

    def _on_draw(self, event: Any) -> None:
        """After a full draw (which leaves out the animated data): keep the image as the
        background, then draw the data on it (before the frame is sent or encoded)."""
        canvas = self._agg_canvas
        self._bg = canvas.copy_from_bbox(self.figure.bbox)
        self._bg_key = self._background_key()
        self._text_pixels = {}  # drawn on the old background
        self._draw_animated()

    def _draw_animated(self) -> None:
        """Draw the animated artists over the background. An animated text (the distribution's
        title, which follows the age) is drawn once per wording: its pixels are kept and put
        back while the wording stays (rendering its glyphs cost ~5 ms, a fifth of a frame)."""
        from matplotlib.text import Text

        canvas = self._agg_canvas
        for a in self._animated:
            if not a.get_visible():
                continue
            if not isinstance(a, Text):
                self.figure.draw_artist(a)
                continue
            kept = self._text_pixels.get(id(a))
            if kept is not None and kept[0] == a.get_text():
                canvas.restore_region(kept[1])
                continue
            self.figure.draw_artist(a)
            box = a.get_window_extent(canvas.get_renderer()).padded(2)
            # kept only where no data are drawn (outside every axes): its pixels are then
            # the background's and the text's alone
            if not any(box.overlaps(ax.bbox) for ax in self.figure.axes):
                self._text_pixels[id(a)] = (a.get_text(), canvas.copy_from_bbox(box))

    def _blit(self) -> bool:
        """Redraw only the data over the saved background if nothing else changed; False
        when a full draw is needed."""
        if self._bg is None or self._background_key() != self._bg_key:
            return False
        self._agg_canvas.restore_region(self._bg)
        self._draw_animated()
        return True

    @staticmethod
    def _figure_size(width: int, legend_rows: int = 2) -> tuple[int, int]:
        if width < NARROW_FIGURE:
            return width, max(68, 8 + 22 * legend_rows) + 270 + 2 * (60 + 190) + 52  # legend, three panels, the last axis
        return width, int(np.clip(0.64 * width, 470, 640))

    def _shown(self) -> list[str]:
        return [c for c in CAREERS if self.controls[f"show_{c}"].value] + [p["name"] for p in self.paths if p["show"]]

    def _is_shown(self, name: str) -> bool:
        return bool(self.controls[f"show_{name}"].value) if name in CAREERS else any(p["name"] == name and p["show"] for p in self.paths)

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
        w, h = self._figure_size(width, -(-max(len(shown), 1) // 2))
        if self._mode == "ipympl":
            self._agg_canvas.handle_resize({"width": w, "height": h})
        else:
            fig.set_size_inches(w / FIGURE_DPI, h / FIGURE_DPI)
        ncols = 4 if w >= 720 else 2
        if ncols == 4 and w < 1000 and any(c not in CAREERS for c in shown):
            ncols = 3  # a path's label (name and kind) is longer than a career's
        rows = -(-max(len(shown), 1) // ncols)
        legend_h = 6 + 20 * rows
        left, right, title = (86 if w >= NARROW_FIGURE else 74), 14, 22

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
            legend, self._legend = self._legend, None  # forgotten first: a failure below must not remove it twice
            legend.remove()
        shown = tuple(c for c in shown if c in self._art["median"])
        if not shown:  # every path hidden: the axes stay, empty, with no legend
            return
        handles = [self._art["median"][c] for c in shown]
        self._legend = fig.legend(handles=handles, labels=[self.label(c) if w >= NARROW_FIGURE else CAREER_LABELS.get(c, c) for c in shown], loc="upper left",
                                  bbox_to_anchor=((left - 8 if ncols == 4 else 2) / w, 1 - 2 / h), ncols=ncols, frameon=False, fontsize=10,
                                  handlelength=3.2, columnspacing=1.4, borderaxespad=0.2)
        for handle in self._legend.legend_handles:  # copies of the (animated) median lines
            handle.set_animated(False)
            # a career shown again is still hidden here (its line is made visible later, in
            # _update_artists), and its copy would be a legend entry with no line
            handle.set_visible(True)

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
        """The band's polygon: along ``lo`` and back along ``hi``. Set directly: matplotlib's
        FillBetweenPolyCollection.set_data (3.10+) checks and masks its input at 0.2 ms a band
        (about 2 ms a move) and draws the same pixels."""
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
        lens, rate = s.get("lens", ("net_worth", 0.0))
        short = {"net_worth": "Net worth", "income_pv": "PV of after-tax income", "consumption_pv": "PV of consumption"}[lens]
        art["fan_title"].set_text(short + " by age" + (f": median, middle {band_text} of worlds" if bands and not narrow else ""))
        ylabel = {"net_worth": "net worth", "income_pv": "PV of income", "consumption_pv": "PV of consumption"}[lens]
        ylabel += "" if lens == "net_worth" else f", {rate:.1%}"
        if self.axes["fan"].get_ylabel() != ylabel:
            self.axes["fan"].set_ylabel(ylabel, fontsize=10, labelpad=2)
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
        art["dist_title"].set_text(f"{short} at age {age}" + ("" if narrow or lens != "net_worth" else " (thin: medians)"))
        art["p_title"].set_text(f"P(ahead of {self.label(baseline) if baseline not in CAREER_LABELS else label_in_sentence(baseline)}) \u00b12 se")

    # -- layout ----------------------------------------------------------------------------
    def _layout(self) -> W.VBox:
        groups: dict[str, list[W.Widget]] = {}
        for c in CONTROLS:
            groups.setdefault(c.group, []).append(self.controls[c.name])
        roads = [W.HTML(f'<div class="cs-group-title">{html.escape(ROADS)}</div>'), *groups[ROADS]]
        paths_acc = W.Accordion(children=[self.paths_box], selected_index=None, layout=W.Layout(width="100%"))
        paths_acc.set_title(0, PATHS)
        paths_acc.add_class("cs-paths-section")
        roads.append(paths_acc)
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
        view_controls = [self.controls[n] for n in ("age", "baseline", "lens", "discount_rate", "assumptions", "bands", "fan_scale")]
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

"""Interactive explorer: sliders for the inputs a person most wants to set, and the four
careers' outcomes in the same simulated worlds.

A thin layer over the public API: the controls are turned into a :class:`~careersim.Scenario`
with :meth:`Scenario.replace`, simulated with :func:`careersim.simulate`, and read back from
the :class:`~careersim.Result`. Only this module imports :mod:`ipywidgets`.

Examples
--------
In a notebook::

    from careersim.widgets import Explorer
    Explorer()                      # 5,000 worlds, seed 2026

From Python (the same callback the sliders call)::

    >>> from careersim.widgets import Explorer
    >>> ex = Explorer(worlds=2_000)
    >>> table = ex.recompute(offer_usd=200_000)
    >>> list(table.index)
    ['phd', 'residency', 'engineer', 'independent']

Speed: the figure is created once and every change only replaces the data of its artists
(``set_data``) and asks for a redraw (``draw_idle``); a change of the viewing age alone
does not simulate again. :attr:`Explorer.timings` holds the split of the last update.
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd

from . import CAREERS, PLACE_NAMES, Scenario, ScenarioError, load_places, load_scenario, plotting, simulate

#: default number of worlds: a slider change recomputes and redraws in well under a second
DEFAULT_WORLDS = 5_000
#: default seed: moving a slider changes only what it means (common random numbers)
DEFAULT_SEED = 2026
#: choices of the worlds control
WORLD_CHOICES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
BASELINE = "engineer"
#: quantile bands of the fan chart, outer first
FAN_BANDS = ((0.05, 0.95), (0.25, 0.75))
_Z95 = 1.959963984540054
#: the log-scale fan chart is linear between -LINTHRESH and +LINTHRESH dollars
LINTHRESH = 100_000.0

FUNDING_CHOICES = (
    ("not known yet (typical mix)", "mix"),
    ("advisor's grant (RA)", "advisor_grant"),
    ("teaching assistant (TA)", "ta"),
    ("fellowship", "fellowship"),
)


@dataclasses.dataclass(frozen=True)
class Control:
    """One input: its name (a keyword of :meth:`Explorer.recompute`), the scenario key it
    sets (None when :meth:`Explorer.scenario_for` maps it specially) and its widget."""

    name: str
    key: str | None
    group: str
    make: Callable[[Any], W.ValueWidget]
    help: str = ""


def _slider(cls: type, description: str, lo: float, hi: float, step: float, fmt: str) -> Callable[[Any], W.ValueWidget]:
    def make(value: Any) -> W.ValueWidget:
        # The scenario's own value is always inside the range and on the slider's grid (a
        # browser slider snaps to min + k * step), so the slider never silently changes it:
        # widen the range if needed, then refine the step until the value is on the grid.
        lo_, hi_ = min(lo, value), max(hi, value)
        step_ = step
        for m in (1, 2, 4, 5, 10, 20, 25, 50, 100):
            k = (value - lo_) / (step / m)
            if abs(k - round(k)) < 1e-6 and (cls is not W.IntSlider or float(step / m).is_integer()):
                step_ = step / m
                break
        else:  # no finer grid fits: shift the grid onto the value instead
            lo_ = value - np.floor((value - lo_) / step + 1e-9) * step
        if cls is W.IntSlider:
            lo_, hi_, step_ = int(round(lo_)), int(round(hi_)), int(round(step_))
        else:
            lo_, hi_, step_ = round(float(lo_), 12), round(float(hi_), 12), round(float(step_), 12)
        return cls(
            value=value, min=lo_, max=hi_, step=step_, description=description,
            readout_format=fmt, continuous_update=False, style={"description_width": "150px"},
            layout=W.Layout(width="98%"),
        )

    return make


def _dropdown(description: str, options: Any) -> Callable[[Any], W.ValueWidget]:
    def make(value: Any) -> W.ValueWidget:
        return W.Dropdown(options=options, value=value, description=description,
                          style={"description_width": "150px"}, layout=W.Layout(width="98%"))

    return make


CONTROLS: tuple[Control, ...] = (
    Control("offer_usd", "engineer.start_pay_usd", "Your job offer",
            _slider(W.IntSlider, "Offer (total comp.)", 50_000, 500_000, 5_000, ",d"),
            "Starting total compensation of the research-engineer offer, USD/year."),
    Control("real_raise", "employment.real_raise", "Your job offer",
            _slider(W.FloatSlider, "Real raise / year", -0.02, 0.08, 0.005, ".1%"),
            "Annual real raise of every industry job in a boom year, before promotions."),
    Control("stipend_usd", None, "The PhD",
            _slider(W.IntSlider, "Stipend", 15_000, 80_000, 1_000, ",d"),
            "Your PhD stipend, USD/year. With 'not known yet' it sets the advisor-grant (RA) stipend and "
            "moves the TA stipend with it (a fellowship keeps the scenario's); otherwise the stipend of that source."),
    Control("funding", None, "The PhD",
            _dropdown("Funding source", FUNDING_CHOICES),
            "Who pays the stipend; 'not known yet' keeps the scenario's probabilities."),
    Control("phd_years", "phd.duration_median_years", "The PhD",
            _slider(W.FloatSlider, "PhD length (median)", 3.0, 10.0, 0.5, ".1f"),
            "Median PhD length in years."),
    Control("advisor_sd", "phd.advisor_quality_sd", "The PhD",
            _slider(W.FloatSlider, "Advisor-quality spread", 0.0, 3.0, 0.1, ".1f"),
            "Spread of advisor quality (0 = every advisor is average)."),
    Control("place", "finances.place", "Money",
            _dropdown("Where you live", tuple((name, pid) for pid, name in PLACE_NAMES.items())),
            "Sets prices (living costs), state and city income tax, unemployment insurance, and moves the PhD stipend to the local department's."),
    Control("spending_rule", "finances.spending_rule", "Money",
            _dropdown("Spending", (("rises with income", "income_elasticity"), ("fixed savings rate", "savings_rate"))),
            "How spending follows after-tax income above the living costs: like most people's (an income elasticity of 0.7), or saving a fixed share."),
    Control("savings_rate", "finances.savings_rate", "Money",
            _slider(W.FloatSlider, "Savings rate", 0.0, 1.0, 0.05, ".0%"),
            "With a fixed savings rate: the share of after-tax income above living costs that is saved."),
    Control("living_cost_usd", "finances.living_cost_usd", "Money",
            _slider(W.IntSlider, "Living costs (US avg.)", 15_000, 150_000, 1_000, ",d"),
            "Basic living costs, USD/year at US-average prices; the place's price level scales them."),
    Control("net_worth", "finances.net_worth", "Money",
            _dropdown("Net worth shown", (("after tax", "after-tax"), ("pre-tax (balances)", "pre-tax"))),
            "After tax: the taxable account's gain taxed as if sold, the 401(k) at a retirement tax rate, the Roth IRA tax-free; pre-tax: every balance at face value."),
    Control("market_model", "market.model", "Market and risk",
            _dropdown("Market model", ("lognormal", "student_t", "bootstrap", "historical")),
            "lognormal / student_t use the expected return below; bootstrap / historical replay 1928-2025."),
    Control("return_mean", "market.real_log_return_mean", "Market and risk",
            _slider(W.FloatSlider, "Mean log real return", -0.03, 0.12, 0.005, ".2%"),
            "Mean annual log real return of the index fund (lognormal and student_t models)."),
    Control("layoff_hazard", "layoffs.annual_layoff_hazard", "Market and risk",
            _slider(W.FloatSlider, "Layoff hazard / year", 0.0, 0.2, 0.005, ".1%"),
            "Probability per boom year that an industry worker is laid off."),
    Control("bust_probability", "regime.boom_to_bust_probability", "Market and risk",
            _slider(W.FloatSlider, "Boom-to-bust prob.", 0.0, 1.0, 0.01, ".0%"),
            "Annual probability that a boom year of the ML job market turns into a bust."),
    Control("horizon_years", "simulation.horizon_years", "Simulation",
            _slider(W.IntSlider, "Horizon (years)", 5, 60, 1, "d"),
            "Number of simulated years."),
    Control("worlds", None, "Simulation",
            _dropdown("Worlds", [(f"{w:,}", w) for w in WORLD_CHOICES]),
            "Monte Carlo worlds: more worlds, smaller Monte Carlo error, slower updates."),
    Control("seed", None, "Simulation",
            lambda v: W.BoundedIntText(value=v, min=0, max=2**31 - 1, description="Seed",
                                       style={"description_width": "150px"}, layout=W.Layout(width="98%")),
            "Fixed seed: every change is evaluated in the same worlds."),
    Control("age", None, "View",
            _slider(W.IntSlider, "Age for the table", 23, 62, 1, "d"),
            "Age at which the table and the distribution panel are read (no new simulation)."),
    Control("fan_scale", None, "View",
            _dropdown("Net-worth axis", (("log (shows every age)", "log"), ("linear", "linear"))),
            "Scale of the fan chart's net-worth axis: log above $100k (linear below, so debt shows), or linear."),
)
CONTROL_NAMES = tuple(c.name for c in CONTROLS)
#: controls that change only what is shown, not what is simulated
VIEW_CONTROLS = ("age", "fan_scale")


def _css(name: str) -> str:
    return "cs-" + name.replace("_", "-")


def _money(v: float, digits: int = 2) -> str:
    """$1.23M, $456k, -$78k: short, readable amounts."""
    sign, a = ("-" if v < 0 else ""), abs(v)
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.{digits}f}M"
    if a >= 1e3:
        return f"{sign}${a / 1e3:,.0f}k"
    return f"{sign}${a:,.0f}"


def _money_tick(v: float, _pos: Any = None) -> str:
    sign, a = ("-" if v < 0 else ""), abs(v)
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.3g}M"
    if a >= 1e3:
        return f"{sign}${a / 1e3:,.0f}k"
    return f"{sign}${a:,.0f}"


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


class Explorer:
    """Sliders -> scenario -> :func:`careersim.simulate` -> fan chart, distribution at an
    age, P(ahead of the engineer) by age, and a table of the numbers with their Monte
    Carlo error.

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

    Attributes
    ----------
    widget
        The whole app, an :class:`ipywidgets.VBox`; the notebook displays the Explorer itself.
    controls
        ``{name: widget}`` for every name in :data:`CONTROL_NAMES`.
    result
        The last :class:`Result`.
    timings
        Milliseconds of the last update: ``simulate`` (0 when only the age changed),
        ``stats``, ``artists`` (updating the figure's data), ``table``, ``total``; and
        ``draw`` (Agg render + PNG) once the figure was rendered in the kernel
        (always with ``figure="image"``; with ipympl after :meth:`render`).
    """

    def __init__(self, scenario: Scenario | str = "default", *, worlds: int = DEFAULT_WORLDS, rng: int = DEFAULT_SEED,
                 age: int | None = None, figure: str = "auto") -> None:
        self.base = load_scenario(scenario) if isinstance(scenario, str) else scenario
        if not isinstance(self.base, Scenario):
            raise ScenarioError(f"scenario = {scenario!r}: must be a careersim.Scenario or a scenario name/path")
        if worlds not in WORLD_CHOICES:
            raise ScenarioError(f"worlds = {worlds!r}: must be one of {', '.join(map(str, WORLD_CHOICES))}")
        if figure not in ("auto", "ipympl", "image"):
            raise ScenarioError(f"figure = {figure!r}: must be 'auto', 'ipympl' or 'image'")
        self.result = None
        self.timings: dict[str, float] = {}
        self.error: str | None = None
        self._sim_key: tuple | None = None
        self._holding = False
        self._stats: dict[str, Any] = {}

        self.controls = self._make_controls(worlds, rng, age)
        self._build_figure(figure)
        self.status = W.HTML().add_class("cs-status")
        self.table = W.HTML().add_class("cs-summary")
        self.widget = self._layout()
        self.widget.add_class("cs-explorer")
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        self.update()

    # -- controls ------------------------------------------------------------------------
    def _make_controls(self, worlds: int, seed: int, age: int | None) -> dict[str, W.ValueWidget]:
        s = self.base
        start = s.simulation.start_age
        initial = {c.name: s.get(c.key) for c in CONTROLS if c.key}
        initial.update(stipend_usd=int(round(s.phd.stipend_advisor_grant_usd)), funding="mix", worlds=worlds, seed=int(seed), fan_scale="log",
                       offer_usd=int(round(initial["offer_usd"])), living_cost_usd=int(round(initial["living_cost_usd"])))
        horizon = s.simulation.horizon_years
        initial["age"] = int(age) if age is not None else (40 if start < 40 <= start + horizon else start + horizon)
        controls = {}
        for c in CONTROLS:
            w = c.make(initial[c.name])
            w.add_class(_css(c.name))
            w.description_allow_html = False
            w.tooltip = c.help
            controls[c.name] = w
        controls["age"].min, controls["age"].max = start + 1, start + horizon
        if not start + 1 <= initial["age"] <= start + horizon:
            raise ScenarioError(f"age = {age!r}: must be between {start + 1} and {start + horizon}")
        controls["age"].value = initial["age"]
        self._sync_enabled(controls)
        return controls

    @staticmethod
    def _sync_enabled(controls: Mapping[str, W.ValueWidget]) -> None:
        controls["return_mean"].disabled = controls["market_model"].value in ("bootstrap", "historical")
        controls["savings_rate"].disabled = controls["spending_rule"].value != "savings_rate"

    def values(self) -> dict[str, Any]:
        """Current value of every control, by name."""
        return {name: w.value for name, w in self.controls.items()}

    def scenario_for(self, values: Mapping[str, Any] | None = None) -> Scenario:
        """The scenario that the control values (default: the current ones) describe."""
        v = {**self.values(), **(values or {})}
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

    # -- the callback --------------------------------------------------------------------
    def _on_change(self, change: Mapping[str, Any]) -> None:
        if self._holding:
            return
        if change.get("owner") is self.controls["place"]:
            # a new place: the PhD stipend becomes the local department's (then adjustable)
            self._holding = True
            try:
                self.controls["stipend_usd"].value = int(round(load_places()[change["new"]].phd_stipend_usd))
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
        self._holding = True
        try:
            if "horizon_years" in values:
                self.controls["horizon_years"].value = values["horizon_years"]
                self._sync_age_range()
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
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

    def update(self) -> None:
        """Recompute from the current controls and redraw: the callback every control calls.

        Simulates only when something other than the viewing age changed; updates the
        figure's artists in place, the table and the status line.
        """
        t0 = time.perf_counter()
        self._sync_enabled(self.controls)
        self._sync_age_range()
        timings = {"simulate": 0.0}
        try:
            scenario = self.scenario_for()
        except ScenarioError as e:
            self.error = str(e)
            self.status.value = f'<span class="cs-error" style="color:#b00">Not a valid scenario: {html.escape(str(e))}</span>'
            return
        self.error = None
        v = self.values()
        key = (scenario, int(v["worlds"]), int(v["seed"]))
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
        self._age_stats(int(v["age"]))
        timings["stats"] = timings.get("stats", 0.0) + 1e3 * (time.perf_counter() - t)
        t = time.perf_counter()
        self._update_artists(int(v["age"]))
        timings["artists"] = 1e3 * (time.perf_counter() - t)
        t = time.perf_counter()
        self.table.value = self._table_html(int(v["age"]))
        timings["table"] = 1e3 * (time.perf_counter() - t)
        if self._mode == "image":
            self.render()
            timings["draw"] = self.timings["draw"]
        else:
            self.figure.canvas.draw_idle()
        timings["total"] = 1e3 * (time.perf_counter() - t0)
        self.timings = timings
        r = self.result
        self.status.value = (
            f"{r.worlds:,} worlds, seed {key[2]}, {r.horizon_years} years, {r.units}. "
            f"Last update {timings['total']:.0f} ms (simulation {timings['simulate']:.0f} ms)."
        )

    def render(self) -> bytes:
        """Render the figure in the kernel (Agg) and encode it as PNG: the work a browser's
        redraw request costs after :meth:`update`. Records ``timings["draw"]`` and returns
        the PNG bytes. A benchmark of one slider change times ``update()`` + ``render()``.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        t = time.perf_counter()
        # Agg only: with ipympl this leaves the canvas's own diff state to its browser view
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
        qs = sorted({q for band in FAN_BANDS for q in band} | {0.5})
        quant = sorted_quantiles(x, qs)  # (quantile, career, year)
        b = r.index(BASELINE)
        p_ahead = (r.net_worth > r.net_worth[b][None]).mean(axis=1)  # (career, year)
        return {"sorted": x, "qs": qs, "quant": quant, "median_se": median_se(x, r.worlds), "p_ahead": p_ahead,
                "p_ahead_se": np.sqrt(p_ahead * (1 - p_ahead) / r.worlds)}

    def _age_stats(self, age: int) -> None:
        r = self.result
        year = r.year_of_age(age)
        x = self._stats["sorted"][:, year - 1]
        lo, hi = np.quantile(x, [0.01, 0.99])
        if not hi > lo:
            lo, hi = lo - 1.0, hi + 1.0
        edges = np.linspace(lo, hi, 51)
        width = edges[1] - edges[0]
        dens = np.stack([np.histogram(v, bins=edges)[0] / (len(v) * width) for v in x])
        self._stats["hist"] = (edges, dens)

    def summary(self) -> pd.DataFrame:
        """The numbers in the table, one row per career, at the chosen age: median net
        worth and its Monte Carlo se, p5 and p95, P(ahead of the engineer) and its se."""
        r, s = self.result, self._stats
        age = int(self.controls["age"].value)
        y = r.year_of_age(age) - 1
        qs = s["qs"]
        frame = pd.DataFrame(
            {
                "age": age,
                "median": s["quant"][qs.index(0.5), :, y],
                "median_se": s["median_se"][:, y],
                "p5": s["quant"][qs.index(0.05), :, y],
                "p95": s["quant"][qs.index(0.95), :, y],
                f"p_ahead_of_{BASELINE}": s["p_ahead"][:, y],
                f"p_ahead_of_{BASELINE}_se": s["p_ahead_se"][:, y],
            },
            index=pd.Index(r.careers, name="career"),
        )
        return frame

    def _table_html(self, age: int) -> str:
        t = self.summary()
        # the control values these numbers were computed from (for scripts and the browser test)
        inputs = html.escape(json.dumps(self.values(), separators=(",", ":")), quote=True)
        rows = []
        for career, row in t.iterrows():
            color = plotting.CAREER_COLORS.get(career, "#444")
            label = html.escape(plotting.CAREER_LABELS.get(career, career))
            if career == BASELINE:
                ahead = "(baseline)"
            else:
                ahead = f"{row[f'p_ahead_of_{BASELINE}']:.1%} ± {row[f'p_ahead_of_{BASELINE}_se']:.1%}"
            rows.append(
                f'<tr data-career="{career}"><td style="color:{color};font-weight:600">{label}</td>'
                f'<td class="cs-median">{_money(row["median"])} ± {_money(row["median_se"])}</td>'
                f'<td>{_money(row["p5"])} to {_money(row["p95"])}</td>'
                f'<td class="cs-p-ahead">{ahead}</td></tr>'
            )
        th = 'style="text-align:left;padding:2px 10px 2px 0"'
        return (
            f'<table style="border-collapse:collapse;font-size:13px" data-age="{age}" data-inputs="{inputs}">'
            f"<thead><tr><th {th}>At age {age}</th><th {th}>median net worth ({'after tax' if self.result.net_worth_basis == 'after-tax' else 'pre-tax'}) ± se</th>"
            f"<th {th}>90% of worlds</th><th {th}>P(ahead of {plotting.CAREER_LABELS[BASELINE].lower()}) ± se</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f'<div style="font-size:11px;color:#666">± is the Monte Carlo standard error: it shrinks with more worlds; '
            f"the spread (90% of worlds) is the real uncertainty.</div>"
        )

    # -- figure ----------------------------------------------------------------------------
    def _build_figure(self, mode: str) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        if mode == "auto":
            try:
                import ipympl.backend_nbagg  # noqa: F401

                mode = "ipympl"
            except ImportError:
                mode = "image"
        self._mode = mode
        fig = Figure(figsize=(9.6, 6.4), dpi=80)
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
            canvas.add_class("cs-figure")
            self.figure_widget: W.DOMWidget = canvas
            self._agg_canvas = canvas
        else:
            self._agg_canvas = FigureCanvasAgg(fig)
            self.image = W.Image(format="png").add_class("cs-figure")
            self.figure_widget = self.image
        self.figure = fig
        gs = fig.add_gridspec(2, 2, left=0.09, right=0.98, top=0.95, bottom=0.08, hspace=0.32, wspace=0.15)
        ax_fan, ax_dist, ax_p = fig.add_subplot(gs[0, :]), fig.add_subplot(gs[1, 0]), fig.add_subplot(gs[1, 1])
        self.axes = {"fan": ax_fan, "distribution": ax_dist, "p_ahead": ax_p}
        money = FuncFormatter(_money_tick)
        careers = CAREERS
        x0 = np.array([0.0, 1.0])
        self._art: dict[str, Any] = {"bands": {}, "median": {}, "stairs": {}, "med_line": {}, "p": {}, "p_band": {}}
        for c in careers:
            color = plotting.CAREER_COLORS[c]
            label = plotting.CAREER_LABELS[c]
            self._art["bands"][c] = [ax_fan.fill_between(x0, x0, x0, color=color, alpha=0.06 + 0.10 * i, linewidth=0)
                                     for i in range(len(FAN_BANDS))]
            (self._art["median"][c],) = ax_fan.plot(x0, x0, color=color, linewidth=2, label=label)
            self._art["stairs"][c] = ax_dist.stairs([0.0], [0.0, 1.0], color=color, linewidth=1.5, label=label)
            self._art["med_line"][c] = ax_dist.axvline(0, color=color, linestyle="--", linewidth=1)
            if c != BASELINE:
                self._art["p_band"][c] = ax_p.fill_between(x0, x0, x0, color=color, alpha=0.25, linewidth=0)
                (self._art["p"][c],) = ax_p.plot(x0, x0, color=color, linewidth=1.8, label=label)
        ax_fan.axhline(0, color="0.6", linewidth=0.8)
        self._art["fan_age"] = ax_fan.axvline(0, color="0.3", linestyle=":", linewidth=1)
        self._art["p_age"] = ax_p.axvline(0, color="0.3", linestyle=":", linewidth=1)
        ax_p.axhline(0.5, color="0.6", linewidth=0.8, linestyle=":")
        # few ticks and one legend: text is most of the cost of each redraw
        for ax in (ax_fan, ax_dist, ax_p):
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax_fan.yaxis.set_major_formatter(money)
        ax_fan.set_xlabel("age")
        ax_fan.set_title("Net worth by age", fontsize="small")
        ax_dist.xaxis.set_major_formatter(money)
        ax_dist.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax_dist.set_yticks([])
        ax_dist.set_ylabel("share of worlds")
        self._art["dist_title"] = ax_dist.set_title("", fontsize="small")
        ax_p.set_ylim(0, 1)
        ax_p.set_xlabel("age")
        ax_p.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0%}"))
        ax_p.set_title(f"P(ahead of {BASELINE}) \u00b12 se", fontsize="small")

    def _set_fan_scale(self, scale: str, lo: float, hi: float) -> None:
        from matplotlib.ticker import FuncFormatter, MaxNLocator, SymmetricalLogLocator

        ax = self.axes["fan"]
        if scale != ax.get_yscale() and not (scale == "log" and ax.get_yscale() == "symlog"):
            if scale == "log":
                ax.set_yscale("symlog", linthresh=LINTHRESH, linscale=0.4)
                ax.yaxis.set_major_locator(SymmetricalLogLocator(base=10, linthresh=LINTHRESH))
                ax.set_ylabel("net worth (log above $100k)")
            else:
                ax.set_yscale("linear")
                ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
                ax.set_ylabel("net worth")
            ax.yaxis.set_major_formatter(FuncFormatter(_money_tick))
            ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _p: ""))
        lo = min(lo, 0.0)
        if scale == "log":
            ax.set_ylim(lo * 1.3 if lo < 0 else -0.1 * LINTHRESH, max(hi, LINTHRESH) * 1.5)
        else:
            pad = 0.04 * (hi - lo or 1.0)
            ax.set_ylim(lo - pad, hi + pad)

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
        for ci, c in enumerate(r.careers):
            for i, (lo, hi) in enumerate(FAN_BANDS):
                self._set_band(art["bands"][c][i], ages, quant[qs.index(lo), ci], quant[qs.index(hi), ci])
            art["median"][c].set_data(ages, quant[qs.index(0.5), ci])
            if c != BASELINE:
                p, se = s["p_ahead"][ci], s["p_ahead_se"][ci]
                art["p"][c].set_data(ages, p)
                self._set_band(art["p_band"][c], ages, np.clip(p - 2 * se, 0, 1), np.clip(p + 2 * se, 0, 1))
        self._set_fan_scale(str(self.controls["fan_scale"].value), quant[qs.index(FAN_BANDS[0][0])].min(),
                            quant[qs.index(FAN_BANDS[0][1])].max())
        self.axes["fan"].set_xlim(ages[0], ages[-1])
        self.axes["p_ahead"].set_xlim(ages[0], ages[-1])
        art["fan_age"].set_xdata([age, age])
        art["p_age"].set_xdata([age, age])
        edges, dens = s["hist"]
        for ci, c in enumerate(r.careers):
            art["stairs"][c].set_data(dens[ci], edges)
            m = s["quant"][qs.index(0.5), ci, y]
            art["med_line"][c].set_xdata([m, m])
        ax = self.axes["distribution"]
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(0, 1.08 * max(float(dens.max()), 1e-300))
        art["dist_title"].set_text(f"Net worth at age {age}")

    # -- layout ----------------------------------------------------------------------------
    def _layout(self) -> W.VBox:
        groups: dict[str, list[W.Widget]] = {}
        for c in CONTROLS:
            groups.setdefault(c.group, []).append(self.controls[c.name])
        panel = []
        for group, ws in groups.items():
            panel.append(W.HTML(f"<b>{html.escape(group)}</b>"))
            panel.extend(ws)
        left = W.VBox(panel, layout=W.Layout(width="380px", min_width="340px"))
        left.add_class("cs-controls")
        right = W.VBox([self.table, self.figure_widget, self.status])
        return W.VBox([W.HBox([left, right], layout=W.Layout(align_items="flex-start"))])

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def display(self) -> None:
        """Show the explorer (the same as ending a notebook cell with it)."""
        from IPython.display import display

        display(self.widget)


def explorer(scenario: Scenario | str = "default", **kwargs: Any) -> Explorer:
    """Shortcut for :class:`Explorer` (same arguments)."""
    return Explorer(scenario, **kwargs)

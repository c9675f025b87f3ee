"""Figures of a :class:`~careersim.Result`: statistics from the result, drawing here.

Every function takes ``ax=None`` (a new figure when None, never the current one),
returns the :class:`matplotlib.axes.Axes`, never calls ``plt.show()``, and imports
matplotlib lazily so that computing never needs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._palette import CAREER_COLORS, CAREER_LABELS, CAREER_LINESTYLES, NEUTRAL_COLORS, label_in_sentence, path_styles
from ._engine import _whole_number, check_careers
from ._params import ArgumentError, ScenarioError, is_number, is_whole_number, short_repr
from ._results import Result, proportion_with_se, quantiles_with_se
from ._streaming import SummaryResult
from ._claim_stats import _check_pair, _check_years
from ._format import format_share, format_usd, format_value

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# one colour per career, the same in every figure: defined once, in _palette


def _path_style(result: Any, name: str) -> tuple[str, Any]:
    """The colour and line style of a path of ``result`` (its career's, for the four careers)."""
    scenario = getattr(result, "scenario", None)
    if scenario is not None and hasattr(scenario, "path_specs"):
        styles = path_styles([(p.name, p.kind) for p in scenario.path_specs()])
        if name in styles:
            return styles[name]
    return CAREER_COLORS.get(name, "0.4"), CAREER_LINESTYLES.get(name, "-")


def _axes(ax: Axes | None, figsize: tuple[float, float] = (7.5, 4.5)) -> Axes:
    if ax is not None:
        from matplotlib.axes import Axes as _MplAxes

        _check_type("ax", ax, _MplAxes, "a matplotlib Axes, or None for a new figure")
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


# -- argument checks: every one before any drawing, so a refused call leaves no figure behind --
_RESULT = "a careersim.Result (from careersim.simulate)"
_ANY_RESULT = "a careersim.Result or careersim.SummaryResult (from careersim.simulate or careersim.simulate_summary)"


def _check_type(name: str, value: Any, kinds: type | tuple[type, ...], what: str) -> None:
    """An :class:`ArgumentError` naming the argument, the value's type and what is allowed
    (``what``: the accepted type and where it comes from) unless ``value`` is one of ``kinds``."""
    if not isinstance(value, kinds):
        raise ArgumentError(f"{name} = {type(value).__name__}: must be {what}")


def _check_fields(name: str, value: Any, fields: Sequence[str], what: str) -> None:
    """Like :func:`_check_type`, for a result whose module draws through this one (so this one
    cannot import it): a dataclass instance with ``fields``."""
    import dataclasses

    if not dataclasses.is_dataclass(value) or isinstance(value, type) or any(not hasattr(value, f) for f in fields):
        raise ArgumentError(f"{name} = {type(value).__name__}: must be {what}")


def _check_frame(name: str, value: Any, columns: Sequence[str], what: str) -> None:
    """A non-empty DataFrame with ``columns`` (``what``: the function that makes it)."""
    _check_type(name, value, pd.DataFrame, what)
    missing = [c for c in columns if c not in value.columns]
    if missing or value.empty:
        problem = f"has no column {', '.join(map(repr, missing))}" if missing else "is empty"
        raise ArgumentError(f"{name}: the DataFrame {problem}; must be {what}")


def _check_choice(name: str, value: Any, allowed: Sequence[str]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ArgumentError(f"{name} = {short_repr(value)}: must be {' or '.join(map(repr, allowed))}")


def _check_kwargs(name: str, value: Any, call: str) -> None:
    if value is not None and not isinstance(value, Mapping):
        raise ArgumentError(f"{name} = {short_repr(value)}: must be a dict of keyword arguments for matplotlib's {call}, or None")


def _is_quantile_pair(pair: Any) -> bool:
    """``(low, high)``: two numbers with ``0 <= low < high <= 1``."""
    if not isinstance(pair, (tuple, list, np.ndarray)) or len(pair) != 2:
        return False
    if not all(is_number(q) for q in pair):
        return False
    return bool(0.0 <= pair[0] < pair[1] <= 1.0)


def _check_clip(clip_quantiles: Any) -> None:
    if not _is_quantile_pair(clip_quantiles):
        raise ArgumentError(f"clip_quantiles = {short_repr(clip_quantiles)}: must be a pair of quantiles (low, high) with 0 <= low < high <= 1, e.g. (0.01, 0.99)")


def _check_bands(bands: Any, *, allow_empty: bool = False) -> None:
    allowed = f"a {'' if allow_empty else 'non-empty '}list of quantile pairs (low, high) with 0 <= low < high <= 1, outermost first, e.g. ((0.05, 0.95), (0.25, 0.75))"
    if not isinstance(bands, (tuple, list)) or not (bands or allow_empty):
        raise ArgumentError(f"bands = {short_repr(bands)}: must be {allowed}")
    for band in bands:
        if not _is_quantile_pair(band):
            raise ArgumentError(f"bands: {short_repr(band)} is not a quantile pair; bands = {short_repr(bands)} must be {allowed}")


def _dollar_tick(v: float, _pos: Any = None) -> str:
    """A money tick: $0, $500, $25k, $1.5M, $2B, $1,200B (three significant digits at most,
    never an exponent); negative amounts with a minus sign."""
    a, sign = abs(float(v)), "\u2212" if v < 0 else ""
    if not np.isfinite(a):
        return ""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k"), (1.0, "")):
        if a >= scale or scale == 1.0:
            x = a / scale
            digits = 0 if x >= 100 or suffix == "" else (1 if x >= 10 else 2)
            text = f"{x:,.{digits}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{sign}${text}{suffix}"
    return f"{sign}${a:,.0f}"  # pragma: no cover


def _dollars(ax: Axes, axis: str = "y") -> None:
    """Money ticks on one axis of ``ax`` (:func:`_dollar_tick`): the project's one formatter."""
    from matplotlib.ticker import FuncFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(_dollar_tick))


def plot_fan(
    result: Result | SummaryResult,
    *,
    careers: tuple[str, ...] | None = None,
    variable: str = "net_worth",
    bands: tuple[tuple[float, float], ...] = ((0.05, 0.95), (0.25, 0.75)),
    x: str = "age",
    yscale: str = "symlog",
    ax: Axes | None = None,
    line_kwargs: dict[str, Any] | None = None,
    band_kwargs: dict[str, Any] | None = None,
) -> Axes:
    """Fan chart: median and quantile bands of a variable by age, one colour per career.

    The innermost band is shaded and the outer ones are drawn as thin dotted lines, so
    four careers stay readable on one axes. ``yscale="symlog"`` (the default) is
    logarithmic above $100k and linear below, where debts and first savings live.

    Parameters
    ----------
    result
        A :class:`~careersim.Result` or :class:`~careersim.SummaryResult`.
    careers
        Careers to draw (default: all); one name or a list of simulated paths.
    variable
        ``"net_worth"`` or ``"income"`` (a Result also has ``"after_tax_income"`` and
        ``"consumption"``; a SummaryResult only ``"net_worth"``).
    bands
        Quantile pairs ``(low, high)``, ``0 <= low < high <= 1``, outermost first (at least one).
    x
        ``"age"`` or ``"year"``.
    yscale
        ``"symlog"`` or ``"linear"``.
    ax
        Axes to draw on (None: a new figure).
    line_kwargs, band_kwargs
        Passed to the median's ``plot`` and the shaded band's ``fill_between``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import careersim
    >>> from careersim import plotting
    >>> ax = plotting.plot_fan(careersim.simulate(worlds=500, rng=1))
    """
    _check_type("result", result, (Result, SummaryResult), _ANY_RESULT)
    sel = check_careers(careers, result.careers)
    _check_bands(bands)
    _check_choice("x", x, ("age", "year"))
    _check_choice("yscale", yscale, ("symlog", "linear"))
    _check_kwargs("line_kwargs", line_kwargs, "plot")
    _check_kwargs("band_kwargs", band_kwargs, "fill_between")
    xs = result.ages if x == "age" else result.years
    probs = [0.5] + [p for band in bands for p in band]
    if isinstance(result, Result):
        values = result.values(variable)  # type: ignore[arg-type]
        q_all = np.quantile(values, probs, axis=1)  # (quantile, career, year)
    else:  # a SummaryResult: quantiles from its histogram
        if variable != "net_worth":
            raise ArgumentError(f"variable = {short_repr(variable)}: a summary holds only 'net_worth'")
        q_all, _ = result.quantiles(probs)
    ax = _axes(ax)
    for career in sel:
        ci = result.careers.index(career)
        color, line = _path_style(result, career)
        for i in range(len(bands)):
            lo, hi = q_all[1 + 2 * i, ci], q_all[2 + 2 * i, ci]
            if i == len(bands) - 1:
                ax.fill_between(xs, lo, hi, color=color, alpha=0.18, linewidth=0, **(band_kwargs or {}))
            else:
                for edge in (lo, hi):
                    ax.plot(xs, edge, color=color, linewidth=0.8, linestyle=":", alpha=0.9)
        # a line style per career as well as a colour: coinciding medians stay distinguishable
        style = {"color": color, "linewidth": 2, "linestyle": line, **(line_kwargs or {})}
        ax.plot(xs, q_all[0, ci], label=CAREER_LABELS.get(career, career), **style)
    ax.axhline(0, color="0.6", linewidth=0.8)
    if yscale == "symlog":
        ax.set_yscale("symlog", linthresh=1e5, linscale=0.5)
        lowest = float(np.min(q_all[:, [result.careers.index(c) for c in sel]]))
        ax.set_ylim(bottom=min(0.0, 1.3 * lowest))
    ax.set_xlabel("age" if x == "age" else "year")
    ax.set_ylabel(f"{variable.replace('_', ' ')} ({result.units})")
    inner, outer = bands[-1], bands[:-1]
    text = f"median (thick), p{100 * inner[0]:g}-p{100 * inner[1]:g} (shaded)"
    text += "".join(f", p{100 * lo:g}-p{100 * hi:g} (dotted)" for lo, hi in outer)
    ax.set_title(f"{text}; {result.worlds:,} worlds", fontsize="medium")
    _dollars(ax)
    ax.legend(loc="upper left", frameon=False, handlelength=3)
    return ax


def plot_distribution(
    result: Result,
    *,
    age: int | None = None,
    careers: tuple[str, ...] | None = None,
    bins: int = 60,
    clip_quantiles: tuple[float, float] = (0.01, 0.99),
    ax: Axes | None = None,
    hist_kwargs: dict[str, Any] | None = None,
) -> Axes:
    """Histogram of net worth at one age, one outline per career, with each median ± se.

    Parameters
    ----------
    result
        A :class:`~careersim.Result`.
    age
        The age (default: the last simulated age).
    careers
        Careers to draw (default: all).
    bins, clip_quantiles
        Number of bins (a whole number >= 1), and the quantiles ``(low, high)``,
        ``0 <= low < high <= 1``, of all careers' values that bound the x-axis.
    ax
        Axes to draw on (None: a new figure).
    hist_kwargs
        Passed to each ``hist``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import careersim
    >>> from careersim import plotting
    >>> ax = plotting.plot_distribution(careersim.simulate(worlds=500, rng=1), age=40)
    """
    _check_type("result", result, Result, _RESULT)
    year = result.horizon_years if age is None else result.year_of_age(age)
    sel = check_careers(careers, result.careers)
    _whole_number("bins", bins, 1, " (the number of histogram bins)")
    _check_clip(clip_quantiles)
    _check_kwargs("hist_kwargs", hist_kwargs, "hist")
    ax = _axes(ax)
    x = result.net_worth[:, :, year - 1]
    lo, hi = np.quantile(x[[result.index(c) for c in sel]], clip_quantiles)
    edges = np.linspace(lo, hi, bins + 1)
    for career in sel:
        v = x[result.index(career)]
        color = _path_style(result, career)[0]
        med, med_se = quantiles_with_se(v, [0.5], groups=result.group_worlds)
        ax.hist(np.clip(v, lo, hi), bins=edges, histtype="step", linewidth=1.6, color=color, density=True,
                label=f"{CAREER_LABELS.get(career, career)} (median {med[0] / 1e6:,.2f}M ± {med_se[0] / 1e6:,.2f}M)", **(hist_kwargs or {}))
        ax.axvline(med[0], color=color, linestyle="--", linewidth=1)
    ax.set_xlabel(f"net worth at age {result.scenario.simulation.start_age + year} ({result.units})")
    ax.set_ylabel("density")
    ax.set_yticks([])
    _dollars(ax, "x")
    ax.legend(frameon=False, fontsize="small")
    ax.set_title(f"Distribution at age {result.scenario.simulation.start_age + year} (1st-99th percentile shown)")
    return ax


def plot_p_ahead(
    result: Result,
    *,
    baseline: str | None = None,
    careers: tuple[str, ...] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """P(path's net worth > baseline's in the same world) by age, ±2 standard-error bands
    (default baseline: the first engineer-kind path, else the first path).

    Parameters
    ----------
    result
        A :class:`~careersim.Result`.
    baseline
        The career every other one is compared with.
    careers
        Careers to draw (default: all but the baseline).
    ax
        Axes to draw on (None: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import careersim
    >>> from careersim import plotting
    >>> ax = plotting.plot_p_ahead(careersim.simulate(worlds=500, rng=1))
    """
    from ._results import resolve_baseline

    _check_type("result", result, Result, _RESULT)
    baseline = resolve_baseline(result.scenario, result.careers, baseline)
    sel = check_careers(careers, result.careers)
    ax = _axes(ax)
    for career in sel:
        if career == baseline:
            continue
        p, se = proportion_with_se(result.compare(career, baseline).difference > 0, groups=result.group_worlds)
        color, line = _path_style(result, career)
        ax.plot(result.ages, p, color=color, linestyle=line, label=CAREER_LABELS.get(career, career))
        ax.fill_between(result.ages, p - 2 * se, p + 2 * se, color=color, alpha=0.2, linewidth=0)
    ax.axhline(0.5, color="0.6", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, 1)
    ax.set_xlabel("age")
    ax.set_ylabel(f"P(ahead of {label_in_sentence(baseline)})")
    ax.set_title(f"Chance of more net worth than the {label_in_sentence(baseline)} in the same world (±2 se)")
    if ax.get_legend_handles_labels()[0]:  # none when the baseline is the only path drawn
        ax.legend(frameon=False, fontsize="small")
    return ax


def plot_difference(
    result: Result,
    a: str,
    b: str,
    *,
    bands: tuple[tuple[float, float], ...] = ((0.05, 0.95), (0.25, 0.75)),
    ax: Axes | None = None,
) -> Axes:
    """Paired difference of net worth (``a`` minus ``b``, world by world) by age.

    Parameters
    ----------
    result
        A :class:`~careersim.Result`.
    a, b
        The careers compared.
    bands
        Quantile pairs ``(low, high)``, ``0 <= low < high <= 1``, of the difference to shade,
        outermost first (empty: the median alone).
    ax
        Axes to draw on (None: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import careersim
    >>> from careersim import plotting
    >>> ax = plotting.plot_difference(careersim.simulate(worlds=500, rng=1), "phd", "engineer")
    """
    _check_type("result", result, Result, _RESULT)
    _check_bands(bands, allow_empty=True)
    d = result.compare(a, b).difference
    ax = _axes(ax)
    for i, (lo, hi) in enumerate(bands):
        q = np.quantile(d, [lo, hi], axis=0)
        ax.fill_between(result.ages, q[0], q[1], color="0.3", alpha=0.15 + 0.1 * i, linewidth=0, label=f"p{100 * lo:g}-p{100 * hi:g}")
    ax.plot(result.ages, np.median(d, axis=0), color="black", label="median")
    ax.axhline(0, color="tab:red", linewidth=0.8)
    ax.set_xlabel("age")
    ax.set_ylabel(f"net worth difference ({result.units})")
    ax.set_title(f"{CAREER_LABELS.get(a, a)} minus {CAREER_LABELS.get(b, b)}, world by world")
    _dollars(ax)
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    return ax


def plot_catch_up(result: Result, a: str, b: str, *, ax: Axes | None = None) -> Axes:
    """Distribution of the first age at which ``a`` has caught up with ``b``; "never" as a bar.

    Parameters
    ----------
    result
        A :class:`~careersim.Result`.
    a, b
        The career catching up and the one it catches up with.
    ax
        Axes to draw on (None: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import careersim
    >>> from careersim import plotting
    >>> ax = plotting.plot_catch_up(careersim.simulate(worlds=500, rng=1), "phd", "engineer")
    """
    _check_type("result", result, Result, _RESULT)
    table = result.compare(a, b).catch_up()
    ax = _axes(ax)
    within = table[~table.never]
    never = float(table[table.never].probability.iloc[0])
    ax.bar(within.age.astype(int), within.probability, color=_path_style(result, a)[0], width=0.9)
    x_never = int(within.age.max()) + 3
    ax.bar([x_never], [never], color="0.5", width=1.8)
    ax.annotate(f"never\n{never:.0%}", (x_never, never), ha="center", va="bottom", fontsize="small")
    ax.set_xlabel("age when first caught up")
    ax.set_ylabel("probability")
    ax.set_title(f"When does the {label_in_sentence(a)} first catch up with the {label_in_sentence(b)}?")
    return ax


# ==========================================================================================
# Decision, risk and sensitivity figures (issue 6). Statistics come from
# careersim.decision and careersim.sensitivity; these functions only draw.
# ==========================================================================================


def plot_decision(decision: Any, *, ax: Axes | None = None, bar_kwargs: dict[str, Any] | None = None) -> Axes:
    """P(each career is best) under the user's weights, with ±2 standard-error bars.

    Parameters
    ----------
    decision
        A :class:`careersim.decision.Decision` (from ``decide``).
    ax
        Axes to draw on (None: a new figure).
    bar_kwargs
        Passed to ``ax.bar``.

    Returns
    -------
    Axes
    """
    from ._decision_weigh import Decision

    _check_type("decision", decision, Decision, "a careersim.decision.Decision (from careersim.decision.decide)")
    _check_kwargs("bar_kwargs", bar_kwargs, "bar")
    ax = _axes(ax, figsize=(6.5, 4.0))
    table = decision.summary()
    x = np.arange(len(table))
    colors = [CAREER_COLORS.get(c, "0.5") for c in table.career]
    ax.bar(x, table.p_best, yerr=2 * table.p_best_se, color=colors, capsize=4, **(bar_kwargs or {}))
    for xi, (p, e, career) in enumerate(zip(table.p_best, table.expected_score, table.career)):
        mark = " (choice)" if career == decision.choice else ""
        ax.annotate(f"{p:.0%}\nscore {e:.2f}{mark}", (xi, p), xytext=(0, 6), textcoords="offset points", ha="center", va="bottom", fontsize="small")
    ax.set_xticks(x, [CAREER_LABELS.get(c, c).replace(" ", "\n", 1) for c in table.career])
    ax.set_ylim(0, min(1.0, float((table.p_best + 2 * table.p_best_se).max()) + 0.2))
    ax.set_ylabel("P(best career in the same world)")
    ax.set_title(f"Which career scores highest under your weights ({decision.score.shape[1]:,} worlds, ±2 se)\n"
                 "non-money scores are judgements (verbal verdicts on one scale), money is simulated", fontsize="medium")
    return ax


def plot_certainty_equivalent(table: Any, *, ax: Axes | None = None, line_kwargs: dict[str, Any] | None = None) -> Axes:
    """Certainty-equivalent net worth by risk aversion, one line per career, ±2 se bands.

    Parameters
    ----------
    table
        The DataFrame from :func:`careersim.decision.certainty_equivalent` with several
        risk aversions.
    ax
        Axes to draw on (None: a new figure).
    line_kwargs
        Passed to ``ax.plot``.

    Returns
    -------
    Axes
    """
    _check_frame("table", table, ("career", "risk_aversion", "certainty_equivalent", "se", "age"),
                 "the DataFrame from careersim.decision.certainty_equivalent")
    _check_kwargs("line_kwargs", line_kwargs, "plot")
    ax = _axes(ax, figsize=(7.0, 4.2))
    for career, g in table.groupby("career", sort=False):
        g = g.sort_values("risk_aversion")
        color = CAREER_COLORS.get(career)
        ax.plot(g.risk_aversion, g.certainty_equivalent, marker="o", color=color, linestyle=CAREER_LINESTYLES.get(career, "-"), label=CAREER_LABELS.get(career, career), **(line_kwargs or {}))
        ax.fill_between(g.risk_aversion, g.certainty_equivalent - 2 * g.se, g.certainty_equivalent + 2 * g.se, color=color, alpha=0.15, linewidth=0)
    ax.set_xlabel("risk aversion (CRRA coefficient; 0 = risk neutral)")
    ax.set_ylabel("certainty-equivalent net worth")
    ages = table.age.unique()
    ax.set_title(f"Sure wealth worth as much as each career's gamble, age {ages[0]}" if len(ages) == 1 else "Certainty-equivalent net worth")
    _dollars(ax)
    ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def _plain(text: str) -> str:
    """``text`` with every dollar sign escaped: matplotlib reads a pair of them as math."""
    return str(text).replace("\\$", "$").replace("$", "\\$")


def _number(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"


def _statistic_label(tornado_or_sobol: Any) -> str:
    a = CAREER_LABELS.get(tornado_or_sobol.a, tornado_or_sobol.a)
    b = CAREER_LABELS.get(tornado_or_sobol.b, tornado_or_sobol.b)
    what = {"mean": "mean", "median": "median", "p_a_ahead": "P(ahead)"}.get(tornado_or_sobol.statistic, tornado_or_sobol.statistic)
    if tornado_or_sobol.statistic == "p_a_ahead":
        return f"P({a} ahead of {b}) at age {tornado_or_sobol.age}"
    return f"{what} of {a} minus {b} net worth at age {tornado_or_sobol.age}"


def plot_tornado(tornado: Any, *, ax: Axes | None = None, bar_kwargs: dict[str, Any] | None = None) -> Axes:
    """Tornado chart: the change of the statistic when each parameter goes to its low / high end.

    Bars start at the base value; the largest swing is on top; error bars are ±2 paired
    standard errors of each change (same worlds at every point).

    Parameters
    ----------
    tornado
        A :class:`careersim.sensitivity.Tornado`.
    ax
        Axes to draw on (None: a new figure).
    bar_kwargs
        Passed to ``ax.barh``.

    Returns
    -------
    Axes
    """
    from .sensitivity import Tornado

    _check_type("tornado", tornado, Tornado, "a careersim.sensitivity.Tornado (from careersim.sensitivity.tornado)")
    _check_kwargs("bar_kwargs", bar_kwargs, "barh")
    t = tornado.table.iloc[::-1]
    ax = _axes(ax, figsize=(7.5, 1.2 + 0.55 * len(t)))
    y = np.arange(len(t))
    base = tornado.base_value
    kw = {"height": 0.6, **(bar_kwargs or {})}
    from .sensitivity import tornado_labels, tornado_title

    ax.barh(y, t.change_low, left=base, color=NEUTRAL_COLORS[1], label="parameter at the low end", xerr=2 * t.change_low_se, capsize=3, **kw)
    ax.barh(y, t.change_high, left=base, color=NEUTRAL_COLORS[0], hatch="//", edgecolor="white", label="parameter at the high end", xerr=2 * t.change_high_se, capsize=3, **kw)
    ax.axvline(base, color="black", linewidth=1)
    full = [_plain(label) for label in tornado_labels(tornado)]
    ax.set_yticks(y, full[::-1], fontsize="small")
    ax.set_xlabel(_statistic_label(tornado))
    if tornado.statistic != "p_a_ahead":
        _dollars(ax, "x")
    else:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title(_plain(tornado_title(tornado)), fontsize="medium")
    ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)
    _notes_below(ax, getattr(tornado, "notes", ()), y=-0.3)
    return ax


def plot_sobol(result: Any, *, ax: Axes | None = None, bar_kwargs: dict[str, Any] | None = None) -> Axes:
    """First-order (S1) and total (ST) Sobol indices per parameter, with bootstrap 95% intervals.

    Parameters
    ----------
    result
        A :class:`careersim.sensitivity.SobolResult`.
    ax
        Axes to draw on (None: a new figure).
    bar_kwargs
        Passed to ``ax.barh``.

    Returns
    -------
    Axes
    """
    from .sensitivity import SobolResult

    _check_type("result", result, SobolResult, "a careersim.sensitivity.SobolResult (from careersim.sensitivity.sobol)")
    _check_kwargs("bar_kwargs", bar_kwargs, "barh")
    t = result.indices.iloc[::-1]
    ax = _axes(ax, figsize=(9.0, 1.4 + 0.55 * len(t)))
    y = np.arange(len(t))
    kw = {"height": 0.38, **(bar_kwargs or {})}
    from .sensitivity import parameter_label

    ax.barh(y + 0.2, t.S1, xerr=t.S1_conf, color=NEUTRAL_COLORS[1], capsize=3, label="first order S1", **kw)
    ax.barh(y - 0.2, t.ST, xerr=t.ST_conf, color=NEUTRAL_COLORS[0], hatch="//", edgecolor="white", capsize=3, label="total ST", **kw)
    ax.set_yticks(y, [parameter_label(p) for p in t.parameter], fontsize="small")
    ax.axvline(0, color="0.5", linewidth=0.8)
    ax.set_xlim(min(-0.05, float((t.S1 - t.S1_conf).min()) - 0.05), max(1.05, float((t.ST + t.ST_conf).max()) + 0.05))
    ax.set_xlabel("share of the output's variance")
    n_points = len(result.outputs)
    ax.set_title(f"Sobol indices of the {_statistic_label(result)}\n(SALib, {n_points} points x {result.worlds:,} worlds; 95% bootstrap intervals)", fontsize="medium")
    ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
    _notes_below(ax, getattr(result, "notes", ()), y=-0.3)
    return ax


def _notes_below(ax: Axes, notes: Sequence[str], *, y: float) -> None:
    """Warnings of an analysis (too few points, effects not resolved) under the axes, in red."""
    import textwrap

    if notes:
        text = "\n".join(textwrap.fill("Warning: " + n.replace("$", r"\$"), 110) for n in notes)
        ax.text(0.5, y, text, transform=ax.transAxes, ha="center", va="top", fontsize="small", color="#B2182B")


# ==========================================================================================
# The money claim's figures (issue 5). Statistics come from careersim.claims; these
# functions only draw. ``results`` is one Result or ``{label: Result}`` (e.g. the history
# and forward-looking lenses).
# ==========================================================================================
_LENS_STYLES = ("-", "--", ":", "-.")


def _lens_style(i: int) -> dict[str, Any]:
    """Lenses and scenarios are not careers: greys, a line style and a marker each (never a career's colour)."""
    return {"color": NEUTRAL_COLORS[i % len(NEUTRAL_COLORS)], "linestyle": _LENS_STYLES[i % len(_LENS_STYLES)]}


def _legend_below(ax: Axes, ncols: int = 2) -> None:
    ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=ncols)


def _lenses(results: Result | Mapping[str, Result]) -> dict[str, Result]:
    if isinstance(results, Result):
        return {results.scenario.market.model: results}
    _check_type("results", results, Mapping, "a careersim.Result (from careersim.simulate) or a non-empty mapping of labels to Results, e.g. {'history': r1, 'forward': r2}")
    out = dict(results)
    if not out or not all(isinstance(r, Result) for r in out.values()):
        raise ScenarioError("results: a careersim.Result or a non-empty mapping of labels to Results")
    return out


def plot_lead_distribution(
    results: Result | Mapping[str, Result],
    *,
    year: int | None = None,
    age: int | None = None,
    phd: str = "phd",
    industry: str = "residency",
    bins: int = 50,
    clip_quantiles: tuple[float, float] = (0.01, 0.99),
    ax: Axes | None = None,
    hist_kwargs: dict[str, Any] | None = None,
) -> Axes:
    """Histogram of the paired lead (industry minus PhD, per world) at one year or age,
    one outline per lens, with its median (dashed) and zero (red).

    ``results`` is one Result or ``{label: Result}`` (e.g. the history and forward lenses).
    Give at most one of ``year`` (simulated year, 1 to the horizon) and ``age``; with
    neither, the lead is drawn at the horizon (the last simulated age), as the other plots
    do when no age is given. ``bins`` is a whole number >= 1 and ``clip_quantiles`` a pair
    ``(low, high)`` with ``0 <= low < high <= 1``.
    """

    lenses = _lenses(results)
    first = next(iter(lenses.values()))
    if year is not None and age is not None:
        raise ArgumentError(f"plot_lead_distribution: year = {short_repr(year)} and age = {short_repr(age)}: give at most one of them (neither: the horizon)")
    if year is not None and not is_whole_number(year):
        raise ArgumentError(f"year = {short_repr(year)}: must be a whole number of years, from 1 to the horizon, {first.horizon_years}")
    y = int(year) if year is not None else first.horizon_years if age is None else first.year_of_age(age)
    _whole_number("bins", bins, 1, " (the number of histogram bins)")
    _check_clip(clip_quantiles)
    _check_kwargs("hist_kwargs", hist_kwargs, "hist")
    pairs = {}
    for label, r in lenses.items():
        pairs[label] = _check_pair(r, phd, industry)
        _check_years(r, [y], "year")
    ax = _axes(ax)
    leads = {}
    for label, r in lenses.items():
        ip, ii = pairs[label]
        leads[label] = r.net_worth[ii, :, y - 1] - r.net_worth[ip, :, y - 1]
    lo, hi = np.quantile(np.concatenate(list(leads.values())), clip_quantiles)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    edges = np.linspace(lo, hi, bins + 1)
    for i, (label, lead) in enumerate(leads.items()):
        style = _lens_style(i)
        p = float((lead > 0).mean())
        med = float(np.median(lead))
        ax.hist(np.clip(lead, lo, hi), bins=edges, density=True, histtype="step", linewidth=1.6, **style,
                label=f"{label}: industry ahead {format_share(p)}, median {format_usd(med)}", **(hist_kwargs or {}))
        ax.axvline(med, color=style["color"], linestyle=style["linestyle"], linewidth=1)
    ax.axvline(0.0, color="black", linewidth=1.2)
    start_age = first.scenario.simulation.start_age
    when = f"year {y} (age {start_age + y})" if year is not None else f"age {start_age + y}"
    ax.set_title(f"Industry minus PhD net worth at {when}", fontsize="medium")
    ax.set_xlabel(f"industry minus PhD ({first.units}); black line: zero\ntails beyond the {clip_quantiles[0]:.0%} and {clip_quantiles[1]:.0%} quantiles piled at the edges", fontsize="small")
    ax.set_ylabel("density")
    ax.set_yticks([])
    _dollars(ax, "x")
    ax.xaxis.set_major_locator(__import__("matplotlib.ticker", fromlist=["MaxNLocator"]).MaxNLocator(5))
    _legend_below(ax, ncols=1)
    return ax


def plot_p_industry_ahead(
    results: Result | Mapping[str, Result],
    *,
    phd: str = "phd",
    industry: str = "residency",
    claim_years: Sequence[int] = (5, 6),
    ax: Axes | None = None,
) -> Axes:
    """P(industry path ahead of the PhD, same world) by age, ±2 standard errors, one line
    per lens; the claim's horizon shaded (``claim_years``: one simulated year or a non-empty
    list of them)."""
    lenses = _lenses(results)
    pairs = {label: _check_pair(r, phd, industry) for label, r in lenses.items()}
    r0 = next(iter(lenses.values()))
    ys = _check_years(r0, claim_years, "claim_years")
    ax = _axes(ax)
    for i, (label, r) in enumerate(lenses.items()):
        ip, ii = pairs[label]
        p, se = proportion_with_se(r.net_worth[ii] > r.net_worth[ip])  # _check_pair refused a grouped result
        ax.plot(r.ages, p, label=label, **_lens_style(i))
        ax.fill_between(r.ages, p - 2 * se, p + 2 * se, color=_lens_style(i)["color"], alpha=0.2, linewidth=0)
    a0 = r0.scenario.simulation.start_age
    ax.axvspan(a0 + min(ys) - 0.5, a0 + max(ys) + 0.5, color="0.85", zorder=0, label="the claim's horizon")
    ax.axhline(0.5, color="0.5", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, 1)
    ax.set_xlabel("age")
    ax.set_ylabel("P(industry path ahead)")
    ax.set_title("P(industry path ahead), same world, ±2 se", fontsize="medium")
    _legend_below(ax, ncols=3)
    return ax


def plot_catch_up_distribution(
    results: Result | Mapping[str, Result],
    *,
    phd: str = "phd",
    industry: str = "residency",
    cumulative: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """When the PhD first catches up with the industry path, one line per lens.

    ``cumulative=True``: P(the PhD has caught up by age x); the gap left at the horizon is
    the share of worlds where it never does (written in the legend). ``cumulative=False``:
    the distribution of the catch-up age among the worlds where it happens.
    """
    lenses = _lenses(results)
    for r in lenses.values():
        _check_pair(r, phd, industry)
    if not isinstance(cumulative, (bool, np.bool_)):
        raise ArgumentError(f"cumulative = {short_repr(cumulative)}: must be True or False")
    ax = _axes(ax)
    for i, (label, r) in enumerate(lenses.items()):
        table = r.compare(phd, industry).catch_up()
        by_year = table.probability[~table.never].to_numpy()
        never = float(table.probability[table.never].iloc[0])
        if cumulative:
            ax.step(r.ages, np.cumsum(by_year), where="post", label=f"{label}: never caught up by {r.ages[-1]} in {format_share(never)}", **_lens_style(i))
        else:
            share = by_year / (1.0 - never) if never < 1.0 else np.zeros(r.horizon_years)
            ax.step(r.ages, share, where="mid", label=f"{label}: {format_share(1 - never)} of worlds catch up", **_lens_style(i))
    if cumulative:
        ax.set_ylim(0, 1)
        ax.set_ylabel("P(the PhD has caught up by this age)")
        ax.set_title("When does the PhD first catch up? (cumulative)")
    else:
        ax.set_ylim(bottom=0)
        ax.set_ylabel("share of the worlds that catch up")
        ax.set_title("Age the PhD first catches up, where it does")
    ax.set_xlabel("age")
    _legend_below(ax, ncols=1)
    return ax


def plot_breakthrough_tail(
    result: Result,
    counterfactual: Result | None = None,
    *,
    age: int | None = None,
    phd: str = "phd",
    industry: str = "residency",
    ax: Axes | None = None,
) -> Axes:
    """Survival curves P(net worth > x) at ``age`` (default: the horizon), log scales: the
    industry path, the PhD, and the PhD without bidding wars (the ``counterfactual`` rerun
    with ``phd.breakthrough_probability = 0`` if given, else the worlds without one)."""

    _check_type("result", result, Result, _RESULT)
    ip, ii = _check_pair(result, phd, industry)
    y = result.horizon_years if age is None else result.year_of_age(age)
    if counterfactual is not None:
        _check_type("counterfactual", counterfactual, Result, _RESULT + " with phd.breakthrough_probability = 0, or None")
        jp = counterfactual.index(phd)
        if counterfactual.horizon_years < y:
            raise ArgumentError(f"counterfactual: simulated for {counterfactual.horizon_years} years, the figure needs year {y}; simulate it as the result")
    ax = _axes(ax)
    phd_nw = result.net_worth[ip, :, y - 1]
    if counterfactual is not None:
        without = counterfactual.net_worth[jp, :, y - 1]
        without_label = "PhD, same worlds without bidding wars"
    else:
        without = phd_nw[~np.asarray(result.facts["phd_breakthrough"], dtype=bool)]
        without_label = "PhD, worlds without a bidding war"
    curves = [
        (result.net_worth[ii, :, y - 1], CAREER_LABELS.get(industry, industry), CAREER_COLORS.get(industry, "C1"), CAREER_LINESTYLES.get(industry, "--")),
        (phd_nw, CAREER_LABELS.get(phd, phd), CAREER_COLORS.get(phd, "C0"), "-"),
        (without, without_label, CAREER_COLORS.get(phd, "C0"), ":"),
    ]
    floor = 1e4
    for x, label, color, style in curves:
        xs = np.sort(np.maximum(x, floor))
        surv = 1.0 - np.arange(len(xs)) / len(xs)
        ax.step(xs, surv, where="post", color=color, linestyle=style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1.0 / result.worlds, 1.0)
    ax.set_xlabel(f"net worth at age {result.scenario.simulation.start_age + y} ({result.units}; at least {format_usd(floor)} shown)")
    ax.set_ylabel("P(net worth > x)")
    ax.set_title("The upper tail: how much of it is bidding wars?", fontsize="medium")
    _dollars(ax, "x")
    _legend_below(ax, ncols=1)
    return ax


def _overturning_rows(table: pd.DataFrame, age: int | None, what: str) -> tuple[int, pd.DataFrame]:
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ScenarioError(f"{what}: the table is empty (pass the DataFrame from claims.smallest_overturning_changes)")
    age = int(table.age.max()) if age is None else int(age)
    rows = table[table.age == age].reset_index(drop=True)
    if rows.empty:
        raise ScenarioError(f"{what}: no rows for age {age}; ages: {sorted(table.age.unique())}")
    return age, rows


def _goal(rows: pd.DataFrame) -> str:
    crit, thr = rows.criterion.iloc[0], rows.threshold.iloc[0]
    if crit == "p_phd_ahead":
        return f"PhD ahead in at least {thr:.0%} of worlds"
    return f"{crit.replace('_', ' ')} at least {format_usd(thr)}"


def plot_overturning(table: pd.DataFrame, *, age: int | None = None, ax: Axes | None = None) -> Axes:
    """How far each lever must move to overturn the claim at ``age``, in comparable units:
    the change as a share of the lever's documented plausible range (1 = the whole range).

    Levers that cannot overturn it within their searched range are drawn hatched up to their
    far end. Each bar is labelled with the value in the lever's own unit. For one panel per
    lever in its natural unit, see :func:`plot_overturning_panels`.
    """
    age, rows = _overturning_rows(table, age, "plot_overturning")
    ax = _axes(ax, figsize=(8.0, 0.8 + 0.5 * max(len(rows), 4)))
    rows = rows.assign(_d=rows.distance.where(rows.found, rows.distance_to_stop)).sort_values(["found", "_d"], ascending=[False, True]).reset_index(drop=True)
    ys = np.arange(len(rows))[::-1]
    span = float(np.nanmax(rows._d.to_numpy())) if rows._d.notna().any() else 1.0
    for y, r in zip(ys, rows.itertuples()):
        if r.found:
            ax.barh(y, r.distance, color=NEUTRAL_COLORS[0], height=0.6)
            text = f"{format_value(r.value, r.unit)}" + (" (beyond the plausible range)" if r.beyond_plausible else "")
            end = r.distance
        else:
            ax.barh(y, r.distance_to_stop, color="white", hatch="//", edgecolor=NEUTRAL_COLORS[1], height=0.6)
            text = f"not even at {format_value(r.stop_value, r.unit)}"
            end = r.distance_to_stop
        ax.annotate(text, (end, y), xytext=(4, 0), textcoords="offset points", va="center", ha="left", fontsize="x-small")
    ax.axvline(1.0, color=NEUTRAL_COLORS[1], linewidth=0.8, linestyle=":")
    ax.set_xscale("symlog", linthresh=1.0, linscale=1.0)
    ax.set_xlim(0, max(2.0, span) * 8)
    ax.set_yticks(ys, list(rows.label))
    ax.set_xlabel("change needed / the lever's plausible range\n(1 = the whole range, dotted; log scale beyond it)", fontsize="small")
    ax.set_title(f"Smallest single change that overturns the claim at age {age}\n{_goal(rows)}; hatched: not in the searched range", fontsize="medium")
    return ax


def plot_overturning_panels(table: pd.DataFrame, *, age: int | None = None, ncols: int = 3, fig: Any = None) -> np.ndarray:
    """Small multiples: one panel per lever, in the lever's natural unit.

    Each panel is the lever's own axis: the documented plausible range shaded grey, the
    scenario's value (open circle), and the smallest value that overturns the claim at
    ``age`` (filled diamond), or an arrow to the far end searched when none does.

    Returns
    -------
    ndarray of Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    _whole_number("ncols", ncols, 1, " (panels per row)")
    age, rows = _overturning_rows(table, age, "plot_overturning_panels")
    n = len(rows)
    nrows = int(np.ceil(n / ncols))
    if fig is None:
        fig = plt.figure(figsize=(4.2 * ncols, 1.55 * nrows + 0.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax, r in zip(axes, rows.itertuples()):
        lo, hi = r.plausible_low, r.plausible_high
        ends = [r.baseline_value, r.stop_value if not r.found else r.value]
        if not np.isnan(lo):
            ends += [lo, hi]
            ax.axvspan(lo, hi, color=NEUTRAL_COLORS[2], alpha=0.6, linewidth=0, label="plausible range")
        ax.plot([r.baseline_value], [0], marker="o", markersize=8, markerfacecolor="white", markeredgecolor="black", linestyle="none", label="the scenario")
        if r.found:
            ax.plot([r.value], [0], marker="D", markersize=8, color="black", linestyle="none", label="overturns it")
            ax.annotate("", (r.value, 0), (r.baseline_value, 0), arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.2})
            note = f"overturns at {format_value(r.value, r.unit)}" + (f": {r.distance:.1f} x its range" if not np.isnan(r.distance) else "")
        else:
            ax.annotate("", (r.stop_value, 0), (r.baseline_value, 0), arrowprops={"arrowstyle": "->", "color": NEUTRAL_COLORS[1], "lw": 1.2, "linestyle": "--"})
            note = f"not even at {format_value(r.stop_value, r.unit)}"
        lo_x, hi_x = float(np.nanmin(ends)), float(np.nanmax(ends))
        pad = 0.08 * (hi_x - lo_x or abs(hi_x) or 1.0)
        ax.set_xlim(lo_x - pad, hi_x + pad)
        ax.set_ylim(-1, 1)
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        unit = r.unit
        fmt = {"usd": lambda v, _p: format_usd(v), "probability": lambda v, _p: format_share(v, digits=0), "rate": lambda v, _p: format_share(v, digits=0),
               "years": lambda v, _p: f"{v:g} y", "multiple": lambda v, _p: f"{v:g}x"}[unit]
        ax.xaxis.set_major_formatter(FuncFormatter(fmt))
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.tick_params(axis="x", labelsize="small")
        ax.set_title(f"{r.label}\n{note}", fontsize="small", loc="left")
    for ax in axes[n:]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    extra = [a.get_legend_handles_labels() for a in axes[:n]]
    for h, l in extra:
        for hh, ll in zip(h, l):
            if ll not in labels:
                handles.append(hh)
                labels.append(ll)
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False, fontsize="small")
    fig.suptitle(f"What would overturn the claim at age {age}? Each lever alone, in its own unit ({_goal(rows)})", fontsize="medium")
    return axes[:n]


def plot_frontier(frontier: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Two levers at once: the criterion's statistic on the grid, with the frontier (the
    threshold's contour) between the combinations that keep the claim and those that
    overturn it; axes in each lever's natural unit.

    Parameters
    ----------
    frontier
        The DataFrame from :func:`careersim.claims.overturning_frontier`.
    ax
        Axes to draw on (None: a new figure).
    """
    from matplotlib.ticker import FuncFormatter

    from ._claim_levers import lever as _lever

    if not isinstance(frontier, pd.DataFrame) or frontier.empty:
        raise ScenarioError("plot_frontier: pass the DataFrame from claims.overturning_frontier")
    ax = _axes(ax, figsize=(6.8, 5.0))
    lx, ly = _lever(frontier.lever_x.iloc[0]), _lever(frontier.lever_y.iloc[0])
    grid = frontier.pivot(index="y", columns="x", values="statistic")
    xs, ys = grid.columns.to_numpy(float), grid.index.to_numpy(float)
    z = grid.to_numpy(float)
    thr = float(frontier.threshold.iloc[0])
    crit = frontier.criterion.iloc[0]
    mesh = ax.pcolormesh(xs, ys, z, cmap="Greys", shading="nearest", vmin=min(np.nanmin(z), thr - 1e-9), vmax=max(np.nanmax(z), thr + 1e-9))
    if np.nanmin(z) < thr < np.nanmax(z):
        cs = ax.contour(xs, ys, z, levels=[thr], colors="black", linewidths=2)
        for label in ax.clabel(cs, fmt={thr: "frontier"}, fontsize="small"):
            label.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    won = frontier[frontier.overturned]
    ax.plot(won.x, won.y, marker="D", color="white", markeredgecolor="black", linestyle="none", markersize=6, label="overturns the claim")
    bx = float(frontier.baseline_x.iloc[0]) if "baseline_x" in frontier else xs[0]
    by = float(frontier.baseline_y.iloc[0]) if "baseline_y" in frontier else ys[0]
    ax.plot([bx], [by], marker="o", color="white", markeredgecolor="black", linestyle="none", markersize=9, label="the scenario")
    cb = ax.figure.colorbar(mesh, ax=ax)
    cb.set_label("P(PhD ahead)" if crit == "p_phd_ahead" else crit.replace("_", " "))
    fmts = {"usd": lambda v, _p: format_usd(v), "probability": lambda v, _p: format_share(v, digits=0), "rate": lambda v, _p: format_share(v, digits=0),
            "years": lambda v, _p: f"{v:g} y", "multiple": lambda v, _p: f"{v:g}x"}
    ax.xaxis.set_major_formatter(FuncFormatter(fmts[lx.unit]))
    ax.yaxis.set_major_formatter(FuncFormatter(fmts[ly.unit]))
    ax.set_xlabel(lx.label)
    ax.set_ylabel(ly.label)
    ax.set_title(f"Two levers at once, age {int(frontier.age.iloc[0])} ({int(frontier.worlds.iloc[0]):,} shared worlds)", fontsize="medium")
    ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2)
    return ax


def plot_variance_breakdown(breakdown: Any, *, ax: Axes | None = None, quantity: str = "difference", top: int = 8) -> Axes:
    """Each uncertain assumption's first-order share of the variance of a paired difference
    (:func:`careersim.uncertainty.variance_breakdown`), with its 95% interval; the title gives
    the assumptions' total share against luck's. ``quantity``: ``"difference"`` or
    ``"a_ahead"``; ``top``: how many assumptions to show (at least 1)."""
    from .sensitivity import parameter_label

    # by its fields: careersim.uncertainty draws through this module, not the other way
    _check_fields("breakdown", breakdown, ("shares", "ranking", "a", "b", "age"),
                  "a careersim.uncertainty.VarianceBreakdown (from careersim.uncertainty.variance_breakdown)")
    _check_choice("quantity", quantity, tuple(dict.fromkeys(breakdown.shares.quantity)))
    _whole_number("top", top, 1, " (the number of assumptions shown)")
    t = breakdown.ranking[breakdown.ranking.quantity == quantity].head(top).iloc[::-1]
    ax = _axes(ax, figsize=(7.5, 0.45 * max(len(t), 3) + 1.6))
    y = np.arange(len(t))
    ax.barh(y, 100 * t.first_order.clip(lower=0), xerr=100 * t.first_order_ci, color=NEUTRAL_COLORS[1], capsize=3)
    ax.set_yticks(y, [parameter_label(k) for k in t.assumption])
    ax.set_xlabel("share of the variance explained\nby this assumption alone (%; 95% interval)")
    ax.set_xlim(left=0)
    row = breakdown.shares.set_index("quantity").loc[quantity]
    a, b = CAREER_LABELS.get(breakdown.a, breakdown.a), CAREER_LABELS.get(breakdown.b, breakdown.b)
    what = f"{a} minus {b}, net worth at {breakdown.age}" if quantity == "difference" else f"Whether {label_in_sentence(breakdown.a)} is ahead of {label_in_sentence(breakdown.b)} at {breakdown.age}"
    ax.set_title(f"{what}\nfrom the assumptions: {100 * row.assumptions_share:.1f}% (\u00b1 {200 * row.share_se:.1f}); "
                 f"from luck: {100 * row.luck_share:.1f}%", fontsize=10)
    return ax


def plot_value_of_information(voi: Any, *, ax: Axes | None = None, top: int = 8) -> Axes:
    """What perfect information about each assumption is worth for the choice of career
    (:func:`careersim.uncertainty.value_of_information`), in certainty-equivalent dollars, with
    2 standard errors; the first bar is all assumptions at once, then the ``top`` (a whole
    number >= 0) most valuable assumptions."""
    from .sensitivity import parameter_label

    _check_fields("voi", voi, ("table", "careers", "age", "risk_aversion"),
                  "a careersim.uncertainty.ValueOfInformation (from careersim.uncertainty.value_of_information)")
    _whole_number("top", top, 0, " (the number of assumptions shown after the all-at-once bar)")
    t = voi.table.head(top + 1).iloc[::-1]
    ax = _axes(ax, figsize=(7.5, 0.45 * max(len(t), 3) + 1.6))
    y = np.arange(len(t))
    colors = [NEUTRAL_COLORS[0] if a == "all assumptions" else NEUTRAL_COLORS[1] for a in t.assumption]
    bars = ax.barh(y, t.evpi_usd, xerr=2 * t.se_usd, color=colors, capsize=3)
    bounded = t["at_bound"].to_numpy(dtype=bool) if "at_bound" in t else np.zeros(len(t), dtype=bool)
    for bar, at_bound in zip(bars, bounded):
        if at_bound:  # the estimate reached what it cannot exceed: an upper bound, not a value
            bar.set_hatch("//")
            bar.set_edgecolor("white")
    if bounded.any():
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(facecolor=NEUTRAL_COLORS[1], edgecolor="white", hatch="//", label="at its bound (not resolved): at most this")],
                  frameon=False, fontsize="small", loc="lower right")
    ax.set_yticks(y, ["All assumptions at once" if a == "all assumptions" else parameter_label(a) for a in t.assumption])
    _dollars(ax, "x")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))  # dollar labels are wide: room between them
    top_usd = float((t.evpi_usd + 2 * t.se_usd).max())
    ax.set_xlim(0, max(top_usd * 1.1, 1_000.0))
    if top_usd < 1.0:  # nothing to learn: say so rather than draw an empty chart
        ax.text(0.5, 0.5, "no assumption changes which career is best:\nnothing here is worth finding out first", transform=ax.transAxes,
                ha="center", va="center", fontsize=10, color="0.3")
    ax.set_xlabel(f"value of knowing it before choosing\n(certainty-equivalent net worth at {voi.age}, real dollars; 2 se)")
    risk = "risk-neutral" if voi.risk_aversion == 0 else f"risk aversion {voi.risk_aversion:g}"
    names = ", ".join(CAREER_LABELS.get(c, c) for c in voi.careers)
    import textwrap

    ax.set_title("Which unknown is worth finding out before choosing\n" + textwrap.fill(f"({names}; {risk})", 70, break_on_hyphens=False), fontsize=10)
    return ax

"""The search for what would overturn the money claim: one lever at a time, and pairs.

Every evaluation simulates the changed scenario in the *same* worlds (one seed for all:
common random numbers), so the statistic moves only because the lever moved.
:func:`smallest_overturning_changes` brackets, for each lever alone, the smallest change that
makes the PhD win by a criterion, and reports it in the lever's own unit and as a share of the
lever's documented plausible range (comparable across levers);
:func:`overturning_frontier` maps a grid over two levers at once. Public names are
re-exported by :mod:`careersim.claims`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ._claim_levers import Lever, default_levers, lever as _lever
from ._claim_stats import NAN, Estimate, _mean, _proportion, _quantile, check_ages
from ._draws import root_seed_sequence
from ._engine import simulate
from ._params import ScenarioError, is_number
from ._results import Result
from ._scenario import Scenario

Criterion = Literal["p_phd_ahead", "median_difference", "mean_difference"]
_CRITERIA = ("p_phd_ahead", "median_difference", "mean_difference")


def _criterion_threshold(criterion: str, threshold: float | None) -> float:
    if criterion not in _CRITERIA:
        raise ScenarioError(f"criterion = {criterion!r}: must be one of {', '.join(_CRITERIA)}")
    if threshold is None:
        return 0.5 if criterion == "p_phd_ahead" else 0.0
    number = is_number(threshold)
    if criterion == "p_phd_ahead" and not (number and 0.0 <= float(threshold) <= 1.0):
        raise ScenarioError(f"threshold = {threshold!r}: with criterion 'p_phd_ahead' it is a probability, from 0 to 1 (0.5: the PhD ahead in half the worlds)")
    if not (number and math.isfinite(float(threshold))):
        raise ScenarioError(f"threshold = {threshold!r}: with criterion {criterion!r} it is a finite amount in dollars (0: the PhD not behind)")
    return float(threshold)


class _Evaluator:
    """Simulates a scenario with the same seed every time (common random numbers) and
    returns the criterion's statistic at each age; remembers what it has computed.

    Each run reuses the baseline's careers that the change cannot touch
    (``simulate(reuse=...)``): a PhD-only lever re-simulates the PhD alone."""

    def __init__(self, scenario: Scenario, *, phd: str, industry: str, worlds: int, root: np.random.SeedSequence, ages: tuple[int, ...], criterion: str, workers: int | None):
        self.scenario, self.careers = scenario, (phd, industry)
        self.worlds, self.root, self.criterion, self.workers = worlds, root, criterion, workers
        self.base = simulate(scenario, worlds=worlds, rng=root, careers=self.careers, workers=workers)
        self.columns = [self.base.year_of_age(a) - 1 for a in ages]
        self.baseline = self._stats(self.base)
        self.evaluations = 1
        self.cache: dict[tuple[str, float], list[Estimate]] = {}

    def _stats(self, r: Result) -> list[Estimate]:
        d = r.net_worth[0][:, self.columns] - r.net_worth[1][:, self.columns]  # PhD minus industry, (world, age)
        if self.criterion == "p_phd_ahead":
            return [_proportion(d[:, j] > 0) for j in range(d.shape[1])]
        if self.criterion == "median_difference":
            return [_quantile(d[:, j], 0.5) for j in range(d.shape[1])]
        return [_mean(d[:, j]) for j in range(d.shape[1])]

    def __call__(self, lever: Lever, value: float) -> list[Estimate]:
        key = (lever.name, float(value))
        if key not in self.cache:
            r = self.simulate(lever.apply(self.scenario, value))
            self.cache[key] = self._stats(r)
        return self.cache[key]

    def simulate(self, scenario: Scenario) -> Result:
        """One evaluation: ``scenario`` in the same worlds."""
        self.evaluations += 1
        return simulate(scenario, worlds=self.worlds, rng=self.root, careers=self.careers, workers=self.workers, reuse=self.base)

    def at(self, changes: dict) -> list[Estimate]:
        """The statistics with ``changes`` applied to the scenario (cached)."""
        key = tuple(sorted((k, float(v) if isinstance(v, (int, float)) else v) for k, v in changes.items()))
        if key not in self.cache:
            self.cache[key] = self._stats(self.simulate(self.scenario.replace(changes)))
        return self.cache[key]

    def lever_baseline(self, lever: Lever) -> list[Estimate]:
        """The statistics in the lever's situation (its ``given``) at the scenario's value."""
        return self(lever, lever.baseline(self.scenario)) if lever.given else self.baseline


def _illinois(f: Callable[[float], float], f_lo: float, f_hi: float, *, max_evaluations: int, tolerance: float) -> tuple[float, float]:
    """Narrow a bracket [0, 1] with f(0) < 0 <= f(1) by the Illinois method.

    Returns the bracket's ends ``(t_lose, t_win)``: f < 0 at the first, f >= 0 at the second.
    """
    lo, hi, side = 0.0, 1.0, 0
    for _ in range(max_evaluations):
        width = hi - lo
        if width <= tolerance:
            break
        t = (lo * f_hi - hi * f_lo) / (f_hi - f_lo) if f_hi != f_lo else 0.5 * (lo + hi)
        t = min(max(t, lo + 0.02 * width), hi - 0.02 * width)  # stay strictly inside
        ft = f(t)
        if ft >= 0.0:
            hi, f_hi = t, ft
            if side == 1:
                f_lo *= 0.5
            side = 1
        else:
            lo, f_lo = t, ft
            if side == -1:
                f_hi *= 0.5
            side = -1
    return lo, hi


def smallest_overturning_changes(
    scenario: Scenario,
    levers: Sequence[Lever] | None = None,
    *,
    ages: Sequence[int] = (65,),
    criterion: Criterion = "p_phd_ahead",
    threshold: float | None = None,
    phd: str = "phd",
    industry: str = "residency",
    worlds: int = 4_096,
    max_evaluations: int = 8,
    tolerance: float = 0.002,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    workers: int | None = 1,
) -> pd.DataFrame:
    """For each lever alone, the smallest change that makes the PhD win: a bracketing
    search with common random numbers.

    Every evaluation simulates the changed scenario in the *same* worlds (one seed for
    all), so the statistic moves only because the lever moved. For each lever and age the
    search evaluates the lever's far end; if the PhD wins there, it narrows the bracket
    between the baseline (PhD loses) and that end by the Illinois method (regula falsi that
    halves a stale end's weight, each step kept inside the bracket), stopping when the
    bracket is narrower than ``tolerance`` of the range or after ``max_evaluations``. The
    answer is the nearest value at which the PhD was seen to win; ``bracket`` is the
    nearest at which it was seen to lose, so the threshold for these worlds lies between.

    Parameters
    ----------
    scenario
        The scenario in which the claim holds.
    levers
        The levers to try, one at a time (:class:`Lever` or names from ``LEVERS``); default
        ``default_levers(scenario)``. A lever with ``given`` conditions is searched from its
        own situation (the scenario with those set), whose statistic is its baseline.
    ages
        Ages at which the PhD must win.
    criterion
        ``"p_phd_ahead"``: P(PhD net worth > industry's) >= threshold (default 0.5);
        ``"median_difference"``: the median of PhD minus industry >= threshold (default 0;
        equivalent to the first at 0.5 up to ties); ``"mean_difference"``: its mean >=
        threshold (default 0; sensitive to the bidding-war tail).
    threshold
        See ``criterion``.
    phd, industry
        Career ids compared.
    worlds
        Worlds per evaluation.
    max_evaluations
        Most simulations per lever and age inside the bracket (0: only the far end).
    tolerance
        Stop when the bracket is narrower than this fraction of ``|stop - baseline|``.
    rng
        Seed (int, SeedSequence, Generator or None), normalised once and reused for every
        evaluation.
    workers
        Worker processes per simulation (results do not depend on it).

    Returns
    -------
    DataFrame
        One row per lever and age: ``lever, label, parameter, unit, description, criterion,
        threshold, age, baseline_value, stop_value, found, value`` (the smallest overturning
        value found, NaN if none within the range), ``bracket`` (the nearest value tested that
        did not overturn), ``change``, ``relative_change`` (value / baseline - 1),
        ``plausible_low, plausible_high`` (the lever's documented plausible range),
        ``distance`` (the change as a share of that range: comparable across levers),
        ``distance_to_stop`` (the same for the far end), ``beyond_plausible`` (the value
        found lies outside the plausible range),
        ``statistic_baseline``, ``statistic_baseline_se``, ``statistic_at_value``,
        ``statistic_at_value_se``, ``evaluations`` (simulations run for the row) and
        ``worlds``.

    Examples
    --------
    >>> import careersim
    >>> from careersim import claims
    >>> s = careersim.load_scenario("money-much-better")
    >>> t = claims.smallest_overturning_changes(s, ["post_phd_pay"], ages=(45,), worlds=1_000, max_evaluations=4, rng=0)
    >>> t[["lever", "age", "found"]].to_dict("records")
    [{'lever': 'post_phd_pay', 'age': 45, 'found': True}]
    """
    thr = _criterion_threshold(criterion, threshold)
    levers = default_levers(scenario) if levers is None else tuple(_lever(l) for l in levers)
    if isinstance(max_evaluations, bool) or not isinstance(max_evaluations, (int, np.integer)) or max_evaluations < 0:
        raise ScenarioError(f"max_evaluations = {max_evaluations!r}: must be a whole number >= 0")
    if not is_number(tolerance) or not 0.0 < float(tolerance) < 1.0:
        raise ScenarioError(f"tolerance = {tolerance!r}: must be a number in (0, 1)")
    ages_t = check_ages(ages)
    root = root_seed_sequence(rng)
    ev = _Evaluator(scenario, phd=phd, industry=industry, worlds=worlds, root=root, ages=ages_t, criterion=criterion, workers=workers)

    def wins(e: Estimate) -> bool:
        return e.value >= thr

    rows = []
    for lever in levers:
        base_value, stop = lever.baseline(scenario), lever.stop_value(scenario)
        lever.apply(scenario, stop)  # validate the far end up front: a clear ScenarioError
        for j, age in enumerate(ages_t):
            before = ev.evaluations
            base_stat = ev.lever_baseline(lever)[j]
            value, bracket, stat = math.nan, base_value, NAN
            if wins(base_stat):
                value, bracket, stat = base_value, math.nan, base_stat
            elif stop != base_value and wins(ev(lever, stop)[j]):

                def gap(t: float, lever: Lever = lever, j: int = j, base_value: float = base_value, stop: float = stop) -> float:
                    return ev(lever, base_value + t * (stop - base_value))[j].value - thr

                t_lose, t_win = _illinois(gap, base_stat.value - thr, gap(1.0), max_evaluations=int(max_evaluations), tolerance=float(tolerance))
                value = base_value + t_win * (stop - base_value)
                bracket = base_value + t_lose * (stop - base_value)
                stat = ev(lever, value)[j]
            else:
                bracket = stop
                if stop != base_value:
                    stat = ev(lever, stop)[j]
            found = not math.isnan(value)
            p_lo, p_hi = lever.plausible_range(scenario)
            rows.append(
                {
                    "lever": lever.name,
                    "label": lever.label,
                    "parameter": lever.parameter,
                    "unit": lever.unit,
                    "description": lever.description,
                    "criterion": criterion,
                    "threshold": thr,
                    "age": age,
                    "baseline_value": base_value,
                    "stop_value": stop,
                    "found": found,
                    "value": value,
                    "bracket": bracket,
                    "change": value - base_value,
                    "relative_change": (value / base_value - 1.0) if base_value != 0 else math.nan,
                    "plausible_low": p_lo,
                    "plausible_high": p_hi,
                    "distance": lever.distance(scenario, value) if found else math.nan,
                    "distance_to_stop": lever.distance(scenario, stop),
                    "beyond_plausible": bool(found and not (min(p_lo, p_hi) - 1e-9 <= value <= max(p_lo, p_hi) + 1e-9)) if not math.isnan(p_lo) else False,
                    "statistic_baseline": base_stat.value,
                    "statistic_baseline_se": base_stat.se,
                    "statistic_at_value": stat.value,
                    "statistic_at_value_se": stat.se,
                    "evaluations": ev.evaluations - before,
                    "worlds": worlds,
                }
            )
    return pd.DataFrame(rows)




def overturning_frontier(
    scenario: Scenario,
    lever_x: Lever | str,
    lever_y: Lever | str,
    *,
    age: int = 65,
    x_values: Sequence[float] | None = None,
    y_values: Sequence[float] | None = None,
    points: int = 7,
    criterion: Criterion = "p_phd_ahead",
    threshold: float | None = None,
    phd: str = "phd",
    industry: str = "residency",
    worlds: int = 4_096,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    workers: int | None = 1,
) -> pd.DataFrame:
    """Two levers at once: the criterion's statistic on a grid, in the same worlds.

    The combinations where the PhD wins (statistic >= threshold) are those that overturn the
    claim; the frontier is the edge of that region. Both levers' ``given`` conditions hold at
    every point.

    Parameters
    ----------
    scenario
        The scenario in which the claim holds.
    lever_x, lever_y
        Two different levers (:class:`Lever` or names from ``LEVERS``).
    age
        Age at which the PhD must win.
    x_values, y_values
        Grid values in each lever's unit (default: ``points`` values from the scenario's
        value to the far end of the lever's plausible range in the direction of its
        ``stop``, or to ``stop`` when the range is undocumented).
    points
        Grid size per lever when the values are not given (2 to 25).
    criterion, threshold, phd, industry, worlds, rng, workers
        As in :func:`smallest_overturning_changes`.

    Returns
    -------
    DataFrame
        One row per grid point: ``lever_x, lever_y, x, y, statistic, se, overturned,
        distance_x, distance_y`` (each change as a share of its lever's plausible range),
        plus ``baseline_x, baseline_y`` (the scenario's values, which need not lie on the
        grid), ``age, criterion, threshold, worlds``.

    Examples
    --------
    >>> import careersim
    >>> from careersim import claims
    >>> s = careersim.load_scenario("money-much-better")
    >>> f = claims.overturning_frontier(s, "post_phd_pay", "bidding_war_size", age=45, points=3, worlds=500, rng=0)
    >>> len(f), bool(f.overturned.dtype == bool)
    (9, True)
    """
    lx, ly = _lever(lever_x), _lever(lever_y)
    if lx.parameter == ly.parameter:
        raise ScenarioError(f"lever_x = lever_y = {lx.name!r}: the frontier needs two different levers")
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or not 2 <= points <= 25:
        raise ScenarioError(f"points = {points!r}: must be a whole number from 2 to 25")
    thr = _criterion_threshold(criterion, threshold)

    def grid(l: Lever, values: Sequence[float] | None) -> np.ndarray:
        if values is not None:
            numbers = isinstance(values, (list, tuple, np.ndarray)) and all(is_number(x) for x in values)
            v = np.asarray(values, dtype=float) if numbers else np.empty(0)
            if v.ndim != 1 or len(v) == 0 or not np.isfinite(v).all():
                raise ScenarioError(f"values for lever {l.name!r} = {values!r}: must be a non-empty list of finite numbers")
            return v
        base, stop = l.baseline(scenario), l.stop_value(scenario)
        lo, hi = l.plausible_range(scenario)
        far = stop if math.isnan(lo) else (hi if stop >= base else lo)
        if (far - base) * (stop - base) <= 0:  # the plausible range ends on the other side
            far = stop
        return np.linspace(base, far, int(points))

    xs, ys = grid(lx, x_values), grid(ly, y_values)
    for l, v in ((lx, xs), (ly, ys)):
        l.apply(scenario, float(v[-1]))  # a clear ScenarioError for a value out of range, before any work
    root = root_seed_sequence(rng)
    ev = _Evaluator(scenario, phd=phd, industry=industry, worlds=worlds, root=root, ages=(int(age),), criterion=criterion, workers=workers)
    rows = []
    for x in xs:
        for y in ys:
            changes = {**lx.changes(scenario, float(x))}
            changes.update(ly.changes(scenario.replace(changes), float(y)))
            e = ev.at(changes)[0]
            rows.append({"lever_x": lx.name, "lever_y": ly.name, "x": float(x), "y": float(y), "statistic": e.value, "se": e.se,
                         "overturned": bool(e.value >= thr), "distance_x": lx.distance(scenario, x), "distance_y": ly.distance(scenario, y)})
    out = pd.DataFrame(rows)
    out["baseline_x"], out["baseline_y"] = lx.baseline(scenario), ly.baseline(scenario)
    out["age"], out["criterion"], out["threshold"], out["worlds"] = int(age), criterion, thr, worlds
    return out

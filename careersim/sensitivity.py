"""Which assumptions move the comparison of two careers: a tornado and Sobol indices.

Both analyses look at one number, a statistic of the *paired* difference of net worth
between careers ``a`` and ``b`` at one age (mean, median, or P(a ahead)), as named
scenario parameters (dotted keys such as ``"phd.stipend_advisor_grant_usd"``) move over
ranges.

Every parameter point is simulated in the same worlds (common random numbers: one root
seed for all points), so the Monte Carlo noise is frozen and a change in the statistic
is the parameter's effect alone.

How a design runs: the points are batched, not vectorised. A whole design as one
simulation with per-world parameter values would need every key in ``ranges`` to be one the
engine reads as a per-world array, which today holds only for keys with a declared prior
(and not for pay, the stipend, the PhD's length or spending, which the notebook moves).
Instead each career of each point is simulated once, straight through the engine's chunk
kernel (no :class:`careersim.Result` built), in worlds drawn once for the whole design (the
engine's draw cache, for designs of up to 65,536 worlds, as :func:`careersim.simulate` uses
it), and a career is simulated again only when a key it can see changed: Saltelli's design
moves one parameter at a time between its rows, so the engineer is not re-run when a PhD
parameter moves (about a third fewer runs for the notebook's design). Batches of whole
Saltelli groups run on worker processes (``workers=``) or a Dask client, with identical
results. The numbers are bit-identical to one :func:`careersim.simulate` per point
(tests/test_sensitivity.py). The tornado reports each level's Monte Carlo standard error and the paired standard error of each change from the base; the Sobol indices come
from SALib (Saltelli's sampling scheme on a scrambled Sobol' sequence, then
``SALib.analyze.sobol``) with bootstrap confidence intervals, and every sampled point
keeps its Monte Carlo standard error in ``SobolResult.output_se``.

Figures: :func:`careersim.plotting.plot_tornado` and :func:`careersim.plotting.plot_sobol`.
Points can run on a ``dask.distributed`` cluster (``client=``) with identical results.

Examples
--------
>>> from careersim import sensitivity
>>> t = sensitivity.tornado(None, {"phd.stipend_advisor_grant_usd": (30_000, 50_000)}, worlds=500, rng=1)
>>> t.to_df().columns[:3].tolist()
['parameter', 'low', 'high']
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._draws import BLOCK_WORLDS, root_seed_sequence
from ._engine import CACHED_RUN_WORLDS, DEFAULT_CHUNK_BLOCKS, MAX_CAREER_YEARS, _scientific, _whole_number, check_careers, check_worlds, resolve_workers, simulate_chunk
from ._params import ScenarioError, is_number, is_whole_number, short_repr
from ._results import _Z95, mean_with_se, proportion_with_se, quantiles_with_se
from ._scenario import CAREER_SECTIONS, Scenario
from ._sweep import _default_scenario, age_to_year, apply_changes, evaluate_points, net_worth_at

__all__ = ["SobolResult", "Tornado", "paired_statistic", "sobol", "tornado"]

Statistic = Literal["mean", "median", "p_a_ahead"]
STATISTICS = ("mean", "median", "p_a_ahead")


def paired_statistic(difference: np.ndarray, statistic: Statistic) -> tuple[float, float]:
    """A statistic of per-world differences ``a - b`` and its Monte Carlo standard error.

    ``mean``: mean difference (USD); ``median``: median difference (USD); ``p_a_ahead``:
    share of worlds with ``a`` strictly ahead.
    """
    d = np.asarray(difference, dtype=float)
    if statistic == "mean":
        v, s = mean_with_se(d)
    elif statistic == "median":
        q, qs = quantiles_with_se(d, [0.5])
        v, s = q[0], qs[0]
    elif statistic == "p_a_ahead":
        v, s = proportion_with_se(d > 0)
    else:
        raise ScenarioError(f"statistic = {statistic!r}: must be one of {', '.join(STATISTICS)}")
    return float(v), float(s)


def _change_se(d_new: np.ndarray, d_base: np.ndarray, statistic: Statistic) -> float:
    """Paired (same worlds) standard error of statistic(d_new) - statistic(d_base)."""
    if statistic == "mean":
        return float(mean_with_se(d_new - d_base)[1])
    if statistic == "p_a_ahead":
        return float(mean_with_se((d_new > 0).astype(float) - (d_base > 0).astype(float))[1])
    # median: each world's influence on each median, (1/2 - [d <= median]) / density there,
    # paired world by world (the delta method for two medians of the same worlds); the
    # density comes from the order-statistic interval, se = sqrt(1/4 / n) / density. Batch
    # medians of 20 groups had too small an error below a few thousand worlds (0.72 of the
    # spread over seeds at 400 worlds)
    n = len(d_new)
    if n < 2:
        return float("nan")
    influence = []
    for d in (np.asarray(d_new, dtype=float), np.asarray(d_base, dtype=float)):
        (m,), (se_m,) = quantiles_with_se(d, [0.5])
        influence.append((0.5 - (d <= m)) * (2.0 * se_m * np.sqrt(n)))
    return float(np.std(influence[0] - influence[1], ddof=1) / np.sqrt(n))


def _check_common(scenario: Scenario | None, ranges: Mapping[str, Any], a: str, b: str, statistic: str, worlds: int, age: int | None) -> tuple[Scenario, dict[str, tuple[float, float]], tuple[str, str], int]:
    scenario = _default_scenario(scenario)
    careers = check_careers((a, b))
    if statistic not in STATISTICS:
        raise ScenarioError(f"statistic = {statistic!r}: must be one of {', '.join(STATISTICS)}")
    worlds = check_worlds(worlds)
    if not isinstance(ranges, Mapping) or not ranges:
        raise ScenarioError(f"ranges = {ranges!r}: must be a non-empty mapping from dotted key to (low, high), e.g. {{'phd.stipend_ta_usd': (35000, 50000)}}")
    out = {}
    for key, rng_ in ranges.items():
        base = scenario.get(key)
        if isinstance(base, str):
            raise ScenarioError(f"ranges[{key!r}]: {key} is a text option, not a number; sweep it with careersim.sweep instead")
        try:
            lo, hi = (float(v) for v in rng_)
        except (TypeError, ValueError):
            raise ScenarioError(f"ranges[{key!r}] = {rng_!r}: must be a pair (low, high) of numbers") from None
        if not (np.isfinite(lo) and np.isfinite(hi)) or not lo < hi:
            raise ScenarioError(f"ranges[{key!r}] = {rng_!r}: must be finite numbers with low < high")
        apply_changes(scenario, {key: lo}, whole=True)  # raises a ScenarioError naming the allowed range
        apply_changes(scenario, {key: hi}, whole=True)
        out[key] = (lo, hi)
    _check_age_in_every_point(scenario, out, age)
    return scenario, out, careers, worlds


def _check_ranges_together(scenario: Scenario, ranges: Mapping[str, tuple[float, float]]) -> None:
    """Sobol samples every key at once, so the ranges must be valid together, not only one at a
    time (e.g. two funding shares that may not sum above 1): each pair of keys at the corners of
    its box, before any work (it failed part way through the design)."""
    for (k1, r1), (k2, r2) in itertools.combinations(ranges.items(), 2):
        for v1, v2 in itertools.product(r1, r2):
            try:
                apply_changes(scenario, {k1: v1, k2: v2})
            except ScenarioError as e:
                raise ScenarioError(f"ranges: {k1} = {v1:g} together with {k2} = {v2:g} is not a valid scenario ({e}); "
                                    f"Sobol samples every key at once, so narrow one of the two ranges") from None


def _check_age_in_every_point(scenario: Scenario, ranges: Mapping[str, tuple[float, float]], age: int | None) -> None:
    """``age`` (None: each point's horizon) lies within the years every point simulates: the
    ranges may move the start age or the horizon (``simulation.*``), and then each point is
    read at its own year of that age (:func:`_design_net_worth`)."""
    moved = [k for k in ranges if k.startswith("simulation.")]
    corners = [apply_changes(scenario, dict(zip(moved, c))) for c in itertools.product(*(ranges[k] for k in moved))]
    if age is None:
        return
    first = max(c.simulation.start_age for c in corners) + 1
    last = min(c.simulation.start_age + c.simulation.horizon_years for c in corners)
    if not is_whole_number(age) or not first <= age <= last:
        within = f"; with {' and '.join(moved)} in the ranges given" if moved else " for this scenario"
        raise ScenarioError(f"age = {age!r}: must be a whole number between {first} and {last}{within}" if first <= last
                            else f"age = {age!r}: no age is simulated by every point{within} (start ages up to {first - 1}, last ages from {last})")


def _difference_point(changes: Mapping[str, Any], *, scenario: Scenario, worlds: int, root: np.random.SeedSequence, careers: tuple[str, str], age: int | None) -> np.ndarray:
    x = net_worth_at(scenario, changes, worlds=worlds, root=root, careers=careers, age=age)
    return x[0] - x[1]


def _career_keys(careers: tuple[str, ...], names: list[str]) -> list[list[int]]:
    """For each career, the indices of ``names`` whose value can change its numbers: its own
    section's keys and every key of a shared section (market, finances, ...)."""
    own = set(CAREER_SECTIONS.values())
    sections = [k.split(".")[0] for k in names]
    return [[i for i, sec in enumerate(sections) if sec not in own or sec == CAREER_SECTIONS.get(c)] for c in careers]


def _design_net_worth(rows: np.ndarray, *, names: list[str], scenario: Scenario, worlds: int, root: np.random.SeedSequence, careers: tuple[str, ...], age: int | None) -> np.ndarray:
    """``(point, career, world)`` net worth at ``age`` (None: the horizon) of each row of
    parameter values, read at each point's own year of that age (a row may move the start age).

    Pure function of its arguments (it runs on workers). A career is simulated only for a
    combination of the values it can see (:func:`_career_keys`) not met before in ``rows``.
    """
    blocks = [(b, min(BLOCK_WORLDS, worlds - b * BLOCK_WORLDS)) for b in range(-(-worlds // BLOCK_WORLDS))]
    chunks = [blocks[i : i + DEFAULT_CHUNK_BLOCKS] for i in range(0, len(blocks), DEFAULT_CHUNK_BLOCKS)]
    seen = _career_keys(careers, names)
    # every point is lived in the same draws: drawn once, from the engine's draw cache (and
    # its world made once while the market and the regime stay), as simulate() does for
    # runs of this size; drawing a 2,048-world block for each point was most of a design's time
    cache_draws = worlds <= CACHED_RUN_WORLDS
    cache: dict[tuple, np.ndarray] = {}
    out = np.empty((len(rows), len(careers), worlds))
    for p, row in enumerate(rows):
        keys = [(j, *(row[i] for i in seen[j])) for j in range(len(careers))]
        todo = [j for j, key in enumerate(keys) if key not in cache]
        if todo:  # the careers this point changes, in one engine call (their world built once)
            point = apply_changes(scenario, dict(zip(names, row)))
            year = age_to_year(point, age)
            parts = [simulate_chunk(point, tuple(careers[j] for j in todo), root, chunk, cache_draws=cache_draws)["net_worth"][:, year - 1] for chunk in chunks]
            x = np.concatenate(parts, axis=1)
            for k, j in enumerate(todo):
                cache[keys[j]] = x[k]
        for j, key in enumerate(keys):
            out[p, j] = cache[key]
    return out


def _design_statistics(rows: np.ndarray, *, statistic: Statistic, **kwargs: Any) -> np.ndarray:
    """``(point, 2)`` the statistic of ``a - b`` at each row and its Monte Carlo se."""
    x = _design_net_worth(rows, **kwargs)
    return np.array([paired_statistic(x[p, 0] - x[p, 1], statistic) for p in range(len(rows))]).reshape(len(rows), 2)


def _run_design(fn, rows: np.ndarray, group: int, *, workers: int | None, client: Any, **kwargs: Any) -> np.ndarray:
    """``fn(rows, **kwargs)`` over batches of whole groups of ``group`` rows, here, in worker
    processes or on a Dask client; results concatenated in row order (identical whichever)."""
    n_workers = resolve_workers(workers) if client is None else 0
    parallel = client is not None or n_workers > 1
    n_groups = len(rows) // group
    n_batches = min(n_groups, 4 * max(n_workers, 2)) if parallel else 1
    edges = [group * (n_groups * i // n_batches) for i in range(n_batches + 1)]
    edges[-1] = len(rows)
    batches = [rows[edges[i] : edges[i + 1]] for i in range(n_batches) if edges[i + 1] > edges[i]]
    if client is not None:
        parts = evaluate_points(_batch_call, [{"rows": b} for b in batches], client=client, design_fn=fn, **kwargs)
    elif n_workers > 1:
        from concurrent.futures import ProcessPoolExecutor
        from functools import partial

        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            parts = list(pool.map(partial(fn, **kwargs), batches))
    else:
        parts = [fn(b, **kwargs) for b in batches]
    return np.concatenate(parts)


def _batch_call(batch: Mapping[str, Any], *, design_fn, **kwargs: Any) -> np.ndarray:
    return design_fn(batch["rows"], **kwargs)


@dataclasses.dataclass(frozen=True)
class Tornado:
    """One-at-a-time sensitivity of a paired statistic of ``a - b`` net worth.

    Attributes
    ----------
    a, b
        The careers compared (``a`` minus ``b``, world by world).
    statistic
        ``mean``, ``median`` (USD) or ``p_a_ahead`` (probability).
    age
        Age at which net worth is compared.
    worlds
        Worlds per parameter point (the same worlds at every point).
    base_value, base_se
        The statistic at the base scenario and its Monte Carlo standard error.
    table
        One row per parameter, sorted by swing (largest first): ``parameter, low, high,
        base_parameter, value_low, se_low, value_high, se_high, change_low,
        change_low_se, change_high, change_high_se, swing``. ``change_*`` is the value
        minus ``base_value`` with its paired standard error (same worlds, so much smaller
        than the levels' se); ``swing = |value_high - value_low|``.
    notes
        Plain-language warnings, shown under the plot: a parameter whose changes are both
        within 1.96 paired standard errors of zero (its effect is not resolved at these
        worlds; more worlds would tell).
    """

    a: str
    b: str
    statistic: str
    age: int
    worlds: int
    base_value: float
    base_se: float
    table: pd.DataFrame
    notes: tuple[str, ...] = ()

    def to_df(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()


def tornado(
    scenario: Scenario | None,
    ranges: Mapping[str, tuple[float, float]],
    *,
    a: str = "phd",
    b: str = "engineer",
    statistic: Statistic = "mean",
    age: int | None = None,
    worlds: int = 5_000,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    workers: int | None = 1,
    client: Any = None,
) -> Tornado:
    """One-at-a-time tornado: move each parameter to its low and high value, others at base.

    Parameters
    ----------
    scenario
        The base scenario (None: the bundled ``default``).
    ranges
        ``{dotted key: (low, high)}``.
    a, b
        The careers compared: the outcome is net worth of ``a`` minus ``b`` in each world.
    statistic
        ``"mean"`` or ``"median"`` of that difference (USD), or ``"p_a_ahead"``.
    age
        Age at which net worth is compared, a whole number (default: the horizon). When the
        ranges move ``simulation.start_age`` or ``simulation.horizon_years``, each point is
        read at its own year of this age (or at its own horizon), and the age must lie
        within every point's years.
    worlds
        Worlds per point; all points share them (common random numbers).
    rng
        Seed, normalised once.
    workers
        Worker processes (0: one per CPU); results do not depend on it.
    client
        Optional ``dask.distributed.Client`` (instead of ``workers``): batches of points as
        tasks, identical results.

    Returns
    -------
    Tornado

    Examples
    --------
    >>> from careersim.sensitivity import tornado
    >>> import careersim
    >>> pay = careersim.load_scenario("default").engineer.start_pay_usd
    >>> t = tornado(None, {"engineer.start_pay_usd": (0.8 * pay, 1.2 * pay)}, worlds=500, rng=2, age=40)
    >>> bool(t.table.change_high.iloc[0] < 0 < t.table.change_low.iloc[0])  # engineer richer -> PhD further behind
    True
    """
    scenario, ranges, careers, worlds = _check_common(scenario, ranges, a, b, statistic, worlds, age)
    root = root_seed_sequence(rng)
    names = list(ranges)
    base_row = [float(scenario.get(k)) for k in names]
    rows = [base_row]
    for i, (lo, hi) in enumerate(ranges.values()):
        rows += [base_row[:i] + [lo] + base_row[i + 1 :], base_row[:i] + [hi] + base_row[i + 1 :]]
    year = age_to_year(scenario, age)
    x = _run_design(_design_net_worth, np.array(rows), 1, workers=workers, client=client, names=names, scenario=scenario, worlds=worlds, root=root,
                    careers=careers, age=age)
    diffs = x[:, 0] - x[:, 1]
    base = diffs[0]
    base_value, base_se = paired_statistic(base, statistic)
    rows = []  # now the table's
    for i, (key, (lo, hi)) in enumerate(ranges.items()):
        d_lo, d_hi = diffs[1 + 2 * i], diffs[2 + 2 * i]
        v_lo, s_lo = paired_statistic(d_lo, statistic)
        v_hi, s_hi = paired_statistic(d_hi, statistic)
        rows.append(
            {
                "parameter": key,
                "low": lo,
                "high": hi,
                "base_parameter": float(scenario.get(key)),
                "value_low": v_lo,
                "se_low": s_lo,
                "value_high": v_hi,
                "se_high": s_hi,
                "change_low": v_lo - base_value,
                "change_low_se": _change_se(d_lo, base, statistic),
                "change_high": v_hi - base_value,
                "change_high_se": _change_se(d_hi, base, statistic),
                "swing": abs(v_hi - v_lo),
            }
        )
    table = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    return Tornado(a=a, b=b, statistic=statistic, age=scenario.simulation.start_age + year, worlds=worlds, base_value=base_value, base_se=base_se, table=table,
                   notes=_tornado_notes(table))


def _tornado_notes(table: pd.DataFrame) -> tuple[str, ...]:
    unresolved = [p for p, cl, sl, ch, sh in zip(table.parameter, table.change_low, table.change_low_se, table.change_high, table.change_high_se)
                  if (sl > 0 or sh > 0) and abs(cl) <= _Z95 * sl and abs(ch) <= _Z95 * sh]
    if not unresolved:
        return ()
    return (f"Not resolved at these worlds (both changes within the 95% noise band): {', '.join(parameter_label(p) for p in unresolved)}",)


@dataclasses.dataclass(frozen=True)
class SobolResult:
    """Global (variance-based) sensitivity indices of a paired statistic.

    Attributes
    ----------
    a, b, statistic, age, worlds
        As for :class:`Tornado`.
    n
        SALib base sample size ``N``; ``N * (D + 2)`` points were simulated.
    problem
        The SALib problem (``names``, ``bounds``; parameters uniform on their ranges).
    samples
        ``(point, parameter)`` the sampled parameter values.
    outputs, output_se
        ``(point,)`` the statistic at each point and its Monte Carlo standard error
        (frozen across points by the common random numbers).
    indices
        One row per parameter: ``parameter, S1, S1_conf, ST, ST_conf`` (first-order and
        total indices, with SALib's bootstrap 95% half-widths), ``ST_wide`` (``ST_conf`` above
        ``target_half_width``) and ``S1_above_ST`` (the estimate of S1 exceeds that of ST,
        which the true indices never do: a sign of too few points), sorted by ``ST``.
    target_half_width
        The precision asked for on every total index (95% half-width).
    notes
        Plain-language warnings, shown on the plot: intervals wider than the target, first
        order above total. Empty when the design is precise enough.
    """

    a: str
    b: str
    statistic: str
    age: int
    worlds: int
    n: int
    problem: dict[str, Any]
    samples: np.ndarray
    outputs: np.ndarray
    output_se: np.ndarray
    indices: pd.DataFrame
    target_half_width: float = 0.05
    notes: tuple[str, ...] = ()

    @property
    def precise(self) -> bool:
        """Every total index within ``target_half_width`` and no first order above its total."""
        return not bool(self.indices.ST_wide.any() or self.indices.S1_above_ST.any())

    def to_df(self) -> pd.DataFrame:
        """The indices table (a copy)."""
        return self.indices.copy()


def _sobol_notes(indices: pd.DataFrame, target: float, n: int) -> tuple[str, ...]:
    notes = []
    wide = indices[indices.ST_wide]
    if len(wide):
        notes.append(f"Too few points for the target: {len(wide)} total index(es) with a 95% half-width above {target:g} "
                     f"(widest {wide.ST_conf.max():.2f}, {parameter_label(wide.parameter.iloc[int(np.argmax(wide.ST_conf.to_numpy()))])}); raise n above {n}")
    above = indices[indices.S1_above_ST]
    if len(above):
        notes.append(f"First order above total for {', '.join(parameter_label(p) for p in above.parameter)}: impossible for the true indices, "
                     f"so these estimates are noise; raise n")
    return tuple(notes)


def _side_seed(root: np.random.SeedSequence, tag: int) -> int:
    """An int seed for SALib, from a stream of the root that no simulation stream uses."""
    ss = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, tag))
    return int(np.random.default_rng(ss).integers(0, 2**31 - 1))


def sobol(
    scenario: Scenario | None,
    ranges: Mapping[str, tuple[float, float]],
    *,
    a: str = "phd",
    b: str = "engineer",
    statistic: Statistic = "mean",
    age: int | None = None,
    n: int = 1024,
    worlds: int = 256,
    num_resamples: int = 200,
    target_half_width: float = 0.05,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    workers: int | None = 1,
    client: Any = None,
) -> SobolResult:
    """Sobol first-order and total indices with SALib, over uniform parameter ranges.

    Parameters
    ----------
    scenario
        The base scenario (None: the bundled ``default``).
    ranges
        ``{dotted key: (low, high)}``; each parameter is uniform on its range (integer
        parameters are rounded).
    a, b, statistic, age
        The outcome, as in :func:`tornado`.
    n
        SALib base sample size ``N`` (a power of 2 keeps the Sobol' sequence balanced);
        ``N * (D + 2)`` points are simulated (second-order indices are not computed).
    worlds
        Worlds per point (the same worlds at every point). With common random numbers the
        worlds' noise is frozen, so it does not blur the indices the way independent worlds
        would; the indices are those of the statistic in these worlds, and ``output_se``
        says how far each point's statistic is from its many-world value.
    num_resamples
        Bootstrap resamples for SALib's confidence intervals.
    target_half_width
        The 95% half-width wanted on every total index; wider ones (and a first order above
        its total) are flagged in ``indices`` and ``notes`` and on the plot.
    rng
        Seed, normalised once; it seeds the worlds, the Sobol' scrambling and the bootstrap.
    workers
        Worker processes (0: one per CPU); results do not depend on it.
    client
        Optional ``dask.distributed.Client`` (instead of ``workers``): batches of whole
        Saltelli groups as tasks, identical results.

    Returns
    -------
    SobolResult

    Examples
    --------
    >>> from careersim.sensitivity import sobol
    >>> s = sobol(None, {"engineer.start_pay_usd": (120_000, 200_000), "residency.pay_usd": (150_000, 250_000)},
    ...           n=8, worlds=300, rng=3, age=35)
    >>> float(s.indices.set_index("parameter").loc["residency.pay_usd", "ST"])  # phd - engineer ignores it
    0.0
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    scenario, ranges, careers, worlds = _check_common(scenario, ranges, a, b, statistic, worlds, age)
    _check_ranges_together(scenario, ranges)
    _whole_number("n", n, 2, " (a power of 2 is best)")
    career_years = int(n) * (len(ranges) + 2) * worlds * len(careers) * scenario.simulation.horizon_years
    if career_years > MAX_CAREER_YEARS:
        raise ScenarioError(f"n = {short_repr(n)}: {short_repr(int(n) * (len(ranges) + 2))} points of {worlds:,} worlds is {_scientific(career_years)} career-years, "
                            f"more than the {MAX_CAREER_YEARS:.2g} one call accepts; the notebook's n = 2048 gives total-index intervals near 0.03")
    _whole_number("num_resamples", num_resamples, 2, " (the bootstrap's resamples; 200 is usual)")
    if not (is_number(target_half_width) and 0.0 < float(target_half_width) < math.inf):
        raise ScenarioError(f"target_half_width = {target_half_width!r}: must be a number > 0 (the 95% half-width wanted on each total index, e.g. 0.05)")
    root = root_seed_sequence(rng)
    names = list(ranges)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(ranges[k]) for k in names]}
    X = sobol_sample.sample(problem, int(n), calc_second_order=False, scramble=True, seed=_side_seed(root, 0x5A17))
    D = len(names)
    year = age_to_year(scenario, age)
    out = _run_design(_design_statistics, X, D + 2, workers=workers, client=client, statistic=statistic, names=names, scenario=scenario, worlds=worlds,
                      root=root, careers=careers, age=age)
    Y, Y_se = out[:, 0].copy(), out[:, 1].copy()
    if np.ptp(Y) == 0.0:
        # no parameter moves the output at all: every index is exactly zero
        s1 = st = s1c = stc = np.zeros(D)
    else:
        res = sobol_analyze.analyze(problem, Y, calc_second_order=False, num_resamples=int(num_resamples), conf_level=0.95, print_to_console=False, seed=_side_seed(root, 0xB007))
        s1, s1c, st, stc = (np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf"))
    target = float(target_half_width)
    indices = pd.DataFrame({"parameter": names, "S1": s1, "S1_conf": s1c, "ST": st, "ST_conf": stc, "ST_wide": stc > target, "S1_above_ST": s1 > st})
    indices = indices.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
    return SobolResult(
        a=a, b=b, statistic=statistic, age=scenario.simulation.start_age + year, worlds=worlds, n=int(n),
        problem=problem, samples=X, outputs=Y, output_se=Y_se, indices=indices,
        target_half_width=target, notes=_sobol_notes(indices, target, int(n)),
    )


# -- words for the tornado's labels and title ----------------------------------------------------
#: plain words for parameters a reader meets in the notebooks; others are spelled from their key
PARAMETER_LABELS: dict[str, str] = {
    "engineer.start_pay_usd": "Engineer starting pay",
    "phd.research_scientist_start_pay_usd": "Post-PhD research-scientist pay",
    "phd.duration_median_years": "Median PhD length",
    "phd.stipend_advisor_grant_usd": "PhD stipend (advisor grant)",
    "phd.breakthrough_probability": "Chance of a bidding war",
    "phd.breakthrough_pay_multiplier": "Size of a bidding war",
    "finances.consumption_income_elasticity": "Spending's rise with income",
    "market.real_log_return_mean": "Mean real market return",
    "residency.pay_usd": "Residency pay (control)",
    "residency.conversion_probability": "Residency converts to a research job",
    "phd.attrition_probability": "Leaving the PhD with a master's",
    "phd.academia_probability": "PhD graduates going into academia",
    "independent.grant_pay_usd": "Independent researcher's grant pay",
    "independent.renewal_probability": "Grant renewed each year",
    "layoffs.annual_layoff_hazard": "Yearly layoff risk",
    "regime.bust_hiring_multiplier": "Hiring in a bust (relative)",
    "credentials.bust_layoff_multiplier": "Extra bust layoffs without a PhD",
    "credentials.bust_conversion_multiplier": "Residency conversion in a bust (credential filter)",
    "credentials.research_share_trend": "Research roles closing to non-PhDs (per year)",
}


def parameter_label(key: str) -> str:
    """Plain words for a dotted parameter key (``"phd.duration_median_years"`` -> ``"Median PhD length"``)."""
    if key in PARAMETER_LABELS:
        return PARAMETER_LABELS[key]
    section, _, name = key.partition(".")
    for suffix in ("_usd", "_probability"):
        name = name.removesuffix(suffix)
    return f"{section}: {name.replace('_', ' ')}"


def format_parameter_value(key: str, value: float) -> str:
    """A parameter's value with its unit: ``$52k``, ``2.0%``, ``5.5 years``, ``0.7``."""
    from ._format import format_share, format_usd

    if key.endswith("_usd"):
        return format_usd(value)
    if key.endswith("_probability") or key.endswith("_return_mean") or key.endswith("_rate"):
        return format_share(value)
    if key.endswith("_years"):
        return f"{value:g} years"
    return f"{value:g}"


def tornado_labels(tornado: Tornado) -> list[str]:
    """One label per row of ``tornado.table``: plain words and the range in its unit."""
    return [f"{parameter_label(p)}\n{format_parameter_value(p, lo)} to {format_parameter_value(p, hi)}" for p, lo, hi in zip(tornado.table.parameter, tornado.table.low, tornado.table.high)]


def tornado_title(tornado: Tornado) -> str:
    """The tornado's title in words: what moved, in how many shared worlds, and the base value."""
    from ._format import format_share, format_usd

    fmt = format_share if tornado.statistic == "p_a_ahead" else format_usd
    return f"One parameter at a time, the same {tornado.worlds:,} worlds; at the defaults: {fmt(tornado.base_value)} (± {fmt(tornado.base_se)})"

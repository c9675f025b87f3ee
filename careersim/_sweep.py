"""Parameter sweeps: the same worlds at every grid point, locally or on a Dask cluster.

Every grid point is simulated from the *same* root seed (common random numbers), so the
difference between two grid points is the effect of the parameter change alone, and
each point is a pure function of (scenario, changes, worlds, seed). That is also why a
sweep gives identical numbers wherever its points run: in this process, or as tasks on
a ``dask.distributed`` cluster.

The helpers here (:func:`evaluate_points`, :func:`apply_changes`) are shared with
:mod:`careersim.sensitivity`.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._assumptions import check_assumptions
from ._draws import root_seed_sequence
from ._engine import check_careers, check_worlds, simulate, unread_keys
from ._params import ScenarioError, is_whole_number
from ._results import DEFAULT_QUANTILES, check_quantiles, mean_with_se, p_best_with_se, quantile_label, quantiles_with_se
from ._scenario import SECTIONS, Scenario, _split_key

__all__ = ["apply_changes", "evaluate_points", "sweep"]


def _default_scenario(scenario: Scenario | None) -> Scenario:
    if scenario is None:
        from ._scenario_io import load_scenario

        return load_scenario("default")
    if not isinstance(scenario, Scenario):
        raise ScenarioError(f"scenario = {scenario!r}: must be a careersim.Scenario (see careersim.load_scenario)")
    return scenario


def is_integer_key(key: str) -> bool:
    """True if the dotted key names an integer parameter (sampled values are rounded)."""
    section, name = _split_key(key)
    field = next(f for f in dataclasses.fields(SECTIONS[section]) if f.name == name)
    return isinstance(field.default, int) and not isinstance(field.default, bool)


def apply_changes(scenario: Scenario, changes: Mapping[str, Any], *, whole: bool = False) -> Scenario:
    """``scenario.replace(changes)``, rounding values of integer parameters (e.g. a sampled 5.0);
    with ``whole``, a value of an integer parameter that is not a whole number is refused (a
    value a person gave: 2.5 years was run as 2, and reported as 2.5)."""
    fixed = {}
    for key, value in changes.items():
        if is_integer_key(key) and isinstance(value, (float, np.floating)) and np.isfinite(value):
            if whole and not float(value).is_integer():
                raise ScenarioError(f"{key} = {value!r}: a whole-number parameter; give whole numbers (e.g. {int(np.floor(value))} or {int(np.ceil(value))})")
            value = int(round(float(value)))
        elif isinstance(value, np.generic):
            value = value.item()
        fixed[key] = value
    return scenario.replace(fixed)


def age_to_year(scenario: Scenario, age: int | None) -> int:
    """The year (1-based) at whose end the person is ``age``; None: the horizon."""
    sim = scenario.simulation
    if age is None:
        return sim.horizon_years
    if not is_whole_number(age):
        raise ScenarioError(f"age = {age!r}: must be a whole number between {sim.start_age + 1} and {sim.start_age + sim.horizon_years} (or None: the horizon)")
    year = int(age) - sim.start_age
    if not 1 <= year <= sim.horizon_years:
        raise ScenarioError(f"age = {age!r}: must be between {sim.start_age + 1} and {sim.start_age + sim.horizon_years} for this scenario")
    return year


def net_worth_at(scenario: Scenario, changes: Mapping[str, Any], *, worlds: int, root: np.random.SeedSequence, careers: tuple[str, ...], age: int | None,
                 assumptions: str = "fixed") -> np.ndarray:
    """``(career, world)`` net worth at ``age`` (default: the horizon) of one parameter point."""
    s = apply_changes(scenario, changes)
    year = age_to_year(s, age)
    r = simulate(s, worlds=worlds, rng=root, careers=careers, assumptions=assumptions)
    return r.net_worth[:, :, year - 1]


def evaluate_points(
    fn: Callable[..., Any],
    points: Sequence[Mapping[str, Any]],
    *,
    client: Any = None,
    **kwargs: Any,
) -> list[Any]:
    """``[fn(scenario_changes=p, **kwargs) for p in points]``, here or on a Dask client.

    With a ``dask.distributed.Client`` every point is one task (``client.map``) and the
    results come back in point order. ``fn`` must be a pure function of its arguments,
    as every function passed here is (the seed travels inside ``kwargs``), so the results
    do not depend on where they were computed.
    """
    points = [dict(p) for p in points]
    if client is None:
        return [fn(p, **kwargs) for p in points]
    if not hasattr(client, "map") or not hasattr(client, "gather"):
        raise ScenarioError(f"client = {client!r}: must be a dask.distributed.Client (or None to run here)")
    futures = client.map(fn, points, pure=False, **kwargs)
    try:
        return client.gather(futures)
    finally:
        for f in futures:
            f.release()


def _sweep_point(changes: Mapping[str, Any], *, scenario: Scenario, worlds: int, root: np.random.SeedSequence, careers: tuple[str, ...], age: int | None, quantiles: tuple[float, ...],
                assumptions: str = "fixed") -> pd.DataFrame:
    """Tidy statistics of net worth at one grid point (runs on a worker)."""
    x = net_worth_at(scenario, changes, worlds=worlds, root=root, careers=careers, age=age, assumptions=assumptions)
    s = apply_changes(scenario, changes)
    year = age_to_year(s, age)
    mean, mean_se = mean_with_se(x, axis=1)
    q, q_se = quantiles_with_se(x, quantiles, axis=1)
    p_best, p_best_se = p_best_with_se(x)
    frames = [pd.DataFrame({"career": list(careers), "statistic": "mean", "value": mean, "se": mean_se})]
    for i, qq in enumerate(quantiles):
        frames.append(pd.DataFrame({"career": list(careers), "statistic": quantile_label(qq), "value": q[i], "se": q_se[i]}))
    frames.append(pd.DataFrame({"career": list(careers), "statistic": "p_best", "value": p_best, "se": p_best_se}))
    out = pd.concat(frames, ignore_index=True)
    out.insert(1, "age", s.simulation.start_age + year)
    for key, value in reversed(list(changes.items())):
        out.insert(0, key, value)
    return out


def grid_points(grid: Mapping[str, Iterable[Any]], scenario: Scenario) -> list[dict[str, Any]]:
    """The Cartesian product of the grid, in the order given (last key varies fastest)."""
    if not isinstance(grid, Mapping) or not grid:
        raise ScenarioError(f"grid = {grid!r}: must be a non-empty mapping from dotted key to a list of values, e.g. {{'phd.stipend_ta_usd': [40000, 50000]}}")
    keys, values = [], []
    for key, vals in grid.items():
        scenario.get(key)  # names the key in a ScenarioError if it is unknown
        vals = list(np.atleast_1d(vals)) if not isinstance(vals, (list, tuple)) else list(vals)
        if not vals:
            raise ScenarioError(f"grid[{key!r}] is empty: give at least one value")
        keys.append(key)
        values.append([v.item() if isinstance(v, np.generic) else v for v in vals])
    points = [dict(zip(keys, combo)) for combo in itertools.product(*values)]
    for p in points:  # validate every point before any simulation runs
        apply_changes(scenario, p, whole=True)
    return points


def check_keys_read(scenario: Scenario, keys: Iterable[str], careers: Sequence[str], what: str) -> None:
    """Refuse a key that none of ``careers`` reads (another kind's section, or a key every one
    of them overrides as its own offer): every point would give the same numbers."""
    for key, own in unread_keys(scenario, keys, careers).items():
        why = (f"every one of them sets its own ({', '.join(own)})" if own else
               f"it belongs to another kind's section than theirs ({', '.join(f'{c}: {scenario.path(c).kind}' for c in careers)})")
        raise ScenarioError(f"{what}[{key!r}]: no simulated path reads it, so every point would give the same numbers: {why}")


def sweep(
    scenario: Scenario | None,
    grid: Mapping[str, Iterable[Any]],
    *,
    worlds: int = 10_000,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    client: Any = None,
    careers: Iterable[str] | None = None,
    age: int | None = None,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    assumptions: str = "fixed",
) -> pd.DataFrame:
    """Simulate every point of a parameter grid in the same worlds; a tidy table of results.

    Parameters
    ----------
    scenario
        The base scenario (None: the bundled ``default``).
    grid
        ``{dotted key: values}``; every combination is simulated (Cartesian product, last
        key fastest). Integer parameters given as whole floats are rounded.
    worlds
        Worlds per grid point.
    rng
        Seed, normalised once: every grid point uses the same worlds (common random
        numbers), so differences between points are the parameter's effect alone.
    client
        A ``dask.distributed.Client``: one task per grid point on its cluster. None runs
        here. Results are identical either way for the same seed.
    careers
        Careers to simulate (default all four).
    age
        Age at which net worth is summarised (default: the horizon).
    quantiles
        Quantiles of net worth to report.
    assumptions
        ``"fixed"`` or ``"uncertain"`` (see :func:`careersim.simulate`): with ``"uncertain"`` every
        point draws the assumptions with a prior around its own values, from the same streams.

    Returns
    -------
    DataFrame
        One row per grid point x career x statistic: one column per grid key, then
        ``career, age, statistic, value, se``. Statistics: ``mean``, the quantiles
        (``p5``, ``p50``, ...) of net worth (real USD), and ``p_best``, the share of worlds
        in which the career has the highest net worth of the careers simulated. ``se`` is
        the Monte Carlo standard error of each.

    Examples
    --------
    >>> import careersim
    >>> from careersim._sweep import sweep
    >>> t = sweep(None, {"phd.stipend_ta_usd": [40_000, 50_000]}, worlds=500, rng=1, careers=["phd", "engineer"])
    >>> t.columns.tolist()
    ['phd.stipend_ta_usd', 'career', 'age', 'statistic', 'value', 'se']
    >>> len(t)  # 2 points x 2 careers x (mean, 5 quantiles, p_best)
    28
    """
    scenario = _default_scenario(scenario)
    careers_t = check_careers(careers, scenario.path_names())
    worlds = check_worlds(worlds)
    quantiles_t = check_quantiles(quantiles)
    points = grid_points(grid, scenario)
    check_keys_read(scenario, points[0].keys(), careers_t, "grid")
    for p in points:
        age_to_year(apply_changes(scenario, p), age)
    assumptions = check_assumptions(assumptions)
    root = root_seed_sequence(rng)
    frames = evaluate_points(_sweep_point, points, client=client, scenario=scenario, worlds=worlds, root=root, careers=careers_t, age=age, quantiles=quantiles_t,
                             assumptions=assumptions)
    return pd.concat(frames, ignore_index=True)

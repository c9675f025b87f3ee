"""Uncertain assumptions: each world draws its own value of every assumption that has a prior.

With ``assumptions="uncertain"`` a world is one draw of the market, the regime, the person
*and* the assumptions (docs/model.md section 8). Each assumption has a random stream of its
own, keyed by the run's seed, the block of worlds and the key's name, so

* every career in a world sees the same assumption draw (common random numbers hold);
* switching one key's prior on or off, or changing its spread, leaves every other stream,
  and so every other draw, unchanged; the other sources of randomness never move;
* the values a world sees do not depend on chunk size or worker count.

A draw is a symmetric triangular variate around the scenario's value on the prior's scale
(log-odds, log or the value itself; :class:`careersim._params.Prior`), clipped to the key's
allowed range. A prior of no width (``spread`` 1 for odds and ratio, 0 for shift) gives the
scenario's value exactly, so it reproduces the fixed run bit for bit.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import zlib
from collections.abc import Mapping, Sequence

import numpy as np

from ._draws import BLOCK_WORLDS, STREAMS
from ._params import ArgumentError, Prior, short_repr
from ._scenario import SECTIONS, Scenario

#: the values of ``assumptions=``: the scenario's values in every world, or one draw per world
ASSUMPTIONS = ("fixed", "uncertain")
#: the stream index of assumption draws, after the other sources of randomness
ASSUMPTION_STREAM = len(STREAMS)


def check_assumptions(value: str) -> str:
    """``assumptions`` as given, or an :class:`ArgumentError` naming what is allowed."""
    if not isinstance(value, str) or value not in ASSUMPTIONS:
        raise ArgumentError(f"assumptions = {short_repr(value)}: must be one of {', '.join(map(repr, ASSUMPTIONS))} ('uncertain' draws every assumption with a prior per world)")
    return value


def _key_id(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def uniforms(root: np.random.SeedSequence, block: int, key: str) -> np.ndarray:
    """A full block of standard uniforms for one assumption (float64)."""
    seq = np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (block, ASSUMPTION_STREAM, _key_id(key)))
    return np.random.Generator(np.random.PCG64(seq)).random(BLOCK_WORLDS)


def triangular_offsets(u: np.ndarray, half_width: float) -> np.ndarray:
    """Symmetric triangular variates on [-half_width, half_width] from uniforms (inverse CDF)."""
    x = np.where(u < 0.5, np.sqrt(2.0 * u) - 1.0, 1.0 - np.sqrt(2.0 * (1.0 - u)))
    return half_width * x


def prior_values(prior: Prior, value: float, u: np.ndarray, low: float | None, high: float | None) -> np.ndarray:
    """Values of one assumption for uniforms ``u``, around the scenario's ``value``."""
    if prior.half_width == 0.0:
        return np.full(u.shape, value)  # no width: the value itself, bit for bit
    offset = triangular_offsets(u, prior.half_width)
    if prior.kind == "odds":
        if not 0.0 < value < 1.0:  # a certainty has no odds to move
            return np.full(u.shape, value)
        x = 1.0 / (1.0 + np.exp(-(math.log(value / (1.0 - value)) + offset)))
    elif prior.kind == "ratio":
        x = value * np.exp(offset)
    else:
        x = value + offset
    lo = -np.inf if low is None else low
    hi = np.inf if high is None else high
    return np.clip(x, lo, hi)


def check_group_worlds(group_worlds: int) -> int:
    """Worlds sharing one assumption draw: a power of two from 1 to :data:`BLOCK_WORLDS`, so a
    group never straddles two blocks (and results stay independent of chunking)."""
    ok = isinstance(group_worlds, (int, np.integer)) and not isinstance(group_worlds, bool) and 1 <= group_worlds <= BLOCK_WORLDS
    if not ok or group_worlds & (group_worlds - 1):
        raise ArgumentError(f"group_worlds = {short_repr(group_worlds)}: must be a power of two from 1 to {BLOCK_WORLDS} (worlds sharing one draw of the assumptions)")
    return int(group_worlds)


def draw_assumptions(scenario: Scenario, root: np.random.SeedSequence, blocks: Sequence[tuple[int, int]], group_worlds: int = 1) -> dict[str, np.ndarray]:
    """Per-world values ``(world,)`` of every assumption with an active prior, for a chunk of
    ``(block index, worlds used)``; with ``group_worlds`` > 1 (a nested design) each run of
    that many worlds shares the draw of its first world."""
    out: dict[str, np.ndarray] = {}
    for key, prior in scenario.active_priors().items():
        section, name = key.split(".")
        f = next(f for f in dataclasses.fields(SECTIONS[section]) if f.name == name)
        value = float(scenario.get(key))
        parts = []
        for block, n in blocks:
            u = uniforms(root, block, key)
            u = u[:n] if group_worlds == 1 else u[(np.arange(n) // group_worlds) * group_worlds]
            parts.append(prior_values(prior, value, u, f.metadata.get("low"), f.metadata.get("high")))
        out[key] = np.concatenate(parts) if len(parts) > 1 else parts[0]
    # shares of one whole stay within it: the academic share is at most what industry leaves
    if "phd.academia_probability" in out:
        np.minimum(out["phd.academia_probability"], 1.0 - scenario.phd.industry_research_probability, out=out["phd.academia_probability"])
    return out


def scenario_with_values(scenario: Scenario, values: Mapping[str, np.ndarray]) -> Scenario:
    """A view of ``scenario`` whose uncertain keys hold ``(world,)`` arrays instead of numbers.

    The view bypasses validation (the values were drawn inside each key's allowed range) and is
    used only inside the engine, by code written to accept either a number or an array for
    these keys.
    """
    if not values:
        return scenario
    view = copy.copy(scenario)
    sections: dict[str, object] = {}
    for key, array in values.items():
        section, name = key.split(".")
        if section not in sections:
            sections[section] = copy.copy(getattr(scenario, section))
            object.__setattr__(view, section, sections[section])
        object.__setattr__(sections[section], name, array)
    return view

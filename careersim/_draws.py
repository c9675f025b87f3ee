"""Raw random draws, one independent stream per source of randomness and block of worlds.

Everything random is drawn here first, as parameter-free standard uniforms and normals
(STYLE.md rule 3); the kernels downstream turn them into events with the scenario's
parameters. Because no draw depends on a parameter (only on the horizon and the market
model), changing a parameter of one career cannot move any other career's draws, and
because streams are keyed by *block* (a fixed group of :data:`BLOCK_WORLDS` worlds), the
numbers a world sees do not depend on chunk size or worker count.

Arrays over time are time-major: ``(year, world)``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ._params import ArgumentError, short_repr

#: worlds per random-stream block; chunks are whole numbers of blocks
BLOCK_WORLDS = 2048

#: one stream per source of randomness; the index is part of each stream's key
STREAMS = ("market", "regime", "person", "layoffs", "employment", "phd", "residency", "independent")


def root_seed_sequence(rng: np.random.Generator | np.random.SeedSequence | int | None) -> np.random.SeedSequence:
    """Normalise ``rng`` into the root :class:`~numpy.random.SeedSequence` of a run.

    An int or None seeds a new sequence (None: fresh OS entropy, recorded in the
    result); a Generator contributes 128 bits drawn from it, so a seeded Generator
    gives a reproducible run.
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(rng.integers(0, 2**63, size=2, dtype=np.uint64).tolist())
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_))):
        if rng is not None and int(rng) < 0:
            raise ArgumentError(f"rng = {short_repr(rng)}: an integer seed must be >= 0")
        return np.random.SeedSequence(None if rng is None else int(rng))
    raise ArgumentError(f"rng = {short_repr(rng)}: must be an int >= 0, a numpy SeedSequence or Generator, or None")


def stream(root: np.random.SeedSequence, block: int, name: str) -> np.random.Generator:
    """The generator of one source of randomness for one block of worlds."""
    key = tuple(root.spawn_key) + (block, STREAMS.index(name))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(root.entropy, spawn_key=key)))


@dataclasses.dataclass(frozen=True)
class Draws:
    """All raw draws for one block of worlds (arrays over time are ``(year, world)``)."""

    # market: standard normals, plus gamma variates (Student-t) or uniforms (bootstrap), and
    # the bond shock (parametric models only)
    market_z_return: np.ndarray
    market_z_inflation: np.ndarray
    market_extra: np.ndarray
    market_z_bond: np.ndarray
    # regime chain uniforms
    regime_u: np.ndarray
    # the person: latent research ability and pay luck, standard normal per world
    ability_z: np.ndarray
    pay_z: np.ndarray
    # layoffs, shared by every employed state
    layoff_u: np.ndarray
    lab_closure_u: np.ndarray
    # the spell's length and the pay change after a layoff: uniforms, made normal only where a
    # layoff happens (careersim._special)
    spell_u: np.ndarray
    reemployment_u: np.ndarray
    # promotions, going back to school
    promotion_u: np.ndarray
    switch_u: np.ndarray
    # the PhD: one set per world
    phd_funding_u: np.ndarray
    phd_duration_z: np.ndarray
    phd_advisor_z: np.ndarray
    phd_attrition_u: np.ndarray
    phd_attrition_year_u: np.ndarray
    phd_tier_u: np.ndarray
    phd_pay_z: np.ndarray
    phd_breakthrough_u: np.ndarray
    # residency: one set per world
    residency_convert_u: np.ndarray
    residency_phd_u: np.ndarray
    # independent research: per year
    grant_renew_u: np.ndarray
    grant_gap_u: np.ndarray

    def take(self, n: int) -> Draws:
        """The first ``n`` worlds of the block."""
        return Draws(**{f.name: getattr(self, f.name)[..., :n] for f in dataclasses.fields(self)})


def draw_block(root: np.random.SeedSequence, block: int, *, horizon_years: int, market_model: str, student_t_df: float = 5.0) -> Draws:
    """Draw everything random for one full block of :data:`BLOCK_WORLDS` worlds.

    A full block is always drawn (and sliced later) so that world ``i`` of a block sees
    the same numbers whatever the number of worlds requested.
    """
    kw = dict(horizon_years=horizon_years, market_model=market_model, student_t_df=student_t_df)
    return Draws(**{k: v for name in STREAMS for k, v in draw_stream(root, block, name, **kw).items()})


def draw_stream(root: np.random.SeedSequence, block: int, name: str, *, horizon_years: int, market_model: str,
                student_t_df: float = 5.0) -> dict[str, np.ndarray]:
    """The draws of one source of randomness for one full block: a stream's draws depend on
    no other stream, so a block's streams can be drawn in any order or side by side."""
    T, B = horizon_years, BLOCK_WORLDS
    # Draws over (year, world) are single precision: half the memory and time, and 2**-24
    # resolution is far finer than any probability or spread they are compared with. The
    # market paths built from them are double (see careersim._market), so compounding
    # over decades adds no single-precision rounding.
    f32 = np.float32
    g = stream(root, block, name)
    if name == "market":
        z_ret = g.standard_normal((T, B), dtype=f32)
        z_inf = g.standard_normal((T, B), dtype=f32)
        if market_model == "student_t":
            # chi-square(df) / df via a gamma variate, for t = z / sqrt(chi2/df). A single-precision
            # gamma variate can be exactly 0 (numpy's float32 exponential returns 0 with
            # probability 2**-23 when df / 2 rounds to 1), and then t = z / 0 is +-inf: the
            # divisor is kept at least the smallest normal float32. Only exact zeros and
            # subnormals change, so every other draw is bit-identical.
            extra = g.standard_gamma(student_t_df / 2.0, size=(T, B), dtype=f32) * np.float32(2.0 / student_t_df)
            np.maximum(extra, np.finfo(f32).tiny, out=extra)
        elif market_model in ("bootstrap", "historical"):
            extra = g.random((T, B), dtype=f32)
        else:
            extra = np.empty((T, 0))
        # the bond shock of the parametric models, drawn after every other market draw so that
        # adding it left the stock and inflation draws of every world unchanged; history's
        # models take the bond return of the year they replay
        z_bond = g.standard_normal((T, B), dtype=f32) if market_model in ("lognormal", "student_t") else np.empty((T, 0), dtype=f32)
        return {"market_z_return": z_ret, "market_z_inflation": z_inf, "market_extra": extra, "market_z_bond": z_bond}
    if name == "regime":
        return {"regime_u": g.random((T + 1, B), dtype=f32)}
    if name == "person":
        ability = g.standard_normal(B)
        return {"ability_z": ability, "pay_z": g.standard_normal(B)}
    if name == "layoffs":
        # in the order drawn (a stream's draws follow one another); the spell and the pay
        # change are needed in a few percent of world-years, so they are uniforms (2 ns each
        # here, a normal 11) made normal where used (careersim._special)
        layoff = g.random((T, B), dtype=f32)
        closure = g.random((T, B), dtype=f32)
        spell = g.random((T, B), dtype=f32)
        return {"layoff_u": layoff, "lab_closure_u": closure, "spell_u": spell, "reemployment_u": g.random((T, B), dtype=f32)}
    if name == "employment":
        promotion = g.random((T, B), dtype=f32)
        return {"promotion_u": promotion, "switch_u": g.random((T, B), dtype=f32)}
    if name == "phd":
        names = ("phd_funding_u", "phd_duration_z", "phd_advisor_z", "phd_attrition_u", "phd_attrition_year_u", "phd_tier_u", "phd_pay_z", "phd_breakthrough_u")
        return {k: (g.standard_normal(B) if k.endswith("_z") else g.random(B)) for k in names}
    if name == "residency":
        convert = g.random(B)
        return {"residency_convert_u": convert, "residency_phd_u": g.random(B)}
    if name == "independent":
        renew = g.random((T, B), dtype=f32)
        return {"grant_renew_u": renew, "grant_gap_u": g.random((T, B), dtype=f32)}
    raise ValueError(f"unknown stream {name!r}")  # pragma: no cover

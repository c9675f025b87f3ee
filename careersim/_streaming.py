"""Summaries of millions of worlds without keeping their paths.

:func:`simulate_summary` runs the same engine as :func:`careersim.simulate` chunk by
chunk and keeps only small aggregates per block of worlds: mean and variance (merged
with Chan's parallel algorithm), a fine histogram for quantiles, and paired counts
and moments for every comparison of two careers. Partial aggregates are computed per fixed block and merged in
block order, so the summary is bit-identical whatever the chunk size or worker count,
and memory stays flat in the number of worlds.

Quantiles come from the histogram: bins are uniform in ``asinh(x / $10k)`` with width
0.002, so a quantile lies within 0.2% of its value (or $20 near zero) of the exact one,
and linear interpolation inside the bin brings it much closer in practice.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from ._draws import root_seed_sequence
from ._engine import DEFAULT_CHUNK_BLOCKS, block_sizes, check_request, resolve_workers, simulate_chunk
from ._results import _Z95, DEFAULT_QUANTILES, YearAxis, horizon_frame, summary_frame
from ._scenario import Scenario

HIST_SCALE_USD = 10_000.0
HIST_LO, HIST_HI, HIST_WIDTH = -9.0, 16.0, 0.002  # asinh units: about -$40M .. +$44B
N_BINS = int(round((HIST_HI - HIST_LO) / HIST_WIDTH))
#: blocks per task: a task runs cache-sized kernel calls and ships one histogram, so larger
#: tasks spread that fixed cost over more worlds while memory stays that of one kernel call
SUMMARY_CHUNK_BLOCKS = 32


def _bin_index(x: np.ndarray) -> np.ndarray:
    # single precision is ample: asinh values below 16 carry ~2e-6 error, bins are 2e-3 wide
    a = np.arcsinh((x * (1.0 / HIST_SCALE_USD)).astype(np.float32))
    k = np.floor((a - np.float32(HIST_LO)) * np.float32(1.0 / HIST_WIDTH))
    return np.clip(k, 0, N_BINS - 1).astype(np.int64)


def _bin_value(position: np.ndarray) -> np.ndarray:
    """Value at a fractional bin position (0 = lower edge of bin 0)."""
    return HIST_SCALE_USD * np.sinh(HIST_LO + position * HIST_WIDTH)


@dataclasses.dataclass
class _Moments:
    """Count, mean and sum of squared deviations; merged exactly in a fixed order."""

    n: int
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray, axis: int) -> _Moments:
        mean = x.mean(axis=axis)
        dev = x - np.expand_dims(mean, axis)
        return cls(n=x.shape[axis], mean=mean, m2=np.einsum("...i,...i->...", np.moveaxis(dev, axis, -1), np.moveaxis(dev, axis, -1)))

    def merge(self, other: _Moments) -> _Moments:
        if self.n == 0:
            return other
        n = self.n + other.n
        delta = other.mean - self.mean
        mean = self.mean + delta * (other.n / n)
        m2 = self.m2 + other.m2 + delta**2 * (self.n * other.n / n)
        return _Moments(n=n, mean=mean, m2=m2)

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(self.m2 / (self.n - 1) / self.n) if self.n > 1 else np.full_like(self.mean, np.nan)


def comparison_pairs(careers: Sequence[str], baseline: str = "engineer") -> list[tuple[str, str]]:
    """The paired comparisons reported for a run: every career against the baseline,
    then every other pair in career order."""
    others = [c for c in careers if c != baseline]
    pairs = [(a, baseline) for a in others] if baseline in careers else []
    return pairs + [(a, b) for i, a in enumerate(others) for b in others[i + 1 :]]


def _chunk_aggregates(out: dict[str, np.ndarray], sizes: Sequence[int], pairs: Sequence[tuple[int, int]]) -> dict:
    """Aggregates of one chunk's output (``(career, year, world)`` arrays).

    Float moments are kept per block (merged later in block order, so rounding does not
    depend on chunking); integer counts are summed over the chunk (exact in any order).
    """
    nw = out["net_worth"]
    C, T, _ = nw.shape
    idx = _bin_index(nw) + (np.arange(C * T) * N_BINS).reshape(C, T, 1)
    # int32 counts: a chunk holds far fewer than 2**31 worlds; a quarter of the bytes to ship
    hist = np.bincount(idx.ravel(), minlength=C * T * N_BINS).astype(np.int32).reshape(C, T, N_BINS)
    agg: dict = {"hist": hist, "moments": [], "diff": []}
    P = len(pairs)
    if P:
        diff = np.stack([nw[a] - nw[b] for a, b in pairs])  # (pair, year, world)
        agg["ahead"] = (diff > 0).sum(axis=2)
        agg["tie"] = (diff == 0).sum(axis=2)
        hidx = _bin_index(diff[:, -1]) + (np.arange(P) * N_BINS)[:, None]
        agg["diff_hist"] = np.bincount(hidx.ravel(), minlength=P * N_BINS).reshape(P, N_BINS)
    start = 0
    for n in sizes:
        agg["moments"].append(_Moments.of(nw[:, :, start : start + n], axis=2))
        if P:
            agg["diff"].append(_Moments.of(diff[:, :, start : start + n], axis=2))
        start += n
    return agg


def _summarize_chunk(args: tuple) -> dict:
    """One task: its blocks simulated a few at a time (cache-sized kernel calls), reduced
    into one set of aggregates, so that a task ships one histogram for many worlds."""
    scenario, careers, root, blocks, pairs = args
    total: dict | None = None
    for i in range(0, len(blocks), DEFAULT_CHUNK_BLOCKS):
        part = blocks[i : i + DEFAULT_CHUNK_BLOCKS]
        agg = _chunk_aggregates(simulate_chunk(scenario, careers, root, part), [n for _, n in part], pairs)
        if total is None:
            total = agg
            continue
        total["hist"] += agg["hist"]
        total["moments"] += agg["moments"]
        total["diff"] += agg["diff"]
        if pairs:
            total["ahead"] += agg["ahead"]
            total["tie"] += agg["tie"]
            total["diff_hist"] += agg["diff_hist"]
    return total


def _quantiles_from_histogram(histogram: np.ndarray, n: int, quantiles: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles (leading axis) of binned values with order-statistic standard errors."""
    cdf = np.cumsum(histogram, axis=-1)
    qs = np.asarray(quantiles, dtype=float)

    def at_rank(rank: np.ndarray) -> np.ndarray:
        # fractional position of the rank-th smallest value, linear within its bin
        out = np.empty((len(rank),) + cdf.shape[:-1])
        for i, r in enumerate(rank):
            k = np.argmax(cdf >= r, axis=-1)
            below = np.where(k > 0, np.take_along_axis(cdf, np.maximum(k - 1, 0)[..., None], axis=-1)[..., 0], 0)
            inside = np.take_along_axis(histogram, k[..., None], axis=-1)[..., 0]
            out[i] = k + (r - below) / np.maximum(inside, 1)
        return _bin_value(out)

    ranks = np.clip(qs * n, 1, n)
    half = _Z95 * np.sqrt(n * qs * (1 - qs))
    values = at_rank(ranks)
    lo = at_rank(np.clip(np.floor(ranks - half), 1, n))
    hi = at_rank(np.clip(np.ceil(ranks + half), 1, n))
    return values, (hi - lo) / (2 * _Z95)


@dataclasses.dataclass(frozen=True)
class SummaryResult(YearAxis):
    """Aggregates of a :func:`simulate_summary` run.

    Attributes
    ----------
    scenario, careers, worlds
        What was simulated.
    mean, mean_se
        ``(career, year)`` mean net worth and its standard error.
    histogram
        ``(career, year, bin)`` counts of net worth (bins uniform in asinh(x / $10k)).
    pairs
        The paired comparisons ``(a, b)`` (see :func:`comparison_pairs`).
    p_ahead, p_tie
        ``(pair, year)`` share of worlds where ``a``'s net worth is above / equal to ``b``'s.
    mean_difference, mean_difference_se
        ``(pair, year)`` paired mean difference ``a - b`` and its standard error.
    difference_histogram
        ``(pair, bin)`` counts of the paired difference at the horizon.
    """

    scenario: Scenario
    careers: tuple[str, ...]
    worlds: int
    mean: np.ndarray
    mean_se: np.ndarray
    histogram: np.ndarray
    pairs: tuple[tuple[str, str], ...]
    p_ahead: np.ndarray
    p_tie: np.ndarray
    mean_difference: np.ndarray
    mean_difference_se: np.ndarray
    difference_histogram: np.ndarray

    @property
    def horizon_years(self) -> int:  # type: ignore[override]
        return self.mean.shape[1]

    def quantiles(self, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> tuple[np.ndarray, np.ndarray]:
        """``(quantile, career, year)`` quantiles of net worth and their standard errors
        (order-statistic interval, read off the histogram)."""
        return _quantiles_from_histogram(self.histogram, self.worlds, quantiles)

    def median_difference_at_horizon(self) -> tuple[np.ndarray, np.ndarray]:
        """``(pair,)`` median paired difference at the horizon and its standard error."""
        v, se = _quantiles_from_histogram(self.difference_histogram, self.worlds, [0.5])
        return v[0], se[0]

    def summary(self, *, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
        """Tidy like :meth:`careersim.Result.summary` (net worth only)."""
        q, q_se = self.quantiles(quantiles)
        return summary_frame(self, self.careers, "net_worth", self.mean, self.mean_se, q, q_se, quantiles)

    def comparisons(self) -> pd.DataFrame:
        """Tidy per pair and year: P(a ahead), P(tie), mean difference, each with se."""
        frames = []
        n = self.worlds
        for i, (a, b) in enumerate(self.pairs):
            base = {"a": a, "b": b, "year": self.years, "age": self.ages}
            p, tie = self.p_ahead[i], self.p_tie[i]
            frames.append(pd.DataFrame({**base, "statistic": "p_a_ahead", "value": p, "se": np.sqrt(p * (1 - p) / n)}))
            frames.append(pd.DataFrame({**base, "statistic": "p_tie", "value": tie, "se": np.sqrt(tie * (1 - tie) / n)}))
            frames.append(pd.DataFrame({**base, "statistic": "mean_difference", "value": self.mean_difference[i], "se": self.mean_difference_se[i]}))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def horizon_table(self, *, baseline: str = "engineer") -> pd.DataFrame:
        """Like :meth:`careersim.Result.horizon_table` at the horizon."""
        q, _ = self.quantiles(DEFAULT_QUANTILES)
        p = None
        if baseline in self.careers:
            p = np.zeros(len(self.careers))  # the baseline against itself: never ahead
            for i, (a, b) in enumerate(self.pairs):
                if b == baseline:
                    p[self.careers.index(a)] = self.p_ahead[i, -1]
        return horizon_frame(self.careers, q[:, :, -1], self.mean[:, -1], self.mean_se[:, -1], baseline=baseline, p_ahead=p, worlds=self.worlds)


def simulate_summary(
    scenario: Scenario | None = None,
    *,
    worlds: int = 1_000_000,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    careers: Iterable[str] | None = None,
    workers: int | None = 1,
    chunk_blocks: int = SUMMARY_CHUNK_BLOCKS,
    progress: bool = False,
) -> SummaryResult:
    """Simulate many worlds and keep only summaries, in memory that does not grow with ``worlds``.

    The worlds are exactly those of :func:`careersim.simulate` with the same ``rng``.

    Parameters
    ----------
    scenario, worlds, rng, careers, workers, chunk_blocks, progress
        As for :func:`careersim.simulate`; results do not depend on ``workers`` or
        ``chunk_blocks``.

    Returns
    -------
    SummaryResult

    Examples
    --------
    >>> import careersim
    >>> s = careersim.simulate_summary(worlds=5_000, rng=1)
    >>> s.horizon_table().shape[0]
    4
    """
    scenario, careers_t, worlds, chunk_blocks = check_request(scenario, careers, worlds, chunk_blocks)
    root = root_seed_sequence(rng)
    pairs = comparison_pairs(careers_t)
    pair_index = [(careers_t.index(a), careers_t.index(b)) for a, b in pairs]
    blocks = list(enumerate(block_sizes(worlds)))
    tasks = [(scenario, careers_t, root, blocks[i : i + chunk_blocks], pair_index) for i in range(0, len(blocks), chunk_blocks)]
    n_workers = resolve_workers(workers)
    if n_workers > 1 and len(tasks) > 1:
        pool = ProcessPoolExecutor(max_workers=n_workers)
        results = pool.map(_summarize_chunk, tasks)
    else:
        pool = None
        results = map(_summarize_chunk, tasks)
    if progress:
        from tqdm.auto import tqdm

        results = tqdm(results, total=len(tasks), unit="chunk", delay=2.0, file=sys.stderr, desc="simulating")
    C, T, P = len(careers_t), scenario.simulation.horizon_years, len(pairs)
    moments = _Moments(0, np.zeros((C, T)), np.zeros((C, T)))
    diff = _Moments(0, np.zeros((P, T)), np.zeros((P, T)))
    hist = np.zeros((C, T, N_BINS), dtype=np.int64)
    diff_hist = np.zeros((P, N_BINS), dtype=np.int64)
    ahead = np.zeros((P, T), dtype=np.int64)
    tie = np.zeros((P, T), dtype=np.int64)
    try:
        for agg in results:
            hist += agg["hist"]
            for m in agg["moments"]:  # merged in block order: independent of chunking
                moments = moments.merge(m)
            if P:
                ahead += agg["ahead"]
                tie += agg["tie"]
                diff_hist += agg["diff_hist"]
                for m in agg["diff"]:
                    diff = diff.merge(m)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return SummaryResult(
        scenario=scenario,
        careers=careers_t,
        worlds=worlds,
        mean=moments.mean,
        mean_se=moments.se,
        histogram=hist,
        pairs=tuple(pairs),
        p_ahead=ahead / worlds,
        p_tie=tie / worlds,
        mean_difference=diff.mean,
        mean_difference_se=diff.se,
        difference_histogram=diff_hist,
    )

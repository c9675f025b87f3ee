"""Summaries of millions of worlds without keeping their paths.

:func:`simulate_summary` runs the same engine as :func:`careersim.simulate` chunk by
chunk and keeps only small aggregates per block of worlds: mean and variance (merged
with Chan's parallel algorithm), exact counts in fine bins for quantiles, and paired
counts and moments for every comparison of two careers. Partial aggregates are computed
per fixed block and merged in block order (moments) or added as integers (counts), so the
summary is bit-identical whatever the chunk size or worker count. One compiled pass over a
kernel call's output bins the values and takes each block's moments in the summation order
of the numpy calls an earlier version of this module made (``np.mean``: pairwise;
``np.einsum``: two-lane sums of squares, as numpy's x86-64 builds do them), so its numbers
are those, bit for bit.

Quantiles come from the bin counts. Bins cover every float64 with no range to fall out
of: :data:`SUB_BINS` = 512 per factor of two of ``1 + |x| / $1`` (the top 9 mantissa
bits of ``1 + |x|``), mirrored for negative values, so a bin holding ``x`` is at most
``(|x| + $1) / 512`` wide. Counts are kept only for the pages (512 bins, one factor of
two) that some world reaches, so memory depends on how many factors of two a cell's
values span, not on the number of worlds (more worlds reach at most a few more pages in
the tails): at most 2,050 pages per career-year (every double), about 15 for the default
scenario (a 9 MiB histogram at 200,000 worlds, against 16 MiB for the old fixed one).

Tolerance, for any scenario whose net worth is finite: a summary quantile ``q`` differs
from ``np.quantile(x, q)`` on the full paths of the same worlds (the same seed) by at
most ``(max(|x_(i)|, |x_(i+1)|) + $1) / 512``, where ``x_(i) <= x_(i+1)`` are the two
order statistics ``np.quantile`` interpolates between: each is located exactly by its
rank and read inside its own bin, then interpolated with the same weight. That is 0.2%
of the value (a fifth of a cent near zero) whenever the neighbouring order statistics are
close, as they are in the body of the distribution with many worlds. The same holds for
:meth:`SummaryResult.median_difference_at_horizon` against ``np.median`` of the paired
differences. A career-year with NaN net worth gets NaN quantiles, as ``np.quantile``
gives; infinities are counted in their own bins and read back as +-inf.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Sequence
from typing import Any
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from numba import njit, uint64

from ._draws import BLOCK_WORLDS, root_seed_sequence
from ._assumptions import check_assumptions
from ._engine import DEFAULT_CHUNK_BLOCKS, _thread_pool, check_progress, check_request, in_order, resolve_threads, resolve_workers, simulate_chunk
from ._results import _Z95, DEFAULT_QUANTILES, YearAxis, check_quantiles, horizon_frame, resolve_baseline, summary_frame
from ._params import ScenarioError
from ._scenario import Scenario

#: bins per factor of two of ``1 + |x| / $1``: the top 9 bits of the mantissa
_PAGE_BITS = 9
SUB_BINS = 2**_PAGE_BITS
_SHIFT = 52 - _PAGE_BITS  # float64 mantissa bits not kept
_KEY_ONE = int(np.array(1.0).view(np.int64)) >> _SHIFT  # key of 1 + |x| = 1, i.e. x = 0
#: bin key of +inf; larger keys hold NaN, -inf is at ``~KEY_INF``
KEY_INF = (int(np.array(np.inf).view(np.int64)) >> _SHIFT) - _KEY_ONE
#: a page is SUB_BINS consecutive keys (one factor of two); pages -1025 .. 1024 hold every double
PAGE_OFFSET = 1025
N_PAGES = 2 * PAGE_OFFSET
#: blocks per task: a task runs cache-sized kernel calls and ships one set of counts, so
#: larger tasks spread that fixed cost over more worlds while memory stays that of one kernel call
SUMMARY_CHUNK_BLOCKS = 32


def bin_key(x: np.ndarray) -> np.ndarray:
    """Bin of each value: an integer, non-decreasing in ``x``.

    Key ``k >= 0`` holds ``x >= 0`` with the top bits of ``1 + x`` equal to ``k``'s;
    ``~k`` (= ``-k - 1``) holds the mirror image ``-x``. See :func:`bin_lower_edge`.
    """
    u = np.abs(x)
    u += 1.0
    key = u.view(np.int64)
    key >>= _SHIFT
    key -= _KEY_ONE
    np.invert(key, out=key, where=x < 0)
    return key


def bin_lower_edge(key: np.ndarray) -> np.ndarray:
    """Lowest value of each bin key (``bin_lower_edge(key + 1)`` is its upper edge)."""
    key = np.asarray(key, dtype=np.int64)
    k = np.minimum(np.abs(key), KEY_INF)  # a negative key's lower edge mirrors -key's
    e = ((k + _KEY_ONE) << _SHIFT).view(np.float64) - 1.0
    return np.where(key >= 0, e, -e)


def _value_in_bin(key: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """Value at ``fraction`` (0..1) of the way through each bin."""
    lo, hi = bin_lower_edge(key), bin_lower_edge(key + 1)
    big = np.finfo(np.float64).max
    lo = np.where(np.isinf(lo) & np.isfinite(hi), -big, lo)  # the bins next to +-inf
    hi = np.where(np.isinf(hi) & np.isfinite(lo), big, hi)
    with np.errstate(invalid="ignore"):
        return np.where(lo == hi, lo, lo + fraction * (hi - lo))


# The compiled pass below replaces numpy calls one for one: the keys are bin_key's, and the
# sums follow numpy's own summation order (see _pairwise_sum, _sum_squared_deviations), so
# every number is what np.mean / np.einsum gave, bit for bit (einsum: as on x86-64, whose
# numpy builds take it two SSE lanes at a time without fused multiply-add). No recursion:
# numba's cache cannot hold recursive functions (numba#6061).
_JIT = dict(cache=True, nogil=True, error_model="numpy", boundscheck=False)
#: a cell's values spanning at most this many pages in one kernel call are counted in a
#: dense scratch array (no page lookup per value); wider ones page by page
_LOCAL_PAGES = 64


@njit(inline="always", **_JIT)
def _key(x: float) -> int:
    """:func:`bin_key` of one value, with the same operations."""
    k = (np.float64(abs(x) + 1.0).view(np.int64) >> _SHIFT) - _KEY_ONE
    return ~k if x < 0.0 else k


@njit(**_JIT)
def _new_page(pid: int, slot: np.ndarray, pages: np.ndarray, used: int) -> tuple[np.ndarray, int]:
    """Give page id ``pid`` the next row of ``pages`` (grown, copied, when full)."""
    if used == pages.shape[0]:
        grown = np.zeros((max(2 * used, 64), SUB_BINS), dtype=pages.dtype)
        for row in range(used):  # a loop: numba compiles a slice assignment several times slower
            for b in range(SUB_BINS):
                grown[row, b] = pages[row, b]
        pages = grown
    slot[pid] = used
    return pages, used + 1


@njit(**_JIT)
def _count_into(x: np.ndarray, page0: int, slot: np.ndarray, pages: np.ndarray, used: int,
                keys: np.ndarray, local: np.ndarray) -> tuple[np.ndarray, int]:
    """Add the bin counts of one cell's values ``x`` to ``pages``, a row per page.

    ``slot[page0 + page]`` is the row of page ``page`` of this cell (-1: none yet; a page
    first reached takes row ``used``, so only reached pages get one). ``keys`` (as long as
    ``x``) and ``local`` (``_LOCAL_PAGES * SUB_BINS`` zeros, left zero) are scratch. Returns
    ``pages`` (a larger copy when it ran out of rows) and the rows now used.
    """
    n = x.shape[0]
    if n == 0:
        return pages, used
    lo = hi = _key(x[0])
    for i in range(n):
        k = _key(x[i])
        keys[i] = k
        lo = min(lo, k)
        hi = max(hi, k)
    first = lo >> _PAGE_BITS
    span = (hi >> _PAGE_BITS) - first + 1
    if span * SUB_BINS > local.shape[0]:  # values over very many factors of two: page by page
        for i in range(n):
            k = keys[i]
            pid = page0 + (k >> _PAGE_BITS)
            if slot[pid] < 0:
                pages, used = _new_page(pid, slot, pages, used)
            pages[slot[pid], k & (SUB_BINS - 1)] += 1
        return pages, used
    # counted densely over the pages the cell spans, then added page by page: one page
    # lookup per page, not per value
    base = first << _PAGE_BITS
    for i in range(n):
        local[uint64(keys[i] - base)] += 1  # unsigned: no negative-index wraparound
    for j in range(span):
        bins = local[j * SUB_BINS : (j + 1) * SUB_BINS]
        pid = page0 + first + j
        if slot[pid] < 0:
            reached = 0
            for b in range(SUB_BINS):
                reached += bins[b]
            if reached == 0:  # a page between those the values reach: not kept
                continue
            pages, used = _new_page(pid, slot, pages, used)
        row = pages[slot[pid]]
        for b in range(SUB_BINS):
            row[b] += bins[b]
            bins[b] = 0
    return pages, used


# The loops below index slices from 0 in range() loops: numba then emits no negative-index
# wraparound per access, which otherwise costs more than the arithmetic.


@njit(**_JIT)
def _sum_of_8s(x: np.ndarray) -> float:
    """numpy's sum of at most 128 values: eight running sums, combined pairwise, then the
    remainder one by one (fewer than 8 values: one by one)."""
    n = x.shape[0]
    if n < 8:
        res = 0.0
        for i in range(n):
            res += x[i]
        return res
    r0, r1, r2, r3, r4, r5, r6, r7 = x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]
    whole = n - n % 8
    for i in range(8, whole, 8):
        r0 += x[i]
        r1 += x[i + 1]
        r2 += x[i + 2]
        r3 += x[i + 3]
        r4 += x[i + 4]
        r5 += x[i + 5]
        r6 += x[i + 6]
        r7 += x[i + 7]
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(whole, n):
        res += x[i]
    return res


@njit(**_JIT)
def _pairwise_sum(x: np.ndarray, stack: np.ndarray, sums: np.ndarray) -> float:
    """``x.sum()`` in numpy's order, so that means are bit-identical to ``np.mean``: above 128
    values, the sum of the first ``n // 2`` (rounded down to a multiple of 8) plus the sum of
    the rest, each the same way.

    The recursion runs on ``stack`` (``(128, 3)`` int scratch: start, length, halves done)
    and ``sums`` (128 float scratch), deep enough for any length.
    """
    if x.shape[0] <= 128:
        return _sum_of_8s(x)
    top, done = 0, 0  # frames on the stack; partial sums on ``sums``
    stack[0, 0], stack[0, 1], stack[0, 2] = 0, x.shape[0], 0
    while top >= 0:
        lo, n, halves = stack[top, 0], stack[top, 1], stack[top, 2]
        if halves == 2:  # both halves summed: their sum replaces them
            sums[done - 2] = sums[done - 2] + sums[done - 1]
            done -= 1
            top -= 1
            continue
        half = n // 2
        half -= half % 8
        part_lo, part_n = (lo, half) if halves == 0 else (lo + half, n - half)
        stack[top, 2] = halves + 1
        if part_n <= 128:
            sums[done] = _sum_of_8s(x[part_lo : part_lo + part_n])
            done += 1
        else:
            top += 1
            stack[top, 0], stack[top, 1], stack[top, 2] = part_lo, part_n, 0
    return sums[0]


@njit(**_JIT)
def _sum_squared_deviations(x: np.ndarray, mean: float) -> float:
    """``sum((x - mean)**2)`` in the order of numpy's float64 ``einsum`` dot product on x86-64
    (two SSE lanes, four products folded into each lane per step, no fused multiply-add,
    the lanes added last), so that m2 is bit-identical to that of ``np.einsum``."""
    n = x.shape[0]
    v0 = 0.0
    v1 = 0.0
    whole = n - n % 8
    for i in range(0, whole, 8):
        d0, d2, d4, d6 = x[i] - mean, x[i + 2] - mean, x[i + 4] - mean, x[i + 6] - mean
        d1, d3, d5, d7 = x[i + 1] - mean, x[i + 3] - mean, x[i + 5] - mean, x[i + 7] - mean
        v0 = d0 * d0 + (d2 * d2 + (d4 * d4 + (d6 * d6 + v0)))
        v1 = d1 * d1 + (d3 * d3 + (d5 * d5 + (d7 * d7 + v1)))
    for i in range(whole, n, 2):  # a lane past the end adds 0 * 0, which changes no sum of squares
        d0 = x[i] - mean
        v0 = d0 * d0 + v0
        if i + 1 < n:
            d1 = x[i + 1] - mean
            v1 = d1 * d1 + v1
    return v0 + v1


@njit(**_JIT)
def _sum_squared_deviations_2(x: np.ndarray, y: np.ndarray, mean_x: float, mean_y: float) -> tuple[float, float]:
    """:func:`_sum_squared_deviations` of two blocks of as many values side by side: the
    same operations per block, but four independent chains of additions instead of two, so
    the processor overlaps their latencies."""
    n = x.shape[0]
    a0 = a1 = b0 = b1 = 0.0
    whole = n - n % 8
    for i in range(0, whole, 8):
        d0, d2, d4, d6 = x[i] - mean_x, x[i + 2] - mean_x, x[i + 4] - mean_x, x[i + 6] - mean_x
        d1, d3, d5, d7 = x[i + 1] - mean_x, x[i + 3] - mean_x, x[i + 5] - mean_x, x[i + 7] - mean_x
        e0, e2, e4, e6 = y[i] - mean_y, y[i + 2] - mean_y, y[i + 4] - mean_y, y[i + 6] - mean_y
        e1, e3, e5, e7 = y[i + 1] - mean_y, y[i + 3] - mean_y, y[i + 5] - mean_y, y[i + 7] - mean_y
        a0 = d0 * d0 + (d2 * d2 + (d4 * d4 + (d6 * d6 + a0)))
        a1 = d1 * d1 + (d3 * d3 + (d5 * d5 + (d7 * d7 + a1)))
        b0 = e0 * e0 + (e2 * e2 + (e4 * e4 + (e6 * e6 + b0)))
        b1 = e1 * e1 + (e3 * e3 + (e5 * e5 + (e7 * e7 + b1)))
    for i in range(whole, n, 2):
        d0, e0 = x[i] - mean_x, y[i] - mean_y
        a0 = d0 * d0 + a0
        b0 = e0 * e0 + b0
        if i + 1 < n:
            d1, e1 = x[i + 1] - mean_x, y[i + 1] - mean_y
            a1 = d1 * d1 + a1
            b1 = e1 * e1 + b1
    return a0 + a1, b0 + b1


@njit(**_JIT)
def _block_moments(x: np.ndarray, sizes: np.ndarray, mean: np.ndarray, m2: np.ndarray,
                   stack: np.ndarray, sums: np.ndarray) -> None:
    """Mean and m2 of each block (``sizes`` consecutive values) of one cell's ``x``."""
    lo = 0
    for b in range(sizes.shape[0]):
        n = sizes[b]
        mean[b] = (0.0 + _pairwise_sum(x[lo : lo + n], stack, sums)) / n  # numpy's sum starts from 0.0 (-0.0 becomes 0.0)
        lo += n
    lo = 0
    b = 0
    while b < sizes.shape[0]:
        n = sizes[b]
        if b + 1 < sizes.shape[0] and sizes[b + 1] == n:  # two blocks of the same size: side by side
            m2[b], m2[b + 1] = _sum_squared_deviations_2(x[lo : lo + n], x[lo + n : lo + 2 * n], mean[b], mean[b + 1])
            lo += 2 * n
            b += 2
        else:
            m2[b] = _sum_squared_deviations(x[lo : lo + n], mean[b])
            lo += n
            b += 1


@njit(**_JIT)
def _reduce_chunk(nw, sizes, pair_a, pair_b, slot, pages, used, diff_slot, diff_pages, diff_used,
                  mean, m2, diff_mean, diff_m2, ahead, tie):
    """Every aggregate of one kernel call's ``(career, year, world)`` net worth, in one pass.

    Year by year, so the careers' rows of a year stay in cache while the pairs are
    differenced; bin counts and ``ahead`` / ``tie`` are added in place, moments written into
    ``(cell, year, block)`` arrays. Returns the (possibly grown) page arrays and their rows
    used.
    """
    C, T, W = nw.shape
    P = pair_a.shape[0]
    diff = np.empty(W)
    keys = np.empty(W, dtype=np.int64)
    local = np.zeros(_LOCAL_PAGES * SUB_BINS, dtype=np.int32)
    stack = np.empty((128, 3), dtype=np.int64)
    sums = np.empty(128)
    for t in range(T):
        for c in range(C):
            row = nw[c, t]
            pages, used = _count_into(row, (c * T + t) * N_PAGES + PAGE_OFFSET, slot, pages, used, keys, local)
            _block_moments(row, sizes, mean[c, t], m2[c, t], stack, sums)
        for p in range(P):
            a, b = nw[pair_a[p], t], nw[pair_b[p], t]
            up = 0
            level = 0
            for i in range(W):
                d = a[i] - b[i]
                diff[i] = d
                up += d > 0.0
                level += d == 0.0
            ahead[p, t] += up
            tie[p, t] += level
            _block_moments(diff, sizes, diff_mean[p, t], diff_m2[p, t], stack, sums)
            if t == T - 1:  # the difference's histogram is kept at the horizon only
                diff_pages, diff_used = _count_into(diff, p * N_PAGES + PAGE_OFFSET, diff_slot, diff_pages, diff_used, keys, local)
    return pages, used, diff_pages, diff_used


class _PageCounts:
    """Bin counts of many cells, added page by page (integers: exact in any order)."""

    def __init__(self, cells: int, dtype: type = np.int64) -> None:
        self.slot = np.full(cells * N_PAGES, -1, dtype=np.int64)
        self.pages = np.zeros((0, SUB_BINS), dtype=dtype)
        self.used = 0

    def count(self, cell: int, x: np.ndarray) -> None:
        """Count the values ``x`` of cell ``cell``."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        scratch = np.empty(len(x), dtype=np.int64), np.zeros(_LOCAL_PAGES * SUB_BINS, dtype=np.int32)
        self.pages, self.used = _count_into(x, cell * N_PAGES + PAGE_OFFSET, self.slot, self.pages, self.used, *scratch)

    def add(self, ids: np.ndarray, counts: np.ndarray) -> None:
        slots = self.slot[ids]
        new = slots < 0
        if new.any():
            k = int(new.sum())
            slots[new] = np.arange(self.used, self.used + k)
            self.slot[ids[new]] = slots[new]
            self.used += k
            if self.used > len(self.pages):
                grown = np.zeros((max(self.used, 2 * len(self.pages)), SUB_BINS), dtype=self.pages.dtype)
                grown[: len(self.pages)] = self.pages
                self.pages = grown
        if len(slots) and slots[-1] - slots[0] == len(slots) - 1 and (np.diff(slots) == 1).all():
            self.pages[slots[0] : slots[-1] + 1] += counts  # consecutive rows (the usual case): no gather and scatter
        else:
            self.pages[slots] += counts

    def sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """Page ids in order and their counts: the same whatever order they were added in."""
        ids = np.flatnonzero(self.slot >= 0)
        return ids, self.pages[self.slot[ids]]


def _page_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact bin counts of ``x`` ``(cell, world)`` on the pages its values reach.

    Returns
    -------
    ids, counts
        Sorted page ids ``cell * N_PAGES + page + PAGE_OFFSET`` and their ``(page, SUB_BINS)``
        counts (bin ``j`` of page ``p`` is key ``p * SUB_BINS + j``).
    """
    counts = _PageCounts(x.shape[0])
    for cell in range(x.shape[0]):
        counts.count(cell, x[cell])
    return counts.sorted()


@dataclasses.dataclass
class _Moments:
    """Count, mean and sum of squared deviations; merged exactly in a fixed order."""

    n: int
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray, axis: int) -> _Moments:
        """Moments along ``axis``: the definition :func:`_block_moments` computes, bit for bit."""
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


#: up to this many paths every pair is compared; beyond it only each path against the baseline,
#: so a summary's cost grows linearly with the number of paths, not with its square
ALL_PAIRS_UP_TO = 4


def comparison_pairs(careers: Sequence[str], baseline: str | None = "engineer") -> list[tuple[str, str]]:
    """The paired comparisons reported for a run: every path against the baseline, then (for
    at most :data:`ALL_PAIRS_UP_TO` paths) every other pair in path order."""
    if len(careers) > ALL_PAIRS_UP_TO and baseline not in careers:
        baseline = careers[0]
    others = [c for c in careers if c != baseline]
    pairs = [(a, baseline) for a in others] if baseline in careers else []
    if len(careers) > ALL_PAIRS_UP_TO:
        return pairs
    return pairs + [(a, b) for i, a in enumerate(others) for b in others[i + 1 :]]


def _chunk_aggregates(nw: np.ndarray, sizes: Sequence[int], pairs: Sequence[tuple[int, int]], hist: _PageCounts,
                      diff_hist: _PageCounts, ahead: np.ndarray, tie: np.ndarray) -> tuple[list[_Moments], list[_Moments]]:
    """Aggregates of one kernel call's ``(career, year, world)`` net worth.

    Integer counts (bins of net worth and of the pairs' differences at the horizon, pairs
    ahead and tied) are added in place to ``hist``, ``diff_hist``, ``ahead`` and ``tie``
    (exact in any order). Float moments are returned per block, of net worth and of the
    pairs' differences (merged later in block order, so rounding does not depend on
    chunking); each is bit-identical to ``_Moments.of`` on that block.
    """
    nw = np.ascontiguousarray(nw, dtype=np.float64)
    C, T, _ = nw.shape
    P, B = len(pairs), len(sizes)
    pair_a = np.array([a for a, _ in pairs], dtype=np.int64)
    pair_b = np.array([b for _, b in pairs], dtype=np.int64)
    # (cell, year, block): each cell's blocks written side by side by the compiled pass
    mean, m2 = np.empty((C, T, B)), np.empty((C, T, B))
    diff_mean, diff_m2 = np.empty((P, T, B)), np.empty((P, T, B))
    hist.pages, hist.used, diff_hist.pages, diff_hist.used = _reduce_chunk(
        nw, np.asarray(sizes, dtype=np.int64), pair_a, pair_b, hist.slot, hist.pages, hist.used,
        diff_hist.slot, diff_hist.pages, diff_hist.used, mean, m2, diff_mean, diff_m2, ahead, tie)

    def blocks(mean: np.ndarray, m2: np.ndarray) -> list[_Moments]:
        mean, m2 = np.moveaxis(mean, 2, 0).copy(), np.moveaxis(m2, 2, 0).copy()  # (block, cell, year)
        return [_Moments(n=int(n), mean=mean[i], m2=m2[i]) for i, n in enumerate(sizes)]

    return blocks(mean, m2), (blocks(diff_mean, diff_m2) if P else [])


def _block_list(first: int, stop: int, worlds: int) -> list[tuple[int, int]]:
    """``(block index, worlds used)`` of blocks ``first .. stop - 1`` of a run of ``worlds``
    (full blocks, then the remainder), without listing the others."""
    return [(b, min(BLOCK_WORLDS, worlds - b * BLOCK_WORLDS)) for b in range(first, stop)]


def _summarize_chunk(args: tuple) -> dict:
    """One task: its blocks simulated a few at a time (cache-sized kernel calls), reduced
    into one set of aggregates, so that a task ships one set of counts for many worlds."""
    scenario, careers, root, first, stop, worlds, pairs, assumptions, threads = args
    C, T, P = len(careers), scenario.simulation.horizon_years, len(pairs)
    # int32 counts: a task holds far fewer than 2**31 worlds; half the bytes to add into and to ship
    small = (stop - first) * BLOCK_WORLDS < 2**31
    hist, diff_hist = (_PageCounts(cells, np.int32 if small else np.int64) for cells in (C * T, P))
    total: dict = {"moments": [], "diff": [], "ahead": np.zeros((P, T), dtype=np.int64), "tie": np.zeros((P, T), dtype=np.int64)}
    for b in range(first, stop, DEFAULT_CHUNK_BLOCKS):
        part = _block_list(b, min(b + DEFAULT_CHUNK_BLOCKS, stop), worlds)
        out = simulate_chunk(scenario, careers, root, part, assumptions, 1, threads=threads)
        moments, diff = _chunk_aggregates(out["net_worth"], [n for _, n in part], pairs, hist, diff_hist, total["ahead"], total["tie"])
        total["moments"] += moments
        total["diff"] += diff
    total["hist"], total["diff_hist"] = hist.sorted(), diff_hist.sorted()
    return total


def _quantiles_from_pages(ids: np.ndarray, pages: np.ndarray, cells: int, n: int, quantiles: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """``(quantile, cell)`` quantiles of binned values with order-statistic standard errors.

    Each order statistic is found by its rank (exactly: the counts are exact) and read
    inside its bin; the quantile interpolates between the two order statistics that
    ``np.quantile`` (linear) uses, and the se uses the same order statistics as
    :func:`careersim._results.quantiles_with_se`.
    """
    cell = ids // N_PAGES
    first_key = (ids % N_PAGES - PAGE_OFFSET) * SUB_BINS
    cdf = np.cumsum(pages.ravel())  # every cell counts n worlds: cell c spans ranks c*n+1 .. (c+1)*n
    flat = pages.ravel()
    base = np.arange(cells, dtype=np.int64) * n
    has_nan = np.zeros(cells, dtype=bool)
    top = first_key == KEY_INF  # the page of +inf: its keys above +inf hold NaN
    has_nan[cell[top]] = pages[top, 1:].sum(axis=1) > 0

    def at_rank(rank: np.ndarray) -> np.ndarray:
        """Value of the rank-th smallest (1-based, integer ranks, ``(quantile,)``) per cell."""
        target = rank[:, None] + base  # (quantile, cell)
        pos = np.searchsorted(cdf, target, side="left")
        below = np.where(pos > 0, cdf[np.maximum(pos - 1, 0)], 0) - base
        below = np.maximum(below, 0)  # the previous cell's last count
        fraction = (target - base - below - 0.5) / flat[pos]
        key = first_key[pos // SUB_BINS] + pos % SUB_BINS
        return np.where(has_nan, np.nan, _value_in_bin(key, fraction))

    qs = np.asarray(quantiles, dtype=float)
    h = (n - 1) * qs
    i = np.floor(h).astype(np.int64)
    g = (h - i)[:, None]
    v0, v1 = at_rank(i + 1), at_rank(np.minimum(i + 2, n))
    with np.errstate(invalid="ignore"):
        values = np.where((g == 0) | (v0 == v1), v0, v0 + g * (v1 - v0))
    half = _Z95 * np.sqrt(n * qs * (1 - qs))
    lo = np.clip(np.floor(n * qs - half).astype(np.int64), 0, n - 1) + 1
    hi = np.clip(np.ceil(n * qs + half).astype(np.int64), 0, n - 1) + 1
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, as for the full paths
        return values, (at_rank(hi) - at_rank(lo)) / (2 * _Z95)


def _page_table(ids: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``(page, len(shape) + 1)`` cell indices and page number of each page id."""
    cell, page = np.divmod(ids, N_PAGES)
    return np.column_stack([*np.unravel_index(cell, shape), page - PAGE_OFFSET]).astype(np.int64)


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
        ``(page, SUB_BINS)`` exact counts of net worth, for the pages some world reaches
        (see the module docstring and :func:`bin_lower_edge`).
    histogram_pages
        ``(page, 3)`` which career (index), year (0-based index) and page each row of
        ``histogram`` counts, sorted; bin ``j`` of page ``p`` is the key ``p * SUB_BINS + j``,
        holding values from ``bin_lower_edge(key)`` to ``bin_lower_edge(key + 1)``.
    pairs
        The paired comparisons ``(a, b)`` (see :func:`comparison_pairs`).
    p_ahead, p_tie
        ``(pair, year)`` share of worlds where ``a``'s net worth is above / equal to ``b``'s.
    mean_difference, mean_difference_se
        ``(pair, year)`` paired mean difference ``a - b`` and its standard error.
    difference_histogram, difference_histogram_pages
        The same for the paired difference ``a - b`` at the horizon: ``(page, SUB_BINS)``
        counts and ``(page, 2)`` pair index and page.
    """

    scenario: Scenario
    careers: tuple[str, ...]
    worlds: int
    mean: np.ndarray
    mean_se: np.ndarray
    histogram: np.ndarray
    histogram_pages: np.ndarray
    pairs: tuple[tuple[str, str], ...]
    p_ahead: np.ndarray
    p_tie: np.ndarray
    mean_difference: np.ndarray
    mean_difference_se: np.ndarray
    difference_histogram: np.ndarray
    difference_histogram_pages: np.ndarray
    assumptions: str = "fixed"
    baseline: str | None = None

    @property
    def horizon_years(self) -> int:  # type: ignore[override]
        return self.mean.shape[1]

    def quantiles(self, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> tuple[np.ndarray, np.ndarray]:
        """``(quantile, career, year)`` quantiles of net worth and their standard errors
        (order-statistic interval), read off the counts; within the module docstring's
        tolerance of ``np.quantile`` on the full paths."""
        quantiles = check_quantiles(quantiles)
        C, T = self.mean.shape
        ids = np.ravel_multi_index((self.histogram_pages[:, 0], self.histogram_pages[:, 1]), (C, T)) * N_PAGES + self.histogram_pages[:, 2] + PAGE_OFFSET
        v, se = _quantiles_from_pages(ids, self.histogram, C * T, self.worlds, quantiles)
        return v.reshape(-1, C, T), se.reshape(-1, C, T)

    def median_difference_at_horizon(self) -> tuple[np.ndarray, np.ndarray]:
        """``(pair,)`` median paired difference at the horizon and its standard error."""
        pages = self.difference_histogram_pages
        ids = pages[:, 0] * N_PAGES + pages[:, 1] + PAGE_OFFSET
        v, se = _quantiles_from_pages(ids, self.difference_histogram, len(self.pairs), self.worlds, [0.5])
        return v[0], se[0]

    def summary(self, *, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
        """Tidy like :meth:`careersim.Result.summary` (net worth only)."""
        quantiles = check_quantiles(quantiles)
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

    def horizon_table(self, *, baseline: str | None = None) -> pd.DataFrame:
        """Like :meth:`careersim.Result.horizon_table` at the horizon."""
        baseline = resolve_baseline(self.scenario, self.careers, baseline if baseline is not None else self.baseline)
        q, _ = self.quantiles(DEFAULT_QUANTILES)
        p = None
        if baseline in self.careers:
            compared = {a for a, b in self.pairs if b == baseline} | {b for a, b in self.pairs if a == baseline}
            missing = [c for c in self.careers if c != baseline and c not in compared]
            if missing:  # beyond ALL_PAIRS_UP_TO paths only the run's baseline was compared with each
                raise ScenarioError(
                    f"baseline = {baseline!r}: this summary did not compare {', '.join(map(repr, missing))} with it "
                    f"(with more than {ALL_PAIRS_UP_TO} paths a summary compares each with its own baseline only, here {self.pairs[0][1] if self.pairs else None!r}); "
                    f"run simulate_summary(..., baseline={baseline!r}) to compare with {baseline!r}")
            p = np.zeros(len(self.careers))  # the baseline against itself: never ahead
            for i, (a, b) in enumerate(self.pairs):
                if b == baseline:
                    p[self.careers.index(a)] = self.p_ahead[i, -1]
                elif a == baseline:  # b ahead of the baseline: neither the baseline ahead nor a tie
                    p[self.careers.index(b)] = 1.0 - self.p_ahead[i, -1] - self.p_tie[i, -1]
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
    assumptions: str = "fixed",
    client: Any = None,
    baseline: str | None = None,
    threads: int | None = None,
) -> SummaryResult:
    """Simulate many worlds and keep only summaries, in memory that does not grow with ``worlds``.

    The worlds are exactly those of :func:`careersim.simulate` with the same ``rng``, and
    the quantiles are within the tolerance stated in :mod:`careersim._streaming` of
    ``np.quantile`` on their full paths, for any scenario.

    Parameters
    ----------
    scenario, worlds, rng, careers, workers, chunk_blocks, progress, assumptions
        As for :func:`careersim.simulate`; results do not depend on ``workers`` or
        ``chunk_blocks``.
    threads
        Threads in this process: tasks side by side (the draws, the compiled kernels and the
        reduction run without the GIL), or for a single task its paths side by side. None: one
        per CPU when ``workers`` is 1, there is no ``client`` and the call comes from the main
        thread, else 1. Results do not depend on it.
    baseline
        The path every other is paired with (default: the first engineer-kind path, else the
        first path).
    client
        Optional ``dask.distributed.Client``: every task of ``chunk_blocks`` blocks runs on
        the cluster (``workers`` is then ignored) and the results are merged here in task
        order, so the summary is bit-identical to the local run with the same ``rng``. A few
        tasks per worker thread are in flight at once; see docs/scale.md.

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
    progress = check_progress(progress)
    assumptions = check_assumptions(assumptions)
    root = root_seed_sequence(rng)
    # pairs against the baseline, then the rest; with no baseline named and no engineer-kind path
    # simulated, every pair in order (the tables still read P(ahead) of the first path from them)
    default = scenario.default_baseline()
    pairs = comparison_pairs(careers_t, baseline if baseline is not None else default)
    baseline = resolve_baseline(scenario, careers_t, baseline)
    pair_index = [(careers_t.index(a), careers_t.index(b)) for a, b in pairs]
    n_blocks = -(-worlds // BLOCK_WORLDS)
    n_tasks = -(-n_blocks // chunk_blocks)
    n_workers = resolve_workers(workers)  # checked even when a client runs the tasks
    n_threads = resolve_threads(threads, n_workers if client is None else 2)
    # a single task lives its paths on the threads; several tasks run side by side instead
    per_task = n_threads if n_tasks == 1 else 1
    # generated lazily: nothing grows with the number of worlds
    tasks = ((scenario, careers_t, root, b, min(b + chunk_blocks, n_blocks), worlds, pair_index, assumptions, per_task)
             for b in range(0, n_blocks, chunk_blocks))
    if client is not None:
        from ._distributed import check_client, ordered_on_client

        pool = None
        results = remote = ordered_on_client(check_client(client), _summarize_chunk, tasks)
    elif n_workers > 1 and n_tasks > 1:
        pool = ProcessPoolExecutor(max_workers=n_workers)
        results = in_order(pool, _summarize_chunk, tasks, ahead=2 * n_workers)
    elif n_threads > 1 and n_tasks > 1:
        pool = None  # this process's pool, kept for the next call
        results = in_order(_thread_pool(n_threads), _summarize_chunk, tasks, ahead=2 * n_threads)
    else:
        pool = None
        results = map(_summarize_chunk, tasks)
    if progress:
        from tqdm.auto import tqdm

        results = tqdm(results, total=n_tasks, unit="chunk", delay=2.0, file=sys.stderr, desc="simulating")
    C, T, P = len(careers_t), scenario.simulation.horizon_years, len(pairs)
    moments = _Moments(0, np.zeros((C, T)), np.zeros((C, T)))
    diff = _Moments(0, np.zeros((P, T)), np.zeros((P, T)))
    hist, diff_hist = _PageCounts(C * T), _PageCounts(P)
    ahead = np.zeros((P, T), dtype=np.int64)
    tie = np.zeros((P, T), dtype=np.int64)
    try:
        for agg in results:
            hist.add(*agg["hist"])
            for m in agg["moments"]:  # merged in block order: independent of chunking
                moments = moments.merge(m)
            if P:
                ahead += agg["ahead"]
                tie += agg["tie"]
                diff_hist.add(*agg["diff_hist"])
                for m in agg["diff"]:
                    diff = diff.merge(m)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if client is not None:
            remote.close()  # cancels the tasks still in flight after an error
    hist_ids, hist_counts = hist.sorted()
    diff_ids, diff_counts = diff_hist.sorted()
    return SummaryResult(
        scenario=scenario,
        careers=careers_t,
        worlds=worlds,
        mean=moments.mean,
        mean_se=moments.se,
        histogram=hist_counts,
        histogram_pages=_page_table(hist_ids, (C, T)),
        pairs=tuple(pairs),
        p_ahead=ahead / worlds,
        p_tie=tie / worlds,
        mean_difference=diff.mean,
        mean_difference_se=diff.se,
        difference_histogram=diff_counts,
        difference_histogram_pages=_page_table(diff_ids, (P,)),
        assumptions=assumptions,
        baseline=baseline,
    )

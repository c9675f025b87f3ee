"""The compiled summary reduction gives the numbers of the numpy code it replaced, bit for bit.

:func:`careersim._streaming._reduce_chunk` bins, counts and takes per-block moments in one
compiled pass; the references here are the numpy expressions the module used before
(``bin_key`` / ``np.bincount`` for the counts, ``np.mean`` and ``np.einsum`` for the
moments), so any change of summation order or binning shows up as a mismatch. The sums of
squares follow ``np.einsum`` as numpy's x86-64 builds compute it (two SSE lanes, no fused
multiply-add); elsewhere numpy may sum in another order, so they are compared on x86-64 only.
"""

from __future__ import annotations

import platform

import numpy as np
import pytest

import careersim
from careersim._draws import root_seed_sequence
from careersim._engine import simulate_chunk
from careersim._streaming import (
    N_PAGES,
    PAGE_OFFSET,
    SUB_BINS,
    _LOCAL_PAGES,
    _block_list,
    _block_moments,
    _chunk_aggregates,
    _Moments,
    _page_counts,
    _PageCounts,
    bin_key,
)


#: numpy's einsum sums two SSE lanes without fused multiply-add here (the order the kernel follows)
EINSUM_ORDER = platform.machine().lower() in ("x86_64", "amd64")


def bits(a: np.ndarray) -> np.ndarray:
    """Bit patterns, so -0.0 and 0.0 differ."""
    return np.ascontiguousarray(a, dtype=np.float64).view(np.int64)


def reference_page_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The numpy page counts the compiled pass replaced."""
    cells = x.shape[0]
    key = bin_key(x)
    page = np.right_shift(key, 9) + (np.arange(cells, dtype=np.int64) * N_PAGES + PAGE_OFFSET)[:, None]
    occupied = np.bincount(page.ravel(), minlength=cells * N_PAGES) > 0
    slot = np.cumsum(occupied) - 1
    fine = np.take(slot, page) * SUB_BINS + (key & (SUB_BINS - 1))
    ids = np.flatnonzero(occupied)
    return ids, np.bincount(fine.ravel(), minlength=len(ids) * SUB_BINS).reshape(len(ids), SUB_BINS)


def reference_aggregates(nw: np.ndarray, sizes: list[int], pairs: list[tuple[int, int]]) -> dict:
    """The numpy aggregates of one kernel call that the compiled pass replaced."""
    C, T, W = nw.shape
    agg: dict = {"hist": reference_page_counts(nw.reshape(C * T, W)), "moments": [], "diff": []}
    diff = np.stack([nw[a] - nw[b] for a, b in pairs])
    agg["ahead"] = (diff > 0).sum(axis=2)
    agg["tie"] = (diff == 0).sum(axis=2)
    agg["diff_hist"] = reference_page_counts(diff[:, -1])
    start = 0
    for n in sizes:
        agg["moments"].append(_Moments.of(nw[:, :, start : start + n], axis=2))
        agg["diff"].append(_Moments.of(diff[:, :, start : start + n], axis=2))
        start += n
    return agg


SIZES = [[1], [7], [8], [9], [128], [129], [130], [2047], [2048, 2048], [2048, 2048, 2048, 5], [2048, 1000], [300, 300, 17]]


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("kind", ["normal", "offset", "lognormal", "integers"])
def test_block_moments_are_those_of_mean_and_einsum(sizes, kind):
    rng = np.random.default_rng([len(sizes), sum(sizes), len(kind)])
    n = sum(sizes)
    x = {
        "normal": rng.standard_normal((6, n)) * 10 ** rng.uniform(-3, 7),
        "offset": rng.standard_normal((6, n)) * 1e3 + 1e6,
        "lognormal": np.exp(3 * rng.standard_normal((6, n))) * rng.choice([-1.0, 1.0], size=(6, n)),
        "integers": rng.integers(-5, 5, size=(6, n)).astype(float),
    }[kind]
    x[0] = -0.0  # numpy's sum of -0.0s is 0.0
    stack, sums = np.empty((128, 3), dtype=np.int64), np.empty(128)
    for row in x:
        mean, m2 = np.empty(len(sizes)), np.empty(len(sizes))
        _block_moments(row, np.array(sizes, dtype=np.int64), mean, m2, stack, sums)
        start = 0
        for b, size in enumerate(sizes):
            ref = _Moments.of(row[None, start : start + size], axis=1)
            assert bits(mean[b]) == bits(ref.mean[0]), (sizes, b)
            assert bits(m2[b]) == bits(ref.m2[0]) or not EINSUM_ORDER, (sizes, b)
            start += size


def test_page_counts_are_those_of_bin_key_and_bincount():
    rng = np.random.default_rng(5)
    tiny = np.finfo(float).tiny
    special = [np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, tiny / 4, -tiny / 4, tiny, np.finfo(float).max, -np.finfo(float).max, 1.0, -1.0]
    x = np.stack([
        rng.standard_normal(3000) * 1e6,
        np.exp(4 * rng.standard_normal(3000)) * rng.choice([-1.0, 1.0], 3000),
        np.resize(special, 3000),  # spans every page: counted page by page
        np.full(3000, 12345.0),  # one bin
        np.concatenate([np.full(1500, -3e4), np.full(1500, 7e5)]),  # empty pages between two that are reached
        10.0 ** rng.uniform(-5, np.log10(2) * (_LOCAL_PAGES - 2), 3000),  # pages 0 .. 61: inside the dense span
        10.0 ** rng.uniform(-5, np.log10(2) * (_LOCAL_PAGES + 2), 3000),  # pages 0 .. 65: counted page by page
    ])
    ids, pages = _page_counts(x)
    ref_ids, ref_pages = reference_page_counts(x)
    np.testing.assert_array_equal(ids, ref_ids)
    np.testing.assert_array_equal(pages, ref_pages)
    assert pages.dtype == ref_pages.dtype and pages.sum() == x.size


def test_counts_added_over_calls_are_those_of_one_call():
    rng = np.random.default_rng(6)
    x = np.exp(5 * rng.standard_normal((3, 4000))) * rng.choice([-1.0, 1.0], (3, 4000))
    counts = _PageCounts(3, np.int32)
    for part in np.array_split(np.arange(4000), 5):
        for cell in range(3):
            counts.count(cell, x[cell, part])
    ids, pages = counts.sorted()
    ref_ids, ref_pages = reference_page_counts(x)
    np.testing.assert_array_equal(ids, ref_ids)
    np.testing.assert_array_equal(pages, ref_pages)


@pytest.mark.parametrize("scenario, worlds", [("default", 3 * 2048 + 517), ("offers", 2 * 2048)])
def test_chunk_aggregates_are_those_of_the_numpy_reduction(scenario, worlds):
    s = careersim.load_scenario(scenario)
    careers = s.path_names()
    blocks = _block_list(0, -(-worlds // 2048), worlds)
    nw = simulate_chunk(s, careers, root_seed_sequence(11), blocks)["net_worth"]
    C, T, _ = nw.shape
    pairs = [(a, b) for a in range(C) for b in range(C) if a != b][:6]
    sizes = [n for _, n in blocks]
    hist, diff_hist = _PageCounts(C * T), _PageCounts(len(pairs))
    ahead, tie = np.zeros((len(pairs), T), dtype=np.int64), np.zeros((len(pairs), T), dtype=np.int64)
    moments, diff = _chunk_aggregates(nw, sizes, pairs, hist, diff_hist, ahead, tie)
    ref = reference_aggregates(nw, sizes, pairs)
    for name, counts in (("hist", hist), ("diff_hist", diff_hist)):
        for got, want in zip(counts.sorted(), ref[name]):
            np.testing.assert_array_equal(got, want, err_msg=name)
    np.testing.assert_array_equal(ahead, ref["ahead"])
    np.testing.assert_array_equal(tie, ref["tie"])
    for got, want in zip(moments + diff, ref["moments"] + ref["diff"]):
        assert got.n == want.n
        np.testing.assert_array_equal(bits(got.mean), bits(want.mean))
        if EINSUM_ORDER:
            np.testing.assert_array_equal(bits(got.m2), bits(want.m2))


def test_summary_identical_across_workers_and_chunks():
    s = careersim.load_scenario("offers")
    a = careersim.simulate_summary(s, worlds=5_000, rng=8, workers=1, chunk_blocks=32, assumptions="uncertain")
    b = careersim.simulate_summary(s, worlds=5_000, rng=8, workers=2, chunk_blocks=1, assumptions="uncertain")
    for name in ("mean", "mean_se", "histogram", "histogram_pages", "p_ahead", "p_tie", "mean_difference",
                 "mean_difference_se", "difference_histogram", "difference_histogram_pages"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x.view(np.int64) if x.dtype == float else x,
                                                     y.view(np.int64) if y.dtype == float else y), name

"""careersim benchmarks (issue 7): one JSON line per target on stdout.

Timings on a shared machine are noisy, so each target is stated as a ratio or a limit
measured in one run, never as a timed test:

1. ``draw_equivalents_per_career_year``: seconds per simulated career-year at 1,000,000
   worlds, divided by seconds per numpy standard-normal draw timed in the same run.
2. ``slider_update_ms``: median time of the explorer's own callback (recompute + redraw)
   at its default number of worlds.
3. ``scale_10m``: 10,000,000 worlds x 4 careers x 40 years in constant memory (peak RSS
   of every process) and a summary identical across chunk sizes.
4. ``parallel_speedup``: throughput with 2 worker processes over 1, with identical results.

Usage: ``python benchmarks/run.py [--quick]`` (``make bench``); --quick shrinks the sizes
for a smoke test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np

import careersim
from careersim._draws import root_seed_sequence
from careersim._engine import DEFAULT_CHUNK_BLOCKS, block_sizes, simulate_chunk


def emit(**record) -> None:
    print(json.dumps(record), flush=True)


def normal_draw_seconds(n: int = 4_000_000, repeats: int = 5) -> float:
    """Best-of-``repeats`` seconds per numpy standard-normal draw (float64)."""
    g = np.random.default_rng(0)
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        g.standard_normal(n)
        best = min(best, time.perf_counter() - t)
    return best / n


def bench_draw_equivalents(worlds: int) -> None:
    """Engine cost per career-year, in standard-normal draws timed alongside."""
    s = careersim.load_scenario("default")
    root = root_seed_sequence(1)
    blocks = list(enumerate(block_sizes(worlds)))
    chunks = [blocks[i : i + DEFAULT_CHUNK_BLOCKS] for i in range(0, len(blocks), DEFAULT_CHUNK_BLOCKS)]
    simulate_chunk(s, careersim.CAREERS, root, chunks[0])  # warm-up
    per_chunk, draw = [], []
    for chunk in chunks:
        draw.append(normal_draw_seconds(1_000_000, repeats=1))  # interleaved: same load as the chunk
        t = time.perf_counter()
        simulate_chunk(s, careersim.CAREERS, root, chunk)
        per_chunk.append((time.perf_counter() - t) / (sum(n for _, n in chunk) * len(careersim.CAREERS) * s.simulation.horizon_years))
    ratio = statistics.median(per_chunk) / statistics.median(draw)
    total = sum(per_chunk[i] * sum(n for _, n in c) for i, c in enumerate(chunks)) * len(careersim.CAREERS) * s.simulation.horizon_years
    emit(target="draw_equivalents_per_career_year", worlds=worlds, value=round(ratio, 2), goal="<= 8", met=ratio <= 8,
         ns_per_career_year=round(1e9 * statistics.median(per_chunk), 1), ns_per_normal_draw=round(1e9 * statistics.median(draw), 2),
         engine_seconds=round(total, 1))


def bench_slider(repeats: int) -> None:
    """The explorer's callback at its default world count, as a slider change triggers it."""
    import matplotlib

    matplotlib.use("Agg")
    from careersim.widgets import DEFAULT_WORLDS, Explorer

    ex = Explorer(worlds=DEFAULT_WORLDS)
    ex.update()
    ex.render()
    stipend = ex.controls["stipend_usd"]
    values = [stipend.value + 1_000 * (i % 2 + 1) for i in range(repeats)]
    total, sim = [], []
    for v in values:
        t = time.perf_counter()
        ex.recompute(stipend_usd=v)
        ex.render()
        total.append(1e3 * (time.perf_counter() - t))
        sim.append(ex.timings["simulate"])
    med = statistics.median(total)
    emit(target="slider_update_ms", worlds=DEFAULT_WORLDS, value=round(med, 1), goal="<= 150", met=med <= 150,
         simulate_ms=round(statistics.median(sim), 1), repeats=repeats)


def peak_rss_mib() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(me, kids) / 1024  # ru_maxrss is in KiB on Linux


def bench_scale(worlds: int, check_worlds: int) -> None:
    """Constant memory at 10M worlds; identical summary across chunk sizes."""
    s = careersim.load_scenario("default")
    a = careersim.simulate_summary(s, worlds=check_worlds, rng=5, chunk_blocks=1)
    b = careersim.simulate_summary(s, worlds=check_worlds, rng=5, chunk_blocks=DEFAULT_CHUNK_BLOCKS, workers=2)
    identical = all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True) for k in ("mean", "mean_se", "histogram", "p_ahead", "mean_difference"))
    t = time.perf_counter()
    big = careersim.simulate_summary(s, worlds=worlds, rng=6, workers=2)
    seconds = time.perf_counter() - t
    peak = peak_rss_mib()
    emit(target="scale_10m", worlds=worlds, seconds=round(seconds, 1), peak_rss_mib=round(peak), goal="peak < 2048 MiB, summary identical across chunk sizes",
         met=peak < 2048 and identical, identical_across_chunk_sizes=identical, checked_at_worlds=check_worlds,
         median_engineer_at_horizon=round(float(big.horizon_table().loc["engineer", "p50"])))


def bench_parallel(worlds: int) -> None:
    """Throughput with 2 worker processes against 1, same worlds, same summary."""
    s = careersim.load_scenario("default")
    careersim.simulate_summary(s, worlds=16_384, rng=7, workers=2)  # start-up paid once
    t1 = t2 = np.inf
    for _ in range(2):  # best of two, alternating, against the shared machine's noise
        t = time.perf_counter()
        one = careersim.simulate_summary(s, worlds=worlds, rng=7, workers=1)
        t1 = min(t1, time.perf_counter() - t)
        t = time.perf_counter()
        two = careersim.simulate_summary(s, worlds=worlds, rng=7, workers=2)
        t2 = min(t2, time.perf_counter() - t)
    identical = all(np.array_equal(getattr(one, k), getattr(two, k), equal_nan=True) for k in ("mean", "mean_se", "histogram", "p_ahead", "mean_difference"))
    speedup = t1 / t2
    emit(target="parallel_speedup", worlds=worlds, value=round(speedup, 2), goal=">= 1.7 with identical results", met=speedup >= 1.7 and identical,
         seconds_1_worker=round(t1, 1), seconds_2_workers=round(t2, 1), identical=identical, cpus=os.cpu_count())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test of the script, not a measurement")
    parser.add_argument("--only", choices=["draws", "slider", "scale", "parallel"], action="append", help="run only these targets")
    args = parser.parse_args(argv)
    only = set(args.only or ["draws", "slider", "scale", "parallel"])
    q = args.quick
    if "draws" in only:
        bench_draw_equivalents(50_000 if q else 1_000_000)
    if "slider" in only:
        bench_slider(3 if q else 15)
    if "parallel" in only:
        bench_parallel(65_536 if q else 1_048_576)  # whole tasks: equal work per worker
    if "scale" in only:
        bench_scale(100_000 if q else 10_000_000, 20_000 if q else 200_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""careersim benchmarks (issue 17): what users call, as ratios measured in one run.

One JSON line per measurement on stdout. Every line has ``target`` and ``times`` (exactly what
the clock covered), the median and the spread (min, max) over ``runs`` repeats, and where it
applies a ``goal`` and whether it was ``met``. Timings on a shared machine are noisy, so
nothing here is a timed test; the units are ratios to work timed in the same run:

``normal_draws``
    ns per standard-normal draw of ``np.random.default_rng`` (PCG64), float64 and float32,
    8,000,000 at a time. The engine draws float32, so both are given.
``minimal_numpy_model``
    ns per world-year of the smallest honest Monte Carlo of wealth, written below
    (:func:`minimal_model`): one float64 normal pay shock per world-year, log pay a random
    walk, wealth compounding at a fixed real return plus a fixed share of pay saved;
    time-major numpy. What a person would write in ten lines, as the floor to compare with.
``simulate_summary_per_career_year``
    ``careersim.simulate_summary(default scenario, worlds=1,000,000, workers=1)`` end to end
    (the call, all four careers, 40 years, the summary), in ns per career-year, and as
    ratios to the float64 and float32 draws and to the minimal model.
``simulate_per_career_year``
    ``careersim.simulate`` the same way, with every path kept (net worth, income, status,
    after-tax income and consumption): as many worlds as fit in memory, 1,000,000 here.
``memory_first_touch``
    a fresh process writing as many new bytes as that ``simulate`` call keeps, once, with
    numpy's 2 MiB pages and with 4 KiB pages: the cost of new memory itself (page faults, and
    on this VM the host backing each new page), which any engine keeping those paths pays;
    per career-year of that run. The 2 MiB figure is the best case.
``fixed_cost_ms``
    one call with 1 world (``simulate`` and ``simulate_summary``).
``slider_update_ms``
    ``simulate(scenario', worlds=5,000, rng=seed, reuse=previous)``, the explorer's
    recompute, for a one-career parameter (PhD stipend), a shared parameter (consumption's
    elasticity to income: every career) and a seed change (nothing reusable).
``explorer_update_ms``
    the explorer's whole update in Python at 5,000 worlds (``Explorer.recompute``: the
    simulation, statistics, artists, the frame drawn and PNG-encoded as it is sent to a
    page, the table and the link) for the engineer's offer, the stock return (every career)
    and a new seed; twice: in a child process with the malloc settings of ``careersim
    app``'s kernels (``careersim._app.KERNEL_MALLOC_ENV``), then in this process with glibc's
    defaults (a script, or one's own Jupyter). The browser's part is in ``benchmarks/browser.py``.
``parallel_speedup``
    ``simulate_summary`` of the same 1,048,576 worlds with 2 worker processes against 1
    (each call starts its pool), alternating, identical results checked.
``sensitivity_sobol_seconds``
    the sensitivity notebook's own ``sensitivity.sobol(...)`` call, read from
    notebooks/sensitivity.ipynb (Saltelli design, every core), end to end, with its widest
    95% half-width of a total index; issue 17's goal is <= 60 s with every half-width <= 0.05.
``dask_local_cluster``
    ``simulate_summary(client=...)`` on a 2-worker ``LocalCluster`` (processes): throughput
    and peak memory of each worker; results identical to the local run checked at a
    smaller size.

Peak memory is sampled every 20 ms over this process and all its descendants (psutil),
summed, during each measurement.

Usage: ``python benchmarks/run.py [--quick] [--only NAME ...] [--runs N] [--dask-worlds N]``
(``make bench``, about 12 minutes on 2 cores); --quick is a smoke test of the script.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

import numpy as np
import psutil

import careersim

CAREER_COUNT = len(careersim.CAREERS)


def emit(**record) -> None:
    """One JSON line; the load average says how busy the shared machine was."""
    record["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(record), flush=True)


def spread(values: list[float], digits: int = 2) -> dict:
    """Median, min and max, rounded."""
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits), "max": round(max(values), digits)}


class TreeMemory(contextlib.AbstractContextManager):
    """Peak of the summed RSS of this process and all its descendants, sampled every 20 ms."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def _sample(self) -> int:
        me = psutil.Process()
        total = 0
        for p in [me, *me.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())

    @property
    def mib(self) -> int:
        return round(self.peak / 2**20)


# -- the floors: normal draws and a minimal numpy model -------------------------------------------

def draw_ns(dtype, n: int = 4_000_000, repeats: int = 3) -> float:
    """ns per standard-normal draw of the library's generator (PCG64) in ``dtype``: best of
    ``repeats`` fills of a buffer allocated and touched beforehand (a fresh 32 MB array's page
    faults would otherwise be timed too, doubling or tripling the figure)."""
    g = np.random.default_rng(0)
    out = np.zeros(n, dtype=dtype)
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        g.standard_normal(out=out, dtype=dtype)
        best = min(best, time.perf_counter() - t)
    return 1e9 * best / n


def minimal_model(worlds: int, years: int = 40, *, rng: int = 0) -> np.ndarray:
    """The floor: wealth with one pay shock, ``(world,)`` wealth after ``years``.

    log pay is a random walk with one float64 normal shock per world-year (drift 2%, sd 10%);
    each year wealth earns a fixed 5% real return and 15% of pay is saved. Time-major, in
    chunks of 8,192 worlds (like the engine), no Python loop over worlds.
    """
    g = np.random.default_rng(rng)
    out = np.empty(worlds)
    for start in range(0, worlds, 8192):
        n = min(8192, worlds - start)
        z = g.standard_normal((years, n))
        z *= 0.10
        z += 0.02
        np.cumsum(z, axis=0, out=z)
        pay = np.exp(z, out=z)
        pay *= 150_000.0 * 0.15
        w = np.zeros(n)
        for t in range(years):
            w *= 1.05
            w += pay[t]
        out[start : start + n] = w
    return out


def minimal_ns(worlds: int) -> float:
    t = time.perf_counter()
    minimal_model(worlds)
    return 1e9 * (time.perf_counter() - t) / (worlds * 40)


def retime(floor: dict) -> None:
    """The floors timed again right after an engine run: the same load as the run saw."""
    floor["f64"].append(draw_ns(np.float64))
    floor["f32"].append(draw_ns(np.float32))
    floor["minimal"].append(minimal_ns(floor["minimal_worlds"]))


def floors(runs: int, worlds: int) -> dict[str, list[float]]:
    draw_ns(np.float64, 100_000), draw_ns(np.float32, 100_000), minimal_model(10_000)  # warm
    f = {"f64": [], "f32": [], "minimal": [], "minimal_worlds": worlds}
    for _ in range(runs):
        f["f64"].append(draw_ns(np.float64))
        f["f32"].append(draw_ns(np.float32))
        f["minimal"].append(minimal_ns(worlds))
    return f


# -- the public API -------------------------------------------------------------------------------

def _identical(a, b) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True) for k in ("mean", "mean_se", "histogram", "p_ahead", "mean_difference"))


def bench_summary_and_parallel(scenario, worlds: int, runs: int, floor: dict) -> None:
    """simulate_summary with 1 and 2 workers, alternating, same worlds; the floors re-timed beside each run."""
    careersim.simulate_summary(scenario, worlds=2048, rng=7, workers=1)  # compile/load the kernels
    years = worlds * CAREER_COUNT * scenario.simulation.horizon_years
    t1, t2, tt, mem1, mem2, memt, same = [], [], [], [], [], [], True
    for _ in range(runs):
        # one process on one thread (the cost per core), two worker processes, and the
        # default (one process, a thread per CPU)
        for kw, times, mems in (({"workers": 1, "threads": 1}, t1, mem1), ({"workers": 2}, t2, mem2), ({}, tt, memt)):
            with TreeMemory() as m:
                t = time.perf_counter()
                r = careersim.simulate_summary(scenario, worlds=worlds, rng=7, **kw)
                times.append(time.perf_counter() - t)
            mems.append(m.mib)
            if kw.get("threads") == 1:
                one = r
            else:
                same = same and _identical(one, r)
        retime(floor)
    ns = [1e9 * t / years for t in t1]
    f64, f32, mini = (statistics.median(floor[k]) for k in ("f64", "f32", "minimal"))
    r64 = [x / f64 for x in ns]
    emit(target="simulate_summary_per_career_year", times=f"careersim.simulate_summary(default, worlds={worlds:,}, rng=7, workers=1, threads=1), whole call",
         worlds=worlds, runs=runs, ns_per_career_year=spread(ns, 1), seconds=spread(t1, 1),
         float64_draw_equivalents=spread(r64), float32_draw_equivalents=spread([x / f32 for x in ns]),
         ratio_to_minimal_model=spread([x / mini for x in ns]),
         goal="<= 5 float64 draws and <= 1.6x the minimal model", met=statistics.median(r64) <= 5 and statistics.median(ns) / mini <= 1.6,
         peak_tree_mib=max(mem1))
    speed = [a / b for a, b in zip(t1, t2)]
    emit(target="parallel_speedup", times=f"simulate_summary(worlds={worlds:,}) with workers=1, threads=1 vs workers=2 (process pool started in each call), alternating",
         worlds=worlds, runs=runs, value=spread(speed), seconds_1_worker=spread(t1, 1), seconds_2_workers=spread(t2, 1), identical=same,
         goal=">= 1.8 with identical results", met=statistics.median(speed) >= 1.8 and same, peak_tree_mib_2_workers=max(mem2), cpus=os.cpu_count())
    emit(target="summary_threads_speedup", times=f"simulate_summary(worlds={worlds:,}) with threads=1 vs the default (one process, one thread per CPU, tasks side by side), alternating",
         worlds=worlds, runs=runs, value=spread([a / b for a, b in zip(t1, tt)]), seconds_default_threads=spread(tt, 1), identical=same,
         peak_tree_mib_default_threads=max(memt), cpus=os.cpu_count())


def bench_simulate(scenario, worlds: int, runs: int, floor: dict) -> None:
    """simulate with every path kept, as many worlds as fit (this machine: all of them)."""
    from careersim._engine import PATH_BYTES_PER_CAREER_YEAR, available_memory_bytes, path_memory_bytes

    T = scenario.simulation.horizon_years
    fit = int(0.4 * available_memory_bytes() // path_memory_bytes(1, CAREER_COUNT, T))
    n = min(worlds, fit)
    careersim.simulate(scenario, worlds=2048, rng=7)
    secs, mems, threaded, touch, touch_4k = [], [], [], [], []
    career_years = n * CAREER_COUNT * T
    kept_bytes = career_years * PATH_BYTES_PER_CAREER_YEAR  # the paths the call keeps
    for _ in range(runs):
        # one thread: the cost per core, comparable with the draws; then the default (the
        # paths side by side on one thread per CPU), the wall time a user waits
        for threads, times in ((1, secs), (None, threaded)):
            with TreeMemory() as m:
                t = time.perf_counter()
                r = careersim.simulate(scenario, worlds=n, rng=7, threads=threads)
                times.append(time.perf_counter() - t)
            del r
            mems.append(m.mib)
        touch.append(first_touch_seconds(kept_bytes))
        touch_4k.append(first_touch_seconds(kept_bytes, huge_pages=False))
        retime(floor)
    ns = [1e9 * t / career_years for t in secs]
    touch_ns = [1e9 * t / career_years for t in touch]
    f64, f32, mini = (statistics.median(floor[k]) for k in ("f64", "f32", "minimal"))
    r64 = [x / f64 for x in ns]
    emit(target="simulate_threads_speedup", times=f"careersim.simulate(default, worlds={n:,}, rng=7): threads=1 against the default (one thread per CPU, paths side by side), alternating",
         worlds=n, runs=runs, value=spread([a / b for a, b in zip(secs, threaded)]), seconds_default_threads=spread(threaded, 1), cpus=os.cpu_count())
    emit(target="simulate_per_career_year", times=f"careersim.simulate(default, worlds={n:,}, rng=7, workers=1, threads=1), whole call, every path kept",
         worlds=n, worlds_asked=worlds, worlds_limit=f"{fit:,} fit in 40% of available memory", runs=runs, ns_per_career_year=spread(ns, 1),
         seconds=spread(secs, 1), float64_draw_equivalents=spread(r64), float32_draw_equivalents=spread([x / f32 for x in ns]),
         ratio_to_minimal_model=spread([x / mini for x in ns]),
         goal="<= 6 float64 draws and <= 1.6x the minimal model", met=statistics.median(r64) <= 6 and statistics.median(ns) / mini <= 1.6,
         peak_tree_mib=max(mems), bytes_per_career_year_kept=PATH_BYTES_PER_CAREER_YEAR)
    gib = kept_bytes / 2**30
    emit(target="memory_first_touch", times=f"a fresh process (numpy only) filling as many new bytes as that simulate call keeps ({gib:.1f} GiB) once, right after each "
                                            "one-thread simulate run, with numpy's 2 MiB pages (its default) and with 4 KiB pages: ns per career-year of that run. "
                                            "The cost of new memory alone, which any engine keeping those paths pays: the 2 MiB figure is its best case",
         runs=runs, ns_per_career_year=spread(touch_ns, 1), seconds_per_gib=spread([t / gib for t in touch], 2),
         ns_per_career_year_4k_pages=spread([1e9 * t / career_years for t in touch_4k], 1), seconds_per_gib_4k_pages=spread([t / gib for t in touch_4k], 2))


def first_touch_seconds(n_bytes: int, huge_pages: bool = True) -> float:
    """Seconds a fresh process takes to write ``n_bytes`` of new memory once: page faults, and
    whatever the machine does to back new pages (on this VM, the host backs each page on
    first use). numpy asks for 2 MiB pages for large arrays; ``huge_pages=False`` turns that off."""
    code = ("import sys, time, numpy as np; np._core.multiarray._set_madvise_hugepage(sys.argv[2] == '1'); a = np.empty(int(sys.argv[1]) // 8); "
            "t = time.perf_counter(); a.fill(1.0); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code, str(n_bytes), "1" if huge_pages else "0"], check=True, capture_output=True, text=True).stdout
    return float(out)


def emit_floors(floor: dict, worlds: int) -> None:
    emit(target="normal_draws", times="np.random.default_rng(0).standard_normal(out=buffer of 4,000,000), best of 3 fills, ns per draw, timed at the start and again after every engine run",
         runs=len(floor["f64"]), float64_ns=spread(floor["f64"]), float32_ns=spread(floor["f32"]))
    emit(target="minimal_numpy_model", times=f"benchmarks/run.py minimal_model({worlds:,} worlds, 40 years): one float64 pay shock per world-year, wealth compounding; at the start and after every engine run",
         runs=len(floor["minimal"]), ns_per_world_year=spread(floor["minimal"]),
         float64_draw_equivalents=round(statistics.median(floor["minimal"]) / statistics.median(floor["f64"]), 2))


def bench_fixed_cost(scenario, repeats: int) -> None:
    careersim.simulate(scenario, worlds=2, rng=0)
    careersim.simulate_summary(scenario, worlds=2, rng=0)
    sim, summ = [], []
    for i in range(repeats):
        t = time.perf_counter()
        careersim.simulate(scenario, worlds=2, rng=i + 1)
        sim.append(1e3 * (time.perf_counter() - t))
        t = time.perf_counter()
        # a seed of its own: simulate() keeps the draws of small runs, and the summary must
        # not time the block its neighbour just drew
        careersim.simulate_summary(scenario, worlds=2, rng=10_000 + i)
        summ.append(1e3 * (time.perf_counter() - t))
    emit(target="fixed_cost_ms", times="one call with worlds=2, the fewest a call accepts (default scenario, all careers, a new seed each call, never one simulate() used)", runs=repeats,
         simulate=spread(sim, 1), simulate_summary=spread(summ, 1))


def bench_slider(scenario, repeats: int, worlds: int = 5_000) -> None:
    """The explorer's recompute: simulate(..., reuse=previous) after one control moves."""
    base_stipend = scenario.phd.stipend_advisor_grant_usd
    base_elast = scenario.finances.consumption_income_elasticity
    moves = {
        "one_career (phd.stipend_advisor_grant_usd)": lambda i: (scenario.replace({"phd.stipend_advisor_grant_usd": base_stipend + 1_000 * (i % 2 + 1)}), 2026),
        "shared (finances.consumption_income_elasticity)": lambda i: (scenario.replace({"finances.consumption_income_elasticity": base_elast + 0.01 * (i % 2 + 1)}), 2026),
        "seed": lambda i: (scenario, 3000 + i),
    }
    for name, move in moves.items():
        # the explorer's call (default threads: one per CPU) and, alternating, one thread
        prev = {th: careersim.simulate(scenario, worlds=worlds, rng=2026, threads=th) for th in (None, 1)}
        ms: dict = {None: [], 1: []}
        for i in range(repeats):
            s, seed = move(i)
            for th in (None, 1):
                # a new seed draws in both runs (the same seed twice would find the first run's
                # draws in the cache); the other moves keep the seed, whose draws are cached
                seed_th = seed + 100_000 if th == 1 and name == "seed" else seed
                t = time.perf_counter()
                prev[th] = careersim.simulate(s, worlds=worlds, rng=seed_th, reuse=prev[th], threads=th)
                ms[th].append(1e3 * (time.perf_counter() - t))
        goal = 25 if name.startswith("shared") else None
        emit(target="slider_update_ms", control=name, times=f"careersim.simulate(changed scenario, worlds={worlds:,}, rng=seed, reuse=previous), whole call, Python side (no drawing); threads: the default (one per CPU) and 1",
             worlds=worlds, runs=repeats, ms=spread(ms[None], 1), ms_one_thread=spread(ms[1], 1),
             **({"goal": f"<= {goal} ms", "met": statistics.median(ms[None]) <= goal} if goal else {}))


def bench_dask(scenario, worlds: int, check_worlds: int) -> None:
    """simulate_summary(client=) on a 2-worker LocalCluster of processes."""
    import logging

    import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster, distributed.Client(cluster) as client:
        local = careersim.simulate_summary(scenario, worlds=check_worlds, rng=9)
        remote = careersim.simulate_summary(scenario, worlds=check_worlds, rng=9, client=client)
        identical = _identical(local, remote)  # and the workers are warm (kernels loaded)
        worker_peak: dict[str, int] = {}
        stop = threading.Event()

        def watch() -> None:
            procs = {w: psutil.Process(info["pid"]) for w, info in client.run(lambda: {"pid": os.getpid()}).items()}
            while not stop.is_set():
                for w, p in procs.items():
                    with contextlib.suppress(psutil.Error):
                        worker_peak[w] = max(worker_peak.get(w, 0), p.memory_info().rss)
                stop.wait(0.05)

        th = threading.Thread(target=watch, daemon=True)
        th.start()
        with TreeMemory() as m:
            t = time.perf_counter()
            careersim.simulate_summary(scenario, worlds=worlds, rng=10, client=client)
            secs = time.perf_counter() - t
        stop.set()
        th.join()
    rate = worlds / secs
    emit(target="dask_local_cluster", times=f"simulate_summary(default, worlds={worlds:,}, rng=10, client=LocalCluster(2 worker processes, 1 thread each))",
         worlds=worlds, seconds=round(secs, 1), worlds_per_second=round(rate), career_years_per_second=round(rate * CAREER_COUNT * scenario.simulation.horizon_years),
         per_worker_worlds_per_second=round(rate / 2), peak_worker_rss_mib=sorted(round(v / 2**20) for v in worker_peak.values()), peak_tree_mib=m.mib,
         identical_to_local=identical, checked_at_worlds=check_worlds,
         projected_hours_10_billion_worlds_per_100_workers=round(1e10 / (rate / 2 * 100) / 3600, 2))


def bench_explorer(repeats: int, worlds: int = 5_000, malloc: str = "default") -> None:
    """The explorer's whole update in Python: Explorer.update() after a control moves; first in
    a child process with the malloc settings of careersim app's kernels, then in this process
    (glibc's default malloc, as in a script or one's own Jupyter)."""
    if malloc == "default":
        from careersim._app import KERNEL_MALLOC_ENV

        # the child runs this function with the app's settings (read at its start)
        subprocess.run([sys.executable, __file__, "--explorer-child", str(repeats)], check=True, env={**os.environ, **KERNEL_MALLOC_ENV})
    import careersim.widgets as widgets

    ex = widgets.Explorer("default", worlds=worlds, figure="ipympl")
    canvas = ex.figure_widget
    canvas.syncing_data_url = False  # as with a page open: frames are sent, not kept as a data URL
    canvas.draw()
    offer = ex.controls["offer_usd"].value
    ret = ex.controls["return_mean"]
    moves = {
        "one_career (engineer offer)": lambda i: {"offer_usd": offer + 5_000 * (i % 2 + 1)},
        "every_career (stock return)": lambda i: {"return_mean": ret.value + ret.step * (1 if i % 2 == 0 else -1)},
        "seed": lambda i: {"seed": 4000 + i},
    }
    for name, move in moves.items():
        ex.recompute(**move(0))  # warm-up (the first move after a full draw)
        total, sim, draw = [], [], []
        for i in range(1, repeats + 1):
            ex.recompute(**move(i))
            total.append(ex.timings["total"])
            sim.append(ex.timings["simulate"])
            draw.append(ex.timings["draw"])
        emit(target="explorer_update_ms", control=name, malloc=malloc,
             times=f"Explorer(worlds={worlds:,}, figure='ipympl').recompute(one control): simulate (reuse, default threads), statistics, artists, "
                   "the frame drawn and PNG-encoded as sent to the page, the table and the link; not the browser",
             worlds=worlds, runs=repeats, ms=spread(total, 1), simulate_ms=spread(sim, 1), draw_and_encode_ms=spread(draw, 1),
             goal="<= 60 ms", met=statistics.median(total) <= 60)


TARGETS = ["floors", "summary", "simulate", "fixed", "slider", "explorer", "paths", "sensitivity", "dask"]


def notebook_sobol_call() -> tuple[str, dict]:
    """The sensitivity notebook's ``sensitivity.sobol(...)`` call and the namespace of its first
    cell (the scenario and the ranges), as tests/test_sensitivity.py reads them."""
    import pathlib

    nb = json.loads((pathlib.Path(__file__).parents[1] / "notebooks" / "sensitivity.ipynb").read_text())
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    ns: dict = {}
    exec(code[0], ns)
    call = next(re.search(r"sob = (sensitivity\.sobol\(.*?\))\n", c, re.S).group(1) for c in code if "sensitivity.sobol(" in c)
    return call, ns


def bench_sensitivity(runs: int, quick: bool) -> None:
    """The sensitivity notebook's Sobol analysis, as the notebook calls it (--quick: n=64)."""
    call, ns = notebook_sobol_call()
    if quick:
        call = re.sub(r"\bn=\d+", "n=64", call)
    seconds, widest = [], []
    with TreeMemory() as mem:
        for _ in range(runs):
            t = time.perf_counter()
            sob = eval(call, ns)
            seconds.append(time.perf_counter() - t)
            widest.append(float(sob.indices.ST_conf.max()))
    emit(target="sensitivity_sobol_seconds", times=f"notebooks/sensitivity.ipynb's {call}, end to end (design, simulations, SALib's analysis)",
         runs=runs, seconds=spread(seconds, 1), widest_total_index_half_width=round(max(widest), 4), peak_tree_mib=mem.mib,
         goal="<= 60 s and every total index's 95% half-width <= 0.05", met=statistics.median(seconds) <= 60 and max(widest) <= 0.05)


def bench_paths(scenario, worlds: int, runs: int) -> None:
    """Cost against the number of named paths (issue 14): simulate_summary of k engineer-kind paths
    with different offers, k = 1, 2, 4, 8, 12, in the same worlds; seconds per path should level off."""
    import dataclasses

    from careersim._paths import PathSpec

    def paths(k: int) -> tuple:
        return tuple(PathSpec(f"offer-{i}", "engineer", (("engineer.start_pay_usd", 150_000.0 + 1_000.0 * i),)) for i in range(k))

    careersim.simulate_summary(dataclasses.replace(scenario, paths=paths(1)), worlds=2_048, rng=0)
    per = {}
    for k in (1, 2, 4, 8, 12):
        s = dataclasses.replace(scenario, paths=paths(k))
        times = []
        for r in range(runs):
            t = time.perf_counter()
            careersim.simulate_summary(s, worlds=worlds, rng=r)
            times.append(time.perf_counter() - t)
        per[str(k)] = {"seconds": spread(times, 2), "seconds_per_path": round(statistics.median(times) / k, 3)}
    emit(target="paths_scaling", times=f"simulate_summary of k named engineer-kind paths, {worlds:,} worlds, default scenario otherwise", runs=runs, by_paths=per,
         ratio_12_to_4_per_path=round(per["12"]["seconds_per_path"] / per["4"]["seconds_per_path"], 2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run: a smoke test of the script, not a measurement")
    parser.add_argument("--only", choices=TARGETS, action="append", help="run only these (repeatable); 'summary' includes the 2-worker speed-up")
    parser.add_argument("--runs", type=int, default=None, help="repeats of the big measurements (default 3; --quick 1)")
    parser.add_argument("--dask-worlds", type=int, default=None, help="worlds of the LocalCluster run (default 8,388,608; --quick 65,536)")
    parser.add_argument("--explorer-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.explorer_child is not None:
        bench_explorer(args.explorer_child, malloc="careersim app's kernels (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_)")
        return 0
    only = set(args.only or TARGETS)
    q = args.quick
    runs = args.runs or (1 if q else 3)
    worlds = 65_536 if q else 1_000_000
    scenario = careersim.load_scenario("default")
    floor = floors(runs, 65_536 if q else 1_000_000)
    if "summary" in only:
        bench_summary_and_parallel(scenario, 65_536 if q else 1_048_576, runs, floor)
    if "simulate" in only:
        bench_simulate(scenario, worlds, runs, floor)
    emit_floors(floor, 65_536 if q else 1_000_000)
    if "fixed" in only:
        bench_fixed_cost(scenario, 5 if q else 20)
    if "slider" in only:
        bench_slider(scenario, 3 if q else 15)
    if "explorer" in only:
        bench_explorer(3 if q else 15)
    if "paths" in only:
        bench_paths(scenario, 16_384 if q else 131_072, 1 if q else 3)
    if "sensitivity" in only:
        bench_sensitivity(1 if q else 3, q)
    if "dask" in only:
        bench_dask(scenario, args.dask_worlds or (65_536 if q else 8_388_608), 20_000 if q else 200_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())

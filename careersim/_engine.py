"""The Monte Carlo engine: blocks of worlds, common random numbers, every career.

For each block of :data:`~careersim._draws.BLOCK_WORLDS` worlds the engine draws every
source of randomness once (:mod:`careersim._draws`), builds the world's market and regime
(:mod:`careersim._market`), runs each career's state machine on those same draws
(:mod:`careersim.careers`), and turns income into net worth (:mod:`careersim._finances`).
Blocks are independent, so they can be computed in any order, chunk size or process,
with identical results.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import numpy as np

from ._assumptions import check_assumptions, check_group_worlds, draw_assumptions, scenario_with_values
from ._draws import BLOCK_WORLDS, STREAMS, Draws, draw_stream, root_seed_sequence
from ._finances import debt_real_rates, money_paths
from ._market import World, make_world
from ._params import ArgumentError, is_whole_number, short_repr, suggest
from ._results import Result
from ._scenario import Scenario
from .careers import CAREERS, START_STATES, CareerPath, run_career
from .careers._machine import world_events
from .careers.phd import phd_plan
from .careers.phd import start_state as phd_start_state

#: per-path arrays of a full result, in Result's order
PATH_ARRAYS = ("net_worth", "income", "status", "after_tax_income", "consumption")
#: per-world facts kept in Result.facts
FACTS = ("ability", "advisor_quality", "phd_funding", "phd_years", "phd_attrited", "phd_breakthrough")


#: runs of at most this many worlds keep their draws in memory (see chunk_draws): about
#: 2 KB per world at 40 years, so at most ~130 MB
CACHED_RUN_WORLDS = 65_536
_DRAW_CACHE: dict[tuple, Draws] = {}
_DRAW_CACHE_LOCK = threading.Lock()
#: worlds the cache holds at most (least recently used chunks are dropped first)
_DRAW_CACHE_WORLDS = CACHED_RUN_WORLDS
#: seeds (root sequences) whose draws the cache holds at most: the current and the one before.
#: A session changes the seed far less often than a slider, and every seed kept is memory
#: that the next new seed cannot reuse: each one newly held cost the explorer's seed change
#: ~1,000-2,800 page faults (6-17 ms here) until the cache was full, ten seeds in
_DRAW_CACHE_SEEDS = 2


def chunk_draws(root: np.random.SeedSequence, blocks: tuple[tuple[int, int], ...], horizon_years: int, market_model: str, student_t_df: float,
                cache: bool = False, threads: int = 1) -> Draws:
    """The raw draws of a chunk, side by side.

    Draws do not depend on any parameter but the horizon and the market model, so an
    interactive session that moves a slider re-draws nothing: with ``cache`` (simulate()
    runs of at most :data:`CACHED_RUN_WORLDS` worlds, the explorer's), chunks are kept in a
    least-recently-used cache of that many worlds and at most two seeds, as read-only
    arrays. With ``threads``, the blocks' streams are drawn side by side (each stream is its
    own generator, and numpy's generators release the GIL), with the same numbers.
    """
    return chunk_draws_and_world(None, None, root, blocks, horizon_years, market_model, student_t_df, cache=cache, threads=threads)[0]


#: the streams a world is made of (careersim._market.make_world): drawn first, so that the
#: world is made while the other streams are drawn
WORLD_STREAMS = ("market", "regime", "person")


def chunk_draws_and_world(market: Any, regime: Any, root: np.random.SeedSequence, blocks: tuple[tuple[int, int], ...], horizon_years: int,
                          market_model: str, student_t_df: float, cache: bool = False, threads: int = 1) -> tuple[Draws, World | None]:
    """A chunk's draws (:func:`chunk_draws`) and, unless ``market`` is None, their world
    (:func:`chunk_world`). Drawn anew on threads, the world is made as soon as its own
    streams are drawn, while the pool draws the others (same numbers, same world)."""
    cache = cache and root.entropy is not None
    key = _draw_key(root, blocks, horizon_years, market_model, student_t_df)
    if cache:
        with _DRAW_CACHE_LOCK:  # chunks on threads read and fill the cache at once
            hit = _DRAW_CACHE.pop(key, None)
            if hit is not None:
                _DRAW_CACHE[key] = hit  # most recently used last
        if hit is not None:
            return hit, None if market is None else chunk_world(market, regime, hit, threads)
    kw = dict(horizon_years=horizon_years, market_model=market_model, student_t_df=student_t_df)
    order = [*WORLD_STREAMS, *(name for name in STREAMS if name not in WORLD_STREAMS)]
    jobs = [(i, name) for name in order for i in range(len(blocks))]
    fields: dict[str, np.ndarray] = {}
    offsets = np.cumsum([0, *(n for _b, n in blocks)]).tolist()
    whole = len(blocks) == 1
    fields_lock = threading.Lock()

    def draw(job: tuple[int, str]) -> None:
        """Draw one block's stream and put its first n worlds in place beside the other
        blocks' (on the pool, right after drawing: no serial gather after the last draw)."""
        i, name = job
        part = draw_stream(root, blocks[i][0], name, **kw)
        n = blocks[i][1]
        with fields_lock:
            for k, v in part.items():
                if whole or v.shape[-1] == 0:  # one block: its first n worlds; an empty stream part stays empty
                    fields[k] = v[..., :n]
                elif k not in fields:
                    fields[k] = np.empty((*v.shape[:-1], offsets[-1]), dtype=v.dtype)
        if not whole:
            for k, v in part.items():
                if v.shape[-1]:
                    fields[k][..., offsets[i]:offsets[i] + n] = v[..., :n]

    world = None
    n_first = len(WORLD_STREAMS) * len(blocks)
    if threads > 1 and market is not None:
        futures = [_thread_pool(threads).submit(draw, job) for job in jobs]
        for f in futures[:n_first]:
            f.result()
        world = make_world(market, regime, types.SimpleNamespace(**fields))  # while the pool draws the rest
        for f in futures[n_first:]:
            f.result()
    else:
        map_on_threads(draw, jobs, threads)
    d = Draws(**fields)
    if market is not None and world is None:
        world = make_world(market, regime, d, _parts_on(threads))
    if cache:
        for f in dataclasses.fields(d):
            getattr(d, f.name).flags.writeable = False
        with _DRAW_CACHE_LOCK:
            _DRAW_CACHE[key] = d
            while _DRAW_CACHE and (sum(v.ability_z.shape[0] for v in _DRAW_CACHE.values()) > _DRAW_CACHE_WORLDS
                                   or len({k[:3] for k in _DRAW_CACHE}) > _DRAW_CACHE_SEEDS):
                gone = _DRAW_CACHE.pop(next(iter(_DRAW_CACHE)))
                for kept in (_WORLD_CACHE, _CAREER_CACHE):  # what was made from them leaves with them
                    for k in [k for k, (src, _v) in kept.items() if src is gone]:
                        del kept[k]
        if world is not None:
            _keep_world(_cache_key(d, market, regime), d, world)
    return d, world


def _draw_key(root: np.random.SeedSequence, blocks: tuple[tuple[int, int], ...], horizon_years: int, market_model: str, student_t_df: float) -> tuple:
    entropy = tuple(root.entropy) if isinstance(root.entropy, (list, tuple, np.ndarray)) else root.entropy
    return (entropy, tuple(root.spawn_key), root.pool_size, blocks, horizon_years, market_model, student_t_df if market_model == "student_t" else None)


#: worlds made from cached draws, by (id of the draws, market, regime): a slider that moves
#: neither (most of them) makes no world again. Entries leave with their draws, and the cache
#: holds at most 8 of them and as many worlds as the draw cache (25 bytes per world-year: at
#: most ~65 MB at 40 years)
_WORLD_CACHE: dict[tuple, tuple[Draws, World]] = {}
_WORLD_CACHE_ENTRIES = 8


def chunk_world(market: Any, regime: Any, d: Draws, threads: int = 1) -> World:
    """The world of a chunk's draws (:func:`careersim._market.make_world`, its parts on
    ``threads``); kept while the draws are in the draw cache (read-only draws are the
    cache's), as read-only arrays."""
    key = _cache_key(d, market, regime)
    world = _cache_get(_WORLD_CACHE, key, d)
    if world is None:
        world = make_world(market, regime, d, _parts_on(threads))
        _keep_world(key, d, world)
    return world


def _keep_world(key: tuple | None, d: Draws, world: World) -> None:
    """Keep the world of cached draws (read-only) in the world cache (not for a None key)."""
    if key is None:
        return
    for f in dataclasses.fields(world):
        v = getattr(world, f.name)
        if isinstance(v, np.ndarray) and v.flags.owndata:
            v.flags.writeable = False
    _cache_put(_WORLD_CACHE, key, d, world, _WORLD_CACHE_ENTRIES, lambda w: w.ability.shape[0], _DRAW_CACHE_WORLDS)


def _cache_key(d: Draws, *values: Any) -> tuple | None:
    """A key of the world and career caches for what is made from the draws ``d`` with
    ``values``; None when ``d`` is not the draw cache's or a value is drawn per world
    (uncertain assumptions: arrays, not hashable), and then nothing is kept."""
    if d.ability_z.flags.writeable:
        return None
    key = (id(d), *values)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _cache_get(cache: dict[tuple, tuple[Draws, Any]], key: tuple | None, d: Draws) -> Any:
    """What ``cache`` keeps under ``key`` for the draws ``d`` (None if nothing); it becomes the
    most recently used."""
    if key is None:
        return None
    with _DRAW_CACHE_LOCK:
        hit = cache.get(key)
        if hit is None or hit[0] is not d:  # an id of draws since dropped
            return None
        cache[key] = cache.pop(key)  # most recently used last
        return hit[1]


def _cache_put(cache: dict[tuple, tuple[Draws, Any]], key: tuple, d: Draws, value: Any, entries: int, size: Callable[[Any], int], budget: int) -> None:
    """Keep ``value`` (made from the draws ``d``), dropping the least recently used until at
    most ``entries`` remain and their ``size`` sums to at most ``budget``."""
    with _DRAW_CACHE_LOCK:
        cache[key] = (d, value)
        while len(cache) > entries or sum(size(v) for _d, v in cache.values()) > budget:
            cache.pop(next(iter(cache)))


#: career paths lived in cached draws (income, status, unemployment insurance, grant years), by
#: (id of the draws, the path's kind, every value a career reads: all but the money sections,
#: whose place and unemployment-insurance rate it does read): a change to money alone
#: (spending, savings, accounts, taxes) lives no career again. Entries leave with their draws;
#: at most 8 and 160 MiB (read-only copies, 18 bytes per career-year: the four careers of a
#: 50,000-world run), and a run whose paths would not all fit keeps none
_CAREER_CACHE: dict[tuple, tuple[Draws, CareerPath]] = {}
_CAREER_CACHE_ENTRIES = 8
_CAREER_CACHE_BYTES = 160 * 2**20


def _path_bytes(path: CareerPath) -> int:
    return sum(getattr(path, f.name).nbytes for f in dataclasses.fields(path))


def _career_key(d: Draws, kind: str, s: Scenario) -> tuple | None:
    """The career cache's key for a path of ``kind`` lived by ``s`` in the draws ``d``: the
    values :func:`_values_read` names, of the money sections only the two a career reads."""
    skip = _sections_not_read(kind) | {"finances"}
    return _cache_key(d, kind, s.finances.place, s.finances.ui_replacement_rate,
                      *(getattr(s, f.name) for f in dataclasses.fields(s) if f.name not in skip))


def _keep_career(key: tuple | None, d: Draws, path: CareerPath, paths: int) -> None:
    """Keep a copy of a path lived in cached draws, unless the run's ``paths`` would not all fit."""
    if key is None or paths * _path_bytes(path) > _CAREER_CACHE_BYTES:
        return
    # income and status are rows of the result, whose arrays stay writable: those are copied;
    # the path's other arrays are its own (read by the money kernel, then dropped), so they are
    # kept as they are, read-only (a seed change copies half as much)
    owned = {"ui_income", "self_employed"}
    kept = CareerPath(**{f.name: getattr(path, f.name) if f.name in owned else getattr(path, f.name).copy() for f in dataclasses.fields(path)})
    for f in dataclasses.fields(kept):
        getattr(kept, f.name).flags.writeable = False
    _cache_put(_CAREER_CACHE, key, d, kept, _CAREER_CACHE_ENTRIES, _path_bytes, _CAREER_CACHE_BYTES)


def _parts_on(threads: int) -> Callable[[list[Callable[[], Any]]], list[Any]] | None:
    """How make_world computes its parts: on the pool's ``threads`` (numpy releases the GIL)."""
    return (lambda parts: map_on_threads(lambda f: f(), parts, threads)) if threads > 1 else None


def simulate_chunk(scenario: Scenario, careers: Sequence[str], root: np.random.SeedSequence, blocks: Sequence[tuple[int, int]],
                   assumptions: str = "fixed", group_worlds: int = 1, lens_paths: bool = False, threads: int = 1,
                   cache_draws: bool = False) -> dict[str, np.ndarray]:
    """Simulate a chunk: consecutive blocks, given as ``(block index, worlds used)``.

    Each block's draws come from its own streams; the kernels then run once over the
    whole chunk (they are elementwise per world), so the result does not depend on how
    blocks are grouped into chunks.

    Returns
    -------
    dict
        ``net_worth``, ``income`` ``(career, year, world)`` float; ``status`` the same
        shape, int8; ``real_return``, ``inflation``, ``bust`` ``(year, world)``; and the
        per-world :data:`FACTS`; with ``assumptions="uncertain"``, ``assumption_values``, a dict of
        each uncertain key's ``(world,)`` draws.
    """
    sim = scenario.simulation
    values = draw_assumptions(scenario, root, blocks, group_worlds) if assumptions == "uncertain" else {}
    base, scenario = scenario, scenario_with_values(scenario, values)
    d, world = chunk_draws_and_world(scenario.market, scenario.regime, root, tuple(blocks), sim.horizon_years, scenario.market.model,
                                     scenario.market.student_t_df, cache=cache_draws, threads=threads)
    n_worlds = sum(n for _, n in blocks)
    T = sim.horizon_years
    out = {
        "net_worth": np.empty((len(careers), T, n_worlds)),
        "income": np.empty((len(careers), T, n_worlds)),
        "status": np.empty((len(careers), T, n_worlds), dtype=np.int8),
    }
    if lens_paths:  # the valuation lenses' flows, only for runs that keep every path
        out["after_tax_income"] = np.empty((len(careers), T, n_worlds))
        out["consumption"] = np.empty((len(careers), T, n_worlds))
    # work every path shares is done once: the world, its events (when a career is lived) and
    # the debt rate of the scenario's own values; a path whose offer changes them gets its own
    # (same draws)
    shared_events: list[Any] = []
    events_lock = threading.Lock()

    def events() -> Any:
        with events_lock:
            if not shared_events:
                shared_events.append(world_events(scenario, world, d))
            return shared_events[0]

    # the PhD drawn up front (careers.phd.phd_plan), once per scenario: the PhD path's start
    # state and the per-world facts read the same plan (made twice, it cost up to 2 ms of a
    # new seed's update, on two threads contending for the GIL)
    plans: dict[int, tuple[Scenario, dict[str, np.ndarray]]] = {}  # by id, the scenario kept alive so no other takes its id
    plans_lock = threading.Lock()

    def plan_of(s: Scenario) -> dict[str, np.ndarray]:
        with plans_lock:
            if id(s) not in plans:
                plans[id(s)] = (s, phd_plan(s, world, d))
            return plans[id(s)][1]

    def start_state(kind: str, s: Scenario) -> Any:
        return phd_start_state(s, world, d, plan=plan_of(s)) if kind == "phd" else START_STATES[kind](s, world, d)

    debt_rate = debt_real_rates(world.inflation, scenario.finances)
    after_tax = base.finances.net_worth == "after-tax"

    def live(i: int, name: str) -> None:
        spec = base.path(name)
        s, ev, rate = scenario, events, debt_rate
        if spec.overrides:
            variant = base.for_path(name)
            s = scenario_with_values(variant, draw_assumptions(variant, root, blocks, group_worlds) if assumptions == "uncertain" else {})
            if any(getattr(variant, k) != getattr(base, k) for k in ("employment", "layoffs", "residency", "independent", "credentials")):
                ev = lambda: world_events(s, world, d)  # noqa: E731
            if variant.finances != base.finances:
                rate = debt_real_rates(world.inflation, s.finances)
        key = _career_key(d, spec.kind, s)
        kept = _cache_get(_CAREER_CACHE, key, d)
        if kept is not None:  # lived before in these draws with the same values
            out["income"][i] = kept.income
            out["status"][i] = kept.status
            path = CareerPath(income=out["income"][i], status=out["status"][i], ui_income=kept.ui_income, self_employed=kept.self_employed)
        else:  # kernels write straight into the chunk's output arrays
            path = run_career(start_state(spec.kind, s), s, ev(), d, out=CareerPath(income=out["income"][i], status=out["status"][i]))
            _keep_career(key, d, path, len(careers))
        target = {"out_after_tax" if after_tax else "out_pre_tax": out["net_worth"][i]}
        if lens_paths:
            target.update(out_after_tax_income=out["after_tax_income"][i], out_consumption=out["consumption"][i])
        money_paths(path, world, s.finances, start_age=sim.start_age, initial_net_worth_usd=sim.initial_net_worth_usd,
                    debt_real_rate=rate, **target)

    def job(path: tuple[int, str] | None) -> None:
        if path is None:  # the PhD's facts of each world
            plan_of(scenario)
        else:
            live(*path)

    # paths are independent given the world: with threads they run side by side (the compiled
    # kernels release the GIL), each writing only its own rows, so results do not depend on it.
    # The short facts job goes first: last, it ran alone after the paths (about 1 ms at 5,000
    # worlds with a core idle)
    map_on_threads(job, [None, *enumerate(careers)], threads)
    out["real_return"] = world.real_return
    out["bond_real_return"] = world.bond_real_return
    out["inflation"] = world.inflation
    out["bust"] = world.bust
    plan = plan_of(scenario)
    out["ability"] = world.ability
    out["advisor_quality"] = plan["advisor_quality"]
    out["phd_funding"] = plan["funding"].astype(np.int8)
    out["phd_years"] = plan["years"].astype(np.int16)
    out["phd_attrited"] = plan["attrited"]
    out["phd_breakthrough"] = plan["breakthrough"]
    out["assumption_values"] = values
    return out


def block_sizes(worlds: int) -> list[int]:
    """Worlds in each block: full blocks, then the remainder."""
    full, rest = divmod(worlds, BLOCK_WORLDS)
    return [BLOCK_WORLDS] * full + ([rest] if rest else [])


_THREAD_POOL: tuple[int, int, ThreadPoolExecutor] | None = None


def map_on_threads(fn: Callable[[Any], Any], items: Sequence[Any], threads: int) -> list[Any]:
    """``[fn(x) for x in items]``, on this process's pool of ``threads`` threads when there are
    several of each (for work that releases the GIL; never from a thread of that pool)."""
    if threads > 1 and len(items) > 1:
        return list(_thread_pool(threads).map(fn, items))
    return [fn(x) for x in items]


def _thread_pool(threads: int) -> ThreadPoolExecutor:
    """This process's pool of ``threads`` threads (made anew after a fork or a size change)."""
    global _THREAD_POOL
    if _THREAD_POOL is None or _THREAD_POOL[:2] != (os.getpid(), threads):
        _THREAD_POOL = (os.getpid(), threads, ThreadPoolExecutor(max_workers=threads, thread_name_prefix="careersim"))
    return _THREAD_POOL[2]


def resolve_threads(threads: int | None, workers: int) -> int:
    """Threads per process: None -> one per CPU this process may use when the run stays in
    this process and is called from its main thread, else 1 (worker processes, or the
    threads of a pool such as a Dask worker's, already use the CPUs)."""
    if threads is None:
        if workers > 1 or threading.current_thread() is not threading.main_thread():
            return 1
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return _at_most_cpus("threads", threads, 1)


def _run_chunk(args: tuple[Scenario, tuple[str, ...], np.random.SeedSequence, list[tuple[int, int]], str, int, int, bool]) -> dict[str, np.ndarray]:
    scenario, careers, root, blocks, assumptions, group_worlds, threads, cache_draws = args
    return simulate_chunk(scenario, careers, root, blocks, assumptions, group_worlds, lens_paths=True, threads=threads, cache_draws=cache_draws)


def in_order(pool: Executor, fn: Callable[[Any], Any], tasks: Iterable, ahead: int) -> Iterator:
    """``map(fn, tasks)`` in ``pool``, with at most ``ahead`` tasks submitted and not yet
    consumed (``Executor.map`` would list every task up front)."""
    pending: collections.deque = collections.deque()
    try:
        for task in tasks:
            pending.append(pool.submit(fn, task))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # closed early (an error, Ctrl-C): tasks not yet started are dropped
        for future in pending:
            future.cancel()


#: default chunk: blocks simulated together (bounded memory, amortised numpy overhead)
DEFAULT_CHUNK_BLOCKS = 4


def iter_chunks(
    scenario: Scenario,
    careers: tuple[str, ...],
    root: np.random.SeedSequence,
    worlds: int,
    *,
    workers: int = 1,
    chunk_blocks: int = DEFAULT_CHUNK_BLOCKS,
    assumptions: str = "fixed",
    group_worlds: int = 1,
    threads: int = 1,
    cache_draws: bool = False,
) -> Iterator[dict[str, np.ndarray]]:
    """Yield each chunk's arrays in world order, computed locally (on ``threads`` threads:
    chunks side by side, or one chunk's paths side by side) or in worker processes."""
    blocks = list(enumerate(block_sizes(worlds)))
    starts = range(0, len(blocks), chunk_blocks)

    def tasks(threads_per_chunk: int, cache: bool) -> list[tuple]:
        return [(scenario, careers, root, blocks[i : i + chunk_blocks], assumptions, group_worlds, threads_per_chunk, cache) for i in starts]

    if workers > 1 and len(starts) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(_run_chunk, tasks(1, False))
    elif threads > 1 and len(starts) > 1:  # whole chunks on threads: the draws too run side by side
        yield from in_order(_thread_pool(threads), _run_chunk, tasks(1, cache_draws), ahead=threads + 1)
    else:
        yield from map(_run_chunk, tasks(threads, cache_draws))


def check_careers(careers: Iterable[str] | None, names: Sequence[str] = CAREERS) -> tuple[str, ...]:
    """The paths to simulate, in order: None means all of ``names`` (a scenario's path names;
    without named paths, the four careers :data:`CAREERS`)."""
    names = tuple(names)
    if careers is None:
        return names
    if isinstance(careers, str):
        careers = (careers,)
    try:
        out = tuple(careers)
    except TypeError:
        raise ArgumentError(f"careers = {short_repr(careers)}: must be a path name or a list of them; allowed: {', '.join(names)}") from None
    for c in out:
        if not isinstance(c, str) or c not in names:
            hint = suggest(c, names) if isinstance(c, str) else ""
            raise ArgumentError(f"careers: {short_repr(c)} is not a path of this scenario{hint}; allowed: {', '.join(names)}")
    if not out or len(set(out)) != len(out):
        raise ArgumentError(f"careers = {out!r}: must name each path at most once, at least one")
    return out


def _whole_number(name: str, value: Any, minimum: int, what: str = "") -> int:
    if not is_whole_number(value) or value < minimum:
        raise ArgumentError(f"{name} = {short_repr(value)}: must be a whole number >= {minimum}{what}")
    return int(value)


#: the fewest worlds a run accepts: a Monte Carlo standard error needs two
MIN_WORLDS = 2


def check_worlds(worlds: int) -> int:
    """``worlds`` as a Python int >= :data:`MIN_WORLDS` (one world has no standard error: every
    table would carry NaN)."""
    return _whole_number("worlds", worlds, MIN_WORLDS, " (a Monte Carlo standard error needs two worlds at least)")


#: bytes per (career, world, year) kept by simulate(): net worth, income, after-tax income,
#: consumption (float64), status (int8)
PATH_BYTES_PER_CAREER_YEAR = 33
#: bytes per (world, year) of world arrays: stock and bond real returns, inflation (float64), bust (bool)
WORLD_BYTES_PER_YEAR = 25


def path_memory_bytes(worlds: int, careers: int, years: int) -> int:
    """Memory that :func:`simulate` needs to keep every path."""
    return worlds * years * (careers * PATH_BYTES_PER_CAREER_YEAR + WORLD_BYTES_PER_YEAR)


def available_memory_bytes() -> int:
    """Memory available to this process now (Linux MemAvailable; else total RAM)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def check_path_memory(worlds: int, careers: int, years: int) -> None:
    """Refuse at once, before any work, a run whose paths would not fit in memory."""
    need = path_memory_bytes(worlds, careers, years)
    have = available_memory_bytes()
    if need > have // 2:
        raise ArgumentError(
            f"worlds = {worlds:,}: keeping every path of {careers} careers x {years} years needs about {need / 2**30:,.1f} GiB, "
            f"more than half of the {have / 2**30:,.1f} GiB available; use careersim.simulate_summary (memory does not grow "
            f"with worlds; the CLI switches to it by itself) or fewer worlds"
        )


#: a generous single-core speed, simulated career-years per second (this 2-core machine
#: does about 4e6 through simulate_summary), used only to state how long a refused run would take
NOMINAL_CAREER_YEARS_PER_SECOND = 1e7
#: the most career-years one call accepts: about 6e10 worlds of four careers over 40 years,
#: twelve days of one fast core; beyond it a run is refused at once instead of starting
MAX_CAREER_YEARS = 1e13


def check_run_size(worlds: int, careers: int, years: int) -> None:
    """Refuse at once, before any allocation, a run far beyond reason (see :data:`MAX_CAREER_YEARS`)."""
    career_years = worlds * careers * years
    if career_years > MAX_CAREER_YEARS:
        # integer arithmetic first: a count beyond float range must still give this message
        days = career_years // int(NOMINAL_CAREER_YEARS_PER_SECOND * 86_400)
        shown = f"{worlds:,}" if worlds < 10**30 else short_repr(worlds)
        raise ArgumentError(
            f"worlds = {shown}: {careers} careers x {years} years is {_scientific(career_years)} career-years, more than the "
            f"{MAX_CAREER_YEARS:.2g} one call accepts (about {_scientific(days) if days >= 10**9 else f'{days:,}'} days of one "
            f"fast core); fewer worlds give the same answer to within their Monte Carlo error"
        )


def _scientific(n: int) -> str:
    """An int of any size as ``1.6e+14``, without converting it to a float."""
    digits = str(n) if n < 10**4000 else None
    if digits is None:
        return f"~1e+{int(n.bit_length() * 0.30103)}"
    return f"{digits[0]}.{digits[1] if len(digits) > 1 else 0}e+{len(digits) - 1:02d}"


def check_request(scenario: Scenario | None, careers: Iterable[str] | None, worlds: int, chunk_blocks: int) -> tuple[Scenario, tuple[str, ...], int, int]:
    """Validate the arguments every simulation entry point shares (None: the default scenario).

    Raises :class:`ArgumentError` for a bad argument or a run far beyond reason.
    """
    if scenario is None:
        from ._scenario_io import load_scenario

        scenario = load_scenario("default")
    if not isinstance(scenario, Scenario):
        raise ArgumentError(f"scenario = {short_repr(scenario)}: must be a careersim.Scenario (see careersim.load_scenario)")
    careers_t, worlds = check_careers(careers, scenario.path_names()), check_worlds(worlds)
    check_run_size(worlds, len(careers_t), scenario.simulation.horizon_years)
    return scenario, careers_t, worlds, check_chunk_blocks(chunk_blocks)


def check_progress(progress: Any) -> bool:
    """``progress`` as a bool: True or False (numpy's too), nothing that merely looks true."""
    if not isinstance(progress, (bool, np.bool_)):
        raise ArgumentError(f"progress = {short_repr(progress)}: must be True or False")
    return bool(progress)


def check_chunk_blocks(chunk_blocks: int) -> int:
    """``chunk_blocks`` as a Python int >= 1."""
    return _whole_number("chunk_blocks", chunk_blocks, 1)


def resolve_workers(workers: int | None) -> int:
    """Worker processes to use: None -> 1, 0 -> one per CPU; more than the CPUs is refused
    (extra processes only compete for the same cores, and hundreds can hit process limits)."""
    if workers is None:
        return 1
    return _at_most_cpus("workers", workers, 0, " (0 = one per CPU)") or (os.cpu_count() or 1)


def _at_most_cpus(name: str, value: Any, minimum: int, note: str = "") -> int:
    """A whole-number argument of at least ``minimum`` and at most the CPUs of this machine."""
    cpus = os.cpu_count() or 1
    n = _whole_number(name, value, minimum, f" and at most {cpus}, the CPUs of this machine{note}")
    if n > cpus:
        raise ArgumentError(f"{name} = {n}: must be at most {cpus}, the CPUs of this machine{note}")
    return n


def simulate(
    scenario: Scenario | None = None,
    *,
    worlds: int = 10_000,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    careers: Iterable[str] | None = None,
    workers: int | None = 1,
    progress: bool = False,
    chunk_blocks: int = DEFAULT_CHUNK_BLOCKS,
    reuse: Result | None = None,
    assumptions: str = "fixed",
    group_worlds: int = 1,
    threads: int | None = None,
) -> Result:
    """Live every career in the same simulated worlds.

    Parameters
    ----------
    scenario
        The parameters; None uses the bundled ``default`` scenario.
    worlds
        Number of Monte Carlo worlds (draws of market, regime and person), at least 2 (a
        standard error needs two).
    rng
        Seed: an int, a :class:`numpy.random.SeedSequence`, a :class:`numpy.random.Generator`
        or None (fresh entropy, recorded in ``Result.seed_entropy``).
    careers
        Career ids to simulate, default all four: ``phd``, ``residency``, ``engineer``,
        ``independent``.
    workers
        Worker processes (1 = in this process, 0 = one per CPU). Results do not depend on it.
    progress
        Show a progress bar on stderr if the run takes more than two seconds.
    chunk_blocks
        Blocks of :data:`~careersim._draws.BLOCK_WORLDS` worlds simulated together; a
        memory/speed trade-off only, results do not depend on it.
    reuse
        A previous result of the same seed and number of worlds. Careers whose own
        section and every shared section are unchanged are copied from it instead of
        simulated again: with common random numbers they would come out identical. This
        is what makes a slider that moves one career's parameter cheap.
    assumptions
        ``"fixed"`` (the scenario's values in every world; intervals then show luck and Monte
        Carlo error only) or ``"uncertain"``: every assumption with a prior
        (:meth:`Scenario.active_priors`, docs/scenarios.md) is drawn per world from its own
        random stream, so intervals also contain what is not known about the assumptions.
        The draws are in ``Result.assumption_values``.
    group_worlds
        With ``"uncertain"``: how many consecutive worlds share one draw of the assumptions (a
        power of two up to 2048). 1, the default, draws them per world; larger groups make a
        nested design, which separates the assumptions' share of the spread from luck's
        (:func:`careersim.uncertainty.variance_breakdown`). A group's worlds are not
        independent: the result's standard errors are clustered by group
        (:attr:`Result.group_worlds`), and the money claim and the decision scores refuse it.
    threads
        Threads in this process: chunks of worlds side by side, or for a single chunk (up to
        8,192 worlds) its paths side by side (draws and the compiled kernels run without the
        GIL). None: one per CPU when ``workers`` is 1 and the call comes from the main thread (not
        from a pool's thread, such as a Dask worker's), else 1. Results do not depend on it.

    Returns
    -------
    Result
        Arrays ``(career, world, year)`` of net worth, gross income and status (views of
        year-major memory, the layout the engine computes in: a year's values across worlds
        are contiguous).

    Raises
    ------
    ArgumentError
        For a bad ``worlds``, ``careers``, ``rng``, ``workers`` (more than the CPUs
        included), ``chunk_blocks``, ``reuse`` or ``scenario``, and at once, before any
        allocation, for paths that would not fit in memory or a run far beyond reason.
        It is a :class:`ScenarioError` and both a ``ValueError`` and a ``TypeError``.
    ScenarioError
        Never from here for a :class:`Scenario` (it is validated when built).

    Examples
    --------
    >>> import careersim
    >>> r = careersim.simulate(worlds=2_000, rng=1)
    >>> r.net_worth.shape
    (4, 2000, 40)
    """
    scenario, careers_t, worlds, chunk_blocks = check_request(scenario, careers, worlds, chunk_blocks)
    progress = check_progress(progress)
    assumptions = check_assumptions(assumptions)
    group_worlds = check_group_worlds(group_worlds)
    T = scenario.simulation.horizon_years
    C = len(careers_t)
    check_path_memory(worlds, C, T)
    n_workers = resolve_workers(workers)
    n_threads = resolve_threads(threads, n_workers)
    root = root_seed_sequence(rng)
    reusable = _reusable_careers(reuse, scenario, careers_t, root, worlds, assumptions) if group_worlds == 1 else set()
    if reusable:
        return _simulate_reusing(reuse, reusable, scenario, careers_t, root, worlds, workers=workers, chunk_blocks=chunk_blocks, assumptions=assumptions,
                                 threads=threads)
    # the engine computes year-major (career, year, world); the result's (career, world, year)
    # arrays are transposed views of these buffers, so each chunk is a plain row copy (a run of
    # one chunk, the explorer's, keeps that chunk's own buffers: no copy, no new pages)
    paths: dict[str, np.ndarray] = {}
    world_arrays = {k: np.empty((T, worlds), dtype=dt) for k, dt in (("real_return", float), ("bond_real_return", float), ("inflation", float), ("bust", bool))}
    facts: dict[str, np.ndarray] = {}
    start = 0
    chunks = iter_chunks(scenario, careers_t, root, worlds, workers=n_workers, chunk_blocks=chunk_blocks, assumptions=assumptions,
                         group_worlds=group_worlds, threads=n_threads, cache_draws=worlds <= CACHED_RUN_WORLDS)
    values: dict[str, np.ndarray] = {}
    if progress:
        from tqdm.auto import tqdm

        n_chunks = -(-len(block_sizes(worlds)) // chunk_blocks)
        chunks = tqdm(chunks, total=n_chunks, unit="chunk", delay=2.0, file=sys.stderr, desc="simulating")
    for out in chunks:
        n = out["net_worth"].shape[-1]
        sl = slice(start, start + n)
        if not paths:  # a chunk's path arrays are its own (world arrays and facts may be cached)
            paths = {k: out[k] if n == worlds else np.empty((C, T, worlds), dtype=out[k].dtype) for k in PATH_ARRAYS}
        for k, buf in paths.items():
            if buf is not out[k]:
                buf[:, :, sl] = out[k]
        for k, buf in world_arrays.items():
            buf[:, sl] = out[k]
        for k in FACTS:
            facts.setdefault(k, np.empty(worlds, dtype=out[k].dtype))[sl] = out[k]
        for k, v in out["assumption_values"].items():
            values.setdefault(k, np.empty(worlds))[sl] = v
        start += n
    net_worth, income, status, after_tax_income, consumption = (paths[k].transpose(0, 2, 1) for k in PATH_ARRAYS)
    world_arrays = {k: v.T for k, v in world_arrays.items()}
    return Result(
        scenario=scenario,
        careers=careers_t,
        net_worth=net_worth,
        income=income,
        status=status,
        after_tax_income=after_tax_income,
        consumption=consumption,
        real_return=world_arrays["real_return"],
        bond_real_return=world_arrays["bond_real_return"],
        inflation=world_arrays["inflation"],
        bust=world_arrays["bust"],
        facts=facts,
        seed_entropy=root.entropy,
        seed_spawn_key=tuple(root.spawn_key),
        assumptions=assumptions,
        assumption_values=values,
        group_worlds=group_worlds if assumptions == "uncertain" else 1,  # fixed assumptions: every world independent
    )


def _reusable_careers(previous: Result | None, scenario: Scenario, careers: tuple[str, ...], root: np.random.SeedSequence, worlds: int,
                      assumptions: str = "fixed") -> set[str]:
    """Careers of ``previous`` that a new run would reproduce bit for bit."""
    if previous is None:
        return set()
    if not isinstance(previous, Result):
        raise ArgumentError(f"reuse = {short_repr(previous)}: must be a careersim.Result from an earlier simulate()")
    same_seed = previous.seed_entropy == root.entropy and tuple(previous.seed_spawn_key) == tuple(root.spawn_key)
    if not same_seed or previous.worlds != worlds or root.entropy is None or previous.assumptions != assumptions:
        return set()
    old = previous.scenario
    if assumptions == "uncertain" and old.active_priors() != scenario.active_priors():
        return set()
    # a path is lived by its own values (the scenario with its offer's overrides): if the ones
    # its kind reads are unchanged, so is every number it produces in the same worlds
    old_names = set(old.path_names())
    return {c for c in careers if c in previous.careers and c in old_names and old.path(c).kind == scenario.path(c).kind
            and _values_read(old, c) == _values_read(scenario, c)}


#: sections only one kind of path reads: its start (the PhD plan, the engineer's offer). Every
#: path reads the others (the residency's conversion and the independent researcher's renewal
#: are world events of the state machine; uncertain assumptions are drawn per key)
_OWN_SECTIONS = {"phd": "phd", "engineer": "engineer"}


def _sections_not_read(kind: str) -> set[str]:
    """Fields of a scenario that a path of ``kind`` does not read: its labels, the paths, and
    the sections only other kinds read (a change there cannot move this path)."""
    return {"name", "description", "paths"} | {sec for k, sec in _OWN_SECTIONS.items() if k != kind}


def unread_keys(scenario: Scenario, keys: Iterable[str], names: Iterable[str] | None = None) -> dict[str, list[str]]:
    """The parameter keys that none of the paths ``names`` (default: every path) reads, each with
    the paths that set it as their own offer (empty: the key is in a section only other kinds
    read). A change to such a key moves no number of those paths."""
    specs = scenario.path_specs()
    chosen = [p for p in specs if names is None or p.name in set(names)]
    out = {}
    for key in keys:
        section = key.partition(".")[0]
        if not any(section not in _sections_not_read(p.kind) and key not in p.changes for p in chosen):
            out[key] = [p.name for p in chosen if key in p.changes]
    return out


def _values_read(scenario: Scenario, name: str) -> tuple:
    """Every value the path ``name`` is lived by: the scenario with its offer's overrides, less
    :func:`_sections_not_read`."""
    lived = scenario.for_path(name)
    skip = _sections_not_read(scenario.path(name).kind)
    return tuple((f.name, getattr(lived, f.name)) for f in dataclasses.fields(lived) if f.name not in skip)


def _simulate_reusing(previous: Result, reusable: set[str], scenario: Scenario, careers: tuple[str, ...], root: np.random.SeedSequence, worlds: int, **kw) -> Result:
    todo = [c for c in careers if c not in reusable]
    # year-major buffers, as simulate() lays them out (each path a contiguous copy); an array
    # the previous result lacks (made by an older careersim) is left out
    T = previous.horizon_years
    out = {name: np.empty((len(careers), T, worlds), dtype=getattr(previous, name).dtype)
           for name in PATH_ARRAYS if getattr(previous, name) is not None}

    def copy_reused() -> None:
        for j, c in enumerate(careers):
            if c in reusable:
                for name, buf in out.items():
                    buf[j] = getattr(previous, name)[previous.index(c)].T

    # the reused paths are copied while the others are simulated: a change that moves one
    # career simulates one path, which leaves the pool's threads free
    threads = resolve_threads(kw.get("threads"), resolve_workers(kw.get("workers")))
    copying = _thread_pool(threads).submit(copy_reused) if threads > 1 and todo else None
    fresh = simulate(scenario, worlds=worlds, rng=root, careers=todo, **kw) if todo else None
    if copying is None:
        copy_reused()
    else:
        copying.result()
    if fresh is not None:
        for name in list(out):
            if getattr(fresh, name) is None:
                del out[name]
                continue
            for j, c in enumerate(careers):
                if c not in reusable:
                    out[name][j] = getattr(fresh, name)[fresh.index(c)].T

    def take(name: str) -> np.ndarray | None:
        return out[name].transpose(0, 2, 1) if name in out else None

    # world arrays depend only on shared sections, the PhD plan (facts) on the phd section:
    # either source is exact for them
    base = fresh if fresh is not None else previous
    return Result(
        scenario=scenario,
        careers=careers,
        net_worth=take("net_worth"),
        income=take("income"),
        status=take("status"),
        after_tax_income=take("after_tax_income"),
        consumption=take("consumption"),
        real_return=base.real_return,
        bond_real_return=base.bond_real_return,
        inflation=base.inflation,
        bust=base.bust,
        facts={k: v.copy() for k, v in base.facts.items()},
        seed_entropy=root.entropy,
        seed_spawn_key=tuple(root.spawn_key),
        assumptions=base.assumptions,
        assumption_values={k: v.copy() for k, v in base.assumption_values.items()},
    )

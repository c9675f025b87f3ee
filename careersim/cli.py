"""Command line: ``careersim run | scenarios | validate``.

Bad input never shows a traceback: one line on stderr naming the problem, exit code 2.
Ctrl-C at any moment, start-up included, exits 130 with one line and leaves no partial
output. This module imports only the standard library at start-up; numpy, pandas and
matplotlib are loaded inside :func:`main`, where an interrupt is handled.
"""

from __future__ import annotations

# Ctrl-C is handled from the first line: nothing heavy is imported before the handler.
import contextlib
import errno
import os
import signal
import sys

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
INTERRUPTED_MESSAGE = "careersim: interrupted; no partial output was left"

#: "startup" (before main: nothing to clean up), "running" (Ctrl-C raises
#: KeyboardInterrupt, which main turns into one line), "stopping" / "done" (ignored)
_sigint = {"phase": "startup", "pid": os.getpid()}


def _on_sigint(signum: int, frame: object) -> None:
    if os.getpid() != _sigint["pid"]:
        return  # a forked worker process: the main process stops it
    phase = _sigint["phase"]
    if phase == "startup":
        os.write(2, (INTERRUPTED_MESSAGE + "\n").encode())
        os._exit(EXIT_INTERRUPTED)
    if phase == "running":
        _sigint["phase"] = "stopping"
        raise KeyboardInterrupt
    if phase == "stopping":  # a second Ctrl-C while stopping: clean up what is ours, now
        _stop_workers()
        output = sys.modules.get("careersim._output")
        if output is not None:
            output.discard_partial_outputs()
        os.write(2, (INTERRUPTED_MESSAGE + "\n").encode())
        os._exit(EXIT_INTERRUPTED)


def _running_as_command() -> bool:
    main_module = sys.modules.get("__main__")
    script = os.path.basename(getattr(main_module, "__file__", "") or "")
    return __name__ == "__main__" or script.removesuffix(".exe").removesuffix("-script.py") == "careersim"


_AS_COMMAND = _running_as_command()
if _AS_COMMAND:
    try:
        signal.signal(signal.SIGINT, _on_sigint)
    except ValueError:  # not the main thread
        pass

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import tomllib  # noqa: E402
import unicodedata  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import TYPE_CHECKING, Any, NoReturn  # noqa: E402

if TYPE_CHECKING:
    from ._results import Result
    from ._scenario import Scenario
    from ._streaming import SummaryResult

#: above this, `careersim run` summarises as it goes instead of keeping every path
PATHS_LIMIT_BYTES = 512 * 2**20
#: the most worlds the command accepts at all; the run's own time and memory estimate
#: (careersim._engine.check_request) refuses far fewer on any real machine
MAX_WORLDS = 10**15
#: seeds are taken modulo nothing: any whole number in [0, 2**128)
MAX_SEED = 2**128 - 1
#: the longest --set value (no scenario value needs more)
MAX_SET_CHARS = 1_000


def _shown(text: str, limit: int = 40) -> str:
    """``repr(text)``, cut so that a huge argument cannot flood the one-line message."""
    if len(text) <= limit:
        return repr(text)
    what = "digits" if text.isdigit() else "characters"
    return f"{text[:limit - 10]!r}...{text[-4:]!r} ({len(text):,} {what})"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # one line, no usage block: "careersim run" -> "see careersim run --help"
        message = " ".join(message.split())
        self.exit(EXIT_BAD_INPUT, f"careersim: error: {message} (see {self.prog} --help)\n")


def _control_characters(text: str) -> list[str]:
    return [repr(ch) for ch in dict.fromkeys(text) if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]


def _parse_set(items: Sequence[str]) -> dict[str, Any]:
    """``key.path=value`` pairs; values are read as TOML (numbers, booleans, quoted
    strings) and fall back to a plain string, e.g. ``market.model=bootstrap``."""
    from ._params import ScenarioError
    from ._scenario_io import check_toml_values

    changes: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key:
            raise ScenarioError(f"--set {_shown(item)}: expected key.path=value, e.g. --set phd.stipend_ta_usd=45000")
        bad = _control_characters(item)
        if bad:
            raise ScenarioError(
                f"--set {_shown(item)}: contains control character(s) {', '.join(bad)} (a line break, tab, ...); "
                f"a value is one line of printable text, e.g. --set phd.stipend_ta_usd=45000"
            )
        if len(raw) > MAX_SET_CHARS:
            raise ScenarioError(f"--set {key}={_shown(raw)}: the value is longer than {MAX_SET_CHARS:,} characters")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        except RecursionError:
            raise ScenarioError(f"--set {key}={_shown(raw)}: the value is nested too deeply; a scenario value is a number, a boolean or a string") from None
        except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
            raise ScenarioError(f"--set {key}={_shown(raw)}: cannot be read as a value ({exc})") from None
        check_toml_values({key: value}, origin="--set", single_key=True)
        if key in changes:  # neither silently wins
            raise ScenarioError(f"--set {key}: given twice ({_shown(str(changes[key]))} and {_shown(raw)}); give it once")
        changes[key] = value
    return changes


def _whole_number(minimum: int, maximum: int | None = None, why: str = ""):
    """An argparse type: a whole number (``_`` separators allowed) in [minimum, maximum]."""

    def parse(text: str) -> int:
        digits = text.strip().replace("_", "")
        if len(digits) > 60:
            raise argparse.ArgumentTypeError(f"{_shown(text)}: too long; must be a whole number in [{minimum:,}, {maximum:,}]{why}")
        try:
            value = int(digits)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{_shown(text)}: must be >= {minimum}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{_shown(text)}: must be at most {maximum:,}{why}")
        return value

    return parse


def _rate(text: str) -> float:
    """An argparse type: a real discount rate per year in [-0.1, 0.5]."""
    try:
        value = float(text.strip().rstrip("%")) / (100.0 if text.strip().endswith("%") else 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a number; give a rate such as 0.03 or 3%") from None
    if not math.isfinite(value) or not -0.1 <= value <= 0.5:
        raise argparse.ArgumentTypeError(f"{_shown(text)}: must be a real rate per year from -0.1 to 0.5 (0.03 = 3%)")
    return value


def _out_folder(text: str) -> str:
    """An argparse type: a non-empty folder path."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: an empty path (it would mean the current folder); name a folder, e.g. --out results/")
    if _control_characters(text):
        raise argparse.ArgumentTypeError(f"{_shown(text)}: contains control characters; name a folder, e.g. --out results/")
    return text


def build_parser() -> argparse.ArgumentParser:
    cpus = os.cpu_count() or 1
    parser = _Parser(prog="careersim", description="Monte Carlo comparison of an ML PhD, an AI residency, a research-engineer job and independent research.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="simulate a scenario and print the table of net worth at the horizon")
    run.add_argument("scenario", nargs="?", default="default", help="bundled scenario name or path to a .toml file (default: %(default)s)")
    run.add_argument("--worlds", type=_whole_number(2, MAX_WORLDS), default=20_000, help="number of simulated worlds (default: %(default)s); runs far beyond this machine are refused at once with an estimate")
    run.add_argument("--seed", type=_whole_number(0, MAX_SEED, " (2**128 - 1)"), default=None, help="random seed, a whole number in [0, 2**128) (default: fresh entropy, printed)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help="override a parameter, e.g. --set phd.stipend_ta_usd=45000 (repeatable)")
    run.add_argument("--horizon", type=_whole_number(1, 2**63 - 1), default=None, metavar="YEARS", help="simulated years (overrides simulation.horizon_years)")
    run.add_argument("--workers", type=_whole_number(0, cpus, ", the CPUs of this machine (0 = one per CPU)"), default=1, help=f"worker processes, 0 = one per CPU, at most {cpus} (results do not depend on it)")
    run.add_argument("--net-worth", dest="net_worth", choices=("after-tax", "pre-tax"), default=None,
                     help="report net worth after tax (what the person could spend; the default, as the scenario's finances.net_worth) or pre-tax (balances at face value)")
    run.add_argument("--assumptions", choices=("uncertain", "fixed"), default="uncertain",
                     help="uncertain (the default): every assumption with a prior is drawn per world, so the spread and P(ahead) "
                          "include what is not known about them (docs/model.md 8); fixed: the scenario's values in every world")
    run.add_argument("--lens", choices=("net_worth", "income_pv", "consumption_pv"), default="net_worth",
                     help="how money is valued: net_worth at the horizon (the default), or the present value of after-tax income or of "
                          "consumption over the horizon at --discount-rate")
    run.add_argument("--discount-rate", dest="discount_rate", type=_rate, default=None, metavar="RATE",
                     help="real discount rate per year for the present-value lenses (--lens income_pv or consumption_pv), from -0.1 to 0.5 (default: 0)")
    run.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="run on a dask.distributed cluster, e.g. tcp://10.0.0.5:8786 (the summary path; results identical to a local run; see docs/scale.md)")
    run.add_argument("--baseline", default=None, metavar="NAME",
                     help="the path every other is compared with (default: the first engineer-kind path, else the first path)")
    run.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    run.add_argument("--out", type=_out_folder, default=None, metavar="DIR", help="also write figures (PNG) and tidy tables (CSV, Parquet) to DIR, replacing a previous careersim run's folder as a whole")

    sub.add_parser("scenarios", help="list the bundled scenarios")

    validate = sub.add_parser("validate", help="check a scenario file: exit 0 if valid, 2 with the problems if not")
    validate.add_argument("file", help="path of a scenario .toml file (or a bundled name)")

    # `careersim app`: a bundled notebook as a web app (careersim._app; needs the notebook extras)
    app = sub.add_parser("app", help="serve the explorer (or another bundled notebook) as a web app with Voila")
    app.add_argument("notebook", nargs="?", default="explorer", help="bundled notebook name (default: %(default)s)")
    app.add_argument("--port", type=_whole_number(1, 65535), default=8866, help="port (default: %(default)s)")
    app.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s; 0.0.0.0 for every interface)")
    app.add_argument("--no-browser", dest="open_browser", action="store_false", help="do not open a web browser")
    app.add_argument("--cull-idle", type=_whole_number(0, 10**7), default=600, metavar="SECONDS",
                     help="shut down a kernel whose page is gone after SECONDS idle (default: %(default)s; 0 = never)")
    app.add_argument("--cull-interval", type=_whole_number(1, 10**7), default=60, metavar="SECONDS",
                     help="check for idle kernels every SECONDS (default: %(default)s)")
    app.add_argument("--preheat", type=_whole_number(0, 16), default=1, metavar="N",
                     help="kernels kept started, with the notebook already run, so a new page opens at once "
                          "(default: %(default)s; 0 = start a kernel per page; each waiting kernel holds ~400 MB)")
    return parser


def _resolve_scenario(args: argparse.Namespace) -> Scenario:
    from ._params import ScenarioError
    from ._scenario_io import load_scenario

    scenario = load_scenario(args.scenario)
    changes = _parse_set(args.overrides)
    _check_every_set_is_read(scenario, args.scenario, changes)
    for flag, key, value in (("--horizon", "simulation.horizon_years", args.horizon), ("--net-worth", "finances.net_worth", args.net_worth)):
        if value is None:
            continue
        if key in changes:  # two answers to one question: neither silently wins
            raise ScenarioError(f"{flag} {value} and --set {key}={changes[key]}: both set {key}; give one")
        changes[key] = value
    return scenario.replace(changes) if changes else scenario


def _check_every_set_is_read(scenario: Scenario, name: str, changes: dict[str, Any]) -> None:
    """A ``--set`` key that no path of the scenario reads (every path that would read it sets its
    own, as the ``offers`` paths do their offers) would change nothing: refused, not ignored."""
    from ._engine import unread_keys
    from ._params import ScenarioError

    # a label no path reads, or not a parameter (paths.*): Scenario.replace takes or refuses it
    keys = [k for k in changes if k.partition(".")[0] not in ("name", "description", "paths")]
    for key, own in unread_keys(scenario, keys).items():
        raise ScenarioError(f"--set {key}={changes[key]}: no path of scenario {name!r} reads it: "
                            f"{'every path that would, ' + ', '.join(own) + ', sets its own' if own else 'no path of this scenario is of a kind that uses it'}; "
                            f"to change an offer, edit its [paths] entry in a copy of the scenario file (careersim validate checks it)")


def _json_number(x: float) -> float | None:
    return float(x) if math.isfinite(float(x)) else None


def result_document(result: Result | SummaryResult, *, scenario_name: str, seed: int | None, lens: str = "net_worth", discount_rate: float = 0.0,
                    baseline: str | None = None) -> dict[str, Any]:
    """The ``--json`` document (keys fixed by issue 3), plus its ``provenance`` (issue 11), the
    assumptions and the lens (issue 13): with a present-value lens each career also carries
    ``lens_at_horizon`` and the comparisons are made through the lens."""
    import numpy as np

    from ._output import provenance
    from ._streaming import SummaryResult, comparison_pairs

    from ._results import resolve_baseline

    baseline = resolve_baseline(result.scenario, result.careers, baseline if baseline is not None else getattr(result, "baseline", None))
    table = result.horizon_table(baseline=baseline)
    careers = {
        career: {"net_worth_at_horizon": {k: _json_number(table.loc[career, k]) for k in ("p5", "p25", "p50", "p75", "p95", "mean", "mean_se")}}
        for career in result.careers
    }
    if lens != "net_worth":
        lens_table = result.horizon_table(lens=lens, discount_rate=discount_rate, baseline=baseline)
        for career in result.careers:
            careers[career]["lens_at_horizon"] = {k: _json_number(lens_table.loc[career, k]) for k in ("p5", "p25", "p50", "p75", "p95", "mean", "mean_se")}
    comparisons = []
    if isinstance(result, SummaryResult):
        medians, _ = result.median_difference_at_horizon()
        for i, (a, b) in enumerate(result.pairs):
            comparisons.append({"a": a, "b": b, "p_a_ahead": _json_number(result.p_ahead[i, -1]), "median_difference": _json_number(medians[i])})
    else:
        for a, b in comparison_pairs(result.careers, baseline):
            d = result.compare(a, b, lens=lens, discount_rate=discount_rate).difference[:, -1]
            comparisons.append({"a": a, "b": b, "p_a_ahead": _json_number((d > 0).mean()), "median_difference": _json_number(np.median(d))})
    return {
        "scenario": scenario_name,
        "seed": seed,
        "worlds": result.worlds,
        "horizon_years": result.horizon_years,
        "units": result.units,
        "net_worth": result.net_worth_basis,
        "assumptions": result.assumptions,
        "uncertain_assumptions": sorted(result.scenario.active_priors()) if result.assumptions == "uncertain" else [],
        "lens": lens,
        "discount_rate": discount_rate,
        "baseline": baseline,
        "paths": {c: result.scenario.path(c).kind for c in result.careers},
        "careers": careers,
        "comparisons": comparisons,
        "provenance": provenance(result, seed=seed),
    }


def format_table(result: Any, *, scenario_name: str, seed: int | None, lens: str = "net_worth", discount_rate: float = 0.0,
                 baseline: str | None = None) -> str:
    """The human-readable table of money through a lens (default: net worth) at the horizon:
    one row per path, with P(ahead of the baseline path) in the same worlds."""
    from ._results import resolve_baseline

    baseline = resolve_baseline(result.scenario, result.careers, baseline if baseline is not None else getattr(result, "baseline", None))
    table = (result.horizon_table(baseline=baseline) if lens == "net_worth"
             else result.horizon_table(lens=lens, discount_rate=discount_rate, baseline=baseline))
    age = result.ages[-1]
    if lens == "net_worth":
        what, more = f"{result.net_worth_basis.capitalize()} net worth at age {age}", "more net worth"
    else:
        flow = "after-tax income" if lens == "income_pv" else "consumption"
        what = f"Present value at age {result.ages[0] - 1} of {flow} to age {age}, discounted at {100 * discount_rate:g}% a year"
        more = f"a larger present value of {flow}"
    lines = [
        f"careersim: scenario {scenario_name!r}, {result.worlds:,} worlds, seed {seed}, {result.horizon_years} years (to age {age})",
        f"{what}, {result.units} (place: {result.scenario.finances.place}); "
        f"P(ahead) = share of worlds with {more} than the path '{baseline}' in the same world",
        f"Assumptions {result.assumptions}: {result.uncertainty}",
        "",
    ]
    width = max(12, *(len(c) for c in result.careers))
    ahead = f"P(ahead of {baseline})"
    lines.append(f"{'path':<{width}} {'kind':<11} {'p5':>10} {'p25':>10} {'median':>10} {'p75':>10} {'p95':>10} {'mean ± se':>20} {ahead:>{max(22, len(ahead))}}")

    def m(v: float) -> str:
        return f"{v / 1e6:,.2f}M"

    for career in result.careers:
        r = table.loc[career]
        p = "-" if career == baseline else f"{r[f'p_ahead_of_{baseline}']:.3f} ± {r[f'p_ahead_of_{baseline}_se']:.3f}"
        kind = result.scenario.path(career).kind
        lines.append(f"{career:<{width}} {kind:<11} {m(r.p5):>10} {m(r.p25):>10} {m(r.p50):>10} {m(r.p75):>10} {m(r.p95):>10} "
                     f"{m(r['mean']) + ' ± ' + m(r.mean_se):>20} {p:>{max(22, len(ahead))}}")
    return "\n".join(lines)


def _cmd_run(args: argparse.Namespace) -> int:
    import numpy as np

    from ._engine import DEFAULT_CHUNK_BLOCKS, check_request, path_memory_bytes, simulate
    from ._output import check_out_dir, write_outputs
    from ._params import ScenarioError
    from ._results import resolve_baseline
    from ._streaming import simulate_summary

    if args.discount_rate is not None and args.lens == "net_worth":
        raise ScenarioError(f"--discount-rate {args.discount_rate:g}: a rate values the present-value lenses only; add --lens income_pv or --lens consumption_pv")
    args.discount_rate = 0.0 if args.discount_rate is None else args.discount_rate
    scenario = _resolve_scenario(args)
    n_paths = len(scenario.path_names())
    resolve_baseline(scenario, scenario.path_names(), args.baseline)  # a clear error before any work
    # the run's size (worlds x careers x years against time and memory), refused before
    # anything is allocated or written
    check_request(scenario, None, args.worlds, DEFAULT_CHUNK_BLOCKS)
    out = check_out_dir(args.out) if args.out is not None else None  # before the work, not after it
    seed = args.seed
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1, dtype=np.uint32)[0])
    progress = sys.stderr.isatty()  # a bar in a log file or a pipe is noise

    summarise = path_memory_bytes(args.worlds, n_paths, scenario.simulation.horizon_years) > PATHS_LIMIT_BYTES
    if summarise and args.lens != "net_worth":
        raise ScenarioError(f"--lens {args.lens}: present-value lenses need every path, and {args.worlds:,} worlds are too many to keep "
                            f"(the run would be summarised as it goes); use at most "
                            f"{PATHS_LIMIT_BYTES // path_memory_bytes(1, n_paths, scenario.simulation.horizon_years):,} worlds")
    client = None
    if args.scheduler is not None:  # a cluster: the summary path, its tasks run there
        from ._distributed import connect

        if args.lens != "net_worth":
            raise ScenarioError(f"--lens {args.lens}: a run on a cluster (--scheduler) is summarised as it goes; present-value lenses need every path")
        client, summarise = connect(args.scheduler), True
    if summarise:
        # too many worlds to keep every path: the same worlds, summarised as they go
        try:
            result: Result | SummaryResult = simulate_summary(scenario, worlds=args.worlds, rng=seed, workers=args.workers, progress=progress, assumptions=args.assumptions,
                                                              client=client, baseline=args.baseline)
        finally:
            if client is not None:
                client.close()
    else:
        result = simulate(scenario, worlds=args.worlds, rng=seed, workers=args.workers, progress=progress, assumptions=args.assumptions)
    name = args.scenario
    doc = result_document(result, scenario_name=name, seed=seed, lens=args.lens, discount_rate=args.discount_rate, baseline=args.baseline)
    claim = _claim_of(result)
    if claim is not None:
        from .claims import claim_document

        doc["claim"] = claim_document(claim)
    if out is not None:
        write_outputs(result, out, document=doc, seed=seed, baseline=args.baseline)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(format_table(result, scenario_name=name, seed=seed, lens=args.lens, discount_rate=args.discount_rate, baseline=args.baseline))
        if claim is not None:
            from .claims import claim_headline

            print("\n" + claim_headline(claim))
        if out is not None:
            print(f"\nwrote figures and tables to {args.out}")
    return 0


def _claim_of(result: Any) -> Any:
    """The money claim's statistics for a claim scenario (bundled ``money-much-better*``),
    else None: the industry path (the residency) against the PhD, at years 5-6 and ages
    35, 45, 65 (ages past the horizon give way to its last age)."""
    from ._results import Result

    if not isinstance(result, Result) or not str(result.scenario.name).startswith("money-much-better"):
        return None
    if not {"phd", "residency"} <= set(result.careers):
        return None
    from .claims import money_claim

    last = int(result.ages[-1])
    # ages before the first simulated one are skipped; if none is left (a late start), the last age
    ages = tuple(dict.fromkeys(min(a, last) for a in (35, 45, 65) if a > result.ages[0])) or (last,)
    years = [y for y in (5, 6) if y <= result.horizon_years] or [result.horizon_years]
    return money_claim(result, claim_years=years, ages=ages)


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from ._scenario_io import bundled_scenarios

    for name, description in bundled_scenarios().items():
        print(f"{name:<20} {description}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from ._scenario_io import load_scenario

    scenario = load_scenario(args.file)
    paths = ", ".join(f"{p.name} ({p.kind})" for p in scenario.path_specs())
    print(f"{args.file}: valid ({scenario.name!r}, {len(scenario.flat())} parameters; {len(scenario.path_names())} paths: {paths})")
    return 0


def _cmd_app(args: argparse.Namespace) -> int:
    from ._app import serve

    return serve(args.notebook, port=args.port, host=args.host, open_browser=args.open_browser,
                 cull_idle=args.cull_idle, cull_interval=args.cull_interval, pool_size=args.preheat)


def _stop_workers() -> None:
    """Terminate worker processes this run started (they ignore Ctrl-C and wait for it)."""
    if "multiprocessing" not in sys.modules:
        return
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=5)


def _bad_input(message: str) -> int:
    print(f"careersim: error: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_BAD_INPUT


_NOT_INSTALLED = object()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``careersim`` command."""
    previous_handler: Any = _NOT_INSTALLED
    if not _AS_COMMAND:  # called in-process (tests, another program): restore its handler after
        try:
            previous_handler = signal.signal(signal.SIGINT, _on_sigint)
        except ValueError:  # not the main thread: Ctrl-C is not ours to handle
            pass
    _sigint["pid"] = os.getpid()
    _sigint["phase"] = "running"
    try:
        args = build_parser().parse_args(argv)
        commands = {"run": _cmd_run, "scenarios": _cmd_scenarios, "validate": _cmd_validate, "app": _cmd_app}
        return commands[args.command](args)
    except KeyboardInterrupt:
        _sigint["phase"] = "stopping"
        _stop_workers()
        output = sys.modules.get("careersim._output")
        if output is not None:
            output.discard_partial_outputs()
        print(INTERRUPTED_MESSAGE, file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        from ._params import ScenarioError

        if isinstance(exc, ScenarioError):
            return _bad_input(str(exc))
        if isinstance(exc, RecursionError):
            return _bad_input("the input is nested too deeply (a scenario value is a number, a boolean or a string)")
        if isinstance(exc, MemoryError):
            return _bad_input("out of memory; use fewer --worlds (tens of thousands give the table to within its Monte Carlo error)")
        if isinstance(exc, BrokenPipeError):
            # e.g. `careersim run | head`: not an error of ours
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG):
            # the output could not be written (a full disk, `> /dev/full`): say so, not a traceback;
            # stdout goes to /dev/null so the interpreter's last flush does not fail again
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            print(f"careersim: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
            return 1
        raise
    finally:
        _sigint["phase"] = "done"
        if _AS_COMMAND:
            # the command is over and its exit code chosen: a Ctrl-C arriving while the interpreter
            # shuts down (its exit handlers join worker threads) must not turn exit 130 into death
            # by signal (seen once on a loaded machine: return code -2 after the one-line message)
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        if previous_handler is not _NOT_INSTALLED:
            signal.signal(signal.SIGINT, previous_handler if previous_handler is not None else signal.default_int_handler)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

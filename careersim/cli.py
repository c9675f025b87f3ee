"""Command line: ``careersim run | scenarios | validate``.

Bad input never shows a traceback: one line on stderr naming the problem, exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from ._params import ScenarioError
from ._scenario import Scenario
from ._results import Result
from ._scenario_io import bundled_scenarios, load_scenario
from ._streaming import SummaryResult, comparison_pairs, simulate_summary
from .careers import CAREERS

EXIT_BAD_INPUT = 2
#: above this, `careersim run` summarises as it goes instead of keeping every path
PATHS_LIMIT_BYTES = 512 * 2**20


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # one line, no usage block: "careersim run" -> "see careersim run --help"
        self.exit(EXIT_BAD_INPUT, f"careersim: error: {message} (see {self.prog} --help)\n")


def _parse_set(items: Sequence[str]) -> dict[str, Any]:
    """``key.path=value`` pairs; values are read as TOML (numbers, booleans, quoted
    strings) and fall back to a plain string, e.g. ``market.model=bootstrap``."""
    changes: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError(f"--set {item!r}: expected key.path=value, e.g. --set phd.stipend_ta_usd=45000")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        changes[key.strip()] = value
    return changes


def _whole_number(minimum: int):
    """An argparse type: a whole number (``_`` separators allowed) of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r}: must be >= {minimum}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="careersim", description="Monte Carlo comparison of an ML PhD, an AI residency, a research-engineer job and independent research.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="simulate a scenario and print the table of net worth at the horizon")
    run.add_argument("scenario", nargs="?", default="default", help="bundled scenario name or path to a .toml file (default: %(default)s)")
    run.add_argument("--worlds", type=_whole_number(1), default=20_000, help="number of simulated worlds (default: %(default)s)")
    run.add_argument("--seed", type=_whole_number(0), default=None, help="random seed, an integer >= 0 (default: fresh entropy, printed)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help="override a parameter, e.g. --set phd.stipend_ta_usd=45000 (repeatable)")
    run.add_argument("--horizon", type=_whole_number(1), default=None, metavar="YEARS", help="simulated years (overrides simulation.horizon_years)")
    run.add_argument("--workers", type=_whole_number(0), default=1, help="worker processes, 0 = one per CPU (results do not depend on it)")
    run.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    run.add_argument("--out", type=Path, default=None, metavar="DIR", help="also write figures (PNG) and tidy tables (CSV, Parquet) to DIR")

    sub.add_parser("scenarios", help="list the bundled scenarios")

    validate = sub.add_parser("validate", help="check a scenario file: exit 0 if valid, 2 with the problems if not")
    validate.add_argument("file", help="path of a scenario .toml file (or a bundled name)")
    return parser


def _resolve_scenario(args: argparse.Namespace) -> Scenario:
    scenario = load_scenario(args.scenario)
    changes = _parse_set(args.overrides)
    if args.horizon is not None:
        changes["simulation.horizon_years"] = args.horizon
    return scenario.replace(changes) if changes else scenario


def _json_number(x: float) -> float | None:
    return float(x) if math.isfinite(float(x)) else None


def result_document(result: Result | SummaryResult, *, scenario_name: str, seed: int | None) -> dict[str, Any]:
    """The ``--json`` document (keys fixed by issue 3)."""
    table = result.horizon_table()
    careers = {
        career: {"net_worth_at_horizon": {k: _json_number(table.loc[career, k]) for k in ("p5", "p25", "p50", "p75", "p95", "mean", "mean_se")}}
        for career in result.careers
    }
    comparisons = []
    if isinstance(result, SummaryResult):
        medians, _ = result.median_difference_at_horizon()
        for i, (a, b) in enumerate(result.pairs):
            comparisons.append({"a": a, "b": b, "p_a_ahead": _json_number(result.p_ahead[i, -1]), "median_difference": _json_number(medians[i])})
    else:
        for a, b in comparison_pairs(result.careers):
            d = result.compare(a, b).difference[:, -1]
            comparisons.append({"a": a, "b": b, "p_a_ahead": _json_number((d > 0).mean()), "median_difference": _json_number(np.median(d))})
    return {
        "scenario": scenario_name,
        "seed": seed,
        "worlds": result.worlds,
        "horizon_years": result.horizon_years,
        "units": result.units,
        "careers": careers,
        "comparisons": comparisons,
    }


def format_table(result: Any, *, scenario_name: str, seed: int | None) -> str:
    """The human-readable table of net worth at the horizon."""
    table = result.horizon_table()
    age = result.ages[-1]
    lines = [
        f"careersim: scenario {scenario_name!r}, {result.worlds:,} worlds, seed {seed}, {result.horizon_years} years (to age {age})",
        f"Net worth at age {age}, {result.units}; P(ahead) = share of worlds with more net worth than the research engineer in the same world",
        "",
        f"{'career':<12} {'p5':>10} {'p25':>10} {'median':>10} {'p75':>10} {'p95':>10} {'mean ± se':>20} {'P(ahead of engineer)':>22}",
    ]

    def m(v: float) -> str:
        return f"{v / 1e6:,.2f}M"

    for career in result.careers:
        r = table.loc[career]
        p = "-" if career == "engineer" else f"{r['p_ahead_of_engineer']:.3f} ± {r['p_ahead_of_engineer_se']:.3f}"
        lines.append(f"{career:<12} {m(r.p5):>10} {m(r.p25):>10} {m(r.p50):>10} {m(r.p75):>10} {m(r.p95):>10} {m(r['mean']) + ' ± ' + m(r.mean_se):>20} {p:>22}")
    return "\n".join(lines)


def _cmd_run(args: argparse.Namespace) -> int:
    from ._engine import path_memory_bytes, simulate
    from ._output import check_out_dir, write_outputs

    scenario = _resolve_scenario(args)
    if args.out is not None:
        check_out_dir(args.out)  # before the work, not after it
    seed = args.seed
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1, dtype=np.uint32)[0])
    n_careers = len(CAREERS)
    if path_memory_bytes(args.worlds, n_careers, scenario.simulation.horizon_years) > PATHS_LIMIT_BYTES:
        # too many worlds to keep every path: the same worlds, summarised as they go
        result: Result | SummaryResult = simulate_summary(scenario, worlds=args.worlds, rng=seed, workers=args.workers, progress=True)
    else:
        result = simulate(scenario, worlds=args.worlds, rng=seed, workers=args.workers, progress=True)
    name = args.scenario
    doc = result_document(result, scenario_name=name, seed=seed)
    if args.out is not None:
        write_outputs(result, args.out, document=doc)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(format_table(result, scenario_name=name, seed=seed))
        if args.out is not None:
            print(f"\nwrote figures and tables to {args.out}")
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    for name, description in bundled_scenarios().items():
        print(f"{name:<20} {description}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.file)
    print(f"{args.file}: valid ({scenario.name!r}, {len(scenario.flat())} parameters)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``careersim`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"run": _cmd_run, "scenarios": _cmd_scenarios, "validate": _cmd_validate}
    try:
        return commands[args.command](args)
    except ScenarioError as exc:
        print(f"careersim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("careersim: interrupted; no partial output was left", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # e.g. `careersim run | head`: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

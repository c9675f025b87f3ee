"""Generate careersim's 2026 tax tables from PolicyEngine-US (calibration time only).

Run, with PolicyEngine-US installed in a calibration environment (never the project's)::

    python -m careersim._taxgen --out careersim/data

(``make tax-tables`` builds that environment and runs this.) Nothing in careersim imports
this module; the engine reads the generated CSVs through :mod:`careersim._tax`.

What is tabulated, for a single filer aged 30 with no dependants, under the calculator's
current law for 2026 (which includes the 2025 reconciliation act, OBBBA):

* per place and income kind, federal, state and city income tax as a function of gross
  income of that kind alone: ``wages`` (W-2, PolicyEngine ``employment_income``),
  ``fellowship`` (a taxable non-service scholarship or fellowship stipend, Schedule 1
  "other income", PolicyEngine ``miscellaneous_income``: income tax, no payroll tax) and
  ``self_employment`` (Schedule C net profit, PolicyEngine ``self_employment_income``:
  SE tax, the deduction for half of it, and the section 199A deduction);
* employee payroll tax on wages (Social Security to the wage base, Medicare, Additional
  Medicare Tax), the employee's state payroll contributions (CA SDI, NY PFL and DBL, WA
  PFML and WA Cares, MA PFML, ...) and self-employment tax;
* for each place and tax, the marginal rate on qualified dividends stacked on top of wage
  income (``dividends_on_wages``) and on top of a fellowship (``dividends_on_fellowship``), measured as the calculator's extra tax on ``DIVIDEND_STEP_USD`` of dividends
  centred on each grid point, so the integral of the tabulated rate is the tax on a
  dividend amount (see :func:`careersim._tax.dividend_tax`).

Each curve is computed on a dense grid (``GRID_STEP_USD``) from 0 to ``GRID_TOP_USD``,
then thinned: a point is dropped when linear interpolation between the points kept
reproduces every dense point within ``TOLERANCE_USD`` (rates: ``TOLERANCE_RATE``).

Whether a traditional 401(k) deferral reduces a tax's base is not assumed: the generator
asks the calculator (wages with a deferral against the same wages without) and records the
answer per place and tax in the ``base`` column: ``wages_minus_pretax_deferral`` or
``wages``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import hashlib
import json
import platform
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

YEAR = 2026
AGE = 30
GRID_STEP_USD = 25.0
GRID_TOP_USD = 2_000_000.0
TOLERANCE_USD = 0.5
TOLERANCE_RATE = 2e-4
DIVIDEND_STEP_USD = 200.0
DEFERRAL_PROBE_USD = 20_000.0
CHECK_CASES_PER_PLACE = 60
CHECK_SEED = 2026
VALIDATION_POINTS = 4_001

TABLES_NAME = f"tax_tables_{YEAR}.csv"
CHECK_NAME = f"tax_check_{YEAR}.csv"
PROVENANCE_NAME = f"tax_tables_{YEAR}.provenance.json"

#: place -> (state code, in New York City); "elsewhere" is filled in by `choose_elsewhere`
PLACES: dict[str, tuple[str, bool]] = {
    "bay_area": ("CA", False),
    "seattle": ("WA", False),
    "nyc": ("NY", True),
    "boston": ("MA", False),
    "austin": ("TX", False),
}
PLACE_NOTES = {
    "bay_area": "California (San Francisco / Santa Clara county: no city income tax).",
    "seattle": "Washington: no income tax on wages or dividends (its capital-gains excise on long-term gains above ~$270k is not tabulated).",
    "nyc": "New York State plus the New York City resident income tax.",
    "boston": "Massachusetts, including the 4% surtax on income above ~$1M.",
    "austin": (
        "Lower-cost metro: Austin, Texas (no state or local income tax). Chosen over Pittsburgh "
        "because the calculator models it completely: PolicyEngine-US models no Pittsburgh "
        "earned income tax (of Pennsylvania's local taxes it has only Philadelphia's)."
    ),
}
STATES_AND_DC = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
ELSEWHERE_WAGE_USD = 150_000.0

#: income kind -> PolicyEngine input variable
INCOME_VARIABLES = {
    "wages": "employment_income",
    "fellowship": "miscellaneous_income",
    "self_employment": "self_employment_income",
}
#: income kind -> the income kind of the table of marginal rates on dividends on top of it
DIVIDEND_KINDS = {"wages": "dividends_on_wages", "fellowship": "dividends_on_fellowship"}
#: table component -> PolicyEngine output variables summed
INCOME_TAX_COMPONENTS = {
    "federal_income_tax": ("income_tax",),  # after refundable credits; includes NIIT
    "state_income_tax": ("state_income_tax",),
    "city_income_tax": ("local_income_tax",),
}
FEDERAL_PAYROLL = ("employee_social_security_tax", "employee_medicare_tax", "additional_medicare_tax")
STATE_PAYROLL = ("employee_state_payroll_tax",)
SELF_EMPLOYMENT_TAX = ("self_employment_tax", "additional_medicare_tax")
RATE_COMPONENT = {
    "federal_income_tax": "federal_marginal_rate",
    "state_income_tax": "state_marginal_rate",
    "city_income_tax": "city_marginal_rate",
}


def _import_calculator():
    try:
        from policyengine_us import Simulation
    except ImportError:
        sys.exit(
            "careersim._taxgen needs PolicyEngine-US (pip install policyengine-us in a calibration venv; see `make tax-tables`)"
        )
    return Simulation


def _situation(state: str, in_nyc: bool, people: list[dict], *, axis: dict | None = None) -> dict:
    """A PolicyEngine situation with one single filer per household, one household each."""
    sit: dict = {k: {} for k in ("people", "tax_units", "spm_units", "families", "marital_units", "households")}
    for i, inputs in enumerate(people):
        p = f"p{i}"
        sit["people"][p] = {"age": {str(YEAR): AGE}} | {k: {str(YEAR): float(v)} for k, v in inputs.items()}
        for group, prefix in (("tax_units", "t"), ("spm_units", "s"), ("families", "f"), ("marital_units", "m")):
            sit[group][f"{prefix}{i}"] = {"members": [p]}
        hh = {"members": [p], "state_code": {str(YEAR): state}}
        if in_nyc:
            hh["in_nyc"] = {str(YEAR): True}
        sit["households"][f"h{i}"] = hh
    if axis is not None:
        sit["axes"] = [[axis | {"period": str(YEAR)}]]
    return sit


class Calculator:
    """Thin wrapper: run PolicyEngine-US on a grid of one input, or on a list of cases."""

    def __init__(self) -> None:
        self.Simulation = _import_calculator()

    def grid(self, state, in_nyc, variable, lo, hi, count, fixed=None):
        axis = {"name": variable, "min": lo, "max": hi, "count": count}
        sim = self.Simulation(situation=_situation(state, in_nyc, [fixed or {}], axis=axis))
        return sim

    def cases(self, state, in_nyc, people):
        return self.Simulation(situation=_situation(state, in_nyc, people))


def _calc(sim, names) -> np.ndarray:
    return sum(np.asarray(sim.calculate(n, YEAR), dtype=float) for n in names)


def thin(x: np.ndarray, y: np.ndarray, tol: float) -> np.ndarray:
    """Indices of points to keep so that linear interpolation through them reproduces
    every ``(x, y)`` within ``tol`` (greedy: the longest segment from each kept point
    whose chord stays within ``tol``, found by galloping then bisection)."""
    n = len(x)

    def ok(i: int, j: int) -> bool:
        if j <= i + 1:
            return True
        xs, ys = x[i : j + 1], y[i : j + 1]
        line = ys[0] + (ys[-1] - ys[0]) * (xs - xs[0]) / (xs[-1] - xs[0])
        return bool(np.max(np.abs(line - ys)) <= tol)

    keep = [0]
    i = 0
    while i < n - 1:
        step = 1
        while i + step < n - 1 and ok(i, i + step):
            step *= 2
        lo, hi = max(1, step // 2), min(step, n - 1 - i)
        if ok(i, i + hi):
            lo = hi
        else:
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if ok(i, i + mid):
                    lo = mid
                else:
                    hi = mid
        i += lo
        keep.append(i)
    return np.array(keep)


def _refine_cliffs(calc, state, in_nyc, variable, x, taxes, *, jump_usd=2.0, max_cells=400):
    """Where a curve jumps within one grid cell (a cliff: its change there differs by more
    than ``jump_usd`` from both neighbouring cells' changes), ask the calculator again at
    every whole dollar inside the cell, so that linear interpolation misses the
    calculator only within $1 of a discontinuity."""
    flagged = set()
    for y in taxes.values():
        d = np.diff(y)
        cell = np.flatnonzero((np.abs(d[1:-1] - d[:-2]) > jump_usd) & (np.abs(d[1:-1] - d[2:]) > jump_usd)) + 1
        flagged.update(cell.tolist())
        if abs(d[0] - d[1]) > jump_usd:  # a jump right above zero income (e.g. WA's credit)
            flagged.add(0)
    cells = sorted(flagged)[:max_cells]
    if not cells:
        return x, taxes, 0
    h = x[1] - x[0]
    new_x = np.concatenate([x[i] + np.arange(1.0, h) for i in cells])
    sim = calc.cases(state, in_nyc, [{variable: float(v)} for v in new_x])
    got_x = np.asarray(sim.calculate(variable, YEAR), dtype=float)
    xs = np.concatenate([x, got_x])
    order = np.argsort(xs, kind="stable")
    fine = {}
    for c, y in taxes.items():
        fine[c] = np.concatenate([y, _calc(sim, INCOME_TAX_COMPONENTS[c])])[order]
    xs = xs[order]
    keep = np.concatenate([[True], np.diff(xs) > 0])
    return xs[keep], {c: v[keep] for c, v in fine.items()}, len(cells)


def choose_elsewhere(calc: Calculator) -> tuple[str, list[tuple[str, float]]]:
    """The median of the 50 states and DC by state income tax on a $150k wage."""
    sit = _situation("CA", False, [{"employment_income": ELSEWHERE_WAGE_USD}] * len(STATES_AND_DC))
    for i, st in enumerate(STATES_AND_DC):
        sit["households"][f"h{i}"]["state_code"] = {str(YEAR): st}
    sim = calc.Simulation(situation=sit)
    tax = _calc(sim, ("state_income_tax",))
    ranked = sorted(zip(STATES_AND_DC, tax.tolist()), key=lambda kv: (kv[1], kv[0]))
    return ranked[len(ranked) // 2][0], ranked


def build(out: Path, *, step: float = GRID_STEP_USD, argv: list[str] | None = None) -> dict:
    calc = Calculator()
    elsewhere, ranking = choose_elsewhere(calc)
    places = dict(PLACES) | {"elsewhere": (elsewhere, False)}
    notes = dict(PLACE_NOTES) | {
        "elsewhere": (
            f"Representative other state: {elsewhere}, the median (26th of 51) of the 50 states and DC "
            f"ranked by the calculator's {YEAR} state income tax on a ${ELSEWHERE_WAGE_USD:,.0f} wage (single filer)."
        )
    }
    count = int(round(GRID_TOP_USD / step)) + 1
    rows: list[tuple] = []  # (place, kind, component, base, x, value)
    dense: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    deferral_probe: dict[str, dict[str, float]] = {}

    def add(place, kind, component, base, x, y, tol):
        keep = thin(x, y, tol)
        dense[(place, kind, component)] = (x, y)
        for k in keep:
            rows.append((place, kind, component, base, float(x[k]), float(y[k])))

    payroll_ref = None
    cliffs: dict[str, int] = {}
    for place, (state, nyc) in places.items():
        print(f"[taxgen] {place} ({state})", file=sys.stderr, flush=True)
        bases: dict[str, str] = {}
        for kind, variable in INCOME_VARIABLES.items():
            sim = calc.grid(state, nyc, variable, 0.0, GRID_TOP_USD, count)
            x = np.asarray(sim.calculate(variable, YEAR), dtype=float)
            taxes = {c: _calc(sim, v) for c, v in INCOME_TAX_COMPONENTS.items()}
            xf, taxes_fine, n_cliffs = _refine_cliffs(calc, state, nyc, variable, x, taxes)
            cliffs[f"{place}/{kind}"] = n_cliffs
            if kind == "wages":
                # does a traditional 401(k) deferral reduce each tax's base? ask the calculator
                probe = calc.grid(state, nyc, variable, 0.0, GRID_TOP_USD, count, {"traditional_401k_contributions_desired": DEFERRAL_PROBE_USD})
                mask = x >= 3 * DEFERRAL_PROBE_USD
                deferral_probe[place] = {}
                for c, names in INCOME_TAX_COMPONENTS.items():
                    with_deferral = _calc(probe, names)[mask]
                    err_less = float(np.max(np.abs(with_deferral - np.interp(x[mask] - DEFERRAL_PROBE_USD, x, taxes[c]))))
                    err_full = float(np.max(np.abs(with_deferral - taxes[c][mask])))
                    bases[c] = "wages_minus_pretax_deferral" if err_less < err_full else "wages"
                    deferral_probe[place][c] = {"base": bases[c], "max_abs_error_usd": min(err_less, err_full), "other_base_max_abs_error_usd": max(err_less, err_full)}
                payroll = _calc(sim, FEDERAL_PAYROLL)
                if payroll_ref is None:
                    payroll_ref = payroll
                    add("us", "wages", "federal_payroll_tax", "wages", x, payroll, TOLERANCE_USD)
                elif np.max(np.abs(payroll - payroll_ref)) > 0.05:
                    raise RuntimeError(f"federal payroll tax differs by place ({place})")
                add(place, "wages", "state_payroll_tax", "wages", x, _calc(sim, STATE_PAYROLL), TOLERANCE_USD)
            if kind in DIVIDEND_KINDS:
                # dividends: extra tax on DIVIDEND_STEP_USD, centred on x + step/2
                div = calc.grid(state, nyc, variable, 0.0, GRID_TOP_USD, count, {"qualified_dividend_income": DIVIDEND_STEP_USD})
                for c, names in INCOME_TAX_COMPONENTS.items():
                    rate = (_calc(div, names) - taxes[c]) / DIVIDEND_STEP_USD
                    xr = np.concatenate([[0.0], x + DIVIDEND_STEP_USD / 2])
                    rate = np.concatenate([[rate[0]], rate])
                    add(place, DIVIDEND_KINDS[kind], RATE_COMPONENT[c], bases[c] if kind == "wages" else "fellowship", xr, rate, TOLERANCE_RATE)
            elif kind == "self_employment" and place == "bay_area":
                add("us", "self_employment", "self_employment_tax", "self_employment_income", x, _calc(sim, SELF_EMPLOYMENT_TAX), TOLERANCE_USD)
            base_of = {"wages": None, "fellowship": "fellowship", "self_employment": "self_employment_income"}
            for c, y in taxes_fine.items():
                add(place, kind, c, base_of[kind] or bases[c], xf, y, TOLERANCE_USD)

    out.mkdir(parents=True, exist_ok=True)
    tables_path = out / TABLES_NAME
    with tables_path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["place", "income_kind", "component", "base", "gross_usd", "value"])
        for place, kind, comp, base, x, v in rows:
            w.writerow([place, kind, comp, base, _fmt_x(x), f"{v:.6f}" if comp.endswith("_rate") else f"{v:.2f}"])

    print("[taxgen] check cases", file=sys.stderr, flush=True)
    check_path = out / CHECK_NAME
    _write_check(calc, places, check_path)

    print("[taxgen] validation against the calculator off the grid", file=sys.stderr, flush=True)
    validation = _validate(calc, places, tables_path, count)

    prov = {
        "calculator": "PolicyEngine-US",
        "calculator_versions": {p: metadata.version(p) for p in ("policyengine-us", "policyengine-core")},
        "python": platform.python_version(),
        "numpy": np.__version__,
        "law_year": YEAR,
        "law": "the calculator's current law for 2026 (includes the 2025 reconciliation act, OBBBA)",
        "filing_status": "single, one adult aged 30, no dependants, standard deduction, no other income",
        "currency": f"{YEAR} nominal US dollars",
        "date_generated": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m careersim._taxgen " + " ".join(argv if argv is not None else sys.argv[1:]),
        "places": {p: {"state": s, "in_nyc": n, "note": notes[p]} for p, (s, n) in places.items()},
        "elsewhere_ranking_state_income_tax_on_150k_wage": [[s, round(t, 2)] for s, t in ranking],
        "income_variables": INCOME_VARIABLES,
        "components": {
            **{c: list(v) for c, v in INCOME_TAX_COMPONENTS.items()},
            "federal_payroll_tax": list(FEDERAL_PAYROLL),
            "state_payroll_tax": list(STATE_PAYROLL),
            "self_employment_tax": list(SELF_EMPLOYMENT_TAX),
            "*_marginal_rate": f"(tax with ${DIVIDEND_STEP_USD:.0f} of qualified_dividend_income - tax without) / {DIVIDEND_STEP_USD:.0f}, at wages or fellowship gross_usd - {DIVIDEND_STEP_USD / 2:.0f}",
        },
        "grid": {"step_usd": step, "top_usd": GRID_TOP_USD, "thinning_tolerance_usd": TOLERANCE_USD, "thinning_tolerance_rate": TOLERANCE_RATE},
        "deferral_probe": {"deferral_usd": DEFERRAL_PROBE_USD, "wages_at_least_usd": 3 * DEFERRAL_PROBE_USD, "result": deferral_probe},
        "cliffs_refined_to_1_usd": cliffs,
        "validation_off_grid": validation,
        "sha256": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tables_path, check_path)},
    }
    (out / PROVENANCE_NAME).write_text(json.dumps(prov, indent=2) + "\n")
    return prov


def _fmt_x(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


CHECK_COLUMNS = [
    "case",
    "place",
    "income_kind",
    "gross_usd",
    "pretax_deferral_usd",
    "qualified_dividends_usd",
    "federal_income_tax",
    "state_income_tax",
    "city_income_tax",
    "federal_payroll_tax",
    "state_payroll_tax",
    "self_employment_tax",
]


def _check_inputs(rng: np.random.Generator, n: int) -> list[dict]:
    cases = []
    for i in range(n):
        kind = ("wages", "wages", "fellowship", "self_employment")[i % 4]
        gross = float(np.round(np.exp(rng.uniform(np.log(2_000.0), np.log(2_000_000.0))) if rng.random() < 0.7 else rng.uniform(0, 400_000), 2))
        deferral = 0.0
        if kind == "wages" and rng.random() < 0.5:
            deferral = float(np.round(rng.uniform(0.0, min(23_500.0, 0.5 * gross)), 2))
        dividends = float(np.round(np.exp(rng.uniform(np.log(10.0), np.log(40_000.0))), 2)) if rng.random() < 0.5 else 0.0
        cases.append({"income_kind": kind, "gross_usd": gross, "pretax_deferral_usd": deferral, "qualified_dividends_usd": dividends})
    return cases


def _write_check(calc: Calculator, places: dict, path: Path) -> None:
    rng = np.random.default_rng(CHECK_SEED)
    rows = []
    for place, (state, nyc) in places.items():
        cases = _check_inputs(rng, CHECK_CASES_PER_PLACE)
        people = []
        for c in cases:
            p = {INCOME_VARIABLES[c["income_kind"]]: c["gross_usd"], "qualified_dividend_income": c["qualified_dividends_usd"]}
            if c["pretax_deferral_usd"]:
                p["traditional_401k_contributions_desired"] = c["pretax_deferral_usd"]
            people.append(p)
        sim = calc.cases(state, nyc, people)
        res = {
            **{c: _calc(sim, v) for c, v in INCOME_TAX_COMPONENTS.items()},
            "federal_payroll_tax": _calc(sim, FEDERAL_PAYROLL) - _calc(sim, ("additional_medicare_tax",)) + np.where(np.array([c["income_kind"] == "wages" for c in cases]), _calc(sim, ("additional_medicare_tax",)), 0.0),
            "state_payroll_tax": _calc(sim, STATE_PAYROLL),
            "self_employment_tax": _calc(sim, ("self_employment_tax",)) + np.where(np.array([c["income_kind"] == "self_employment" for c in cases]), _calc(sim, ("additional_medicare_tax",)), 0.0),
        }
        for i, c in enumerate(cases):
            rows.append([len(rows), place, c["income_kind"], c["gross_usd"], c["pretax_deferral_usd"], c["qualified_dividends_usd"], *(round(float(res[k][i]), 2) for k in CHECK_COLUMNS[6:])])
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CHECK_COLUMNS)
        w.writerows(rows)


def _validate(calc: Calculator, places: dict, tables_path: Path, count: int) -> dict:
    """Max abs error of the shipped tables against the calculator on an off-grid grid."""
    from . import _tax

    tables = _tax.load_tax_tables(tables_path)
    result: dict = {}
    lo, hi = 7.31, GRID_TOP_USD - 13.17  # not multiples of the grid step
    for place, (state, nyc) in places.items():
        result[place] = {}
        for kind, variable in INCOME_VARIABLES.items():
            sim = calc.grid(state, nyc, variable, lo, hi, VALIDATION_POINTS)
            x = np.asarray(sim.calculate(variable, YEAR), dtype=float)
            for c, names in INCOME_TAX_COMPONENTS.items():
                err = np.abs(tables.lookup(place, kind, c, x) - _calc(sim, names))
                result[place][f"{kind}/{c}"] = round(float(err.max()), 3)
            if kind == "wages":
                err = np.abs(tables.lookup("us", "wages", "federal_payroll_tax", x) - _calc(sim, FEDERAL_PAYROLL))
                result[place]["wages/federal_payroll_tax"] = round(float(err.max()), 3)
                err = np.abs(tables.lookup(place, "wages", "state_payroll_tax", x) - _calc(sim, STATE_PAYROLL))
                result[place]["wages/state_payroll_tax"] = round(float(err.max()), 3)
            if kind == "self_employment":
                err = np.abs(tables.lookup("us", "self_employment", "self_employment_tax", x) - _calc(sim, SELF_EMPLOYMENT_TAX))
                result[place]["self_employment/self_employment_tax"] = round(float(err.max()), 3)
        print(f"[taxgen] validation {place}: max abs error {max(result[place].values()):.3f} USD", file=sys.stderr, flush=True)
    result["points_per_curve"] = VALIDATION_POINTS
    result["range_usd"] = [lo, hi]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m careersim._taxgen", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data", help="folder to write the CSVs and provenance into")
    parser.add_argument("--step", type=float, default=GRID_STEP_USD, help="dense grid step, USD")
    args = parser.parse_args(argv)
    argv = sys.argv[1:] if argv is None else argv
    prov = build(args.out, step=args.step, argv=argv)
    print(json.dumps({"sha256": prov["sha256"], "elsewhere": prov["places"]["elsewhere"]["state"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Writing a run's figures and tidy tables to a folder, atomically.

Everything is first written into a fresh temporary folder beside the target; only when
every file is complete are they moved into place, each with an atomic :func:`os.replace`.
A run that fails or is interrupted (an exception, Ctrl-C) removes the temporary folder,
so the target never holds a half-written file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ._params import ScenarioError
from ._results import Result
from ._streaming import SummaryResult


def _pairs(result: Result) -> list[tuple[str, str]]:
    """The comparisons written by --out: each career against the engineer, and the
    residency against the PhD (the money claim's pair)."""
    pairs = [(a, "engineer") for a in result.careers if a != "engineer" and "engineer" in result.careers]
    if "phd" in result.careers and "residency" in result.careers:
        pairs.append(("residency", "phd"))
    return pairs


def tidy_tables(result: Result | SummaryResult) -> dict[str, pd.DataFrame]:
    """The tables written by ``careersim run --out``, by file stem."""
    if isinstance(result, SummaryResult):
        return {"summary": result.summary(), "horizon": result.horizon_table().reset_index(), "comparisons": result.comparisons()}
    comparisons = [result.compare(a, b) for a, b in _pairs(result)]
    tables = {
        "summary": pd.concat([result.summary("net_worth"), result.summary("income")], ignore_index=True),
        "horizon": result.horizon_table().reset_index(),
        "status_shares": result.status_shares(),
    }
    if comparisons:
        tables["comparisons"] = pd.concat([c.summary() for c in comparisons], ignore_index=True)
        tables["catch_up"] = pd.concat([c.catch_up().assign(a=c.a, b=c.b) for c in comparisons], ignore_index=True)
    return tables


def _figures(result: Result | SummaryResult, folder: Path) -> list[str]:
    from . import plotting

    if isinstance(result, SummaryResult):
        jobs = {"fan_chart.png": lambda ax: plotting.plot_fan(result, ax=ax)}
        return _draw(jobs, folder)
    jobs = {
        "fan_chart.png": lambda ax: plotting.plot_fan(result, ax=ax),
        "distribution_at_horizon.png": lambda ax: plotting.plot_distribution(result, ax=ax),
        "p_ahead.png": lambda ax: plotting.plot_p_ahead(result, ax=ax),
    }
    for a, b in _pairs(result):
        jobs[f"difference_{a}_vs_{b}.png"] = lambda ax, a=a, b=b: plotting.plot_difference(result, a, b, ax=ax)
    return _draw(jobs, folder)


def _draw(jobs: dict, folder: Path) -> list[str]:
    # a bare Figure (no pyplot): leaves the caller's backend and open figures alone
    from matplotlib.figure import Figure

    written = []
    for name, draw in jobs.items():
        fig = Figure(figsize=(8, 4.8), layout="constrained")
        draw(fig.add_subplot())
        fig.savefig(folder / name, dpi=110)
        written.append(name)
    return written


class ResultsFileError(ValueError):
    """A results file (written by ``careersim run --out``) is missing, truncated,
    corrupted or not of the expected shape. The message names the file and the problem."""


#: columns every table written by --out must have, by file stem
TABLE_COLUMNS = {
    "summary": ("career", "year", "age", "variable", "statistic", "value", "se"),
    "horizon": ("career", "p5", "p25", "p50", "p75", "p95", "mean", "mean_se"),
    "comparisons": ("a", "b", "year", "age", "statistic", "value", "se"),
}


def read_results(path: str | os.PathLike[str], table: str = "summary") -> pd.DataFrame:
    """Read back a table written by ``careersim run --out``.

    Parameters
    ----------
    path
        The output folder, or one ``.csv`` / ``.parquet`` file in it.
    table
        The table's stem when ``path`` is a folder: ``summary``, ``horizon``,
        ``comparisons``, ... (Parquet is preferred, then CSV).

    Returns
    -------
    DataFrame

    Raises
    ------
    ResultsFileError
        If the file is missing, truncated or corrupted, or lacks the table's columns.
        Files are parsed as data (CSV, Parquet); nothing in them is executed.
    """
    p = Path(path)
    if p.is_dir():
        candidates = [p / f"{table}.parquet", p / f"{table}.csv"]
        found = [c for c in candidates if c.is_file()]
        if not found:
            raise ResultsFileError(f"{p}: no {table}.parquet or {table}.csv in this folder")
        p = found[0]
    if not p.is_file():
        raise ResultsFileError(f"{p}: no such results file")
    stem = p.name.rsplit(".", 1)[0]
    try:
        if p.suffix == ".parquet":
            frame = pd.read_parquet(p)
        elif p.suffix == ".csv":
            frame = pd.read_csv(p)
        else:
            raise ResultsFileError(f"{p}: not a results file (expected .csv or .parquet)")
    except ResultsFileError:
        raise
    except Exception as exc:  # pyarrow and the CSV parser raise many types for bad bytes
        raise ResultsFileError(f"{p}: cannot be read as {p.suffix[1:].upper()}, it may be truncated or corrupted ({type(exc).__name__}: {str(exc)[:200]})") from None
    missing = [c for c in TABLE_COLUMNS.get(stem, ()) if c not in frame.columns]
    if missing:
        raise ResultsFileError(f"{p}: missing column(s) {', '.join(missing)}; a {stem} table has {', '.join(TABLE_COLUMNS[stem])}")
    if "value" in frame.columns and not pd.api.types.is_numeric_dtype(frame["value"]):
        raise ResultsFileError(f"{p}: column 'value' is not numeric; the file is corrupted")
    return frame


def check_out_dir(out_dir: str | os.PathLike[str]) -> None:
    """Refuse an output folder that cannot be written, before any work is done.

    Raises
    ------
    ScenarioError
        If the path exists and is not a folder, or its nearest existing ancestor is not
        a writable folder.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ScenarioError(f"--out {out}: exists and is not a folder")
    probe = out if out.exists() else out.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise ScenarioError(f"--out {out}: cannot create or write here ({probe} is not a writable folder)")


def write_outputs(result: Result | SummaryResult, out_dir: str | os.PathLike[str], *, document: dict[str, Any] | None = None) -> list[Path]:
    """Write PNG figures, CSV and Parquet tables (and ``result.json``) to ``out_dir``.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ScenarioError
        If ``out_dir`` exists and is not a folder, or cannot be created or written.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ScenarioError(f"--out {out}: exists and is not a folder")
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    except OSError as exc:
        raise ScenarioError(f"--out {out}: cannot create the folder ({exc.strerror})") from None
    try:
        names = _figures(result, tmp)
        tables = tidy_tables(result)
        if isinstance(result, Result) and {"phd", "residency"} <= set(result.careers):
            from .claims import claim_outputs

            extra = claim_outputs(result)
            names += _draw(extra["figures"], tmp)
            tables.update(extra["tables"])
        for stem, table in tables.items():
            table.to_csv(tmp / f"{stem}.csv", index=False)
            table.to_parquet(tmp / f"{stem}.parquet", index=False)
            names += [f"{stem}.csv", f"{stem}.parquet"]
        if document is not None:
            (tmp / "result.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
            names.append("result.json")
        (tmp / "scenario.toml").write_text(result.scenario.to_toml(), encoding="utf-8")
        names.append("scenario.toml")
        out.mkdir(exist_ok=True)
        written = []
        for name in names:
            os.replace(tmp / name, out / name)
            written.append(out / name)
        return written
    except OSError as exc:
        raise ScenarioError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

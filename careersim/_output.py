"""Writing a run's figures and tidy tables to a folder, as a whole, with provenance.

Everything is first written into a fresh temporary folder beside the target
(``.NAME.careersim-partial-PID-*``); only when every file is complete does that folder
take the target's place: on Linux with one atomic ``renameat2(RENAME_EXCHANGE)``,
elsewhere with two renames (the old folder aside, the new one in). The previous
contents are then deleted, so the folder holds exactly one run's files. A run that fails
or is interrupted (an exception, Ctrl-C) leaves the previous contents untouched and
removes its temporary folder; one killed outright leaves it behind, and the next run into
the same folder removes it.

A folder that exists, is not empty and has no ``provenance.json`` was not written by
careersim and is refused, so a mistyped ``--out`` cannot wipe it.

Every file carries the run's provenance (:func:`provenance`): ``provenance.json``,
``result.json`` (a ``provenance`` key), the CSV tables (a leading ``# provenance: {...}``
line), the Parquet tables (schema metadata ``careersim.provenance``) and the PNG figures
(text chunk ``careersim.provenance``). :func:`read_provenance` reads it back from any of them.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import shutil
import signal
import stat
import sys
import threading
from pathlib import Path
from typing import Any

import pandas as pd

from ._params import ScenarioError
from ._results import Result, resolve_baseline
from ._streaming import SummaryResult

#: the file that marks a folder as written by careersim (and holds the provenance)
PROVENANCE_FILE = "provenance.json"
#: key of the provenance in Parquet schema metadata and PNG text chunks
PROVENANCE_KEY = "careersim.provenance"
#: first characters of a CSV table's provenance line
CSV_PROVENANCE_PREFIX = "# provenance: "
#: temporary folders are named f".{target name}{PARTIAL_MARK}{pid}-{random}"
PARTIAL_MARK = ".careersim-partial-"

#: temporary folders of writes in progress in this process (removed on Ctrl-C)
_LIVE_PARTIALS: set[Path] = set()


def _pairs(result: Result, baseline: str) -> list[tuple[str, str]]:
    """The comparisons written by --out: each path against the baseline, and the residency
    against the PhD (the money claim's pair) when both are simulated."""
    pairs = [(a, baseline) for a in result.careers if a != baseline]
    if {"phd", "residency"} <= set(result.careers) and not {("residency", "phd"), ("phd", "residency")} & set(pairs):
        pairs.append(("residency", "phd"))
    return pairs


def provenance(result: Result | SummaryResult, *, seed: int | None = None) -> dict[str, Any]:
    """Where a run's numbers come from: written into every output file.

    Parameters
    ----------
    result
        The run.
    seed
        The seed it was run with; None takes ``result.seed_entropy`` when the run was
        seeded with a plain integer.

    Returns
    -------
    dict
        ``careersim_version``, ``scenario`` (its name), ``scenario_sha256`` (of the
        canonical TOML ``scenario.to_toml()``, UTF-8: the bytes of the written
        ``scenario.toml``), ``seed``, ``worlds`` and ``assumptions`` (``"fixed"``: every
        parameter a fixed value; ``"uncertain"``: the assumptions with a prior drawn per world).
    """
    from . import __version__

    if seed is None and isinstance(getattr(result, "seed_entropy", None), int) and not tuple(getattr(result, "seed_spawn_key", ()) or ()):
        seed = result.seed_entropy
    return {
        "careersim_version": __version__,
        "scenario": result.scenario.name,
        "scenario_sha256": hashlib.sha256(result.scenario.to_toml().encode("utf-8")).hexdigest(),
        "seed": None if seed is None else int(seed),
        "worlds": int(result.worlds),
        "assumptions": getattr(result, "assumptions", "fixed"),
    }


def _provenance_text(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True)  # one line, ASCII


def tidy_tables(result: Result | SummaryResult, *, baseline: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables written by ``careersim run --out``, by file stem; P(ahead) and the paired
    comparisons against ``baseline`` (default: the run's, as :func:`careersim.resolve_baseline`)."""
    baseline = resolve_baseline(result.scenario, result.careers, baseline if baseline is not None else getattr(result, "baseline", None))
    if isinstance(result, SummaryResult):
        return {"summary": result.summary(), "horizon": result.horizon_table(baseline=baseline).reset_index(), "comparisons": result.comparisons()}
    comparisons = [result.compare(a, b) for a, b in _pairs(result, baseline)]
    tables = {
        "summary": pd.concat([result.summary("net_worth"), result.summary("income")], ignore_index=True),
        "horizon": result.horizon_table(baseline=baseline).reset_index(),
        "status_shares": result.status_shares(),
    }
    if comparisons:
        tables["comparisons"] = pd.concat([c.summary() for c in comparisons], ignore_index=True)
        tables["catch_up"] = pd.concat([c.catch_up().assign(a=c.a, b=c.b) for c in comparisons], ignore_index=True)
    return tables


def _figures(result: Result | SummaryResult, folder: Path, *, baseline: str, metadata: dict[str, str] | None = None) -> list[str]:
    from . import plotting

    if isinstance(result, SummaryResult):
        jobs = {"fan_chart.png": lambda ax: plotting.plot_fan(result, ax=ax)}
        return _draw(jobs, folder, metadata=metadata)
    jobs = {
        "fan_chart.png": lambda ax: plotting.plot_fan(result, ax=ax),
        "distribution_at_horizon.png": lambda ax: plotting.plot_distribution(result, ax=ax),
    }
    if len(result.careers) > 1:  # one path has no other to be ahead of
        jobs["p_ahead.png"] = lambda ax: plotting.plot_p_ahead(result, baseline=baseline, ax=ax)
    for a, b in _pairs(result, baseline):
        jobs[f"difference_{a}_vs_{b}.png"] = lambda ax, a=a, b=b: plotting.plot_difference(result, a, b, ax=ax)
    return _draw(jobs, folder, metadata=metadata)


def _draw(jobs: dict, folder: Path, *, metadata: dict[str, str] | None = None) -> list[str]:
    # a bare Figure (no pyplot): leaves the caller's backend and open figures alone
    from matplotlib.figure import Figure

    written = []
    for name, draw in jobs.items():
        fig = Figure(figsize=(8, 4.8), layout="constrained")
        draw(fig.add_subplot())
        fig.savefig(folder / name, dpi=110, metadata=metadata)
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


def _csv_provenance_line(p: Path) -> str | None:
    with open(p, "rb") as f:
        first = f.readline(1 << 16)
    text = first.decode("utf-8", errors="replace").rstrip("\r\n")
    return text if text.startswith("#") else None


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
        With the run's provenance (see :func:`provenance`) in ``frame.attrs["provenance"]``
        when the file carries it.

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
            # the leading "# provenance: {...}" line, and only that line, is a comment
            frame = pd.read_csv(p, skiprows=1 if _csv_provenance_line(p) is not None else 0)
        else:
            raise ResultsFileError(f"{p}: not a results file (expected .csv or .parquet)")
        record = read_provenance(p)
    except ResultsFileError:
        raise
    except Exception as exc:  # pyarrow and the CSV parser raise many types for bad bytes
        raise ResultsFileError(f"{p}: cannot be read as {p.suffix[1:].upper()}, it may be truncated or corrupted ({type(exc).__name__}: {str(exc)[:200]})") from None
    missing = [c for c in TABLE_COLUMNS.get(stem, ()) if c not in frame.columns]
    if missing:
        raise ResultsFileError(f"{p}: missing column(s) {', '.join(missing)}; a {stem} table has {', '.join(TABLE_COLUMNS[stem])}")
    if "value" in frame.columns and not pd.api.types.is_numeric_dtype(frame["value"]):
        raise ResultsFileError(f"{p}: column 'value' is not numeric; the file is corrupted")
    if record is not None:
        frame.attrs["provenance"] = record
    return frame


def read_provenance(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The provenance (see :func:`provenance`) of a file written by ``careersim run --out``.

    Parameters
    ----------
    path
        An output folder (its ``provenance.json``), or one ``.json``, ``.csv``,
        ``.parquet`` or ``.png`` file in it.

    Returns
    -------
    dict or None
        None if the file carries no provenance (e.g. written by an older careersim).

    Raises
    ------
    ResultsFileError
        If the file is missing or its provenance cannot be read.
    """
    p = Path(path)
    if p.is_dir():
        p = p / PROVENANCE_FILE
    if not p.is_file():
        raise ResultsFileError(f"{p}: no such results file")
    try:
        if p.suffix == ".json":
            with open(p, "rb") as f:
                doc = json.loads(f.read(1 << 20))
            text = None
            record = doc.get("provenance", doc) if isinstance(doc, dict) else None
            if not isinstance(record, dict) or "careersim_version" not in record:
                return None
            return record
        if p.suffix == ".csv":
            line = _csv_provenance_line(p)
            text = line[len(CSV_PROVENANCE_PREFIX):] if line is not None and line.startswith(CSV_PROVENANCE_PREFIX) else None
        elif p.suffix == ".parquet":
            import pyarrow.parquet as pq

            metadata = pq.read_schema(p).metadata or {}
            raw = metadata.get(PROVENANCE_KEY.encode())
            text = raw.decode("utf-8") if raw is not None else None
        elif p.suffix == ".png":
            from PIL import Image

            with Image.open(p) as image:
                text = image.text.get(PROVENANCE_KEY)
        else:
            raise ResultsFileError(f"{p}: not a results file (expected .json, .csv, .parquet or .png)")
        return None if text is None else json.loads(text)
    except ResultsFileError:
        raise
    except Exception as exc:
        raise ResultsFileError(f"{p}: cannot read its provenance, it may be truncated or corrupted ({type(exc).__name__}: {str(exc)[:200]})") from None


def _is_careersim_folder(folder: Path) -> bool:
    try:
        return read_provenance(folder / PROVENANCE_FILE) is not None
    except ResultsFileError:
        return False


def _target(out_dir: str | os.PathLike[str]) -> Path:
    text = os.fspath(out_dir)
    if not str(text).strip():
        raise ScenarioError("--out '': an empty path (it would mean the current folder); name a folder, e.g. --out results/")
    return Path(text).resolve()  # symlinks and ".." resolved: the folder actually replaced


def check_out_dir(out_dir: str | os.PathLike[str]) -> Path:
    """Refuse an output folder that cannot or must not be replaced, before any work is done.

    Returns
    -------
    Path
        The folder, resolved (symlinks followed).

    Raises
    ------
    ScenarioError
        If the path is empty, exists and is not a folder, is the current folder or
        contains it, is a non-empty folder not written by careersim (no
        ``provenance.json``), or its parent cannot be created or written.
    """
    given = os.fspath(out_dir)
    out = _target(out_dir)
    if out.exists() and not out.is_dir():
        raise ScenarioError(f"--out {given}: exists and is not a folder")
    cwd = Path.cwd().resolve()
    if out == cwd or out in cwd.parents or out.parent == out:
        raise ScenarioError(f"--out {given}: is the current folder or contains it, and --out replaces the folder as a whole; name a new folder, e.g. --out results/")
    if out.is_dir() and any(out.iterdir()) and not _is_careersim_folder(out):
        raise ScenarioError(
            f"--out {given}: the folder is not empty and was not written by careersim (no {PROVENANCE_FILE}); "
            f"--out replaces a folder as a whole, so name a new or empty folder (or one an earlier careersim run wrote)"
        )
    probe = out.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise ScenarioError(f"--out {given}: cannot create or write here ({probe} is not a writable folder)")
    try:
        name_max = os.pathconf(probe, "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    # the folder is written beside itself under ".{name}{PARTIAL_MARK}{pid}-{8 hex}" first
    longest = name_max - (1 + len(PARTIAL_MARK.encode()) + 10 + 1 + 8)
    if len(out.name.encode()) > longest:
        raise ScenarioError(f"--out {given}: the folder's name is {len(out.name.encode())} bytes long; at most {longest} here "
                            f"(it is first written beside itself under a longer temporary name)")
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ScenarioError(f"--out {given}: writes its tables as Parquet too, which needs pyarrow: pip install 'careersim[parquet]'") from None
    return out


def _process_start_time(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), on Linux; else None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        with open("/proc/stat", "rb") as f:
            boot = next(float(line.split()[1]) for line in f if line.startswith(b"btime"))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def _partial_is_stale(path: Path, pid: int) -> bool:
    """A temporary folder whose writer is gone: its process is dead, or the pid now
    belongs to a process that started after the folder was last written."""
    if pid == os.getpid():
        return path not in _LIVE_PARTIALS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        pass  # alive, another user's
    started = _process_start_time(pid)
    try:
        written = path.lstat().st_mtime
    except OSError:
        return False
    return started is not None and started > written + 1.0


def _new_partial_folder(out: Path) -> Path:
    """A new, empty temporary folder beside ``out`` with the permissions the finished folder
    should have: those of the empty folder it replaces, else a plain ``mkdir``'s (the umask's).
    (``tempfile.mkdtemp`` makes it 0700, and the swap would hand the user a private folder.)"""
    while True:
        tmp = out.parent / f".{out.name}{PARTIAL_MARK}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            tmp.mkdir()
            break
        except FileExistsError:  # pragma: no cover - 32 random bits taken
            continue
    if out.is_dir():
        os.chmod(tmp, stat.S_IMODE(out.stat().st_mode))
    return tmp


def remove_stale_partials(out: Path) -> list[Path]:
    """Remove temporary folders left beside ``out`` by killed runs (see :func:`write_outputs`)."""
    prefix = f".{out.name}{PARTIAL_MARK}"
    removed = []
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix):].split("-", 1)[0]
        if not pid_text.isdigit() or not entry.is_dir(follow_symlinks=False):
            continue
        path = Path(entry.path)
        if _partial_is_stale(path, int(pid_text)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def discard_partial_outputs() -> None:
    """Remove this process's temporary folders (the CLI calls it on Ctrl-C)."""
    for path in list(_LIVE_PARTIALS):
        shutil.rmtree(path, ignore_errors=True)
        _LIVE_PARTIALS.discard(path)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(new: Path, out: Path) -> Path | None:
    """Put folder ``new`` at ``out``; return the path now holding the old contents, if any."""
    if not os.path.lexists(out):
        os.rename(new, out)  # an empty folder created meanwhile is replaced too
        return None
    if _exchange(new, out):
        return new
    old = new.with_name(new.name + "-old")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        os.rename(old, out)
        raise
    return old


class _NoInterrupt:
    """Hold Ctrl-C (delivered after) while the folders are swapped, in the main thread."""

    def __enter__(self) -> None:
        self.blocked = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
        if self.blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def __exit__(self, *exc: object) -> None:
        if self.blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _write_table(table: pd.DataFrame, folder: Path, stem: str, record_text: str) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open(folder / f"{stem}.csv", "w", encoding="utf-8", newline="") as f:
        f.write(CSV_PROVENANCE_PREFIX + record_text + "\n")
        table.to_csv(f, index=False)
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), PROVENANCE_KEY.encode(): record_text.encode()})
    pq.write_table(arrow, folder / f"{stem}.parquet")
    return [f"{stem}.csv", f"{stem}.parquet"]


def write_outputs(
    result: Result | SummaryResult,
    out_dir: str | os.PathLike[str],
    *,
    document: dict[str, Any] | None = None,
    seed: int | None = None,
    baseline: str | None = None,
) -> list[Path]:
    """Write PNG figures, CSV and Parquet tables, ``scenario.toml``, ``provenance.json``
    (and ``result.json``) to ``out_dir``, replacing its contents as a whole.

    Parameters
    ----------
    result
        The run.
    out_dir
        The folder: new, empty, or written by an earlier careersim run.
    document
        Written as ``result.json`` (given a ``provenance`` key if it has none).
    seed
        The run's seed, for the provenance (see :func:`provenance`).
    baseline
        The path the tables' P(ahead) and the comparisons are against (default: the run's
        baseline, else the first engineer-kind path, else the first path).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ScenarioError
        If ``out_dir`` must not be replaced (see :func:`check_out_dir`) or cannot be
        written; its previous contents are then untouched.
    """
    given = os.fspath(out_dir)
    out = check_out_dir(out_dir)
    baseline = resolve_baseline(result.scenario, result.careers, baseline if baseline is not None else getattr(result, "baseline", None))
    record = provenance(result, seed=seed)
    record_text = _provenance_text(record)
    missing_parents = []
    probe = out.parent
    while not probe.exists() and probe != probe.parent:
        missing_parents.append(probe)
        probe = probe.parent
    tmp: Path | None = None
    done = False
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(out)
        tmp = _new_partial_folder(out)
        _LIVE_PARTIALS.add(tmp)
        metadata = {PROVENANCE_KEY: record_text}
        names = _figures(result, tmp, baseline=baseline, metadata=metadata)
        tables = tidy_tables(result, baseline=baseline)
        if isinstance(result, Result) and {"phd", "residency"} <= set(result.careers):
            from .claims import claim_outputs

            extra = claim_outputs(result)
            names += _draw(extra["figures"], tmp, metadata=metadata)
            tables.update(extra["tables"])
        for stem, table in tables.items():
            names += _write_table(table, tmp, stem, record_text)
        if document is not None:
            document = document if "provenance" in document else {**document, "provenance": record}
            (tmp / "result.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
            names.append("result.json")
        (tmp / "scenario.toml").write_bytes(result.scenario.to_toml().encode("utf-8"))  # the bytes hashed in the provenance
        names.append("scenario.toml")
        (tmp / PROVENANCE_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        names.append(PROVENANCE_FILE)
        check_out_dir(out)  # again: the folder may have changed during the run
        with _NoInterrupt():
            old = _swap_in(tmp, out)
            _LIVE_PARTIALS.discard(tmp)
            if old is not None:
                _LIVE_PARTIALS.add(old)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
            _LIVE_PARTIALS.discard(old)
        done = True
        return [out / name for name in names]
    except OSError as exc:
        raise ScenarioError(f"--out {given}: cannot write ({exc.strerror or exc})") from None
    finally:
        if tmp is not None and tmp in _LIVE_PARTIALS:
            shutil.rmtree(tmp, ignore_errors=True)
            _LIVE_PARTIALS.discard(tmp)
        if not done:
            for folder in missing_parents:  # the folders this call created, deepest first
                try:
                    folder.rmdir()
                except OSError:
                    break

"""Reading scenarios from TOML: bundled names or paths, strictly validated.

Scenario files are data only: they are parsed with :mod:`tomllib` and nothing in them
is executed or imported. Only regular files of at most :data:`MAX_SCENARIO_BYTES` are
read (never a FIFO, a device or a folder, which could block or never end), integers
must fit TOML's 64 bits, and values may nest at most :data:`MAX_NESTING` levels.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from ._params import Prior, ScenarioError, suggest
from ._paths import paths_from_table
from ._scenario import SECTIONS, Scenario

DEFAULT_SCENARIO = "default"
#: the largest scenario file read (the bundled ones are a few KiB)
MAX_SCENARIO_BYTES = 2**20
#: deepest nesting of tables and arrays in a scenario (sections hold plain values: 2)
MAX_NESTING = 16
#: TOML integers are 64-bit signed
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _short(value: Any, limit: int = 40) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 128:
        return f"<an integer of about {abs(value).bit_length() * 0.30103:,.0f} digits>"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...>"


def check_toml_values(data: Mapping[str, Any], *, origin: str, single_key: bool = False) -> None:
    """Refuse what TOML itself does not allow but :mod:`tomllib` accepts: integers beyond
    64 bits; and values nested deeper than :data:`MAX_NESTING`. Iterative, so any depth
    is safe.

    Raises
    ------
    ScenarioError
        Naming the key, the value and what is allowed.
    """
    stack: list[tuple[str, Any, int]] = [(str(k), v, 1) for k, v in data.items()]
    while stack:
        key, value, depth = stack.pop()
        shown = f"{origin} {key}={_short(value)}" if single_key else f"{origin}: {key} = {_short(value)}"
        if depth > MAX_NESTING:
            root = key.split("[", 1)[0]
            raise ScenarioError(f"{origin}{' ' if single_key else ': '}{root}: nested more than {MAX_NESTING} levels deep; a scenario value is a number, a boolean or a string")
        if isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
            raise ScenarioError(f"{shown}: an integer beyond TOML's 64-bit range [{INT64_MIN:,}, {INT64_MAX:,}]; write a float such as 1e30 if a huge number is meant")
        if isinstance(value, Mapping):
            stack.extend((f"{key}.{k}", v, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{key}[{i}]", v, depth + 1) for i, v in enumerate(value))


def parse_toml(text: str, *, origin: str) -> dict[str, Any]:
    """Parse scenario TOML text; every failure is a one-line :class:`ScenarioError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin}: malformed TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{origin}: tables or arrays nested too deeply to read; a scenario nests at most {MAX_NESTING} levels") from None
    except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
        raise ScenarioError(f"{origin}: cannot be read ({' '.join(str(exc).split())[:200]})") from None
    check_toml_values(data, origin=origin)
    return data


def read_scenario_file(path: Path) -> str:
    """The text of a scenario file: a regular file of at most :data:`MAX_SCENARIO_BYTES`.

    Opened without blocking, so a FIFO (or ``/dev/stdin`` on a pipe or terminal) is
    refused instead of waited on; devices such as ``/dev/zero`` and folders are refused too.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read scenario file ({exc.strerror or exc})") from None
    limit = f"a scenario is a regular file of at most {MAX_SCENARIO_BYTES // 2**20} MiB"
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ScenarioError(f"{path}: is a folder, not a scenario file; {limit}")
        if not stat.S_ISREG(st.st_mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file"
            raise ScenarioError(f"{path}: is {kind}, not a regular file; {limit}")
        if st.st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"{path}: is {st.st_size:,} bytes; {limit}")
        chunks, size = [], 0
        while size <= MAX_SCENARIO_BYTES:
            chunk = os.read(fd, MAX_SCENARIO_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"{path}: is larger than {MAX_SCENARIO_BYTES:,} bytes (it grew while read); {limit}")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read scenario file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: is not UTF-8 text (byte {exc.start}); a scenario file is TOML text") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # universal newlines, as open() reads


def _scenario_dir() -> Any:
    return resources.files("careersim") / "data" / "scenarios"


def bundled_scenarios() -> dict[str, str]:
    """Names of the bundled scenarios with their one-line descriptions.

    Returns
    -------
    dict
        ``{name: description}``, sorted by name.
    """
    out = {}
    for entry in sorted(_scenario_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            out[entry.name[: -len(".toml")]] = str(data.get("description", ""))
    return out


def scenario_from_dict(data: Mapping[str, Any], *, origin: str = "scenario") -> Scenario:
    """Build a validated :class:`Scenario` from nested tables; missing keys take defaults.

    Raises
    ------
    ScenarioError
        For an unknown section or key (with a did-you-mean suggestion), a value of the
        wrong type, or a value out of its allowed range.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{origin}: expected a table of sections, got {type(data).__name__}")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "priors":
            kwargs["priors"] = _priors_from_table(value, origin=origin)
            continue
        if key == "paths":
            kwargs["paths"] = paths_from_table(value, origin=origin)
            continue
        if key in ("name", "description"):
            if not isinstance(value, str):
                raise ScenarioError(f"{origin}: {key} = {_short(value)}: must be a string")
            kwargs[key] = value
            continue
        if key not in SECTIONS:
            options = list(SECTIONS) + ["name", "description", "paths", "priors"]
            raise ScenarioError(f"{origin}: unknown section {_short(key)}{suggest(key, options)}; allowed: {', '.join(SECTIONS)}")
        if not isinstance(value, Mapping):
            raise ScenarioError(f"{origin}: {key} must be a table of parameters, got {_short(value)}")
        cls = SECTIONS[key]
        names = [f.name for f in dataclasses.fields(cls)]
        for name in value:
            if name not in names:
                raise ScenarioError(f"{origin}: unknown key '{key}.{name}'{suggest(name, names, prefix=key + '.')}")
        try:
            kwargs[key] = cls(**value)
        except ScenarioError as exc:
            raise ScenarioError(f"{origin}: {exc}") from None
    try:
        return Scenario(**kwargs)
    except ScenarioError as exc:  # a rule across sections, paths or priors
        raise ScenarioError(f"{origin}: {exc}") from None


def _priors_from_table(table: Any, *, origin: str) -> tuple[tuple[str, Prior | None], ...]:
    """The ``[priors]`` table: ``"section.key" = "off"`` or ``{kind = ..., spread = ..., why = ...}``."""
    if not isinstance(table, Mapping):
        raise ScenarioError(f"{origin}: priors must be a table of dotted keys, got {_short(table)}")
    out = []
    for key, value in table.items():
        if value == "off":
            out.append((key, None))
            continue
        if not isinstance(value, Mapping):
            raise ScenarioError(f"{origin}: priors.{key} = {_short(value)}: must be \"off\" or a table {{kind = \"odds\" | \"ratio\" | \"shift\", spread = number, why = \"...\"}}")
        unknown = set(value) - {"kind", "spread", "why"}
        if unknown:
            name = sorted(unknown)[0]
            raise ScenarioError(f"{origin}: unknown key 'priors.{key}.{name}'{suggest(name, ['kind', 'spread', 'why'])}; allowed: kind, spread, why")
        if "kind" not in value or "spread" not in value:
            raise ScenarioError(f"{origin}: priors.{key} = {_short(value)}: needs kind and spread")
        if not isinstance(value.get("why", ""), str):
            raise ScenarioError(f"{origin}: priors.{key}.why = {_short(value['why'])}: must be a string")
        try:
            out.append((key, Prior(value["kind"], value["spread"], value.get("why", ""))))
        except ScenarioError as exc:
            raise ScenarioError(f"{origin}: priors.{key}: {exc}") from None
    return tuple(out)


def load_scenario(name_or_path: str | Path = DEFAULT_SCENARIO) -> Scenario:
    """Load a bundled scenario by name, or a TOML file by path.

    Parameters
    ----------
    name_or_path
        A bundled scenario name (see :func:`bundled_scenarios`) or the path of a TOML file.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        If the file is missing or unreadable, is not a regular file of at most 1 MiB
        (a FIFO, a device, a folder), is not valid UTF-8 TOML, holds an integer beyond
        64 bits or values nested too deeply, or holds an invalid value.

    Examples
    --------
    >>> import careersim
    >>> careersim.load_scenario("default").simulation.horizon_years
    40
    """
    if isinstance(name_or_path, Path) or (isinstance(name_or_path, str) and (name_or_path.endswith(".toml") or "/" in name_or_path)):
        path = Path(name_or_path)
        text = read_scenario_file(path)
        origin = str(path)
    elif isinstance(name_or_path, str):
        entry = _scenario_dir() / f"{name_or_path}.toml"
        if not entry.is_file():
            names = list(bundled_scenarios())
            raise ScenarioError(
                f"{name_or_path!r} is neither a bundled scenario{suggest(name_or_path, names)} nor a .toml path; "
                f"bundled: {', '.join(names)}"
            )
        text = entry.read_text(encoding="utf-8")
        origin = f"bundled scenario {name_or_path!r}"
    else:
        raise ScenarioError(f"scenario = {name_or_path!r}: must be a bundled name or a path to a .toml file")
    return scenario_from_dict(parse_toml(text, origin=origin), origin=origin)

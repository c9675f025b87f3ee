"""Reading scenarios from TOML: bundled names or paths, strictly validated.

Scenario files are data only: they are parsed with :mod:`tomllib` and nothing in them
is executed or imported.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from ._params import ScenarioError, suggest
from ._scenario import SECTIONS, Scenario

DEFAULT_SCENARIO = "default"


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
        if key in ("name", "description"):
            if not isinstance(value, str):
                raise ScenarioError(f"{origin}: {key} = {value!r}: must be a string")
            kwargs[key] = value
            continue
        if key not in SECTIONS:
            options = list(SECTIONS) + ["name", "description"]
            raise ScenarioError(f"{origin}: unknown section {key!r}{suggest(key, options)}; allowed: {', '.join(SECTIONS)}")
        if not isinstance(value, Mapping):
            raise ScenarioError(f"{origin}: {key} must be a table of parameters, got {value!r}")
        cls = SECTIONS[key]
        names = [f.name for f in dataclasses.fields(cls)]
        for name in value:
            if name not in names:
                raise ScenarioError(f"{origin}: unknown key '{key}.{name}'{suggest(name, names, prefix=key + '.')}")
        try:
            kwargs[key] = cls(**value)
        except ScenarioError as exc:
            raise ScenarioError(f"{origin}: {exc}") from None
    return Scenario(**kwargs)


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
        If the file is missing or unreadable, is not valid TOML, or holds an invalid value.

    Examples
    --------
    >>> import careersim
    >>> careersim.load_scenario("default").simulation.horizon_years
    40
    """
    if isinstance(name_or_path, Path) or (isinstance(name_or_path, str) and (name_or_path.endswith(".toml") or "/" in name_or_path)):
        path = Path(name_or_path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ScenarioError(f"{path}: no such scenario file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"{path}: cannot read scenario file ({exc.__class__.__name__}: {exc})") from None
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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin}: malformed TOML: {exc}") from None
    return scenario_from_dict(data, origin=origin)

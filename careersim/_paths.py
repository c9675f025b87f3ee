"""Named paths: a person's own offers, each one of the four career kinds with its own values.

A **career** is one of the four kinds (``phd``, ``residency``, ``engineer``, ``independent``); a
**path** is a named career with its own offer: the kind plus overrides of the parameters that
describe an offer. A scenario without paths has the four careers as its paths, named by their
kind, exactly as before. With ``[paths]`` a scenario lists any number (1 to
:data:`MAX_PATHS`) of them::

    [paths.phd-boston-fellowship]
    kind = "phd"
    phd = { fellowship_probability = 1.0, ta_probability = 0.0, stipend_fellowship_usd = 50_000 }
    finances = { place = "boston" }

A path may override its own kind's section and the sections that describe an offer and where
it is lived (:data:`OFFER_SECTIONS`: employment terms, layoff risk, finances and place); the
market, the regime and the person are the world's, shared by every path, so that every path
is lived in the same worlds (common random numbers).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from ._params import ScenarioError, short_repr, suggest

#: the four career kinds (the same ids as careersim.CAREERS, without importing the engine)
KINDS: tuple[str, ...] = ("phd", "residency", "engineer", "independent")
#: sections a path may override besides its own kind's: the terms of an offer and the place
OFFER_SECTIONS: tuple[str, ...] = ("employment", "layoffs", "finances")
#: the most paths one scenario may define
MAX_PATHS = 16
#: a path's name: lower-case letters, digits, "-" and "_", starting with a letter
NAME_PATTERN = re.compile(r"\A[a-z][a-z0-9_-]{0,39}\Z")  # \Z: "$" also matches before a final newline


@dataclasses.dataclass(frozen=True)
class PathSpec:
    """One named path: its ``name``, its career ``kind`` and ``overrides``, ``((dotted key, value), ...)``."""

    name: str
    kind: str
    overrides: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        where = f"paths.{self.name}" if isinstance(self.name, str) else "paths"
        if not isinstance(self.name, str) or not NAME_PATTERN.match(self.name):
            raise ScenarioError(f"{where}: the name {short_repr(self.name)} must be 1-40 lower-case letters, digits, '-' or '_', starting with a letter "
                                f"(e.g. phd-boston-fellowship)")
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            hint = suggest(self.kind, KINDS) if isinstance(self.kind, str) else ""
            raise ScenarioError(f"{where}.kind = {short_repr(self.kind)}: must be one of {', '.join(KINDS)}{hint}")
        if isinstance(self.overrides, Mapping):
            object.__setattr__(self, "overrides", tuple(self.overrides.items()))
        allowed = (self.kind, *OFFER_SECTIONS)
        for item in self.overrides:
            if not isinstance(item, tuple) or len(item) != 2 or not isinstance(item[0], str):
                raise ScenarioError(f"{where}: override {short_repr(item)} must be a (dotted key, value) pair")
            section = item[0].partition(".")[0]
            if item[0] == "finances.net_worth":
                raise ScenarioError(f"{where}: 'finances.net_worth' is how results are reported, the same for every path; set it for the scenario")
            if section not in allowed:
                raise ScenarioError(f"{where}: {item[0]!r} cannot differ between paths: a {self.kind} path may override {', '.join(s + '.*' for s in allowed)}; "
                                    f"the market, the regime and the person are the world's, shared by every path")

    @property
    def changes(self) -> dict[str, Any]:
        return dict(self.overrides)


def default_paths() -> tuple[PathSpec, ...]:
    """The four careers as paths, each named by its kind, with no overrides."""
    return tuple(PathSpec(k, k) for k in KINDS)


def check_paths(paths: tuple[PathSpec, ...]) -> None:
    """Refuse duplicate names and more than :data:`MAX_PATHS` paths (each path checks itself)."""
    if len(paths) > MAX_PATHS:
        raise ScenarioError(f"paths: {len(paths)} paths; at most {MAX_PATHS} may be compared in one scenario")
    seen: set[str] = set()
    for p in paths:
        if not isinstance(p, PathSpec):
            raise ScenarioError(f"paths: {short_repr(p)} must be a careersim PathSpec")
        if p.name in seen:
            raise ScenarioError(f"paths.{p.name}: defined twice; each path needs a name of its own")
        seen.add(p.name)


def paths_from_table(table: Any, *, origin: str) -> tuple[PathSpec, ...]:
    """The ``[paths]`` table of a scenario file: ``{name: {kind = ..., section = {key = value}}}``."""
    if not isinstance(table, Mapping) or not table:
        raise ScenarioError(f"{origin}: paths must be a table of named paths, e.g. [paths.my-offer] with kind = \"engineer\"; got {short_repr(table)}")
    out = []
    for name, body in table.items():
        if not isinstance(body, Mapping):
            raise ScenarioError(f"{origin}: paths.{name} must be a table with kind = one of {', '.join(KINDS)}, got {short_repr(body)}")
        if "kind" not in body:
            raise ScenarioError(f"{origin}: paths.{name} has no kind; add kind = one of {', '.join(KINDS)}")
        overrides = []
        for section, values in body.items():
            if section == "kind":
                continue
            if not isinstance(values, Mapping):
                options = ("kind", body["kind"] if isinstance(body["kind"], str) else "", *OFFER_SECTIONS)
                hint = "" if section in options else suggest(section, options)
                raise ScenarioError(f"{origin}: paths.{name}.{section} = {short_repr(values)}: a path holds kind and tables of overrides "
                                    f"({body['kind']}, {', '.join(OFFER_SECTIONS)}){hint}")
            overrides.extend((f"{section}.{k}", v) for k, v in values.items())
        try:
            out.append(PathSpec(str(name), body["kind"], tuple(overrides)))
        except ScenarioError as exc:
            raise ScenarioError(f"{origin}: {exc}") from None
    return tuple(out)


def paths_to_table(paths: tuple[PathSpec, ...]) -> dict[str, Any]:
    """The inverse of :func:`paths_from_table`, for writing a scenario back to TOML."""
    out: dict[str, Any] = {}
    for p in paths:
        body: dict[str, Any] = {"kind": p.kind}
        for key, value in p.overrides:
            section, _, name = key.partition(".")
            body.setdefault(section, {})[name] = value
        out[p.name] = body
    return out

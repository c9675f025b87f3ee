"""Machinery for frozen, validated parameter dataclasses.

Every scenario field is declared with :func:`param`, which records its unit, allowed
range, documentation and source as dataclass field metadata. :class:`Params` validates
every field in ``__post_init__`` so that an invalid value can never be held by a
parameter object, and so that the generated docs (docs/scenarios.md) and the error
messages read from one place.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import field
from typing import Any


class ScenarioError(ValueError):
    """Raised for any invalid scenario: unknown key, wrong type, value out of range,
    missing file or malformed TOML. The message names the key, the value and what is
    allowed."""


def param(
    default: Any,
    *,
    unit: str,
    doc: str,
    source: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare one scenario parameter with its unit, allowed range, doc and source."""
    return field(
        default=default,
        metadata={
            "unit": unit,
            "doc": doc,
            "source": source,
            "low": low,
            "high": high,
            "low_open": low_open,
            "high_open": high_open,
            "choices": choices,
        },
    )


def allowed_text(f: dataclasses.Field) -> str:
    """Human-readable description of what values a field allows."""
    m = f.metadata
    if m.get("choices"):
        return "one of " + ", ".join(repr(c) for c in m["choices"])
    kind = "an integer" if isinstance(f.default, int) else "a finite number"
    lo, hi = m.get("low"), m.get("high")
    if lo is None and hi is None:
        return kind
    left = "(" if m.get("low_open") else "["
    right = ")" if m.get("high_open") else "]"
    lo_s = "-inf" if lo is None else f"{lo:g}"
    hi_s = "inf" if hi is None else f"{hi:g}"
    return f"{kind} in {left}{lo_s}, {hi_s}{right}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Params:
    """Base class: validates and normalises every field declared with :func:`param`."""

    #: the TOML table this section is read from; set by subclasses
    section = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            object.__setattr__(self, f.name, _check_field(self.section, f, value))
        self._check_relations()

    def _check_relations(self) -> None:
        """Checks between fields; subclasses override."""

    def _fail(self, key: str, value: Any, allowed: str) -> None:
        raise ScenarioError(f"{self.section}.{key} = {value!r}: must be {allowed}")


def _check_field(section: str, f: dataclasses.Field, value: Any) -> Any:
    key = f"{section}.{f.name}" if section else f.name
    m = f.metadata
    if not m:
        return value
    allowed = allowed_text(f)
    if m.get("choices"):
        if not isinstance(value, str) or value not in m["choices"]:
            raise ScenarioError(f"{key} = {value!r}: must be {allowed}")
        return value
    if isinstance(f.default, str):
        if not isinstance(value, str):
            raise ScenarioError(f"{key} = {value!r}: must be a string")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"{key} = {value!r}: must be {allowed}, not {type(value).__name__}")
    if isinstance(f.default, int):
        if isinstance(value, float):
            if not value.is_integer():
                raise ScenarioError(f"{key} = {value!r}: must be {allowed}")
            value = int(value)
    else:
        value = float(value)
        if not math.isfinite(value):
            raise ScenarioError(f"{key} = {value!r}: must be {allowed}")
    lo, hi = m.get("low"), m.get("high")
    if lo is not None and (value < lo or (m.get("low_open") and value == lo)):
        raise ScenarioError(f"{key} = {value!r}: must be {allowed}")
    if hi is not None and (value > hi or (m.get("high_open") and value == hi)):
        raise ScenarioError(f"{key} = {value!r}: must be {allowed}")
    return value

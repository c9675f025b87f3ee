"""Machinery for frozen, validated parameter dataclasses.

Every scenario field is declared with :func:`param`, which records its unit, allowed
range, documentation and source as dataclass field metadata. :class:`Params` validates
every field in ``__post_init__`` so that an invalid value can never be held by a
parameter object, and so that the generated docs (docs/scenarios.md) and the error
messages read from one place.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
from collections.abc import Iterable
from dataclasses import field
from typing import Any

import numpy as np


class ScenarioError(ValueError):
    """Raised for any invalid scenario: unknown key, wrong type, value out of range,
    missing file or malformed TOML. The message names the key, the value and what is
    allowed."""


class ArgumentError(ScenarioError, TypeError):
    """Raised for a bad argument to a simulation call: ``worlds``, ``careers``, ``rng``,
    ``workers``, ``chunk_blocks``, ``reuse`` or ``scenario`` of the wrong type or value,
    or a request far beyond what the machine can do. The message names the argument, the
    value and what is allowed.

    It is a :class:`ScenarioError` (so one ``except ScenarioError`` catches every bad
    input), and both a :class:`ValueError` and a :class:`TypeError`, as numpy and SciPy
    raise one or the other for the same mistakes.
    """


def suggest(word: str, options: Iterable[str], *, prefix: str = "") -> str:
    """' (did you mean ...?)' for the closest option, or ''."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {prefix + close[0]!r}?)" if close else ""


def short_repr(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a huge literal cannot flood a message."""
    try:
        text = repr(value)
    except ValueError:  # an int beyond Python's str conversion limit
        text = f"<an integer of about {value.bit_length() * 0.30103:,.0f} digits>"
    return text if len(text) <= limit else text[: limit - 5] + "...>"


def is_number(value: Any) -> bool:
    """A real number: a Python or numpy int or float, not a bool (True is not 1 here) and not
    text that would convert to one."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def is_whole_number(value: Any) -> bool:
    """A Python or numpy integer, not a bool (30.0 and '30' are not whole numbers here)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def one_or_many(value: Any, one: type | tuple[type, ...]) -> tuple:
    """``value`` as a tuple: one ``one`` (e.g. a name, a number) is a tuple of one, a list,
    tuple or array its items; anything else ``()``, which callers refuse."""
    if isinstance(value, one):
        return (value,)
    return tuple(value) if isinstance(value, (list, tuple, np.ndarray)) else ()


#: kinds of prior: where the scenario's value sits and how a draw moves away from it
PRIOR_KINDS = {
    "odds": "a probability (or a share in [0, 1]) whose odds are multiplied or divided by up to `spread`",
    "ratio": "a positive amount multiplied or divided by up to `spread`",
    "shift": "an amount moved up or down by up to `spread`",
}


@dataclasses.dataclass(frozen=True)
class Prior:
    """How unsure an assumption is: a symmetric triangular distribution around the scenario's
    value, on the scale the kind names (log-odds, log, or the value itself).

    The scenario's value is the mode, so a prior follows whatever value a scenario or a slider
    sets; ``spread`` is the factor (``odds``, ``ratio``) or the amount (``shift``) at the
    distribution's ends. A draw beyond the key's allowed range is clipped to it. ``why`` is the
    source or argument for the spread.
    """

    kind: str
    spread: float
    why: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or self.kind not in PRIOR_KINDS:
            raise ScenarioError(f"prior kind = {short_repr(self.kind)}: must be one of {', '.join(PRIOR_KINDS)}")
        lowest = 1.0 if self.kind in ("odds", "ratio") else 0.0
        if isinstance(self.spread, bool) or not isinstance(self.spread, numbers.Real) or not math.isfinite(self.spread) or self.spread < lowest:
            raise ScenarioError(f"prior spread = {short_repr(self.spread)}: must be a finite number >= {lowest:g} for kind {self.kind!r} ({PRIOR_KINDS[self.kind]}; {lowest:g} = no uncertainty)")
        if self.kind in ("odds", "ratio") and self.spread > 100.0:
            raise ScenarioError(f"prior spread = {short_repr(self.spread)}: must be at most 100 for kind {self.kind!r}")
        object.__setattr__(self, "spread", float(self.spread))

    @property
    def half_width(self) -> float:
        """Half-width of the triangle on its own scale (log-odds, log, or units of the value)."""
        return math.log(self.spread) if self.kind in ("odds", "ratio") else self.spread

    def describe(self) -> str:
        if self.kind == "shift":
            return f"triangular, the value \u00b1 {self.spread:g}"
        what = "odds" if self.kind == "odds" else "value"
        return f"triangular, the {what} \u00d7/\u00f7 {self.spread:g}"


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
    prior: Prior | None = None,
) -> Any:
    """Declare one scenario parameter with its unit, allowed range, doc and source, and, for an
    uncertain assumption, its :class:`Prior`."""
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
            "prior": prior,
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
        raise ScenarioError(f"{self.section}.{key} = {short_repr(value)}: must be {allowed}")

    def _fail_sum(self, keys: tuple[str, ...], total: float) -> None:
        """A rule over several keys broke: name every one, since any may be the one set."""
        names = " + ".join(f"{self.section}.{k}" for k in keys)
        values = " + ".join(f"{getattr(self, k):g}" for k in keys)
        raise ScenarioError(f"{names} = {values} = {total:g}: must be at most 1 (they are shares of one whole)")


def _check_field(section: str, f: dataclasses.Field, value: Any) -> Any:
    m = f.metadata
    if not m:
        return value
    given = value

    def bad(allowed: str | None = None, note: str = "") -> ScenarioError:
        # built only for a bad value: scenarios are validated whole on every change, and the
        # texts cost more than the checks (a third of a sensitivity design's time)
        key = f"{section}.{f.name}" if section else f.name
        return ScenarioError(f"{key} = {short_repr(given)}: must be {allowed_text(f) if allowed is None else allowed}{note}")

    if m.get("choices"):
        if not isinstance(value, str) or value not in m["choices"]:
            raise bad()
        return value
    if isinstance(f.default, str):
        if not isinstance(value, str):
            raise bad("a string")
        return value
    # numbers.Real admits numpy scalars (np.float32, np.int64, ...); bools are refused
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise bad(note=f", not {type(value).__name__}")
    if isinstance(f.default, int):
        if isinstance(value, numbers.Integral):
            value = int(value)
        else:
            value = float(value)
            if not value.is_integer():
                raise bad()
            value = int(value)
    else:
        try:
            value = float(value)
        except OverflowError:  # an int too large for a float
            raise bad() from None
        if not math.isfinite(value):
            raise bad()
    lo, hi = m.get("low"), m.get("high")
    if lo is not None and (value < lo or (m.get("low_open") and value == lo)):
        raise bad()
    if hi is not None and (value > hi or (m.get("high_open") and value == hi)):
        raise bad()
    return value

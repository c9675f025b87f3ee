"""The explorer's inputs in a link: a query string of the controls that differ from their
defaults, and back.

Pure standard library (no widgets), so the round trip and the refusal of hostile query
strings are tested without a kernel or a browser. A control is described by a :class:`Spec`
(whole number, number or choice, with its allowed range or choices); :func:`decode` accepts
only names it knows, each once, with a value of the right kind inside the range, and
otherwise raises :class:`URLStateError` naming the key, the value and what is allowed.

Examples
--------
>>> specs = {"offer_usd": Spec("int", lo=50_000, hi=500_000), "model": Spec("choice", choices=("lognormal", "bootstrap"))}
>>> q = encode({"offer_usd": 250_000, "model": "lognormal"}, {"offer_usd": 200_000, "model": "lognormal"})
>>> q
'offer_usd=250000'
>>> decode(q, specs)
{'offer_usd': 250000}
"""

from __future__ import annotations

import dataclasses
import math
import re
import urllib.parse
from collections.abc import Mapping
from typing import Any, Literal

from ._params import ScenarioError

#: the longest query string read at all (a link with every control set is far shorter)
MAX_QUERY_CHARS = 2_000
#: the longest single value (numbers and choice names are short)
MAX_VALUE_CHARS = 40
_INT = re.compile(r"^[+-]?\d{1,19}$")
_FLOAT = re.compile(r"^[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][+-]?\d{1,3})?$")


class URLStateError(ScenarioError):
    """A link's query string that cannot be applied: one line naming the key, the value
    and what is allowed."""


@dataclasses.dataclass(frozen=True)
class Spec:
    """What a control accepts: ``kind`` "int" (a whole number in ``[lo, hi]``), "float"
    (a finite number in ``[lo, hi]``) or "choice" (one of ``choices``)."""

    kind: Literal["int", "float", "choice"]
    lo: float | None = None
    hi: float | None = None
    choices: tuple[Any, ...] = ()

    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(_text(c) for c in self.choices)
        what = "a whole number" if self.kind == "int" else "a number"
        return f"{what} from {_text(self.lo)} to {_text(self.hi)}"


def _text(value: Any) -> str:
    """A value as it appears in a link: ints plainly, floats by ``repr`` (exact round trip)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)  # repr: exact round trip


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= MAX_VALUE_CHARS else raw[:MAX_VALUE_CHARS - 6] + "..." + raw[-3:])


def encode(values: Mapping[str, Any], defaults: Mapping[str, Any]) -> str:
    """The query string (without ``?``) of the values that differ from ``defaults``, in
    the order of ``values``; empty when everything is at its default."""
    pairs = [(name, _text(v)) for name, v in values.items() if name not in defaults or v != defaults[name] or type(v) is not type(defaults[name])]
    return urllib.parse.urlencode(pairs, safe=",")


def decode(query: str, specs: Mapping[str, Spec]) -> dict[str, Any]:
    """The control values a query string sets, checked against ``specs``.

    A leading ``?`` is ignored. Raises :class:`URLStateError` for a query that is too long,
    malformed, names an unknown control or one twice, or gives a value that is not of the
    control's kind or outside its range.
    """
    if not isinstance(query, str):
        raise URLStateError(f"link query: expected text, got {type(query).__name__}")
    query = query.removeprefix("?")
    if len(query) > MAX_QUERY_CHARS:
        raise URLStateError(f"link query: {len(query):,} characters; a careersim link has at most {MAX_QUERY_CHARS:,}")
    if not query:
        return {}
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=True, max_num_fields=len(specs) + 1)
    except ValueError as exc:
        raise URLStateError(f"link query: cannot be read ({exc}); expected name=value pairs joined by '&'") from None
    out: dict[str, Any] = {}
    for name, raw in pairs:
        if name not in specs:
            raise URLStateError(f"link: unknown setting {_shown(name)}; allowed: {', '.join(specs)}")
        if name in out:
            raise URLStateError(f"link: {name} is given more than once")
        out[name] = _value(name, raw, specs[name])
    return out


def _value(name: str, raw: str, spec: Spec) -> Any:
    def bad() -> URLStateError:
        return URLStateError(f"link: {name} = {_shown(raw)}: must be {spec.allowed()}")

    if len(raw) > MAX_VALUE_CHARS:
        raise bad()
    if spec.kind == "choice":
        for choice in spec.choices:
            if raw == _text(choice):
                return choice
        raise bad()
    if spec.kind == "int":
        if not _INT.match(raw):
            raise bad()
        value: float = int(raw)
    elif spec.kind == "float":
        if not _FLOAT.match(raw):
            raise bad()
        value = float(raw)
        if not math.isfinite(value):
            raise bad()
    else:  # pragma: no cover - Spec kinds are fixed
        raise URLStateError(f"{name}: unknown kind {spec.kind!r}")
    if spec.lo is not None and value < spec.lo or spec.hi is not None and value > spec.hi:
        raise bad()
    return value

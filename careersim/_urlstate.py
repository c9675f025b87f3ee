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
from ._paths import NAME_PATTERN

#: the longest query string read at all (a link with every control set is far shorter)
MAX_QUERY_CHARS = 2_000
#: the longest single value (numbers and choice names are short)
MAX_VALUE_CHARS = 40
#: the most named paths a link carries (keys path1, path2, ...)
MAX_LINK_PATHS = 4
#: the keys of a link's paths
PATH_KEYS = tuple(f"path{i}" for i in range(1, MAX_LINK_PATHS + 1))
#: the longest value of one path (name~kind~money~place~funding~shown)
MAX_PATH_CHARS = 100
# ASCII digits only, to the very end (``$`` allows a final newline, ``\d`` other scripts' digits):
# one spelling per number keeps links canonical
_INT = re.compile(r"[+-]?[0-9]{1,19}\Z")
_FLOAT = re.compile(r"[+-]?([0-9]{1,20}(\.[0-9]{0,20})?|\.[0-9]{1,20})([eE][+-]?[0-9]{1,3})?\Z")


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


@dataclasses.dataclass(frozen=True)
class PathFields:
    """What a link's path (``name~kind~money~place~funding~shown``) may hold: its kinds, the
    range of each kind's money control, the places, the PhD funding sources, the names taken
    (the careers) and the choice control (``baseline``) whose choices grow by the path names."""

    kinds: tuple[str, ...]
    money: Mapping[str, tuple[int, int]]
    places: tuple[str, ...]
    fundings: tuple[str, ...]
    reserved: tuple[str, ...] = ()
    baseline: str | None = "baseline"


def encode_path(path: Mapping[str, Any]) -> str:
    """One path as a link value: ``name~kind~money~place~funding~1`` (1: shown, 0: hidden)."""
    return "~".join((str(path["name"]), str(path["kind"]), str(int(path["money"])), str(path["place"]),
                     str(path.get("funding", "mix")), "1" if path.get("show", True) else "0"))


def encode_paths(paths: Any) -> str:
    """The query string (without ``?``) of a list of paths: ``path1=...&path2=...``."""
    return urllib.parse.urlencode([(key, encode_path(p)) for key, p in zip(PATH_KEYS, paths)], safe=",")


def decode_path(key: str, raw: str, fields: PathFields) -> dict[str, Any]:
    """A path from its link value, checked field by field; :class:`URLStateError` otherwise."""
    form = "name~kind~money~place~funding~shown"
    if len(raw) > MAX_PATH_CHARS:
        raise URLStateError(f"link: {key} = {_shown(raw)}: at most {MAX_PATH_CHARS} characters ({form})")
    parts = raw.split("~")
    if len(parts) != 6:
        raise URLStateError(f"link: {key} = {_shown(raw)}: must be {form}, six fields joined by '~'")
    name, kind, money, place, funding, show = parts
    if not NAME_PATTERN.match(name):
        raise URLStateError(f"link: {key} name {_shown(name)}: must be 1-40 lower-case letters, digits, '-' or '_', starting with a letter")
    if name in fields.reserved:
        raise URLStateError(f"link: {key} name {name!r}: taken by a career ({', '.join(fields.reserved)}); choose another name")
    if kind not in fields.kinds:
        raise URLStateError(f"link: {key} kind {_shown(kind)}: must be one of {', '.join(fields.kinds)}")
    lo, hi = fields.money[kind]
    if not _INT.match(money) or not lo <= int(money) <= hi:
        raise URLStateError(f"link: {key} money {_shown(money)}: a {kind} path's must be a whole number of dollars from {lo} to {hi}")
    if place not in fields.places:
        raise URLStateError(f"link: {key} place {_shown(place)}: must be one of {', '.join(fields.places)}")
    if funding not in fields.fundings:
        raise URLStateError(f"link: {key} funding {_shown(funding)}: must be one of {', '.join(fields.fundings)}")
    if show not in ("0", "1"):
        raise URLStateError(f"link: {key} shown {_shown(show)}: must be 1 or 0")
    return {"name": name, "kind": kind, "money": int(money), "place": place, "funding": funding, "show": show == "1"}


def decode(query: str, specs: Mapping[str, Spec], paths: PathFields | None = None) -> dict[str, Any]:
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
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=True,
                                       max_num_fields=len(specs) + (len(PATH_KEYS) if paths else 0) + 1)
    except ValueError as exc:
        raise URLStateError(f"link query: cannot be read ({exc}); expected name=value pairs joined by '&'") from None
    out: dict[str, Any] = {}
    if paths is not None:
        found: dict[str, dict[str, Any]] = {}
        for name, raw in pairs:
            if name in PATH_KEYS:
                if name in found:
                    raise URLStateError(f"link: {name} is given more than once")
                found[name] = decode_path(name, raw, paths)
        pairs = [(n, r) for n, r in pairs if n not in PATH_KEYS]
        if found:
            listed = [found[k] for k in PATH_KEYS if k in found]
            names = [p["name"] for p in listed]
            if len(set(names)) != len(names):
                raise URLStateError(f"link: two paths are named alike ({', '.join(names)}); each path needs a name of its own")
            out["paths"] = listed
            if paths.baseline in specs and specs[paths.baseline].kind == "choice":
                specs = {**specs, paths.baseline: dataclasses.replace(specs[paths.baseline], choices=(*specs[paths.baseline].choices, *names))}
    for name, raw in pairs:
        if name not in specs:
            raise URLStateError(f"link: unknown setting {_shown(name)}; allowed: {', '.join(specs)}{', ' + ', '.join(PATH_KEYS) if paths else ''}")
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

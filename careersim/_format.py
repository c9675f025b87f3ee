"""How numbers become text: one place for the notebooks, the command line and the figures.

Money is written ``$1.23M``, ``$456k``, ``$789`` with a real minus sign; shares as ``77.3%``;
an estimate as ``77.3% ± 0.3%`` (one Monte Carlo standard error). Text that a notebook shows
as Markdown goes through :func:`markdown` first: JupyterLab and Voilà read a pair of dollar
signs as LaTeX even when written ``\\$`` (jupyterlab#8645), so every ``$`` becomes ``\\\\$``,
which they show as ``$``.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from ._params import ScenarioError

__all__ = [
    "MINUS",
    "format_change",
    "format_estimate",
    "format_share",
    "format_usd",
    "format_value",
    "markdown",
    "unescaped_dollars",
]

MINUS = "\u2212"  # a real minus sign, so that a hyphen in prose is never read as one

LeverUnit = Literal["usd", "probability", "years", "rate", "multiple"]
UNITS: tuple[str, ...] = ("usd", "probability", "years", "rate", "multiple")


def format_usd(x: float) -> str:
    """``$1.23M``, ``$456k``, ``$789``; negative with a minus sign; ``n/a`` for NaN.

    Examples
    --------
    >>> format_usd(1_234_567), format_usd(-45_600), format_usd(12)
    ('$1.23M', '\u2212$46k', '$12')
    """
    x = float(x)
    if math.isnan(x):
        return "n/a"
    sign = MINUS if x < 0 else ""
    a = abs(x)
    if a >= 999_500_000:
        return f"{sign}${a / 1e9:,.2f}B"
    if a >= 999_500:
        return f"{sign}${a / 1e6:,.2f}M"
    if a >= 999.5:
        return f"{sign}${a / 1e3:,.0f}k"
    return f"{sign}${a:,.0f}"


def format_share(p: float, *, digits: int = 1) -> str:
    """A probability or share as a percentage, ``77.3%``; ``n/a`` for NaN.

    Examples
    --------
    >>> format_share(0.7731), format_share(0.0)
    ('77.3%', '0.0%')
    """
    p = float(p)
    if math.isnan(p):
        return "n/a"
    text = f"{100 * abs(p):.{digits}f}%"
    return (MINUS + text) if p < 0 and text.strip("0.%") else text


def format_change(relative: float) -> str:
    """A relative change with its sign, ``+34%`` or ``\u221220%``.

    Examples
    --------
    >>> format_change(0.339), format_change(-0.2)
    ('+34%', '\u221220%')
    """
    r = float(relative)
    if math.isnan(r):
        return "n/a"
    text = f"{100 * abs(r):,.0f}%"
    return ("+" if r >= 0 else MINUS) + text


def format_value(value: float, unit: LeverUnit) -> str:
    """A lever's value in its unit: USD a year, a share, years, a rate per year or a multiple.

    Examples
    --------
    >>> format_value(46_610, "usd"), format_value(0.15, "probability"), format_value(5.5, "years"), format_value(0.018, "rate"), format_value(3, "multiple")
    ('$47k a year', '15.0%', '5.5 years', '1.8% a year', '3.0x')
    """
    if unit == "usd":
        return format_usd(value) + " a year"
    if unit == "probability":
        return format_share(value)
    if unit == "years":
        return "n/a" if math.isnan(float(value)) else f"{float(value):.1f} years"
    if unit == "rate":
        return format_share(value) + " a year"
    if unit == "multiple":
        return "n/a" if math.isnan(float(value)) else f"{float(value):.1f}x"
    raise ScenarioError(f"unit = {unit!r}: must be one of {', '.join(UNITS)}")


def format_estimate(e: Any, kind: Literal["usd", "share"] = "share") -> str:
    """``77.3% ± 0.3%`` or ``$1.23M ± $12k`` (the ± is one Monte Carlo standard error)."""
    f = format_usd if kind == "usd" else format_share
    if isinstance(e.se, float) and math.isnan(e.se):
        return f(e.value)
    return f"{f(e.value)} ± {f(e.se)}"


_DOLLAR = re.compile(r"\\*\$")  # a dollar sign and any backslashes before it
_UNSAFE = re.compile(r"(?<!\\\\)\$")  # not preceded by two backslashes


def markdown(text: str) -> str:
    """``text`` with every ``$`` written ``\\\\$``, for display as Markdown: JupyterLab (and
    Voilà) still read ``\\$...\\$`` as math, but show ``\\\\$`` as a plain ``$``.

    Examples
    --------
    >>> print(markdown("from $47k to $60k"))
    from \\\\$47k to \\\\$60k
    """
    return _DOLLAR.sub(r"\\\\$", text)


def unescaped_dollars(text: str) -> list[str]:
    """Snippets of ``text`` around each ``$`` JupyterLab's Markdown renderer may read as math:
    outside code spans and fenced code, not written ``\\\\$`` (``\\$`` is not enough there), for tests."""
    out = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        plain = re.sub(r"`[^`]*`", "", line)
        for m in _UNSAFE.finditer(plain):
            out.append(plain[max(0, m.start() - 20): m.end() + 20])
    return out

"""The project's one palette: a colour, a line style and a plain name per career.

Every figure and every widget takes its colours from here, so a career has the same colour
everywhere. The colours are the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"),
chosen to stay distinct under the common forms of colour blindness; the line styles are a second
encoding, so two careers whose lines coincide (or a reader who cannot tell the colours apart)
can still be told apart. Things that are not careers (lenses, scenarios, parameter ends) use the
greys and the markers below, never a career's colour.
"""

from __future__ import annotations

#: one colour per career kind (Okabe-Ito blue, orange, bluish green, reddish purple)
CAREER_COLORS: dict[str, str] = {
    "phd": "#0072B2",
    "residency": "#E69F00",
    "engineer": "#009E73",
    "independent": "#CC79A7",
}

#: a second encoding per career, for coinciding lines and greyscale print
CAREER_LINESTYLES: dict[str, str] = {
    "phd": "-",
    "residency": (0, (5, 2)),  # type: ignore[dict-item]
    "engineer": "-.",
    "independent": (0, (1, 1.5)),  # type: ignore[dict-item]
}

#: plain names, as a reader would say them
CAREER_LABELS: dict[str, str] = {
    "phd": "ML PhD",
    "residency": "AI residency",
    "engineer": "Research engineer",
    "independent": "Independent research",
}

#: colours for further named paths, after the four careers' own (the rest of Okabe-Ito)
EXTRA_COLORS: tuple[str, ...] = ("#D55E00", "#56B4E9", "#000000", "#F0E442")

#: for things that are not careers (lenses, scenarios, the two ends of a lever)
NEUTRAL_COLORS: tuple[str, ...] = ("0.25", "0.55", "0.75")
NEUTRAL_MARKERS: tuple[str, ...] = ("o", "s", "^", "D")

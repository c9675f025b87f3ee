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

def label_in_sentence(name: str) -> str:
    """A path's plain name inside a sentence: the first letter lower-cased unless it starts an
    acronym ("research engineer", but "ML PhD" and "AI residency", not "ml phd")."""
    label = CAREER_LABELS.get(name, name)
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


#: colours for further named paths, after the four careers' own (the rest of Okabe-Ito)
EXTRA_COLORS: tuple[str, ...] = ("#D55E00", "#56B4E9", "#000000", "#F0E442")

#: for things that are not careers (lenses, scenarios, the two ends of a lever)
NEUTRAL_COLORS: tuple[str, ...] = ("0.25", "0.55", "0.75")
NEUTRAL_MARKERS: tuple[str, ...] = ("o", "s", "^", "D")


def path_styles(paths: "list[tuple[str, str]] | tuple[tuple[str, str], ...]") -> dict[str, tuple[str, object]]:
    """A colour and a line style for each path, given as ``(name, kind)`` pairs in order.

    A path named by its kind (the four careers) keeps its career's colour; the first path of a
    kind that has no such path takes the kind's colour too; every further path takes the next
    of :data:`EXTRA_COLORS` (then the careers' colours again), so up to eight paths are all
    distinct. The line style is always the kind's, so paths of one kind read as a family.
    """
    taken: set[str] = {CAREER_COLORS[k] for name, k in paths if name == k and k in CAREER_COLORS}
    spare = [c for c in (*EXTRA_COLORS, *CAREER_COLORS.values()) if c not in taken]
    out: dict[str, tuple[str, object]] = {}
    for name, kind in paths:
        color = CAREER_COLORS.get(kind, "0.4")
        if not (name == kind or color not in taken):
            color = spare.pop(0) if spare else "0.4"
        taken.add(color)
        out[name] = (color, CAREER_LINESTYLES.get(kind, "-"))
    return out

"""Where the person lives: prices, unemployment insurance and the local PhD stipend.

Read from ``data/places_2026.csv`` (every figure's source is in ``data/SOURCES.md``,
section "Personal finance"); tax by place comes from the generated tax tables
(:mod:`careersim._tax`). A figure the sources did not give is an empty cell, and a
place's documented fallback is used instead (see :func:`load_places`).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from importlib import resources

#: place ids, in display order; "austin" is the lower-cost metro
PLACE_IDS = ("bay_area", "seattle", "nyc", "boston", "austin", "elsewhere")

PLACE_NAMES = {
    "bay_area": "San Francisco Bay Area",
    "seattle": "Seattle",
    "nyc": "New York City",
    "boston": "Boston",
    "austin": "Austin (a lower-cost metro)",
    "elsewhere": "elsewhere in the US",
}

#: weeks of benefits where a state's maximum was not found: the standard maximum of the
#: states whose figure was found (CA, WA, TX: 26 weeks; data/SOURCES.md pf27, pf28, pf32)
STANDARD_UI_WEEKS = 26.0
#: weekly maximum where no state applies ("elsewhere"): the median of the seven states
#: found (350, 450, 591, 605, 869, 1,105, 1,152 -> 605; data/SOURCES.md pf27-pf33)
MEDIAN_UI_MAX_WEEKLY_USD = 605.0


@dataclasses.dataclass(frozen=True)
class Place:
    """One place's figures, in the dollars of the data's year (2025-26, taken as 2026)."""

    id: str
    name: str
    state: str  #: two-letter state ("" for elsewhere)
    price_index: float  #: BEA regional price parity, all items, US = 100
    price_index_found: bool  #: False where the source gave none (then 100, the US average)
    ui_max_weekly_usd: float
    ui_max_weeks: float
    phd_stipend_usd: float  #: the local CS department's 12-month stipend


@functools.cache
def load_places() -> dict[str, Place]:
    """Every place of :data:`PLACE_IDS`, keyed by id.

    Missing figures fall back, documented: a price index to 100 (the US average), a state's
    maximum weeks of unemployment benefits to :data:`STANDARD_UI_WEEKS`, and the weekly
    maximum of "elsewhere" to :data:`MEDIAN_UI_MAX_WEEKLY_USD`.
    """
    path = resources.files("careersim") / "data" / "places_2026.csv"
    with path.open("r", encoding="utf-8") as f:
        rows = {r["place"]: r for r in csv.DictReader(f)}
    out = {}
    for pid in PLACE_IDS:
        r = rows[pid]
        found = bool(r["rpp_all_items"].strip())
        out[pid] = Place(
            id=pid,
            name=PLACE_NAMES[pid],
            state=r["state"].strip(),
            price_index=float(r["rpp_all_items"]) if found else 100.0,
            price_index_found=found,
            ui_max_weekly_usd=float(r["ui_max_weekly_usd"]) if r["ui_max_weekly_usd"].strip() else MEDIAN_UI_MAX_WEEKLY_USD,
            ui_max_weeks=float(r["ui_max_weeks"]) if r["ui_max_weeks"].strip() else STANDARD_UI_WEEKS,
            phd_stipend_usd=float(r["stipend_usd"]),
        )
    return out


def place(place_id: str) -> Place:
    """The :class:`Place` of an id in :data:`PLACE_IDS`."""
    return load_places()[place_id]

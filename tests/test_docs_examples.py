"""The worked examples in docs/decision.md, recomputed: a change to the model or its draws
that moves them fails here until the text is brought up to date (the examples had drifted
before this test existed)."""

from pathlib import Path

import pytest

import careersim
from careersim import decision

DOC = (Path(__file__).resolve().parents[1] / "docs" / "decision.md").read_text()
SHORT = {"phd": "phd", "residency": "res", "engineer": "eng", "independent": "ind"}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _rankings(result, floor: float, age: int | None) -> list[tuple[str, ...]]:
    out = []
    for g in range(11):
        ce = decision.certainty_equivalent(result, risk_aversion=g, age=age, wealth_floor_usd=floor)
        out.append(tuple(ce.sort_values("rank")["career"].map(SHORT)))
    return out


def _first(rankings: list[tuple[str, ...]], a: str, b: str) -> int | None:
    """The first risk aversion from which ``a`` ranks above ``b`` for good."""
    above = [r.index(a) < r.index(b) for r in rankings]
    for g in range(len(above)):
        if all(above[g:]):
            return g
    return None


@pytest.mark.slow
def test_certainty_equivalent_example():
    r = careersim.simulate(worlds=5_000, rng=2026)
    default = _rankings(r, 100_000, 30)
    low = _rankings(r, 25_000, 30)
    assert _first(default, "phd", "ind") == 3 and _first(default, "res", "eng") == 8
    assert _first(low, "res", "eng") == 5 and all(x[-1] == "phd" for x in low)
    below = decision.certainty_equivalent(r, risk_aversion=5, age=30, wealth_floor_usd=25_000).set_index("career")["share_below_floor"]
    assert (round(100 * below["phd"], 1), round(100 * below["independent"], 1)) == (2.1, 1.3)
    for floor in (25_000, 100_000):
        assert set(_rankings(r, floor, None)) == {("res", "eng", "ind", "phd")}
    text = _flat(DOC)
    for phrase in ("with the default $100,000 floor the PhD overtakes independent research from `g = 3` and the residency "
                   "overtakes the engineer from `g = 8`",
                   "with a $25,000 floor, which fears debt more, the residency overtakes the engineer from `g = 5` and the PhD stays last "
                   "(2.1% of its worlds are below that floor at 30, against 1.3% of independent research's)",
                   "the ranking (residency, engineer, independent, PhD) held for every `g` from 0 to 10 with either floor"):
        assert phrase in text


@pytest.mark.slow
def test_decision_flips_example():
    scores = decision.score_worlds(careersim.simulate(worlds=20_000, rng=1), rng=2)
    d = decision.decide(scores)
    s = d.summary().set_index("career")
    f = d.flips()
    one = f[(f["kind"] == "one_weight") & (f["to_career"] == "phd")].set_index("dimension")["new_weight"]
    said = (f"the residency is the choice (expected score {s.loc['residency', 'expected_score']:.2f} against the PhD's "
            f"{s.loc['phd', 'expected_score']:.2f}, P(best) {100 * s.loc['residency', 'p_best']:.0f}% against "
            f"{100 * s.loc['phd', 'p_best']:.0f}%), and a weight of about {one['research_lead']:.2f} on becoming a research lead "
            f"(from 0, the others at 1) is enough to flip it to the PhD, as is raising mentorship from 0 to about "
            f"{one['mentorship']:.2f} or freedom from 1 to about {one['freedom']:.2f}.")
    assert d.choice == "residency"
    assert said in _flat(DOC)

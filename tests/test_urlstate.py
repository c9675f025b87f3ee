"""The explorer's link: state -> query -> state is the identity for every control, and
hostile query strings are refused with one line naming the key, the value and what is allowed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careersim import ScenarioError
from careersim._urlstate import MAX_QUERY_CHARS, Spec, URLStateError, decode, encode
from careersim.widgets import CONTROL_NAMES, Explorer


@pytest.fixture(scope="module")
def ex():
    return Explorer(worlds=1_000, figure="image")


def _values_for(spec: Spec):
    if spec.kind == "choice":
        return st.sampled_from(spec.choices)
    if spec.kind == "int":
        return st.integers(int(spec.lo), int(spec.hi))
    return st.floats(spec.lo, spec.hi, allow_nan=False, allow_infinity=False)


def test_every_control_has_a_spec(ex):
    assert set(ex.specs) == set(CONTROL_NAMES)
    assert ex.query() == ""  # defaults: an empty link


def test_round_trip_every_control_one_at_a_time(ex):
    for name, spec in ex.specs.items():
        candidates = spec.choices if spec.kind == "choice" else (spec.lo, spec.hi, (spec.lo + spec.hi) / 2 if spec.kind == "float" else int((spec.lo + spec.hi) // 2))
        for value in candidates:
            state = {**ex.defaults, name: value}
            assert decode(encode(state, ex.defaults), ex.specs) == {k: v for k, v in state.items() if v != ex.defaults[k] or type(v) is not type(ex.defaults[k])}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_round_trip_any_state(data):
    ex = _EX
    state = {name: data.draw(_values_for(spec), label=name) for name, spec in ex.specs.items()}
    back = {**ex.defaults, **decode(encode(state, ex.defaults), ex.specs)}
    assert back == state
    assert all(type(back[k]) is type(state[k]) for k in state)


_EX = Explorer(worlds=1_000, figure="image")


def test_link_restores_the_explorer_exactly():
    a = Explorer(worlds=1_000, figure="image")
    a.recompute(offer_usd=235_000, residency_pay_usd=150_000, grant_usd=90_000, stipend_usd=41_000, funding="ta",
                real_raise=0.025, seed=11, baseline="phd", bands="both", age=45, market_model="student_t", return_mean=0.05)
    b = Explorer(worlds=1_000, figure="image", query="?" + a.query())
    assert b.error is None
    assert b.values() == a.values()
    assert b.scenario_for() == a.scenario_for()
    assert b.summary().equals(a.summary())


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("offer_usd=abc", ["offer_usd", "'abc'", "whole number from 50000 to 500000"]),
        ("offer_usd=10", ["offer_usd", "'10'", "50000"]),
        ("offer_usd=1e999", ["offer_usd"]),
        ("return_mean=nan", ["return_mean", "'nan'", "a number from"]),
        ("return_mean=inf", ["return_mean", "'inf'"]),
        ("market_model=crystal_ball", ["market_model", "crystal_ball", "one of lognormal"]),
        ("show_phd=yes", ["show_phd", "'yes'", "true, false"]),
        ("nosuch=1", ["unknown setting", "'nosuch'", "offer_usd"]),
        ("offer_usd=200000&offer_usd=210000", ["offer_usd", "more than once"]),
        ("%ZZ", ["cannot be read"]),
        ("a=1&" * 100, ["cannot be read"]),
        ("offer_usd=" + "9" * 5000, [f"at most {MAX_QUERY_CHARS:,}"]),
        ("offer_usd=" + "9" * 100, ["offer_usd", "..."]),
        ("seed=-1", ["seed", "'-1'"]),
        ("worlds=1234", ["worlds", "one of 1000"]),
        ("place=%0Aboston", ["place", "one of"]),
        ("__proto__=1", ["unknown setting"]),
    ],
)
def test_hostile_queries_are_refused_clearly(ex, query, words):
    with pytest.raises(URLStateError) as info:
        decode(query, ex.specs)
    message = str(info.value)
    assert "\n" not in message and len(message) < 1500
    for w in words:
        assert w in message, (w, message)
    assert isinstance(info.value, ScenarioError)


def test_a_bad_link_shows_its_error_and_keeps_the_defaults():
    ex = Explorer(worlds=1_000, figure="image", query="offer_usd=abc&seed=3")
    assert ex.values() == ex.defaults  # refused as a whole: not half applied
    assert "offer_usd" in ex.error and "were not applied" in ex.error
    assert "cs-error" in ex.message.value and "Traceback" not in ex.message.value
    assert ex.result is not None


def test_decode_rejects_non_text(ex):
    with pytest.raises(URLStateError):
        decode(b"offer_usd=1", ex.specs)  # type: ignore[arg-type]

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
        ("seed=5%0A", ["seed"]),
        ("seed=%D9%A5", ["seed"]),  # an Arabic-Indic five: only ASCII digits
        ("seed=%EF%BC%95", ["seed"]),  # a full-width five
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


# -- named paths in the link -------------------------------------------------------------

def test_paths_round_trip_through_the_link():
    a = Explorer(worlds=1_000, figure="image")
    a.add_path("offer-b", "engineer", money=300_000, place="seattle", update=False)
    a.add_path("phd-boston", "phd", money=48_000, place="boston", funding="fellowship", show=False, update=False)
    a.recompute(baseline="offer-b", lens="consumption_pv", discount_rate=0.02, assumptions="uncertain")
    q = a.query()
    assert "path1=offer-b~engineer~300000~seattle~mix~1" in q and "path2=phd-boston~phd~48000~boston~fellowship~0" in q
    b = Explorer(worlds=1_000, figure="image", query=q)
    assert b.error is None
    assert b.values() == a.values() and b.paths == a.paths
    assert b.summary().equals(a.summary())


def test_path_decode_round_trip_is_identity(ex):
    from careersim._urlstate import decode_path, encode_path

    for row in ({"name": "a", "kind": "residency", "money": 50_000, "place": "nyc", "funding": "mix", "show": True},
                {"name": "x_1-2", "kind": "independent", "money": 200_000, "place": "elsewhere", "funding": "ta", "show": False}):
        assert decode_path("path1", encode_path(row), ex.path_fields) == row


@pytest.mark.parametrize("query, words", [
    ("path1=Bad~engineer~200000~seattle~mix~1", "lower-case"),
    ("path1=lab%0A~engineer~200000~seattle~mix~1", "lower-case"),  # a hidden final newline
    ("path1=phd~engineer~200000~seattle~mix~1", "taken by a career"),
    ("path1=a~pilot~200000~seattle~mix~1", "kind"),
    ("path1=a~engineer~9999999~seattle~mix~1", "from 50000 to 500000"),
    ("path1=a~engineer~2e5~seattle~mix~1", "whole number"),
    ("path1=a~engineer~200000~mars~mix~1", "place"),
    ("path1=a~engineer~200000~seattle~lottery~1", "funding"),
    ("path1=a~engineer~200000~seattle~mix~yes", "1 or 0"),
    ("path1=a~engineer~200000", "six fields"),
    ("path1=a~engineer~200000~seattle~mix~1&path2=a~phd~30000~boston~ta~1", "named alike"),
    ("path1=a~engineer~200000~seattle~mix~1&path1=b~engineer~200000~seattle~mix~1", "more than once"),
    ("path9=a~engineer~200000~seattle~mix~1", "unknown setting"),
    ("path1=" + "a" * 200, "at most"),
    ("baseline=ghost", "baseline"),
    ("path1=a~engineer~200000~seattle~mix~1&baseline=b", "baseline"),
    ("path1=%3Cscript%3E~engineer~1~x~y~1", "lower-case"),
])
def test_hostile_path_links_are_refused(ex, query, words):
    with pytest.raises(URLStateError, match=words):
        decode(query, ex.specs, ex.path_fields)
    page = Explorer(worlds=1_000, figure="image", query=query)
    assert page.paths == [] and page.error and "Traceback" not in page.message.value
    assert "<script" not in page.message.value


def test_a_path_link_names_its_baseline():
    ok = decode("path1=a~engineer~200000~seattle~mix~1&baseline=a", _EX.specs, _EX.path_fields)
    assert ok["baseline"] == "a" and ok["paths"][0]["name"] == "a"


def test_a_link_made_after_a_place_change_gives_the_same_numbers():
    # the page rounds the local stipend onto its slider; the link carries the one used
    a = Explorer(worlds=1_000, figure="image")
    a.controls["place"].value = "boston"
    b = Explorer(worlds=1_000, figure="image", query=a.query())
    assert b.scenario_for() == a.scenario_for() and b.query() == a.query()
    c = Explorer(worlds=1_000, figure="image")
    c.recompute(place="boston")  # as a person moving the place: the local stipend
    assert c.scenario_for() == a.scenario_for()


def test_a_links_age_is_checked_against_its_own_horizon():
    a = Explorer(worlds=1_000, figure="image")
    a.recompute(horizon_years=60, age=70)
    b = Explorer(worlds=1_000, figure="image", query=a.query())
    assert (b.values()["age"], b.values()["horizon_years"]) == (70, 60) and b.error is None
    c = Explorer(worlds=1_000, figure="image", query="horizon_years=10&age=60")
    assert c.values() == c.defaults and "age = 60: beyond the horizon, must be from 23 to 32" in c.error


def test_open_link_starts_from_the_defaults():
    ex = Explorer(worlds=1_000, figure="image")
    ex.open_link("seed=5")
    ex.controls["place"].value = "boston"
    ex.open_link("offer_usd=300000")
    assert ex.values() == {**ex.defaults, "offer_usd": 300_000}
    assert ex.scenario_for() == Explorer(worlds=1_000, figure="image", query="offer_usd=300000").scenario_for()


def test_a_refused_link_restores_the_exact_defaults():
    # after a place change the slider's exact stipend is the new place's; a refused link
    # must put back the default one, not leave the default slider read at its rounded value
    ex = Explorer(worlds=1_000, figure="image")
    base = ex.scenario_for()
    ex.controls["place"].value = "boston"
    ex.open_link("offer_usd=abc")
    assert ex.values() == ex.defaults and ex.scenario_for() == base

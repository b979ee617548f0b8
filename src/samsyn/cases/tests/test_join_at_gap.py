"""`worklist.join_at_gap`: the user's own, larger gap joins a person's consecutive
materialised sick-leave cases (issue 12, item 2). Hand-worked dates and a property against
the case engine itself."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from samsyn.cases import worklist as wl
from samsyn.sickleave import engine
from samsyn.sickleave.tests.test_engine_properties import certificates

ON = date(2026, 10, 25)


def span(start, end, days, prior=0):
    return wl.CaseSpan(start, end, days, float(days), [{"start": start.isoformat()}], prior)


EARLY = span(date(2026, 9, 1), date(2026, 9, 20), 20, prior=7)  # 20 days
MIDDLE = span(date(2026, 10, 1), date(2026, 10, 10), 10)  # Sep 21-30: 10 uncovered
LATEST = span(date(2026, 10, 19), date(2026, 10, 31), 13)  # Oct 11-18: 8 uncovered


def test_a_gap_of_8_joins_the_latest_with_the_case_8_days_before():
    joined = wl.join_at_gap(LATEST, [MIDDLE, EARLY], 8)
    assert (joined.start, joined.end, joined.days) == (date(2026, 10, 1), date(2026, 10, 31), 23)
    assert joined.prior_days == 0
    assert len(joined.segments) == 2


def test_a_gap_of_7_joins_nothing():
    assert wl.join_at_gap(LATEST, [MIDDLE, EARLY], 7) is LATEST


def test_a_gap_of_10_joins_all_three_and_counts_the_chain_from_the_earliest():
    joined = wl.join_at_gap(LATEST, [MIDDLE, EARLY], 10)
    assert (joined.start, joined.days, joined.prior_days) == (date(2026, 9, 1), 43, 7)


def test_the_chain_stops_at_the_first_longer_gap():
    # 9 fits between LATEST and MIDDLE (8) but not between MIDDLE and EARLY (10)
    assert wl.join_at_gap(LATEST, [MIDDLE, EARLY], 9).start == date(2026, 10, 1)


def _spans(cases):
    return [
        wl.CaseSpan(c.start, c.end, c.days, c.net_days, list(c.segments), 0)
        for c in sorted(cases, key=lambda c: c.end)
    ]


@settings(max_examples=60, deadline=None)
@given(certificates(), st.integers(0, 10), st.integers(0, 30))
def test_joining_the_units_cases_at_a_larger_gap_is_the_engines_case_at_that_gap(
    inputs, unit_gap, extra
):
    own = [c for c in inputs if c.person == "A"]
    at_unit = _spans(engine.compute_person_cases(own, engine.EngineSettings(gap_days=unit_gap), ON))
    at_own = _spans(
        engine.compute_person_cases(own, engine.EngineSettings(gap_days=unit_gap + extra), ON)
    )
    if not at_unit:
        assert not at_own
        return
    latest, earlier = at_unit[-1], at_unit[-2::-1]
    # with the unit's own gap the result is the materialised case itself
    assert wl.join_at_gap(latest, earlier, unit_gap) is latest
    joined = wl.join_at_gap(latest, earlier, unit_gap + extra)
    expected = at_own[-1]
    assert (joined.start, joined.end, joined.days) == (expected.start, expected.end, expected.days)

"""`worklist.join_at_gap`: the user's own, larger gap joins a person's consecutive
materialised sick-leave cases (issue 12, item 2). Hand-worked dates and a property against
the case engine itself."""

from datetime import date, timedelta

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


# ---- a smaller own gap cuts the case at its last longer break -------------------------


def _span(*parts, prior=0):
    segments = [{"start": a.isoformat(), "end": b.isoformat(), "degree": d} for a, b, d in parts]
    days = sum((b - a).days + 1 for a, b, _d in parts)
    net = sum(((b - a).days + 1) * d / 100 for a, b, d in parts)
    return wl.CaseSpan(parts[0][0], parts[-1][1], days, net, segments, prior)


def test_split_keeps_the_part_after_the_last_longer_break():
    case = _span(
        (date(2026, 10, 1), date(2026, 10, 10), 100),
        (date(2026, 10, 14), date(2026, 10, 20), 50),  # 3 days between
        (date(2026, 10, 22), date(2026, 10, 31), 100),  # 1 day between
        prior=5,
    )
    cut = wl.split_at_gap(case, 2)
    assert cut.start == date(2026, 10, 14)
    assert cut.days == 7 + 10
    assert cut.net_days == 3.5 + 10
    assert cut.prior_days == 5 + 10  # the first part and the earlier period still count
    assert wl.split_at_gap(case, 3) is case  # no break longer than 3 days
    assert wl.split_at_gap(case, 0).start == date(2026, 10, 22)


@given(
    lengths=st.lists(st.integers(1, 20), min_size=1, max_size=6),
    breaks=st.lists(st.integers(0, 12), min_size=5, max_size=5),
    gap=st.integers(0, 12),
)
def test_split_property(lengths, breaks, gap):
    parts, day = [], date(2026, 1, 1)
    for index, length in enumerate(lengths):
        if index:
            day += timedelta(days=breaks[index - 1] + 1)
        parts.append((day, day + timedelta(days=length - 1), 100))
        day += timedelta(days=length - 1)
    case = _span(*parts)
    cut = wl.split_at_gap(case, gap)
    assert cut.end == case.end
    assert cut.days + cut.prior_days == case.days  # nothing lost: the break is short
    inner = [
        (date.fromisoformat(b["start"]) - date.fromisoformat(a["end"])).days - 1
        for a, b in zip(cut.segments, cut.segments[1:], strict=False)
    ]
    assert all(g <= gap for g in inner)
    if max([0, *breaks[: len(lengths) - 1]]) <= gap:
        assert cut is case

"""Sammanläggning (SFB 27 kap. 51 §): which earlier sick periods count in a new period's chain.

Every expected value is worked out by hand in the comments. "Days between" are the days
strictly after the earlier period's end and strictly before the new start; at most 89 of them
continue the count ("färre än 90 dagar", docs/rules.md finding a).
"""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsyn.sickleave.rules import (
    Sammanlaggning,
    SickPeriod,
    continues_earlier_period,
    date_to_day,
    day_to_date,
    sammanlaggning,
    sammanlaggning_for_each,
)

D = datetime.date
unbroken = SickPeriod.unbroken

# ----------------------------------------------------------------------------- the interval's edges

JANUARY = unbroken(D(2026, 1, 1), D(2026, 1, 31))  # 31 days


def test_89_days_between_continue_the_count():
    # Feb 1-Apr 30 lie between: 28 + 31 + 30 = 89 -> fewer than 90 -> added
    current = unbroken(D(2026, 5, 1), D(2026, 5, 20))
    result = sammanlaggning([JANUARY, current], current)
    assert result.prior_days == 31
    assert result.periods == (JANUARY,)


def test_90_days_between_start_a_new_chain():
    # Feb 1-May 1 lie between: 89 + 1 = 90 -> not fewer than 90 -> a new chain
    current = unbroken(D(2026, 5, 2), D(2026, 5, 20))
    result = sammanlaggning([JANUARY, current], current)
    assert result == Sammanlaggning()
    assert result.prior_days == 0


def test_the_day_after_the_earlier_end_continues():
    current = unbroken(D(2026, 2, 1), D(2026, 2, 10))  # no day between
    assert sammanlaggning([JANUARY], current).prior_days == 31


# ----------------------------------------------------------------------------- several periods


def test_the_issues_case_forty_days_then_sixty_at_work():
    # Sick Jul 7-Aug 15 2026: Jul 7-31 = 25 days, Aug 1-15 = 15 days -> 40 days.
    # Back at work Aug 16-Oct 14: 16 + 30 + 14 = 60 days between -> continues.
    earlier = unbroken(D(2026, 7, 7), D(2026, 8, 15))
    current = unbroken(D(2026, 10, 15), D(2027, 1, 31))
    result = sammanlaggning([earlier, current], current)
    assert result.prior_days == 40
    assert result.periods == (earlier,)
    # Day 41 is the new start; day 90 = Oct 15 + 49 (Oct 31 = +16, Nov 30 = +46, Dec 3 = +49);
    # day 180 = Oct 15 + 139 (Dec 31 = +77, Jan 31 = +108, Feb 28 = +136, Mar 3 = +139).
    covered = [*result.covered, (current.start, current.end)]
    date_of = {day: day_to_date(day, start=current.start, prior_days=40) for day in (41, 90, 180)}
    assert date_of == {41: D(2026, 10, 15), 90: D(2026, 12, 3), 180: D(2027, 3, 3)}
    assert day_to_date(90, start=current.start, prior_days=40, covered=covered) == D(2026, 12, 3)


def test_several_earlier_periods_each_within_89_days():
    a = unbroken(D(2026, 1, 5), D(2026, 1, 14))  # 10 days
    b = unbroken(D(2026, 3, 1), D(2026, 3, 20))  # 20 days; Jan 15-Feb 28 between: 17 + 28 = 45
    c = unbroken(D(2026, 5, 1), D(2026, 5, 31))  # Mar 21-Apr 30 between: 11 + 30 = 41
    result = sammanlaggning([a, b, c], c)
    assert result.periods == (a, b)
    assert result.prior_days == 30


def test_an_earlier_period_that_itself_continued_another_counts_too():
    # a ends Jan 31; c starts Jul 1: Feb 1-Jun 30 = 28 + 31 + 30 + 31 + 30 = 150 days apart,
    # so a alone would not continue c; but a continues b and b continues c.
    a = unbroken(D(2026, 1, 1), D(2026, 1, 31))  # 31 days
    b = unbroken(D(2026, 4, 1), D(2026, 4, 10))  # 10 days; Feb 1-Mar 31 between: 59
    c = unbroken(D(2026, 7, 1), D(2026, 7, 31))  # Apr 11-Jun 30 between: 20 + 31 + 30 = 81
    assert not continues_earlier_period(a.end, c.start)
    result = sammanlaggning([a, b, c], c)
    assert result.periods == (a, b)
    assert result.prior_days == 41


def test_a_break_of_90_days_ends_the_chain_further_back():
    a = unbroken(D(2025, 9, 1), D(2025, 9, 30))  # 30 days
    b = unbroken(D(2026, 1, 1), D(2026, 1, 10))  # Oct 1-Dec 31 between: 31 + 30 + 31 = 92
    c = unbroken(D(2026, 2, 1), D(2026, 2, 20))  # Jan 11-31 between: 21
    result = sammanlaggning([a, b, c], c)
    assert result.periods == (b,)
    assert result.prior_days == 10
    assert sammanlaggning_for_each([a, b, c]) == [
        Sammanlaggning(),
        Sammanlaggning(),
        Sammanlaggning((b,)),
    ]


def test_gap_days_inside_an_earlier_period_are_not_counted():
    # Jan 1-10 (10) and Jan 16-31 (16): 26 counted days, the 5 gap days are not.
    earlier = SickPeriod(((D(2026, 1, 1), D(2026, 1, 10)), (D(2026, 1, 16), D(2026, 1, 31))))
    current = unbroken(D(2026, 3, 1), D(2026, 3, 31))
    assert sammanlaggning([earlier, current], current).prior_days == 26


def test_later_periods_are_not_looked_at():
    a = unbroken(D(2026, 1, 1), D(2026, 1, 10))
    b = unbroken(D(2026, 2, 1), D(2026, 2, 10))
    c = unbroken(D(2026, 3, 1), D(2026, 3, 10))
    assert sammanlaggning([a, b, c], b).periods == (a,)
    assert sammanlaggning([a, b, c], a) == Sammanlaggning()


def test_out_of_order_or_overlapping_periods_raise():
    a = unbroken(D(2026, 1, 1), D(2026, 1, 31))
    b = unbroken(D(2026, 3, 1), D(2026, 3, 31))
    with pytest.raises(ValueError, match="sorterade"):
        sammanlaggning([b, a], b)
    with pytest.raises(ValueError, match="sorterade"):
        sammanlaggning_for_each([a, unbroken(D(2026, 1, 20), D(2026, 2, 5))])
    with pytest.raises(ValueError, match="överlappar"):
        sammanlaggning([a, b], unbroken(D(2026, 3, 20), D(2026, 4, 5)))
    with pytest.raises(ValueError, match="slutdatum"):
        unbroken(D(2026, 1, 2), D(2026, 1, 1))
    with pytest.raises(ValueError, match="minst en dag"):
        SickPeriod(())


def test_adjacent_runs_merge_and_json_round_trips():
    period = SickPeriod(
        (
            (D(2026, 1, 1), D(2026, 1, 10)),
            (D(2026, 1, 11), D(2026, 1, 20)),  # adjacent: one run
            (D(2026, 1, 25), D(2026, 1, 31)),
        )
    )
    assert period.covered == ((D(2026, 1, 1), D(2026, 1, 20)), (D(2026, 1, 25), D(2026, 1, 31)))
    assert period.as_json() == {
        "start": "2026-01-01",
        "end": "2026-01-31",
        "days": 27,  # 20 + 7
        "covered": [["2026-01-01", "2026-01-20"], ["2026-01-25", "2026-01-31"]],
    }
    assert SickPeriod.from_json(period.as_json()) == period


# ------------------------------------------------------------------- dating in the earlier period


def test_chain_days_of_the_earlier_period_are_dated_on_its_days():
    # Earlier Jul 7-Aug 15 (days 1-40), current from Oct 15 (day 41).
    start = D(2026, 10, 15)
    covered = [(D(2026, 7, 7), D(2026, 8, 15)), (start, D(2026, 12, 31))]
    assert day_to_date(40, start=start, prior_days=40, covered=covered) == D(2026, 8, 15)
    assert day_to_date(30, start=start, prior_days=40, covered=covered) == D(2026, 8, 5)
    assert day_to_date(1, start=start, prior_days=40, covered=covered) == D(2026, 7, 7)
    assert day_to_date(0, start=start, prior_days=40, covered=covered) == D(2026, 7, 6)
    # Without the earlier days known, day 30 is counted back day by day: Oct 15 - 11.
    assert day_to_date(30, start=start, prior_days=40) == D(2026, 10, 4)
    # The count stands still in the break, at the earlier period's last day.
    assert date_to_day(D(2026, 9, 1), start=start, prior_days=40, covered=covered) == 40
    assert date_to_day(D(2026, 8, 5), start=start, prior_days=40, covered=covered) == 30
    assert date_to_day(D(2026, 7, 6), start=start, prior_days=40, covered=covered) == 0


def test_a_gap_inside_the_earlier_period_holds_the_count():
    # Earlier Jul 1-10 (days 1-10) and Jul 16-31 (days 11-26); current from Sep 1 (day 27).
    start = D(2026, 9, 1)
    covered = [(D(2026, 7, 1), D(2026, 7, 10)), (D(2026, 7, 16), D(2026, 7, 31)), (start, start)]
    assert day_to_date(11, start=start, prior_days=26, covered=covered) == D(2026, 7, 16)
    assert day_to_date(10, start=start, prior_days=26, covered=covered) == D(2026, 7, 10)
    assert date_to_day(D(2026, 7, 13), start=start, prior_days=26, covered=covered) == 10


# ----------------------------------------------------------------------------- properties


@st.composite
def periods_strategy(draw):
    """A person's periods in order: runs of 1-60 days, gaps inside of 1-5 days, breaks
    between periods of 0-200 days (so both sides of the 89-day edge occur)."""
    cursor = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2080, 1, 1)))
    periods = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        runs = []
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            length = draw(st.integers(min_value=1, max_value=60))
            runs.append((cursor, cursor + datetime.timedelta(days=length - 1)))
            cursor = runs[-1][1] + datetime.timedelta(days=draw(st.integers(1, 6)))
        periods.append(SickPeriod(tuple(runs)))
        cursor = periods[-1].end + datetime.timedelta(days=1 + draw(st.integers(0, 200)))
    return periods


@given(periods_strategy())
def test_property_for_each_agrees_with_one_at_a_time(periods):
    assert sammanlaggning_for_each(periods) == [sammanlaggning(periods, p) for p in periods]


@given(periods_strategy(), st.data())
def test_property_the_chain_is_the_longest_run_of_continuing_periods(periods, data):
    index = data.draw(st.integers(min_value=0, max_value=len(periods) - 1))
    current = periods[index]
    result = sammanlaggning(periods, current)
    added = len(result.periods)
    # The added periods are the ones just before the current one, in order ...
    assert list(result.periods) == periods[index - added : index]
    # ... each continues the count of the next ...
    chain = [*result.periods, current]
    for earlier, later in zip(chain, chain[1:], strict=False):
        assert continues_earlier_period(earlier.end, later.start)
    # ... the one before them does not ...
    if index - added > 0:
        assert not continues_earlier_period(periods[index - added - 1].end, chain[0].start)
    # ... and their counted days are what is added.
    assert result.prior_days == sum(p.days for p in result.periods)
    assert sum((b - a).days + 1 for a, b in result.covered) == result.prior_days


@given(periods_strategy(), st.data())
def test_property_earlier_days_date_inside_the_earlier_periods(periods, data):
    index = data.draw(st.integers(min_value=0, max_value=len(periods) - 1))
    current = periods[index]
    result = sammanlaggning(periods, current)
    covered = [*result.covered, *current.covered]
    day = data.draw(st.integers(min_value=-30, max_value=result.prior_days + current.days + 30))
    when = day_to_date(day, start=current.start, prior_days=result.prior_days, covered=covered)
    kwargs = {"start": current.start, "prior_days": result.prior_days, "covered": covered}
    assert date_to_day(when, **kwargs) == day
    if 1 <= day <= result.prior_days + current.days:  # a counted day is a covered day
        assert any(first <= when <= last for first, last in covered)

"""Tests of the rehabilitation-chain rules (samsyn.sickleave.rules).

Every expected date below is worked out by hand in the comments. Reminders for the arithmetic:
February 2026 has 28 days; day N of an unbroken period is start + (N - 1) days.
"""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsyn.sickleave import rules
from samsyn.sickleave.rules import (
    OCCUPATION_LABELS,
    SAMMANLAGGNING_DAYS,
    Milestone,
    Occupation,
    compute_milestones,
    continues_earlier_period,
    date_to_day,
    day_to_date,
    next_milestone,
)

D = datetime.date
START = D(2026, 2, 1)
LONG_BEFORE = D(2025, 1, 1)  # an `at` before everything: all milestones upcoming


def by_code(milestones: list[Milestone]) -> dict[str, Milestone]:
    return {m.code: m for m in milestones}


def dates(milestones: list[Milestone]) -> dict[str, D]:
    return {m.code: m.date for m in milestones}


# ----------------------------------------------------------------------------- employed


def test_employed_unbroken_dates_by_hand():
    result = compute_milestones(
        start=START, occupation="nuvarande_arbete", expected_days=90, at=LONG_BEFORE
    )
    assert dates(result) == {
        "sick_report": D(2026, 2, 1),  # day 1 = start
        "employer_certificate": D(2026, 2, 8),  # Feb 1 + 7
        "sick_pay_end": D(2026, 2, 14),  # Feb 1 + 13
        "fk_certificate": D(2026, 2, 15),  # Feb 1 + 14
        # day 30 = Feb 1 + 29: Feb 28 is +27, Mar 1 is +28, Mar 2 is +29
        "employer_rtw_plan": D(2026, 3, 2),
        # day 90 = Feb 1 + 89: Feb 28 = day 28, Mar 31 = day 59, Apr 30 = day 89, May 1 = day 90
        "chain_90": D(2026, 5, 1),
        # day 180: May 31 = day 120, Jun 30 = day 150, Jul 30 = day 180
        "chain_180": D(2026, 7, 30),
        # day 365: Jul 31 = 181, Aug 31 = 212, Sep 30 = 242, Oct 31 = 273, Nov 30 = 303,
        # Dec 31 = 334, Jan 31 2027 = 365
        "chain_365": D(2027, 1, 31),
    }
    assert [m.day for m in result] == [1, 8, 14, 15, 30, 90, 180, 365]
    assert all(m.status == "upcoming" for m in result)


def test_employed_first_day_certificate_moves_employer_certificate_to_day_1():
    result = compute_milestones(
        start=START,
        occupation="nuvarande_arbete",
        expected_days=10,
        at=LONG_BEFORE,
        first_day_certificate=True,
    )
    cert = by_code(result)["employer_certificate"]
    assert (cert.day, cert.date) == (1, D(2026, 2, 1))
    assert "förstadagsintyg" in cert.action
    # sorted by day, then code: both day-1 items come first, alphabetically
    assert [m.code for m in result[:2]] == ["employer_certificate", "sick_report"]


def test_employer_report_deadline_day_21_is_in_the_fk_certificate_action():
    result = compute_milestones(start=START, occupation="nuvarande_arbete", at=LONG_BEFORE)
    # day 21 = Feb 1 + 20 = Feb 21
    assert "senast 2026-02-21" in by_code(result)["fk_certificate"].action


@pytest.mark.parametrize(
    ("expected_days", "requirement"),
    [(60, "required"), (365, "required"), (None, "check"), (59, None), (0, None)],
)
def test_employer_rtw_plan_required_check_or_absent(expected_days, requirement):
    result = by_code(
        compute_milestones(
            start=START,
            occupation="nuvarande_arbete",
            expected_days=expected_days,
            at=LONG_BEFORE,
        )
    )
    if requirement is None:
        assert "employer_rtw_plan" not in result
    else:
        plan = result["employer_rtw_plan"]
        assert plan.requirement == requirement
        assert (plan.day, plan.date) == (30, D(2026, 3, 2))
        assert plan.actor == "Arbetsgivaren"
        assert "30 kap. 6 §" in plan.source


# ----------------------------------------------------------------------------- other occupations


def test_job_seeker():
    result = compute_milestones(start=START, occupation="arbetssokande", at=LONG_BEFORE)
    assert [(m.code, m.day, m.date) for m in result] == [
        ("normal_work_from_day_1", 1, D(2026, 2, 1)),
        ("sick_report", 1, D(2026, 2, 1)),
        ("fk_certificate", 8, D(2026, 2, 8)),  # Feb 1 + 7
    ]


def test_programme_participant_is_job_seeker_plus_day_30():
    result = compute_milestones(start=START, occupation="program_af", at=LONG_BEFORE)
    assert [(m.code, m.day, m.date) for m in result] == [
        ("normal_work_from_day_1", 1, D(2026, 2, 1)),
        ("sick_report", 1, D(2026, 2, 1)),
        ("fk_certificate", 8, D(2026, 2, 8)),
        ("af_program_30", 30, D(2026, 3, 2)),  # Feb 1 + 29 = Mar 2 (see above)
    ]
    by = by_code(result)
    assert "Arbetsförmedlingen" in by["sick_report"].title
    assert "30 dagar" in by["af_program_30"].action
    assert "sjukpenning" in by["af_program_30"].action


def test_self_employed():
    result = compute_milestones(start=START, occupation="egen_foretagare", at=LONG_BEFORE)
    assert [(m.code, m.day, m.date) for m in result] == [
        ("sick_report", 1, D(2026, 2, 1)),
        ("fk_certificate", 8, D(2026, 2, 8)),
        ("chain_180", 180, D(2026, 7, 30)),  # as for employees above
        ("chain_365", 365, D(2027, 1, 31)),
    ]
    karens = by_code(result)["sick_report"].action
    for option in ("1, 7", "14, 30, 60 eller 90"):
        assert option in karens
    assert "vanliga arbetet" in by_code(result)["chain_180"].action


def test_parental_leave():
    result = compute_milestones(start=START, occupation="foraldraledighet", at=LONG_BEFORE)
    assert [(m.code, m.day, m.date) for m in result] == [
        ("care_for_child_from_day_1", 1, D(2026, 2, 1)),
        ("sick_report", 1, D(2026, 2, 1)),
        ("fk_certificate", 8, D(2026, 2, 8)),
    ]
    assert "vårda barnet" in by_code(result)["care_for_child_from_day_1"].action


def test_studies():
    result = compute_milestones(start=START, occupation="studier", at=LONG_BEFORE)
    assert [(m.code, m.day, m.date) for m in result] == [
        ("sick_report", 1, D(2026, 2, 1)),
        ("study_ability_from_day_1", 1, D(2026, 2, 1)),
        ("fk_certificate", 8, D(2026, 2, 8)),
        ("study_support_certificate", 15, D(2026, 2, 15)),  # Feb 1 + 14
        ("study_loan_writeoff", 31, D(2026, 3, 3)),  # Feb 1 + 30 = Mar 3
    ]


@pytest.mark.parametrize("occupation", list(Occupation))
def test_every_occupation_has_label_report_and_certificate(occupation):
    assert OCCUPATION_LABELS[occupation]
    result = by_code(compute_milestones(start=START, occupation=occupation, at=LONG_BEFORE))
    assert result["sick_report"].day == 1
    assert result["fk_certificate"].day in (8, 15)
    for m in result.values():
        assert m.title
        assert m.actor
        assert m.action
        assert m.source
        assert m.status in rules.STATUSES
        assert m.requirement in rules.REQUIREMENTS


def test_occupation_enum_member_is_accepted():
    a = compute_milestones(start=START, occupation=Occupation.STUDIER, at=LONG_BEFORE)
    b = compute_milestones(start=START, occupation="studier", at=LONG_BEFORE)
    assert a == b


def test_unknown_occupation_raises_swedish_error():
    with pytest.raises(ValueError, match="Okänd sysselsättning"):
        compute_milestones(start=START, occupation="pensionär", at=LONG_BEFORE)


# ----------------------------------------------------------------------------- gaps and prior days

# Covered Feb 1-10 (days 1-10), gap Feb 11-15 (5 days, not counted), covered Feb 16-Jun 30.
# Second interval: Feb 16-28 = 13, Mar 31, Apr 30, May 31, Jun 30 -> 135 days; total 145.
COVERED = [(D(2026, 2, 1), D(2026, 2, 10)), (D(2026, 2, 16), D(2026, 6, 30))]


def test_gap_pushes_later_milestones():
    result = compute_milestones(
        start=START,
        occupation="nuvarande_arbete",
        expected_days=60,
        at=LONG_BEFORE,
        covered=COVERED,
    )
    assert dates(result) == {
        "sick_report": D(2026, 2, 1),
        "employer_certificate": D(2026, 2, 8),  # day 8 is inside the first interval
        "sick_pay_end": D(2026, 2, 19),  # day 11 = Feb 16, day 14 = Feb 19
        "fk_certificate": D(2026, 2, 20),  # day 15 = Feb 20
        "employer_rtw_plan": D(2026, 3, 7),  # day 30 = Feb 16 + 19 = Mar 7 (unbroken Mar 2 + 5)
        "chain_90": D(2026, 5, 6),  # unbroken May 1 + 5
        # day 145 = Jun 30 (last covered day); day 180 = Jun 30 + 35 = Aug 4 (= Jul 30 + 5)
        "chain_180": D(2026, 8, 4),
        "chain_365": D(2027, 2, 5),  # extrapolated: Jan 31 2027 + 5
    }
    # the employer's report deadline (day 21) moves too: Feb 21 + 5 = Feb 26
    assert "senast 2026-02-26" in by_code(result)["fk_certificate"].action


def test_day_to_date_and_back_with_gap():
    assert day_to_date(10, start=START, covered=COVERED) == D(2026, 2, 10)
    assert day_to_date(11, start=START, covered=COVERED) == D(2026, 2, 16)
    assert day_to_date(145, start=START, covered=COVERED) == D(2026, 6, 30)
    assert day_to_date(146, start=START, covered=COVERED) == D(2026, 7, 1)
    assert date_to_day(D(2026, 2, 13), start=START, covered=COVERED) == 10  # gap: count stands
    assert date_to_day(D(2026, 2, 16), start=START, covered=COVERED) == 11
    assert date_to_day(D(2026, 8, 4), start=START, covered=COVERED) == 180
    assert date_to_day(D(2026, 7, 30), start=START) == 180  # unbroken


def test_covered_days_before_start_are_ignored():
    covered = [(D(2026, 1, 20), D(2026, 1, 25)), (D(2026, 2, 1), D(2026, 3, 31))]
    assert day_to_date(1, start=START, covered=covered) == START
    assert day_to_date(30, start=START, covered=covered) == D(2026, 3, 2)


def test_invalid_covered_raises():
    with pytest.raises(ValueError, match="överlappa"):
        day_to_date(1, start=START, covered=[(D(2026, 2, 1), D(2026, 2, 10)), COVERED[0]])
    with pytest.raises(ValueError, match="slutdatum"):
        day_to_date(1, start=START, covered=[(D(2026, 2, 10), D(2026, 2, 1))])


def test_prior_days_move_only_the_chain_steps():
    # 40 days of an earlier period are added (SFB 27 kap. 51 §) to the chain's steps
    # (46-49 §§): chain day 41 = Mar 1 (the start), chain day N = Mar 1 + (N - 41) days.
    # The sick report, sick pay, certificates and the plan count from the new period's
    # first day: day N = Mar 1 + (N - 1), as without earlier days.
    start = D(2026, 3, 1)
    result = compute_milestones(
        start=start, occupation="nuvarande_arbete", expected_days=60, at=start, prior_days=40
    )
    assert dates(result) == {
        "sick_report": D(2026, 3, 1),
        "employer_certificate": D(2026, 3, 8),
        "sick_pay_end": D(2026, 3, 14),
        "fk_certificate": D(2026, 3, 15),
        "employer_rtw_plan": D(2026, 3, 30),  # Mar 1 + 29
        "chain_90": D(2026, 4, 19),  # Mar 1 + 49: Mar 31 = +30, Apr 19 = +49
        # Mar 1 + 139: Mar 31 +30, Apr 30 +60, May 31 +91, Jun 30 +121, Jul 18 +139
        "chain_180": D(2026, 7, 18),
        # Mar 1 + 324: Jul 31 +152, Aug 31 +183, Sep 30 +213, Oct 31 +244, Nov 30 +274,
        # Dec 31 +305, Jan 19 2027 +324
        "chain_365": D(2027, 1, 19),
    }
    assert {m.code for m in result if m.chain_step} == {"chain_90", "chain_180", "chain_365"}
    assert by_code(result)["chain_90"].day == 90
    assert by_code(result)["employer_rtw_plan"].day == 30
    # the employer's report to FK: day 21 of the new sick-pay period, Mar 21
    assert "senast 2026-03-21" in str(by_code(result)["fk_certificate"].action)
    statuses = {m.code: m.status for m in result}
    assert statuses["sick_report"] == "due"
    assert statuses["chain_90"] == "upcoming"
    assert date_to_day(D(2026, 1, 27), start=start, prior_days=40) == 8


def test_chain_steps_of_an_earlier_period_are_dated_in_it_and_listed_by_date():
    # Earlier period Oct 1 2025-Jan 8 2026: Oct 31 = day 31, Nov 30 = 61, Dec 31 = 92,
    # Jan 8 = 100. Break Jan 9-Feb 28 (23 + 28 = 51 days). Current from Mar 1 = chain day 101.
    start = D(2026, 3, 1)
    covered = [(D(2025, 10, 1), D(2026, 1, 8)), (start, D(2026, 8, 31))]
    result = compute_milestones(
        start=start,
        occupation="nuvarande_arbete",
        expected_days=30,
        at=start,
        prior_days=100,
        covered=covered,
    )
    # day 90 = Oct 1 + 89 (Oct 31 = +30, Nov 30 = +60, Dec 29 = +89), in the earlier period;
    # day 180 = the 80th day from Mar 1 = Mar 1 + 79 (Mar 31 = +30, Apr 30 = +60, May 19 = +79)
    assert by_code(result)["chain_90"].date == D(2025, 12, 29)
    assert by_code(result)["chain_90"].status == "passed"
    assert by_code(result)["chain_180"].date == D(2026, 5, 19)
    assert [m.code for m in result] == [
        "chain_90",
        "sick_report",
        "employer_certificate",
        "sick_pay_end",
        "fk_certificate",
        "chain_180",
        "chain_365",
    ]


def test_prior_days_with_gap():
    # prior 40, covered Mar 1-10 (days 41-50), gap Mar 11-15, covered Mar 16-Apr 30
    start = D(2026, 3, 1)
    covered = [(D(2026, 3, 1), D(2026, 3, 10)), (D(2026, 3, 16), D(2026, 4, 30))]
    assert day_to_date(50, start=start, prior_days=40, covered=covered) == D(2026, 3, 10)
    assert day_to_date(51, start=start, prior_days=40, covered=covered) == D(2026, 3, 16)
    # day 8 lies in the earlier period: Mar 1 - 33 = Jan 27, as without gaps
    assert day_to_date(8, start=start, prior_days=40, covered=covered) == D(2026, 1, 27)
    # day 90 = 50th counted day: 10 in the first interval, 40th of the second = Mar 16 + 39
    # = Apr 24 (Mar 31 = +15, Apr 24 = +39)
    assert day_to_date(90, start=start, prior_days=40, covered=covered) == D(2026, 4, 24)


def test_negative_prior_days_raises():
    with pytest.raises(ValueError, match="negativt"):
        compute_milestones(start=START, occupation="studier", at=START, prior_days=-1)


# ----------------------------------------------------------------------------- sammanläggning


def test_sammanlaggning_constant_and_boundary():
    assert SAMMANLAGGNING_DAYS == 89
    end = D(2026, 1, 31)
    # May 1 = Jan 31 + 90 days (Feb 28 +28, Mar 31 +59, Apr 30 +89, May 1 +90);
    # days between: Feb 1-Apr 30 = 28 + 31 + 30 = 89 -> fewer than 90 -> added together
    assert continues_earlier_period(end, D(2026, 5, 1)) is True
    # May 2: 90 days between -> a new chain
    assert continues_earlier_period(end, D(2026, 5, 2)) is False
    assert continues_earlier_period(end, D(2026, 2, 1)) is True  # no day between
    assert continues_earlier_period(end, D(2026, 1, 15)) is True  # overlapping: same period


# ----------------------------------------------------------------------------- statuses


def test_statuses_relative_to_at():
    # at = Feb 15 (day 15)
    result = by_code(
        compute_milestones(
            start=START, occupation="nuvarande_arbete", expected_days=60, at=D(2026, 2, 15)
        )
    )
    assert result["sick_report"].status == "passed"  # Feb 1 < Feb 15
    assert result["sick_pay_end"].status == "passed"  # Feb 14 < Feb 15
    assert result["fk_certificate"].status == "due"  # Feb 15 == at
    assert result["employer_rtw_plan"].status == "upcoming"  # Mar 2 is 15 days ahead


@pytest.mark.parametrize(
    ("at", "status"),
    [
        (D(2026, 2, 23), "upcoming"),  # Mar 2 - Feb 23 = 7 days (Feb 28 = 5, Mar 1 = 6, Mar 2 = 7)
        (D(2026, 2, 24), "due"),  # 6 days left: inside the 7-day window
        (D(2026, 3, 2), "due"),  # the day itself
        (D(2026, 3, 3), "passed"),
    ],
)
def test_due_window_is_seven_days_up_to_and_including_the_date(at, status):
    plan = by_code(
        compute_milestones(start=START, occupation="nuvarande_arbete", expected_days=60, at=at)
    )["employer_rtw_plan"]
    assert plan.date == D(2026, 3, 2)
    assert plan.status == status


def test_next_milestone():
    result = compute_milestones(
        start=START, occupation="nuvarande_arbete", expected_days=60, at=D(2026, 2, 16)
    )
    upcoming = next_milestone(result, D(2026, 2, 16))
    assert upcoming is not None
    assert upcoming.code == "employer_rtw_plan"
    assert next_milestone(result, D(2026, 2, 15)).code == "fk_certificate"  # due today
    assert next_milestone(result, D(2027, 2, 1)) is None  # after day 365 (Jan 31 2027)


def test_at_defaults_to_today():
    result = compute_milestones(start=START, occupation="arbetssokande")
    assert {m.status for m in result} <= set(rules.STATUSES)


# ----------------------------------------------------------------------------- JSON


def test_as_json_has_exactly_the_contract_keys():
    m = compute_milestones(start=START, occupation="nuvarande_arbete", at=LONG_BEFORE)[0]
    data = m.as_json()
    assert set(data) == {"code", "day", "date", "title", "actor", "action", "source", "status"}
    assert data["date"] == "2026-02-01"
    assert data["code"] == "sick_report"


# ----------------------------------------------------------------------------- properties

dates_strategy = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))


@st.composite
def covered_strategy(draw, start):
    """Sorted, non-overlapping intervals beginning on ``start``."""
    intervals = []
    cursor = start
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        length = draw(st.integers(min_value=1, max_value=120))
        end = cursor + datetime.timedelta(days=length - 1)
        intervals.append((cursor, end))
        cursor = end + datetime.timedelta(days=draw(st.integers(min_value=1, max_value=60)))
    return intervals


@st.composite
def case_strategy(draw):
    start = draw(dates_strategy)
    covered = draw(st.none() | covered_strategy(start))
    prior = draw(st.integers(min_value=0, max_value=400))
    occupation = draw(st.sampled_from(list(Occupation)))
    expected = draw(st.none() | st.integers(min_value=0, max_value=800))
    return start, covered, prior, occupation, expected


@given(case_strategy(), st.booleans())
def test_property_dates_non_decreasing_in_day(case, first_day_certificate):
    start, covered, prior, occupation, expected = case
    result = compute_milestones(
        start=start,
        occupation=occupation,
        expected_days=expected,
        at=start,
        prior_days=prior,
        covered=covered,
        first_day_certificate=first_day_certificate,
    )
    keys = [(m.date, m.day, m.code) for m in result]
    assert keys == sorted(keys)
    for chain_step in (True, False):  # by date, so by day within each kind of day
        days = [m.day for m in result if m.chain_step is chain_step]
        assert days == sorted(days)
    if prior == 0:
        assert [(m.day, m.code) for m in result] == sorted((m.day, m.code) for m in result)


@given(case_strategy())
def test_property_unbroken_date_is_start_plus_day_minus_one_minus_prior(case):
    start, _covered, prior, occupation, expected = case
    result = compute_milestones(
        start=start, occupation=occupation, expected_days=expected, at=start, prior_days=prior
    )
    for m in result:
        assert (m.date - start).days == m.day - 1 - (prior if m.chain_step else 0)


@given(case_strategy())
def test_property_gaps_never_move_a_milestone_earlier(case):
    start, covered, prior, occupation, expected = case
    kwargs = {"start": start, "occupation": occupation, "expected_days": expected, "at": start}
    unbroken = dates(compute_milestones(prior_days=prior, **kwargs))
    with_gaps = compute_milestones(prior_days=prior, covered=covered, **kwargs)
    for m in with_gaps:
        assert m.date >= unbroken[m.code]


@given(case_strategy(), st.integers(min_value=-100, max_value=1000))
def test_property_date_to_day_inverts_day_to_date(case, day):
    start, covered, prior, _occupation, _expected = case
    when = day_to_date(day, start=start, prior_days=prior, covered=covered)
    assert date_to_day(when, start=start, prior_days=prior, covered=covered) == day


@given(case_strategy(), dates_strategy)
def test_property_status_matches_dates(case, at):
    start, covered, prior, occupation, expected = case
    result = compute_milestones(
        start=start,
        occupation=occupation,
        expected_days=expected,
        at=at,
        prior_days=prior,
        covered=covered,
    )
    for m in result:
        assert (m.status == "passed") == (m.date < at)
        assert (m.status == "due") == (0 <= (m.date - at).days < rules.DUE_WINDOW_DAYS)
    nxt = next_milestone(result, at)
    assert nxt is None or nxt.status != "passed"

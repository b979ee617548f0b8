"""The risk signal: hand-worked levels and reasons, and properties (hypothesis)."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from samsyn.screening.risk import HIGH, LOW, RAISED, Facts, Flag, level_of, signal

OMPSQ_58 = Flag(short="ÖMPSQ", total=58, cutoff="≥ 50", on=date(2026, 11, 2))


def test_the_issue_example_is_raised_and_says_why():
    result = signal(Facts(day=64, flags=(OMPSQ_58,)))
    assert result.level == RAISED
    assert result.points == 3
    assert result.why == "ÖMPSQ 58 ≥ 50 den 2026-11-02; dag 64"
    assert result.label == "Förhöjd"
    assert signal(Facts(day=200, flags=(OMPSQ_58,))).level == HIGH


def test_nothing_known_is_low_without_reasons():
    result = signal(Facts())
    assert result.level == LOW
    assert result.points == 0
    assert result.why == ""
    assert not result.raised


def test_day_thresholds():
    assert signal(Facts(day=29)).points == 0
    assert signal(Facts(day=30)).points == 1
    assert signal(Facts(day=179)).points == 1
    assert signal(Facts(day=179)).level == LOW  # the days alone never raise it before 180
    assert signal(Facts(day=180)).points == 2
    assert signal(Facts(day=180)).level == RAISED


def test_each_other_fact_adds_one_and_is_named():
    result = signal(
        Facts(day=45, earlier_sick_leave=True, occupation="arbetssokande", certificates=3)
    )
    assert result.points == 4
    assert result.level == HIGH
    assert result.why == (
        "dag 45; sjukskriven tidigare de senaste 12 månaderna; arbetssökande; 3 intyg"
    )
    assert signal(Facts(occupation="nuvarande_arbete", certificates=2)).points == 0


def test_an_item_flag_without_a_total_is_named_by_its_note():
    flag = Flag(short="PHQ-9", total=None, cutoff="≥ 10", on=date(2026, 11, 3), note="fråga 9")
    assert signal(Facts(flags=(flag,))).why == "PHQ-9 fråga 9 den 2026-11-03"
    with_total = Flag(short="PHQ-9", total=4, cutoff="≥ 10", on=date(2026, 11, 3), note="fråga 9")
    assert with_total.text == "PHQ-9 4 ≥ 10 (fråga 9) den 2026-11-03"


FACTS = st.builds(
    Facts,
    day=st.none() | st.integers(min_value=1, max_value=900),
    flags=st.lists(st.just(OMPSQ_58), max_size=3).map(tuple),
    earlier_sick_leave=st.booleans(),
    occupation=st.sampled_from(["", "nuvarande_arbete", "arbetssokande", "program_af"]),
    certificates=st.integers(min_value=0, max_value=20),
)


@given(FACTS)
def test_the_points_are_the_sum_of_the_reasons_and_decide_the_level(facts):
    result = signal(facts)
    assert result.points == sum(r.points for r in result.reasons)
    assert result.level == level_of(result.points)
    assert (result.why == "") == (result.points == 0)


@given(FACTS, st.integers(min_value=0, max_value=400))
def test_more_days_or_another_flag_never_lowers_the_level(facts, extra):
    order = [LOW, RAISED, HIGH]
    base = signal(facts)
    if facts.day is not None:
        later = signal(Facts(**{**facts.__dict__, "day": facts.day + extra}))
        assert order.index(later.level) >= order.index(base.level)
    flagged = signal(Facts(**{**facts.__dict__, "flags": (*facts.flags, OMPSQ_58)}))
    assert flagged.points == base.points + 2


def test_the_short_reason_keeps_the_heaviest_and_the_day():
    keds = Flag(short="KEDS", total=21, cutoff="≥ 19", on=date(2026, 11, 20))
    result = signal(Facts(day=64, flags=(OMPSQ_58, keds), certificates=4))
    assert result.short_why == "ÖMPSQ 58 ≥ 50 den 2026-11-02; dag 64 (+2)"
    assert (
        signal(Facts(day=64, flags=(OMPSQ_58,))).short_why
        == result.why.split("; KEDS")[0] + "; dag 64"
    )
    assert signal(Facts(day=200)).short_why == "dag 200"
    assert signal(Facts()).short_why == ""

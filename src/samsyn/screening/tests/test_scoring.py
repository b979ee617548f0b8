"""The scoring engine: hand-computed answers for every shipped instrument, the missing-
answer rules, and properties that hold for any answers (hypothesis)."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsyn.screening import scoring
from samsyn.screening.scoring import AnswerError, InstrumentError, instrument, score

OMPSQ = instrument("ompsq10")
WAS = instrument("was")
PHQ9 = instrument("phq9")
GAD7 = instrument("gad7")
KEDS = instrument("keds")


def answers(*values):
    return {f"q{i}": v for i, v in enumerate(values, 1)}


# ---- ÖMPSQ-10 (Linton, Nicholas & MacDonald 2011) ------------------------------------


def test_ompsq_reverses_items_3_4_and_8():
    # q1 "6–8 veckor" = 5; q2 6; q3 light work 4 → 10−4 = 6; q4 sleep 3 → 7; q5 5; q6 4;
    # q7 7; q8 chance of working 2 → 8; q9 6; q10 5. 5+6+6+7+5+4+7+8+6+5 = 59.
    result = score(OMPSQ, answers(5, 6, 4, 3, 5, 4, 7, 2, 6, 5))
    assert result.total == 59
    assert result.over_cutoff
    assert result.flagged
    assert result.band.code == "risk"
    assert [i.key for i in OMPSQ.items if i.reversed] == ["q3", "q4", "q8"]


def test_ompsq_just_under_and_at_the_cutoff():
    # 1 + 9×… : q1 1, q2..q10 chosen so the sum is 49, then 50.
    below = answers(1, 8, 10, 10, 8, 8, 8, 10, 8, 8)  # 1+8+0+0+8+8+8+0+8+8 = 49
    assert score(OMPSQ, below).total == 49
    assert not score(OMPSQ, below).over_cutoff
    at = {**below, "q9": 9}
    assert score(OMPSQ, at).total == 50
    assert score(OMPSQ, at).over_cutoff


def test_ompsq_range_ends():
    best = answers(1, 0, 10, 10, 0, 0, 0, 10, 0, 0)
    worst = answers(10, 10, 0, 0, 10, 10, 10, 0, 10, 10)
    assert score(OMPSQ, best).total == 1
    assert score(OMPSQ, worst).total == 100


def test_ompsq_missing_answer_is_not_scorable_but_a_reached_cutoff_still_flags():
    partial = answers(10, 10, 0, 0, 10, 10, None, 0, 10, None)
    result = score(OMPSQ, partial)
    assert result.total is None
    assert not result.scorable
    assert result.missing == ("q7", "q10")
    assert result.lowest_possible == 10 + 10 + 10 + 10 + 10 + 10 + 10 + 10  # 80
    assert result.over_cutoff
    low = score(OMPSQ, answers(1, 2, 8, 8, 2, 2, None, 8, 2, 2))
    # 1+2+(10−8)+(10−8)+2+2+0+(10−8)+2+2 = 17
    assert low.total is None
    assert low.lowest_possible == 17
    assert not low.over_cutoff


def test_nothing_answered_is_not_scorable_and_not_flagged():
    result = score(OMPSQ, {})
    assert result.total is None
    assert result.lowest_possible is None
    assert not result.flagged
    assert len(result.missing) == 10


# ---- Work Ability Score ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "band", "flag"),
    [
        (0, "poor", True),
        (5, "poor", True),
        (6, "moderate", False),
        (7, "moderate", False),
        (8, "good", False),
        (9, "good", False),
        (10, "excellent", False),
    ],
)
def test_was_bands_and_the_low_cutoff(value, band, flag):
    result = score(WAS, {"q1": value})
    assert result.total == value
    assert result.band.code == band
    assert result.over_cutoff is flag


def test_was_without_an_answer_is_not_scorable_and_not_flagged():
    result = score(WAS, {"q1": None})
    assert result.total is None
    assert not result.flagged


# ---- PHQ-9 (Kroenke, Spitzer & Williams 2001) -----------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "minimal"),
        ((1, 1, 1, 1, 0, 0, 0, 0, 0), 4, "minimal"),
        ((1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "mild"),
        ((2, 2, 2, 1, 1, 1, 0, 0, 0), 9, "mild"),
        ((2, 2, 2, 2, 1, 1, 0, 0, 0), 10, "moderate"),
        ((2, 2, 2, 2, 2, 2, 2, 0, 0), 14, "moderate"),
        ((3, 3, 3, 2, 2, 2, 0, 0, 0), 15, "moderately_severe"),
        ((3, 3, 3, 3, 3, 2, 2, 0, 0), 19, "moderately_severe"),
        ((3, 3, 3, 3, 3, 3, 2, 0, 0), 20, "severe"),
        ((3, 3, 3, 3, 3, 3, 3, 3, 3), 27, "severe"),
    ],
)
def test_phq9_band_edges(values, total, band):
    result = score(PHQ9, answers(*values))
    assert result.total == total
    assert result.band.code == band
    assert result.over_cutoff is (total >= 10)


def test_phq9_prorates_up_to_two_missing_answers():
    # 7 answered, sum 2+2+1+1+2+1+0 = 9; 9 × 9 / 7 = 11.57 → 12.
    result = score(PHQ9, answers(2, 2, None, 1, 1, 2, 1, None, 0))
    assert result.total == 12
    assert result.prorated
    assert result.missing == ("q3", "q8")
    assert result.band.code == "moderate"
    assert result.over_cutoff
    # 8 answered, sum 7; 7 × 9 / 8 = 7.875 → 8.
    assert score(PHQ9, answers(1, 1, 1, 1, 1, 1, 1, None, 0)).total == 8
    # half up: 8 answered, sum 4 → 4.5 → 5.
    assert score(PHQ9, answers(1, 1, 1, 1, 0, 0, 0, None, 0)).total == 5


def test_phq9_three_missing_answers_are_not_scorable():
    result = score(PHQ9, answers(3, 3, None, 3, None, 3, None, 3, 0))
    assert result.total is None
    assert not result.prorated
    assert result.lowest_possible == 15
    assert result.over_cutoff


def test_phq9_item_9_flags_on_its_own():
    result = score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert result.total == 1
    assert result.band.code == "minimal"
    assert not result.over_cutoff
    assert [f.code for f in result.item_flags] == ["self_harm"]
    assert result.flagged
    unscorable = score(PHQ9, answers(None, None, None, 0, 0, 0, 0, 0, 2))
    assert unscorable.total is None
    assert unscorable.flagged
    assert not score(PHQ9, answers(0, 0, 0, 0, 0, 0, 0, 0, None)).item_flags


# ---- GAD-7 (Spitzer et al. 2006) --------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((0, 0, 0, 0, 0, 0, 0), 0, "minimal"),
        ((1, 1, 1, 1, 0, 0, 0), 4, "minimal"),
        ((1, 1, 1, 1, 1, 0, 0), 5, "mild"),
        ((2, 2, 2, 1, 1, 1, 0), 9, "mild"),
        ((2, 2, 2, 2, 1, 1, 0), 10, "moderate"),
        ((2, 2, 2, 2, 2, 2, 2), 14, "moderate"),
        ((3, 3, 3, 2, 2, 2, 0), 15, "severe"),
        ((3, 3, 3, 3, 3, 3, 3), 21, "severe"),
    ],
)
def test_gad7_band_edges(values, total, band):
    result = score(GAD7, answers(*values))
    assert (result.total, result.band.code, result.over_cutoff) == (total, band, total >= 10)


def test_gad7_prorates_one_missing_answer_not_two():
    # 6 answered, sum 8; 8 × 7 / 6 = 9.33 → 9.
    one = score(GAD7, answers(2, 2, 1, 1, 1, None, 1))
    assert one.total == 9
    assert one.prorated
    assert not one.over_cutoff
    two = score(GAD7, answers(2, 2, 1, 1, None, None, 1))
    assert two.total is None
    assert two.lowest_possible == 7
    assert not two.over_cutoff


# ---- KEDS (Beser et al. 2014) --------------------------------------------------------


def test_keds_sum_and_cutoff_19():
    assert score(KEDS, answers(2, 2, 2, 2, 2, 2, 2, 2, 2)).total == 18
    eighteen = score(KEDS, answers(2, 2, 2, 2, 2, 2, 2, 2, 2))
    assert eighteen.band.code == "below"
    assert not eighteen.over_cutoff
    nineteen = score(KEDS, answers(3, 2, 2, 2, 2, 2, 2, 2, 2))
    assert nineteen.total == 19
    assert nineteen.band.code == "exhaustion"
    assert nineteen.over_cutoff
    assert score(KEDS, answers(6, 6, 6, 6, 6, 6, 6, 6, 6)).total == 54


def test_keds_missing_answer_is_not_scorable():
    result = score(KEDS, answers(1, 1, 1, 1, 1, 1, 1, 1, None))
    assert result.total is None
    assert result.lowest_possible == 8
    assert not result.flagged
    high = score(KEDS, answers(4, 4, 4, 4, 4, None, 0, 0, 0))
    assert high.total is None
    assert high.over_cutoff


# ---- answers and files -------------------------------------------------------------------


def test_an_answer_outside_the_scale_or_an_unknown_item_is_refused():
    with pytest.raises(AnswerError):
        score(PHQ9, {"q1": 4})
    with pytest.raises(AnswerError):
        score(OMPSQ, {"q1": 0})  # duration is scored 1–10
    with pytest.raises(AnswerError):
        score(WAS, {"q2": 3})


def test_every_shipped_instrument_names_its_source_accuracy_and_missing_rule():
    for inst in scoring.instruments():
        assert inst.sources
        assert inst.accuracy
        assert inst.missing.source
        assert inst.cutoff.label


def test_an_inconsistent_file_is_refused():
    data = json.loads((scoring.INSTRUMENTS_DIR / "keds.json").read_text(encoding="utf-8"))
    data["max"] = 55
    with pytest.raises(InstrumentError):
        scoring.parse(data)
    data["max"] = 54
    data["bands"] = data["bands"][:1]
    with pytest.raises(InstrumentError):
        scoring.parse(data)


# ---- properties --------------------------------------------------------------------------


def _answers_for(inst, allow_missing=True):
    values = {
        i.key: st.sampled_from([o.value for o in i.options] + ([None] if allow_missing else []))
        for i in inst.items
    }
    return st.fixed_dictionaries(values)


INSTRUMENTS = st.sampled_from(scoring.instruments())


@given(data=st.data(), inst=INSTRUMENTS)
def test_a_total_is_within_the_range_and_in_one_band(data, inst):
    result = score(inst, data.draw(_answers_for(inst)))
    if result.total is not None:
        assert inst.min <= result.total <= inst.max
        assert result.band is not None
        assert result.over_cutoff == inst.cutoff.reached(result.total)
    else:
        assert result.band is None
        assert len(result.missing) > inst.missing.max_missing


@given(data=st.data(), inst=INSTRUMENTS)
def test_complete_answers_are_always_scorable_and_never_prorated(data, inst):
    result = score(inst, data.draw(_answers_for(inst, allow_missing=False)))
    assert result.scorable
    assert not result.prorated
    assert not result.missing


@given(data=st.data(), inst=INSTRUMENTS)
def test_the_total_is_monotone_in_each_item(data, inst):
    given_answers = data.draw(_answers_for(inst, allow_missing=False))
    item = data.draw(st.sampled_from(inst.items))
    values = sorted(o.value for o in item.options)
    totals = [score(inst, {**given_answers, item.key: v}).total for v in values]
    steps = [b - a for a, b in zip(totals, totals[1:], strict=False)]
    if item.reversed:
        assert all(s < 0 for s in steps)
    else:
        assert all(s > 0 for s in steps)


@given(data=st.data(), inst=INSTRUMENTS)
def test_the_lowest_possible_total_never_exceeds_any_completion(data, inst):
    partial = data.draw(_answers_for(inst))
    result = score(inst, partial)
    completed = {k: (v if v is not None else inst.item(k).highest) for k, v in partial.items()}
    if result.lowest_possible is not None:
        assert result.lowest_possible <= score(inst, completed).total

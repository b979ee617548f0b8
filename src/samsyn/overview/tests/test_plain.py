"""The plain-language texts (pure): every milestone the chain can give has the person's
words; sentences are short and spell out what they mean; the next steps come in the order
the person needs them."""

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsyn.overview import plain
from samsyn.sickleave import rules
from samsyn.sickleave.rules import Occupation

TODAY = date(2026, 11, 22)
ABBREVIATIONS = re.compile(r"\b(FK|AF|SIP|HSL|SFB|SoL|t\.ex\.|dvs\.?|t\.o\.m\.|bl\.a\.|ca)\b")


def _texts():
    yield from plain.MILESTONE_PLAIN.values()
    yield from plain.CERTIFICATE_PLAIN.values()
    for role in plain.WHO_DOES_WHAT:
        yield from role.does
    for word in plain.WORDS:
        for _who, meaning in word.meanings:
            yield meaning


@given(
    occupation=st.sampled_from(list(Occupation)),
    expected=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    prior=st.integers(min_value=0, max_value=300),
)
def test_every_milestone_the_chain_gives_has_the_persons_words(occupation, expected, prior):
    milestones = rules.compute_milestones(
        start=TODAY, occupation=occupation, expected_days=expected, at=TODAY, prior_days=prior
    )
    for m in milestones:
        assert m.code in plain.MILESTONE_PLAIN, m.code


@pytest.mark.parametrize("text", [str(t) for t in _texts()])
def test_sentences_are_short_and_without_abbreviations(text):
    for sentence in re.split(r"(?<=[.:?!])\s+", text):
        assert len(sentence.split()) <= 22, sentence
    assert not ABBREVIATIONS.search(text), text


def test_the_words_of_the_national_support_are_all_explained():
    words = {str(w.word) for w in plain.WORDS}
    assert words == {"Arbetsförmåga", "Rehabilitering", "Planer", "Hjälpmedel"}
    who = {str(r.who) for r in plain.WHO_DOES_WHAT}
    assert who == {
        "Du",
        "Vården",
        "Din arbetsgivare",
        "Försäkringskassan",
        "Arbetsförmedlingen",
        "Kommunen",
    }


def test_a_change_to_approve_comes_first_then_the_certificate():
    steps = plain.next_steps(
        plain.Situation(
            today=TODAY,
            has_case=True,
            certificate_end=TODAY + timedelta(days=10),
            next_point=("chain_90", TODAY + timedelta(days=30)),
            pending_approvals=2,
            coordinator="Anna Koordinator",
        )
    )
    texts = [str(s.text) for s in steps.expected]
    assert texts[0] == "Det finns 2 ändringar i din plan som väntar på att du godkänner dem."
    assert texts[1] == (
        "Ditt läkarintyg gäller till och med 2026-12-02. Är du fortfarande sjuk då? "
        "Kontakta vården i god tid innan."
    )
    assert texts[2] == "Har du frågor? Kontakta Anna Koordinator, din rehabkoordinator."
    assert [s.when for s in steps.happens] == [TODAY + timedelta(days=30)]
    assert str(steps.happens[0].text) == str(plain.MILESTONE_PLAIN["chain_90"])


def test_a_certificate_far_ahead_is_only_stated_and_an_ended_one_not_at_all():
    far = plain.next_steps(
        plain.Situation(today=TODAY, has_case=True, certificate_end=TODAY + timedelta(days=40))
    )
    assert [str(s.text) for s in far.expected] == [
        "Ditt läkarintyg gäller till och med 2027-01-01."
    ]
    ended = plain.next_steps(
        plain.Situation(today=TODAY, has_case=True, certificate_end=TODAY - timedelta(days=1))
    )
    assert ended.expected == []


def test_without_a_case_the_person_is_told_so():
    steps = plain.next_steps(plain.Situation(today=TODAY, has_case=False))
    assert [str(s.text) for s in steps.happens] == [
        "Du har inget pågående ärende hos en rehabkoordinator just nu."
    ]


@pytest.mark.parametrize(
    ("days", "text"), [(0, "i dag"), (1, "i morgon"), (2, "om 2 dagar"), (49, "om 49 dagar")]
)
def test_days_until(days, text):
    assert plain.days_until(TODAY + timedelta(days=days), TODAY) == text


def test_the_chain_day_and_the_earlier_days():
    assert str(plain.chain_day_text(41)) == "I dag är dag 41 i rehabiliteringskedjan."
    assert str(plain.chain_day_text(None)) == "Du är inte sjukskriven i dag."
    assert plain.earlier_days_text(0) == ""
    assert plain.earlier_days_text(1).startswith("Det räknas med 1 dag från")
    assert plain.earlier_days_text(12).startswith("Det räknas med 12 dagar från")

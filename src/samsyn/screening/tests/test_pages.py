"""Screening through real HTTP: who reads and writes, the flag and the trend, the
person's own form, the access log, and fixed query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.access import Denied
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.audit.models import AccessEvent
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.cases.tests.helpers import actor_for
from samsyn.consent.models import Category
from samsyn.consent.tests.fixtures import give_consent
from samsyn.people.tests.factories import PersonFactory
from samsyn.screening import selectors, services
from samsyn.screening.models import EnteredBy, ScreeningResponse

OMPSQ_58 = {  # 5+6+6+7+5+4+7+8+6+4 = 58
    "q1": "5",
    "q2": "6",
    "q3": "4",
    "q4": "3",
    "q5": "5",
    "q6": "4",
    "q7": "7",
    "q8": "2",
    "q9": "6",
    "q10": "4",
}


def _ompsq(client, case, data=OMPSQ_58, taken_on=None):
    url = reverse("screening:response_new", args=[case.pk, "ompsq10"])
    body = {**data, "taken_on": (taken_on or timezone.localdate()).isoformat()}
    return client.post(url, body)


@pytest.fixture
def patient_client(patient_user):
    return verified_client(patient_user)


def test_the_coordinator_enters_ompsq_and_sees_the_score_flag_and_risk(coordinator_client, case):
    response = _ompsq(coordinator_client, case)
    assert response.status_code == 302
    saved = ScreeningResponse.objects.get()
    assert saved.total == 58
    assert saved.over_cutoff
    assert saved.flagged
    assert saved.entered_by == EnteredBy.STAFF
    assert saved.instrument_version == "1"
    page = coordinator_client.get(reverse("screening:case", args=[case.pk]))
    text = page.content.decode()
    today = timezone.localdate().isoformat()
    assert f"ÖMPSQ 58 ≥ 50 den {today}" in text
    signal = page.context["s"].signal
    assert signal.points == 3  # the flag (2) and day 41 (1)
    assert signal.level == "raised"
    assert signal.why == f"ÖMPSQ 58 ≥ 50 den {today}; dag 41"
    assert "inte en förutsägelse" in text
    assert "Linton SJ, Nicholas M, MacDonald S." in text
    event = AccessEvent.objects.filter(
        object_type=ObjectType.SCREENING_RESPONSE, action=Action.CREATE
    ).get()
    assert event.ground == Ground.UNIT_MEMBERSHIP
    assert event.person_id == case.person_id


def test_repeated_measurements_draw_a_trend_with_a_table(coordinator_client, case):
    today = timezone.localdate()
    for weeks, q2 in ((4, "8"), (2, "6"), (0, "2")):
        _ompsq(coordinator_client, case, {**OMPSQ_58, "q2": q2}, today - timedelta(weeks=weeks))
    page = coordinator_client.get(reverse("screening:case", args=[case.pk]))
    text = page.content.decode()
    assert text.count('<circle class="trend__point') == 3
    assert "<polyline" in text
    assert "<caption>ÖMPSQ: alla mätningar</caption>" in text
    history = next(h for h in page.context["s"].histories if h.instrument.code == "ompsq10")
    assert [t for _d, t in history.points] == [60, 58, 54]
    # the latest (54) is still over 50: the flag is dated today
    assert f"ÖMPSQ 54 ≥ 50 den {today.isoformat()}" in text


def test_a_response_under_the_cutoff_clears_the_flag(coordinator_client, case):
    today = timezone.localdate()
    _ompsq(coordinator_client, case, taken_on=today - timedelta(days=7))
    low = {**OMPSQ_58, "q2": "0", "q5": "0", "q6": "0", "q7": "0", "q9": "0", "q10": "0"}
    _ompsq(coordinator_client, case, low, today)
    page = coordinator_client.get(reverse("screening:case", args=[case.pk]))
    assert page.context["s"].flags == []


def test_missing_answers_follow_the_instrument_rule(coordinator_client, case):
    url = reverse("screening:response_new", args=[case.pk, "phq9"])
    answers = {f"q{i}": "2" for i in range(1, 8)}  # q8, q9 missing: 14 × 9 / 7 = 18
    coordinator_client.post(url, {**answers, "taken_on": timezone.localdate().isoformat()})
    saved = ScreeningResponse.objects.get()
    assert saved.total == 18
    assert saved.prorated
    assert saved.band == "moderately_severe"


def test_an_empty_form_is_refused(coordinator_client, case):
    url = reverse("screening:response_new", args=[case.pk, "keds"])
    response = coordinator_client.post(url, {"taken_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert not ScreeningResponse.objects.exists()


def test_the_person_fills_in_ompsq_in_their_own_view(patient_client, case, coordinator_client):
    own = patient_client.get(reverse("overview:own_case"))
    assert own.status_code == 200
    fill_url = reverse("screening:own_fill", args=["ompsq10"])
    assert fill_url in own.content.decode()
    form = patient_client.get(fill_url)
    assert form.status_code == 200
    assert 'type="radio"' in form.content.decode()
    response = patient_client.post(fill_url, OMPSQ_58)
    assert response.status_code == 302
    saved = ScreeningResponse.objects.get()
    assert saved.entered_by == EnteredBy.PERSON
    assert saved.taken_on == timezone.localdate()
    assert saved.case_id == case.pk
    event = AccessEvent.objects.filter(
        object_type=ObjectType.SCREENING_RESPONSE, action=Action.CREATE
    ).get()
    assert event.ground == Ground.OWN_RECORD
    page = coordinator_client.get(reverse("screening:case", args=[case.pk]))
    assert "Ifylld av personen" in page.content.decode()
    again = patient_client.get(reverse("overview:own_case"))
    assert f"Senast ifyllt {timezone.localdate().isoformat()}" in again.content.decode()


def test_the_person_cannot_post_a_date_or_reach_the_staff_pages(patient_client, case):
    url = reverse("screening:own_fill", args=["ompsq10"])
    patient_client.post(url, {**OMPSQ_58, "taken_on": "2020-01-01"})
    assert ScreeningResponse.objects.get().taken_on == timezone.localdate()
    assert patient_client.get(reverse("screening:case", args=[case.pk])).status_code == 403


def test_an_external_actor_never_reads_screening_even_with_consent(
    employer_client, employer_user, employer_org, coordinator, coordinator_client, person, case
):
    _ompsq(coordinator_client, case)
    give_consent(
        coordinator, person, employer_org, [c.value for c in Category if c != Category.DIAGNOSIS]
    )
    assert employer_client.get(reverse("screening:case", args=[case.pk])).status_code == 403
    employer = actor_for(employer_user)
    with pytest.raises(Denied):
        selectors.read_screening(actor=employer, case=case)
    denial = AccessEvent.objects.filter(
        object_type=ObjectType.SCREENING_RESPONSE, action=Action.DENIED
    ).first()
    assert denial is not None


def test_care_staff_of_another_unit_get_a_404(outsider_client, case):
    assert outsider_client.get(reverse("screening:case", args=[case.pk])).status_code == 404
    url = reverse("screening:response_new", args=[case.pk, "ompsq10"])
    assert outsider_client.post(url, OMPSQ_58).status_code == 404
    assert not ScreeningResponse.objects.exists()


def test_another_person_cannot_write_on_this_case(case, unit):
    other = PersonFactory(care_unit=unit)
    user = UserFactory(person=other)
    MembershipFactory(user=user, organisation=unit, role=Role.PATIENT)
    with pytest.raises(Denied):
        services.record_response(
            actor=actor_for(user), case=case, instrument="was", answers={"q1": 3}
        )
    assert not ScreeningResponse.objects.exists()


def test_the_unit_manager_reads_but_does_not_enter(unit_manager, case, coordinator_client):
    _ompsq(coordinator_client, case)
    client = verified_client(unit_manager)
    page = client.get(reverse("screening:case", args=[case.pk]))
    assert page.status_code == 200
    assert not page.context["s"].may_enter
    url = reverse("screening:response_new", args=[case.pk, "ompsq10"])
    assert client.get(url).status_code == 404


def test_an_unknown_instrument_is_a_404(coordinator_client, case):
    url = reverse("screening:response_new", args=[case.pk, "nope"])
    assert coordinator_client.get(url).status_code == 404


def test_the_case_page_reads_in_fixed_queries(
    coordinator_client, case, django_assert_max_num_queries
):
    today = timezone.localdate()
    for weeks in range(5):
        _ompsq(coordinator_client, case, taken_on=today - timedelta(weeks=weeks))
    url = reverse("screening:case", args=[case.pk])
    coordinator_client.get(url)
    with CaptureQueriesContext(connection) as five:
        coordinator_client.get(url)
    _ompsq(coordinator_client, case, taken_on=today - timedelta(weeks=6))
    with CaptureQueriesContext(connection) as six:
        coordinator_client.get(url)
    assert len(six) == len(five)
    with django_assert_max_num_queries(len(five)):
        coordinator_client.get(url)


def test_phq9_item_9_shows_its_flag_and_the_person_form_its_safety_note(
    coordinator_client, patient_client, case
):
    url = reverse("screening:response_new", args=[case.pk, "phq9"])
    answers = {f"q{i}": "0" for i in range(1, 9)} | {"q9": "1"}
    coordinator_client.post(url, {**answers, "taken_on": timezone.localdate().isoformat()})
    saved = ScreeningResponse.objects.get()
    assert saved.total == 1
    assert saved.item_flags == ["self_harm"]
    page = coordinator_client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert "PHQ-9 fråga 9 besvarad med mer än" in page
    assert f"PHQ-9 1 ≥ 10 (fråga 9) den {timezone.localdate().isoformat()}" in page
    form = patient_client.get(reverse("screening:own_fill", args=["phq9"])).content.decode()
    assert "ring 1177 eller 112" in form


def test_the_page_in_english(coordinator_client, case):
    _ompsq(coordinator_client, case)
    _ompsq(coordinator_client, case)
    url = reverse("screening:case", args=[case.pk])
    page = coordinator_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Risk signal" in page
    assert "ÖMPSQ: all measurements" in page
    assert "not a prediction" in page


def test_the_timeline_shows_screening_to_staff_and_the_person_never_to_an_employer(
    coordinator, coordinator_client, patient_client, employer_client, employer_org, person, case
):
    _ompsq(coordinator_client, case)
    patient_client.post(reverse("screening:own_fill", args=["was"]), {"q1": "4"})
    give_consent(
        coordinator, person, employer_org, [c.value for c in Category if c != Category.DIAGNOSIS]
    )
    url = reverse("overview:timeline", args=[case.pk])
    staff = coordinator_client.get(url, {"kind": "screening"}).content.decode()
    assert "ÖMPSQ" in staff
    assert "58 poäng" in staff
    assert "över gränsvärdet" in staff
    assert reverse("screening:case", args=[case.pk]) in staff
    own = patient_client.get(url).content.decode()
    assert "Du fyllde i formuläret" in own
    assert "fylldes i" in own  # the one the coordinator entered
    shared = employer_client.get(url)
    assert shared.status_code == 200  # the employer's consent opens the timeline ...
    assert "poäng" not in shared.content.decode()  # ... never the screening
    assert "formuläret" not in shared.content.decode()

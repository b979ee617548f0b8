"""Försäkringskassan's requests under its right to information (110 kap. 31 § SFB).

Through the real services and HTTP: the office files a question by personnummer and the
certificate's date with no consent, the care unit makes a harm assessment (menprövning)
before it answers, and every step is logged with the ground `legal_duty`, naming the
request or the assessment, never dressed up as consent.
"""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import verified_client
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases import selectors as case_selectors
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.collaboration.models import Message, Thread, ThreadKind
from samsyn.collaboration.selectors import fk_requests as fk_selectors
from samsyn.collaboration.selectors import messages as message_selectors
from samsyn.collaboration.services import fk_requests as fk_services
from samsyn.collaboration.services import messages as message_services
from samsyn.collaboration.tests.conftest import give_consent
from samsyn.collaboration.tests.fk_helpers import (
    FK_REQUESTS,
    QUESTION,
    REASONING,
    STOCKHOLM,
    assert_personnummer_not_logged,
    assessment_url,
    error_summary,
    file_request,
    personnummer_forms,
    request_data,
    signed_day,
    thread_url,
)
from samsyn.consent import services as consent_services
from samsyn.consent.models import Consent
from samsyn.core.testing import run_jobs
from samsyn.people.tests.factories import PersonFactory

# ---- Försäkringskassan files a request -----------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        lambda p: p.formatted_personnummer,
        lambda p: p.personnummer,
        lambda p: f"{p.personnummer[2:8]}-{p.personnummer[8:]}",
    ],
    ids=["formatted", "twelve-digits", "ten-digits"],
)
def test_fk_officer_files_a_request_without_consent_and_reads_it(
    fk_client, fk_user, fk_org, case, certificate, number
):
    assert not Consent.objects.exists()
    page = fk_client.get(FK_REQUESTS)
    assert page.status_code == 200
    assert 'name="personnummer"' in page.content.decode()
    response = fk_client.post(
        FK_REQUESTS, request_data(case.person, signed_day(), personnummer=number(case.person))
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert response.url == thread_url(thread)
    for form in personnummer_forms(case.person):
        assert form not in response.url
    assert thread.kind == ThreadKind.FK_QUESTION
    assert thread.party == fk_org
    assert thread.case == case
    assert thread.certificate == certificate
    assert thread.fk_topic == "KOMPLT"
    assert thread.awaits_answer
    question = thread.messages.get()
    assert question.body == QUESTION
    assert question.consent_id is None
    assert question.harm_assessment_id is None

    page = fk_client.get(thread_url(thread))
    assert page.status_code == 200
    content = page.content.decode()
    assert QUESTION in content
    assert "Alla frågor till vården" in content
    for form in personnummer_forms(case.person):
        assert form not in content

    legal = AccessEvent.objects.filter(actor=fk_user, ground=Ground.LEGAL_DUTY)
    # The decision to let the office write and the message's creation, both on the request.
    created = legal.filter(action=Action.CREATE, object_type="message")
    assert {(e.object_id, e.ground_ref) for e in created} == {(str(question.pk), str(thread.pk))}
    read = legal.filter(action=Action.READ, object_type="thread").get()
    assert read.ground_ref == str(thread.pk)
    assert read.person_id == case.person_id
    assert not AccessEvent.objects.filter(actor=fk_user, ground=Ground.CONSENT).exists()
    assert not Consent.objects.exists()
    assert_personnummer_not_logged(case.person)


REQUEST_ERRORS = {
    "wrong date": "Det finns inget läkarintyg för sjukpenning från den dagen för personnumret.",
    "invalid personnummer": "Personnumret är inte giltigt.",
    "AG7804 certificate": (
        "Det finns inget läkarintyg för sjukpenning från den dagen för personnumret."
    ),
}


@pytest.mark.parametrize("error", REQUEST_ERRORS)
def test_a_request_that_finds_no_certificate_or_case_is_refused_and_keeps_input(
    fk_client, physician, unit, case, certificate, error
):
    person, day = case.person, signed_day()
    number = person.formatted_personnummer
    if error == "wrong date":
        day -= timedelta(days=1)
    elif error == "invalid personnummer":
        number = number[:-1] + str((int(number[-1]) + 1) % 10)
    elif error == "AG7804 certificate":
        day -= timedelta(days=3)
        certify(
            physician,
            person,
            day,
            day + timedelta(days=14),
            signed=datetime.combine(day, time(11), STOCKHOLM),
            type_="AG7804",
        )
    data = request_data(
        person, day, personnummer=number, subject="Min rubrik", body="Min egen frågetext"
    )
    response = fk_client.post(FK_REQUESTS, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert REQUEST_ERRORS[error] in error_summary(page)
    assert 'value="Min rubrik"' in page
    assert "Min egen frågetext" in page
    assert f'value="{day.isoformat()}"' in page
    assert f'value="{number}"' in page
    assert not Thread.objects.exists()
    assert not Message.objects.exists()


def test_an_incomplete_form_is_refused_in_swedish(fk_client, case, certificate):
    data = request_data(case.person, signed_day(), answer_by="", subject="Min rubrik")
    response = fk_client.post(FK_REQUESTS, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Svar senast" in error_summary(page)
    assert 'value="Min rubrik"' in page
    assert not Thread.objects.exists()


@pytest.mark.parametrize("who", ["employer_client", "coordinator_client", "physician_client"])
def test_only_fk_officers_reach_the_request_page(request, who, case, certificate):
    client = request.getfixturevalue(who)
    assert client.get(FK_REQUESTS).status_code == 403
    response = client.post(FK_REQUESTS, request_data(case.person, signed_day()))
    assert response.status_code == 403
    assert not Thread.objects.exists()


def test_the_request_is_an_unanswered_question_in_the_worklist(
    fk_client, coordinator, unit, case, certificate
):
    assert fk_selectors.unanswered_fk_questions_for_units([unit.pk]) == {}
    assert fk_client.post(FK_REQUESTS, request_data(case.person, signed_day())).status_code == 302
    assert fk_selectors.unanswered_fk_questions_for_units([unit.pk]) == {case.person_id: 1}
    rows = case_selectors.worklist_rows(actor=actor_for(coordinator), on=timezone.localdate())
    row = next(r for r in rows if r.person_id == case.person_id)
    assert row.fk_questions == 1


# ---- the office's page ----------------------------------------------------------------


def test_the_office_page_lists_its_own_requests_only(
    fk_user, other_fk_user, fk_client, case, certificate
):
    own = file_request(fk_user, case, certificate, subject="Fråga från Testköping")
    theirs = file_request(other_fk_user, case, certificate, subject="Fråga från Annanstad")
    response = fk_client.get(FK_REQUESTS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fråga från Testköping" in page
    assert thread_url(own) in page
    assert "Fråga från Annanstad" not in page
    assert thread_url(theirs) not in page
    assert "Väntar på svar" in page
    for form in personnummer_forms(case.person):
        assert form not in page
    listed = AccessEvent.objects.get(actor=fk_user, object_type="fk_request")
    assert (listed.ground, listed.ground_ref) == (Ground.LEGAL_DUTY, str(own.pk))
    other_page = verified_client(other_fk_user).get(FK_REQUESTS).content.decode()
    assert "Fråga från Annanstad" in other_page
    assert "Fråga från Testköping" not in other_page


def test_a_rehab_need_notice_is_listed_only_while_its_consent_is_in_force(
    coordinator, fk_user, other_fk_user, fk_client, fk_org, case
):
    consent = give_consent(coordinator, case.person, fk_org, ["inform_fk_rehab_need"])
    notice = message_services.start_thread(
        actor=actor_for(coordinator),
        case=case,
        party=fk_org,
        subject="Behov av arbetslivsinriktad rehabilitering",
        body="Personen kan behöva arbetslivsinriktad rehabilitering.",
        kind=ThreadKind.FK_REHAB_NEED,
    )
    page = fk_client.get(FK_REQUESTS).content.decode()
    assert "Behov av arbetslivsinriktad rehabilitering" in page
    assert thread_url(notice) in page
    listed = AccessEvent.objects.get(actor=fk_user, object_type="thread", object_id=str(notice.pk))
    assert (listed.ground, listed.ground_ref) == (Ground.CONSENT, str(consent.pk))
    other_page = verified_client(other_fk_user).get(FK_REQUESTS).content.decode()
    assert "Behov av arbetslivsinriktad rehabilitering" not in other_page

    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="written")
    page = fk_client.get(FK_REQUESTS).content.decode()
    assert "Behov av arbetslivsinriktad rehabilitering" not in page
    assert thread_url(notice) not in page
    assert fk_client.get(thread_url(notice)).status_code == 404


def test_the_office_page_queries_do_not_grow_with_requests(
    fk_user, fk_client, physician, coordinator, unit, case, certificate
):
    file_request(fk_user, case, certificate)
    fk_client.get(FK_REQUESTS)
    with CaptureQueriesContext(connection) as one:
        assert fk_client.get(FK_REQUESTS).status_code == 200
    for n in range(3):
        person = PersonFactory(care_unit=unit, given_name=f"Person{n}", family_name="Fleraren")
        day = signed_day() - timedelta(days=n + 1)
        other = certify(
            physician,
            person,
            day,
            day + timedelta(days=30),
            signed=datetime.combine(day, time(10), STOCKHOLM),
        )
        other_case = case_services.open_case(actor=actor_for(coordinator), person=person)
        file_request(fk_user, other_case, other, subject=f"Fråga {n}")
    fk_client.get(FK_REQUESTS)
    with CaptureQueriesContext(connection) as four:
        response = fk_client.get(FK_REQUESTS)
    page = response.content.decode()
    assert page.count("Väntar på svar") == 4
    assert all(f"Person{n} Fleraren" in page for n in range(3))
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_office_page_lists_requests_awaiting_an_answer_first(
    fk_user, fk_client, coordinator, case, certificate
):
    answered = file_request(fk_user, case, certificate, subject="Redan besvarad fråga")
    care = verified_client(coordinator)
    care.post(assessment_url(answered), {"disclose": "no", "reasoning": REASONING})
    waiting = file_request(fk_user, case, certificate, subject="Väntande fråga")
    page = fk_client.get(FK_REQUESTS).content.decode()
    assert page.index(thread_url(waiting)) < page.index(thread_url(answered))


def test_the_answer_to_its_request_counts_as_unread_for_the_fk_officer(
    fk_user, coordinator, case, certificate
):
    thread = file_request(fk_user, case, certificate)
    officer = actor_for(fk_user)
    assert message_selectors.unread_count(actor=officer) == 0
    fk_services.record_harm_assessment(
        actor=actor_for(coordinator), thread=thread, disclose=True, reasoning=REASONING
    )
    message_services.post_message(
        actor=actor_for(coordinator), thread=thread, body="Svar på frågan."
    )
    assert message_selectors.unread_count(actor=officer) == 1
    message_services.mark_read(
        actor=officer, thread=message_selectors.thread_for(actor=officer, thread_id=thread.pk)
    )
    assert message_selectors.unread_count(actor=officer) == 0


def test_a_request_about_a_person_without_an_open_case_opens_one_for_the_unit(
    fk_client, physician, unit, coordinator, django_capture_on_commit_callbacks
):
    coordinator.email = "anna@vc.example"
    coordinator.save()
    person = PersonFactory(care_unit=unit, given_name="Utan", family_name="Ärende")
    day = signed_day()
    certify(
        physician,
        person,
        day,
        day + timedelta(days=14),
        signed=datetime.combine(day, time(8), STOCKHOLM),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = fk_client.post(FK_REQUESTS, request_data(person, day))
    run_jobs()  # the notification e-mails are jobs
    assert response.status_code == 302
    case = person.cases.get()
    assert case.is_open
    assert case.unit_id == unit.pk
    assert case.responsible_id is None
    assert Thread.objects.get().case == case
    opened = AccessEvent.objects.get(object_type="case", action=Action.CREATE)
    assert opened.ground == Ground.LEGAL_DUTY
    assert fk_selectors.unanswered_fk_questions_for_units([unit.pk]) == {person.pk: 1}
    # No responsible coordinator yet: the unit's coordinators get the content-free e-mail.
    assert [m.to for m in mail.outbox] == [["anna@vc.example"]]
    assert "Utan" not in mail.outbox[0].body
    # A second request reuses the open case.
    fk_client.post(FK_REQUESTS, request_data(person, day, subject="Igen"))
    assert person.cases.count() == 1
    assert Thread.objects.count() == 2


def test_an_answer_by_date_in_the_past_is_refused(fk_client, case, certificate):
    yesterday = timezone.localdate() - timedelta(days=1)
    data = request_data(case.person, signed_day(), answer_by=yesterday.isoformat())
    response = fk_client.post(FK_REQUESTS, data)
    assert response.status_code == 400
    assert "Svarsdatumet har redan passerat." in error_summary(response.content.decode())
    assert not Thread.objects.exists()

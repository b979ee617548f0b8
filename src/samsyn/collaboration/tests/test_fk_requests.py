"""Försäkringskassan's requests under its right to information (110 kap. 31 § SFB).

Through the real services and HTTP: the office files a question by personnummer and the
certificate's date with no consent, the care unit makes a harm assessment (menprövning)
before it answers, and every step is logged with the ground `legal_duty`, naming the
request or the assessment, never dressed up as consent.
"""

import json
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.audit import auditor
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases import selectors as case_selectors
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.collaboration import fk_requests, selectors, services
from samsyn.collaboration.models import HarmAssessment, Message, Thread, ThreadKind
from samsyn.collaboration.tests.conftest import give_consent
from samsyn.consent import services as consent_services
from samsyn.consent.models import Consent
from samsyn.people.tests.factories import PersonFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FK_REQUESTS = reverse("collaboration:fk_requests")
QUESTION = "Beskriv aktivitetsbegränsningen närmare i intyget."
REASONING = "Svaret rör bara arbetsförmågan; inget men för personen eller närstående."


def thread_url(thread) -> str:
    return reverse("collaboration:thread", args=[thread.pk])


def assessment_url(thread) -> str:
    return reverse("collaboration:harm_assessment", args=[thread.pk])


def personnummer_forms(person) -> set[str]:
    """Every way the person's number may be written: 12 digits, formatted, 10 digits."""
    number = person.personnummer
    return {number, person.formatted_personnummer, number[2:], f"{number[2:8]}-{number[8:]}"}


def assert_personnummer_not_logged(person) -> None:
    forms = personnummer_forms(person)
    rows = list(AccessEvent.objects.values())
    assert rows
    for row in rows:
        text = json.dumps(row, default=str, ensure_ascii=False)
        for form in forms:
            assert form not in text, f"personnummer in access event {row['seq']}"


def assert_mail_is_anonymous(person) -> None:
    secrets = personnummer_forms(person) | {person.given_name, person.family_name}
    for sent in mail.outbox:
        text = sent.subject + sent.body + " ".join(sent.to)
        assert "Du har ett nytt meddelande i Samsyn" in text
        for secret in secrets:
            assert secret not in text


def error_summary(page: str) -> str:
    match = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(1)


def signed_day():
    return timezone.localdate() - timedelta(days=10)


@pytest.fixture
def certificate(physician, case):
    start = signed_day()
    return certify(
        physician,
        case.person,
        start,
        start + timedelta(days=30),
        signed=datetime.combine(start, time(9, 30), STOCKHOLM),
    )


@pytest.fixture
def other_fk_org(db):
    return OrganisationFactory(
        name="Försäkringskassan Annanstad", type=OrganisationType.FK_OFFICE, code=None
    )


@pytest.fixture
def other_fk_user(other_fk_org):
    return MembershipFactory(
        organisation=other_fk_org,
        role=Role.FK_OFFICER,
        user=UserFactory(first_name="Frans", last_name="Annan", email="frans@fk2.example"),
    ).user


@pytest.fixture
def fk_client(fk_user):
    return verified_client(fk_user)


@pytest.fixture
def mailed_coordinator(coordinator):
    coordinator.email = "anna@vc.example"
    coordinator.save(update_fields=["email"])
    return coordinator


def request_data(person, signed_on, **overrides) -> dict:
    data = {
        "personnummer": person.formatted_personnummer,
        "certificate_signed_on": signed_on.isoformat(),
        "fk_topic": "KOMPLT",
        "answer_by": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "subject": "Komplettering av läkarintyg",
        "body": QUESTION,
    }
    data.update(overrides)
    return data


def file_request(user, case, certificate, subject="Komplettering av läkarintyg") -> Thread:
    """A request filed through the service (for tests about what comes after)."""
    return fk_requests.start_fk_request(
        actor=actor_for(user),
        personnummer_value=case.person.personnummer,
        certificate_signed_on=timezone.localtime(certificate.signed_at).date(),
        fk_topic="KOMPLT",
        subject=subject,
        body=QUESTION,
        answer_by=timezone.localdate() + timedelta(days=7),
    )


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
    assert selectors.unanswered_fk_questions_for_units([unit.pk]) == {}
    assert fk_client.post(FK_REQUESTS, request_data(case.person, signed_day())).status_code == 302
    assert selectors.unanswered_fk_questions_for_units([unit.pk]) == {case.person_id: 1}
    rows = case_selectors.worklist_rows(actor=actor_for(coordinator), on=timezone.localdate())
    row = next(r for r in rows if r.person_id == case.person_id)
    assert row.fk_questions == 1


# ---- the care unit's harm assessment --------------------------------------------------


def test_care_assesses_before_answering_and_fk_reads_the_answer(
    fk_client,
    fk_user,
    mailed_coordinator,
    unit,
    case,
    certificate,
    django_capture_on_commit_callbacks,
):
    coordinator = mailed_coordinator
    care = verified_client(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = fk_client.post(FK_REQUESTS, request_data(case.person, signed_day()))
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert [m.to for m in mail.outbox] == [["anna@vc.example"]]
    assert thread_url(thread) in mail.outbox[0].body

    page = care.get(thread_url(thread)).content.decode()
    assert 'id="assessment-heading"' in page
    assert f'action="{assessment_url(thread)}"' in page
    assert 'id="reply-heading"' not in page

    # No answer before the assessment: refused in words that name the harm assessment.
    response = care.post(thread_url(thread), {"body": "Ett för tidigt svar."})
    assert response.status_code == 400
    assert "Gör en menprövning innan du svarar" in error_summary(response.content.decode())
    assert thread.messages.count() == 1
    denied = AccessEvent.objects.get(actor=coordinator, action=Action.DENIED)
    assert denied.extra["rule"] == "harm_assessment_missing"
    assert denied.ground == Ground.NONE

    # An assessment without reasoning is refused and keeps the choice.
    response = care.post(assessment_url(thread), {"disclose": "yes", "reasoning": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_reasoning_error"' in page
    assert re.search(r'<input[^>]*value="yes"[^>]*checked', page)
    assert not HarmAssessment.objects.exists()

    response = care.post(assessment_url(thread), {"disclose": "yes", "reasoning": REASONING})
    assert response.status_code == 302
    assert response.url == thread_url(thread)
    assessment = HarmAssessment.objects.get()
    assert assessment.disclose is True
    assert assessment.thread == thread
    assert assessment.created_by == coordinator
    made = AccessEvent.objects.get(object_type="harm_assessment")
    assert made.ground == Ground.UNIT_MEMBERSHIP
    assert made.object_id == str(assessment.pk)
    page = care.get(thread_url(thread)).content.decode()
    assert "Uppgifterna kan lämnas" in page
    assert REASONING in page
    assert 'id="reply-heading"' in page

    answer = "Personen kan arbeta halvtid med anpassade arbetsuppgifter."
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = care.post(thread_url(thread), {"body": answer})
    assert response.status_code == 302
    reply = Message.objects.get(thread=thread, author=coordinator)
    assert reply.body == answer
    assert reply.harm_assessment == assessment
    assert reply.consent_id is None
    disclosed = AccessEvent.objects.get(action=Action.DISCLOSE, object_id=str(reply.pk))
    assert disclosed.ground == Ground.LEGAL_DUTY
    assert disclosed.ground_ref == str(assessment.pk)
    assert disclosed.extra["rule"] == "harm_assessment"
    created = AccessEvent.objects.get(action=Action.CREATE, object_id=str(reply.pk))
    assert created.ground == Ground.LEGAL_DUTY
    assert created.ground_ref == str(assessment.pk)
    thread.refresh_from_db()
    assert thread.answered_at is not None
    assert selectors.unanswered_fk_questions_for_units([unit.pk]) == {}
    assert [m.to for m in mail.outbox] == [["fia@fk.example"]]

    response = fk_client.get(thread_url(thread))
    assert response.status_code == 200
    page = response.content.decode()
    assert answer in page
    assert "110 kap. 31 § socialförsäkringsbalken) efter menprövning" in page
    assert REASONING not in page
    assert 'id="assessment-heading"' not in page
    read = AccessEvent.objects.filter(actor=fk_user, object_type="thread").last()
    assert (read.ground, read.ground_ref) == (Ground.LEGAL_DUTY, str(thread.pk))

    assert_mail_is_anonymous(case.person)
    assert_personnummer_not_logged(case.person)
    assert not Consent.objects.exists()
    result = auditor.verify_chain()
    assert result.ok, result.reason
    assert result.count == AccessEvent.objects.count()


def test_a_refusing_assessment_gives_fk_the_fixed_refusal_and_ends_the_request(
    fk_user, mailed_coordinator, unit, case, certificate, django_capture_on_commit_callbacks
):
    coordinator = mailed_coordinator
    thread = file_request(fk_user, case, certificate)
    care = verified_client(coordinator)
    reasoning = "Uppgifterna rör en närstående som kan lida men."
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = care.post(assessment_url(thread), {"disclose": "no", "reasoning": reasoning})
    assert response.status_code == 302
    assessment = HarmAssessment.objects.get()
    assert assessment.disclose is False
    refusal = Message.objects.get(thread=thread, author=coordinator)
    assert refusal.body == fk_requests.REFUSAL_TEXT
    assert refusal.harm_assessment == assessment
    assert refusal.consent_id is None
    event = AccessEvent.objects.get(action=Action.DISCLOSE, object_id=str(refusal.pk))
    assert (event.ground, event.ground_ref) == (Ground.LEGAL_DUTY, str(assessment.pk))
    thread.refresh_from_db()
    assert thread.answered_at is not None
    assert selectors.unanswered_fk_questions_for_units([unit.pk]) == {}
    assert [m.to for m in mail.outbox] == [["fia@fk.example"]]
    assert_mail_is_anonymous(case.person)

    page = care.get(thread_url(thread)).content.decode()
    assert "Uppgifterna lämnas inte" in page
    assert f'action="{assessment_url(thread)}"' not in page
    assert 'id="reply-heading"' not in page
    response = care.post(thread_url(thread), {"body": "Men här är diagnosen ändå."})
    assert response.status_code == 400
    assert "Menprövningen säger att uppgifterna inte kan lämnas" in error_summary(
        response.content.decode()
    )
    with pytest.raises(services.MessageError):
        services.post_message(actor=actor_for(coordinator), thread=thread, body="Ändå?")
    response = care.post(assessment_url(thread), {"disclose": "yes", "reasoning": "Ångrar mig."})
    assert response.status_code == 400
    assert "Frågan är redan besvarad." in error_summary(response.content.decode())
    assert HarmAssessment.objects.count() == 1
    assert thread.messages.count() == 2

    page = verified_client(fk_user).get(thread_url(thread)).content.decode()
    assert fk_requests.REFUSAL_TEXT in page
    assert reasoning not in page
    assert_personnummer_not_logged(case.person)
    assert auditor.verify_chain().ok


def test_the_office_writes_in_its_request_but_cannot_assess_it(
    fk_user, fk_client, case, certificate
):
    thread = file_request(fk_user, case, certificate)
    response = fk_client.post(thread_url(thread), {"body": "Påminnelse om frågan."})
    assert response.status_code == 302
    follow_up = Message.objects.get(body="Påminnelse om frågan.")
    assert follow_up.consent_id is None
    assert follow_up.harm_assessment_id is None
    events = AccessEvent.objects.filter(action=Action.CREATE, object_id=str(follow_up.pk))
    assert {(e.ground, e.ground_ref) for e in events} == {(Ground.LEGAL_DUTY, str(thread.pk))}
    thread.refresh_from_db()
    assert thread.awaits_answer

    response = fk_client.post(assessment_url(thread), {"disclose": "yes", "reasoning": "Jag själv"})
    assert response.status_code == 400
    assert "Du kan inte göra menprövningen" in error_summary(response.content.decode())
    assert not HarmAssessment.objects.exists()
    assert fk_client.get(assessment_url(thread)).status_code == 405


def test_a_unit_manager_reads_the_request_but_neither_assesses_nor_answers(
    unit_manager, fk_user, case, certificate
):
    thread = file_request(fk_user, case, certificate)
    client = verified_client(unit_manager)
    page = client.get(thread_url(thread)).content.decode()
    assert 'id="assessment-heading"' in page
    assert f'action="{assessment_url(thread)}"' not in page
    assert 'id="reply-heading"' not in page
    response = client.post(assessment_url(thread), {"disclose": "yes", "reasoning": "Ok"})
    assert response.status_code == 400
    assert not HarmAssessment.objects.exists()


def test_no_one_else_reaches_the_request(
    fk_user,
    other_fk_user,
    employer_user,
    employer_org,
    outsider_client,
    coordinator,
    case,
    certificate,
):
    give_consent(coordinator, case.person, employer_org, ["messages"])
    thread = file_request(fk_user, case, certificate)
    for client in (verified_client(other_fk_user), verified_client(employer_user), outsider_client):
        assert client.get(thread_url(thread)).status_code == 404
        assert client.post(thread_url(thread), {"body": "Jag med"}).status_code == 404
        response = client.post(assessment_url(thread), {"disclose": "yes", "reasoning": "x"})
        assert response.status_code == 404
    assert thread.messages.count() == 1
    assert not HarmAssessment.objects.exists()
    assert not AccessEvent.objects.filter(
        actor__in=[other_fk_user, employer_user], ground=Ground.LEGAL_DUTY
    ).exists()
    with pytest.raises(services.MessageError):
        services.post_message(actor=actor_for(other_fk_user), thread=thread, body="Jag med")


def test_with_a_consent_covering_messages_care_answers_directly_under_consent(
    fk_user, fk_client, coordinator, fk_org, case, certificate
):
    consent = give_consent(coordinator, case.person, fk_org, ["messages"])
    response = fk_client.post(FK_REQUESTS, request_data(case.person, signed_day()))
    assert response.status_code == 302
    thread = Thread.objects.get()
    question = thread.messages.get()
    assert question.consent_id == consent.pk
    care = verified_client(coordinator)
    page = care.get(thread_url(thread)).content.decode()
    assert 'id="assessment-heading"' not in page
    assert 'id="reply-heading"' in page
    assert care.post(thread_url(thread), {"body": "Svar under samtycke."}).status_code == 302
    reply = Message.objects.get(thread=thread, author=coordinator)
    assert reply.consent_id == consent.pk
    assert reply.harm_assessment_id is None
    event = AccessEvent.objects.get(action=Action.DISCLOSE, object_id=str(reply.pk))
    assert (event.ground, event.ground_ref) == (Ground.CONSENT, str(consent.pk))
    thread.refresh_from_db()
    assert thread.answered_at is not None
    assert not HarmAssessment.objects.exists()
    assert "Svar under samtycke." in fk_client.get(thread_url(thread)).content.decode()


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
    notice = services.start_thread(
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


def test_an_assessment_is_only_made_for_a_request_from_fk(
    coordinator, employer_org, case, employer_user
):
    give_consent(coordinator, case.person, employer_org, ["messages"])
    thread = services.start_thread(
        actor=actor_for(coordinator), case=case, party=employer_org, subject="Hej", body="Hej"
    )
    client = verified_client(coordinator)
    assert 'id="assessment-heading"' not in client.get(thread_url(thread)).content.decode()
    response = client.post(assessment_url(thread), {"disclose": "yes", "reasoning": "Ok"})
    assert response.status_code == 400
    assert "Menprövning görs bara för frågor från Försäkringskassan." in error_summary(
        response.content.decode()
    )
    assert not HarmAssessment.objects.exists()


def test_the_answer_to_its_request_counts_as_unread_for_the_fk_officer(
    fk_user, coordinator, case, certificate
):
    thread = file_request(fk_user, case, certificate)
    officer = actor_for(fk_user)
    assert selectors.unread_count(actor=officer) == 0
    fk_requests.record_harm_assessment(
        actor=actor_for(coordinator), thread=thread, disclose=True, reasoning=REASONING
    )
    services.post_message(actor=actor_for(coordinator), thread=thread, body="Svar på frågan.")
    assert selectors.unread_count(actor=officer) == 1
    services.mark_read(
        actor=officer, thread=selectors.thread_for(actor=officer, thread_id=thread.pk)
    )
    assert selectors.unread_count(actor=officer) == 0


def test_fk_sees_a_refusal_as_no_disclosure_and_an_answer_as_legal_duty(
    fk_user, coordinator, case, certificate
):
    care = actor_for(coordinator)
    refused = file_request(fk_user, case, certificate, subject="Första frågan")
    fk_requests.record_harm_assessment(
        actor=care, thread=refused, disclose=False, reasoning=REASONING
    )
    answered = file_request(fk_user, case, certificate, subject="Andra frågan")
    fk_requests.record_harm_assessment(
        actor=care, thread=answered, disclose=True, reasoning=REASONING
    )
    services.post_message(actor=care, thread=answered, body="Svar på frågan.")
    fk = verified_client(fk_user)

    page = fk.get(thread_url(refused)).content.decode()
    assert "inga uppgifter om personen lämnades" in page
    assert "inte med stöd av samtycke" not in page
    page = fk.get(thread_url(answered)).content.decode()
    assert "inte med stöd av samtycke" in page
    assert "inga uppgifter om personen lämnades" not in page


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
    assert response.status_code == 302
    case = person.cases.get()
    assert case.is_open
    assert case.unit_id == unit.pk
    assert case.responsible_id is None
    assert Thread.objects.get().case == case
    opened = AccessEvent.objects.get(object_type="case", action=Action.CREATE)
    assert opened.ground == Ground.LEGAL_DUTY
    assert selectors.unanswered_fk_questions_for_units([unit.pk]) == {person.pk: 1}
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

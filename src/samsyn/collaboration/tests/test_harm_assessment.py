"""The care unit's harm assessment (menprövning) of Försäkringskassan's request.

Through the real services and HTTP: the unit assesses before it answers, a refusal gives
the office a fixed answer, and every step is logged with the ground `legal_duty`, naming
the request or the assessment, never dressed up as consent.
"""

import re

import pytest
from django.core import mail

from conftest import verified_client
from samsyn.audit import auditor
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.models import HarmAssessment, Message, Thread
from samsyn.collaboration.selectors import fk_requests as fk_selectors
from samsyn.collaboration.services import fk_requests as fk_services
from samsyn.collaboration.services import messages as message_services
from samsyn.collaboration.tests.conftest import give_consent
from samsyn.collaboration.tests.fk_helpers import (
    FK_REQUESTS,
    REASONING,
    assert_mail_is_anonymous,
    assert_personnummer_not_logged,
    assessment_url,
    error_summary,
    file_request,
    request_data,
    signed_day,
    thread_url,
)
from samsyn.consent.models import Consent
from samsyn.core.testing import run_jobs


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
    run_jobs()  # the notification e-mails are jobs
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
    run_jobs()  # earlier notifications go out first
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = care.post(thread_url(thread), {"body": answer})
    run_jobs()  # the notification e-mails are jobs
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
    assert fk_selectors.unanswered_fk_questions_for_units([unit.pk]) == {}
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
    run_jobs()  # earlier notifications go out first
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = care.post(assessment_url(thread), {"disclose": "no", "reasoning": reasoning})
    run_jobs()  # the notification e-mails are jobs
    assert response.status_code == 302
    assessment = HarmAssessment.objects.get()
    assert assessment.disclose is False
    refusal = Message.objects.get(thread=thread, author=coordinator)
    assert refusal.body == fk_services.REFUSAL_TEXT
    assert refusal.harm_assessment == assessment
    assert refusal.consent_id is None
    event = AccessEvent.objects.get(action=Action.DISCLOSE, object_id=str(refusal.pk))
    assert (event.ground, event.ground_ref) == (Ground.LEGAL_DUTY, str(assessment.pk))
    thread.refresh_from_db()
    assert thread.answered_at is not None
    assert fk_selectors.unanswered_fk_questions_for_units([unit.pk]) == {}
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
    with pytest.raises(message_services.MessageError):
        message_services.post_message(actor=actor_for(coordinator), thread=thread, body="Ändå?")
    response = care.post(assessment_url(thread), {"disclose": "yes", "reasoning": "Ångrar mig."})
    assert response.status_code == 400
    assert "Frågan är redan besvarad." in error_summary(response.content.decode())
    assert HarmAssessment.objects.count() == 1
    assert thread.messages.count() == 2

    page = verified_client(fk_user).get(thread_url(thread)).content.decode()
    assert fk_services.REFUSAL_TEXT in page
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
    with pytest.raises(message_services.MessageError):
        message_services.post_message(actor=actor_for(other_fk_user), thread=thread, body="Jag med")


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


def test_an_assessment_is_only_made_for_a_request_from_fk(
    coordinator, employer_org, case, employer_user
):
    give_consent(coordinator, case.person, employer_org, ["messages"])
    thread = message_services.start_thread(
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


def test_fk_sees_a_refusal_as_no_disclosure_and_an_answer_as_legal_duty(
    fk_user, coordinator, case, certificate
):
    care = actor_for(coordinator)
    refused = file_request(fk_user, case, certificate, subject="Första frågan")
    fk_services.record_harm_assessment(
        actor=care, thread=refused, disclose=False, reasoning=REASONING
    )
    answered = file_request(fk_user, case, certificate, subject="Andra frågan")
    fk_services.record_harm_assessment(
        actor=care, thread=answered, disclose=True, reasoning=REASONING
    )
    message_services.post_message(actor=care, thread=answered, body="Svar på frågan.")
    fk = verified_client(fk_user)

    page = fk.get(thread_url(refused)).content.decode()
    assert "inga uppgifter om personen lämnades" in page
    assert "inte med stöd av samtycke" not in page
    page = fk.get(thread_url(answered)).content.decode()
    assert "inte med stöd av samtycke" in page
    assert "inga uppgifter om personen lämnades" not in page

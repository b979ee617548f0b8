"""Secure messages through the services and selectors: consent, parties, FK questions."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.collaboration.models import Attachment, MessageRead, Thread, ThreadKind
from samsyn.collaboration.selectors import fk_requests as fk_selectors
from samsyn.collaboration.selectors import messages as message_selectors
from samsyn.collaboration.services import messages as message_services
from samsyn.collaboration.tests.conftest import give_consent
from samsyn.consent import services as consent_services

PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def start(user, case, party, **kw):
    return message_services.start_thread(
        actor=actor_for(user),
        case=case,
        party=party,
        subject=kw.pop("subject", "Anpassningar"),
        body=kw.pop("body", "Hej, kan vi prata om anpassningar?"),
        **kw,
    )


def test_care_cannot_start_a_thread_without_a_messages_consent(coordinator, case, employer_org):
    give_consent(coordinator, case.person, employer_org, ["contact"])
    with pytest.raises(message_services.MessageError) as exc:
        start(coordinator, case, employer_org)
    assert "Testbygg AB" in str(exc.value)
    assert "meddelanden" in str(exc.value)
    assert not Thread.objects.exists()


def test_care_starts_a_thread_under_consent_and_the_employer_replies(
    coordinator, employer_user, case, employer_org
):
    consent = give_consent(coordinator, case.person, employer_org, ["messages"])
    thread = start(coordinator, case, employer_org)
    first = thread.messages.get()
    assert first.consent_id == consent.pk
    assert first.organisation == case.unit
    employer = actor_for(employer_user)
    seen = message_selectors.thread_for(actor=employer, thread_id=thread.pk)
    assert seen == thread
    reply = message_services.post_message(actor=employer, thread=seen, body="Ja, på torsdag.")
    assert reply.organisation == employer_org
    assert reply.consent_id == consent.pk
    assert [t.pk for t in message_selectors.threads_for_case(actor=employer, case=case)] == [
        thread.pk
    ]


def test_external_read_is_logged_with_ground_consent_and_the_consent_id(
    coordinator, employer_user, case, employer_org
):
    consent = give_consent(coordinator, case.person, employer_org, ["messages"])
    thread = start(coordinator, case, employer_org)
    message_selectors.thread_for(actor=actor_for(employer_user), thread_id=thread.pk)
    event = AccessEvent.objects.get(actor=employer_user, object_type="thread")
    assert event.action == Action.READ
    assert event.ground == Ground.CONSENT
    assert event.ground_ref == str(consent.pk)
    assert event.person_id == case.person_id


def test_external_user_loses_access_at_once_when_consent_is_withdrawn(
    coordinator, employer_user, case, employer_org
):
    consent = give_consent(coordinator, case.person, employer_org, ["messages"])
    thread = start(coordinator, case, employer_org)
    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="written")
    employer = actor_for(employer_user)
    with pytest.raises(Http404):
        message_selectors.thread_for(actor=employer, thread_id=thread.pk)
    assert AccessEvent.objects.filter(actor=employer_user, action=Action.DENIED).exists()
    with pytest.raises(message_services.MessageError, match="återkallat"):
        message_services.post_message(actor=employer, thread=thread, body="Hallå?")
    with pytest.raises(message_services.MessageError, match="återkallat"):
        message_services.post_message(actor=actor_for(coordinator), thread=thread, body="Hej")


def test_other_organisation_never_sees_the_thread(
    coordinator, other_employer_user, other_employer, case, employer_org
):
    give_consent(coordinator, case.person, employer_org, ["messages"])
    give_consent(coordinator, case.person, other_employer, ["messages"])
    thread = start(coordinator, case, employer_org)
    other = actor_for(other_employer_user)
    with pytest.raises(Http404):
        message_selectors.thread_for(actor=other, thread_id=thread.pk)
    assert message_selectors.threads_for_case(actor=other, case=case) == []
    with pytest.raises(message_services.MessageError):
        message_services.post_message(actor=other, thread=thread, body="Jag med")


def test_external_user_starts_a_general_thread_with_the_care_unit(
    coordinator, employer_user, case, employer_org
):
    give_consent(coordinator, case.person, employer_org, ["messages"])
    thread = start(employer_user, case, employer_org, subject="Fråga från arbetsgivaren")
    assert thread.party == employer_org
    assert thread.created_by == employer_user
    assert thread.messages.get().organisation == employer_org
    with pytest.raises(message_services.MessageError):
        start(employer_user, case, employer_org, kind=ThreadKind.FK_QUESTION)


def test_rehab_need_goes_only_to_fk_under_its_own_category(coordinator, case, fk_org, employer_org):
    give_consent(coordinator, case.person, employer_org, ["messages", "inform_fk_rehab_need"])
    with pytest.raises(message_services.MessageError, match="Försäkringskassan"):
        start(coordinator, case, employer_org, kind=ThreadKind.FK_REHAB_NEED)
    give_consent(coordinator, case.person, fk_org, ["messages"])
    with pytest.raises(message_services.MessageError, match="arbetslivsinriktad"):
        start(coordinator, case, fk_org, kind=ThreadKind.FK_REHAB_NEED)
    give_consent(coordinator, case.person, fk_org, ["inform_fk_rehab_need"])
    thread = start(coordinator, case, fk_org, kind=ThreadKind.FK_REHAB_NEED)
    assert thread.kind == ThreadKind.FK_REHAB_NEED


def test_fk_question_is_answered_by_a_care_reply(coordinator, physician, fk_user, case, fk_org):
    today = timezone.localdate()
    certificate = certify(
        physician, case.person, today - timedelta(days=10), today + timedelta(days=20)
    )
    give_consent(coordinator, case.person, fk_org, ["messages"])
    with pytest.raises(message_services.MessageError, match="Bara Försäkringskassan"):
        start(coordinator, case, fk_org, kind=ThreadKind.FK_QUESTION)
    with pytest.raises(message_services.MessageError, match="svaret senast"):
        start(fk_user, case, fk_org, kind=ThreadKind.FK_QUESTION, fk_topic="KOMPLT")
    thread = start(
        fk_user,
        case,
        fk_org,
        kind=ThreadKind.FK_QUESTION,
        fk_topic="KOMPLT",
        certificate=certificate,
        answer_by=today + timedelta(days=7),
        subject="Komplettering",
        body="Beskriv aktivitetsbegränsningen.",
    )
    assert thread.awaits_answer
    assert fk_selectors.unanswered_fk_questions_for_units([case.unit_id]) == {case.person_id: 1}
    message_services.post_message(actor=actor_for(fk_user), thread=thread, body="Påminnelse")
    thread.refresh_from_db()
    assert thread.answered_at is None
    message_services.post_message(actor=actor_for(physician), thread=thread, body="Kompletterat.")
    thread.refresh_from_db()
    assert thread.answered_at is not None
    assert fk_selectors.unanswered_fk_questions_for_units([case.unit_id]) == {}


def test_mark_read_creates_receipts_for_others_messages_only(
    coordinator, employer_user, case, employer_org
):
    give_consent(coordinator, case.person, employer_org, ["messages"])
    thread = start(coordinator, case, employer_org)
    employer = actor_for(employer_user)
    message_services.post_message(actor=employer, thread=thread, body="Svar")
    assert message_selectors.unread_count(actor=employer) == 1
    assert message_selectors.unread_count(actor=actor_for(coordinator)) == 1
    assert message_services.mark_read(actor=employer, thread=thread) == 1
    assert message_services.mark_read(actor=employer, thread=thread) == 0
    read = MessageRead.objects.get()
    assert read.user == employer_user
    assert read.message.author == coordinator
    assert message_selectors.unread_count(actor=employer) == 0
    assert message_selectors.unread_count(actor=actor_for(coordinator)) == 1


def test_unread_count_of_external_user_ignores_threads_without_consent(
    coordinator, employer_user, case, employer_org
):
    consent = give_consent(coordinator, case.person, employer_org, ["messages"])
    start(coordinator, case, employer_org)
    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")
    assert message_selectors.unread_count(actor=actor_for(employer_user)) == 0


def test_attachment_types_are_sniffed_from_the_bytes(coordinator, case, employer_org):
    give_consent(coordinator, case.person, employer_org, ["messages"])
    png_named_pdf = SimpleUploadedFile("intyg.pdf", PNG, content_type="application/pdf")
    pdf = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    start(coordinator, case, employer_org, attachments=[png_named_pdf, pdf])
    types = dict(Attachment.objects.values_list("filename", "content_type"))
    assert types == {"intyg.pdf": "image/png", "plan.pdf": "application/pdf"}


def test_renamed_executable_is_rejected(coordinator, case, employer_org):
    give_consent(coordinator, case.person, employer_org, ["messages"])
    exe = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    with pytest.raises(message_services.MessageError, match="PDF-filer eller bilder"):
        start(coordinator, case, employer_org, attachments=[exe])
    assert not Thread.objects.exists()


def test_attachment_size_and_count_limits(coordinator, case, employer_org):
    give_consent(coordinator, case.person, employer_org, ["messages"])
    big = SimpleUploadedFile("stor.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(message_services.MessageError, match="10 MB"):
        start(coordinator, case, employer_org, attachments=[big])
    many = [SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(6)]
    with pytest.raises(message_services.MessageError, match="högst 5"):
        start(coordinator, case, employer_org, attachments=many)
    five = [SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(5)]
    start(coordinator, case, employer_org, attachments=five)
    assert Attachment.objects.count() == 5


def test_message_writes_are_audited(coordinator, employer_user, case, employer_org):
    consent = give_consent(coordinator, case.person, employer_org, ["messages"])
    thread = start(coordinator, case, employer_org)
    message_services.post_message(actor=actor_for(employer_user), thread=thread, body="Svar")
    created = AccessEvent.objects.filter(object_type="message", action=Action.CREATE)
    care = created.get(actor=coordinator)  # a disclosure: its ground is the consent
    assert care.ground == Ground.CONSENT
    assert care.ground_ref == str(consent.pk)
    assert care.person_id == case.person_id
    external = created.filter(actor=employer_user, ground=Ground.CONSENT)
    assert external.count() == 2  # the policy's decision and the write
    assert {e.ground_ref for e in external} == {str(consent.pk)}
    assert AccessEvent.objects.filter(
        actor=coordinator, action=Action.DISCLOSE, ground=Ground.CONSENT
    ).exists()

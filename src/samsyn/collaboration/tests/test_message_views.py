"""The message pages, through HTTP, for the care unit and the external side."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.models import Attachment, Message, Thread, ThreadKind
from samsyn.collaboration.services import messages as message_services
from samsyn.collaboration.tests.conftest import give_consent
from samsyn.consent import services as consent_services
from samsyn.core.testing import run_jobs

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


@pytest.fixture
def consented(coordinator, case, employer_org):
    return give_consent(coordinator, case.person, employer_org, ["messages"])


def test_care_starts_a_thread_from_the_page_and_the_employer_is_notified(
    coordinator_client,
    case,
    employer_org,
    employer_user,
    consented,
    linked_employer,
    django_capture_on_commit_callbacks,
):
    employer_user.email = "hanna@testbygg.example"
    employer_user.save(update_fields=["email"])
    url = reverse("collaboration:threads", args=[case.pk])
    page = coordinator_client.get(url).content.decode()
    assert "Ja, samtycke finns" in page
    assert 'enctype="multipart/form-data"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            url,
            {
                "organisation": str(employer_org.pk),
                "kind": ThreadKind.GENERAL,
                "subject": "Arbetsförmåga",
                "body": "Maja kan arbeta halvtid från måndag.",
                "attachments": [SimpleUploadedFile("plan.pdf", PDF)],
            },
        )
    run_jobs()  # the notification e-mails are jobs
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("collaboration:thread", args=[thread.pk])
    assert Attachment.objects.get().message.thread == thread
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["hanna@testbygg.example"]
    text = sent.subject + sent.body
    assert "Du har ett nytt meddelande i Samsyn" in text
    assert reverse("collaboration:thread", args=[thread.pk]) in text
    for secret in ("Maja", "Samverkansson", case.person.personnummer[:8], "halvtid", "Arbets"):
        assert secret not in text


def test_employer_reply_notifies_the_responsible_coordinator(
    coordinator, employer_user, case, employer_org, consented, django_capture_on_commit_callbacks
):
    coordinator.email = "anna@vc.example"
    coordinator.save(update_fields=["email"])
    thread = start(coordinator, case, employer_org)
    client = verified_client(employer_user)
    url = reverse("collaboration:thread", args=[thread.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "Vi ordnar en lugnare arbetsplats."})
    run_jobs()  # the notification e-mails are jobs
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["anna@vc.example"]]
    assert "lugnare" not in mail.outbox[0].body
    assert Message.objects.filter(author=employer_user, thread=thread).exists()


def test_care_refused_without_consent_sees_the_message_and_keeps_input(
    coordinator_client, case, employer_org
):
    response = coordinator_client.post(
        reverse("collaboration:threads", args=[case.pk]),
        {
            "organisation": str(employer_org.pk),
            "kind": ThreadKind.GENERAL,
            "subject": "Mitt ämne",
            "body": "Min text",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Samtycke saknas" in page
    assert "Testbygg AB" in page
    assert "Min text" in page
    assert not Thread.objects.exists()


def test_external_page_has_no_case_navigation_or_personnummer(
    coordinator, employer_user, case, employer_org, consented
):
    thread = start(coordinator, case, employer_org)
    client = verified_client(employer_user)
    for url in (
        reverse("collaboration:threads", args=[case.pk]),
        reverse("collaboration:thread", args=[thread.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Maja Samverkansson" in page
        assert case.person.personnummer[:8] not in page
        assert "case-nav" not in page
        assert reverse("core:home") in page


def test_care_page_has_the_person_header_and_case_navigation(
    coordinator_client, coordinator, case, employer_org, consented
):
    thread = start(coordinator, case, employer_org)
    page = coordinator_client.get(reverse("collaboration:thread", args=[thread.pk])).content
    assert b"case-nav" in page
    assert case.person.formatted_personnummer.encode() in page


def test_read_receipts_are_shown_to_the_author(
    coordinator_client, coordinator, employer_user, case, employer_org, consented
):
    thread = start(coordinator, case, employer_org)
    url = reverse("collaboration:thread", args=[thread.pk])
    assert "Inte läst ännu" in coordinator_client.get(url).content.decode()
    page = verified_client(employer_user).get(url).content.decode()
    assert "Anna Koordinator" in page
    assert "Vårdcentralen Testdalen" in page
    page = coordinator_client.get(url).content.decode()
    read_at = timezone.localtime(thread.messages.get().reads.get().read_at)
    assert f"Läst av Hanna HR {read_at:%Y-%m-%d %H:%M}" in page


@pytest.mark.parametrize("categories", [None, ["contact", "plan"]])
def test_external_user_without_a_messages_consent_gets_404(
    coordinator, employer_user, case, employer_org, categories
):
    thread = Thread.objects.create(
        case=case, party=employer_org, subject="Gammal", created_by=coordinator
    )
    if categories:
        give_consent(coordinator, case.person, employer_org, categories)
    client = verified_client(employer_user)
    assert client.get(reverse("collaboration:threads", args=[case.pk])).status_code == 404
    assert client.get(reverse("collaboration:thread", args=[thread.pk])).status_code == 404
    assert (
        client.post(reverse("collaboration:thread", args=[thread.pk]), {"body": "x"}).status_code
        == 404
    )


def test_other_organisations_thread_is_404(
    coordinator, other_employer_user, other_employer, case, employer_org, consented
):
    give_consent(coordinator, case.person, other_employer, ["messages"])
    thread = start(coordinator, case, employer_org)
    client = verified_client(other_employer_user)
    assert client.get(reverse("collaboration:thread", args=[thread.pk])).status_code == 404
    page = client.get(reverse("collaboration:threads", args=[case.pk])).content.decode()
    assert "Anpassningar" not in page


def test_outsider_coordinator_gets_404(outsider_client, coordinator, case, employer_org, consented):
    thread = start(coordinator, case, employer_org)
    assert outsider_client.get(reverse("collaboration:threads", args=[case.pk])).status_code == 404
    assert outsider_client.get(reverse("collaboration:thread", args=[thread.pk])).status_code == 404


def test_fk_officer_asks_a_question_from_the_page(coordinator, fk_user, fk_org, case):
    give_consent(coordinator, case.person, fk_org, ["messages"])
    client = verified_client(fk_user)
    url = reverse("collaboration:threads", args=[case.pk])
    page = client.get(url).content.decode()
    assert 'name="fk_topic"' in page
    assert 'name="organisation"' not in page
    data = {"kind": ThreadKind.FK_QUESTION, "subject": "Komplettering", "body": "Beskriv mer."}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Ange när svaret senast ska lämnas." in response.content.decode()
    answer_by = (timezone.localdate() + timedelta(days=8)).isoformat()
    response = client.post(url, {**data, "fk_topic": "KOMPLT", "answer_by": answer_by})
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert thread.party == fk_org
    assert thread.awaits_answer
    care = verified_client(coordinator)
    listing = care.get(url).content.decode()
    assert "Obesvarad" in listing
    care.post(reverse("collaboration:thread", args=[thread.pk]), {"body": "Svar från vården."})
    thread.refresh_from_db()
    assert thread.answered_at is not None


def test_care_form_does_not_offer_fk_question_fields(coordinator_client, case):
    page = coordinator_client.get(reverse("collaboration:threads", args=[case.pk])).content
    assert b'name="fk_topic"' not in page
    assert b'value="fk_question"' not in page


def test_reply_with_a_renamed_executable_is_rejected_in_swedish(
    coordinator_client, coordinator, case, employer_org, consented
):
    thread = start(coordinator, case, employer_org)
    response = coordinator_client.post(
        reverse("collaboration:thread", args=[thread.pk]),
        {"body": "Se bilaga", "attachments": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00rest")]},
    )
    assert response.status_code == 400
    assert (
        "Bifogade filer måste vara PDF-filer eller bilder (JPEG, PNG)." in response.content.decode()
    )
    assert thread.messages.count() == 1


def test_attachment_download_rechecks_access_and_is_logged(
    coordinator, employer_user, other_employer_user, case, employer_org, consented
):
    upload = SimpleUploadedFile("bild.pdf", PNG)
    thread = start(coordinator, case, employer_org, attachments=[upload])
    attachment = Attachment.objects.get()
    url = reverse("collaboration:attachment", args=[attachment.pk])
    response = verified_client(employer_user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PNG
    event = AccessEvent.objects.get(object_type="attachment", actor=employer_user)
    assert event.action == Action.READ
    assert event.ground == Ground.CONSENT
    assert event.ground_ref == str(consented.pk)
    assert verified_client(other_employer_user).get(url).status_code == 404
    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consented, how="oral")
    assert verified_client(employer_user).get(url).status_code == 404
    assert thread.messages.get().attachments.get() == attachment


def test_thread_page_queries_do_not_grow_with_messages(
    coordinator, employer_user, case, employer_org, consented
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    thread = start(coordinator, case, employer_org, attachments=[SimpleUploadedFile("a.pdf", PDF)])
    client = verified_client(coordinator)
    url = reverse("collaboration:thread", args=[thread.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    employer = actor_for(employer_user)
    for n in range(3):
        pdf = SimpleUploadedFile(f"b{n}.pdf", PDF)
        message_services.post_message(
            actor=employer, thread=thread, body=f"Svar {n}", attachments=[pdf]
        )
    message_services.mark_read(actor=employer, thread=thread)
    client.get(url)
    with CaptureQueriesContext(connection) as four:
        response = client.get(url)
    assert response.content.decode().count("Läst av") == 4  # every message read by the other side
    assert len(four.captured_queries) == len(one.captured_queries)

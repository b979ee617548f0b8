"""Letters on a case through real HTTP and the real services: the PDF holds the merged
fields and nothing of another person, sending needs a covering consent, a protected
identity never puts an address in a letter to an external actor, every template edit is
a version and a letter keeps the version that made it."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.audit.models import AccessEvent
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.models import Channel, ContactEvent
from samsyn.consent import services as consent_services
from samsyn.consent.models import Consent
from samsyn.core.testing import run_jobs
from samsyn.core.timeline import EventKind
from samsyn.directory.models import CaseActor
from samsyn.letters import selectors, services
from samsyn.letters.models import Letter, LetterStatus, LetterTemplate
from samsyn.letters.tests.conftest import SCAN, give_consent, letter_pdf_text
from samsyn.plans import services as plan_services
from samsyn.plans.content import PlanKind, VersionState


def _make(client, case, key, **data):
    url = reverse("letters:letter_new", args=[case.pk, key])
    return client.post(url, {"make": "1", **data})


def _letter(case) -> Letter:
    return Letter.objects.filter(case=case).latest("created_at")


def test_audit_vocabulary_has_the_letters_objects():
    assert ObjectType.LETTER
    assert ObjectType.LETTER_TEMPLATE
    assert ObjectType.CONVERSATION_NOTE


def test_the_employer_letter_pdf_holds_the_merged_fields_and_nothing_of_another_person(
    coordinator_client, case, other_case, linked_employer, employer_org
):
    response = _make(
        coordinator_client,
        case,
        "arbetsgivarkontakt",
        recipient=employer_org.pk,
        nasta_mote="2026-12-03 kl. 10",
        fritext="Vi hörs om arbetstiden.",
    )
    assert response.status_code == 302
    letter = _letter(case)
    text = letter_pdf_text(letter)
    assert "Maja Brevsson" in text
    assert employer_org.name in text
    assert "50 %" in text
    assert "2026-12-03 kl. 10" in text
    assert "Vi hörs om arbetstiden." in text
    assert case.unit.name in text
    for foreign in ("Olle", "Annansson", "Andra gatan", other_case.person.personnummer[:8]):
        assert foreign not in text
    # A letter to an external actor never carries a personnummer.
    assert case.person.personnummer[:8] not in text
    assert letter.version.number == 1
    assert letter.status == LetterStatus.DRAFT
    pdf = coordinator_client.get(reverse("letters:letter_pdf", args=[letter.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert AccessEvent.objects.filter(
        object_type=ObjectType.LETTER, action=Action.PRINT, object_id=str(letter.pk)
    ).exists()


def test_sending_to_the_employer_needs_a_covering_consent(
    coordinator_client, coordinator, case, linked_employer, employer_org, employer_user
):
    employer_user.email = "hanna@testbygg.example"
    employer_user.save()
    _make(coordinator_client, case, "arbetsgivarkontakt", recipient=employer_org.pk)
    letter = _letter(case)
    send = reverse("letters:letter_send", args=[letter.pk])

    refused = coordinator_client.post(send)
    assert refused.status_code == 409
    assert "Samtycke saknas" in refused.content.decode()
    assert employer_org.name in refused.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    assert not ContactEvent.objects.filter(case=case).exists()
    assert AccessEvent.objects.filter(
        object_type=ObjectType.LETTER, action=Action.DENIED, object_id=str(letter.pk)
    ).exists()

    consent = give_consent(coordinator, case.person, employer_org)
    sent = coordinator_client.post(send)
    assert sent.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert letter.consent_id == consent.pk
    contact = ContactEvent.objects.get(pk=letter.contact_id)
    assert contact.channel == Channel.LETTER
    assert contact.organisation == employer_org
    assert AccessEvent.objects.filter(
        object_type=ObjectType.LETTER, action=Action.DISCLOSE, object_id=str(letter.pk)
    ).exists()
    # The employer's user is told through the outbox's job; nothing personal in it.
    mail.outbox.clear()
    assert run_jobs() >= 1
    assert [m.to for m in mail.outbox] == [[employer_user.email]]
    assert "Maja" not in mail.outbox[0].body
    events = selectors.timeline_events(actor=actor_for(coordinator), case=case)
    assert [e.kind for e in events] == [EventKind.LETTER]
    assert employer_org.name in events[0].title


def test_a_protected_identity_never_has_an_address_in_a_letter_to_an_external_actor(
    coordinator_client, case, linked_employer, employer_org, library
):
    person = case.person
    person.protected_identity = True
    person.save()
    template = LetterTemplate.objects.get(unit=case.unit, key="arbetsgivarkontakt")
    version = template.versions.get()
    version.body += "\nAdress: {{ adress }}"
    version.save()
    _make(coordinator_client, case, "arbetsgivarkontakt", recipient=employer_org.pk)
    external = _letter(case)
    assert "Hemliga gatan" not in external.text
    assert "Hemliga gatan" not in letter_pdf_text(external)
    _make(coordinator_client, case, "forsta-samtal")
    own = _letter(case)
    assert own.recipient is None
    assert "Hemliga gatan" in letter_pdf_text(own)


def test_the_consent_form_prints_the_draft_and_the_signed_scan_becomes_the_consent(
    coordinator_client, case, linked_employer, employer_org
):
    response = _make(
        coordinator_client,
        case,
        "samtycke-arbetsgivare",
        consent_recipients=[employer_org.pk],
        categories=["contact", "work_capacity"],
        valid_from="2026-01-01",
        valid_to="2026-12-31",
        purpose="Planera återgång i arbete",
    )
    assert response.status_code == 302
    letter = _letter(case)
    text = letter_pdf_text(letter)
    for expected in (
        employer_org.name,
        "Kontakt",
        "Arbetsförmåga",
        "2026-01-01",
        "2026-12-31",
        "Planera återgång i arbete",
        "Maja Brevsson",
        case.person.formatted_personnummer,
    ):
        assert expected in text
    assert not Consent.objects.filter(person=case.person).exists()

    scan = SimpleUploadedFile("underskrift.pdf", SCAN, content_type="application/pdf")
    url = reverse("letters:letter_consent", args=[letter.pk])
    signed = coordinator_client.post(url, {"document": scan, "given_on": "2026-01-01"})
    assert signed.status_code == 302
    consent = Consent.objects.get(person=case.person)
    assert consent.recipient == employer_org
    assert consent.categories == ["contact", "work_capacity"]
    assert str(consent.valid_to) == "2026-12-31"
    assert consent.given_how == "written"
    assert consent.document
    assert consent.document_type == "application/pdf"
    letter.refresh_from_db()
    assert letter.signed_consent_ids == [str(consent.pk)]


def test_every_edit_is_a_version_and_a_letter_keeps_its_version(
    manager_client, coordinator_client, case, library
):
    url = reverse("letters:template_edit", args=["forsta-samtal"])
    page = manager_client.get(url)
    assert page.status_code == 200
    assert "Förhandsgranskning" in page.content.decode()
    _make(coordinator_client, case, "forsta-samtal")
    first = _letter(case)
    saved = manager_client.post(
        url, {"base": 1, "title": "Inbjudan", "subject": "Hej {{ fornamn }}", "body": "Ny text."}
    )
    assert saved.status_code == 302
    stale = manager_client.post(
        url, {"base": 1, "title": "Inbjudan", "subject": "x", "body": "Äldre text."}
    )
    assert stale.status_code == 400
    assert "Någon annan har sparat" in stale.content.decode()
    _make(coordinator_client, case, "forsta-samtal")
    second = _letter(case)
    assert (first.version.number, second.version.number) == (1, 2)
    assert second.subject == "Hej Maja"
    assert second.text == "Ny text."
    first.refresh_from_db()
    assert "Ny text." not in first.text
    page = coordinator_client.get(reverse("letters:letter", args=[first.pk]))
    assert "mallens version 1" in page.content.decode()
    assert (
        AccessEvent.objects.filter(
            object_type=ObjectType.LETTER_TEMPLATE, action=Action.UPDATE
        ).count()
        == 1
    )


def test_the_live_preview_is_an_htmx_fragment_with_invented_values(manager_client, library):
    url = reverse("letters:template_edit", args=["forsta-samtal"])
    response = manager_client.post(
        url,
        {"preview": "1", "base": 1, "title": "t", "subject": "s", "body": "Hej {{ namn }}!"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="template-preview"')
    assert "Hej Exempel Exempelsson!" in body


def test_a_template_trying_to_reach_code_or_settings_is_refused_or_renders_nothing(
    manager_client, coordinator_client, case, other_case, library, settings
):
    url = reverse("letters:template_edit", args=["forsta-samtal"])
    refused = manager_client.post(
        url,
        {
            "base": 1,
            "title": "t",
            "subject": "s",
            "body": "{{ '{0.__class__}'.format(namn) }}{{ namn.upper() }}",
        },
    )
    assert refused.status_code == 400
    assert "inte är tillåtet" in refused.content.decode()
    quiet = "{{ ''.__class__.__mro__ }}{{ self.__init__.__globals__ }}{{ config }}{{ request }}"
    saved = manager_client.post(
        url, {"base": 1, "title": "t", "subject": "s", "body": f"Hej {{{{ namn }}}}{quiet}"}
    )
    assert saved.status_code == 302
    _make(coordinator_client, case, "forsta-samtal")
    letter = _letter(case)
    assert letter.text == "Hej Maja Brevsson"
    text = letter_pdf_text(letter)
    assert "class" not in text
    assert settings.SECRET_KEY not in text
    assert "Olle" not in text


def test_only_unit_managers_edit_templates_and_only_the_units_staff_read_letters(
    coordinator_client, outsider_client, case, library
):
    url = reverse("letters:template_edit", args=["forsta-samtal"])
    assert coordinator_client.get(url).status_code == 403
    _make(coordinator_client, case, "forsta-samtal")
    letter = _letter(case)
    assert outsider_client.get(reverse("letters:letter", args=[letter.pk])).status_code == 404
    assert outsider_client.get(reverse("letters:letter_pdf", args=[letter.pk])).status_code == 404
    assert outsider_client.get(reverse("letters:case_letters", args=[case.pk])).status_code == 404


CASE_LETTERS_QUERIES = 22
LETTER_PAGE_QUERIES = 14


def test_the_case_letters_page_has_fixed_queries(
    coordinator_client, case, library, django_assert_num_queries
):
    url = reverse("letters:case_letters", args=[case.pk])
    for _ in range(3):
        _make(coordinator_client, case, "forsta-samtal")
    with django_assert_num_queries(CASE_LETTERS_QUERIES):
        assert coordinator_client.get(url).status_code == 200
    for _ in range(3):
        _make(coordinator_client, case, "rehabiliteringskedjan")
    with django_assert_num_queries(CASE_LETTERS_QUERIES):
        assert coordinator_client.get(url).status_code == 200
    letter = _letter(case)
    with django_assert_num_queries(LETTER_PAGE_QUERIES):
        assert (
            coordinator_client.get(reverse("letters:letter", args=[letter.pk])).status_code == 200
        )


def test_a_talk_is_saved_as_a_structured_note(coordinator_client, case, library):
    url = reverse("letters:note_new", args=[case.pk, "arbetsrelaterade-fragor"])
    page = coordinator_client.get(url)
    assert "Vad är svårt för dig i arbetet just nu?" in page.content.decode()
    response = coordinator_client.post(
        url,
        {
            "held_on": "2026-11-20",
            "with_whom": "Maja",
            "q_svart_nu": "Att lyfta tungt.",
            "q_anpassning": "Lättare uppgifter.",
        },
    )
    assert response.status_code == 302
    note = case.conversation_notes.get()
    answers = {a["key"]: a for a in note.answers}
    assert answers["svart_nu"]["answer"] == "Att lyfta tungt."
    assert answers["svart_nu"]["icf"] == "icf_activity"
    assert answers["krav"]["answer"] == ""
    shown = coordinator_client.get(response["Location"]).content.decode()
    assert "Att lyfta tungt." in shown
    assert AccessEvent.objects.filter(
        object_type=ObjectType.CONVERSATION_NOTE, action=Action.CREATE
    ).exists()


def test_a_notes_icf_answers_are_added_to_the_care_plan_and_wait_for_the_person(
    coordinator, coordinator_client, case, library
):
    url = reverse("letters:note_new", args=[case.pk, "icf-kartlaggning"])
    coordinator_client.post(
        url, {"held_on": "2026-11-20", "q_aktivitet": "Klarar inte lyft.", "q_halsa": ""}
    )
    note = case.conversation_notes.get()
    to_plan = reverse("letters:note_to_plan", args=[note.pk])
    refused = coordinator_client.post(to_plan, follow=True)
    assert "ingen vårdens plan" in refused.content.decode()
    plan = plan_services.create_plan(
        actor=actor_for(coordinator),
        case=case,
        kind=PlanKind.CARE,
        values={
            "next_follow_up": timezone.localdate() + timedelta(days=14),
            "icf_activity": "Behöver pauser.",
        },
    )
    response = coordinator_client.post(to_plan)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan", args=[plan.pk])
    version = plan.versions.order_by("-number").first()
    assert version.state == VersionState.PENDING
    raw = {r["key"]: r["raw"] for r in version.fields}
    assert raw["icf_activity"] == "Behöver pauser.\nAktivitet och delaktighet Klarar inte lyft."


def test_the_unit_manager_finds_the_templates_in_the_menu(manager_client, coordinator_client):
    link = reverse("letters:library")
    assert link in manager_client.get(reverse("core:home")).content.decode()
    assert link not in coordinator_client.get(reverse("core:home")).content.decode()
    page = manager_client.get(link).content.decode()
    assert "Kontakt med arbetsgivare" in page
    assert "Arbetsrelaterade frågor till patienten" in page


def test_a_guide_edit_is_a_version_used_by_the_next_talk(
    manager_client, coordinator_client, case, library
):
    url = reverse("letters:guide_edit", args=["arbetsgivarkontakt"])
    assert manager_client.get(url).status_code == 200
    saved = manager_client.post(
        url,
        {
            "base": 1,
            "title": "Tankestöd",
            "intro": "",
            "questions": "Vad kan personen göra nu? | utan diagnos | icf_activity\nUppföljning",
        },
    )
    assert saved.status_code == 302
    talk = coordinator_client.get(reverse("letters:note_new", args=[case.pk, "arbetsgivarkontakt"]))
    body = talk.content.decode()
    assert "Vad kan personen göra nu?" in body
    assert "Anpassning av arbetstid" not in body


def test_a_letter_for_an_external_actor_starts_addressed_to_the_employer(
    coordinator_client, case, linked_employer, employer_org
):
    page = coordinator_client.get(
        reverse("letters:letter_new", args=[case.pk, "arbetsgivarkontakt"])
    )
    assert f'<option value="{employer_org.pk}" selected>' in page.content.decode()
    own = coordinator_client.get(reverse("letters:letter_new", args=[case.pk, "forsta-samtal"]))
    assert f'<option value="{employer_org.pk}" selected>' not in own.content.decode()


def test_the_consent_form_for_several_actors_records_one_consent_each_with_the_scan(
    coordinator, case, linked_employer, employer_org, library
):
    af = OrganisationFactory(name="Arbetsförmedlingen Test", type="af_office", code=None)
    CaseActor.objects.create(
        case=case, organisation=af, started_on=timezone.localdate(), created_by=coordinator
    )
    actor = actor_for(coordinator)
    letter = services.make_letter(
        actor=actor,
        case=case,
        template_id=LetterTemplate.objects.get(unit=case.unit, key="samtycke-flera").pk,
        inputs={
            "consent": {
                "recipients": [str(employer_org.pk), str(af.pk)],
                "categories": ["contact", "plan"],
                "valid_from": "2026-01-01",
                "valid_to": "2026-06-30",
                "purpose": "Gemensam planering",
            }
        },
    )
    text = letter_pdf_text(letter)
    assert employer_org.name in text
    assert af.name in text
    assert "Planer" in text
    scan = SimpleUploadedFile("skannad.pdf", SCAN, content_type="application/pdf")
    consents = services.record_signed_consent(
        actor=actor, letter=letter, document=scan, given_on=timezone.localdate()
    )
    assert {c.recipient_id for c in consents} == {employer_org.pk, af.pk}
    for consent in consents:
        consent.refresh_from_db()
        with consent.document.open("rb") as f:
            assert f.read() == SCAN


def test_the_recipient_reads_a_sent_letter_under_the_consent_and_no_one_else(
    coordinator, coordinator_client, employer_client, case, linked_employer, employer_org
):
    _make(coordinator_client, case, "arbetsgivarkontakt", recipient=employer_org.pk)
    letter = _letter(case)
    page = reverse("letters:letter", args=[letter.pk])
    assert employer_client.get(page).status_code == 404  # not sent yet
    consent = give_consent(coordinator, case.person, employer_org)
    assert (
        coordinator_client.post(reverse("letters:letter_send", args=[letter.pk])).status_code == 302
    )
    shown = employer_client.get(page)
    body = shown.content.decode()
    assert shown.status_code == 200
    assert "Maja Brevsson" in body
    assert case.person.formatted_personnummer not in body
    assert "Skicka brevet" not in body
    assert employer_client.get(reverse("letters:letter_pdf", args=[letter.pk])).status_code == 200
    other = OrganisationFactory(name="Annat Bolag AB", type="employer", code=None)
    stranger = MembershipFactory(organisation=other, role="employer", user=UserFactory()).user
    assert verified_client(stranger).get(page).status_code == 404
    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")
    assert employer_client.get(page).status_code == 404


def test_a_sent_letter_is_on_the_cases_timeline_for_care_staff(
    coordinator, coordinator_client, case, linked_employer, employer_org
):
    _make(coordinator_client, case, "arbetsgivarkontakt", recipient=employer_org.pk)
    give_consent(coordinator, case.person, employer_org)
    coordinator_client.post(reverse("letters:letter_send", args=[_letter(case).pk]))
    page = coordinator_client.get(reverse("overview:timeline", args=[case.pk]) + "?kind=letter")
    assert f"Brev skickat till {employer_org.name}" in page.content.decode()


def test_the_letter_starts_with_the_cases_next_planned_meeting(
    coordinator, coordinator_client, case
):
    from samsyn.meetings.content import MeetingKind, Mode
    from samsyn.meetings.tests.helpers import book

    url = reverse("letters:letter_new", args=[case.pk, "forsta-samtal"])
    assert 'name="nasta_mote" value=' not in coordinator_client.get(url).content.decode()
    later = book(
        coordinator,
        case,
        ["person"],
        kind=MeetingKind.FLERPART,
        days=9,
        mode=Mode.PLACE,
        place="Vårdcentralen, rum 3",
        video_link="",
    )
    book(
        coordinator,
        case,
        ["person"],
        kind=MeetingKind.FLERPART,
        days=4,
        mode=Mode.VIDEO,
    )
    start = timezone.localtime(later.starts_at) - timedelta(days=5)
    page = coordinator_client.get(url).content.decode()
    assert f'value="{start:%Y-%m-%d} kl. 10.00, video"' in page  # the next one, by video
    assert "Vårdcentralen, rum 3" not in page

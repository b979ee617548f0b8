"""The consent registry through its services and pages (coordinator and patient)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.audit.models import AccessEvent, Action, Ground, ObjectType
from samsyn.cases import services as case_services
from samsyn.cases.models import Task
from samsyn.cases.tests.helpers import actor_for
from samsyn.consent import services
from samsyn.consent.models import Consent, default_valid_to
from samsyn.consent.tests.fixtures import give_consent
from samsyn.core.testing import run_jobs
from samsyn.directory.models import ContactPerson
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def form_data(recipient, **overrides):
    today = timezone.localdate()
    data = {
        "recipient": str(recipient.pk),
        "categories": ["contact", "work_capacity"],
        "purpose": "Planera återgång i arbete",
        "valid_from": today.isoformat(),
        "valid_to": "",
        "given_how": "written",
        "given_on": today.isoformat(),
    }
    data.update(overrides)
    return data


def test_default_validity_is_one_year_with_the_last_day_included():
    assert default_valid_to(date(2026, 11, 22)) == date(2027, 11, 21)
    assert default_valid_to(date(2028, 2, 29)) == date(2029, 2, 27)  # 365 days, leap year


def test_coordinator_records_a_consent_on_the_person_page(
    coordinator_client, coordinator, person, case, employer_org
):
    url = reverse("consent:person", args=[person.pk])
    response = coordinator_client.post(url, form_data(employer_org))
    assert response.status_code == 302
    consent = Consent.objects.get(person=person)
    assert consent.recipient == employer_org
    assert consent.categories == ["contact", "work_capacity"]
    assert consent.valid_to == default_valid_to(timezone.localdate())
    assert consent.unit == case.unit
    assert consent.recorded_by == coordinator
    event = AccessEvent.objects.get(object_type="consent", action=Action.CREATE)
    assert event.ground_ref == str(consent.pk)
    page = coordinator_client.get(url).content.decode()
    assert "Testbygg AB" in page
    assert "Arbetsförmåga och begränsningar" in page


def test_bad_input_is_redisplayed_with_swedish_messages(coordinator_client, person, employer_org):
    url = reverse("consent:person", args=[person.pk])
    data = form_data(
        employer_org, categories=[], purpose="Mitt syfte som ska finnas kvar", valid_to="2020-01-01"
    )
    response = coordinator_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Välj minst en uppgiftskategori." in body
    assert "Slutdatum kan inte vara före startdatum." in body
    assert "Mitt syfte som ska finnas kvar" in body
    assert not Consent.objects.exists()


def test_a_contact_person_of_another_organisation_is_refused(
    coordinator_client, coordinator, person, employer_org, fk_org
):
    stranger = ContactPerson.objects.create(
        organisation=fk_org, name="Kim Handläggare", role="case_officer", created_by=coordinator
    )
    url = reverse("consent:person", args=[person.pk])
    response = coordinator_client.post(
        url, form_data(employer_org, contact_person=str(stranger.pk))
    )
    assert response.status_code == 400
    assert "Kontaktpersonen hör inte till mottagaren." in response.content.decode()


def test_a_consent_cannot_name_a_care_unit_or_last_beyond_two_years(
    coordinator, person, unit, employer_org
):
    with pytest.raises(services.ConsentError, match="aktör i katalogen"):
        give_consent(coordinator, person, unit, ["contact"])
    with pytest.raises(services.ConsentError, match="två år"):
        give_consent(
            coordinator,
            person,
            employer_org,
            ["contact"],
            start=date(2026, 1, 1),
            end=date(2028, 1, 2),
        )


def test_only_a_coordinator_at_the_unit_records_consents(outsider, physician, person, employer_org):
    for user in (outsider, physician):
        with pytest.raises(services.ConsentError):
            give_consent(user, person, employer_org, ["contact"])


def test_the_scanned_document_must_really_be_a_pdf_or_image(coordinator, person, employer_org):
    fake = SimpleUploadedFile("samtycke.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(services.ConsentError, match="PDF"):
        give_consent(coordinator, person, employer_org, ["contact"], document=fake)
    real = SimpleUploadedFile("samtycke.pdf", b"%PDF-1.7\n%...", "application/octet-stream")
    consent = give_consent(coordinator, person, employer_org, ["contact"], document=real)
    assert consent.document.name.endswith(".pdf")


def test_a_change_is_a_new_version_and_the_old_one_ends(
    coordinator_client, coordinator, person, case, employer_org
):
    old = give_consent(coordinator, person, employer_org, ["contact"])
    url = reverse("consent:change", args=[old.pk])
    assert coordinator_client.get(url).status_code == 200
    end = (timezone.localdate() + timedelta(days=90)).isoformat()
    response = coordinator_client.post(
        url, form_data(employer_org, categories=["contact", "messages"], valid_to=end)
    )
    assert response.status_code == 302
    old.refresh_from_db()
    new = old.replaced_by
    assert old.replaced_at is not None
    assert new.categories == ["contact", "messages"]
    assert new.recipient == employer_org
    assert Consent.objects.filter(person=person).count() == 2
    with pytest.raises(services.ConsentError, match="ersatt"):
        services.change_consent(
            actor=actor_for(coordinator),
            consent=old,
            categories=["contact"],
            purpose="x",
            valid_from=timezone.localdate(),
            valid_to=timezone.localdate(),
            given_how="oral",
        )


def test_coordinator_withdraws_with_how_it_was_said(
    coordinator_client, coordinator, person, case, employer_org
):
    consent = give_consent(coordinator, person, employer_org, ["contact"])
    url = reverse("consent:withdraw", args=[consent.pk])
    assert coordinator_client.post(url, {"how": "oral"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_how == "oral"
    assert consent.withdrawn_by == coordinator
    with pytest.raises(services.ConsentError, match="redan"):
        services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")


def test_the_patient_sees_consents_in_plain_swedish_and_withdraws_one_click(
    django_capture_on_commit_callbacks, patient_user, coordinator, person, case, employer_org
):
    coordinator.email = "koordinator@example.se"
    coordinator.save()
    consent = give_consent(coordinator, person, employer_org, ["work_capacity", "messages"])
    client = verified_client(patient_user)
    page = client.get(reverse("consent:mine")).content.decode()
    assert "Testbygg AB" in page
    assert "vad du kan och inte kan göra i arbetet just nu (inte din diagnos)" in page
    assert consent.valid_to.isoformat() in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consent:withdraw", args=[consent.pk]))
    run_jobs()  # the notification e-mails are jobs
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_how == "self_service"
    assert consent.withdrawn_by == patient_user
    task = Task.objects.get(case=case, done_at__isnull=True, title__contains="Samtycke återkallat")
    assert task.assigned_to == coordinator
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert "Du har ett nytt meddelande i Samsyn" in body
    assert person.given_name not in body
    assert person.family_name not in body
    assert person.personnummer[:8] not in body
    event = AccessEvent.objects.filter(object_type="consent", action=Action.UPDATE).get()
    assert event.ground == Ground.OWN_RECORD
    assert "Du tog tillbaka samtycket" in client.get(reverse("consent:mine")).content.decode()


def test_the_task_of_a_withdrawal_by_the_person_has_its_audit_event(
    patient_user, coordinator, person, case, employer_org
):
    consent = give_consent(coordinator, person, employer_org, ["work_capacity"])
    services.withdraw_consent(actor=actor_for(patient_user), consent=consent, how="")
    task = Task.objects.get(case=case, title__contains="Samtycke återkallat")
    event = AccessEvent.objects.get(object_type=ObjectType.TASK, object_id=str(task.pk))
    assert event.action == Action.CREATE
    assert event.ground == Ground.OWN_RECORD
    assert event.actor == patient_user
    assert event.person_id == person.pk
    assert event.extra == {"case": str(case.pk)}
    assert task.assigned_to == coordinator
    assert task.created_by == patient_user


def test_the_withdrawal_its_task_and_their_audit_events_are_one_transaction(
    monkeypatch, patient_user, coordinator, person, case, employer_org
):
    consent = give_consent(coordinator, person, employer_org, ["work_capacity"])
    events_before = AccessEvent.objects.count()
    record = case_services.auditor.record

    def failing_record(**kwargs):
        if kwargs["object_type"] == ObjectType.TASK:
            raise RuntimeError("the audit log is unavailable")
        return record(**kwargs)

    monkeypatch.setattr(case_services.auditor, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.withdraw_consent(actor=actor_for(patient_user), consent=consent, how="")
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert not Task.objects.filter(case=case).exists()
    assert AccessEvent.objects.count() == events_before


def test_only_the_person_or_care_staff_at_the_unit_add_a_task_to_the_case(
    outsider, employer_user, case
):
    for user in (outsider, employer_user):
        with pytest.raises(case_services.CaseError):
            case_services.add_system_task(
                actor=actor_for(user), case=case, title="x", due_date=timezone.localdate()
            )
    assert not Task.objects.filter(case=case).exists()


def test_a_patient_cannot_touch_someone_elses_consent(
    patient_user, coordinator, unit, employer_org
):
    stranger = PersonFactory(care_unit=unit)
    consent = give_consent(coordinator, stranger, employer_org, ["contact"])
    response = verified_client(patient_user).post(reverse("consent:withdraw", args=[consent.pk]))
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_registry_pages_are_for_care_staff_of_the_unit(
    physician_client, outsider_client, employer_client, person, coordinator, employer_org
):
    give_consent(coordinator, person, employer_org, ["contact"])
    url = reverse("consent:person", args=[person.pk])
    page = physician_client.get(url)
    assert page.status_code == 200
    assert "Registrera samtycket" not in page.content.decode()
    assert physician_client.post(url, form_data(employer_org)).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert employer_client.get(url).status_code == 403
    assert person.family_name not in employer_client.get(url).content.decode()

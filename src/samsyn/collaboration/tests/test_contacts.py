"""The contact log: consent for external contacts, protection, next steps, the page."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases import services as case_services
from samsyn.cases.models import Task
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.models import ContactEvent
from samsyn.collaboration.services import contacts as contact_services
from samsyn.collaboration.tests.conftest import give_consent
from samsyn.consent import services as consent_services
from samsyn.people.tests.factories import PersonFactory


def log(coordinator, case, **kw):
    defaults = {
        "occurred_at": timezone.now() - timedelta(hours=1),
        "channel": "phone",
        "part": "external",
        "purpose": "adjust_tasks",
        "summary": "Pratade om anpassade arbetsuppgifter.",
    }
    return contact_services.log_contact(
        actor=actor_for(coordinator), case=case, **{**defaults, **kw}
    )


def test_external_contact_without_consent_is_refused_naming_the_recipient(
    coordinator, case, employer_org
):
    with pytest.raises(contact_services.ContactError) as exc:
        log(coordinator, case, organisation=employer_org)
    assert "Testbygg AB" in str(exc.value)
    assert "kontakt" in str(exc.value)
    assert not ContactEvent.objects.exists()
    denied = AccessEvent.objects.get(object_type="contact", action=Action.DENIED)
    assert denied.person_id == case.person_id


def test_external_contact_with_a_contact_consent_is_logged_with_the_consent(
    coordinator, case, employer_org
):
    consent = give_consent(coordinator, case.person, employer_org, ["contact"])
    event = log(coordinator, case, organisation=employer_org, with_whom="Närmaste chef")
    assert event.consent_id == consent.pk
    assert event.created_by == coordinator
    created = AccessEvent.objects.get(object_type="contact", action=Action.CREATE)
    assert created.ground == Ground.UNIT_MEMBERSHIP
    assert created.object_id == str(event.pk)
    assert created.extra["consent"] == str(consent.pk)


def test_consent_without_the_contact_category_is_not_enough(coordinator, case, employer_org):
    give_consent(coordinator, case.person, employer_org, ["plan"])
    with pytest.raises(contact_services.ContactError, match="omfattar inte"):
        log(coordinator, case, organisation=employer_org)


def test_external_contact_is_refused_after_withdrawal(coordinator, case, employer_org):
    consent = give_consent(coordinator, case.person, employer_org, ["contact"])
    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")
    with pytest.raises(contact_services.ContactError, match="återkallat"):
        log(coordinator, case, organisation=employer_org)


def test_external_contact_is_refused_after_expiry(coordinator, case, employer_org):
    today = timezone.localdate()
    give_consent(coordinator, case.person, employer_org, ["contact"], end=today + timedelta(days=3))
    later = timezone.now() + timedelta(days=5)
    with time_machine.travel(later), pytest.raises(contact_services.ContactError, match="gått ut"):
        log(coordinator, case, organisation=employer_org)


def test_external_contact_needs_an_external_organisation(coordinator, case):
    with pytest.raises(contact_services.ContactError, match="Välj vilken aktör"):
        log(coordinator, case)


def test_internal_coordination_needs_no_consent_and_rejects_an_external_actor(
    coordinator, case, employer_org
):
    event = log(coordinator, case, part="internal", purpose="check_in", with_whom="Fysioterapeut")
    assert event.consent_id is None
    with pytest.raises(contact_services.ContactError, match="Samverkan med andra aktörer"):
        log(coordinator, case, part="personal_support", organisation=employer_org)


def test_protected_person_requires_acknowledgement_for_external_contact(
    coordinator, unit, employer_org
):
    person = PersonFactory(care_unit=unit, protected_identity=True)
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    give_consent(coordinator, person, employer_org, ["contact"])
    with pytest.raises(contact_services.ContactError, match="skyddade personuppgifter"):
        log(coordinator, case, organisation=employer_org)
    event = log(coordinator, case, organisation=employer_org, protection_acknowledged=True)
    assert event.pk
    # Personal support needs no acknowledgement: nothing leaves the unit.
    assert log(coordinator, case, part="personal_support", purpose="personal_support").pk


def test_next_steps_become_tasks_in_the_same_transaction(coordinator, case):
    due = timezone.localdate() + timedelta(days=7)
    event = log(
        coordinator,
        case,
        part="internal",
        next_steps=[("Boka avstämningsmöte", due), ("  ", due)],
    )
    task = Task.objects.get(case=case)
    assert task.title == "Boka avstämningsmöte"
    assert task.due_date == due
    assert task.assigned_to == coordinator
    assert "Boka avstämningsmöte" in event.next_steps


def test_only_coordinators_at_the_unit_log_contacts(physician, outsider, case):
    for user in (physician, outsider):
        with pytest.raises(contact_services.ContactError, match="Bara rehabkoordinatorer"):
            log(user, case, part="internal")


def test_future_contact_is_refused(coordinator, case):
    with pytest.raises(contact_services.ContactError, match="framtiden"):
        log(coordinator, case, part="internal", occurred_at=timezone.now() + timedelta(days=1))


# ---- the page ----------------------------------------------------------------------


def test_contacts_page_shows_consent_status_of_case_actors(
    coordinator_client, case, linked_employer
):
    response = coordinator_client.get(reverse("collaboration:contacts", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Testbygg AB" in page
    assert "Samtycke saknas" in page
    assert "Aktörer i ärendet" in page
    assert AccessEvent.objects.filter(object_type="contacts", action=Action.READ).exists()


def test_contacts_page_logs_a_contact_and_redirects(
    coordinator_client, coordinator, case, employer_org, linked_employer
):
    give_consent(coordinator, case.person, employer_org, ["contact"])
    page = coordinator_client.get(reverse("collaboration:contacts", args=[case.pk])).content
    assert "Ja, samtycke finns" in page.decode()
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = coordinator_client.post(
        reverse("collaboration:contacts", args=[case.pk]),
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "part": "external",
            "purpose": "adjust_tasks",
            "organisation": str(employer_org.pk),
            "summary": "Chefen ordnar kortare dagar.",
            "step_1": "Följ upp med chefen",
            "step_1_due": due,
        },
    )
    assert response.status_code == 302
    event = ContactEvent.objects.get()
    assert event.organisation == employer_org
    assert Task.objects.filter(case=case, title="Följ upp med chefen").exists()
    listing = coordinator_client.get(response.url).content.decode()
    assert "Chefen ordnar kortare dagar." in listing


def test_refused_contact_redisplays_the_form_with_the_consent_message(
    coordinator_client, case, employer_org
):
    response = coordinator_client.post(
        reverse("collaboration:contacts", args=[case.pk]),
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "part": "external",
            "purpose": "adjust_tasks",
            "organisation": str(employer_org.pk),
            "summary": "Försökte ringa.",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Samtycke saknas" in page
    assert "Testbygg AB" in page
    assert "Försökte ringa." in page
    assert not ContactEvent.objects.exists()


def test_invalid_form_shows_swedish_errors(coordinator_client, case):
    response = coordinator_client.post(reverse("collaboration:contacts", args=[case.pk]), {})
    assert response.status_code == 400
    assert "Detta fält måste fyllas i." in response.content.decode()


def test_protected_person_form_shows_warning_and_checkbox(coordinator_client, coordinator, unit):
    person = PersonFactory(care_unit=unit, violence_risk=True)
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    page = coordinator_client.get(
        reverse("collaboration:contacts", args=[case.pk])
    ).content.decode()
    assert "lämnar inte ut adress eller kontaktuppgifter" in page
    assert 'name="protection_acknowledged"' in page


def test_physician_reads_but_cannot_write(physician, case):
    client = verified_client(physician)
    url = reverse("collaboration:contacts", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Logga en kontakt" not in response.content.decode()
    assert client.post(url, {"summary": "x"}).status_code == 403


@pytest.mark.parametrize("user_fixture", ["outsider", "employer_user"])
def test_others_get_404(request, user_fixture, case):
    client = verified_client(request.getfixturevalue(user_fixture))
    assert client.get(reverse("collaboration:contacts", args=[case.pk])).status_code == 404


def test_a_failing_next_step_rolls_back_the_contact(coordinator, case, monkeypatch):
    calls = []

    def add_task(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise case_services.CaseError("Ärendet är avslutat.")
        return Task.objects.create(
            case=kwargs["case"],
            title=kwargs["title"],
            due_date=kwargs["due_date"],
            assigned_to=coordinator,
            created_by=coordinator,
        )

    monkeypatch.setattr(case_services, "add_task", add_task)
    due = timezone.localdate() + timedelta(days=2)
    with pytest.raises(contact_services.ContactError, match="avslutat"):
        log(coordinator, case, part="internal", next_steps=[("Ett", due), ("Två", due)])
    assert len(calls) == 2
    assert not ContactEvent.objects.exists()
    assert not Task.objects.exists()

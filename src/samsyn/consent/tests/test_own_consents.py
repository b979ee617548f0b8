"""The person's own consents (issue 13 §5, issue 17 §8): the page says what they can do;
they give a consent digitally, withdraw one after a confirmation that says what will
happen, or end the whole collaboration at once; every write is audited and the
coordinator is told."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases.models import Task
from samsyn.consent.models import Consent, GivenHow, WithdrawnHow
from samsyn.consent.tests.fixtures import give_consent

pytestmark = pytest.mark.django_db


def _give(client, recipient, categories, **extra):
    data = {
        "recipient": recipient.pk,
        "categories": categories,
        "valid_to": (timezone.localdate() + timedelta(days=90)).isoformat(),
        **extra,
    }
    return client.post(reverse("consent:give"), data)


def test_the_page_says_what_the_person_can_do_there(patient_user):
    page = verified_client(patient_user).get(reverse("consent:mine")).content.decode()
    assert "Det här kan du göra här" in page
    assert "Lämna ett nytt samtycke. Du väljer vem, vad och hur länge." in page
    assert "Ta tillbaka ett samtycke. Det gäller direkt." in page
    assert reverse("consent:give") in page


def test_the_person_gives_a_consent_digitally(
    case, patient_user, person, employer_org, coordinator
):
    client = verified_client(patient_user)
    response = _give(client, employer_org, ["contact", "work_capacity"])
    assert response.status_code == 302
    consent = Consent.objects.get(person=person, recipient=employer_org)
    assert consent.given_how == GivenHow.DIGITAL
    assert consent.recorded_by == patient_user
    assert consent.valid_from == timezone.localdate()
    assert consent.unit_id == case.unit_id
    assert consent.categories == ["contact", "work_capacity"]
    event = AccessEvent.objects.get(object_type="consent", action=Action.CREATE)
    assert event.actor == patient_user
    assert event.ground == Ground.OWN_RECORD
    assert event.extra["given_how"] == "digital"
    task = Task.objects.get(case=case)
    assert task.title == "Samtycke lämnat digitalt av personen: Testbygg AB"
    assert task.assigned_to == coordinator
    page = client.get(response.url).content.decode()
    assert "Tack. Ditt samtycke gäller från i dag" in page


def test_the_actors_in_the_case_come_first(case, patient_user, coordinator, employer_org, fk_org):
    from samsyn.directory.tests.helpers import link

    link(coordinator, case, fk_org)
    form = verified_client(patient_user).get(reverse("consent:give")).content.decode()
    ours, others = form.index('label="I ditt ärende"'), form.index('label="Andra"')
    assert ours < form.index("Försäkringskassan Testköping") < others
    assert form.index("Testbygg AB") > others


def test_a_diagnosis_for_the_employer_needs_the_persons_own_reason(
    case, patient_user, employer_org
):
    client = verified_client(patient_user)
    response = _give(client, employer_org, ["diagnosis"])
    assert response.status_code == 400
    assert "får veta din diagnos bara om du" in response.content.decode()
    assert not Consent.objects.exists()
    response = _give(
        client,
        employer_org,
        ["diagnosis"],
        diagnosis_confirmed="on",
        diagnosis_reason="Så att de förstår mina anpassningar.",
    )
    assert response.status_code == 302
    assert Consent.objects.get().diagnosis_confirmed


def test_more_than_two_years_is_refused(case, patient_user, employer_org):
    client = verified_client(patient_user)
    response = _give(
        client,
        employer_org,
        ["contact"],
        valid_to=(timezone.localdate() + timedelta(days=800)).isoformat(),
    )
    assert response.status_code == 400
    assert "högst två år" in response.content.decode()


def test_without_an_open_case_no_consent_is_given(patient_user, employer_org):
    client = verified_client(patient_user)
    assert "Du har inget pågående ärende" in client.get(reverse("consent:give")).content.decode()
    response = _give(client, employer_org, ["contact"])
    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_withdrawing_asks_first_and_says_what_will_happen(
    case, patient_user, coordinator, person, employer_org
):
    consent = give_consent(coordinator, person, employer_org, ["work_capacity"])
    client = verified_client(patient_user)
    mine = client.get(reverse("consent:mine")).content.decode()
    confirm_url = reverse("consent:withdraw_confirm", args=[consent.pk])
    assert confirm_url in mine
    assert f'action="{reverse("consent:withdraw", args=[consent.pk])}"' not in mine
    page = client.get(confirm_url).content.decode()
    assert "Ta tillbaka samtycket för Testbygg AB?" in page
    assert "Testbygg AB får inga fler uppgifter om dig från vården. Det gäller direkt." in page
    assert "Det de redan har fått veta finns kvar hos dem." in page
    consent.refresh_from_db()
    assert consent.withdrawn_at is None  # asking changes nothing
    response = client.post(reverse("consent:withdraw", args=[consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_how == WithdrawnHow.SELF_SERVICE
    update = AccessEvent.objects.get(object_type="consent", action=Action.UPDATE)
    assert update.ground == Ground.OWN_RECORD
    assert update.actor == patient_user


def test_the_confirmation_is_404_for_another_persons_or_a_withdrawn_consent(
    case, patient_user, coordinator, person, employer_org
):
    from samsyn.people.tests.factories import PersonFactory

    other = PersonFactory(care_unit=person.care_unit, family_name="Annansson")
    theirs = give_consent(coordinator, other, employer_org, ["contact"])
    client = verified_client(patient_user)
    response = client.get(reverse("consent:withdraw_confirm", args=[theirs.pk]))
    assert response.status_code == 404
    assert "Annansson" not in response.content.decode()
    mine = give_consent(coordinator, person, employer_org, ["contact"])
    client.post(reverse("consent:withdraw", args=[mine.pk]))
    assert client.get(reverse("consent:withdraw_confirm", args=[mine.pk])).status_code == 404


def test_ending_the_collaboration_withdraws_every_consent_after_confirming(
    case, patient_user, coordinator, person, employer_org, fk_org
):
    first = give_consent(coordinator, person, employer_org, ["contact"])
    second = give_consent(coordinator, person, fk_org, ["messages"])
    later = give_consent(
        coordinator,
        person,
        fk_org,
        ["contact"],
        start=timezone.localdate() + timedelta(days=3),
        purpose="Senare",
    )
    client = verified_client(patient_user)
    page = client.get(reverse("consent:end_collaboration")).content.decode()
    assert "Alla dina samtycken tas tillbaka direkt." in page
    assert "Testbygg AB" in page
    assert "Försäkringskassan Testköping" in page
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()
    response = client.post(reverse("consent:end_collaboration"), follow=True)
    assert "Du har avslutat samverkan." in response.content.decode()
    for consent in (first, second, later):
        consent.refresh_from_db()
        assert consent.withdrawn_how == WithdrawnHow.SELF_SERVICE
    updates = AccessEvent.objects.filter(object_type="consent", action=Action.UPDATE)
    assert updates.count() == 3
    assert all(e.extra.get("ended_collaboration") for e in updates)
    assert Task.objects.filter(case=case, title__startswith="Personen har avslutat").count() == 1


def test_ending_with_nothing_in_force_says_so(patient_user):
    client = verified_client(patient_user)
    assert (
        "Du har inga samtycken som gäller."
        in client.get(reverse("consent:end_collaboration")).content.decode()
    )
    response = client.post(reverse("consent:end_collaboration"), follow=True)
    assert "Du har inga samtycken som gäller." in response.content.decode()


def test_staff_cannot_use_the_persons_pages(coordinator_client, case):
    for name in ("consent:give", "consent:end_collaboration"):
        assert coordinator_client.get(reverse(name)).status_code == 403

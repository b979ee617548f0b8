"""Minutes (points become measures and tasks; amendments keep the old version; who reads
them) and reminders (re-checked when due; two schedulers send each once)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.cases.models import Task
from samsyn.cases.tests.helpers import actor_for
from samsyn.core.models import OutboundEmail
from samsyn.core.testing import run_jobs
from samsyn.meetings import services
from samsyn.meetings.content import MinutesState, ReminderKind, ReminderStatus
from samsyn.meetings.models import Participant, Reminder
from samsyn.meetings.tests.helpers import book, consent_meetings
from samsyn.plans.models import Measure


@pytest.fixture
def parties(coordinator, person, case, employer_org, employer_user, fk_org, fk_user):
    employer_user.email = "hanna@testbygg.se"
    employer_user.save()
    consent_meetings(coordinator, person, employer_org)
    consent_meetings(coordinator, person, fk_org)
    return [f"u:{employer_user.pk}", f"u:{fk_user.pk}", "person"]


def _minutes(coordinator, meeting, employer_org, unit):
    due = timezone.localdate() + timedelta(days=14)
    services.save_draft(
        actor=actor_for(coordinator),
        meeting_id=meeting.pk,
        conclusion="Arbetsträning på halvtid från nästa månad.",
        plain="Du börjar arbetsträna halvtid. Arbetsgivaren ordnar lättare uppgifter.",
        points=[
            services.PointInput(
                "Ordna lättare arbetsuppgifter", employer_org.pk, due, owner_person="Hanna HR"
            ),
            services.PointInput("Boka uppföljning", unit.pk, due, kind="task"),
        ],
    )
    return services.finalise_minutes(actor=actor_for(coordinator), meeting_id=meeting.pk)


@pytest.mark.django_db
def test_finalised_points_become_a_measure_and_a_task(
    coordinator, case, parties, employer_org, unit
):
    meeting = book(coordinator, case, parties)
    minutes = _minutes(coordinator, meeting, employer_org, unit)
    measure = Measure.objects.get(title="Ordna lättare arbetsuppgifter")
    assert measure.owner_organisation == employer_org
    assert measure.owner_person == "Hanna HR"
    assert measure.plan.case == case
    assert Task.objects.filter(case=case, title="Boka uppföljning").exists()
    assert minutes.state == MinutesState.FINAL
    from samsyn.audit.models import AccessEvent
    from samsyn.audit.vocabulary import ObjectType

    audited = AccessEvent.objects.filter(person_id=case.person_id)
    assert audited.filter(object_type=ObjectType.MEETING, action="create").exists()
    assert (
        audited.filter(object_type=ObjectType.MEETING_MINUTES, object_id=str(minutes.pk)).count()
        == 2
    )
    with pytest.raises(services.MeetingError, match="fastställt"):
        services.save_draft(
            actor=actor_for(coordinator),
            meeting_id=meeting.pk,
            conclusion="Ändrat",
            plain="",
            points=[],
        )


@pytest.mark.django_db
def test_an_amendment_keeps_the_old_version(
    coordinator, coordinator_client, case, parties, employer_org, unit
):
    meeting = book(coordinator, case, parties)
    old = _minutes(coordinator, meeting, employer_org, unit)
    with pytest.raises(services.MeetingError, match="varför"):
        services.amend_minutes(
            actor=actor_for(coordinator), meeting_id=meeting.pk, reason="", conclusion="x", plain=""
        )
    new = services.amend_minutes(
        actor=actor_for(coordinator),
        meeting_id=meeting.pk,
        reason="Fel datum för arbetsträningen",
        conclusion="Arbetsträning på halvtid från den 1:a.",
        plain="",
    )
    old.refresh_from_db()
    assert old.state == MinutesState.REPLACED
    assert old.replaced_by == new
    assert old.conclusion == "Arbetsträning på halvtid från nästa månad."
    assert new.points.count() == 2
    assert Measure.objects.count() == 1  # the kept points keep their measure
    page = coordinator_client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "ersatt av version 2" in page
    assert "Fel datum för arbetsträningen" in page


@pytest.mark.django_db
def test_the_person_reads_the_minutes_in_plain_language(
    coordinator, case, parties, employer_org, unit, patient_user
):
    meeting = book(coordinator, case, parties)
    _minutes(coordinator, meeting, employer_org, unit)
    page = (
        verified_client(patient_user)
        .get(reverse("meetings:meeting", args=[meeting.pk]))
        .content.decode()
    )
    assert "Du börjar arbetsträna halvtid" in page
    assert "Det här bestämdes" in page


@pytest.mark.django_db
def test_an_external_without_consent_never_sees_the_minutes(
    coordinator, case, parties, employer_org, employer_user, unit
):
    meeting = book(coordinator, case, parties)
    _minutes(coordinator, meeting, employer_org, unit)
    client = verified_client(employer_user)
    assert (
        "Arbetsträning på halvtid"
        in client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    )
    from samsyn.consent import services as consent_services
    from samsyn.consent.models import Consent

    consent_services.withdraw_consent(
        actor=actor_for(coordinator),
        consent=Consent.objects.get(recipient=employer_org),
        how="oral",
    )
    response = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert response.status_code == 404
    assert "Arbetsträning" not in response.content.decode()


@pytest.mark.django_db
def test_a_reminder_whose_reason_is_gone_is_not_sent(coordinator, case, parties, employer_user):
    meeting = book(coordinator, case, parties, days=1)
    assert services.schedule_reminders() >= 1
    reminder = Reminder.objects.get(kind=ReminderKind.MEETING_TOMORROW, user=employer_user)
    services.cancel_meeting(
        actor=actor_for(coordinator), meeting_id=meeting.pk, reason="Friskskriven"
    )
    run_jobs(queue_names=["default"])
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DROPPED
    assert not OutboundEmail.objects.filter(key__startswith=f"reminder:{reminder.pk}").exists()
    from samsyn.audit.models import AccessEvent

    event = AccessEvent.objects.get(object_type="reminder", object_id=str(reminder.pk))
    assert event.extra["status"] == "dropped"
    assert event.person_id == case.person_id


@pytest.mark.django_db
def test_a_meeting_tomorrow_is_reminded_once_and_a_user_may_turn_it_off(
    coordinator, case, parties, employer_user, fk_user
):
    book(coordinator, case, parties, days=1)
    services.save_reminder_choice(actor=actor_for(fk_user), kinds_on=[ReminderKind.FOLLOW_UP])
    services.schedule_reminders()
    assert services.schedule_reminders() == 0  # nothing twice
    run_jobs(queue_names=["default"])
    assert (
        Reminder.objects.get(user=employer_user, kind=ReminderKind.MEETING_TOMORROW).status
        == "sent"
    )
    assert Reminder.objects.get(user=fk_user, kind=ReminderKind.MEETING_TOMORROW).status == "off"
    assert (
        OutboundEmail.objects.filter(recipient=employer_user, key__startswith="reminder:").count()
        == 1
    )


@pytest.mark.django_db
def test_an_unanswered_invitation_is_reminded(coordinator, case, parties, employer_user):
    meeting = book(coordinator, case, parties, days=5)
    Participant.objects.filter(meeting=meeting).update(
        invited_at=timezone.now() - timedelta(days=3)
    )
    services.schedule_reminders()
    assert Reminder.objects.filter(kind=ReminderKind.UNANSWERED, user=employer_user).exists()


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_each_reminder_once(coordinator, case, parties):
    book(coordinator, case, parties, days=1)
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            barrier.wait()
            counts.append(services.schedule_reminders())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = Reminder.objects.filter(kind=ReminderKind.MEETING_TOMORROW).count()
    assert sorted(counts) == [0, total]
    assert total == 3  # the employer, the FK officer and the coordinator have logins


@pytest.mark.django_db
def test_the_page_with_minutes_reads_in_a_fixed_number_of_queries(
    coordinator, coordinator_client, case, parties, employer_org, unit, django_assert_num_queries
):
    meeting = book(coordinator, case, parties)
    _minutes(coordinator, meeting, employer_org, unit)
    url = reverse("meetings:meeting", args=[meeting.pk])
    coordinator_client.get(url)
    with django_assert_num_queries(24) as before:
        coordinator_client.get(url)
    due = timezone.localdate() + timedelta(days=20)
    services.amend_minutes(
        actor=actor_for(coordinator),
        meeting_id=meeting.pk,
        reason="Ny punkt",
        conclusion="Samma slutsats",
        plain="",
        points=[services.PointInput("Ny punkt", employer_org.pk, due)],
    )
    with django_assert_num_queries(len(before.captured_queries)):
        coordinator_client.get(url)

"""The remaining rules: Försäkringskassan decides an avstämningsmöte, the physician's time,
who books, the reminders for follow-ups, the employer's plan and consents running out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.consent.tests.fixtures import give_consent
from samsyn.core.testing import run_jobs
from samsyn.meetings import services
from samsyn.meetings.content import FkDecision, MeetingStatus, ReminderKind, ReminderStatus
from samsyn.meetings.models import MeetingEmail, Reminder
from samsyn.meetings.tests.helpers import book, consent_meetings
from samsyn.people.tests.factories import PersonFactory
from samsyn.plans.tests.helpers import add_measure, care_plan, employer_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(coordinator, person, case, employer_org, employer_user, fk_org, fk_user):
    employer_user.email = "hanna@testbygg.se"
    employer_user.save()
    consent_meetings(coordinator, person, employer_org, ("contact", "meetings", "plan"))
    consent_meetings(coordinator, person, fk_org)
    return [f"u:{employer_user.pk}", f"u:{fk_user.pk}", "person"]


def test_fk_declines_and_the_meeting_is_cancelled(
    coordinator, case, parties, fk_user, employer_user
):
    meeting = book(coordinator, case, parties)
    assert meeting.fk_decision == FkDecision.ASKED
    with pytest.raises(services.MeetingError):
        services.record_fk_decision(
            actor=actor_for(employer_user), meeting_id=meeting.pk, decision="declined"
        )
    services.record_fk_decision(
        actor=actor_for(fk_user), meeting_id=meeting.pk, decision="declined"
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert MeetingEmail.objects.filter(meeting=meeting, method="cancel").exists()


def test_the_physicians_time_is_recorded_when_held(coordinator, case, parties):
    meeting = book(coordinator, case, parties)
    with pytest.raises(services.MeetingError, match="inte börjat"):
        services.record_held(
            actor=actor_for(coordinator), meeting_id=meeting.pk, attended=[], physician_minutes=30
        )
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(services.MeetingError, match="läkarens tid"):
        services.record_held(
            actor=actor_for(coordinator), meeting_id=meeting.pk, attended=[], physician_minutes=None
        )
    there = [str(p.pk) for p in meeting.participants.all()[:2]]
    services.record_held(
        actor=actor_for(coordinator), meeting_id=meeting.pk, attended=there, physician_minutes=40
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.physician_minutes) == (MeetingStatus.HELD, 40)
    assert meeting.participants.filter(attended=True).count() == 2


def test_only_care_writers_book(case, parties, unit_manager, employer_user):
    for user in (unit_manager, employer_user):
        with pytest.raises(services.MeetingError):
            book(user, case, parties)


def test_a_follow_up_tomorrow_is_reminded_and_dropped_when_done(coordinator, case, parties, unit):
    plan = care_plan(coordinator, case)
    tomorrow = timezone.localdate() + timedelta(days=1)
    measure = add_measure(coordinator, plan, unit, title="Fysioterapi", follow_up=tomorrow)
    services.schedule_reminders()
    reminder = Reminder.objects.get(kind=ReminderKind.FOLLOW_UP, object_id=measure.pk)
    assert reminder.user == coordinator
    from samsyn.plans import services as plan_services

    plan.refresh_from_db()
    plan_services.update_measure(
        actor=actor_for(coordinator),
        measure_id=measure.pk,
        base=plan.head,
        status="done",
        start=None,
        end=None,
        follow_up=tomorrow,
        owner_person="",
    )
    run_jobs(queue_names=["default"])
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DROPPED


def test_the_employers_plan_before_day_30_is_reminded_and_dropped_when_written(
    coordinator, physician, unit, employer_org, employer_user
):
    person = PersonFactory(care_unit=unit)
    today = timezone.localdate()
    certify(physician, person, today - timedelta(days=24), today + timedelta(days=30))
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    services.schedule_reminders()
    reminder = Reminder.objects.get(kind=ReminderKind.EMPLOYER_PLAN, object_id=case.pk)
    give_consent(coordinator, person, employer_org, ["contact", "plan"])
    employer_plan(employer_user, case)
    run_jobs(queue_names=["default"])
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DROPPED


def test_a_consent_running_out_is_reminded_to_the_coordinator_and_the_person(
    coordinator, person, case, patient_user, fk_org
):
    give_consent(
        coordinator, person, fk_org, ["contact"], end=timezone.localdate() + timedelta(days=5)
    )
    services.schedule_reminders()
    users = set(
        Reminder.objects.filter(kind=ReminderKind.CONSENT_ENDING).values_list("user_id", flat=True)
    )
    assert users == {coordinator.pk, patient_user.pk}
    run_jobs(queue_names=["default"])
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


def test_the_fk_officer_records_the_decision_on_the_page(
    coordinator, case, parties, fk_user, employer_user
):
    from django.urls import reverse

    from conftest import verified_client

    meeting = book(coordinator, case, parties)
    assert (
        "Registrera beslutet"
        not in verified_client(employer_user)
        .get(reverse("meetings:meeting", args=[meeting.pk]))
        .content.decode()
    )
    client = verified_client(fk_user)
    assert (
        "Registrera beslutet"
        in client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    )
    response = client.post(
        reverse("meetings:fk_decision", args=[meeting.pk]), {"decision": "accepted"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.fk_decision == FkDecision.ACCEPTED


def test_inviting_more_later_checks_their_consent_and_sends_the_invitation(
    coordinator, case, parties, other_employer, other_employer_user, person
):
    meeting = book(coordinator, case, parties)
    other_employer_user.email = "otto@annat.se"
    other_employer_user.save()
    with pytest.raises(services.ConsentRefused) as refused:
        services.invite(
            actor=actor_for(coordinator),
            meeting_id=meeting.pk,
            participants=[f"u:{other_employer_user.pk}"],
        )
    assert "Annat Bolag AB" in refused.value.messages[0]
    consent_meetings(coordinator, person, other_employer)
    services.invite(
        actor=actor_for(coordinator),
        meeting_id=meeting.pk,
        participants=[f"u:{other_employer_user.pk}"],
    )
    assert MeetingEmail.objects.filter(
        meeting=meeting, address="otto@annat.se", method="request"
    ).exists()


def test_the_invite_page_adds_a_participant(coordinator, case, parties, physician):
    from django.urls import reverse

    from conftest import verified_client

    meeting = book(coordinator, case, parties)
    client = verified_client(coordinator)
    url = reverse("meetings:invite", args=[meeting.pk])
    assert physician.display_name in client.get(url).content.decode()
    response = client.post(url, {"participants": [f"u:{physician.pk}"]})
    assert response.status_code == 302
    assert meeting.participants.filter(user=physician).exists()

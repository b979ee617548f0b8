"""The person's meetings on "Ditt ärende" (answer buttons, minutes in plain language) and
the meetings on the case's timeline, as each role may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_client
from samsyn.cases.tests.helpers import actor_for
from samsyn.meetings import services
from samsyn.meetings.content import Answer, MeetingKind
from samsyn.meetings.models import Participant
from samsyn.meetings.selectors import own_meetings_summary, timeline_events
from samsyn.meetings.tests.helpers import book, consent_meetings

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(coordinator, person, case, employer_org, employer_user, fk_org, fk_user):
    consent_meetings(coordinator, person, employer_org)
    consent_meetings(coordinator, person, fk_org)
    return [f"u:{employer_user.pk}", f"u:{fk_user.pk}", "person"]


def test_the_person_answers_from_their_own_page(coordinator, case, parties, patient_user):
    meeting = book(coordinator, case, parties)
    client = verified_client(patient_user)
    page = client.get(reverse("overview:own_case")).content.decode()
    assert "Dina möten" in page
    assert "Jag kommer" in page
    response = client.post(
        reverse("meetings:answer", args=[meeting.pk]),
        {"answer": "coming", "next": reverse("overview:own_case")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("overview:own_case")
    assert Participant.objects.get(meeting=meeting, is_person=True).answer == Answer.COMING


def test_the_person_never_sees_the_team_meeting(
    coordinator, case, parties, patient_user, physician
):
    team = book(coordinator, case, [f"u:{physician.pk}"], kind=MeetingKind.TEAM)
    summary = own_meetings_summary(actor=actor_for(patient_user), case=case)
    assert summary is None
    assert (
        verified_client(patient_user).get(reverse("meetings:meeting", args=[team.pk])).status_code
        == 404
    )


def test_the_timeline_has_the_meetings_the_viewer_may_see(
    coordinator, case, parties, employer_user, other_employer_user, physician
):
    meeting = book(coordinator, case, parties)
    book(coordinator, case, [f"u:{physician.pk}"], kind=MeetingKind.TEAM)
    services.cancel_meeting(actor=actor_for(coordinator), meeting_id=meeting.pk, reason="Sjuk")
    care = timeline_events(actor=actor_for(coordinator), case=case)
    assert len([e for e in care if "bokat" in e.title]) == 2
    assert any("inställt" in e.title for e in care)
    employer = timeline_events(actor=actor_for(employer_user), case=case)
    assert [e.title for e in employer if "Internt" in e.title] == []
    assert len(employer) == 2
    assert timeline_events(actor=actor_for(other_employer_user), case=case) == []


def test_the_timeline_page_filters_on_meetings(coordinator_client, coordinator, case, parties):
    book(coordinator, case, parties)
    response = coordinator_client.get(
        reverse("overview:timeline", args=[case.pk]) + "?kind=meeting"
    )
    assert response.status_code == 200
    assert "Avstämningsmöte bokat till" in response.content.decode()


def test_a_video_meeting_is_counted(coordinator_client, coordinator, case, parties):
    book(coordinator, case, parties)
    book(coordinator, case, parties, mode="place", place="Vårdcentralen, rum 2", video_link="")
    page = coordinator_client.get(
        reverse("meetings:case_meetings", args=[case.pk])
    ).content.decode()
    assert "1 möte per video." in page


def test_users_choose_their_reminders_and_the_person_sees_theirs(
    coordinator, case, parties, patient_user
):
    from samsyn.meetings.content import ReminderKind
    from samsyn.meetings.models import ReminderChoice

    client = verified_client(patient_user)
    assert client.get(reverse("meetings:reminders")).status_code == 200
    response = client.post(
        reverse("meetings:reminders"), {"kinds": [ReminderKind.MEETING_TOMORROW]}
    )
    assert response.status_code == 302
    off = set(ReminderChoice.objects.get(user=patient_user).off)
    assert ReminderKind.MEETING_TOMORROW not in off
    assert ReminderKind.CONSENT_ENDING in off
    patient_user.email = "lena@example.se"
    patient_user.save()
    book(coordinator, case, parties, days=1)
    services.schedule_reminders()
    from samsyn.core.testing import run_jobs

    run_jobs(queue_names=["default"])
    summary = own_meetings_summary(actor=actor_for(patient_user), case=case)
    assert [r.label for r in summary.reminders] == ["Möte i morgon"]
    assert "Påminnelser till dig" in client.get(reverse("overview:own_case")).content.decode()

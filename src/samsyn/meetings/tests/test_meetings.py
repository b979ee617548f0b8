"""Booking, consent, answers, moves, cancellations and the .ics (issue 15 §1-2)."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from conftest import verified_client
from samsyn.audit.models import AccessEvent
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.tests.helpers import actor_for
from samsyn.core.testing import run_jobs
from samsyn.directory.models import CaseActor
from samsyn.meetings import services
from samsyn.meetings.content import Answer, MeetingKind, MeetingStatus
from samsyn.meetings.models import MeetingEmail, Participant
from samsyn.meetings.tests.helpers import book, consent_meetings, soon

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(coordinator, person, case, employer_org, employer_user, fk_org, fk_user):
    employer_user.email = "hanna@testbygg.se"
    employer_user.save()
    fk_user.email = "fia@fk.se"
    fk_user.save()
    consent_meetings(coordinator, person, employer_org)
    consent_meetings(coordinator, person, fk_org)
    return [f"u:{employer_user.pk}", f"u:{fk_user.pk}", "person"]


def test_an_external_without_consent_is_refused_naming_the_consent(
    coordinator, case, employer_user, fk_user, fk_org, person
):
    consent_meetings(coordinator, person, fk_org)
    with pytest.raises(services.ConsentRefused) as refused:
        book(coordinator, case, [f"u:{employer_user.pk}", f"u:{fk_user.pk}"])
    assert "Testbygg AB" in refused.value.messages[0]
    assert "möten" in refused.value.messages[0].lower()
    assert not Participant.objects.exists()


def test_an_avstamningsmote_needs_the_fk_officer(coordinator, case, parties, employer_user):
    with pytest.raises(services.MeetingError, match="Försäkringskassan"):
        book(coordinator, case, [f"u:{employer_user.pk}"])


def test_a_sip_meeting_needs_the_sip_consent(coordinator, case, parties):
    with pytest.raises(services.MeetingError, match="SIP"):
        book(coordinator, case, ["person"], kind=MeetingKind.SIP)
    meeting = book(coordinator, case, ["person"], kind=MeetingKind.SIP, sip_consent=True)
    assert meeting.sip_consent


def test_a_team_meeting_has_no_externals(coordinator, case, parties, employer_user, physician):
    with pytest.raises(services.MeetingError, match="teammöte"):
        book(coordinator, case, [f"u:{employer_user.pk}"], kind=MeetingKind.TEAM)
    book(coordinator, case, [f"u:{physician.pk}"], kind=MeetingKind.TEAM)


def test_booking_sends_an_invitation_with_ics_and_no_personal_data(
    coordinator, case, parties, person
):
    meeting = book(coordinator, case, parties)
    assert MeetingEmail.objects.filter(meeting=meeting).count() == 2  # the person has no address
    run_jobs(queue_names=["email"])
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + message.body + message.attachments[0][1]
        assert person.given_name not in text
        assert person.family_name not in text
        assert person.personnummer not in text
        cal = icalendar.Calendar.from_ical(message.attachments[0][1])
        assert cal["METHOD"] == "REQUEST"
        event = cal.walk("VEVENT")[0]
        assert str(event["UID"]) == meeting.uid
        assert int(event["SEQUENCE"]) == 0


def test_a_move_raises_the_sequence_and_a_cancel_sends_method_cancel(
    coordinator, case, parties, employer_user
):
    meeting = book(coordinator, case, parties)
    start = soon(5)
    services.move_meeting(
        actor=actor_for(coordinator),
        meeting_id=meeting.pk,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        reason="Arbetsgivaren kan inte",
    )
    moved = MeetingEmail.objects.get(meeting=meeting, method="move", address=employer_user.email)
    event = icalendar.Calendar.from_ical(moved.ics).walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.uid
    assert int(event["SEQUENCE"]) == 1
    services.cancel_meeting(
        actor=actor_for(coordinator), meeting_id=meeting.pk, reason="Friskskriven"
    )
    cancel = MeetingEmail.objects.get(meeting=meeting, method="cancel", address=employer_user.email)
    cal = icalendar.Calendar.from_ical(cancel.ics)
    assert cal["METHOD"] == "CANCEL"
    assert int(cal.walk("VEVENT")[0]["SEQUENCE"]) == 2
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_answers_coming_propose_and_cannot(
    coordinator, case, parties, employer_user, fk_user, patient_user
):
    meeting = book(coordinator, case, parties)
    with pytest.raises(services.MeetingError, match="tid"):
        services.answer_meeting(
            actor=actor_for(employer_user), meeting_id=meeting.pk, answer=Answer.PROPOSE
        )
    services.answer_meeting(
        actor=actor_for(employer_user),
        meeting_id=meeting.pk,
        answer=Answer.PROPOSE,
        proposed_start=soon(6),
    )
    with pytest.raises(services.MeetingError, match="varför"):
        services.answer_meeting(
            actor=actor_for(fk_user), meeting_id=meeting.pk, answer=Answer.CANNOT
        )
    services.answer_meeting(
        actor=actor_for(fk_user), meeting_id=meeting.pk, answer=Answer.CANNOT, note="Semester"
    )
    services.answer_meeting(
        actor=actor_for(patient_user), meeting_id=meeting.pk, answer=Answer.COMING
    )
    answers = dict(Participant.objects.filter(meeting=meeting).values_list("name", "answer"))
    assert sorted(answers.values()) == ["cannot", "coming", "coming", "propose"]


def test_the_organiser_sees_answers_and_proposals_at_a_glance(
    coordinator_client, coordinator, case, parties, employer_user
):
    meeting = book(coordinator, case, parties)
    services.answer_meeting(
        actor=actor_for(employer_user),
        meeting_id=meeting.pk,
        answer=Answer.PROPOSE,
        proposed_start=soon(6, 13),
    )
    page = coordinator_client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Föreslår en annan tid" in page
    assert soon(6, 13).strftime("%Y-%m-%d 13:00") in page
    listing = coordinator_client.get(
        reverse("meetings:case_meetings", args=[case.pk])
    ).content.decode()
    assert "annan tid 1" in listing


def test_an_external_without_consent_never_sees_the_meeting(
    coordinator, case, parties, other_employer_user, employer_user, person
):
    meeting = book(coordinator, case, parties)
    outsider = verified_client(other_employer_user)
    assert outsider.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 404
    assert outsider.get(reverse("meetings:ics", args=[meeting.pk])).status_code == 404
    # The employer's consent is withdrawn: the invited employer no longer sees it either.
    from samsyn.consent import services as consent_services
    from samsyn.consent.models import Consent

    consent = Consent.objects.get(recipient=employer_user.memberships.first().organisation)
    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")
    client = verified_client(employer_user)
    assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 404
    assert AccessEvent.objects.filter(object_type=ObjectType.MEETING, action="denied").exists()


def test_an_external_with_consent_sees_only_meetings_they_are_invited_to(
    coordinator, case, parties, employer_user, physician
):
    team = book(coordinator, case, [f"u:{physician.pk}"], kind=MeetingKind.TEAM)
    meeting = book(coordinator, case, parties)
    client = verified_client(employer_user)
    assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:meeting", args=[team.pk])).status_code == 404


def test_the_ics_download_parses(coordinator_client, coordinator, case, parties):
    meeting = book(coordinator, case, parties)
    response = coordinator_client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.uid


def test_booking_through_the_page_names_the_missing_consent(
    coordinator_client, case, employer_org, employer_user, fk_user, fk_org, coordinator, person
):
    consent_meetings(coordinator, person, fk_org)
    CaseActor.objects.create(
        case=case,
        organisation=employer_org,
        started_on=case.created_at.date(),
        created_by=coordinator,
    )
    start = soon(4)
    response = coordinator_client.post(
        reverse("meetings:book", args=[case.pk]),
        {
            "kind": "avstamning",
            "purpose": "Avstämning",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "mode": "place",
            "place": "Vårdcentralen, rum 3",
            "participants": [f"u:{employer_user.pk}", f"u:{fk_user.pk}"],
        },
    )
    assert response.status_code == 400
    assert "Testbygg AB" in response.content.decode()


def test_pinned_queries_on_the_list_and_the_page(
    coordinator_client, coordinator, case, parties, django_assert_num_queries
):
    meeting = book(coordinator, case, parties)
    book(coordinator, case, parties)
    url = reverse("meetings:case_meetings", args=[case.pk])
    coordinator_client.get(url)
    with django_assert_num_queries(17):
        assert coordinator_client.get(url).status_code == 200
    url = reverse("meetings:meeting", args=[meeting.pk])
    coordinator_client.get(url)
    with django_assert_num_queries(17):
        assert coordinator_client.get(url).status_code == 200

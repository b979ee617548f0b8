"""A meeting's e-mails when the mail server is down for longer than their attempts: the
last attempt leaves them `failed` (they stayed `pending` for ever before, with their job
dead, and were never sent), the operations page counts them, and the administrator sends
them again, each once, with its .ics, through a real local SMTP server."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import verified_client
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory
from samsyn.core.testing import run_jobs
from samsyn.core.tests.mailservers import free_port, send_through, smtp_server
from samsyn.meetings.content import MeetingKind
from samsyn.meetings.mail import deliver_meeting_email
from samsyn.meetings.models import MeetingEmail
from samsyn.meetings.tests.helpers import book, consent_meetings

pytestmark = pytest.mark.django_db
Status = MeetingEmail.Status


@pytest.fixture
def smtp_settings(settings):
    send_through(settings, free_port())  # nobody listens: the mail server is down
    return settings


def test_invitations_that_never_got_through_fail_and_are_sent_again(
    smtp_settings, coordinator, person, case, employer_org, employer_user, unit
):
    employer_user.email = "hanna@testbygg.se"
    employer_user.save()
    consent_meetings(coordinator, person, employer_org)
    meeting = book(coordinator, case, [f"u:{employer_user.pk}"], kind=MeetingKind.FLERPART)
    row = MeetingEmail.objects.get(meeting=meeting)

    run_jobs(queue_names=["email"], include_delayed=True)  # every attempt finds no server

    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.FAILED, "builtins.ConnectionRefusedError")
    job = DBTaskResult.objects.get(args_kwargs__args=[str(row.pk)])
    assert job.status == TaskResultStatus.FAILED
    assert len(job.worker_ids) == deliver_meeting_email.max_attempts

    admin = verified_client(MembershipFactory(organisation=unit, role=Role.ADMIN).user)
    page = admin.get(reverse("core:jobs")).content.decode()
    assert '<dd id="notifications-failed">1</dd>' in page
    with smtp_server() as (port, received):
        send_through(smtp_settings, port)
        admin.post(reverse("core:resend_emails"))
        assert run_jobs(queue_names=["email"]) == 1
        assert run_jobs(queue_names=["email"], include_delayed=True) == 0
    assert [to for to, _ in received.messages] == [["hanna@testbygg.se"]]
    [(_, message)] = received.messages
    ics = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.uid
    row.refresh_from_db()
    assert row.status == Status.SENT


def test_a_server_that_refuses_the_last_attempt_leaves_it_failed(
    smtp_settings, coordinator, person, case, employer_org, employer_user
):
    """The server answers but refuses every message (a full mailbox, a policy): each
    attempt puts the row back to pending, the last one leaves it failed."""
    employer_user.email = "hanna@testbygg.se"
    employer_user.save()
    consent_meetings(coordinator, person, employer_org)
    with smtp_server() as (port, received):
        received.refuse = True
        send_through(smtp_settings, port)
        book(coordinator, case, [f"u:{employer_user.pk}"], kind=MeetingKind.FLERPART)
        assert run_jobs(queue_names=["email"]) == 1
        row = MeetingEmail.objects.get()
        assert row.status == Status.PENDING  # to be tried again
        run_jobs(queue_names=["email"], include_delayed=True)
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.last_error.startswith("smtplib.")
    assert received.messages == []

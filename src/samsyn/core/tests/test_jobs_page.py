"""The administrator's job queue page ("Drift → Jobb i kön"), and a message posted while the
mail server never answers: the request answers at once, the delivery waits for a retry."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import verified_client
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.models import Message
from samsyn.collaboration.services import messages as message_services
from samsyn.collaboration.tests.conftest import give_consent
from samsyn.core.models import OutboundEmail
from samsyn.core.notify import notify
from samsyn.core.testing import flaky, run_jobs
from samsyn.core.tests.mailservers import send_through, silent_server
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
JOBS = reverse("core:jobs")


@pytest.fixture
def admin_client(unit):
    return verified_client(MembershipFactory(organisation=unit, role=Role.ADMIN).user)


def test_the_admin_sees_failed_and_waiting_jobs_without_their_arguments(admin_client):
    flaky.enqueue("19121212-1212 page", 10)  # ends FAILED after 3 attempts
    flaky.enqueue("Maja Samverkansson", 10)  # fails once, waits for its retry
    run_jobs()
    first = DBTaskResult.objects.order_by("enqueued_at").first()
    DBTaskResult.objects.filter(pk=first.pk).update(run_after=timezone.now())
    run_jobs()
    DBTaskResult.objects.filter(pk=first.pk).update(run_after=timezone.now())
    run_jobs()
    page = admin_client.get(JOBS).content.decode()
    assert '<dd id="count-failed">1</dd>' in page
    assert '<dd id="count-retrying">1</dd>' in page
    failed = page.split('id="failed-heading"', 1)[1].split('id="waiting-heading"', 1)[0]
    assert "samsyn.core.testing.flaky" in failed
    assert "3 / 3" in failed
    assert "ConnectionError" in failed
    waiting = page.split('id="waiting-heading"', 1)[1]
    assert "Väntar på nytt försök" in waiting
    assert "1 / 3" in waiting
    for personal in ("19121212", "Maja", "Samverkansson", "attempt 1 fails"):
        assert personal not in page


def test_the_page_says_when_nothing_failed_and_counts_notifications(admin_client, coordinator):
    coordinator.email = "anna@vc.example"
    coordinator.save(update_fields=["email"])
    notify(users=[coordinator], path="/x/")
    OutboundEmail.objects.update(status=OutboundEmail.Status.UNCONFIRMED)
    page = admin_client.get(JOBS).content.decode()
    assert "Inga misslyckade jobb." in page
    assert '<dd id="notifications-unconfirmed">1</dd>' in page


def test_the_page_reads_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    admin_client.get(JOBS)
    for n in range(5):
        flaky.enqueue(f"many {n}", 10)
    run_jobs()
    # session, user, memberships (middleware) + counts, retrying, failed, waiting, and one
    # per e-mail outbox (notifications, meeting e-mails)
    with django_assert_max_num_queries(13) as queries:
        admin_client.get(JOBS)
    few = len(queries)
    for n in range(20):
        flaky.enqueue(f"more {n}", 10)
    run_jobs()
    with django_assert_max_num_queries(few):
        assert admin_client.get(JOBS).status_code == 200


@pytest.mark.parametrize("who", ["coordinator", "unit_manager", "physician", "employer_user"])
def test_no_one_else_reaches_the_page(request, who):
    client = verified_client(request.getfixturevalue(who))
    assert client.get(JOBS).status_code == 403


def test_a_message_posted_while_the_mail_server_never_answers_answers_at_once(
    settings, unit, coordinator, employer_org, employer_user
):
    coordinator.email = "anna@vc.example"
    coordinator.save(update_fields=["email"])
    person = PersonFactory(care_unit=unit)
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    give_consent(coordinator, person, employer_org, ["messages"])
    thread = message_services.start_thread(
        actor=actor_for(coordinator),
        case=case,
        party=employer_org,
        subject="Anpassningar",
        body="Kan vi prata om anpassningar?",
    )
    run_jobs()
    with silent_server() as port:
        send_through(settings, port, timeout=1)
        client = verified_client(employer_user)
        started = time.monotonic()
        response = client.post(
            reverse("collaboration:thread", args=[thread.pk]), {"body": "Vi ordnar det."}
        )
        answered = time.monotonic() - started
        assert response.status_code == 302
        assert answered < 1.0  # the mail server was not asked
        assert Message.objects.filter(author=employer_user).exists()
        row = OutboundEmail.objects.get(recipient=coordinator)
        assert row.status == OutboundEmail.Status.PENDING
        # The worker meets the silent server: it gives up after the timeout and retries.
        assert run_jobs() == 1
    job = DBTaskResult.objects.get(args_kwargs__args=[str(row.pk)])
    assert job.status == TaskResultStatus.READY
    assert job.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert job.run_after > timezone.now()
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING

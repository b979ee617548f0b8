"""Notification e-mails as jobs (core/notify), delivered to a real local SMTP server."""

import os
import subprocess
import sys
import time

import pytest
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from samsyn.accounts.tests.factories import UserFactory
from samsyn.core.models import OutboundEmail
from samsyn.core.notify import deliver_notification, message_id, notify
from samsyn.core.testing import make_due, run_jobs
from samsyn.core.tests.mailservers import send_through, silent_server, smtp_server

pytestmark = pytest.mark.django_db
Status = OutboundEmail.Status


@pytest.fixture
def smtp(settings):
    with smtp_server() as (port, received):
        send_through(settings, port)
        yield received


@pytest.fixture
def silent(settings):
    with silent_server() as port:
        send_through(settings, port, timeout=1)
        yield port


@pytest.fixture
def users(db):
    return [
        UserFactory(first_name="Anna", last_name="Andersson", email="anna@vc.example"),
        UserFactory(first_name="Bo", last_name="Berg", email="bo@vc.example"),
        UserFactory(first_name="Utan", email=""),
    ]


def test_notify_queues_one_delivery_per_recipient_and_sends_nothing_itself(smtp, users):
    assert notify(users=users, path="/meddelanden/abc/", key="message:1") == 2
    assert smtp.messages == []
    rows = OutboundEmail.objects.order_by("key")
    assert [(r.recipient.email, r.status) for r in rows] == [
        ("anna@vc.example", Status.PENDING),
        ("bo@vc.example", Status.PENDING),
    ]
    jobs = DBTaskResult.objects.filter(queue_name="email")
    assert {j.args_kwargs["args"][0] for j in jobs} == {str(r.pk) for r in rows}
    assert "anna" not in str([j.args_kwargs for j in jobs])  # ids only in the queue


def test_the_worker_delivers_each_once_with_nothing_personal(smtp, users):
    notify(users=users, path="/meddelanden/abc/", key="message:2")
    assert run_jobs() == 2
    assert sorted(to for to, _ in smtp.messages) == [["anna@vc.example"], ["bo@vc.example"]]
    for to, message in smtp.messages:
        text = message["Subject"] + message.get_payload()
        assert "Du har ett nytt meddelande i Samsyn" in text
        assert "http://127.0.0.1:8000/meddelanden/abc/" in text
        for personal in ("Anna", "Andersson", "Bo", "Berg"):
            assert personal not in text
        row = OutboundEmail.objects.get(recipient__email=to[0])
        assert message["Message-ID"] == message_id(row.key)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {Status.SENT}
    assert run_jobs(include_delayed=True) == 0
    assert len(smtp.messages) == 2


def notify_in_a_failing_change(users) -> None:
    with transaction.atomic():
        notify(users=users, path="/x/")
        raise RuntimeError("the message was not saved")


def test_a_rolled_back_change_queues_no_mail(smtp, users):
    with pytest.raises(RuntimeError):
        notify_in_a_failing_change(users)
    assert not OutboundEmail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_same_key_queues_once(smtp, users):
    assert notify(users=users[:1], path="/x/", key="consent:7") == 1
    assert notify(users=users, path="/x/", key="consent:7") == 1  # only Bo is new
    run_jobs()
    assert len(smtp.messages) == 2


def test_a_server_that_never_answers_times_out_and_the_delivery_retries(
    silent, smtp, settings, users
):
    settings.EMAIL_PORT = silent
    notify(users=users[:1], path="/x/", key="silent:1")
    started = time.monotonic()
    assert run_jobs() == 1
    assert time.monotonic() - started < 5  # the timeout (1 s), not forever
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY  # waits for its retry
    assert job.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert "timed out" in job.traceback
    assert OutboundEmail.objects.get().status == Status.PENDING  # nothing claimed
    # The mail server is back: the retry delivers it, once.
    settings.EMAIL_PORT = smtp.port
    assert run_jobs(include_delayed=True) == 1
    assert [to for to, _ in smtp.messages] == [["anna@vc.example"]]
    assert OutboundEmail.objects.get().status == Status.SENT


def test_a_refusing_server_is_retried_then_failed_visibly(smtp, users):
    smtp.refuse = True
    notify(users=users[:1], path="/x/", key="refused:1")
    assert run_jobs() == 1
    row = OutboundEmail.objects.get()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.last_error == "smtplib.SMTPRecipientsRefused"
    assert run_jobs(include_delayed=True) == deliver_notification.max_attempts - 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, deliver_notification.max_attempts)
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert smtp.messages == []


def test_a_delivery_found_half_done_is_not_sent_again(smtp, users):
    """An earlier attempt's worker died after claiming (possibly after sending)."""
    notify(users=users[:1], path="/x/", key="died:1")
    OutboundEmail.objects.update(status=Status.SENDING, attempts=1)
    assert run_jobs() == 1
    assert smtp.messages == []
    assert OutboundEmail.objects.get().status == Status.UNCONFIRMED
    assert DBTaskResult.objects.get().return_value == Status.UNCONFIRMED


def test_a_deleted_user_gets_nothing(smtp, users):
    notify(users=users[:1], path="/x/")
    users[0].delete()
    assert run_jobs() == 1
    assert smtp.messages == []
    assert make_due() == 0


def test_the_worker_logs_in_with_the_configured_user_and_password(settings, users):
    with smtp_server(login=("samsyn", "hemligt-losen-2026")) as (port, received):
        send_through(settings, port)
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "samsyn", "fel"
        notify(users=users[:1], path="/x/", key="auth:1")
        run_jobs()
        assert received.messages == []
        assert OutboundEmail.objects.get().status == Status.PENDING  # refused at login
        settings.EMAIL_HOST_PASSWORD = "hemligt-losen-2026"
        run_jobs(include_delayed=True)
        assert received.logins == ["samsyn", "samsyn"]
        assert [to for to, _ in received.messages] == [["anna@vc.example"]]


SHOW_EMAIL_SETTINGS = """
import django
django.setup()
from django.conf import settings as s
print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER,
      s.EMAIL_HOST_PASSWORD, s.EMAIL_TIMEOUT)
"""


def email_settings(tmp_path, **env) -> list[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SAMSYN_EMAIL")},
        "DJANGO_SETTINGS_MODULE": "samsyn.settings",
        "SAMSYN_VAR_DIR": str(tmp_path),
        **env,
    }
    done = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", SHOW_EMAIL_SETTINGS],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_smtp_settings_come_from_the_environment_and_the_password_from_a_file(tmp_path):
    password = tmp_path / "smtp-password"
    password.write_text("från-filen\n", encoding="utf-8")
    assert email_settings(
        tmp_path,
        SAMSYN_EMAIL_HOST="smtp.region.example",
        SAMSYN_EMAIL_PORT="587",
        SAMSYN_EMAIL_USE_TLS="1",
        SAMSYN_EMAIL_USER="samsyn",
        SAMSYN_EMAIL_PASSWORD_FILE=str(password),
    ) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.region.example",
        "587",
        "True",
        "samsyn",
        "från-filen",
        "10",
    ]
    without_host = email_settings(tmp_path)
    assert without_host[0] == "django.core.mail.backends.console.EmailBackend"

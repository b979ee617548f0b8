"""Notification e-mails, sent by the worker: they say only that something new is waiting.

Never a name, a personnummer or any content (DESIGN §7); the link is an opaque path
behind the login. `notify` writes one outbox row per recipient (`OutboundEmail`, keyed for
deduplication) and enqueues its delivery job in the caller's transaction: a change that
rolls back sends nothing, and the request never waits for a mail server (ADR 011).

Delivery (`deliver_notification`), so that a message goes out once:
1. connect and log in to the mail server (a server that never answers times out after
   `SAMSYN_EMAIL_TIMEOUT` seconds here, with nothing claimed: the job retries);
2. claim the row, `pending` → `sending`, in its own committed transaction;
3. hand over the message, with a Message-ID derived from the key (the same on every try);
4. record it `sent`.
A failure in 3 that the server reports puts the row back to `pending` for the next
attempt. A worker that dies between 2 and 4 leaves `sending`: the next attempt (after the
job's lease) marks it `unconfirmed` and does not send it again — at most once in that
window, which is one SMTP transaction long.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import TaskContext

from samsyn.core.jobs import exponential_backoff, job
from samsyn.core.jobs.worker import exception_path
from samsyn.core.models import OutboundEmail

SUBJECT = gettext_noop("Nytt i Samsyn")
BODY = gettext_noop("Du har ett nytt meddelande i Samsyn")
Status = OutboundEmail.Status


def notification_text(path: str) -> tuple[str, str]:
    """Subject and body of a notification e-mail. Always Swedish: the recipient's
    language is not known here, and the text carries nothing personal."""
    link = settings.SAMSYN_BASE_URL.rstrip("/") + path
    return SUBJECT, f"{BODY}.\n\n{link}\n"


def message_id(key: str) -> str:
    """The same Message-ID for every attempt of one notification (receivers may deduplicate)."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "samsyn.local"
    return f"<{digest}@{domain}>"


def notify(*, users: Iterable, path: str, key: str | None = None) -> int:
    """Queue a notification to each user with an address; returns how many were queued.

    Call it inside the transaction of the change it announces. `key` names the event (e.g.
    `f"message:{message.pk}"`): calling again with the same key and user queues nothing."""
    event = key or uuid.uuid4().hex
    recipients = {u.pk: u for u in users if getattr(u, "email", "")}
    if not recipients:
        return 0
    keys = {f"{event}:{pk}": pk for pk in recipients}
    with transaction.atomic():
        known = set(OutboundEmail.objects.filter(key__in=keys).values_list("key", flat=True))
        rows = OutboundEmail.objects.bulk_create(
            OutboundEmail(key=k, recipient_id=pk, path=path)
            for k, pk in sorted(keys.items())
            if k not in known
        )
        for row in rows:
            deliver_notification.enqueue(str(row.pk))
    return len(rows)


def _email_lease() -> float:
    return float(settings.SAMSYN_EMAIL_LEASE_SECONDS)


def _set(model, pk, status: str, *, only_if: tuple[str, ...], **fields) -> int:
    with transaction.atomic():
        return model.objects.filter(pk=pk, status__in=only_if).update(status=status, **fields)


def _name(exc: BaseException) -> str:
    return exception_path(exc)[:200]


def already_settled(model, row) -> str:
    """For an outbox row (`core.models.outbox_models`) a delivery job found: the status to
    return without sending, or "". A row an earlier attempt left `sending` (its worker
    died between sending and recording) becomes `unconfirmed` and is not sent again: at
    most once (ADR 011); a row no longer pending is left as it is."""
    if row.status == model.Status.SENDING:
        _set(model, row.pk, model.Status.UNCONFIRMED, only_if=(model.Status.SENDING,))
        return model.Status.UNCONFIRMED
    return "" if row.status == model.Status.PENDING else row.status


def send_once(model, pk, message: EmailMessage, *, last: bool, **claim) -> str:
    """Hand one outbox row's message to the mail server at most once (ADR 011), for the
    delivery jobs of every outbox: connect, start TLS and log in before claiming (a server
    that cannot be reached claims nothing); claim the row pending → sending in its own
    committed transaction (`claim`: more fields to set then); send; mark it sent. A
    server that refuses, or a line that breaks, puts it back to pending to be tried again,
    or leaves it failed on the `last` attempt, with the error's class. Returns the row's
    status; raises what the server raised, for the queue's retry."""
    status = model.Status
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:
        if last:
            _set(model, pk, status.FAILED, only_if=(status.PENDING,), last_error=_name(exc))
        raise
    try:
        if not _set(model, pk, status.SENDING, only_if=(status.PENDING,), **claim):
            return model.objects.get(pk=pk).status
        try:
            connection.send_messages([message])
        except Exception as exc:
            # The server refused or the line broke: taken as not delivered, tried again.
            again = status.FAILED if last else status.PENDING
            _set(model, pk, again, only_if=(status.SENDING,), last_error=_name(exc))
            raise
        _pause_for_test()
        sent = (status.SENDING, status.UNCONFIRMED)
        _set(model, pk, status.SENT, only_if=sent, sent_at=timezone.now())
        return status.SENT
    finally:
        connection.close()


def _pause_for_test() -> None:
    """The worker-killed test's window between sending and recording (a setting, off)."""
    pause = settings.SAMSYN_EMAIL_PAUSE_FILE
    if not pause:
        return
    marker = Path(pause)
    marker.write_text("sent\n", encoding="utf-8")
    deadline = time.monotonic() + 60
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


@job(
    queue_name="email",
    max_attempts=settings.SAMSYN_EMAIL_MAX_ATTEMPTS,
    backoff=exponential_backoff(base=settings.SAMSYN_EMAIL_RETRY_SECONDS, cap=3600),
    lease=_email_lease,
    takes_context=True,
)
def deliver_notification(context: TaskContext, outbox_id: str) -> str:
    """Send one outbox row's e-mail once; returns the row's final status."""
    row = OutboundEmail.objects.select_related("recipient").filter(pk=outbox_id).first()
    if row is None:
        return "gone"  # the recipient's account was removed
    if not row.recipient.email:  # the address was removed after the notification was made
        _set(
            OutboundEmail, row.pk, Status.FAILED, only_if=(Status.PENDING,), last_error="no address"
        )
        return Status.FAILED
    settled = already_settled(OutboundEmail, row)
    if settled:
        return settled
    subject, body = notification_text(row.path)
    message = EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [row.recipient.email],
        headers={"Message-ID": message_id(row.key)},
    )
    last = context.attempt >= deliver_notification.max_attempts
    return send_once(
        OutboundEmail,
        row.pk,
        message,
        last=last,
        claimed_at=timezone.now(),
        attempts=F("attempts") + 1,
    )

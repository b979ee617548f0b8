"""The invitation, move and cancellation e-mails, each with its .ics, sent by the worker.

Written as `MeetingEmail` rows in the transaction of the change, with the job that sends
each (queue "email", the same retries and once-only claiming as `core.notify`, ADR 011).
The text is fixed and names nobody; the link is an opaque path behind the login.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext_noop
from django_tasks import TaskContext

from samsyn.core.jobs import exponential_backoff, job
from samsyn.core.notify import already_settled, message_id, send_once
from samsyn.meetings.content import EmailMethod
from samsyn.meetings.models import MeetingEmail

SUBJECTS = {
    EmailMethod.REQUEST: gettext_noop("Inbjudan till möte i Samsyn"),
    EmailMethod.MOVE: gettext_noop("Ny tid för ett möte i Samsyn"),
    EmailMethod.CANCEL: gettext_noop("Ett möte i Samsyn är inställt"),
}
BODIES = {
    EmailMethod.REQUEST: gettext_noop(
        "Du är inbjuden till ett möte. Logga in i Samsyn för att läsa syftet och svara."
    ),
    EmailMethod.MOVE: gettext_noop(
        "Ett möte du är inbjuden till har fått en ny tid. Logga in i Samsyn för att läsa "
        "varför och svara."
    ),
    EmailMethod.CANCEL: gettext_noop(
        "Ett möte du var inbjuden till är inställt. Logga in i Samsyn för att läsa varför."
    ),
}


def email_text(method: str, path: str) -> tuple[str, str]:
    """Subject and body: always Swedish and never anything personal."""
    link = settings.SAMSYN_BASE_URL.rstrip("/") + path
    return SUBJECTS[method], f"{BODIES[method]}\n\n{link}\n"


def queue_email(*, meeting, address: str, method: str, ics: bytes, key: str) -> MeetingEmail | None:
    """One e-mail row and its delivery job (inside the caller's transaction); None when
    this key was already queued."""
    if not address or MeetingEmail.objects.filter(key=key).exists():
        return None
    row = MeetingEmail.objects.create(
        key=key,
        meeting=meeting,
        address=address,
        method=method,
        sequence=meeting.sequence,
        ics=ics.decode(),
    )
    deliver_meeting_email.enqueue(str(row.pk))
    return row


@job(
    queue_name="email",
    max_attempts=settings.SAMSYN_EMAIL_MAX_ATTEMPTS,
    backoff=exponential_backoff(base=settings.SAMSYN_EMAIL_RETRY_SECONDS, cap=3600),
    lease=lambda: float(settings.SAMSYN_EMAIL_LEASE_SECONDS),
    takes_context=True,
)
def deliver_meeting_email(context: TaskContext, email_id: str) -> str:
    """Send one meeting e-mail once; returns its final status. The last attempt that
    cannot send it leaves it `failed`, counted on the operations page, which sends failed
    e-mails again (`core.services.resend_failed_emails`)."""
    row = MeetingEmail.objects.filter(pk=email_id).first()
    if row is None:
        return "gone"
    settled = already_settled(MeetingEmail, row)
    if settled:
        return settled
    subject, body = email_text(row.method, f"/moten/{row.meeting_id}/")
    message = EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [row.address],
        headers={"Message-ID": message_id(row.key)},
    )
    method = "CANCEL" if row.method == EmailMethod.CANCEL else "REQUEST"
    message.attach("mote.ics", row.ics, f"text/calendar; method={method}; charset=utf-8")
    last = context.attempt >= deliver_meeting_email.max_attempts
    return send_once(MeetingEmail, row.pk, message, last=last)

"""Demo: two notification e-mails that failed while the mail server was down, for the
administrator's page "Jobb i kön" (`/drift/jobb/`), where they can be sent again.

Two of the demo's own notifications (made by the collaboration services) are recorded as
their delivery's last attempt would record them when the server never answered: failed,
with the error's class. Running the demo again adds none while some are failed.
"""

from __future__ import annotations

from samsyn.core.models import OutboundEmail

OUTAGE_ERROR = "smtplib.SMTPServerDisconnected"
FAILED = 2


def build_mail_outage() -> int:
    """Mark two pending notifications failed; returns how many were marked."""
    if OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).exists():
        return 0
    pending = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
    ids = list(pending.order_by("created_at", "key").values_list("pk", flat=True)[:FAILED])
    return OutboundEmail.objects.filter(pk__in=ids).update(
        status=OutboundEmail.Status.FAILED, last_error=OUTAGE_ERROR
    )

"""Shared model bases, and the outbox of notification e-mails."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """UUID primary key (ids in URLs are not guessable) and timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboundEmail(BaseModel):
    """One notification e-mail to one user, keyed for deduplication (ADR 011, `core/notify`).

    Written in the transaction of the change that causes it, with the job that delivers it.
    The delivery claims the row (`sending`) in its own committed transaction before the
    message goes out and marks it `sent` after, so a later attempt never sends it again; a
    row found `sending` by a later attempt (its worker died in between) becomes
    `unconfirmed` instead of being sent twice. Holds no content: the text is fixed and the
    link is an opaque path."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickat")
        UNCONFIRMED = "unconfirmed", _("Okänt om det kom fram")
        FAILED = "failed", _("Misslyckades")

    #: The job that delivers a row (an e-mail outbox names it: `outbox_models`).
    delivery_job = "samsyn.core.notify.deliver_notification"

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="core_outbox_status_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


def outbox_models() -> list[type[models.Model]]:
    """Every e-mail outbox: a model that names the job delivering its rows in
    `delivery_job` and has the statuses pending, sending, sent, unconfirmed and failed
    (`OutboundEmail`, `meetings.MeetingEmail`). The operations page counts them, the
    administrator sends their failed rows again, the pruning removes their old rows."""
    from django.apps import apps

    return [m for m in apps.get_models() if isinstance(getattr(m, "delivery_job", None), str)]

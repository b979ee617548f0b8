"""Notification e-mails: they say only that something new is waiting, with a link.

Never a name, a personnummer or any content (DESIGN §7); the link is an opaque path
behind the login. Sent after the surrounding transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext_noop

SUBJECT = gettext_noop("Nytt i Samsyn")
BODY = gettext_noop("Du har ett nytt meddelande i Samsyn")


def notification_text(path: str) -> tuple[str, str]:
    """Subject and body of a notification e-mail. Always Swedish: the recipient's
    language is not known here, and the text carries nothing personal."""
    link = settings.SAMSYN_BASE_URL.rstrip("/") + path
    return SUBJECT, f"{BODY}.\n\n{link}\n"


def notify(*, users: Iterable, path: str) -> int:
    """E-mail each user with an address; returns how many will be sent."""
    addresses = sorted({u.email for u in users if getattr(u, "email", "")})
    if not addresses:
        return 0
    subject, body = notification_text(path)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(addresses)

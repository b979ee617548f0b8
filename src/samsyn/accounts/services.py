"""Login, second factor, lockout and membership switching."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext_noop
from django_otp import match_token

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import LoginThrottle, User
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground


class LoginError(Exception):
    """Login refused; the message is safe to show (it never says whether a user exists)."""


LOCKED_MESSAGE = gettext_noop(
    "För många misslyckade försök. Kontot är låst en stund; försök igen senare."
)
BAD_CREDENTIALS = gettext_noop("Fel användarnamn eller lösenord.")
BAD_TOKEN = gettext_noop("Koden stämmer inte. Försök igen.")  # noqa: S105 - a message


@dataclass(frozen=True)
class PasswordResult:
    user: User
    needs_second_factor: bool


def _throttle(username: str) -> LoginThrottle:
    throttle, _ = LoginThrottle.objects.get_or_create(username=username.lower()[:150])
    return throttle


def _fail(throttle: LoginThrottle, message: str) -> LoginError:
    throttle.register_failure(
        max_attempts=settings.SAMSYN_LOCKOUT_ATTEMPTS,
        lock_minutes=settings.SAMSYN_LOCKOUT_MINUTES,
    )
    if throttle.is_locked():
        return LoginError(LOCKED_MESSAGE)
    return LoginError(message)


def check_password(*, request, username: str, password: str) -> PasswordResult:
    """First step: password. Raises LoginError; counts failures towards lockout."""
    throttle = _throttle(username)
    if throttle.is_locked():
        raise LoginError(LOCKED_MESSAGE)
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise _fail(throttle, BAD_CREDENTIALS)
    return PasswordResult(user=user, needs_second_factor=user.requires_second_factor())


def check_second_factor(*, user: User, token: str):
    """Second step: a TOTP code or a backup code. Returns the matching device."""
    throttle = _throttle(user.username)
    if throttle.is_locked():
        raise LoginError(LOCKED_MESSAGE)
    device = match_token(user, token)
    if device is None:
        raise _fail(throttle, BAD_TOKEN)
    return device


def record_login(*, actor: Actor) -> None:
    """Reset the failure count and write the login event."""
    with transaction.atomic():
        LoginThrottle.objects.filter(username=actor.user.username.lower()).update(
            failures=0, locked_until=None
        )
        auditor.record(actor=actor, action=Action.LOGIN, ground=Ground.AUTHENTICATION)


def record_logout(*, actor: Actor) -> None:
    auditor.record(actor=actor, action=Action.LOGOUT, ground=Ground.AUTHENTICATION)

"""Login, second factor, throttling, unlocking and membership switching.

Throttling (`accounts.lockout`, ADR 010): every attempt first locks the rows of its keys,
counts their failures in the window and, unless a key is locked, writes one failure per
key (a reservation) in a short transaction of its own. Only then is the password or code
checked (about 0.3 s for a password), and a right one removes its reservation. Parallel
attempts therefore queue on the key's row only for the count, and each that gets through
has already been counted: no more than the limit can ever be checked.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_otp import match_token

from samsyn.accounts import lockout, selectors
from samsyn.accounts.actor import Actor
from samsyn.accounts.lockout import Rule, Scope
from samsyn.accounts.models import LoginFailure, LoginThrottle, User
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType


class LoginError(Exception):
    """Login refused; the message is safe to show (it never says whether a user exists)."""


LOCKED_MESSAGE = gettext_noop(
    "För många misslyckade försök. Kontot är låst en stund; försök igen senare."
)
BAD_CREDENTIALS = gettext_noop("Fel användarnamn eller lösenord.")
BAD_TOKEN = gettext_noop("Koden stämmer inte. Försök igen.")  # noqa: S105 - a message
# The system job that throttled-login events are recorded under: the attempt has no
# authenticated user (and naming the account's owner as the actor would blame the victim).
LOGIN_JOB = "login"


@dataclass(frozen=True)
class PasswordResult:
    user: User
    needs_second_factor: bool


@dataclass(frozen=True)
class _Key:
    rule: Rule
    key: str


@dataclass(frozen=True)
class _Reservation:
    attempt: uuid.UUID | None  # None: refused, nothing was reserved
    at_limit: bool  # this attempt's failure would lock one of its keys


def client_address(request) -> str:
    """The throttle key of the request's client (`lockout.client_address`)."""
    return lockout.client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.SAMSYN_TRUSTED_PROXIES,
    )


def _report_refusal(
    throttle: LoginThrottle,
    key: _Key,
    *,
    now: datetime,
    step: str,
    user_id,
    address: str,
    request_id: str,
) -> None:
    """One access-log event per key and window: a locked key refuses every further attempt,
    and logging each of them would let an attacker flood the log."""
    if throttle.reported_at is not None and throttle.reported_at > key.rule.window_start(now):
        return
    auditor.record(
        actor=Actor(system_job=LOGIN_JOB, request_id=request_id),
        action=Action.DENIED,
        ground=Ground.NONE,
        object_type=ObjectType.LOGIN,
        object_id=user_id or "",
        extra={
            "rule": f"login_throttle_{key.rule.scope}",
            "step": step,
            "limit": key.rule.attempts,
            "window_minutes": int(key.rule.window.total_seconds() // 60),
            "address": address,
        },
    )
    throttle.reported_at = now
    throttle.save(update_fields=["reported_at"])


def _reserve(keys: list[_Key], *, step: str, user_id, address: str, request_id: str):
    """Count the keys' failures in the window under their rows' locks and, unless one is
    locked, reserve a failure on each for this attempt (see the module's docstring)."""
    keys = sorted(keys, key=lambda k: (k.rule.scope, k.key))  # one lock order: no deadlock
    with transaction.atomic():
        LoginThrottle.objects.bulk_create(
            [LoginThrottle(scope=k.rule.scope, key=k.key) for k in keys], ignore_conflicts=True
        )
        where = Q()
        for k in keys:
            where |= Q(scope=k.rule.scope, key=k.key)
        locked_rows = LoginThrottle.objects.select_for_update().filter(where)
        rows = {(r.scope, r.key): r for r in locked_rows.order_by("scope", "key")}
        throttles = [rows[k.rule.scope, k.key] for k in keys]
        now = timezone.now()  # once the locks are held: after any attempt that went before
        oldest = min(k.rule.window_start(now) for k in keys)
        LoginFailure.objects.filter(throttle__in=throttles, at__lte=oldest).delete()
        times = defaultdict(list)
        for throttle_id, at in LoginFailure.objects.filter(throttle__in=throttles).values_list(
            "throttle_id", "at"
        ):
            times[throttle_id].append(at)
        counts = [
            lockout.failures_in_window(times[t.pk], k.rule, now)
            for k, t in zip(keys, throttles, strict=True)
        ]
        for k, throttle, count in zip(keys, throttles, counts, strict=True):
            if k.rule.locked(count):
                _report_refusal(
                    throttle,
                    k,
                    now=now,
                    step=step,
                    user_id=user_id,
                    address=address,
                    request_id=request_id,
                )
                return _Reservation(attempt=None, at_limit=True)
        attempt = uuid.uuid4()
        LoginFailure.objects.bulk_create(
            [LoginFailure(throttle=t, at=now, attempt=attempt) for t in throttles]
        )
    at_limit = any(k.rule.locked(c + 1) for k, c in zip(keys, counts, strict=True))
    return _Reservation(attempt=attempt, at_limit=at_limit)


def _release(attempt: uuid.UUID) -> None:
    """The attempt was right: its reserved failures were none."""
    LoginFailure.objects.filter(attempt=attempt).delete()


def check_password(
    *, username: str, password: str, address: str, request_id: str = "", request=None
) -> PasswordResult:
    """First step: password. Raises LoginError with the same message for a wrong password
    and a name without an account (whose password is hashed all the same, by Django's
    ModelBackend, so both take as long); counts the attempt before checking it."""
    known = selectors.user_named(username=username)
    password_only = known is None or not known.requires_second_factor()
    reservation = _reserve(
        [
            _Key(
                lockout.username_rule(password_only=password_only), lockout.username_key(username)
            ),
            _Key(lockout.address_rule(), address),
        ],
        step="password",
        user_id=known.pk if known is not None else "",
        address=address,
        request_id=request_id,
    )
    if reservation.attempt is None:
        raise LoginError(LOCKED_MESSAGE)
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise LoginError(LOCKED_MESSAGE if reservation.at_limit else BAD_CREDENTIALS)
    _release(reservation.attempt)
    return PasswordResult(user=user, needs_second_factor=user.requires_second_factor())


def check_second_factor(*, user: User, token: str, address: str, request_id: str = ""):
    """Second step: a TOTP code or a backup code. Returns the matching device; counted per
    user and per client address like the password, and a wrong code is logged."""
    reservation = _reserve(
        [_Key(lockout.second_factor_rule(), str(user.pk)), _Key(lockout.address_rule(), address)],
        step="second_factor",
        user_id=user.pk,
        address=address,
        request_id=request_id,
    )
    if reservation.attempt is None:
        raise LoginError(LOCKED_MESSAGE)
    device = match_token(user, token)
    if device is None:
        auditor.record(
            actor=Actor(user=user, request_id=request_id),
            action=Action.LOGIN_FAILED,
            ground=Ground.AUTHENTICATION,
            object_type=ObjectType.LOGIN,
            object_id=user.pk,
            extra={"rule": "second_factor_wrong", "step": "second_factor", "address": address},
        )
        raise LoginError(LOCKED_MESSAGE if reservation.at_limit else BAD_TOKEN)
    _release(reservation.attempt)
    return device


def record_login(*, actor: Actor) -> None:
    """Write the login event. Earlier failures stay in the window (ADR 010)."""
    auditor.record(actor=actor, action=Action.LOGIN, ground=Ground.AUTHENTICATION)


def record_logout(*, actor: Actor) -> None:
    auditor.record(actor=actor, action=Action.LOGOUT, ground=Ground.AUTHENTICATION)


def unlock_login(*, actor: Actor, user: User) -> int:
    """Remove the failures that lock `user`'s name and second factor, and log the unlock.

    The unit manager unlocks the users of their unit (and its sub-units), an administrator
    anyone; nobody their own login. Returns how many failures were removed. A client
    address's lock is not lifted: it expires with its window.
    """
    if not selectors.unlockable_users(actor=actor).filter(pk=user.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        keys = Q(scope=Scope.USERNAME, key=lockout.username_key(user.username)) | Q(
            scope=Scope.SECOND_FACTOR, key=str(user.pk)
        )
        throttles = list(
            LoginThrottle.objects.select_for_update().filter(keys).order_by("scope", "key")
        )
        removed, _ = LoginFailure.objects.filter(throttle__in=throttles).delete()
        LoginThrottle.objects.filter(pk__in=[t.pk for t in throttles]).update(reported_at=None)
        auditor.record(
            actor=actor,
            action=Action.UPDATE,
            ground=Ground.ADMINISTRATION,
            object_type=ObjectType.LOGIN,
            object_id=user.pk,
            extra={"change": "unlock", "failures_removed": removed},
        )
    return removed

"""Every denial on record, without letting an attacker flood the log.

The access module logs the denials it decides (a consent that does not cover, care staff
of another unit) and raises `Denied`, a 404 that says "already on record".
`core.middleware.DenialLogMiddleware` logs every other 403 and 404 a view raises (a role
refusal, an object outside the user's reach or not there at all) with the rule that
refused. Both ask `may_record_denial` first: at most `SAMSYN_DENIALS_PER_MINUTE` denial
events per user and minute are written one by one; past that, one `denials_suppressed`
event marks the minute, and the rest are only counted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType

DEFAULT_PER_MINUTE = 30


class Denied(Http404):
    """A 404 whose denial the access module has already written into the access log."""


def _limit() -> int:
    return int(getattr(settings, "SAMSYN_DENIALS_PER_MINUTE", DEFAULT_PER_MINUTE))


def may_record_denial(actor: Actor) -> bool:
    """Count this denial for the actor's current minute; True while under the limit.

    The first denial past the limit writes one `denials_suppressed` event for the minute.
    """
    who = actor.user.pk if actor.user is not None else actor.system_job
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = f"samsyn:denials:{who}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count == _limit() + 1:
        auditor.record(
            actor=actor,
            action=Action.DENIED,
            ground=Ground.NONE,
            object_type=ObjectType.NONE,
            extra={"rule": "denials_suppressed", "minute": minute, "limit": _limit()},
        )
    return count <= _limit()


def record_denial(
    *, actor: Actor, rule: str, object_type: str, object_id="", person_id=None, extra=None
) -> None:
    """Log a refusal the policy did not decide (a role, a scope, an object not found)."""
    if actor.user is None and not actor.system_job:
        return  # an anonymous visitor is sent to the login page, not refused
    if not may_record_denial(actor):
        return
    auditor.record(
        actor=actor,
        action=Action.DENIED,
        ground=Ground.NONE,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        extra={"rule": rule, **(extra or {})},
    )

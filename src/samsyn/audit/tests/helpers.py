"""Events, the command as a user runs it, and what an attacker with a database login does."""

from __future__ import annotations

import hashlib
import hmac
import io

from django.core.management import call_command
from django.db import connection

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor, chain
from samsyn.audit.models import AccessEvent, Action, Ground, ObjectType

TEST_KEYS = "t1:test-key-one-0123456789-abcdefghijklmnopqrstuvwxyz"


def write_events(user, n=5, person=None):
    """`n` reads of one person by `user`, one event per call, as a selector writes them."""
    from samsyn.people.tests.factories import PersonFactory

    person = person or PersonFactory()
    actor = Actor(user=user, membership=user.memberships.first(), request_id="req-1234")
    return [
        auditor.record(
            actor=actor,
            action=Action.READ,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type=ObjectType.PERSON,
            object_id=person.pk,
            person_id=person.pk,
            extra={"i": i},
        )
        for i in range(n)
    ]


def raw(sql, params=()):
    """What an attacker with a database login does: SQL straight at the table."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def audit(*args) -> tuple[int, str]:
    """Run `samsyn audit ARGS`: (exit status, what it printed)."""
    out = io.StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def plain_sha256(row) -> str:
    """The attacker's hash: our canonical content (the source is public), no key."""
    return hashlib.sha256(chain.event_payload(row)).hexdigest()


def hmac_with(secret: str):
    """The attacker's HMAC under a key of their own, named with the real key id."""

    def forge(row) -> str:
        return hmac.new(secret.encode(), chain.event_payload(row), hashlib.sha256).hexdigest()

    return forge


def rewrite_from(seq: int, forge, *, chain_no: int = 1, action: str = "delete") -> None:
    """Change event `seq`'s action, recompute every later hash with `forge` so that each
    event links to the one before, and move the chain head along: all in raw SQL."""
    rows = (
        AccessEvent.objects.filter(chain=chain_no, seq__gte=seq)
        .order_by("seq")
        .values("id", *chain.COLUMNS)
    )
    prev = AccessEvent.objects.get(chain=chain_no, seq=seq - 1).hash if seq > 1 else "0" * 64
    for row in rows:
        if row["seq"] == seq:
            row["action"] = action
        row["prev_hash"] = prev
        prev = forge(row)
        raw(
            "UPDATE audit_accessevent SET action = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [row["action"], row["prev_hash"], prev, row["id"]],
        )
    raw("UPDATE audit_chainhead SET last_hash = %s WHERE id = %s", [prev, chain_no])


def cut_tail(keep: int, *, chain_no: int = 1, move_head: bool = True) -> None:
    """Delete every event after `keep` and, with `move_head`, point the head at `keep`."""
    raw("DELETE FROM audit_accessevent WHERE chain = %s AND seq > %s", [chain_no, keep])
    if move_head:
        last = AccessEvent.objects.get(chain=chain_no, seq=keep).hash
        raw(
            "UPDATE audit_chainhead SET last_seq = %s, last_hash = %s WHERE id = %s",
            [keep, last, chain_no],
        )

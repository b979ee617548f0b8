"""The one explicit auditor: services and selectors call `record` / `record_reads`.

No signals, no thread-locals: the caller passes the `Actor`. Events join the caller's
transaction, so a change and its audit event are committed together or not at all.
Each event is chained with an HMAC under the current key (ADR 009); checks live in
`audit.integrity` (`verify_chain` is re-exported here for callers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.audit.chain import COLUMNS, GENESIS_HASH, event_hash, row_of
from samsyn.audit.integrity import VerifyResult, verify_chain
from samsyn.audit.keys import configured_keyring
from samsyn.audit.models import AccessEvent, Action, ChainHead, Ground, ObjectType

__all__ = [
    "GENESIS_HASH",
    "Access",
    "AnonymousAuditError",
    "VerifyResult",
    "record",
    "record_bulk",
    "record_many",
    "record_reads",
    "verify_chain",
]


class AnonymousAuditError(RuntimeError):
    """An event must name a user or a system job."""


@dataclass(frozen=True)
class Access:
    """One access to record: what, about whom, on which ground."""

    action: str
    ground: str
    object_type: str = ""
    object_id: str = ""
    person_id: Any = None
    ground_ref: str = ""
    extra: dict | None = None


def _check_actor(actor: Actor) -> None:
    if actor.user is None and not actor.system_job:
        raise AnonymousAuditError("An access event needs a user or a system job.")


def record(
    *,
    actor: Actor,
    action: str,
    ground: str,
    object_type: str = "",
    object_id: Any = "",
    person_id: Any = None,
    ground_ref: str = "",
    extra: dict | None = None,
) -> AccessEvent:
    """Record one access event."""
    access = Access(
        action=action,
        ground=ground,
        object_type=object_type,
        object_id=str(object_id) if object_id else "",
        person_id=person_id,
        ground_ref=str(ground_ref) if ground_ref else "",
        extra=extra,
    )
    return record_many(actor=actor, accesses=[access])[0]


def record_reads(
    *,
    actor: Actor,
    object_type: str,
    rows: Iterable[tuple[Any, Any, str, str]],
    extra: dict | None = None,
    action: str = Action.READ,
) -> list[AccessEvent]:
    """Record one access per (object_id, person_id, ground, ground_ref) row, e.g. a list
    view (read) or its print (print)."""
    accesses = [
        Access(
            action=action,
            ground=ground,
            object_type=object_type,
            object_id=str(object_id),
            person_id=person_id,
            ground_ref=str(ground_ref or ""),
            extra=extra,
        )
        for object_id, person_id, ground, ground_ref in rows
    ]
    return record_many(actor=actor, accesses=accesses)


def _take_head() -> ChainHead:
    """Lock the first chain head that no other transaction holds.

    `SELECT ... FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serialises writers anyway):
    with at least as many chains as concurrent writers, no writer waits for another. A
    head this transaction already holds counts as free, so a transaction that writes
    twice never waits on itself. When every chain is busy, wait for chain 1: its holder
    never waits here, so waiting cannot deadlock.
    """
    chains = settings.SAMSYN_AUDIT_CHAINS
    free = ChainHead.objects.select_for_update(skip_locked=True).filter(pk__lte=chains)
    head = free.order_by("pk").first()
    if head is None:
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # no heads at all: a database emptied since its migrations
        ChainHead.ensure(chains)
        head = free.order_by("pk").first()
    return head


def _check_vocabulary(accesses: Sequence[Access]) -> None:
    """Every event's ground, action and object type is a word of the closed vocabulary."""
    grounds, actions, types = set(Ground.values), set(Action.values), set(ObjectType.values)
    for access in accesses:
        if access.ground not in grounds:
            raise ValueError(f"Unknown ground {access.ground!r}")
        if access.action not in actions:
            raise ValueError(f"Unknown action {access.action!r}")
        if access.object_type not in types:
            raise ValueError(f"Unknown object type {access.object_type!r}")


def record_many(*, actor: Actor, accesses: Sequence[Access]) -> list[AccessEvent]:
    """Append events to one chain, in one transaction, under that chain head's lock."""
    _check_actor(actor)
    if not accesses:
        return []
    _check_vocabulary(accesses)
    keyring = configured_keyring()
    with transaction.atomic():
        head = _take_head()
        now = timezone.now()
        seq, prev = head.last_seq, head.last_hash
        events = []
        for access in accesses:
            seq += 1
            event = AccessEvent(
                chain=head.pk,
                seq=seq,
                key_id=keyring.current_id,
                created_at=now,
                actor=actor.user,
                system_job=actor.system_job,
                organisation=actor.organisation,
                role=actor.role,
                action=access.action,
                object_type=access.object_type,
                object_id=access.object_id,
                person_id=access.person_id,
                ground=access.ground,
                ground_ref=access.ground_ref,
                request_id=actor.request_id,
                extra=access.extra or {},
                prev_hash=prev,
            )
            event.hash = event_hash(keyring, row_of(event))
            prev = event.hash
            events.append(event)
        AccessEvent.objects.bulk_create(events)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    return events


def record_bulk(*, actor: Actor, accesses: Iterable[Access]) -> int:
    """`record_many` for a bulk write (the certificate import, a unit's recompute): the
    same events, chained the same way (ADR 009, checked by `verify_chain`), but built as
    plain rows and written with one COPY on PostgreSQL (`core.bulk`), with no model
    instances. Returns the number of events. Call inside the writer's transaction."""
    from samsyn.core.bulk import insert_rows  # core.bulk imports no audit: no cycle

    _check_actor(actor)
    accesses = list(accesses)
    if not accesses:
        return 0
    _check_vocabulary(accesses)
    keyring = configured_keyring()
    key_id = keyring.current_id
    actor_id = actor.user.pk if actor.user else None
    organisation = actor.organisation
    organisation_id = organisation.pk if organisation is not None else None
    with transaction.atomic():
        head = _take_head()
        now = timezone.now()
        seq, prev = head.last_seq, head.last_hash
        rows = []
        row = {
            "chain": head.pk,
            "key_id": key_id,
            "created_at": now,
            "actor_id": actor_id,
            "system_job": actor.system_job,
            "organisation_id": organisation_id,
            "role": actor.role,
            "request_id": actor.request_id,
        }
        for access in accesses:
            seq += 1
            row["seq"] = seq
            row["action"] = access.action
            row["object_type"] = access.object_type
            row["object_id"] = access.object_id
            row["person_id"] = access.person_id
            row["ground"] = access.ground
            row["ground_ref"] = access.ground_ref
            row["extra"] = access.extra or {}
            row["prev_hash"] = prev
            prev = event_hash(keyring, row)
            rows.append((*(row[name] for name in COLUMNS), prev))
        insert_rows(AccessEvent, (*COLUMNS, "hash"), rows)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    return len(rows)

"""The one explicit auditor: services and selectors call `record` / `record_reads`.

No signals, no thread-locals: the caller passes the `Actor`. Events join the caller's
transaction, so a change and its audit event are committed together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.audit.models import AccessEvent, Action, ChainHead, Ground, ObjectType

GENESIS_HASH = "0" * 64


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


def event_content(event: AccessEvent) -> dict[str, Any]:
    """The canonical content that the hash covers."""
    return {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "system_job": event.system_job,
        "organisation": str(event.organisation_id) if event.organisation_id else None,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "person": str(event.person_id) if event.person_id else None,
        "ground": event.ground,
        "ground_ref": event.ground_ref,
        "request_id": event.request_id,
        "extra": event.extra,
        "prev_hash": event.prev_hash,
    }


def compute_hash(event: AccessEvent) -> str:
    payload = json.dumps(event_content(event), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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


def record_many(*, actor: Actor, accesses: Sequence[Access]) -> list[AccessEvent]:
    """Append events to the chain, in one transaction, under the chain-head lock."""
    _check_actor(actor)
    if not accesses:
        return []
    for access in accesses:
        if access.ground not in Ground.values:
            raise ValueError(f"Unknown ground {access.ground!r}")
        if access.action not in Action.values:
            raise ValueError(f"Unknown action {access.action!r}")
        if access.object_type not in ObjectType.values:
            raise ValueError(f"Unknown object type {access.object_type!r}")
    now = timezone.now()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev = head.last_seq, head.last_hash
        events = []
        for access in accesses:
            seq += 1
            event = AccessEvent(
                seq=seq,
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
            event.hash = compute_hash(event)
            prev = event.hash
            events.append(event)
        AccessEvent.objects.bulk_create(events)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    return events


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(*, batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first event that was changed or removed."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    qs = AccessEvent.objects.order_by("seq")
    last_seq = 0
    while True:
        batch = list(qs.filter(seq__gt=last_seq)[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return VerifyResult(False, count, expected_seq, "missing event")
            if event.prev_hash != expected_prev:
                return VerifyResult(False, count, event.seq, "previous hash does not match")
            if compute_hash(event) != event.hash:
                return VerifyResult(False, count, event.seq, "content does not match its hash")
            expected_prev = event.hash
            expected_seq += 1
            count += 1
        last_seq = batch[-1].seq
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != count or head.last_hash != expected_prev):
        return VerifyResult(False, count, count + 1, "events missing at the end of the chain")
    return VerifyResult(True, count)

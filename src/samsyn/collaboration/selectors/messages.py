"""Reads of secure messages. Every read of a case's content is logged.

Care staff at the case's unit reach every thread on the case (ground unit membership).
External actors reach only threads whose party is their organisation, and only while a
consent covers the thread's category (ground consent) or, for Försäkringskassan's own
question, within that request (ground legal duty). `samsyn.access` decides and logs.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import User
from samsyn.accounts.selectors import external_users_of
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.models import Case
from samsyn.collaboration.models import Attachment, Message, MessageRead, Thread, ThreadKind
from samsyn.collaboration.threads import thread_category
from samsyn.consent.models import Category
from samsyn.consent.policy import Act


class _CaseRow(NamedTuple):
    """A case as a decision needs it: whose data, at which unit."""

    person_id: object
    unit_id: object


def case_for_messages(*, actor: Actor, case_id, act: str = Act.READ) -> Case:
    """The case for the message pages: care staff at its unit (the read logged), or an
    external actor with a consent covering messages now (the decision logged either
    way); else 404."""
    if access.is_care_staff(actor):
        case = access.scoped(actor, Case.objects.select_related("person")).filter(pk=case_id)
        case = case.first()
        if case is None:
            raise Http404
        access.record_care_reads(
            actor=actor, object_type=ObjectType.CASE_MESSAGES, rows=[(case.pk, case.person_id)]
        )
        return case
    if not access.is_external(actor):
        raise Http404
    case = Case.objects.select_related("person", "unit").filter(pk=case_id).first()
    if case is None:
        raise Http404
    access.require(
        actor=actor,
        case=case,
        category=Category.MESSAGES,
        act=act,
        object_type=ObjectType.CASE_MESSAGES,
    )
    return case


def _external_may(actor: Actor, case: Case, kinds, at: datetime) -> set[str]:
    """The thread kinds whose category the external actor may read on the case now."""
    consents = access.consent_facts(person_ids=[case.person_id], recipient_id=actor.organisation.pk)
    decisions = access.decide_many(
        party=access.party_of(actor),
        rows=[case],
        categories={thread_category(kind) for kind in kinds},
        at=at,
        consents=consents,
    )[0]
    return {kind for kind in kinds if decisions[thread_category(kind)].allowed}


def threads_for_case(*, actor: Actor, case: Case) -> list[Thread]:
    """Care staff: every thread of the case; external actors: their organisation's threads
    whose category a consent covers now. `case` comes from `case_for_messages` (logged)."""
    threads = (
        Thread.objects.filter(case=case)
        .select_related("party", "created_by")
        .annotate(message_count=Count("messages"))
        .order_by("-updated_at")
    )
    if access.care_staff_at(actor, case.unit_id):
        return list(threads)
    if not access.is_external(actor):
        raise Http404
    kinds = _external_may(actor, case, ThreadKind.values, timezone.now())
    return list(threads.filter(party=actor.organisation, kind__in=kinds))


def _thread_access(actor: Actor, thread: Thread, object_type: str, object_id) -> None:
    """404 unless the actor may read the thread now; the decision is logged."""
    case = thread.case
    care = access.care_staff_at(actor, case.unit_id)
    party = access.is_external(actor) and actor.organisation.pk == thread.party_id
    if not care and not party:
        raise Http404
    access.require(
        actor=actor,
        case=case,
        category=thread_category(thread.kind),
        act=Act.READ,
        object_type=object_type,
        object_id=object_id,
        request=access.request_facts(thread),
    )


def thread_for(*, actor: Actor, thread_id) -> Thread:
    """The thread, if the actor may read it now; else 404. Logged either way."""
    thread = (
        Thread.objects.select_related("case__person", "case__unit", "party", "certificate")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        raise Http404
    _thread_access(actor, thread, ObjectType.THREAD, thread.pk)
    return thread


def messages_of(*, thread: Thread) -> list[Message]:
    """The thread's messages with authors, attachments and read receipts (thread from
    `thread_for`)."""
    return list(
        thread.messages.select_related(
            "author", "organisation", "harm_assessment"
        ).prefetch_related(
            "attachments",
            Prefetch(
                "reads", queryset=MessageRead.objects.select_related("user").order_by("read_at")
            ),
        )
    )


def attachment_for(*, actor: Actor, attachment_id) -> Attachment:
    """An attachment, if the actor may read its thread now; else 404. Logged."""
    attachment = (
        Attachment.objects.select_related("message__thread__case", "message__thread__party")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404
    _thread_access(actor, attachment.message.thread, ObjectType.ATTACHMENT, attachment.pk)
    return attachment


def unread_count(*, actor: Actor) -> int:
    """Messages by others that the actor may read and has not read (a fixed number of
    queries: one decision per case and thread kind, the consents read once)."""
    if actor.user is None:
        return 0
    read = MessageRead.objects.filter(message=OuterRef("pk"), user=actor.user)
    unread = Message.objects.exclude(author=actor.user).filter(~Exists(read))
    if access.is_care_staff(actor):
        return unread.filter(thread__case__unit_id__in=access.unit_scope(actor)).count()
    if not access.is_external(actor):
        return 0
    office = actor.organisation.pk
    rows = unread.filter(thread__party=actor.organisation).values_list(
        "thread__case__person_id", "thread__case__unit_id", "thread__kind", "thread_id"
    )
    # Unread messages per (case, kind); Försäkringskassan's own request is read under
    # legal duty (no assessment needed), so each question thread is decided on its own.
    counts: dict[tuple, int] = {}
    for person_id, unit_id, kind, thread_id in rows:
        request_id = thread_id if kind == ThreadKind.FK_QUESTION else None
        key = (person_id, unit_id, kind, request_id)
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return 0
    consents = access.consent_facts(person_ids={key[0] for key in counts}, recipient_id=office)
    party = access.party_of(actor)
    total = 0
    # One decision per (case, kind), each for its own category only.
    for category in {thread_category(kind) for _person, _unit, kind, _request in counts}:
        keys = [key for key in counts if thread_category(key[2]) == category]
        requests = {
            index: access.open_request_facts(request_id, person_id, unit_id, office)
            for index, (person_id, unit_id, _kind, request_id) in enumerate(keys)
            if request_id is not None
        }
        decisions = access.decide_many(
            party=party,
            rows=[_CaseRow(person_id, unit_id) for person_id, unit_id, _kind, _request in keys],
            category=category,
            requests=requests,
            consents=consents,
        )
        total += sum(
            counts[key] for key, decided in zip(keys, decisions, strict=True) if decided[category]
        )
    return total


def party_readers(thread: Thread) -> list[User]:
    """The party's users whom the policy lets read the thread now (whom to notify); the
    consents are read once for all of them."""
    case = thread.case
    users = external_users_of(organisation_id=thread.party_id)
    consents = access.consent_facts(person_ids=[case.person_id], recipient_id=thread.party_id)
    request = access.request_facts(thread)
    category = thread_category(thread.kind)
    now = timezone.now()
    readers = []
    for user, role in users:
        decision = access.decide_many(
            party=access.recipient_party(thread.party_id, role=role, user_id=user.pk),
            rows=[case],
            category=category,
            at=now,
            requests={0: request},
            consents=consents,
        )[0][category]
        if decision.allowed:
            readers.append(user)
    return readers

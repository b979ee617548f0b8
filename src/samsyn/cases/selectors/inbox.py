"""The start page's inbox: what actors and persons did in the cases of the actor's care
units since the user last looked - replies and questions from external actors (new
questions from Försäkringskassan among them), statements, and consents withdrawn.

Each item links to its place through `cases:inbox_open`, which marks it read for this
user only (`InboxRead`); "Markera alla som lästa" moves the user's `InboxCleared` mark.
A message read in its thread counts as read here too (`MessageRead`). Five queries,
whatever the number of items; the persons shown are logged as NOTIFICATION reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.models import InboxCleared, InboxKind, InboxRead
from samsyn.collaboration.models import Message, MessageRead, Statement, ThreadKind
from samsyn.consent.models import Consent

WINDOW = timedelta(days=30)
SHOWN = 20
PER_SOURCE = 200


@dataclass(frozen=True)
class InboxItem:
    kind: str
    object_id: object
    at: datetime
    person_id: object
    person_name: str
    title: str
    detail: str
    urgent: bool = False


@dataclass(frozen=True)
class Inbox:
    items: list[InboxItem]
    unread: int
    since: datetime


def _since(actor: Actor, now: datetime) -> datetime:
    cleared = InboxCleared.objects.filter(user=actor.user).values_list("cleared_at", flat=True)
    mark = cleared.first()
    start = now - WINDOW
    return max(start, mark) if mark else start


def _messages(actor: Actor, units: list, since: datetime) -> list[InboxItem]:
    read = MessageRead.objects.filter(message=OuterRef("pk"), user=actor.user)
    rows = (
        Message.objects.filter(thread__case__unit_id__in=units, created_at__gt=since)
        .exclude(organisation_id__in=units)
        .exclude(author=actor.user)
        .annotate(seen=Exists(read))
        .filter(seen=False)
        .select_related("thread__case__person", "organisation")
        .order_by("-created_at")[:PER_SOURCE]
    )
    items = []
    for m in rows:
        question = m.thread.kind == ThreadKind.FK_QUESTION
        title = (_("Fråga från %(org)s") if question else _("Meddelande från %(org)s")) % {
            "org": m.organisation.name
        }
        items.append(
            InboxItem(
                kind=InboxKind.MESSAGE,
                object_id=m.pk,
                at=m.created_at,
                person_id=m.thread.case.person_id,
                person_name=m.thread.case.person.full_name,
                title=title,
                detail=m.thread.subject,
                urgent=question and m.thread.answered_at is None,
            )
        )
    return items


def _statements(actor: Actor, units: list, since: datetime) -> list[InboxItem]:
    rows = (
        Statement.objects.filter(case__unit_id__in=units, created_at__gt=since)
        .exclude(author=actor.user)
        .select_related("case__person", "organisation")
        .order_by("-created_at")[:PER_SOURCE]
    )
    return [
        InboxItem(
            kind=InboxKind.STATEMENT,
            object_id=s.pk,
            at=s.created_at,
            person_id=s.case.person_id,
            person_name=s.case.person.full_name,
            title=_("Uppgifter från %(org)s") % {"org": s.organisation.name},
            detail=s.get_kind_display(),
        )
        for s in rows
    ]


def _withdrawals(actor: Actor, units: list, since: datetime) -> list[InboxItem]:
    rows = (
        Consent.objects.filter(unit_id__in=units, withdrawn_at__gt=since)
        .exclude(withdrawn_by=actor.user)
        .select_related("person", "recipient")
        .order_by("-withdrawn_at")[:PER_SOURCE]
    )
    return [
        InboxItem(
            kind=InboxKind.WITHDRAWAL,
            object_id=c.pk,
            at=c.withdrawn_at,
            person_id=c.person_id,
            person_name=c.person.full_name,
            title=_("Samtycke återkallat"),
            detail=_("Till %(org)s") % {"org": c.recipient.name},
            urgent=True,
        )
        for c in rows
    ]


def inbox(*, actor: Actor, now: datetime, shown: int = SHOWN) -> Inbox:
    """The unread items of the user's inbox, newest first (at most `shown`), and how many
    there are. Empty for anyone who is not care staff."""
    units = access.unit_scope(actor)
    since = _since(actor, now)
    if not units:
        return Inbox(items=[], unread=0, since=since)
    found = [
        *_messages(actor, units, since),
        *_statements(actor, units, since),
        *_withdrawals(actor, units, since),
    ]
    read = set(
        InboxRead.objects.filter(user=actor.user, read_at__gt=since - WINDOW).values_list(
            "kind", "object_id"
        )
    )
    unread = [i for i in found if (i.kind, i.object_id) not in read]
    unread.sort(key=lambda i: i.at, reverse=True)
    items = unread[:shown]
    access.record_care_reads(
        actor=actor,
        object_type=ObjectType.NOTIFICATION,
        rows=[(i.object_id, i.person_id) for i in items],
    )
    return Inbox(items=items, unread=len(unread), since=since)


def inbox_target(*, actor: Actor, kind: str, object_id) -> str:
    """Where an inbox item of the actor's units leads (404 for anything else)."""
    units = access.unit_scope(actor)
    if kind == InboxKind.MESSAGE:
        found = Message.objects.filter(pk=object_id, thread__case__unit_id__in=units)
        thread_id = found.values_list("thread_id", flat=True).first()
        if thread_id is not None:
            return reverse("collaboration:thread", args=[thread_id])
    elif kind == InboxKind.STATEMENT:
        found = Statement.objects.filter(pk=object_id, case__unit_id__in=units)
        person_id = found.values_list("case__person_id", flat=True).first()
        if person_id is not None:
            return reverse("cases:person", args=[person_id])
    elif kind == InboxKind.WITHDRAWAL:
        found = Consent.objects.filter(pk=object_id, unit_id__in=units)
        person_id = found.values_list("person_id", flat=True).first()
        if person_id is not None:
            return reverse("consent:person", args=[person_id])
    raise Http404

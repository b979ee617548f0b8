"""Reads of the contact log and secure messages. Every read of a case's content is logged.

Care staff at the case's unit reach everything on the case (ground unit membership).
External actors reach only threads whose party is their organisation, and only while a
consent covers the thread's category (`consent.selectors.authorize`, ground consent) or,
for Försäkringskassan's own question, within that request (ground legal duty).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import EXTERNAL_ORGANISATION_TYPES, EXTERNAL_ROLES, Organisation
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground
from samsyn.cases import selectors as case_selectors
from samsyn.cases.models import Case
from samsyn.collaboration.legal import request_facts
from samsyn.collaboration.models import (
    Attachment,
    ContactEvent,
    CoordinationPart,
    Message,
    MessageRead,
    Thread,
    ThreadKind,
)
from samsyn.collaboration.services import thread_category
from samsyn.consent import policy
from samsyn.consent import selectors as consent_selectors
from samsyn.consent.models import Category
from samsyn.consent.policy import Act
from samsyn.directory.models import CaseActor, ContactPerson
from samsyn.directory.selectors import directory_organisations
from samsyn.people.models import Sex
from samsyn.sickleave.models import Certificate

STOCKHOLM = policy.STOCKHOLM
# The key of the persons who got at least one coordination part.
ANY_PART = "any"


def is_external(actor: Actor) -> bool:
    return actor.role in EXTERNAL_ROLES and actor.organisation is not None


# ---- the contact log ---------------------------------------------------------------


def contacts_for_case(*, actor: Actor, case: Case) -> list[ContactEvent]:
    """The case's contacts, newest first (care staff at the unit; logged)."""
    if case.unit_id not in actor.care_unit_ids():
        raise Http404
    contacts = list(
        ContactEvent.objects.filter(case=case)
        .select_related("organisation", "contact_person", "created_by")
        .order_by("-occurred_at", "-created_at")
    )
    auditor.record(
        actor=actor,
        action=Action.READ,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type="contacts",
        object_id=case.pk,
        person_id=case.person_id,
    )
    return contacts


@dataclass(frozen=True)
class ActorConsent:
    """An external actor linked to the case, and whether a consent covers `category` now."""

    organisation: Organisation
    contact_person: ContactPerson | None
    responsibility: str
    allowed: bool
    reason: str


def case_actor_consents(*, case: Case, category: str) -> list[ActorConsent]:
    """For each current external actor of the case: may the unit disclose `category` to
    them now? (What the coordinator sees before calling or writing.)"""
    links = list(
        case.actors.current()
        .filter(organisation__type__in=EXTERNAL_ORGANISATION_TYPES)
        .select_related("organisation", "contact_person")
    )
    facts = consent_selectors.consent_facts(person_ids=[case.person_id]).get(case.person_id, [])
    label = str(dict(Category.choices).get(category, category)).lower()
    now = timezone.now()
    rows = []
    for link in links:
        decision = policy.decide(
            party=policy.Party(organisation_id=link.organisation_id),
            act=Act.DISCLOSE,
            category=category,
            case=consent_selectors.case_facts(case),
            consents=facts,
            at=now,
        )
        reason = (
            ""
            if decision.allowed
            else policy.explain(decision, recipient=link.organisation.name, category=label)
        )
        rows.append(
            ActorConsent(
                link.organisation,
                link.contact_person,
                link.responsibility,
                decision.allowed,
                reason,
            )
        )
    return rows


def organisation_choices(*, case: Case) -> tuple[list[Organisation], list[Organisation]]:
    """External directory organisations: (the case's current actors, all others)."""
    linked_ids = set(case.actors.current().values_list("organisation_id", flat=True))
    orgs = list(directory_organisations().order_by("name"))
    return [o for o in orgs if o.pk in linked_ids], [o for o in orgs if o.pk not in linked_ids]


def contact_persons_for_case(*, case: Case):
    """Contact persons at the case's current actors (for the contact form)."""
    orgs = CaseActor.objects.filter(case=case, ended_on__isnull=True).values("organisation_id")
    return (
        ContactPerson.objects.active()
        .filter(organisation_id__in=orgs)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=STOCKHOLM)


def coordination_counts(*, actor: Actor, unit_ids, start: date, end: date) -> dict[str, dict]:
    """Contacts per coordination part in [start, end] at the actor's units, in total and by
    the person's sex: {part: {"total": n, "female": n, "male": n}} (no personal data)."""
    units = [u for u in unit_ids if u in set(actor.care_unit_ids())]
    counts = {part: {"total": 0, Sex.FEMALE: 0, Sex.MALE: 0} for part in CoordinationPart.values}
    rows = (
        ContactEvent.objects.filter(
            case__unit_id__in=units,
            occurred_at__gte=_day_start(start),
            occurred_at__lt=_day_start(end + timedelta(days=1)),
        )
        .values_list("part", "case__person__sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    for part, sex, n in rows:
        bucket = counts.setdefault(part, {"total": 0, Sex.FEMALE: 0, Sex.MALE: 0})
        bucket["total"] += n
        bucket[sex] = bucket.get(sex, 0) + n
    return counts


def coordination_persons(*, actor: Actor, unit_ids, start: date, end: date) -> dict[str, dict]:
    """Distinct persons who got each coordination part in [start, end] at the actor's
    units, in total and by sex, and under ANY_PART those who got at least one part:
    {part: {"total": n, "female": n, "male": n}} (counts only, no personal data)."""
    units = [u for u in unit_ids if u in set(actor.care_unit_ids())]
    keys = [*CoordinationPart.values, ANY_PART]
    counts = {key: {"total": 0, Sex.FEMALE: 0, Sex.MALE: 0} for key in keys}
    contacts = ContactEvent.objects.filter(
        case__unit_id__in=units,
        occurred_at__gte=_day_start(start),
        occurred_at__lt=_day_start(end + timedelta(days=1)),
    )
    persons = Count("case__person", distinct=True)
    per_part = contacts.values_list("part", "case__person__sex").annotate(n=persons).order_by()
    any_part = contacts.values_list("case__person__sex").annotate(n=persons).order_by()
    rows = [*per_part, *((ANY_PART, sex, n) for sex, n in any_part)]
    for key, sex, n in rows:
        bucket = counts.setdefault(key, {"total": 0, Sex.FEMALE: 0, Sex.MALE: 0})
        bucket["total"] += n
        bucket[sex] = bucket.get(sex, 0) + n
    return counts


def coordination_units(*, actor: Actor) -> list[Organisation]:
    """The care units (with sub-units) the actor may follow up, by name; 403 if none."""
    unit_ids = actor.care_unit_ids()
    if not unit_ids:
        raise PermissionDenied
    return list(Organisation.objects.filter(pk__in=unit_ids).order_by("name"))


@dataclass(frozen=True)
class ReportRow:
    """One row of the follow-up table: a label and the counts by sex."""

    key: str
    label: str
    female: int
    male: int
    total: int


@dataclass(frozen=True)
class CoordinationReport:
    """Counts only: contacts and distinct persons per coordination part (no personal data)."""

    start: date
    end: date
    units: list[Organisation]
    contacts: list[ReportRow]
    persons: list[ReportRow]


def _row(key: str, label, bucket: dict) -> ReportRow:
    return ReportRow(key, label, bucket[Sex.FEMALE], bucket[Sex.MALE], bucket["total"])


def _part_rows(counts: dict[str, dict]) -> list[ReportRow]:
    return [_row(part, label, counts[part]) for part, label in CoordinationPart.choices]


def coordination_report(
    *, actor: Actor, units: list[Organisation], start: date, end: date, export: bool = False
) -> CoordinationReport:
    """The unit manager's follow-up of coordination (lag 2019:1297) for `units` (from
    `coordination_units`) in [start, end]. The counts carry no personal data, so no
    per-person access is logged; one event records that the report was read or exported."""
    allowed = set(actor.care_unit_ids())
    unit_ids = [unit.pk for unit in units if unit.pk in allowed]
    scope = {"actor": actor, "unit_ids": unit_ids, "start": start, "end": end}
    contacts = _part_rows(coordination_counts(**scope))
    summed = {
        "total": sum(r.total for r in contacts),
        Sex.FEMALE: sum(r.female for r in contacts),
        Sex.MALE: sum(r.male for r in contacts),
    }
    persons = coordination_persons(**scope)
    any_part = _row(ANY_PART, _("Totalt, minst en del"), persons[ANY_PART])
    report = CoordinationReport(
        start=start,
        end=end,
        units=units,
        contacts=[*contacts, _row("total", _("Totalt"), summed)],
        persons=[*_part_rows(persons), any_part],
    )
    auditor.record(
        actor=actor,
        action=Action.EXPORT if export else Action.READ,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type="coordination_report",
        person_id=None,
        extra={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "units": [str(pk) for pk in unit_ids],
            "format": "csv" if export else "html",
        },
    )
    return report


# ---- secure messages ---------------------------------------------------------------


def case_for_messages(*, actor: Actor, case_id, act: str = Act.READ) -> Case:
    """The case for the message pages: care staff at its unit, or an external actor with a
    consent covering messages now (logged); else 404."""
    if actor.care_unit_ids():
        case = case_selectors.get_case_for(actor=actor, case_id=case_id)
        auditor.record(
            actor=actor,
            action=Action.READ,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type="case:messages",
            object_id=case.pk,
            person_id=case.person_id,
        )
        return case
    if not is_external(actor):
        raise Http404
    return consent_selectors.get_case_for_category(
        actor=actor, case_id=case_id, category=Category.MESSAGES, act=act
    )


def _external_may(actor: Actor, case: Case, kinds, at: datetime) -> set[str]:
    """The thread kinds whose category the external actor may read on the case now."""
    facts = consent_selectors.consent_facts(
        person_ids=[case.person_id], recipient_id=actor.organisation.pk
    ).get(case.person_id, [])
    party = consent_selectors.party_of(actor)
    allowed = set()
    for kind in kinds:
        decision = policy.decide(
            party=party,
            act=Act.READ,
            category=thread_category(kind),
            case=consent_selectors.case_facts(case),
            consents=facts,
            at=at,
        )
        if decision.allowed:
            allowed.add(kind)
    return allowed


def threads_for_case(*, actor: Actor, case: Case) -> list[Thread]:
    """Care staff: every thread of the case; external actors: their organisation's threads
    whose category a consent covers now. `case` comes from `case_for_messages` (logged)."""
    threads = (
        Thread.objects.filter(case=case)
        .select_related("party", "created_by")
        .annotate(message_count=Count("messages"))
        .order_by("-updated_at")
    )
    if case.unit_id in actor.care_unit_ids():
        return list(threads)
    if not is_external(actor):
        raise Http404
    kinds = _external_may(actor, case, ThreadKind.values, timezone.now())
    return list(threads.filter(party=actor.organisation, kind__in=kinds))


def _thread_access(actor: Actor, thread: Thread, object_type: str, object_id) -> None:
    """404 unless the actor may read the thread now; the decision is logged."""
    case = thread.case
    care = case.unit_id in actor.care_unit_ids()
    if not care and not (is_external(actor) and actor.organisation.pk == thread.party_id):
        raise Http404
    decision = consent_selectors.authorize(
        actor=actor,
        case=case,
        category=thread_category(thread.kind),
        act=Act.READ,
        object_type=object_type,
        object_id=object_id,
        request=request_facts(thread),
    )
    if not decision.allowed:
        raise Http404


def thread_for(*, actor: Actor, thread_id) -> Thread:
    """The thread, if the actor may read it now; else 404. Logged either way."""
    thread = (
        Thread.objects.select_related("case__person", "case__unit", "party", "certificate")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        raise Http404
    _thread_access(actor, thread, "thread", thread.pk)
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
    _thread_access(actor, attachment.message.thread, "attachment", attachment.pk)
    return attachment


def certificates_for_question(*, actor: Actor, case: Case):
    """The person's certificates that a question from Försäkringskassan may concern: only
    under a consent covering certificates (asked of the policy and logged); else none."""
    decision = consent_selectors.authorize(
        actor=actor, case=case, category=Category.CERTIFICATES, object_type="certificates"
    )
    if not decision.allowed:
        return Certificate.objects.none()
    return Certificate.objects.filter(person_id=case.person_id).order_by("-signed_at")


def unanswered_fk_questions_for_units(unit_ids) -> dict[object, int]:
    """{person_id: unanswered questions} for the open cases at these units, one query."""
    rows = (
        Thread.objects.filter(
            kind=ThreadKind.FK_QUESTION,
            answered_at__isnull=True,
            case__unit_id__in=list(unit_ids),
            case__closed_at__isnull=True,
        )
        .values_list("case__person_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def unread_count(*, actor: Actor) -> int:
    """Messages by others that the actor may read and has not read."""
    if actor.user is None:
        return 0
    read = MessageRead.objects.filter(message=OuterRef("pk"), user=actor.user)
    unread = Message.objects.exclude(author=actor.user).filter(~Exists(read))
    units = actor.care_unit_ids()
    if units:
        return unread.filter(thread__case__unit_id__in=units).count()
    if not is_external(actor):
        return 0
    rows = list(
        unread.filter(thread__party=actor.organisation).values_list(
            "thread__case__person_id", "thread__case__unit_id", "thread__kind", "thread_id"
        )
    )
    if not rows:
        return 0
    facts = consent_selectors.consent_facts(
        person_ids={r[0] for r in rows}, recipient_id=actor.organisation.pk
    )
    party = consent_selectors.party_of(actor)
    now = timezone.now()
    cache: dict[tuple, bool] = {}
    total = 0
    for person_id, unit_id, kind, thread_id in rows:
        # Försäkringskassan's own request is read under legal duty (no assessment needed).
        request = (
            policy.RequestFacts(thread_id, person_id, unit_id, actor.organisation.pk)
            if kind == ThreadKind.FK_QUESTION
            else None
        )
        key = (person_id, unit_id, kind, thread_id if request else None)
        if key not in cache:
            cache[key] = policy.decide(
                party=party,
                act=Act.READ,
                category=thread_category(kind),
                case=policy.CaseFacts(person_id=person_id, unit_id=unit_id),
                consents=facts.get(person_id, []),
                at=now,
                request=request,
            ).allowed
        total += cache[key]
    return total

"""Reads of Försäkringskassan's requests for information (110 kap. 31 § SFB): the office's
page, the care unit's view of a request and its harm assessment, and the counts the
worklist shows. See `services.fk_requests` for the writes and ADR 005.

The office's page also lists the unit's notices that the person may need work-oriented
rehabilitation, each only while the person's consent covers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import Role
from samsyn.audit import auditor
from samsyn.audit.auditor import Access
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.cases.models import Case
from samsyn.collaboration.models import HarmAssessment, Thread, ThreadKind
from samsyn.consent.models import Category
from samsyn.sickleave.models import Certificate

# ---- the office's page ----------------------------------------------------------------


@dataclass(frozen=True)
class OfficeThreads:
    requests: list[Thread]  # the office's own requests (ground legal_duty)
    notices: list[Thread]  # notices of a rehabilitation need (ground consent)


def threads_for_office(*, actor: Actor) -> OfficeThreads:
    """The FK office's requests and the notices its consents cover now; every row shown is
    logged with its ground."""
    if actor.role != Role.FK_OFFICER or actor.organisation is None:
        return OfficeThreads([], [])
    office = actor.organisation
    threads = list(
        Thread.objects.filter(
            party=office, kind__in=[ThreadKind.FK_QUESTION, ThreadKind.FK_REHAB_NEED]
        )
        .select_related("case__person", "certificate")
        .order_by(F("answered_at").asc(nulls_first=True), "answer_by", "-created_at")
    )
    requests = [t for t in threads if t.kind == ThreadKind.FK_QUESTION]
    notices = _notices_in_force(actor, [t for t in threads if t.kind == ThreadKind.FK_REHAB_NEED])
    accesses = [
        Access(
            action=Action.READ,
            ground=Ground.LEGAL_DUTY,
            object_type=ObjectType.FK_REQUEST,
            object_id=str(t.pk),
            person_id=t.case.person_id,
            ground_ref=str(t.pk),
        )
        for t in requests
    ] + [
        Access(
            action=Action.READ,
            ground=Ground.CONSENT,
            object_type=ObjectType.THREAD,
            object_id=str(t.pk),
            person_id=t.case.person_id,
            ground_ref=str(consent_id),
        )
        for t, consent_id in notices
    ]
    auditor.record_many(actor=actor, accesses=accesses)
    return OfficeThreads(requests, [t for t, _ in notices])


def _notices_in_force(actor: Actor, threads: list[Thread]) -> list[tuple[Thread, object]]:
    """The notices a consent covers now, each with that consent (the consents read once)."""
    if not threads:
        return []
    category = Category.INFORM_FK_REHAB_NEED
    consents = access.consent_facts(
        person_ids={t.case.person_id for t in threads}, recipient_id=actor.organisation.pk
    )
    decisions = access.decide_many(
        party=access.party_of(actor),
        rows=[t.case for t in threads],
        category=category,
        consents=consents,
    )
    return [
        (thread, decided[category].consent_id)
        for thread, decided in zip(threads, decisions, strict=True)
        if decided[category].allowed
    ]


# ---- the care unit's view of a request --------------------------------------------------


@dataclass(frozen=True)
class AssessmentState:
    """What the care thread page shows about Försäkringskassan's request."""

    needed: bool  # no consent covers the answer: a harm assessment decides
    latest: HarmAssessment | None
    may_answer: bool  # a consent covers the answer, or the latest assessment allows it


def assessment_state(*, thread: Thread) -> AssessmentState:
    """For care staff on an FK question thread (`thread` from `messages.thread_for`)."""
    if thread.kind != ThreadKind.FK_QUESTION:
        return AssessmentState(needed=False, latest=None, may_answer=True)
    latest = thread.harm_assessments.select_related("created_by").first()
    decision = access.preview_disclosure(
        case=thread.case,
        recipient_id=thread.party_id,
        category=Category.MESSAGES,
        request=access.request_facts(thread, assessment=latest),
    )
    needed = decision.ground != Ground.CONSENT
    return AssessmentState(needed=needed, latest=latest, may_answer=decision.allowed)


def certificates_for_question(*, actor: Actor, case: Case):
    """The person's certificates that a question from Försäkringskassan may concern: only
    under a consent covering certificates (decided and logged); else none."""
    decision = access.authorize(
        actor=actor,
        case=case,
        category=Category.CERTIFICATES,
        object_type=ObjectType.CERTIFICATES,
    )
    if not decision.allowed:
        return Certificate.objects.none()
    return Certificate.objects.filter(person_id=case.person_id).order_by("-signed_at")


# ---- counts for the worklist and the start page ----------------------------------------


def unanswered_fk_questions_for_units(unit_ids) -> dict[object, int]:
    """{person_id: unanswered questions} for the open cases at these units, one query
    (counts only; the caller's units come from `access.unit_scope`)."""
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

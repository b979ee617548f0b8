"""Försäkringskassan's requests for information (110 kap. 31 § socialförsäkringsbalken).

Försäkringskassan may ask the care unit about a certificate it has received without the
person's consent. The office files the question by personnummer and the certificate's
date (it holds the certificate, so nothing new is revealed), reads its own requests, and
gets the answer once the unit has made a harm assessment (menprövning) that allows it.
The ground of every such step is `legal_duty`, naming the request or the assessment;
it is never recorded as consent (`consent.policy`, DESIGN §5).

The office's page also lists the unit's notices that the person may need work-oriented
rehabilitation, each only while the person's consent covers it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Role
from samsyn.audit import auditor
from samsyn.audit.auditor import Access
from samsyn.audit.models import Action, Ground
from samsyn.cases import services as case_services
from samsyn.collaboration import services
from samsyn.collaboration.legal import request_facts
from samsyn.collaboration.models import HarmAssessment, Message, Thread, ThreadKind
from samsyn.consent import policy
from samsyn.consent import selectors as consent_selectors
from samsyn.consent.models import Category
from samsyn.consent.policy import Act
from samsyn.core.notify import notify
from samsyn.people import personnummer
from samsyn.sickleave.models import Certificate, CertificateType

FK_CERTIFICATE_TYPES = (CertificateType.FK7804, CertificateType.FK7263)
# What Försäkringskassan reads when the assessment says no (the reasoning stays at the unit).
REFUSAL_TEXT = gettext_noop(
    "Vårdenheten har gjort en menprövning och kan inte lämna de begärda uppgifterna."
)
MessageError = services.MessageError


# ---- Försäkringskassan files a request -----------------------------------------------


def _certificate_for(number: str, signed_on: date) -> Certificate | None:
    try:
        identity = personnummer.parse(number)
    except personnummer.PersonnummerError:
        raise MessageError(gettext_noop("Personnumret är inte giltigt.")) from None
    return (
        Certificate.objects.filter(
            person__personnummer=identity.normalized,
            type__in=FK_CERTIFICATE_TYPES,
            signed_at__date=signed_on,  # the day in TIME_ZONE, Europe/Stockholm
        )
        .select_related("person", "care_unit")
        .order_by("-signed_at")
        .first()
    )


def start_fk_request(
    *,
    actor: Actor,
    personnummer_value: str,
    certificate_signed_on: date,
    fk_topic: str,
    subject: str,
    body: str,
    answer_by: date,
) -> Thread:
    """Försäkringskassan asks the unit about a certificate it received; no consent needed.
    Without an open case at the certificate's unit, one is opened (no responsible yet).

    The personnummer is only used to find the certificate: it is never stored in the
    request, logged or put in a URL.
    """
    if actor.role != Role.FK_OFFICER or actor.organisation is None:
        raise MessageError(gettext_noop("Bara Försäkringskassan kan ställa frågor om intyg."))
    certificate = _certificate_for(personnummer_value, certificate_signed_on)
    if certificate is None:
        raise MessageError(
            gettext_noop(
                "Det finns inget läkarintyg för sjukpenning från den dagen för personnumret."
            )
        )
    case = case_services.open_case_for_request(
        actor=actor, person=certificate.person, unit=certificate.care_unit
    )
    return services.start_thread(
        actor=actor,
        case=case,
        party=actor.organisation,
        subject=subject,
        body=body,
        kind=ThreadKind.FK_QUESTION,
        fk_topic=fk_topic,
        certificate=certificate,
        answer_by=answer_by,
    )


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
            object_type="fk_request",
            object_id=str(t.pk),
            person_id=t.case.person_id,
            ground_ref=str(t.pk),
        )
        for t in requests
    ] + [
        Access(
            action=Action.READ,
            ground=Ground.CONSENT,
            object_type="thread",
            object_id=str(t.pk),
            person_id=t.case.person_id,
            ground_ref=str(consent_id),
        )
        for t, consent_id in notices
    ]
    auditor.record_many(actor=actor, accesses=accesses)
    return OfficeThreads(requests, [t for t, _ in notices])


def _notices_in_force(actor: Actor, threads: list[Thread]) -> list[tuple[Thread, object]]:
    if not threads:
        return []
    facts = consent_selectors.consent_facts(
        person_ids={t.case.person_id for t in threads}, recipient_id=actor.organisation.pk
    )
    party = consent_selectors.party_of(actor)
    now = timezone.now()
    shown = []
    for thread in threads:
        decision = policy.decide(
            party=party,
            act=Act.READ,
            category=Category.INFORM_FK_REHAB_NEED,
            case=consent_selectors.case_facts(thread.case),
            consents=facts.get(thread.case.person_id, []),
            at=now,
        )
        if decision.allowed:
            shown.append((thread, decision.consent_id))
    return shown


# ---- the care unit's harm assessment --------------------------------------------------


@dataclass(frozen=True)
class AssessmentState:
    """What the care thread page shows about Försäkringskassan's request."""

    needed: bool  # no consent covers the answer: a harm assessment decides
    latest: HarmAssessment | None
    may_answer: bool  # a consent covers the answer, or the latest assessment allows it


def assessment_state(*, thread: Thread) -> AssessmentState:
    """For care staff on an FK question thread (`thread` from `selectors.thread_for`)."""
    if thread.kind != ThreadKind.FK_QUESTION:
        return AssessmentState(needed=False, latest=None, may_answer=True)
    latest = thread.harm_assessments.select_related("created_by").first()
    case = thread.case
    facts = consent_selectors.consent_facts(
        person_ids=[case.person_id], recipient_id=thread.party_id
    ).get(case.person_id, [])
    decision = policy.decide(
        party=policy.Party(organisation_id=thread.party_id),
        act=Act.DISCLOSE,
        category=Category.MESSAGES,
        case=consent_selectors.case_facts(case),
        consents=facts,
        at=timezone.now(),
        request=request_facts(thread, assessment=latest),
    )
    needed = decision.ground != policy.Ground.CONSENT
    return AssessmentState(needed=needed, latest=latest, may_answer=decision.allowed)


def record_harm_assessment(
    *, actor: Actor, thread: Thread, disclose: bool, reasoning: str
) -> HarmAssessment:
    """Record the unit's harm assessment of Försäkringskassan's request. When it says no,
    Försäkringskassan gets a fixed answer saying so, and the question counts as answered."""
    if not services.is_care_writer(actor, thread.case):
        raise MessageError(gettext_noop("Du kan inte göra menprövningen i det här ärendet."))
    if thread.kind != ThreadKind.FK_QUESTION:
        raise MessageError(gettext_noop("Menprövning görs bara för frågor från Försäkringskassan."))
    if thread.answered_at is not None:
        raise MessageError(gettext_noop("Frågan är redan besvarad."))
    if not reasoning.strip():
        raise MessageError(gettext_noop("Skriv en motivering till menprövningen."))
    case = thread.case
    with transaction.atomic():
        assessment = HarmAssessment.objects.create(
            thread=thread, disclose=disclose, reasoning=reasoning.strip(), created_by=actor.user
        )
        auditor.record(
            actor=actor,
            action=Action.CREATE,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type="harm_assessment",
            object_id=assessment.pk,
            person_id=case.person_id,
            extra={"thread": str(thread.pk), "disclose": disclose},
        )
        if not disclose:
            _post_refusal(actor, thread, assessment)
    return assessment


def _post_refusal(actor: Actor, thread: Thread, assessment: HarmAssessment) -> None:
    message = Message.objects.create(
        id=uuid.uuid4(),
        thread=thread,
        author=actor.user,
        organisation=actor.organisation,
        body=REFUSAL_TEXT,
        harm_assessment=assessment,
    )
    thread.answered_at = timezone.now()
    thread.save(update_fields=["answered_at", "updated_at"])
    auditor.record(
        actor=actor,
        action=Action.DISCLOSE,
        ground=Ground.LEGAL_DUTY,
        object_type="message",
        object_id=message.pk,
        person_id=thread.case.person_id,
        ground_ref=str(assessment.pk),
        extra={"thread": str(thread.pk), "refusal": True},
    )
    path = reverse("collaboration:thread", args=[thread.pk])
    notify(users=services.party_readers(thread), path=path)

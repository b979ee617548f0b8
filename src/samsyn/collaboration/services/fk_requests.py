"""Försäkringskassan's requests for information (110 kap. 31 § socialförsäkringsbalken):
the writes.

Försäkringskassan may ask the care unit about a certificate it has received without the
person's consent. The office files the question by personnummer and the certificate's
date (it holds the certificate, so nothing new is revealed), and gets the answer once
the unit has made a harm assessment (menprövning) that allows it. The ground of every
such step is `legal_duty`, naming the request or the assessment; it is never recorded
as consent (`consent.policy`, DESIGN §5, ADR 005). The reads are in
`selectors.fk_requests`.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import Role
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.cases import services as case_services
from samsyn.collaboration.models import HarmAssessment, Message, Thread, ThreadKind
from samsyn.collaboration.selectors.messages import party_readers
from samsyn.collaboration.services.messages import MessageError, start_thread
from samsyn.core.notify import notify
from samsyn.people import personnummer
from samsyn.sickleave.models import Certificate, CertificateType

FK_CERTIFICATE_TYPES = (CertificateType.FK7804, CertificateType.FK7263)
# What Försäkringskassan reads when the assessment says no (the reasoning stays at the unit).
REFUSAL_TEXT = gettext_noop(
    "Vårdenheten har gjort en menprövning och kan inte lämna de begärda uppgifterna."
)


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
    return start_thread(
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


# ---- the care unit's harm assessment --------------------------------------------------


def record_harm_assessment(
    *, actor: Actor, thread: Thread, disclose: bool, reasoning: str
) -> HarmAssessment:
    """Record the unit's harm assessment of Försäkringskassan's request. When it says no,
    Försäkringskassan gets a fixed answer saying so, and the question counts as answered."""
    if not access.is_care_writer(actor, thread.case.unit_id):
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
            object_type=ObjectType.HARM_ASSESSMENT,
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
    case_services.refresh_entries(person_ids=[thread.case.person_id])  # the worklist's count
    auditor.record(
        actor=actor,
        action=Action.DISCLOSE,
        ground=Ground.LEGAL_DUTY,
        object_type=ObjectType.MESSAGE,
        object_id=message.pk,
        person_id=thread.case.person_id,
        ground_ref=str(assessment.pk),
        extra={"thread": str(thread.pk), "refusal": True},
    )
    path = reverse("collaboration:thread", args=[thread.pk])
    notify(users=party_readers(thread), path=path)

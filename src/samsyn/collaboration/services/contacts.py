"""Writes of the contact log: the coordinator logs a contact on a case. A contact with an
external actor needs a consent covering `contact` (decided and logged by
`samsyn.access` before the transaction, so a refusal stays in the access log)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.cases import services as case_services
from samsyn.cases.models import Case
from samsyn.collaboration.models import Channel, ContactEvent, CoordinationPart, Purpose
from samsyn.consent.models import Category
from samsyn.directory.models import ContactPerson


class ContactError(Exception):
    """A contact could not be logged; the message is Swedish and safe to show."""


def _check_contact_fields(case: Case, occurred_at: datetime, channel, part, purpose, summary):
    if case.closed_at is not None:
        raise ContactError(gettext_noop("Ärendet är avslutat."))
    if channel not in Channel.values:
        raise ContactError(gettext_noop("Välj hur kontakten togs."))
    if part not in CoordinationPart.values:
        raise ContactError(gettext_noop("Välj vilken del av koordineringen kontakten gällde."))
    if purpose not in Purpose.values:
        raise ContactError(gettext_noop("Välj syftet med kontakten."))
    if not summary.strip():
        raise ContactError(gettext_noop("Skriv en kort sammanfattning."))
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ContactError(gettext_noop("Tidpunkten kan inte vara i framtiden."))


def _check_counterpart(part, organisation, contact_person, case, acknowledged) -> None:
    if contact_person is not None and (
        organisation is None or contact_person.organisation_id != organisation.pk
    ):
        raise ContactError(gettext_noop("Kontaktpersonen hör inte till den valda aktören."))
    if part != CoordinationPart.EXTERNAL:
        if organisation is not None and organisation.is_external:
            raise ContactError(
                gettext_noop(
                    "Kontakter med externa aktörer registreras som ”Samverkan med andra aktörer”."
                )
            )
        return
    if organisation is None or not organisation.is_external or organisation.merged_into_id:
        raise ContactError(gettext_noop("Välj vilken aktör i katalogen kontakten gällde."))
    if case.person.needs_protection and not acknowledged:
        raise ContactError(
            gettext_noop(
                "Personen har skyddade personuppgifter eller risk för våld. Bekräfta att du "
                "inte lämnar ut adress eller kontaktuppgifter."
            )
        )


def _steps_text(next_steps: Sequence[tuple[str, date]]) -> str:
    return "\n".join(f"{title} ({due.isoformat()})" for title, due in next_steps)


def log_contact(
    *,
    actor: Actor,
    case: Case,
    occurred_at: datetime,
    channel: str,
    part: str,
    purpose: str,
    summary: str,
    organisation: Organisation | None = None,
    contact_person: ContactPerson | None = None,
    with_whom: str = "",
    next_steps: Iterable[tuple[str, date]] = (),
    protection_acknowledged: bool = False,
) -> ContactEvent:
    """Log a contact on the case; an external contact needs a consent covering contact."""
    if not access.is_coordinator_at(actor, case.unit_id):
        raise ContactError(gettext_noop("Bara rehabkoordinatorer vid enheten kan logga kontakter."))
    steps = [(title.strip(), due) for title, due in next_steps if title.strip()]
    _check_contact_fields(case, occurred_at, channel, part, purpose, summary)
    _check_counterpart(part, organisation, contact_person, case, protection_acknowledged)
    event = ContactEvent(
        case=case,
        occurred_at=occurred_at,
        channel=channel,
        part=part,
        purpose=purpose,
        summary=summary.strip(),
        organisation=organisation,
        contact_person=contact_person,
        with_whom=with_whom.strip(),
        next_steps=_steps_text(steps),
        created_by=actor.user,
    )
    if part == CoordinationPart.EXTERNAL:
        try:
            decision = access.disclose(
                actor=actor,
                case=case,
                recipient=organisation,
                category=Category.CONTACT,
                object_type=ObjectType.CONTACT,
                object_id=event.pk,
            )
        except access.ConsentMissing as exc:
            raise ContactError(exc.message) from None
        event.consent_id = decision.consent_id
    with transaction.atomic():
        event.save()
        for title, due in steps:
            try:
                case_services.add_task(actor=actor, case=case, title=title[:200], due_date=due)
            except case_services.CaseError as exc:
                raise ContactError(str(exc)) from None
        auditor.record(
            actor=actor,
            action=Action.CREATE,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type=ObjectType.CONTACT,
            object_id=event.pk,
            person_id=case.person_id,
            extra={
                "part": part,
                "organisation": str(organisation.pk) if organisation else "",
                "consent": str(event.consent_id or ""),
                "tasks": len(steps),
            },
        )
    return event

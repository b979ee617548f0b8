"""Link external actors to a case and end the links."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.audit.models import Action
from samsyn.cases.models import Case
from samsyn.directory.models import CaseActor, ContactPerson, RehabKind
from samsyn.directory.services._common import (
    DirectoryError,
    _audit_case,
    _require_case_coordinator,
    _require_directory_org,
)

# ---- a case's actors ---------------------------------------------------------------


def link_actor_to_case(
    *,
    actor: Actor,
    case: Case,
    organisation: Organisation,
    contact_person: ContactPerson | None = None,
    responsibility: str = "",
    rehab_kind: str = RehabKind.NONE,
    started_on: date,
) -> CaseActor:
    """Record that an external actor takes part in the case, and for what."""
    _require_case_coordinator(actor, case)
    if not case.is_open:
        raise DirectoryError(gettext_noop("Ärendet är avslutat."))
    _require_directory_org(organisation)
    if contact_person is not None and (
        contact_person.organisation_id != organisation.pk or contact_person.merged_into_id
    ):
        raise DirectoryError(gettext_noop("Kontaktpersonen hör inte till den valda aktören."))
    if rehab_kind not in RehabKind.values:
        raise DirectoryError(gettext_noop("Välj en typ av rehabilitering."))
    try:
        with transaction.atomic():
            link = CaseActor.objects.create(
                case=case,
                organisation=organisation,
                contact_person=contact_person,
                responsibility=responsibility.strip(),
                rehab_kind=rehab_kind,
                started_on=started_on,
                created_by=actor.user,
            )
            _audit_case(actor, Action.CREATE, case, link, rehab_kind=rehab_kind)
    except IntegrityError:
        raise DirectoryError(
            gettext_noop("Aktören är redan kopplad till ärendet. Avsluta kopplingen först.")
        ) from None
    return link


def end_case_actor(*, actor: Actor, case_actor: CaseActor, ended_on: date) -> CaseActor:
    case = case_actor.case
    _require_case_coordinator(actor, case)
    if case_actor.ended_on is not None:
        raise DirectoryError(gettext_noop("Kopplingen är redan avslutad."))
    if ended_on < case_actor.started_on:
        raise DirectoryError(gettext_noop("Slutdatumet kan inte vara före startdatumet."))
    with transaction.atomic():
        case_actor.ended_on = ended_on
        case_actor.save(update_fields=["ended_on", "updated_at"])
        _audit_case(actor, Action.UPDATE, case, case_actor, ended_on=ended_on.isoformat())
    return case_actor

"""Create, update and merge directory organisations."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import (
    EXTERNAL_ORGANISATION_TYPES,
    Organisation,
    OrganisationType,
)
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.collaboration.models import ContactEvent, Statement, Thread
from samsyn.consent.models import Consent
from samsyn.directory import orgnr
from samsyn.directory.models import (
    FILLABLE_ORGANISATION_FIELDS,
    CaseActor,
    ContactPerson,
    OrganisationOwner,
)
from samsyn.directory.search import fold
from samsyn.directory.services._common import (
    DirectoryError,
    _audit,
    _claim_organisation,
    _finish_merge,
    _require_directory_org,
    _require_editor,
    _require_organisation_owner,
    refresh_search_text,
)

# ---- organisations -----------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationData:
    """The editable fields of a directory organisation (already cleaned by a form)."""

    type: str
    name: str
    org_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    notes: str = ""
    occupational_health: Organisation | None = None
    parent: Organisation | None = None


def _clean_organisation(data: OrganisationData, *, current: Organisation | None) -> dict:
    if data.type not in EXTERNAL_ORGANISATION_TYPES:
        raise DirectoryError(gettext_noop("Välj en typ av aktör (inte vårdenhet)."))
    name = data.name.strip()
    if not name:
        raise DirectoryError(gettext_noop("Ange aktörens namn."))
    number = ""
    if data.org_number.strip():
        try:
            number = orgnr.parse(data.org_number)
        except orgnr.OrgNumberError as exc:
            raise DirectoryError(exc.message) from None
    fhv = data.occupational_health
    if fhv is not None:
        if data.type != OrganisationType.EMPLOYER:
            raise DirectoryError(gettext_noop("Bara arbetsgivare har avtal med företagshälsovård."))
        if fhv.type != OrganisationType.OCCUPATIONAL_HEALTH or fhv.merged_into_id:
            raise DirectoryError(gettext_noop("Välj en företagshälsovård ur katalogen."))
    parent = data.parent
    if parent is not None:
        if data.type != OrganisationType.SAMORDNINGSFORBUND:
            raise DirectoryError(
                gettext_noop("Bara samverkansteam hör till ett samordningsförbund.")
            )
        if parent.type != OrganisationType.SAMORDNINGSFORBUND or parent.parent_id:
            raise DirectoryError(gettext_noop("Välj ett samordningsförbund ur katalogen."))
        if current is not None and parent.pk == current.pk:
            raise DirectoryError(gettext_noop("En aktör kan inte höra till sig själv."))
    # Names compared folded in Python: SQLite's iexact ignores the case of ASCII only.
    others = Organisation.objects.filter(
        type=data.type, org_number=number, merged_into__isnull=True
    )
    if current is not None:
        others = others.exclude(pk=current.pk)
    if any(fold(other) == fold(name) for other in others.values_list("name", flat=True)):
        raise DirectoryError(
            gettext_noop("Det finns redan en aktör med samma typ, namn och organisationsnummer.")
        )
    return {
        "type": data.type,
        "name": name,
        "org_number": number,
        "phone": data.phone.strip(),
        "email": data.email.strip(),
        "address": data.address.strip(),
        "notes": data.notes.strip(),
        "occupational_health": fhv,
        "parent": parent,
    }


def create_organisation(*, actor: Actor, data: OrganisationData) -> Organisation:
    """Add an external actor (employer, FHV, FK/AF office, social services, förbund),
    kept by the actor's care unit (ADR 008)."""
    _require_editor(actor)
    with transaction.atomic():
        values = _clean_organisation(data, current=None)
        organisation = Organisation.objects.create(code=None, **values)
        OrganisationOwner.objects.create(organisation=organisation, unit=actor.organisation)
        refresh_search_text([organisation])
        _audit(
            actor,
            Action.CREATE,
            ObjectType.ORGANISATION,
            organisation.pk,
            type=organisation.type,
            owner_unit=str(actor.organisation.pk),
        )
    return organisation


def update_organisation(
    *, actor: Actor, organisation: Organisation, data: OrganisationData
) -> Organisation:
    """Change the entry: the owning care unit's editors, or anyone who keeps the directory
    while nobody owns it (the change claims it for their unit)."""
    _require_organisation_owner(actor, organisation)
    _require_directory_org(organisation)
    with transaction.atomic():
        values = _clean_organisation(data, current=organisation)
        changed = [k for k, v in values.items() if getattr(organisation, k) != v]
        for key in changed:
            setattr(organisation, key, values[key])
        if changed:
            organisation.save(update_fields=[*changed, "updated_at"])
            claimed = _claim_organisation(actor, organisation)
            extra = {"owner_unit": claimed} if claimed else {}
            _audit(
                actor,
                Action.UPDATE,
                ObjectType.ORGANISATION,
                organisation.pk,
                fields=changed,
                **extra,
            )
        # Also when nothing changed: it fills the text of a row written without the
        # services (the demo's organisations are created with their login codes).
        refresh_search_text([organisation])
    return organisation


@dataclass
class MergeReport:
    """How many references moved from the duplicate to the kept row."""

    moved: dict[str, int] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)
    ended_links: int = 0

    @property
    def total(self) -> int:
        return sum(self.moved.values())


def _check_organisation_merge(keep: Organisation, duplicate: Organisation) -> None:
    if keep.pk == duplicate.pk:
        raise DirectoryError(gettext_noop("En aktör kan inte slås samman med sig själv."))
    for organisation in (keep, duplicate):
        if organisation.type not in EXTERNAL_ORGANISATION_TYPES:
            raise DirectoryError(gettext_noop("Vårdenheter ändras inte i aktörskatalogen."))
        if organisation.merged_into_id is not None:
            raise DirectoryError(
                gettext_noop("En av aktörerna är redan sammanslagen med en annan aktör.")
            )
    if keep.type != duplicate.type:
        raise DirectoryError(gettext_noop("Bara aktörer av samma typ kan slås samman."))
    if duplicate.pk == keep.parent_id or keep.pk == duplicate.parent_id:
        raise DirectoryError(
            gettext_noop("Ett samordningsförbund och dess team kan inte slås samman.")
        )


def merge_organisations(
    *, actor: Actor, keep: Organisation, duplicate: Organisation
) -> MergeReport:
    """Move every directory reference from `duplicate` to `keep`, fill keep's empty
    fields from the duplicate and mark the duplicate as merged.

    Moved: contact persons, case links (a duplicate's current link on a case that
    already has a current link to `keep` is moved and ended today), consents'
    recipient, contact events, message threads, statements, employers' occupational
    health, collaboration teams (sub-units) and earlier duplicates. Users' memberships
    are not moved: a login stays with its organisation.

    Both rows change (and other units' consents move with the duplicate), so the actor
    must be allowed to change both; an unowned `keep` is claimed for the actor's unit.
    """
    _require_organisation_owner(actor, keep)
    _require_organisation_owner(actor, duplicate)
    _check_organisation_merge(keep, duplicate)
    report = MergeReport()
    today = timezone.localdate()
    with transaction.atomic():
        _claim_organisation(actor, keep)
        keep_cases = set(
            CaseActor.objects.current().filter(organisation=keep).values_list("case_id", flat=True)
        )
        clashing = CaseActor.objects.current().filter(
            organisation=duplicate, case_id__in=keep_cases
        )
        for link in clashing:
            link.ended_on = max(today, link.started_on)
            link.save(update_fields=["ended_on", "updated_at"])
            report.ended_links += 1
        moves = {
            "contact_persons": (
                ContactPerson.objects.filter(organisation=duplicate),
                "organisation",
            ),
            "case_actors": (CaseActor.objects.filter(organisation=duplicate), "organisation"),
            "consents": (Consent.objects.filter(recipient=duplicate), "recipient"),
            "contact_events": (ContactEvent.objects.filter(organisation=duplicate), "organisation"),
            "threads": (Thread.objects.filter(party=duplicate), "party"),
            "statements": (Statement.objects.filter(organisation=duplicate), "organisation"),
            "employers": (
                Organisation.objects.filter(occupational_health=duplicate),
                "occupational_health",
            ),
            "sub_units": (Organisation.objects.filter(parent=duplicate), "parent"),
            "earlier_duplicates": (
                Organisation.objects.filter(merged_into=duplicate),
                "merged_into",
            ),
        }
        for key, (queryset, column) in moves.items():
            report.moved[key] = queryset.update(**{column: keep})
        _finish_merge(
            actor,
            ObjectType.ORGANISATION,
            keep,
            duplicate,
            report,
            FILLABLE_ORGANISATION_FIELDS,
            ended_links=report.ended_links,
        )
        refresh_search_text([keep, duplicate])
    return report

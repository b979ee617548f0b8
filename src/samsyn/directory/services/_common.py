"""Shared checks, audit helpers and the domain error of the directory services.

Who may read and edit the directory (`may_edit_directory`), who may change an entry
(`may_change_entry`: the owning care unit's editors, ADR 008) and which logins may be a
contact person's (`login_memberships`) are reads, in `directory.selectors`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import EXTERNAL_ORGANISATION_TYPES, Organisation
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.cases.models import Case
from samsyn.directory.models import CaseActor, ContactPerson, OrganisationOwner
from samsyn.directory.search import organisation_search_text
from samsyn.directory.selectors import may_change_entry, may_edit_directory

ORGANISATION_FIELDS = ("name", "org_number", "phone", "email", "address", "notes")


class DirectoryError(Exception):
    """A refused change; the message is Swedish (gettext_noop) and safe to show."""


# ---- checks ------------------------------------------------------------------------


def _require_editor(actor: Actor) -> None:
    if not may_edit_directory(actor):
        raise DirectoryError(
            gettext_noop("Bara rehabkoordinatorer och verksamhetschefer kan ändra katalogen.")
        )


# The rule of a refused change of another unit's entry, in the access log's denials.
RULE_ANOTHER_UNITS_ENTRY = "directory_entry_of_another_unit"


def _require_owner(actor: Actor, owner_unit_id, *, object_type: str, object_id) -> None:
    """The actor keeps the directory and may change an entry kept by `owner_unit_id`; a
    refusal is on record as a denial (rule `directory_entry_of_another_unit`)."""
    _require_editor(actor)
    if not may_change_entry(actor, owner_unit_id):
        access.record_denial(
            actor=actor,
            rule=RULE_ANOTHER_UNITS_ENTRY,
            object_type=object_type,
            object_id=object_id,
            extra={"owner_unit": str(owner_unit_id)},
        )
        raise DirectoryError(
            gettext_noop(
                "Posten förvaltas av en annan vårdenhet. Bara rehabkoordinatorer och "
                "verksamhetschefer där kan ändra den."
            )
        )


def _require_organisation_owner(actor: Actor, organisation: Organisation) -> None:
    owner = (
        OrganisationOwner.objects.filter(organisation=organisation)
        .values_list("unit_id", flat=True)
        .first()
    )
    _require_owner(actor, owner, object_type=ObjectType.ORGANISATION, object_id=organisation.pk)


def _claim_organisation(actor: Actor, organisation: Organisation) -> str | None:
    """At the organisation's first change, make the actor's care unit its owner (ADR 008).
    The new owner's id for the audit event, or None when it already had one (which the
    actor must then be allowed to change: checked again, a concurrent claim may have won).
    """
    owner, created = OrganisationOwner.objects.get_or_create(
        organisation=organisation, defaults={"unit": actor.organisation}
    )
    if not created:
        _require_owner(
            actor, owner.unit_id, object_type=ObjectType.ORGANISATION, object_id=organisation.pk
        )
        return None
    return str(owner.unit_id)


def _claim_contact(actor: Actor, contact: ContactPerson) -> str | None:
    """The same for a contact person (the row is locked by the caller)."""
    if contact.owner_unit_id is not None:
        return None
    contact.owner_unit = actor.organisation
    contact.save(update_fields=["owner_unit", "updated_at"])
    return str(contact.owner_unit_id)


def _require_case_coordinator(actor: Actor, case: Case) -> None:
    if not access.is_coordinator_at(actor, case.unit_id):
        raise DirectoryError(
            gettext_noop("Bara rehabkoordinatorer vid enheten kan ändra ärendets aktörer.")
        )


def _require_directory_org(organisation: Organisation) -> None:
    if organisation.type not in EXTERNAL_ORGANISATION_TYPES:
        raise DirectoryError(gettext_noop("Vårdenheter ändras inte i aktörskatalogen."))
    if organisation.merged_into_id is not None:
        raise DirectoryError(gettext_noop("Aktören är sammanslagen med en annan aktör."))


def _audit(actor: Actor, action: str, object_type: str, object_id: Any, **extra) -> None:
    auditor.record(
        actor=actor,
        action=action,
        ground=Ground.ADMINISTRATION,
        object_type=object_type,
        object_id=object_id,
        extra=extra or None,
    )


def _audit_case(actor: Actor, action: str, case: Case, link: CaseActor, **extra) -> None:
    auditor.record(
        actor=actor,
        action=action,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type=ObjectType.CASE_ACTOR,
        object_id=link.pk,
        person_id=case.person_id,
        extra={"case": str(case.pk), "organisation": str(link.organisation_id), **extra},
    )


def refresh_search_text(organisations: Iterable[Organisation]) -> None:
    """Recompute the organisations' `search_text` (directory/search.py) from their name,
    organisationsnummer and active contact persons, and save it where it changed.

    Every directory write that changes one of those calls it in its transaction. The
    rows are locked first (PostgreSQL), so that two writers at one organisation (say two
    new contact persons) cannot each save a text without the other's change; the values
    are read from the database, not from possibly stale instances, which are updated.
    """
    instances = [o for o in organisations if o is not None]
    ids = {o.pk for o in instances}
    if not ids:
        return
    rows = list(
        Organisation.objects.select_for_update()
        .filter(pk__in=ids)
        .only("pk", "name", "org_number", "search_text")
        .order_by("pk")
    )
    contact_names = defaultdict(list)
    for organisation_id, name in (
        ContactPerson.objects.active()
        .filter(organisation_id__in=ids)
        .values_list("organisation_id", "name")
    ):
        contact_names[organisation_id].append(name)
    texts = {}
    changed = []
    for row in rows:
        texts[row.pk] = organisation_search_text(row.name, row.org_number, contact_names[row.pk])
        if row.search_text != texts[row.pk]:
            row.search_text = texts[row.pk]
            changed.append(row)
    if changed:
        Organisation.objects.bulk_update(changed, ["search_text"])
    for instance in instances:
        instance.search_text = texts[instance.pk]


def _fill_blanks(target, source, names) -> list[str]:
    filled = []
    for name in names:
        attname = target._meta.get_field(name).attname
        if not getattr(target, attname) and getattr(source, attname):
            setattr(target, attname, getattr(source, attname))
            filled.append(name)
    return filled


def _finish_merge(actor: Actor, object_type: str, keep, duplicate, report, fields, **extra):
    """The end of every merge: fill keep's blank fields from the duplicate, mark the
    duplicate merged into keep, and audit both rows."""
    report.filled = _fill_blanks(keep, duplicate, fields)
    if report.filled:
        keep.save(update_fields=[*report.filled, "updated_at"])
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into", "updated_at"])
    _audit(
        actor,
        Action.UPDATE,
        object_type,
        keep.pk,
        merged=str(duplicate.pk),
        moved=report.moved,
        filled=report.filled,
        **extra,
    )
    _audit(actor, Action.UPDATE, object_type, duplicate.pk, merged_into=str(keep.pk))

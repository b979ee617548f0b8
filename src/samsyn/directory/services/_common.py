"""Shared checks, audit helpers and the domain error of the directory services."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import (
    EXTERNAL_ORGANISATION_TYPES,
    EXTERNAL_ROLES,
    Membership,
    Organisation,
    Role,
)
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground
from samsyn.cases.models import Case
from samsyn.directory.models import CaseActor, ContactPerson
from samsyn.directory.search import organisation_search_text

EDITOR_ROLES = frozenset({Role.COORDINATOR, Role.UNIT_MANAGER})
ORGANISATION_FIELDS = ("name", "org_number", "phone", "email", "address", "notes")
# The fields a merge fills on the kept row when they are empty there: facts about the
# actor. Not `notes`: a note is about the row it was written on ("Troligen samma som
# Nordbygg AB – kontrollera och slå samman") and would go stale on the kept one; it stays
# on the merged duplicate, which the kept organisation's page links to.
FILLABLE_ORGANISATION_FIELDS = (
    "org_number",
    "phone",
    "email",
    "address",
    "occupational_health",
    "parent",
)
FILLABLE_CONTACT_FIELDS = ("title", "phone", "email", "care_unit", "user")


class DirectoryError(Exception):
    """A refused change; the message is Swedish (gettext_noop) and safe to show."""


# ---- checks ------------------------------------------------------------------------


def may_edit_directory(actor: Actor) -> bool:
    membership = actor.membership
    return (
        membership is not None
        and membership.is_active
        and membership.role in EDITOR_ROLES
        and membership.is_care_staff
    )


def _require_editor(actor: Actor) -> None:
    if not may_edit_directory(actor):
        raise DirectoryError(
            gettext_noop("Bara rehabkoordinatorer och verksamhetschefer kan ändra katalogen.")
        )


def login_memberships(organisation: Organisation) -> QuerySet[Membership]:
    """The memberships that let a login be a contact person's at `organisation`: active,
    in an external role, of an active user."""
    return Membership.objects.filter(
        organisation=organisation,
        is_active=True,
        role__in=EXTERNAL_ROLES,
        user__is_active=True,
    )


def _require_case_coordinator(actor: Actor, case: Case) -> None:
    if actor.role != Role.COORDINATOR or case.unit_id not in actor.care_unit_ids():
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
        object_type="case_actor",
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

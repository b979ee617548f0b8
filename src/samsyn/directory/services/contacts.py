"""Create, update and merge contact persons."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation, User
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.collaboration.models import ContactEvent
from samsyn.consent.models import Consent
from samsyn.directory.models import FILLABLE_CONTACT_FIELDS, CaseActor, ContactPerson, ContactRole
from samsyn.directory.selectors import login_memberships
from samsyn.directory.services._common import (
    DirectoryError,
    _audit,
    _finish_merge,
    _require_directory_org,
    _require_editor,
    refresh_search_text,
)
from samsyn.directory.services.organisations import MergeReport

# ---- contact persons ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactData:
    name: str
    role: str = ContactRole.OTHER
    title: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""
    care_unit: Organisation | None = None
    user: User | None = None


def _clean_login(
    user: User | None, *, organisation: Organisation, current: ContactPerson | None
) -> User | None:
    """The contact person's Samsyn login: an active user with an active external role
    at the contact's organisation, linked to no other active contact person. A consent
    naming the contact person then covers that login only (consent.policy).

    The membership is checked when the login is set or changed, so that editing other
    fields of a contact whose login has since lost its role keeps the (narrower) link.
    """
    if user is None:
        return None
    if (current is None or current.user_id != user.pk) and not login_memberships(
        organisation
    ).filter(user=user).exists():
        raise DirectoryError(
            gettext_noop("Välj en inloggning med en aktiv extern roll vid aktören.")
        )
    # Lock the user row so that two requests cannot link one login twice (PostgreSQL).
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    others = ContactPerson.objects.active().filter(user=user)
    if current is not None:
        others = others.exclude(pk=current.pk)
    if others.exists():
        raise DirectoryError(
            gettext_noop("Inloggningen är redan kopplad till en annan kontaktperson.")
        )
    return user


def _clean_contact(
    data: ContactData, *, organisation: Organisation, current: ContactPerson | None
) -> dict:
    name = data.name.strip()
    if not name:
        raise DirectoryError(gettext_noop("Ange kontaktpersonens namn."))
    if data.role not in ContactRole.values:
        raise DirectoryError(gettext_noop("Välj kontaktpersonens roll."))
    if data.care_unit is not None and not data.care_unit.is_care_unit:
        raise DirectoryError(gettext_noop("Välj en vårdenhet."))
    return {
        "name": name,
        "role": data.role,
        "title": data.title.strip(),
        "phone": data.phone.strip(),
        "email": data.email.strip(),
        "notes": data.notes.strip(),
        "care_unit": data.care_unit,
        "user": _clean_login(data.user, organisation=organisation, current=current),
    }


def create_contact_person(
    *, actor: Actor, organisation: Organisation, data: ContactData
) -> ContactPerson:
    _require_editor(actor)
    _require_directory_org(organisation)
    with transaction.atomic():
        values = _clean_contact(data, organisation=organisation, current=None)
        contact = ContactPerson.objects.create(
            organisation=organisation, created_by=actor.user, **values
        )
        refresh_search_text([organisation])
        _audit(
            actor,
            Action.CREATE,
            ObjectType.CONTACT_PERSON,
            contact.pk,
            organisation=str(organisation.pk),
        )
    return contact


def update_contact_person(
    *, actor: Actor, contact_person: ContactPerson, data: ContactData
) -> ContactPerson:
    _require_editor(actor)
    if contact_person.merged_into_id is not None:
        raise DirectoryError(gettext_noop("Kontaktpersonen är sammanslagen med en annan."))
    _require_directory_org(contact_person.organisation)
    with transaction.atomic():
        values = _clean_contact(
            data, organisation=contact_person.organisation, current=contact_person
        )
        changed = [k for k, v in values.items() if getattr(contact_person, k) != v]
        for key in changed:
            setattr(contact_person, key, values[key])
        if changed:
            contact_person.save(update_fields=[*changed, "updated_at"])
            _audit(
                actor, Action.UPDATE, ObjectType.CONTACT_PERSON, contact_person.pk, fields=changed
            )
        if "name" in changed:
            refresh_search_text([contact_person.organisation])
    return contact_person


def merge_contact_persons(
    *, actor: Actor, keep: ContactPerson, duplicate: ContactPerson
) -> MergeReport:
    """Move case links, consents and contact events from `duplicate` to `keep` (both
    at the same organisation), fill keep's empty fields and mark the duplicate merged.

    Keep's login stays; if keep has none it takes the duplicate's (a fill like the other
    fields), so a login is still linked to one active contact person only.
    """
    _require_editor(actor)
    if keep.pk == duplicate.pk:
        raise DirectoryError(gettext_noop("En kontaktperson kan inte slås samman med sig själv."))
    if keep.merged_into_id or duplicate.merged_into_id:
        raise DirectoryError(
            gettext_noop("En av kontaktpersonerna är redan sammanslagen med en annan.")
        )
    if keep.organisation_id != duplicate.organisation_id:
        raise DirectoryError(gettext_noop("Bara kontaktpersoner vid samma aktör kan slås samman."))
    report = MergeReport()
    with transaction.atomic():
        report.moved["case_actors"] = CaseActor.objects.filter(contact_person=duplicate).update(
            contact_person=keep
        )
        report.moved["consents"] = Consent.objects.filter(contact_person=duplicate).update(
            contact_person=keep
        )
        report.moved["contact_events"] = ContactEvent.objects.filter(
            contact_person=duplicate
        ).update(contact_person=keep)
        _finish_merge(
            actor, ObjectType.CONTACT_PERSON, keep, duplicate, report, FILLABLE_CONTACT_FIELDS
        )
        refresh_search_text([keep.organisation])
    return report

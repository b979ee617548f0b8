"""Create, update and merge contact persons; confirm a contact person's changed login.

A contact person is changed by the editors of the care unit that keeps it (ADR 008). A
change of the link to a login (set, changed or removed) stamps `login_changed_at`: the
consents naming the contact recorded before it give nobody access until their unit
confirms the new link (`confirm_contact_login`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation, User
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.collaboration.models import ContactEvent
from samsyn.consent.models import Consent
from samsyn.directory.models import (
    FILLABLE_CONTACT_FIELDS,
    CaseActor,
    ContactLoginConfirmation,
    ContactPerson,
    ContactRole,
)
from samsyn.directory.selectors import login_memberships, units_awaiting_login_confirmation
from samsyn.directory.services._common import (
    DirectoryError,
    _audit,
    _claim_contact,
    _finish_merge,
    _require_directory_org,
    _require_editor,
    _require_owner,
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
    """Add a contact person, kept by the actor's care unit. Any directory editor may add
    one at any organisation: no consent or case names a new contact yet (ADR 008)."""
    _require_editor(actor)
    _require_directory_org(organisation)
    with transaction.atomic():
        values = _clean_contact(data, organisation=organisation, current=None)
        contact = ContactPerson.objects.create(
            organisation=organisation,
            created_by=actor.user,
            owner_unit=actor.organisation,
            **values,
        )
        refresh_search_text([organisation])
        _audit(
            actor,
            Action.CREATE,
            ObjectType.CONTACT_PERSON,
            contact.pk,
            organisation=str(organisation.pk),
            owner_unit=str(actor.organisation.pk),
        )
    return contact


# The rule of a refused confirmation: no unit of the actor's has a consent that waits.
RULE_NO_LOGIN_TO_CONFIRM = "no_contact_login_to_confirm"


def _entry(contact: ContactPerson) -> dict:
    return {"object_type": ObjectType.CONTACT_PERSON, "object_id": contact.pk}


def _login_change(old_user_id, new_user_id) -> dict:
    return {"login_from": _id(old_user_id), "login_to": _id(new_user_id)}


def _id(value) -> str | None:
    return str(value) if value is not None else None


def update_contact_person(
    *, actor: Actor, contact_person: ContactPerson, data: ContactData
) -> ContactPerson:
    """Change the contact person: the owning care unit's editors, or anyone who keeps the
    directory while nobody owns it (the change claims it). A changed login waits for the
    units whose consents name the contact (module docstring)."""
    _require_owner(actor, contact_person.owner_unit_id, **_entry(contact_person))
    if contact_person.merged_into_id is not None:
        raise DirectoryError(gettext_noop("Kontaktpersonen är sammanslagen med en annan."))
    _require_directory_org(contact_person.organisation)
    with transaction.atomic():
        locked = ContactPerson.objects.select_for_update().get(pk=contact_person.pk)
        # The owner and the login as they are now, not as the page saw them.
        _require_owner(actor, locked.owner_unit_id, **_entry(locked))
        contact_person.owner_unit_id = locked.owner_unit_id
        contact_person.user_id = locked.user_id
        values = _clean_contact(
            data, organisation=contact_person.organisation, current=contact_person
        )
        changed = [k for k, v in values.items() if getattr(contact_person, k) != v]
        old_user_id = contact_person.user_id
        for key in changed:
            setattr(contact_person, key, values[key])
        extra = {}
        if "user" in changed:
            contact_person.login_changed_at = timezone.now()
            extra = _login_change(old_user_id, contact_person.user_id)
        if changed:
            update_fields = [*changed, "updated_at"]
            if "user" in changed:
                update_fields.append("login_changed_at")
            contact_person.save(update_fields=update_fields)
            claimed = _claim_contact(actor, contact_person)
            if claimed:
                extra["owner_unit"] = claimed
            _audit(
                actor,
                Action.UPDATE,
                ObjectType.CONTACT_PERSON,
                contact_person.pk,
                fields=changed,
                **extra,
            )
        if "name" in changed:
            refresh_search_text([contact_person.organisation])
    return contact_person


def merge_contact_persons(
    *, actor: Actor, keep: ContactPerson, duplicate: ContactPerson
) -> MergeReport:
    """Move case links, consents and contact events from `duplicate` to `keep` (both
    at the same organisation), fill keep's empty fields and mark the duplicate merged.
    The actor must be allowed to change both; an unowned `keep` is claimed.

    Keep's login stays; if keep has none it takes the duplicate's (a fill like the other
    fields), so a login is still linked to one active contact person only. When that
    gives keep a login, or moves consents that named a contact with another login, the
    login counts as changed: those consents wait for their units' confirmation.
    """
    _require_owner(actor, keep.owner_unit_id, **_entry(keep))
    _require_owner(actor, duplicate.owner_unit_id, **_entry(duplicate))
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
        old_user_id = keep.user_id
        _finish_merge(
            actor, ObjectType.CONTACT_PERSON, keep, duplicate, report, FILLABLE_CONTACT_FIELDS
        )
        moved_other_login = report.moved["consents"] and duplicate.user_id != keep.user_id
        if "user" in report.filled or moved_other_login:
            keep.login_changed_at = timezone.now()
            keep.save(update_fields=["login_changed_at", "updated_at"])
            _audit(
                actor,
                Action.UPDATE,
                ObjectType.CONTACT_PERSON,
                keep.pk,
                fields=["user"],
                **_login_change(old_user_id, keep.user_id),
            )
        _claim_contact(actor, keep)
        refresh_search_text([keep.organisation])
    return report


def confirm_contact_login(
    *, actor: Actor, contact_person: ContactPerson, login: User | None
) -> list:
    """A coordinator confirms the contact person's current link to `login` (None: no
    login, so the consents cover the whole organisation) for each of their care units
    whose consents naming the contact wait for it. `login` is the link the coordinator
    was shown: a link changed since is refused. Returns the units confirmed for."""
    with transaction.atomic():
        contact = ContactPerson.objects.select_for_update().get(pk=contact_person.pk)
        if contact.user_id != (login.pk if login is not None else None):
            raise DirectoryError(
                gettext_noop(
                    "Inloggningen har ändrats sedan sidan visades. Kontrollera den och "
                    "bekräfta igen."
                )
            )
        units = [
            unit
            for unit in units_awaiting_login_confirmation(contact)
            if access.is_coordinator_at(actor, unit)
        ]
        if units:
            ContactLoginConfirmation.objects.bulk_create(
                [
                    ContactLoginConfirmation(
                        contact=contact, unit_id=unit, login=login, confirmed_by=actor.user
                    )
                    for unit in units
                ]
            )
            _audit(
                actor,
                Action.UPDATE,
                ObjectType.CONTACT_PERSON,
                contact.pk,
                login_confirmed=_id(contact.user_id),
                units=[str(unit) for unit in units],
            )
    if not units:  # on record outside the transaction, which a refusal would undo
        access.record_denial(
            actor=actor,
            rule=RULE_NO_LOGIN_TO_CONFIRM,
            object_type=ObjectType.CONTACT_PERSON,
            object_id=contact.pk,
        )
        raise DirectoryError(
            gettext_noop(
                "Bara rehabkoordinatorer vid en enhet vars samtycke nämner "
                "kontaktpersonen kan bekräfta inloggningen, och bara när den väntar "
                "på bekräftelse."
            )
        )
    return units

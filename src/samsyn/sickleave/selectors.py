"""Reads of the sick-leave app. Every read of personal data is logged."""

from __future__ import annotations

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground
from samsyn.people.models import Person


def find_person_for(*, actor: Actor, personnummer: str) -> Person | None:
    """The person with this (normalised, 12-digit) number at the actor's care units.

    None when there is no such person or the person belongs to another unit: the caller
    cannot tell the two apart. A found person is a logged read.
    """
    units = actor.care_unit_ids()
    if not units:
        return None
    person = Person.objects.at_units(units).filter(personnummer=personnummer).first()
    if person is None:
        return None
    auditor.record(
        actor=actor,
        action=Action.READ,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
    )
    return person

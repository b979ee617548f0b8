"""Reads of persons, through the access module (`samsyn.access`).

A found person is a logged read; counts carry no personal data and are not logged.
"""

from __future__ import annotations

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.people.models import Person

# The person by id, if the actor may read their record (care staff at the person's unit,
# or the person themself); else a logged 404.
get_person_for = access.get_person


def find_person_for(*, actor: Actor, personnummer: str) -> Person | None:
    """The person with this (normalised, 12-digit) number at the actor's care units.

    None when there is no such person or the person belongs to another unit: the caller
    cannot tell the two apart, and nothing is logged. A found person is a logged read.
    """
    numbered = Person.objects.filter(personnummer=personnummer)
    person = access.scoped(actor, numbered, unit_field="care_unit").first()
    if person is None:
        return None
    access.read_person(actor, person)
    return person


def count_persons_at_unit(*, actor: Actor) -> int:
    """How many persons belong to the actor's care units (none for anyone else)."""
    return access.scoped(actor, Person.objects.all(), unit_field="care_unit").count()

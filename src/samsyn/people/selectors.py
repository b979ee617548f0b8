"""Reads of persons. Counts carry no personal data and are not logged."""

from samsyn.accounts.actor import Actor
from samsyn.people.models import Person


def count_persons_at_unit(*, actor: Actor) -> int:
    units = actor.care_unit_ids()
    return Person.objects.at_units(units).count() if units else 0

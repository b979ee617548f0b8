"""Reads of persons. Counts carry no personal data and are not logged."""

from samsyn.accounts.actor import Actor
from samsyn.people.models import Person


def count_persons_at_unit(*, actor: Actor) -> int:
    membership = actor.membership
    if membership is None or not membership.is_care_staff:
        return 0
    return Person.objects.at_units(membership.organisation.unit_ids_with_sub_units()).count()

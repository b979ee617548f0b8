"""Test data for the access module, made from the models: the access module sits below
every service (import contracts), so its tests do not reach up to them."""

from datetime import timedelta

from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.consent.models import Consent, GivenHow


def actor_for(user) -> Actor:
    return Actor(user=user, membership=user.memberships.select_related("organisation").first())


def consent_for(person, recipient, categories, *, unit=None) -> Consent:
    """A consent in force from yesterday, for a year."""
    today = timezone.localdate()
    return Consent.objects.create(
        person=person,
        unit=unit or person.care_unit,
        recipient=recipient,
        categories=list(categories),
        purpose="Planera återgång i arbete",
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=364),
        given_how=GivenHow.WRITTEN,
        given_on=today,
    )

"""Reads of the consent registry, as the coordinator and the patient see it.

Who may read is decided by the access module (`samsyn.access`): care staff at the
person's unit, or the person themself; each read is logged there with its ground.
The door for every other decision about a person's data (`authorize`, `disclose`,
`require`, the facts) lives in `samsyn.access`, not here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.http import Http404
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import Ground, ObjectType
from samsyn.consent.models import Consent
from samsyn.people.models import Person

EXPIRING_WITHIN_DAYS = 14

# ---- the consent registry as the coordinator and the patient see it -------------------


@dataclass
class ConsentRow:
    consent: Consent
    state: str  # "active", "expiring", "not_yet", "expired", "withdrawn", "replaced"
    days_left: int | None

    @property
    def is_active(self) -> bool:
        return self.state in {"active", "expiring"}


def _state_of(consent: Consent, now: datetime, today: date) -> tuple[str, int | None]:
    if consent.withdrawn_at is not None and consent.withdrawn_at <= now:
        return "withdrawn", None
    if consent.replaced_at is not None and consent.replaced_at <= now:
        return "replaced", None
    if consent.valid_from > today:
        return "not_yet", None
    if consent.valid_to < today:
        return "expired", None
    left = (consent.valid_to - today).days
    return ("expiring" if left <= EXPIRING_WITHIN_DAYS else "active"), left


def consent_rows(consents: Iterable[Consent], now: datetime | None = None) -> list[ConsentRow]:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    rows = [ConsentRow(c, *_state_of(c, now, today)) for c in consents]
    order = {"expiring": 0, "active": 1, "not_yet": 2, "expired": 3, "withdrawn": 4}
    rows.sort(key=lambda r: (order.get(r.state, 5), r.consent.recipient.name))
    return rows


def consents_for_person(*, actor: Actor, person: Person) -> list[ConsentRow]:
    """Every consent version of the person at the actor's units (care staff), or for the
    patient their own consents, the current version of each only (a replaced version is
    history for the registry, not a consent of its own). Logged as a read of the person's
    consents (a refusal is a logged 404)."""
    decision = access.read_person(actor, person, object_type=ObjectType.CONSENTS)
    consents = Consent.objects.filter(person=person)
    if decision.ground == Ground.OWN_RECORD:
        consents = consents.filter(replaced_at__isnull=True)
    else:
        consents = access.scoped(actor, consents)
    consents = consents.select_related(
        "recipient", "contact_person", "recorded_by", "withdrawn_by", "unit"
    ).order_by("-created_at")
    return consent_rows(consents)


def _consent(consent_id) -> Consent:
    consent = Consent.objects.select_related("person", "recipient").filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    return consent


def _is_own(actor: Actor, consent: Consent) -> bool:
    own = access.own_person_id(actor)
    return own is not None and own == consent.person_id


def get_consent_for(*, actor: Actor, consent_id) -> Consent:
    """A consent the actor may act on: care staff at its unit, or the person themself."""
    consent = _consent(consent_id)
    if not _is_own(actor, consent) and not access.care_staff_at(actor, consent.unit_id):
        raise Http404
    return consent


def is_own_consent(*, actor: Actor, consent: Consent) -> bool:
    """Does the person themself act on their consent (not care staff on their behalf)?"""
    return _is_own(actor, consent)


def may_record_consents(*, actor: Actor, person: Person) -> bool:
    """May the actor record, change and withdraw the person's consents (a coordinator at
    the person's unit)? What the registry page offers; the services check it again."""
    return access.is_coordinator_at(actor, person.care_unit_id)


def recipients_in_force(
    *, actor: Actor | None = None, unit_ids: Iterable | None = None
) -> dict[object, list[tuple]]:
    """(recipient name, valid_to, expiring) of the consents in force now, per person, in one
    query (the worklist's consent column): at the actor's care units (`actor`), or at
    `unit_ids` that the caller took from the access module (`access.unit_scope`)."""
    if actor is None and unit_ids is None:
        raise ValueError("recipients_in_force needs an actor or units")
    now = timezone.now()
    today = timezone.localdate()
    consents = Consent.objects.in_force(now)
    if actor is not None:
        consents = access.scoped(actor, consents)
    if unit_ids is not None:
        consents = consents.filter(unit_id__in=list(unit_ids))
    rows = consents.values_list("person_id", "recipient__name", "valid_to").order_by(
        "valid_to", "recipient__name"
    )
    result: dict[object, list[tuple]] = defaultdict(list)
    for person_id, name, valid_to in rows:
        expiring = (valid_to - today).days <= EXPIRING_WITHIN_DAYS
        result[person_id].append((name, valid_to, expiring))
    return result


def _care_read(*, actor: Actor, consent_id, object_type: str) -> Consent:
    """A consent that care staff at its unit open (not the patient); the read is logged."""
    consent = _consent(consent_id)
    if not access.care_staff_at(actor, consent.unit_id):
        raise Http404
    access.record_read(
        actor=actor,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type=object_type,
        object_id=consent.pk,
        person_id=consent.person_id,
        ground_ref=consent.pk,
    )
    return consent


def get_consent_document(*, actor: Actor, consent_id) -> Consent:
    """A consent whose scanned document care staff at its unit open; the read is logged."""
    return _care_read(actor=actor, consent_id=consent_id, object_type=ObjectType.CONSENT_DOCUMENT)


def get_consent_to_change(*, actor: Actor, consent_id) -> Consent:
    """A consent the unit's coordinator opens to change it (the change page shows the
    person and the consent); the read is logged."""
    return _care_read(actor=actor, consent_id=consent_id, object_type=ObjectType.CONSENT)


def own_person(*, actor: Actor) -> Person:
    """The patient's own person record (404 for a login without one)."""
    if access.own_person_id(actor) is None:
        raise Http404
    return actor.user.person

"""Reads of the consent registry, as the coordinator and the patient see it.

Who may read is decided by the access module (`samsyn.access`): care staff at the
person's unit, or the person themself; each read is logged there with its ground.
The door for every other decision about a person's data (`authorize`, `disclose`,
`require`, the facts) lives in `samsyn.access`, not here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import Ground, ObjectType
from samsyn.cases.models import OPEN_STATUSES, Case
from samsyn.consent.models import Consent
from samsyn.consent.policy import Decision
from samsyn.core.timeline import EventKind, TimelineEvent
from samsyn.directory.models import CaseActor
from samsyn.directory.selectors import directory_organisations
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


# ---- the one timeline (issue 13 §6) ------------------------------------------------------


def consent_events(*, actor: Actor, case, allowed: Mapping[str, Decision]) -> list[TimelineEvent]:
    """Consents given and withdrawn for the case's person at the case's unit. The caller
    (`overview.selectors.timeline`) decided and logged the read of the case. Care staff at
    the unit and the person see all of them; an external actor (any category allowed) only
    those naming their own organisation. One query."""
    if not allowed:
        return []
    consents = Consent.objects.filter(person_id=case.person_id, unit_id=case.unit_id)
    own = access.own_person_id(actor) == case.person_id
    if not own and not access.care_staff_at(actor, case.unit_id):
        consents = consents.filter(recipient=actor.organisation)
    events = []
    for consent in consents.select_related("recipient").order_by("created_at"):
        name = consent.recipient.name
        labels = ", ".join(consent.category_labels()).lower()
        plain_what = ", ".join(consent.plain_texts())
        if consent.replaces_id is None:
            events.append(
                TimelineEvent(
                    at=consent.created_at,
                    kind=EventKind.CONSENT,
                    title=_("Samtycke för %(name)s: %(what)s") % {"name": name, "what": labels},
                    plain=_("Du sa ja till att %(name)s får veta: %(what)s.")
                    % {"name": name, "what": plain_what},
                )
            )
        else:
            events.append(
                TimelineEvent(
                    at=consent.created_at,
                    kind=EventKind.CONSENT,
                    title=_("Samtycket för %(name)s ändrades: %(what)s")
                    % {"name": name, "what": labels},
                    plain=_("Ditt samtycke för %(name)s ändrades. Nu får de veta: %(what)s.")
                    % {"name": name, "what": plain_what},
                )
            )
        if consent.withdrawn_at is not None:
            events.append(
                TimelineEvent(
                    at=consent.withdrawn_at,
                    kind=EventKind.CONSENT,
                    title=_("Samtycket för %(name)s återkallades") % {"name": name},
                    plain=_("Samtycket för %(name)s togs tillbaka. De får inga fler uppgifter.")
                    % {"name": name},
                )
            )
    return events


# ---- the person's own consent pages (issue 13 §5, issue 17 §8) ---------------------------


def own_consent_to_withdraw(*, actor: Actor, consent_id) -> ConsentRow:
    """The person's own consent, in force or about to start, that they are about to
    withdraw (the confirmation page shows it); else 404. The read is logged."""
    consent = (
        Consent.objects.select_related("person", "recipient", "contact_person")
        .filter(pk=consent_id)
        .first()
    )
    if consent is None or not _is_own(actor, consent):
        raise Http404
    row = consent_rows([consent])[0]
    if not (row.is_active or row.state == "not_yet"):
        raise Http404
    access.record_read(
        actor=actor,
        ground=Ground.OWN_RECORD,
        object_type=ObjectType.CONSENT,
        object_id=consent.pk,
        person_id=consent.person_id,
        ground_ref=consent.pk,
    )
    return row


def own_consents_in_force(*, actor: Actor) -> list[ConsentRow]:
    """The person's consents in force or about to start: what ending the collaboration
    withdraws (the read is logged as the registry's, `consents_for_person`)."""
    person = own_person(actor=actor)
    rows = consents_for_person(actor=actor, person=person)
    return [r for r in rows if r.is_active or r.state == "not_yet"]


def own_open_case(*, actor: Actor):
    """The person's own open case, newest first (None without one): the unit a consent
    they give is given to. Not logged (the page's read of the person is)."""
    person_id = access.own_person_id(actor)
    if person_id is None:
        return None
    return (
        Case.objects.filter(person_id=person_id, closed_at__isnull=True)
        .select_related("unit")
        .order_by("-created_at")
        .first()
    )


def own_recipients(*, actor: Actor, case) -> tuple[list, list]:
    """The organisations the person may name in a consent: first those already in their
    case (its current actors and the recipients of their earlier consents), then the rest
    of the directory (issue 17 §7)."""
    everyone = list(directory_organisations().order_by("type", "name"))
    in_case: set = set()
    if case is not None:
        in_case |= set(
            CaseActor.objects.current().filter(case=case).values_list("organisation_id", flat=True)
        )
        in_case |= set(
            Consent.objects.filter(person_id=case.person_id).values_list("recipient_id", flat=True)
        )
    first = [o for o in everyone if o.pk in in_case]
    rest = [o for o in everyone if o.pk not in in_case]
    return first, rest


def recipients_first(*, actor: Actor, person: Person) -> set:
    """The organisations the consent form offers first (issue 17 §7): the current actors
    of the person's open cases at the actor's units, and those the person's consents in
    force name. Ids only; the person was read (and logged) by the page."""
    facts = access.consent_facts(person_ids=[person.pk], in_force_at=timezone.now())
    ids = {f.recipient_id for f in facts.get(person.pk, [])}
    cases = access.scoped(actor, Case.objects.filter(person=person, status__in=OPEN_STATUSES))
    links = CaseActor.objects.filter(case__in=cases, ended_on__isnull=True)
    return ids | set(links.values_list("organisation_id", flat=True))

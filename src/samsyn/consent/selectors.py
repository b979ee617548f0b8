"""Reads through the sharing policy. Every decision about an external actor is logged.

`authorize` is the door every other app uses: it asks `policy.decide` and writes the
decision (allowed with its ground and consent id, or denied with the rule) into the
access log. `consents_for_person` and the external actors' case list live here too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground
from samsyn.consent import policy
from samsyn.consent.models import Category, Consent
from samsyn.consent.policy import Act, CaseFacts, ConsentFacts, Decision, Party, RequestFacts

EXPIRING_WITHIN_DAYS = 14

_ACTION_OF_ACT = {Act.READ: Action.READ, Act.WRITE: Action.CREATE, Act.DISCLOSE: Action.DISCLOSE}


class ConsentMissing(Exception):
    """A disclosure, contact or message was refused; `message` names the missing consent."""

    def __init__(self, decision: Decision, message: str):
        super().__init__(message)
        self.decision = decision
        self.message = message


def consent_facts(
    *, person_ids: Iterable | None = None, recipient_id=None, in_force_at: datetime | None = None
) -> dict[object, list[ConsentFacts]]:
    """The consent facts per person, in one query: of these persons, or of every person
    with a consent naming `recipient_id`; optionally only those in force at an instant."""
    if person_ids is None and recipient_id is None:
        raise ValueError("consent_facts needs persons or a recipient")
    qs = Consent.objects.all()
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    if recipient_id is not None:
        qs = qs.filter(recipient_id=recipient_id)
    if in_force_at is not None:
        qs = qs.in_force(in_force_at)
    rows = qs.values_list(
        "pk",
        "person_id",
        "unit_id",
        "recipient_id",
        "categories",
        "valid_from",
        "valid_to",
        "contact_person__user_id",
        "withdrawn_at",
        "replaced_at",
        "replaces_id",
        "created_at",
    )
    facts: dict[object, list[ConsentFacts]] = defaultdict(list)
    for row in rows:
        pk, person, unit, recipient, cats, start, end, user, withdrawn, replaced = row[:10]
        replaces, created = row[10:]
        facts[person].append(
            ConsentFacts(
                id=pk,
                person_id=person,
                unit_id=unit,
                recipient_id=recipient,
                categories=frozenset(cats),
                valid_from=start,
                valid_to=end,
                contact_user_id=user,
                withdrawn_at=withdrawn,
                replaced_at=replaced,
                version_from=created if replaces is not None else None,
            )
        )
    return facts


def party_of(actor: Actor) -> Party:
    user = actor.user
    return Party(
        organisation_id=actor.organisation.pk if actor.organisation else None,
        role=actor.role,
        user_id=user.pk if user else None,
        care_unit_ids=frozenset(actor.care_unit_ids()),
        person_id=user.person_id if user is not None else None,
    )


def case_facts(case) -> CaseFacts:
    return CaseFacts(person_id=case.person_id, unit_id=case.unit_id)


def log_decision(actor: Actor, decision: Decision, case, object_type: str, object_id, extra=None):
    """Write a policy decision into the access log: the act with its ground and consent id
    when allowed, a `denied` event with the rule when not."""
    action = _ACTION_OF_ACT.get(decision.act, Action.READ) if decision.allowed else Action.DENIED
    auditor.record(
        actor=actor,
        action=action,
        ground=str(decision.ground),
        object_type=object_type,
        object_id=object_id or case.pk,
        person_id=case.person_id,
        ground_ref=decision.ground_ref or "",
        extra={"category": decision.category, "rule": str(decision.rule), **(extra or {})},
    )


def authorize(
    *,
    actor: Actor,
    case,
    category: str,
    act: str = Act.READ,
    object_type: str = "case",
    object_id=None,
    at: datetime | None = None,
    request: RequestFacts | None = None,
) -> Decision:
    """Ask the policy whether the actor may `act` on `category` of `case`; log the answer.

    `request`: the act happens within Försäkringskassan's request (see `policy`).
    """
    at = at or timezone.now()
    facts = consent_facts(person_ids=[case.person_id]).get(case.person_id, [])
    decision = policy.decide(
        party=party_of(actor),
        act=act,
        category=category,
        case=case_facts(case),
        consents=facts,
        at=at,
        request=request,
    )
    log_decision(actor, decision, case, object_type, object_id)
    return decision


def authorize_disclosure(
    *,
    actor: Actor,
    case,
    recipient: Organisation,
    category: str,
    object_type: str,
    object_id=None,
    at: datetime | None = None,
    request: RequestFacts | None = None,
) -> Decision:
    """May the care unit contact, write to or send `category` to `recipient`? Logged.

    Raises `ConsentMissing` with a message naming the missing consent (or the missing harm
    assessment, within Försäkringskassan's `request`) when not.
    """
    at = at or timezone.now()
    facts = consent_facts(person_ids=[case.person_id], recipient_id=recipient.pk)
    decision = policy.decide(
        party=Party(organisation_id=recipient.pk),
        act=Act.DISCLOSE,
        category=category,
        case=case_facts(case),
        consents=facts.get(case.person_id, []),
        at=at,
        request=request,
    )
    log_decision(
        actor, decision, case, object_type, object_id, extra={"recipient": str(recipient.pk)}
    )
    if not decision.allowed:
        label = str(dict(Category.choices).get(category, category)).lower()
        raise ConsentMissing(
            decision, policy.explain(decision, recipient=recipient.name, category=label)
        )
    return decision


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


def consents_for_person(*, actor: Actor, person) -> list[ConsentRow]:
    """Every consent version of the person at the actor's units (care staff), or for the
    patient their own consents, the current version of each only (a replaced version is
    history for the registry, not a consent of its own). Logged as a read of the person's
    consents."""
    if actor.role == "patient":
        if actor.user is None or actor.user.person_id != person.pk:
            raise Http404
        ground, scope = Ground.OWN_RECORD, Q(replaced_at__isnull=True)
    elif actor.care_unit_ids():
        if person.care_unit_id not in actor.care_unit_ids():
            raise Http404
        ground, scope = Ground.UNIT_MEMBERSHIP, Q(unit_id__in=actor.care_unit_ids())
    else:
        raise Http404
    consents = (
        Consent.objects.filter(scope, person=person)
        .select_related("recipient", "contact_person", "recorded_by", "withdrawn_by", "unit")
        .order_by("-created_at")
    )
    auditor.record(
        actor=actor,
        action=Action.READ,
        ground=ground,
        object_type="consents",
        object_id=person.pk,
        person_id=person.pk,
    )
    return consent_rows(consents)


def get_consent_for(*, actor: Actor, consent_id) -> Consent:
    """A consent the actor may act on: care staff at its unit, or the person themself."""
    consent = Consent.objects.select_related("person", "recipient").filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    own = actor.role == "patient" and actor.user and actor.user.person_id == consent.person_id
    if not own and consent.unit_id not in actor.care_unit_ids():
        raise Http404
    return consent


def recipients_in_force(*, unit_ids: Iterable) -> dict[object, list[tuple]]:
    """(recipient name, valid_to, expiring) of the consents in force now at these units,
    per person, in one query (the worklist's consent column)."""
    now = timezone.now()
    today = timezone.localdate()
    rows = (
        Consent.objects.in_force(now)
        .filter(unit_id__in=list(unit_ids))
        .values_list("person_id", "recipient__name", "valid_to")
        .order_by("valid_to", "recipient__name")
    )
    result: dict[object, list[tuple]] = defaultdict(list)
    for person_id, name, valid_to in rows:
        expiring = (valid_to - today).days <= EXPIRING_WITHIN_DAYS
        result[person_id].append((name, valid_to, expiring))
    return result


def get_case_for_category(*, actor: Actor, case_id, category: str, act: str = Act.READ):
    """The case, if the policy lets the actor `act` on `category` of it now; else 404.

    Care staff at the case's unit, the person themself and external actors with a covering
    consent all come through here; the decision is logged either way.
    """
    from samsyn.cases.models import Case

    case = Case.objects.select_related("person", "unit").filter(pk=case_id).first()
    if case is None:
        raise Http404
    decision = authorize(
        actor=actor, case=case, category=category, act=act, object_type=f"case:{category}"
    )
    if not decision.allowed:
        raise Http404
    return case


def _care_read(*, actor: Actor, consent_id, object_type: str) -> Consent:
    """A consent that care staff at its unit open (not the patient); the read is logged."""
    consent = get_consent_for(actor=actor, consent_id=consent_id)
    if actor.role == "patient":
        raise Http404
    auditor.record(
        actor=actor,
        action=Action.READ,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type=object_type,
        object_id=consent.pk,
        person_id=consent.person_id,
        ground_ref=consent.pk,
    )
    return consent


def get_consent_document(*, actor: Actor, consent_id) -> Consent:
    """A consent whose scanned document care staff at its unit open; the read is logged."""
    return _care_read(actor=actor, consent_id=consent_id, object_type="consent_document")


def get_consent_to_change(*, actor: Actor, consent_id) -> Consent:
    """A consent the unit's coordinator opens to change it (the change page shows the
    person and the consent); the read is logged."""
    return _care_read(actor=actor, consent_id=consent_id, object_type="consent")


def own_person(*, actor: Actor):
    """The patient's own person record (404 for a login without one)."""
    if actor.role != "patient" or actor.user is None or actor.user.person_id is None:
        raise Http404
    return actor.user.person

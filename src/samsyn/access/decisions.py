"""Decisions about a case: asked of `consent.policy`, logged with their ground.

- `ask`: the decision without a log entry, for what a page offers (never to show data);
- `authorize`: the decision, logged (allowed with its ground and reference, or a
  `denied` event with the rule); `require` also turns a no into a 404;
- `disclose`: may the care unit contact, write to or send to an external organisation?
  Logged; a no raises `ConsentMissing` naming what is missing;
- `decide_many`: one decision per row for lists, the facts fetched in one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.utils import timezone

from samsyn.access.denials import Denied, may_record_denial
from samsyn.access.facts import case_facts, consent_facts, party_of, recipient_party
from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.auditor import Access
from samsyn.audit.vocabulary import Action, ObjectType, case_category
from samsyn.consent import policy
from samsyn.consent.models import Category
from samsyn.consent.policy import Act, Decision, Party, RequestFacts

_ACTION_OF_ACT = {Act.READ: Action.READ, Act.WRITE: Action.CREATE, Act.DISCLOSE: Action.DISCLOSE}


class ConsentMissing(Exception):
    """A disclosure, contact or message was refused; `message` names the missing consent."""

    def __init__(self, decision: Decision, message: str):
        super().__init__(message)
        self.decision = decision
        self.message = message


def category_label(category: str) -> str:
    return str(dict(Category.choices).get(category, category)).lower()


def explain(decision: Decision, *, recipient: str, category: str) -> str:
    """The denial in the user's language, naming the missing consent."""
    return policy.explain(decision, recipient=recipient, category=category_label(category))


def access_of(decision: Decision, *, object_type, object_id, person_id, extra=None) -> Access:
    """The access event of a decision: the act with its ground and reference when allowed,
    a `denied` event with the rule when not."""
    allowed = decision.allowed
    return Access(
        action=_ACTION_OF_ACT.get(decision.act, Action.READ) if allowed else Action.DENIED,
        ground=str(decision.ground),
        object_type=object_type,
        object_id=str(object_id) if object_id else "",
        person_id=person_id,
        ground_ref=str(decision.ground_ref or ""),
        extra={"category": decision.category, "rule": str(decision.rule), **(extra or {})},
    )


def log(actor: Actor, decision: Decision, case, object_type, object_id=None, extra=None) -> None:
    """Write one decision about `case` into the access log (a denial within the actor's
    rate of denials, see `denials`)."""
    if not decision.allowed and not may_record_denial(actor):
        return
    access = access_of(
        decision,
        object_type=object_type,
        object_id=object_id or case.pk,
        person_id=case.person_id,
        extra=extra,
    )
    auditor.record_many(actor=actor, accesses=[access])


def _decide(party: Party, case, category, act, consents, at, request) -> Decision:
    return policy.decide(
        party=party,
        act=act,
        category=category,
        case=case_facts(case),
        consents=consents,
        at=at or timezone.now(),
        request=request,
    )


def ask(
    *,
    actor: Actor,
    case,
    category: str,
    act: str = Act.READ,
    at: datetime | None = None,
    request: RequestFacts | None = None,
) -> Decision:
    """May the actor `act` on `category` of `case`? Not logged: for what a page offers."""
    facts = consent_facts(person_ids=[case.person_id]).get(case.person_id, [])
    return _decide(party_of(actor), case, category, act, facts, at, request)


def authorize(
    *,
    actor: Actor,
    case,
    category: str,
    act: str = Act.READ,
    object_type: str = ObjectType.CASE,
    object_id=None,
    at: datetime | None = None,
    request: RequestFacts | None = None,
) -> Decision:
    """Ask the policy whether the actor may `act` on `category` of `case`; log the answer.

    `request`: the act happens within Försäkringskassan's request (see `consent.policy`).
    """
    decision = ask(actor=actor, case=case, category=category, act=act, at=at, request=request)
    log(actor, decision, case, object_type, object_id)
    return decision


def require(
    *,
    actor: Actor,
    case,
    category: str,
    act: str = Act.READ,
    object_type: str | None = None,
    object_id=None,
    request: RequestFacts | None = None,
) -> Decision:
    """`authorize`, and a 404 (no personal data) when the answer is no."""
    decision = authorize(
        actor=actor,
        case=case,
        category=category,
        act=act,
        object_type=object_type or case_category(category),
        object_id=object_id,
        request=request,
    )
    if not decision.allowed:
        raise Denied
    return decision


def preview_disclosure(
    *, case, recipient_id, category: str, at=None, request: RequestFacts | None = None
) -> Decision:
    """May the care unit disclose `category` to this organisation now? Not logged: what the
    coordinator sees before calling or writing."""
    facts = consent_facts(person_ids=[case.person_id], recipient_id=recipient_id)
    consents = facts.get(case.person_id, [])
    return _decide(
        recipient_party(recipient_id), case, category, Act.DISCLOSE, consents, at, request
    )


def disclose(
    *,
    actor: Actor,
    case,
    recipient,
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
    decision = preview_disclosure(
        case=case, recipient_id=recipient.pk, category=category, at=at, request=request
    )
    log(actor, decision, case, object_type, object_id, extra={"recipient": str(recipient.pk)})
    if not decision.allowed:
        raise ConsentMissing(
            decision, explain(decision, recipient=recipient.name, category=category)
        )
    return decision


def decide_many(
    *,
    party: Party,
    rows: Sequence,
    category: str | None = None,
    categories: Iterable[str] | None = None,
    act: str = Act.READ,
    at: datetime | None = None,
    requests: dict | None = None,
    consents: dict | None = None,
) -> list[dict[str, Decision]]:
    """For each row (anything with `person_id` and `unit_id`): its decision per category,
    the consent facts of all rows fetched in one query (or given as `consents`).
    `requests` maps a row's index to Försäkringskassan's request it is read under."""
    cats = [category] if category is not None else list(categories or policy.ALL_CATEGORIES)
    at = at or timezone.now()
    if consents is None:
        consents = consent_facts(person_ids={row.person_id for row in rows})
    result = []
    for index, row in enumerate(rows):
        facts = consents.get(row.person_id, [])
        request = (requests or {}).get(index)
        result.append({c: _decide(party, row, c, act, facts, at, request) for c in cats})
    return result


def allowed_categories(*, party: Party, case, consents, at: datetime, act: str = Act.READ):
    """Every category the party may `act` on, with the decision that allows it."""
    return policy.allowed_categories(
        party=party, case=case_facts(case), consents=consents, at=at, act=act
    )


def certificate_types(*, actor: Actor) -> frozenset[str] | None:
    """The certificate types the actor sees once `certificates` is allowed: every type
    (None) for care staff and the person themself, the role's own copies for an external
    actor, none for anyone else (`policy.certificate_types`)."""
    return policy.certificate_types(party=party_of(actor))


def shows_contact_details(*, actor: Actor, allowed: Iterable[str], protected: bool) -> bool:
    """May the actor see the person's address and contact details, given the categories
    `allowed` and whether the person has protected personal data or a noted risk of
    violence (`protected`)? See `policy.shows_contact_details`."""
    return policy.shows_contact_details(party=party_of(actor), allowed=allowed, protected=protected)

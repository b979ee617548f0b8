"""The facts the policy decides on, each built in a fixed number of queries.

`party_of` (who acts), `case_facts` (whose data, at which unit), `consent_facts` (the
person's consents, one query for any number of persons) and `request_facts`
(Försäkringskassan's request behind a question thread, with its harm assessment).

A consent naming a contact person whose login changed after the consent was recorded,
and that the consent's unit has not yet confirmed, gives nobody at the recipient access
(ADR 008): its `contact_user_id` is `UNCONFIRMED_LOGIN`, which matches no user, so the
policy denies every user of the recipient (rule `no_consent`) — neither the new login
nor, as a consent naming a contact without a login would, the whole organisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from samsyn.accounts.actor import Actor
from samsyn.collaboration.models import HarmAssessment, Thread, ThreadKind
from samsyn.consent.models import Consent
from samsyn.consent.policy import CaseFacts, ConsentFacts, Party, RequestFacts
from samsyn.directory.models import consent_awaits_login_confirmation

# The contact login of a consent whose named contact's changed login its unit has not
# confirmed: no user's id, so no user of the recipient is the named contact.
UNCONFIRMED_LOGIN = "contact-login-awaiting-confirmation"

_CONSENT_FIELDS = (
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
    "login_awaits_confirmation",
)


def unit_ids_of(actor: Actor) -> frozenset:
    """The care units (with sub-units) whose persons the actor sees as care staff; empty
    for external actors, patients, administrators and system jobs."""
    return frozenset(actor.care_unit_ids())


def party_of(actor: Actor) -> Party:
    user = actor.user
    return Party(
        organisation_id=actor.organisation.pk if actor.organisation else None,
        role=actor.role,
        user_id=user.pk if user else None,
        care_unit_ids=unit_ids_of(actor),
        person_id=user.person_id if user is not None else None,
    )


def recipient_party(organisation_id, *, role: str = "", user_id=None) -> Party:
    """An external organisation the care unit contacts or writes to (no role), or one of
    its users in their role."""
    return Party(organisation_id=organisation_id, role=role, user_id=user_id)


def case_facts(case) -> CaseFacts:
    """Whose data and at which unit: a case, or anything with `person_id` and `unit_id`."""
    return CaseFacts(person_id=case.person_id, unit_id=case.unit_id)


def person_facts(person) -> CaseFacts:
    """A person read outside a case: the person at their care unit."""
    return CaseFacts(person_id=person.pk, unit_id=person.care_unit_id)


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
    qs = qs.annotate(login_awaits_confirmation=consent_awaits_login_confirmation())
    facts: dict[object, list[ConsentFacts]] = defaultdict(list)
    for row in qs.values_list(*_CONSENT_FIELDS):
        values = dict(zip(_CONSENT_FIELDS, row, strict=True))
        facts[values["person_id"]].append(
            ConsentFacts(
                id=values["pk"],
                person_id=values["person_id"],
                unit_id=values["unit_id"],
                recipient_id=values["recipient_id"],
                categories=frozenset(values["categories"]),
                valid_from=values["valid_from"],
                valid_to=values["valid_to"],
                contact_user_id=(
                    UNCONFIRMED_LOGIN
                    if values["login_awaits_confirmation"]
                    else values["contact_person__user_id"]
                ),
                withdrawn_at=values["withdrawn_at"],
                replaced_at=values["replaced_at"],
                version_from=values["created_at"] if values["replaces_id"] is not None else None,
            )
        )
    return facts


def request_facts(
    thread: Thread, *, assessment: HarmAssessment | None = None
) -> RequestFacts | None:
    """The request behind an FK question thread with its latest harm assessment; None for
    every other thread. `assessment` saves the query when the caller has it."""
    if thread.kind != ThreadKind.FK_QUESTION:
        return None
    if assessment is None and thread.pk is not None and not thread._state.adding:
        assessment = thread.harm_assessments.order_by("-created_at").first()
    return RequestFacts(
        id=thread.pk,
        person_id=thread.case.person_id,
        unit_id=thread.case.unit_id,
        recipient_id=thread.party_id,
        assessment_id=assessment.pk if assessment else None,
        disclose=assessment.disclose if assessment else None,
        assessed_at=assessment.created_at if assessment else None,
    )


def open_request_facts(thread_id, person_id, unit_id, office_id) -> RequestFacts:
    """Försäkringskassan's own request as the office reads it (no assessment needed)."""
    return RequestFacts(thread_id, person_id, unit_id, office_id)

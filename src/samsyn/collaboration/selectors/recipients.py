"""Whom the care unit may contact or write to on a case: the case's external actors with
whether a consent covers the category now, and the directory's organisations and contact
persons for the forms. What the coordinator sees before calling or writing (not logged:
no decision is taken here, the contact or message itself is decided and logged)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from samsyn import access
from samsyn.accounts.models import Organisation
from samsyn.accounts.roles import EXTERNAL_ORGANISATION_TYPES
from samsyn.cases.models import Case
from samsyn.consent.models import Category
from samsyn.consent.policy import Act
from samsyn.directory.models import CaseActor, ContactPerson
from samsyn.directory.selectors import directory_organisations


@dataclass(frozen=True)
class ActorConsent:
    """An external actor linked to the case, and whether a consent covers `category` now."""

    organisation: Organisation
    contact_person: ContactPerson | None
    responsibility: str
    allowed: bool
    reason: str


def case_actor_consents(*, case: Case, category: str) -> list[ActorConsent]:
    """For each current external actor of the case: may the unit disclose `category` to
    them now? The person's consents are read once for all actors."""
    links = list(
        case.actors.current()
        .filter(organisation__type__in=EXTERNAL_ORGANISATION_TYPES)
        .select_related("organisation", "contact_person")
    )
    consents = access.consent_facts(person_ids=[case.person_id])
    now = timezone.now()
    rows = []
    for link in links:
        decision = access.decide_many(
            party=access.recipient_party(link.organisation_id),
            rows=[case],
            category=category,
            act=Act.DISCLOSE,
            at=now,
            consents=consents,
        )[0][category]
        reason = (
            ""
            if decision.allowed
            else access.explain(decision, recipient=link.organisation.name, category=category)
        )
        rows.append(
            ActorConsent(
                link.organisation,
                link.contact_person,
                link.responsibility,
                decision.allowed,
                reason,
            )
        )
    return rows


@dataclass(frozen=True)
class RecipientChoices:
    """The directory's organisations as the forms offer them (issue 17 §7): first those
    already in the case, then those the person's consents in force name, then the rest."""

    linked: list[Organisation]
    consented: list[Organisation]
    others: list[Organisation]


def organisation_choices(*, case: Case) -> RecipientChoices:
    """External directory organisations, grouped: the case's current actors, those the
    person's consents in force name, all others."""
    linked_ids = set(case.actors.current().values_list("organisation_id", flat=True))
    facts = access.consent_facts(person_ids=[case.person_id], in_force_at=timezone.now())
    named_ids = {f.recipient_id for f in facts.get(case.person_id, [])} - linked_ids
    orgs = list(directory_organisations().order_by("name"))
    return RecipientChoices(
        linked=[o for o in orgs if o.pk in linked_ids],
        consented=[o for o in orgs if o.pk in named_ids],
        others=[o for o in orgs if o.pk not in linked_ids and o.pk not in named_ids],
    )


@dataclass(frozen=True)
class RecipientCheck:
    """Whether a consent covers `category` for the chosen recipient now (not logged: what
    the coordinator sees before sending; the send itself is decided and logged)."""

    organisation: Organisation
    category: str
    allowed: bool
    reason: str


def recipient_check(*, case: Case, organisation_id, category: str) -> RecipientCheck | None:
    """The consent check of a chosen directory organisation, or None when it is not one."""
    organisation = directory_organisations().filter(pk=organisation_id).first()
    if organisation is None:
        return None
    decision = access.preview_disclosure(case=case, recipient_id=organisation.pk, category=category)
    reason = (
        ""
        if decision.allowed
        else access.explain(decision, recipient=organisation.name, category=category)
    )
    return RecipientCheck(organisation, category, decision.allowed, reason)


def contact_persons_for_case(*, case: Case):
    """Contact persons at the case's current actors (for the contact form)."""
    orgs = CaseActor.objects.filter(case=case, ended_on__isnull=True).values("organisation_id")
    return (
        ContactPerson.objects.active()
        .filter(organisation_id__in=orgs)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def consents_for_contacts(*, case: Case) -> list[ActorConsent]:
    """`case_actor_consents` for a contact (the category `contact`)."""
    return case_actor_consents(case=case, category=Category.CONTACT)


def consents_for_messages(*, case: Case) -> list[ActorConsent]:
    """`case_actor_consents` for a message (the category `messages`)."""
    return case_actor_consents(case=case, category=Category.MESSAGES)

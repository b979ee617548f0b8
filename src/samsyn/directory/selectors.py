"""Reads of the actors' directory and of a case's actors.

The directory itself holds no patients' data: it is open to care staff who keep it
(coordinators and unit managers). A case's actors are the person's data: who may read
them is the access module's (`samsyn.access`) to say, and reading them is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import (
    EXTERNAL_ORGANISATION_TYPES,
    Membership,
    Organisation,
    OrganisationType,
    User,
)
from samsyn.accounts.roles import DIRECTORY_EDITOR_ROLES, Role
from samsyn.accounts.selectors import external_login_choices, external_memberships_at
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.models import Case
from samsyn.collaboration.models import ContactEvent, Statement, Thread
from samsyn.consent.models import Consent
from samsyn.directory.models import (
    FILLABLE_ORGANISATION_FIELDS,
    CaseActor,
    ContactPerson,
    consent_awaits_login_confirmation,
)
from samsyn.directory.search import query_terms

SEARCH_LIMIT = 200


def may_edit_directory(actor: Actor) -> bool:
    """Coordinators and unit managers at a care unit keep (read and edit) the directory."""
    membership = actor.membership
    return (
        membership is not None
        and membership.is_active
        and membership.role in DIRECTORY_EDITOR_ROLES
        and membership.is_care_staff
    )


def may_change_entry(actor: Actor, owner_unit_id) -> bool:
    """May the actor change a directory entry kept by `owner_unit_id` (ADR 008)? A
    directory editor at that care unit or a unit above it; any directory editor while
    nobody keeps the entry (the first change claims it)."""
    if not may_edit_directory(actor):
        return False
    return owner_unit_id is None or access.care_staff_at(
        actor, owner_unit_id, roles=DIRECTORY_EDITOR_ROLES
    )


def organisation_owner_id(organisation: Organisation):
    """The care unit that keeps the directory organisation, or None."""
    owner = getattr(organisation, "directory_owner", None)
    return owner.unit_id if owner is not None else None


def may_change_organisation(*, actor: Actor, organisation: Organisation) -> bool:
    """What the organisation's page offers (its form, the merge); the services check it
    again."""
    return organisation.merged_into_id is None and may_change_entry(
        actor, organisation_owner_id(organisation)
    )


def may_change_contact(*, actor: Actor, contact: ContactPerson) -> bool:
    return contact.merged_into_id is None and may_change_entry(actor, contact.owner_unit_id)


def _changeable(actor: Actor, owner_field: str) -> Q:
    """The rows whose owner (`owner_field`) the actor may change, for a query."""
    units = access.unit_scope(actor) if may_edit_directory(actor) else []
    return Q(**{f"{owner_field}__isnull": True}) | Q(**{f"{owner_field}__in": units})


def login_memberships(organisation: Organisation) -> QuerySet[Membership]:
    """The memberships that let a login be a contact person's at `organisation`: active,
    in an external role, of an active user."""
    return external_memberships_at(organisation_id=organisation.pk)


def _require_reader(actor: Actor) -> None:
    if not may_edit_directory(actor):
        raise PermissionDenied


def directory_organisations() -> QuerySet[Organisation]:
    """Active (not merged) external organisations."""
    return Organisation.objects.filter(
        type__in=EXTERNAL_ORGANISATION_TYPES, merged_into__isnull=True
    )


def search_organisations(
    *, actor: Actor, query: str = "", type: str = "", limit: int = SEARCH_LIMIT
) -> list[Organisation]:
    """Organisations by name, organisationsnummer (with or without hyphen) or an active
    contact person's name, ignoring case in any alphabet ("åkerström" finds "Åkerströms
    Snickeri AB" on SQLite too); every word of the query must match ("hanna öberg").
    Each with `contact_count` (active contact persons). One query.

    The words are matched against the stored, folded `search_text` (directory/search.py),
    so the database compares folded strings only and its collation does not matter.
    """
    _require_reader(actor)
    organisations = directory_organisations()
    if type:
        organisations = organisations.filter(type=type)
    terms = query_terms(query)
    for term in terms:
        organisations = organisations.filter(search_text__contains=term)
    order = ["name", "pk"]
    if len(terms) > 1:
        # The words may match different fields ("nordbygg hanna": a name and a contact),
        # so the rows that hold them together as written ("hanna öberg") come first,
        # within the limit too.
        organisations = organisations.annotate(
            as_written=SqlCase(
                When(search_text__contains=" ".join(terms), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        order.insert(0, "as_written")
    organisations = organisations.annotate(
        contact_count=Count(
            "contact_persons", filter=Q(contact_persons__merged_into__isnull=True), distinct=True
        )
    ).order_by(*order)
    return list(organisations[:limit])


def get_organisation_for(*, actor: Actor, organisation_id) -> Organisation:
    """A directory organisation (merged ones too, so old links still work); 404 for care
    units and unknown ids."""
    _require_reader(actor)
    organisation = (
        Organisation.objects.select_related(
            "occupational_health", "parent", "merged_into", "directory_owner__unit"
        )
        .filter(pk=organisation_id, type__in=EXTERNAL_ORGANISATION_TYPES)
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


def get_contact_person_for(*, actor: Actor, contact_id) -> ContactPerson:
    _require_reader(actor)
    contact = (
        ContactPerson.objects.select_related(
            "organisation", "care_unit", "merged_into", "owner_unit", "user"
        )
        .filter(pk=contact_id, organisation__type__in=EXTERNAL_ORGANISATION_TYPES)
        .first()
    )
    if contact is None:
        raise Http404
    return contact


@dataclass
class OrganisationDetail:
    organisation: Organisation
    contacts: list[ContactPerson]
    employers_served: list[Organisation]
    sub_units: list[Organisation]
    merged_duplicates: list[Organisation]
    owner: Organisation | None  # the care unit that keeps the entry; None: nobody yet
    may_change: bool  # the actor may change the entry and merge it (ADR 008)


def organisation_detail(*, actor: Actor, organisation: Organisation) -> OrganisationDetail:
    _require_reader(actor)
    owner = getattr(organisation, "directory_owner", None)
    return OrganisationDetail(
        organisation=organisation,
        contacts=list(organisation.contact_persons.active().select_related("care_unit", "user")),
        employers_served=list(directory_organisations().filter(occupational_health=organisation)),
        sub_units=list(directory_organisations().filter(parent=organisation)),
        merged_duplicates=list(Organisation.objects.filter(merged_into=organisation)),
        owner=owner.unit if owner is not None else None,
        may_change=may_change_organisation(actor=actor, organisation=organisation),
    )


def occupational_health_services(*, actor: Actor) -> QuerySet[Organisation]:
    _require_reader(actor)
    return directory_organisations().filter(type=OrganisationType.OCCUPATIONAL_HEALTH)


def coordination_associations(*, actor: Actor) -> QuerySet[Organisation]:
    """Samordningsförbund (not their teams), the possible parents of a team."""
    _require_reader(actor)
    return directory_organisations().filter(
        type=OrganisationType.SAMORDNINGSFORBUND, parent__isnull=True
    )


def actor_care_units(*, actor: Actor) -> QuerySet[Organisation]:
    """The actor's own care units (for a contact person's "contact for unit")."""
    units = Organisation.objects.filter(type=OrganisationType.CARE_UNIT)
    return access.scoped(actor, units, unit_field="pk")


def contact_login_choices(
    *, actor: Actor, organisation: Organisation, contact: ContactPerson | None = None
) -> QuerySet[User]:
    """The logins a contact person at `organisation` may be linked to: active users with
    an active membership there in an external role. The contact's current login is kept
    among them even if it has since lost that role, so that saving other fields does not
    silently drop the link (the service refuses only a new, ineligible login)."""
    _require_reader(actor)
    keep = contact.user_id if contact is not None else None
    return external_login_choices(organisation_id=organisation.pk, keep_user_id=keep)


def merge_candidates(*, actor: Actor, organisation: Organisation) -> QuerySet[Organisation]:
    """Organisations that could be merged into `organisation` (same type, active)."""
    """...that the actor may change too (a merge changes both)."""
    _require_reader(actor)
    return (
        directory_organisations()
        .filter(type=organisation.type)
        .filter(_changeable(actor, "directory_owner__unit"))
        .exclude(pk=organisation.pk)
        .exclude(pk=organisation.parent_id or organisation.pk)
        .exclude(parent=organisation)
    )


def contact_merge_candidates(*, actor: Actor, contact: ContactPerson) -> QuerySet[ContactPerson]:
    _require_reader(actor)
    return (
        ContactPerson.objects.active()
        .filter(organisation_id=contact.organisation_id)
        .filter(_changeable(actor, "owner_unit"))
        .exclude(pk=contact.pk)
    )


# ---- a contact person's login, confirmed by the units whose consents name them -------


def consents_awaiting_login_confirmation() -> QuerySet[Consent]:
    """Consents still to be acted on (in force or not yet) whose named contact person's
    login changed after they were recorded, not yet confirmed by their unit (ADR 008)."""
    return (
        Consent.objects.filter(
            contact_person__isnull=False,
            withdrawn_at__isnull=True,
            replaced_at__isnull=True,
            valid_to__gte=timezone.localdate(),
        )
        .alias(awaits=consent_awaits_login_confirmation())
        .filter(awaits=True)
    )


def units_awaiting_login_confirmation(contact: ContactPerson) -> list:
    """The care units (ids) whose consents naming the contact wait for a confirmation."""
    units = consents_awaiting_login_confirmation().filter(contact_person=contact)
    return sorted(set(units.values_list("unit_id", flat=True)), key=str)


@dataclass(frozen=True)
class LoginConfirmation:
    """What the contact's page shows about the login: when it changed, how many units
    still have to confirm (not which: that a unit has a consent naming the contact is
    its own business), and which of them the actor confirms for."""

    changed_at: datetime | None
    waiting: int
    confirmable: list[Organisation]


def login_confirmation(*, actor: Actor, contact: ContactPerson) -> LoginConfirmation:
    _require_reader(actor)
    waiting = units_awaiting_login_confirmation(contact)
    mine = [unit for unit in waiting if access.is_coordinator_at(actor, unit)]
    return LoginConfirmation(
        changed_at=contact.login_changed_at,
        waiting=len(waiting),
        confirmable=list(Organisation.objects.filter(pk__in=mine).order_by("name")),
    )


def logins_awaiting_confirmation(*, actor: Actor) -> list[ContactPerson]:
    """Contact persons whose login the actor, a coordinator, is to confirm for one of
    their units (the directory's start page). One query."""
    _require_reader(actor)
    if actor.role != Role.COORDINATOR:
        return []
    consents = access.scoped(actor, consents_awaiting_login_confirmation())
    return list(
        ContactPerson.objects.filter(pk__in=consents.values("contact_person_id"))
        .select_related("organisation", "user")
        .order_by("organisation__name", "name")
    )


@dataclass(frozen=True)
class MergePreview:
    """What a merge would move, shown for confirmation (counts only: no personal data)."""

    keep: Organisation
    duplicate: Organisation
    contact_persons: list[str]
    case_actors: int
    consents: int
    contact_events: int
    threads: int
    statements: int
    employers: list[str]
    sub_units: list[str]
    memberships: int
    fills: list[str]


def merge_preview(*, actor: Actor, keep: Organisation, duplicate: Organisation) -> MergePreview:
    _require_reader(actor)
    return MergePreview(
        keep=keep,
        duplicate=duplicate,
        contact_persons=list(
            ContactPerson.objects.filter(organisation=duplicate).values_list("name", flat=True)
        ),
        case_actors=CaseActor.objects.filter(organisation=duplicate).count(),
        consents=Consent.objects.filter(recipient=duplicate).count(),
        contact_events=ContactEvent.objects.filter(organisation=duplicate).count(),
        threads=Thread.objects.filter(party=duplicate).count(),
        statements=Statement.objects.filter(organisation=duplicate).count(),
        employers=list(
            Organisation.objects.filter(occupational_health=duplicate).values_list(
                "name", flat=True
            )
        ),
        sub_units=list(
            Organisation.objects.filter(parent=duplicate).values_list("name", flat=True)
        ),
        memberships=duplicate.memberships.count(),
        fills=[
            str(Organisation._meta.get_field(name).verbose_name)
            for name in FILLABLE_ORGANISATION_FIELDS
            if not getattr(keep, Organisation._meta.get_field(name).attname)
            and getattr(duplicate, Organisation._meta.get_field(name).attname)
        ],
    )


# ---- a case's actors ---------------------------------------------------------------


@dataclass
class CaseActors:
    current: list[CaseActor]
    ended: list[CaseActor]
    parallel_rehab: list[CaseActor]  # two or more current actors with their own rehab

    @property
    def has_parallel_rehab(self) -> bool:
        return len(self.parallel_rehab) >= 2


def parallel_rehabilitation(links: list[CaseActor]) -> list[CaseActor]:
    """The current links with a rehabilitation of their own, when there are two or more
    (e.g. the employer's workplace rehab and AF's work-oriented rehab at once)."""
    rehab = [link for link in links if link.ended_on is None and link.rehab_kind]
    return rehab if len(rehab) >= 2 else []


def case_actors_for(*, actor: Actor, case: Case) -> CaseActors:
    """The case's current and ended actors (care staff at the case's unit; else 404).
    A read of the person's data: logged."""
    if not access.care_staff_at(actor, case.unit_id):
        raise Http404
    links = list(
        CaseActor.objects.filter(case=case)
        .select_related("organisation", "contact_person")
        .order_by("started_on", "created_at")
    )
    access.record_care_reads(
        actor=actor, object_type=ObjectType.CASE_ACTORS, rows=[(case.pk, case.person_id)]
    )
    current = [link for link in links if link.ended_on is None]
    return CaseActors(
        current=current,
        ended=[link for link in links if link.ended_on is not None],
        parallel_rehab=parallel_rehabilitation(current),
    )


def may_edit_case_actors(*, actor: Actor, case: Case) -> bool:
    """May the actor link actors to the case and end links (a coordinator at the case's
    unit, while the case is open)? What the page offers; the services check it again."""
    return case.is_open and access.is_coordinator_at(actor, case.unit_id)


def get_case_actor_for(*, actor: Actor, case: Case, case_actor_id) -> CaseActor:
    if not access.care_staff_at(actor, case.unit_id):
        raise Http404
    link = CaseActor.objects.filter(pk=case_actor_id, case=case).first()
    if link is None:
        raise Http404
    link.case = case
    return link


def linkable_organisations(*, actor: Actor, type: str = "") -> QuerySet[Organisation]:
    """Directory organisations a coordinator may link to a case (care staff only)."""
    if not access.is_care_staff(actor):
        raise PermissionDenied
    organisations = directory_organisations()
    if type:
        organisations = organisations.filter(type=type)
    return organisations.order_by("type", "name")


def linkable_contacts(*, actor: Actor, type: str = "") -> QuerySet[ContactPerson]:
    if not access.is_care_staff(actor):
        raise PermissionDenied
    contacts = ContactPerson.objects.active().filter(
        organisation__type__in=EXTERNAL_ORGANISATION_TYPES,
        organisation__merged_into__isnull=True,
    )
    if type:
        contacts = contacts.filter(organisation__type=type)
    return contacts.select_related("organisation").order_by("organisation__name", "name")

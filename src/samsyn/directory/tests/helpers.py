"""Directory test data, made through the real services where it matters."""

from datetime import date

from samsyn.accounts.models import Organisation, OrganisationType
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for
from samsyn.directory import services
from samsyn.people.tests.factories import PersonFactory

__all__ = ["actor_for", "make_contact", "make_org", "open_case_for"]


def make_org(user, name="Testbygg AB", type=OrganisationType.EMPLOYER, **fields) -> Organisation:
    return services.create_organisation(
        actor=actor_for(user), data=services.OrganisationData(type=type, name=name, **fields)
    )


def make_contact(user, organisation, name="Hanna HR", **fields):
    return services.create_contact_person(
        actor=actor_for(user),
        organisation=organisation,
        data=services.ContactData(name=name, **fields),
    )


def open_case_for(coordinator, unit, **person_fields):
    person = PersonFactory(care_unit=unit, **person_fields)
    return case_services.open_case(actor=actor_for(coordinator), person=person)


def link(coordinator, case, organisation, started_on=date(2026, 11, 1), **kwargs):
    return services.link_actor_to_case(
        actor=actor_for(coordinator),
        case=case,
        organisation=organisation,
        started_on=started_on,
        **kwargs,
    )

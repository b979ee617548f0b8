"""The access module's decisions: the batch form and disclosure."""

from types import SimpleNamespace

import pytest

from samsyn import access
from samsyn.access.tests.helpers import actor_for, consent_for
from samsyn.audit.models import AccessEvent, Action, Ground, ObjectType
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _rows(unit, employer_org, count):
    """`count` persons at the unit; every other one has consented to work capacity."""
    rows = []
    for index in range(count):
        person = PersonFactory(care_unit=unit)
        if index % 2 == 0:
            consent_for(person, employer_org, ["work_capacity"])
        rows.append(SimpleNamespace(person_id=person.pk, unit_id=unit.pk))
    return rows


@pytest.mark.parametrize("count", [1, 6])
def test_decide_many_fetches_the_consents_of_all_rows_in_one_query(
    django_assert_num_queries, count, employer_user, unit, employer_org
):
    rows = _rows(unit, employer_org, count)
    party = access.party_of(actor_for(employer_user))

    with django_assert_num_queries(1):
        decisions = access.decide_many(party=party, rows=rows, category="work_capacity")

    allowed = [d["work_capacity"].allowed for d in decisions]
    assert allowed == [index % 2 == 0 for index in range(count)]
    assert all(d["work_capacity"].ground == Ground.CONSENT for d in decisions if d["work_capacity"])


def test_decide_many_gives_one_decision_per_row_and_category(employer_user, unit, employer_org):
    rows = _rows(unit, employer_org, 2)
    party = access.party_of(actor_for(employer_user))

    decisions = access.decide_many(
        party=party, rows=rows, categories=["work_capacity", "diagnosis"]
    )

    assert [set(d) for d in decisions] == [{"work_capacity", "diagnosis"}] * 2
    assert not decisions[0]["diagnosis"].allowed
    assert decisions[0]["diagnosis"].rule == "category_not_covered"


def test_disclose_without_consent_raises_consent_missing_and_logs_the_denial(
    coordinator, case, employer_org
):
    with pytest.raises(access.ConsentMissing) as raised:
        access.disclose(
            actor=actor_for(coordinator),
            case=case,
            recipient=employer_org,
            category="contact",
            object_type=ObjectType.CONTACT,
        )

    assert "Samtycke saknas" in raised.value.message
    assert employer_org.name in raised.value.message
    assert "kontakt" in raised.value.message
    assert not raised.value.decision.allowed
    event = AccessEvent.objects.filter(object_type=ObjectType.CONTACT).get()
    assert event.action == Action.DENIED
    assert event.ground == Ground.NONE
    assert event.person_id == case.person_id
    assert event.extra == {
        "category": "contact",
        "rule": "no_consent",
        "recipient": str(employer_org.pk),
    }


def test_disclose_under_a_covering_consent_logs_the_disclosure_with_the_consent(
    coordinator, case, person, employer_org
):
    consent = consent_for(person, employer_org, ["contact"])

    decision = access.disclose(
        actor=actor_for(coordinator),
        case=case,
        recipient=employer_org,
        category="contact",
        object_type=ObjectType.CONTACT,
    )

    assert decision.allowed
    event = AccessEvent.objects.filter(object_type=ObjectType.CONTACT).get()
    assert (event.action, event.ground) == (Action.DISCLOSE, Ground.CONSENT)
    assert event.ground_ref == str(consent.pk)

from datetime import date

import pytest

from samsyn.audit.models import AccessEvent, Action
from samsyn.cases import services
from samsyn.cases.models import CaseStatus, Outcome
from samsyn.cases.tests.helpers import actor_for
from samsyn.people.tests.factories import PersonFactory


@pytest.fixture
def person(unit):
    return PersonFactory(care_unit=unit)


@pytest.mark.django_db
def test_coordinator_opens_case_with_history_and_audit(coordinator, person):
    case = services.open_case(actor=actor_for(coordinator), person=person)
    assert case.responsible == coordinator
    assert case.status == CaseStatus.NONE
    assert case.status_history.count() == 1
    assert case.responsible_history.get().responsible == coordinator
    event = AccessEvent.objects.get(object_type="case", action=Action.CREATE)
    assert event.person_id == person.pk
    assert event.ground == "unit_membership"


@pytest.mark.django_db
def test_preventive_case_needs_no_certificate(coordinator, person):
    case = services.open_case(actor=actor_for(coordinator), person=person, preventive=True)
    assert case.preventive
    assert not person.certificates.exists()


@pytest.mark.django_db
def test_second_open_case_for_same_person_is_refused(coordinator, person):
    services.open_case(actor=actor_for(coordinator), person=person)
    with pytest.raises(services.CaseError, match="redan ett öppet ärende"):
        services.open_case(actor=actor_for(coordinator), person=person)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["physician", "outsider", "employer_user"])
def test_only_coordinators_of_the_unit_open_cases(request, who, person):
    user = request.getfixturevalue(who)
    with pytest.raises(services.CaseError):
        services.open_case(actor=actor_for(user), person=person)
    assert not person.cases.exists()


@pytest.mark.django_db
def test_status_changes_are_kept_as_history(coordinator, person):
    actor = actor_for(coordinator)
    case = services.open_case(actor=actor, person=person)
    services.set_case_status(actor=actor, case=case, status=CaseStatus.CONTACTED)
    services.set_case_status(actor=actor, case=case, status=CaseStatus.ACTIVE, note="Möte bokat")
    history = list(case.status_history.values_list("status", flat=True))
    assert history == [CaseStatus.ACTIVE, CaseStatus.CONTACTED, CaseStatus.NONE]
    with pytest.raises(services.CaseError):
        services.set_case_status(actor=actor, case=case, status=CaseStatus.ACTIVE)
    with pytest.raises(services.CaseError, match="utfall"):
        services.set_case_status(actor=actor, case=case, status=CaseStatus.CLOSED)


@pytest.mark.django_db
def test_close_with_outcome_then_no_more_changes(coordinator, person):
    actor = actor_for(coordinator)
    case = services.open_case(actor=actor, person=person)
    services.close_case(
        actor=actor, case=case, outcome=Outcome.RETURN_PART_TIME, outcome_date=date(2026, 11, 1)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == Outcome.RETURN_PART_TIME
    with pytest.raises(services.CaseError):
        services.set_case_status(actor=actor, case=case, status=CaseStatus.ACTIVE)
    with pytest.raises(services.CaseError):
        services.add_task(actor=actor, case=case, title="x", due_date=date(2026, 12, 1))
    # A new case may be opened after the old one is closed.
    assert services.open_case(actor=actor, person=person).is_open


@pytest.mark.django_db
def test_hand_over_keeps_history(coordinator, colleague_same_unit, outsider, person):
    actor = actor_for(coordinator)
    case = services.open_case(actor=actor, person=person)
    services.hand_over_case(actor=actor, case=case, responsible=colleague_same_unit)
    assert case.responsible == colleague_same_unit
    assert case.responsible_history.count() == 2
    with pytest.raises(services.CaseError):
        services.hand_over_case(actor=actor, case=case, responsible=outsider)


@pytest.mark.django_db
def test_tasks_overdue_and_done(coordinator, person):
    actor = actor_for(coordinator)
    case = services.open_case(actor=actor, person=person)
    late = services.add_task(actor=actor, case=case, title="Ring", due_date=date(2026, 11, 1))
    services.add_task(actor=actor, case=case, title="Möte", due_date=date(2026, 12, 1))
    assert case.tasks.overdue(date(2026, 11, 22)).count() == 1
    services.complete_task(actor=actor, task=late)
    assert case.tasks.overdue(date(2026, 11, 22)).count() == 0

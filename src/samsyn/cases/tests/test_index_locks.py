"""On PostgreSQL, refreshes of a unit's worklist entries take turns, and hold nothing that
the unit's other work waits for: a page view's access event, or a write that refers to
the unit, goes on while an import or a write holds the unit's refresh (`cases.index.
_lock_units`). Each thread has its own connection; SQLite locks the whole database and is
not asked here."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory
from samsyn.audit import auditor
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases.index import refresh_entries
from samsyn.cases.models import WorklistEntry
from samsyn.cases.tests.helpers import WORKLIST_DAY, sick

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="row locks: the PostgreSQL pass runs it",
    ),
    pytest.mark.django_db(transaction=True),
]


def _wait_at_most(seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{int(seconds * 1000)}ms'")


class Holder:
    """A transaction in its own thread that refreshes a person's entries and stays open
    until `release()`."""

    def __init__(self, person_id, on: date) -> None:
        self.holding, self.released = threading.Event(), threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, args=(person_id, on))

    def _run(self, person_id, on) -> None:
        try:
            with transaction.atomic():
                refresh_entries(person_ids=[person_id], on=on)
                self.holding.set()
                self.released.wait(20)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)
        finally:
            connection.close()

    def __enter__(self) -> Holder:
        self.thread.start()
        assert self.holding.wait(20)
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.thread.join(20)
        assert self.errors == []


@pytest.fixture
def unit_with_sick_person():
    unit = OrganisationFactory()
    physician = MembershipFactory(organisation=unit, role=Role.PHYSICIAN).user
    coordinator = MembershipFactory(organisation=unit, role=Role.COORDINATOR)
    person = sick(physician, unit, days_ago=20, length=60)
    return unit, person, coordinator


def test_a_page_views_access_event_at_the_unit_does_not_wait_for_a_refresh(
    unit_with_sick_person,
):
    unit, person, membership = unit_with_sick_person
    actor = Actor(user=membership.user, membership=membership)
    with Holder(person.pk, WORKLIST_DAY), transaction.atomic():
        _wait_at_most(2)
        auditor.record(
            actor=actor,
            action=Action.READ,
            ground=Ground.UNIT_MEMBERSHIP,
            person_id=person.pk,
        )
        with connection.cursor() as cursor:  # the foreign keys' checks, now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    event = AccessEvent.objects.filter(actor=membership.user).latest("seq")
    assert event.organisation_id == unit.pk


def _refresh_waiting_at_most(seconds: float, person_id) -> None:
    with transaction.atomic():
        _wait_at_most(seconds)
        refresh_entries(person_ids=[person_id], on=WORKLIST_DAY)


def test_two_refreshes_of_one_unit_take_turns(unit_with_sick_person):
    unit, person, _ = unit_with_sick_person
    with Holder(person.pk, WORKLIST_DAY), pytest.raises(OperationalError, match="lock timeout"):
        _refresh_waiting_at_most(0.5, person.pk)
    _refresh_waiting_at_most(2, person.pk)  # once the first has committed
    assert WorklistEntry.objects.filter(person=person, unit=unit).count() == 1

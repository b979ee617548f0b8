"""`auditor.record_bulk`: the bulk writers' path (COPY on PostgreSQL) writes the same
chained events as `record_many`, and the chain checker accepts them."""

import pytest

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.chain import COLUMNS
from samsyn.audit.models import AccessEvent, Action, ChainHead, Ground, ObjectType
from samsyn.audit.tests.helpers import raw

pytestmark = pytest.mark.django_db


def _access(n, person_id=None):
    return auditor.Access(
        action=Action.CREATE,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type=ObjectType.CERTIFICATE,
        object_id=f"job-{n}",
        person_id=person_id,
        extra={"import": True, "certificates": [f"c-{n}"], "types": ["FK7804"]},
    )


def test_bulk_events_continue_the_chain_and_verify(coordinator, audit_settings):
    actor = Actor(user=coordinator, membership=coordinator.memberships.first())
    auditor.record(actor=actor, action=Action.READ, ground=Ground.UNIT_MEMBERSHIP)

    written = auditor.record_bulk(actor=actor, accesses=[_access(n) for n in range(3)])
    auditor.record(actor=actor, action=Action.READ, ground=Ground.UNIT_MEMBERSHIP)

    assert written == 3
    events = list(AccessEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    bulk = events[1]
    assert (bulk.actor_id, bulk.role, bulk.object_id) == (coordinator.pk, "coordinator", "job-0")
    assert bulk.organisation_id == coordinator.memberships.first().organisation_id
    assert bulk.extra == {"import": True, "certificates": ["c-0"], "types": ["FK7804"]}
    head = ChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (5, events[-1].hash)
    result = auditor.verify_chain()
    assert result.ok
    assert result.count == 5


def test_a_bulk_event_changed_afterwards_fails_the_check(coordinator, audit_settings):
    actor = Actor(user=coordinator, membership=coordinator.memberships.first())
    auditor.record_bulk(actor=actor, accesses=[_access(n) for n in range(2)])
    first = AccessEvent.objects.order_by("seq").values(*COLUMNS).first()
    # a forger with SQL access, not the application, changes the first event
    raw("UPDATE audit_accessevent SET object_id = %s WHERE seq = %s", ["job-x", first["seq"]])

    assert not auditor.verify_chain().ok


def test_bulk_refuses_a_word_outside_the_vocabulary(coordinator):
    actor = Actor(user=coordinator, membership=coordinator.memberships.first())
    bad = auditor.Access(action="peek", ground=Ground.UNIT_MEMBERSHIP)

    with pytest.raises(ValueError, match="Unknown action"):
        auditor.record_bulk(actor=actor, accesses=[bad])
    assert not AccessEvent.objects.exists()

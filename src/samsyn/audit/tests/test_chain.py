import hashlib
import hmac
import os
import subprocess
import sys

import pytest

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.chain import COLUMNS, EVENT_DOMAIN, event_payload
from samsyn.audit.models import AccessEvent, Action, ChainHead, Ground
from samsyn.audit.tests.helpers import TEST_KEYS, audit, raw, write_events

pytestmark = pytest.mark.django_db


def test_events_are_chained_under_the_key_and_verify(coordinator, audit_settings):
    write_events(coordinator)
    events = list(AccessEvent.objects.order_by("seq"))
    assert [(e.chain, e.seq, e.key_id) for e in events] == [(1, n, "t1") for n in range(1, 6)]
    assert events[0].prev_hash == auditor.GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    secret = TEST_KEYS.partition(":")[2].encode()
    row = AccessEvent.objects.filter(pk=events[2].pk).values(*COLUMNS).get()
    payload = event_payload(row)
    assert payload.startswith(EVENT_DOMAIN)
    assert events[2].hash == hmac.new(secret, payload, hashlib.sha256).hexdigest()
    assert events[2].hash != hashlib.sha256(payload).hexdigest()
    assert events[0].role == "coordinator"
    assert events[0].organisation_id == coordinator.memberships.first().organisation_id
    head = ChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (5, events[-1].hash)
    result = auditor.verify_chain()
    assert result.ok
    assert (result.count, result.chains, result.events_per_key) == (5, 1, {"t1": 5})


def test_one_call_writes_its_events_in_one_chain_in_order(coordinator):
    actor = Actor(user=coordinator, membership=coordinator.memberships.first())
    rows = [(n, None, Ground.UNIT_MEMBERSHIP, "") for n in range(3)]
    events = auditor.record_reads(actor=actor, object_type="worklist", rows=rows)
    assert [(e.chain, e.seq, e.object_id) for e in events] == [
        (1, 1, "0"),
        (1, 2, "1"),
        (1, 3, "2"),
    ]
    assert len({e.created_at for e in events}) == 1
    assert auditor.verify_chain().ok


def test_application_cannot_update_or_delete_events(coordinator):
    write_events(coordinator, n=1)
    event = AccessEvent.objects.get()
    event.action = Action.DELETE
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.update(action="x")


def test_event_without_user_or_system_job_is_refused():
    with pytest.raises(auditor.AnonymousAuditError):
        auditor.record(actor=Actor(), action=Action.READ, ground=Ground.SYSTEM)
    assert not AccessEvent.objects.exists()


def test_system_job_may_write_events():
    event = auditor.record(actor=Actor.system("nightly"), action=Action.UPDATE, ground="system")
    assert event.system_job == "nightly"


def test_unknown_ground_is_refused(coordinator):
    with pytest.raises(ValueError, match="ground"):
        auditor.record(actor=Actor(user=coordinator), action=Action.READ, ground="curiosity")


def test_missing_chain_heads_are_created_by_a_writer(settings, coordinator):
    """Migration 0006 creates the heads; a writer adds any that a larger setting needs."""
    assert ChainHead.objects.count() == settings.SAMSYN_AUDIT_CHAINS
    raw("DELETE FROM audit_chainhead")
    settings.SAMSYN_AUDIT_CHAINS = 4
    write_events(coordinator, n=2)
    assert sorted(ChainHead.objects.values_list("pk", "last_seq")) == [
        (1, 2),
        (2, 0),
        (3, 0),
        (4, 0),
    ]


def test_verify_command_exit_codes(coordinator, audit_settings):
    write_events(coordinator, n=3)
    code, out = audit("verify")
    assert code == 0
    assert "3 events" in out
    assert "NOTE: no checkpoint in" in out
    audit_settings.SAMSYN_AUDIT_CHECKPOINT_FILE = ""
    assert "NOTE: SAMSYN_AUDIT_CHECKPOINT_FILE is not set" in audit("verify")[1]


def test_verify_command_runs_as_console_script(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samsyn.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}",
    }
    run = [sys.executable, "-m", "samsyn"]
    subprocess.run([*run, "migrate", "audit", "-v0"], env=env, check=True)  # noqa: S603
    result = subprocess.run(  # noqa: S603
        [*run, "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "OK: 0 events in 0 chains" in result.stdout

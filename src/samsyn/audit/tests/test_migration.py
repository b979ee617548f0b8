"""Migration 0006 re-chains the events written before HMAC keys, after checking them by the
old rule; a log that no longer verifies by that rule stops the migration."""

import hashlib
import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from samsyn.audit.integrity import verify_chain
from samsyn.audit.models import AccessEvent
from samsyn.audit.tests.helpers import raw

BEFORE = ("audit", "0004_accessevent_object_type_login")
RECHAIN = ("audit", "0006_rechain_under_hmac_key")


def _old_hash(content: dict) -> str:
    """The hash before ADR 009: a plain SHA-256 of the canonical content."""
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def _write_old_chain(apps, n: int) -> None:
    """Events as the auditor wrote them before this change (one chain, plain SHA-256)."""
    OldEvent = apps.get_model("audit", "AccessEvent")
    OldHead = apps.get_model("audit", "ChainHead")
    prev = "0" * 64
    for seq in range(1, n + 1):
        created_at = datetime(2026, 11, 22, 9, 0, seq, 123456, tzinfo=UTC)
        content = {
            "seq": seq,
            "created_at": created_at.isoformat(),
            "actor": None,
            "system_job": "nightly",
            "organisation": None,
            "role": "",
            "action": "update",
            "object_type": "",
            "object_id": "",
            "person": None,
            "ground": "system",
            "ground_ref": "",
            "request_id": "",
            "extra": {"n": seq},
            "prev_hash": prev,
        }
        prev = _old_hash(content)
        OldEvent.objects.create(
            seq=seq,
            created_at=created_at,
            system_job="nightly",
            action="update",
            ground="system",
            extra={"n": seq},
            prev_hash=content["prev_hash"],
            hash=prev,
        )
    OldHead.objects.update_or_create(pk=1, defaults={"last_seq": n, "last_hash": prev})


@pytest.fixture
def executor(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    executor.loader.build_graph()
    yield executor
    raw("DELETE FROM audit_accessevent")
    raw("DELETE FROM audit_chainhead")
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_old_events_are_rechained_under_the_current_key_and_verify(executor):
    _write_old_chain(executor.loader.project_state([BEFORE]).apps, 4)
    old_hashes = [row[0] for row in _hashes()]
    executor.migrate([RECHAIN])
    rows = list(AccessEvent.objects.order_by("seq").values_list("chain", "seq", "key_id", "hash"))
    assert [row[:3] for row in rows] == [(1, n, "dev") for n in range(1, 5)]
    assert not {row[3] for row in rows} & set(old_hashes)
    result = verify_chain()
    assert result.ok, [str(f) for f in result.findings]
    assert result.count == 4


def test_a_broken_old_chain_stops_the_migration(executor):
    _write_old_chain(executor.loader.project_state([BEFORE]).apps, 3)
    raw("UPDATE audit_accessevent SET action = 'delete' WHERE seq = 2")
    before = _hashes()
    with pytest.raises(RuntimeError, match="event 2 does not match its hash"):
        executor.migrate([RECHAIN])
    assert _hashes() == before


def _hashes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM audit_accessevent ORDER BY seq")
        return cursor.fetchall()

"""`samsyn audit checkpoint`: signed heads appended to an owner-only file, and only after
what was added since the latest checkpoint verifies."""

import hashlib
import hmac
import json
import stat
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from samsyn.audit.checkpoints import CHECKPOINT_DOMAIN
from samsyn.audit.models import ChainHead
from samsyn.audit.tests.helpers import TEST_KEYS, audit, cut_tail, raw, write_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(audit_settings):
    return Path(audit_settings.SAMSYN_AUDIT_CHECKPOINT_FILE)


def test_checkpoint_is_a_signed_line_in_an_owner_only_file(coordinator, path):
    write_events(coordinator, n=3)
    code, out = audit("checkpoint")
    assert code == 0
    assert out == (
        "CHECKPOINT: 1 chain, 3 events (3 checked since the latest checkpoint) "
        f"appended to {path}\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    [line] = path.read_text().splitlines()
    checkpoint = json.loads(line)
    head = ChainHead.objects.get(pk=1)
    assert checkpoint["chains"] == {"1": [3, head.last_hash]}
    assert checkpoint["key_id"] == "t1"
    assert checkpoint["time"].startswith("20")
    mac = checkpoint.pop("mac")
    body = json.dumps(checkpoint, sort_keys=True, separators=(",", ":")).encode()
    secret = TEST_KEYS.partition(":")[2].encode()
    assert mac == hmac.new(secret, CHECKPOINT_DOMAIN + body, hashlib.sha256).hexdigest()


def test_checkpoints_are_appended(coordinator, path):
    write_events(coordinator, n=2)
    audit("checkpoint")
    first = path.read_text()
    write_events(coordinator, n=2)
    code, out = audit("checkpoint")
    assert code == 0
    assert "(3 checked since the latest checkpoint)" in out  # event 2 again, then 3 and 4
    assert path.read_text().startswith(first)
    assert [json.loads(line)["chains"]["1"][0] for line in path.read_text().splitlines()] == [2, 4]


def test_checkpoint_refuses_a_change_since_the_latest_and_writes_nothing(coordinator, path):
    write_events(coordinator, n=3)
    audit("checkpoint")
    write_events(coordinator, n=3)
    raw("UPDATE audit_accessevent SET role = 'admin' WHERE chain = 1 AND seq = 5")
    code, out = audit("checkpoint")
    assert code == 1
    assert out.splitlines() == [
        "CHANGED ROW: chain 1, event 5: its content does not match its HMAC (key t1)",
        f"REFUSED: 1 finding since the latest checkpoint; nothing written to {path}",
    ]
    assert len(path.read_text().splitlines()) == 1


def test_checkpoint_refuses_a_cut_below_the_latest(coordinator, path):
    write_events(coordinator, n=5)
    audit("checkpoint")
    cut_tail(3)
    code, out = audit("checkpoint")
    assert code == 1
    assert out.startswith("CUT TAIL: chain 1: its head says event 3, but the checkpoint of ")
    assert "recorded event 5: events were removed from its end" in out


def test_checkpoint_checks_only_what_was_added_but_verify_checks_all(coordinator, path):
    write_events(coordinator, n=5)
    audit("checkpoint")
    raw("UPDATE audit_accessevent SET role = 'admin' WHERE chain = 1 AND seq = 2")
    assert audit("checkpoint")[0] == 0
    code, out = audit("verify")
    assert code == 1
    assert "CHANGED ROW: chain 1, event 2" in out


def test_checkpoint_refuses_a_file_others_may_read(coordinator, path):
    write_events(coordinator, n=1)
    path.parent.mkdir(parents=True)
    path.write_text("")
    path.chmod(0o644)
    with pytest.raises(CommandError, match="chmod 600"):
        audit("checkpoint")
    assert path.read_text() == ""


def test_checkpoint_needs_a_file(coordinator, audit_settings):
    audit_settings.SAMSYN_AUDIT_CHECKPOINT_FILE = ""
    with pytest.raises(CommandError, match="SAMSYN_AUDIT_CHECKPOINT_FILE is not set"):
        audit("checkpoint")


def test_keys_rotate_events_and_checkpoints_of_the_old_key_still_verify(
    coordinator, path, audit_settings
):
    settings = audit_settings
    write_events(coordinator, n=2)
    audit("checkpoint")
    settings.SAMSYN_AUDIT_KEYS = TEST_KEYS + "\nt2:the-second-key-0123456789-abcdefghijklmn"
    events = write_events(coordinator, n=2)
    assert [e.key_id for e in events] == ["t2", "t2"]
    assert audit("checkpoint")[0] == 0
    assert [json.loads(line)["key_id"] for line in path.read_text().splitlines()] == ["t1", "t2"]
    code, out = audit("verify")
    assert code == 0
    assert "4 events in 1 chain (events per key: t1: 2, t2: 2)" in out
    assert "2 checkpoints agree" in out
    settings.SAMSYN_AUDIT_KEYS = "t2:the-second-key-0123456789-abcdefghijklmn"
    code, out = audit("verify")
    assert code == 1
    assert "UNKNOWN KEY: chain 1, events 1–2 (2): signed with key t1" in out


def test_checkpoint_creates_the_heads_a_larger_setting_asks_for(coordinator, audit_settings):
    write_events(coordinator, n=1)
    audit_settings.SAMSYN_AUDIT_CHAINS = 20
    assert ChainHead.objects.count() == 16
    assert audit("checkpoint")[0] == 0
    assert ChainHead.objects.count() == 20

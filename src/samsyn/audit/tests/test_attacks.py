"""The four attacks on the access log, done as an attacker with a database login would
(SQL straight at the tables, hashes recomputed from the public source), and a wrong key:
`samsyn audit verify` exits 1 and names each; an untouched log verifies."""

import json
from pathlib import Path

import pytest

from samsyn.audit.tests.helpers import (
    audit,
    cut_tail,
    hmac_with,
    plain_sha256,
    raw,
    rewrite_from,
    write_events,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("audit_settings")]


def _lines(out: str, kind: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(kind.upper() + ":")]


def test_untouched_log_verifies_with_its_checkpoint(coordinator):
    write_events(coordinator)
    assert audit("checkpoint")[0] == 0
    code, out = audit("verify")
    assert code == 0, out
    assert out.startswith("OK: 5 events in 1 chain (events per key: t1: 5) verify")
    assert "1 checkpoint agrees, the latest of " in out


def test_changed_row_is_named(coordinator):
    write_events(coordinator)
    raw("UPDATE audit_accessevent SET action = 'delete' WHERE chain = 1 AND seq = 3")
    code, out = audit("verify")
    assert code == 1
    assert _lines(out, "changed row") == [
        "CHANGED ROW: chain 1, event 3: its content does not match its HMAC (key t1)"
    ]
    assert not _lines(out, "rewritten")
    assert not _lines(out, "cut tail")
    assert "BROKEN: 1 finding;" in out


def test_changed_row_with_a_recomputed_hash_is_named(coordinator):
    write_events(coordinator)
    from samsyn.audit.chain import COLUMNS
    from samsyn.audit.models import AccessEvent

    row = AccessEvent.objects.filter(chain=1, seq=3).values(*COLUMNS).get()
    row["action"] = "delete"
    raw(
        "UPDATE audit_accessevent SET action = 'delete', hash = %s WHERE chain = 1 AND seq = 3",
        [plain_sha256(row)],
    )
    code, out = audit("verify")
    assert code == 1
    assert _lines(out, "changed row") == [
        "CHANGED ROW: chain 1, event 3: its content does not match its HMAC (key t1)"
    ]
    assert "BROKEN: 1 finding;" in out  # event 4's broken link is the change's doing


def test_deleted_row_is_named(coordinator):
    write_events(coordinator)
    raw("DELETE FROM audit_accessevent WHERE chain = 1 AND seq = 2")
    code, out = audit("verify")
    assert code == 1
    assert _lines(out, "deleted row") == [
        "DELETED ROW: chain 1, event 2 missing: event 3 follows event 1"
    ]


def test_deleted_rows_at_the_start_are_named(coordinator):
    write_events(coordinator)
    raw("DELETE FROM audit_accessevent WHERE chain = 1 AND seq <= 2")
    code, out = audit("verify")
    assert code == 1
    assert _lines(out, "deleted row") == [
        "DELETED ROW: chain 1, events 1–2 (2) missing: event 3 comes first"
    ]


def test_cut_tail_with_the_head_moved_is_named_by_the_checkpoint(coordinator):
    write_events(coordinator)
    assert audit("checkpoint")[0] == 0
    cut_tail(3)
    code, out = audit("verify")
    assert code == 1
    [line] = _lines(out, "cut tail")
    assert line.startswith("CUT TAIL: chain 1 ends at event 3, but the checkpoint of ")
    assert line.endswith("(line 1) recorded event 5: events were removed from its end")
    assert "BROKEN: 1 finding;" in out


def test_cut_tail_with_the_head_left_is_named_by_the_head(coordinator):
    write_events(coordinator)
    cut_tail(3, move_head=False)
    code, out = audit("verify")
    assert code == 1
    assert _lines(out, "cut tail") == [
        "CUT TAIL: chain 1 ends at event 3, but its head says event 5: "
        "events were removed from its end"
    ]


def test_cut_tail_after_the_latest_checkpoint_is_not_seen_and_verify_says_so(coordinator):
    """The limit of checkpoints: what was written since the latest one can be cut unseen."""
    write_events(coordinator, n=3)
    assert audit("checkpoint")[0] == 0
    write_events(coordinator, n=2)
    cut_tail(3)
    code, out = audit("verify")
    assert code == 0
    assert "NOTE: no" not in out
    write_events(coordinator, n=2)
    code, out = audit("verify")
    assert code == 0
    assert "NOTE: 2 events written since the latest checkpoint" in out


@pytest.mark.parametrize(
    "forge",
    [plain_sha256, hmac_with("the-attackers-own-key-0123456789-abcdef")],
    ids=["plain-sha256", "hmac-with-a-wrong-key"],
)
def test_rewritten_chain_is_named_by_the_hmac_and_by_the_checkpoint(coordinator, forge):
    write_events(coordinator)
    assert audit("checkpoint")[0] == 0
    rewrite_from(2, forge)
    code, out = audit("verify")
    assert code == 1
    by_hmac, by_checkpoint = _lines(out, "rewritten")
    assert by_hmac == (
        "REWRITTEN: chain 1, events 2–5 (4): none matches its HMAC (key t1), yet each links "
        "to the one before: changed, with every later hash recomputed without the key"
    )
    assert by_checkpoint.startswith("REWRITTEN: chain 1, event 5: its hash is not the one")
    assert "the chain was rewritten after it" in by_checkpoint
    assert not _lines(out, "wrong key")
    assert not _lines(out, "changed row")


def test_rewritten_chain_is_named_by_the_hmac_without_any_checkpoint(coordinator):
    write_events(coordinator)
    rewrite_from(4, plain_sha256)
    code, out = audit("verify")
    assert code == 1
    assert [line[:45] for line in _lines(out, "rewritten")] == [
        "REWRITTEN: chain 1, events 4–5 (2): none matc"
    ]


def test_wrong_key_is_named_once_in_place_of_every_event(coordinator, settings):
    write_events(coordinator)
    assert audit("checkpoint")[0] == 0
    settings.SAMSYN_AUDIT_KEYS = "t1:not-the-key-that-signed-0123456789-abcdefgh"
    code, out = audit("verify")
    assert code == 1
    assert out.splitlines()[0] == (
        "WRONG KEY: key t1 verifies none of the 5 events and 1 checkpoint that name it: "
        "it is not the key that signed them (check SAMSYN_AUDIT_KEYS)"
    )
    assert "BROKEN: 1 finding;" in out


def test_wrong_key_without_checkpoints_is_named_with_its_doubt(coordinator, settings):
    write_events(coordinator, n=2)
    settings.SAMSYN_AUDIT_KEYS = "t1:not-the-key-that-signed-0123456789-abcdefgh"
    code, out = audit("verify")
    assert code == 1
    assert _lines(out, "wrong key") == [
        "WRONG KEY: key t1 verifies none of the 2 events that name it: no checkpoint signed "
        "with it tells a wrong key from a rewritten log (check SAMSYN_AUDIT_KEYS)"
    ]


def test_event_under_a_key_id_not_in_the_ring_is_named(coordinator):
    write_events(coordinator)
    raw("UPDATE audit_accessevent SET key_id = 'old' WHERE chain = 1 AND seq = 4")
    code, out = audit("verify")
    assert code == 1
    assert _lines(out, "unknown key") == [
        "UNKNOWN KEY: chain 1, event 4: signed with key old, which is not in SAMSYN_AUDIT_KEYS"
    ]


def test_altered_checkpoint_file_is_named(coordinator, audit_settings):
    write_events(coordinator)
    assert audit("checkpoint")[0] == 0
    path = Path(audit_settings.SAMSYN_AUDIT_CHECKPOINT_FILE)
    checkpoint = json.loads(path.read_text())
    checkpoint["chains"]["1"][0] = 9
    path.write_text(json.dumps(checkpoint) + "\nnot json\n")
    code, out = audit("verify")
    assert code == 1
    [altered] = _lines(out, "bad checkpoint")[:1]
    assert "line 1 of" in altered
    assert "does not match its HMAC (key t1)" in altered
    assert _lines(out, "bad checkpoint")[1].endswith(
        "line 2 of " + str(path) + ": not a checkpoint"
    )
    assert not _lines(out, "cut tail")  # an unsigned claim is not believed

# Re-chain the existing events under the current HMAC key (ADR 009).
#
# Before this migration each event's hash was a plain SHA-256 that anyone can recompute.
# The old chain is verified first, by the old rule; only if it holds is every event's hash
# replaced by the HMAC (under the current key, whose id is stored in `key_id`) of the new
# canonical content. A broken old chain stops the migration: signing it would launder
# whatever was done to it. Both canonical forms are frozen here, as they were at this
# migration; `audit/tests/test_migration.py` checks the new one against `audit.chain`.
# It also creates the heads of chains 1..SAMSYN_AUDIT_CHAINS, so that the first writers
# do not have to (a head inserted inside a writer's transaction makes others wait for it).

import hashlib
import json

from django.conf import settings
from django.db import migrations

from samsyn.audit.keys import configured_keyring

GENESIS_HASH = "0" * 64
EVENT_DOMAIN = b"samsyn.audit.event.v1\n"
FIELDS = (
    "pk",
    "seq",
    "created_at",
    "actor_id",
    "system_job",
    "organisation_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "ground",
    "ground_ref",
    "request_id",
    "extra",
    "prev_hash",
    "hash",
)


def _content(row):
    return {
        "seq": row["seq"],
        "created_at": row["created_at"].isoformat(),
        "actor": row["actor_id"],
        "system_job": row["system_job"],
        "organisation": str(row["organisation_id"]) if row["organisation_id"] else None,
        "role": row["role"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "person": str(row["person_id"]) if row["person_id"] else None,
        "ground": row["ground"],
        "ground_ref": row["ground_ref"],
        "request_id": row["request_id"],
        "extra": row["extra"],
        "prev_hash": row["prev_hash"],
    }


def _json(content):
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _old_hash(row):
    return hashlib.sha256(_json(_content(row))).hexdigest()


def _new_hash(keyring, row, prev_hash):
    content = {**_content(row), "chain": 1, "key_id": keyring.current_id, "prev_hash": prev_hash}
    return keyring.mac(keyring.current_id, EVENT_DOMAIN + _json(content))


class OldChainBroken(RuntimeError):
    pass


def rechain(apps, schema_editor):
    AccessEvent = apps.get_model("audit", "AccessEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    keyring = configured_keyring()
    rows = AccessEvent.objects.order_by("seq").values(*FIELDS)
    old_prev = new_prev = GENESIS_HASH
    expected_seq, last_seq = 1, 0
    while batch := list(rows.filter(seq__gt=last_seq)[:2000]):
        updates = []
        for row in batch:
            if row["seq"] != expected_seq:
                problem = "is missing"
            elif row["prev_hash"] != old_prev:
                problem = "does not link to the event before it"
            elif _old_hash(row) != row["hash"]:
                problem = "does not match its hash"
            else:
                problem = ""
            if problem:
                raise OldChainBroken(
                    f"The access log does not verify: event {expected_seq} {problem}. "
                    "Re-chaining it under the HMAC key would hide that: find out what "
                    "happened (`samsyn audit verify` of the previous version) first."
                )
            old_prev = row["hash"]
            event = AccessEvent(pk=row["pk"], chain=1, key_id=keyring.current_id)
            event.prev_hash = new_prev
            event.hash = new_prev = _new_hash(keyring, row, new_prev)
            updates.append(event)
            expected_seq += 1
        AccessEvent.objects.bulk_update(updates, ["chain", "key_id", "prev_hash", "hash"])
        last_seq = batch[-1]["seq"]
    head = ChainHead.objects.filter(pk=1).first()
    count = expected_seq - 1
    if head is None and count:
        raise OldChainBroken("The access log has events but no chain head.")
    if head is not None and (head.last_seq, head.last_hash) != (count, old_prev):
        raise OldChainBroken(
            f"The access log does not verify: its head says event {head.last_seq}, "
            f"the chain ends at event {count}."
        )
    if head is not None:
        head.last_hash = new_prev
        head.save(update_fields=["last_hash"])
    heads = [ChainHead(pk=n) for n in range(1, settings.SAMSYN_AUDIT_CHAINS + 1)]
    ChainHead.objects.bulk_create(heads, ignore_conflicts=True)


def refuse_to_unchain(apps, schema_editor):
    if apps.get_model("audit", "AccessEvent").objects.exists():
        raise RuntimeError(
            "The access log is chained under an HMAC key; going back to plain SHA-256 "
            "hashes would make it rewritable. Not reversible while it holds events."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_accessevent_chain_key_id"),
    ]

    operations = [
        migrations.RunPython(rechain, refuse_to_unchain),
    ]

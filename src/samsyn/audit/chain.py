"""What an event's HMAC covers: its canonical content, including the previous event's hash.

Shared by the writer (`auditor.record_many`) and the checks (`integrity`). No ORM: a
row is any mapping (or model instance, through `row_of`) with the `COLUMNS` below.
"""

from __future__ import annotations

import json
from typing import Any

from samsyn.audit.keys import Keyring

GENESIS_HASH = "0" * 64

# Domain separation: an event's MAC can never pass for a checkpoint's, or the reverse.
EVENT_DOMAIN = b"samsyn.audit.event.v1\n"

# The stored columns the HMAC covers (attribute names, so `.values(*COLUMNS)` works).
COLUMNS = (
    "chain",
    "seq",
    "key_id",
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
)


def row_of(event: Any) -> dict[str, Any]:
    """The `COLUMNS` of a model instance, as `.values()` would return them."""
    return {name: getattr(event, name) for name in COLUMNS}


def event_content(row: dict[str, Any]) -> dict[str, Any]:
    """The canonical content that the HMAC covers."""
    return {
        "chain": row["chain"],
        "seq": row["seq"],
        "key_id": row["key_id"],
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


def event_payload(row: dict[str, Any]) -> bytes:
    content = json.dumps(event_content(row), sort_keys=True, separators=(",", ":"))
    return EVENT_DOMAIN + content.encode("utf-8")


def event_hash(keyring: Keyring, row: dict[str, Any]) -> str | None:
    """HMAC-SHA-256 of the row under its own `key_id`; None when that key is unknown."""
    return keyring.mac(row["key_id"], event_payload(row))

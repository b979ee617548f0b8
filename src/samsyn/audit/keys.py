"""The audit log's HMAC keys, held outside the database (ADR 009).

`settings.SAMSYN_AUDIT_KEYS` holds the key ring as text: entries `id:secret`, one per
line or separated by commas (`#` starts a comment line). It comes from the environment
variable `SAMSYN_AUDIT_KEYS` or from the file named by `SAMSYN_AUDIT_KEYS_FILE`. The
**last** entry signs new events and checkpoints; the earlier ones only verify what they
once signed, so a key is rotated by appending a new entry (`samsyn audit keygen`) and
never removing the old one while events signed with it are kept.

No ORM here: the ring is parsed from text and cached per text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured

# The development key: in the source, so known to everyone. `samsyn check --deploy`
# refuses a key ring that holds it (samsyn.audit.E001).
DEV_KEY_ID = "dev"
DEV_KEY_SECRET = "DEVELOPMENT-ONLY-audit-key-published-in-the-source-never-use-in-production"  # noqa: S105
DEV_KEYS = f"{DEV_KEY_ID}:{DEV_KEY_SECRET}"

MIN_SECRET_LENGTH = 32
KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")


class AuditKeyError(ImproperlyConfigured):
    """The key ring is missing, malformed or too weak."""


@dataclass(frozen=True)
class Keyring:
    """Key id -> secret; `current_id` signs, every key verifies what it signed."""

    keys: Mapping[str, bytes]
    current_id: str

    def __contains__(self, key_id: object) -> bool:
        return key_id in self.keys

    def mac(self, key_id: str, payload: bytes) -> str | None:
        """HMAC-SHA-256 of `payload` under `key_id` (hex), or None for an unknown id."""
        secret = self.keys.get(key_id)
        if secret is None:
            return None
        return hmac.new(secret, payload, hashlib.sha256).hexdigest()

    def verifies(self, key_id: str, payload: bytes, mac: str) -> bool | None:
        """Whether `mac` is `payload`'s HMAC under `key_id`; None for an unknown id."""
        expected = self.mac(key_id, payload)
        if expected is None:
            return None
        return hmac.compare_digest(expected, mac)

    @property
    def holds_dev_key(self) -> bool:
        dev = DEV_KEY_SECRET.encode()
        return DEV_KEY_ID in self.keys or any(s == dev for s in self.keys.values())


def parse_keyring(text: str) -> Keyring:
    """Parse `id:secret` entries (lines or commas); the last one is the current key."""
    entries = [
        entry.strip()
        for line in text.splitlines()
        if not line.strip().startswith("#")
        for entry in line.split(",")
        if entry.strip()
    ]
    if not entries:
        raise AuditKeyError("SAMSYN_AUDIT_KEYS is empty: the audit log needs an HMAC key.")
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, sep, secret = entry.partition(":")
        key_id, secret = key_id.strip(), secret.strip()
        if not sep or not KEY_ID.fullmatch(key_id):
            raise AuditKeyError(
                "SAMSYN_AUDIT_KEYS: each entry is 'id:secret' with an id of letters, digits, "
                f"'.', '_' or '-' (at most 32); got an entry starting {key_id[:8]!r}."
            )
        if len(secret) < MIN_SECRET_LENGTH:
            raise AuditKeyError(
                f"SAMSYN_AUDIT_KEYS: the secret of key {key_id!r} is shorter than "
                f"{MIN_SECRET_LENGTH} characters (make one with `samsyn audit keygen`)."
            )
        if key_id in keys:
            raise AuditKeyError(f"SAMSYN_AUDIT_KEYS: key id {key_id!r} appears twice.")
        keys[key_id] = secret.encode("utf-8")
    return Keyring(keys=keys, current_id=key_id)


@lru_cache(maxsize=8)
def _parsed(text: str) -> Keyring:
    return parse_keyring(text)


def configured_keyring() -> Keyring:
    """The key ring from the settings (parsed once per distinct value)."""
    from django.conf import settings

    return _parsed(settings.SAMSYN_AUDIT_KEYS)


def generate_key(key_id: str) -> str:
    """A new `id:secret` entry with 256 random bits, to append to the key ring."""
    if not KEY_ID.fullmatch(key_id):
        raise AuditKeyError(f"Key id {key_id!r}: letters, digits, '.', '_' or '-' (at most 32).")
    return f"{key_id}:{secrets.token_urlsafe(32)}"

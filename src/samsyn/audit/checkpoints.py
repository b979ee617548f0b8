"""Checkpoints of the chain heads, kept outside the database in an append-only file.

One line of JSON per checkpoint: the time, the key id, each chain's head as
`[seq, hash]`, and the HMAC of all of that under the key (`mac`). The file is created
readable and writable by its owner only, is only ever appended to, and lives where a
database login cannot reach it (ideally on another host or a write-once volume).
No ORM here: `integrity.write_checkpoint` decides what to sign.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from samsyn.audit.keys import Keyring

CHECKPOINT_DOMAIN = b"samsyn.audit.checkpoint.v1\n"


class CheckpointFileError(RuntimeError):
    """The checkpoint file cannot be used as it is (say why)."""


@dataclass(frozen=True)
class Checkpoint:
    line: int
    time: str
    key_id: str
    heads: dict[int, tuple[int, str]]
    mac: str
    body: dict

    def verifies(self, keyring: Keyring) -> bool | None:
        """Whether the line's MAC holds under its key; None when the key is unknown."""
        return keyring.verifies(self.key_id, _payload(self.body), self.mac)


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


def _payload(body: dict) -> bytes:
    return CHECKPOINT_DOMAIN + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def sign(keyring: Keyring, *, time: str, heads: dict[int, tuple[int, str]]) -> str:
    """One checkpoint line (without the newline), signed with the current key."""
    body = {
        "v": 1,
        "time": time,
        "key_id": keyring.current_id,
        "chains": {str(chain): [seq, hash_] for chain, (seq, hash_) in sorted(heads.items())},
    }
    mac = keyring.mac(keyring.current_id, _payload(body))
    return json.dumps({**body, "mac": mac}, sort_keys=True, separators=(",", ":"))


def parse(number: int, text: str) -> Checkpoint | BadLine:
    try:
        data = json.loads(text)
        mac = data.pop("mac")
        heads = {int(c): (int(s), str(h)) for c, (s, h) in data["chains"].items()}
        return Checkpoint(number, str(data["time"]), str(data["key_id"]), heads, str(mac), data)
    except (ValueError, KeyError, TypeError, AttributeError):
        return BadLine(number, "not a checkpoint")


def read(path: Path) -> list[Checkpoint | BadLine]:
    """Every line of the file, in order (an empty list when the file does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [parse(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def append(path: Path, line: str) -> None:
    """Append one line, creating the file (and its directory) for the owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if mode & 0o077:
            raise CheckpointFileError(
                f"{path} is open to others (mode {mode:o}); it must be 600 (chmod 600 {path})."
            )
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)

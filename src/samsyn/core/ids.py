"""Time-ordered UUIDs for rows written in bulk (RFC 9562, version 7).

A random UUID (version 4) lands anywhere in its primary-key index, so a million of them
touch every page of the index, and the rows that refer to them check their foreign keys
in random order too. `uuid7_sequence` gives version-7 UUIDs that increase strictly: each
is the Unix time in milliseconds at the sequence's start (48 bits), the version, a 42-bit
counter (RFC 9562 §6.2, method 1: the 12 bits of ``rand_a`` and the first 30 of
``rand_b``), the variant, and 32 random bits. The counter starts at a random value below
2**41, so it cannot overflow; two sequences started in the same millisecond differ in
the counter's start and in every id's random bits (and the primary key would refuse a
clash). They are ordinary UUIDs for every other purpose.
"""

from __future__ import annotations

import random
import secrets
import time
import uuid
from collections.abc import Iterator

_LOW30 = (1 << 30) - 1


def uuid7_sequence() -> Iterator[uuid.UUID]:
    """Strictly increasing version-7 UUIDs (see the module)."""
    millis = time.time_ns() // 1_000_000
    head = (millis << 80) | (0x7 << 76)
    counter = secrets.randbits(41)
    bits = random.Random(secrets.token_bytes(16)).getrandbits  # noqa: S311 - uniqueness, not secrecy
    make = uuid.UUID
    while True:
        yield make(
            int=head
            | ((counter >> 30) << 64)
            | (0b10 << 62)
            | ((counter & _LOW30) << 32)
            | bits(32)
        )
        counter += 1

"""`core.ids.uuid7_sequence`: version-7 UUIDs that increase strictly."""

from __future__ import annotations

import time
import uuid
from itertools import islice

from hypothesis import given, settings
from hypothesis import strategies as st

from samsyn.core.ids import uuid7_sequence


def test_ids_are_version_7_of_the_rfc_variant_with_the_time_of_their_start():
    before = time.time_ns() // 1_000_000
    ids = list(islice(uuid7_sequence(), 3))
    after = time.time_ns() // 1_000_000
    for value in ids:
        assert value.version == 7
        assert value.variant == uuid.RFC_4122
        assert before <= value.int >> 80 <= after


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=2, max_value=5000))
def test_ids_increase_strictly_as_uuids_and_as_text(count):
    ids = list(islice(uuid7_sequence(), count))
    assert ids == sorted(ids)
    assert len(set(ids)) == count
    assert [str(v) for v in ids] == sorted(str(v) for v in ids)
    assert [v.hex for v in ids] == sorted(v.hex for v in ids)


def test_two_sequences_give_different_ids():
    first = set(islice(uuid7_sequence(), 1000))
    second = set(islice(uuid7_sequence(), 1000))
    assert not first & second

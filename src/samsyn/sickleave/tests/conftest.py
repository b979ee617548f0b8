"""Fixtures of the certificate import tests."""

import json

import pytest

from samsyn.people.tests.factories import PersonFactory
from samsyn.sickleave.tests.importing_helpers import UNKNOWN_PERSON, cert


@pytest.fixture
def anna(unit):
    return PersonFactory(care_unit=unit)


@pytest.fixture
def bertil(unit):
    return PersonFactory(care_unit=unit)


@pytest.fixture
def stranger(other_unit):
    return PersonFactory(care_unit=other_unit)


@pytest.fixture
def mixed_document(anna, bertil):
    """Items 1, 3, 6 are good; 2 has a bad degree (parser), 4 an unknown person and 5 an
    unknown diagnosis (service), 7 repeats the id of item 1 (parser)."""
    return [
        cert("A-1", anna),
        cert("A-2", anna, start="2025-02-17", end="2025-03-02", degree=30),
        cert("B-1", bertil, degree=50),
        cert("X-1", UNKNOWN_PERSON),
        cert("A-3", anna, diagnoses=["U50.0"]),
        cert("A-4", anna, start="2025-02-17", end="2025-03-02", degree=50),
        cert("A-1", bertil),
    ]


@pytest.fixture
def json_file(tmp_path):
    def write(items, name="intyg.json"):
        path = tmp_path / name
        path.write_text(json.dumps(items), encoding="utf-8")
        return path

    return write

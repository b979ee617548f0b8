"""The audit tests' key ring and checkpoint file."""

import pytest

from samsyn.audit.tests.helpers import TEST_KEYS


@pytest.fixture
def audit_settings(settings, tmp_path):
    """A key ring of one test key, and a checkpoint file of this test's own."""
    settings.SAMSYN_AUDIT_KEYS = TEST_KEYS
    settings.SAMSYN_AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit" / "checkpoints.jsonl")
    return settings

import pytest
from django.core.management import call_command

from samsyn.audit.tests.helpers import audit


@pytest.mark.django_db
def test_demo_leaves_a_log_that_verifies_against_its_checkpoint(audit_settings, capsys):
    call_command("demo", "--persons", "3")
    out = capsys.readouterr().out
    path = audit_settings.SAMSYN_AUDIT_CHECKPOINT_FILE
    assert f"Access log: checkpoint of 1 chain in {path}." in out
    code, out = audit("verify")
    assert code == 0, out
    assert "1 checkpoint agrees" in out
    assert "NOTE" not in out

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.people.tests.factories import PersonFactory


def _write_events(user, n=5):
    person = PersonFactory()
    actor = Actor(user=user, membership=user.memberships.first(), request_id="req-1234")
    for i in range(n):
        auditor.record(
            actor=actor,
            action=Action.READ,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
            extra={"i": i},
        )
    return person


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_events_are_chained_and_verify(coordinator):
    _write_events(coordinator)
    events = list(AccessEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == auditor.GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert events[0].role == "coordinator"
    assert events[0].organisation_id == coordinator.memberships.first().organisation_id
    result = auditor.verify_chain()
    assert result.ok
    assert result.count == 5


@pytest.mark.django_db
def test_changed_row_is_detected_and_named(coordinator):
    _write_events(coordinator)
    _raw("UPDATE audit_accessevent SET action = %s WHERE seq = %s", ["delete", 3])
    result = auditor.verify_chain()
    assert not result.ok
    assert result.broken_seq == 3


@pytest.mark.django_db
def test_removed_row_is_detected(coordinator):
    _write_events(coordinator)
    _raw("DELETE FROM audit_accessevent WHERE seq = %s", [2])
    result = auditor.verify_chain()
    assert not result.ok
    assert result.broken_seq == 2


@pytest.mark.django_db
def test_removed_last_row_is_detected(coordinator):
    _write_events(coordinator)
    _raw("DELETE FROM audit_accessevent WHERE seq = %s", [5])
    result = auditor.verify_chain()
    assert not result.ok
    assert result.broken_seq == 5


@pytest.mark.django_db
def test_rehashed_row_breaks_the_next_link(coordinator):
    _write_events(coordinator)
    event = AccessEvent.objects.get(seq=2)
    event.action = Action.DELETE
    forged = auditor.compute_hash(event)
    sql = "UPDATE audit_accessevent SET action = %s, hash = %s WHERE seq = %s"
    _raw(sql, ["delete", forged, 2])
    result = auditor.verify_chain()
    assert not result.ok
    assert result.broken_seq == 3


@pytest.mark.django_db
def test_application_cannot_update_or_delete_events(coordinator):
    _write_events(coordinator, n=1)
    event = AccessEvent.objects.get()
    event.action = Action.DELETE
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.update(action="x")


@pytest.mark.django_db
def test_event_without_user_or_system_job_is_refused():
    with pytest.raises(auditor.AnonymousAuditError):
        auditor.record(actor=Actor(), action=Action.READ, ground=Ground.SYSTEM)


@pytest.mark.django_db
def test_system_job_may_write_events():
    event = auditor.record(actor=Actor.system("nightly"), action=Action.UPDATE, ground="system")
    assert event.system_job == "nightly"


@pytest.mark.django_db
def test_unknown_ground_is_refused(coordinator):
    with pytest.raises(ValueError, match="ground"):
        auditor.record(actor=Actor(user=coordinator), action=Action.READ, ground="curiosity")


@pytest.mark.django_db
def test_verify_command_exit_codes(coordinator, capsys):
    _write_events(coordinator, n=3)
    call_command("audit", "verify")
    assert "3 events" in capsys.readouterr().out
    _raw("UPDATE audit_accessevent SET object_type = %s WHERE seq = %s", ["x", 2])
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    assert "event 2" in capsys.readouterr().out


def test_verify_command_runs_as_console_script(tmp_path):
    import os

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samsyn.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}",
    }
    run = [sys.executable, "-m", "samsyn"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True)  # noqa: S603
    result = subprocess.run(  # noqa: S603
        [*run, "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "0 events" in result.stdout

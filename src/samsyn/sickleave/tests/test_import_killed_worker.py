"""A worker killed (SIGKILL) in the middle of writing an import leaves nothing of the file;
the report says so; a new worker runs the import again when its lease has run out, and
then the whole file is written.

Everything runs in other processes on a database of the test's own (`own_database`): the
import is started through the service, `samsyn worker` runs it, and the test-only pause
hook (`SAMSYN_IMPORT_TEST_PAUSE_FILE`) holds the worker after its first batch of
certificates has been written inside the import's transaction, so the kill lands
mid-write.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from samsyn.sickleave.tests.own_database import SAMSYN, own_database, run_python

PERSONS = 300
CERTIFICATES_EACH = 2
BATCH = 250  # certificates per batch: the pause comes after the first of three

SET_UP = f"""
import json
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.people.tests.factories import PersonFactory
from samsyn.sickleave.services import start_certificate_import

unit = OrganisationFactory(name="Vårdcentralen Testdalen")
membership = MembershipFactory(organisation=unit, role=Role.COORDINATOR, user=UserFactory())
rows = []
for n in range({PERSONS}):
    person = PersonFactory(care_unit=unit)
    for k in range({CERTIFICATES_EACH}):
        start = f"2025-0{{k + 2}}-03"
        rows.append({{
            "id": f"K-{{n}}-{{k}}", "person": person.personnummer, "type": "FK7804",
            "signed": "2025-02-03T09:30:00+01:00", "status": "valid",
            "periods": [{{"start": start, "end": start[:8] + "20", "degree": 100}}],
            "diagnoses": ["M54.5"],
        }})
rows.append({{**rows[0], "id": "BAD-1", "diagnoses": ["U50.0"]}})
actor = Actor(user=membership.user, membership=membership)
job = start_certificate_import(
    actor=actor, content=json.dumps(rows).encode(), name="intyg.json", kind="json"
)
print(job.pk)
"""

CHECK = """
import json
from django.template.loader import render_to_string
from samsyn.sickleave.models import Certificate, CertificateImport, SickLeaveCase
job = CertificateImport.objects.get()
print(json.dumps({
    "certificates": Certificate.objects.count(),
    "cases": SickLeaveCase.objects.count(),
    "state": job.state,
    "imported": job.imported,
    "rejected": job.rejected,
    "attempts": job.attempts,
    "stale": job.is_stale,
    "status": render_to_string("includes/import_job_status.html", {"job": job}),
}))
"""


def _check(env: dict) -> dict:
    return json.loads(run_python(env, CHECK).strip().splitlines()[-1])


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command
        [SAMSYN, "worker", "--queue", "import", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_a_worker_killed_mid_write_leaves_nothing_and_a_new_worker_writes_the_whole_file(
    tmp_path,
):
    marker = tmp_path / "writing"
    with own_database(tmp_path) as env:
        run_python(env, SET_UP)
        env = {**env, "SAMSYN_IMPORT_BATCH": str(BATCH)}
        paused = {**env, "SAMSYN_IMPORT_TEST_PAUSE_FILE": str(marker)}
        worker = _worker(paused)
        try:
            _wait_for(marker.exists, 120, "the first batch to be written")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()

        killed = _check(env)
        assert killed["certificates"] == 0
        assert killed["cases"] == 0
        assert killed["state"] == "running"
        assert killed["attempts"] == 1

        # Once its lease has run out, the report says the import failed and wrote nothing.
        expired = {**env, "SAMSYN_IMPORT_LEASE_SECONDS": "1"}
        time.sleep(1.5)
        reported = _check(expired)
        assert reported["stale"] is True
        assert "Ingenting ur filen skrevs." in reported["status"]
        assert reported["certificates"] == 0

        # A new worker gives the lost attempt back to the queue and runs it to the end.
        worker = _worker(expired)
        try:
            _wait_for(lambda: _check(env)["state"] == "done", 120, "the retried import")
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        done = _check(env)
    assert done["certificates"] == PERSONS * CERTIFICATES_EACH
    assert done["imported"] == PERSONS * CERTIFICATES_EACH
    assert done["cases"] == PERSONS * CERTIFICATES_EACH  # the periods are 2 weeks apart
    assert done["attempts"] == 2
    assert [row[1:] for row in done["rejected"]] == [["BAD-1", "Okänd diagnoskod U50.0."]]
    assert "Importen är klar." in done["status"]

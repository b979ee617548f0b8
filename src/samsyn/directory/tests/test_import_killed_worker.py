"""A worker killed (SIGKILL) while it writes a directory import leaves nothing of the file,
and the page's report says so once the job's lease has run out; a new worker then runs
the import again and writes the whole file. Other processes, a database of the test's own
(`sickleave.tests.own_database`), and the test-only pause after the rows are written
inside the import's transaction (`core.import_jobs.pause_for_test`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from samsyn.sickleave.tests.own_database import SAMSYN, own_database, run_python

ROWS = 40

SET_UP = f"""
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.directory.services import start_directory_import

unit = OrganisationFactory(name="Vårdcentralen Testdalen")
membership = MembershipFactory(organisation=unit, role=Role.COORDINATOR, user=UserFactory())
lines = ["typ;namn;kontaktperson"]
lines += [f"arbetsgivare;Företag {{n}} AB;Kontakt {{n}}" for n in range({ROWS})]
lines.append("okänd;Fel AB;")
actor = Actor(user=membership.user, membership=membership)
job = start_directory_import(actor=actor, content="\\n".join(lines).encode(), name="a.csv")
print(job.pk)
"""

CHECK = """
import json
from django.template.loader import render_to_string
from samsyn.accounts.models import Organisation
from samsyn.directory.models import ContactPerson, DirectoryImport
job = DirectoryImport.objects.get()
print(json.dumps({
    "organisations": Organisation.objects.filter(name__startswith="Företag ").count(),
    "contacts": ContactPerson.objects.count(),
    "state": job.state,
    "rejected": job.rejected,
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


def test_a_directory_import_killed_mid_write_leaves_nothing_and_runs_again_whole(tmp_path):
    marker = tmp_path / "writing"
    with own_database(tmp_path) as env:
        run_python(env, SET_UP)
        worker = _worker({**env, "SAMSYN_IMPORT_TEST_PAUSE_FILE": str(marker)})
        try:
            _wait_for(marker.exists, 120, "the rows to be written")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()

        killed = _check(env)
        assert (killed["organisations"], killed["contacts"], killed["state"]) == (0, 0, "running")
        expired = {**env, "SAMSYN_IMPORT_LEASE_SECONDS": "1"}
        time.sleep(1.5)
        reported = _check(expired)
        assert reported["stale"] is True
        assert "Ingenting ur filen skrevs." in reported["status"]

        worker = _worker(expired)
        try:
            _wait_for(lambda: _check(env)["state"] == "done", 120, "the retried import")
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        done = _check(env)
    assert (done["organisations"], done["contacts"]) == (ROWS, ROWS)
    assert [row[:2] for row in done["rejected"]] == [[ROWS + 2, "Fel AB"]]
    assert "Importen är klar." in done["status"]

"""`samsyn reminders schedule` as two real processes at once, on a database of the test's
own: SQLite (a file) and PostgreSQL (a cluster of the test's own, advisory lock). Each
reminder is written and enqueued once."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from samsyn.core.tests.pgcluster import own_cluster, pg_bin_dir
from samsyn.core.tests.test_worker import base_env, migrate, run_python

SAMSYN = os.path.join(os.path.dirname(sys.executable), "samsyn")
PARTICIPANTS = 6

SETUP = f"""
from datetime import timedelta
from django.utils import timezone
from samsyn.accounts.tests.factories import OrganisationFactory, UserFactory
from samsyn.cases.models import Case
from samsyn.meetings.models import Meeting, Participant
from samsyn.people.tests.factories import PersonFactory
unit = OrganisationFactory(name="Vårdcentralen")
coordinator = UserFactory(email="anna@vc.example")
person = PersonFactory(care_unit=unit)
case = Case.objects.create(person=person, unit=unit, opened_by=coordinator)
start = timezone.localtime() + timedelta(days=1)
meeting = Meeting.objects.create(
    case=case, kind="flerpart", purpose="Avstämning", starts_at=start,
    ends_at=start + timedelta(hours=1), mode="phone", called_by=coordinator,
)
for n in range({PARTICIPANTS}):
    user = UserFactory(email=f"user{{n}}@example.se")
    Participant.objects.create(meeting=meeting, user=user, name=f"Deltagare {{n}}")
"""

COUNT = """
from django_tasks_db.models import DBTaskResult
from samsyn.meetings.models import Reminder
jobs = DBTaskResult.objects.filter(task_path__endswith="send_reminder")
print(Reminder.objects.count(), jobs.count())
"""

# Both wait for the same instant, then schedule.
AT_ONCE = """
import sys, time
from samsyn.meetings.services import schedule_reminders
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
print(schedule_reminders())
"""


def two_schedulers_at_once(env: dict[str, str]) -> list[int]:
    run_python(env, SETUP)
    start = time.time() + 3
    code = "import django\ndjango.setup()\n" + AT_ONCE
    procs = [
        subprocess.Popen(  # noqa: S603 - our own code
            [sys.executable, "-c", code, str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    counts = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        counts.append(int(out.strip().splitlines()[-1]))
    reminders, jobs = (int(x) for x in run_python(env, COUNT).split())
    assert reminders == PARTICIPANTS
    assert jobs == PARTICIPANTS
    return sorted(counts)


def test_two_scheduler_processes_on_sqlite_write_each_reminder_once(tmp_path):
    env = base_env(tmp_path, f"sqlite:///{tmp_path / 'own.sqlite3'}")
    migrate(env)
    assert two_schedulers_at_once(env) == [0, PARTICIPANTS]


@pytest.mark.skipif(pg_bin_dir() is None, reason="PostgreSQL is not installed")
def test_two_scheduler_processes_on_postgresql_write_each_reminder_once(tmp_path):
    with own_cluster("samsyn-reminders-") as cluster:
        env = base_env(tmp_path, cluster.create_database("reminders"))
        migrate(env)
        assert two_schedulers_at_once(env) == [0, PARTICIPANTS]

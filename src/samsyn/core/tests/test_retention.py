"""What finished work leaves behind (ADR 020): the import's uploaded file goes when the
import has finished, the daily pruning removes finished jobs and old notification e-mails
after their retention, and the administrator sends failed notifications again once the
mail server works, each once, through a real local SMTP server."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import verified_client
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory
from samsyn.audit.models import AccessEvent
from samsyn.core.models import OutboundEmail
from samsyn.core.notify import deliver_notification, notify
from samsyn.core.services import prune_finished_work
from samsyn.core.testing import flaky, run_jobs
from samsyn.core.tests.mailservers import free_port, send_through, smtp_server
from samsyn.directory.models import DirectoryImport
from samsyn.people.tests.factories import PersonFactory
from samsyn.sickleave.models import Certificate, CertificateImport
from samsyn.sickleave.services import start_certificate_import
from samsyn.sickleave.tests.importing_helpers import URL, cert, upload

pytestmark = pytest.mark.django_db
Status = OutboundEmail.Status
JOBS = reverse("core:jobs")
RESEND = reverse("core:resend_emails")
SYSTEM = Actor.system("prune")


@pytest.fixture
def admin(unit):
    return MembershipFactory(organisation=unit, role=Role.ADMIN).user


def stored(name: str) -> bool:
    """Whether the storage of uploads (in memory in the tests) holds this file."""
    return bool(name) and default_storage.exists(name)


# ---- the import's file -------------------------------------------------------------------


def test_an_imports_file_is_deleted_when_it_is_done_and_its_report_stays(coordinator_client, unit):
    anna = PersonFactory(care_unit=unit)
    document = json.dumps([cert("A-1", anna), cert("A-1", anna)])
    page = coordinator_client.post(URL, {"file": upload(document)})["Location"]
    job = CertificateImport.objects.get()
    name = job.file.name
    assert stored(name)  # kept while the import waits

    assert run_jobs() == 1

    job.refresh_from_db()
    assert (job.state, job.file.name, stored(name)) == ("done", "", False)
    html = coordinator_client.get(page).content.decode()
    assert "<dd data-imported>1</dd>" in html
    assert "<td>A-1</td>" in html  # the rejected repeat, from the stored report
    assert Certificate.objects.count() == 1
    # the same bytes are still known: a second upload is refused without the file
    again = coordinator_client.post(URL, {"file": upload(document)})
    assert "Filen har redan lämnats in för import." in again.content.decode()


def test_a_failed_imports_file_is_deleted_too(coordinator_client):
    coordinator_client.post(URL, {"file": upload("[{not json")})
    name = CertificateImport.objects.get().file.name
    assert stored(name)
    run_jobs()
    job = CertificateImport.objects.get()
    assert (job.state, job.file.name, stored(name)) == ("failed", "", False)
    assert job.error.startswith("Filen kunde inte läsas")


def test_the_pruning_deletes_finished_imports_files_that_were_left(
    coordinator, unit, django_capture_on_commit_callbacks
):
    actor = member(coordinator)
    anna = PersonFactory(care_unit=unit)
    left, waiting = (
        start_certificate_import(
            actor=actor,
            content=json.dumps([cert(cid, anna)]).encode(),
            name=f"{cid}.json",
            kind="json",
            enqueue=False,
        )
        for cid in ("A-1", "A-2")
    )
    # a worker that finished `left` but died before deleting its file
    CertificateImport.objects.filter(pk=left.pk).update(state="done")
    assert stored(left.file.name)
    assert stored(waiting.file.name)

    with django_capture_on_commit_callbacks(execute=False) as deletions:
        pruned = prune_finished_work(actor=SYSTEM)
    assert pruned.import_files == 1
    assert stored(left.file.name)  # until the commit: a rolled-back prune deletes nothing
    for deletion in deletions:
        deletion()
    assert not stored(left.file.name)
    assert stored(waiting.file.name)
    left.refresh_from_db()
    waiting.refresh_from_db()
    assert left.file.name == ""
    assert waiting.file.name != ""
    assert prune_finished_work(actor=SYSTEM).import_files == 0


def test_the_directory_imports_file_goes_as_well(coordinator):
    from samsyn.directory.services import start_directory_import  # noqa: PLC0415
    from samsyn.directory.tests.test_import import HEADER  # noqa: PLC0415

    actor = member(coordinator)
    csv = HEADER + "\narbetsgivare;bygg ab;556036-0793;08-1;info@bygg.se;;;;;;\n"
    name = start_directory_import(actor=actor, content=csv.encode(), name="org.csv").file.name
    assert stored(name)
    run_jobs()
    job = DirectoryImport.objects.get()
    assert (job.state, job.imported) == ("done", 1)
    assert (job.file.name, stored(name)) == ("", False)


# ---- finished jobs and e-mails ---------------------------------------------------------------


def member(user) -> Actor:
    return Actor(user=user, membership=user.memberships.get())


def age(model, pk, days: float, field: str) -> None:
    model.objects.filter(pk=pk).update(**{field: timezone.now() - timedelta(days=days)})


def test_finished_jobs_and_ended_e_mails_go_after_their_retention(coordinator, settings):
    settings.SAMSYN_RETAIN_JOBS_DAYS = 7
    settings.SAMSYN_RETAIN_SENT_EMAIL_DAYS = 30
    settings.SAMSYN_RETAIN_FAILED_DAYS = 90
    for n in range(4):
        flaky.enqueue(f"retention ok {n}", 0)
    flaky.enqueue("retention failing", 10)
    run_jobs(include_delayed=True)
    ok = list(DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).order_by("pk"))
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    age(DBTaskResult, ok[0].pk, 8, "finished_at")  # goes
    age(DBTaskResult, ok[1].pk, 6, "finished_at")  # stays
    age(DBTaskResult, failed.pk, 89, "finished_at")  # stays: failed ones are kept longer
    waiting = flaky.using(run_after=timezone.now() + timedelta(days=1)).enqueue("later", 0)
    DBTaskResult.objects.filter(pk=waiting.id).update(
        enqueued_at=timezone.now() - timedelta(days=100)
    )

    coordinator.email = "anna@vc.example"
    coordinator.save(update_fields=["email"])
    for key, status, days in [
        ("sent-old", Status.SENT, 31),
        ("sent-new", Status.SENT, 29),
        ("failed-89", Status.FAILED, 89),
        ("failed-91", Status.FAILED, 91),
        ("unconfirmed-91", Status.UNCONFIRMED, 91),
        ("pending-old", Status.PENDING, 200),
    ]:
        notify(users=[coordinator], path="/x/", key=key)
        row = OutboundEmail.objects.get(key=f"{key}:{coordinator.pk}")
        OutboundEmail.objects.filter(pk=row.pk).update(status=status)
        age(OutboundEmail, row.pk, days, "created_at")
    DBTaskResult.objects.filter(queue_name="email").delete()  # only the outbox is asked here
    jobs_before = DBTaskResult.objects.count()

    pruned = prune_finished_work(actor=SYSTEM)

    assert (pruned.jobs, pruned.emails, pruned.import_files) == (1, 3, 0)
    assert DBTaskResult.objects.count() == jobs_before - 1
    assert not DBTaskResult.objects.filter(pk=ok[0].pk).exists()
    assert DBTaskResult.objects.filter(pk__in=[ok[1].pk, failed.pk, waiting.id]).count() == 3
    kept = {key.split(":")[0] for key in OutboundEmail.objects.values_list("key", flat=True)}
    assert kept == {"sent-new", "failed-89", "pending-old"}
    event = AccessEvent.objects.get(action="delete", object_type="job")
    assert event.extra == {"pruned": {"import_files": 0, "jobs": 1, "emails": 3}}
    assert event.ground == "system"
    # Nothing more to prune: no second event.
    assert not prune_finished_work(actor=SYSTEM).anything
    assert AccessEvent.objects.filter(action="delete", object_type="job").count() == 1


def test_only_the_system_or_an_administrator_prunes(coordinator, admin):
    with pytest.raises(PermissionDenied):
        prune_finished_work(actor=Actor(user=coordinator, membership=coordinator.memberships.get()))
    assert not prune_finished_work(
        actor=Actor(user=admin, membership=admin.memberships.get())
    ).anything


def test_the_command_prunes_now_or_enqueues_the_daily_job(coordinator):
    flaky.enqueue("command", 0)
    run_jobs()
    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=30))
    out = StringIO()
    call_command("prune", stdout=out)
    assert out.getvalue().strip() == "pruned import_files=0 jobs=1 emails=0"

    call_command("prune", "--enqueue", stdout=StringIO())
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "samsyn.core.services.prune_daily"
    assert run_jobs() == 1
    assert DBTaskResult.objects.get().return_value == {"import_files": 0, "jobs": 0, "emails": 0}


# ---- sending failed notifications again ----------------------------------------------------


def test_the_admin_sends_failed_notifications_again_once_the_server_is_back(
    admin, coordinator, colleague_same_unit, settings
):
    send_through(settings, free_port())  # nobody listens: the mail server is down for the day
    coordinator.email = "anna@vc.example"
    coordinator.save(update_fields=["email"])
    colleague_same_unit.email = "bo@vc.example"
    colleague_same_unit.save(update_fields=["email"])
    notify(users=[coordinator], path="/meddelanden/a/", key="message:a")
    notify(users=[colleague_same_unit], path="/meddelanden/b/", key="message:b")
    run_jobs(include_delayed=True)  # every attempt fails
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {Status.FAILED}
    failed_jobs = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert [len(j.worker_ids) for j in failed_jobs] == [deliver_notification.max_attempts] * 2
    # one of them may have arrived: it is not sent again
    OutboundEmail.objects.filter(key__startswith="message:b").update(status=Status.UNCONFIRMED)

    client = verified_client(admin)
    page = client.get(JOBS).content.decode()
    assert "<title>Jobb i kön" in page
    assert page.count("<h2>Gallring</h2>") == 1
    assert '<dd id="notifications-failed">1</dd>' in page
    assert "Skicka 1 misslyckat e-postmeddelande igen" in page

    with smtp_server() as (port, received):
        send_through(settings, port)
        response = client.post(RESEND, follow=True)
        assert "1 misslyckat e-postmeddelande skickas igen." in response.content.decode()
        assert run_jobs() == 1
        assert run_jobs(include_delayed=True) == 0
    assert [to for to, _ in received.messages] == [["anna@vc.example"]]
    assert OutboundEmail.objects.get(key__startswith="message:a").status == Status.SENT
    assert OutboundEmail.objects.get(key__startswith="message:b").status == Status.UNCONFIRMED
    event = AccessEvent.objects.get(action="update", object_type="notification")
    assert (event.actor_id, event.extra) == (
        admin.pk,
        {"resent": 1, "outboxes": {"core.outboundemail": 1}},
    )
    page = client.get(JOBS).content.decode()
    assert "misslyckat e-postmeddelande igen" not in page  # nothing left to send again


def test_only_the_administrator_may_send_again(coordinator_client, admin):
    assert coordinator_client.post(RESEND).status_code == 403
    assert verified_client(admin).get(RESEND).status_code == 405
    response = verified_client(admin).post(RESEND, follow=True)
    assert "0 misslyckade e-postmeddelanden skickas igen." in response.content.decode()
    assert not AccessEvent.objects.filter(object_type="notification").exists()

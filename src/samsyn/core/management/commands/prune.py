"""`samsyn prune`: remove what finished work leaves behind (ADR 020).

Run daily from cron on one node::

    samsyn prune             # now, in this process
    samsyn prune --enqueue   # as the job `prune_daily` (a worker runs it)

Deletes the stored files of finished imports, finished jobs of the queue and old
notification e-mails, after the `SAMSYN_RETAIN_*` settings; never the audit log.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from samsyn.accounts.actor import Actor
from samsyn.core.services import prune_daily, prune_finished_work


class Command(BaseCommand):
    help = "Remove finished imports' files, finished jobs and old notification e-mails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="run it as a job")

    def handle(self, *, enqueue: bool, **options) -> None:
        if enqueue:
            prune_daily.enqueue()
            self.stdout.write("prune enqueued")
            return
        pruned = prune_finished_work(actor=Actor.system("prune"))
        self.stdout.write(
            f"pruned import_files={pruned.import_files} jobs={pruned.jobs} emails={pruned.emails}"
        )

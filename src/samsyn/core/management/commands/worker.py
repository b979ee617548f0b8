"""`samsyn worker`: run queued jobs (ADR 011). Run as many as you like, on any node."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from samsyn.core.jobs.worker import Worker, run_pending


class Command(BaseCommand):
    help = "Run queued jobs until stopped (Ctrl-C finishes the running job first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            default="*",
            help="Comma-separated queues (default: all: default,import,email)",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks when idle"
        )
        parser.add_argument("--batch", action="store_true", help="Run what is ready now, then exit")
        parser.add_argument(
            "--worker-id", default=None, help="Unique id (default: host-pid-random)"
        )
        parser.add_argument(
            "--status",
            action="store_true",
            help="Print the queue's state (as `samsyn jobs`) and exit",
        )

    def handle(
        self,
        *,
        queue: str,
        interval: float,
        batch: bool,
        worker_id: str | None,
        status: bool,
        **options,
    ):
        if status:
            from django.core.management import call_command

            call_command("jobs", stdout=self.stdout, stderr=self.stderr)
            return
        queues = [q.strip() for q in queue.split(",") if q.strip()] or ["*"]
        if batch:
            ran = run_pending(queue_names=queues)
            self.stdout.write(f"{ran} jobs run")
            return
        Worker(queue_names=queues, interval=interval, worker_id=worker_id).run()

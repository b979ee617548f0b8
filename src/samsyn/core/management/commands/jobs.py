"""`samsyn jobs`: the queue's state — counts, then failed and waiting jobs (never arguments)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from samsyn.core.jobs import status


class Command(BaseCommand):
    help = "Show the job queue: counts by state, failed jobs and waiting jobs (no arguments)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=50)

    def handle(self, *, limit: int, **options) -> None:
        counts = status.counts()
        self.stdout.write(" ".join(f"{k.lower()}={v}" for k, v in counts.items()))
        for title, rows in (
            ("failed", status.failed_jobs(limit=limit)),
            ("waiting", status.waiting_jobs(limit=limit)),
        ):
            self.stdout.write(f"{title}: {len(rows)}")
            for row in rows:
                when = row.finished_at if title == "failed" else row.run_after
                self.stdout.write(
                    f"  {row.id} {row.task} queue={row.queue} status={row.status} "
                    f"attempts={row.attempts}/{row.max_attempts or '?'} "
                    f"error={row.error_name or '-'} at={when.isoformat() if when else '-'}"
                )
        if counts["FAILED"]:
            self.stderr.write(f"{counts['FAILED']} failed jobs")

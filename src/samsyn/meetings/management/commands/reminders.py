"""`samsyn reminders schedule`: write and enqueue the reminders due now (run from cron on
any number of nodes; a lock makes each reminder be written and sent once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from samsyn.meetings.services import schedule_reminders


class Command(BaseCommand):
    help = "Schedule the reminders due now (meetings, follow-ups, plans, consents)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["schedule"])

    def handle(self, *, action: str, **options) -> None:
        count = schedule_reminders()
        self.stdout.write(f"reminders scheduled={count}")

"""`samsyn worklist refresh`: recompute the worklist's materialised keys (ADR 018).

Run daily from cron just after midnight (the date-dependent keys: age, degree today,
overdue tasks, consents in force, next milestone), after a fresh migration, and after
rows were written to the tables behind the services (a bulk load)::

    samsyn worklist refresh                 # every unit, now, one transaction per unit
    samsyn worklist refresh --unit <uuid>   # one unit (repeatable)
    samsyn worklist refresh --enqueue       # as the job `refresh_worklist_entries` (worker)
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from samsyn.cases.index import refresh_all, refresh_worklist_entries


class Command(BaseCommand):
    help = "Recompute the worklist's materialised sort and filter keys (daily, from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument("--unit", action="append", default=None, help="a unit's id")
        parser.add_argument("--enqueue", action="store_true", help="run it as a job")

    def handle(self, *, action: str, unit: list[str] | None, enqueue: bool, **options) -> None:
        if enqueue:
            refresh_worklist_entries.enqueue()
            self.stdout.write("worklist refresh enqueued")
            return
        started = time.perf_counter()
        units, entries = refresh_all(unit_ids=unit)
        seconds = time.perf_counter() - started
        self.stdout.write(f"worklist refreshed units={units} entries={entries} s={seconds:.2f}")

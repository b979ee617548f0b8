"""`samsyn personnummer VALUE [--today YYYY-MM-DD]`: validate a personnummer as JSON.

Prints {"valid": true, "normalized", "kind", "sex", "birth_date"} and exits 0, or
{"valid": false, "error", "code"} and exits 2.
"""

from __future__ import annotations

import argparse
import datetime
import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from samsyn.people.personnummer import PersonnummerError, parse

EXIT_INVALID = 2


def _iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = "Validate a Swedish personnummer or samordningsnummer and print the result as JSON."

    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("value", help="10 or 12 digits, e.g. 19121212-1212 or 121212+1212")
        parser.add_argument(
            "--today",
            type=_iso_date,
            default=None,
            help="Reference date YYYY-MM-DD (decides the century of 10-digit numbers). "
            "Default: today's local date.",
        )

    def handle(self, *args, **options):
        today = options["today"]
        if isinstance(today, str):  # call_command(..., today="YYYY-MM-DD") skips argparse
            today = _iso_date(today)
        if today is None:
            today = timezone.localdate()
        try:
            identity = parse(options["value"], today=today)
        except PersonnummerError as exc:
            result = {"valid": False, "error": exc.message, "code": exc.code}
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            self.stdout.flush()
            raise SystemExit(EXIT_INVALID) from None
        self.stdout.write(json.dumps(identity.as_json(), ensure_ascii=False))

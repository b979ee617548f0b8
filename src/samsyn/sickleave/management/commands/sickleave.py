"""`samsyn sickleave`: the sick-leave case engine and the rehabilitation chain, JSON in/out.

    samsyn sickleave cases --at DATE [--gap N] [--recent N] [--ending-soon N]
                           [--format json|csv] [--input FILE] < certificates.json
    samsyn sickleave chain --start DATE --occupation OCC [--expected-days N] [--at DATE]
                           [--earlier START:END ... | --prior-days N]

`cases` reads certificates (docs/formats.md) from stdin or --input and prints
{"cases": [...]}; `chain` prints {"milestones": [...], "prior_days": N, "earlier_periods":
[...]} from `rules.compute_milestones`, adding the days of the earlier sick periods given with
--earlier that continue the chain (sammanläggning, `rules.sammanlaggning`) - the same rule
and the same dates as the person page and the worklist.
Both exit 0 on success and 2 on bad input or arguments, with a JSON error on stdout
({"error", "certificate", "field"} for bad certificates, {"error"} otherwise) and a
human-readable line on stderr. No database is needed for these two.

    samsyn sickleave recompute --unit ID

`recompute` recomputes the materialised sick-leave cases of every person of a care unit
with the unit's gap (`sickleave.services.recompute_unit_cases`, audited as a system job)
and prints {"unit": ID, "recomputed": N}, N the number of persons.
"""

from __future__ import annotations

import gc
import json
import re
import sys
from datetime import date
from pathlib import Path

import msgspec
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samsyn.sickleave import csvformat, engine, jsonformat

EXIT_BAD_INPUT = 2
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class _JsonErrorParser(CommandParser):
    """Argument errors of the subcommands as {"error": ...} on stdout, exit 2."""

    def error(self, message):
        if self.called_from_command_line:
            sys.stdout.write(json.dumps({"error": message}, ensure_ascii=False) + "\n")
            sys.stdout.flush()
            self.print_usage(sys.stderr)
            sys.exit(EXIT_BAD_INPUT)
        raise CommandError(f"Error: {message}", returncode=EXIT_BAD_INPUT)


class _CaseOut(msgspec.Struct, gc=False):
    """`SickLeaveCase.as_json()` as a struct msgspec's C encoder writes (same fields, same
    order, same values; a test compares the two)."""

    person: str
    start: date
    end: date
    days: int
    net_days: float
    degree_today: int | None
    current_certificate: str
    certificates: tuple[str, ...]
    days_left: int
    state: str


def _cases_json(cases: list[engine.SickLeaveCase]) -> bytes:
    """{"cases": [...]} indented by 2 as ``json.dumps(..., ensure_ascii=False, indent=2)``
    writes it, by msgspec."""
    rows = [
        _CaseOut(
            c.person,
            c.start,
            c.end,
            c.days,
            c.net_days,
            c.degree_today,
            c.current_certificate,
            c.certificates,
            c.days_left,
            c.state,
        )
        for c in cases
    ]
    return msgspec.json.format(msgspec.json.encode({"cases": rows}), indent=2)


class _BadArgument(Exception):
    def __init__(self, payload: dict[str, object]) -> None:
        super().__init__(payload.get("error"))
        self.payload = payload


def _date(value: object, option: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _BadArgument({"error": f"Ogiltigt datum för {option}: {value!r}. Ange ÅÅÅÅ-MM-DD."})


def _int(value: object, option: str) -> int | None:
    if value is None or isinstance(value, int):
        return value
    try:
        return int(str(value), 10)
    except ValueError:
        raise _BadArgument(
            {"error": f"Ogiltigt värde för {option}: {value!r}. Ange ett heltal."}
        ) from None


def _period(value: str):
    """An --earlier period, START:END (both inclusive)."""
    from samsyn.sickleave import rules

    first, sep, last = value.partition(":")
    if not sep:
        raise _BadArgument(
            {"error": f"Ogiltig period för --earlier: {value!r}. Ange ÅÅÅÅ-MM-DD:ÅÅÅÅ-MM-DD."}
        )
    try:
        return rules.SickPeriod.unbroken(_date(first, "--earlier"), _date(last, "--earlier"))
    except ValueError as error:
        raise _BadArgument({"error": str(error)}) from None


class Command(BaseCommand):
    help = "Sick-leave cases from certificates (JSON in, JSON out) and the rehabilitation chain."

    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="{cases,chain,recompute}",
            parser_class=_JsonErrorParser,
        )
        cases = sub.add_parser(
            "cases",
            help="compute every case of every person from certificates on stdin",
            description="Read certificates (JSON or CSV, docs/formats.md) and print "
            '{"cases": [...]} as of --at.',
        )
        cases.add_argument("--at", required=True, help="the date, YYYY-MM-DD")
        cases.add_argument(
            "--gap", default=5, help="max uncovered days between certificates of a case (0-90)"
        )
        cases.add_argument(
            "--recent", default=0, help="days after its end a case is recently_ended (0-14)"
        )
        cases.add_argument(
            "--ending-soon",
            dest="ending_soon",
            default=14,
            help="a case in force with at most this many days left is ending_soon (0-90)",
        )
        cases.add_argument("--format", choices=("json", "csv"), default="json")
        cases.add_argument(
            "--input", default="-", help="file to read instead of stdin ('-' is stdin)"
        )

        chain = sub.add_parser(
            "chain",
            help="the rehabilitation-chain milestones of a sick period",
            description='Print {"milestones": [...]} from rules.compute_milestones.',
        )
        chain.add_argument("--start", required=True, help="first day of the sick period")
        chain.add_argument("--occupation", required=True, help="occupation code")
        chain.add_argument("--expected-days", dest="expected_days", default=None)
        chain.add_argument("--at", default=None, help="the date statuses refer to (default today)")
        chain.add_argument(
            "--earlier",
            action="append",
            default=[],
            metavar="START:END",
            help="an earlier sick period, YYYY-MM-DD:YYYY-MM-DD (repeat for several); its "
            "days count when fewer than 90 days lie between it and the next period "
            "(SFB 27 kap. 51 §)",
        )
        chain.add_argument(
            "--prior-days",
            dest="prior_days",
            default=None,
            help="days of earlier periods to add, when the periods themselves are not given",
        )

        recompute = sub.add_parser(
            "recompute",
            help="recompute the stored sick-leave cases of a care unit with its gap setting",
        )
        recompute.add_argument("--unit", required=True, help="the care unit's id")

    def handle(self, *args, **options):
        action = {"cases": self._cases, "chain": self._chain, "recompute": self._recompute}[
            options["action"]
        ]
        # The cyclic garbage collector is paused: reading, the engine and writing make no
        # reference cycles, and its scans of a large input would take seconds.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            result = action(options)
            if isinstance(result, bytes):
                self.stdout.write(result.decode("utf-8"))
            else:
                self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        except _BadArgument as bad:
            self.stdout.write(json.dumps(bad.payload, ensure_ascii=False))
            self.stdout.flush()
            raise CommandError(str(bad), returncode=EXIT_BAD_INPUT) from None
        finally:
            if gc_was_enabled:
                gc.enable()

    def _cases(self, options) -> bytes:
        at = _date(options["at"], "--at")
        try:
            settings = engine.EngineSettings(
                gap_days=_int(options["gap"], "--gap"),
                ending_soon_days=_int(options["ending_soon"], "--ending-soon"),
                recent_days=_int(options["recent"], "--recent"),
            )
        except ValueError as error:
            raise _BadArgument({"error": str(error)}) from None
        data = self._read(options["input"])
        if options["format"] == "csv":
            certificates, errors = csvformat.parse_csv_lenient(data)
            if errors:
                raise _BadArgument(errors[0].as_json())
        else:
            try:
                certificates = jsonformat.parse_document(data)
            except jsonformat.CertificateFormatError as error:
                raise _BadArgument(error.as_json()) from None
        return _cases_json(engine.compute_cases(certificates, settings, at))

    def _recompute(self, options) -> dict[str, object]:
        from django.core.exceptions import ValidationError

        from samsyn.accounts.actor import Actor
        from samsyn.accounts.models import Organisation
        from samsyn.sickleave.services import recompute_unit_cases

        try:
            unit = Organisation.objects.get(pk=options["unit"])
        except (Organisation.DoesNotExist, ValidationError, ValueError):
            raise _BadArgument({"error": f"Ingen enhet med id {options['unit']!r}."}) from None
        count = recompute_unit_cases(actor=Actor.system("sickleave recompute"), unit=unit)
        return {"unit": str(unit.pk), "recomputed": count}

    def _read(self, name: str) -> bytes:
        if name == "-":
            stream = sys.stdin
            return stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode()
        try:
            return Path(name).read_bytes()
        except OSError as error:
            raise _BadArgument(
                {"error": f"Kan inte läsa {name}: {error.strerror or error}."}
            ) from None

    def _chain(self, options) -> dict[str, object]:
        from samsyn.sickleave import rules

        start = _date(options["start"], "--start")
        at = None if options["at"] is None else _date(options["at"], "--at")
        expected_days = _int(options["expected_days"], "--expected-days")
        earlier = [_period(value) for value in options["earlier"]]
        if earlier and options["prior_days"] is not None:
            raise _BadArgument({"error": "Ange antingen --earlier eller --prior-days, inte båda."})
        if any(period.end >= start for period in earlier):
            raise _BadArgument(
                {"error": "En tidigare sjukperiod (--earlier) måste sluta före --start."}
            )
        try:
            added = rules.sammanlaggning(
                sorted(earlier, key=lambda p: p.start), rules.SickPeriod.unbroken(start, start)
            )
            prior_days = _int(options["prior_days"], "--prior-days") or added.prior_days
            milestones = rules.compute_milestones(
                start=start,
                occupation=options["occupation"],
                expected_days=expected_days,
                at=at,
                prior_days=prior_days,
                covered=added.covered or None,
            )
        except ValueError as error:
            raise _BadArgument({"error": str(error)}) from None
        return {
            "milestones": [m.as_json() for m in milestones],
            "prior_days": prior_days,
            "earlier_periods": [
                {"start": p.start.isoformat(), "end": p.end.isoformat(), "days": p.days}
                for p in added.periods
            ],
        }

import sys

from django.core.management.base import BaseCommand

from samsyn.audit.auditor import verify_chain


class Command(BaseCommand):
    help = "Access-log tools. `samsyn audit verify` checks the hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Verify the hash chain of the access log.")

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(f"OK: {result.count} events, chain intact")
            return
        self.stdout.write(
            f"BROKEN: event {result.broken_seq}: {result.reason} "
            f"({result.count} events verified before it)"
        )
        sys.exit(1)

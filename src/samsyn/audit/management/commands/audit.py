import sys

from django.core.management.base import BaseCommand, CommandError

from samsyn.audit.checkpoints import CheckpointFileError
from samsyn.audit.integrity import verify_chain, write_checkpoint
from samsyn.audit.keys import AuditKeyError, generate_key

MAX_FINDINGS_SHOWN = 50

HELP = """Access-log tools (ADR 009).

  verify       check every chain against the keys, the chain heads and the checkpoints;
               exit 0 and the counts, or 1 naming each finding (changed row, deleted row,
               cut tail, rewritten, wrong key, unknown key, changed head, bad checkpoint)
  checkpoint   check what was added since the latest checkpoint, then append a signed
               checkpoint of the chain heads to SAMSYN_AUDIT_CHECKPOINT_FILE (exit 1 and
               nothing written if anything does not verify); run it every 5 minutes
  keygen ID    print a new key-ring entry `ID:secret` to append to SAMSYN_AUDIT_KEYS(_FILE)
"""


def _n(count: int, noun: str, plural: str = "") -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs.setdefault("formatter_class", RawDescriptionHelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Verify every chain against the keys and checkpoints.")
        sub.add_parser("checkpoint", help="Append a signed checkpoint of the chain heads.")
        keygen = sub.add_parser("keygen", help="Print a new key-ring entry id:secret.")
        keygen.add_argument("key_id", help="The new key's id, e.g. 2026-11.")

    def handle(self, *args, **options):
        try:
            if options["subcommand"] == "keygen":
                self.stdout.write(generate_key(options["key_id"]))
            elif options["subcommand"] == "checkpoint":
                self._checkpoint()
            else:
                self._verify()
        except (AuditKeyError, CheckpointFileError) as exc:
            raise CommandError(str(exc)) from exc

    def _findings(self, findings) -> None:
        for finding in findings[:MAX_FINDINGS_SHOWN]:
            self.stdout.write(str(finding))
        if len(findings) > MAX_FINDINGS_SHOWN:
            self.stdout.write(f"... and {len(findings) - MAX_FINDINGS_SHOWN} more findings")

    def _verify(self) -> None:
        result = verify_chain()
        keys = ", ".join(f"{key}: {n}" for key, n in result.events_per_key.items()) or "none"
        counts = f"{_n(result.count, 'event')} in {_n(result.chains, 'chain')}"
        counts += f" (events per key: {keys})"
        if result.ok:
            agree = _n(result.checkpoints, "checkpoint agrees", "checkpoints agree")
            latest = f", the latest of {result.latest.time}" if result.latest else ""
            self.stdout.write(f"OK: {counts} verify under their keys; {agree}{latest}")
        else:
            self._findings(result.findings)
            self.stdout.write(f"BROKEN: {_n(len(result.findings), 'finding')}; {counts} checked")
        for note in result.notes:
            self.stdout.write(f"NOTE: {note}")
        if not result.ok:
            sys.exit(1)

    def _checkpoint(self) -> None:
        result = write_checkpoint()
        if not result.written:
            self._findings(result.findings)
            self.stdout.write(
                f"REFUSED: {_n(len(result.findings), 'finding')} since the latest checkpoint; "
                f"nothing written to {result.path}"
            )
            sys.exit(1)
        events = sum(seq for seq, _ in result.heads.values())
        self.stdout.write(
            f"CHECKPOINT: {_n(len(result.heads), 'chain')}, {_n(events, 'event')} "
            f"({result.count} checked since the latest checkpoint) appended to {result.path}"
        )

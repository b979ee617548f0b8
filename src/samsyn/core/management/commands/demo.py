from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from samsyn.audit.checkpoints import CheckpointFileError
from samsyn.audit.integrity import write_checkpoint
from samsyn.core.demo.region import DEMO_PASSWORD, build_region


class Command(BaseCommand):
    help = "Create (or top up) the demo region and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=50)
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args, **options):
        # The demo's own notices (new messages, a withdrawn consent) are not e-mailed.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            logins = build_region(persons=options["persons"])
        audit_note = self._audit_checkpoint()
        if options["quiet"]:
            return
        out = self.stdout
        out.write("")
        out.write(f"Samsyn demo – logins (password for all: {DEMO_PASSWORD})")
        out.write("Every role except patient needs a second factor: a TOTP code from an")
        out.write("authenticator app (add the secret below) or one of the backup codes.")
        out.write("Each backup code works once; `samsyn demo` tops them up again.")
        out.write("")
        for login in logins:
            out.write(f"  {login.username:<14} {login.name} – {', '.join(login.roles)}")
            if login.totp_secret:
                out.write(f"      TOTP secret: {login.totp_secret}")
                out.write(f"      backup codes: {' '.join(login.backup_codes)}")
            else:
                out.write("      (no second factor for patients)")
        out.write("")
        minutes = settings.SAMSYN_LOCKOUT_MINUTES
        out.write(f"'lakare2' is locked after six wrong passwords ({minutes} min): 'chef' sees")
        out.write("it under 'Spärrade inloggningar' and may unlock it.")
        out.write("Open http://127.0.0.1:8000/ and log in, e.g. as 'koordinator'.")
        if audit_note:
            out.write(audit_note)

    def _audit_checkpoint(self) -> str:
        """Sign the access log's chain heads, as the scheduled `samsyn audit checkpoint`
        does in production (ADR 009), so that `samsyn audit verify` has one to check."""
        if not settings.SAMSYN_AUDIT_CHECKPOINT_FILE:
            return ""
        try:
            result = write_checkpoint()
        except CheckpointFileError as exc:
            return f"Access log: no checkpoint written ({exc})."
        if result.written:
            chains = f"{len(result.heads)} chain{'s' * (len(result.heads) != 1)}"
            return f"Access log: checkpoint of {chains} in {result.path}."
        found = "; ".join(str(finding) for finding in result.findings[:3])
        return (
            f"Access log: no checkpoint written ({found}). If the database was recreated, "
            f"remove {result.path}."
        )

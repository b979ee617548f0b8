"""Concurrent audit writers on PostgreSQL, run by `test_chains_postgres.py` in an empty
database of its own: `python -m samsyn.audit.tests.pg_writers CHECKPOINT_FILE` migrates
the audit app (and what it depends on) and prints one JSON line of what happened. Each
thread has its own connection and transactions."""

from __future__ import annotations

import io
import json
import sys
import threading
import time


def main(checkpoint_file: str) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from samsyn.accounts.actor import Actor
    from samsyn.audit import auditor
    from samsyn.audit.models import AccessEvent, Action, Ground

    call_command("migrate", "audit", verbosity=0)
    settings.SAMSYN_AUDIT_CHECKPOINT_FILE = checkpoint_file
    results: dict = {}
    errors: list[str] = []

    def record(job: str, n: int = 1):
        actor = Actor.system(job)
        rows = [(i, None, Ground.SYSTEM, "") for i in range(n)]
        return auditor.record_reads(actor=actor, object_type="", rows=rows, action=Action.UPDATE)

    def thread(target, *args):
        def run():
            try:
                target(*args)
            except Exception as exc:  # noqa: BLE001  (reported, and the test fails on it)
                errors.append(repr(exc))
            finally:
                connection.close()

        t = threading.Thread(target=run)
        t.start()
        return t

    # 1. A writer whose transaction stays open holds one chain; the next writes to another
    #    without waiting.
    settings.SAMSYN_AUDIT_CHAINS = 4
    holding, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            record("holder")
            holding.set()
            release.wait(10)

    holder = thread(hold)
    holding.wait(10)
    started = time.monotonic()
    with transaction.atomic():
        [event] = record("second")
    results["second_writer_seconds"] = time.monotonic() - started
    results["second_writer_chain"] = event.chain
    release.set()
    holder.join()

    # 2. More writers than chains, each writing twice in one transaction: they queue on
    #    chain 1 when both chains are busy, and none deadlocks.
    settings.SAMSYN_AUDIT_CHAINS = 2
    barrier = threading.Barrier(6)

    def twice(i):
        barrier.wait(10)
        with transaction.atomic():
            record(f"twice-{i}")
            time.sleep(0.05)
            record(f"twice-{i}", n=3)

    for t in [thread(twice, i) for i in range(6)]:
        t.join()

    # 3. Ten writers at once, twenty calls each (one event or a list of five).
    settings.SAMSYN_AUDIT_CHAINS = 16
    barrier = threading.Barrier(10)

    def user(i):
        barrier.wait(10)
        for call in range(20):
            record(f"user-{i}", n=5 if call % 4 == 0 else 1)

    for t in [thread(user, i) for i in range(10)]:
        t.join()

    results["errors"] = errors
    results["events"] = AccessEvent.objects.count()
    results["chains_used"] = sorted(set(AccessEvent.objects.values_list("chain", flat=True)))
    verified = auditor.verify_chain()
    results["verify"] = [verified.ok, verified.count, verified.chains]

    # 4. A checkpoint, then an attacker changes an event of the second chain.
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    results["checkpoint"] = out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accessevent SET role = 'admin' WHERE chain = 2 AND seq = 1")
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
        results["verify_after_attack"] = [0, out.getvalue()]
    except SystemExit as exc:
        results["verify_after_attack"] = [exc.code, out.getvalue()]
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))

"""Audit writes per second with concurrent users, before and after ADR 009, in one run.

    .venv/bin/python bench/bench_audit.py [--server postgres://postgres@127.0.0.1:5432]
        [--users 10] [--seconds 10] [--warmup 2] [--rounds 3] [--json FILE] [--keep]

The script creates its own PostgreSQL database (`samsyn_bench_audit_<pid>`, never the
suite's `test`), migrates it, and makes `--users`
users at one care unit and 39 persons. Each variant and workload then runs `--users`
processes at once (processes, not threads, so that Python's lock does not serialise
them); each process loops: open a transaction, call the auditor, commit. Only the
transactions that end within the `--seconds` after the `--warmup` are counted. The audit
tables are emptied between runs, and the database is dropped at the end (unless `--keep`).
The variants take turns, `--rounds` times, so that a change in the machine's load falls
on all of them; the summary gives each one's median over the rounds.

Variants:

- `before`: the auditor as it was before ADR 009 (commit bc93379), copied below: every
  writer locks the one `ChainHead` row (SELECT ... FOR UPDATE), plain SHA-256. The only
  change is that its events name chain 1 and an empty key id, which today's table needs.
- `after, 1 chain`: today's auditor with SAMSYN_AUDIT_CHAINS=1 — the HMAC, but still one
  row for everyone to queue on (shows what the HMAC itself costs).
- `after, 16 chains`: today's auditor as configured by default (SKIP LOCKED over 16 heads).

Workloads (what each transaction does):

- `single`: `auditor.record` of one event (a service's write, a page that reads a person);
- `worklist`: `auditor.record_reads` of 39 events (the worklist page, one event per person);
- `service`: one event, then 5 ms of further work in the same transaction (`pg_sleep`),
  as a service that writes its event and goes on changing rows before it commits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PERSONS = 39
VARIANTS = ("before", "after, 1 chain", "after, 16 chains")
WORKLOADS = ("single", "worklist", "service")


# --- The auditor before ADR 009 (bc93379:src/samsyn/audit/auditor.py), verbatim but for
# --- chain=1 and key_id="" on each event.


def _old_event_content(event) -> dict:
    return {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "system_job": event.system_job,
        "organisation": str(event.organisation_id) if event.organisation_id else None,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "person": str(event.person_id) if event.person_id else None,
        "ground": event.ground,
        "ground_ref": event.ground_ref,
        "request_id": event.request_id,
        "extra": event.extra,
        "prev_hash": event.prev_hash,
    }


def _old_compute_hash(event) -> str:
    payload = json.dumps(_old_event_content(event), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def old_record_many(*, actor, accesses):
    from django.db import transaction
    from django.utils import timezone

    from samsyn.audit.models import AccessEvent, Action, ChainHead, Ground, ObjectType

    if actor.user is None and not actor.system_job:
        raise RuntimeError("An access event needs a user or a system job.")
    if not accesses:
        return []
    for access in accesses:
        if access.ground not in Ground.values:
            raise ValueError(f"Unknown ground {access.ground!r}")
        if access.action not in Action.values:
            raise ValueError(f"Unknown action {access.action!r}")
        if access.object_type not in ObjectType.values:
            raise ValueError(f"Unknown object type {access.object_type!r}")
    now = timezone.now()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev = head.last_seq, head.last_hash
        events = []
        for access in accesses:
            seq += 1
            event = AccessEvent(
                chain=1,  # bench: today's table needs a chain
                key_id="",  # bench: and a key id
                seq=seq,
                created_at=now,
                actor=actor.user,
                system_job=actor.system_job,
                organisation=actor.organisation,
                role=actor.role,
                action=access.action,
                object_type=access.object_type,
                object_id=access.object_id,
                person_id=access.person_id,
                ground=access.ground,
                ground_ref=access.ground_ref,
                request_id=actor.request_id,
                extra=access.extra or {},
                prev_hash=prev,
            )
            event.hash = _old_compute_hash(event)
            prev = event.hash
            events.append(event)
        AccessEvent.objects.bulk_create(events)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    return events


# --- Set-up ----------------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
    os.environ.setdefault("SAMSYN_DEBUG", "1")  # only so that settings load without secrets
    os.environ["SAMSYN_AUDIT_CHECKPOINT_FILE"] = ""  # not the development checkpoints
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log


def create_data(users: int) -> tuple[list[int], list[str]]:
    """`users` coordinators at one unit, and the persons a worklist shows."""
    import datetime

    from samsyn.accounts.models import Membership, Organisation, OrganisationType, Role, User
    from samsyn.people import personnummer
    from samsyn.people.models import Person

    unit = Organisation.objects.create(
        name="Vårdcentralen Bänkby", type=OrganisationType.CARE_UNIT, code="SE-BENCH-1"
    )
    user_ids = []
    for n in range(users):
        user = User.objects.create(username=f"bench-{n}", first_name="Bänk", last_name=f"{n}")
        Membership.objects.create(user=user, organisation=unit, role=Role.COORDINATOR)
        user_ids.append(user.pk)
    person_ids = []
    for n in range(PERSONS):
        number = personnummer.generate(datetime.date(1970, 1, 1 + n % 28), 100 + n)
        parsed = personnummer.parse(number)
        person = Person.objects.create(
            personnummer=number,
            kind="personnummer",
            given_name="Bänk",
            family_name=f"Person {n}",
            birth_date=parsed.birth_date,
            sex=parsed.sex,
            care_unit=unit,
        )
        person_ids.append(str(person.pk))
    return user_ids, person_ids


def empty_audit_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_accessevent")
        cursor.execute("UPDATE audit_chainhead SET last_seq = 0, last_hash = %s", ["0" * 64])


# --- One user ---------------------------------------------------------------------------


def user_process(variant, workload, user_id, person_ids, barrier, window, queue) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from samsyn.accounts.actor import Actor
    from samsyn.accounts.models import User
    from samsyn.audit import auditor
    from samsyn.audit.models import Action, Ground, ObjectType

    connection.close()  # never share the parent's connection
    settings.SAMSYN_AUDIT_CHAINS = 1 if variant == "after, 1 chain" else 16
    record_many = old_record_many if variant == "before" else auditor.record_many
    user = User.objects.get(pk=user_id)
    actor = Actor(user=user, membership=user.memberships.get(), request_id=f"bench-{user_id}")
    people = person_ids if workload == "worklist" else person_ids[:1]
    accesses = [
        auditor.Access(
            action=Action.READ,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type=ObjectType.WORKLIST if workload == "worklist" else ObjectType.PERSON,
            object_id=person_id,
            person_id=person_id,
        )
        for person_id in people
    ]
    barrier.wait()
    start, end = window
    done: list[tuple[float, float, int]] = []
    while (began := time.time()) < end:
        with transaction.atomic():
            events = record_many(actor=actor, accesses=accesses)
            if workload == "service":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(0.005)")
        finished = time.time()
        if began >= start and finished <= end:
            done.append((began, finished, len(events)))
    connection.close()
    queue.put(done)


def run_one(variant, workload, users, user_ids, person_ids, warmup, seconds) -> dict:
    from django.db import connection

    empty_audit_tables()
    connection.close()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(users)
    queue = context.Queue()
    start = time.time() + 2.0 + warmup  # 2 s for the processes to connect
    window = (start, start + seconds)
    processes = [
        context.Process(
            target=user_process,
            args=(variant, workload, user_ids[n], person_ids, barrier, window, queue),
        )
        for n in range(users)
    ]
    for process in processes:
        process.start()
    done = [row for _ in processes for row in queue.get()]
    for process in processes:
        process.join()
    latencies = sorted((finished - began) * 1000 for began, finished, _ in done)
    events = sum(n for _, _, n in done)
    from samsyn.audit.integrity import verify_chain
    from samsyn.audit.models import AccessEvent

    chains = AccessEvent.objects.values_list("chain", flat=True).distinct().count()
    verified = verify_chain().ok if variant != "before" else None
    return {
        "variant": variant,
        "workload": workload,
        "transactions_per_s": len(done) / seconds,
        "events_per_s": events / seconds,
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] if latencies else None,
        "chains_used": chains,
        "verifies": verified,
    }


# --- Main --------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(  # noqa: S603
        ["git", "-C", str(PROJECT_DIR), "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average": os.getloadavg(),
        "commit": commit,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    import psycopg

    name = f"samsyn_bench_audit_{os.getpid()}"
    admin = psycopg.connect(f"{args.server}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        setup_django(f"{args.server}/{name}")
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        user_ids, person_ids = create_data(args.users)
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            server_version = cursor.fetchone()[0]
        about = {**machine(), "postgresql": server_version, "database": name, "args": vars(args)}
        print(f"# {about}", flush=True)
        results = []
        for workload in args.workloads.split(","):
            for round_ in range(1, args.rounds + 1):
                for variant in VARIANTS:
                    result = run_one(
                        variant,
                        workload,
                        args.users,
                        user_ids,
                        person_ids,
                        args.warmup,
                        args.seconds,
                    )
                    result["round"] = round_
                    results.append(result)
                    print(
                        f"{workload:<9} {variant:<17} round {round_}: "
                        f"{result['transactions_per_s']:7.1f} tx/s "
                        f"{result['events_per_s']:8.1f} events/s  p50 {result['p50_ms']:6.1f} ms"
                        f"  p95 {result['p95_ms']:6.1f} ms  chains {result['chains_used']:2d}  "
                        f"verifies {result['verifies']}  load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
        print("\n# Median over the rounds (10 concurrent users unless --users says otherwise)")
        print("| workload | variant | transactions/s | events/s | p50 ms | p95 ms |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for workload in args.workloads.split(","):
            for variant in VARIANTS:
                runs = [r for r in results if (r["workload"], r["variant"]) == (workload, variant)]

                def median(key, runs=runs):
                    return statistics.median(r[key] for r in runs)

                print(
                    f"| {workload} | {variant} | {median('transactions_per_s'):.0f} | "
                    f"{median('events_per_s'):.0f} | {median('p50_ms'):.1f} | "
                    f"{median('p95_ms'):.1f} |"
                )
        about["load_average_after"] = os.getloadavg()
        if args.json:
            default = str
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps({"about": about, "results": results}, default=default))
        connection.close()
    finally:
        if not args.keep:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()

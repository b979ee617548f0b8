"""Benchmark the certificate import against the engine alone on the same data.

    .venv/bin/python bench/bench_import.py [--certificates 100000]
        [--database-url URL [--keep] | --tuned-cluster] [--json FILE] [--format json|csv]

Generates `--certificates` certificates of `--certificates * 0.3` persons
(`generate.py`, the engine benchmark's data), writes them as one JSON document (or, with
`--format csv`, as CSV per `docs/formats.md`: one row per period, a certificate's rows
adjacent, as an export writes them: the streamed CSV import's case), creates
the persons in a fresh database of its own, and then times

* the engine alone: `engine.compute_cases` on the same certificates, in this process;
* the import: `samsyn import certificates FILE` in a subprocess (debug off, as in
  production), i.e. reading the file,
  checking every row against the database, and writing certificates, periods,
  materialised sick-leave cases and audit events in batches in one transaction (the same
  job the import page enqueues). Its wall time and peak memory (max RSS of the process).

and prints the ratio import / engine, of wall time and of CPU time (the CPU time is
the fairer figure on a busy machine; the import's excludes the database server's).
The database is a SQLite file under var/bench/ (default) or a PostgreSQL database whose
name must contain "bench"; it is dropped and created anew, and dropped again at the end
unless `--keep`. `--tuned-cluster` instead starts a PostgreSQL cluster of the script's own
(durable, configured as a production server of this machine's size: `TUNED`), runs the
same measurement in its database `samsyn_bench_import`, and removes the cluster at the
end, also on an error.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_certificates  # noqa: E402
from import_floor import drop_foreign_keys, floor_text, measure_floor  # noqa: E402

END_DATE = date(2026, 6, 30)
SAMSYN = str(Path(sys.executable).with_name("samsyn"))
DEFAULT_SQLITE = f"sqlite:///{ROOT / 'var' / 'bench' / 'import.sqlite3'}"

# `--tuned-cluster`: the settings of a production PostgreSQL server for a machine of this
# size (24 GB RAM, SSD), after common production tuning (PGTune-style: shared_buffers a
# quarter of the RAM, effective_cache_size two thirds, WAL and checkpoints sized for a
# write-heavy load, planner costs for an SSD). fsync and full_page_writes stay ON (the
# cluster is durable, `own_cluster(durable=True)`): only sizes and costs differ from the
# stock server's (shared_buffers 128 MB, max_wal_size 1 GB). wal_compression falls back
# to 'on' (pglz) when the server was built without lz4.
TUNED = {
    "shared_buffers": "4GB",
    "effective_cache_size": "16GB",
    "maintenance_work_mem": "1GB",
    "work_mem": "64MB",
    "wal_buffers": "64MB",
    "max_wal_size": "16GB",
    "min_wal_size": "2GB",
    "checkpoint_timeout": "30min",
    "checkpoint_completion_target": "0.9",
    "wal_compression": "lz4",
    "random_page_cost": "1.1",
    "effective_io_concurrency": "200",
    "max_connections": "100",
}
TUNED_DATABASE = "samsyn_bench_import"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


def reset_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name}: the name must contain 'bench'")
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_tuned_cluster(stack: contextlib.ExitStack) -> tuple[str, dict[str, str]]:
    """A durable cluster of this script's own with `TUNED`, stopped and removed when `stack`
    closes: (the URL of its database `TUNED_DATABASE`, not yet created; the settings)."""
    from samsyn.core.tests.pgcluster import own_cluster

    settings = dict(TUNED)
    try:
        cluster = stack.enter_context(
            own_cluster("samsyn-bench-import-", durable=True, settings=settings)
        )
    except subprocess.CalledProcessError:  # most likely a server without lz4
        refused = settings["wal_compression"]
        log(f"the tuned cluster did not start with wal_compression = {refused}: trying 'on'")
        settings["wal_compression"] = "on"
        cluster = stack.enter_context(
            own_cluster("samsyn-bench-import-", durable=True, settings=settings)
        )
    log(f"own tuned cluster on port {cluster.port} in {cluster.data_dir.parent}")
    return cluster.url(TUNED_DATABASE), settings


def as_json(certificate) -> dict:
    item = {
        "id": certificate.id,
        "person": certificate.person,
        "type": certificate.type,
        "signed": certificate.signed.isoformat(),
        "status": certificate.status,
        "periods": [
            {"start": p.start.isoformat(), "end": p.end.isoformat(), "degree": p.degree}
            for p in certificate.periods
        ],
        "diagnoses": list(certificate.diagnoses),
    }
    if certificate.occupation:
        item["occupation"] = certificate.occupation
    return item


CSV_HEADER = (
    "id,person,type,signed,status,occupation,diagnoses,period_start,period_end,degree,unit,"
    "physician"
)


def write_csv(certificates, out) -> None:
    """The certificates in the CSV import format, one row per period."""
    writer = csv.writer(out, lineterminator="\n")
    out.write(CSV_HEADER + "\n")
    for c in certificates:
        first = (c.id, c.person, c.type, c.signed.isoformat(), c.status, c.occupation or "")
        diagnoses = " ".join(c.diagnoses)
        for p in c.periods:
            row = (*first, diagnoses, p.start.isoformat(), p.end.isoformat(), p.degree, "", "")
            writer.writerow(row)


def create_persons(numbers: list[str]) -> None:
    """The unit and the persons the certificates name (bulk, untimed)."""
    import django

    django.setup()
    from samsyn.accounts.models import Organisation, OrganisationType
    from samsyn.people.models import Person

    unit = Organisation.objects.create(
        name="Vårdcentralen Benchdalen", type=OrganisationType.CARE_UNIT, code="bench-unit"
    )
    batch = []
    for n, number in enumerate(numbers):
        batch.append(
            Person(
                personnummer=number,
                kind="personnummer",
                given_name="Test",
                family_name=f"Person {n}",
                birth_date=date(int(number[:4]), int(number[4:6]), int(number[6:8])),
                sex="female" if n % 2 else "male",
                care_unit=unit,
            )
        )
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    from django.db import connection, connections

    with connection.cursor() as cursor:  # statistics, as autovacuum keeps them in production
        cursor.execute("ANALYZE")

    connections.close_all()


def run_measured(command: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float]:
    """Run `command` (debug off, as a production worker runs) and return it with its
    peak memory in MB: the kernel's high-water mark of the process's own memory
    (`VmHWM` in /proc, read every 0.1 s). Not `ru_maxrss` of the children: Linux counts
    in a child the high-water mark of this process, which holds every certificate, up to
    the child's exec (the figures before issue 19's fix, 1 384 MB at 1 M, were this
    script's own)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env)  # noqa: S603
        peak_kb = 0
        status = Path(f"/proc/{process.pid}/status")
        while process.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())
    return done, peak_kb / 1024


def remove_stored_copies(since: float) -> None:
    """The import job's stored copies of the files of this run (its database is gone)."""
    stored = Path(os.environ["SAMSYN_VAR_DIR"]) / "media" / "imports"
    for path in stored.rglob("*.*") if stored.exists() else ():
        if path.suffix in (".json", ".csv") and path.stat().st_mtime >= since:
            path.unlink(missing_ok=True)


def settings_text(settings: dict[str, str]) -> str:
    return ", ".join(f"{name}={value}" for name, value in settings.items())


def use_database(url: str) -> None:
    """The environment of this process and of the `samsyn` commands it runs."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
    os.environ.setdefault("SAMSYN_LOG_FORMAT", "text")
    os.environ["SAMSYN_VAR_DIR"] = str(ROOT / "var" / "bench" / "import-var")


def write_certificates(certificates, name: str, file_format: str = "json") -> Path:
    """The certificates as one file under var/bench/ (JSON or the CSV format)."""
    file = ROOT / "var" / "bench" / f"{name}.{file_format}"
    file.parent.mkdir(parents=True, exist_ok=True)
    with file.open("w", encoding="utf-8", newline="") as out:
        if file_format == "csv":
            write_csv(certificates, out)
        else:
            json.dump([as_json(c) for c in certificates], out)
    return file


def cpu_seconds() -> float:
    """This process's user + system CPU time, on the clock the import's CPU is read on
    (`getrusage` of the child), so that the CPU ratio compares like with like. On this
    virtual machine the kernel counts more CPU than wall time for single-threaded work
    (up to 1.4x): the wall ratio is the figure to trust."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def time_engine(certificates, gap_days: int | None = None) -> tuple[float, float, int]:
    """The engine alone on the certificates, best of 3: (wall s, CPU s, cases)."""
    from samsyn.sickleave.engine import EngineSettings, compute_cases

    settings = EngineSettings() if gap_days is None else EngineSettings(gap_days=gap_days)
    wall = cpu = float("inf")
    for _ in range(3):
        t0, c0 = time.perf_counter(), cpu_seconds()
        cases = compute_cases(certificates, settings, date.today())  # noqa: DTZ011
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, cpu_seconds() - c0)
        n_cases = len(cases)
        del cases
    return wall, cpu, n_cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=100_000)
    server = parser.add_mutually_exclusive_group()
    server.add_argument("--database-url", default=DEFAULT_SQLITE)
    server.add_argument(
        "--tuned-cluster",
        action="store_true",
        help="PostgreSQL: start a durable cluster of this script's own configured as a "
        "production server for 24 GB RAM and an SSD (TUNED), measure in its database "
        f"{TUNED_DATABASE}, and remove the cluster at the end",
    )
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database and the file (not with --tuned-cluster: its cluster is "
        "removed at the end)",
    )
    parser.add_argument("--json", default="")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.add_argument("--profile", default="", help="cProfile the import into this file")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="PostgreSQL: after the import, time the database alone writing the same rows "
        "(import_floor.py), with and without the foreign keys",
    )
    parser.add_argument(
        "--without-foreign-keys",
        action="store_true",
        help="PostgreSQL, an experiment: drop every foreign key of the certificates, "
        "periods, cases and access events before the import (import_floor.py)",
    )
    args = parser.parse_args()
    if args.floor and args.database_url.startswith("sqlite"):
        parser.error("--floor measures PostgreSQL only")
    if args.without_foreign_keys and (args.floor or args.database_url.startswith("sqlite")):
        parser.error("--without-foreign-keys: PostgreSQL, and not with --floor")
    if args.keep and args.tuned_cluster:
        parser.error("--keep cannot keep the database of --tuned-cluster: the cluster is removed")
    with contextlib.ExitStack() as stack:
        if args.tuned_cluster:  # `kill` stops and removes the cluster too
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
        measure(args, stack)


def measure(args: argparse.Namespace, stack: contextlib.ExitStack) -> None:
    """The measurement; `stack` holds the tuned cluster, if any."""
    n_certificates = args.certificates
    n_persons = max(1, int(n_certificates * 0.3))
    url = args.database_url
    use_database(url)
    os.environ.setdefault("SAMSYN_DEBUG", "1")

    started = time.time()
    log(f"generating {n_certificates:,} certificates of {n_persons:,} persons")
    certificates = list(generate_certificates(n_persons, n_certificates, args.seed, END_DATE))
    file = write_certificates(certificates, f"import-{n_certificates}", args.format)
    size_mb = file.stat().st_size / 1e6

    log("the engine alone (best of 3)")
    engine_wall, engine_cpu, n_cases = time_engine(certificates)
    numbers = sorted({c.person for c in certificates})
    del certificates

    tuned: dict[str, str] | None = None
    if args.tuned_cluster:
        url, tuned = start_tuned_cluster(stack)
        use_database(url)
        log(f"tuned cluster: {settings_text(tuned)}")
    log(f"database {url.split('@')[-1]}: reset and migrate")
    reset_database(url)
    subprocess.run([SAMSYN, "migrate", "--noinput", "-v", "0"], check=True)  # noqa: S603
    create_persons(numbers)
    dropped = []
    if args.without_foreign_keys:
        dropped = drop_foreign_keys(url)
        log(f"dropped {len(dropped)} foreign keys: {', '.join(dropped)}")

    log("samsyn import certificates")
    command = [SAMSYN, "import", "certificates", str(file)]
    if args.profile:
        command = [sys.executable, "-m", "cProfile", "-o", args.profile, *command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done, peak_mb = run_measured(command, {**os.environ, "SAMSYN_DEBUG": "0"})
    import_wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    import_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = done.stdout.splitlines()[0] if done.stdout else done.stderr[-500:]
    for line in done.stderr.splitlines():  # the import's phases (SAMSYN_LOG_LEVEL=DEBUG)
        if '"import: ' in line or " import: " in line:
            log(line.split("import: ", 1)[1].split('"', 1)[0])
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
    vendor = "postgresql" if url.startswith("postgres") else "sqlite"
    if tuned is not None:
        server = "own tuned cluster"
    elif vendor == "postgresql":
        server = f"stock {url.split('@')[-1].rsplit('/', 1)[0]}"
    else:
        server = f"SQLite file {url.removeprefix('sqlite:///')}"
    log("samsyn audit verify (the chain after the import's bulk events)")
    verified = subprocess.run(  # noqa: S603
        [SAMSYN, "audit", "verify"], capture_output=True, text=True, check=False
    )
    audit_ok = verified.returncode == 0
    if not audit_ok:
        print(verified.stdout[-2000:], verified.stderr[-2000:], file=sys.stderr)
    floor = floor_without = None
    if args.floor and done.returncode == 0:
        log("the database's floor: the same rows by INSERT ... SELECT, with the foreign keys")
        floor = measure_floor(url)
        log(f"floor {floor_text(floor)}; without the foreign keys")
        floor_without = measure_floor(url, foreign_keys=False)
        log(f"floor without foreign keys {floor_text(floor_without)}")
    figures = {
        "database": vendor,
        "server": server,
        "server_settings": tuned,
        "format": args.format,
        "certificates": n_certificates,
        "persons": n_persons,
        "cases": n_cases,
        "file_mb": round(size_mb, 1),
        "engine_s": round(engine_wall, 2),
        "engine_cpu_s": round(engine_cpu, 2),
        "import_s": round(import_wall, 2),
        "import_cpu_s": round(import_cpu, 2),
        "ratio": round(import_wall / engine_wall, 1),
        "cpu_ratio": round(import_cpu / engine_cpu, 1),
        "import_peak_rss_mb": round(peak_mb),
        "per_certificate_ms": round(import_wall * 1000 / n_certificates, 3),
        "summary": summary,
        "exit": done.returncode,
        "audit_verified": audit_ok,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "foreign_keys_dropped": dropped,
        "floor_s": floor,
        "floor_without_foreign_keys_s": floor_without,
        "floor_ratio": round(floor["total"] / engine_wall, 1) if floor else None,
    }
    where = f" (own tuned cluster: {settings_text(tuned)})" if tuned is not None else ""
    print(
        f"{vendor}{where}: {n_certificates:,} certificates "
        f"({size_mb:.0f} MB {args.format.upper()}, "
        f"{n_persons:,} persons, {n_cases:,} cases): "
        f"engine {engine_wall:.2f} s ({engine_cpu:.2f} s CPU), "
        f"import {import_wall:.1f} s ({import_cpu:.1f} s CPU of the import process; "
        f"{figures['per_certificate_ms']} ms per certificate), ratio {figures['ratio']} "
        f"(CPU {figures['cpu_ratio']}), "
        f"import peak RSS {peak_mb:.0f} MB; audit chain {'verified' if audit_ok else 'BROKEN'}; "
        f"load average {figures['load_average']} — {summary}",
        flush=True,
    )
    if floor is not None:
        print(
            f"database floor (the same rows, one INSERT ... SELECT per table, one "
            f"transaction): {floor_text(floor)}, {figures['floor_ratio']}x the engine; "
            f"without the foreign keys {floor_text(floor_without)}",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    if not args.keep:
        if tuned is None:  # the tuned cluster goes as a whole
            drop_database(url)
        file.unlink(missing_ok=True)
        remove_stored_copies(started)


if __name__ == "__main__":
    main()

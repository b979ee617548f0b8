"""Benchmark the recompute of a unit's cases after its gap changed, against the engine.

    .venv/bin/python bench/bench_recompute.py [--certificates 100000] [--database-url URL]
        [--gap 14] [--json FILE]

Sets up as `bench_import.py` does (`--certificates` certificates of 0.3 × as many persons
of one unit, imported with `samsyn import certificates`, untimed), then times

* the engine alone: `engine.compute_cases` on the same certificates with the new gap
  (best of 3, in this process);
* the recompute: the unit's gap set to `--gap` and `recompute_unit_cases` run as the job
  `recompute_unit_cases_job` runs it (batches of persons, one transaction each: read the
  certificates and periods, compute, replace the cases with COPY on PostgreSQL), in this
  process after the engine's run.

and prints the ratio recompute / engine, of wall time and of CPU time (this process's; the
database server's CPU is left out, so the CPU ratio is the fairer figure on a busy
machine), and checks that the stored cases are as many as the engine's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import (  # noqa: E402
    DEFAULT_SQLITE,
    END_DATE,
    SAMSYN,
    cpu_seconds,
    create_persons,
    drop_database,
    log,
    remove_stored_copies,
    reset_database,
    time_engine,
    use_database,
    write_certificates,
)
from generate import generate_certificates  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_SQLITE)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--gap", type=int, default=14, help="the unit's new gap (days)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    n_certificates = args.certificates
    n_persons = max(1, int(n_certificates * 0.3))
    url = args.database_url
    use_database(url)
    os.environ["SAMSYN_DEBUG"] = "0"

    started = time.time()
    log(f"generating {n_certificates:,} certificates of {n_persons:,} persons")
    certificates = list(generate_certificates(n_persons, n_certificates, args.seed, END_DATE))
    file = write_certificates(certificates, f"recompute-{n_certificates}")

    log(f"database {url.split('@')[-1]}: reset, migrate, persons, import (untimed)")
    reset_database(url)
    subprocess.run([SAMSYN, "migrate", "--noinput", "-v", "0"], check=True)  # noqa: S603
    create_persons(sorted({c.person for c in certificates}))
    subprocess.run(  # noqa: S603
        [SAMSYN, "import", "certificates", str(file)], check=True, capture_output=True
    )
    file.unlink(missing_ok=True)

    log(f"the engine alone with gap {args.gap} (best of 3)")
    engine_wall, engine_cpu, n_cases = time_engine(certificates, gap_days=args.gap)
    del certificates

    from django.db import connections

    from samsyn.accounts.actor import Actor
    from samsyn.accounts.models import Organisation
    from samsyn.sickleave.models import SickLeaveCase
    from samsyn.sickleave.services import recompute_unit_cases

    unit = Organisation.objects.get(code="bench-unit")
    unit.gap_days = args.gap
    unit.save(update_fields=["gap_days"])
    log(f"recompute_unit_cases: {n_persons:,} persons of the unit, gap {args.gap}")
    t0, c0 = time.perf_counter(), cpu_seconds()
    persons = recompute_unit_cases(actor=Actor.system("recompute"), unit=unit)
    recompute_wall = time.perf_counter() - t0
    recompute_cpu = cpu_seconds() - c0
    stored = SickLeaveCase.objects.filter(care_unit=unit).count()
    gaps = set(SickLeaveCase.objects.values_list("gap_days", flat=True).distinct())
    connections.close_all()
    vendor = "postgresql" if url.startswith("postgres") else "sqlite"
    figures = {
        "database": vendor,
        "certificates": n_certificates,
        "persons": persons,
        "cases_engine": n_cases,
        "cases_stored": stored,
        "gap_days": args.gap,
        "engine_s": round(engine_wall, 2),
        "engine_cpu_s": round(engine_cpu, 2),
        "recompute_s": round(recompute_wall, 2),
        "recompute_cpu_s": round(recompute_cpu, 2),
        "ratio": round(recompute_wall / engine_wall, 1),
        "cpu_ratio": round(recompute_cpu / engine_cpu, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    same = stored == n_cases and gaps == {args.gap}
    print(
        f"{vendor}: recompute of {persons:,} persons ({n_certificates:,} certificates, "
        f"{stored:,} cases{'' if same else f' — ENGINE SAYS {n_cases:,}'}) with gap "
        f"{args.gap}: engine {engine_wall:.2f} s ({engine_cpu:.2f} s CPU), recompute "
        f"{recompute_wall:.1f} s ({recompute_cpu:.1f} s CPU of this process), ratio "
        f"{figures['ratio']} (CPU {figures['cpu_ratio']}); load average "
        f"{figures['load_average']}",
        flush=True,
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    if not args.keep:
        drop_database(url)
        remove_stored_copies(started)
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()

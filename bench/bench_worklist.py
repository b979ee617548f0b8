"""Benchmark the worklist: a unit with 5 000 current sick-leave cases among 1 M certificates.

    .venv/bin/python bench/bench_worklist.py [--database-url URL] [--reuse] [--breakdown]

bench/README.md has the method, the figures and the commands. This file is the entry point
only: the code is in the package bench/worklist/ (its __init__ lists the modules).

The budget (the worklist issue): the worklist of a unit with 5 000 active cases, in a
database holding 1 000 000 certificates, answers in at most 300 ms server time (median of
20 requests) on SQLite and on PostgreSQL, with a number of queries that does not grow with
the number of rows.

Two phases:

1. Generate (skipped with --reuse when the database already holds the same data set).
   bench/generate.py's certificates, cut to exactly --certificates signed by today (the
   database as it stands today: its dates run --horizon days further and it is asked for
   --oversample times as many), are written with raw executemany (SQLite) or COPY
   (PostgreSQL), never through the services (that would take hours). Every generator
   person becomes a Person with a valid personnummer; the materialised SickLeaveCase rows
   come from the real engine (`engine.compute_cases` over all certificates, on today's
   date) and are built field by field like `services.refresh_sick_leave_cases`; a sample
   of persons is then re-materialised through `refresh_sick_leave_cases` itself (and
   rolled back) to check that the bulk rows are identical. The persons are placed so that
   the target unit has exactly --unit-active persons with a case in force today, and a
   small unit has --small-active; 1 000 of the target unit's persons get an open Case with
   tasks. Each phase prints its time; then the script restarts itself with --reuse, so
   the measurement always runs in a fresh process.
2. Measure. A coordinator of the target unit with a verified second factor requests
   /arbetslista/ through django.test.Client (the whole middleware and template stack, no
   network): a warm-up, then --requests timed GETs, for the default page and for a saved
   filter (length 91-180 days). Timed requests run with settings.DEBUG = False (no query
   log, production template engine) and without the test template instrumentation. One
   further request per view and unit counts the SQL queries (CaptureQueriesContext) on the
   target unit and on the small unit: the two counts must be equal.
3. With --compare (issue 19 item 3's ratios as the worklist is today): the small unit's
   coordinator, the target unit's and a unit manager at the region (every unit below
   it), requested in turn; medians, CPU, query counts and the ratios 5 000 / 50 and
   region / 5 000; on PostgreSQL also each table's size per row.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/: generate.py, worklist/

from worklist.main import main  # noqa: E402

if __name__ == "__main__":
    main(description=__doc__.splitlines()[0], script=Path(__file__).resolve())

"""The worklist benchmark, split by concept; bench/bench_worklist.py is its command line.

- config: names, paths, the budget and the logging helpers every module shares.
- database: the bench database (URL, drop and create, Django settings, `bench_meta`).
- load: raw bulk inserts (executemany on SQLite, COPY on PostgreSQL).
- dataset: `generate`, the data set phase by phase (certificates, persons, engine cases).
- staff: where each person belongs, and the units, physicians and coordinators.
- rows: the bulk-written persons, certificates, periods and sick-leave cases.
- coordination: open coordinator cases and tasks, consents, questions from FK.
- check: the bulk rows compared with `refresh_sick_leave_cases` on a sample.
- measure: the timed requests, query counts, breakdown and cProfile.
- compare: `--compare`, the small, target and region-wide views in turn, and table sizes.
- main: the arguments, the machine and code version, and the two phases.
"""

"""Run every benchmark and print a summary against the budgets (`make bench`).

    .venv/bin/python bench/run_all.py [--fresh] [--skip-engine] [--skip-sqlite]
                                      [--skip-postgres] [--requests N]

1. bench/bench_engine.py: the case engine on 1 M and 2 M certificates.
2. bench/bench_engine_cli.py: `samsyn sickleave cases` against the JSON floor (200 000).
3. bench/bench_import.py: import / engine on 100 000 certificates (SQLite, and PostgreSQL
   when it answers).
4. bench/bench_worklist.py --compare on SQLite (var/bench/bench.sqlite3).
5. bench/bench_worklist.py --compare on PostgreSQL
   (postgres://postgres@127.0.0.1:5432/samsyn_bench, or BENCH_POSTGRES_URL); skipped
   with a note when the server does not answer.
bench/load.py (a deployment under load with a database restart, about 2 min) and
bench/bench_audit.py run only when asked: --with-load, --with-audit.

Each benchmark runs in its own process (Django settings are per process) and its output
is shown as it comes. The worklist databases are reused when they already hold the data
set (--fresh regenerates them: about 2 min on SQLite, 4 min on PostgreSQL). The exit
status is 1 when a benchmark fails to run, not when a figure is over its budget.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = PROJECT_DIR / "var" / "bench"
SQLITE_URL = "sqlite:///var/bench/bench.sqlite3"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/samsyn_bench"
)
ENGINE_1M_BUDGET_S = 10.0
ENGINE_RATIO_BUDGET = 2.2
WORKLIST_BUDGET_MS = 300.0


def run(command: list[str]) -> tuple[int, str]:
    """Run a benchmark, echoing its output; return (exit status, output)."""
    print(f"\n$ {' '.join(command)}", flush=True)
    process = subprocess.Popen(  # noqa: S603 - our own scripts, no shell
        command,
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    lines = []
    assert process.stdout is not None  # noqa: S101
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    return process.wait(), "".join(lines)


def engine_figures(output: str) -> dict:
    """The figures of bench_engine.py's output (wall time, and CPU time when printed)."""
    figures: dict = {}
    size = re.compile(
        r"^\s*([\d,]+) certificates, .*? cases in ([\d.]+) s(?: wall, ([\d.]+) s CPU)?", re.M
    )
    for match in size.finditer(output):
        n = int(match[1].replace(",", ""))
        figures[n] = {"wall": float(match[2]), "cpu": float(match[3]) if match[3] else None}
    ratio = re.search(r"ratio 2M/1M = ([\d.]+)(?: wall, ([\d.]+) CPU)?", output)
    if ratio:
        figures["ratio"] = float(ratio[1])
        figures["ratio_cpu"] = float(ratio[2]) if ratio[2] else None
    return figures


def postgres_reachable(url: str) -> str:
    """'' when the server answers, else why not."""
    try:
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        psycopg.connect(
            dbname="postgres",
            user=config.get("USER") or "postgres",
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or "127.0.0.1",
            port=config.get("PORT") or 5432,
            connect_timeout=5,
        ).close()
    except Exception as exc:  # noqa: BLE001 - any failure means: skip PostgreSQL
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ""


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the worklist data")
    parser.add_argument("--skip-engine", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-engine-cli", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--with-load", action="store_true", help="also bench/load.py (~2 min)")
    parser.add_argument("--with-audit", action="store_true", help="also bench/bench_audit.py")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    failures = []
    summary: list[str] = []

    if not args.skip_engine:
        status, output = run([python, "bench/bench_engine.py"])
        if status:
            failures.append("engine")
        figures = engine_figures(output)
        one, two = figures.get(1_000_000), figures.get(2_000_000)
        if one and two and "ratio" in figures:
            cpu = ""
            if one["cpu"] is not None and figures.get("ratio_cpu") is not None:
                cpu = f" (CPU {one['cpu']:.2f} s, ratio {figures['ratio_cpu']:.2f})"
            summary.append(
                f"engine      1M {one['wall']:.2f} s, 2M {two['wall']:.2f} s, "
                f"ratio {figures['ratio']:.2f}{cpu}: 1M "
                f"{verdict(one['wall'] <= ENGINE_1M_BUDGET_S)} (<= {ENGINE_1M_BUDGET_S:.0f} s), "
                f"ratio {verdict(figures['ratio'] <= ENGINE_RATIO_BUDGET)} "
                f"(<= {ENGINE_RATIO_BUDGET})"
            )
        else:
            summary.append("engine      figures not found in its output (see above)")

    if not args.skip_engine_cli:
        status, output = run([python, "bench/bench_engine_cli.py"])
        ratio = re.search(r"^ratio cli / floor = .*$", output, re.M)
        if status or not ratio:
            failures.append("engine CLI")
        summary.append(f"engine CLI  {ratio[0] if ratio else 'FAILED (see above)'}")

    postgres_down = "" if args.skip_postgres else postgres_reachable(POSTGRES_URL)
    if not args.skip_import:
        import_urls = [] if args.skip_sqlite else [None]
        if not args.skip_postgres and not postgres_down:
            import_urls.append(POSTGRES_URL.rsplit("/", 1)[0] + "/samsyn_bench_import")
        for url in import_urls:
            command = [python, "bench/bench_import.py"]
            command += ["--database-url", url] if url else []
            status, output = run(command)
            line = re.search(r"^(sqlite|postgresql): .* ratio .*$", output, re.M)
            if status or not line:
                failures.append("import")
            summary.append(f"import      {line[0][:150] if line else 'FAILED (see above)'}")

    for flag, script in ((args.with_load, "load.py"), (args.with_audit, "bench_audit.py")):
        if flag:
            status, _output = run([python, f"bench/{script}"])
            summary.append(f"{script:<11} exit status {status} (figures above)")
            if status:
                failures.append(script)

    databases = []
    if not args.skip_sqlite:
        databases.append(("sqlite", SQLITE_URL))
    if not args.skip_postgres:
        if postgres_down:
            summary.append(f"postgresql  skipped: the server does not answer ({postgres_down})")
        else:
            databases.append(("postgresql", POSTGRES_URL))
    for vendor, url in databases:
        result = RESULTS_DIR / f"worklist-{vendor}.json"
        result.unlink(missing_ok=True)
        command = [python, "bench/bench_worklist.py", "--database-url", url]
        command += ["--requests", str(args.requests), "--json", str(result), "--compare"]
        if not args.fresh:
            command.append("--reuse")
        status, _output = run(command)
        if status or not result.exists():
            failures.append(f"worklist on {vendor}")
            summary.append(f"{vendor:<11} FAILED (see above)")
            continue
        figures = json.loads(result.read_text(encoding="utf-8"))
        for scenario in figures["worklist"].values():
            summary.append(
                f"{vendor:<11} {scenario['label']:<36} median {scenario['median_ms']:6.1f} ms, "
                f"p90 {scenario['p90_ms']:6.1f} ms "
                f"({scenario['rows_total']:,} rows; "
                f"{verdict(scenario['median_ms'] <= WORKLIST_BUDGET_MS)}, "
                f"<= {WORKLIST_BUDGET_MS:.0f} ms); queries {scenario['queries']} at "
                f"{scenario['rows_total']:,} rows vs {scenario['small_unit_queries']} at "
                f"{scenario['small_unit_rows_total']:,} "
                f"({'equal' if scenario['queries_equal'] else 'DIFFERENT'})"
            )
        compared = figures.get("compare")
        if compared:
            summary.append(
                f"{vendor:<11} first page {compared['unit']['rows_total']:,} / "
                f"{compared['small']['rows_total']:,} rows = {compared['ratio_unit_small']:.2f} "
                f"(<= 1.5: {verdict(compared['ratio_unit_small'] <= 1.5)}); region "
                f"{compared['region']['rows_total']:,} / {compared['unit']['rows_total']:,} "
                f"rows = {compared['ratio_region_unit']:.2f} "
                f"(<= 2: {verdict(compared['ratio_region_unit'] <= 2)}); queries "
                f"{compared['small']['queries']}/{compared['unit']['queries']}/"
                f"{compared['region']['queries']}"
            )

    print("\nSummary")
    for line in summary:
        print(f"  {line}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"  (load average now {load} on {os.cpu_count()} CPUs: other load slows every figure)")
    if failures:
        print(f"Failed: {', '.join(failures)}")
        sys.exit(1)


if __name__ == "__main__":
    main()

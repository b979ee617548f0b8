"""The command line: arguments, the machine and code version, and the two phases (generate
in one process, then measure in a fresh one)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

from .compare import compare
from .config import COORDINATOR, DEFAULT_URL, PROJECT_DIR, STOCKHOLM, log
from .database import (
    configure_django,
    database_info,
    read_meta,
    recreate_database,
    vendor_of,
    write_meta,
)
from .dataset import generate
from .load import Adapt
from .measure import measure
from .rows import SICK_LEAVE_CASE_FIELDS

CODE_FILES = (  # a missing path adds nothing to the digest
    "src/samsyn/cases/selectors.py",
    "src/samsyn/cases/selectors",
    "src/samsyn/cases/worklist.py",
    "src/samsyn/cases/index.py",
    "src/samsyn/cases/rowbuild.py",
    "src/samsyn/cases/views.py",
    "src/samsyn/sickleave/rules",
    "src/samsyn/sickleave/diagnoses.py",
    "src/samsyn/templates/cases/worklist.html",
    "src/samsyn/templates/cases/_cell.html",
)


def code_version() -> str:
    """The git commit and a digest of the files the worklist runs (the tree may be dirty)."""
    import hashlib
    import subprocess

    digest = hashlib.sha256()
    for name in CODE_FILES:
        path = PROJECT_DIR / name
        files = sorted(path.glob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.read_bytes() if file.exists() else b"")
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return f"{commit or 'no-git'}+worklist-files:{digest.hexdigest()[:12]}"


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model or platform.processor(),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "code": code_version(),
    }


def build_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument(
        "--unit-active",
        type=int,
        default=5_000,
        help="persons with a case in force today at the target unit",
    )
    parser.add_argument(
        "--small-active",
        type=int,
        default=50,
        help="the same at the small unit (query-count comparison)",
    )
    parser.add_argument("--other-units", type=int, default=60)
    parser.add_argument(
        "--open-cases",
        type=int,
        default=1_000,
        help="open coordinator cases (with tasks) at the target unit",
    )
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20260316)
    parser.add_argument(
        "--horizon",
        type=int,
        default=130,
        help="the generator's dates end this many days after today (what is signed after "
        "today is dropped)",
    )
    parser.add_argument(
        "--span-days",
        type=int,
        default=420,
        help="the generator's dates span this many days up to the horizon: 420 with the "
        "default horizon puts about 54 000 persons on sick leave today, the region-wide "
        "view of issue 19 (the engine benchmark's five years put about 10 000)",
    )
    parser.add_argument(
        "--oversample",
        type=float,
        default=1.4,
        help="ask the generator for this many times --certificates (some are dropped)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database when it already holds this data set"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also cProfile N requests of the default view",
    )
    parser.add_argument("--show-queries", action="store_true")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time the selector's parts directly"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also time target vs small unit and a region-wide unit manager, interleaved",
    )
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    return parser


def params_of(args) -> dict:
    """The arguments that make the data set (what `--reuse` compares)."""
    return {
        "persons": args.persons,
        "certificates": args.certificates,
        "seed": args.seed,
        "unit_active": args.unit_active,
        "small_active": args.small_active,
        "other_units": args.other_units,
        "open_cases": args.open_cases,
        "horizon": args.horizon,
        "span_days": args.span_days,
        "oversample": args.oversample,
        # The stored case's fields: a database of an older schema is rebuilt, not reused.
        "case_fields": ",".join(SICK_LEAVE_CASE_FIELDS),
        # Issue 19: the data set holds the worklist's materialised entries.
        "worklist_entries": 1,
    }


def generate_and_restart(args, url: str, config: dict, on, params: dict, script: Path):
    """Rebuild the database and its data set, then measure in a fresh process."""
    recreate_database(config)
    configure_django(url)
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"  {'migrate':<58} {time.perf_counter() - t0:7.1f} s")
    t0 = time.perf_counter()
    generation = generate(args, on, Adapt(vendor_of(config)))
    generation["total_s"] = round(time.perf_counter() - t0, 1)
    log(f"  {'generation in all':<58} {generation['total_s']:7.1f} s")
    write_meta(
        {
            "params": params,
            "on": on.isoformat(),
            "counts": generation["counts"],
            "generation": generation,
        }
    )
    # Measure in a fresh process, as with --reuse: nothing of the generation (a few GB
    # of objects, a warm engine) may weigh on the timed requests.
    log("Restarting for the measurement (the same as running again with --reuse).")
    sys.stdout.flush()
    argv = [a for a in sys.argv[1:] if a != "--reuse"]
    command = [sys.executable, str(script), *argv, "--reuse"]
    os.execv(sys.executable, command)  # noqa: S606


def main(description: str, script: Path) -> None:
    """Run the bench; `script` is the entry point, restarted with --reuse to measure."""
    args = build_parser(description).parse_args()

    url, config = database_info(args.database_url)
    vendor = vendor_of(config)
    on = datetime.now(STOCKHOLM).date()  # the view's timezone.localdate()
    params = params_of(args)
    info = machine()
    shown_url = url if vendor == "sqlite" else url.split("@")[-1]
    log(
        f"Worklist bench on {vendor} ({shown_url}); {info['nproc']} x {info['cpu']}, "
        f"Python {info['python']}, load average {info['loadavg']}; code {info['code']}"
    )

    meta = read_meta(config)
    reuse = bool(args.reuse and meta and meta.get("params") == params)
    summary: dict = {"database": vendor, "machine": info, "params": params}
    if reuse:
        log(
            f"Reusing the data generated on {meta['on']} ({meta['counts']['certificates']:,} "
            "certificates); regenerate without --reuse."
        )
        if meta["on"] != on.isoformat():
            log(
                f"  note: generated for {meta['on']}, measured on {on}: cases started or "
                "ended since then, so the row count drifts a little."
            )
        summary["generation"] = meta.get("generation")
        configure_django(url)
    else:
        generate_and_restart(args, url, config, on, params, script)

    log(f"Worklist of {COORDINATOR} ({args.requests} timed GETs after one warm-up each):")
    summary["worklist"] = measure(args)
    if args.compare:
        summary["compare"] = compare(args)
    summary["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    log(f"load average after: {summary['machine']['loadavg_after']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")

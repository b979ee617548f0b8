"""Benchmark `samsyn sickleave cases` against the JSON floor on the same document.

    .venv/bin/python bench/bench_engine_cli.py [--certificates 200000] [--repeat 5]
                                               [--seed N] [--keep]

The budget (issue 19): the engine's command line - reading and checking the certificates,
computing every case, writing the cases - within 2x of the JSON floor, which is what it
costs merely to read and write the same document: `json.load` of the input file plus
`json.dumps` of what was read, in a fresh Python process (`python -c`). Both are run as
separate processes, interleaved, `--repeat` times; the medians and their ratio are
printed. The CLI's time includes Django's start (about 0.35 s); the floor's includes
Python's (about 0.02 s).

The document is written once to var/bench/ from bench/generate.py (200 000 certificates
of 60 000 persons, the mix of bench_engine.py) and reused while the seed and size match.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
OUT_DIR = PROJECT_DIR / "var" / "bench"
sys.path.insert(0, str(BENCH_DIR))

from generate import generate_certificates  # noqa: E402

END_DATE = date(2026, 6, 30)
AT = "2026-03-16"
FLOOR = (
    "import json, sys; data = json.load(open(sys.argv[1], 'rb')); "
    "sys.stdout.write(json.dumps(data))"
)


def certificate_json(c) -> dict:
    """A generated certificate in the import format (docs/formats.md)."""
    person = f"{c.person[:8]}-{c.person[8:]}"
    obj = {
        "id": c.id,
        "person": person,
        "type": c.type,
        "signed": c.signed.isoformat(),
        "status": c.status,
        "periods": [
            {"start": p.start.isoformat(), "end": p.end.isoformat(), "degree": p.degree}
            for p in c.periods
        ],
    }
    if c.occupation:
        obj["occupation"] = c.occupation
    if c.diagnoses:
        obj["diagnoses"] = list(c.diagnoses)
    return obj


def document(n_certificates: int, seed: int) -> Path:
    """The input file of `n_certificates` (written unless it is there already)."""
    path = OUT_DIR / f"certificates-{n_certificates}-{seed}.json"
    if not path.exists():
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        n_persons = max(1, n_certificates * 3 // 10)
        certificates = generate_certificates(n_persons, n_certificates, seed, END_DATE)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps([certificate_json(c) for c in certificates]), encoding="utf-8")
        tmp.rename(path)
    return path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], stdin_path: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, bytes written) of one run of `command`; exits on a
    non-zero exit status."""
    stdin = stdin_path.open("rb") if stdin_path else subprocess.DEVNULL
    try:
        c0 = _children_cpu()
        t0 = time.perf_counter()
        proc = subprocess.run(  # noqa: S603 - our own interpreter and scripts
            command, stdin=stdin, capture_output=True, check=False, cwd=PROJECT_DIR
        )
        elapsed = time.perf_counter() - t0
        cpu = _children_cpu() - c0
    finally:
        if stdin_path:
            stdin.close()
    if proc.returncode != 0:
        sys.exit(f"{command[:3]} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return elapsed, cpu, len(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260316)
    args = parser.parse_args()

    t0 = time.perf_counter()
    path = document(args.certificates, args.seed)
    size = path.stat().st_size
    print(
        f"input {path.relative_to(PROJECT_DIR)}: {args.certificates:,} certificates, "
        f"{size / 1e6:.1f} MB (ready in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    python = sys.executable
    samsyn = str(Path(python).with_name("samsyn"))
    cli = [samsyn, "sickleave", "cases", "--at", AT]
    floor = [python, "-c", FLOOR, str(path)]
    env_note = os.environ.get("DJANGO_SETTINGS_MODULE", "samsyn.settings")
    cli_times, floor_times, cli_cpu, floor_cpu = [], [], [], []
    cli_out = floor_out = 0
    for i in range(args.repeat):
        elapsed, cpu, floor_out = timed(floor)
        floor_times.append(elapsed)
        floor_cpu.append(cpu)
        elapsed, cpu, cli_out = timed(cli, stdin_path=path)
        cli_times.append(elapsed)
        cli_cpu.append(cpu)
        print(
            f"  run {i + 1}: floor {floor_times[-1]:.2f} s wall {floor_cpu[-1]:.2f} s CPU, "
            f"cli {cli_times[-1]:.2f} s wall {cli_cpu[-1]:.2f} s CPU",
            flush=True,
        )
    median = statistics.median
    print(
        f"floor (json.load + json.dumps, {floor_out / 1e6:.1f} MB out): "
        f"median {median(floor_times):.2f} s wall, {median(floor_cpu):.2f} s CPU"
    )
    print(
        f"samsyn sickleave cases --at {AT} ({cli_out / 1e6:.1f} MB out, settings {env_note}): "
        f"median {median(cli_times):.2f} s wall, {median(cli_cpu):.2f} s CPU"
    )
    print(
        f"ratio cli / floor = {median(cli_times) / median(floor_times):.2f} wall, "
        f"{median(cli_cpu) / median(floor_cpu):.2f} CPU (medians of {args.repeat}; "
        "budget <= 2.0)"
    )
    print(f"Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

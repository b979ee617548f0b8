"""Benchmark the sick-leave case engine: 1 M and 2 M certificates in one process.

    .venv/bin/python bench/bench_engine.py [--seed N] [--repeat N] [--small]

The budget (the sick-leave issue): all cases from 1,000,000 certificates of 300,000
persons in at most 10 s on one core, and 2,000,000 (600,000 persons, the same mix) in at
most 2.2 times that. Generating the input is not timed. Each size is timed `--repeat`
times and the best run is reported, as wall time and as CPU time of this process (the
CPU time is the fairer figure on a shared machine); `--small` runs 100 k / 200 k.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_certificates  # noqa: E402

from samsyn.sickleave.engine import EngineSettings, compute_cases  # noqa: E402

END_DATE = date(2026, 6, 30)
AT = date(2026, 3, 16)


def run(n_persons: int, n_certificates: int, seed: int, repeat: int) -> tuple[float, float]:
    """(best wall time, best CPU time) of compute_cases over `repeat` runs."""
    t0 = time.perf_counter()
    certificates = list(generate_certificates(n_persons, n_certificates, seed, END_DATE))
    generated = time.perf_counter() - t0
    settings = EngineSettings()
    best = best_cpu = float("inf")
    n_cases = 0
    for _ in range(repeat):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        cases = compute_cases(certificates, settings, AT)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        best, best_cpu = min(best, elapsed), min(best_cpu, cpu)
        n_cases = len(cases)
        del cases
    states: dict[str, int] = {}
    for case in compute_cases(certificates, settings, AT):
        states[case.state] = states.get(case.state, 0) + 1
    print(
        f"{n_certificates:>9,} certificates, {n_persons:>7,} persons -> {n_cases:,} cases "
        f"in {best:.2f} s wall, {best_cpu:.2f} s CPU (best of {repeat}; "
        f"generating took {generated:.1f} s) {states}",
        flush=True,
    )
    return best, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20260316)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="100 k / 200 k certificates")
    args = parser.parse_args()
    scale = 10 if args.small else 1
    one, one_cpu = run(300_000 // scale, 1_000_000 // scale, args.seed, args.repeat)
    two, two_cpu = run(600_000 // scale, 2_000_000 // scale, args.seed, args.repeat)
    print(
        f"ratio 2M/1M = {two / one:.2f} wall, {two_cpu / one_cpu:.2f} CPU "
        "(budget: 1M <= 10 s, ratio <= 2.2)"
    )
    print(f"Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

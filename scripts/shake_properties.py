"""Run every property test that needs no database with many more examples than the suite
gives it (150 or fewer), to find what a random CI run might find one day:

    cd src && ../.venv/bin/python ../scripts/shake_properties.py 3000

It imports the test modules, and for each test that hypothesis drives and that takes no
pytest fixture, replaces its settings (hypothesis keeps them on the function, an internal
attribute) by the same with `max_examples` examples, no example database and random
seeds. Prints one line per test; exits 1 when one fails. Tests that need fixtures (the
database) are listed as skipped: run those through pytest.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import time
import traceback
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def property_modules() -> list[str]:
    found = []
    for path in sorted(SRC.glob("samsyn/*/tests/test_*.py")):
        if "@given" in path.read_text(encoding="utf-8"):
            found.append(".".join(path.relative_to(SRC).with_suffix("").parts))
    return found


def main(examples: int) -> int:
    sys.path.insert(0, str(SRC))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings_test")
    import django

    django.setup()
    from hypothesis import HealthCheck, settings

    failed = 0
    for name in property_modules():
        module = importlib.import_module(name)
        for attr, test in vars(module).items():
            if not attr.startswith("test_") or not getattr(test, "is_hypothesis_test", False):
                continue
            if inspect.signature(test).parameters:
                print(f"skipped (fixtures) {name}.{attr}", flush=True)
                continue
            test._hypothesis_internal_use_settings = settings(
                getattr(test, "_hypothesis_internal_use_settings", None),
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=False,
                suppress_health_check=list(HealthCheck),
            )
            started = time.perf_counter()
            try:
                test()
            except Exception:  # noqa: BLE001 - reported, and the exit code says so
                failed += 1
                print(f"FAILED {name}.{attr}", flush=True)
                traceback.print_exc(limit=5)
            else:
                print(f"ok {name}.{attr} {time.perf_counter() - started:.0f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))

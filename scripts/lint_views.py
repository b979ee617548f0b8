"""Project lint: views never query models directly or write audit events.

Personal data is read through selectors (which apply the policy and write the access
log) and written through services (STYLE 2 and 4, after MBS's lint_model_usage_in_views).
Also: no personnummer-like literal in logging calls.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "samsyn"
FORBIDDEN_IN_VIEWS = [
    (re.compile(r"\.objects\b"), "model manager used in a view (use a selector or service)"),
    (re.compile(r"get_object_or_404"), "get_object_or_404 in a view (use a selector)"),
    (re.compile(r"\.save\("), ".save() in a view (use a service)"),
    (re.compile(r"auditor\."), "audit call in a view (selectors and services audit)"),
]
PNR_IN_LOG = re.compile(r"log(?:ger)?\.\w+\(.*\b\d{6,8}[-+]?\d{4}\b")


def view_files():
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        in_views = path.name == "views.py" or path.name.endswith("_views.py")
        if in_views or "views" in path.parts or "templatetags" in path.parts:
            yield path


def main() -> int:
    problems = []
    for path in view_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, message in FORBIDDEN_IN_VIEWS:
                if pattern.search(line):
                    problems.append(f"{path.relative_to(ROOT.parent)}:{number}: {message}")
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PNR_IN_LOG.search(line):
                problems.append(f"{path.relative_to(ROOT.parent)}:{number}: personnummer in a log")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

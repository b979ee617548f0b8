"""Project lint: the rules import-linter cannot see, checked on the source text.

- Views never query models directly or write audit events: personal data is read
  through selectors (which go through the access module) and written through services
  (STYLE 2 and 4, after MBS's lint_model_usage_in_views).
- One door to personal data: only the access module (`samsyn/access/`) asks the consent
  policy (`policy.decide`) or looks at the actor's care units (`care_unit_ids()`);
  `accounts/actor.py` defines the latter (issue 11, ADR 006).
- Pure domain modules import neither the ORM nor the request (import-linter checks the
  imports between Samsyn's own modules; Django's sub-packages are checked here).
- Templates never name roles: what a user may do comes from `can` (accounts.presenters)
  or the page's selector.
- No personnummer-like literal in logging calls.

Run `python scripts/lint_views.py [root]`; exits 1 and prints each problem.
"""

from __future__ import annotations

import ast
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
# The door: only the access module decides and looks at the actor's care units.
DOOR = re.compile(r"\bdecide\s*\(|\bcare_unit_ids\s*\(")
DOOR_MESSAGE = "access decided outside the access module (use samsyn.access, ADR 006)"
DOOR_ALLOWED = ("access/", "consent/policy.py", "accounts/actor.py")
# Pure domain modules (paths relative to ROOT; a directory means every module in it).
PURE = (
    "people/personnummer.py",
    "sickleave/engine/",
    "sickleave/rules/",
    "sickleave/diagnoses.py",
    "sickleave/jsonformat.py",
    "sickleave/csvformat.py",
    "consent/policy.py",
    "cases/worklist.py",
    "directory/orgnr.py",
    "accounts/roles.py",
    "accounts/lockout.py",
    "audit/vocabulary.py",
    "audit/keys.py",
    "audit/chain.py",
    "core/choices.py",
    "core/importing.py",
    "core/timeline.py",
    "plans/content.py",
    "overview/plain.py",
    "screening/scoring.py",
    "screening/risk.py",
)
IMPURE_IMPORTS = ("django.db", "django.http", "django.shortcuts", "django.template", "django.test")
ROLE_IN_TEMPLATE = re.compile(r"\brole\s*(==|!=|\bin\b)|\.role\b")
PNR_IN_LOG = re.compile(r"log(?:ger)?\.\w+\(.*\b\d{6,8}[-+]?\d{4}\b")


def _sources(root: Path):
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _is_view(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    in_views = path.name == "views.py" or path.name.endswith("_views.py")
    return in_views or "views" in parts or "templatetags" in parts


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def _code_lines(text: str) -> list[tuple[int, str]]:
    """The lines with comments and docstrings blanked out (a docstring may name the rule)."""
    lines = text.splitlines()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return list(enumerate(lines, 1))
    blank = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                blank.update(range(body[0].lineno, body[0].end_lineno + 1))
    return [(n, "" if n in blank else line.split("#", 1)[0]) for n, line in enumerate(lines, 1)]


def check(root: Path = ROOT) -> list[str]:
    problems = []
    for path in _sources(root):
        rel = _rel(path, root)
        text = path.read_text(encoding="utf-8")
        code = _code_lines(text)
        if _is_view(path, root):
            for number, line in code:
                for pattern, message in FORBIDDEN_IN_VIEWS:
                    if pattern.search(line):
                        problems.append(f"{rel}:{number}: {message}")
        if not rel.startswith(DOOR_ALLOWED):
            problems += [f"{rel}:{n}: {DOOR_MESSAGE}" for n, line in code if DOOR.search(line)]
        if rel.startswith(PURE):
            for number, module in _imported_modules(ast.parse(text)):
                if module.startswith(IMPURE_IMPORTS) or module.endswith(".models"):
                    problems.append(f"{rel}:{number}: pure module imports {module}")
        for number, line in enumerate(text.splitlines(), 1):
            if PNR_IN_LOG.search(line):
                problems.append(f"{rel}:{number}: personnummer in a log")
    for path in sorted((root / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for tag in re.findall(r"{%\s*(?:if|elif)\b[^%]*%}", line):
                if ROLE_IN_TEMPLATE.search(tag):
                    rel = _rel(path, root)
                    problems.append(f"{rel}:{number}: role named in a template (use `can`)")
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else ROOT
    problems = check(root)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

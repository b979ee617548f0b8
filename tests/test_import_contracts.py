"""The import-linter contracts in pyproject.toml hold, and they fail when broken.

The breaking cases are run on a small copy of Samsyn's layout (a package with two apps)
under the same contract types, so the test shows that a deliberately added cycle or
layer breach is caught without touching the real source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
sys.path.insert(0, str(ROOT / "scripts"))

from importlinter_samsyn import _strongly_connected  # noqa: E402

CONFIG = """
[importlinter]
root_package = fake
contract_types =
    acyclic_modules: importlinter_samsyn.AcyclicModulesContract

[importlinter:contract:cycles]
name = No cycles
type = acyclic_modules
containers = fake
skip = tests

[importlinter:contract:parts]
name = No cycles between apps' parts
type = acyclic_modules
containers = fake
skip = tests
depth = 3

[importlinter:contract:selectors]
name = Selectors never import services
type = forbidden
source_modules = fake.*.selectors
forbidden_modules = fake.*.services
"""


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(cwd), str(ROOT / "scripts")])}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name in ["fake/__init__.py", "fake/a/__init__.py", "fake/b/__init__.py"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    (tmp_path / ".importlinter").write_text(CONFIG)
    return tmp_path


def test_strongly_connected_components():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _strongly_connected(graph) == [["a", "b", "c"]]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []


def test_samsyn_keeps_every_contract():
    result = _run(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_a_layered_package_passes(tmp_path):
    root = _package(
        tmp_path,
        {
            "fake/a/selectors.py": "import fake.b.selectors\n",
            "fake/a/services.py": "import fake.a.selectors\n",
            "fake/b/selectors.py": "X = 1\n",
        },
    )
    result = _run(root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_cycle_across_apps_fails(tmp_path):
    root = _package(
        tmp_path,
        {
            "fake/a/selectors.py": "import fake.b.selectors\n",
            # hidden in a function, still a cycle
            "fake/b/selectors.py": "def f():\n    import fake.a.selectors\n",
        },
    )
    result = _run(root)
    assert result.returncode == 1
    assert "Import cycle between 2 modules" in result.stdout
    assert "fake.a.selectors" in result.stdout


def test_a_selector_importing_a_service_fails(tmp_path):
    root = _package(
        tmp_path,
        {
            "fake/a/selectors.py": "import fake.b.services\n",
            "fake/b/services.py": "X = 1\n",
        },
    )
    result = _run(root)
    assert result.returncode == 1
    assert "fake.a.selectors is not allowed to import fake.b.services" in result.stdout


def test_a_cycle_between_two_apps_parts_fails_though_no_module_cycles(tmp_path):
    root = _package(
        tmp_path,
        {
            "fake/a/selectors/__init__.py": "",
            "fake/a/selectors/x.py": "import fake.b.selectors.z\n",
            "fake/a/selectors/v.py": "V = 1\n",
            "fake/b/selectors/__init__.py": "",
            "fake/b/selectors/z.py": "Z = 1\n",
            "fake/b/selectors/w.py": "import fake.a.selectors.v\n",
        },
    )
    result = _run(root)
    assert result.returncode == 1
    assert "No cycles between apps' parts BROKEN" in result.stdout
    assert "No cycles KEPT" in result.stdout

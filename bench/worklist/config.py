"""Names, paths and the budget of the worklist benchmark, and its logging helpers."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

BENCH_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BENCH_DIR.parent

DEFAULT_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'bench' / 'bench.sqlite3'}"
REGION_CODE = "BENCH-REGION"
TARGET_CODE = "BENCH-TARGET"
SMALL_CODE = "BENCH-SMALL"
COORDINATOR = "bench-koordinator"
SMALL_COORDINATOR = "bench-koordinator-liten"
META_TABLE = "bench_meta"
PASSWORD = "!bench-unusable"  # noqa: S105 - an unusable password hash: nobody logs in with these users
BUDGET_MS = 300.0
STOCKHOLM = ZoneInfo("Europe/Stockholm")

GIVEN_FEMALE = (  # noqa: SIM905
    "Anna Eva Maria Karin Sara Lena Emma Kerstin Ingrid Malin Elin Sofia Johanna Linnea "
    "Ida Julia Hanna Klara Maja Ebba Astrid Elsa Alice Wilma Agnes Frida Lisa Helena Ulla "
    "Birgitta"
).split()
GIVEN_MALE = (  # noqa: SIM905
    "Lars Anders Johan Karl Per Erik Mikael Nils Jan Hans Peter Olof Gustav Oskar Axel "
    "Lucas Liam William Hugo Elias Noah Adam Isak Leo Viktor Filip Emil Anton Björn Mats"
).split()
FAMILY = (  # noqa: SIM905
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson "
    "Lindström Olofsson Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind Lundgren "
    "Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg Wallin "
    "Engström Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm Wikström"
).split()


def log(message: str = "") -> None:
    print(message, flush=True)


@contextmanager
def phase(name: str, timings: dict):
    t0 = time.perf_counter()
    yield
    elapsed = time.perf_counter() - t0
    timings[name] = round(elapsed, 2)
    log(f"  {name:<58} {elapsed:7.1f} s")

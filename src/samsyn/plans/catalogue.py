"""The catalogue of measures (a data file, `catalogue.toml`): each measure with its kind
of rehabilitation and the actor responsible for it. Read once per process."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from samsyn.plans.content import RehabKind, Responsible

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")


@dataclass(frozen=True, slots=True)
class CatalogueMeasure:
    code: str
    label: str
    kind: RehabKind
    responsible: Responsible

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)

    @property
    def responsible_label(self) -> str:
        return str(self.responsible.label)


@cache
def catalogue() -> tuple[CatalogueMeasure, ...]:
    data = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return tuple(
        CatalogueMeasure(m["code"], m["label"], RehabKind(m["kind"]), Responsible(m["responsible"]))
        for m in data["measure"]
    )


def lookup(code: str) -> CatalogueMeasure | None:
    return next((m for m in catalogue() if m.code == code), None)

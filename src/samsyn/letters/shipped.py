"""The templates and guides Samsyn ships, read from the data files in `shipped/` (pure)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DIRECTORY = Path(__file__).parent / "shipped"
ICF_FIELDS = ("icf_body", "icf_activity", "icf_environment", "icf_personal")


@dataclass(frozen=True)
class ShippedTemplate:
    key: str
    kind: str
    addressee: str
    category: str
    title: str
    subject: str
    body: str


@dataclass(frozen=True)
class ShippedGuide:
    key: str
    title: str
    intro: str
    questions: tuple[dict, ...]


@cache
def templates() -> tuple[ShippedTemplate, ...]:
    data = tomllib.loads((DIRECTORY / "templates.toml").read_text(encoding="utf-8"))
    return tuple(
        ShippedTemplate(
            key=t["key"],
            kind=t["kind"],
            addressee=t["addressee"],
            category=t["category"],
            title=t["title"],
            subject=t["subject"],
            body=(DIRECTORY / t["file"]).read_text(encoding="utf-8"),
        )
        for t in data["template"]
    )


def clean_questions(questions) -> tuple[dict, ...]:
    """Questions as stored: key, label, help and the ICF field (or "")."""
    return tuple(
        {
            "key": str(q["key"]),
            "label": str(q["label"]),
            "help": str(q.get("help", "")),
            "icf": q.get("icf", "") if q.get("icf", "") in ICF_FIELDS else "",
        }
        for q in questions
    )


@cache
def guides() -> tuple[ShippedGuide, ...]:
    data = tomllib.loads((DIRECTORY / "guides.toml").read_text(encoding="utf-8"))
    return tuple(
        ShippedGuide(
            key=g["key"],
            title=g["title"],
            intro=g.get("intro", ""),
            questions=clean_questions(g["question"]),
        )
        for g in data["guide"]
    )

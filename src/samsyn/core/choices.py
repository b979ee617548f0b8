"""Labelled enumerations usable as Django field choices without importing the ORM.

Pure domain modules (the consent policy, the roles) need the closed vocabularies that
models store. Django's `TextChoices` lives in `django.db.models`, so it cannot be used
there; `LabelledChoices` gives the same surface (`.label`, `.choices`, `.values`,
`.labels`) on a plain `StrEnum`.
"""

from __future__ import annotations

import enum
from enum import EnumType, StrEnum


class _ChoicesType(EnumType):
    @property
    def choices(cls) -> list[tuple[str, object]]:
        return [(member.value, member.label) for member in cls]

    @property
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @property
    def labels(cls) -> list[object]:
        return [member.label for member in cls]


class LabelledChoices(StrEnum, metaclass=_ChoicesType):
    """`NAME = "value", _("Label")`; members are the plain strings they stand for."""

    do_not_call_in_templates = enum.nonmember(True)

    def __new__(cls, value: str, label: object = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self) -> object:
        return self._label

    def __str__(self) -> str:
        return str(self.value)

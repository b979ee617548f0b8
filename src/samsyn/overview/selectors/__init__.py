"""Reads of the person's own view and the one timeline, one module per concept:
`own_case` ("Ditt ärende"), `timeline` (the case's timeline, every role), `plan` (the
common plan, read through the plans app)."""

from samsyn.overview.selectors.own_case import OwnCase, own_case
from samsyn.overview.selectors.timeline import (
    KIND_CATEGORIES,
    CaseTimeline,
    case_timeline_for,
    own_case_id,
)

__all__ = [
    "KIND_CATEGORIES",
    "CaseTimeline",
    "OwnCase",
    "case_timeline_for",
    "own_case",
    "own_case_id",
]

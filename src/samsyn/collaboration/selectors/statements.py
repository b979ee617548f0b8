"""Reads of the statements external actors send the care unit (the fields of each kind
are in `collaboration.statement_fields`)."""

from __future__ import annotations

from dataclasses import dataclass

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.collaboration.models import Statement
from samsyn.collaboration.statement_fields import STATEMENT_FIELDS


@dataclass
class StatementView:
    statement: Statement
    rows: list[tuple[str, str]]


def _view(statement: Statement) -> StatementView:
    fields = STATEMENT_FIELDS.get(statement.kind, [])
    rows = [(str(f.label), statement.content.get(f.key, "")) for f in fields]
    return StatementView(statement, [(label, value) for label, value in rows if value])


def statements_for_case(*, actor: Actor, case) -> list[StatementView]:
    """Care staff see all statements on the case; an external actor their own
    organisation's. The caller has read the case through a logged selector."""
    qs = Statement.objects.filter(case=case).select_related("organisation", "author")
    if not access.care_staff_at(actor, case.unit_id):
        qs = qs.filter(organisation=actor.organisation)
    return [_view(s) for s in qs]

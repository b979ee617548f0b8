"""The common plan in the person's own view and on the timeline, read through the plans
app's selectors (they decide what the actor may see of the case's plans and log it)."""

from __future__ import annotations

from samsyn.accounts.actor import Actor
from samsyn.cases.models import Case
from samsyn.plans import selectors as plan_selectors


def plan_timeline_events(*, actor: Actor, case: Case) -> list:
    """Plan versions, approvals and "no plan needed" decisions the actor may see."""
    return plan_selectors.timeline_events(actor=actor, case=case)


def own_plan(*, actor: Actor, case: Case | None):
    """The person's own plan summary (goals, measures, pending changes), or None."""
    if case is None:
        return None
    return plan_selectors.own_plan_summary(actor=actor, case=case)

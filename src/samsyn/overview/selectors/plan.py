"""The common plan in the person's own view and on the timeline (the `plans` app's
selectors decide what the actor may see of it and log their reads)."""

from __future__ import annotations

from samsyn.accounts.actor import Actor
from samsyn.cases.models import Case


def plan_timeline_events(*, actor: Actor, case: Case) -> list:
    """Plan versions and approvals the actor may see."""
    return []


def own_plan(*, actor: Actor, case: Case | None):
    """The person's own plan summary (goals, pending changes), or None."""
    return None

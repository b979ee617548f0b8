"""Writes of plans: each checks the writer through the access module, runs in one
transaction and writes its audit event in it. One module per concept:

- `plans`: start a plan, save a change (a new version; optimistic concurrency), approve
  or reject a version;
- `measures`: add, update and comment on measures;
- `decisions`: the "no plan needed" decision;
- `pdf`: the plan as a PDF (logged as a print).
"""

from samsyn.plans.services._common import PlanConflict, PlanError
from samsyn.plans.services.decisions import record_no_plan, revoke_no_plan
from samsyn.plans.services.measures import (
    MeasureInput,
    add_measure,
    comment_measure,
    update_measure,
)
from samsyn.plans.services.pdf import plan_pdf
from samsyn.plans.services.plans import approve_version, create_plan, reject_version, save_plan

__all__ = [
    "MeasureInput",
    "PlanConflict",
    "PlanError",
    "add_measure",
    "approve_version",
    "comment_measure",
    "create_plan",
    "plan_pdf",
    "record_no_plan",
    "reject_version",
    "revoke_no_plan",
    "save_plan",
    "update_measure",
]

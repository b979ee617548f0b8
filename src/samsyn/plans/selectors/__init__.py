"""Reads of plans. Every read goes through `reader.reader_of` (the access module decides
`plan` and `diagnosis` once and logs the read).

Public functions other apps call:

- `own_plan_summary(*, actor, case) -> OwnPlanSummary | None`: what the person sees on
  "Ditt ärende": per plan (`.plans`, each an `OwnPlan`) its `kind`/`kind_label`, the
  person's `goals`, the return-to-work goal (`rtw_capacity`, `rtw_work`, `rtw_by`,
  `has_rtw_goal`), the `measures` (`OwnMeasure`: title, owner organisation,
  owner_person, start, end, status_label, follow_up), `next_follow_up`, and `pending`
  (`OwnPending`: the changes awaiting the person's approval, each with `changes`
  (label/before/after) and `approve_url` / `reject_url`, to POST to with a `next` field
  naming the page to come back to); `.no_plan` lists "no plan needed" decisions in force;
  `.pending_count`, `.next_follow_up`. None when the case has neither a plan nor a
  decision. Render it with `{% include "plans/_own_plan.html" with summary=... %}`.
- `timeline_events(*, actor, case) -> list[samsyn.core.timeline.TimelineEvent]`: kind
  `EventKind.PLAN`: plan versions (pending ones only for their author, the coordinators
  and the person), approvals, rejections and "no plan needed" decisions, newest first,
  each with a plain-language `plain` for the person; [] when the actor may not read the
  case's plans (asked unlogged first).
- `rtw_done_case_ids(case_ids) -> set`: the cases whose day-30 milestone
  (`employer_rtw_plan`) is done (a fact for the milestones; the caller read the case).
- `may_read_plans(*, actor, case) -> bool`: unlogged, for a page that offers a link.

The plans app's own pages use `case_plans`, `plan_page`, `version_page`,
`compare_versions` and `owner_choices`.
"""

from samsyn.plans.content import RTW_MILESTONE
from samsyn.plans.selectors.own import (
    OwnMeasure,
    OwnNoPlan,
    OwnPending,
    OwnPlan,
    OwnPlanSummary,
    own_plan_summary,
    timeline_events,
)
from samsyn.plans.selectors.plans import (
    CasePlans,
    Comparison,
    MeasureRow,
    PlanPage,
    PlanView,
    case_plans,
    compare_versions,
    owner_choices,
    plan_page,
    rtw_done_case_ids,
    version_page,
)
from samsyn.plans.selectors.reader import Reader, may_read_plans, reader_of

__all__ = [
    "CasePlans",
    "Comparison",
    "MeasureRow",
    "OwnMeasure",
    "OwnNoPlan",
    "OwnPending",
    "OwnPlan",
    "OwnPlanSummary",
    "PlanPage",
    "PlanView",
    "RTW_MILESTONE",
    "Reader",
    "case_plans",
    "compare_versions",
    "may_read_plans",
    "own_plan_summary",
    "owner_choices",
    "plan_page",
    "reader_of",
    "rtw_done_case_ids",
    "timeline_events",
    "version_page",
]

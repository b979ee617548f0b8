"""Reads of persons, cases, the worklist and the cases shared with external actors.

Every read of personal data goes through the access module (`samsyn.access`) and is
logged. One module per concept:

- `lookups`: the one person, case or task a care page works on; the staff of the units;
- `page`: the worklist's page in SQL (keyset paging), its streamed printout and export,
  the start page's own cases; `entries`: its filters and order as SQL;
- `rows`: the worklist's Python reference rows, the start page's counts, the chosen
  columns (not named `worklist`, which would hide the `worklist` function re-exported here);
- `person`: the person page (sick leave, certificates, cases, consents, statements);
- `shared`: what an external actor sees of the cases shared with them by consent;
- `search`: person search across the units, and the worklist's saved filters;
- `inbox`: the start page's inbox of what happened since the user last looked.
"""

from samsyn.cases.selectors.inbox import Inbox, InboxItem, inbox, inbox_target
from samsyn.cases.selectors.lookups import (
    coordinators_of,
    get_case_for,
    get_person_for,
    get_task_for,
    open_case_of,
    physicians_of,
)
from samsyn.cases.selectors.page import WorklistResult, my_cases, worklist
from samsyn.cases.selectors.person import PersonOverview, person_overview
from samsyn.cases.selectors.rows import (
    Attention,
    attention_counts,
    count_current_sick_leaves,
    worklist_preference,
    worklist_rows,
)
from samsyn.cases.selectors.search import (
    PersonHit,
    PersonSearch,
    saved_filter_for,
    search_persons,
)
from samsyn.cases.selectors.shared import (
    SharedCase,
    SharedCaseRow,
    shared_case,
    shared_cases,
)

__all__ = [
    "Attention",
    "Inbox",
    "InboxItem",
    "PersonHit",
    "PersonSearch",
    "PersonOverview",
    "SharedCase",
    "SharedCaseRow",
    "WorklistResult",
    "attention_counts",
    "coordinators_of",
    "count_current_sick_leaves",
    "get_case_for",
    "get_person_for",
    "get_task_for",
    "inbox",
    "inbox_target",
    "my_cases",
    "open_case_of",
    "person_overview",
    "physicians_of",
    "saved_filter_for",
    "search_persons",
    "shared_case",
    "shared_cases",
    "worklist",
    "worklist_preference",
    "worklist_rows",
]

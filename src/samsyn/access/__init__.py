"""The one door to personal data (ADR 006).

Every selector, service, export and page that reads or writes a person's data asks here.
This package builds the facts once (`facts`: the party, the case, the consents, the
request, the person's protected identity), asks `consent.policy.decide` — the only
caller of it — and writes the access event with its ground (`decisions`, `scope`).

Three forms:
- single object: `get_person`, `read_person`, `require` (a no is a logged 404);
- a decision a write or a page needs: `authorize` (logged), `disclose` (logged, raises
  `ConsentMissing`), `ask` / `preview_disclosure` (not logged: only what a page offers);
- lists: `scoped` / `unit_scope` for care staff, `decide_many` for one decision per row
  with the facts in one query, `record_care_reads` / `auditor.record_many` for the log.

Nothing outside this package calls `policy.decide` or tests membership of the actor's
care units (`scripts/lint_views.py` fails the build when something does).
"""

from samsyn.access.decisions import (
    ConsentMissing,
    access_of,
    allowed_categories,
    ask,
    authorize,
    category_label,
    certificate_types,
    decide_many,
    disclose,
    explain,
    log,
    preview_disclosure,
    require,
    shows_contact_details,
)
from samsyn.access.denials import Denied, may_record_denial, record_denial
from samsyn.access.facts import (
    case_facts,
    consent_facts,
    open_request_facts,
    party_of,
    recipient_party,
    request_facts,
)
from samsyn.access.scope import (
    care_staff_at,
    get_person,
    is_care_staff,
    is_care_writer,
    is_coordinator_at,
    is_external,
    is_patient,
    own_person_id,
    person_decision,
    read_person,
    record_care_reads,
    record_read,
    scoped,
    unit_scope,
    units_in_scope,
)

__all__ = [
    "ConsentMissing",
    "Denied",
    "may_record_denial",
    "record_denial",
    "access_of",
    "allowed_categories",
    "ask",
    "authorize",
    "care_staff_at",
    "case_facts",
    "category_label",
    "certificate_types",
    "consent_facts",
    "decide_many",
    "disclose",
    "explain",
    "get_person",
    "is_care_staff",
    "is_care_writer",
    "is_coordinator_at",
    "is_external",
    "is_patient",
    "log",
    "open_request_facts",
    "own_person_id",
    "party_of",
    "person_decision",
    "preview_disclosure",
    "read_person",
    "record_care_reads",
    "record_read",
    "recipient_party",
    "request_facts",
    "require",
    "scoped",
    "shows_contact_details",
    "unit_scope",
    "units_in_scope",
]

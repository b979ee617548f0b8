"""Reads of collaboration, one module per concept: `contacts` (the contact log),
`recipients` (whom the unit may contact or write to), `messages` (threads, messages,
attachments, read receipts), `statements`, `fk_requests` (Försäkringskassan's requests).

Inside collaboration, import from the concept modules. The names below are re-exported
for callers in other apps (e.g. `cases` reads `unanswered_fk_questions_for_units`).
"""

from samsyn.collaboration.selectors.contacts import case_for_contacts, contacts_for_case
from samsyn.collaboration.selectors.fk_requests import (
    AssessmentState,
    OfficeThreads,
    assessment_state,
    certificates_for_question,
    threads_for_office,
    unanswered_fk_questions_for_units,
)
from samsyn.collaboration.selectors.messages import (
    attachment_for,
    case_for_messages,
    messages_of,
    party_readers,
    thread_for,
    threads_for_case,
    unread_count,
)
from samsyn.collaboration.selectors.recipients import (
    ActorConsent,
    case_actor_consents,
    contact_persons_for_case,
    organisation_choices,
    recipient_check,
)
from samsyn.collaboration.selectors.statements import StatementView, statements_for_case

__all__ = [
    "ActorConsent",
    "AssessmentState",
    "OfficeThreads",
    "StatementView",
    "assessment_state",
    "attachment_for",
    "case_actor_consents",
    "case_for_contacts",
    "case_for_messages",
    "certificates_for_question",
    "contact_persons_for_case",
    "contacts_for_case",
    "messages_of",
    "organisation_choices",
    "recipient_check",
    "party_readers",
    "statements_for_case",
    "thread_for",
    "threads_for_case",
    "threads_for_office",
    "unanswered_fk_questions_for_units",
    "unread_count",
]

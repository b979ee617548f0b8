"""Writes of collaboration, one module per concept: `contacts` (the contact log),
`messages` (threads, messages, attachments, read receipts), `statements`, `fk_requests`
(Försäkringskassan's requests and the unit's harm assessment).

Inside collaboration, import from the concept modules. The names below are re-exported
for callers in other apps (the demo region, `cases`' external page).
"""

from samsyn.collaboration.services.contacts import ContactError, log_contact
from samsyn.collaboration.services.fk_requests import (
    REFUSAL_TEXT,
    record_harm_assessment,
    start_fk_request,
)
from samsyn.collaboration.services.messages import (
    MessageError,
    check_attachments,
    mark_read,
    post_message,
    start_thread,
)
from samsyn.collaboration.services.statements import StatementError, send_statement

__all__ = [
    "REFUSAL_TEXT",
    "ContactError",
    "MessageError",
    "StatementError",
    "check_attachments",
    "log_contact",
    "mark_read",
    "post_message",
    "record_harm_assessment",
    "send_statement",
    "start_fk_request",
    "start_thread",
]

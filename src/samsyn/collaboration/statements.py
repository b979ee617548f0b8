"""Transitional: the old path of statements, kept until its last callers outside
collaboration switch (cases/selectors.py, cases/external_views.py and the consent
write matrix). Import instead:

- `samsyn.collaboration.statement_fields`: STATEMENT_FIELDS, KIND_FOR_ROLE, StatementField;
- `samsyn.collaboration.selectors`: statements_for_case, StatementView;
- `samsyn.collaboration.services`: send_statement, StatementError;
- `samsyn.collaboration.models`: StatementKind.

Nothing inside collaboration imports this module; delete it once nothing else does.
"""

from samsyn.collaboration.models import StatementKind
from samsyn.collaboration.selectors.statements import StatementView, statements_for_case
from samsyn.collaboration.services.statements import StatementError, send_statement
from samsyn.collaboration.statement_fields import KIND_FOR_ROLE, STATEMENT_FIELDS, StatementField

__all__ = [
    "KIND_FOR_ROLE",
    "STATEMENT_FIELDS",
    "StatementError",
    "StatementField",
    "StatementKind",
    "StatementView",
    "send_statement",
    "statements_for_case",
]

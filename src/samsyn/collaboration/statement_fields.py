"""The fields of each kind of statement an external actor sends the care unit, and which
kind each external role sends. Definitions only (no queries): the form, the service
(`services.statements`) and the reads (`selectors.statements`) share them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from samsyn.accounts.roles import Role
from samsyn.collaboration.models import StatementKind


@dataclass(frozen=True)
class StatementField:
    key: str
    label: str
    required: bool = True
    multiline: bool = True


STATEMENT_FIELDS: dict[str, list[StatementField]] = {
    StatementKind.EMPLOYER_WORK_TASKS: [
        StatementField("work_tasks", _("Arbetsuppgifter och krav i arbetet")),
        StatementField("adjustments", _("Möjliga anpassningar (uppgifter, arbetstid, hjälpmedel)")),
        StatementField("working_hours", _("Möjlig arbetstid och förläggning"), required=False),
        StatementField(
            "contact", _("Kontaktperson hos arbetsgivaren"), required=False, multiline=False
        ),
    ],
    StatementKind.AF_PLANNED_ACTIVITY: [
        StatementField("activity", _("Planerad aktivitet")),
        StatementField("extent", _("Omfattning (timmar per vecka)"), multiline=False),
        StatementField("start", _("Planerad start"), required=False, multiline=False),
        StatementField("needs", _("Vad Arbetsförmedlingen behöver veta av vården"), required=False),
    ],
    StatementKind.SOCIAL_SERVICES_PARTICIPATION: [
        StatementField("activity", _("Anvisad aktivitet")),
        StatementField("difficulty", _("Svårigheter att delta som har noterats")),
        StatementField("request", _("Vad socialtjänsten ber vården om")),
    ],
}

# The statement each external role sends (Försäkringskassan sends none).
KIND_FOR_ROLE: dict[str, str] = {
    Role.EMPLOYER: StatementKind.EMPLOYER_WORK_TASKS,
    Role.AF_OFFICER: StatementKind.AF_PLANNED_ACTIVITY,
    Role.SOCIAL_SERVICES: StatementKind.SOCIAL_SERVICES_PARTICIPATION,
}

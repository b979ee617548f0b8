"""Structured information an external actor sends the care unit: the employer's work
tasks and possible adjustments, Arbetsförmedlingen's planned activity, and social
services' request when a person has difficulty taking part in an assigned activity.

Sending needs the `contact` category of a consent in force (`consent.policy`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground
from samsyn.collaboration.models import Statement, StatementKind
from samsyn.consent.models import Category
from samsyn.consent.policy import Act
from samsyn.consent.selectors import authorize
from samsyn.core.notify import notify


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

KIND_FOR_ROLE = {
    "employer": StatementKind.EMPLOYER_WORK_TASKS,
    "af_officer": StatementKind.AF_PLANNED_ACTIVITY,
    "social_services": StatementKind.SOCIAL_SERVICES_PARTICIPATION,
}


class StatementError(Exception):
    """A statement could not be sent (message in Swedish)."""


def send_statement(*, actor: Actor, case, kind: str, content: dict[str, str]) -> Statement:
    """Send the care unit the structured information of the actor's kind."""
    if KIND_FOR_ROLE.get(actor.role) != kind:
        raise StatementError(gettext_noop("Din roll kan inte skicka den här uppgiften."))
    decision = authorize(
        actor=actor, case=case, category=Category.CONTACT, act=Act.WRITE, object_type="statement"
    )
    if not decision.allowed:
        raise StatementError(gettext_noop("Samtycke saknas: du kan inte längre nå ärendet."))
    fields = STATEMENT_FIELDS[kind]
    cleaned = {f.key: (content.get(f.key) or "").strip() for f in fields}
    if any(f.required and not cleaned[f.key] for f in fields):
        raise StatementError(gettext_noop("Fyll i de obligatoriska fälten."))
    with transaction.atomic():
        statement = Statement.objects.create(
            case=case,
            organisation=actor.organisation,
            kind=kind,
            content=cleaned,
            consent_id=decision.consent_id,
            author=actor.user,
        )
        auditor.record(
            actor=actor,
            action=Action.CREATE,
            ground=Ground.CONSENT,
            object_type="statement",
            object_id=statement.pk,
            person_id=case.person_id,
            ground_ref=decision.consent_id,
        )
        if case.responsible is not None:
            notify(users=[case.responsible], path=reverse("cases:person", args=[case.person_id]))
    return statement


@dataclass
class StatementView:
    statement: Statement
    rows: list[tuple[str, str]]


def _view(statement: Statement) -> StatementView:
    fields = STATEMENT_FIELDS.get(statement.kind, [])
    rows = [(str(f.label), statement.content.get(f.key, "")) for f in fields]
    return StatementView(statement, [(label, value) for label, value in rows if value])


def statements_for_case(*, actor: Actor, case) -> list[StatementView]:
    """Care staff see all statements on the case; an external actor their own
    organisation's. The caller has read the case through a logged selector."""
    qs = Statement.objects.filter(case=case).select_related("organisation", "author")
    if case.unit_id not in actor.care_unit_ids():
        qs = qs.filter(organisation=actor.organisation)
    return [_view(s) for s in qs]

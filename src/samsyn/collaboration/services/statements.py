"""Structured information an external actor sends the care unit: the employer's work
tasks and possible adjustments, Arbetsförmedlingen's planned activity, and social
services' request when a person has difficulty taking part in an assigned activity.

Sending needs the `contact` category of a consent in force (decided by `samsyn.access`).
The fields of each kind are in `collaboration.statement_fields`.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.collaboration.models import Statement, StatementKind
from samsyn.collaboration.statement_fields import KIND_FOR_ROLE, STATEMENT_FIELDS
from samsyn.consent.models import Category
from samsyn.consent.policy import Act
from samsyn.core.notify import notify


class StatementError(Exception):
    """A statement could not be sent (message in Swedish)."""


def send_statement(
    *, actor: Actor, case, kind: StatementKind | str, content: dict[str, str]
) -> Statement:
    """Send the care unit the structured information of the actor's kind."""
    if KIND_FOR_ROLE.get(actor.role) != kind:
        raise StatementError(gettext_noop("Din roll kan inte skicka den här uppgiften."))
    decision = access.authorize(
        actor=actor,
        case=case,
        category=Category.CONTACT,
        act=Act.WRITE,
        object_type=ObjectType.STATEMENT,
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
            object_type=ObjectType.STATEMENT,
            object_id=statement.pk,
            person_id=case.person_id,
            ground_ref=decision.consent_id,
        )
        if case.responsible is not None:
            notify(users=[case.responsible], path=reverse("cases:person", args=[case.person_id]))
    return statement

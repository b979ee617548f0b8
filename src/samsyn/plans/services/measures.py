"""Writes of measures: the plan's writers add them (from the catalogue or written freely,
owned by any actor of the case); the plan's writers and the measure's own organisation
update its status and dates and comment on it. Every change of a measure is a new
version of the plan (in force at once: the measures are each actor's own), checked
against the version the form was opened at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.plans import catalogue
from samsyn.plans.content import MeasureStatus, VersionState
from samsyn.plans.models import Measure, MeasureComment, Plan
from samsyn.plans.selectors import owner_choices
from samsyn.plans.services._common import (
    PlanError,
    audit,
    in_force,
    locked_plan,
    new_version,
    versions_of,
    writer_of,
)


@dataclass(frozen=True)
class MeasureInput:
    catalogue_code: str = ""
    title: str = ""
    owner_organisation_id: object = None
    owner_person: str = ""
    start: date | None = None
    end: date | None = None
    status: str = MeasureStatus.PROPOSED
    follow_up: date | None = None


def _checked(data: MeasureInput) -> tuple[str, str]:
    entry = catalogue.lookup(data.catalogue_code) if data.catalogue_code else None
    if data.catalogue_code and entry is None:
        raise PlanError(gettext_noop("Åtgärden finns inte i katalogen."))
    title = data.title.strip() or (entry.label if entry else "")
    if not title:
        raise PlanError(gettext_noop("Välj en åtgärd i katalogen eller skriv en egen."))
    if not data.owner_organisation_id:
        raise PlanError(gettext_noop("Välj vilken organisation som ansvarar för åtgärden."))
    if data.start and data.end and data.end < data.start:
        raise PlanError(gettext_noop("Slutdatum kan inte vara före startdatum."))
    if data.status not in MeasureStatus.values:
        raise PlanError(gettext_noop("Välj en status."))
    return title, entry.kind.value if entry else ""


def _measure_version(actor: Actor, plan: Plan, summary: str):
    """A new version in force with the content in force and the measures as they are now."""
    current = in_force(versions_of(plan))
    return new_version(
        actor=actor,
        plan=plan,
        fields=current.fields if current else [],
        state=VersionState.PUBLISHED,
        summary=summary,
    )


def add_measure(*, actor: Actor, plan: Plan, base: int, data: MeasureInput) -> Measure:
    reader = writer_of(actor, plan.case, ObjectType.PLAN_MEASURE, plan.pk)
    if not reader.writes(plan):
        raise PlanError(gettext_noop("Du kan inte lägga till åtgärder i den här planen."))
    title, kind = _checked(data)
    allowed = {pk for pk, _ in owner_choices(case=plan.case, actor=actor)}
    owner = Organisation.objects.filter(pk=data.owner_organisation_id).first()
    if owner is None or str(owner.pk) not in allowed:
        raise PlanError(gettext_noop("Välj vilken organisation som ansvarar för åtgärden."))
    with transaction.atomic():
        locked = locked_plan(plan, base, icf=reader.icf)
        measure = Measure.objects.create(
            plan=locked,
            catalogue_code=data.catalogue_code,
            title=title,
            rehab_kind=kind,
            owner_organisation=owner,
            owner_person=data.owner_person.strip(),
            start=data.start,
            end=data.end,
            status=data.status,
            follow_up=data.follow_up,
            created_by=actor.user,
        )
        version = _measure_version(actor, locked, f"Ny åtgärd: {title}")
        audit(actor, reader, Action.CREATE, ObjectType.PLAN_MEASURE, measure.pk, plan.case)
        audit(actor, reader, Action.CREATE, ObjectType.PLAN_VERSION, version.pk, plan.case)
    return measure


def _measure(measure_id) -> Measure:
    measure = (
        Measure.objects.select_related("plan__case", "plan__owner", "owner_organisation")
        .filter(pk=measure_id)
        .first()
    )
    if measure is None:
        raise PlanError(gettext_noop("Åtgärden finns inte."))
    return measure


def update_measure(
    *,
    actor: Actor,
    measure_id,
    base: int,
    status: str,
    start: date | None,
    end: date | None,
    follow_up: date | None,
    owner_person: str,
) -> Measure:
    """Update a measure's status, dates and named owner (its organisation stays)."""
    measure = _measure(measure_id)
    plan = measure.plan
    reader = writer_of(actor, plan.case, ObjectType.PLAN_MEASURE, measure.pk)
    if not reader.updates_measure(measure, plan):
        raise PlanError(gettext_noop("Du kan bara ändra din egen organisations åtgärder."))
    _checked(
        MeasureInput(
            title=measure.title,
            owner_organisation_id=measure.owner_organisation_id,
            start=start,
            end=end,
            status=status,
        )
    )
    with transaction.atomic():
        locked = locked_plan(plan, base, icf=reader.icf)
        measure.status, measure.start, measure.end = status, start, end
        measure.follow_up, measure.owner_person = follow_up, owner_person.strip()
        measure.save()
        version = _measure_version(
            actor, locked, f"Åtgärd ändrad: {measure.title} ({MeasureStatus(status).label})"
        )
        audit(actor, reader, Action.UPDATE, ObjectType.PLAN_MEASURE, measure.pk, plan.case)
        audit(actor, reader, Action.CREATE, ObjectType.PLAN_VERSION, version.pk, plan.case)
    return measure


def comment_measure(*, actor: Actor, measure_id, text: str) -> MeasureComment:
    """A comment on a measure, by the plan's writers or the measure's own organisation."""
    measure = _measure(measure_id)
    reader = writer_of(actor, measure.plan.case, ObjectType.PLAN_COMMENT, measure.pk)
    if not reader.updates_measure(measure, measure.plan):
        raise PlanError(gettext_noop("Du kan bara kommentera din egen organisations åtgärder."))
    if not text.strip():
        raise PlanError(gettext_noop("Skriv en kommentar."))
    with transaction.atomic():
        comment = MeasureComment.objects.create(
            measure=measure,
            text=text.strip(),
            author=actor.user,
            author_organisation=actor.organisation.name if actor.organisation else "",
        )
        audit(actor, reader, Action.CREATE, ObjectType.PLAN_COMMENT, comment.pk, measure.plan.case)
    return comment

"""Writes of minutes: a draft is written and rewritten; finalising turns each point into a
measure in the common plan (through the plans' services) or a task in the case (through
the cases' services), with its owner and date. A finalised version is never edited: an
amendment is a new version naming its reason, and the old one is marked replaced by it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases import services as case_services
from samsyn.meetings.content import MeetingKind, MeetingStatus, MinutesState, PointKind
from samsyn.meetings.models import Meeting, Minutes, MinutesPoint
from samsyn.meetings.services._common import MeetingError, audit, writer_of
from samsyn.plans import services as plan_services
from samsyn.plans.content import MeasureStatus, PlanKind
from samsyn.plans.models import Plan


@dataclass(frozen=True)
class PointInput:
    text: str
    owner_organisation_id: object
    due: date
    kind: str = PointKind.MEASURE
    owner_person: str = ""


def _documented(actor: Actor, meeting_id):
    meeting = (
        Meeting.objects.select_related("case__person", "case__unit").filter(pk=meeting_id).first()
    )
    if meeting is None:
        raise MeetingError(gettext_noop("Mötet finns inte."))
    reader = writer_of(actor, meeting.case, ObjectType.MEETING_MINUTES, meeting.pk)
    if not reader.documents(meeting):
        raise MeetingError(gettext_noop("Du för inte protokoll för det här mötet."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError(gettext_noop("Mötet är inställt."))
    return meeting, reader


def _checked_points(meeting: Meeting, points: Sequence[PointInput]) -> dict:
    found = Organisation.objects.in_bulk([p.owner_organisation_id for p in points])
    orgs = {str(pk): org for pk, org in found.items()}
    allowed = {meeting.case.unit_id} | set(
        meeting.participants.exclude(organisation=None).values_list("organisation_id", flat=True)
    )
    for p in points:
        if not p.text.strip():
            raise MeetingError(gettext_noop("Skriv vad som ska göras."))
        org = orgs.get(str(p.owner_organisation_id))
        if org is None or org.pk not in allowed:
            raise MeetingError(gettext_noop("Välj en ansvarig organisation bland mötets parter."))
        if p.kind not in PointKind.values:
            raise MeetingError(gettext_noop("Välj om punkten blir en åtgärd eller en uppgift."))
    return orgs


def _points(minutes: Minutes, points: Sequence[PointInput], orgs: dict) -> None:
    MinutesPoint.objects.bulk_create(
        MinutesPoint(
            minutes=minutes,
            text=p.text.strip()[:200],
            kind=p.kind,
            owner_organisation=orgs[str(p.owner_organisation_id)],
            owner_person=p.owner_person.strip()[:200],
            due=p.due,
        )
        for p in points
    )


def save_draft(
    *, actor: Actor, meeting_id, conclusion: str, plain: str, points: Sequence[PointInput]
) -> Minutes:
    """Write (or rewrite) the meeting's draft minutes with their points."""
    meeting, reader = _documented(actor, meeting_id)
    if not conclusion.strip():
        raise MeetingError(gettext_noop("Skriv mötets slutsats."))
    orgs = _checked_points(meeting, points)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        versions = Minutes.objects.filter(meeting=meeting)
        if versions.exclude(state=MinutesState.DRAFT).exists():
            raise MeetingError(
                gettext_noop("Protokollet är fastställt. Gör ett tillägg med skäl i stället.")
            )
        draft = versions.filter(state=MinutesState.DRAFT).first()
        if draft is None:
            draft = Minutes(
                meeting=meeting, number=1, state=MinutesState.DRAFT, written_by=actor.user
            )
        draft.conclusion, draft.plain = conclusion.strip(), plain.strip()
        draft.save()
        draft.points.all().delete()
        _points(draft, points, orgs)
        audit(actor, reader, Action.CREATE, ObjectType.MEETING_MINUTES, draft.pk, meeting.case)
    return draft


def _common_plan(actor: Actor, meeting: Meeting, first_due: date) -> Plan:
    """The plan the points go into: the SIP of a SIP-möte, else the care plan (started
    from the minutes when the case has none)."""
    kinds = [PlanKind.SIP, PlanKind.CARE] if meeting.kind == MeetingKind.SIP else [PlanKind.CARE]
    plans = {p.kind: p for p in Plan.objects.filter(case=meeting.case, kind__in=kinds)}
    for kind in kinds:
        if kind in plans:
            return plans[kind]
    return plan_services.create_plan(
        actor=actor,
        case=meeting.case,
        kind=PlanKind.CARE,
        values={"next_follow_up": first_due, "responsible": meeting.case.unit.name},
    )


def _carry_out(actor: Actor, meeting: Meeting, minutes: Minutes) -> None:
    """Each new point becomes a measure in the common plan or a task in the case."""
    new = [
        p
        for p in minutes.points.select_related("owner_organisation")
        if not (p.measure_id or p.task_id)
    ]
    measures = [p for p in new if p.kind == PointKind.MEASURE]
    plan = _common_plan(actor, meeting, min(p.due for p in measures)) if measures else None
    for point in new:
        if point.kind == PointKind.MEASURE:
            plan.refresh_from_db()
            point.measure = plan_services.add_measure(
                actor=actor,
                plan=plan,
                base=plan.head,
                data=plan_services.MeasureInput(
                    title=point.text,
                    owner_organisation_id=str(point.owner_organisation_id),
                    owner_person=point.owner_person,
                    end=point.due,
                    follow_up=point.due,
                    status=MeasureStatus.AGREED,
                ),
            )
        else:
            point.task = case_services.add_task(
                actor=actor, case=meeting.case, title=point.text, due_date=point.due
            )
        point.save(update_fields=["measure", "task", "updated_at"])


def finalise_minutes(*, actor: Actor, meeting_id) -> Minutes:
    """Finalise the draft: from now on it is never edited; its points become measures and
    tasks; the meeting counts as held."""
    meeting, reader = _documented(actor, meeting_id)
    try:
        with transaction.atomic():
            draft = (
                Minutes.objects.select_for_update()
                .filter(meeting=meeting, state=MinutesState.DRAFT)
                .first()
            )
            if draft is None:
                raise MeetingError(gettext_noop("Det finns inget utkast att fastställa."))
            draft.state = MinutesState.FINAL
            draft.finalised_at, draft.finalised_by = timezone.now(), actor.user
            draft.save(update_fields=["state", "finalised_at", "finalised_by", "updated_at"])
            _carry_out(actor, meeting, draft)
            if meeting.status == MeetingStatus.PLANNED:
                meeting.status = MeetingStatus.HELD
                meeting.save(update_fields=["status", "updated_at"])
            audit(
                actor,
                reader,
                Action.UPDATE,
                ObjectType.MEETING_MINUTES,
                draft.pk,
                meeting.case,
                finalised=True,
            )
    except (plan_services.PlanError, case_services.CaseError) as exc:
        raise MeetingError(str(exc)) from exc
    return draft


def amend_minutes(
    *,
    actor: Actor,
    meeting_id,
    reason: str,
    conclusion: str,
    plain: str,
    points: Sequence[PointInput] = (),
) -> Minutes:
    """A new finalised version replacing the one in force, naming its reason; the earlier
    points are kept (with their measures and tasks), new points are carried out."""
    meeting, reader = _documented(actor, meeting_id)
    if not reason.strip():
        raise MeetingError(gettext_noop("Skriv varför protokollet ändras."))
    if not conclusion.strip():
        raise MeetingError(gettext_noop("Skriv mötets slutsats."))
    orgs = _checked_points(meeting, points)
    try:
        with transaction.atomic():
            old = (
                Minutes.objects.select_for_update()
                .filter(meeting=meeting, state=MinutesState.FINAL)
                .first()
            )
            if old is None:
                raise MeetingError(gettext_noop("Det finns inget fastställt protokoll att ändra."))
            number = Minutes.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] + 1
            new = Minutes.objects.create(
                meeting=meeting,
                number=number,
                state=MinutesState.FINAL,
                conclusion=conclusion.strip(),
                plain=plain.strip(),
                amendment_reason=reason.strip()[:300],
                written_by=actor.user,
                finalised_at=timezone.now(),
                finalised_by=actor.user,
            )
            MinutesPoint.objects.bulk_create(
                MinutesPoint(
                    minutes=new,
                    text=p.text,
                    kind=p.kind,
                    owner_organisation_id=p.owner_organisation_id,
                    owner_person=p.owner_person,
                    due=p.due,
                    measure_id=p.measure_id,
                    task_id=p.task_id,
                )
                for p in old.points.all()
            )
            _points(new, points, orgs)
            Minutes.objects.filter(pk=old.pk).update(
                state=MinutesState.REPLACED, replaced_by=new, updated_at=timezone.now()
            )
            _carry_out(actor, meeting, new)
            audit(
                actor,
                reader,
                Action.CREATE,
                ObjectType.MEETING_MINUTES,
                new.pk,
                meeting.case,
                replaces=str(old.pk),
            )
    except (plan_services.PlanError, case_services.CaseError) as exc:
        raise MeetingError(str(exc)) from exc
    return new

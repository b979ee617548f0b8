"""Writes of cases: permission check, one transaction, audit event in it."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import User
from samsyn.accounts.roles import Role
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.cases.index import refresh_entries
from samsyn.cases.index import refresh_units as refresh_units  # the worklist's keys, for the import
from samsyn.cases.models import (
    TRANSITIONS,
    Case,
    CaseStatus,
    CaseStatusChange,
    InboxCleared,
    InboxKind,
    InboxRead,
    Outcome,
    ResponsibleChange,
    SavedFilter,
    Task,
    WorklistPreference,
)
from samsyn.people.models import Person


class CaseError(Exception):
    """A refused change; the message is Swedish and safe to show."""


def _require_coordinator(actor: Actor, unit_id) -> None:
    if not access.is_coordinator_at(actor, unit_id):
        raise CaseError(gettext_noop("Bara rehabkoordinatorer vid enheten kan ändra ärendet."))


def _audit(actor: Actor, case: Case, action: str, **extra) -> None:
    auditor.record(
        actor=actor,
        action=action,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type=ObjectType.CASE,
        object_id=case.pk,
        person_id=case.person_id,
        extra=extra,
    )


def _reindex(case: Case) -> None:
    """The person's worklist keys follow the change (in the caller's transaction)."""
    refresh_entries(person_ids=[case.person_id])


def _coordinator_at(user: User, unit_ids) -> bool:
    """Is `user` (not the actor) an active coordinator at one of these units?"""
    return user.memberships.filter(
        role=Role.COORDINATOR, organisation_id__in=unit_ids, is_active=True
    ).exists()


def open_case(
    *,
    actor: Actor,
    person: Person,
    preventive: bool = False,
    responsible: User | None = None,
    expected_days: int | None = None,
) -> Case:
    """Open the coordinator's case for a person at the actor's unit."""
    _require_coordinator(actor, person.care_unit_id)
    responsible = responsible or actor.user
    if not _coordinator_at(responsible, access.unit_scope(actor)):
        raise CaseError(gettext_noop("Den ansvariga måste vara rehabkoordinator vid enheten."))
    try:
        with transaction.atomic():
            case = _create_case(
                actor,
                person,
                actor.organisation,
                note="Ärendet öppnat",
                responsible=responsible,
                preventive=preventive,
                expected_days=expected_days,
            )
            ResponsibleChange.objects.create(
                case=case, responsible=responsible, created_by=actor.user
            )
            _audit(actor, case, Action.CREATE, preventive=preventive)
            _reindex(case)
    except IntegrityError:
        raise CaseError(gettext_noop("Personen har redan ett öppet ärende vid enheten.")) from None
    return case


def _create_case(actor: Actor, person: Person, unit, *, note: str, **fields) -> Case:
    """The open case and its first status row (the caller audits and holds the
    transaction)."""
    case = Case.objects.create(person=person, unit=unit, opened_by=actor.user, **fields)
    CaseStatusChange.objects.create(
        case=case, status=CaseStatus.NONE, created_by=actor.user, note=note
    )
    return case


def set_case_status(*, actor: Actor, case: Case, status: str, note: str = "") -> Case:
    _require_coordinator(actor, case.unit_id)
    if status == CaseStatus.CLOSED:
        raise CaseError(gettext_noop("Avsluta ärendet med ett utfall."))
    if status not in TRANSITIONS.get(case.status, frozenset()):
        raise CaseError(gettext_noop("Statusen kan inte ändras så."))
    with transaction.atomic():
        case.status = status
        case.save(update_fields=["status", "updated_at"])
        CaseStatusChange.objects.create(case=case, status=status, note=note, created_by=actor.user)
        _audit(actor, case, Action.UPDATE, status=status)
        _reindex(case)
    return case


def hand_over_case(*, actor: Actor, case: Case, responsible: User) -> Case:
    _require_coordinator(actor, case.unit_id)
    if not _coordinator_at(responsible, [case.unit_id, *access.unit_scope(actor)]):
        raise CaseError(
            gettext_noop("Ärendet kan bara lämnas över till en rehabkoordinator vid enheten.")
        )
    if responsible.pk == case.responsible_id:
        raise CaseError(gettext_noop("Personen är redan ansvarig."))
    with transaction.atomic():
        case.responsible = responsible
        case.save(update_fields=["responsible", "updated_at"])
        ResponsibleChange.objects.create(case=case, responsible=responsible, created_by=actor.user)
        _audit(actor, case, Action.UPDATE, responsible=responsible.pk)
        _reindex(case)
    return case


def close_case(
    *, actor: Actor, case: Case, outcome: str, outcome_date: date, note: str = ""
) -> Case:
    _require_coordinator(actor, case.unit_id)
    if not case.is_open:
        raise CaseError(gettext_noop("Ärendet är redan avslutat."))
    if outcome not in Outcome.values:
        raise CaseError(gettext_noop("Välj ett utfall."))
    with transaction.atomic():
        case.status = CaseStatus.CLOSED
        case.outcome = outcome
        case.outcome_date = outcome_date
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "outcome", "outcome_date", "closed_at", "updated_at"])
        CaseStatusChange.objects.create(
            case=case, status=CaseStatus.CLOSED, note=note, created_by=actor.user
        )
        _audit(actor, case, Action.UPDATE, status="closed", outcome=outcome)
        _reindex(case)
    return case


def set_expected_days(*, actor: Actor, case: Case, expected_days: int | None) -> Case:
    _require_coordinator(actor, case.unit_id)
    with transaction.atomic():
        case.expected_days = expected_days
        case.save(update_fields=["expected_days", "updated_at"])
        _audit(actor, case, Action.UPDATE, expected_days=expected_days)
        _reindex(case)
    return case


def add_task(
    *, actor: Actor, case: Case, title: str, due_date: date, assigned_to: User | None = None
) -> Task:
    _require_coordinator(actor, case.unit_id)
    if not case.is_open:
        raise CaseError(gettext_noop("Ärendet är avslutat."))
    with transaction.atomic():
        task = Task.objects.create(
            case=case,
            title=title,
            due_date=due_date,
            assigned_to=assigned_to or actor.user,
            created_by=actor.user,
        )
        _audit(actor, case, Action.UPDATE, task=str(task.pk), task_action="add")
        _reindex(case)
    return task


def complete_task(*, actor: Actor, task: Task) -> Task:
    _require_coordinator(actor, task.case.unit_id)
    if task.done_at is not None:
        return task
    with transaction.atomic():
        task.done_at = timezone.now()
        task.done_by = actor.user
        task.save(update_fields=["done_at", "done_by", "updated_at"])
        _audit(actor, task.case, Action.UPDATE, task=str(task.pk), task_action="done")
        _reindex(task.case)
    return task


def save_worklist_preference(
    *, actor: Actor, columns: list[str], show_personal_data: bool
) -> WorklistPreference:
    pref, _ = WorklistPreference.objects.get_or_create(user=actor.user)
    pref.columns = columns
    pref.show_personal_data = show_personal_data
    pref.save(update_fields=["columns", "show_personal_data"])
    return pref


def save_worklist_days(
    *, actor: Actor, recent_days: int | None, gap_days: int | None = None
) -> WorklistPreference:
    """The user's own "recently ended" days (0-14) and gap (0-90) for the worklist; None
    returns to the unit's."""
    if recent_days is not None and not 0 <= recent_days <= 14:
        raise ValueError("recent_days must be 0-14")
    if gap_days is not None and not 0 <= gap_days <= 90:
        raise ValueError("gap_days must be 0-90")
    pref, _ = WorklistPreference.objects.get_or_create(user=actor.user)
    pref.recent_days, pref.gap_days = recent_days, gap_days
    pref.save(update_fields=["recent_days", "gap_days"])
    return pref


def open_case_for_request(*, actor: Actor, person: Person, unit) -> Case:
    """Försäkringskassan asks about a certificate of a person the unit has no open case
    for: open one with no responsible coordinator, so that the question reaches the
    unit's worklist (110 kap. 31 § SFB; ground legal duty). Returns the open case."""
    if actor.role != Role.FK_OFFICER or actor.user is None:
        raise CaseError(gettext_noop("Bara Försäkringskassan kan ställa frågor om intyg."))
    existing = Case.objects.open().filter(person=person, unit=unit).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            case = _create_case(
                actor, person, unit, note="Ärendet öppnat av en fråga från Försäkringskassan"
            )
            auditor.record(
                actor=actor,
                action=Action.CREATE,
                ground=Ground.LEGAL_DUTY,
                object_type=ObjectType.CASE,
                object_id=case.pk,
                person_id=person.pk,
                extra={"reason": "fk_request"},
            )
            _reindex(case)
    except IntegrityError:  # opened by someone else at the same moment
        return Case.objects.open().get(person=person, unit=unit)
    return case


def add_system_task(*, actor: Actor, case: Case, title: str, due_date: date) -> Task:
    """A task for the case's responsible coordinator that follows from another write (the
    person withdrawing a consent, say): the actor is the person themself or care staff at
    the case's unit, as the access module decides, not necessarily a coordinator. Audited
    as the task's creation on the ground of that decision, in the caller's transaction."""
    decision = access.ask(actor=actor, case=case, category="")
    if not decision.allowed:
        raise CaseError(
            gettext_noop("Bara personen själv eller vårdpersonal vid enheten kan lägga uppgiften.")
        )
    if not case.is_open or case.responsible_id is None:
        raise CaseError(gettext_noop("Ärendet är avslutat eller saknar ansvarig."))
    with transaction.atomic():
        task = Task.objects.create(
            case=case,
            title=title,
            due_date=due_date,
            assigned_to=case.responsible,
            created_by=actor.user,
        )
        auditor.record(
            actor=actor,
            action=Action.CREATE,
            ground=decision.ground,
            object_type=ObjectType.TASK,
            object_id=task.pk,
            person_id=case.person_id,
            extra={"case": str(case.pk)},
        )
        _reindex(case)
    return task


# ---- the worklist's saved filters and the start page's inbox -----------------------------


def save_worklist_filter(*, actor: Actor, text: str) -> SavedFilter:
    """The worklist's free text behind an opaque id at the actor's unit, so the filtered
    list's URL holds no name or personnummer. The same text by the same user at the unit
    keeps its id (a bookmark stays the same); a new one is on record as SAVED_FILTER,
    without the text (it may name a person)."""
    unit = actor.organisation
    if unit is None or not access.care_staff_at(actor, unit.pk):
        raise CaseError(gettext_noop("Bara vårdens personal vid enheten kan spara filter."))
    text = text.strip()
    with transaction.atomic():
        saved = SavedFilter.objects.filter(unit=unit, created_by=actor.user, text=text).first()
        if saved is not None:
            return saved
        saved = SavedFilter.objects.create(unit=unit, created_by=actor.user, text=text)
        auditor.record(
            actor=actor,
            action=Action.CREATE,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type=ObjectType.SAVED_FILTER,
            object_id=saved.pk,
        )
    return saved


def mark_inbox_read(*, actor: Actor, kind: str, object_id) -> None:
    """The user opened an inbox item (the caller found it in the user's inbox scope).
    Read state is the user's own and holds no personal data: not an audited change."""
    InboxRead.objects.get_or_create(
        user=actor.user,
        kind=InboxKind(kind),
        object_id=object_id,
        defaults={"read_at": timezone.now()},
    )


def clear_inbox(*, actor: Actor) -> None:
    """Everything in the user's inbox until now counts as read."""
    InboxCleared.objects.update_or_create(user=actor.user, defaults={"cleared_at": timezone.now()})

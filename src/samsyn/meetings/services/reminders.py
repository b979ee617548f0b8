"""Reminders that are never lost (issue 15 §4), through the job queue.

`schedule_reminders` (run by `samsyn reminders schedule`, from cron on any number of
nodes) finds what should be reminded of now, writes one `Reminder` per user and reason
(its `key` is unique) and enqueues `send_reminder` for each new one, all in one
transaction under a lock: PostgreSQL's transaction-level advisory lock, or on SQLite the
scheduler's lock row (written first, so the second scheduler waits for the first to
commit and then finds every key already there). `send_reminder` checks the reason again
when it runs and drops the reminder if it is no longer true, or if the user turned that
kind off; otherwise it queues the notification e-mail (`core.notify`, no personal data).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import User
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.cases.models import Case
from samsyn.cases.selectors.timeline import current_chain
from samsyn.consent.models import Consent
from samsyn.core.jobs import job
from samsyn.core.notify import notify
from samsyn.meetings import content
from samsyn.meetings.content import Answer, MeetingStatus, ReminderKind, ReminderStatus
from samsyn.meetings.models import (
    Meeting,
    Participant,
    Reminder,
    ReminderChoice,
    SchedulerLock,
)
from samsyn.plans.content import ACTIVE_MEASURE_STATUSES
from samsyn.plans.models import Measure
from samsyn.plans.selectors import rtw_done_case_ids

LOCK_NAME = "meetings.reminders"
ADVISORY_KEY = 7_415_001  # the schedule's advisory lock (any fixed 64-bit number)


@dataclass(frozen=True)
class Due:
    key: str
    kind: str
    user_id: object
    object_id: object
    case_id: object = None


def _lock() -> None:
    """Hold the scheduler's lock until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_KEY])
        return
    SchedulerLock.objects.filter(name=LOCK_NAME).update(taken_at=timezone.now())


def _meetings_tomorrow(now: datetime) -> list[Due]:
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    rows = Participant.objects.filter(
        meeting__status=MeetingStatus.PLANNED,
        meeting__starts_at__date=tomorrow,
        user__isnull=False,
    ).select_related("meeting")
    return [
        Due(
            f"{ReminderKind.MEETING_TOMORROW}:{p.meeting_id}:{p.meeting.sequence}:{p.user_id}",
            ReminderKind.MEETING_TOMORROW,
            p.user_id,
            p.meeting_id,
            p.meeting.case_id,
        )
        for p in rows
    ]


def _unanswered(now: datetime) -> list[Due]:
    rows = Participant.objects.filter(
        answer=Answer.PENDING,
        user__isnull=False,
        invited_at__lte=now - timedelta(days=content.UNANSWERED_AFTER_DAYS),
        meeting__status=MeetingStatus.PLANNED,
        meeting__starts_at__gt=now,
    ).select_related("meeting")
    return [
        Due(
            f"{ReminderKind.UNANSWERED}:{p.pk}:{p.meeting.sequence}",
            ReminderKind.UNANSWERED,
            p.user_id,
            p.meeting_id,
            p.meeting.case_id,
        )
        for p in rows
    ]


def _follow_ups(now: datetime) -> list[Due]:
    today = timezone.localtime(now).date()
    rows = Measure.objects.filter(
        follow_up__gte=today,
        follow_up__lte=today + timedelta(days=1),
        status__in=list(ACTIVE_MEASURE_STATUSES),
        plan__case__closed_at__isnull=True,
        plan__case__responsible__isnull=False,
    ).select_related("plan__case")
    return [
        Due(
            f"{ReminderKind.FOLLOW_UP}:{m.pk}:{m.follow_up}",
            ReminderKind.FOLLOW_UP,
            m.plan.case.responsible_id,
            m.pk,
            m.plan.case_id,
        )
        for m in rows
    ]


def _employer_plans(now: datetime) -> list[Due]:
    today = timezone.localtime(now).date()
    cases = list(Case.objects.open().filter(responsible__isnull=False))
    done = rtw_done_case_ids([c.pk for c in cases])
    out = []
    for case in cases:
        if case.pk in done:
            continue
        day = current_chain(person_id=case.person_id, case=case, on=today).day
        if day is not None and content.EMPLOYER_PLAN_FROM_DAY <= day < content.EMPLOYER_PLAN_DAY:
            key = f"{ReminderKind.EMPLOYER_PLAN}:{case.pk}"
            out.append(Due(key, ReminderKind.EMPLOYER_PLAN, case.responsible_id, case.pk, case.pk))
    return out


def _consents_ending(now: datetime) -> list[Due]:
    today = timezone.localtime(now).date()
    consents = list(
        Consent.objects.in_force(now).filter(
            valid_to__lte=today + timedelta(days=content.CONSENT_WARNING_DAYS)
        )
    )
    persons = {c.person_id for c in consents}
    coordinators: dict = {}
    for case in Case.objects.open().filter(person_id__in=persons, responsible__isnull=False):
        coordinators.setdefault(case.person_id, []).append((case.responsible_id, case.pk))
    own = dict(User.objects.filter(person_id__in=persons).values_list("person_id", "pk"))
    out = []
    for c in consents:
        users = list(coordinators.get(c.person_id, []))
        if c.person_id in own:
            users.append((own[c.person_id], users[0][1] if users else None))
        for user_id, case_id in users:
            key = f"{ReminderKind.CONSENT_ENDING}:{c.pk}:{c.valid_to}:{user_id}"
            out.append(Due(key, ReminderKind.CONSENT_ENDING, user_id, c.pk, case_id))
    return out


FINDERS = (_meetings_tomorrow, _unanswered, _follow_ups, _employer_plans, _consents_ending)


def schedule_reminders(*, now: datetime | None = None, attempts: int = 100) -> int:
    """Write and enqueue every reminder due now that is not written yet; returns how many.
    Safe to run on several nodes at once: each reminder is written and sent once. On
    SQLite a scheduler that finds the lock taken (an error there, not a wait, when the
    database is shared in memory) tries again shortly."""
    now = now or timezone.now()
    for attempt in range(attempts):
        try:
            SchedulerLock.objects.get_or_create(name=LOCK_NAME)
            return _schedule(now)
        except OperationalError:
            if connection.vendor == "postgresql" or attempt == attempts - 1:
                raise
            time.sleep(0.05)
    return 0


def _schedule(now: datetime) -> int:
    with transaction.atomic():
        _lock()
        due = {d.key: d for finder in FINDERS for d in finder(now)}
        known = set(Reminder.objects.filter(key__in=list(due)).values_list("key", flat=True))
        rows = Reminder.objects.bulk_create(
            Reminder(
                key=d.key,
                kind=d.kind,
                user_id=d.user_id,
                object_id=d.object_id,
                case_id=d.case_id,
                due_at=now,
            )
            for k, d in sorted(due.items())
            if k not in known
        )
        for row in rows:
            send_reminder.enqueue(str(row.pk))
    return len(rows)


def _still_true(r: Reminder, now: datetime) -> bool:
    today = timezone.localtime(now).date()
    if r.kind in (ReminderKind.MEETING_TOMORROW, ReminderKind.UNANSWERED):
        meeting = Meeting.objects.filter(pk=r.object_id).first()
        if meeting is None or meeting.status != MeetingStatus.PLANNED or meeting.starts_at <= now:
            return False
        mine = Participant.objects.filter(meeting=meeting, user_id=r.user_id)
        if r.kind == ReminderKind.UNANSWERED:
            mine = mine.filter(answer=Answer.PENDING)
        return mine.exists()
    if r.kind == ReminderKind.FOLLOW_UP:
        return Measure.objects.filter(
            pk=r.object_id, status__in=list(ACTIVE_MEASURE_STATUSES), follow_up__gte=today
        ).exists()
    if r.kind == ReminderKind.EMPLOYER_PLAN:
        open_case = Case.objects.open().filter(pk=r.object_id).exists()
        return open_case and r.object_id not in rtw_done_case_ids([r.object_id])
    if r.kind == ReminderKind.CONSENT_ENDING:
        return Consent.objects.in_force(now).filter(pk=r.object_id).exists()
    return False


def _path(r: Reminder) -> str:
    if r.kind in (ReminderKind.MEETING_TOMORROW, ReminderKind.UNANSWERED):
        return reverse("meetings:meeting", args=[r.object_id])
    if r.case_id and r.kind in (ReminderKind.FOLLOW_UP, ReminderKind.EMPLOYER_PLAN):
        return reverse("plans:case_plans", args=[r.case_id])
    return "/"


def turned_off(user_id) -> set[str]:
    choice = ReminderChoice.objects.filter(user_id=user_id).first()
    return set(choice.off) if choice else set()


@job(queue_name="default", max_attempts=5)
def send_reminder(reminder_id: str) -> str:
    """Check the reminder again now; send it once, or drop it with the reason."""
    now = timezone.now()
    with transaction.atomic():
        locked = Reminder.objects.select_for_update(of=("self",))  # the case may be null
        r = locked.select_related("case").filter(pk=reminder_id)
        r = r.first()
        if r is None or r.status != ReminderStatus.SCHEDULED:
            return r.status if r else "gone"
        if r.kind in turned_off(r.user_id):
            r.status = ReminderStatus.OFF
        elif not _still_true(r, now):
            r.status = ReminderStatus.DROPPED
        else:
            user = User.objects.get(pk=r.user_id)
            notify(users=[user], path=_path(r), key=f"reminder:{r.pk}")
            r.status = ReminderStatus.SENT
        r.done_at = now
        r.save(update_fields=["status", "done_at", "updated_at"])
        auditor.record(
            actor=Actor.system("reminders"),
            action=Action.CREATE if r.status == ReminderStatus.SENT else Action.UPDATE,
            ground=Ground.SYSTEM,
            object_type=ObjectType.REMINDER,
            object_id=r.pk,
            person_id=r.case.person_id if r.case_id else None,
            extra={"kind": r.kind, "status": r.status},
        )
    return r.status


def save_reminder_choice(*, actor: Actor, kinds_on) -> ReminderChoice:
    """The reminder kinds the user wants (the others are turned off)."""
    off = sorted(set(ReminderKind.values) - set(kinds_on))
    choice, _created = ReminderChoice.objects.update_or_create(
        user=actor.user, defaults={"off": off}
    )
    return choice

"""What the plans' writes share: the errors, the writer's check, the audit event and the
version snapshot of a plan's measures."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.index import refresh_entries
from samsyn.consent.policy import Act
from samsyn.plans import content
from samsyn.plans.content import MeasureStatus, RehabKind, VersionState
from samsyn.plans.models import Measure, Plan, PlanVersion
from samsyn.plans.selectors.reader import Reader, reader_of


class PlanError(Exception):
    """A plan could not be changed; the message is Swedish and safe to show."""


class PlanConflict(PlanError):
    """Someone saved the plan after the editor opened it: nothing was overwritten.
    `changes` says what they changed (fields and measures), `head` is the number now."""

    def __init__(self, message: str, *, changes: list[content.Change], head: int, by: str = ""):
        super().__init__(message)
        self.changes = changes
        self.head = head
        self.by = by


def writer_of(actor: Actor, case, object_type: str, object_id=None) -> Reader:
    """The reader of the case's plans for a write (logged); a `PlanError` when they may
    not read the plans at all."""
    try:
        return reader_of(
            actor=actor, case=case, object_type=object_type, object_id=object_id, act=Act.WRITE
        )
    except access.Denied:
        raise PlanError(gettext_noop("Du har inte tillgång till planerna i ärendet.")) from None


#: Writes that can mark the day-30 step done or undone (the worklist's next milestone).
_DAY_30 = frozenset({ObjectType.PLAN, ObjectType.PLAN_VERSION, ObjectType.NO_PLAN_DECISION})


def audit(
    actor: Actor, reader: Reader, action: str, object_type: str, object_id, case, extra=None
) -> None:
    """The write's audit event (in the writer's transaction); a plan version or a "no plan
    needed" decision also refreshes the person's worklist keys (`cases.index`)."""
    if object_type in _DAY_30:
        refresh_entries(person_ids=[case.person_id])
    auditor.record(
        actor=actor,
        action=action,
        ground=reader.ground,
        ground_ref=reader.ground_ref,
        object_type=object_type,
        object_id=object_id,
        person_id=case.person_id,
        extra=extra,
    )


def _label(choices, value) -> str:
    return str(choices(value).label) if value else ""


def measure_snapshot(plan: Plan) -> list[dict]:
    """The plan's measures as shown now (labels and dates resolved), for a version."""
    measures = Measure.objects.filter(plan=plan).select_related("owner_organisation")
    return [
        {
            "id": str(m.pk),
            "title": m.title,
            "kind": _label(RehabKind, m.rehab_kind),
            "owner": m.owner_organisation.name,
            "owner_person": m.owner_person,
            "start": m.start.isoformat() if m.start else "",
            "end": m.end.isoformat() if m.end else "",
            "status": _label(MeasureStatus, m.status),
            "follow_up": m.follow_up.isoformat() if m.follow_up else "",
        }
        for m in measures.order_by("start", "created_at")
    ]


def versions_of(plan: Plan) -> list[PlanVersion]:
    return list(PlanVersion.objects.filter(plan=plan).order_by("number"))


def in_force(versions: list[PlanVersion]) -> PlanVersion | None:
    published = [v for v in versions if v.state == VersionState.PUBLISHED]
    return max(published, key=lambda v: (v.published_at, v.number), default=None)


def new_version(
    *,
    actor: Actor,
    plan: Plan,
    fields: list[dict],
    state: str,
    summary: str,
) -> PlanVersion:
    """Append the next version (the caller holds the plan's row and checked its head)."""
    now = timezone.now()
    plan.head += 1
    plan.save(update_fields=["head", "updated_at"])
    organisation = actor.organisation.name if actor.organisation else ""
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.head,
        state=state,
        fields=fields,
        measures=measure_snapshot(plan),
        summary=summary[:200],
        created_by=actor.user,
        created_by_name=actor.user.display_name,
        created_by_organisation=organisation,
        published_at=now if state == VersionState.PUBLISHED else None,
    )


def locked_plan(plan: Plan, base: int | None, *, icf: bool) -> Plan:
    """The plan's row, locked; a `PlanConflict` naming what changed (the ICF fields only
    when `icf`) when someone saved after version `base` (None: no check)."""
    locked = Plan.objects.select_for_update().select_related("case").get(pk=plan.pk)
    if base is None or locked.head == base:
        return locked
    versions = {v.number: v for v in versions_of(locked)}
    before, after = versions.get(base), versions.get(locked.head)
    changes = content.diff(
        before.fields if before else [], after.fields if after else [], icf=icf
    ) + content.measure_changes(before.measures if before else [], after.measures if after else [])
    raise PlanConflict(
        gettext_noop(
            "Planen har ändrats av någon annan sedan du öppnade den. Ingenting skrevs över: "
            "läs ändringarna nedan och gör om din ändring."
        ),
        changes=changes,
        head=locked.head,
        by=after.created_by_name if after else "",
    )

"""Writes of plans and their versions: start a plan, save a change (a new version, which
waits for the person's approval when it concerns them; refused when someone saved in
between), and the person's and the owner's approval."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.models import Case
from samsyn.plans import content
from samsyn.plans.content import PlanKind, VersionState
from samsyn.plans.models import Plan, PlanVersion
from samsyn.plans.services._common import (
    PlanError,
    audit,
    in_force,
    locked_plan,
    new_version,
    versions_of,
    writer_of,
)


def _checked_values(kind: str, values: Mapping[str, object]) -> None:
    for field in content.fields_for(kind, icf=True):
        if field.required and not values.get(field.key):
            raise PlanError(gettext_noop("Ange datum för nästa uppföljning."))
    took_part = values.get("person_took_part")
    reason = str(values.get("not_taking_part_reason") or "").strip()
    if kind == PlanKind.EMPLOYER and took_part == content.NO and not reason:
        raise PlanError(gettext_noop("Skriv varför medarbetaren inte deltog i planeringen."))


def _consents_to_coordinated_planning(case: Case) -> bool:
    """A SIP is made only with the person's consent (SoL 2 kap. 7 §, HSL 16 kap. 4 §): a
    consent in force now, at the case's unit, that covers `plan`."""
    now = timezone.now()
    facts = access.consent_facts(person_ids=[case.person_id], in_force_at=now)
    return any(
        f.unit_id == case.unit_id and "plan" in f.categories and f.in_force(now)
        for f in facts.get(case.person_id, [])
    )


def create_plan(*, actor: Actor, case: Case, kind: str, values: Mapping[str, object]) -> Plan:
    """Start a plan of `kind` on the case with its first version (in force at once: it is
    made with the person). Care writers start the care plan and the SIP; an employer
    (consent covering `plan`) the plan för återgång i arbete; Försäkringskassan its own."""
    reader = writer_of(actor, case, ObjectType.PLAN)
    if kind not in reader.creates():
        raise PlanError(gettext_noop("Du kan inte upprätta den här sortens plan i ärendet."))
    if case.closed_at is not None:
        raise PlanError(gettext_noop("Ärendet är avslutat."))
    _checked_values(kind, values)
    if kind == PlanKind.SIP and not _consents_to_coordinated_planning(case):
        raise PlanError(
            gettext_noop(
                "En SIP görs bara med personens samtycke. Registrera först ett samtycke som "
                "omfattar planer."
            )
        )
    owner = case.unit if kind in (PlanKind.CARE, PlanKind.SIP) else actor.organisation
    with transaction.atomic():
        if Plan.objects.filter(case=case, kind=kind).exists():
            raise PlanError(gettext_noop("Ärendet har redan en sådan plan."))
        plan = Plan.objects.create(case=case, kind=kind, owner=owner, created_by=actor.user)
        version = new_version(
            actor=actor,
            plan=plan,
            fields=content.snapshot_fields(kind, values),
            state=VersionState.PUBLISHED,
            summary=str(gettext_noop("Planen upprättades.")),
        )
        audit(actor, reader, Action.CREATE, ObjectType.PLAN, plan.pk, case, {"kind": kind})
        audit(actor, reader, Action.CREATE, ObjectType.PLAN_VERSION, version.pk, case)
    return plan


def save_plan(*, actor: Actor, plan: Plan, base: int, values: Mapping[str, object]) -> PlanVersion:
    """Save a change of the plan's content as a new version. `base` is the version number
    the editor's form was opened at: when someone saved since, a `PlanConflict` says what
    they changed and nothing is overwritten. A change that concerns the person (their
    goals, the return-to-work goal, the work capacity, whether they took part, the ICF
    fields) waits for their approval; an earlier change still waiting is replaced."""
    case = plan.case
    reader = writer_of(actor, case, ObjectType.PLAN_VERSION, plan.pk)
    if not reader.writes(plan):
        raise PlanError(gettext_noop("Du kan inte ändra den här planen."))
    with transaction.atomic():
        locked = locked_plan(plan, base, icf=reader.icf)
        versions = versions_of(locked)
        current = in_force(versions)
        before = content.raw_values(current.fields) if current else {}
        working = next((v for v in reversed(versions) if v.state == VersionState.PENDING), current)
        merged = dict(content.raw_values(working.fields) if working else {})
        hidden = {f.key for f in content.FIELDS if f.icf and not reader.icf}
        merged.update({k: v for k, v in values.items() if k not in hidden})
        _checked_values(plan.kind, merged)
        fields = content.snapshot_fields(plan.kind, merged)
        after = content.raw_values(fields)
        if after == content.raw_values(working.fields if working else []):
            raise PlanError(gettext_noop("Du har inte ändrat något."))
        waits = content.concerns_person(before, after)
        PlanVersion.objects.filter(plan=locked, state=VersionState.PENDING).update(
            state=VersionState.SUPERSEDED, decided_at=timezone.now()
        )
        changes = content.diff(current.fields if current else [], fields, icf=True)
        summary = ", ".join(str(c.label) for c in changes)
        version = new_version(
            actor=actor,
            plan=locked,
            fields=fields,
            state=VersionState.PENDING if waits else VersionState.PUBLISHED,
            summary=summary,
        )
        audit(
            actor,
            reader,
            Action.CREATE,
            ObjectType.PLAN_VERSION,
            version.pk,
            case,
            {"plan": str(plan.pk), "state": version.state},
        )
    return version


def _version(version_id) -> PlanVersion:
    version = (
        PlanVersion.objects.select_related("plan__case", "plan__owner")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise PlanError(gettext_noop("Versionen finns inte."))
    return version


def approve_version(*, actor: Actor, version_id) -> PlanVersion:
    """The person approves a version (a pending change then comes into force), or the
    plan's owner approves it on the owner's behalf. Both, or one side only, is stated on
    the plan's page and in its PDF."""
    version = _version(version_id)
    plan = version.plan
    reader = writer_of(actor, plan.case, ObjectType.PLAN_VERSION, version.pk)
    if version.state in (VersionState.REJECTED, VersionState.SUPERSEDED):
        raise PlanError(gettext_noop("Versionen gäller inte längre och kan inte godkännas."))
    now = timezone.now()
    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if reader.person:
            if locked.person_approved_at is not None:
                raise PlanError(gettext_noop("Du har redan godkänt den här versionen."))
            locked.person_approved_at, locked.person_approved_by = now, actor.user
            if locked.state == VersionState.PENDING:
                locked.state, locked.published_at, locked.decided_at = (
                    VersionState.PUBLISHED,
                    now,
                    now,
                )
        elif reader.writes(plan) and locked.state == VersionState.PUBLISHED:
            if locked.owner_approved_at is not None:
                raise PlanError(gettext_noop("Versionen är redan godkänd."))
            locked.owner_approved_at, locked.owner_approved_by = now, actor.user
        else:
            raise PlanError(gettext_noop("Du kan inte godkänna den här versionen."))
        locked.save()
        audit(
            actor,
            reader,
            Action.UPDATE,
            ObjectType.PLAN_VERSION,
            locked.pk,
            plan.case,
            {"approved_by": "person" if reader.person else "owner"},
        )
    return locked


def reject_version(*, actor: Actor, version_id, note: str = "") -> PlanVersion:
    """The person says no to a change waiting for their approval; it never comes into
    force (the plan's author sees the no and the note)."""
    version = _version(version_id)
    reader = writer_of(actor, version.plan.case, ObjectType.PLAN_VERSION, version.pk)
    if not reader.person:
        raise PlanError(gettext_noop("Bara personen själv kan säga nej till en ändring."))
    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.state != VersionState.PENDING:
            raise PlanError(gettext_noop("Ändringen väntar inte längre på ditt svar."))
        locked.state, locked.decided_at = VersionState.REJECTED, timezone.now()
        locked.rejection_note = note.strip()
        locked.save(update_fields=["state", "decided_at", "rejection_note", "updated_at"])
        audit(
            actor,
            reader,
            Action.UPDATE,
            ObjectType.PLAN_VERSION,
            locked.pk,
            version.plan.case,
            {"rejected": True},
        )
    return locked

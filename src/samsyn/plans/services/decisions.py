"""The "no plan needed" decision (SFB 30 kap. 6 §): recorded by the employer (consent
covering `plan`) or the unit's coordinator, dated, with its legal reason; a newer
decision replaces the one in force, and a decision can be revoked (a plan is then due)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.models import Case
from samsyn.plans.content import NoPlanReason
from samsyn.plans.models import NoPlanDecision
from samsyn.plans.services._common import PlanError, audit, writer_of


def record_no_plan(
    *, actor: Actor, case: Case, reason: str, decided_on: date, note: str = ""
) -> NoPlanDecision:
    reader = writer_of(actor, case, ObjectType.NO_PLAN_DECISION)
    if not reader.decides_no_plan:
        raise PlanError(gettext_noop("Du kan inte besluta att en plan inte behövs."))
    if reason not in NoPlanReason.values:
        raise PlanError(gettext_noop("Välj skälet till att en plan inte behövs."))
    if decided_on > timezone.localdate():
        raise PlanError(gettext_noop("Beslutsdatum kan inte vara i framtiden."))
    now = timezone.now()
    with transaction.atomic():
        replaced = NoPlanDecision.objects.select_for_update().filter(
            case=case, revoked_at__isnull=True
        )
        replaced_ids = [str(pk) for pk in replaced.values_list("pk", flat=True)]
        replaced.update(revoked_at=now, revoked_by=actor.user)
        decision = NoPlanDecision.objects.create(
            case=case,
            reason=reason,
            decided_on=decided_on,
            note=note.strip(),
            organisation=actor.organisation,
            decided_by=actor.user,
        )
        audit(
            actor,
            reader,
            Action.CREATE,
            ObjectType.NO_PLAN_DECISION,
            decision.pk,
            case,
            {"reason": reason, "replaces": replaced_ids},
        )
    return decision


def revoke_no_plan(*, actor: Actor, decision_id) -> NoPlanDecision:
    decision = NoPlanDecision.objects.select_related("case").filter(pk=decision_id).first()
    if decision is None:
        raise PlanError(gettext_noop("Beslutet finns inte."))
    reader = writer_of(actor, decision.case, ObjectType.NO_PLAN_DECISION, decision.pk)
    if not reader.decides_no_plan:
        raise PlanError(gettext_noop("Du kan inte ändra beslutet."))
    if decision.revoked_at is not None:
        raise PlanError(gettext_noop("Beslutet gäller redan inte."))
    with transaction.atomic():
        decision.revoked_at, decision.revoked_by = timezone.now(), actor.user
        decision.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit(actor, reader, Action.UPDATE, ObjectType.NO_PLAN_DECISION, decision.pk, decision.case)
    return decision

"""Reads of the access log: the unit manager's review of denials (loggkontroll).

The scope is the manager's care units (with sub-units, `access.unit_scope`): denials by
users acting at those units, and denials concerning the units' persons (an external
actor refused a case, say). The rows name who was refused, when, where and by which
rule; never the person's name. Reading the review is itself an access event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import Role
from samsyn.audit import auditor
from samsyn.audit.models import AccessEvent
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.consent.policy import Rule

MAX_ROWS = 500
# The rules of a denial as short labels for the table: the policy's own rules by their
# `Rule` member, and those of refusals decided outside it (a role, a page, the rate).
RULE_LABELS = {
    "role": _("Rollen får inte använda sidan"),
    "permission": _("Saknar behörighet"),
    "not_found": _("Finns inte eller utanför användarens enheter"),
    Rule.NOT_UNIT_STAFF: _("Arbetar inte vid personens vårdenhet"),
    Rule.NOT_OWN_RECORD: _("Gäller inte användaren själv"),
    Rule.NO_CONSENT: _("Samtycke saknas"),
    Rule.WITHDRAWN: _("Samtycket är återkallat"),
    Rule.EXPIRED: _("Samtycket har gått ut"),
    Rule.NOT_YET_VALID: _("Samtycket gäller ännu inte"),
    Rule.CATEGORY: _("Samtycket omfattar inte uppgiften"),
    "screening_care_or_person_only": _(
        "Bedömningar läses bara av vårdenhetens personal och personen själv"
    ),
    "screening_write_care_writer_or_person": _(
        "Bedömningar förs in bara av vårdenhetens vårdpersonal eller personen själv"
    ),
    "directory_entry_of_another_unit": _("Katalogposten ägs av en annan vårdenhet"),
    "no_contact_login_to_confirm": _("Kontaktpersonen har ingen inloggning att bekräfta"),
    "denials_suppressed": _("Fler nekanden samma minut (räknade, inte loggade var för sig)"),
}


@dataclass(frozen=True)
class DenialRow:
    at: datetime
    who: str
    role: str
    organisation: str
    rule: str
    rule_label: str
    object_label: str
    page: str
    concerns_person: bool


def _row(event: AccessEvent, object_labels: dict) -> DenialRow:
    rule = str(event.extra.get("rule", ""))
    who = event.actor.display_name if event.actor_id else event.system_job
    return DenialRow(
        at=event.created_at,
        who=who,
        role=str(dict(Role.choices).get(event.role, event.role)),
        organisation=event.organisation.name if event.organisation_id else "",
        rule=rule,
        rule_label=str(RULE_LABELS.get(rule, rule)),
        object_label=str(object_labels.get(event.object_type, event.object_type)),
        page=str(event.extra.get("view", "")),
        concerns_person=event.person_id is not None,
    )


def denials_at_units(*, actor: Actor, now: datetime, days: int) -> list[DenialRow]:
    """The denials of the last `days` days at the actor's units, newest first (at most
    MAX_ROWS). One query for the rows; the review is logged as one read of the log."""
    units = access.unit_scope(actor)
    if not units:
        return []
    since = now - timedelta(days=days)
    events = (
        AccessEvent.objects.filter(action=Action.DENIED, created_at__gte=since)
        .filter(Q(organisation_id__in=units) | Q(person__care_unit_id__in=units))
        .select_related("actor", "organisation")
        .order_by("-created_at", "-id")[:MAX_ROWS]
    )
    labels = dict(ObjectType.choices)
    rows = [_row(event, labels) for event in events]
    auditor.record(
        actor=actor,
        action=Action.READ,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type=ObjectType.ACCESS_LOG,
        extra={"view": "denials", "days": days, "rows": len(rows)},
    )
    return rows

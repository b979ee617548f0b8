"""One timeline per case (issue 13 §6): certificates, milestones, contacts, messages, plan
versions and approvals, status changes and consents, newest first, filterable by kind.

Every role sees the same events minus what it may not see. The case is decided once here
through the access module, for every category at once (`access.decide_many`): care staff at
the case's unit (unit membership), the person themself (own record), an external actor by
a consent in force naming their organisation (only the categories it covers; an open case
only). A refusal is a logged 404. The page's read is one `timeline` event per ground
(per consent for an external actor). Each app contributes the events of its own rows
(`cases.selectors.timeline`, `collaboration.selectors.timeline`, `consent.selectors`,
`sickleave.selectors`, `plans.selectors`), given the categories decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.http import Http404
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Ground, ObjectType
from samsyn.cases.models import Case
from samsyn.cases.selectors import timeline as case_timeline
from samsyn.collaboration.selectors import timeline as collaboration_timeline
from samsyn.consent import selectors as consent_selectors
from samsyn.consent.models import Category
from samsyn.consent.policy import Decision
from samsyn.core.timeline import EventKind, TimelineEvent
from samsyn.letters import selectors as letter_selectors
from samsyn.meetings import selectors as meeting_selectors
from samsyn.overview import plain
from samsyn.overview.selectors.plan import plan_timeline_events
from samsyn.screening import selectors as screening_selectors
from samsyn.sickleave import selectors as sickleave_selectors

# The kinds this timeline has events of, and the category each needs (None: care staff
# and the person themself only).
KIND_CATEGORIES: dict[str, tuple[str, ...] | None] = {
    EventKind.CERTIFICATE: (Category.CERTIFICATES,),
    EventKind.MILESTONE: (Category.WORK_CAPACITY,),
    EventKind.CONTACT: (Category.CONTACT,),
    EventKind.MESSAGE: (Category.MESSAGES, Category.INFORM_FK_REHAB_NEED),
    EventKind.PLAN: (Category.PLAN,),
    EventKind.MEETING: (Category.MEETINGS,),
    EventKind.STATUS: None,
    EventKind.CONSENT: tuple(Category.values),
    EventKind.LETTER: None,
    EventKind.SCREENING: None,
}


@dataclass
class CaseTimeline:
    case: Case
    events: list[TimelineEvent]
    kinds: list[str]  # the kinds the viewer may see, in EventKind order
    chosen: list[str]  # the kinds shown ([] or all: every kind)
    own: bool = False  # the person themself: the plain-language version
    care: bool = False
    categories: list[str] = field(default_factory=list)
    at: datetime | None = None  # the instant the timeline was read

    def _labelled(self, events) -> list[tuple[TimelineEvent, str]]:
        labels = dict(EventKind.choices)
        return [(e, str(labels.get(e.kind, e.kind))) for e in events]

    @property
    def labelled(self) -> list[tuple[TimelineEvent, str]]:
        """Each event with its kind's label, newest first."""
        return self._labelled(self.events)

    @property
    def upcoming(self) -> list[tuple[TimelineEvent, str]]:
        """What is still ahead (the chain's coming days), the soonest first."""
        return self._labelled(reversed([e for e in self.events if e.at > self.at]))

    @property
    def past(self) -> list[tuple[TimelineEvent, str]]:
        """What has happened, the latest first."""
        return self._labelled([e for e in self.events if e.at <= self.at])


def _kinds_for(allowed: dict[str, Decision], inside: bool) -> list[str]:
    kinds = []
    for kind in EventKind.values:
        if kind not in KIND_CATEGORIES:
            continue
        needs = KIND_CATEGORIES[kind]
        if (needs is None and inside) or (needs is not None and any(c in allowed for c in needs)):
            kinds.append(kind)
    return kinds


def _decide(actor: Actor, case: Case, at: datetime) -> dict[str, Decision]:
    """Every category decided at once; a refusal is logged and raises a 404."""
    consents: dict = {}
    if access.is_external(actor):
        if not case.is_open:
            raise Http404
        consents = access.consent_facts(
            person_ids=[case.person_id], recipient_id=actor.organisation.pk
        )
    decided = access.decide_many(
        party=access.party_of(actor), rows=[case], consents=consents, at=at
    )[0]
    allowed = {category: d for category, d in decided.items() if d.allowed}
    if not allowed:
        access.log(actor, decided[Category.CONTACT], case, ObjectType.TIMELINE, case.pk)
        raise access.Denied
    return allowed


def _record(actor: Actor, case: Case, allowed: dict[str, Decision]) -> None:
    by_ref = {(str(d.ground), str(d.ground_ref or "")) for d in allowed.values()}
    auditor.record_reads(
        actor=actor,
        object_type=ObjectType.TIMELINE,
        rows=[(case.pk, case.person_id, ground, ref) for ground, ref in sorted(by_ref)],
        extra={"categories": sorted(allowed)},
    )


def _contributors(actor: Actor, case: Case, allowed, on) -> dict[str, Callable[[], list]]:
    return {
        EventKind.CERTIFICATE: lambda: sickleave_selectors.certificate_events(
            actor=actor,
            case=case,
            allowed=allowed,
            plain_names={k: str(v) for k, v in plain.CERTIFICATE_PLAIN.items()},
        ),
        EventKind.MILESTONE: lambda: case_timeline.milestone_events(
            actor=actor, case=case, allowed=allowed, on=on, plain=plain.milestone_text
        ),
        EventKind.CONTACT: lambda: collaboration_timeline.contact_events(
            actor=actor, case=case, allowed=allowed
        ),
        EventKind.MESSAGE: lambda: collaboration_timeline.message_events(
            actor=actor, case=case, allowed=allowed
        ),
        EventKind.PLAN: lambda: plan_timeline_events(actor=actor, case=case),
        EventKind.MEETING: lambda: meeting_selectors.timeline_events(actor=actor, case=case),
        EventKind.LETTER: lambda: letter_selectors.timeline_events(actor=actor, case=case),
        EventKind.SCREENING: lambda: screening_selectors.timeline_events(actor=actor, case=case),
        EventKind.STATUS: lambda: case_timeline.status_events(actor=actor, case=case),
        EventKind.CONSENT: lambda: consent_selectors.consent_events(
            actor=actor, case=case, allowed=allowed
        ),
    }


def case_timeline_for(
    *, actor: Actor, case_id, kinds: Iterable[str] = (), at: datetime | None = None
) -> CaseTimeline:
    """The case's timeline as the actor may see it, only the `kinds` asked for (all when
    none). 404 (logged) when the actor may see nothing of the case."""
    at = at or timezone.now()
    case = Case.objects.select_related("person", "unit").filter(pk=case_id).first()
    if case is None:
        raise Http404
    allowed = _decide(actor, case, at)
    _record(actor, case, allowed)
    grounds = {d.ground for d in allowed.values()}
    own = Ground.OWN_RECORD in grounds
    care = Ground.UNIT_MEMBERSHIP in grounds
    offered = _kinds_for(allowed, inside=own or care)
    chosen = [k for k in offered if k in set(kinds)]
    on = timezone.localtime(at).date()
    contributors = _contributors(actor, case, allowed, on)
    events: list[TimelineEvent] = []
    for kind in chosen or offered:
        events.extend(contributors[kind]())
    events.sort(key=lambda e: e.at, reverse=True)
    return CaseTimeline(
        case=case,
        events=events,
        kinds=offered,
        chosen=chosen,
        own=own,
        care=care,
        categories=sorted(allowed),
        at=at,
    )


def own_case_id(*, actor: Actor):
    """The person's own open case, newest first (None without one): where "Ditt ärende"
    links its timeline. Decided again, and logged, when the timeline is opened."""
    person_id = access.own_person_id(actor)
    if person_id is None:
        return None
    return (
        Case.objects.filter(person_id=person_id, closed_at__isnull=True)
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )


__all__ = ["CaseTimeline", "case_timeline_for", "own_case_id"]

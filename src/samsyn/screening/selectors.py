"""Reads of screening results: care staff of the case's unit and the person only.

Screening answers are personal health data. No consent opens them to an external actor:
`_ground` asks the access module whether the actor is care staff at the case's unit
(`access.care_staff_at`) or the person themself (`access.own_person_id`); every read is
logged as `screening_response` with that ground, every refusal as a denial and a 404.
The worklist's risk badges come from `screening.badges` (one query for the shown rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import Ground, ObjectType
from samsyn.cases.models import Case
from samsyn.cases.selectors import timeline as case_timeline
from samsyn.cases.selectors.timeline import current_chain
from samsyn.core.timeline import EventKind, TimelineEvent
from samsyn.screening import presenters, risk, scoring
from samsyn.screening.flags import flag_of
from samsyn.screening.models import EnteredBy, ScreeningResponse
from samsyn.sickleave.models import SickLeaveCase

EARLIER_WITHIN_DAYS = 365


def _ground(actor: Actor, case) -> str:
    """Unit membership, own record, or "" (no access). Not logged."""
    if access.care_staff_at(actor, case.unit_id):
        return Ground.UNIT_MEMBERSHIP
    own = access.own_person_id(actor)
    if own is not None and own == case.person_id:
        return Ground.OWN_RECORD
    return ""


def read_screening(*, actor: Actor, case) -> str:
    """Log the actor's read of the case's screening results; a no is a logged 404."""
    ground = _ground(actor, case)
    if not ground:
        access.record_denial(
            actor=actor,
            rule="screening_care_or_person_only",
            object_type=ObjectType.SCREENING_RESPONSE,
            object_id=case.pk,
            person_id=case.person_id,
        )
        raise access.Denied
    access.record_read(
        actor=actor,
        ground=ground,
        object_type=ObjectType.SCREENING_RESPONSE,
        object_id=case.pk,
        person_id=case.person_id,
    )
    return ground


def may_enter(*, actor: Actor, case) -> bool:
    """Coordinators and physicians of the unit enter responses; the person fills in their own
    (an open case). Unit managers read only. Not logged."""
    if case.closed_at is not None:
        return False
    if access.is_care_writer(actor, case.unit_id):
        return True
    own = access.own_person_id(actor)
    return own is not None and own == case.person_id


def case_for_screening(*, actor: Actor, case_id) -> Case:
    """A case of the actor's care units; else 404 (the read is logged by `case_screening`)."""
    cases = Case.objects.select_related("person", "unit")
    case = access.scoped(actor, cases).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def own_open_case(*, actor: Actor) -> Case:
    """The person's own open case (the latest); 404 without one."""
    person_id = access.own_person_id(actor)
    if person_id is None:
        raise Http404
    case = (
        Case.objects.open()
        .filter(person_id=person_id)
        .select_related("unit")
        .order_by("-created_at")
        .first()
    )
    if case is None:
        raise Http404
    return case


# ---- results --------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    response: ScreeningResponse
    instrument: scoring.Instrument

    @property
    def band_label(self) -> str:
        band = next((b for b in self.instrument.bands if b.code == self.response.band), None)
        return band.label if band else ""

    @property
    def total_text(self) -> str:
        r = self.response
        if r.total is not None:
            return f"{r.total}"
        if r.lowest_possible is not None:
            return f"≥ {r.lowest_possible}"
        return "–"

    @property
    def item_flag_labels(self) -> list[str]:
        return [f.label for f in self.instrument.item_flags if f.code in self.response.item_flags]

    @property
    def flag(self) -> risk.Flag | None:
        return flag_of(self.response, self.instrument)


@dataclass
class History:
    """One instrument's responses on a case, oldest first (a trend when two or more)."""

    instrument: scoring.Instrument
    results: list[Result] = field(default_factory=list)

    @property
    def latest(self) -> Result | None:
        return self.results[-1] if self.results else None

    @property
    def points(self) -> list[tuple[date, int]]:
        return [
            (r.response.taken_on, r.response.total)
            for r in self.results
            if r.response.total is not None
        ]

    @property
    def chart(self) -> presenters.Chart | None:
        inst = self.instrument
        return presenters.trend_chart(self.points, low=inst.min, high=inst.max, cutoff=inst.cutoff)


@dataclass
class CaseScreening:
    case: Case
    histories: list[History]
    flags: list[risk.Flag]
    signal: risk.Signal
    facts: risk.Facts
    may_enter: bool

    @property
    def instruments(self) -> list[scoring.Instrument]:
        return scoring.instruments()

    @property
    def measured(self) -> list[History]:
        return [h for h in self.histories if h.results]


def _histories(case) -> list[History]:
    by_code = {i.code: History(i) for i in scoring.instruments()}
    for response in ScreeningResponse.objects.filter(case=case).order_by("taken_on", "created_at"):
        history = by_code.get(response.instrument)
        if history is not None:
            history.results.append(Result(response, history.instrument))
    return list(by_code.values())


def latest_flags(histories: list[History]) -> list[risk.Flag]:
    """The flag of each instrument's latest response, if it raised one."""
    return [h.latest.flag for h in histories if h.latest and h.latest.flag]


def _facts(case, flags: list[risk.Flag], on: date) -> risk.Facts:
    chain = current_chain(person_id=case.person_id, case=case, on=on)
    sick_leave = chain.sick_leave
    if sick_leave is None:
        return risk.Facts(flags=tuple(flags))
    since = sick_leave.start - timedelta(days=EARLIER_WITHIN_DAYS)
    earlier = sick_leave.prior_days > 0 or (
        SickLeaveCase.objects.filter(
            person_id=case.person_id, end__lt=sick_leave.start, end__gte=since
        ).exists()
    )
    return risk.Facts(
        day=chain.day,
        flags=tuple(flags),
        earlier_sick_leave=earlier,
        occupation=sick_leave.occupation,
        certificates=sick_leave.certificate_count,
    )


def case_screening(*, actor: Actor, case: Case, on: date) -> CaseScreening:
    """The case's screening page: each instrument's responses, the flags of the latest
    ones, and the risk signal with its reasons. Logged (`read_screening`)."""
    read_screening(actor=actor, case=case)
    histories = _histories(case)
    flags = latest_flags(histories)
    facts = _facts(case, flags, on)
    return CaseScreening(
        case=case,
        histories=histories,
        flags=flags,
        signal=risk.signal(facts),
        facts=facts,
        may_enter=may_enter(actor=actor, case=case),
    )


# ---- the person's own view ------------------------------------------------------------


@dataclass(frozen=True)
class OwnItem:
    instrument: scoring.Instrument
    url: str
    last_on: date | None
    last_total: str


@dataclass(frozen=True)
class OwnScreening:
    items: list[OwnItem]

    @property
    def answered(self) -> list[OwnItem]:
        return [i for i in self.items if i.last_on]


def own_screening_summary(*, actor: Actor, case) -> OwnScreening | None:
    """What "Ditt ärende" shows of screening: the questionnaires the person can fill in
    (links to the phone-first form) and when they last answered each. None without an
    open case or for anyone but the person. One query; not logged on its own: the page
    ("Ditt ärende") logs the person's read of their own record (`own_case`)."""
    if case is None or case.closed_at is not None:
        return None
    if _ground(actor, case) != Ground.OWN_RECORD:
        return None
    histories = _histories(case)
    items = []
    for h in histories:
        latest = h.latest
        items.append(
            OwnItem(
                instrument=h.instrument,
                url=reverse("screening:own_fill", args=[h.instrument.code]),
                last_on=latest.response.taken_on if latest else None,
                last_total=latest.total_text if latest else "",
            )
        )
    return OwnScreening(items=items)


# ---- the case's timeline ----------------------------------------------------------------


def timeline_events(*, actor: Actor, case) -> list[TimelineEvent]:
    """The case's screening responses on its timeline (`EventKind.SCREENING`): for care
    staff at the unit and the person themself only, empty for anyone else. The timeline
    page logs its own read; this adds no event."""
    ground = _ground(actor, case)
    if not ground:
        return []
    instruments = {i.code: i for i in scoring.instruments()}
    staff = ground == Ground.UNIT_MEMBERSHIP
    url = reverse("screening:case", args=[case.pk]) if staff else ""
    events = []
    for response in ScreeningResponse.objects.filter(case=case).order_by("-taken_on"):
        instrument = instruments.get(response.instrument)
        if instrument is None:
            continue
        result = Result(response, instrument)
        values = {"name": instrument.short, "total": result.total_text}
        title = _("%(name)s: %(total)s poäng") % values
        if result.band_label:
            title = f"{title} ({result.band_label})"
        if response.over_cutoff:
            title = f"{title} – {_('över gränsvärdet')}"
        events.append(
            TimelineEvent(
                at=case_timeline.at_midnight(response.taken_on),
                kind=EventKind.SCREENING,
                title=str(title),
                plain=str(_("Du fyllde i formuläret %(name)s") % {"name": instrument.name})
                if response.entered_by == EnteredBy.PERSON
                else str(_("Formuläret %(name)s fylldes i") % {"name": instrument.name}),
                url=url,
            )
        )
    return events

"""What an external actor (employer, Försäkringskassan, Arbetsförmedlingen, social
services) sees: the cases whose person has consented to share with their organisation,
and per case only the consented categories.

Every list row and every category shown is decided by the access module and logged with
the consent id; which certificates and whether the contact details are shown are the
policy's too. Withdrawal or expiry removes a case at the next page load: nothing is cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.chain import chain_day_on
from samsyn.cases.models import Case
from samsyn.collaboration import selectors as collaboration_selectors
from samsyn.collaboration.models import Message, MessageRead, StatementKind, ThreadKind
from samsyn.collaboration.statement_fields import KIND_FOR_ROLE, STATEMENT_FIELDS
from samsyn.consent.models import Category
from samsyn.consent.policy import Decision
from samsyn.sickleave import diagnoses
from samsyn.sickleave.models import Certificate, CertificateStatus, SickLeaveCase


@dataclass
class SharedCaseRow:
    case: Case
    categories: list[str]
    labels: list[str]
    valid_to: date | None
    degree_today: int | None = None
    sick_leave_end: date | None = None
    # The day in the rehabilitation chain today, earlier periods' days included
    # (sammanläggning), and how many of them; None when not on sick leave today.
    chain_day: int | None = None
    prior_days: int = 0
    # Messages from others in the organisation's conversations on the case that this user
    # has not read (only where the consent covers messages): the start page's "new".
    unread_messages: int = 0


def _allowed(decisions: dict[str, Decision]) -> dict[str, Decision]:
    return {category: d for category, d in decisions.items() if d.allowed}


def shared_cases(*, actor: Actor, at: datetime | None = None) -> list[SharedCaseRow]:
    """The external actor's "Mina ärenden". One access event per case listed."""
    if not access.is_external(actor):
        return []
    at = at or timezone.now()
    # The consents in force that name the actor's organisation, per person (one query).
    consents = access.consent_facts(recipient_id=actor.organisation.pk, in_force_at=at)
    cases = list(
        Case.objects.open()
        .filter(person_id__in=list(consents))
        .select_related("person", "unit", "responsible")
        .order_by("person__family_name", "person__given_name")
    )
    decisions = access.decide_many(
        party=access.party_of(actor), rows=cases, consents=consents, at=at
    )
    rows, reads = [], []
    labels = dict(Category.choices)
    for case, decided in zip(cases, decisions, strict=True):
        allowed = _allowed(decided)
        if not allowed:
            continue
        at_unit = [f for f in consents[case.person_id] if f.unit_id == case.unit_id]
        valid_to = max((f.valid_to for f in at_unit), default=None)
        cats = list(allowed)
        rows.append(SharedCaseRow(case, cats, [str(labels[c]) for c in cats], valid_to))
        first = next(iter(allowed.values()))
        reads.append((case.pk, case.person_id, first.ground, first.ground_ref))
    _add_sick_leave(rows, at)
    _add_unread(rows, actor)
    auditor.record_reads(actor=actor, object_type=ObjectType.SHARED_CASE_LIST, rows=reads)
    return rows


def _add_unread(rows: list[SharedCaseRow], actor: Actor) -> None:
    """How many messages of each case the user has not read, for the rows whose consent
    covers messages (one query)."""
    wanted = {r.case.pk: r for r in rows if Category.MESSAGES in r.categories}
    if not wanted:
        return
    read = MessageRead.objects.filter(message=OuterRef("pk"), user=actor.user)
    unread = (
        Message.objects.filter(thread__party=actor.organisation, thread__case_id__in=list(wanted))
        .exclude(thread__kind=ThreadKind.FK_REHAB_NEED)  # a category of its own
        .exclude(author=actor.user)
        .filter(~Exists(read))
        .values_list("thread__case_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict(unread)
    for case_id, row in wanted.items():
        row.unread_messages = counts.get(case_id, 0)


def _add_sick_leave(rows: list[SharedCaseRow], at: datetime) -> None:
    """Degree today, end date and the chain day, only for rows whose consent covers work
    capacity."""
    wanted = [r for r in rows if Category.WORK_CAPACITY in r.categories]
    if not wanted:
        return
    today = timezone.localtime(at).date()
    latest: dict = {}
    for slc in SickLeaveCase.objects.filter(person_id__in=[r.case.person_id for r in wanted]):
        if slc.start <= today and (
            slc.person_id not in latest or slc.end > latest[slc.person_id].end
        ):
            latest[slc.person_id] = slc
    for row in wanted:
        slc = latest.get(row.case.person_id)
        if slc is not None:
            row.degree_today = slc.degree_on(today)
            row.sick_leave_end = slc.end
            row.chain_day = chain_day_on(slc, today)
            row.prior_days = slc.prior_days


@dataclass
class SharedCertificate:
    certificate: Certificate
    diagnoses: list = field(default_factory=list)


@dataclass
class SharedCase:
    case: Case
    allowed: dict[str, Decision]
    labels: list[str]
    today: date
    sick_leave: SickLeaveCase | None = None
    degree_today: int | None = None
    chain_day: int | None = None  # earlier periods' days included (sammanläggning)
    limitation: Certificate | None = None
    certificates: list[SharedCertificate] = field(default_factory=list)
    diagnoses: list = field(default_factory=list)
    show_contact_details: bool = False
    # The statement the actor's role sends the care unit ("" for Försäkringskassan), its
    # name and fields, and the statements their organisation has sent on the case.
    statement_kind: str = ""
    statement_label: str = ""
    statement_fields: list = field(default_factory=list)
    sent: list = field(default_factory=list)

    def may(self, category: str) -> bool:
        return category in self.allowed

    @property
    def may_send_statement(self) -> bool:
        """Sending needs a kind for the role and the `contact` category."""
        return bool(self.statement_kind) and self.may(Category.CONTACT)

    @property
    def person(self):
        return self.case.person


def shared_case(*, actor: Actor, case_id, at: datetime | None = None) -> SharedCase:
    """One case as the external actor may see it; 404 (and a logged denial) when no
    consent in force covers any category for them."""
    if not access.is_external(actor):
        raise Http404
    at = at or timezone.now()
    case = (
        Case.objects.open()
        .select_related("person", "unit", "responsible")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    consents = access.consent_facts(person_ids=[case.person_id], recipient_id=actor.organisation.pk)
    decided = access.decide_many(
        party=access.party_of(actor), rows=[case], consents=consents, at=at
    )[0]
    allowed = _allowed(decided)
    if not allowed:  # logged with the rule for the first category, contact
        access.log(actor, decided[Category.CONTACT], case, ObjectType.SHARED_CASE, case.pk)
        raise access.Denied
    labels = dict(Category.choices)
    shared = SharedCase(
        case=case,
        allowed=allowed,
        labels=[str(labels[c]) for c in allowed],
        today=timezone.localtime(at).date(),
    )
    _fill(shared, actor)
    _add_statements(shared, actor)
    by_consent = {str(d.ground_ref): d for d in allowed.values()}
    auditor.record_reads(
        actor=actor,
        object_type=ObjectType.SHARED_CASE,
        rows=[(case.pk, case.person_id, by_consent[ref].ground, ref) for ref in sorted(by_consent)],
        extra={"categories": list(allowed)},
    )
    return shared


def _fill(shared: SharedCase, actor: Actor) -> None:
    person, today = shared.person, shared.today
    shared.show_contact_details = access.shows_contact_details(
        actor=actor, allowed=shared.allowed, protected=person.needs_protection
    )
    if shared.may(Category.WORK_CAPACITY):
        sick_leaves = SickLeaveCase.objects.filter(person=person, start__lte=today)
        shared.sick_leave = sick_leaves.order_by("-end").first()
        if shared.sick_leave is not None:
            shared.degree_today = shared.sick_leave.degree_on(today)
            shared.chain_day = chain_day_on(shared.sick_leave, today)
        shared.limitation = (
            Certificate.objects.filter(person=person, status=CertificateStatus.VALID)
            .exclude(activity_limitation="", work_capacity="")
            .order_by("-signed_at")
            .first()
        )
    if shared.may(Category.CERTIFICATES):
        shared.certificates = [
            SharedCertificate(c, _diagnoses_of(c) if shared.may(Category.DIAGNOSIS) else [])
            for c in _shared_certificates(actor, person)
        ]
    if shared.may(Category.DIAGNOSIS):
        latest = Certificate.objects.filter(person=person, status=CertificateStatus.VALID).first()
        shared.diagnoses = _diagnoses_of(latest) if latest is not None else []


def _add_statements(shared: SharedCase, actor: Actor) -> None:
    kind = KIND_FOR_ROLE.get(actor.role, "")
    shared.statement_kind = kind
    shared.statement_label = str(dict(StatementKind.choices).get(kind, ""))
    shared.statement_fields = STATEMENT_FIELDS.get(kind, [])
    shared.sent = collaboration_selectors.statements_for_case(actor=actor, case=shared.case)


def _shared_certificates(actor: Actor, person):
    """The person's certificates of the types the actor's role may see, newest first."""
    certificates = Certificate.objects.filter(person=person)
    types = access.certificate_types(actor=actor)
    if types is not None:
        certificates = certificates.filter(type__in=types)
    return (
        certificates.exclude(status=CertificateStatus.REVOKED)
        .prefetch_related("periods")
        .order_by("-signed_at")
    )


def _diagnoses_of(certificate: Certificate) -> list[str]:
    codes = [certificate.diagnosis_code, *certificate.secondary_codes]
    labels = []
    for code in filter(None, codes):
        found = diagnoses.lookup(code)
        labels.append(found.label if found else code)
    return labels

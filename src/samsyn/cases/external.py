"""What an external actor (employer, Försäkringskassan, Arbetsförmedlingen, social
services) sees: the cases whose person has consented to share with their organisation,
and per case only the consented categories.

Every list row and every category shown is asked of `consent.policy` and logged with the
consent id. Withdrawal or expiry removes a case at the next page load: nothing is cached.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.http import Http404
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.models import Ground
from samsyn.cases.models import Case
from samsyn.consent import policy
from samsyn.consent.models import Category
from samsyn.consent.policy import Act, ConsentFacts, Decision
from samsyn.consent.selectors import case_facts, consent_facts, log_decision, party_of
from samsyn.sickleave import diagnoses
from samsyn.sickleave.models import Certificate, CertificateStatus, CertificateType, SickLeaveCase

# Certificates an external actor may see under `certificates` (FK's and the employer's
# copies); the AF statement only to Arbetsförmedlingen.
SHARED_CERTIFICATE_TYPES = {
    "employer": {CertificateType.FK7804, CertificateType.AG7804, CertificateType.AG1_14},
    "fk_officer": {CertificateType.FK7804, CertificateType.FK7263, CertificateType.AG7804},
    "af_officer": {CertificateType.FK7804, CertificateType.AF_UTLATANDE},
    "social_services": {CertificateType.FK7804},
}


@dataclass
class SharedCaseRow:
    case: Case
    categories: list[str]
    labels: list[str]
    valid_to: date | None
    degree_today: int | None = None
    sick_leave_end: date | None = None


def _in_force_consents(actor: Actor, at: datetime) -> dict[tuple, list[ConsentFacts]]:
    """The consents in force that name the actor's organisation, per (person, unit)."""
    by_pair: dict[tuple, list[ConsentFacts]] = defaultdict(list)
    in_force = consent_facts(recipient_id=actor.organisation.pk, in_force_at=at)
    for facts in in_force.values():
        for fact in facts:
            by_pair[(fact.person_id, fact.unit_id)].append(fact)
    return by_pair


def _allowed(actor: Actor, case: Case, facts: list, at: datetime) -> dict[str, Decision]:
    return policy.allowed_categories(
        party=party_of(actor), case=case_facts(case), consents=facts, at=at, act=Act.READ
    )


def shared_cases(*, actor: Actor, at: datetime | None = None) -> list[SharedCaseRow]:
    """The external actor's "Mina ärenden". One access event per case listed."""
    if actor.organisation is None or actor.role not in policy.EXTERNAL_ROLES:
        return []
    at = at or timezone.now()
    by_pair = _in_force_consents(actor, at)
    person_ids = {person for person, _unit in by_pair}
    cases = list(
        Case.objects.open()
        .filter(person_id__in=person_ids)
        .select_related("person", "unit", "responsible")
        .order_by("person__family_name", "person__given_name")
    )
    rows, log = [], []
    labels = dict(Category.choices)
    for case in cases:
        pairs = by_pair.get((case.person_id, case.unit_id), [])
        allowed = _allowed(actor, case, pairs, at)
        if not allowed:
            continue
        valid_to = max((f.valid_to for f in pairs), default=None)
        cats = list(allowed)
        rows.append(SharedCaseRow(case, cats, [str(labels[c]) for c in cats], valid_to))
        first = next(iter(allowed.values()))
        log.append((case.pk, case.person_id, Ground.CONSENT, first.consent_id))
    _add_sick_leave(rows, at)
    auditor.record_reads(actor=actor, object_type="shared_case_list", rows=log)
    return rows


def _add_sick_leave(rows: list[SharedCaseRow], at: datetime) -> None:
    """Degree today and end date, only for rows whose consent covers work capacity."""
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
    limitation: Certificate | None = None
    certificates: list[SharedCertificate] = field(default_factory=list)
    diagnoses: list = field(default_factory=list)
    show_contact_details: bool = False

    def may(self, category: str) -> bool:
        return category in self.allowed

    @property
    def person(self):
        return self.case.person


def shared_case(*, actor: Actor, case_id, at: datetime | None = None) -> SharedCase:
    """One case as the external actor may see it; 404 (and a logged denial) when no
    consent in force covers any category for them."""
    if actor.organisation is None or actor.role not in policy.EXTERNAL_ROLES:
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
    facts = consent_facts(person_ids=[case.person_id], recipient_id=actor.organisation.pk)
    facts = facts.get(case.person_id, [])
    allowed = _allowed(actor, case, facts, at)
    if not allowed:
        _log_denied(actor, case, facts, at)
        raise Http404
    labels = dict(Category.choices)
    shared = SharedCase(
        case=case,
        allowed=allowed,
        labels=[str(labels[c]) for c in allowed],
        today=timezone.localtime(at).date(),
    )
    _fill(shared, actor)
    auditor.record_reads(
        actor=actor,
        object_type="shared_case",
        rows=[
            (case.pk, case.person_id, Ground.CONSENT, consent_id)
            for consent_id in sorted({str(d.consent_id) for d in allowed.values()})
        ],
        extra={"categories": list(allowed)},
    )
    return shared


def _log_denied(actor: Actor, case: Case, facts: list, at: datetime) -> None:
    """Log why the case is not shown (the rule for the first category, contact)."""
    decision = policy.decide(
        party=party_of(actor),
        act=Act.READ,
        category=Category.CONTACT,
        case=case_facts(case),
        consents=facts,
        at=at,
    )
    log_decision(actor, decision, case, "shared_case", case.pk)


def _fill(shared: SharedCase, actor: Actor) -> None:
    person, today = shared.person, shared.today
    shared.show_contact_details = shared.may(Category.CONTACT) and not person.needs_protection
    if shared.may(Category.WORK_CAPACITY):
        sick_leaves = SickLeaveCase.objects.filter(person=person, start__lte=today)
        shared.sick_leave = sick_leaves.order_by("-end").first()
        if shared.sick_leave is not None:
            shared.degree_today = shared.sick_leave.degree_on(today)
        shared.limitation = (
            Certificate.objects.filter(person=person, status=CertificateStatus.VALID)
            .exclude(activity_limitation="", work_capacity="")
            .order_by("-signed_at")
            .first()
        )
    if shared.may(Category.CERTIFICATES):
        types = SHARED_CERTIFICATE_TYPES.get(actor.role, set())
        certificates = (
            Certificate.objects.filter(person=person, type__in=types)
            .exclude(status=CertificateStatus.REVOKED)
            .prefetch_related("periods")
            .order_by("-signed_at")
        )
        shared.certificates = [
            SharedCertificate(c, _diagnoses_of(c) if shared.may(Category.DIAGNOSIS) else [])
            for c in certificates
        ]
    if shared.may(Category.DIAGNOSIS):
        latest = Certificate.objects.filter(person=person, status=CertificateStatus.VALID).first()
        shared.diagnoses = _diagnoses_of(latest) if latest is not None else []


def _diagnoses_of(certificate: Certificate) -> list[str]:
    codes = [certificate.diagnosis_code, *certificate.secondary_codes]
    labels = []
    for code in filter(None, codes):
        found = diagnoses.lookup(code)
        labels.append(found.label if found else code)
    return labels

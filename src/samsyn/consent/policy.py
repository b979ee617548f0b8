"""The sharing policy: may this party do this action on this category of this case now?

One pure function, `decide`, with no ORM and no request inside. Every selector, export,
letter, contact and message that touches a person's data asks it through the access
module (`samsyn.access`, its only caller), which writes the decision into the access log.

The grounds of a yes are a closed set (they match `audit.models.Ground`):
- `unit_membership`: care staff at the case's care unit, for their own care;
- `own_record`: the person themself;
- `consent`: an external actor named by a consent that is in force at the instant and
  covers the category;
- `legal_duty`: Försäkringskassan's own request for information about a certificate
  (110 kap. 31 § socialförsäkringsbalken). Within that request only, the office reads and
  writes the request's messages, and the care unit may answer once it has made a harm
  assessment (menprövning) that allows it. Never dressed up as consent: the ground names
  the request or the assessment, and a consent in force is preferred when there is one.
Everything else is denied, with the rule that denied it.

Time: a consent is in force from the start of `valid_from` to the end of `valid_to`
(Europe/Stockholm); a withdrawal or replacement ends it at that very instant, and a
new version of a changed consent applies from the instant it was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_noop

from samsyn.accounts.roles import CARE_ROLES, EXTERNAL_ROLES, Role
from samsyn.audit.vocabulary import Ground

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# The information categories (values of `consent.models.Category`, checked by a test).
ALL_CATEGORIES = (
    "contact",
    "work_capacity",
    "certificates",
    "diagnosis",
    "plan",
    "meetings",
    "messages",
    "inform_fk_rehab_need",
)
# A party with no role: an external organisation the care unit contacts or writes to.
RECIPIENT = ""


class Act(StrEnum):
    READ = "read"  # the party reads the category
    WRITE = "write"  # the party sends information in the category (message, statement)
    DISCLOSE = "disclose"  # the care unit contacts / sends the category to the party


class Rule(StrEnum):
    UNIT_STAFF = "unit_staff"
    OWN_RECORD = "own_record"
    CONSENT = "consent"
    NOT_UNIT_STAFF = "not_unit_staff"
    NOT_OWN_RECORD = "not_own_record"
    ADMIN = "admin_no_patient_data"
    UNKNOWN_ROLE = "unknown_role"
    NO_CONSENT = "no_consent"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CATEGORY = "category_not_covered"
    FK_REQUEST = "fk_request"
    HARM_ASSESSMENT = "harm_assessment"
    NO_HARM_ASSESSMENT = "harm_assessment_missing"
    HARM_ASSESSMENT_REFUSED = "harm_assessment_refused"


# Why a request was denied, in words for the user (formatted by `explain`).
DENIAL_TEXT = {
    Rule.NOT_UNIT_STAFF: gettext_noop("Du arbetar inte vid den vårdenhet som har ärendet."),
    Rule.NOT_OWN_RECORD: gettext_noop("Uppgifterna gäller inte dig."),
    Rule.ADMIN: gettext_noop("Systemadministratörer har inte tillgång till personuppgifter."),
    Rule.UNKNOWN_ROLE: gettext_noop("Din roll ger inte tillgång till ärendet."),
    Rule.NO_CONSENT: gettext_noop(
        "Samtycke saknas: personen har inte samtyckt till att %(category)s delas med %(recipient)s."
    ),
    Rule.NOT_YET_VALID: gettext_noop(
        "Samtycket för %(recipient)s gäller ännu inte (samtycke saknas för %(category)s)."
    ),
    Rule.EXPIRED: gettext_noop(
        "Samtycket för %(recipient)s har gått ut (samtycke saknas för %(category)s)."
    ),
    Rule.WITHDRAWN: gettext_noop(
        "Samtycket för %(recipient)s är återkallat (samtycke saknas för %(category)s)."
    ),
    Rule.CATEGORY: gettext_noop(
        "Samtycket för %(recipient)s omfattar inte %(category)s (samtycke saknas för %(category)s)."
    ),
    Rule.NO_HARM_ASSESSMENT: gettext_noop(
        "Försäkringskassan begär uppgifterna med stöd av 110 kap. 31 § socialförsäkringsbalken. "
        "Gör en menprövning innan du svarar (samtycke saknas för %(category)s till "
        "%(recipient)s)."
    ),
    Rule.HARM_ASSESSMENT_REFUSED: gettext_noop(
        "Menprövningen säger att uppgifterna inte kan lämnas till %(recipient)s."
    ),
}

# Certificates an external role sees under `certificates` (values of
# `sickleave.models.CertificateType`, checked by a test): Försäkringskassan's and the
# employer's copies; the AF statement only to Arbetsförmedlingen.
SHARED_CERTIFICATE_TYPES: dict[str, frozenset[str]] = {
    Role.EMPLOYER: frozenset({"FK7804", "AG7804", "AG1-14"}),
    Role.FK_OFFICER: frozenset({"FK7804", "FK7263", "AG7804"}),
    Role.AF_OFFICER: frozenset({"FK7804", "AF_UTLATANDE"}),
    Role.SOCIAL_SERVICES: frozenset({"FK7804"}),
}

# Försäkringskassan's request reaches only its own messages (the question and the answer).
LEGAL_DUTY_CATEGORIES = frozenset({"messages"})
FK_ROLE = Role.FK_OFFICER


@dataclass(frozen=True)
class Party:
    """Who acts or receives: a user in a role at an organisation, or an organisation."""

    organisation_id: object
    role: str = RECIPIENT
    user_id: object = None
    care_unit_ids: frozenset = frozenset()
    person_id: object = None  # the patient's own person


@dataclass(frozen=True)
class CaseFacts:
    person_id: object
    unit_id: object


@dataclass(frozen=True)
class ConsentFacts:
    id: object
    person_id: object
    unit_id: object
    recipient_id: object
    categories: frozenset
    valid_from: date
    valid_to: date
    contact_user_id: object = None  # a named contact person's login: only they may read
    withdrawn_at: datetime | None = None
    replaced_at: datetime | None = None
    # A new version of a changed consent applies from when it was recorded, never earlier
    # (its valid_from may be the original's); None for a first version.
    version_from: datetime | None = None

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.valid_from, time.min, tzinfo=STOCKHOLM)

    @property
    def expires_at(self) -> datetime:
        """The end of the last valid day (Europe/Stockholm)."""
        return datetime.combine(self.valid_to + timedelta(days=1), time.min, tzinfo=STOCKHOLM)

    def in_force(self, at: datetime) -> bool:
        return self._state(at) is None

    def _state(self, at: datetime) -> Rule | None:
        """None when in force at `at`, else the rule that says why not."""
        if self.withdrawn_at is not None and at >= self.withdrawn_at:
            return Rule.WITHDRAWN
        if self.replaced_at is not None and at >= self.replaced_at:
            return Rule.EXPIRED
        if at < self.starts_at or (self.version_from is not None and at < self.version_from):
            return Rule.NOT_YET_VALID
        if at >= self.expires_at:
            return Rule.EXPIRED
        return None


@dataclass(frozen=True)
class RequestFacts:
    """Försäkringskassan's request for information on the case (110 kap. 31 § SFB), made
    by `recipient_id` (an FK office), and the care unit's latest harm assessment of it."""

    id: object  # the request (its message thread)
    person_id: object
    unit_id: object
    recipient_id: object
    assessment_id: object = None
    disclose: bool | None = None  # the assessment's outcome; None before one is made
    assessed_at: datetime | None = None

    def assessed(self, at: datetime) -> bool:
        return self.assessment_id is not None and self.assessed_at <= at


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: Rule
    ground: Ground
    consent_id: object = None
    category: str = ""
    act: str = ""
    details: dict = field(default_factory=dict, compare=False)
    legal_ref: object = None  # the request or harm assessment behind a legal-duty yes

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def ground_ref(self) -> object:
        """What the ground rests on: the consent id, or the request/assessment id."""
        return self.consent_id or self.legal_ref


def _allow(rule: Rule, ground: Ground, category: str, act: str, consent_id=None) -> Decision:
    return Decision(True, rule, ground, consent_id, category, act)


def _legal(rule: Rule, category: str, act: str, ref) -> Decision:
    return Decision(True, rule, Ground.LEGAL_DUTY, None, category, act, legal_ref=ref)


def _deny(rule: Rule, category: str, act: str) -> Decision:
    return Decision(False, rule, Ground.NONE, None, category, act)


def is_unit_staff(*, party: Party, unit_id, roles: Iterable[str] = CARE_ROLES) -> bool:
    """Care staff (in one of `roles`) at this care unit or a unit above it: the rule of
    every care-staff read and write (the unit's sub-units are in `care_unit_ids`)."""
    return party.role in roles and unit_id is not None and unit_id in party.care_unit_ids


def decide(
    *,
    party: Party,
    act: str,
    category: str,
    case: CaseFacts,
    consents: Iterable[ConsentFacts],
    at: datetime,
    request: RequestFacts | None = None,
) -> Decision:
    """The one answer to "may `party` do `act` on `category` of `case` at `at`?".

    `request` is given when the act happens within Försäkringskassan's request (its
    question thread); it can only add a legal-duty yes where consent says no.
    """
    if at.tzinfo is None:
        raise ValueError("`at` must be an aware datetime")
    role = party.role
    if role == Role.ADMIN:
        return _deny(Rule.ADMIN, category, act)
    if role in CARE_ROLES:
        if is_unit_staff(party=party, unit_id=case.unit_id):
            return _allow(Rule.UNIT_STAFF, Ground.UNIT_MEMBERSHIP, category, act)
        return _deny(Rule.NOT_UNIT_STAFF, category, act)
    if role == Role.PATIENT:
        if party.person_id is not None and party.person_id == case.person_id:
            return _allow(Rule.OWN_RECORD, Ground.OWN_RECORD, category, act)
        return _deny(Rule.NOT_OWN_RECORD, category, act)
    if role not in EXTERNAL_ROLES and role != RECIPIENT:
        return _deny(Rule.UNKNOWN_ROLE, category, act)
    decision = _decide_by_consent(party, act, category, case, consents, at)
    if decision.allowed or request is None:
        return decision
    by_request = _decide_by_request(party, act, category, case, request, at)
    return by_request if by_request is not None else decision


def _decide_by_request(party, act, category, case, request: RequestFacts, at) -> Decision | None:
    """Försäkringskassan's own request: None when it does not apply, so consent's no stands."""
    if request.person_id != case.person_id or request.unit_id != case.unit_id:
        return None
    if request.recipient_id != party.organisation_id or category not in LEGAL_DUTY_CATEGORIES:
        return None
    if party.role == FK_ROLE and act in (Act.READ, Act.WRITE):
        return _legal(Rule.FK_REQUEST, category, act, request.id)
    if party.role != RECIPIENT or act != Act.DISCLOSE:
        return None
    if not request.assessed(at):
        return _deny(Rule.NO_HARM_ASSESSMENT, category, act)
    if not request.disclose:
        return _deny(Rule.HARM_ASSESSMENT_REFUSED, category, act)
    return _legal(Rule.HARM_ASSESSMENT, category, act, request.assessment_id)


def _names_party(consent: ConsentFacts, party: Party, case: CaseFacts) -> bool:
    if consent.person_id != case.person_id or consent.unit_id != case.unit_id:
        return False
    if consent.recipient_id != party.organisation_id:
        return False
    # A consent naming a contact person with a login covers that user only.
    return not (
        consent.contact_user_id is not None
        and party.user_id is not None
        and consent.contact_user_id != party.user_id
    )


def _decide_by_consent(party, act, category, case, consents, at) -> Decision:
    naming = [c for c in consents if _names_party(c, party, case)]
    if not naming:
        return _deny(Rule.NO_CONSENT, category, act)
    in_force = [c for c in naming if c.in_force(at)]
    covering = [c for c in in_force if category in c.categories]
    if covering:
        best = max(covering, key=lambda c: (c.valid_to, str(c.id)))
        return _allow(Rule.CONSENT, Ground.CONSENT, category, act, best.id)
    if in_force:
        return _deny(Rule.CATEGORY, category, act)
    # Say why the most recent consent for this party no longer (or not yet) applies.
    latest = max(naming, key=lambda c: (c.valid_to, str(c.id)))
    return _deny(latest._state(at) or Rule.NO_CONSENT, category, act)


def allowed_categories(
    *, party: Party, case: CaseFacts, consents: Iterable[ConsentFacts], at: datetime, act: str
) -> dict[str, Decision]:
    """Every category the party may `act` on, with the decision that allows it."""
    consents = list(consents)
    decisions = {
        category: decide(
            party=party, act=act, category=category, case=case, consents=consents, at=at
        )
        for category in ALL_CATEGORIES
    }
    return {category: d for category, d in decisions.items() if d.allowed}


def certificate_types(*, party: Party) -> frozenset[str] | None:
    """The certificate types the party may see once `certificates` is allowed: every type
    (None) for care staff and the person themself, the role's own copies for an external
    actor, none for anyone else."""
    if party.role in CARE_ROLES or party.role == Role.PATIENT:
        return None
    return SHARED_CERTIFICATE_TYPES.get(party.role, frozenset())


def shows_contact_details(*, party: Party, allowed: Iterable[str], protected: bool) -> bool:
    """May the party see the person's address and contact details? Care staff and the
    person themself always (the page marks a protected identity); an external actor only
    under `contact`, and never for a person with protected personal data or a noted risk
    of violence."""
    if party.role in CARE_ROLES or party.role == Role.PATIENT:
        return True
    return "contact" in set(allowed) and not protected


def explain(decision: Decision, *, recipient: str, category: str) -> str:
    """The denial in the user's language, naming what consent is missing."""
    from django.utils.translation import gettext

    text = DENIAL_TEXT.get(decision.rule, DENIAL_TEXT[Rule.UNKNOWN_ROLE])
    return gettext(text) % {"recipient": recipient, "category": category}

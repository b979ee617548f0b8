"""The policy within Försäkringskassan's request (110 kap. 31 § SFB), tested directly.

Within the request, and only there, the FK office reads and writes the request's messages
and the care unit answers once a harm assessment (menprövning) allows it: ground
`legal_duty`, naming the request or the assessment, never a consent. Hand-worked cases
first, then hypothesis properties.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsyn.consent import policy
from samsyn.consent.policy import (
    ALL_CATEGORIES,
    Act,
    CaseFacts,
    ConsentFacts,
    Ground,
    Party,
    RequestFacts,
    Rule,
    decide,
)

STHLM = ZoneInfo("Europe/Stockholm")
PERSON, UNIT, FK, OTHER_FK, EMPLOYER = "p1", "u1", "org-fk", "org-fk-2", "org-employer"
CASE = CaseFacts(person_id=PERSON, unit_id=UNIT)
OFFICER = Party(organisation_id=FK, role="fk_officer", user_id="fk-user")
FK_AS_RECIPIENT = Party(organisation_id=FK)  # the care unit discloses to the office
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=STHLM)


def request(**kwargs) -> RequestFacts:
    values = {"id": "req-1", "person_id": PERSON, "unit_id": UNIT, "recipient_id": FK}
    values.update(kwargs)
    return RequestFacts(**values)


def assessed(disclose: bool, when: datetime = NOW - timedelta(hours=1), **kwargs) -> RequestFacts:
    return request(assessment_id="ha-1", disclose=disclose, assessed_at=when, **kwargs)


def consent(**kwargs) -> ConsentFacts:
    values = {
        "id": "c1",
        "person_id": PERSON,
        "unit_id": UNIT,
        "recipient_id": FK,
        "categories": frozenset({"messages"}),
        "valid_from": date(2026, 11, 1),
        "valid_to": date(2026, 12, 31),
    }
    values.update(kwargs)
    return ConsentFacts(**values)


def ask(party, act, category="messages", *, req=None, consents=(), at=NOW):
    return decide(
        party=party,
        act=act,
        category=category,
        case=CASE,
        consents=list(consents),
        at=at,
        request=req,
    )


# ---- Försäkringskassan reads and writes within its request --------------------------


@pytest.mark.parametrize("act", [Act.READ, Act.WRITE])
def test_the_offices_officer_reads_and_writes_the_requests_messages_without_consent(act):
    d = ask(OFFICER, act, req=request())
    assert d.allowed
    assert d.rule == Rule.FK_REQUEST
    assert d.ground == Ground.LEGAL_DUTY
    assert d.legal_ref == "req-1"
    assert d.ground_ref == "req-1"
    assert d.consent_id is None
    assert d.category == "messages"
    assert d.act == act


@pytest.mark.parametrize("act", [Act.READ, Act.WRITE])
def test_without_the_request_the_officer_is_denied(act):
    d = ask(OFFICER, act)
    assert not d.allowed
    assert d.rule == Rule.NO_CONSENT
    assert d.ground == Ground.NONE
    assert d.legal_ref is None


OUTSIDE_THE_REQUEST = {
    "another FK office": dict(party=Party(organisation_id=OTHER_FK, role="fk_officer")),
    "an employer at the office's org id": dict(
        party=Party(organisation_id=FK, role="employer", user_id="hr")
    ),
    "af officer at the office's org id": dict(party=Party(organisation_id=FK, role="af_officer")),
    "social services at the office's org id": dict(
        party=Party(organisation_id=FK, role="social_services")
    ),
    "work capacity": dict(category="work_capacity"),
    "diagnosis": dict(category="diagnosis"),
    "certificates": dict(category="certificates"),
    "inform_fk_rehab_need": dict(category="inform_fk_rehab_need"),
    "another person": dict(req=request(person_id="p2")),
    "another unit": dict(req=request(unit_id="u2")),
    "a request made by another office": dict(req=request(recipient_id=OTHER_FK)),
    "the officer disclosing": dict(act=Act.DISCLOSE),
}


@pytest.mark.parametrize("act", [Act.READ, Act.WRITE])
@pytest.mark.parametrize("variant", OUTSIDE_THE_REQUEST.values(), ids=OUTSIDE_THE_REQUEST.keys())
def test_outside_the_request_the_decision_is_as_without_it(variant, act):
    party = variant.get("party", OFFICER)
    act = variant.get("act", act)
    category = variant.get("category", "messages")
    req = variant.get("req", request())
    with_request = ask(party, act, category, req=req)
    assert with_request == ask(party, act, category)
    assert not with_request.allowed
    assert with_request.ground == Ground.NONE
    assert with_request.legal_ref is None


def test_an_approving_assessment_does_not_widen_the_request_for_the_officer():
    for category in ("work_capacity", "diagnosis", "plan"):
        d = ask(OFFICER, Act.READ, category, req=assessed(True))
        assert not d.allowed
        assert d.rule == Rule.NO_CONSENT


def test_care_staff_patient_and_admin_are_unaffected_by_the_request():
    care = Party(organisation_id=UNIT, role="coordinator", care_unit_ids=frozenset({UNIT}))
    elsewhere = Party(organisation_id="u2", role="physician", care_unit_ids=frozenset({"u2"}))
    admin = Party(organisation_id=FK, role="admin")
    other_patient = Party(organisation_id=UNIT, role="patient", person_id="p2")
    assert ask(care, Act.READ, req=request()).ground == Ground.UNIT_MEMBERSHIP
    assert ask(elsewhere, Act.READ, req=request()).rule == Rule.NOT_UNIT_STAFF
    assert ask(admin, Act.READ, req=request()).rule == Rule.ADMIN
    assert ask(other_patient, Act.READ, req=request()).rule == Rule.NOT_OWN_RECORD
    assert ask(Party(organisation_id=FK, role="janitor"), Act.READ, req=request()).rule == (
        Rule.UNKNOWN_ROLE
    )


def test_a_consent_that_does_not_cover_messages_leaves_the_request_to_decide():
    narrow = consent(categories=frozenset({"work_capacity"}))
    withdrawn = consent(id="c-old", withdrawn_at=NOW - timedelta(days=1))
    for consents in ([narrow], [withdrawn]):
        assert not ask(OFFICER, Act.READ, consents=consents)
        d = ask(OFFICER, Act.READ, consents=consents, req=request())
        assert d.ground == Ground.LEGAL_DUTY
        assert d.consent_id is None
        assert d.legal_ref == "req-1"


# ---- the care unit answers after a harm assessment ----------------------------------


def test_care_may_not_answer_before_a_harm_assessment():
    d = ask(FK_AS_RECIPIENT, Act.DISCLOSE, req=request())
    assert not d.allowed
    assert d.rule == Rule.NO_HARM_ASSESSMENT
    assert d.ground == Ground.NONE
    assert d.legal_ref is None


def test_an_assessment_made_after_the_instant_does_not_count_yet():
    later = assessed(True, when=NOW + timedelta(microseconds=1))
    d = ask(FK_AS_RECIPIENT, Act.DISCLOSE, req=later)
    assert not d.allowed
    assert d.rule == Rule.NO_HARM_ASSESSMENT
    at_the_instant = assessed(True, when=NOW)
    assert ask(FK_AS_RECIPIENT, Act.DISCLOSE, req=at_the_instant).allowed


def test_a_refusing_assessment_denies_the_answer():
    d = ask(FK_AS_RECIPIENT, Act.DISCLOSE, req=assessed(False))
    assert not d.allowed
    assert d.rule == Rule.HARM_ASSESSMENT_REFUSED
    assert d.ground == Ground.NONE
    assert d.legal_ref is None


def test_an_approving_assessment_allows_the_answer_under_legal_duty():
    d = ask(FK_AS_RECIPIENT, Act.DISCLOSE, req=assessed(True))
    assert d.allowed
    assert d.rule == Rule.HARM_ASSESSMENT
    assert d.ground == Ground.LEGAL_DUTY
    assert d.legal_ref == "ha-1"
    assert d.ground_ref == "ha-1"
    assert d.consent_id is None


def test_the_assessment_covers_only_the_requests_messages_to_the_office():
    req = assessed(True)
    for category in ("work_capacity", "diagnosis", "certificates", "contact"):
        d = ask(FK_AS_RECIPIENT, Act.DISCLOSE, category, req=req)
        assert d == ask(FK_AS_RECIPIENT, Act.DISCLOSE, category)
        assert not d.allowed
    for party in (Party(organisation_id=OTHER_FK), Party(organisation_id=EMPLOYER)):
        assert ask(party, Act.DISCLOSE, req=req) == ask(party, Act.DISCLOSE)
    # The unit discloses; an organisation reading in the recipient's place gets nothing.
    assert ask(FK_AS_RECIPIENT, Act.READ, req=req) == ask(FK_AS_RECIPIENT, Act.READ)


def test_the_denials_explain_the_harm_assessment_in_swedish():
    missing = ask(FK_AS_RECIPIENT, Act.DISCLOSE, req=request())
    text = policy.explain(missing, recipient="Försäkringskassan Testköping", category="meddelanden")
    assert "menprövning" in text
    assert "110 kap. 31 §" in text
    assert "Försäkringskassan Testköping" in text
    refused = ask(FK_AS_RECIPIENT, Act.DISCLOSE, req=assessed(False))
    text = policy.explain(refused, recipient="Försäkringskassan Testköping", category="meddelanden")
    assert "Menprövningen" in text
    assert "Försäkringskassan Testköping" in text


# ---- a consent in force is preferred ---------------------------------------------------


@pytest.mark.parametrize("req", [request(), assessed(True)], ids=["unassessed", "approved"])
def test_a_consent_covering_messages_wins_over_the_request(req):
    consents = [consent()]
    for party, act in ((OFFICER, Act.READ), (OFFICER, Act.WRITE), (FK_AS_RECIPIENT, Act.DISCLOSE)):
        d = ask(party, act, consents=consents, req=req)
        assert d.allowed
        assert d.rule == Rule.CONSENT
        assert d.ground == Ground.CONSENT
        assert d.consent_id == "c1"
        assert d.legal_ref is None
        assert d.ground_ref == "c1"


# ---- properties -------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(STHLM)
)
organisations = st.sampled_from([FK, OTHER_FK, EMPLOYER])
roles = st.sampled_from(sorted(policy.EXTERNAL_ROLES) + [policy.RECIPIENT])
acts = st.sampled_from(list(Act))
categories = st.sampled_from(ALL_CATEGORIES)


@st.composite
def requests(draw):
    made = draw(st.booleans())
    return RequestFacts(
        id=draw(st.sampled_from(["req-1", "req-2"])),
        person_id=draw(st.sampled_from([PERSON, "p2"])),
        unit_id=draw(st.sampled_from([UNIT, "u2"])),
        recipient_id=draw(organisations),
        assessment_id="ha-1" if made else None,
        disclose=draw(st.booleans()) if made else None,
        assessed_at=draw(instants) if made else None,
    )


@st.composite
def consent_lists(draw):
    result = []
    for n in range(draw(st.integers(min_value=0, max_value=3))):
        start = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)))
        result.append(
            consent(
                id=f"c{n}",
                recipient_id=draw(organisations),
                categories=draw(st.frozensets(categories, min_size=1)),
                valid_from=start,
                valid_to=start + timedelta(days=draw(st.integers(0, 400))),
                withdrawn_at=draw(st.none() | instants),
            )
        )
    return result


@st.composite
def parties(draw):
    return Party(organisation_id=draw(organisations), role=draw(roles), user_id="u")


situations = dict(
    party=parties(),
    act=acts,
    category=categories,
    req=requests(),
    cs=consent_lists(),
    when=instants,
)


def both(party, act, category, req, cs, when):
    """The decision with the request and without it."""
    return (
        ask(party, act, category, req=req, consents=cs, at=when),
        ask(party, act, category, consents=cs, at=when),
    )


@given(**situations)
def test_the_request_never_reaches_another_organisation(party, act, category, req, cs, when):
    with_request, without = both(party, act, category, req, cs, when)
    if party.organisation_id != req.recipient_id:
        assert with_request == without
        assert with_request.ground != Ground.LEGAL_DUTY


@given(**situations)
def test_the_request_never_reaches_another_category(party, act, category, req, cs, when):
    with_request, without = both(party, act, category, req, cs, when)
    if with_request.ground == Ground.LEGAL_DUTY:
        assert category in policy.LEGAL_DUTY_CATEGORIES
    if category not in policy.LEGAL_DUTY_CATEGORIES:
        assert with_request == without


@given(**situations)
def test_no_disclosure_without_an_approving_assessment_made_by_then(
    party, act, category, req, cs, when
):
    with_request, without = both(party, act, category, req, cs, when)
    if act == Act.DISCLOSE and with_request.allowed and not without.allowed:
        assert req.assessment_id is not None
        assert req.disclose is True
        assert req.assessed_at <= when
        assert with_request.legal_ref == req.assessment_id


@given(**situations)
def test_a_request_never_turns_a_yes_into_a_no(party, act, category, req, cs, when):
    with_request, without = both(party, act, category, req, cs, when)
    assert with_request.allowed >= without.allowed
    if without.allowed:
        assert with_request == without


@given(**situations)
def test_a_legal_duty_yes_names_the_request_or_the_assessment_never_a_consent(
    party, act, category, req, cs, when
):
    with_request, _without = both(party, act, category, req, cs, when)
    if with_request.ground != Ground.LEGAL_DUTY:
        return
    assert with_request.allowed
    assert with_request.consent_id is None
    assert (req.person_id, req.unit_id) == (PERSON, UNIT)
    if with_request.rule == Rule.FK_REQUEST:
        assert (party.role, act) in {("fk_officer", Act.READ), ("fk_officer", Act.WRITE)}
        assert with_request.legal_ref == req.id
    else:
        assert with_request.rule == Rule.HARM_ASSESSMENT
        assert (party.role, act) == (policy.RECIPIENT, Act.DISCLOSE)
        assert with_request.legal_ref == req.assessment_id


@given(req=requests(), cs=consent_lists(), when=instants)
def test_within_the_request_the_assessment_decides_an_answer_without_consent(req, cs, when):
    party = Party(organisation_id=req.recipient_id)
    with_request, without = both(party, Act.DISCLOSE, "messages", req, cs, when)
    if without.allowed or (req.person_id, req.unit_id) != (PERSON, UNIT):
        return
    if req.assessment_id is None or req.assessed_at > when:
        assert with_request.rule == Rule.NO_HARM_ASSESSMENT
    elif not req.disclose:
        assert with_request.rule == Rule.HARM_ASSESSMENT_REFUSED
    else:
        assert with_request.rule == Rule.HARM_ASSESSMENT
    assert with_request.allowed == (with_request.rule == Rule.HARM_ASSESSMENT)

"""The worklist in SQL gives the same persons in the same order as the Python reference
(`cases.worklist.matches`, `text_matches`, `SORT_KEYS` on `worklist_rows`), for generated
filters, sorts and "recently ended" days on one generated unit (ADR 018).

Runs on SQLite and on PostgreSQL (the CI's second pass): one data set per test, built
through the services, and hypothesis varies what is asked of it. The SQL side is read page
by page through its keyset cursors, so the cursors are compared too.
"""

from __future__ import annotations

import random
from datetime import timedelta
from functools import partial

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samsyn.accounts.roles import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.cases import selectors, services
from samsyn.cases import worklist as wl
from samsyn.cases.tests.helpers import WORKLIST_DAY, actor_for, certify, fk_question
from samsyn.consent.tests.fixtures import give_consent
from samsyn.people.models import Sex
from samsyn.people.tests.factories import PersonFactory
from samsyn.sickleave.models import Occupation

TODAY = WORKLIST_DAY
CODES = ["M54.5", "F43.8A", "F32.1", "S82.2", "J06.9"]
FAMILY = ["Berg", "Åberg", "Ek", "von Ek", "Östlund", "berg", "Andersson"]
GIVEN = ["Anna", "Bo", "Åsa", "Erik", "Lena", "Per"]
NEEDLES = [
    "",
    " ",
    "berg",
    "ek",
    "å",
    "anna",
    "0 dagar",
    "0 intyg",
    "1 intyg",
    "dagar",
    "50%",
    "100 %",
    "f43",
    "m54",
    "ryggvärk",
    "år",
    "4",
    "2026-1",
    "kontaktad",
    "–",
    "läkare",
    "koordinator",
    "arbetssökande",
]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        yield


def _person(unit, rng):
    return PersonFactory(
        care_unit=unit, given_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY)
    )


def build_unit(unit, coordinator, physician, employer_org, *, seed=19, persons=36):
    """A unit with what the worklist's filters and sorts look at: lengths, degrees,
    diagnoses, occupations, recently ended cases, earlier periods (sammanläggning), open
    cases with every status, responsible coordinators, overdue tasks, consents (expiring
    or not) and unanswered questions from Försäkringskassan."""
    rng = random.Random(seed)
    other_doctor = MembershipFactory(
        organisation=unit, role=Role.PHYSICIAN, user=UserFactory(first_name="Bo", last_name="Ek")
    ).user
    colleague = MembershipFactory(
        organisation=unit,
        role=Role.COORDINATOR,
        user=UserFactory(first_name="Åke", last_name="Berg"),
    ).user
    fk = None
    for n in range(persons):
        p = _person(unit, rng)
        doctor = physician if n % 3 else other_doctor
        kind = n % 6
        if kind != 5:  # kind 5: an open case without a sick leave
            start = TODAY - timedelta(days=rng.choice([3, 20, 45, 100, 200, 400, 800]))
            end = TODAY + timedelta(days=rng.choice([-12, -3, -1, 0, 2, 6, 30, 90]))
            if kind == 4:  # an earlier period 60 days before (sammanläggning)
                certify(doctor, p, start - timedelta(days=100), start - timedelta(days=61))
            certify(
                doctor,
                p,
                start,
                max(start, end),
                rng.choice([25, 50, 75, 100]),
                rng.choice(CODES),
                rng.choice(Occupation.values),
            )
            if n % 4 == 0:  # a second certificate, another degree
                certify(
                    doctor, p, max(start, end) + timedelta(days=1), end + timedelta(days=20), 50
                )
        if kind in (0, 2, 5) or n % 7 == 0:
            case = services.open_case(
                actor=actor_for(coordinator),
                person=p,
                responsible=colleague if n % 2 else coordinator,
                expected_days=rng.choice([None, 60, 200]),
                preventive=kind == 5,
            )
            status = rng.choice(wl_statuses())
            if status != "none":
                services.set_case_status(actor=actor_for(coordinator), case=case, status=status)
            for _ in range(rng.choice([0, 0, 1, 2])):
                services.add_task(
                    actor=actor_for(coordinator),
                    case=case,
                    title="Ring",
                    due_date=TODAY + timedelta(days=rng.choice([-5, -1, 0, 3])),
                )
            if n % 5 == 0:
                fk = fk or _fk_office()
                fk_question(case, party=fk, created_by=coordinator)
        if n % 4 == 1:
            days = rng.choice([5, 30, 200])
            give_consent(coordinator, p, employer_org, ["contact"], end=TODAY + timedelta(days))
    return colleague, other_doctor


def wl_statuses() -> list[str]:
    from samsyn.cases.models import OPEN_STATUSES

    return list(OPEN_STATUSES)


def _fk_office():
    from samsyn.accounts.models import OrganisationType
    from samsyn.accounts.tests.factories import OrganisationFactory

    return OrganisationFactory(name="FK Testköping", type=OrganisationType.FK_OFFICE)


def python_order(actor, filters, sort, recent_days) -> list:
    rows = selectors.worklist_rows(actor=actor, on=TODAY, recent_days=recent_days)
    return [r.person_id for r in wl.sort_rows([r for r in rows if wl.matches(r, filters)], sort)]


def sql_order(actor, filters, sort, recent_days, per_page=7) -> tuple[list, int]:
    """Every page in turn through the next-page cursors; each page's previous-page
    cursor must lead back to the page before it."""
    listed = partial(
        selectors.worklist,
        actor=actor,
        filters=filters,
        sort=sort,
        on=TODAY,
        per_page=per_page,
        recent_days=recent_days,
    )
    seen, pages, after = [], [], ""
    while True:
        page = listed(after=after)
        ids = [r.person_id for r in page.rows]
        if pages:
            back = listed(before=page.prev_cursor)
            assert [r.person_id for r in back.rows] == pages[-1]
        pages.append(ids)
        seen.extend(ids)
        if not page.next_cursor:
            return seen, page.matching
        after = page.next_cursor


def filters_strategy(users: dict):
    return st.builds(
        wl.Filters,
        diagnosis_chapter=st.none() | st.sampled_from([5, 13, 19]),
        physician=st.just("") | st.sampled_from(users["physicians"]),
        responsible=st.just("") | st.sampled_from(users["coordinators"]),
        age_min=st.none() | st.integers(15, 70),
        age_max=st.none() | st.integers(30, 90),
        sex=st.just("") | st.sampled_from(Sex.values),
        length=st.just("") | st.sampled_from(list(wl.LENGTH_BUCKETS)),
        status=st.just("") | st.sampled_from(["none", *wl_statuses()]),
        occupation=st.just("") | st.sampled_from(Occupation.values),
        end_from=st.none() | st.sampled_from([TODAY - timedelta(days=5), TODAY]),
        end_to=st.none() | st.sampled_from([TODAY + timedelta(days=7), TODAY + timedelta(60)]),
        ending_soon=st.booleans(),
        overdue=st.booleans(),
        consent_expiring=st.booleans(),
        fk_questions=st.booleans(),
        text=st.just("") | st.sampled_from(NEEDLES),
    )


def sparse(users: dict):
    """Mostly one or two filters at a time (all at once rarely matches anything)."""
    return st.one_of(
        st.just(wl.Filters()),
        st.builds(wl.Filters, text=st.sampled_from(NEEDLES)),
        st.builds(wl.Filters, length=st.sampled_from(list(wl.LENGTH_BUCKETS))),
        st.builds(wl.Filters, status=st.sampled_from(["none", *wl_statuses()])),
        st.builds(
            wl.Filters,
            occupation=st.sampled_from(Occupation.values),
            sex=st.just("") | st.sampled_from(Sex.values),
        ),
        st.builds(
            wl.Filters,
            ending_soon=st.booleans(),
            overdue=st.booleans(),
            consent_expiring=st.booleans(),
            fk_questions=st.booleans(),
        ),
        st.builds(wl.Filters, age_min=st.integers(15, 70), end_to=st.just(TODAY + timedelta(9))),
        filters_strategy(users),
    )


SORTS = st.sampled_from(list(wl.SORT_KEYS)).flatmap(lambda key: st.sampled_from([key, f"-{key}"]))


@pytest.mark.django_db
def test_sql_equals_the_python_reference(unit, coordinator, physician, employer_org):
    colleague, other_doctor = build_unit(unit, coordinator, physician, employer_org)
    users = {
        "physicians": [str(physician.pk), str(other_doctor.pk)],
        "coordinators": [str(coordinator.pk), str(colleague.pk)],
    }
    actors = {"coordinator": actor_for(coordinator), "physician": actor_for(physician)}
    assert len(selectors.worklist_rows(actor=actors["coordinator"], on=TODAY)) >= 25

    @settings(
        max_examples=70,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        who=st.sampled_from(["coordinator", "coordinator", "physician"]),
        filters=sparse(users),
        sort=SORTS,
        recent_days=st.sampled_from([None, 0, 5, 14]),
    )
    def same(who, filters, sort, recent_days):
        actor = actors[who]
        expected = python_order(actor, filters, sort, recent_days)
        got, matching = sql_order(actor, filters, sort, recent_days)
        assert got == expected
        assert matching == len(expected)

    same()


@pytest.mark.django_db
def test_every_sort_key_on_every_row_in_both_directions(unit, coordinator, physician, employer_org):
    """Each sort key, ascending and descending, unfiltered: the whole order."""
    build_unit(unit, coordinator, physician, employer_org, seed=7, persons=30)
    actor = actor_for(coordinator)
    for key in wl.SORT_KEYS:
        for sort in (key, f"-{key}"):
            expected = python_order(actor, wl.Filters(), sort, None)
            assert sql_order(actor, wl.Filters(), sort, None, per_page=50)[0] == expected, sort


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_consent_column_sorts_alike_in_either_language(unit, coordinator, physician, language):
    """The consent column shows "Bygg t.o.m. 2026-12-22" in Swedish and "Bygg until
    2026-12-22" in English; the SQL and the reference sort on the recipients and days
    alone, so a name that goes on where the other's word begins ("Bygg" and "Bygg tak")
    sorts the same in both languages and on both paths."""
    from django.utils import translation

    from samsyn.accounts.models import OrganisationType
    from samsyn.accounts.tests.factories import OrganisationFactory

    recipients = [
        OrganisationFactory(name=name, type=OrganisationType.EMPLOYER)
        for name in ("Bygg", "Bygg tak", "Bygg AB")
    ]
    for n, recipient in enumerate([*recipients, None]):
        person = _person(unit, random.Random(n))
        certify(physician, person, TODAY - timedelta(days=10), TODAY + timedelta(days=10))
        if recipient is not None:
            give_consent(coordinator, person, recipient, ["contact"], end=TODAY + timedelta(30))
    actor = actor_for(coordinator)
    with translation.override(language):
        for sort in ("consent", "-consent"):
            expected = python_order(actor, wl.Filters(), sort, None)
            assert sql_order(actor, wl.Filters(), sort, None)[0] == expected, sort

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import AccessEvent, Action
from samsyn.cases import services
from samsyn.cases.tests.helpers import WORKLIST_DAY, actor_for, sick

TODAY = WORKLIST_DAY
WORKLIST = reverse("cases:worklist")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        yield


@pytest.mark.django_db
def test_coordinator_sees_the_units_active_sick_leave(
    coordinator_client, physician, unit, other_unit
):
    short = sick(physician, unit, 5, 14, given_name="Kort", family_name="Fallsson")
    long = sick(physician, unit, 100, 200, 50, "F43.8A", given_name="Lång", family_name="Fallsson")
    ended = sick(physician, unit, 60, 20, given_name="Slut", family_name="Fallsson")
    page = coordinator_client.get(WORKLIST).content.decode()
    assert "Kort Fallsson" in page
    assert "Lång Fallsson" in page
    assert "Slut Fallsson" not in page
    assert long.formatted_personnummer in page
    assert "F43.8A" in page
    assert "<strong>50&nbsp;%</strong>" in page
    assert ended.formatted_personnummer not in page
    assert short.formatted_personnummer in page


@pytest.mark.django_db
def test_each_person_shown_is_logged_once(coordinator_client, coordinator, physician, unit):
    people = [sick(physician, unit, d, 30) for d in (1, 2, 3)]
    AccessEvent.objects.bulk_create  # noqa: B018 - the manager is append-only; we only read
    before = AccessEvent.objects.count()
    coordinator_client.get(WORKLIST)
    events = AccessEvent.objects.filter(seq__gt=before, object_type="worklist", actor=coordinator)
    assert sorted(str(e.person_id) for e in events) == sorted(str(p.pk) for p in people)
    assert {e.action for e in events} == {Action.READ}


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows(coordinator_client, coordinator, physician, unit):
    sick(physician, unit, 3, 30)
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(WORKLIST)
    for days in range(4, 14):
        p = sick(physician, unit, days, 40)
        case = services.open_case(actor=actor_for(coordinator), person=p)
        services.add_task(actor=actor_for(coordinator), case=case, title="x", due_date=TODAY)
    with CaptureQueriesContext(connection) as many:
        response = coordinator_client.get(WORKLIST)
    assert response.content.decode().count("<tr") == 12  # header + 11 rows
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_filter_by_length_bucket_keeps_personnummer_out_of_urls(
    coordinator_client, physician, unit
):
    short = sick(physician, unit, 5, 14)
    long = sick(physician, unit, 100, 150)  # length is the whole case: 150 days
    response = coordinator_client.post(WORKLIST, {"length": "91-180", "text": ""})
    assert response.status_code == 302
    assert response.url == WORKLIST + "?length=91-180"
    page = coordinator_client.get(response.url).content.decode()
    assert long.formatted_personnummer in page
    assert short.formatted_personnummer not in page


@pytest.mark.django_db
def test_free_text_finds_by_personnummer_and_name(coordinator_client, physician, unit):
    a = sick(physician, unit, 5, 14, given_name="Astrid", family_name="Ödman")
    b = sick(physician, unit, 6, 14, given_name="Bertil", family_name="Berg")
    response = coordinator_client.post(WORKLIST, {"text": a.formatted_personnummer})
    assert response.url.startswith(WORKLIST + "?f=")
    assert a.personnummer[2:8] not in response.url
    page = coordinator_client.get(response.url).content.decode()
    assert "Astrid Ödman" in page
    assert "Bertil Berg" not in page
    response = coordinator_client.post(WORKLIST, {"text": "bertil"})
    assert "bertil" not in response.url.lower()
    page = coordinator_client.get(response.url).content.decode()
    assert "Bertil Berg" in page
    assert b.formatted_personnummer in page
    assert "Astrid Ödman" not in page


@pytest.mark.django_db
def test_invalid_filter_is_redisplayed_with_swedish_message(coordinator_client):
    response = coordinator_client.post(WORKLIST, {"age_min": "60", "age_max": "30", "text": "abc"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Åldern till måste vara minst lika hög" in page
    assert 'value="abc"' in page


@pytest.mark.django_db
def test_sorting_on_length(coordinator_client, physician, unit):
    sick(physician, unit, 10, 30, given_name="Tio", family_name="Dagar")
    sick(physician, unit, 50, 90, given_name="Femtio", family_name="Dagar")
    page = coordinator_client.get(WORKLIST + "?sort=-days").content.decode()
    assert page.index("Femtio Dagar") < page.index("Tio Dagar")
    page = coordinator_client.get(WORKLIST + "?sort=days").content.decode()
    assert page.index("Tio Dagar") < page.index("Femtio Dagar")


@pytest.mark.django_db
def test_column_choice_and_personal_data_switch_are_saved(coordinator_client, physician, unit):
    p = sick(physician, unit, 10, 30, given_name="Dold", family_name="Person")
    coordinator_client.post(
        reverse("cases:worklist_columns"),
        {"columns": ["days", "personnummer", "name"], "order": "days,name,personnummer"},
    )
    page = coordinator_client.get(WORKLIST).content.decode()
    assert "Dold Person" not in page
    assert p.formatted_personnummer not in page
    assert "Längd" in page
    coordinator_client.post(
        reverse("cases:worklist_columns"),
        {"columns": ["days", "name"], "order": "name,days", "show_personal_data": "on"},
    )
    page = coordinator_client.get(WORKLIST).content.decode()
    assert "Dold Person" in page
    assert page.index(">Namn<") < page.index(">Längd<")


@pytest.mark.django_db
def test_print_view_is_logged_as_print(coordinator_client, coordinator, physician, unit):
    p = sick(physician, unit, 10, 30)
    response = coordinator_client.get(reverse("cases:worklist_print"))
    page = b"".join(response.streaming_content).decode()
    assert p.formatted_personnummer in page
    assert AccessEvent.objects.filter(
        actor=coordinator, action=Action.PRINT, person_id=p.pk
    ).exists()


@pytest.mark.django_db
def test_physician_sees_only_cases_whose_current_certificate_they_signed(
    physician_client, physician, unit
):
    from samsyn.accounts.models import Role
    from samsyn.accounts.tests.factories import MembershipFactory

    other_doctor = MembershipFactory(organisation=unit, role=Role.PHYSICIAN).user
    mine = sick(physician, unit, 10, 30, given_name="Min", family_name="Patient")
    sick(other_doctor, unit, 10, 30, given_name="Annans", family_name="Patient")
    page = physician_client.get(WORKLIST).content.decode()
    assert "Min Patient" in page
    assert "Annans Patient" not in page
    assert mine.formatted_personnummer in page


@pytest.mark.django_db
def test_other_units_and_external_actors_see_nothing(
    outsider_client, employer_client, physician, unit
):
    p = sick(physician, unit, 10, 30)
    assert p.formatted_personnummer not in outsider_client.get(WORKLIST).content.decode()
    assert employer_client.get(WORKLIST).status_code == 403


@pytest.mark.django_db
def test_consents_and_unanswered_fk_questions_show_in_the_worklist(
    coordinator_client, coordinator, physician, unit, employer_org
):
    from samsyn.accounts.models import OrganisationType, Role
    from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory
    from samsyn.collaboration.models import Thread, ThreadKind
    from samsyn.consent.tests.fixtures import give_consent

    fk = OrganisationFactory(name="FK Testköping", type=OrganisationType.FK_OFFICE)
    fk_user = MembershipFactory(organisation=fk, role=Role.FK_OFFICER).user
    expiring = sick(physician, unit, 20, 60, given_name="Snart", family_name="Utgången")
    lasting = sick(physician, unit, 20, 60, given_name="Länge", family_name="Giltig")
    give_consent(coordinator, expiring, employer_org, ["contact"], end=TODAY + timedelta(days=14))
    give_consent(coordinator, lasting, fk, ["messages"], end=TODAY + timedelta(days=15))
    case = services.open_case(actor=actor_for(coordinator), person=lasting)
    for answered in (None, TODAY):
        Thread.objects.create(
            case=case,
            party=fk,
            subject="Komplettering",
            kind=ThreadKind.FK_QUESTION,
            fk_topic="KOMPLT",
            answer_by=TODAY + timedelta(days=7),
            answered_at=answered and timezone.now(),
            created_by=fk_user,
        )
    services.refresh_entries(person_ids=[lasting.pk])  # written past the services
    page = coordinator_client.get(WORKLIST).content.decode()
    assert 'title="Testbygg AB t.o.m. 2026-12-06"' in page
    assert 'title="FK Testköping t.o.m. 2026-12-07"' in page
    assert page.count(">Samtycke går ut</span>") == 1
    assert ">1 FK-fråga</span>" in page
    filtered = coordinator_client.get(WORKLIST + "?consent_expiring=1").content.decode()
    assert "Snart Utgången" in filtered
    assert "Länge Giltig" not in filtered
    filtered = coordinator_client.get(WORKLIST + "?fk_questions=1").content.decode()
    assert "Länge Giltig" in filtered
    assert "Snart Utgången" not in filtered


@pytest.mark.django_db
def test_query_count_holds_with_consents_and_questions(
    coordinator_client, coordinator, physician, unit, employer_org
):
    from samsyn.consent.tests.fixtures import give_consent

    def add(n):
        for _ in range(n):
            p = sick(physician, unit, 10, 30)
            give_consent(coordinator, p, employer_org, ["contact"])
            services.open_case(actor=actor_for(coordinator), person=p)

    add(1)
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(WORKLIST)
    add(8)
    with CaptureQueriesContext(connection) as many:
        page = coordinator_client.get(WORKLIST).content.decode()
    assert page.count("Testbygg AB t.o.m.") == 9
    assert len(many) == len(few)


@pytest.mark.django_db
def test_protected_persons_are_marked_in_the_worklist(coordinator_client, physician, unit):
    sick(physician, unit, 10, 30, given_name="Skyddad", family_name="Person", violence_risk=True)
    sick(physician, unit, 10, 30, given_name="Vanlig", family_name="Person")
    page = coordinator_client.get(WORKLIST).content.decode()
    assert page.count('<span class="tag tag--error">Skyddad</span>') == 1

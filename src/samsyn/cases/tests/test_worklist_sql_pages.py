"""The worklist in SQL (ADR 018): keyset pages and page sizes, a fixed number of queries at
any size, the region view (one row per person), the user's own gap (the Python path), the
streamed printout and CSV export, the daily refresh and the services keeping the keys."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.urls import reverse

from samsyn.accounts.roles import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory
from samsyn.audit.models import AccessEvent, Action
from samsyn.cases import index, selectors, services
from samsyn.cases import worklist as wl
from samsyn.cases.models import WorklistEntry
from samsyn.cases.selectors import page as page_module
from samsyn.cases.tests.helpers import WORKLIST_DAY, actor_for, certify, fk_question, sick
from samsyn.collaboration.services import fk_requests as fk_services
from samsyn.consent import services as consent_services
from samsyn.consent.tests.fixtures import give_consent
from samsyn.people.tests.factories import PersonFactory
from samsyn.plans import services as plan_services
from samsyn.plans.content import NoPlanReason

TODAY = WORKLIST_DAY
WORKLIST = reverse("cases:worklist")
EXPORT = reverse("cases:worklist_export")
PRINT = reverse("cases:worklist_print")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        yield


def many(physician, unit, n):
    return [sick(physician, unit, 1 + i, 60 + i, family_name=f"Person{i:03}") for i in range(n)]


def hrefs(page: str) -> dict[str, str]:
    """The pager's links by their text."""
    found = re.findall(r'<a (?:class="\w+" )?href="([^"]*)"(?: rel="\w+")?>([^<]+)</a>', page)
    return {text: href.replace("&amp;", "&") for href, text in found}


def names(page: str) -> list[str]:
    return re.findall(r'<a href="/personer/[^"]+/">([^<]+)</a>', page)


def streamed(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


# ---- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_keyset_pages_forward_and_back_with_opaque_cursors(coordinator_client, physician, unit):
    people = many(physician, unit, 60)
    first = coordinator_client.get(WORKLIST + "?per_page=25&sort=start").content.decode()
    shown = names(first)
    assert len(shown) == 25
    links = hrefs(first)
    assert "Föregående sida" not in links
    following = links["Nästa sida"]
    assert "page=2" in following
    cursor = re.search(r"after=([0-9a-f]+)", following).group(1)
    assert len(cursor) == 32  # an opaque id: no name, no personnummer
    assert not any(p.personnummer in following or p.family_name in following for p in people)
    second = coordinator_client.get(WORKLIST + following).content.decode()
    assert len(names(second)) == 25
    assert not set(names(second)) & set(shown)
    assert "Sida 2 av 3" in second
    back = coordinator_client.get(WORKLIST + hrefs(second)["Föregående sida"]).content.decode()
    assert names(back) == shown
    third = coordinator_client.get(WORKLIST + hrefs(second)["Nästa sida"]).content.decode()
    assert len(names(third)) == 10
    assert "Nästa sida" not in hrefs(third)
    everyone = shown + names(second) + names(third)
    ordered = sorted(people, key=lambda p: (TODAY - timedelta(days=1 + people.index(p)), p.pk))
    assert everyone == [f"{p.given_name} {p.family_name}" for p in ordered]
    assert hrefs(third)["Första sidan"].startswith("?")


@pytest.mark.django_db
def test_the_user_chooses_the_page_size(coordinator_client, physician, unit):
    many(physician, unit, 30)
    page = coordinator_client.get(WORKLIST).content.decode()
    assert "Rader per sida:" in page
    assert len(names(page)) == 30
    sizes = hrefs(page)
    assert sizes["25"] == "?per_page=25"
    small = coordinator_client.get(WORKLIST + sizes["25"]).content.decode()
    assert len(names(small)) == 25
    assert '<strong class="target" aria-current="true">25</strong>' in small
    odd = coordinator_client.get(WORKLIST + "?per_page=7").content.decode()
    assert "Filtren i adressen kunde inte läsas" in odd


@pytest.mark.django_db
def test_a_stale_cursor_shows_the_first_page(coordinator_client, physician, unit):
    many(physician, unit, 30)
    page = coordinator_client.get(WORKLIST + "?per_page=25&after=" + "0" * 32).content.decode()
    assert len(names(page)) == 25
    assert "Föregående sida" not in hrefs(page)
    assert "Raden du bläddrade från finns inte längre i listan: första sidan visas." in page
    ordinary = coordinator_client.get(WORKLIST + "?per_page=25").content.decode()
    assert "Raden du bläddrade från" not in ordinary


@pytest.mark.django_db
def test_the_list_page_runs_the_same_queries_at_any_size(
    coordinator_client, coordinator, physician, unit, django_assert_num_queries
):
    sick(physician, unit, 3, 30)
    coordinator_client.get(WORKLIST + "?per_page=25")
    # 20: session, user, factor, membership, units; the staff for the filter choices; the
    # stale check, the counts, the page (ADR 018); the access events (savepoint, chain
    # head, insert, update, release); the risk badges; the session's save
    with django_assert_num_queries(20) as few:
        coordinator_client.get(WORKLIST + "?per_page=25")
    people = many(physician, unit, 70)
    for p in people[:20]:
        case = services.open_case(actor=actor_for(coordinator), person=p)
        services.add_task(actor=actor_for(coordinator), case=case, title="x", due_date=TODAY)
    with django_assert_num_queries(len(few.captured_queries)):
        page = coordinator_client.get(WORKLIST + "?per_page=25").content.decode()
    assert len(names(page)) == 25
    following = hrefs(page)["Nästa sida"]
    with django_assert_num_queries(len(few.captured_queries) + 1):  # + the cursor's row
        coordinator_client.get(WORKLIST + following)


@pytest.mark.django_db
def test_the_start_page_runs_the_same_queries_at_any_size(
    coordinator_client, coordinator, physician, unit, django_assert_num_queries
):
    p = sick(physician, unit, 3, 30)
    services.open_case(actor=actor_for(coordinator), person=p)
    home = reverse("core:home")
    coordinator_client.get(home)
    with django_assert_num_queries(25) as few:
        coordinator_client.get(home)
    for p in many(physician, unit, 40):
        services.open_case(actor=actor_for(coordinator), person=p)
    with django_assert_num_queries(len(few.captured_queries)):
        page = coordinator_client.get(home).content.decode()
    assert page.count("Person0") == 40


# ---- which rows: several units, the user's own gap and recent days ---------------------------


@pytest.mark.django_db
def test_a_region_view_shows_each_person_once_with_the_latest_current_sick_leave():
    region = OrganisationFactory(name="Region Test")
    north = OrganisationFactory(name="VC Norr", parent=region)
    south = OrganisationFactory(name="VC Söder", parent=region)
    doctor_north = MembershipFactory(organisation=north, role=Role.PHYSICIAN).user
    doctor_south = MembershipFactory(organisation=south, role=Role.PHYSICIAN).user
    manager = MembershipFactory(organisation=region, role=Role.UNIT_MANAGER).user
    both = PersonFactory(care_unit=north, given_name="Båda", family_name="Enheterna")
    certify(doctor_north, both, TODAY - timedelta(days=40), TODAY - timedelta(days=10))
    both.care_unit = south  # moved: a new sick leave at the new unit
    both.save()
    certify(doctor_south, both, TODAY - timedelta(days=2), TODAY + timedelta(days=40), 50)
    one = PersonFactory(care_unit=north, given_name="Bara", family_name="Norr")
    certify(doctor_north, one, TODAY - timedelta(days=3), TODAY + timedelta(days=3))
    entries = WorklistEntry.objects.filter(person=both)
    assert sorted(entries.values_list("shared", flat=True)) == [True, True]
    assert not WorklistEntry.objects.get(person=one).shared

    def shown(**filters):
        result = selectors.worklist(
            actor=actor_for(manager),
            filters=wl.Filters(**filters),
            sort="name",
            on=TODAY,
            recent_days=14,  # the sick leave at the old unit ended 10 days ago: still listed
        )
        return result, {r.name: r for r in result.rows}

    result, rows = shown()
    assert sorted(rows) == ["Bara Norr", "Båda Enheterna"]  # once each
    assert result.total == result.matching == 2
    assert rows["Båda Enheterna"].end == TODAY + timedelta(days=40)  # the latest
    assert rows["Båda Enheterna"].degrees == [50]
    # the filters apply to the row shown, not to the person's entry at the other unit
    assert sorted(shown(text="100 %")[1]) == ["Bara Norr"]
    assert sorted(shown(text="50 %")[1]) == ["Båda Enheterna"]


@pytest.mark.django_db
def test_the_users_own_gap_takes_the_python_path_and_pages_the_same(coordinator, physician, unit):
    people = many(physician, unit, 12)
    actor = actor_for(coordinator)
    own_gap = unit.gap_days + 3
    seen, after = [], ""
    while True:
        result = selectors.worklist(
            actor=actor,
            filters=wl.Filters(),
            sort="name",
            on=TODAY,
            per_page=5,
            gap_days=own_gap,
            after=after,
        )
        seen += [r.person_id for r in result.rows]
        if not result.next_cursor:
            break
        after = result.next_cursor
    rows = selectors.worklist_rows(actor=actor, on=TODAY, gap_days=own_gap)
    assert seen == [r.person_id for r in wl.sort_rows(rows, "name")]
    assert sorted(seen) == sorted(p.pk for p in people)


@pytest.mark.django_db
def test_the_users_recent_days_filter_on_the_end_in_sql(coordinator, physician, unit):
    ended = sick(physician, unit, 20, 15, given_name="Nyss", family_name="Slutad")  # 6 days ago
    services.open_case(actor=actor_for(coordinator), person=ended)
    gone = sick(physician, unit, 30, 20, given_name="Helt", family_name="Slutad")  # 11 days ago
    actor = actor_for(coordinator)

    def shown(recent_days):
        result = selectors.worklist(
            actor=actor, filters=wl.Filters(), sort="-end", on=TODAY, recent_days=recent_days
        )
        return {r.name: r for r in result.rows}

    assert set(shown(14)) == {"Nyss Slutad", "Helt Slutad"}
    assert shown(14)["Nyss Slutad"].sick_leave is not None
    # with 3 days the ended sick leave is not shown, the open case is: as a case only
    recent = shown(3)
    assert set(recent) == {"Nyss Slutad"}
    assert recent["Nyss Slutad"].sick_leave is None
    assert recent["Nyss Slutad"].end is None
    assert gone.pk not in {r.person_id for r in recent.values()}


# ---- the printout and the export stream ---------------------------------------------------


@pytest.mark.django_db
def test_the_printout_streams_every_row_in_keyset_chunks(
    coordinator_client, coordinator, physician, unit, monkeypatch
):
    monkeypatch.setattr(page_module, "CHUNK", 4)
    people = many(physician, unit, 11)
    before = AccessEvent.objects.count()
    page = streamed(coordinator_client.get(PRINT + "?sort=name"))
    assert page.count("<tr>") == 11 + 1
    order = [p.formatted_personnummer for p in sorted(people, key=lambda p: p.family_name)]
    found = [n for n in re.findall(r"\d{8}-\d{4}", page) if n in order]
    assert found == order
    events = AccessEvent.objects.filter(seq__gt=before, actor=coordinator, action=Action.PRINT)
    assert sorted(str(e.person_id) for e in events) == sorted(str(p.pk) for p in people)
    assert "Utskriften är loggad." in page
    assert page.rstrip().endswith("</html>")


@pytest.mark.django_db
def test_the_csv_export_streams_the_filtered_list_with_the_chosen_columns(
    coordinator_client, coordinator, physician, unit
):
    long = sick(physician, unit, 100, 150, 50, "F43.8A", given_name="Lång", family_name="Ek")
    sick(physician, unit, 5, 14, given_name="Kort", family_name="Berg")
    coordinator_client.post(
        reverse("cases:worklist_columns"),
        {"columns": ["name", "end", "days", "degrees"], "show_personal_data": "on"},
    )
    page = coordinator_client.get(WORKLIST + "?length=91-180").content.decode()
    assert 'href="/arbetslista/export.csv?length=91-180"' in page
    assert "Exportera CSV" in page
    before = AccessEvent.objects.count()
    response = coordinator_client.get(EXPORT + "?length=91-180")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = streamed(response)
    assert text.startswith("\ufeffNamn;Personnummer;Slut;Längd;Grad\r\n")
    lines = text.lstrip("\ufeff").splitlines()
    end = (TODAY - timedelta(days=100) + timedelta(days=149)).isoformat()
    assert lines[1:] == [f"Lång Ek;{long.formatted_personnummer};{end};150;50 %"]
    assert re.fullmatch(r"\d{8}-\d{4}", long.formatted_personnummer)
    events = AccessEvent.objects.filter(seq__gt=before, actor=coordinator)
    assert [(e.action, str(e.person_id)) for e in events] == [(Action.EXPORT, str(long.pk))]


@pytest.mark.django_db
def test_the_export_needs_a_login_and_a_care_role(client, employer_client, outsider_client):
    assert client.get(EXPORT).status_code == 302
    assert employer_client.get(EXPORT).status_code == 403
    assert streamed(outsider_client.get(EXPORT)).count("\r\n") == 1  # the header only


# ---- keeping the keys current ---------------------------------------------------------------


def entry(person):
    return WorklistEntry.objects.get(person=person)


@pytest.mark.django_db
def test_the_migration_takes_the_word_out_of_stored_consent_sort_values(coordinator, physician):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("samsyn.cases.migrations.0007_consent_sort_without_words")
    p = sick(physician, coordinator.memberships.get().organisation, 10, 30)
    employer = OrganisationFactory(name="Bygg t.o.m. AB", type="employer")
    give_consent(coordinator, p, employer, ["contact"], end=TODAY + timedelta(5))
    written = entry(p).consent_label
    old = f"Bygg t.o.m. AB t.o.m. {TODAY + timedelta(5)}"  # as written before 0007
    WorklistEntry.objects.filter(person=p).update(consent_label=old)

    migration.without_words(apps, None)

    # every " t.o.m. " goes, the name's own too: a sort value, never shown
    assert entry(p).consent_label == f"Bygg AB {TODAY + timedelta(5)}"
    assert written == f"Bygg t.o.m. AB {TODAY + timedelta(5)}"


@pytest.mark.django_db
def test_the_services_keep_the_keys_current(coordinator, colleague_same_unit, physician, unit):
    actor = actor_for(coordinator)
    p = sick(physician, unit, 40, 60)
    assert entry(p).days == 60
    assert entry(p).case_id is None
    case = services.open_case(actor=actor, person=p, expected_days=90)
    assert entry(p).case_id == case.pk
    assert entry(p).expected_days == 90
    services.set_case_status(actor=actor, case=case, status="active")
    assert entry(p).status == "active"
    services.hand_over_case(actor=actor, case=case, responsible=colleague_same_unit)
    assert entry(p).responsible_id == colleague_same_unit.pk
    task = services.add_task(actor=actor, case=case, title="Ring", due_date=TODAY - timedelta(1))
    assert entry(p).overdue_tasks == 1
    services.complete_task(actor=actor, task=task)
    assert entry(p).overdue_tasks == 0
    services.set_expected_days(actor=actor, case=case, expected_days=None)
    assert entry(p).expected_days is None
    employer = OrganisationFactory(name="Testbygg AB", type="employer")
    consent = give_consent(coordinator, p, employer, ["contact"], end=TODAY + timedelta(5))
    assert (entry(p).consents, entry(p).consent_expiring) == (1, True)
    assert entry(p).consent_label == f"Testbygg AB {TODAY + timedelta(5)}"  # the sort value
    consent_services.withdraw_consent(actor=actor, consent=consent, how="oral")
    assert entry(p).consents == 0
    before = entry(p).milestone_code
    decision = plan_services.record_no_plan(
        actor=actor, case=case, reason=NoPlanReason.RETURN_WITHIN_60, decided_on=TODAY
    )
    assert entry(p).rtw_done is True
    plan_services.revoke_no_plan(actor=actor, decision_id=decision.pk)
    assert entry(p).rtw_done is False
    assert entry(p).milestone_code == before
    certify(physician, p, TODAY + timedelta(20), TODAY + timedelta(40), 25)
    assert entry(p).certificates == 2
    assert entry(p).end == TODAY + timedelta(40)
    services.close_case(actor=actor, case=case, outcome="other", outcome_date=TODAY)
    assert entry(p).case_id is None
    assert entry(p).status == "none"


@pytest.mark.django_db
def test_an_answered_question_from_fk_leaves_the_count(coordinator, physician, unit, fk_org):
    p = sick(physician, unit, 10, 30)
    case = services.open_case(actor=actor_for(coordinator), person=p)
    thread = fk_question(case, party=fk_org, created_by=coordinator)
    assert entry(p).fk_questions == 1
    fk_services.record_harm_assessment(  # says no: a fixed answer, the question answered
        actor=actor_for(coordinator),
        thread=thread,
        disclose=False,
        reasoning="Uppgifterna kan skada personen om de lämnas ut, se journalen.",
    )
    assert entry(p).fk_questions == 0


@pytest.mark.django_db
def test_a_new_day_recomputes_the_units_keys_first(coordinator, physician, unit):
    p = sick(physician, unit, 10, 30)
    assert entry(p).computed_on == TODAY
    actor = actor_for(coordinator)
    with time_machine.travel("2026-11-25 10:00 +01:00", tick=False):
        later = date(2026, 11, 25)
        assert index.stale_units([unit.pk], later) == [unit.pk]
        result = selectors.worklist(actor=actor, filters=wl.Filters(), sort="-start", on=later)
        assert result.rows[0].days_left == (TODAY + timedelta(19) - later).days
        assert entry(p).computed_on == later
        assert index.stale_units([unit.pk], later) == []


@pytest.mark.django_db
def test_the_command_and_the_daily_job_fill_the_table(physician, unit, capsys):
    p = sick(physician, unit, 10, 30)
    q = sick(physician, unit, 3, 30)
    WorklistEntry.objects.all().delete()  # as after a bulk load or a fresh migration
    call_command("worklist", "refresh")
    assert "worklist refreshed units=1 entries=2" in capsys.readouterr().out
    assert WorklistEntry.objects.filter(person__in=[p, q]).count() == 2
    WorklistEntry.objects.all().delete()
    assert index.refresh_worklist_entries.func() == {"units": 1, "entries": 2}
    call_command("worklist", "refresh", "--enqueue")
    assert "enqueued" in capsys.readouterr().out

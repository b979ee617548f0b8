import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from samsyn.audit.models import AccessEvent
from samsyn.cases.models import CaseStatus
from samsyn.cases.tests.helpers import certify
from samsyn.people.tests.factories import PersonFactory

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def person(unit, physician):
    p = PersonFactory(care_unit=unit, given_name="Maja", family_name="Ek")
    start = TODAY - timedelta(days=40)
    certify(physician, p, start, start + timedelta(days=29), 100, "F43.8A")
    certify(physician, p, start + timedelta(days=30), start + timedelta(days=89), 50, "F43.8A")
    return p


@pytest.mark.django_db
def test_coordinator_sees_person_with_milestones_chart_and_diagnosis(coordinator_client, person):
    response = coordinator_client.get(reverse("cases:person", args=[person.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Maja Ek" in page
    assert "F43.8A" in page
    assert "<svg" in page
    assert "Rehabiliteringskedjan" in page
    # Day 90 of a case starting 2026-10-13 is 2027-01-10 (13 Oct + 89 days).
    assert "2027-01-10" in page
    assert AccessEvent.objects.filter(object_type="person", person_id=person.pk).exists()


@pytest.mark.django_db
def test_other_unit_gets_404_without_personal_data(outsider_client, employer_client, person):
    for client in (outsider_client,):
        response = client.get(reverse("cases:person", args=[person.pk]))
        assert response.status_code == 404
        assert "Maja" not in response.content.decode()
    assert employer_client.get(reverse("cases:person", args=[person.pk])).status_code == 403


@pytest.mark.django_db
def test_coordinator_opens_case_sets_status_and_adds_task(coordinator_client, person):
    url = reverse("cases:person", args=[person.pk])
    coordinator_client.post(reverse("cases:case_open", args=[person.pk]))
    case = person.cases.get()
    coordinator_client.post(reverse("cases:case_status", args=[case.pk]), {"status": "active"})
    coordinator_client.post(
        reverse("cases:task_add", args=[case.pk]),
        {"title": "Kontakta arbetsgivaren", "due_date": "2026-11-30"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    page = coordinator_client.get(url).content.decode()
    assert "Kontakta arbetsgivaren" in page
    assert "Aktiv" in page


@pytest.mark.django_db
def test_invalid_task_is_redisplayed_with_input(coordinator_client, person):
    coordinator_client.post(reverse("cases:case_open", args=[person.pk]))
    case = person.cases.get()
    response = coordinator_client.post(
        reverse("cases:task_add", args=[case.pk]), {"title": "Boka möte", "due_date": "igår"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Boka möte"' in page
    assert "Fyll i ett giltigt datum" in page


@pytest.mark.django_db
def test_physician_cannot_change_case(physician_client, coordinator_client, person):
    coordinator_client.post(reverse("cases:case_open", args=[person.pk]))
    case = person.cases.get()
    response = physician_client.post(
        reverse("cases:case_status", args=[case.pk]), {"status": "active"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.NONE


def _history(page: str) -> list[str]:
    block = page.split("Statushistorik", 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", block)]


@pytest.mark.django_db
def test_status_history_reads_as_sentences_without_empty_dashes(coordinator_client, person):
    coordinator_client.post(reverse("cases:case_open", args=[person.pk]))
    case = person.cases.get()
    status_url = reverse("cases:case_status", args=[case.pk])
    coordinator_client.post(status_url, {"status": "contacted"})
    coordinator_client.post(status_url, {"status": "active", "note": "Ringt patienten"})
    coordinator_client.post(status_url, {"status": "none"})
    page = coordinator_client.get(reverse("cases:person", args=[person.pk])).content.decode()
    assert _history(page) == [
        "2026-11-22 10:00 Ingen status (Anna Koordinator)",
        "2026-11-22 10:00 Status: Aktiv – Ringt patienten (Anna Koordinator)",
        "2026-11-22 10:00 Status: Kontaktad (Anna Koordinator)",
        "2026-11-22 10:00 Ärendet öppnat (Anna Koordinator)",
    ]


@pytest.mark.django_db
def test_occupation_shows_its_label_not_its_code(coordinator_client, person):
    page = coordinator_client.get(reverse("cases:person", args=[person.pk])).content.decode()
    assert "<dt>Sysselsättning</dt><dd>Nuvarande arbete</dd>" in page
    assert "nuvarande_arbete" not in page


@pytest.mark.django_db
def test_hand_over_lists_coordinators_by_name(
    coordinator_client, coordinator, colleague_same_unit, person
):
    coordinator_client.post(reverse("cases:case_open", args=[person.pk]))
    page = coordinator_client.get(reverse("cases:person", args=[person.pk])).content.decode()
    handover = page.split("Lämna över", 1)[1].split("</form>", 1)[0]
    options = re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]*)</option>", handover)
    assert options == ["Erik Kollega", "Anna Koordinator"]  # by family name
    assert coordinator.username not in handover
    assert colleague_same_unit.username not in handover


@pytest.mark.django_db
def test_the_overview_comes_first_and_the_actions_sit_behind_buttons(coordinator_client, person):
    coordinator_client.post(reverse("cases:case_open", args=[person.pk]))
    case = person.cases.get()
    coordinator_client.post(
        reverse("cases:task_add", args=[case.pk]),
        {"title": "Ring chefen", "due_date": "2026-11-20"},
    )
    page = coordinator_client.get(reverse("cases:person", args=[person.pk])).content.decode()
    overview = page.split('id="overview-heading"', 1)[1].split("</section>", 1)[0]
    assert "Nästa steg" in overview
    assert "Ring chefen" in overview
    assert "försenad" in overview
    assert page.index('id="overview-heading"') < page.index('id="actions-heading"')
    assert page.index('id="actions-heading"') < page.index('id="sjukfall-heading"')
    # Every routine form is closed behind its button; closing is last and apart.
    actions = page.split('id="actions-heading"', 1)[1].split("</section>", 1)[0]
    assert actions.count('<details class="action">') == 4
    assert "case_close" not in actions
    assert "/avsluta/" not in actions
    assert page.rindex('id="close-heading"') > page.index('id="certs-heading"')


@pytest.mark.django_db
def test_closing_has_no_outcome_chosen_and_asks_for_confirmation(coordinator_client, person):
    coordinator_client.post(reverse("cases:case_open", args=[person.pk]))
    case = person.cases.get()
    page = coordinator_client.get(reverse("cases:person", args=[person.pk])).content.decode()
    close = page.split('id="close-heading"', 1)[1].split("</form>", 1)[0]
    # Only the empty "Välj utfall" is selected: no outcome is chosen in advance.
    assert re.findall(r'<option value="([^"]*)" selected', close) == [""]
    url = reverse("cases:case_close", args=[case.pk])
    # Without an outcome: the form again with its error, nothing closed.
    response = coordinator_client.post(url, {"outcome": "", "outcome_date": "2026-11-22"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.is_open
    # The first send only shows what will happen.
    response = coordinator_client.post(
        url, {"outcome": "return_part_time", "outcome_date": "2026-11-22", "note": "Deltid"}
    )
    confirm = response.content.decode()
    assert response.status_code == 200
    assert "Avsluta ärendet?" in confirm
    assert "Åter i arbete, deltid" in confirm
    assert 'name="confirmed" value="1"' in confirm
    case.refresh_from_db()
    assert case.is_open
    # Confirmed: closed, with the chosen outcome.
    response = coordinator_client.post(
        url,
        {
            "outcome": "return_part_time",
            "outcome_date": "2026-11-22",
            "note": "Deltid",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.is_open
    assert case.outcome == "return_part_time"


@pytest.mark.django_db
def test_the_person_page_reads_a_fixed_number_of_queries(
    coordinator_client, person, django_assert_num_queries
):
    coordinator_client.post(reverse("cases:case_open", args=[person.pk]))
    case = person.cases.get()
    for title in ("Ring chefen", "Boka möte"):
        coordinator_client.post(
            reverse("cases:task_add", args=[case.pk]), {"title": title, "due_date": "2026-11-30"}
        )
    url = reverse("cases:person", args=[person.pk])
    coordinator_client.get(url)
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        assert coordinator_client.get(url).status_code == 200


# Session, user, device, membership, the person and its access event, sick leaves,
# certificates with periods, the cases with histories and tasks, consents, statements,
# the case's actors, the plans' decision, the handover's coordinators …
PERSON_PAGE_QUERIES = 29

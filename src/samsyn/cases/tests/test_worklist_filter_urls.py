"""The worklist's filters are its URL: codes and dates in the query string, the free text
behind a saved filter's opaque id. A colleague at the unit who opens the URL sees the same
list; the URL never holds a name or a personnummer; a list opened later never silently
shows an old search."""

import re
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.urls import reverse

from conftest import verified_client
from samsyn.audit.models import AccessEvent
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.models import SavedFilter
from samsyn.cases.tests.helpers import certify
from samsyn.people.tests.factories import PersonFactory

TODAY = date(2026, 11, 22)
WORKLIST = reverse("cases:worklist")
PNR_OR_DIGITS = re.compile(r"\d{6}")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        yield


def sick(physician, unit, days_ago, length, code="M54.5", **person):
    p = PersonFactory(care_unit=unit, **person)
    start = TODAY - timedelta(days=days_ago)
    certify(physician, p, start, start + timedelta(days=length - 1), 100, code)
    return p


def query_of(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def names_listed(page: str) -> set[str]:
    return set(re.findall(r'<td class="col-name"><a href="[^"]+">([^<]+)</a>', page))


@pytest.fixture
def people(physician, unit):
    return {
        "astrid": sick(physician, unit, 5, 14, "F32.1", given_name="Astrid", family_name="Ödman"),
        "bertil": sick(physician, unit, 100, 150, "F43.8", given_name="Bertil", family_name="Berg"),
        "cecilia": sick(physician, unit, 110, 150, "M54.5", given_name="Cecilia", family_name="Ek"),
    }


def test_posted_filters_become_a_url_of_codes_and_an_opaque_id(
    coordinator_client, people, coordinator
):
    response = coordinator_client.post(
        WORKLIST, {"text": people["bertil"].formatted_personnummer, "length": "91-180"}
    )
    assert response.status_code == 302
    url = response.url
    query = dict(parse_qsl(urlsplit(url).query))
    saved = SavedFilter.objects.get()
    assert query == {"f": str(saved.pk), "length": "91-180"}
    assert not PNR_OR_DIGITS.search(url.replace(str(saved.pk), ""))
    assert "Berg" not in url
    page = coordinator_client.get(url).content.decode()
    assert names_listed(page) == {"Bertil Berg"}
    created = AccessEvent.objects.get(object_type=ObjectType.SAVED_FILTER, action=Action.CREATE)
    assert created.object_id == str(saved.pk)
    assert created.person_id is None
    assert people["bertil"].personnummer not in str(created.extra)


def test_a_colleague_opening_the_url_sees_the_same_list(
    coordinator_client, colleague_same_unit, people
):
    url = coordinator_client.post(WORKLIST, {"text": "e", "length": "91-180"}).url
    mine = coordinator_client.get(url).content.decode()
    theirs = verified_client(colleague_same_unit).get(url).content.decode()
    assert names_listed(mine) == {"Bertil Berg", "Cecilia Ek"}
    assert names_listed(theirs) == names_listed(mine)
    assert "Fritext: e" in theirs


def test_an_outsider_cannot_use_the_units_saved_filter(coordinator_client, outsider, people):
    url = coordinator_client.post(WORKLIST, {"text": "Berg"}).url
    page = verified_client(outsider).get(url).content.decode()
    assert "Bertil Berg" not in page
    assert "Det sparade filtret finns inte vid din enhet." in page
    assert "Fritext: Berg" not in page


def test_the_same_text_keeps_its_id(coordinator_client, people):
    first = coordinator_client.post(WORKLIST, {"text": "Berg"}).url
    second = coordinator_client.post(WORKLIST, {"text": "Berg", "sex": "male"}).url
    assert query_of(first)["f"] == query_of(second)["f"]
    assert SavedFilter.objects.count() == 1


def test_free_text_in_the_query_string_is_ignored(coordinator_client, people):
    page = coordinator_client.get(WORKLIST + "?text=Berg").content.decode()
    assert names_listed(page) == {"Astrid Ödman", "Bertil Berg", "Cecilia Ek"}
    assert "Aktiva filter" not in page


def test_each_active_filter_has_a_link_that_clears_it_alone(coordinator_client, people):
    url = coordinator_client.post(
        WORKLIST, {"text": "e", "length": "91-180", "ending_soon": "on"}
    ).url
    page = coordinator_client.get(url).content.decode()
    chips = re.findall(r'<a class="chip" href="([^"]+)"><span>([^<]+)</span>', page)
    labels = {label: href.replace("&amp;", "&") for href, label in chips}
    assert set(labels) == {"Fritext: e", "Sjukskrivningslängd: 91–180 dagar", "Slutar snart: ja"}
    without_length = dict(parse_qsl(urlsplit(labels["Sjukskrivningslängd: 91–180 dagar"]).query))
    assert set(without_length) == {"f", "ending_soon"}
    without_text = dict(parse_qsl(urlsplit(labels["Fritext: e"]).query))
    assert without_text == {"length": "91-180", "ending_soon": "1"}


def test_the_bare_list_never_shows_an_earlier_search(coordinator_client, people):
    url = coordinator_client.post(WORKLIST, {"text": "Berg"}).url
    assert names_listed(coordinator_client.get(url).content.decode()) == {"Bertil Berg"}
    later = coordinator_client.get(WORKLIST).content.decode()
    assert names_listed(later) == {"Astrid Ödman", "Bertil Berg", "Cecilia Ek"}
    assert "visar 3 av 3" in later
    assert "Aktiva filter" not in later


def test_sort_and_pages_keep_the_filters(coordinator_client, people):
    url = coordinator_client.post(WORKLIST, {"text": "e", "length": "91-180"}).url
    page = coordinator_client.get(url + "&sort=days").content.decode()
    saved = SavedFilter.objects.get()
    assert f'href="?f={saved.pk}&amp;length=91-180&amp;sort=-days"' in page
    assert f'href="/arbetslista/utskrift/?f={saved.pk}&amp;length=91-180&amp;sort=days"' in page
    response = coordinator_client.get(
        reverse("cases:worklist_print") + f"?f={saved.pk}&length=91-180"
    )
    printed = b"".join(response.streaming_content).decode()
    assert "Bertil Berg" in printed
    assert "Astrid Ödman" not in printed


def test_a_filtered_page_runs_a_fixed_number_of_queries(
    coordinator_client, physician, unit, people, django_assert_num_queries
):
    url = coordinator_client.post(WORKLIST, {"text": "e", "length": "91-180"}).url
    coordinator_client.get(url)
    # 26: the list in SQL (stale check, counts, the page), the access events, the risk
    # badges, the saved filter and the staff for the filter choices (ADR 018)
    with django_assert_num_queries(26) as few:
        coordinator_client.get(url)
    for n in range(6):
        sick(physician, unit, 100, 150, given_name=f"Extra{n}", family_name="Eriksson")
    with django_assert_num_queries(len(few.captured_queries)):
        page = coordinator_client.get(url).content.decode()
    assert len(names_listed(page)) == 8


def test_an_unreadable_filter_in_the_url_is_said_not_silently_dropped(coordinator_client, people):
    page = coordinator_client.get(WORKLIST + "?age_min=gammal").content.decode()
    assert "Filtren i adressen kunde inte läsas: listan visas utan dem." in page
    assert names_listed(page) == {"Astrid Ödman", "Bertil Berg", "Cecilia Ek"}

"""Stories of the worklist.

- A coordinator imports certificates, finds the person in the worklist by filter, opens the
  case, sees the milestones, sets a status and adds a task.
- A coordinator filters the worklist and takes its URL (a bookmark); a colleague at the unit
  who opens the URL sees the same list; the URL holds no name or personnummer.
- The default view at 1 280×900 shows every default column without sideways scroll.
- A coordinator finds a person with no sick leave and opens a preventive case.
- A coordinator chooses 25 rows a page, pages forward and back (opaque cursors in the URL)
  and exports the list as CSV (ADR 018).
- At 390×844 none of these pages scrolls sideways.
"""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.accounts.models import Role, User
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.cases import worklist as wl
from samsyn.cases.models import Case
from samsyn.core.demo.region import build_region
from samsyn.core.testing import run_jobs
from samsyn.people.models import Person
from samsyn.people.tests.factories import PersonFactory
from tests.browser.conftest import assert_accessible, login_as

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_coordinator_imports_finds_opens_and_works_a_case(page, tmp_path):
    build_region(persons=30)
    coordinator = User.objects.get(username="koordinator")
    unit = coordinator.memberships.get().organisation
    person = PersonFactory(care_unit=unit, given_name="Ingrid", family_name="Importsson")
    start = timezone.localdate() - timedelta(days=40)
    rows = [
        {
            "id": "imp-1",
            "person": person.formatted_personnummer,
            "type": "FK7804",
            "signed": f"{start.isoformat()}T09:00:00+01:00",
            "status": "valid",
            "occupation": "nuvarande_arbete",
            "diagnoses": ["F43.8A"],
            "periods": [
                {
                    "start": start.isoformat(),
                    "end": (start + timedelta(days=29)).isoformat(),
                    "degree": 100,
                }
            ],
        },
        {
            "id": "imp-2",
            "person": person.formatted_personnummer,
            "type": "FK7804",
            "signed": f"{(start + timedelta(days=28)).isoformat()}T09:00:00+01:00",
            "status": "valid",
            "occupation": "nuvarande_arbete",
            "diagnoses": ["F43.8A"],
            "periods": [
                {
                    "start": (start + timedelta(days=30)).isoformat(),
                    "end": (start + timedelta(days=89)).isoformat(),
                    "degree": 50,
                }
            ],
        },
        {
            "id": "imp-bad",
            "person": person.formatted_personnummer,
            "type": "FK7804",
            "signed": f"{start.isoformat()}T09:00:00+01:00",
            "status": "valid",
            "diagnoses": ["Q99.99X"],
            "periods": [{"start": start.isoformat(), "end": start.isoformat(), "degree": 60}],
        },
    ]
    upload = tmp_path / "intyg.json"
    upload.write_text(json.dumps(rows), encoding="utf-8")

    # Given a logged-in coordinator
    login_as(page, coordinator)

    # When they import the file
    page.goto("/intyg/import/")
    expect(page.locator("h1")).to_have_text("Importera intyg")
    assert_accessible(page, context="import form")
    page.get_by_label("Fil med intyg").set_input_files(str(upload))
    page.get_by_role("button", name="Importera", exact=True).click()
    # The import is a job: the worker runs it, the page then shows the report
    expect(page.locator("h1")).to_have_text("Import av intyg")
    assert run_jobs(queue_names=["import"]) == 1
    page.reload()
    expect(page.locator("h1")).to_have_text("Importrapport")
    expect(page.locator("main")).to_contain_text("imp-bad")
    assert_accessible(page, context="import report")
    assert Person.objects.get(pk=person.pk).certificates.count() == 2

    # And find the person in the worklist by a filter
    page.goto("/arbetslista/")
    page.get_by_label("Fritext").fill("Importsson")
    page.get_by_role("button", name="Filtrera").click()
    # The filtered page is shown (Ingrid is the only match), not the unfiltered one
    expect(page.locator("p.lead")).to_contain_text(re.compile(r"visar 1 av \d+"))
    # The search term is never in the URL: only an opaque saved filter's id
    expect(page).to_have_url(re.compile(r"/arbetslista/\?f=[0-9a-f-]{36}$"))
    assert "Importsson" not in page.url
    expect(page.get_by_role("link", name=re.compile("Fritext: Importsson"))).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Ingrid Importsson")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("90 dagar")
    assert_accessible(page, context="worklist filtered")
    row.get_by_role("link", name="Ingrid Importsson").click()

    # Then the case page shows the milestones
    expect(page.locator("h1")).to_have_text("Ingrid Importsson")
    expect(
        page.get_by_role("heading", name="Rehabiliteringskedjan – vad som ska göras")
    ).to_be_visible()
    expect(page.get_by_text("F43.8A").first).to_be_visible()
    assert_accessible(page, context="person page")

    # And they open the case, set a status and add a task
    page.get_by_role("button", name="Öppna ärende").click()
    expect(page.get_by_text("Ärendet är öppnat och du är ansvarig.")).to_be_visible()
    page.get_by_text("Ändra status", exact=True).click()
    page.get_by_label("Ny status").select_option(label="Aktiv")
    page.get_by_role("button", name="Spara status").click()
    # The task form is on the old page too: wait for the new one before filling it in
    expect(page.get_by_text("Status ändrad.")).to_be_visible()
    page.get_by_text("Ny uppgift", exact=True).click()
    page.get_by_label("Uppgift").fill("Ring arbetsgivaren om anpassning")
    page.get_by_label("Senast").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Lägg till uppgift").click()
    expect(page.get_by_text("Uppgiften är tillagd.")).to_be_visible()
    expect(page.get_by_text("Ring arbetsgivaren om anpassning").first).to_be_visible()
    assert_accessible(page, context="case with task")
    case = Case.objects.get(person=person)
    assert case.status == "active"
    assert case.tasks.count() == 1


SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _no_sideways_scroll(page, where: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where} scrolls sideways by {overflow} px"


SMALL_TARGETS = """() => [...document.querySelectorAll(
        'main a, main button, main input, main select, main summary')]
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && (r.width < 24 || r.height < 24); })
    .map(e => e.tagName + ' ' + (e.innerText || e.name || '').slice(0, 30))"""


def _no_small_targets(page, where: str) -> None:
    """WCAG 2.2 SC 2.5.8: every tap target in the page's main part is at least 24×24 px."""
    small = page.evaluate(SMALL_TARGETS)
    assert not small, f"{where} has tap targets under 24×24 px: {small}"


def _names_listed(page) -> list[str]:
    return page.locator("table.worklist td.col-name a").all_inner_texts()


def test_the_default_worklist_fits_1280_without_sideways_scroll(page):
    build_region(persons=60)
    coordinator = User.objects.get(username="koordinator")
    page.set_viewport_size(SIZES["desktop"])
    login_as(page, coordinator)
    page.goto("/arbetslista/")
    expect(page.locator("table.worklist")).to_be_visible()
    headers = page.locator("table.worklist thead th").all_inner_texts()
    labels = {key: str(label) for key, label, _shown in wl.COLUMNS}
    assert [h.strip() for h in headers] == [labels[key] for key in wl.DEFAULT_COLUMNS]
    # Neither the page nor the table's own region scrolls sideways
    _no_sideways_scroll(page, "the worklist at 1280")
    _no_small_targets(page, "the worklist at 1280")
    table_overflow = page.evaluate(
        """() => { const w = document.querySelector('.table-wrap');
                   return w.scrollWidth - w.clientWidth; }"""
    )
    assert table_overflow <= 0, f"the worklist's table scrolls sideways by {table_overflow} px"
    # Every default column is inside the viewport
    right = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('table.worklist thead th')]
                 .map(th => th.getBoundingClientRect().right))"""
    )
    assert right <= 1280
    # Rows stay short: a typical row is two lines (the name over the personnummer); a row
    # with many signals or earlier sick periods takes at most a few short lines more
    heights = sorted(
        page.evaluate(
            """() => [...document.querySelectorAll('table.worklist tbody tr')]
                 .map(tr => tr.getBoundingClientRect().height)"""
        )
    )
    assert heights[len(heights) // 2] <= 64, f"the median row is {heights[len(heights) // 2]} px"
    assert heights[-1] <= 100, f"a row is {heights[-1]} px tall"
    # The filter panel's checkboxes are at least 24×24 px
    for box in page.locator(".filter-panel input[type=checkbox]").all():
        size = box.bounding_box()
        assert size["width"] >= 24
        assert size["height"] >= 24
    assert_accessible(page, context="worklist default view (desktop)")


@pytest.mark.parametrize("size", list(SIZES))
def test_a_colleague_opens_the_bookmarked_filtered_list(page, browser, size):
    build_region(persons=40)
    coordinator = User.objects.get(username="koordinator")
    unit = coordinator.memberships.get().organisation
    colleague = MembershipFactory(
        organisation=unit,
        role=Role.COORDINATOR,
        user=UserFactory(first_name="Kim", last_name="Kollega"),
    ).user
    page.set_viewport_size(SIZES[size])

    # Given a coordinator who filters the worklist by a length and a free text
    login_as(page, coordinator)
    page.goto("/arbetslista/")
    everyone = page.locator("p.lead").inner_text()
    page.get_by_label("Sjukskrivningslängd").select_option(label="15–30 dagar")
    page.get_by_role("button", name="Filtrera").click()
    expect(
        page.get_by_role("link", name=re.compile("Sjukskrivningslängd: 15–30 dagar"))
    ).to_be_visible()
    listed = _names_listed(page)
    assert listed, "the demo has sick leaves of 15–30 days"
    family = listed[0].split()[-1]
    # With filters in use the panel is closed (the list comes first); it opens on demand
    page.get_by_text("Ändra filter (1 aktivt)").click()
    page.get_by_label("Fritext").fill(family)
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_role("link", name=re.compile(f"Fritext: {family}"))).to_be_visible()
    assert_accessible(page, context=f"worklist filtered ({size})")
    _no_sideways_scroll(page, f"the filtered worklist ({size})")
    _no_small_targets(page, f"the filtered worklist ({size})")

    # When they bookmark it (take the URL): no name, no personnummer, only codes and an id
    bookmark = page.url
    assert family not in bookmark
    assert not re.search(r"\d{6}", re.sub(r"[0-9a-f-]{36}", "", bookmark))
    mine = _names_listed(page)
    assert mine
    assert page.locator("p.lead").inner_text() != everyone

    # Then a colleague at the unit who opens the URL sees the same list
    other = browser.new_context(
        base_url=page.context._samsyn_base_url, bypass_csp=True, locale="sv-SE"
    )
    other._samsyn_base_url = page.context._samsyn_base_url
    theirs = other.new_page()
    theirs.set_viewport_size(SIZES[size])
    login_as(theirs, colleague)
    theirs.goto(bookmark)
    expect(theirs.get_by_role("link", name=re.compile(f"Fritext: {family}"))).to_be_visible()
    assert _names_listed(theirs) == mine
    assert_accessible(theirs, context=f"the colleague's worklist ({size})")

    # And each filter is cleared with one click; the bare list shows everything again
    theirs.get_by_role("link", name=re.compile(f"Fritext: {family}")).click()
    expect(theirs.get_by_role("link", name=re.compile("Fritext"))).to_have_count(0)
    expect(
        theirs.get_by_role("link", name=re.compile("Sjukskrivningslängd: 15–30"))
    ).to_be_visible()
    theirs.goto("/arbetslista/")
    expect(theirs.locator("p.lead")).to_have_text(everyone)
    other.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_a_coordinator_finds_a_person_without_sick_leave_and_opens_a_preventive_case(page, size):
    build_region(persons=30)
    coordinator = User.objects.get(username="koordinator")
    unit = coordinator.memberships.get().organisation
    person = PersonFactory(care_unit=unit, given_name="Petra", family_name="Preventiva")
    page.set_viewport_size(SIZES[size])
    login_as(page, coordinator)

    # The person is not in the worklist: no sick leave
    page.goto("/arbetslista/")
    expect(page.get_by_role("heading", name="Pågående sjukfall")).to_be_visible()
    assert "Preventiva" not in page.content()

    # They search by personnummer (posted: the address stays the same)
    page.get_by_label("Sök person vid enheten").fill(person.formatted_personnummer)
    page.get_by_role("button", name="Sök person").click()
    expect(page.get_by_role("heading", name="1 person hittad")).to_be_visible()
    assert person.personnummer[2:8] not in page.url
    hit = page.locator(".hit").filter(has_text="Petra Preventiva")
    expect(hit).to_contain_text("Inget pågående sjukfall")
    assert_accessible(page, context=f"person search ({size})")
    _no_sideways_scroll(page, f"person search ({size})")
    _no_small_targets(page, f"person search ({size})")

    # And open a preventive case from the hit
    hit.get_by_role("button", name=re.compile("Öppna förebyggande ärende")).click()
    expect(page.get_by_text("Ärendet är öppnat och du är ansvarig.")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Petra Preventiva")
    case = Case.objects.get(person=person)
    assert case.preventive
    assert case.responsible == coordinator


@pytest.mark.parametrize("size", list(SIZES))
def test_a_coordinator_pages_through_the_worklist_and_exports_it(page, size):
    build_region(persons=60)
    coordinator = User.objects.get(username="koordinator")
    numbers = set(Person.objects.values_list("personnummer", flat=True))
    page.set_viewport_size(SIZES[size])
    login_as(page, coordinator)
    page.goto("/arbetslista/")
    # Given 25 rows a page
    page.get_by_role("navigation", name="Rader per sida").get_by_role("link", name="25").click()
    expect(page.locator("table.worklist")).to_be_visible()
    first = _names_listed(page)
    assert len(first) == 25
    # When the coordinator pages forward, the URL carries an opaque cursor only
    page.get_by_role("link", name="Nästa sida").click()
    expect(page.get_by_text(re.compile(r"^Sida 2 av \d+$"))).to_be_visible()
    url = page.url
    assert "after=" in url
    assert not any(n in url or f"{n[:8]}-{n[8:]}" in url for n in numbers)
    second = _names_listed(page)
    assert second
    assert not set(second) & set(first)
    _no_sideways_scroll(page, f"the worklist's second page ({size})")
    _no_small_targets(page, f"the worklist's second page ({size})")
    assert_accessible(page, context=f"worklist second page ({size})")
    # And back again
    page.get_by_role("link", name="Föregående sida").click()
    expect(page.get_by_text(re.compile(r"^Sida 1 av \d+$"))).to_be_visible()
    assert _names_listed(page) == first
    # Then the list as CSV for Excel: a BOM, semicolons, the Swedish column names
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeffNamn;Personnummer;")
    assert len(text.strip().splitlines()) > 25

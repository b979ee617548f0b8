"""Story: a coordinator imports certificates, finds the person in the worklist by filter,
opens the case, sees the milestones, sets a status and adds a task."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.accounts.models import User
from samsyn.cases.models import Case
from samsyn.core.demo.region import build_region
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
    expect(page).not_to_have_url(re.compile(r"\?"))  # the search term is never in the URL
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
    page.get_by_label("Ny status").select_option(label="Aktiv")
    page.get_by_role("button", name="Spara status").click()
    # The task form is on the old page too: wait for the new one before filling it in
    expect(page.get_by_text("Status ändrad.")).to_be_visible()
    page.get_by_label("Uppgift").fill("Ring arbetsgivaren om anpassning")
    page.get_by_label("Senast").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Lägg till uppgift").click()
    expect(page.get_by_text("Uppgiften är tillagd.")).to_be_visible()
    expect(page.get_by_text("Ring arbetsgivaren om anpassning")).to_be_visible()
    assert_accessible(page, context="case with task")
    case = Case.objects.get(person=person)
    assert case.status == "active"
    assert case.tasks.count() == 1

"""Story: the person page has a clear shape, and a case is closed only after confirming.

A coordinator opens a person's page: the overview comes first (the chain, the next step,
consents, actors, open tasks); the routine actions are closed behind their buttons; the
closing sits apart. She opens "Avsluta ärendet …": no outcome is chosen, and sending the
form without one says so. With an outcome chosen she is asked to confirm, sees what will
happen, goes back once (nothing closed), and then confirms. At 1 280×900 and 390×844,
axe (WCAG 2.2 AA) on every step and no sideways scroll.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.cases import services
from samsyn.cases.models import Case
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.people.tests.factories import PersonFactory
from tests.browser.conftest import assert_accessible, login_as

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _check(page, where: str) -> None:
    assert_accessible(page, context=where)
    over = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
    assert over <= 0, f"{where} scrolls sideways by {over} px"


@pytest.mark.parametrize("size", list(SIZES))
def test_a_coordinator_reads_the_overview_and_closes_the_case_only_after_confirming(
    page, unit, coordinator, physician, size
):
    page.set_viewport_size(SIZES[size])
    person = PersonFactory(care_unit=unit, given_name="Maja", family_name="Ek")
    start = timezone.localdate() - timedelta(days=40)
    certify(physician, person, start, start + timedelta(days=89), 50, "F43.8A")
    case = services.open_case(actor=actor_for(coordinator), person=person)
    services.add_task(
        actor=actor_for(coordinator),
        case=case,
        title="Ring chefen",
        due_date=timezone.localdate() + timedelta(days=3),
    )

    login_as(page, coordinator)
    page.goto(f"/personer/{person.pk}/")
    overview = page.get_by_role("region", name="Översikt")
    expect(overview).to_be_visible()
    expect(overview.get_by_text("Nästa steg")).to_be_visible()
    expect(overview.get_by_text("Ring chefen")).to_be_visible()
    # The routine forms are closed behind their buttons.
    expect(page.get_by_label("Ny status")).to_be_hidden()
    expect(page.get_by_label("Utfall")).to_be_hidden()
    _check(page, f"person page ({size})")

    page.get_by_text("Ny uppgift", exact=True).click()
    expect(page.get_by_label("Uppgift")).to_be_visible()

    closing = page.get_by_role("region", name="Avsluta ärendet")
    closing.get_by_text("Avsluta ärendet …").click()
    outcome = page.get_by_label("Utfall")
    expect(outcome).to_be_visible()
    expect(outcome).to_have_value("")  # nothing preselected
    _check(page, f"person page, closing opened ({size})")
    closing.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("alert").filter(has_text="Något behöver rättas")).to_be_visible()
    expect(page.get_by_label("Utfall")).to_be_visible()  # the form reopens with its error
    assert Case.objects.get(pk=case.pk).is_open

    page.get_by_label("Utfall").select_option(label="Åter i arbete, deltid")
    page.get_by_role("region", name="Avsluta ärendet").get_by_role(
        "button", name="Fortsätt"
    ).click()
    expect(page.get_by_role("heading", name="Avsluta ärendet?")).to_be_visible()
    expect(page.get_by_text("Åter i arbete, deltid")).to_be_visible()
    _check(page, f"confirm closing ({size})")
    assert Case.objects.get(pk=case.pk).is_open

    page.get_by_role("link", name="Nej, tillbaka till personen").click()
    expect(page.get_by_role("region", name="Översikt")).to_be_visible()
    assert Case.objects.get(pk=case.pk).is_open

    closing = page.get_by_role("region", name="Avsluta ärendet")
    closing.get_by_text("Avsluta ärendet …").click()
    page.get_by_label("Utfall").select_option(label="Åter i arbete, deltid")
    closing.get_by_role("button", name="Fortsätt").click()
    page.get_by_role("button", name="Ja, avsluta ärendet").click()
    expect(page.get_by_text("Ärendet är avslutat.")).to_be_visible()
    expect(page.get_by_role("region", name="Avsluta ärendet")).to_have_count(0)
    closed = Case.objects.get(pk=case.pk)
    assert not closed.is_open
    assert closed.outcome == "return_part_time"
    _check(page, f"person page, case closed ({size})")

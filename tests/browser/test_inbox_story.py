"""Story: an employer's reply shows on the coordinator's start page, at desktop width and
on a phone (390×844), with axe.

The coordinator writes to the employer about a case (through the real services); the
employer answers in the browser; the coordinator's start page lists the reply under
"Nytt sedan du tittade senast", the link opens the conversation, and the reply is no
longer new when the coordinator comes back.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.collaboration.services import messages as message_services
from samsyn.consent.tests.fixtures import give_consent
from samsyn.people.tests.factories import PersonFactory
from tests.browser.conftest import assert_accessible, login_as

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

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


@pytest.mark.parametrize("size", list(SIZES))
def test_an_employers_reply_shows_on_the_coordinators_start_page(
    page, browser, unit, coordinator, physician, employer_org, employer_user, size
):
    person = PersonFactory(care_unit=unit, given_name="Rut", family_name="Återgång")
    today = timezone.localdate()
    certify(physician, person, today - timedelta(days=30), today + timedelta(days=30))
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    give_consent(coordinator, person, employer_org, ["messages"])
    thread = message_services.start_thread(
        actor=actor_for(coordinator),
        case=case,
        party=employer_org,
        subject="Anpassade arbetsuppgifter",
        body="Kan Rut börja med lättare uppgifter på halvtid?",
    )

    # Given the coordinator's start page with nothing new
    page.set_viewport_size(SIZES[size])
    login_as(page, coordinator)
    page.goto("/")
    expect(page.get_by_role("heading", name="Nytt sedan du tittade senast")).to_be_visible()
    expect(page.get_by_text("Inget nytt")).to_be_visible()

    # When the employer answers in the browser
    employer = browser.new_context(
        base_url=page.context._samsyn_base_url, bypass_csp=True, locale="sv-SE"
    )
    employer._samsyn_base_url = page.context._samsyn_base_url
    theirs = employer.new_page()
    theirs.set_viewport_size(SIZES[size])
    login_as(theirs, employer_user)
    theirs.goto(reverse("collaboration:thread", args=[thread.pk]))
    theirs.get_by_label("Meddelande").fill("Ja, från måndag med halva dagar i lagret.")
    theirs.get_by_role("button", name="Skicka svar").click()
    expect(theirs.get_by_text("Meddelandet är skickat.")).to_be_visible()
    employer.close()

    # Then the reply shows on the coordinator's start page
    page.reload()
    item = page.get_by_role("link", name="Meddelande från Testbygg AB – Rut Återgång")
    expect(item).to_be_visible()
    expect(page.get_by_text("Anpassade arbetsuppgifter")).to_be_visible()
    assert "halva dagar" not in page.content()  # the text itself only in the conversation
    assert_accessible(page, context=f"start page with a reply ({size})")
    _no_sideways_scroll(page, f"start page ({size})")
    _no_small_targets(page, f"start page ({size})")

    # And the link opens the conversation, after which the reply is no longer new
    item.click()
    expect(page.get_by_text("Ja, från måndag med halva dagar i lagret.")).to_be_visible()
    page.goto("/")
    expect(page.get_by_text("Inget nytt")).to_be_visible()
    expect(
        page.get_by_role("link", name="Meddelande från Testbygg AB – Rut Återgång")
    ).to_have_count(0)

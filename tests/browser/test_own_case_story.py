"""Story: the person on their phone (390×844) and at a desk (1280×900). From the start page
they open "Ditt ärende", which opens with the next step; they see their goal, approve the
change waiting in their plan, withdraw their employer's consent after a confirmation that
says what will happen, and read their timeline filtered to the plan. axe at WCAG 2.2 AA on
every page; no page scrolls sideways; every button and link of their pages is at least
44×44 px.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.consent.models import Consent
from samsyn.consent.tests.fixtures import give_consent
from samsyn.people.tests.factories import PersonFactory
from samsyn.plans import services as plan_services
from samsyn.plans.tests.helpers import GOALS, add_measure, care_plan
from tests.browser.conftest import assert_accessible, login_as

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
NEW_GOAL = "Orka en hel arbetsdag"


def _no_sideways_scroll(page, where: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where} scrolls sideways by {overflow} px"


def _tap_targets_are_44(page, where: str) -> None:
    """Every button, summary and button-like link on the person's page (not links inside a
    sentence) is at least 44×44 px."""
    small = page.evaluate(
        """() => [...document.querySelectorAll(
              '.own-page .button, .own-page button, .own-page summary, .own-plan button')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim().slice(0, 40), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44)
            .map(([t, r]) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == [], f"{where}: tap targets under 44×44 px: {small}"


def _check(page, where: str) -> None:
    assert_accessible(page, context=where)
    _no_sideways_scroll(page, where)
    _tap_targets_are_44(page, where)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_person_follows_their_case_on_the_phone(
    page, size, unit, coordinator, physician, employer_org
):
    page.set_viewport_size(SIZES[size])
    today = timezone.localdate()
    person = PersonFactory(care_unit=unit, given_name="Lena", family_name="Berättelse")
    certify(physician, person, today - timedelta(days=40), today + timedelta(days=20), 50)
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    consent = give_consent(coordinator, person, employer_org, ["contact", "work_capacity", "plan"])
    plan = care_plan(coordinator, case)
    add_measure(coordinator, plan, unit, code="fysioterapi")
    plan.refresh_from_db()
    plan_services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"person_goals": NEW_GOAL}
    )
    patient = UserFactory(first_name="Lena", last_name="Berättelse", person=person)
    MembershipFactory(user=patient, organisation=unit, role=Role.PATIENT)

    # The start page leads to Ditt ärende, which opens with the next step
    login_as(page, patient)
    page.goto("/")
    _check(page, f"patient start page ({size})")
    page.get_by_role("link", name="Gå till Ditt ärende").click()
    expect(page.get_by_role("heading", name="Ditt ärende", level=1)).to_be_visible()
    next_step = page.locator("#next")
    expect(next_step).to_contain_text(
        "Det finns 1 ändring i din plan som väntar på att du godkänner den."
    )
    expect(next_step).to_contain_text("Ditt läkarintyg gäller till och med")
    expect(page.locator("#chain")).to_contain_text("I dag är dag 41 i rehabiliteringskedjan.")
    expect(page.locator("#contact")).to_contain_text("Anna Koordinator")
    expect(page.locator(".own-plan__goal").get_by_text(GOALS)).to_be_visible()
    _check(page, f"Ditt ärende with a pending change ({size})")

    # The person approves the change and sees the new goal
    page.get_by_role("button", name="Godkänn ändringen").click()
    expect(page.get_by_role("heading", name="Ditt ärende", level=1)).to_be_visible()
    expect(page.locator(".own-plan__goal").get_by_text(NEW_GOAL)).to_be_visible()
    expect(page.get_by_role("button", name="Godkänn ändringen")).to_have_count(0)
    expect(next_step).not_to_contain_text("väntar på att du godkänner")

    # The explanations open without script
    page.get_by_text("Arbetsförmåga", exact=True).click()
    expect(
        page.get_by_text("Vilka arbetsuppgifter du kan göra på din arbetsplats.")
    ).to_be_visible()
    _check(page, f"Ditt ärende, plan approved ({size})")

    # Withdrawing the employer's consent asks first and says what will happen
    page.get_by_role("link", name="Ta tillbaka samtycket för Testbygg AB").click()
    expect(
        page.get_by_role("heading", name="Ta tillbaka samtycket för Testbygg AB?")
    ).to_be_visible()
    expect(
        page.get_by_text(
            "Testbygg AB får inga fler uppgifter om dig från vården. Det gäller direkt."
        )
    ).to_be_visible()
    _check(page, f"confirm the withdrawal ({size})")
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    page.get_by_role("button", name="Ja, ta tillbaka samtycket").click()
    expect(page.get_by_text("Du har tagit tillbaka samtycket.")).to_be_visible()
    _check(page, f"my consents after withdrawing ({size})")
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None

    # The timeline in plain words, filtered to the plan without script
    page.goto("/ditt-arende/")
    page.get_by_role("link", name="Se tidslinjen").click()
    expect(page.get_by_role("heading", name="Det som har hänt i ditt ärende")).to_be_visible()
    expect(page.get_by_text("Du godkände")).to_be_visible()
    _check(page, f"the timeline ({size})")
    page.get_by_label("Planer").check()
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page).to_have_url(
        f"{page.context._samsyn_base_url}/arenden/{case.pk}/tidslinje/?kind=plan"
    )
    expect(page.locator(".timeline__event--consent")).to_have_count(0)
    expect(page.locator(".timeline__event--plan").first).to_be_visible()
    _check(page, f"the timeline, plan only ({size})")

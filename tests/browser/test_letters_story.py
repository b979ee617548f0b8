"""Story: a coordinator's letters and talks, at desktop width and on a phone (390×844), with
axe on every page and no sideways scroll.

The coordinator fills in the work-related questions with the person, prints the consent
form for the employer (a PDF with the recipient, categories and period), tries to send
the employer contact letter before the consent is recorded (refused, naming the missing
consent), records the signed consent with its scan, and sends the letter: allowed now,
logged as a contact and stored with the case.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.consent.models import Consent
from samsyn.directory.models import CaseActor
from samsyn.letters.models import Letter, LetterStatus
from samsyn.people.tests.factories import PersonFactory
from tests.browser.conftest import assert_accessible, login_as

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _no_sideways_scroll(page, where: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    assert overflow <= 0, f"{where} scrolls sideways by {overflow} px: {wide}"


def _check(page, where: str) -> None:
    assert_accessible(page, context=where)
    _no_sideways_scroll(page, where)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_coordinator_talks_prints_the_consent_form_and_sends_the_employer_letter(
    page, unit, coordinator, physician, employer_org, size
):
    page.set_viewport_size(SIZES[size])
    person = PersonFactory(care_unit=unit, given_name="Maja", family_name="Brevsson")
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    start = timezone.localdate() - timedelta(days=20)
    certify(physician, person, start, start + timedelta(days=40), degree=50)
    CaseActor.objects.create(
        case=case, organisation=employer_org, started_on=start, created_by=coordinator
    )

    login_as(page, coordinator)
    page.goto(reverse("letters:case_letters", args=[case.pk]))
    expect(page.get_by_role("heading", name="Brevsson – Brev och samtal")).to_be_visible()
    _check(page, f"case letters ({size})")

    # The work-related questions, filled in with the person.
    page.get_by_role("link", name="Arbetsrelaterade frågor till patienten").click()
    page.get_by_label("Vad är svårt för dig i arbetet just nu?").fill("Tunga lyft.")
    page.get_by_label("Vad skulle kunna anpassas för att du ska kunna arbeta?").fill(
        "Lättare uppgifter på halvtid."
    )
    _check(page, f"work-related questions ({size})")
    page.get_by_role("button", name="Spara samtalet").click()
    expect(page.get_by_text("Samtalet är sparat som anteckning på ärendet.")).to_be_visible()
    expect(page.get_by_text("Lättare uppgifter på halvtid.")).to_be_visible()
    _check(page, f"conversation note ({size})")

    # The employer consent form, printed for the person to sign.
    page.get_by_role("link", name="Brev och samtal på ärendet").click()
    page.get_by_role("link", name="Samtycke till kontakt med arbetsgivaren").click()
    page.get_by_label(f"{employer_org.name} (Arbetsgivare)").check()
    page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.locator("#letter-preview")
    expect(preview).to_contain_text(employer_org.name)
    expect(preview).to_contain_text("Arbetsförmåga och begränsningar")
    _check(page, f"consent form ({size})")
    page.get_by_role("button", name="Skapa blanketten (PDF)").click()
    expect(page.get_by_text("Brevet är skapat.")).to_be_visible()
    pdf_link = page.get_by_role("link", name="Öppna PDF för utskrift")
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    form_url = page.url
    _check(page, f"consent form letter ({size})")

    # The employer contact letter: refused without the consent, naming it.
    page.get_by_role("link", name="Brev och samtal på ärendet").click()
    page.get_by_role("link", name="Kontakt med arbetsgivare", exact=True).click()
    page.get_by_label("Mottagare").select_option(label=f"{employer_org.name} (Arbetsgivare)")
    page.get_by_label("Fritext").fill("Vi hörs om arbetstiden.")
    page.get_by_role("button", name="Skapa brevet (PDF)").click()
    expect(page.get_by_text("Brevet är skapat.")).to_be_visible()
    letter_url = page.url
    page.get_by_role("button", name="Skicka brevet").click()
    expect(page.get_by_text("Samtycke saknas")).to_contain_text(employer_org.name)
    _check(page, f"refused letter ({size})")
    assert Letter.objects.get(recipient=employer_org).status == LetterStatus.DRAFT

    # The signed consent recorded with its scan; now the letter goes.
    page.goto(form_url)
    page.get_by_label("Inskannad underskriven blankett").set_input_files(
        {"name": "underskrift.pdf", "mimeType": "application/pdf", "buffer": SCAN}
    )
    page.get_by_role("button", name="Registrera samtycket").click()
    expect(
        page.get_by_text("Samtycket är registrerat med den inskannade blanketten.").first
    ).to_be_visible()
    consent = Consent.objects.get(person=person)
    assert consent.recipient_id == employer_org.pk
    assert consent.document
    page.goto(letter_url)
    page.get_by_role("button", name="Skicka brevet").click()
    expect(page.get_by_text("Brevet är skickat och loggat som kontakt.")).to_be_visible()
    _check(page, f"sent letter ({size})")
    letter = Letter.objects.get(recipient=employer_org)
    assert letter.status == LetterStatus.SENT
    assert letter.consent_id == consent.pk


@pytest.mark.parametrize("size", list(SIZES))
def test_the_unit_manager_edits_a_template_with_a_live_preview(page, unit_manager, size):
    page.set_viewport_size(SIZES[size])
    login_as(page, unit_manager)
    page.goto("/")
    page.get_by_role("link", name="Brevmallar").click()
    expect(page.get_by_role("heading", name="Brevmallar och samtalsstöd")).to_be_visible()
    _check(page, f"template library ({size})")
    page.get_by_role("link", name="Kontakt med patienten – inbjudan till ett första samtal").click()
    preview = page.locator("#template-preview")
    expect(preview).to_contain_text("Exempel Exempelsson")
    page.get_by_label("Text").fill("Hej {{ fornamn }}, välkommen till {{ enhet }}!")
    expect(preview).to_contain_text("Hej Exempel, välkommen till Exempelenheten!")
    _check(page, f"template editor ({size})")
    page.get_by_role("button", name="Spara som ny version").click()
    expect(page.get_by_text("Mallen är sparad som en ny version.")).to_be_visible()
    expect(page.get_by_text("Version 2,")).to_be_visible()

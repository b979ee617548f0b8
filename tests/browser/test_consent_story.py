"""Story: a coordinator records a consent for the employer; the employer's HR sees only
what the consent covers and writes to the care unit; the coordinator answers; the patient
withdraws the consent and the case disappears for the employer at once. Every read is in
the access log with its ground, and the log's chain holds."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.audit.auditor import verify_chain
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.collaboration.models import Thread
from samsyn.consent.models import Consent
from samsyn.people.tests.factories import PersonFactory
from tests.browser.conftest import TIMEOUT_MS, assert_accessible, login_as

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

DIAGNOSIS = "F43.8"


def _new_page(browser, live_server):
    """A second browser (its own cookies), set up like the `page` fixture."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="sv-SE")
    context._samsyn_base_url = live_server.url
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def test_consent_shares_only_what_it_covers_until_the_patient_withdraws_it(
    page, browser, live_server, unit, coordinator, physician, employer_org, employer_user
):
    # Given a person at the unit with a current certificate and an open case
    person = PersonFactory(care_unit=unit, given_name="Maja", family_name="Samtyckesson")
    today = timezone.localdate()
    certify(
        physician,
        person,
        today - timedelta(days=40),
        today + timedelta(days=20),
        degree=50,
        code=DIAGNOSIS,
    )
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    patient = UserFactory(first_name="Maja", last_name="Samtyckesson", person=person)
    MembershipFactory(user=patient, organisation=unit, role=Role.PATIENT)
    shared_url = f"/delade-arenden/{case.pk}/"

    # When the coordinator records a consent for the employer through the form
    login_as(page, coordinator)
    page.goto(f"/personer/{person.pk}/")
    expect(page.locator("h1")).to_have_text("Maja Samtyckesson")
    assert_accessible(page, context="person page")
    page.get_by_role("navigation", name="Ärendets sidor").get_by_role(
        "link", name="Samtycken"
    ).click()
    expect(page.get_by_role("heading", name="Registrera samtycke")).to_be_visible()
    expect(page.get_by_text("Inga samtycken registrerade.")).to_be_visible()
    assert_accessible(page, context="consent registry, empty")
    page.get_by_label("Mottagare").select_option(label="Testbygg AB (Arbetsgivare)")
    page.get_by_label("Kontakt", exact=True).check()
    page.get_by_label("Arbetsförmåga och begränsningar (utan diagnos)").check()
    page.get_by_label("Meddelanden", exact=True).check()
    page.get_by_label("Syfte").fill("Planera återgång i arbete")
    page.get_by_label("Muntligt").check()
    page.get_by_role("button", name="Registrera samtycket").click()

    # Then it is listed as in force
    expect(page.get_by_text("Samtycket är registrerat.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Testbygg AB")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Kontakt")
    expect(row).to_contain_text("Meddelanden")
    expect(row).to_contain_text("Arbetsförmåga och begränsningar (utan diagnos)")
    assert_accessible(page, context="consent registry, one consent")
    consent = Consent.objects.get(person=person, recipient=employer_org)
    assert set(consent.categories) == {"contact", "work_capacity", "messages"}
    assert consent.given_how == "oral"

    # When the employer's HR logs in in another browser
    hr = _new_page(browser, live_server)
    login_as(hr, employer_user)
    hr.goto("/")
    expect(hr.locator("h1")).to_have_text("Mina ärenden")
    hr_row = hr.get_by_role("row").filter(has_text="Maja Samtyckesson")
    expect(hr_row).to_have_count(1)
    expect(hr_row).to_contain_text("50 %")
    assert DIAGNOSIS not in hr.content()
    assert_accessible(hr, context="employer: Mina ärenden")

    # Then the case shows work capacity and the degree, never the diagnosis
    hr_row.get_by_role("link", name="Maja Samtyckesson").click()
    expect(hr.locator("h1")).to_have_text("Maja Samtyckesson")
    capacity = hr.locator("section").filter(
        has=hr.get_by_role("heading", name="Arbetsförmåga och sjukskrivning")
    )
    expect(capacity).to_be_visible()
    expect(capacity).to_contain_text("50 %")
    expect(hr.get_by_role("heading", name="Diagnos", exact=True)).to_have_count(0)
    expect(hr.get_by_role("heading", name="Läkarintyg", exact=True)).to_have_count(0)
    assert DIAGNOSIS not in hr.content()
    expect(hr.locator("main")).not_to_contain_text("F43")
    assert_accessible(hr, context="employer: shared case")

    # And HR writes to the care unit
    hr.get_by_role("link", name="Läs och skriv meddelanden till vårdenheten").click()
    expect(hr.get_by_text("Inga meddelanden ännu.")).to_be_visible()
    assert_accessible(hr, context="employer: messages, none yet")
    hr.get_by_role("textbox", name="Ämne", exact=True).fill("Anpassning av arbetet")
    hr.get_by_role("textbox", name="Meddelande", exact=True).fill(
        "Vi kan erbjuda halvtid med lättare uppgifter."
    )
    hr.get_by_role("button", name="Skicka", exact=True).click()
    expect(hr.get_by_text("Meddelandet är skickat.")).to_be_visible()
    expect(hr.get_by_role("heading", name="Anpassning av arbetet", level=2)).to_be_visible()
    assert DIAGNOSIS not in hr.content()
    assert_accessible(hr, context="employer: thread")
    thread = Thread.objects.get(case=case)
    assert thread.party_id == employer_org.pk

    # When the coordinator opens the messages and answers
    page.goto(f"/personer/{person.pk}/")
    page.get_by_role("navigation", name="Ärendets sidor").get_by_role(
        "link", name="Meddelanden"
    ).click()
    thread_row = page.get_by_role("row").filter(has_text="Anpassning av arbetet")
    expect(thread_row).to_have_count(1)
    expect(thread_row).to_contain_text("Testbygg AB")
    assert_accessible(page, context="coordinator: messages")
    thread_row.get_by_role("link", name="Anpassning av arbetet").click()
    expect(page.get_by_text("Vi kan erbjuda halvtid med lättare uppgifter.")).to_be_visible()
    assert_accessible(page, context="coordinator: thread")
    page.get_by_role("textbox", name="Meddelande", exact=True).fill(
        "Tack, vi tar upp det på avstämningsmötet."
    )
    page.get_by_role("button", name="Skicka svar").click()
    expect(page.get_by_text("Meddelandet är skickat.")).to_be_visible()
    expect(page.get_by_text("Tack, vi tar upp det på avstämningsmötet.")).to_be_visible()
    assert_accessible(page, context="coordinator: thread with reply")

    # And HR sees the answer
    hr.reload()
    expect(hr.get_by_text("Tack, vi tar upp det på avstämningsmötet.")).to_be_visible()

    # When the patient withdraws the consent on their own page
    me = _new_page(browser, live_server)
    login_as(me, patient)
    me.goto("/mina-samtycken/")
    expect(me.get_by_role("heading", name="Testbygg AB")).to_be_visible()
    assert_accessible(me, context="patient: my consents")
    me.get_by_role("link", name="Ta tillbaka samtycket för Testbygg AB").click()
    expect(me.get_by_role("heading", name="Ta tillbaka samtycket för Testbygg AB?")).to_be_visible()
    assert_accessible(me, context="patient: confirm the withdrawal")
    me.get_by_role("button", name="Ja, ta tillbaka samtycket").click()
    expect(
        me.get_by_text("Du har tagit tillbaka samtycket. Testbygg AB får inte längre")
    ).to_be_visible()
    expect(me.get_by_text("Du tog tillbaka samtycket")).to_be_visible()
    expect(me.get_by_role("link", name="Ta tillbaka samtycket för Testbygg AB")).to_have_count(0)
    assert_accessible(me, context="patient: consent withdrawn")
    me.context.close()

    # Then the case is gone for the employer at the next page load
    hr.goto("/")
    expect(
        hr.get_by_text("Just nu finns inga ärenden som delas med er organisation.")
    ).to_be_visible()
    expect(hr.get_by_role("row").filter(has_text="Maja Samtyckesson")).to_have_count(0)
    assert_accessible(hr, context="employer: no cases")
    response = hr.goto(shared_url)
    assert response.status == 404
    expect(hr).to_have_url(re.compile(re.escape(shared_url) + "$"))
    assert "Samtyckesson" not in hr.content()
    hr.context.close()

    # And every read is in the access log with its ground
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    employer_reads = AccessEvent.objects.filter(actor=employer_user, action=Action.READ)
    assert set(employer_reads.values_list("object_type", flat=True)) == {
        "shared_case_list",
        "shared_case",
        "case:messages",
        "thread",
    }
    assert set(employer_reads.values_list("ground", "ground_ref", "person")) == {
        (Ground.CONSENT, str(consent.pk), person.pk)
    }
    denied = AccessEvent.objects.filter(actor=employer_user, action=Action.DENIED)
    assert denied.count() == 1
    assert denied.get().object_type == "shared_case"
    assert denied.get().person_id == person.pk
    assert denied.get().extra["rule"] == "withdrawn"

    coordinator_reads = AccessEvent.objects.filter(actor=coordinator, action=Action.READ)
    assert {"person", "consents", "case:messages", "thread"} <= set(
        coordinator_reads.values_list("object_type", flat=True)
    )
    assert set(coordinator_reads.values_list("ground", "person")) == {
        (Ground.UNIT_MEMBERSHIP, person.pk)
    }
    # The coordinator's reply is a disclosure to the employer, on the consent.
    assert AccessEvent.objects.filter(
        actor=coordinator, action=Action.DISCLOSE, ground=Ground.CONSENT, ground_ref=str(consent.pk)
    ).exists()

    patient_events = AccessEvent.objects.filter(actor=patient)
    assert patient_events.filter(action=Action.READ, object_type="consents").exists()
    assert patient_events.filter(action=Action.UPDATE, object_type="consent").exists()
    assert set(patient_events.values_list("ground", flat=True)) == {Ground.OWN_RECORD}

    result = verify_chain()
    assert result.ok, result

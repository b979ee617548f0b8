"""Story: a coordinator records a consent that shares the diagnosis with the employer. The
person's confirmation and reason appear when Diagnos is chosen for an employer (not for
Försäkringskassan); without them the form comes back with the reason for the refusal and
the input kept; with them the registry shows the person's reason (ADR 008)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.accounts.models import OrganisationType
from samsyn.accounts.tests.factories import OrganisationFactory
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.consent.models import Consent
from samsyn.people.tests.factories import PersonFactory
from tests.browser.conftest import assert_accessible, login_as

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

REASON = "Vill att chefen förstår varför arbetsdagarna behöver vara korta."


def test_a_diagnosis_for_the_employer_needs_the_persons_confirmation_and_reason(
    page, live_server, unit, coordinator, physician, employer_org
):
    OrganisationFactory(name="Försäkringskassan Syd", type=OrganisationType.FK_OFFICE)
    person = PersonFactory(care_unit=unit, given_name="Maja", family_name="Diagnosdotter")
    today = timezone.localdate()
    certify(physician, person, today - timedelta(days=20), today + timedelta(days=20))
    case_services.open_case(actor=actor_for(coordinator), person=person)

    login_as(page, coordinator)
    page.goto(f"/personer/{person.pk}/samtycken/")
    confirmation = page.get_by_role("group", name="Diagnos till arbetsgivare eller")
    recipient = page.get_by_label("Mottagare")
    diagnosis = page.get_by_label("Diagnos", exact=True)
    expect(page.get_by_role("heading", name="Registrera samtycke")).to_be_visible()
    expect(confirmation).to_be_hidden()

    # Diagnos for Försäkringskassan: nothing more to fill in.
    recipient.select_option(label="Försäkringskassan Syd (Försäkringskassan)")
    diagnosis.check()
    expect(confirmation).to_be_hidden()
    # ...for the employer: the confirmation and the reason.
    recipient.select_option(label="Testbygg AB (Arbetsgivare)")
    expect(confirmation).to_be_visible()
    diagnosis.uncheck()
    expect(confirmation).to_be_hidden()
    diagnosis.check()
    assert_accessible(page, context="consent form with the diagnosis confirmation")

    page.get_by_label("Arbetsförmåga och begränsningar (utan diagnos)").check()
    page.get_by_label("Syfte").fill("Anpassa arbetstiden")
    page.get_by_label("Personens skäl till att diagnosen ska lämnas").fill(REASON)
    page.get_by_role("button", name="Registrera samtycket").click()

    expect(page.get_by_role("alert")).to_contain_text("Något behöver rättas")
    expect(confirmation).to_be_visible()
    expect(confirmation).to_contain_text("bara om personen uttryckligen har bett om det")
    expect(page.get_by_label("Syfte")).to_have_value("Anpassa arbetstiden")
    expect(page.get_by_label("Personens skäl till att diagnosen ska lämnas")).to_have_value(REASON)
    assert not Consent.objects.exists()

    page.get_by_label("Personen har själv uttryckligen bett att diagnosen delas").check()
    page.get_by_role("button", name="Registrera samtycket").click()

    expect(page.get_by_text("Samtycket är registrerat.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Testbygg AB")
    expect(row).to_contain_text(f"Personens skäl: {REASON}")
    consent = Consent.objects.get()
    assert (consent.diagnosis_confirmed, consent.diagnosis_reason) == (True, REASON)
    assert_accessible(page, context="registry with the person's reason")

"""Story: a demo coordinator logs in with password and second factor and sees the start page."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from samsyn.accounts.tests.factories import current_code
from samsyn.core.demo.region import DEMO_PASSWORD, build_region
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_coordinator_logs_in_with_second_factor_and_sees_swedish_start_page(page):
    # Given the demo region
    build_region(persons=12)
    device = TOTPDevice.objects.get(user__username="koordinator")

    # When the coordinator opens Samsyn, they are asked to log in
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/konto/logga-in/"))
    expect(page.locator("h1")).to_have_text("Logga in i Samsyn")
    assert_accessible(page, context="login")
    page.get_by_label("Användarnamn").fill("koordinator")
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()

    # Then the second factor, where a wrong code gives a Swedish message
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Koden stämmer inte").first).to_be_visible()
    assert_accessible(page, context="second factor with error")
    page.wait_for_timeout(1200)  # django-otp throttles a new try for a second after a failure
    page.get_by_label("Engångskod").fill(current_code(device))
    page.get_by_role("button", name="Logga in").click()

    # And the Swedish start page
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.locator("h1")).to_have_text("Mina ärenden")
    expect(page.get_by_text("Anna Lindqvist")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page, context="start page")

    # Logging out returns to the login page
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/konto/logga-in/"))

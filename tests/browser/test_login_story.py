"""Story: a demo coordinator logs in with password and second factor and sees the start page."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    assert "/konto/logga-in/" in page.url
    assert page.locator("h1").inner_text() == "Logga in i Samsyn"
    assert_accessible(page, context="login")
    page.get_by_label("Användarnamn").fill("koordinator")
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()

    # Then the second factor, where a wrong code gives a Swedish message
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_text("Koden stämmer inte").first.is_visible()
    assert_accessible(page, context="second factor with error")
    page.wait_for_timeout(1200)  # django-otp throttles a new try for a second after a failure
    page.get_by_label("Engångskod").fill(current_code(device))
    page.get_by_role("button", name="Logga in").click()

    # And the Swedish start page
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == "Mina ärenden"
    assert page.get_by_text("Anna Lindqvist").is_visible()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page, context="start page")

    # Logging out returns to the login page
    page.get_by_role("button", name="Logga ut").click()
    assert "/konto/logga-in/" in page.url

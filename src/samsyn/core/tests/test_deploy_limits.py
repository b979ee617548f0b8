"""Request bodies are capped, with a Swedish page (413) when a request exceeds a cap; a
refused request (400, or a form without its CSRF token) gets a Swedish page too."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from samsyn.accounts.models import User
from samsyn.collaboration.services import messages
from samsyn.consent import services as consent_services
from samsyn.directory import services as directory_services
from samsyn.sickleave import forms as sickleave_forms

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"


def assert_swedish_413(response):
    page = response.content.decode()
    assert response.status_code == 413
    assert '<html lang="sv">' in page
    assert "<h1>För mycket på en gång</h1>" in page
    assert "Inget av det sparades." in page
    assert "Traceback" not in page


def test_a_body_over_the_cap_is_refused_before_it_is_read(settings):
    settings.SAMSYN_MAX_REQUEST_BYTES = 1024 * 1024
    body = b"x" * (1024 * 1024 + 1)
    response = Client().post(
        reverse(LOGIN), data=body, content_type="application/x-www-form-urlencoded"
    )
    assert_swedish_413(response)
    assert "högst 1 MB" in response.content.decode()


def test_too_many_form_fields_is_a_swedish_413(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"f{i}": "x" for i in range(11)}
    response = Client().post(reverse(LOGIN), fields)
    assert_swedish_413(response)


def test_too_much_form_text_is_a_swedish_413_and_logs_no_one_in(settings, coordinator):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client()
    response = client.post(
        reverse(LOGIN),
        {"username": coordinator.username, "password": "x" * 2000},
    )
    assert_swedish_413(response)
    assert "_auth_user_id" not in client.session
    assert User.objects.get(pk=coordinator.pk).last_login is None


def test_a_body_under_the_cap_goes_through():
    response = Client().post(reverse(LOGIN), {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200


def test_the_cap_holds_the_largest_request_samsyn_accepts():
    """The body cap leaves room for every upload a form allows (five 10 MB attachments to
    a message, a 20 MB import file), with room for the form around them."""
    largest = max(
        messages.MAX_ATTACHMENTS * messages.MAX_ATTACHMENT_BYTES,
        consent_services.MAX_DOCUMENT_BYTES,
        directory_services.MAX_IMPORT_BYTES,
        sickleave_forms.MAX_IMPORT_BYTES,
    )
    assert largest + 1024 * 1024 <= django_settings.SAMSYN_MAX_REQUEST_BYTES
    assert messages.MAX_ATTACHMENTS <= django_settings.DATA_UPLOAD_MAX_NUMBER_FILES


def test_a_form_without_its_csrf_token_gets_a_swedish_page():
    response = Client(enforce_csrf_checks=True).post(
        reverse(LOGIN), {"username": "x", "password": "y"}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Formuläret hann bli för gammalt</h1>" in page
    assert "CSRF verification failed" not in page


def test_another_refused_request_is_a_swedish_400():
    response = Client(HTTP_HOST="not-samsyn.example").get(reverse(LOGIN))
    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Felaktig begäran</h1>" in page
    assert '<html lang="sv">' in page

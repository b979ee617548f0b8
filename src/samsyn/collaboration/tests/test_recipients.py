"""Recipients that make sense (issue 17 §7): the message and contact forms offer first the
case's actors, then the organisations the person's consents name, then the rest; whether a
consent covers the chosen recipient shows before sending (htmx fragment, and a plain-form
fallback that sends nothing)."""

import re

import pytest
from django.urls import reverse

from samsyn.collaboration.models import ContactEvent, Thread
from samsyn.collaboration.tests.conftest import give_consent

pytestmark = pytest.mark.django_db


def _groups(page: str, field: str) -> list[tuple[str, list[str]]]:
    select = page.split(f'name="{field}"', 1)[1].split("</select>", 1)[0]
    return [
        (label, re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]*)</option>", body))
        for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    ]


def test_the_forms_offer_the_case_then_the_consents_then_the_rest(
    coordinator, coordinator_client, case, linked_employer, fk_org, other_employer
):
    give_consent(coordinator, case.person, fk_org, ["messages"])
    for url in (
        reverse("collaboration:threads", args=[case.pk]),
        reverse("collaboration:contacts", args=[case.pk]),
    ):
        groups = _groups(coordinator_client.get(url).content.decode(), "organisation")
        assert [label for label, _names in groups][:2] == [
            "Aktörer i ärendet",
            "Nämns i personens samtycken",
        ]
        assert groups[0][1] == [linked_employer.organisation.name]
        assert groups[1][1] == [fk_org.name]
        assert other_employer.name in groups[2][1]
        assert fk_org.name not in groups[2][1]


def test_the_check_says_whether_a_consent_covers_the_recipient(
    coordinator, coordinator_client, case, fk_org, other_employer
):
    give_consent(coordinator, case.person, fk_org, ["messages"])
    url = reverse("collaboration:recipient_check", args=[case.pk, "messages"])
    covered = coordinator_client.get(url, {"organisation": fk_org.pk}, HTTP_HX_REQUEST="true")
    assert covered.status_code == 200
    assert "täcker detta för Försäkringskassan Testköping" in covered.content.decode()
    assert "<html" not in covered.content.decode()
    missing = coordinator_client.get(url, {"organisation": other_employer.pk}).content.decode()
    assert "Registrera ett samtycke innan du skickar." in missing
    assert other_employer.name in missing
    # A contact is another category: the consent for messages does not cover it.
    contact = reverse("collaboration:recipient_check", args=[case.pk, "contact"])
    page = coordinator_client.get(contact, {"organisation": fk_org.pk}).content.decode()
    assert "Registrera ett samtycke" in page


def test_the_check_is_for_the_units_staff_only(case, fk_org, employer_client, outsider_client):
    url = reverse("collaboration:recipient_check", args=[case.pk, "messages"])
    assert outsider_client.get(url, {"organisation": fk_org.pk}).status_code == 404
    assert employer_client.get(url, {"organisation": fk_org.pk}).status_code in (403, 404)


def test_without_script_the_check_button_shows_the_answer_and_sends_nothing(
    coordinator_client, case, other_employer
):
    url = reverse("collaboration:threads", args=[case.pk])
    response = coordinator_client.post(
        url,
        {
            "organisation": str(other_employer.pk),
            "kind": "general",
            "subject": "Arbetsanpassning",
            "body": "Hej!",
            "check": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Registrera ett samtycke innan du skickar." in page
    assert 'value="Arbetsanpassning"' in page  # the form is kept
    assert not Thread.objects.filter(case=case).exists()
    contacts = reverse("collaboration:contacts", args=[case.pk])
    response = coordinator_client.post(
        contacts, {"organisation": str(other_employer.pk), "summary": "Samtal", "check": "1"}
    )
    assert "Registrera ett samtycke innan du skickar." in response.content.decode()
    assert not ContactEvent.objects.filter(case=case).exists()

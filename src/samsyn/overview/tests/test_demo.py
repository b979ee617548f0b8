"""The demo: Lena Forsberg logs in as the patient and finds Ditt ärende populated."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import User


@pytest.mark.django_db
def test_lena_finds_everything_on_ditt_arende(capsys):
    call_command("demo", "--persons", "12", "--quiet")
    lena = User.objects.get(username="patient")
    assert lena.person.given_name == "Lena"
    client = verified_client(lena)
    response = client.get(reverse("overview:own_case"))
    assert response.status_code == 200
    o = response.context["o"]
    assert o.case is not None
    assert o.coordinator is not None
    assert o.chain.day is not None
    assert o.next_point is not None
    assert o.steps.expected
    assert o.steps.happens
    assert o.certificates
    assert {a.organisation.name for a in o.actors} >= {"Nordbygg AB"}
    assert len(o.consents) >= 2
    assert o.plan is not None
    assert o.plan.pending_count == 1
    page = response.content.decode()
    assert "Godkänn ändringen" in page
    timeline = client.get(reverse("overview:timeline", args=[o.case.pk]))
    kinds = {e.kind for e in timeline.context["t"].events}
    assert kinds >= {"certificate", "milestone", "contact", "message", "plan", "status", "consent"}

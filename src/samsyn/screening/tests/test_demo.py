"""The demo's screening: Lena Forsberg's trend, her own ÖMPSQ, and flags on the worklist."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import User
from samsyn.screening.models import EnteredBy, ScreeningResponse


@pytest.mark.django_db
def test_the_demo_gives_lena_a_trend_and_the_worklist_flags(capsys):
    call_command("demo")
    lena = User.objects.get(username="patient")
    ompsq = ScreeningResponse.objects.filter(person=lena.person, instrument="ompsq10")
    assert [r.total for r in ompsq.order_by("taken_on", "created_at")] == [64, 61, 58]
    assert ompsq.order_by("-created_at").first().entered_by == EnteredBy.PERSON
    keds = ScreeningResponse.objects.filter(person=lena.person, instrument="keds")
    assert [r.total for r in keds.order_by("taken_on")] == [28, 24, 21]
    others = ScreeningResponse.objects.exclude(person=lena.person)
    assert others.filter(flagged=True).count() == 3
    assert others.filter(flagged=False).count() == 1
    coordinator = verified_client(User.objects.get(username="koordinator"))
    case = ompsq.first().case
    page = coordinator.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert page.count('<circle class="trend__point') >= 6
    call_command("demo")  # idempotent
    assert ScreeningResponse.objects.filter(person=lena.person, instrument="ompsq10").count() == 3

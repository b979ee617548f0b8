"""The demo's meetings: Lena's held avstämningsmöte with minutes that became measures, an
upcoming SIP-möte and a cancelled meeting."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import User
from samsyn.meetings.content import MeetingKind, MeetingStatus, MinutesState
from samsyn.meetings.models import Meeting
from samsyn.plans.models import Measure


@pytest.mark.django_db
def test_the_demo_has_lenas_meetings(capsys):
    call_command("demo")
    lena = User.objects.get(username="patient")
    meetings = {m.kind: m for m in Meeting.objects.filter(case__person=lena.person)}
    held = meetings[MeetingKind.AVSTAMNING]
    assert held.status == MeetingStatus.HELD
    assert held.physician_minutes == 45
    assert held.minutes.get().state == MinutesState.FINAL
    assert Measure.objects.filter(title="Lättare montage i verkstaden, halvtid").exists()
    assert meetings[MeetingKind.SIP].status == MeetingStatus.PLANNED
    assert meetings[MeetingKind.REHAB].status == MeetingStatus.CANCELLED
    page = verified_client(lena).get(reverse("meetings:meeting", args=[held.pk]))
    assert "Du börjar arbeta halvtid" in page.content.decode()
    social = verified_client(User.objects.get(username="socialtjanst"))
    assert (
        social.get(reverse("meetings:meeting", args=[meetings[MeetingKind.SIP].pk])).status_code
        == 200
    )
    assert social.get(reverse("meetings:meeting", args=[held.pk])).status_code == 404

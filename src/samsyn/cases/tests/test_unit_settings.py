"""Issue 12, item 2: the unit manager's sick-leave settings take effect.

Two certificates 2026-10-01–10-10 and 2026-10-19–10-31 leave 8 uncovered days
(Oct 11–18) between them: with the default gap of 5 they are two sick-leave cases,
with a gap of 8 or more they are one case of 31 days (Oct 1–31).
"""

from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from conftest import verified_client
from samsyn.audit.models import AccessEvent, Action, ObjectType
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.core.testing import run_jobs
from samsyn.people.tests.factories import PersonFactory
from samsyn.sickleave import services
from samsyn.sickleave.models import SickLeaveCase

SETTINGS = reverse("cases:unit_settings")
HOME = reverse("core:home")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-10-25 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def split_person(unit, physician):
    p = PersonFactory(care_unit=unit, given_name="Delad", family_name="Sjukskrivning")
    certify(physician, p, date(2026, 10, 1), date(2026, 10, 10))
    certify(physician, p, date(2026, 10, 19), date(2026, 10, 31))
    return p


def _post(client, gap, soon=14, recent=0, *, run=True):
    """Post the settings; with `run`, then run the queued recompute as a worker does."""
    response = client.post(
        SETTINGS, {"gap_days": gap, "ending_soon_days": soon, "recent_days": recent}, follow=True
    )
    if run:
        run_jobs()
    return response


def test_unit_manager_finds_the_page_from_the_start_page(unit_manager):
    client = verified_client(unit_manager)
    assert SETTINGS in client.get(HOME).content.decode()
    page = client.get(SETTINGS).content.decode()
    assert 'name="gap_days"' in page
    assert 'value="5"' in page


def test_coordinator_neither_sees_the_link_nor_opens_the_page(coordinator_client):
    assert SETTINGS not in coordinator_client.get(HOME).content.decode()
    assert coordinator_client.get(SETTINGS).status_code == 403


def test_a_gap_change_is_recomputed_by_a_job_not_in_the_request(unit_manager, unit, split_person):
    response = _post(verified_client(unit_manager), gap=8, run=False)

    assert "Sjukfallen räknas om i bakgrunden (antal personer: 1)." in response.content.decode()
    assert SickLeaveCase.objects.filter(person=split_person).count() == 2  # not yet
    assert run_jobs() == 1
    assert SickLeaveCase.objects.filter(person=split_person).count() == 1


def test_a_gap_change_merges_two_cases_and_says_how_many_were_recomputed(
    unit_manager, unit, split_person, coordinator_client
):
    assert SickLeaveCase.objects.filter(person=split_person).count() == 2
    before = coordinator_client.get(reverse("cases:worklist")).content.decode()
    assert "2026-10-19" in before
    assert "2026-10-01" not in before
    PersonFactory(care_unit=unit)  # a person without certificates is recomputed too
    response = _post(verified_client(unit_manager), gap=8)
    assert "Sjukfallen räknas om i bakgrunden (antal personer: 2)." in response.content.decode()
    unit.refresh_from_db()
    assert unit.gap_days == 8
    (case,) = SickLeaveCase.objects.filter(person=split_person)
    assert (case.start, case.end, case.days, case.uncovered_days) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
        23,  # 10 + 13 covered days
        8,
    )
    worklist = coordinator_client.get(reverse("cases:worklist")).content.decode()
    assert "2026-10-01" in worklist
    assert "2026-10-19" not in worklist
    person_page = coordinator_client.get(reverse("cases:person", args=[split_person.pk]))
    assert "2026-10-01 – 2026-10-31" in person_page.content.decode()
    assert AccessEvent.objects.filter(
        action=Action.UPDATE, object_type=ObjectType.ORGANISATION, object_id=str(unit.pk)
    ).exists()


def test_a_gap_of_7_keeps_them_apart_and_back_to_5_splits_again(unit_manager, split_person):
    client = verified_client(unit_manager)
    _post(client, gap=7)
    assert SickLeaveCase.objects.filter(person=split_person).count() == 2
    _post(client, gap=8)
    assert SickLeaveCase.objects.filter(person=split_person).count() == 1
    _post(client, gap=5)
    assert SickLeaveCase.objects.filter(person=split_person).count() == 2


def test_other_settings_alone_do_not_recompute(unit_manager, unit, split_person):
    response = _post(verified_client(unit_manager), gap=5, soon=30, recent=7)
    text = response.content.decode()
    assert "Enhetens inställningar är sparade." in text
    assert "omräknade" not in text
    unit.refresh_from_db()
    assert (unit.ending_soon_days, unit.recent_days) == (30, 7)


def test_out_of_range_values_are_redisplayed_with_errors(unit_manager, unit):
    response = _post(verified_client(unit_manager), gap=91, recent=15)
    text = response.content.decode()
    assert response.status_code == 200
    assert 'value="91"' in text
    assert 'value="15"' in text
    assert "mindre än eller lika med 90" in text
    assert "mindre än eller lika med 14" in text
    unit.refresh_from_db()
    assert (unit.gap_days, unit.recent_days) == (5, 0)


def test_the_service_refuses_a_coordinator(coordinator, unit):
    with pytest.raises(services.UnitSettingsPermissionError):
        services.change_unit_settings(
            actor=actor_for(coordinator), unit=unit, gap_days=8, ending_soon_days=14, recent_days=0
        )


def test_management_command_recomputes_the_unit(unit, split_person, capsys):
    unit.gap_days = 10
    unit.save()
    call_command("sickleave", "recompute", "--unit", str(unit.pk))
    assert "1" in capsys.readouterr().out
    assert SickLeaveCase.objects.filter(person=split_person).count() == 1

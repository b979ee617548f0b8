"""Story: an avstämningsmöte from booking to minutes, at desktop width and on a phone
(390×844), with axe on every page.

The coordinator books an avstämningsmöte with the employer and the Försäkringskassan
officer: the employer cannot be added until the person's consent covers meetings. The
employer proposes another time; the coordinator moves the meeting, and the .ics of the
move parses with the same UID and a higher SEQUENCE. The person answers on a phone. The
minutes are written and finalised, and their decision is a measure in the plan; the
person reads the minutes in plain language on the phone.
"""

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.consent.tests.fixtures import give_consent
from samsyn.directory.models import CaseActor
from samsyn.meetings.models import Meeting, MeetingEmail
from samsyn.people.tests.factories import PersonFactory
from tests.browser.conftest import assert_accessible, login_as

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PHONE = SIZES["phone"]


def _no_sideways_scroll(page, where: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    assert overflow <= 0, f"{where} scrolls sideways by {overflow} px: {wide}"


def _check(page, where: str) -> None:
    assert_accessible(page, context=where)
    _no_sideways_scroll(page, where)


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("size", list(SIZES))
def test_an_avstamningsmote_from_booking_to_minutes(page, unit, coordinator, physician, size):
    employer = OrganisationFactory(name="Testbygg AB", type=OrganisationType.EMPLOYER)
    fk = OrganisationFactory(name="Försäkringskassan Testköping", type=OrganisationType.FK_OFFICE)
    hr = MembershipFactory(
        organisation=employer,
        role=Role.EMPLOYER,
        user=UserFactory(first_name="Hanna", last_name="HR", email="hanna@testbygg.se"),
    ).user
    MembershipFactory(
        organisation=fk, role=Role.FK_OFFICER, user=UserFactory(first_name="Fia", last_name="FK")
    )
    person = PersonFactory(care_unit=unit, given_name="Lena", family_name="Forsberg")
    patient = UserFactory(first_name="Lena", last_name="Forsberg", person=person)
    MembershipFactory(user=patient, organisation=unit, role=Role.PATIENT)
    today = timezone.localdate()
    certify(physician, person, today - timedelta(days=40), today + timedelta(days=20), degree=50)
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    CaseActor.objects.create(
        case=case, organisation=employer, started_on=today, created_by=coordinator
    )
    give_consent(coordinator, person, fk, ["contact", "meetings"])
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=10, minute=0)

    # The coordinator books; the employer has no consent covering meetings yet.
    page.set_viewport_size(SIZES[size])
    login_as(page, coordinator)
    page.goto(reverse("meetings:book", args=[case.pk]))
    expect(page.get_by_role("heading", name="Boka ett möte")).to_be_visible()
    _check(page, f"book ({size})")
    page.get_by_label("Avstämningsmöte", exact=True).check()
    page.locator("[name=purpose]").fill("Stämma av arbetsförmågan inför arbetsträning")
    page.locator("[name=starts_at]").fill(_local(start))
    page.locator("[name=ends_at]").fill(_local(start + timedelta(hours=1)))
    page.get_by_label("Video", exact=True).check()
    page.locator("[name=video_link]").fill("https://video.example.se/rum/7")
    page.get_by_label("Hanna HR – Testbygg AB").check()
    page.get_by_label("Fia FK – Försäkringskassan Testköping").check()
    page.get_by_label("Lena Forsberg (personen själv) – Personen").check()
    page.get_by_role("button", name="Boka och skicka inbjudan").click()
    expect(page.locator(".field-error").first).to_contain_text("Testbygg AB")
    assert not Meeting.objects.exists()
    _check(page, f"book refused ({size})")

    give_consent(coordinator, person, employer, ["contact", "meetings"])
    page.get_by_role("button", name="Boka och skicka inbjudan").click()
    expect(page.get_by_text("Mötet är bokat och inbjudan skickad.")).to_be_visible()
    meeting = Meeting.objects.get()
    _check(page, f"meeting ({size})")

    # The employer proposes another time.
    login_as(page, hr)
    page.goto(reverse("meetings:meeting", args=[meeting.pk]))
    page.get_by_label("Föreslår en annan tid").check()
    proposed = start + timedelta(days=1, hours=3)
    page.locator("[name=proposed_start]").fill(_local(proposed))
    page.get_by_role("button", name="Skicka svaret").click()
    expect(page.get_by_text("Tack, ditt svar är sparat.")).to_be_visible()
    _check(page, f"employer's answer ({size})")

    # The coordinator sees the proposal and moves the meeting to it.
    login_as(page, coordinator)
    page.goto(reverse("meetings:meeting", args=[meeting.pk]))
    answers = page.locator(".answers")
    expect(answers).to_contain_text("Föreslår en annan tid")
    expect(answers).to_contain_text(timezone.localtime(proposed).strftime("%Y-%m-%d %H:%M"))
    move = page.locator("form[action$='/flytta/']")
    move.locator("[name=starts_at]").fill(_local(proposed))
    move.locator("[name=ends_at]").fill(_local(proposed + timedelta(hours=1)))
    move.locator("[name=reason]").fill("Arbetsgivaren föreslog en annan tid")
    page.get_by_role("button", name="Flytta och meddela alla").click()
    expect(page.get_by_text("Mötet har flyttats och alla")).to_be_visible()
    _check(page, f"moved ({size})")
    downloaded = page.request.get(reverse("meetings:ics", args=[meeting.pk]))
    event = icalendar.Calendar.from_ical(downloaded.body()).walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.uid
    assert int(event["SEQUENCE"]) == 1
    mailed = MeetingEmail.objects.get(method="move", address="hanna@testbygg.se")
    sent = icalendar.Calendar.from_ical(mailed.ics).walk("VEVENT")[0]
    assert (str(sent["UID"]), int(sent["SEQUENCE"])) == (meeting.uid, 1)

    # The person answers on a phone, from their own page.
    page.set_viewport_size(PHONE)
    login_as(page, patient)
    page.goto(reverse("overview:own_case"))
    meetings = page.locator("#meetings")
    expect(meetings.get_by_role("heading", name="Dina möten")).to_be_visible()
    _check(page, "the person's own page with the invitation (phone)")
    button = meetings.get_by_role("button", name="Jag kommer")
    box = button.bounding_box()
    assert box["width"] >= 44
    assert box["height"] >= 44
    button.click()
    expect(page.get_by_text("Tack, ditt svar är sparat.")).to_be_visible()
    expect(page.locator("#meetings")).to_contain_text("Kommer")

    # Minutes, written and finalised by the coordinator; the decision is a measure.
    page.set_viewport_size(SIZES[size])
    login_as(page, coordinator)
    page.goto(reverse("meetings:meeting", args=[meeting.pk]))
    page.locator("[name=conclusion]").fill("Arbetsträning halvtid från nästa månad.")
    page.locator("[name=plain]").fill("Du börjar arbetsträna halvtid nästa månad.")
    page.locator("[name='points-0-text']").fill("Lättare arbetsuppgifter i verkstaden")
    page.locator("[name='points-0-owner_organisation']").select_option(label="Testbygg AB")
    page.locator("[name='points-0-owner_person']").fill("Hanna HR")
    page.locator("[name='points-0-due']").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.get_by_text("Utkastet till protokoll är sparat.")).to_be_visible()
    _check(page, f"draft minutes ({size})")
    page.get_by_role("button", name="Fastställ protokollet").click()
    expect(page.get_by_text("Protokollet är fastställt. Punkterna")).to_be_visible()
    _check(page, f"final minutes ({size})")
    page.goto(reverse("plans:case_plans", args=[case.pk]))
    expect(page.get_by_text("Lättare arbetsuppgifter i verkstaden").first).to_be_visible()

    # The person reads the minutes in plain language on the phone.
    page.set_viewport_size(PHONE)
    login_as(page, patient)
    page.goto(reverse("meetings:meeting", args=[meeting.pk]))
    expect(page.get_by_text("Du börjar arbetsträna halvtid nästa månad.")).to_be_visible()
    expect(page.get_by_role("heading", name="Det här bestämdes")).to_be_visible()
    _check(page, "the person's minutes (phone)")

"""Story: screening at desktop width and on a phone (390×844), with axe.

Lena has answered ÖMPSQ twice with her coordinator. Before her next meeting she opens
"Ditt ärende" on her phone, taps "Fyll i ÖMPSQ" and answers the ten questions with
44×44 px targets. Her coordinator opens the case's screening page: the score, the flag
with its date and the trend (with a table of the same figures). The worklist shows the
risk badge with its reason ("ÖMPSQ 58 ≥ 50 den …; dag 41").
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.cases.tests.helpers import actor_for
from samsyn.consent.tests.fixtures import case, patient_user, person  # noqa: F401
from samsyn.screening import services
from tests.browser.conftest import assert_accessible, login_as

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PHONE = SIZES["phone"]
# Lena's answers, by item: q1 "6–8 veckor" (5 points); items 3, 4 and 8 count 10 − answer.
ANSWERS = {1: 5, 2: 6, 3: 4, 4: 3, 5: 5, 6: 4, 7: 7, 8: 2, 9: 6, 10: 4}  # 58 points
EARLIER = [  # 64 and 61 points, four and two weeks ago
    {"q1": 5, "q2": 7, "q3": 3, "q4": 4, "q5": 6, "q6": 5, "q7": 8, "q8": 3, "q9": 7, "q10": 6},
    {"q1": 5, "q2": 6, "q3": 3, "q4": 4, "q5": 6, "q6": 5, "q7": 7, "q8": 3, "q9": 7, "q10": 5},
]


def _no_sideways_scroll(page, where: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where} scrolls sideways by {overflow} px"


def _earlier_answers(coordinator, case):  # noqa: F811
    today = timezone.localdate()
    for weeks, answers in zip((4, 2), EARLIER, strict=True):
        services.record_response(
            actor=actor_for(coordinator),
            case=case,
            instrument="ompsq10",
            answers=answers,
            taken_on=today - timedelta(weeks=weeks),
        )


def _fill_in_on_the_phone(page, patient_user):  # noqa: F811
    page.set_viewport_size(PHONE)
    login_as(page, patient_user)
    page.goto(reverse("overview:own_case"))
    expect(page.get_by_role("heading", name="Formulär inför mötet")).to_be_visible()
    assert_accessible(page, context="Ditt ärende with forms (phone)")
    _no_sideways_scroll(page, "Ditt ärende")
    page.get_by_role("link", name="Fyll i ÖMPSQ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ÖMPSQ-10")
    assert_accessible(page, context="ÖMPSQ form (phone)")
    _no_sideways_scroll(page, "ÖMPSQ form")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.screening-option')].map(
            e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])"""
    )
    assert len(sizes) == 10 + 9 * 11
    assert min(w for w, _h in sizes) >= 44
    assert min(h for _w, h in sizes) >= 44
    for item, value in ANSWERS.items():
        index = value - 1 if item == 1 else value  # item 1's options are scored 1–10
        page.locator(f"label[for='id_q{item}_{index}']").click()
    expect(page.locator("#id_q2_6")).to_be_checked()
    page.get_by_role("button", name="Spara svaren").click()
    expect(page.get_by_text("Tack! Dina svar är sparade")).to_be_visible()
    expect(page.get_by_text(f"Senast ifyllt {timezone.localdate().isoformat()}")).to_be_visible()
    page.context.clear_cookies()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_person_fills_in_ompsq_and_the_coordinator_sees_score_flag_trend_and_risk(
    page,
    coordinator,
    patient_user,  # noqa: F811
    case,  # noqa: F811
    size,
):
    _earlier_answers(coordinator, case)
    _fill_in_on_the_phone(page, patient_user)

    page.set_viewport_size(SIZES[size])
    login_as(page, coordinator)
    today = timezone.localdate().isoformat()
    page.goto(reverse("screening:case", args=[case.pk]))
    flags = page.get_by_role("region", name="Flaggor från screening")
    expect(flags).to_contain_text(f"ÖMPSQ 58 ≥ 50 den {today}")
    signal = page.get_by_role("region", name="Risksignal")
    expect(signal).to_contain_text("Förhöjd")
    expect(signal).to_contain_text("dag 41")
    expect(signal).to_contain_text("inte en förutsägelse")
    expect(page.get_by_role("img", name="ÖMPSQ över tid, 3 mätningar")).to_be_visible()
    table = page.get_by_role("table", name="ÖMPSQ: alla mätningar")
    expect(table.get_by_role("row")).to_have_count(4)
    expect(table).to_contain_text("Ifylld av personen")
    assert_accessible(page, context=f"screening page ({size})")
    _no_sideways_scroll(page, "screening page")
    page.get_by_text("Om formuläret: källa, gräns och träffsäkerhet").first.click()
    expect(page.get_by_text("Linton SJ, Nicholas M, MacDonald S.")).to_be_visible()

    page.goto(reverse("cases:worklist"))
    row = page.get_by_role("row", name="Maja Samtyckesson")
    expect(row.locator(".risk-badge")).to_have_text("Risk: Förhöjd")
    expect(row.locator(".risk-reason")).to_have_text(f"ÖMPSQ 58 ≥ 50 den {today}; dag 41")
    assert_accessible(page, context=f"worklist with the risk badge ({size})")
    _no_sideways_scroll(page, "worklist")

"""Story: the administrator finds a failed job from the start page, at desktop width and on a
phone (390×844), with axe: Drift → Jobb i kön lists it with its attempts and error class;
a notification that failed while the mail server was down is sent again with the button."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory
from samsyn.core.models import OutboundEmail
from samsyn.core.notify import notify
from samsyn.core.testing import flaky, run_jobs
from tests.browser.conftest import assert_accessible, login_as
from tests.browser.test_unit_manager_story import SIZES, _no_sideways_scroll

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", list(SIZES))
def test_the_administrator_finds_a_failed_job(page, unit, size):
    page.set_viewport_size(SIZES[size])
    admin = MembershipFactory(organisation=unit, role=Role.ADMIN).user
    colleague = MembershipFactory(organisation=unit, role=Role.COORDINATOR).user
    colleague.email = "anna@vc.example"
    colleague.save(update_fields=["email"])
    notify(users=[colleague], path="/meddelanden/", key=f"browser:{size}")
    # its last attempt found the mail server down (that path: core/tests/test_retention.py)
    OutboundEmail.objects.update(status=OutboundEmail.Status.FAILED)
    flaky.enqueue(f"browser {size} failed", 10)
    flaky.enqueue(f"browser {size} waiting", 10)
    run_jobs()
    first = DBTaskResult.objects.filter(task_path__endswith="flaky").order_by("enqueued_at")[0]
    for _ in range(2):
        DBTaskResult.objects.filter(pk=first.pk).update(run_after=timezone.now())
        run_jobs()

    login_as(page, admin)
    page.goto("/")
    page.get_by_role("link", name="Jobb i kön").click()
    expect(page.get_by_role("heading", name="Jobb i kön", level=1)).to_be_visible()
    failed = page.get_by_role("region", name="Misslyckade jobb")
    expect(failed.get_by_role("row")).to_have_count(2)
    expect(failed).to_contain_text("ConnectionError")
    expect(failed).to_contain_text("3 / 3")
    waiting = page.get_by_role("region", name="Väntande och pågående jobb")
    expect(waiting).to_contain_text("Väntar på nytt försök")
    expect(page.locator("main")).not_to_contain_text("browser")
    assert_accessible(page, context=f"jobs ({size})")
    _no_sideways_scroll(page, "jobs")

    expect(page.locator("#notifications-failed")).to_have_text("1")
    page.get_by_role("button", name="Skicka 1 misslyckat e-postmeddelande igen").click()
    expect(page.get_by_text("1 misslyckat e-postmeddelande skickas igen.")).to_be_visible()
    expect(page.locator("#notifications-failed")).to_have_text("0")
    expect(
        page.get_by_role("button", name="Skicka 1 misslyckat e-postmeddelande igen")
    ).to_have_count(0)
    assert run_jobs() == 1
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    assert_accessible(page, context=f"jobs after sending again ({size})")

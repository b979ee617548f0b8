import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.models import Membership, Organisation, OrganisationType, Role, User
from samsyn.collaboration.models import ContactEvent, Message, MessageRead, Thread
from samsyn.consent.models import Consent
from samsyn.core.demo.region import DEMO_PASSWORD
from samsyn.people.models import Person
from samsyn.sickleave.models import Certificate


@pytest.mark.django_db
def test_demo_builds_a_region_and_prints_logins(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "koordinator" in out
    assert "backup codes:" in out
    assert "TOTP secret:" in out
    assert Person.objects.count() >= 50
    kinds = set(Organisation.objects.values_list("type", flat=True))
    assert kinds == set(OrganisationType.values)
    assert Organisation.objects.filter(parent__isnull=False).exists()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert set(Role.values) <= roles
    assert Membership.objects.filter(role=Role.COORDINATOR).values("user").distinct().count() == 2
    assert Membership.objects.filter(role=Role.PHYSICIAN).values("user").distinct().count() >= 2
    assert User.objects.get(username="patient").person is not None


@pytest.mark.django_db
def test_demo_is_idempotent(capsys):
    call_command("demo", "--quiet")
    counts = (Person.objects.count(), User.objects.count(), Organisation.objects.count())
    call_command("demo", "--quiet")
    assert counts == (Person.objects.count(), User.objects.count(), Organisation.objects.count())


@pytest.mark.django_db
def test_demo_coordinator_logs_in_with_printed_backup_code(capsys):
    call_command("demo")
    out = capsys.readouterr().out.splitlines()
    index = next(i for i, line in enumerate(out) if line.strip().startswith("koordinator "))
    code = out[index + 2].split(":", 1)[1].split()[0]
    client = Client()
    client.post(reverse("accounts:login"), {"username": "koordinator", "password": DEMO_PASSWORD})
    assert client.post(reverse("accounts:second_factor"), {"token": code}).status_code == 302
    page = client.get(reverse("core:home")).content.decode()
    assert "Mina ärenden" in page
    assert "Vårdcentralen Björkdalen" in page


# Early in the morning (certificates of today are signed later in the day) and late at
# night (extensions start within three days).
@pytest.fixture(params=["2026-11-22 08:05 +01:00", "2026-11-22 23:50 +01:00"])
def demo_now(request, db):
    with time_machine.travel(request.param):
        call_command("demo", "--quiet")
        yield timezone.now()


@pytest.mark.django_db
def test_demo_has_nothing_signed_sent_or_logged_after_now(demo_now):
    today = timezone.localdate(demo_now)
    # A certificate may start in the future (an extension signed ahead) ...
    assert Certificate.objects.filter(periods__start__gt=today).exists()
    # ... but none is signed after now.
    assert not Certificate.objects.filter(signed_at__gt=demo_now).exists()
    # The contact log has no planned contacts: every contact has happened.
    assert ContactEvent.objects.exists()
    assert not ContactEvent.objects.filter(occurred_at__gt=demo_now).exists()
    assert Message.objects.exists()
    assert not Message.objects.filter(created_at__gt=demo_now).exists()
    assert not MessageRead.objects.filter(read_at__gt=demo_now).exists()
    assert not Consent.objects.filter(given_on__gt=today).exists()


@pytest.mark.django_db
def test_demo_coordinator_sees_that_hr_read_the_message_they_answered(demo_now):
    coordinator = User.objects.get(username="koordinator")
    thread = Thread.objects.get(subject="Återgång i arbete")
    hr = User.objects.get(username="hr.nordbygg")
    assert thread.messages.filter(author=hr).exists()  # HR answered ...
    asked = thread.messages.get(author=coordinator)
    assert asked.reads.filter(user=hr).exists()  # ... so HR has read the question
    page = (
        verified_client(coordinator)
        .get(reverse("collaboration:thread", args=[thread.pk]))
        .content.decode()
    )
    assert "Läst av Jonas Eklund" in page
    assert "Inte läst ännu" not in page


@pytest.mark.django_db
def test_demo_coordinator_read_the_fk_question_before_answering_it(demo_now):
    coordinator = User.objects.get(username="koordinator")
    answered = Thread.objects.filter(kind="fk_question", answered_at__isnull=False).get()
    question = answered.messages.get(author__username="fk")
    assert question.reads.filter(user=coordinator).exists()


@pytest.mark.django_db
@time_machine.travel("2026-11-22 10:00 +01:00", tick=False)
def test_demo_coordinator_sees_a_period_that_continues_an_earlier_one():
    from samsyn.sickleave.models import SickLeaveCase

    call_command("demo", "--quiet")
    coordinator = User.objects.get(username="koordinator")
    client = verified_client(coordinator)
    continued = SickLeaveCase.objects.filter(prior_days__gt=0, end__gte=timezone.localdate())
    assert {c.prior_days for c in continued} >= {40, 50}
    worklist = client.get(reverse("cases:worklist")).content.decode()
    assert worklist.count("från tidigare sjukperiod (sammanläggning)") >= 2
    assert "i kedjan, " in worklist  # a next step that counts the earlier days
    two = continued.get(prior_days=50)
    page = client.get(reverse("cases:person", args=[two.person_id])).content.decode()
    assert "Dag 51 — 50 dagar från sjukperioderna" in page
    assert "(sammanläggning, SFB 27 kap. 51 §)" in page


@pytest.mark.django_db
def test_demo_admin_sends_the_notifications_of_the_mail_outage_again(settings):
    from django.core import mail  # noqa: PLC0415

    from samsyn.core.models import OutboundEmail  # noqa: PLC0415
    from samsyn.core.testing import run_jobs  # noqa: PLC0415

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("demo", "--quiet")
    call_command("demo", "--quiet")  # again: no more failed while two are
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count() == 2
    run_jobs()  # the worker of `make run` delivers what is pending
    sent = len(mail.outbox)
    admin = Membership.objects.filter(role=Role.ADMIN).first().user
    client = verified_client(admin)
    page = client.get(reverse("core:jobs")).content.decode()
    assert '<dd id="notifications-failed">2</dd>' in page
    assert "Skicka 2 misslyckade e-postmeddelanden igen" in page

    client.post(reverse("core:resend_emails"))
    assert run_jobs() == 2
    assert len(mail.outbox) == sent + 2
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).exists()

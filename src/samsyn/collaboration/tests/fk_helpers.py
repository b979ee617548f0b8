"""Helpers of the tests of Försäkringskassan's requests (110 kap. 31 § SFB)."""

import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import AccessEvent
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.models import Thread
from samsyn.collaboration.services import fk_requests as fk_services

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FK_REQUESTS = reverse("collaboration:fk_requests")
QUESTION = "Beskriv aktivitetsbegränsningen närmare i intyget."
REASONING = "Svaret rör bara arbetsförmågan; inget men för personen eller närstående."


def thread_url(thread) -> str:
    return reverse("collaboration:thread", args=[thread.pk])


def assessment_url(thread) -> str:
    return reverse("collaboration:harm_assessment", args=[thread.pk])


def personnummer_forms(person) -> set[str]:
    """Every way the person's number may be written: 12 digits, formatted, 10 digits."""
    number = person.personnummer
    return {number, person.formatted_personnummer, number[2:], f"{number[2:8]}-{number[8:]}"}


def assert_personnummer_not_logged(person) -> None:
    forms = personnummer_forms(person)
    rows = list(AccessEvent.objects.values())
    assert rows
    for row in rows:
        text = json.dumps(row, default=str, ensure_ascii=False)
        for form in forms:
            assert form not in text, f"personnummer in access event {row['seq']}"


def assert_mail_is_anonymous(person) -> None:
    secrets = personnummer_forms(person) | {person.given_name, person.family_name}
    for sent in mail.outbox:
        text = sent.subject + sent.body + " ".join(sent.to)
        assert "Du har ett nytt meddelande i Samsyn" in text
        for secret in secrets:
            assert secret not in text


def error_summary(page: str) -> str:
    match = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(1)


def signed_day():
    return timezone.localdate() - timedelta(days=10)


def request_data(person, signed_on, **overrides) -> dict:
    data = {
        "personnummer": person.formatted_personnummer,
        "certificate_signed_on": signed_on.isoformat(),
        "fk_topic": "KOMPLT",
        "answer_by": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "subject": "Komplettering av läkarintyg",
        "body": QUESTION,
    }
    data.update(overrides)
    return data


def file_request(user, case, certificate, subject="Komplettering av läkarintyg") -> Thread:
    """A request filed through the service (for tests about what comes after)."""
    return fk_services.start_fk_request(
        actor=actor_for(user),
        personnummer_value=case.person.personnummer,
        certificate_signed_on=timezone.localtime(certificate.signed_at).date(),
        fk_topic="KOMPLT",
        subject=subject,
        body=QUESTION,
        answer_by=timezone.localdate() + timedelta(days=7),
    )

"""The demo's letters: sent and stored for two persons, a signed consent form attached."""

import pytest
from django.core.management import call_command

from samsyn.accounts.models import User
from samsyn.consent.models import Consent
from samsyn.letters.models import ConversationNote, Letter, LetterStatus
from samsyn.letters.tests.conftest import letter_pdf_text


@pytest.mark.django_db
def test_the_demo_has_letters_for_two_persons_and_a_signed_consent_form(capsys):
    call_command("demo")
    lena = User.objects.get(username="patient").person
    sent = Letter.objects.filter(status=LetterStatus.SENT)
    assert len({letter.case.person_id for letter in sent}) == 2
    employer_letter = sent.get(case__person=lena)
    assert employer_letter.recipient.name == "Nordbygg AB"
    assert "Lena Forsberg" in letter_pdf_text(employer_letter)
    form = Letter.objects.get(case__person=lena, version__template__key="samtycke-arbetsgivare")
    consent = Consent.objects.get(pk=form.signed_consent_ids[0])
    assert consent.document
    assert consent.person_id == lena.pk
    assert ConversationNote.objects.filter(case__person=lena).count() == 1
    call_command("demo")  # idempotent
    assert Letter.objects.count() == 3

"""Demo data for letters and conversation guides (issue 18): Lena Forsberg's signed
consent form to her employer Nordbygg (the scan attached to the consent), the employer
contact letter sent to Nordbygg under it, her answers to the work-related questions,
and an invitation to a first talk sent to a second person. Everything goes through the
real services."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from samsyn.accounts.models import Organisation, Role
from samsyn.cases.models import Case
from samsyn.core.demo.collaboration import _actor
from samsyn.letters import services
from samsyn.letters.models import Guide, Letter, LetterTemplate
from samsyn.people.models import Person


def _template(unit: Organisation, key: str) -> LetterTemplate:
    return LetterTemplate.objects.get(unit=unit, key=key)


def build_letters(*, today: date, unit: Organisation) -> None:
    patient = Person.objects.filter(user__username="patient").first()
    case = Case.objects.open().filter(person=patient, unit=unit).first() if patient else None
    if case is None or Letter.objects.filter(case=case).exists():
        return
    coordinator = _actor("koordinator", Role.COORDINATOR)
    services.ensure_library(actor=coordinator, unit_id=unit.pk)
    nordbygg = Organisation.objects.get(code="556000-0001")

    form = services.make_letter(
        actor=coordinator,
        case=case,
        template_id=_template(unit, "samtycke-arbetsgivare").pk,
        inputs={
            "consent": {
                "recipients": [str(nordbygg.pk)],
                "categories": ["contact", "work_capacity"],
                "valid_from": today.isoformat(),
                "valid_to": (today + timedelta(days=364)).isoformat(),
                "purpose": "Planera återgång i arbete hos Nordbygg",
            }
        },
    )
    with form.pdf.open("rb") as f:
        scan = SimpleUploadedFile("samtycke-underskrivet.pdf", f.read(), "application/pdf")
    services.record_signed_consent(actor=coordinator, letter=form, document=scan, given_on=today)

    employer_letter = services.make_letter(
        actor=coordinator,
        case=case,
        template_id=_template(unit, "arbetsgivarkontakt").pk,
        recipient=nordbygg,
        contact_person=nordbygg.contact_persons.filter(name="Tomas Ek").first(),
        inputs={
            "nasta_mote": f"{(today + timedelta(days=7)).isoformat()} kl. 10.00",
            "fritext": "Lena vill gärna prova lättare montage i verkstaden på halvtid.",
        },
    )
    services.send_letter(actor=coordinator, letter=employer_letter)

    guide = Guide.objects.get(unit=unit, key="arbetsrelaterade-fragor")
    services.save_note(
        actor=coordinator,
        case=case,
        guide_id=guide.pk,
        held_on=today - timedelta(days=2),
        with_whom="Lena Forsberg",
        answers={
            "arbetsuppgifter": "Snickare i lag om fyra, montage på byggarbetsplatser.",
            "svart_nu": "Tunga lyft och arbete på stege; ont efter en timme.",
            "anpassning": "Lättare montage i verkstaden, pauser varje timme.",
            "relationer": "Bra stöd från arbetsledaren.",
            "foretagshalsovard": "Hälsopartner, inte haft kontakt ännu.",
        },
    )

    other = (
        Case.objects.open()
        .filter(unit=unit, preventive=False)
        .exclude(pk=case.pk)
        .order_by("person__personnummer")
        .first()
    )
    if other is not None:
        invitation = services.make_letter(
            actor=coordinator,
            case=other,
            template_id=_template(unit, "forsta-samtal").pk,
            inputs={"nasta_mote": f"{(today + timedelta(days=5)).isoformat()} kl. 13.30"},
        )
        services.send_letter(actor=coordinator, letter=invitation)

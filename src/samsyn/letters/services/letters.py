"""Writes of letters on a case: make (merge, PDF stored with the case), send (a covering
consent for an external actor, logged as a contact, the recipient's users notified
through the e-mail outbox), and the signed scan of a consent form recorded as the
person's consent. Every write checks permission, runs in one transaction and writes
its audit event."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Membership, Organisation
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.models import Case
from samsyn.collaboration.models import Channel, CoordinationPart, Purpose
from samsyn.collaboration.services import contacts as contact_services
from samsyn.consent import services as consent_services
from samsyn.consent.models import Category, GivenHow
from samsyn.core.files import stored_name
from samsyn.core.notify import notify
from samsyn.directory.models import ContactPerson
from samsyn.letters import sandbox
from samsyn.letters.models import (
    Letter,
    LetterStatus,
    LetterTemplate,
    LetterTemplateVersion,
    TemplateKind,
)
from samsyn.letters.selectors.merge import merge_context
from samsyn.letters.services._common import LetterError, audit
from samsyn.letters.services.pdf import letter_pdf


def _require_coordinator(actor: Actor, case: Case) -> None:
    if not access.is_coordinator_at(actor, case.unit_id):
        raise LetterError(gettext_noop("Bara rehabkoordinatorer vid enheten kan skriva brev."))
    if case.closed_at is not None:
        raise LetterError(gettext_noop("Ärendet är avslutat."))


def check_consent_draft(draft: dict) -> dict:
    """A consent form's draft as stored: external recipients, known categories, a period."""
    recipients = [
        str(o.pk)
        for o in Organisation.objects.filter(pk__in=draft.get("recipients", []))
        if o.is_external and o.merged_into_id is None
    ]
    categories = [c for c in Category.values if c in set(draft.get("categories", []))]
    if not recipients:
        raise LetterError(gettext_noop("Välj minst en mottagare av samtycket."))
    if not categories:
        raise LetterError(gettext_noop("Välj minst en uppgiftskategori."))
    valid_from, valid_to = draft.get("valid_from"), draft.get("valid_to")
    if not valid_from or not valid_to or valid_to < valid_from:
        raise LetterError(gettext_noop("Ange en giltig period för samtycket."))
    if not str(draft.get("purpose", "")).strip():
        raise LetterError(gettext_noop("Ange syftet med samtycket."))
    return {
        "recipients": recipients,
        "categories": categories,
        "valid_from": str(valid_from),
        "valid_to": str(valid_to),
        "purpose": str(draft["purpose"]).strip()[:300],
    }


def make_letter(
    *,
    actor: Actor,
    case: Case,
    template_id,
    recipient: Organisation | None = None,
    contact_person: ContactPerson | None = None,
    inputs: dict | None = None,
) -> Letter:
    """Merge the template's newest version for `case` and store the letter with its PDF."""
    _require_coordinator(actor, case)
    template = LetterTemplate.objects.filter(pk=template_id, unit_id=case.unit_id).first()
    if template is None:
        raise LetterError(gettext_noop("Mallen finns inte vid enheten."))
    version = LetterTemplateVersion.objects.get(template=template, number=template.head)
    inputs = dict(inputs or {})
    if template.kind == TemplateKind.CONSENT_FORM:
        inputs["consent"] = check_consent_draft(inputs.get("consent", {}))
        recipient, contact_person = None, None
    if recipient is not None and (not recipient.is_external or recipient.merged_into_id):
        raise LetterError(gettext_noop("Mottagaren måste vara en aktör i katalogen."))
    if contact_person is not None and (
        recipient is None or contact_person.organisation_id != recipient.pk
    ):
        raise LetterError(gettext_noop("Kontaktpersonen hör inte till mottagaren."))
    context = merge_context(
        actor=actor, case=case, recipient=recipient, contact_person=contact_person, inputs=inputs
    )
    subject = sandbox.render(version.subject, context)
    body = sandbox.render(version.body, context)
    if subject.error or body.error:
        raise LetterError(subject.error or body.error)
    made_on = timezone.localdate()
    data = letter_pdf(unit=case.unit, subject=subject.text, text=body.text, made_on=made_on)
    with transaction.atomic():
        letter = Letter(
            case=case,
            version=version,
            recipient=recipient,
            contact_person=contact_person,
            inputs=inputs,
            subject=subject.text[:300],
            text=body.text,
            status=LetterStatus.DRAFT,
            created_by=actor.user,
        )
        letter.pdf.save(stored_name("application/pdf"), ContentFile(data), save=False)
        letter.save()
        audit(
            actor,
            Action.CREATE,
            ObjectType.LETTER,
            letter.pk,
            case.person_id,
            template=template.key,
            version=version.number,
        )
    return letter


def _recipient_users(organisation: Organisation):
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, is_active=True, user__is_active=True
        ).select_related("user")
    ]


def send_letter(*, actor: Actor, letter: Letter) -> Letter:
    """Send the letter: to an external actor only under a consent covering the template's
    category (refused with `LetterError` naming the missing consent, the refusal logged);
    logged as a contact; the recipient's users in Samsyn get a notification e-mail (the
    outbox's job, nothing personal in it)."""
    case = letter.case
    _require_coordinator(actor, case)
    if letter.status == LetterStatus.SENT:
        raise LetterError(gettext_noop("Brevet är redan skickat."))
    template = letter.version.template
    if template.kind == TemplateKind.CONSENT_FORM:
        raise LetterError(gettext_noop("En samtyckesblankett skrivs ut och undertecknas."))
    consent_id = None
    if letter.recipient is not None:
        try:
            decision = access.disclose(
                actor=actor,
                case=case,
                recipient=letter.recipient,
                category=template.category,
                object_type=ObjectType.LETTER,
                object_id=letter.pk,
            )
        except access.ConsentMissing as exc:
            raise LetterError(exc.message) from None
        consent_id = decision.consent_id
    external = letter.recipient is not None
    with transaction.atomic():
        try:
            contact = contact_services.log_contact(
                actor=actor,
                case=case,
                occurred_at=timezone.now(),
                channel=Channel.LETTER,
                part=CoordinationPart.EXTERNAL if external else CoordinationPart.PERSONAL_SUPPORT,
                purpose=Purpose.OTHER,
                summary=f"Brev: {letter.subject}"[:500],
                organisation=letter.recipient,
                contact_person=letter.contact_person,
                protection_acknowledged=True,  # the merge never gives the address (merge.py)
            )
        except contact_services.ContactError as exc:
            raise LetterError(str(exc)) from None
        letter.status = LetterStatus.SENT
        letter.sent_at = timezone.now()
        letter.contact_id = contact.pk
        letter.consent_id = consent_id
        letter.save(update_fields=["status", "sent_at", "contact_id", "consent_id", "updated_at"])
        audit(
            actor,
            Action.DISCLOSE if external else Action.UPDATE,
            ObjectType.LETTER,
            letter.pk,
            case.person_id,
            recipient=str(letter.recipient_id or ""),
            consent=str(consent_id or ""),
        )
        if external:
            notify(
                users=_recipient_users(letter.recipient),
                path=reverse("letters:letter", args=[letter.pk]),
                key=f"letter:{letter.pk}",
            )
    return letter


def record_signed_consent(
    *, actor: Actor, letter: Letter, document: UploadedFile, given_on: date
) -> list:
    """The person signed the printed consent form: record its consent for each recipient
    (consent's own service, the scan attached to each) and link them to the letter."""
    case = letter.case
    _require_coordinator(actor, case)
    if letter.version.template.kind != TemplateKind.CONSENT_FORM:
        raise LetterError(gettext_noop("Brevet är ingen samtyckesblankett."))
    if letter.signed_consent_ids:
        raise LetterError(gettext_noop("Det undertecknade samtycket är redan registrerat."))
    draft = letter.inputs.get("consent", {})
    recipients = list(Organisation.objects.filter(pk__in=draft.get("recipients", [])))
    consents = []
    with transaction.atomic():
        for recipient in recipients:
            document.seek(0)
            try:
                consent = consent_services.record_consent(
                    actor=actor,
                    person=case.person,
                    recipient=recipient,
                    categories=draft["categories"],
                    purpose=draft["purpose"],
                    valid_from=date.fromisoformat(draft["valid_from"]),
                    valid_to=date.fromisoformat(draft["valid_to"]),
                    given_how=GivenHow.WRITTEN,
                    given_on=given_on,
                    document=document,
                )
            except consent_services.ConsentError as exc:
                raise LetterError(str(exc)) from None
            consents.append(consent)
        letter.signed_consent_ids = [str(c.pk) for c in consents]
        letter.status = LetterStatus.PRINTED
        letter.save(update_fields=["signed_consent_ids", "status", "updated_at"])
        audit(
            actor,
            Action.UPDATE,
            ObjectType.LETTER,
            letter.pk,
            case.person_id,
            consents=letter.signed_consent_ids,
        )
    return consents

"""Writes to the consent registry: record, change (a new version), withdraw.

Consents are never deleted. Every write checks permission, runs in one transaction and
writes its audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.cases import services as case_services
from samsyn.consent import selectors
from samsyn.consent.models import (
    RECORDED_HOW,
    Category,
    Consent,
    GivenHow,
    WithdrawnHow,
    default_valid_to,
    needs_diagnosis_reason,
)
from samsyn.core.files import prepare_upload, sniff_content_type
from samsyn.core.notify import notify
from samsyn.directory.models import ContactPerson
from samsyn.people.models import Person

MAX_VALIDITY = timedelta(days=2 * 365)
ALLOWED_DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_REASON_LENGTH = Consent._meta.get_field("diagnosis_reason").max_length


class ConsentError(Exception):
    """A consent could not be recorded, changed or withdrawn (message in Swedish)."""


def _require_coordinator(actor: Actor, person: Person) -> None:
    if not access.is_coordinator_at(actor, person.care_unit_id):
        raise ConsentError(gettext_noop("Bara rehabkoordinatorer vid enheten kan ändra samtycken."))


def _audit(actor: Actor, consent: Consent, action: str, ground=Ground.UNIT_MEMBERSHIP, **extra):
    """The write's audit event, and the person's worklist keys (consents in force), in
    the writer's transaction: every consent write passes here."""
    case_services.refresh_entries(person_ids=[consent.person_id])
    auditor.record(
        actor=actor,
        action=action,
        ground=ground,
        object_type=ObjectType.CONSENT,
        object_id=consent.pk,
        person_id=consent.person_id,
        ground_ref=consent.pk,
        extra=extra,
    )


def _check_document(document: UploadedFile | None) -> str:
    """The scan's sniffed content type ("" without a scan); refuses anything else."""
    if document is None:
        return ""
    if document.size > MAX_DOCUMENT_BYTES:
        raise ConsentError(gettext_noop("Det inskannade samtycket får vara högst 10 MB."))
    content_type = sniff_content_type(document)
    if content_type not in ALLOWED_DOCUMENT_TYPES:
        raise ConsentError(
            gettext_noop(
                "Det inskannade samtycket måste vara en PDF-fil eller en bild (JPEG, PNG)."
            )
        )
    return content_type


def _attach_document(consent: Consent, document: UploadedFile, content_type: str) -> None:
    """Store the scan under a random name with its sniffed type's extension; keep the
    client's file name as data."""
    consent.document_name = prepare_upload(document, content_type, "samtycke")
    consent.document_type = content_type
    consent.document = document


def _validate(
    *,
    recipient: Organisation,
    contact_person: ContactPerson | None,
    categories: Iterable[str],
    purpose: str,
    valid_from: date,
    valid_to: date,
    given_how: str,
    hows: Iterable[str] = RECORDED_HOW,
) -> list[str]:
    categories = [c for c in Category.values if c in set(categories)]
    if not categories:
        raise ConsentError(gettext_noop("Välj minst en uppgiftskategori."))
    if not recipient.is_external or recipient.merged_into_id is not None:
        raise ConsentError(gettext_noop("Mottagaren måste vara en aktör i katalogen."))
    if contact_person is not None and contact_person.organisation_id != recipient.pk:
        raise ConsentError(gettext_noop("Kontaktpersonen hör inte till mottagaren."))
    if not purpose.strip():
        raise ConsentError(gettext_noop("Ange syftet med samtycket."))
    if valid_to < valid_from:
        raise ConsentError(gettext_noop("Slutdatum kan inte vara före startdatum."))
    if valid_to - valid_from > MAX_VALIDITY:
        raise ConsentError(gettext_noop("Ett samtycke kan gälla i högst två år."))
    if given_how not in set(hows):
        raise ConsentError(gettext_noop("Ange hur samtycket lämnades."))
    return categories


def _diagnosis_reason(
    categories: list[str], recipient: Organisation, confirmed: bool, reason: str
) -> tuple[bool, str]:
    """The confirmation and reason to record: required for a diagnosis to an employer or
    occupational health service, nothing for any other consent (ADR 008)."""
    if not needs_diagnosis_reason(categories, recipient.type):
        return False, ""
    if not confirmed:
        raise ConsentError(
            gettext_noop(
                "Diagnos lämnas till en arbetsgivare eller företagshälsovård bara om personen "
                "uttryckligen har bett om det. Bekräfta det, eller ta bort Diagnos."
            )
        )
    if not reason.strip():
        raise ConsentError(
            gettext_noop("Ange personens skäl till att diagnosen ska lämnas till mottagaren.")
        )
    if len(reason.strip()) > MAX_REASON_LENGTH:
        raise ConsentError(gettext_noop("Personens skäl får vara högst 500 tecken."))
    return True, reason.strip()


def _unit_for(actor: Actor, person: Person):
    """The unit that discloses: the person's open case at the actor's units, if any."""
    case = access.scoped(actor, person.cases.filter(closed_at__isnull=True)).first()
    return case.unit if case is not None else actor.organisation


def record_consent(
    *,
    actor: Actor,
    person: Person,
    recipient: Organisation,
    categories: Iterable[str],
    purpose: str,
    valid_from: date,
    valid_to: date | None = None,
    given_how: str,
    given_on: date | None = None,
    contact_person: ContactPerson | None = None,
    document: UploadedFile | None = None,
    diagnosis_confirmed: bool = False,
    diagnosis_reason: str = "",
) -> Consent:
    """Record the person's consent to share `categories` with `recipient`. A diagnosis
    for an employer or occupational health service needs `diagnosis_confirmed` (the
    person explicitly asked for it) and the person's `diagnosis_reason`."""
    _require_coordinator(actor, person)
    valid_to = valid_to or default_valid_to(valid_from)
    cats = _validate(
        recipient=recipient,
        contact_person=contact_person,
        categories=categories,
        purpose=purpose,
        valid_from=valid_from,
        valid_to=valid_to,
        given_how=given_how,
    )
    confirmed, reason = _diagnosis_reason(cats, recipient, diagnosis_confirmed, diagnosis_reason)
    document_type = _check_document(document)
    with transaction.atomic():
        consent = Consent(
            person=person,
            unit=_unit_for(actor, person),
            recipient=recipient,
            contact_person=contact_person,
            categories=cats,
            purpose=purpose.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
            given_how=given_how,
            given_on=given_on or timezone.localdate(),
            diagnosis_confirmed=confirmed,
            diagnosis_reason=reason,
            recorded_by=actor.user,
        )
        if document is not None:
            _attach_document(consent, document, document_type)
        consent.save()
        # The reason is the person's own words about their health: not in the log.
        _audit(
            actor,
            consent,
            Action.CREATE,
            recipient=str(recipient.pk),
            categories=cats,
            **({"diagnosis_confirmed": True} if confirmed else {}),
        )
    return consent


def change_consent(
    *,
    actor: Actor,
    consent: Consent,
    categories: Iterable[str],
    purpose: str,
    valid_from: date,
    valid_to: date,
    given_how: str,
    given_on: date | None = None,
    contact_person: ContactPerson | None = None,
    document: UploadedFile | None = None,
    diagnosis_confirmed: bool = False,
    diagnosis_reason: str = "",
) -> Consent:
    """A change is a new version: the old one ends now and points to the new one.

    The new version keeps the old one's scanned document unless `document` replaces it.
    A diagnosis for an employer or occupational health service needs the person's
    confirmation and reason again (as `record_consent`), also when the old version was
    recorded without them.
    """
    _require_coordinator(actor, consent.person)
    if consent.withdrawn_at is not None or consent.replaced_at is not None:
        raise ConsentError(gettext_noop("Ett återkallat eller ersatt samtycke kan inte ändras."))
    cats = _validate(
        recipient=consent.recipient,
        contact_person=contact_person,
        categories=categories,
        purpose=purpose,
        valid_from=valid_from,
        valid_to=valid_to,
        given_how=given_how,
    )
    confirmed, reason = _diagnosis_reason(
        cats, consent.recipient, diagnosis_confirmed, diagnosis_reason
    )
    document_type = _check_document(document)
    now = timezone.now()
    with transaction.atomic():
        old = Consent.objects.select_for_update().get(pk=consent.pk)
        if old.withdrawn_at is not None or old.replaced_at is not None:
            raise ConsentError(
                gettext_noop("Ett återkallat eller ersatt samtycke kan inte ändras.")
            )
        old.replaced_at = now
        old.save(update_fields=["replaced_at", "updated_at"])
        new = Consent(
            person=old.person,
            unit=old.unit,
            recipient=old.recipient,
            contact_person=contact_person,
            categories=cats,
            purpose=purpose.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
            given_how=given_how,
            given_on=given_on or timezone.localdate(),
            document=old.document,
            document_name=old.document_name,
            document_type=old.document_type,
            diagnosis_confirmed=confirmed,
            diagnosis_reason=reason,
            recorded_by=actor.user,
            replaces=old,
        )
        if document is not None:
            _attach_document(new, document, document_type)
        new.save()
        _audit(
            actor,
            new,
            Action.UPDATE,
            replaces=str(old.pk),
            categories=cats,
            **({"diagnosis_confirmed": True} if confirmed else {}),
        )
    return new


def withdraw_consent(*, actor: Actor, consent: Consent, how: str) -> Consent:
    """Withdraw at once. The person may do it themself; so may a coordinator at the unit,
    who records how the person withdrew it. The unit's coordinator is told when the person
    withdraws it themself."""
    own = selectors.is_own_consent(actor=actor, consent=consent)
    if not own:
        _require_coordinator(actor, consent.person)
        if how not in {WithdrawnHow.WRITTEN, WithdrawnHow.ORAL}:
            raise ConsentError(gettext_noop("Ange hur samtycket återkallades."))
    else:
        how = WithdrawnHow.SELF_SERVICE
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_at is not None:
            raise ConsentError(gettext_noop("Samtycket är redan återkallat."))
        if locked.replaced_at is not None:
            raise ConsentError(gettext_noop("Samtycket har ersatts av en nyare version."))
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_how = how
        locked.withdrawn_by = actor.user
        locked.save(update_fields=["withdrawn_at", "withdrawn_how", "withdrawn_by", "updated_at"])
        ground = Ground.OWN_RECORD if own else Ground.UNIT_MEMBERSHIP
        _audit(actor, locked, Action.UPDATE, ground=ground, withdrawn=how)
        if own:
            _tell_coordinators(actor, locked)
    return locked


def _tell_coordinators(actor: Actor, consent: Consent, title: str = "") -> None:
    """A task for the responsible coordinator of each open case (through the task
    service, audited), and an e-mail notice."""
    cases = consent.person.cases.filter(closed_at__isnull=True, unit=consent.unit)
    coordinators = []
    for case in cases.select_related("responsible", "person"):
        if case.responsible is None:
            continue
        case_services.add_system_task(
            actor=actor,
            case=case,
            title=title or f"Samtycke återkallat av personen: {consent.recipient.name}",
            due_date=timezone.localdate(),
        )
        coordinators.append(case.responsible)
    notify(users=coordinators, path=reverse("consent:person", args=[consent.person_id]))


# ---- the person's own consents (issue 13 §5, issue 17 §8) --------------------------------

DEFAULT_OWN_PURPOSE = "Samordning av min rehabilitering och återgång i arbete"


def _own_person(actor: Actor) -> Person:
    """The person acting on their own consents (the policy's own record), or refused."""
    person_id = access.own_person_id(actor)
    if person_id is None:
        raise ConsentError(gettext_noop("Bara personen själv kan göra det här."))
    person = Person.objects.get(pk=person_id)
    if not access.person_decision(actor, person).allowed:
        raise ConsentError(gettext_noop("Bara personen själv kan göra det här."))
    return person


def give_own_consent(
    *,
    actor: Actor,
    recipient: Organisation,
    categories: Iterable[str],
    valid_to: date,
    purpose: str = "",
    diagnosis_confirmed: bool = False,
    diagnosis_reason: str = "",
) -> Consent:
    """The person gives a consent themself, logged in (given digitally, from today): to
    the care unit of their open case, for `recipient` and `categories` until `valid_to`.
    The same rules as a recorded consent (at most two years; a diagnosis for an employer
    or occupational health service only with the person's confirmation and reason). The
    case's coordinator gets a task and a notice."""
    person = _own_person(actor)
    case = (
        person.cases.filter(closed_at__isnull=True)
        .select_related("unit")
        .order_by("-created_at")
        .first()
    )
    if case is None:
        raise ConsentError(
            gettext_noop(
                "Du har inget pågående ärende hos en rehabkoordinator. Prata med vården om du "
                "vill att de ska dela uppgifter om dig."
            )
        )
    today = timezone.localdate()
    purpose = purpose.strip() or DEFAULT_OWN_PURPOSE
    cats = _validate(
        recipient=recipient,
        contact_person=None,
        categories=categories,
        purpose=purpose,
        valid_from=today,
        valid_to=valid_to,
        given_how=GivenHow.DIGITAL,
        hows=(GivenHow.DIGITAL,),
    )
    confirmed, reason = _diagnosis_reason(cats, recipient, diagnosis_confirmed, diagnosis_reason)
    with transaction.atomic():
        consent = Consent.objects.create(
            person=person,
            unit=case.unit,
            recipient=recipient,
            categories=cats,
            purpose=purpose,
            valid_from=today,
            valid_to=valid_to,
            given_how=GivenHow.DIGITAL,
            given_on=today,
            diagnosis_confirmed=confirmed,
            diagnosis_reason=reason,
            recorded_by=actor.user,
        )
        _audit(
            actor,
            consent,
            Action.CREATE,
            ground=Ground.OWN_RECORD,
            recipient=str(recipient.pk),
            categories=cats,
            given_how=GivenHow.DIGITAL.value,
            **({"diagnosis_confirmed": True} if confirmed else {}),
        )
        _tell_coordinators(
            actor, consent, title=f"Samtycke lämnat digitalt av personen: {recipient.name}"
        )
    return consent


def end_collaboration(*, actor: Actor) -> list[Consent]:
    """The person ends the whole collaboration at once: every consent of theirs that is in
    force or about to start is withdrawn now, each on record, and the coordinator of each
    unit gets one task and a notice."""
    person = _own_person(actor)
    now, today = timezone.now(), timezone.localdate()
    with transaction.atomic():
        consents = list(
            Consent.objects.select_for_update()
            .filter(
                person=person,
                withdrawn_at__isnull=True,
                replaced_at__isnull=True,
                valid_to__gte=today,
            )
            .order_by("created_at")
        )
        if not consents:
            raise ConsentError(gettext_noop("Du har inga samtycken som gäller."))
        for consent in consents:
            consent.withdrawn_at = now
            consent.withdrawn_how = WithdrawnHow.SELF_SERVICE
            consent.withdrawn_by = actor.user
            consent.save(
                update_fields=["withdrawn_at", "withdrawn_how", "withdrawn_by", "updated_at"]
            )
            _audit(
                actor,
                consent,
                Action.UPDATE,
                ground=Ground.OWN_RECORD,
                withdrawn=WithdrawnHow.SELF_SERVICE.value,
                ended_collaboration=True,
            )
        told = set()
        title = f"Personen har avslutat all samverkan ({len(consents)} samtycken återkallade)"
        for consent in consents:
            if consent.unit_id in told:
                continue
            told.add(consent.unit_id)
            _tell_coordinators(actor, consent, title=title)
    return consents

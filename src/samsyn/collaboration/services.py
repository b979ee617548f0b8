"""Writes of the contact log and secure messages.

Each service checks permission (role rules, then the consent policy for anything that
reaches an external actor), runs in one transaction with its audit event, and e-mails
notifications after commit. Consent decisions are logged by `consent.selectors` before
the transaction, so a refusal stays in the access log.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import EXTERNAL_ROLES, Organisation, OrganisationType, Role, User
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground
from samsyn.cases import services as case_services
from samsyn.cases.models import Case
from samsyn.collaboration.legal import request_facts
from samsyn.collaboration.models import (
    Attachment,
    Channel,
    ContactEvent,
    CoordinationPart,
    FkTopic,
    Message,
    MessageRead,
    Purpose,
    Thread,
    ThreadKind,
)
from samsyn.consent import policy
from samsyn.consent import selectors as consent_selectors
from samsyn.consent.models import Category
from samsyn.consent.policy import Act
from samsyn.core.files import sniff_content_type
from samsyn.core.notify import notify
from samsyn.directory.models import ContactPerson
from samsyn.sickleave.models import Certificate

ALLOWED_ATTACHMENT_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
# Care staff who write messages; unit managers read only.
MESSAGE_WRITERS = frozenset({Role.COORDINATOR, Role.PHYSICIAN})


class ContactError(Exception):
    """A contact could not be logged; the message is Swedish and safe to show."""


class MessageError(Exception):
    """A thread or message was refused; the message is Swedish and safe to show."""


# ---- the contact log ---------------------------------------------------------------


def _check_contact_fields(case: Case, occurred_at: datetime, channel, part, purpose, summary):
    if case.closed_at is not None:
        raise ContactError(gettext_noop("Ärendet är avslutat."))
    if channel not in Channel.values:
        raise ContactError(gettext_noop("Välj hur kontakten togs."))
    if part not in CoordinationPart.values:
        raise ContactError(gettext_noop("Välj vilken del av koordineringen kontakten gällde."))
    if purpose not in Purpose.values:
        raise ContactError(gettext_noop("Välj syftet med kontakten."))
    if not summary.strip():
        raise ContactError(gettext_noop("Skriv en kort sammanfattning."))
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ContactError(gettext_noop("Tidpunkten kan inte vara i framtiden."))


def _check_counterpart(part, organisation, contact_person, case, acknowledged) -> None:
    if contact_person is not None and (
        organisation is None or contact_person.organisation_id != organisation.pk
    ):
        raise ContactError(gettext_noop("Kontaktpersonen hör inte till den valda aktören."))
    if part != CoordinationPart.EXTERNAL:
        if organisation is not None and organisation.is_external:
            raise ContactError(
                gettext_noop(
                    "Kontakter med externa aktörer registreras som ”Samverkan med andra aktörer”."
                )
            )
        return
    if organisation is None or not organisation.is_external or organisation.merged_into_id:
        raise ContactError(gettext_noop("Välj vilken aktör i katalogen kontakten gällde."))
    if case.person.needs_protection and not acknowledged:
        raise ContactError(
            gettext_noop(
                "Personen har skyddade personuppgifter eller risk för våld. Bekräfta att du "
                "inte lämnar ut adress eller kontaktuppgifter."
            )
        )


def _steps_text(next_steps: Sequence[tuple[str, date]]) -> str:
    return "\n".join(f"{title} ({due.isoformat()})" for title, due in next_steps)


def log_contact(
    *,
    actor: Actor,
    case: Case,
    occurred_at: datetime,
    channel: str,
    part: str,
    purpose: str,
    summary: str,
    organisation: Organisation | None = None,
    contact_person: ContactPerson | None = None,
    with_whom: str = "",
    next_steps: Iterable[tuple[str, date]] = (),
    protection_acknowledged: bool = False,
) -> ContactEvent:
    """Log a contact on the case; an external contact needs a consent covering contact."""
    if actor.role != Role.COORDINATOR or case.unit_id not in actor.care_unit_ids():
        raise ContactError(gettext_noop("Bara rehabkoordinatorer vid enheten kan logga kontakter."))
    steps = [(title.strip(), due) for title, due in next_steps if title.strip()]
    _check_contact_fields(case, occurred_at, channel, part, purpose, summary)
    _check_counterpart(part, organisation, contact_person, case, protection_acknowledged)
    event = ContactEvent(
        case=case,
        occurred_at=occurred_at,
        channel=channel,
        part=part,
        purpose=purpose,
        summary=summary.strip(),
        organisation=organisation,
        contact_person=contact_person,
        with_whom=with_whom.strip(),
        next_steps=_steps_text(steps),
        created_by=actor.user,
    )
    if part == CoordinationPart.EXTERNAL:
        try:
            decision = consent_selectors.authorize_disclosure(
                actor=actor,
                case=case,
                recipient=organisation,
                category=Category.CONTACT,
                object_type="contact",
                object_id=event.pk,
            )
        except consent_selectors.ConsentMissing as exc:
            raise ContactError(exc.message) from None
        event.consent_id = decision.consent_id
    with transaction.atomic():
        event.save()
        for title, due in steps:
            try:
                case_services.add_task(actor=actor, case=case, title=title[:200], due_date=due)
            except case_services.CaseError as exc:
                raise ContactError(str(exc)) from None
        auditor.record(
            actor=actor,
            action=Action.CREATE,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type="contact",
            object_id=event.pk,
            person_id=case.person_id,
            extra={
                "part": part,
                "organisation": str(organisation.pk) if organisation else "",
                "consent": str(event.consent_id or ""),
                "tasks": len(steps),
            },
        )
    return event


# ---- secure messages ---------------------------------------------------------------


def thread_category(kind: str) -> str:
    """The consent category a thread of this kind shares with its party."""
    if kind == ThreadKind.FK_REHAB_NEED:
        return Category.INFORM_FK_REHAB_NEED
    return Category.MESSAGES


def is_care_writer(actor: Actor, case: Case) -> bool:
    return actor.role in MESSAGE_WRITERS and case.unit_id in actor.care_unit_ids()


def _is_external(actor: Actor) -> bool:
    return actor.role in EXTERNAL_ROLES and actor.organisation is not None


def check_attachments(attachments: Sequence) -> list[tuple[object, str]]:
    """Each upload with the content type its bytes show; refuses anything else."""
    if len(attachments) > MAX_ATTACHMENTS:
        raise MessageError(gettext_noop("Du kan bifoga högst 5 filer per meddelande."))
    checked = []
    for upload in attachments:
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise MessageError(gettext_noop("En bifogad fil får vara högst 10 MB."))
        content_type = sniff_content_type(upload)
        if content_type not in ALLOWED_ATTACHMENT_TYPES:
            raise MessageError(
                gettext_noop("Bifogade filer måste vara PDF-filer eller bilder (JPEG, PNG).")
            )
        checked.append((upload, content_type))
    return checked


def _authorize_post(actor: Actor, thread: Thread, message_id) -> policy.Decision:
    """Care staff disclose to the party; the party writes under its own consent."""
    case = thread.case
    category = thread_category(thread.kind)
    request = request_facts(thread)
    if is_care_writer(actor, case):
        try:
            return consent_selectors.authorize_disclosure(
                actor=actor,
                case=case,
                recipient=thread.party,
                category=category,
                object_type="message",
                object_id=message_id,
                request=request,
            )
        except consent_selectors.ConsentMissing as exc:
            raise MessageError(exc.message) from None
    if _is_external(actor) and actor.organisation.pk == thread.party_id:
        decision = consent_selectors.authorize(
            actor=actor,
            case=case,
            category=category,
            act=Act.WRITE,
            object_type="message",
            object_id=message_id,
            request=request,
        )
        if decision.allowed:
            return decision
        label = str(dict(Category.choices).get(category, category)).lower()
        raise MessageError(
            policy.explain(decision, recipient=actor.organisation.name, category=label)
        )
    raise MessageError(gettext_noop("Du kan inte skriva i den här konversationen."))


def _create_message(actor, thread, message_id, body, checked, decision) -> Message:
    message = Message.objects.create(
        id=message_id,
        thread=thread,
        author=actor.user,
        organisation=actor.organisation,
        body=body.strip(),
        consent_id=decision.consent_id,
        harm_assessment_id=(
            decision.legal_ref if decision.rule == policy.Rule.HARM_ASSESSMENT else None
        ),
    )
    for upload, content_type in checked:
        name = os.path.basename(upload.name or "bilaga")[:200]
        Attachment.objects.create(
            message=message,
            file=upload,
            filename=name,
            content_type=content_type,
            size=upload.size,
        )
    auditor.record(
        actor=actor,
        action=Action.CREATE,
        ground=str(decision.ground),
        object_type="message",
        object_id=message.pk,
        person_id=thread.case.person_id,
        ground_ref=decision.ground_ref or "",
        extra={"thread": str(thread.pk), "attachments": len(checked)},
    )
    return message


def party_readers(thread: Thread) -> list[User]:
    """The party's users whom the policy lets read the thread now."""
    case = thread.case
    users = list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=thread.party_id,
            memberships__is_active=True,
            memberships__role__in=EXTERNAL_ROLES,
        )
        .distinct()
        .prefetch_related("memberships")
    )
    facts = consent_selectors.consent_facts(
        person_ids=[case.person_id], recipient_id=thread.party_id
    ).get(case.person_id, [])
    request = request_facts(thread)
    now = timezone.now()
    readers = []
    for user in users:
        role = next(
            m.role
            for m in user.memberships.all()
            if m.organisation_id == thread.party_id and m.is_active and m.role in EXTERNAL_ROLES
        )
        decision = policy.decide(
            party=policy.Party(organisation_id=thread.party_id, role=role, user_id=user.pk),
            act=Act.READ,
            category=thread_category(thread.kind),
            case=consent_selectors.case_facts(case),
            consents=facts,
            at=now,
            request=request,
        )
        if decision.allowed:
            readers.append(user)
    return readers


def _notify_other_side(actor: Actor, thread: Thread) -> None:
    path = reverse("collaboration:thread", args=[thread.pk])
    if _is_external(actor):
        users = [thread.case.responsible] if thread.case.responsible_id else []
        if not users:  # no responsible coordinator yet: the unit's coordinators
            users = User.objects.filter(
                is_active=True,
                memberships__organisation_id=thread.case.unit_id,
                memberships__role=Role.COORDINATOR,
                memberships__is_active=True,
            ).distinct()
    else:
        users = party_readers(thread)
    notify(users=[u for u in users if u.pk != actor.user.pk], path=path)


def _check_fk_question(actor, case, fk_topic, certificate, answer_by) -> None:
    if actor.role != Role.FK_OFFICER:
        raise MessageError(gettext_noop("Bara Försäkringskassan kan ställa frågor om intyg."))
    if fk_topic not in FkTopic.values:
        raise MessageError(gettext_noop("Välj frågans ämne."))
    if answer_by is None:
        raise MessageError(gettext_noop("Ange när svaret senast ska lämnas."))
    if answer_by < timezone.localdate():
        raise MessageError(gettext_noop("Svarsdatumet har redan passerat."))
    if certificate is not None and certificate.person_id != case.person_id:
        raise MessageError(gettext_noop("Intyget gäller inte personen i ärendet."))


def _check_start(actor, case, party, kind, subject, body, fk_topic, certificate, answer_by):
    if not case.is_open:
        raise MessageError(gettext_noop("Ärendet är avslutat."))
    if not subject.strip() or not body.strip():
        raise MessageError(gettext_noop("Skriv ett ämne och ett meddelande."))
    if kind not in ThreadKind.values:
        raise MessageError(gettext_noop("Välj typ av meddelande."))
    if not party.is_external or party.merged_into_id is not None:
        raise MessageError(gettext_noop("Mottagaren måste vara en aktör i katalogen."))
    if is_care_writer(actor, case):
        if kind == ThreadKind.FK_QUESTION:
            raise MessageError(gettext_noop("Bara Försäkringskassan kan ställa frågor om intyg."))
        if kind == ThreadKind.FK_REHAB_NEED and party.type != OrganisationType.FK_OFFICE:
            raise MessageError(
                gettext_noop("Information om rehabiliteringsbehov skickas till Försäkringskassan.")
            )
        return
    if not _is_external(actor) or actor.organisation.pk != party.pk:
        raise MessageError(gettext_noop("Du kan inte starta en konversation i ärendet."))
    if kind == ThreadKind.FK_REHAB_NEED:
        raise MessageError(gettext_noop("Välj typ av meddelande."))
    if kind == ThreadKind.FK_QUESTION:
        _check_fk_question(actor, case, fk_topic, certificate, answer_by)


def start_thread(
    *,
    actor: Actor,
    case: Case,
    party: Organisation,
    subject: str,
    body: str,
    kind: str = ThreadKind.GENERAL,
    fk_topic: str = "",
    certificate: Certificate | None = None,
    answer_by: date | None = None,
    attachments: Sequence = (),
) -> Thread:
    """Start a conversation on the case between the care unit and `party`."""
    _check_start(actor, case, party, kind, subject, body, fk_topic, certificate, answer_by)
    checked = check_attachments(attachments)
    fk_question = kind == ThreadKind.FK_QUESTION
    thread = Thread(
        case=case,
        party=party,
        subject=subject.strip(),
        kind=kind,
        fk_topic=fk_topic if fk_question else "",
        certificate=certificate if fk_question else None,
        answer_by=answer_by if fk_question else None,
        created_by=actor.user,
    )
    message_id = uuid.uuid4()
    decision = _authorize_post(actor, thread, message_id)
    with transaction.atomic():
        thread.save()
        _create_message(actor, thread, message_id, body, checked, decision)
        _notify_other_side(actor, thread)
    return thread


def post_message(*, actor: Actor, thread: Thread, body: str, attachments: Sequence = ()) -> Message:
    """Post in a thread. A care reply answers Försäkringskassan's question."""
    if not body.strip():
        raise MessageError(gettext_noop("Skriv ett meddelande."))
    checked = check_attachments(attachments)
    message_id = uuid.uuid4()
    decision = _authorize_post(actor, thread, message_id)
    care_reply = is_care_writer(actor, thread.case)
    with transaction.atomic():
        message = _create_message(actor, thread, message_id, body, checked, decision)
        fields = ["updated_at"]
        if care_reply and thread.awaits_answer:
            thread.answered_at = timezone.now()
            fields.append("answered_at")
        thread.save(update_fields=fields)
        _notify_other_side(actor, thread)
    return message


def mark_read(*, actor: Actor, thread: Thread) -> int:
    """Read receipts for the messages of others in the thread; returns how many are new.

    `thread` comes from `selectors.thread_for`, which checked and logged the access.
    """
    if actor.user is None:
        return 0
    unread = thread.messages.exclude(author=actor.user).exclude(reads__user=actor.user)
    now = timezone.now()
    rows = [
        MessageRead(message_id=pk, user=actor.user, read_at=now)
        for pk in unread.values_list("pk", flat=True)
    ]
    MessageRead.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)

"""Writes of secure messages: start a thread, post in it, mark it read.

Each service checks permission (role rules, then the consent policy through
`samsyn.access` for anything that reaches an external actor), runs in one transaction
with its audit event, and e-mails notifications after commit. The access decision is
logged before the transaction, so a refusal stays in the access log.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation, OrganisationType
from samsyn.accounts.roles import Role
from samsyn.accounts.selectors import coordinators_at
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.index import refresh_entries
from samsyn.cases.models import Case
from samsyn.collaboration.models import (
    Attachment,
    FkTopic,
    Message,
    MessageRead,
    Thread,
    ThreadKind,
)
from samsyn.collaboration.selectors.messages import party_readers
from samsyn.collaboration.threads import thread_category
from samsyn.consent.policy import Act, Decision, Rule
from samsyn.core.files import prepare_upload, sniff_content_type
from samsyn.core.notify import notify
from samsyn.sickleave.models import Certificate

ALLOWED_ATTACHMENT_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5


class MessageError(Exception):
    """A thread or message was refused; the message is Swedish and safe to show."""


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


def _is_party(actor: Actor, thread_party_id) -> bool:
    return access.is_external(actor) and actor.organisation.pk == thread_party_id


def _authorize_post(actor: Actor, thread: Thread, message_id) -> Decision:
    """Care staff disclose to the party; the party writes under its own consent."""
    case = thread.case
    category = thread_category(thread.kind)
    request = access.request_facts(thread)
    if access.is_care_writer(actor, case.unit_id):
        try:
            return access.disclose(
                actor=actor,
                case=case,
                recipient=thread.party,
                category=category,
                object_type=ObjectType.MESSAGE,
                object_id=message_id,
                request=request,
            )
        except access.ConsentMissing as exc:
            raise MessageError(exc.message) from None
    if _is_party(actor, thread.party_id):
        decision = access.authorize(
            actor=actor,
            case=case,
            category=category,
            act=Act.WRITE,
            object_type=ObjectType.MESSAGE,
            object_id=message_id,
            request=request,
        )
        if decision.allowed:
            return decision
        raise MessageError(
            access.explain(decision, recipient=actor.organisation.name, category=category)
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
        harm_assessment_id=(decision.legal_ref if decision.rule == Rule.HARM_ASSESSMENT else None),
    )
    for upload, content_type in checked:
        name = prepare_upload(upload, content_type, "bilaga")
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
        object_type=ObjectType.MESSAGE,
        object_id=message.pk,
        person_id=thread.case.person_id,
        ground_ref=decision.ground_ref or "",
        extra={"thread": str(thread.pk), "attachments": len(checked)},
    )
    return message


def _notify_other_side(actor: Actor, thread: Thread) -> None:
    path = reverse("collaboration:thread", args=[thread.pk])
    if access.is_external(actor):
        users = [thread.case.responsible] if thread.case.responsible_id else []
        if not users:  # no responsible coordinator yet: the unit's coordinators
            users = coordinators_at(unit_id=thread.case.unit_id)
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
    if access.is_care_writer(actor, case.unit_id):
        if kind == ThreadKind.FK_QUESTION:
            raise MessageError(gettext_noop("Bara Försäkringskassan kan ställa frågor om intyg."))
        if kind == ThreadKind.FK_REHAB_NEED and party.type != OrganisationType.FK_OFFICE:
            raise MessageError(
                gettext_noop("Information om rehabiliteringsbehov skickas till Försäkringskassan.")
            )
        return
    if not _is_party(actor, party.pk):
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
        if fk_question:  # the worklist's count of unanswered questions
            refresh_entries(person_ids=[case.person_id])
    return thread


def post_message(*, actor: Actor, thread: Thread, body: str, attachments: Sequence = ()) -> Message:
    """Post in a thread. A care reply answers Försäkringskassan's question."""
    if not body.strip():
        raise MessageError(gettext_noop("Skriv ett meddelande."))
    checked = check_attachments(attachments)
    message_id = uuid.uuid4()
    decision = _authorize_post(actor, thread, message_id)
    care_reply = access.is_care_writer(actor, thread.case.unit_id)
    with transaction.atomic():
        message = _create_message(actor, thread, message_id, body, checked, decision)
        fields = ["updated_at"]
        if care_reply and thread.awaits_answer:
            thread.answered_at = timezone.now()
            fields.append("answered_at")
        thread.save(update_fields=fields)
        _notify_other_side(actor, thread)
        if "answered_at" in fields:  # the worklist's count of unanswered questions
            refresh_entries(person_ids=[thread.case.person_id])
    return message


def mark_read(*, actor: Actor, thread: Thread) -> int:
    """Read receipts for the messages of others in the thread; returns how many are new.

    `thread` comes from `selectors.messages.thread_for`, which checked and logged the access.
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

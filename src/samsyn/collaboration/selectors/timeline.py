"""Collaboration's contribution to the one timeline (issue 13 §6): contacts and messages.

The caller (`overview.selectors.timeline`) decided and logged the read of the case and
passes the categories allowed (`access.decide_many`). What each viewer sees:
- care staff at the case's unit: every contact (with its summary) and every message, each
  linking to its thread;
- the person themself: that a contact or a message took place and with whom, never the
  coordinator's notes or the messages' text;
- an external actor: only their own organisation's contacts (under `contact`) and
  messages in their own threads whose category is allowed, linking to the thread.
One query per kind.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.cases.models import Case
from samsyn.collaboration.models import Channel, ContactEvent, Message, Purpose
from samsyn.collaboration.threads import thread_category
from samsyn.consent.models import Category
from samsyn.consent.policy import Decision
from samsyn.core.timeline import EventKind, TimelineEvent


def _allows(allowed: Mapping[str, Decision], category: str) -> bool:
    decision = allowed.get(category)
    return decision is not None and decision.allowed


def _viewer(actor: Actor, case: Case) -> str:
    """ "care", "own" or "external" (the caller has already refused anyone else)."""
    if access.care_staff_at(actor, case.unit_id):
        return "care"
    own = access.own_person_id(actor)
    if own is not None and own == case.person_id:
        return "own"
    return "external"


def contact_events(
    *, actor: Actor, case: Case, allowed: Mapping[str, Decision]
) -> list[TimelineEvent]:
    viewer = _viewer(actor, case)
    contacts = ContactEvent.objects.filter(case=case).select_related("organisation", "created_by")
    if viewer == "external":
        if not _allows(allowed, Category.CONTACT):
            return []
        contacts = contacts.filter(organisation=actor.organisation)
    channels, purposes = dict(Channel.choices), dict(Purpose.choices)
    events = []
    for contact in contacts.order_by("-occurred_at"):
        whom = contact.organisation.name if contact.organisation_id else contact.with_whom
        title = _("Kontakt med %(whom)s (%(channel)s): %(purpose)s") % {
            "whom": whom or _("personen"),
            "channel": str(channels.get(contact.channel, contact.channel)).lower(),
            "purpose": purposes.get(contact.purpose, ""),
        }
        plain = (
            _("Din rehabkoordinator hade kontakt med %(whom)s.") % {"whom": whom}
            if contact.organisation_id
            else _("Din rehabkoordinator hade kontakt med dig.")
        )
        events.append(
            TimelineEvent(
                at=contact.occurred_at,
                kind=EventKind.CONTACT,
                title=title,
                plain=plain,
                detail=contact.summary if viewer == "care" else "",
                actor=contact.created_by.display_name if viewer != "own" else "",
            )
        )
    return events


def message_events(
    *, actor: Actor, case: Case, allowed: Mapping[str, Decision]
) -> list[TimelineEvent]:
    viewer = _viewer(actor, case)
    messages = Message.objects.filter(thread__case=case).select_related(
        "thread__party", "organisation", "author"
    )
    if viewer == "external":
        messages = messages.filter(thread__party=actor.organisation)
    events = []
    for message in messages.order_by("-created_at"):
        thread = message.thread
        if viewer == "external" and not _allows(allowed, thread_category(thread.kind)):
            continue
        sender = message.organisation.name if message.organisation_id else ""
        events.append(
            TimelineEvent(
                at=message.created_at,
                kind=EventKind.MESSAGE,
                title=_("Meddelande från %(sender)s: %(subject)s")
                % {"sender": sender, "subject": thread.subject},
                plain=_("Vården och %(party)s skrev till varandra om ditt ärende.")
                % {"party": thread.party.name},
                url="" if viewer == "own" else reverse("collaboration:thread", args=[thread.pk]),
                actor="" if viewer == "own" else message.author.display_name,
            )
        )
    return events

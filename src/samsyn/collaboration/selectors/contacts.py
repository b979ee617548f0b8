"""Reads of the contact log: care staff at the case's unit only, every read logged."""

from __future__ import annotations

from django.http import Http404

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.models import Case
from samsyn.collaboration.models import ContactEvent


def case_for_contacts(*, actor: Actor, case_id) -> Case:
    """A case of the actor's care units, for the contact log; else 404. The log's read is
    logged by `contacts_for_case`."""
    case = access.scoped(actor, Case.objects.select_related("person")).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def contacts_for_case(*, actor: Actor, case: Case) -> list[ContactEvent]:
    """The case's contacts, newest first (care staff at the unit; logged)."""
    if not access.care_staff_at(actor, case.unit_id):
        raise Http404
    contacts = list(
        ContactEvent.objects.filter(case=case)
        .select_related("organisation", "contact_person", "created_by")
        .order_by("-occurred_at", "-created_at")
    )
    access.record_care_reads(
        actor=actor, object_type=ObjectType.CONTACTS, rows=[(case.pk, case.person_id)]
    )
    return contacts

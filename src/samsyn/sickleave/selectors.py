"""Reads of the sick-leave app. Every read of personal data is logged.

The look-up of a person by personnummer lives in `people.selectors`; kept here for the
certificate form. The certificates' contribution to the one timeline (issue 13 §6) and
to the person's own view is read here too; their callers decide and log the read.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.consent.models import Category
from samsyn.consent.policy import Decision
from samsyn.core.timeline import EventKind, TimelineEvent
from samsyn.people.selectors import find_person_for
from samsyn.sickleave.models import Certificate, CertificateStatus

__all__ = ["certificate_events", "own_certificates", "find_person_for"]


def _visible_certificates(actor: Actor, person_id):
    """The person's certificates of the types the actor sees (every type for care staff
    and the person themself, the role's own copies for an external actor), revoked ones
    left out, newest first, with their periods (two queries)."""
    certificates = Certificate.objects.filter(person_id=person_id).exclude(
        status=CertificateStatus.REVOKED
    )
    types = access.certificate_types(actor=actor)
    if types is not None:
        certificates = certificates.filter(type__in=types)
    return (
        certificates.select_related("physician").prefetch_related("periods").order_by("-signed_at")
    )


def own_certificates(*, actor: Actor, person_id) -> list[Certificate]:
    """The person's own valid certificates, for their own view (the caller read the person
    through `access.get_person` and logged it)."""
    if access.own_person_id(actor) != person_id:
        return []
    return [
        c for c in _visible_certificates(actor, person_id) if c.status == CertificateStatus.VALID
    ]


def certificate_events(
    *, actor: Actor, case, allowed: Mapping[str, Decision], plain_names: Mapping[str, str]
) -> list[TimelineEvent]:
    """One event per certificate signed, under `certificates` (the caller decided and
    logged the read of the case). `plain_names` are the certificate types in the person's
    words."""
    decision = allowed.get(Category.CERTIFICATES)
    if decision is None or not decision.allowed:
        return []
    events = []
    for certificate in _visible_certificates(actor, case.person_id):
        periods = ", ".join(
            f"{p.start.isoformat()} – {p.end.isoformat()} {p.degree} %"
            for p in certificate.periods.all()
        )
        events.append(
            TimelineEvent(
                at=certificate.signed_at,
                kind=EventKind.CERTIFICATE,
                title=_("Läkarintyg %(type)s: %(periods)s")
                % {"type": certificate.type, "periods": periods},
                plain=_("%(name)s: %(periods)s")
                % {"name": plain_names.get(certificate.type, certificate.type), "periods": periods},
                detail=_("Ersatt av ett senare intyg")
                if certificate.status != CertificateStatus.VALID
                else "",
                actor=certificate.physician_display,
            )
        )
    return events

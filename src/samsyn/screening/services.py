"""Writes of screening responses: the unit's coordinator or physician enters a response
on a case, or the person fills in their own before a meeting. Scored by the pure engine
(`scoring`) and stored with the instrument's version; logged in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.cases.models import Case
from samsyn.screening import scoring
from samsyn.screening.models import EnteredBy, ScreeningResponse


class ScreeningError(Exception):
    """A response could not be saved; the message is Swedish and safe to show."""


def _who(actor: Actor, case: Case) -> tuple[str, str]:
    """(entered by, ground) for an actor who may enter a response on the case, else a
    logged denial and a 404."""
    if access.is_care_writer(actor, case.unit_id):
        return EnteredBy.STAFF, Ground.UNIT_MEMBERSHIP
    own = access.own_person_id(actor)
    if own is not None and own == case.person_id:
        return EnteredBy.PERSON, Ground.OWN_RECORD
    access.record_denial(
        actor=actor,
        rule="screening_write_care_writer_or_person",
        object_type=ObjectType.SCREENING_RESPONSE,
        object_id=case.pk,
        person_id=case.person_id,
    )
    raise access.Denied


def record_response(
    *,
    actor: Actor,
    case: Case,
    instrument: str,
    answers: Mapping[str, int | None],
    taken_on: date | None = None,
) -> ScreeningResponse:
    """Score and store one filled-in questionnaire on the case. The person's own response
    is dated today; staff may date a paper form back."""
    entered_by, ground = _who(actor, case)
    if case.closed_at is not None:
        raise ScreeningError(gettext_noop("Ärendet är avslutat."))
    today = timezone.localdate()
    if entered_by == EnteredBy.PERSON or taken_on is None:
        taken_on = today
    if taken_on > today:
        raise ScreeningError(gettext_noop("Datumet kan inte vara i framtiden."))
    try:
        inst = scoring.instrument(instrument)
    except KeyError as exc:
        raise ScreeningError(gettext_noop("Okänt formulär.")) from exc
    clean = {i.key: answers.get(i.key) for i in inst.items}
    if all(v is None for v in clean.values()):
        raise ScreeningError(gettext_noop("Svara på minst en fråga."))
    try:
        result = scoring.score(inst, clean)
    except scoring.AnswerError as exc:
        raise ScreeningError(gettext_noop("Ett svar passar inte frågan.")) from exc
    with transaction.atomic():
        response = ScreeningResponse.objects.create(
            case=case,
            person_id=case.person_id,
            instrument=inst.code,
            instrument_version=inst.version,
            answers=clean,
            total=result.total,
            prorated=result.prorated,
            lowest_possible=result.lowest_possible,
            band=result.band.code if result.band else "",
            over_cutoff=result.over_cutoff,
            item_flags=[f.code for f in result.item_flags],
            flagged=result.flagged,
            taken_on=taken_on,
            entered_by=entered_by,
            created_by=actor.user,
        )
        auditor.record(
            actor=actor,
            action=Action.CREATE,
            ground=ground,
            object_type=ObjectType.SCREENING_RESPONSE,
            object_id=response.pk,
            person_id=case.person_id,
            extra={"instrument": inst.code, "entered_by": entered_by},
        )
    return response

"""Demo data for meetings (issue 15): Lena Forsberg's avstämningsmöte with Nordbygg and
Försäkringskassan, answered by some, held, with finalised minutes whose decisions became
measures in her plan; an upcoming SIP-möte with social services; a cancelled meeting.
Everything goes through the real services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from samsyn.accounts.models import Organisation, Role, User
from samsyn.cases.models import Case
from samsyn.consent import services as consent_services
from samsyn.core.demo.collaboration import _actor
from samsyn.meetings import services
from samsyn.meetings.content import Answer, MeetingKind, Mode, PointKind
from samsyn.meetings.models import Meeting
from samsyn.people.models import Person


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _book(coordinator, case, kind, day, hour, participants, **kw) -> Meeting:
    return services.book_meeting(
        actor=coordinator,
        case=case,
        data=services.MeetingInput(
            kind=kind,
            starts_at=_at(day, hour),
            ends_at=_at(day, hour + 1),
            participants=tuple(participants),
            **kw,
        ),
    )


def build_meetings(*, today: date, unit: Organisation) -> None:
    patient = Person.objects.filter(user__username="patient").first()
    case = Case.objects.open().filter(person=patient, unit=unit).first() if patient else None
    if case is None or Meeting.objects.filter(case=case).exists():
        return
    coordinator = _actor("koordinator", Role.COORDINATOR)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["hr.nordbygg", "fk", "socialtjanst", "lakare"])
    }
    orgs = {
        o.code: o
        for o in Organisation.objects.filter(code__in=["556000-0001", "FK-DEMO-1", "212000-0001"])
    }
    # The person agreed that Försäkringskassan and social services take part in meetings.
    for code in ("FK-DEMO-1", "212000-0001"):
        consent_services.record_consent(
            actor=coordinator,
            person=patient,
            recipient=orgs[code],
            categories=["contact", "meetings"],
            purpose="Möten om återgång i arbete och en samordnad plan",
            valid_from=today - timedelta(days=20),
            valid_to=None,
            given_how="written",
        )
    held = _book(
        coordinator,
        case,
        MeetingKind.AVSTAMNING,
        today - timedelta(days=7),
        9,
        [
            f"u:{users['hr.nordbygg'].pk}",
            f"u:{users['fk'].pk}",
            f"u:{users['lakare'].pk}",
            "person",
        ],
        purpose="Stämma av Lenas arbetsförmåga och vad som behövs för att hon ska kunna "
        "börja arbeta halvtid.",
        agenda="1. Hur det går just nu\n2. Arbetsförmåga och begränsningar\n"
        "3. Anpassningar hos Nordbygg\n4. Vem gör vad",
        mode=Mode.VIDEO,
        video_link="https://video.demo.samsyn.invalid/rum/avstamning-42",
    )
    services.record_fk_decision(
        actor=_actor("fk", Role.FK_OFFICER), meeting_id=held.pk, decision="accepted"
    )
    services.answer_meeting(
        actor=_actor("hr.nordbygg", Role.EMPLOYER), meeting_id=held.pk, answer=Answer.COMING
    )
    services.answer_meeting(
        actor=_actor("fk", Role.FK_OFFICER), meeting_id=held.pk, answer=Answer.COMING
    )
    services.answer_meeting(
        actor=_actor("patient", Role.PATIENT), meeting_id=held.pk, answer=Answer.COMING
    )
    services.record_held(
        actor=coordinator,
        meeting_id=held.pk,
        attended=[str(p.pk) for p in held.participants.all() if p.user_id != users["lakare"].pk],
        physician_minutes=45,
    )
    due = today + timedelta(days=21)
    services.save_draft(
        actor=coordinator,
        meeting_id=held.pk,
        conclusion="Lena börjar arbetsträna halvtid om två veckor med lättare montage i "
        "verkstaden. Försäkringskassan bedömer rätten till sjukpenning på deltid. "
        "Ny avstämning efter fyra veckor.",
        plain="Du börjar arbeta halvtid om två veckor, med lättare uppgifter i verkstaden. "
        "Nordbygg ordnar arbetsplatsen. Vi träffas igen om fyra veckor.",
        points=[
            services.PointInput(
                "Lättare montage i verkstaden, halvtid",
                orgs["556000-0001"].pk,
                due,
                owner_person="Jonas Eklund",
            ),
            services.PointInput(
                "Beslut om sjukpenning på deltid",
                orgs["FK-DEMO-1"].pk,
                today + timedelta(days=10),
                owner_person="Per Nyström",
            ),
            services.PointInput(
                "Boka ny avstämning om fyra veckor",
                unit.pk,
                today + timedelta(days=14),
                kind=PointKind.TASK,
            ),
        ],
    )
    services.finalise_minutes(actor=coordinator, meeting_id=held.pk)
    _book(
        coordinator,
        case,
        MeetingKind.SIP,
        today + timedelta(days=9),
        13,
        [f"u:{users['socialtjanst'].pk}", "person"],
        purpose="Göra en samordnad individuell plan tillsammans med socialtjänsten.",
        agenda="1. Lenas egna mål\n2. Stöd från kommunen\n3. Vem samordnar",
        mode=Mode.PLACE,
        place="Vårdcentralen Björkdalen, samtalsrum 2",
        sip_consent=True,
    )
    cancelled = _book(
        coordinator,
        case,
        MeetingKind.REHAB,
        today + timedelta(days=4),
        10,
        [f"u:{users['hr.nordbygg'].pk}", "person"],
        purpose="Gå igenom arbetsplatsen inför arbetsträningen.",
        mode=Mode.PLACE,
        place="Nordbygg, verkstaden",
    )
    services.cancel_meeting(
        actor=coordinator,
        meeting_id=cancelled.pk,
        reason="Genomgången görs i stället på avstämningsmötet.",
    )

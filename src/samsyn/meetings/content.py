"""The meetings' vocabulary and rules (pure: no ORM, no access, no request)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samsyn.core.choices import LabelledChoices


class MeetingKind(LabelledChoices):
    AVSTAMNING = "avstamning", _("Avstämningsmöte")
    FLERPART = "flerpart", _("Flerpartsmöte")
    SIP = "sip", _("SIP-möte")
    REHAB = "rehab", _("Rehabiliteringsmöte hos arbetsgivaren")
    TEAM = "team", _("Internt teammöte")


# What each kind means, shown in the booking form and to the person.
KIND_HELP = {
    MeetingKind.AVSTAMNING: _(
        "Försäkringskassan bestämmer om mötet hålls. Läkarens tid registreras för ersättning."
    ),
    MeetingKind.FLERPART: _("Vården, arbetsgivaren och andra aktörer träffas tillsammans."),
    MeetingKind.SIP: _("Samordnad individuell plan: bara när personen har samtyckt till en SIP."),
    MeetingKind.REHAB: _("Arbetsgivarens möte om återgång i arbete, på arbetsplatsen."),
    MeetingKind.TEAM: _("Enhetens eget möte. Personen och externa aktörer är inte med."),
}

# The person's plain words for each kind.
KIND_PLAIN = {
    MeetingKind.AVSTAMNING: _("Möte med Försäkringskassan, vården och din arbetsgivare"),
    MeetingKind.FLERPART: _("Möte med flera som hjälper dig"),
    MeetingKind.SIP: _("Möte om en gemensam plan med kommunen och vården"),
    MeetingKind.REHAB: _("Möte på din arbetsplats om hur du kommer tillbaka"),
    MeetingKind.TEAM: _("Vårdens interna möte"),
}


class Mode(LabelledChoices):
    PLACE = "place", _("På plats")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Telefon")


class MeetingStatus(LabelledChoices):
    PLANNED = "planned", _("Planerat")
    HELD = "held", _("Hållet")
    CANCELLED = "cancelled", _("Inställt")


class FkDecision(LabelledChoices):
    """An avstämningsmöte is asked of Försäkringskassan, which decides whether it is held."""

    ASKED = "asked", _("Begärt hos Försäkringskassan")
    ACCEPTED = "accepted", _("Försäkringskassan håller mötet")
    DECLINED = "declined", _("Försäkringskassan håller inte mötet")


class Answer(LabelledChoices):
    PENDING = "pending", _("Inte svarat")
    COMING = "coming", _("Kommer")
    PROPOSE = "propose", _("Föreslår en annan tid")
    CANNOT = "cannot", _("Kan inte komma")


class MinutesState(LabelledChoices):
    DRAFT = "draft", _("Utkast")
    FINAL = "final", _("Fastställt")
    REPLACED = "replaced", _("Ersatt")


class PointKind(LabelledChoices):
    MEASURE = "measure", _("Åtgärd i planen")
    TASK = "task", _("Uppgift i ärendet")


class EmailMethod(LabelledChoices):
    REQUEST = "request", _("Inbjudan")
    MOVE = "move", _("Ny tid")
    CANCEL = "cancel", _("Inställt")


class ReminderKind(LabelledChoices):
    EMPLOYER_PLAN = "employer_plan", _("Arbetsgivarens plan före dag 30")
    FOLLOW_UP = "follow_up", _("Uppföljning av en åtgärd")
    MEETING_TOMORROW = "meeting_tomorrow", _("Möte i morgon")
    UNANSWERED = "unanswered", _("Obesvarad inbjudan")
    CONSENT_ENDING = "consent_ending", _("Samtycke som snart upphör")


class ReminderStatus(LabelledChoices):
    SCHEDULED = "scheduled", _("Planerad")
    SENT = "sent", _("Skickad")
    DROPPED = "dropped", _("Inte skickad: gäller inte längre")
    OFF = "off", _("Inte skickad: avvald av mottagaren")


# Days before the end of a consent when its reminder goes out.
CONSENT_WARNING_DAYS = 14
# Days after an invitation when an unanswered one is reminded of.
UNANSWERED_AFTER_DAYS = 2
# The days in the rehabilitation chain when the employer's plan is reminded of.
EMPLOYER_PLAN_FROM_DAY = 20
EMPLOYER_PLAN_DAY = 30


def needs_consent(kind: str) -> bool:
    """Every kind but the unit's own team meeting has external participants."""
    return kind != MeetingKind.TEAM


def person_sees(kind: str) -> bool:
    return kind != MeetingKind.TEAM

"""The person's own view in plain Swedish: what happens next, who does what, and the words
that mean different things to different actors.

Pure: no ORM, no request, no access. Short sentences and no unexplained abbreviations
(issue 13 §5; Klarspråk, språklagen 11 §). The milestones' dates and days come from
`sickleave.rules`; here is only what each one means for the person. The actors' roles,
the words and the plans follow the national knowledge support's appendix on
collaboration (tables 2–4: the actors' responsibilities, words with different meanings,
the four plans) and RULES.md (the rehabilitation chain: SFB 27 kap. 46–49 §§, the
employer's plan SFB 30 kap. 6 §, lag (1991:1047) om sjuklön).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

Text = str | Promise

#: What each milestone of the chain means for the person, in plain words.
MILESTONE_PLAIN: dict[str, Text] = {
    "sick_report": _("Du sjukanmäler dig den första dagen du är sjuk."),
    "employer_certificate": _("Din arbetsgivare behöver ett läkarintyg från dag 8."),
    "sick_pay_end": _(
        "Din arbetsgivare betalar sjuklön de första 14 dagarna. Dag 14 är den sista dagen."
    ),
    "fk_certificate": _(
        "Från dag 15 kan du få sjukpenning från Försäkringskassan. Du behöver ansöka om den. "
        "Läkaren skickar ett läkarintyg till Försäkringskassan."
    ),
    "employer_rtw_plan": _(
        "Senast dag 30 ska din arbetsgivare göra en plan för hur du kan komma tillbaka till "
        "arbetet. Planen kallas plan för återgång i arbete. Du ska vara med när den görs. "
        "Det gäller om du väntas vara sjuk i minst 60 dagar."
    ),
    "chain_90": _(
        "Efter dag 90 prövar Försäkringskassan om du kan göra något annat arbete hos din "
        "arbetsgivare. Det kan vara andra arbetsuppgifter eller ett anpassat arbete."
    ),
    "chain_180": _(
        "Efter dag 180 prövar Försäkringskassan om du kan göra ett arbete som är vanligt på "
        "arbetsmarknaden. Det kan vara hos en annan arbetsgivare. Det finns undantag. Ett "
        "undantag är om du troligen kan gå tillbaka till ditt arbete före dag 366."
    ),
    "chain_365": _(
        "Efter dag 365 prövar Försäkringskassan om du kan göra ett arbete som är vanligt på "
        "arbetsmarknaden. Det gäller nästan alla."
    ),
    "normal_work_from_day_1": _(
        "Du har inget arbete just nu. Därför prövar Försäkringskassan från första dagen om "
        "du kan göra ett arbete som är vanligt på arbetsmarknaden."
    ),
    "af_program_30": _(
        "Är du sjuk på heltid i mer än 30 dagar skrivs du ut från programmet hos "
        "Arbetsförmedlingen. Då kan du söka sjukpenning från Försäkringskassan."
    ),
    "care_for_child_from_day_1": _(
        "Du är föräldraledig. Försäkringskassan prövar om du kan ta hand om ditt barn."
    ),
    "study_ability_from_day_1": _(
        "Du studerar. Försäkringskassan och CSN, som betalar studiestöd, prövar om du kan studera."
    ),
    "study_support_certificate": _(
        "Är du sjuk mer än 14 dagar behöver du ett läkarintyg för att behålla ditt studiestöd."
    ),
    "study_loan_writeoff": _(
        "Från dag 31 kan en del av ditt studielån tas bort för tiden du är sjuk."
    ),
}

#: The steps of the chain where the assessment of the work capacity changes.
ASSESSMENT_POINTS = ("chain_90", "chain_180", "chain_365", "normal_work_from_day_1")


def milestone_text(code: str, fallback: Text = "") -> Text:
    """The plain text of a milestone; `fallback` (its title) for one without."""
    return MILESTONE_PLAIN.get(code, fallback)


#: Certificate types in plain words (the person sees their own of every type).
CERTIFICATE_PLAIN: dict[str, Text] = {
    "FK7804": _("Läkarintyg för sjukpenning, till Försäkringskassan"),
    "FK7263": _("Läkarintyg för sjukpenning (äldre blankett), till Försäkringskassan"),
    "AG7804": _("Läkarintyg om arbetsförmåga, till arbetsgivaren"),
    "AG1-14": _("Läkarintyg för de första 14 dagarna, till arbetsgivaren"),
    "AF_UTLATANDE": _("Läkarens utlåtande till Arbetsförmedlingen"),
    "FK7800": _("Läkarutlåtande om sjukersättning, till Försäkringskassan"),
    "FK7801": _("Läkarutlåtande om aktivitetsersättning, till Försäkringskassan"),
    "FK7802": _("Läkarutlåtande om aktivitetsersättning vid förlängd skolgång"),
}

#: The degree of a sick leave in words.
DEGREE_PLAIN: dict[int, Text] = {
    100: _("helt sjukskriven (100 procent)"),
    75: _("sjukskriven tre fjärdedelar (75 procent)"),
    50: _("sjukskriven halva tiden (50 procent)"),
    25: _("sjukskriven en fjärdedel (25 procent)"),
}


def degree_text(degree: int | None) -> Text:
    if degree is None:
        return _("inte sjukskriven")
    return DEGREE_PLAIN.get(degree, format_lazy("{} %", degree))


@dataclass(frozen=True)
class Role:
    """Who does what (table 3 of the national support's appendix on collaboration)."""

    who: Text
    does: tuple[Text, ...]


WHO_DOES_WHAT: tuple[Role, ...] = (
    Role(
        _("Du"),
        (
            _("Du är med och planerar din återgång."),
            _("Du berättar hur du mår och vad du klarar."),
            _("Du söker sjukpenning hos Försäkringskassan."),
            _("Du bestämmer vem vården får dela uppgifter om dig med."),
        ),
    ),
    Role(
        _("Vården"),
        (
            _("Vården undersöker dig och ger behandling."),
            _("Läkaren skriver läkarintyg."),
            _("Din rehabkoordinator stöttar dig och håller ihop kontakten med de andra."),
        ),
    ),
    Role(
        _("Din arbetsgivare"),
        (
            _("Arbetsgivaren betalar sjuklön de första 14 dagarna."),
            _("Arbetsgivaren anpassar arbetet och ansvarar för rehabilitering på arbetsplatsen."),
            _("Arbetsgivaren gör en plan för din återgång i arbete."),
        ),
    ),
    Role(
        _("Försäkringskassan"),
        (
            _("Försäkringskassan bestämmer om du får sjukpenning."),
            _("Försäkringskassan samordnar när flera behöver hjälpa dig tillbaka till arbete."),
            _("Försäkringskassan kan kalla till ett avstämningsmöte, ett möte med alla parter."),
        ),
    ),
    Role(
        _("Arbetsförmedlingen"),
        (
            _("Arbetsförmedlingen hjälper dig att hitta ett nytt arbete om du behöver det."),
            _("Arbetsförmedlingen kan ge stöd som vägledning och arbetsträning."),
        ),
    ),
    Role(
        _("Kommunen"),
        (
            _("Kommunens socialtjänst kan ge ekonomiskt stöd och stöd i vardagen."),
            _(
                "Kommunen och vården kan göra en gemensam plan med dig. Den kallas samordnad "
                "individuell plan."
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Word:
    """A word that means different things to different actors (table 2)."""

    word: Text
    meanings: tuple[tuple[Text, Text], ...]  # (who, what it means to them)


WORDS: tuple[Word, ...] = (
    Word(
        _("Arbetsförmåga"),
        (
            (
                _("Vården"),
                _("Hur din sjukdom påverkar vad du kan göra. Läkaren skriver det i intyget."),
            ),
            (
                _("Försäkringskassan"),
                _(
                    "Om du kan arbeta. Vilket arbete det jämförs med beror på hur länge du har "
                    "varit sjuk: dag 90, 180 och 365."
                ),
            ),
            (_("Arbetsgivaren"), _("Vilka arbetsuppgifter du kan göra på din arbetsplats.")),
            (_("Arbetsförmedlingen"), _("Vilket arbete du kan ta, kanske med stöd.")),
        ),
    ),
    Word(
        _("Rehabilitering"),
        (
            (_("Vården"), _("Behandling och träning så att du mår bättre.")),
            (
                _("Arbetsgivaren"),
                _("Anpassning, arbetsträning eller andra uppgifter på arbetsplatsen."),
            ),
            (
                _("Försäkringskassan"),
                _("Insatser för att du ska kunna arbeta igen. Försäkringskassan samordnar dem."),
            ),
            (_("Arbetsförmedlingen"), _("Stöd för att hitta och klara ett arbete.")),
            (_("Kommunen"), _("Stöd i vardagen och sysselsättning.")),
        ),
    ),
    Word(
        _("Planer"),
        (
            (
                _("Vården"),
                _("Sjukskrivnings- och rehabiliteringsplan: din vård och sjukskrivning."),
            ),
            (
                _("Arbetsgivaren"),
                _(
                    "Plan för återgång i arbete: senast dag 30 om du väntas vara sjuk i minst "
                    "60 dagar."
                ),
            ),
            (
                _("Försäkringskassan"),
                _("Rehabiliteringsplan: när du behöver stöd för att komma tillbaka till arbete."),
            ),
            (
                _("Kommunen och vården"),
                _("Samordnad individuell plan: bara om du vill och har sagt ja."),
            ),
        ),
    ),
    Word(
        _("Hjälpmedel"),
        (
            (
                _("Vården"),
                _("Hjälpmedel för vardagen, till exempel en rollator. Vården skriver ut dem."),
            ),
            (
                _("Arbetsgivaren"),
                _("Hjälpmedel i arbetet, till exempel ett skrivbord som går att höja."),
            ),
            (
                _("Försäkringskassan"),
                _("Pengar till hjälpmedel i arbetet, när arbetsgivarens ansvar inte räcker."),
            ),
            (
                _("Arbetsförmedlingen"),
                _("Hjälpmedel på en arbetsplats för dig som har en funktionsnedsättning."),
            ),
        ),
    ),
)

#: How soon the end of the current certificate is something to act on.
CERTIFICATE_ENDS_SOON_DAYS = 14


@dataclass(frozen=True)
class Step:
    text: Text
    when: date | None = None
    anchor: str = ""  # the section of the page that belongs to it


@dataclass
class NextSteps:
    happens: list[Step] = field(default_factory=list)  # what happens next
    expected: list[Step] = field(default_factory=list)  # what is expected of me


@dataclass(frozen=True)
class Situation:
    """What the next steps are made of (everything the person may see of their own)."""

    today: date
    has_case: bool
    certificate_end: date | None = None
    next_point: tuple[str, date] | None = None  # the next milestone's code and date
    pending_approvals: int = 0
    plan_follow_up: date | None = None
    coordinator: str = ""


def days_until(when: date, today: date) -> str:
    days = (when - today).days
    if days == 0:
        return str(_("i dag"))
    if days == 1:
        return str(_("i morgon"))
    return ngettext("om %(n)d dag", "om %(n)d dagar", days) % {"n": days}


def next_steps(s: Situation) -> NextSteps:
    """What happens next and what is expected of the person, in the order to read them."""
    steps = NextSteps()
    if s.pending_approvals:
        steps.expected.append(
            Step(
                ngettext(
                    "Det finns %(n)d ändring i din plan som väntar på att du godkänner den.",
                    "Det finns %(n)d ändringar i din plan som väntar på att du godkänner dem.",
                    s.pending_approvals,
                )
                % {"n": s.pending_approvals},
                anchor="plan",
            )
        )
    if s.certificate_end is not None and s.certificate_end >= s.today:
        soon = (s.certificate_end - s.today).days <= CERTIFICATE_ENDS_SOON_DAYS
        steps.expected.append(
            Step(
                _(
                    "Ditt läkarintyg gäller till och med %(end)s. Är du fortfarande sjuk då? "
                    "Kontakta vården i god tid innan."
                )
                % {"end": s.certificate_end.isoformat()}
                if soon
                else _("Ditt läkarintyg gäller till och med %(end)s.")
                % {"end": s.certificate_end.isoformat()},
                when=s.certificate_end,
                anchor="certificates",
            )
        )
    if s.plan_follow_up is not None and s.plan_follow_up >= s.today:
        steps.happens.append(
            Step(
                _("Din plan följs upp tillsammans med dig."),
                when=s.plan_follow_up,
                anchor="plan",
            )
        )
    if s.next_point is not None:
        code, when = s.next_point
        steps.happens.append(
            Step(milestone_text(code), when=when, anchor="chain"),
        )
    if not s.has_case:
        steps.happens.append(
            Step(_("Du har inget pågående ärende hos en rehabkoordinator just nu."))
        )
    elif s.coordinator:
        steps.expected.append(
            Step(
                _("Har du frågor? Kontakta %(name)s, din rehabkoordinator.")
                % {"name": s.coordinator},
                anchor="contact",
            )
        )
    return steps


def chain_day_text(day: int | None) -> Text:
    if day is None:
        return _("Du är inte sjukskriven i dag.")
    return _("I dag är dag %(day)d i rehabiliteringskedjan.") % {"day": day}


def earlier_days_text(prior_days: int) -> str:
    """Why the count started above 1 (sammanläggning, SFB 27 kap. 51 §)."""
    if not prior_days:
        return ""
    return ngettext(
        "Det räknas med %(n)d dag från en tidigare sjukskrivning, eftersom den slutade nyligen.",
        "Det räknas med %(n)d dagar från en tidigare sjukskrivning, eftersom den slutade nyligen.",
        prior_days,
    ) % {"n": prior_days}


def upcoming_points(codes_and_dates: Sequence[tuple[str, date]], today: date):
    """The assessment points still ahead, in date order."""
    return [(c, d) for c, d in codes_and_dates if c in ASSESSMENT_POINTS and d >= today]

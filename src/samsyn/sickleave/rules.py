"""The rehabilitation chain (rehabiliteringskedjan) and the certificate rules, as pure functions.

No Django, no ORM, no I/O: everything here is a function of its arguments (the only exception
is ``compute_milestones(at=None)``, which reads today's date in Europe/Stockholm).
The rules, their sources and the findings behind them are written down in ``docs/rules.md``.

Counting days
-------------
Day 1 is the first day of the sick period. Days are calendar days; weekends, holidays and
part-time sick days count as whole days (Försäkringskassan, Vägledning 2015:1 kap. 11.1:
"Alla dagar i sjukperioden ska räknas med").

* ``prior_days`` are days of an earlier sick period that are added to this one by
  *sammanläggning* (SFB 27 kap. 51 §, see :func:`continues_earlier_period`). Day
  ``prior_days + 1`` is the first day of the current period, so day N falls on
  ``start + (N - 1 - prior_days)`` days for an unbroken period. Milestones whose day is
  ``<= prior_days`` already happened in the earlier period; they are still listed, with
  the (earlier) date computed backwards from the first counted day.
* ``covered`` are the case's covered intervals (inclusive, sorted, non-overlapping). When it
  is given, day ``prior_days + k`` is the k-th covered day on or after ``start``: uncovered
  gap days are not counted, so every later milestone moves by the length of the gap. Beyond
  the last covered day the count is extrapolated one calendar day at a time.

Status of a milestone relative to ``at``
----------------------------------------
* ``passed``   - the milestone date is before ``at``;
* ``due``      - ``at`` lies within the :data:`DUE_WINDOW_DAYS` (7) calendar days up to and
  including the milestone date, i.e. ``0 <= (date - at).days < 7`` - the week in which the
  coordinator should act;
* ``upcoming`` - the milestone date is 7 days or more after ``at``.

Sources (titles and addresses as found; details in docs/rules.md)
-----------------------------------------------------------------
* Socialförsäkringsbalken (2010:110) 27 kap. 46-49 §§ (the chain), 27 kap. 51 § in the wording
  of SFS 2015:963 (sammanläggning), 27 kap. 29-33 a §§ (karenstid), 30 kap. 6 § (plan för
  återgång i arbete, in force 2018-07-01).
* Lag (1991:1047) om sjuklön (sjuklöneperiod dag 1-14, läkarintyg från dag 8, the employer's
  sjukanmälan to Försäkringskassan, 12 §).
* Försäkringskassan: Vägledning 2015:1 kap. 11 (mirror jurist.lat/vagledningar/2015-1/
  bedomningsgrunder-arbetsformaga); forsakringskassan.se/privatperson/sjuk/rehabiliteringskedjan;
  forsakringskassan.se/arbetsgivare/sjukfranvaro; "Om du deltar i program hos
  Arbetsförmedlingen"; "Sjuk när du är föräldraledig".
* Arbetsförmedlingen: "Anmäla frånvaro när du är sjuk".
* HFD 2018 ref. 69 (what a sjukperiod is, sammanläggning within 90 days).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "DUE_WINDOW_DAYS",
    "OCCUPATION_LABELS",
    "RTW_PLAN_MIN_EXPECTED_DAYS",
    "SAMMANLAGGNING_DAYS",
    "SICK_PAY_CONTINUATION_DAYS",
    "STATUSES",
    "Milestone",
    "Occupation",
    "compute_milestones",
    "continues_earlier_period",
    "date_to_day",
    "day_to_date",
    "next_milestone",
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")

#: Sammanläggning: a new sick period continues the chain count of an earlier one when
#: *fewer than 90 days* have passed between the periods, i.e. at most 89 days without reduced
#: work capacity lie between the earlier period's last day and the new period's first day.
#: SFB 27 kap. 51 § (lydelse SFS 2015:963): "Vid beräkningen av hur lång tid den försäkrade har
#: haft nedsatt arbetsförmåga enligt 46-49 §§ ska dagar i sjukperioder läggas samman om färre än
#: 90 dagar förflutit mellan sjukperioderna." See also HFD 2018 ref. 69.
SAMMANLAGGNING_DAYS = 89

#: A new sick period that begins within five calendar days after an earlier one ended continues
#: the earlier sick-pay period (no new karens, no new sjuklöneperiod): lag (1991:1047) om sjuklön
#: and, for sjukpenning, SFB 27 kap. 32 § (lydelse SFS 2015:963). Not used for the chain count.
SICK_PAY_CONTINUATION_DAYS = 5

#: The employer's plan för återgång i arbete is required when the work capacity can be expected
#: to be reduced for at least this many days (SFB 30 kap. 6 §).
RTW_PLAN_MIN_EXPECTED_DAYS = 60

#: A milestone is "due" in the 7 calendar days up to and including its date.
DUE_WINDOW_DAYS = 7

STATUSES = ("upcoming", "due", "passed")
REQUIREMENTS = ("required", "check", "info")


class Occupation(StrEnum):
    """The person's occupation (sysselsättning), as on the FK7804 certificate."""

    NUVARANDE_ARBETE = "nuvarande_arbete"
    ARBETSSOKANDE = "arbetssokande"
    FORALDRALEDIGHET = "foraldraledighet"
    STUDIER = "studier"
    EGEN_FORETAGARE = "egen_foretagare"
    PROGRAM_AF = "program_af"


OCCUPATION_LABELS: dict[str, str] = {
    Occupation.NUVARANDE_ARBETE: "Nuvarande arbete (anställd)",
    Occupation.ARBETSSOKANDE: "Arbetssökande",
    Occupation.FORALDRALEDIGHET: "Föräldraledighet",
    Occupation.STUDIER: "Studier",
    Occupation.EGEN_FORETAGARE: "Egen företagare",
    Occupation.PROGRAM_AF: "Program hos Arbetsförmedlingen",
}


@dataclass(frozen=True, slots=True)
class Milestone:
    """One dated step of the chain or of the certificate rules, with what to check.

    ``status`` is relative to the ``at`` date the milestones were computed for (see the module
    docstring); ``requirement`` is "required" (an obligation with a deadline), "check" (the
    coordinator must find out whether it applies) or "info" (a change of assessment basis or a
    consequence to tell the person about).
    """

    code: str
    day: int
    date: datetime.date
    title: str
    actor: str
    action: str
    source: str
    status: str
    requirement: str = "info"

    def as_json(self) -> dict[str, object]:
        """The command-line/API form: exactly these eight keys, the date in ISO format."""
        return {
            "code": self.code,
            "day": self.day,
            "date": self.date.isoformat(),
            "title": self.title,
            "actor": self.actor,
            "action": self.action,
            "source": self.source,
            "status": self.status,
        }


# --------------------------------------------------------------------------- day arithmetic

Interval = tuple[datetime.date, datetime.date]


def _normalise_covered(
    covered: Sequence[Interval] | None, start: datetime.date
) -> list[Interval] | None:
    """Validate ``covered`` and clip it to days on or after ``start``."""
    if covered is None:
        return None
    result: list[Interval] = []
    previous_end: datetime.date | None = None
    for first, last in covered:
        if last < first:
            raise ValueError(f"Ogiltigt intervall: slutdatum {last} före startdatum {first}.")
        if previous_end is not None and first <= previous_end:
            raise ValueError("De täckta intervallen måste vara sorterade och inte överlappa.")
        previous_end = last
        if last < start:
            continue
        result.append((max(first, start), last))
    return result


def _check_prior_days(prior_days: int) -> None:
    if prior_days < 0:
        raise ValueError("prior_days (sammanlagda dagar) kan inte vara negativt.")


def _anchor_and_last(
    intervals: list[Interval] | None, start: datetime.date
) -> tuple[datetime.date, datetime.date, int]:
    """(first counted day, last counted day, number of counted days) of the current period.

    Without covered intervals the period has no known end: the first counted day is ``start``,
    and "last" is the day before it with zero days counted, so extrapolation starts at start.
    """
    if not intervals:
        return start, start - datetime.timedelta(days=1), 0
    total = sum((last - first).days + 1 for first, last in intervals)
    return intervals[0][0], intervals[-1][1], total


def _day_to_date(
    day: int, start: datetime.date, prior_days: int, intervals: list[Interval] | None
) -> datetime.date:
    anchor, last_day, total = _anchor_and_last(intervals, start)
    k = day - prior_days  # the k-th counted day of the current period
    if k <= 0:
        # Happened in the earlier (added) period: count backwards, day by day, from the anchor.
        return anchor + datetime.timedelta(days=k - 1)
    if intervals:
        remaining = k
        for first, last in intervals:
            length = (last - first).days + 1
            if remaining <= length:
                return first + datetime.timedelta(days=remaining - 1)
            remaining -= length
    return last_day + datetime.timedelta(days=k - total)


def day_to_date(
    day: int,
    *,
    start: datetime.date,
    prior_days: int = 0,
    covered: Sequence[Interval] | None = None,
) -> datetime.date:
    """The calendar date of chain day ``day``.

    Unbroken period (``covered=None``): ``start + (day - 1 - prior_days)`` days.
    With ``covered``: the date of the ``(day - prior_days)``-th covered day on or after
    ``start``; past the last covered day, one calendar day per chain day; days
    ``<= prior_days`` are counted backwards from the first covered day.
    Calendar days, Vägledning 2015:1 kap. 11.1; gaps not counted, DESIGN §4.
    """
    _check_prior_days(prior_days)
    return _day_to_date(day, start, prior_days, _normalise_covered(covered, start))


def date_to_day(
    when: datetime.date,
    *,
    start: datetime.date,
    prior_days: int = 0,
    covered: Sequence[Interval] | None = None,
) -> int:
    """The chain day reached on ``when`` (the inverse of :func:`day_to_date`).

    On an uncovered gap day the count stands still: the result is the day number of the last
    covered day before it. Before the first counted day the result is ``<= prior_days`` (and
    may be zero or negative before the earlier period).
    """
    _check_prior_days(prior_days)
    intervals = _normalise_covered(covered, start)
    anchor, last_day, total = _anchor_and_last(intervals, start)
    if when < anchor:
        return prior_days + 1 + (when - anchor).days
    if when > last_day:
        return prior_days + total + (when - last_day).days
    counted = 0
    for first, last in intervals or ():
        if when < first:
            break
        counted += (min(when, last) - first).days + 1
    return prior_days + counted


def continues_earlier_period(previous_end: datetime.date, new_start: datetime.date) -> bool:
    """Whether a period starting ``new_start`` is added to one that ended ``previous_end``.

    SFB 27 kap. 51 § (SFS 2015:963): days of sick periods are added together for the chain
    (46-49 §§) "om färre än 90 dagar förflutit mellan sjukperioderna". The days between are
    those strictly after ``previous_end`` and strictly before ``new_start``; the periods are
    added when there are at most :data:`SAMMANLAGGNING_DAYS` (89) of them. A new start on or
    before ``previous_end`` is the same period, so it continues too.

    Note (HFD 2018 ref. 69): a sjukperiod lasts as long as the work capacity is reduced by at
    least a quarter in the *usual* work, whether or not sjukpenning was paid.
    """
    days_between = (new_start - previous_end).days - 1
    return days_between <= SAMMANLAGGNING_DAYS


# --------------------------------------------------------------------------- rule texts

SRC_SJUKLON = "Lag (1991:1047) om sjuklön"
SRC_FK_ARBETSGIVARE = (
    "forsakringskassan.se/arbetsgivare/sjukfranvaro; Försäkringskassan, 'Sjuk medarbetare dag 1–90'"
)
SRC_RJL = "Region Jönköpings län, Försäkringsmedicin 'Allmänt om sjukförsäkringen' (plus.rjl.se)"
SRC_CHAIN_PAGE = "forsakringskassan.se/privatperson/sjuk/rehabiliteringskedjan"
SRC_VL_11 = "Vägledning 2015:1 avsnitt 11.1 (prop. 2007/08:136 s. 100 f.)"
SRC_AF_SJUK = (
    "arbetsformedlingen.se 'Anmäla frånvaro när du är sjuk'; Försäkringskassan "
    "'Om du deltar i program hos Arbetsförmedlingen'"
)


def _employer_fk_report_note(day21: datetime.date) -> str:
    return (
        "Arbetsgivaren ska sjukanmäla till Försäkringskassan inom 7 dagar efter "
        f"sjuklöneperiodens slut, dvs. under sjukdag 15–21 (senast {day21.isoformat()})."
    )


# (code, day, title, actor, action, source, requirement); action may mention dates.
_Rule = tuple[str, int, str, str, str, str, str]


def _sick_report_rule(occupation: Occupation) -> _Rule:
    if occupation is Occupation.NUVARANDE_ARBETE:
        return (
            "sick_report",
            1,
            "Sjukanmälan till arbetsgivaren",
            "Den sjukskrivne",
            "Kontrollera att personen sjukanmält sig till arbetsgivaren första dagen. Dag 1 ger "
            "karensavdrag; arbetsgivaren betalar sjuklön under dag 1–14.",
            f"{SRC_SJUKLON}; 1177.se 'När du blir sjukskriven'",
            "required",
        )
    if occupation is Occupation.PROGRAM_AF:
        return (
            "sick_report",
            1,
            "Sjukanmälan till Arbetsförmedlingen",
            "Den sjukskrivne",
            "Deltagare i program med aktivitetsstöd, utvecklingsersättning eller "
            "etableringsersättning ska sjukanmäla sig till Arbetsförmedlingen redan första "
            "sjukdagen (annars kan ersättningen för hela sjukperioden gå förlorad) och meddela "
            "den som anordnar aktiviteten. Dag 1 är karensdag.",
            SRC_AF_SJUK,
            "required",
        )
    if occupation is Occupation.ARBETSSOKANDE:
        return (
            "sick_report",
            1,
            "Sjukanmälan till Försäkringskassan",
            "Den sjukskrivne",
            "Sjukanmälan till Försäkringskassan första dagen och ansökan om sjukpenning; meddela "
            "även Arbetsförmedlingen. Dag 1 är karensdag, sjukpenning kan lämnas från dag 2.",
            f"{SRC_RJL}; ka.se (LO-TCO Rättsskydd)",
            "required",
        )
    if occupation is Occupation.EGEN_FORETAGARE:
        return (
            "sick_report",
            1,
            "Sjukanmälan till Försäkringskassan",
            "Den sjukskrivne",
            "Egenföretagaren (enskild näringsverksamhet, delägare i handelsbolag) sjukanmäler "
            "sig till Försäkringskassan dag 1. Sjukpenning lämnas först efter den valda "
            "karenstiden: 1, 7 (grundkarens om inget val gjorts), 14, 30, 60 eller 90 dagar. "
            "Kontrollera vald karenstid; från 55 års ålder kan den inte kortas. Den som driver "
            "aktiebolag är anställd i bolaget och får sjuklön.",
            "SFB 27 kap. 29–33 a §§ (karenstid); Ds 2012:9 'Karenstid för egenföretagare, m.m.' "
            "(lagen.nu/ds/2012:9); annikasredovisning.se 2024-11-22",
            "required",
        )
    if occupation is Occupation.FORALDRALEDIGHET:
        return (
            "sick_report",
            1,
            "Sjukanmälan till Försäkringskassan",
            "Den sjukskrivne",
            "Sjukanmäl första dagen, ta bort ansökta dagar med föräldrapenning från och med "
            "sjukdagen och ansök om sjukpenning (sjukpenning i stället för föräldrapenning).",
            "Försäkringskassan 'Sjuk när du är föräldraledig'; 1177.se",
            "required",
        )
    # Occupation.STUDIER
    return (
        "sick_report",
        1,
        "Sjukanmälan till Försäkringskassan",
        "Den sjukskrivne",
        "Sjukanmäl till Försäkringskassan helst första dagen (CSN: senast den 15:e sjukdagen) "
        "och ansök om att behålla studiestödet under sjukdom. Den som också arbetar ansöker "
        "om sjukpenning för arbetet.",
        f"csn.se 'Sjuk'; {SRC_RJL}",
        "required",
    )


def _fk_certificate_day8_rule(occupation: Occupation) -> _Rule:
    if occupation is Occupation.PROGRAM_AF:
        return (
            "fk_certificate",
            8,
            "Läkarintyg från dag 8 (Arbetsförmedlingens intyg)",
            "Läkaren, den sjukskrivne",
            "Är personen sjuk mer än 7 dagar (hel- eller deltid) krävs Arbetsförmedlingens "
            "läkarintyg för deltagare i arbetsmarknadspolitiska program, som skickas till "
            "Arbetsförmedlingen.",
            SRC_AF_SJUK,
            "required",
        )
    if occupation is Occupation.STUDIER:
        return (
            "fk_certificate",
            8,
            "Läkarintyg till Försäkringskassan (sjukpenning för arbete)",
            "Läkaren, den sjukskrivne",
            "Söks sjukpenning för arbete vid sidan av studierna krävs läkarintyg FK7804 från "
            "dag 8.",
            f"{SRC_RJL}; studenthalsa.se 'Om du blir sjuk'",
            "required",
        )
    return (
        "fk_certificate",
        8,
        "Läkarintyg till Försäkringskassan",
        "Läkaren, den sjukskrivne",
        "Från dag 8 krävs läkarintyg för sjukpenning (FK7804) till Försäkringskassan.",
        f"{SRC_RJL}; 1177.se",
        "required",
    )


def _chain_180_rule(occupation: Occupation) -> _Rule:
    if occupation is Occupation.EGEN_FORETAGARE:
        return (
            "chain_180",
            180,
            "Dag 180: bedömning mot normalt förekommande arbete",
            "Försäkringskassan",
            "Till och med dag 180 bedöms egenföretagarens arbetsförmåga mot det vanliga arbetet "
            "i verksamheten; därefter mot normalt förekommande arbete på arbetsmarknaden, om "
            "det inte finns särskilda skäl mot det eller är oskäligt. Planera omställning i "
            "god tid före dag 181.",
            f"SFB 27 kap. 46 och 48 §§; {SRC_VL_11}; forsakringskassan.se 'Rehabiliteringskedjan'",
            "info",
        )
    return (
        "chain_180",
        180,
        "Dag 180: bedömning mot normalt förekommande arbete",
        "Försäkringskassan, Arbetsförmedlingen",
        "Efter dag 180 bedöms arbetsförmågan mot normalt förekommande arbete på "
        "arbetsmarknaden, utom när det är troligt att personen kan återgå till arbete hos "
        "arbetsgivaren med samma arbetstid före dag 366, när särskilda skäl talar för återgång "
        "senast dag 550, vid till exempel allvarlig sjukdom, eller från 63 års ålder. Före "
        "dag 181: utred arbetsförmåga utanför arbetsgivaren och kontakt med "
        "Arbetsförmedlingen.",
        f"SFB 27 kap. 48 §; {SRC_CHAIN_PAGE}",
        "info",
    )


_CHAIN_365: _Rule = (
    "chain_365",
    365,
    "Dag 365: normalt förekommande arbete för alla",
    "Försäkringskassan",
    "Efter dag 365 bedöms arbetsförmågan mot normalt förekommande arbete för alla; undantag "
    "bara när det kan anses oskäligt.",
    f"SFB 27 kap. 49 §; {SRC_CHAIN_PAGE}",
    "info",
)

_NORMAL_WORK_DAY_1: _Rule = (
    "normal_work_from_day_1",
    1,
    "Bedömning mot normalt förekommande arbete från dag 1",
    "Försäkringskassan",
    "Arbetsförmågan bedöms mot arbete som normalt förekommer på arbetsmarknaden redan från "
    "första dagen; rehabiliteringskedjans steg (dag 90, 180) gäller inte. Intyget bör "
    "beskriva aktivitetsbegränsningarna i förhållande till sådant arbete.",
    f"{SRC_VL_11}; {SRC_RJL}",
    "info",
)


def _rules_for(
    occupation: Occupation,
    *,
    expected_days: int | None,
    first_day_certificate: bool,
    day21: datetime.date,
) -> list[_Rule]:
    rules: list[_Rule] = [_sick_report_rule(occupation)]
    if occupation is Occupation.NUVARANDE_ARBETE:
        if first_day_certificate:
            cert_day = 1
            cert_action = (
                "Arbetsgivaren har begärt förstadagsintyg: läkarintyg till arbetsgivaren krävs "
                "från första sjukdagen (AG7804 eller AG1-14)."
            )
        else:
            cert_day = 8
            cert_action = (
                "Från dag 8 ska personen styrka nedsatt arbetsförmåga med läkarintyg till "
                "arbetsgivaren (AG7804 eller AG1-14); intyget visar begränsningar, inte diagnos."
            )
        rules += [
            (
                "employer_certificate",
                cert_day,
                "Läkarintyg till arbetsgivaren",
                "Den sjukskrivne, läkaren",
                cert_action,
                f"{SRC_SJUKLON}; {SRC_FK_ARBETSGIVARE}",
                "required",
            ),
            (
                "sick_pay_end",
                14,
                "Sjuklöneperioden slutar",
                "Arbetsgivaren",
                "Sista dagen med sjuklön från arbetsgivaren. Fortsätter sjukfrånvaron: se till "
                "att läkarintyg FK7804 finns för tiden efter dag 14.",
                f"{SRC_SJUKLON}; {SRC_FK_ARBETSGIVARE}",
                "info",
            ),
            (
                "fk_certificate",
                15,
                "Sjukpenning från Försäkringskassan",
                "Läkaren, den sjukskrivne, arbetsgivaren",
                "Försäkringskassan betalar sjukpenning från dag 15: läkarintyg FK7804 för tiden "
                "efter dag 14 och ansökan om sjukpenning från personen. "
                + _employer_fk_report_note(day21),
                f"{SRC_SJUKLON} 12 §; {SRC_FK_ARBETSGIVARE}; {SRC_RJL}",
                "required",
            ),
        ]
        if expected_days is None:
            rules.append(
                (
                    "employer_rtw_plan",
                    30,
                    "Plan för återgång i arbete (kontrollera)",
                    "Arbetsgivaren",
                    "Förväntad sjukskrivningslängd är okänd: stäm av med arbetsgivaren om "
                    "arbetsförmågan kan antas vara nedsatt i minst 60 dagar. I så fall ska "
                    "arbetsgivaren ha en plan för återgång i arbete senast dag 30.",
                    "SFB 30 kap. 6 § (i kraft 2018-07-01); Försäkringskassan "
                    "'Plan för återgång i arbete'",
                    "check",
                )
            )
        elif expected_days >= RTW_PLAN_MIN_EXPECTED_DAYS:
            rules.append(
                (
                    "employer_rtw_plan",
                    30,
                    "Plan för återgång i arbete",
                    "Arbetsgivaren",
                    "Arbetsförmågan väntas vara nedsatt i minst 60 dagar: arbetsgivaren ska "
                    "senast dag 30 ha upprättat en plan för återgång i arbete, i samråd med "
                    "den anställde. Kontrollera att planen finns och följs upp.",
                    "SFB 30 kap. 6 § (i kraft 2018-07-01); Försäkringskassan "
                    "'Plan för återgång i arbete'",
                    "required",
                )
            )
        rules += [
            (
                "chain_90",
                90,
                "Dag 90: bedömning mot annat arbete hos arbetsgivaren",
                "Försäkringskassan, arbetsgivaren",
                "Efter dag 90 bedöms rätten till sjukpenning mot allt arbete som arbetsgivaren "
                "kan erbjuda, inte bara det vanliga arbetet. Kontrollera att arbetsgivaren "
                "utrett anpassning och andra arbetsuppgifter.",
                f"SFB 27 kap. 46–47 §§; {SRC_CHAIN_PAGE}",
                "info",
            ),
            _chain_180_rule(occupation),
            _CHAIN_365,
        ]
    elif occupation in (Occupation.ARBETSSOKANDE, Occupation.PROGRAM_AF):
        rules += [_NORMAL_WORK_DAY_1, _fk_certificate_day8_rule(occupation)]
        if occupation is Occupation.PROGRAM_AF:
            rules.append(
                (
                    "af_program_30",
                    30,
                    "Sjuk mer än 30 dagar i program",
                    "Arbetsförmedlingen, den sjukskrivne, läkaren",
                    "Är personen sjuk på heltid längre än 30 dagar skrivs hen ut ur programmet "
                    "och aktivitetsstödet upphör; ansök då om sjukpenning hos "
                    "Försäkringskassan med läkarintyg FK7804. Den som blir frisk inom ett år "
                    "kan i vissa fall skrivas in i programmet igen.",
                    SRC_AF_SJUK,
                    "check",
                )
            )
    elif occupation is Occupation.EGEN_FORETAGARE:
        rules += [
            _fk_certificate_day8_rule(occupation),
            _chain_180_rule(occupation),
            _CHAIN_365,
        ]
    elif occupation is Occupation.FORALDRALEDIGHET:
        rules += [
            (
                "care_for_child_from_day_1",
                1,
                "Bedömning: förmågan att vårda barnet",
                "Försäkringskassan",
                "Under tid med föräldrapenning prövas om sjukdomen sätter ned förmågan att "
                "vårda barnet med minst en fjärdedel. Kontrollera när föräldraledigheten "
                "slutar: därefter bedöms arbetsförmågan efter sysselsättningen (t.ex. "
                "anställningen).",
                "Försäkringskassan 'Sjuk när du är föräldraledig'; Vägledning 2015:1 "
                "avsnitt 11.1 och 11.9",
                "info",
            ),
            _fk_certificate_day8_rule(occupation),
        ]
    else:  # Occupation.STUDIER
        rules += [
            (
                "study_ability_from_day_1",
                1,
                "Bedömning: förmågan att studera",
                "Försäkringskassan",
                "Studiestöd under sjukdom förutsätter att personen är helt oförmögen att "
                "bedriva sina studier (deltidssjukskrivning ger studiestöd bara för den tid "
                "hen studerar). Den som också arbetar kan få sjukpenning för arbetet; då prövas "
                "om hen är förhindrad att både studera och arbeta.",
                f"csn.se 'Om du blir sjuk'; {SRC_RJL}; Vägledning 2015:1 avsnitt 11.13",
                "info",
            ),
            _fk_certificate_day8_rule(occupation),
            (
                "study_support_certificate",
                15,
                "Läkarintyg för studiestöd under sjukdom",
                "Läkaren, den sjukskrivne",
                "Sjuk längre än 14 dagar: läkarintyg krävs för att behålla studiestödet.",
                "studenthalsa.se 'Om du blir sjuk'; uu.se Studenthälsan 'Om du blir sjuk'",
                "required",
            ),
            (
                "study_loan_writeoff",
                31,
                "Avskrivning av studielån från dag 31",
                "CSN",
                "Vid godkänd sjukperiod kan lånedelen i studiemedlet skrivas av från och med "
                "den 31:a sjukdagen; sjukveckorna räknas inte som förbrukade.",
                "studenthalsa.se 'Om du blir sjuk'; uu.se Studenthälsan 'Om du blir sjuk'",
                "info",
            ),
        ]
    return rules


# --------------------------------------------------------------------------- milestones


def _parse_occupation(occupation: str) -> Occupation:
    try:
        return Occupation(occupation)
    except ValueError:
        valid = ", ".join(o.value for o in Occupation)
        raise ValueError(
            f"Okänd sysselsättning: {occupation!r}. Giltiga värden: {valid}."
        ) from None


def _status(when: datetime.date, at: datetime.date) -> str:
    days_left = (when - at).days
    if days_left < 0:
        return "passed"
    if days_left < DUE_WINDOW_DAYS:
        return "due"
    return "upcoming"


def compute_milestones(
    *,
    start: datetime.date,
    occupation: str,
    expected_days: int | None = None,
    at: datetime.date | None = None,
    prior_days: int = 0,
    covered: Sequence[Interval] | None = None,
    first_day_certificate: bool = False,
) -> list[Milestone]:
    """The milestones of a sick period, sorted by day and then code.

    ``start`` is the first day of the current sick period; ``occupation`` one of
    :class:`Occupation` (``ValueError`` with a Swedish message otherwise); ``expected_days`` the
    expected length (certificate prognosis or the coordinator's judgement) - it decides
    ``employer_rtw_plan``: *required* from 60 days, *check* when unknown, absent under 60
    (SFB 30 kap. 6 §); ``at`` the date statuses are relative to (default: today in
    Europe/Stockholm); ``prior_days`` days of an earlier period added by sammanläggning
    (SFB 27 kap. 51 §); ``covered`` the case's covered intervals (see :func:`day_to_date`);
    ``first_day_certificate`` moves ``employer_certificate`` to day 1 (förstadagsintyg).
    """
    occ = _parse_occupation(occupation)
    _check_prior_days(prior_days)
    if expected_days is not None and expected_days < 0:
        raise ValueError("Förväntad sjukskrivningslängd kan inte vara negativ.")
    if at is None:
        at = datetime.datetime.now(STOCKHOLM).date()
    intervals = _normalise_covered(covered, start)

    def date_of(day: int) -> datetime.date:
        return _day_to_date(day, start, prior_days, intervals)

    rules = _rules_for(
        occ,
        expected_days=expected_days,
        first_day_certificate=first_day_certificate,
        day21=date_of(21),
    )
    milestones = []
    for code, day, title, actor, action, source, requirement in rules:
        when = date_of(day)
        milestones.append(
            Milestone(
                code=code,
                day=day,
                date=when,
                title=title,
                actor=actor,
                action=action,
                source=source,
                status=_status(when, at),
                requirement=requirement,
            )
        )
    milestones.sort(key=lambda m: (m.day, m.code))
    return milestones


def next_milestone(milestones: Sequence[Milestone], at: datetime.date) -> Milestone | None:
    """The first milestone (in the given order, normally by day) whose date is not before ``at``."""
    for milestone in milestones:
        if milestone.date >= at:
            return milestone
    return None

"""The rule texts: which milestones apply to an occupation, with their actions and sources.

Every title, actor, action and source is a lazy translatable string (Swedish source text,
English in the project's catalogue): it is rendered in the language of the request that
shows it, and `Milestone.as_json` renders it in Swedish, the source text. Texts with a
date are joined lazily (`format_lazy`), so nothing here is translated when the rules are
computed. No ORM, no request: `django.utils.translation` only marks and looks up text.
"""

from __future__ import annotations

import datetime

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samsyn.sickleave.rules.occupations import Occupation

#: The employer's plan för återgång i arbete is required when the work capacity can be expected
#: to be reduced for at least this many days (SFB 30 kap. 6 §).
RTW_PLAN_MIN_EXPECTED_DAYS = 60

#: A rule text: a lazy translatable string, or a plain string for what has no translation
#: (a web address, an organisation's name).
Text = str | Promise


def _sources(*parts: Text) -> Text:
    """Sources joined with "; ", lazily (each part in the language it is rendered in)."""
    return format_lazy("; ".join("{}" for _part in parts), *parts)


SRC_SJUKLON = _("Lag (1991:1047) om sjuklön")
SRC_SJUKLON_12 = _("Lag (1991:1047) om sjuklön 12 §")
SRC_FK_ARBETSGIVARE = _(
    "forsakringskassan.se/arbetsgivare/sjukfranvaro; Försäkringskassan, 'Sjuk medarbetare dag 1–90'"
)
SRC_RJL = _("Region Jönköpings län, Försäkringsmedicin 'Allmänt om sjukförsäkringen' (plus.rjl.se)")
SRC_CHAIN_PAGE = "forsakringskassan.se/privatperson/sjuk/rehabiliteringskedjan"
SRC_CHAIN_TITLE = _("forsakringskassan.se 'Rehabiliteringskedjan'")
SRC_VL_11 = _("Vägledning 2015:1 avsnitt 11.1 (prop. 2007/08:136 s. 100 f.)")
SRC_AF_SJUK = _(
    "arbetsformedlingen.se 'Anmäla frånvaro när du är sjuk'; Försäkringskassan "
    "'Om du deltar i program hos Arbetsförmedlingen'"
)
SRC_1177_SJUKSKRIVEN = _("1177.se 'När du blir sjukskriven'")
SRC_STUDENTHALSA = _("studenthalsa.se 'Om du blir sjuk'")
SRC_STUDENTHALSA_UU = _("studenthalsa.se 'Om du blir sjuk'; uu.se Studenthälsan 'Om du blir sjuk'")
SRC_RTW_PLAN = _(
    "SFB 30 kap. 6 § (i kraft 2018-07-01); Försäkringskassan 'Plan för återgång i arbete'"
)

ACTOR_PERSON = _("Den sjukskrivne")
ACTOR_FK = _("Försäkringskassan")
ACTOR_EMPLOYER = _("Arbetsgivaren")
ACTOR_PHYSICIAN_PERSON = _("Läkaren, den sjukskrivne")
TITLE_SICK_REPORT_FK = _("Sjukanmälan till Försäkringskassan")
TITLE_CHAIN_180 = _("Dag 180: bedömning mot normalt förekommande arbete")


def _employer_fk_report_note(day21: datetime.date) -> Text:
    return format_lazy(
        _(
            "Arbetsgivaren ska sjukanmäla till Försäkringskassan inom 7 dagar efter "
            "sjuklöneperiodens slut, dvs. under sjukdag 15–21 (senast {date})."
        ),
        date=day21.isoformat(),
    )


# (code, day, title, actor, action, source, requirement); action may mention dates.
_Rule = tuple[str, int, Text, Text, Text, Text, str]


# The rules are built once, at import: their texts are lazy, so they follow the language of
# whoever renders them. Only the day-15 action, which names a date, is built per call.

_SICK_REPORT: dict[Occupation, _Rule] = {
    Occupation.NUVARANDE_ARBETE: (
        "sick_report",
        1,
        _("Sjukanmälan till arbetsgivaren"),
        ACTOR_PERSON,
        _(
            "Kontrollera att personen sjukanmält sig till arbetsgivaren första dagen. Dag 1 "
            "ger karensavdrag; arbetsgivaren betalar sjuklön under dag 1–14."
        ),
        _sources(SRC_SJUKLON, SRC_1177_SJUKSKRIVEN),
        "required",
    ),
    Occupation.PROGRAM_AF: (
        "sick_report",
        1,
        _("Sjukanmälan till Arbetsförmedlingen"),
        ACTOR_PERSON,
        _(
            "Deltagare i program med aktivitetsstöd, utvecklingsersättning eller "
            "etableringsersättning ska sjukanmäla sig till Arbetsförmedlingen redan första "
            "sjukdagen (annars kan ersättningen för hela sjukperioden gå förlorad) och "
            "meddela den som anordnar aktiviteten. Dag 1 är karensdag."
        ),
        SRC_AF_SJUK,
        "required",
    ),
    Occupation.ARBETSSOKANDE: (
        "sick_report",
        1,
        TITLE_SICK_REPORT_FK,
        ACTOR_PERSON,
        _(
            "Sjukanmälan till Försäkringskassan första dagen och ansökan om sjukpenning; "
            "meddela även Arbetsförmedlingen. Dag 1 är karensdag, sjukpenning kan lämnas "
            "från dag 2."
        ),
        _sources(SRC_RJL, "ka.se (LO-TCO Rättsskydd)"),
        "required",
    ),
    Occupation.EGEN_FORETAGARE: (
        "sick_report",
        1,
        TITLE_SICK_REPORT_FK,
        ACTOR_PERSON,
        _(
            "Egenföretagaren (enskild näringsverksamhet, delägare i handelsbolag) "
            "sjukanmäler sig till Försäkringskassan dag 1. Sjukpenning lämnas först efter "
            "den valda karenstiden: 1, 7 (grundkarens om inget val gjorts), 14, 30, 60 "
            "eller 90 dagar. Kontrollera vald karenstid; från 55 års ålder kan den inte "
            "kortas. Den som driver aktiebolag är anställd i bolaget och får sjuklön."
        ),
        _(
            "SFB 27 kap. 29–33 a §§ (karenstid); Ds 2012:9 'Karenstid för egenföretagare, "
            "m.m.' (lagen.nu/ds/2012:9); annikasredovisning.se 2024-11-22"
        ),
        "required",
    ),
    Occupation.FORALDRALEDIGHET: (
        "sick_report",
        1,
        TITLE_SICK_REPORT_FK,
        ACTOR_PERSON,
        _(
            "Sjukanmäl första dagen, ta bort ansökta dagar med föräldrapenning från och med "
            "sjukdagen och ansök om sjukpenning (sjukpenning i stället för föräldrapenning)."
        ),
        _("Försäkringskassan 'Sjuk när du är föräldraledig'; 1177.se"),
        "required",
    ),
    Occupation.STUDIER: (
        "sick_report",
        1,
        TITLE_SICK_REPORT_FK,
        ACTOR_PERSON,
        _(
            "Sjukanmäl till Försäkringskassan helst första dagen (CSN: senast den 15:e "
            "sjukdagen) och ansök om att behålla studiestödet under sjukdom. Den som också "
            "arbetar ansöker om sjukpenning för arbetet."
        ),
        _sources(_("csn.se 'Sjuk'"), SRC_RJL),
        "required",
    ),
}

_FK_CERTIFICATE_DAY_8: _Rule = (
    "fk_certificate",
    8,
    _("Läkarintyg till Försäkringskassan"),
    ACTOR_PHYSICIAN_PERSON,
    _("Från dag 8 krävs läkarintyg för sjukpenning (FK7804) till Försäkringskassan."),
    _sources(SRC_RJL, "1177.se"),
    "required",
)

_FK_CERTIFICATE_DAY_8_AF: _Rule = (
    "fk_certificate",
    8,
    _("Läkarintyg från dag 8 (Arbetsförmedlingens intyg)"),
    ACTOR_PHYSICIAN_PERSON,
    _(
        "Är personen sjuk mer än 7 dagar (hel- eller deltid) krävs Arbetsförmedlingens "
        "läkarintyg för deltagare i arbetsmarknadspolitiska program, som skickas till "
        "Arbetsförmedlingen."
    ),
    SRC_AF_SJUK,
    "required",
)

_FK_CERTIFICATE_DAY_8_STUDIES: _Rule = (
    "fk_certificate",
    8,
    _("Läkarintyg till Försäkringskassan (sjukpenning för arbete)"),
    ACTOR_PHYSICIAN_PERSON,
    _("Söks sjukpenning för arbete vid sidan av studierna krävs läkarintyg FK7804 från dag 8."),
    _sources(SRC_RJL, SRC_STUDENTHALSA),
    "required",
)

_CHAIN_180: _Rule = (
    "chain_180",
    180,
    TITLE_CHAIN_180,
    _("Försäkringskassan, Arbetsförmedlingen"),
    _(
        "Efter dag 180 bedöms arbetsförmågan mot normalt förekommande arbete på "
        "arbetsmarknaden, utom när det är troligt att personen kan återgå till arbete hos "
        "arbetsgivaren med samma arbetstid före dag 366, när särskilda skäl talar för "
        "återgång senast dag 550, vid till exempel allvarlig sjukdom, eller från 63 års "
        "ålder. Före dag 181: utred arbetsförmåga utanför arbetsgivaren och kontakt med "
        "Arbetsförmedlingen."
    ),
    _sources(_("SFB 27 kap. 48 §"), SRC_CHAIN_PAGE),
    "info",
)

_CHAIN_180_SELF_EMPLOYED: _Rule = (
    "chain_180",
    180,
    TITLE_CHAIN_180,
    ACTOR_FK,
    _(
        "Till och med dag 180 bedöms egenföretagarens arbetsförmåga mot det vanliga "
        "arbetet i verksamheten; därefter mot normalt förekommande arbete på "
        "arbetsmarknaden, om det inte finns särskilda skäl mot det eller är oskäligt. "
        "Planera omställning i god tid före dag 181."
    ),
    _sources(_("SFB 27 kap. 46 och 48 §§"), SRC_VL_11, SRC_CHAIN_TITLE),
    "info",
)

_CHAIN_365: _Rule = (
    "chain_365",
    365,
    _("Dag 365: normalt förekommande arbete för alla"),
    ACTOR_FK,
    _(
        "Efter dag 365 bedöms arbetsförmågan mot normalt förekommande arbete för alla; "
        "undantag bara när det kan anses oskäligt."
    ),
    _sources(_("SFB 27 kap. 49 §"), SRC_CHAIN_PAGE),
    "info",
)

_NORMAL_WORK_DAY_1: _Rule = (
    "normal_work_from_day_1",
    1,
    _("Bedömning mot normalt förekommande arbete från dag 1"),
    ACTOR_FK,
    _(
        "Arbetsförmågan bedöms mot arbete som normalt förekommer på arbetsmarknaden redan från "
        "första dagen; rehabiliteringskedjans steg (dag 90, 180) gäller inte. Intyget bör "
        "beskriva aktivitetsbegränsningarna i förhållande till sådant arbete."
    ),
    _sources(SRC_VL_11, SRC_RJL),
    "info",
)

# ---- the employed (`nuvarande_arbete`) --------------------------------------------------

_EMPLOYER_CERTIFICATE_TITLE = _("Läkarintyg till arbetsgivaren")
_EMPLOYER_CERTIFICATE_ACTOR = _("Den sjukskrivne, läkaren")
_EMPLOYER_CERTIFICATE_SOURCE = _sources(SRC_SJUKLON, SRC_FK_ARBETSGIVARE)

_EMPLOYER_CERTIFICATE_DAY_1: _Rule = (
    "employer_certificate",
    1,
    _EMPLOYER_CERTIFICATE_TITLE,
    _EMPLOYER_CERTIFICATE_ACTOR,
    _(
        "Arbetsgivaren har begärt förstadagsintyg: läkarintyg till arbetsgivaren krävs "
        "från första sjukdagen (AG7804 eller AG1-14)."
    ),
    _EMPLOYER_CERTIFICATE_SOURCE,
    "required",
)

_EMPLOYER_CERTIFICATE_DAY_8: _Rule = (
    "employer_certificate",
    8,
    _EMPLOYER_CERTIFICATE_TITLE,
    _EMPLOYER_CERTIFICATE_ACTOR,
    _(
        "Från dag 8 ska personen styrka nedsatt arbetsförmåga med läkarintyg till "
        "arbetsgivaren (AG7804 eller AG1-14); intyget visar begränsningar, inte diagnos."
    ),
    _EMPLOYER_CERTIFICATE_SOURCE,
    "required",
)

_SICK_PAY_END: _Rule = (
    "sick_pay_end",
    14,
    _("Sjuklöneperioden slutar"),
    ACTOR_EMPLOYER,
    _(
        "Sista dagen med sjuklön från arbetsgivaren. Fortsätter sjukfrånvaron: se till "
        "att läkarintyg FK7804 finns för tiden efter dag 14."
    ),
    _sources(SRC_SJUKLON, SRC_FK_ARBETSGIVARE),
    "info",
)

_FK_CERTIFICATE_DAY_15_TITLE = _("Sjukpenning från Försäkringskassan")
_FK_CERTIFICATE_DAY_15_ACTOR = _("Läkaren, den sjukskrivne, arbetsgivaren")
_FK_CERTIFICATE_DAY_15_ACTION = _(
    "Försäkringskassan betalar sjukpenning från dag 15: läkarintyg FK7804 för tiden efter "
    "dag 14 och ansökan om sjukpenning från personen."
)
_FK_CERTIFICATE_DAY_15_SOURCE = _sources(SRC_SJUKLON_12, SRC_FK_ARBETSGIVARE, SRC_RJL)


def _fk_certificate_day_15(day21: datetime.date) -> _Rule:
    return (
        "fk_certificate",
        15,
        _FK_CERTIFICATE_DAY_15_TITLE,
        _FK_CERTIFICATE_DAY_15_ACTOR,
        format_lazy("{} {}", _FK_CERTIFICATE_DAY_15_ACTION, _employer_fk_report_note(day21)),
        _FK_CERTIFICATE_DAY_15_SOURCE,
        "required",
    )


_RTW_PLAN_CHECK: _Rule = (
    "employer_rtw_plan",
    30,
    _("Plan för återgång i arbete (kontrollera)"),
    ACTOR_EMPLOYER,
    _(
        "Förväntad sjukskrivningslängd är okänd: stäm av med arbetsgivaren om "
        "arbetsförmågan kan antas vara nedsatt i minst 60 dagar. I så fall ska "
        "arbetsgivaren ha en plan för återgång i arbete senast dag 30."
    ),
    SRC_RTW_PLAN,
    "check",
)

_RTW_PLAN_REQUIRED: _Rule = (
    "employer_rtw_plan",
    30,
    _("Plan för återgång i arbete"),
    ACTOR_EMPLOYER,
    _(
        "Arbetsförmågan väntas vara nedsatt i minst 60 dagar: arbetsgivaren ska "
        "senast dag 30 ha upprättat en plan för återgång i arbete, i samråd med "
        "den anställde. Kontrollera att planen finns och följs upp."
    ),
    SRC_RTW_PLAN,
    "required",
)

_CHAIN_90: _Rule = (
    "chain_90",
    90,
    _("Dag 90: bedömning mot annat arbete hos arbetsgivaren"),
    _("Försäkringskassan, arbetsgivaren"),
    _(
        "Efter dag 90 bedöms rätten till sjukpenning mot allt arbete som arbetsgivaren "
        "kan erbjuda, inte bara det vanliga arbetet. Kontrollera att arbetsgivaren "
        "utrett anpassning och andra arbetsuppgifter."
    ),
    _sources(_("SFB 27 kap. 46–47 §§"), SRC_CHAIN_PAGE),
    "info",
)


def _employed_rules(
    *, expected_days: int | None, first_day_certificate: bool, day21: datetime.date
) -> list[_Rule]:
    """The rules after the sick report for the employed (`nuvarande_arbete`)."""
    rules = [
        _EMPLOYER_CERTIFICATE_DAY_1 if first_day_certificate else _EMPLOYER_CERTIFICATE_DAY_8,
        _SICK_PAY_END,
        _fk_certificate_day_15(day21),
    ]
    if expected_days is None:
        rules.append(_RTW_PLAN_CHECK)
    elif expected_days >= RTW_PLAN_MIN_EXPECTED_DAYS:
        rules.append(_RTW_PLAN_REQUIRED)
    return [*rules, _CHAIN_90, _CHAIN_180, _CHAIN_365]


# ---- job seekers in an Arbetsförmedlingen programme, parents, students -------------------

_AF_PROGRAM_30: _Rule = (
    "af_program_30",
    30,
    _("Sjuk mer än 30 dagar i program"),
    _("Arbetsförmedlingen, den sjukskrivne, läkaren"),
    _(
        "Är personen sjuk på heltid längre än 30 dagar skrivs hen ut ur programmet och "
        "aktivitetsstödet upphör; ansök då om sjukpenning hos Försäkringskassan med "
        "läkarintyg FK7804. Den som blir frisk inom ett år kan i vissa fall skrivas in i "
        "programmet igen."
    ),
    SRC_AF_SJUK,
    "check",
)

_CARE_FOR_CHILD: _Rule = (
    "care_for_child_from_day_1",
    1,
    _("Bedömning: förmågan att vårda barnet"),
    ACTOR_FK,
    _(
        "Under tid med föräldrapenning prövas om sjukdomen sätter ned förmågan att "
        "vårda barnet med minst en fjärdedel. Kontrollera när föräldraledigheten "
        "slutar: därefter bedöms arbetsförmågan efter sysselsättningen (t.ex. "
        "anställningen)."
    ),
    _("Försäkringskassan 'Sjuk när du är föräldraledig'; Vägledning 2015:1 avsnitt 11.1 och 11.9"),
    "info",
)

_STUDY_ABILITY: _Rule = (
    "study_ability_from_day_1",
    1,
    _("Bedömning: förmågan att studera"),
    ACTOR_FK,
    _(
        "Studiestöd under sjukdom förutsätter att personen är helt oförmögen att "
        "bedriva sina studier (deltidssjukskrivning ger studiestöd bara för den tid "
        "hen studerar). Den som också arbetar kan få sjukpenning för arbetet; då prövas "
        "om hen är förhindrad att både studera och arbeta."
    ),
    _sources(_("csn.se 'Om du blir sjuk'"), SRC_RJL, _("Vägledning 2015:1 avsnitt 11.13")),
    "info",
)

_STUDY_SUPPORT_CERTIFICATE: _Rule = (
    "study_support_certificate",
    15,
    _("Läkarintyg för studiestöd under sjukdom"),
    ACTOR_PHYSICIAN_PERSON,
    _("Sjuk längre än 14 dagar: läkarintyg krävs för att behålla studiestödet."),
    SRC_STUDENTHALSA_UU,
    "required",
)

_STUDY_LOAN_WRITEOFF: _Rule = (
    "study_loan_writeoff",
    31,
    _("Avskrivning av studielån från dag 31"),
    _("CSN"),
    _(
        "Vid godkänd sjukperiod kan lånedelen i studiemedlet skrivas av från och med "
        "den 31:a sjukdagen; sjukveckorna räknas inte som förbrukade."
    ),
    SRC_STUDENTHALSA_UU,
    "info",
)

#: The rules after the sick report of every occupation but the employed.
_LATER_RULES: dict[Occupation, list[_Rule]] = {
    Occupation.ARBETSSOKANDE: [_NORMAL_WORK_DAY_1, _FK_CERTIFICATE_DAY_8],
    Occupation.PROGRAM_AF: [_NORMAL_WORK_DAY_1, _FK_CERTIFICATE_DAY_8_AF, _AF_PROGRAM_30],
    Occupation.EGEN_FORETAGARE: [_FK_CERTIFICATE_DAY_8, _CHAIN_180_SELF_EMPLOYED, _CHAIN_365],
    Occupation.FORALDRALEDIGHET: [_CARE_FOR_CHILD, _FK_CERTIFICATE_DAY_8],
    Occupation.STUDIER: [
        _STUDY_ABILITY,
        _FK_CERTIFICATE_DAY_8_STUDIES,
        _STUDY_SUPPORT_CERTIFICATE,
        _STUDY_LOAN_WRITEOFF,
    ],
}


def _rules_for(
    occupation: Occupation,
    *,
    expected_days: int | None,
    first_day_certificate: bool,
    day21: datetime.date,
) -> list[_Rule]:
    if occupation is Occupation.NUVARANDE_ARBETE:
        later = _employed_rules(
            expected_days=expected_days, first_day_certificate=first_day_certificate, day21=day21
        )
    else:
        later = _LATER_RULES[occupation]
    return [_SICK_REPORT[occupation], *later]

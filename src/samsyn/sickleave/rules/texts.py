"""The rule texts: which milestones apply to an occupation, with their actions and sources."""

from __future__ import annotations

import datetime

from samsyn.sickleave.rules.occupations import Occupation

#: The employer's plan för återgång i arbete is required when the work capacity can be expected
#: to be reduced for at least this many days (SFB 30 kap. 6 §).
RTW_PLAN_MIN_EXPECTED_DAYS = 60


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

"""The occupations (sysselsättning) the rules distinguish, with their Swedish labels."""

from enum import StrEnum


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

"""The sick-leave case engine: a pure function (certificates, settings, date) -> cases.

No Django, no database: the engine takes plain frozen dataclasses and returns plain frozen
dataclasses, so it can be tested exhaustively and run from the command line
(``samsyn sickleave cases``). The rules are those of DESIGN.md §4 and RULES.md
("Certificates and who needs them"); `docs/formats.md` describes the output.

Rules
-----
* Only certificates of type FK7804 or FK7263 with status ``valid`` make cases
  (:func:`counts`). AG7804, AG1-14, Arbetsförmedlingen's utlåtande and the
  läkarutlåtanden FK7800/FK7801/FK7802, and replaced, complemented or revoked
  certificates never do.
* A certificate is one unit: its span runs from its earliest period start to its latest
  period end, and it always belongs to exactly one case (a gap between two periods of the
  same certificate never splits it).
* Certificates whose spans overlap or leave at most ``gap_days`` uncovered days between
  them form one case. Chaining compares with the *furthest end reached so far*, never with
  the last certificate examined, so a short certificate inside a long one cannot split a
  case (the quirk of Rehabstöd's SjukfallIntygEnhetResolver that this engine avoids).
* ``days`` is the number of calendar days covered by at least one period: overlaps count
  once, uncovered days are not counted (Rehabstöd's SjukfallLangdCalculator, "Fall 3":
  1–10 Feb, 12–20 Feb, 21–25 Feb -> 24 days).
* Where periods of several certificates overlap, the latest signed certificate decides
  the degree of each overlapping day ("latest signed" = greatest ``signed``, ties broken
  by the greater ``id``). ``net_days`` weighs each covered day by that degree
  (10 days at 50 % = 5.0 net days).
* The state on date ``on`` (the command line's ``--at``):

  - the case is *in force* when ``start <= on <= end``; a date inside an uncovered gap of
    the case counts as in force (the case is not over, the next certificate is already
    there);
  - ``ending_soon`` when in force and ``days_left <= ending_soon_days``; otherwise
    ``active`` when in force;
  - a case that starts after ``on`` (a certificate written ahead of time) is ``active``;
  - ``recently_ended`` when the case ended 1 to ``recent_days`` days before ``on``;
  - ``ended`` otherwise.

* ``degree_today`` and ``current_certificate`` come from a period that actually covers
  ``on``: the current certificate is the latest signed among those whose periods cover
  ``on``, and ``degree_today`` is the degree of its period covering ``on``. When no period
  covers ``on`` (the case is over, in the future, or ``on`` falls in a gap),
  ``degree_today`` is None and ``current_certificate`` is the case's latest signed
  certificate.
* ``days_left`` = end - on in days: 0 on the last day, negative after the end.
* The engine does not filter certificates by signing date; to compute "as known on a
  date", pass only the certificates signed by then.

Performance: the work is an interval sweep per person (sort, chain on the furthest end),
with a heap only where certificates of one case overlap; nothing loops over the days of a
period. One million certificates take a few seconds in CPython (bench/bench_engine.py).
"""

from samsyn.sickleave.engine.cases import compute_cases, compute_person_cases, counts
from samsyn.sickleave.engine.data import (
    ACTIVE,
    CERTIFICATE_STATUSES,
    CERTIFICATE_TYPES,
    COUNTED_STATUS,
    COUNTED_TYPES,
    DEGREES,
    ENDED,
    ENDING_SOON,
    OCCUPATIONS,
    RECENTLY_ENDED,
    STATES,
    CertificateInput,
    EngineSettings,
    Period,
    Segment,
    SickLeaveCase,
)

__all__ = [
    "ACTIVE",
    "CERTIFICATE_STATUSES",
    "CERTIFICATE_TYPES",
    "COUNTED_STATUS",
    "COUNTED_TYPES",
    "DEGREES",
    "ENDED",
    "ENDING_SOON",
    "OCCUPATIONS",
    "RECENTLY_ENDED",
    "STATES",
    "CertificateInput",
    "EngineSettings",
    "Period",
    "Segment",
    "SickLeaveCase",
    "compute_cases",
    "compute_person_cases",
    "counts",
]

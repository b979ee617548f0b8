"""Milestones: the dated rules of a sick period and their status relative to a date."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.functional import Promise

from samsyn.sickleave.rules.days import (
    Interval,
    _check_prior_days,
    _day_to_date,
    _split_covered,
)
from samsyn.sickleave.rules.occupations import Occupation
from samsyn.sickleave.rules.texts import _rules_for

STOCKHOLM = ZoneInfo("Europe/Stockholm")

#: A milestone is "due" in the 7 calendar days up to and including its date.
DUE_WINDOW_DAYS = 7

STATUSES = ("upcoming", "due", "passed")
REQUIREMENTS = ("required", "check", "info")

#: The steps of the chain proper, SFB 27 kap. 46-49 §§: the only milestones whose day counts
#: the days of earlier sick periods added by sammanläggning (27 kap. 51 § adds them "vid
#: beräkningen av hur lång tid den försäkrade har haft nedsatt arbetsförmåga enligt 46-49 §§").
#: Every other milestone counts from the current period's first day: a new period means a new
#: sick report, karens and sick-pay period (lag (1991:1047) om sjuklön) and new certificates.
CHAIN_STEP_CODES = frozenset({"chain_90", "chain_180", "chain_365"})


@dataclass(frozen=True, slots=True)
class Milestone:
    """One dated step of the chain or of the certificate rules, with what to check.

    ``status`` is relative to the ``at`` date the milestones were computed for (see the module
    docstring); ``requirement`` is "required" (an obligation with a deadline), "check" (the
    coordinator must find out whether it applies) or "info" (a change of assessment basis or a
    consequence to tell the person about).

    ``title``, ``actor``, ``action`` and ``source`` are lazy translatable texts
    (:mod:`samsyn.sickleave.rules.texts`): a page renders them in its request's language.
    """

    code: str
    day: int
    date: datetime.date
    title: str | Promise
    actor: str | Promise
    action: str | Promise
    source: str | Promise
    status: str
    requirement: str = "info"
    #: A step of the chain (:data:`CHAIN_STEP_CODES`): ``day`` is the chain day, earlier
    #: periods' days included; otherwise ``day`` is the day of the current period.
    chain_step: bool = False
    #: The step is done (a fact passed in by the caller, e.g. the employer's plan för
    #: återgång i arbete or a "no plan needed" decision exists for ``employer_rtw_plan``).
    done: bool = False

    def as_json(self) -> dict[str, object]:
        """The command-line/API form: exactly these eight keys, the date in ISO format.

        The texts are the Swedish source texts whatever language is active, so the
        command's output does not depend on the caller's locale.
        """
        with translation.override(None):
            return {
                "code": self.code,
                "day": self.day,
                "date": self.date.isoformat(),
                "title": str(self.title),
                "actor": str(self.actor),
                "action": str(self.action),
                "source": str(self.source),
                "status": self.status,
            }


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
    done_codes: frozenset[str] = frozenset(),
) -> list[Milestone]:
    """The milestones of a sick period, sorted by date, then day, then code.

    ``start`` is the first day of the current sick period; ``occupation`` one of
    :class:`Occupation` (``ValueError`` with a Swedish message otherwise); ``expected_days`` the
    expected length (certificate prognosis or the coordinator's judgement) - it decides
    ``employer_rtw_plan``: *required* from 60 days, *check* when unknown, absent under 60
    (SFB 30 kap. 6 §); ``at`` the date statuses are relative to (default: today in
    Europe/Stockholm); ``prior_days`` days of earlier periods added by sammanläggning
    (SFB 27 kap. 51 §, :func:`sammanlaggning`) - they count for the chain's steps only
    (:data:`CHAIN_STEP_CODES`); ``covered`` the case's covered intervals, with the earlier
    periods' before ``start`` to date chain days ``<= prior_days`` (see :func:`day_to_date`);
    ``first_day_certificate`` moves ``employer_certificate`` to day 1 (förstadagsintyg);
    ``done_codes`` the codes of the milestones the caller knows are done (a fact, not a
    query: this module reads no data).
    """
    occ = _parse_occupation(occupation)
    _check_prior_days(prior_days)
    if expected_days is not None and expected_days < 0:
        raise ValueError("Förväntad sjukskrivningslängd kan inte vara negativ.")
    if at is None:
        at = datetime.datetime.now(STOCKHOLM).date()
    before, intervals = _split_covered(covered, start)

    def date_of(day: int) -> datetime.date:  # a day of the current period
        return _day_to_date(day, start, 0, intervals)

    def chain_date_of(day: int) -> datetime.date:  # a chain day, earlier periods included
        return _day_to_date(day, start, prior_days, intervals, before)

    rules = _rules_for(
        occ,
        expected_days=expected_days,
        first_day_certificate=first_day_certificate,
        day21=date_of(21),
    )
    milestones = []
    for code, day, title, actor, action, source, requirement in rules:
        chain_step = code in CHAIN_STEP_CODES
        when = chain_date_of(day) if chain_step else date_of(day)
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
                chain_step=chain_step,
                done=code in done_codes,
            )
        )
    milestones.sort(key=lambda m: (m.date, m.day, m.code))
    return milestones


def next_milestone(milestones: Sequence[Milestone], at: datetime.date) -> Milestone | None:
    """The first milestone (in the given order, normally by day) whose date is not before ``at``
    and that is not already done (e.g. the day-30 plan written before its day)."""
    for milestone in milestones:
        if milestone.date >= at and not milestone.done:
            return milestone
    return None

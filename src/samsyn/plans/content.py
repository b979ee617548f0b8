"""The plans' vocabulary and content rules (pure: no ORM, no access, no request).

- the four plan kinds, the measure statuses, the kinds of rehabilitation, the legal
  reasons for "no plan needed";
- `FIELDS`: every field of a plan with its label, which plan kinds have it, whether it
  is an ICF field (shown only to care staff, the person and an actor whose consent
  covers `diagnosis`) and whether a change of it concerns the person (then it waits for
  their approval);
- `snapshot_fields`, `diff`: a version is stored as it was shown (labels and display
  values resolved at save time), and two versions are compared field by field;
- `parallel_measures`: the same measure planned by two actors (parallel rehabilitation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from samsyn.core.choices import LabelledChoices


class PlanKind(LabelledChoices):
    CARE = "care", _("Vårdens sjukskrivnings- och rehabiliteringsplan")
    EMPLOYER = "employer", _("Plan för återgång i arbete")
    FK = "fk", _("Försäkringskassans rehabiliteringsplan")
    SIP = "sip", _("Samordnad individuell plan (SIP)")


# The law behind each kind, shown on the plan page and in the PDF.
KIND_SOURCE = {
    PlanKind.CARE: "HSL 8 kap. 7 §, PDL 3 kap.",
    PlanKind.EMPLOYER: "SFB 30 kap. 6 §",
    PlanKind.FK: "SFB 30 kap. 8–10 §§",
    PlanKind.SIP: "SoL 2 kap. 7 §, HSL 16 kap. 4 §",
}


class MeasureStatus(LabelledChoices):
    PROPOSED = "proposed", _("Föreslagen")
    AGREED = "agreed", _("Överenskommen")
    ONGOING = "ongoing", _("Pågående")
    DONE = "done", _("Klar")
    NOT_RELEVANT = "not_relevant", _("Inte aktuell")


# A measure in one of these is still planned (it counts for parallel rehabilitation).
ACTIVE_MEASURE_STATUSES = frozenset(
    {MeasureStatus.PROPOSED, MeasureStatus.AGREED, MeasureStatus.ONGOING}
)


class RehabKind(LabelledChoices):
    MEDICAL = "medical", _("Medicinsk")
    WORKPLACE = "workplace", _("Arbetsplatsinriktad")
    WORK_ORIENTED = "work_oriented", _("Arbetslivsinriktad")
    SOCIAL = "social", _("Social")


class Responsible(LabelledChoices):
    """The actor responsible for a catalogue measure."""

    CARE = "care", _("Vården")
    EMPLOYER = "employer", _("Arbetsgivaren")
    FK = "fk", _("Försäkringskassan")
    AF = "af", _("Arbetsförmedlingen")
    MUNICIPALITY = "municipality", _("Kommunen")
    SAMORDNINGSFORBUND = "samordningsforbund", _("Samordningsförbundet")
    PERSON = "person", _("Personen själv")


class NoPlanReason(LabelledChoices):
    """SFB 30 kap. 6 §: no plan is needed when the person is expected back within 60
    days, when no measures are needed, or when a return is not possible now."""

    RETURN_WITHIN_60 = "return_within_60", _("Återgång i arbete väntas inom 60 dagar")
    NO_MEASURES = "no_measures", _("Inga åtgärder behövs för att återgå i arbete")
    NOT_POSSIBLE_NOW = "not_possible_now", _("Återgång i arbete är inte möjlig just nu")


class VersionState(LabelledChoices):
    PUBLISHED = "published", _("Gäller")
    PENDING = "pending", _("Väntar på personens godkännande")
    REJECTED = "rejected", _("Inte godkänd av personen")
    SUPERSEDED = "superseded", _("Ersatt innan den godkändes")


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: object
    type: str = "text"  # text, line, date, yesno
    kinds: frozenset = frozenset(PlanKind)
    icf: bool = False  # an ICF field: care staff, the person, or consent to `diagnosis`
    concerns_person: bool = False  # a change waits for the person's approval
    required: bool = False


_EMPLOYER = frozenset({PlanKind.EMPLOYER})

FIELDS: tuple[Field, ...] = (
    Field("person_goals", _("Personens egna mål (med egna ord)"), concerns_person=True),
    Field(
        "rtw_capacity",
        _("Mål för återgång: vilken arbetsförmåga som väntas"),
        "line",
        concerns_person=True,
    ),
    Field("rtw_work", _("Mål för återgång: i vilket arbete"), "line", concerns_person=True),
    Field("rtw_by", _("Mål för återgång: senast"), "date", concerns_person=True),
    Field("responsible", _("Aktör med övergripande ansvar"), "line"),
    Field("next_follow_up", _("Nästa uppföljning"), "date", required=True),
    # The content of Försäkringskassan's template for the plan för återgång i arbete.
    Field(
        "employer_contact", _("Kontaktuppgifter till arbetsgivare och medarbetare"), kinds=_EMPLOYER
    ),
    Field("work_tasks", _("Arbetsuppgifter"), kinds=_EMPLOYER),
    Field("typical_day", _("En vanlig arbetsdag"), kinds=_EMPLOYER),
    Field(
        "capacity_now",
        _("Arbetsförmågan just nu: vad medarbetaren kan och inte kan göra"),
        kinds=_EMPLOYER,
        concerns_person=True,
    ),
    Field(
        "adjustments", _("Åtgärder: anpassade arbetsuppgifter eller arbetstider"), kinds=_EMPLOYER
    ),
    Field("redeployment", _("Åtgärder: tillfällig eller varaktig omplacering"), kinds=_EMPLOYER),
    Field("work_aids", _("Åtgärder: arbetshjälpmedel"), kinds=_EMPLOYER),
    Field("training", _("Åtgärder: utbildning"), kinds=_EMPLOYER),
    Field("occupational_health", _("Åtgärder: företagshälsovård"), kinds=_EMPLOYER),
    Field("absence_contact", _("Hur vi håller kontakten under frånvaron"), kinds=_EMPLOYER),
    Field("follow_up", _("Uppföljning: hur och när"), kinds=_EMPLOYER),
    Field(
        "person_took_part",
        _("Medarbetaren har deltagit i planeringen"),
        "yesno",
        kinds=_EMPLOYER,
        concerns_person=True,
    ),
    Field("not_taking_part_reason", _("Varför medarbetaren inte deltog"), kinds=_EMPLOYER),
    # ICF (International Classification of Functioning, Disability and Health).
    Field("icf_body", _("Kroppsfunktioner (ICF)"), icf=True, concerns_person=True),
    Field("icf_activity", _("Aktivitet och delaktighet (ICF)"), icf=True, concerns_person=True),
    Field(
        "icf_environment",
        _("Omgivningsfaktorer, även arbetsmiljön (ICF)"),
        icf=True,
        concerns_person=True,
    ),
    Field("icf_personal", _("Personfaktorer (ICF)"), icf=True, concerns_person=True),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
YES, NO = "yes", "no"


def fields_for(kind: str, *, icf: bool) -> list[Field]:
    """The fields of a plan kind; the ICF fields only when `icf` (the reader may see them)."""
    return [f for f in FIELDS if kind in f.kinds and (icf or not f.icf)]


def display(field: Field, value) -> str:
    """A field's value as shown: dates as 2026-11-22, yes/no in words, text as written."""
    if value in (None, ""):
        return ""
    if field.type == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if field.type == "yesno":
        return str(_("Ja")) if value == YES else str(_("Nej"))
    return str(value).strip()


def raw(field: Field, value) -> str:
    """A field's value as stored in a snapshot's `raw` (dates ISO, text stripped)."""
    if value in (None, ""):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def snapshot_fields(kind: str, values: Mapping[str, object]) -> list[dict]:
    """Every field of the kind as shown now: key, label, display value, raw value and
    whether it is an ICF field. Stored in the version, so it renders the same later."""
    return [
        {
            "key": f.key,
            "label": str(f.label),
            "value": display(f, values.get(f.key)),
            "raw": raw(f, values.get(f.key)),
            "icf": f.icf,
        }
        for f in fields_for(kind, icf=True)
    ]


def visible(rows: Iterable[Mapping], *, icf: bool) -> list[Mapping]:
    """The snapshot rows a reader may see (no ICF rows unless `icf`)."""
    return [r for r in rows if icf or not r.get("icf")]


def raw_values(rows: Iterable[Mapping]) -> dict[str, str]:
    return {r["key"]: r.get("raw", "") for r in rows}


def concerns_person(before: Mapping[str, str], after: Mapping[str, str]) -> bool:
    """Does the change from `before` to `after` (raw values) touch what concerns the
    person: their goals, the return-to-work goal, the work capacity, whether they took
    part, or the ICF fields? Then it waits for their approval."""
    return any(
        (before.get(f.key) or "") != (after.get(f.key) or "") for f in FIELDS if f.concerns_person
    )


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    before: str
    after: str


def diff(before: Sequence[Mapping], after: Sequence[Mapping], *, icf: bool) -> list[Change]:
    """The fields (as labelled in `after`, else `before`) whose shown value differs;
    ICF rows only when `icf`."""
    old = {r["key"]: r for r in visible(before, icf=icf)}
    new = {r["key"]: r for r in visible(after, icf=icf)}
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(key, {}), new.get(key, {})
        if a.get("value", "") != b.get("value", ""):
            changes.append(
                Change(b.get("label") or a.get("label"), a.get("value", ""), b.get("value", ""))
            )
    return changes


def measure_lines(measures: Sequence[Mapping]) -> dict[str, str]:
    """One comparable line per measure id (what the side-by-side comparison shows)."""
    return {
        m["id"]: " · ".join(
            filter(
                None,
                [
                    m.get("title", ""),
                    m.get("owner", ""),
                    m.get("status", ""),
                    f"{m.get('start', '')}–{m.get('end', '')}".strip("–"),
                ],
            )
        )
        for m in measures
    }


def measure_changes(before: Sequence[Mapping], after: Sequence[Mapping]) -> list[Change]:
    old, new = measure_lines(before), measure_lines(after)
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        if old.get(key, "") != new.get(key, ""):
            changes.append(Change(str(_("Åtgärd")), old.get(key, ""), new.get(key, "")))
    return changes


def measure_key(catalogue_code: str, title: str) -> str:
    """What makes two measures "the same": the catalogue entry, else the title."""
    return catalogue_code or " ".join(title.lower().split())


def parallel_measures(measures: Iterable[tuple[object, str, object, str]]) -> set:
    """The ids of measures that two or more actors plan at once (parallel rehabilitation).

    `measures`: (id, key from `measure_key`, owner organisation id, status). Only planned
    measures count (not those done or no longer relevant)."""
    owners: dict[str, set] = defaultdict(set)
    ids: dict[str, list] = defaultdict(list)
    for pk, key, owner, status in measures:
        if status not in ACTIVE_MEASURE_STATUSES or not key:
            continue
        owners[key].add(owner)
        ids[key].append(pk)
    return {pk for key, pks in ids.items() if len(owners[key]) > 1 for pk in pks}


def rtw_plan_done(*, employer_plan: bool, no_plan_decision: bool) -> bool:
    """The day-30 milestone (`employer_rtw_plan`, SFB 30 kap. 6 §) is done when the
    employer's plan för återgång i arbete or a "no plan needed" decision in force exists."""
    return employer_plan or no_plan_decision


RTW_MILESTONE = "employer_rtw_plan"

"""The merge fields of a letter: plain values read for one case (ADR 016).

Only strings, dates and lists of strings leave this module: the sandbox never sees a
model, a queryset or a callable, so a template cannot walk from the case to anything
else. A letter to an external actor never carries the person's address or personnummer
when the person has a protected identity or a noted risk of violence (the rule of
`access.shows_contact_details` for an external party), and never a personnummer at all.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.accounts.roles import OrganisationType
from samsyn.cases.models import Case
from samsyn.consent.models import Category
from samsyn.directory.models import ContactPerson
from samsyn.sickleave.models import SickLeaveCase

FIELDS = (
    ("namn", "Personens namn"),
    ("fornamn", "Personens förnamn"),
    ("efternamn", "Personens efternamn"),
    ("personnummer", "Personnummer (bara i brev till personen)"),
    ("adress", "Personens adress (aldrig vid skyddade personuppgifter till extern aktör)"),
    ("koordinator", "Rehabkoordinatorns namn"),
    ("enhet", "Vårdenheten"),
    ("enhet_adress", "Vårdenhetens adress"),
    ("enhet_telefon", "Vårdenhetens telefon"),
    ("arbetsgivare", "Arbetsgivaren"),
    ("mottagare", "Mottagaren"),
    ("mottagare_adress", "Mottagarens adress"),
    ("kontaktperson", "Kontaktperson hos mottagaren"),
    ("datum", "Dagens datum"),
    ("sjukskrivning_grad", "Sjukskrivningens omfattning, t.ex. 50 %"),
    ("sjukskrivning_fran", "Sjukskrivningen från"),
    ("sjukskrivning_till", "Sjukskrivningen till och med"),
    ("nasta_mote", "Nästa möte"),
    ("fritext", "Fritext"),
    ("samtycke_mottagare", "Samtyckets mottagare (lista)"),
    ("samtycke_kategorier", "Samtyckets uppgifter (lista)"),
    ("samtycke_fran", "Samtycket gäller från"),
    ("samtycke_till", "Samtycket gäller till och med"),
    ("samtycke_syfte", "Samtyckets syfte"),
)


def example_context() -> dict[str, object]:
    """Invented values for the template editor's preview (no person's data)."""
    today = timezone.localdate()
    return {
        "namn": "Exempel Exempelsson",
        "fornamn": "Exempel",
        "efternamn": "Exempelsson",
        "personnummer": "19121212-1212",
        "adress": "Exempelgatan 1, 123 45 Exempelstad",
        "koordinator": "Koordinator Exempel",
        "enhet": "Exempelenheten",
        "enhet_adress": "Vårdvägen 1",
        "enhet_telefon": "010-000 00 00",
        "arbetsgivare": "Exempelföretaget AB",
        "mottagare": "Exempelföretaget AB",
        "mottagare_adress": "Företagsvägen 2",
        "kontaktperson": "Chef Exempel",
        "datum": today,
        "sjukskrivning_grad": "50 %",
        "sjukskrivning_fran": today,
        "sjukskrivning_till": today,
        "nasta_mote": "2026-12-01 kl. 10.00",
        "fritext": "",
        "samtycke_mottagare": ["Exempelföretaget AB"],
        "samtycke_kategorier": ["Kontakt"],
        "samtycke_fran": today,
        "samtycke_till": today,
        "samtycke_syfte": "Planera återgång i arbete",
    }


def _sick_leave(case: Case, today: date) -> dict[str, object]:
    current = (
        SickLeaveCase.objects.filter(person_id=case.person_id, end__gte=today)
        .order_by("start")
        .first()
        or SickLeaveCase.objects.filter(person_id=case.person_id).order_by("-end").first()
    )
    if current is None:
        return {"sjukskrivning_grad": "", "sjukskrivning_fran": None, "sjukskrivning_till": None}
    degree = current.degree_on(today) or current.degree_on(current.end)
    return {
        "sjukskrivning_grad": f"{degree} %" if degree else "",
        "sjukskrivning_fran": current.start,
        "sjukskrivning_till": current.end,
    }


def _employer(case: Case) -> str:
    link = (
        case.actors.current()
        .filter(organisation__type=OrganisationType.EMPLOYER)
        .select_related("organisation")
        .first()
    )
    return link.organisation.name if link else ""


def consent_values(draft: dict) -> dict[str, object]:
    """A consent form's draft (recipient ids, categories, period, purpose) as values."""
    ids = [str(i) for i in draft.get("recipients", [])]
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    labels = dict(Category.choices)
    return {
        "samtycke_mottagare": [names[k] for k in names if str(k) in ids],
        "samtycke_kategorier": [str(labels.get(c, c)) for c in draft.get("categories", [])],
        "samtycke_fran": _day(draft.get("valid_from")),
        "samtycke_till": _day(draft.get("valid_to")),
        "samtycke_syfte": str(draft.get("purpose", "")),
    }


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def merge_context(
    *,
    actor: Actor,
    case: Case,
    recipient: Organisation | None,
    contact_person: ContactPerson | None,
    inputs: dict,
) -> dict[str, object]:
    """The plain values of one letter on `case` (the caller has authorised the actor)."""
    person = case.person
    unit = case.unit
    today = timezone.localdate()
    external = recipient is not None
    shows_address = not (external and person.needs_protection)
    coordinator = case.responsible or actor.user
    context: dict[str, object] = {
        "namn": person.full_name,
        "fornamn": person.given_name,
        "efternamn": person.family_name,
        "personnummer": "" if external else person.formatted_personnummer,
        "adress": person.address if shows_address else "",
        "koordinator": coordinator.display_name if coordinator else "",
        "enhet": unit.name,
        "enhet_adress": unit.address,
        "enhet_telefon": unit.phone,
        "arbetsgivare": _employer(case),
        "mottagare": recipient.name if recipient else person.full_name,
        "mottagare_adress": recipient.address if recipient else "",
        "kontaktperson": contact_person.name if contact_person else "",
        "datum": today,
        "nasta_mote": str(inputs.get("nasta_mote", ""))[:200],
        "fritext": str(inputs.get("fritext", ""))[:4000],
        **_sick_leave(case, today),
        **consent_values(inputs.get("consent", {})),
    }
    return context

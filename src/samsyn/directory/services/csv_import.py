"""Import organisations and contact persons from CSV (docs/formats-directory.md).

New organisations and contact persons are kept by the importing care unit; an existing
organisation is completed (blank fields only) when the importer may change it, and is
otherwise left as it is, listed as kept by another unit (ADR 008). Its new contact
persons are still added: that changes nothing another unit relies on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import (
    Organisation,
    OrganisationType,
)
from samsyn.audit.models import Action
from samsyn.core.import_jobs import pause_for_test
from samsyn.core.importing import RejectedRow
from samsyn.directory import orgnr
from samsyn.directory.models import ContactPerson, ContactRole, OrganisationOwner
from samsyn.directory.search import fold
from samsyn.directory.selectors import may_change_entry, organisation_owner_id
from samsyn.directory.services._common import (
    DirectoryError,
    _audit,
    _claim_organisation,
    _fill_blanks,
    _require_editor,
    refresh_search_text,
)

# ---- CSV import --------------------------------------------------------------------

MAX_IMPORT_BYTES = 5 * 1024 * 1024
REQUIRED_COLUMNS = ("typ", "namn")
COLUMNS = (
    "typ",
    "namn",
    "organisationsnummer",
    "telefon",
    "epost",
    "adress",
    "foretagshalsovard",
    "kontaktperson",
    "kontaktroll",
    "kontakt_telefon",
    "kontakt_epost",
)
COLUMN_ALIASES = {
    "företagshälsovård": "foretagshalsovard",
    "e-post": "epost",
    "kontakt_e-post": "kontakt_epost",
    "orgnr": "organisationsnummer",
}
TYPE_WORDS = {
    "employer": OrganisationType.EMPLOYER,
    "arbetsgivare": OrganisationType.EMPLOYER,
    "occupational_health": OrganisationType.OCCUPATIONAL_HEALTH,
    "företagshälsovård": OrganisationType.OCCUPATIONAL_HEALTH,
    "foretagshalsovard": OrganisationType.OCCUPATIONAL_HEALTH,
    "fhv": OrganisationType.OCCUPATIONAL_HEALTH,
    "fk_office": OrganisationType.FK_OFFICE,
    "försäkringskassan": OrganisationType.FK_OFFICE,
    "forsakringskassan": OrganisationType.FK_OFFICE,
    "fk": OrganisationType.FK_OFFICE,
    "af_office": OrganisationType.AF_OFFICE,
    "arbetsförmedlingen": OrganisationType.AF_OFFICE,
    "arbetsformedlingen": OrganisationType.AF_OFFICE,
    "af": OrganisationType.AF_OFFICE,
    "social_services": OrganisationType.SOCIAL_SERVICES,
    "socialtjänst": OrganisationType.SOCIAL_SERVICES,
    "socialtjänsten": OrganisationType.SOCIAL_SERVICES,
    "kommunens socialtjänst": OrganisationType.SOCIAL_SERVICES,
    "samordningsforbund": OrganisationType.SAMORDNINGSFORBUND,
    "samordningsförbund": OrganisationType.SAMORDNINGSFORBUND,
}
CARE_WORDS = {"care_unit", "vårdenhet", "vardenhet"}


@dataclass
class DirectoryImportReport:
    """What the import page shows. `rejected` rows are labelled with the actor's name;
    their reasons are gettext_noop-marked (or formatted from such a message)."""

    created: list[Organisation] = field(default_factory=list)
    updated: list[Organisation] = field(default_factory=list)
    unchanged: list[Organisation] = field(default_factory=list)
    # Known organisations that another care unit keeps: their fields were not completed.
    kept_by_others: list[Organisation] = field(default_factory=list)
    contacts_created: list[ContactPerson] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    rows: int = 0


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    type: str = ""
    org_number: str = ""
    contact_role: str = ""


def decode_file(raw: bytes) -> str:
    """The file's text; a whole-file problem (size, encoding, empty) raises DirectoryError."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise DirectoryError(gettext_noop("Filen är för stor: den får vara högst 5 MB."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DirectoryError(gettext_noop("Filen kunde inte läsas som text (UTF-8).")) from None
    if not text.strip():
        raise DirectoryError(gettext_noop("Filen är tom."))
    return text


def _read_rows(file: IO[bytes]) -> tuple[list[_Row], list[RejectedRow]]:
    """The rows of the file, and the rows that cannot be read as CSV at all (the reader
    goes on after them); a whole-file problem raises DirectoryError."""
    text = decode_file(file.read(MAX_IMPORT_BYTES + 1))
    first_line = text.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[_Row] = []
    unreadable: list[RejectedRow] = []
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            unreadable.append(
                RejectedRow(line, "", gettext_noop("Raden kunde inte läsas som CSV."))
            )
            line = reader.line_num + 1
            continue
        if not any(cell.strip() for cell in record):
            line = reader.line_num + 1
            continue
        if header is None:
            header = [COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in record]
            if any(column not in header for column in REQUIRED_COLUMNS):
                raise DirectoryError(
                    gettext_noop("Rubrikraden ska ha minst kolumnerna typ och namn.")
                )
        else:
            values = {column: "" for column in COLUMNS}
            for column, cell in zip(header, record, strict=False):
                if column in values:
                    values[column] = cell.strip()
            rows.append(_Row(line=line, values=values))
        line = reader.line_num + 1
    if header is None:
        raise DirectoryError(gettext_noop("Rubrikraden ska ha minst kolumnerna typ och namn."))
    return rows, unreadable


def _row_error(row: _Row) -> str:
    """Validate one row on its own; fills row.type/org_number/contact_role."""
    v = row.values
    word = v["typ"].lower()
    if word in CARE_WORDS:
        return gettext_noop("Vårdenheter kan inte läggas in i aktörskatalogen.")
    row.type = TYPE_WORDS.get(word, "")
    if not row.type:
        return gettext_noop("Okänd typ av aktör.")
    if not v["namn"]:
        return gettext_noop("Namn saknas.")
    if len(v["namn"]) > 200 or len(v["adress"]) > 200 or len(v["kontaktperson"]) > 200:
        return gettext_noop("Ett fält är för långt.")
    if len(v["telefon"]) > 40 or len(v["kontakt_telefon"]) > 40:
        return gettext_noop("Telefonnumret är för långt.")
    if v["organisationsnummer"]:
        try:
            row.org_number = orgnr.parse(v["organisationsnummer"])
        except orgnr.OrgNumberError as exc:
            return exc.message
    for column in ("epost", "kontakt_epost"):
        if v[column]:
            try:
                validate_email(v[column])
            except ValidationError:
                return gettext_noop("E-postadressen är inte giltig.")
    if v["foretagshalsovard"] and row.type != OrganisationType.EMPLOYER:
        return gettext_noop("Bara arbetsgivare har avtal med företagshälsovård.")
    if v["kontaktperson"]:
        role = v["kontaktroll"].lower()
        labels = {str(label).lower(): value for value, label in ContactRole.choices}
        row.contact_role = (
            ContactRole.OTHER if not role else role if role in ContactRole.values else ""
        ) or labels.get(role, "")
        if not row.contact_role:
            return gettext_noop("Okänd kontaktroll.")
    elif v["kontaktroll"] or v["kontakt_telefon"] or v["kontakt_epost"]:
        return gettext_noop("Kontaktuppgifter utan kontaktpersonens namn.")
    return ""


def _org_key(type_: str, number: str, name: str) -> tuple[str, str, str]:
    return (type_, number, fold(name))


def import_directory_csv(
    *,
    actor: Actor,
    file: IO[bytes],
    finish: Callable[[DirectoryImportReport], None] | None = None,
) -> DirectoryImportReport:
    """Import organisations and contact persons from a CSV file (docs/formats-directory.md).

    A whole-file problem (size, encoding, header) raises DirectoryError. Each bad row is
    reported with its line and reason and left out; the good rows are saved. A row whose
    type, organisationsnummer and name (ignoring case) match an organisation already in
    the directory (or an earlier row) does not create a new one: it fills the existing
    organisation's empty fields (nothing is overwritten) and adds its contact person,
    unless a contact person with that name is already there.

    Every row is checked before anything is written, and everything is written in one
    transaction: the file's good rows all, or (on an error) nothing. `finish(report)`
    runs inside that transaction after the writes (the import job marks itself done).
    A row that cannot be read as CSV is reported and the reader goes on.
    """
    _require_editor(actor)
    rows, unreadable = _read_rows(file)
    report = DirectoryImportReport(rows=len(rows) + len(unreadable))
    report.rejected.extend(unreadable)
    good = []
    for row in rows:
        reason = _row_error(row)
        if reason:
            report.rejected.append(RejectedRow(row.line, row.values["namn"], reason))
        else:
            good.append(row)
    # Occupational health services first, so that employers can refer to them.
    good.sort(key=lambda r: (r.type != OrganisationType.OCCUPATIONAL_HEALTH, r.line))
    existing = {
        _org_key(o.type, o.org_number, o.name): o
        for o in Organisation.objects.filter(
            type__in=[r.type for r in good], merged_into__isnull=True
        ).select_related("directory_owner")
    }
    fhv_by_name: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.filter(
        type=OrganisationType.OCCUPATIONAL_HEALTH, merged_into__isnull=True
    ):
        fhv_by_name.setdefault(fold(organisation.name), []).append(organisation)
    touched: dict[Any, Organisation] = {}
    with transaction.atomic():
        for row in good:
            fhv = None
            if row.values["foretagshalsovard"]:
                matches = fhv_by_name.get(fold(row.values["foretagshalsovard"]), [])
                if len(matches) != 1:
                    report.rejected.append(
                        RejectedRow(
                            row.line,
                            row.values["namn"],
                            gettext_noop("Företagshälsovården finns inte i filen eller katalogen.")
                            if not matches
                            else gettext_noop("Flera företagshälsovårdar har det namnet."),
                        )
                    )
                    continue
                fhv = matches[0]
            organisation = _import_organisation(actor, row, fhv, existing, touched, report)
            if organisation.type == OrganisationType.OCCUPATIONAL_HEALTH:
                names = fhv_by_name.setdefault(fold(organisation.name), [])
                if organisation not in names:
                    names.append(organisation)
            if row.values["kontaktperson"]:
                _import_contact(actor, row, organisation, report)
        refresh_search_text(touched.values())
        report.rejected.sort(key=lambda r: r.line)
        report.unchanged = [
            o
            for o in touched.values()
            if o not in report.created
            and o not in report.updated
            and o not in report.kept_by_others
        ]
        pause_for_test()
        if finish:
            finish(report)
    return report


def _import_organisation(actor, row, fhv, existing, touched, report) -> Organisation:
    v = row.values
    key = _org_key(row.type, row.org_number, v["namn"])
    incoming = Organisation(
        type=row.type,
        name=v["namn"],
        org_number=row.org_number,
        phone=v["telefon"],
        email=v["epost"],
        address=v["adress"],
        occupational_health=fhv,
    )
    organisation = existing.get(key)
    if organisation is None:
        incoming.code = None
        incoming.save()
        OrganisationOwner.objects.create(organisation=incoming, unit=actor.organisation)
        existing[key] = organisation = incoming
        report.created.append(organisation)
        _audit(
            actor,
            Action.CREATE,
            "organisation",
            organisation.pk,
            source="import",
            line=row.line,
            owner_unit=str(actor.organisation.pk),
        )
    elif not may_change_entry(actor, organisation_owner_id(organisation)):
        if organisation not in report.kept_by_others:
            report.kept_by_others.append(organisation)
    else:
        filled = _fill_blanks(organisation, incoming, ("phone", "email", "address"))
        if fhv is not None and organisation.occupational_health_id is None:
            organisation.occupational_health = fhv
            filled.append("occupational_health")
        if filled:
            organisation.save(update_fields=[*filled, "updated_at"])
            if organisation not in report.created and organisation not in report.updated:
                report.updated.append(organisation)
            claimed = _claim_organisation(actor, organisation)
            _audit(
                actor,
                Action.UPDATE,
                "organisation",
                organisation.pk,
                source="import",
                line=row.line,
                fields=filled,
                **({"owner_unit": claimed} if claimed else {}),
            )
    touched.setdefault(organisation.pk, organisation)
    return organisation


def _import_contact(actor, row, organisation, report) -> None:
    v = row.values
    name = v["kontaktperson"]
    # Compared folded in Python: SQLite's iexact ignores the case of ASCII letters only.
    existing = organisation.contact_persons.active().values_list("name", flat=True)
    if any(fold(other) == fold(name) for other in existing):
        return
    contact = ContactPerson.objects.create(
        organisation=organisation,
        name=name,
        role=row.contact_role,
        phone=v["kontakt_telefon"],
        email=v["kontakt_epost"],
        created_by=actor.user,
        owner_unit=actor.organisation,
    )
    report.contacts_created.append(contact)
    _audit(actor, Action.CREATE, "contact_person", contact.pk, source="import", line=row.line)

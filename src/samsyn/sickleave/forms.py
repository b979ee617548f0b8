"""Forms of the sick-leave app: register one certificate, import a file of certificates."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from samsyn.people import personnummer
from samsyn.sickleave import diagnoses, engine, jsonformat
from samsyn.sickleave.models import CertificateType, Degree, Occupation
from samsyn.sickleave.services import CertificateData, ImportReport, PeriodInput

PERIOD_ROWS = 4
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# Django %-formats invalid_choice with the value, hence "%%".
DEGREE_MESSAGE = _("Omfattningen ska vara 25, 50, 75 eller 100 %%.")
#: Types whose certificates make sick-leave cases (engine.COUNTED_TYPES) need a diagnosis.
DIAGNOSIS_REQUIRED_TYPES = frozenset({CertificateType.FK7804, CertificateType.FK7263})


def _local_today() -> datetime.date:
    return timezone.localdate()


def _local_time_now() -> datetime.time:
    return timezone.localtime().time().replace(second=0, microsecond=0)


class CertificateRegisterForm(forms.Form):
    """One certificate typed in by hand. The first period row is required; rows 2-4 are
    optional. `certificate_data()` turns a valid form into the service's input."""

    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        help_text=_("12 siffror, till exempel 19121212-1212."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    type = forms.ChoiceField(
        label=_("Intygstyp"), choices=CertificateType.choices, initial=CertificateType.FK7804
    )
    signed_date = forms.DateField(
        label=_("Signerat datum"), initial=_local_today, widget=DATE_WIDGET
    )
    signed_time = forms.TimeField(
        label=_("Signerat klockslag"), initial=_local_time_now, widget=TIME_WIDGET
    )
    physician_name = forms.CharField(
        label=_("Intygsutfärdande läkare"),
        help_text=_("Lämna tomt om du själv är läkaren som utfärdat intyget."),
        max_length=200,
        required=False,
    )
    diagnosis_code = forms.CharField(
        label=_("Huvuddiagnos (ICD-10-SE)"),
        help_text=_("Till exempel M54.5. Krävs för FK7804 och FK7263."),
        max_length=10,
        required=False,
    )
    secondary_code_1 = forms.CharField(label=_("Bidiagnos 1"), max_length=10, required=False)
    secondary_code_2 = forms.CharField(label=_("Bidiagnos 2"), max_length=10, required=False)
    occupation = forms.ChoiceField(
        label=_("Sysselsättning"),
        choices=[("", _("Ej angiven"))] + list(Occupation.choices),
        required=False,
    )
    activity_limitation = forms.CharField(
        label=_("Aktivitetsbegränsning"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    work_capacity = forms.CharField(
        label=_("Arbetsförmåga"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    prognosis = forms.CharField(
        label=_("Prognos"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    expected_days = forms.IntegerField(
        label=_("Förväntad sjukskrivningslängd i dagar"),
        min_value=1,
        max_value=3650,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, PERIOD_ROWS + 1):
            required = row == 1
            self.fields[f"period_{row}_start"] = forms.DateField(
                label=_t("Period %(n)s, från och med") % {"n": row},
                required=required,
                widget=DATE_WIDGET,
            )
            self.fields[f"period_{row}_end"] = forms.DateField(
                label=_t("Period %(n)s, till och med") % {"n": row},
                required=required,
                widget=DATE_WIDGET,
            )
            self.fields[f"period_{row}_degree"] = forms.TypedChoiceField(
                label=_t("Period %(n)s, omfattning") % {"n": row},
                choices=[("", _("Välj omfattning"))] + list(Degree.choices),
                coerce=int,
                empty_value=None,
                required=required,
                error_messages={"invalid_choice": DEGREE_MESSAGE},
            )

    # ---- layout helpers for the template ---------------------------------------------

    @property
    def main_fields(self):
        return [self[name] for name in ("personnummer", "type", "signed_date", "signed_time")]

    @property
    def diagnosis_fields(self):
        return [self[n] for n in ("diagnosis_code", "secondary_code_1", "secondary_code_2")]

    @property
    def period_rows(self):
        """[(number, [start, end, degree])] for one fieldset per period."""
        return [
            (row, [self[f"period_{row}_{part}"] for part in ("start", "end", "degree")])
            for row in range(1, PERIOD_ROWS + 1)
        ]

    @property
    def text_fields(self):
        names = ("activity_limitation", "work_capacity", "prognosis", "expected_days")
        return [self[n] for n in ("occupation", *names)]

    # ---- validation ------------------------------------------------------------------

    def clean_personnummer(self) -> str:
        try:
            identity = personnummer.parse(self.cleaned_data["personnummer"])
        except personnummer.PersonnummerError as exc:
            raise ValidationError(_t(str(exc)), code=exc.code) from None
        return identity.normalized

    def _clean_code(self, name: str) -> str:
        raw = self.cleaned_data.get(name, "").strip()
        if not raw:
            return ""
        try:
            code = diagnoses.normalize_code(raw)
        except ValueError:
            code = ""
        if not code or not diagnoses.is_known(code):
            raise ValidationError(
                _t("Okänd diagnoskod %(code)s. Ange en kod ur ICD-10-SE, t.ex. M54.5.")
                % {"code": raw},
                code="unknown_diagnosis",
            )
        return code

    def clean_diagnosis_code(self) -> str:
        return self._clean_code("diagnosis_code")

    def clean_secondary_code_1(self) -> str:
        return self._clean_code("secondary_code_1")

    def clean_secondary_code_2(self) -> str:
        return self._clean_code("secondary_code_2")

    def clean(self):
        data = super().clean()
        self._clean_signed(data)
        self._clean_diagnosis_required(data)
        self._clean_periods(data)
        return data

    def _clean_signed(self, data) -> None:
        day, time = data.get("signed_date"), data.get("signed_time")
        if day is None or time is None:
            return
        signed = timezone.make_aware(datetime.datetime.combine(day, time))
        if signed > timezone.now() + datetime.timedelta(minutes=5):
            self.add_error("signed_date", _("Signeringstiden kan inte ligga i framtiden."))
            return
        data["signed_at"] = signed

    def _clean_diagnosis_required(self, data) -> None:
        if "diagnosis_code" not in data:
            return  # already invalid
        if not data["diagnosis_code"] and data.get("type") in DIAGNOSIS_REQUIRED_TYPES:
            self.add_error(
                "diagnosis_code", _("Ange huvuddiagnos: den krävs för FK7804 och FK7263.")
            )
        elif not data["diagnosis_code"] and (
            data.get("secondary_code_1") or data.get("secondary_code_2")
        ):
            self.add_error("diagnosis_code", _("Ange en huvuddiagnos före bidiagnoserna."))

    def _clean_periods(self, data) -> None:
        periods: list[tuple[int, PeriodInput]] = []
        complete = True
        for row in range(1, PERIOD_ROWS + 1):
            names = [f"period_{row}_{part}" for part in ("start", "end", "degree")]
            if any(name in self.errors for name in names):
                complete = False
                continue
            start, end, degree = (data.get(name) for name in names)
            if start is None and end is None and degree is None:
                continue
            values = (start, end, degree)
            missing = [n for n, value in zip(names, values, strict=True) if value is None]
            for name in missing:
                self.add_error(name, _("Fyll i från, till och omfattning för perioden."))
            if missing:
                complete = False
                continue
            if end < start:
                self.add_error(f"period_{row}_end", _("Perioden slutar innan den börjar."))
                complete = False
                continue
            periods.append((row, PeriodInput(start=start, end=end, degree=degree)))
        if not complete:
            return
        ordered = sorted(periods, key=lambda item: item[1].start)
        for (_row, earlier), (row, later) in zip(ordered, ordered[1:], strict=False):
            if later.start <= earlier.end:
                self.add_error(f"period_{row}_start", _("Perioderna överlappar varandra."))
                return
        data["periods"] = [period for _row, period in ordered]

    # ---- output ----------------------------------------------------------------------

    def certificate_data(self, *, physician=None) -> CertificateData:
        """The service's input. `physician` is the registering user when they are a
        physician; a physician named in the form (someone else) takes precedence."""
        d = self.cleaned_data
        if d["physician_name"]:
            physician = None
        return CertificateData(
            type=d["type"],
            signed_at=d["signed_at"],
            periods=d["periods"],
            diagnosis_code=d["diagnosis_code"],
            secondary_codes=[c for c in (d["secondary_code_1"], d["secondary_code_2"]) if c],
            occupation=d["occupation"],
            physician=physician,
            physician_name=d["physician_name"],
            activity_limitation=d["activity_limitation"],
            work_capacity=d["work_capacity"],
            prognosis=d["prognosis"],
            expected_days=d["expected_days"],
        )


MAX_IMPORT_BYTES = 20 * 1024 * 1024
JSON, CSV = "json", "csv"
#: Certificate.external_id's max_length (the parser allows longer ids).
MAX_EXTERNAL_ID = 100


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not imported. `line` is 0 when unknown; for JSON it is the
    certificate's 1-based position in the list, for CSV the line in the file."""

    line: int
    certificate: str
    reason: str


@dataclass
class ParsedFile:
    """The certificates of a file that parsed, their lines, and the rows that did not.

    `document_error` is set when the file as a whole cannot be read (bad JSON, a bad CSV
    header); then there are no certificates and no row errors.
    """

    certificates: list[engine.CertificateInput] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    errors: list[RejectedRow] = field(default_factory=list)
    document_error: str = ""


@dataclass
class ImportResult:
    """What the import page and command report: parse errors and service rejections."""

    imported: int
    persons: int
    rejected: list[RejectedRow]

    @classmethod
    def combine(cls, parsed: ParsedFile, report: ImportReport) -> ImportResult:
        rejected = parsed.errors + [RejectedRow(*row) for row in report.rejected]
        rejected.sort(key=lambda r: (r.line, r.certificate))
        return cls(imported=report.imported, persons=report.persons, rejected=rejected)


def _reason(error: jsonformat.CertificateFormatError) -> str:
    if error.field and f"'{error.field}'" not in error.message:
        return f"{error.message} (fält {error.field})"
    return error.message


def _is_document_error(error: jsonformat.CertificateFormatError) -> bool:
    # Errors of one certificate or row always name a certificate or a line after the header.
    return error.certificate is None and (error.line or 1) == 1


def _json_lines(good, errors) -> dict[str, int]:
    """Each list item gives either one good certificate or one error on its own line."""
    taken = {e.line for e in errors}
    positions = [i for i in range(1, len(good) + len(errors) + 1) if i not in taken]
    return {c.id: line for c, line in zip(good, positions, strict=False)}


def _csv_lines(text: str) -> dict[str, int]:
    """The line of the first row of every id (the header is line 1), as jsonformat counts."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: dict[str, int] = {}
    try:
        header = [name.strip().lower() for name in next(reader)]
        column = header.index("id")
        line = reader.line_num + 1
        for cells in reader:
            if column < len(cells):
                lines.setdefault(cells[column].strip(), line)
            line = reader.line_num + 1
    except (StopIteration, ValueError, csv.Error):
        pass
    return lines


def parse_certificate_file(kind: str, text: str) -> ParsedFile:
    """Parse a JSON document or CSV text leniently into good certificates and bad rows."""
    if kind == CSV:
        good, errors = jsonformat.parse_csv_lenient(text)
    else:
        good, errors = jsonformat.parse_document_lenient(text)
    document = [e for e in errors if _is_document_error(e)]
    if document:
        return ParsedFile(document_error="; ".join(_reason(e) for e in document))
    lines = _csv_lines(text) if kind == CSV else _json_lines(good, errors)
    parsed = ParsedFile(
        errors=[
            RejectedRow(
                line=e.line or 0,
                certificate=e.certificate if isinstance(e.certificate, str) else "",
                reason=_reason(e),
            )
            for e in errors
        ]
    )
    for certificate in good:
        line = lines.get(certificate.id, 0)
        if len(certificate.id) > MAX_EXTERNAL_ID:
            reason = _t("Intygs-id får vara högst %(n)s tecken.") % {"n": MAX_EXTERNAL_ID}
            parsed.errors.append(RejectedRow(line, certificate.id, reason))
            continue
        parsed.certificates.append(certificate)
        parsed.lines[certificate.id] = line
    return parsed


def _sniff_kind(name: str, head: str) -> str | None:
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".json":
        return JSON
    if suffix == ".csv":
        return CSV
    if suffix not in ("", ".txt"):
        return None
    stripped = head.lstrip()
    if stripped[:1] in ("{", "["):
        return JSON
    first_line = stripped.splitlines()[0] if stripped else ""
    if "," in first_line or ";" in first_line:
        return CSV
    return None


class CertificateImportForm(forms.Form):
    """A JSON or CSV file of certificates (UTF-8, at most 20 MB).

    Validation reads and parses the file: `cleaned_data["parsed"]` is the `ParsedFile`.
    A file that cannot be read as a whole (wrong type, not UTF-8, bad JSON, bad CSV
    header) is a form error; errors in single certificates are reported rows.
    """

    file = forms.FileField(
        label=_("Fil med intyg"),
        help_text=_("En JSON-fil (.json) eller CSV-fil (.csv), UTF-8, högst 20 MB."),
        widget=forms.FileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("Filen är för stor: den får vara högst 20 MB."), code="size")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _("Filen kunde inte läsas som text (UTF-8). Ladda upp en JSON- eller CSV-fil."),
                code="encoding",
            ) from None
        kind = _sniff_kind(upload.name, text[:2000])
        if kind is None:
            raise ValidationError(
                _("Filtypen stöds inte. Ladda upp en JSON-fil (.json) eller CSV-fil (.csv)."),
                code="type",
            )
        if not text.strip():
            raise ValidationError(_("Filen är tom."), code="empty")
        parsed = parse_certificate_file(kind, text)
        if parsed.document_error:
            raise ValidationError(
                _t("Filen kunde inte läsas: %(error)s") % {"error": parsed.document_error},
                code="document",
            )
        self.cleaned_data["parsed"] = parsed
        return upload

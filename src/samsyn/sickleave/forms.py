"""Forms of the sick-leave app: register one certificate, import a file of certificates."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from samsyn.people import personnummer
from samsyn.sickleave import diagnoses
from samsyn.sickleave.importing import sniff_kind
from samsyn.sickleave.models import CertificateType, Degree, Occupation
from samsyn.sickleave.services import CertificateData, PeriodInput

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


#: The largest file the import page accepts.
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class CertificateImportForm(forms.Form):
    """A JSON or CSV file of certificates (UTF-8, at most 20 MB).

    Validation only checks what is quick (size, text, type, not empty):
    `cleaned_data["content"]` are the file's bytes and `cleaned_data["kind"]` its type.
    The import job reads the stored file a block at a time (`importing.CertificateSource`;
    a CSV file whose certificates' rows are not together is read whole, ADR 019) and
    reports a file that cannot be read as a failed import.
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
        content = upload.read()
        try:
            head = content[:4096].decode("utf-8-sig", errors="strict")
        except UnicodeDecodeError as exc:
            if len(content) <= 4096 or exc.start < 4096 - 4:
                raise ValidationError(
                    _("Filen kunde inte läsas som text (UTF-8). Ladda upp en JSON- eller CSV-fil."),
                    code="encoding",
                ) from None
            head = content[: exc.start].decode("utf-8-sig")
        kind = sniff_kind(upload.name, head[:2000])
        if kind is None:
            raise ValidationError(
                _("Filtypen stöds inte. Ladda upp en JSON-fil (.json) eller CSV-fil (.csv)."),
                code="type",
            )
        if not content.strip() or not head.strip():
            raise ValidationError(_("Filen är tom."), code="empty")
        self.cleaned_data["content"] = content
        self.cleaned_data["kind"] = kind
        return upload

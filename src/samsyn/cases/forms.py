from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import User
from samsyn.cases import worklist as wl
from samsyn.cases.models import OPEN_STATUSES, CaseStatus, Outcome
from samsyn.people import personnummer
from samsyn.people.models import Sex
from samsyn.sickleave import diagnoses
from samsyn.sickleave.models import Occupation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorklistFilterForm(forms.Form):
    """The worklist's filter panel, posted; the view turns it into the list's URL."""

    text = forms.CharField(
        label=_("Fritext"),
        required=False,
        max_length=100,
        help_text=_("Namn, personnummer, diagnos, läkare … Visas aldrig i adressen."),
    )
    diagnosis_chapter = forms.TypedChoiceField(
        label=_("Diagnoskapitel"), required=False, coerce=int, empty_value=None
    )
    length = forms.ChoiceField(label=_("Sjukskrivningslängd"), required=False)
    physician = forms.ChoiceField(label=_("Läkare"), required=False)
    responsible = forms.ChoiceField(label=_("Ansvarig koordinator"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    occupation = forms.ChoiceField(label=_("Sysselsättning"), required=False)
    sex = forms.ChoiceField(label=_("Kön"), required=False)
    age_min = forms.IntegerField(label=_("Ålder från"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=_("Ålder till"), required=False, min_value=0, max_value=150)
    end_from = forms.DateField(label=_("Slutdatum från"), required=False, widget=DATE_WIDGET)
    end_to = forms.DateField(label=_("Slutdatum till"), required=False, widget=DATE_WIDGET)
    ending_soon = forms.BooleanField(label=_("Slutar snart"), required=False)
    overdue = forms.BooleanField(label=_("Har försenade uppgifter"), required=False)
    consent_expiring = forms.BooleanField(label=_("Samtycke går ut inom 14 dagar"), required=False)
    fk_questions = forms.BooleanField(label=_("Obesvarade frågor från FK"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    # Rows per page (`wl.PAGE_SIZES`), kept in the list's URL with the filters.
    per_page = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(n, n) for n in wl.PAGE_SIZES],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, physicians=(), coordinators=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Alla"))]
        self.fields["diagnosis_chapter"].choices = anything + [
            (c.number, c.label) for c in diagnoses.chapters()
        ]
        self.fields["length"].choices = anything + [
            (k, label) for k, (_lo, _hi, label) in wl.LENGTH_BUCKETS.items()
        ]
        self.fields["physician"].choices = anything + [
            (str(u.pk), u.display_name) for u in physicians
        ]
        self.fields["responsible"].choices = anything + [
            (str(u.pk), u.display_name) for u in coordinators
        ]
        self.fields["status"].choices = anything + list(CaseStatus.choices)
        self.fields["occupation"].choices = anything + list(Occupation.choices)
        self.fields["sex"].choices = anything + list(Sex.choices)

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("Åldern till måste vara minst lika hög som åldern från."))
        start, end = data.get("end_from"), data.get("end_to")
        if start and end and start > end:
            self.add_error("end_to", _("Slutdatum till kan inte vara före slutdatum från."))
        return data

    def to_filters(self, text: str = "") -> wl.Filters:
        d = self.cleaned_data
        chosen = {k: d.get(k) for k in wl.Filters.__dataclass_fields__ if k in d}
        chosen["text"] = text or d.get("text") or ""
        return wl.Filters(**chosen)

    def filters(self, text: str = "") -> wl.Filters:
        """The chosen filters, or none when the form is unbound or invalid."""
        return self.to_filters(text) if self.is_valid() else wl.Filters(text=text)

    def query_params(self) -> dict[str, str]:
        """The chosen codes and dates as the list's URL parameters (never the free text)."""
        params = {}
        for key in (*wl.CODE_FILTERS, "sort", "per_page"):
            value = self.cleaned_data.get(key)
            if value in (None, "", False) or (key == "sort" and value == wl.DEFAULT_SORT):
                continue
            if key == "per_page" and value == wl.DEFAULT_PER_PAGE:
                continue
            if value is True:
                value = "1"
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            params[key] = str(value)
        return params

    def choice_label(self, key: str, value) -> str:
        """The label of a chosen code, as the filter panel shows it."""
        for code, label in getattr(self.fields[key], "choices", ()):
            if str(code) == str(value):
                return str(label)
        return str(value)


class WorklistQueryForm(WorklistFilterForm):
    """The worklist's filters as read from its URL: codes, dates and the saved filter's
    opaque id (`f`); free text in the URL is ignored."""

    f = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["text"]

    def saved_filter_id(self):
        return self.cleaned_data.get("f") if self.is_valid() else None


class PersonSearchForm(forms.Form):
    """Find a person of the unit by name or by 10- or 12-digit personnummer or
    samordningsnummer. Posted, never in a URL."""

    query = forms.CharField(
        label=_("Namn, personnummer eller samordningsnummer"),
        max_length=100,
        help_text=_("T.ex. 19121212-1212, 121212-1212 eller Tolvan Tolvansson."),
    )
    # Set by `clean_query`: the normalised number, or the words of a name.
    number: str = ""
    words: tuple[str, ...] = ()

    def clean_query(self) -> str:
        value = self.cleaned_data["query"].strip()
        digits = value.replace("-", "").replace("+", "").replace(" ", "")
        if digits.isdigit():
            if len(digits) not in (10, 12):
                raise forms.ValidationError(
                    _("Skriv personnumret med 10 eller 12 siffror, t.ex. 19121212-1212.")
                )
            try:
                self.number = personnummer.parse(value.replace(" ", "")).normalized
            except personnummer.PersonnummerError as exc:
                raise forms.ValidationError(str(exc)) from exc
            self.words = ()
            return value
        self.number = ""
        self.words = tuple(w for w in value.split() if w)
        if sum(len(w) for w in self.words) < 2:
            raise forms.ValidationError(_("Skriv minst två bokstäver av namnet."))
        return value


def worklist_sort(query) -> str:
    """The worklist's sort key from the query string (the default when none is given)."""
    return query.get("sort", wl.DEFAULT_SORT)


class ColumnsForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label=_("Kolumner"),
        required=False,
        choices=[(k, label) for k, label, _shown in wl.COLUMNS],
        widget=forms.CheckboxSelectMultiple,
    )
    order = forms.CharField(
        label=_("Ordning"),
        required=False,
        help_text=_("Kolumnernas ordning, kommaseparerad (t.ex. name,start,days)."),
    )
    show_personal_data = forms.BooleanField(label=_("Visa personuppgifter"), required=False)

    def ordered_columns(self) -> list[str]:
        chosen = self.cleaned_data["columns"]
        order = [c.strip() for c in self.cleaned_data["order"].split(",") if c.strip()]
        ranked = [c for c in order if c in chosen] + [c for c in chosen if c not in order]
        return wl.clean_columns(ranked)


class CaseOpenForm(forms.Form):
    preventive = forms.BooleanField(
        label=_("Förebyggande ärende (personen är inte sjukskriven men riskerar att bli det)"),
        required=False,
    )


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Ny status"), choices=[(s, CaseStatus(s).label) for s in OPEN_STATUSES]
    )
    note = forms.CharField(label=_("Kommentar"), required=False, max_length=500)


class UserChoiceField(forms.ModelChoiceField):
    """Users by name, never by username."""

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class CaseHandOverForm(forms.Form):
    responsible = UserChoiceField(label=_("Ny ansvarig"), queryset=User.objects.none())

    def __init__(self, *args, coordinators=None, **kwargs):
        super().__init__(*args, **kwargs)
        if coordinators is not None:
            self.fields["responsible"].queryset = coordinators


class CaseCloseForm(forms.Form):
    """Closing a case: the outcome has no default (the coordinator chooses it), and the
    form is sent twice - first to see what will happen, then `confirmed`."""

    outcome = forms.ChoiceField(
        label=_("Utfall"), choices=[("", _("Välj utfall"))] + list(Outcome.choices)
    )
    outcome_date = forms.DateField(label=_("Datum"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Kommentar"), required=False, max_length=500)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def outcome_label(self) -> str:
        return str(Outcome(self.cleaned_data["outcome"]).label)


class ExpectedDaysForm(forms.Form):
    expected_days = forms.IntegerField(
        label=_("Bedömd sjukskrivningslängd i dagar"), required=False, min_value=1, max_value=3650
    )


class TaskAddForm(forms.Form):
    title = forms.CharField(label=_("Uppgift"), max_length=200)
    due_date = forms.DateField(label=_("Senast"), widget=DATE_WIDGET)


class StatementForm(forms.Form):
    """The structured information an external actor sends (fields depend on the kind)."""

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for spec in fields:
            widget = forms.Textarea(attrs={"rows": 3}) if spec.multiline else forms.TextInput
            self.fields[spec.key] = forms.CharField(
                label=spec.label, required=spec.required, max_length=4000, widget=widget
            )


class UnitSettingsForm(forms.Form):
    """The care unit's sick-leave settings; ranges as `sickleave.engine.EngineSettings`."""

    gap_days = forms.IntegerField(
        label=_("Högsta uppehåll mellan intyg i samma sjukfall (dagar)"), min_value=0, max_value=90
    )
    ending_soon_days = forms.IntegerField(
        label=_("Sjukfall slutar snart inom (dagar)"), min_value=0, max_value=90
    )
    recent_days = forms.IntegerField(
        label=_("Visa avslutade sjukfall i (dagar)"), min_value=0, max_value=14
    )


class WorklistDaysForm(forms.Form):
    """The user's own gap and "recently ended" days for the worklist; empty uses the unit's."""

    gap_days = forms.IntegerField(
        label=_("Slå ihop sjukfall med högst så många dagars uppehåll"),
        required=False,
        min_value=0,
        max_value=90,
        help_text=_(
            "Lämna tomt för att använda enhetens inställning. Ett mindre värde än enhetens "
            "delar sjukfallen vid längre uppehåll; dagarna före räknas ändå i kedjan."
        ),
    )
    recent_days = forms.IntegerField(
        label=_("Visa avslutade sjukfall i (dagar)"),
        required=False,
        min_value=0,
        max_value=14,
        help_text=_("Lämna tomt för att använda enhetens inställning."),
    )

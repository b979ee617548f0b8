from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.collaboration.models import Channel, CoordinationPart, FkTopic, Purpose, ThreadKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
NEXT_STEP_ROWS = 3
PROTECTION_TEXT = _(
    "Jag vet att personen har skyddade personuppgifter/risk för våld och lämnar inte ut "
    "adress eller kontaktuppgifter"
)


def _grouped(recipients) -> list:
    """Select choices: the case's actors first, then the organisations the person's
    consents name, then the rest of the directory (issue 17 §7)."""
    choices: list = [("", _("Välj aktör"))]
    groups = (
        (_("Aktörer i ärendet"), recipients.linked),
        (_("Nämns i personens samtycken"), recipients.consented),
        (_("Övriga aktörer i katalogen"), recipients.others),
    )
    for label, organisations in groups:
        if organisations:
            choices.append((label, [(str(o.pk), o.name) for o in organisations]))
    return choices


class OrganisationChoiceMixin:
    """An organisation select over the groups from `selectors.organisation_choices`; with
    `check_url` the select asks (htmx) whether a consent covers the chosen recipient."""

    def _set_organisations(self, recipients, check_url: str = "") -> None:
        if recipients is None:
            recipients = NO_RECIPIENTS
        everyone = [*recipients.linked, *recipients.consented, *recipients.others]
        self._organisations = {str(o.pk): o for o in everyone}
        field = self.fields["organisation"]
        field.choices = _grouped(recipients)
        if check_url:
            field.widget.attrs.update(
                {
                    "hx-get": check_url,
                    "hx-trigger": "change",
                    "hx-target": "#recipient-check",
                    "hx-swap": "innerHTML",
                    "aria-controls": "recipient-check",
                }
            )

    def clean_organisation(self):
        value = self.cleaned_data.get("organisation")
        return self._organisations.get(value) if value else None


@dataclass(frozen=True)
class _NoRecipients:
    linked: tuple = ()
    consented: tuple = ()
    others: tuple = ()


NO_RECIPIENTS = _NoRecipients()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploads in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ContactLogForm(OrganisationChoiceMixin, forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("Tidpunkt"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    channel = forms.ChoiceField(label=_("Kanal"), choices=Channel.choices)
    part = forms.ChoiceField(
        label=_("Del av koordineringen"),
        choices=CoordinationPart.choices,
        initial=CoordinationPart.EXTERNAL,
    )
    purpose = forms.ChoiceField(label=_("Syfte"), choices=Purpose.choices)
    organisation = forms.ChoiceField(
        label=_("Aktör"),
        required=False,
        help_text=_("Krävs vid samverkan med andra aktörer."),
    )
    contact_person = forms.ModelChoiceField(
        label=_("Kontaktperson"), required=False, queryset=None, empty_label=_("Ingen vald")
    )
    with_whom = forms.CharField(
        label=_("Med vem (om inte i katalogen)"), required=False, max_length=200
    )
    summary = forms.CharField(label=_("Sammanfattning"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(
        self, *args, recipients=None, check_url="", contact_persons=None, protected=False, **kw
    ):
        super().__init__(*args, **kw)
        self._set_organisations(recipients, check_url)
        self.fields["contact_person"].queryset = contact_persons
        self.fields["contact_person"].label_from_instance = lambda c: (
            f"{c.name} ({c.organisation.name})"
        )
        for n in range(1, NEXT_STEP_ROWS + 1):
            self.fields[f"step_{n}"] = forms.CharField(
                label=_("Nästa steg %(n)s") % {"n": n}, required=False, max_length=200
            )
            self.fields[f"step_{n}_due"] = forms.DateField(
                label=_("Senast (nästa steg %(n)s)") % {"n": n}, required=False, widget=DATE_WIDGET
            )
        self.protected = protected
        if protected:
            self.fields["protection_acknowledged"] = forms.BooleanField(
                label=PROTECTION_TEXT, required=False
            )

    @property
    def main_fields(self):
        names = ["occurred_at", "channel", "part", "purpose", "organisation", "contact_person"]
        return [self[n] for n in [*names, "with_whom", "summary"]]

    @property
    def step_rows(self):
        return [(n, self[f"step_{n}"], self[f"step_{n}_due"]) for n in range(1, NEXT_STEP_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for n in range(1, NEXT_STEP_ROWS + 1):
            title, due = data.get(f"step_{n}"), data.get(f"step_{n}_due")
            if title and not due:
                self.add_error(f"step_{n}_due", _("Ange när steget ska vara gjort."))
            if due and not title:
                self.add_error(f"step_{n}", _("Beskriv steget."))
        external = data.get("part") == CoordinationPart.EXTERNAL
        if external and not data.get("organisation"):
            self.add_error("organisation", _("Välj vilken aktör kontakten gällde."))
        if external and self.protected and not data.get("protection_acknowledged"):
            self.add_error("protection_acknowledged", _("Du måste bekräfta detta."))
        return data

    def next_steps(self) -> list:
        d = self.cleaned_data
        return [
            (d[f"step_{n}"], d[f"step_{n}_due"])
            for n in range(1, NEXT_STEP_ROWS + 1)
            if d.get(f"step_{n}") and d.get(f"step_{n}_due")
        ]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        names = ["occurred_at", "channel", "part", "purpose", "organisation", "contact_person"]
        return {
            **{n: d[n] for n in names},
            "summary": d["summary"],
            "with_whom": d["with_whom"],
            "next_steps": self.next_steps(),
            "protection_acknowledged": d.get("protection_acknowledged", False),
        }


class MessageReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Meddelande"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(
        label=_("Bifoga filer"),
        required=False,
        help_text=_("PDF, PNG eller JPEG, högst 10 MB per fil och högst 5 filer."),
    )


CARE_KINDS = [ThreadKind.GENERAL, ThreadKind.FK_REHAB_NEED]
EXTERNAL_KINDS = [ThreadKind.GENERAL]
FK_KINDS = [ThreadKind.GENERAL, ThreadKind.FK_QUESTION]


class ThreadStartForm(OrganisationChoiceMixin, forms.Form):
    """Start a conversation. Care staff choose the party; Försäkringskassan's officer may
    ask a question about a certificate (topic, certificate, answer-by date)."""

    organisation = forms.ChoiceField(label=_("Mottagare"))
    kind = forms.ChoiceField(label=_("Typ"))
    fk_topic = forms.ChoiceField(
        label=_("Ämne för frågan"), required=False, choices=[("", "–"), *FkTopic.choices]
    )
    certificate = forms.ModelChoiceField(
        label=_("Intyget frågan gäller"), required=False, queryset=None, empty_label=_("Inget valt")
    )
    answer_by = forms.DateField(label=_("Svar senast"), required=False, widget=DATE_WIDGET)
    subject = forms.CharField(label=_("Ämne"), max_length=200)
    body = forms.CharField(
        label=_("Meddelande"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(
        label=_("Bifoga filer"),
        required=False,
        help_text=_("PDF, PNG eller JPEG, högst 10 MB per fil och högst 5 filer."),
    )

    def __init__(self, *args, side="care", recipients=None, check_url="", certificates=None, **kw):
        super().__init__(*args, **kw)
        self.side = side
        kinds = {"care": CARE_KINDS, "fk": FK_KINDS}.get(side, EXTERNAL_KINDS)
        self.fields["kind"].choices = [(k, ThreadKind(k).label) for k in kinds]
        if side == "care":
            self._set_organisations(recipients, check_url)
        else:
            del self.fields["organisation"]
        if side == "fk":
            self.fields["certificate"].queryset = certificates
            self.fields["certificate"].label_from_instance = lambda c: (
                f"{c.get_type_display()} {c.signed_at:%Y-%m-%d}"
            )
        else:
            for name in ("fk_topic", "certificate", "answer_by"):
                del self.fields[name]

    @property
    def question_fields(self):
        return [self[n] for n in ("fk_topic", "certificate", "answer_by") if n in self.fields]

    @property
    def main_fields(self):
        names = ("organisation", "kind", "subject", "body", "attachments")
        return [self[n] for n in names if n in self.fields]

    def clean(self):
        data = super().clean()
        if data.get("kind") == ThreadKind.FK_QUESTION:
            if not data.get("fk_topic"):
                self.add_error("fk_topic", _("Välj frågans ämne."))
            if not data.get("answer_by"):
                self.add_error("answer_by", _("Ange när svaret senast ska lämnas."))
        return data

    def service_kwargs(self, party) -> dict:
        d = self.cleaned_data
        return {
            "party": d.get("organisation") or party,
            "kind": d["kind"],
            "subject": d["subject"],
            "body": d["body"],
            "fk_topic": d.get("fk_topic") or "",
            "certificate": d.get("certificate"),
            "answer_by": d.get("answer_by"),
            "attachments": d["attachments"],
        }


class FkRequestForm(forms.Form):
    """Försäkringskassan's question about a certificate it received (110 kap. 31 § SFB).
    The personnummer is posted, never put in a URL, and only used to find the certificate."""

    personnummer = forms.CharField(
        label=_("Personnummer"),
        max_length=13,
        help_text=_("Tolv siffror, till exempel 19121212-1212."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    certificate_signed_on = forms.DateField(
        label=_("Intygets datum"),
        help_text=_("Dagen då läkaren signerade läkarintyget för sjukpenning."),
        widget=DATE_WIDGET,
    )
    fk_topic = forms.ChoiceField(label=_("Ämne för frågan"), choices=FkTopic.choices)
    answer_by = forms.DateField(label=_("Svar senast"), widget=DATE_WIDGET)
    subject = forms.CharField(label=_("Rubrik"), max_length=200)
    body = forms.CharField(
        label=_("Fråga"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "personnummer_value": d["personnummer"],
            "certificate_signed_on": d["certificate_signed_on"],
            "fk_topic": d["fk_topic"],
            "answer_by": d["answer_by"],
            "subject": d["subject"],
            "body": d["body"],
        }


class HarmAssessmentForm(forms.Form):
    """The care unit's harm assessment (menprövning) of Försäkringskassan's request."""

    disclose = forms.TypedChoiceField(
        label=_("Kan uppgifterna lämnas utan att personen eller någon närstående lider men?"),
        choices=[
            ("yes", _("Ja, uppgifterna kan lämnas")),
            ("no", _("Nej, uppgifterna lämnas inte")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reasoning = forms.CharField(
        label=_("Motivering"),
        max_length=4000,
        help_text=_("Stannar hos vårdenheten. Försäkringskassan ser bara utfallet."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecipientCheckForm(forms.Form):
    """The chosen recipient, for the consent check before sending (an opaque id)."""

    organisation = forms.UUIDField()

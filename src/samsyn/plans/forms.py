"""Forms of the plans' pages. The plan form is built from `content.FIELDS` for the plan's
kind (without the ICF fields for a reader who may not see them); every form that changes
a plan carries the version it was opened at (`version`, optimistic concurrency)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.plans import catalogue, content
from samsyn.plans.content import MeasureStatus, NoPlanReason


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _field(spec: content.Field) -> forms.Field:
    label = spec.label
    if spec.type == "date":
        return forms.DateField(label=label, required=spec.required, widget=DateInput())
    if spec.type == "yesno":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[(content.YES, _("Ja")), (content.NO, _("Nej"))],
            widget=forms.RadioSelect,
        )
    if spec.type == "line":
        return forms.CharField(label=label, required=spec.required, max_length=300)
    return forms.CharField(
        label=label,
        required=spec.required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind: str, icf: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in content.fields_for(kind, icf=icf):
            self.fields[spec.key] = _field(spec)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class MeasureForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    catalogue_code = forms.ChoiceField(label=_("Åtgärd ur katalogen"), required=False)
    title = forms.CharField(
        label=_("Eller egen åtgärd"),
        required=False,
        max_length=200,
        help_text=_("Skriv en egen åtgärd om den inte finns i katalogen."),
    )
    owner_organisation = forms.ChoiceField(label=_("Ansvarig organisation"))
    owner_person = forms.CharField(label=_("Ansvarig person"), required=False, max_length=200)
    start = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Slut"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    follow_up = forms.DateField(label=_("Uppföljning"), required=False, widget=DateInput())

    def __init__(self, *args, owners: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].choices = [("", "–"), *owners]
        self.fields["catalogue_code"].choices = [("", "–")] + [
            (m.code, f"{m.label} ({m.kind_label}, {m.responsible_label})")
            for m in catalogue.catalogue()
        ]

    def clean(self):
        data = super().clean()
        if not data.get("catalogue_code") and not (data.get("title") or "").strip():
            raise forms.ValidationError(_("Välj en åtgärd i katalogen eller skriv en egen."))
        return data


class MeasureUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    owner_person = forms.CharField(label=_("Ansvarig person"), required=False, max_length=200)
    start = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Slut"), required=False, widget=DateInput())
    follow_up = forms.DateField(label=_("Uppföljning"), required=False, widget=DateInput())


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Kommentar"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoPlanForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Skäl"), choices=NoPlanReason.choices, widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput())
    note = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Vad vill du ändra? (frivilligt)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("Version"), min_value=1)
    b = forms.IntegerField(label=_("jämförd med version"), min_value=1)

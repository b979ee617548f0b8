"""The answer form of an instrument, built from its data file (one radio group per item)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.screening import scoring


class ResponseEntryForm(forms.Form):
    """Every item optional (the engine applies the instrument's missing-answer rule);
    `dated`: staff may give the date a paper form was filled in."""

    def __init__(self, *args, instrument: scoring.Instrument, dated: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.text,
                choices=[(o.value, o.label) for o in item.options],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        if dated:
            self.fields["taken_on"] = forms.DateField(
                label=_("Datum då formuläret fylldes i"),
                initial=timezone.localdate,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def clean(self):
        data = super().clean()
        if not any(data.get(i.key) is not None for i in self.instrument.items):
            raise forms.ValidationError(_("Svara på minst en fråga."))
        return data

    def answers(self) -> dict:
        return {i.key: self.cleaned_data.get(i.key) for i in self.instrument.items}

    def chosen_date(self):
        return self.cleaned_data.get("taken_on")

    def item_fields(self):
        """(item, bound field) in the instrument's order, for the template."""
        return [(item, self[item.key]) for item in self.instrument.items]

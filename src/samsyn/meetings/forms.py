"""The meetings' forms: booking, answering, moving, cancelling, the record of a held
meeting, the minutes with their points, and the user's reminder choices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.meetings.content import Answer, FkDecision, MeetingKind, Mode, PointKind, ReminderKind

_DT = {"type": "datetime-local"}


def _when(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M")
    )


class BookForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Slags möte"), choices=MeetingKind.choices, widget=forms.RadioSelect
    )
    purpose = forms.CharField(label=_("Syfte"), max_length=300)
    agenda = forms.CharField(
        label=_("Dagordning"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    starts_at = _when(_("Börjar"))
    ends_at = _when(_("Slutar"))
    mode = forms.ChoiceField(
        label=_("Form"), choices=Mode.choices, widget=forms.RadioSelect, initial=Mode.PLACE
    )
    place = forms.CharField(label=_("Plats"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Videolänk"), required=False, assume_scheme="https")
    participants = forms.MultipleChoiceField(
        label=_("Deltagare"), widget=forms.CheckboxSelectMultiple, required=False
    )
    sip_consent = forms.BooleanField(label=_("Personen har samtyckt till en SIP"), required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [
            (c.key, f"{c.label} – {c.group}") for c in candidates
        ]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Ditt svar"),
        choices=[(a.value, a.label) for a in Answer if a != Answer.PENDING],
        widget=forms.RadioSelect,
    )
    proposed_start = forms.DateTimeField(
        label=_("Föreslagen tid"),
        required=False,
        widget=forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("Kort orsak"), max_length=200, required=False)


class MoveForm(forms.Form):
    starts_at = _when(_("Ny tid, börjar"))
    ends_at = _when(_("Ny tid, slutar"))
    reason = forms.CharField(label=_("Varför flyttas mötet?"), max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Varför ställs mötet in?"), max_length=300)


class FkDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Försäkringskassans beslut"),
        choices=[(d.value, d.label) for d in (FkDecision.ACCEPTED, FkDecision.DECLINED)],
        widget=forms.RadioSelect,
    )


class HeldForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Vilka var med?"), widget=forms.CheckboxSelectMultiple, required=False
    )
    physician_minutes = forms.IntegerField(
        label=_("Läkarens tid (minuter)"), min_value=0, max_value=600, required=False
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(p.pk), p.name) for p in participants]


class PointForm(forms.Form):
    text = forms.CharField(label=_("Vad ska göras"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Blir"), choices=PointKind.choices, initial=PointKind.MEASURE)
    owner_organisation = forms.ChoiceField(label=_("Ansvarig organisation"), required=False)
    owner_person = forms.CharField(label=_("Ansvarig person"), max_length=200, required=False)
    due = forms.DateField(
        label=_("Senast"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].choices = list(organisations)

    def clean(self):
        data = super().clean()
        if data.get("text") and not (data.get("due") and data.get("owner_organisation")):
            raise forms.ValidationError(_("Ange ansvarig organisation och datum för punkten."))
        return data


PointFormSet = forms.formset_factory(PointForm, extra=3, max_num=12)


class MinutesForm(forms.Form):
    conclusion = forms.CharField(label=_("Slutsats"), widget=forms.Textarea(attrs={"rows": 4}))
    plain = forms.CharField(
        label=_("Sammanfattning för personen på enkel svenska"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AmendForm(MinutesForm):
    reason = forms.CharField(label=_("Varför ändras protokollet?"), max_length=300)


class ReminderChoiceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Påminnelser jag vill få"),
        choices=ReminderKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class InviteForm(forms.Form):
    participants = forms.MultipleChoiceField(
        label=_("Bjud in fler"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [
            (c.key, f"{c.label} – {c.group}") for c in candidates
        ]

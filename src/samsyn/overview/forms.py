from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.core.timeline import EventKind


class TimelineFilterForm(forms.Form):
    """Which kinds of events to show: EventKind codes only (no personal data in the URL)."""

    kind = forms.MultipleChoiceField(
        label=_("Visa"),
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            labels = dict(EventKind.choices)
            self.fields["kind"].choices = [(k, labels[k]) for k in kinds]

    def chosen(self) -> list[str]:
        """The kinds asked for; none (all) when the parameters are not valid codes."""
        if not self.is_valid():
            return []
        return list(self.cleaned_data["kind"])

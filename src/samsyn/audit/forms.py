from django import forms
from django.utils.translation import gettext_lazy as _


class DenialPeriodForm(forms.Form):
    DEFAULT_DAYS = 7

    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        choices=[(1, _("Senaste dygnet")), (7, _("Senaste veckan")), (30, _("Senaste 30 dagarna"))],
        initial=DEFAULT_DAYS,
    )

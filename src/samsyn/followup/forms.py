from datetime import date
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_REPORT_YEARS = 3


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


class CoordinationReportForm(forms.Form):
    """The period (and unit) of the follow-up of coordination; read from the query string.
    Without a query the period is the current calendar year to date, at all units."""

    start = forms.DateField(label=_("Från och med"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Till och med"), widget=DATE_WIDGET)
    unit = forms.ChoiceField(label=_("Enhet"), required=False)

    def __init__(self, query, *, units, today: date):
        defaults = {"start": date(today.year, 1, 1).isoformat(), "end": today.isoformat()}
        data = {**defaults, **{k: query[k] for k in ("start", "end", "unit") if k in query}}
        super().__init__(data)
        self.units = list(units)
        self._units = {str(u.pk): u for u in self.units}
        if len(self.units) > 1:
            self.fields["unit"].choices = [
                ("", _("Alla enheter")),
                *[(str(u.pk), u.name) for u in self.units],
            ]
        else:
            del self.fields["unit"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("Slutdatumet kan inte vara före startdatumet."))
        elif start and end and end >= _years_later(start, MAX_REPORT_YEARS):
            self.add_error("end", _("Perioden får vara högst tre år."))
        return data

    def report_kwargs(self) -> dict:
        d = self.cleaned_data
        chosen = self._units.get(d.get("unit") or "")
        return {"units": [chosen] if chosen else self.units, "start": d["start"], "end": d["end"]}

    def csv_query(self) -> str:
        d = self.cleaned_data
        query = {"start": d["start"].isoformat(), "end": d["end"].isoformat()}
        if d.get("unit"):
            query["unit"] = d["unit"]
        return urlencode({**query, "format": "csv"})

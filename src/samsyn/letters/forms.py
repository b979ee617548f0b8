"""The letters' forms: a letter to fill in, a template and a guide to edit, a talk's
answers, a signed consent form's scan."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation
from samsyn.consent.models import Category
from samsyn.directory.models import ContactPerson
from samsyn.letters.models import TemplateKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_type_display()})"


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_type_display()})"


class LetterForm(forms.Form):
    recipient = OrganisationField(
        label=_("Mottagare"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Personen själv"),
        help_text=_("En extern aktör får brevet bara om ett samtycke täcker det när det skickas."),
    )
    contact_person = forms.ModelChoiceField(
        label=_("Kontaktperson"), queryset=ContactPerson.objects.none(), required=False
    )
    nasta_mote = forms.CharField(label=_("Nästa möte"), max_length=200, required=False)
    fritext = forms.CharField(
        label=_("Fritext"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    consent_recipients = OrganisationsField(
        label=_("Samtyckets mottagare"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("Uppgifter som får lämnas"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(label=_("Gäller från"), required=False, widget=DATE_WIDGET)
    valid_to = forms.DateField(label=_("Gäller till och med"), required=False, widget=DATE_WIDGET)
    purpose = forms.CharField(label=_("Syfte"), max_length=300, required=False)

    LETTER_FIELDS = ("recipient", "contact_person", "nasta_mote", "fritext")
    CONSENT_FIELDS = ("consent_recipients", "categories", "valid_from", "valid_to", "purpose")

    def __init__(self, *args, kind: str, recipients, contact_persons, consent_recipients, **kw):
        today = timezone.localdate()
        kw["initial"] = {
            "valid_from": today,
            "valid_to": today + timedelta(days=364),
            "categories": [Category.CONTACT, Category.WORK_CAPACITY],
            "purpose": _("Planera återgång i arbete"),
            **kw.get("initial", {}),
        }
        super().__init__(*args, **kw)
        self.kind = kind
        ids = [o.pk for o in recipients]
        self.fields["recipient"].queryset = Organisation.objects.filter(pk__in=ids)
        self.fields["contact_person"].queryset = ContactPerson.objects.filter(
            pk__in=[c.pk for c in contact_persons]
        ).select_related("organisation")
        self.fields["consent_recipients"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in consent_recipients]
        ).order_by("name")
        drop = self.LETTER_FIELDS[:2] if kind == TemplateKind.CONSENT_FORM else self.CONSENT_FIELDS
        for name in drop:
            del self.fields[name]

    @property
    def is_consent_form(self) -> bool:
        return self.kind == TemplateKind.CONSENT_FORM

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        inputs = {"nasta_mote": d.get("nasta_mote", ""), "fritext": d.get("fritext", "")}
        if self.is_consent_form:
            inputs["consent"] = {
                "recipients": [str(o.pk) for o in d.get("consent_recipients") or []],
                "categories": list(d.get("categories") or []),
                "valid_from": d["valid_from"].isoformat() if d.get("valid_from") else "",
                "valid_to": d["valid_to"].isoformat() if d.get("valid_to") else "",
                "purpose": d.get("purpose", ""),
            }
            return {"recipient": None, "contact_person": None, "inputs": inputs}
        return {
            "recipient": d.get("recipient"),
            "contact_person": d.get("contact_person"),
            "inputs": inputs,
        }


class TemplateForm(forms.Form):
    base = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Namn"), max_length=200)
    subject = forms.CharField(label=_("Rubrik"), max_length=300)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        help_text=_(
            "Fält skrivs {{ namn }}. Tom rad ger nytt stycke, # rubrik, - punkt i en lista."
        ),
    )


class GuideForm(forms.Form):
    base = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Namn"), max_length=200)
    intro = forms.CharField(
        label=_("Inledning"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    questions = forms.CharField(
        label=_("Frågor"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "En fråga per rad: fråga | hjälptext | ICF-fält (icf_body, icf_activity, "
            "icf_environment eller icf_personal)."
        ),
    )


def questions_text(questions) -> str:
    """The guide's questions one a line, as the editor shows them."""
    lines = []
    for q in questions:
        parts = [q["label"], q.get("help", ""), q.get("icf", "")]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class NoteForm(forms.Form):
    held_on = forms.DateField(label=_("Samtalets datum"), widget=DATE_WIDGET)
    with_whom = forms.CharField(label=_("Samtal med"), max_length=200, required=False)

    def __init__(self, *args, questions, **kw):
        kw.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kw)
        self.questions = questions
        for q in questions:
            self.fields[f"q_{q['key']}"] = forms.CharField(
                label=q["label"],
                help_text=q.get("help", ""),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> dict[str, str]:
        return {q["key"]: self.cleaned_data.get(f"q_{q['key']}", "") for q in self.questions}

    def question_fields(self):
        return [self[f"q_{q['key']}"] for q in self.questions]


class SignedConsentForm(forms.Form):
    document = forms.FileField(
        label=_("Inskannad underskriven blankett"),
        help_text=_("PDF, JPEG eller PNG, högst 10 MB."),
    )
    given_on = forms.DateField(label=_("Undertecknad den"), widget=DATE_WIDGET)

    def __init__(self, *args, **kw):
        kw.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kw)

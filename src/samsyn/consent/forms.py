from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation
from samsyn.consent.models import (
    DIAGNOSIS_REASON_RECIPIENTS,
    Category,
    GivenHow,
    WithdrawnHow,
    needs_diagnosis_reason,
)
from samsyn.directory.models import ContactPerson
from samsyn.directory.selectors import directory_organisations

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _recipients():
    return directory_organisations().select_related("parent").order_by("type", "name")


class RecipientSelect(forms.Select):
    """Marks the recipients that get a diagnosis only with the person's reason, so that
    the page can show the confirmation when Diagnos is chosen for one (samsyn.js)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None and instance.type in DIAGNOSIS_REASON_RECIPIENTS:
            option["attrs"]["data-diagnosis-reason"] = "required"
        return option


class RecipientChoiceField(forms.ModelChoiceField):
    widget = RecipientSelect

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_type_display()})"


class ContactChoiceField(forms.ModelChoiceField):
    """A contact person with their login, if any: a consent naming a contact with a
    login covers that login only, so the coordinator sees which one they choose."""

    def label_from_instance(self, obj):
        label = f"{obj.name} – {obj.organisation.name}"
        if obj.user_id is not None:
            return gettext("%(contact)s (inloggning: %(login)s)") % {
                "contact": label,
                "login": obj.user.display_name,
            }
        return label


class ConsentForm(forms.Form):
    recipient = RecipientChoiceField(label=_("Mottagare"), queryset=Organisation.objects.none())
    contact_person = ContactChoiceField(
        label=_("Namngiven kontaktperson (valfritt)"),
        queryset=ContactPerson.objects.none(),
        required=False,
        help_text=_("Om en kontaktperson med inloggning anges får bara den personen ta del."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Uppgifter som får lämnas ut"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst en uppgiftskategori.")},
        help_text=_(
            "Dela diagnosen bara om personen uttryckligen vill det. En arbetsgivare behöver "
            "veta vad personen kan och inte kan göra, inte diagnosen."
        ),
    )
    diagnosis_confirmed = forms.BooleanField(
        label=_("Personen har själv uttryckligen bett att diagnosen delas"),
        required=False,
    )
    diagnosis_reason = forms.CharField(
        label=_("Personens skäl till att diagnosen ska lämnas"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Med personens egna ord, t.ex. för att få anpassningar som kräver diagnosen."),
    )
    purpose = forms.CharField(
        label=_("Syfte"),
        max_length=300,
        help_text=_("T.ex. planering av återgång i arbete."),
    )
    valid_from = forms.DateField(label=_("Gäller från"), widget=DATE_WIDGET)
    valid_to = forms.DateField(
        label=_("Gäller till och med"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Lämna tomt för ett år."),
    )
    given_how = forms.ChoiceField(
        label=_("Hur samtycket lämnades"), choices=GivenHow.choices, widget=forms.RadioSelect
    )
    given_on = forms.DateField(label=_("Lämnat den"), widget=DATE_WIDGET)
    document = forms.FileField(
        label=_("Inskannat samtycke (PDF eller bild, högst 10 MB)"), required=False
    )

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault(
            "initial", {"valid_from": today, "given_on": today, "given_how": "written"}
        )
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = _recipients()
        self.fields["contact_person"].queryset = ContactPerson.objects.active().select_related(
            "organisation", "user"
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Slutdatum kan inte vara före startdatum."))
        recipient, contact = data.get("recipient"), data.get("contact_person")
        if recipient and contact and contact.organisation_id != recipient.pk:
            self.add_error("contact_person", _("Kontaktpersonen hör inte till mottagaren."))
        if recipient and needs_diagnosis_reason(data.get("categories") or [], recipient.type):
            self._clean_diagnosis_reason(data)
        return data

    def _clean_diagnosis_reason(self, data) -> None:
        """The same rule as the services (`consent.services._diagnosis_reason`)."""
        if not data.get("diagnosis_confirmed"):
            self.add_error(
                "diagnosis_confirmed",
                _(
                    "Diagnos lämnas till en arbetsgivare eller företagshälsovård bara om "
                    "personen uttryckligen har bett om det. Bekräfta det, eller ta bort Diagnos."
                ),
            )
        if not (data.get("diagnosis_reason") or "").strip() and "diagnosis_reason" in data:
            self.add_error(
                "diagnosis_reason",
                _("Ange personens skäl till att diagnosen ska lämnas till mottagaren."),
            )


class ConsentChangeForm(ConsentForm):
    """A new version of a consent: same person and recipient.

    Every field starts from the current version, so a coordinator who changes one thing
    keeps the rest (above all the named contact person: leaving it out would widen the
    consent to the whole organisation). The scanned document is kept unless a new one is
    uploaded. The end date is required: `change_consent` has no default for it.
    """

    def __init__(self, *args, consent, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "recipient": consent.recipient_id,
                "contact_person": consent.contact_person_id,
                "categories": list(consent.categories),
                "purpose": consent.purpose,
                "valid_from": consent.valid_from,
                "valid_to": consent.valid_to,
                "given_how": consent.given_how,
                "given_on": consent.given_on,
                # The reason is kept; the confirmation is asked for again (a new version
                # is the person's consent given anew).
                "diagnosis_reason": consent.diagnosis_reason,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["recipient"].disabled = True
        self.fields["recipient"].initial = consent.recipient_id
        self.fields["contact_person"].queryset = self.fields["contact_person"].queryset.filter(
            organisation_id=consent.recipient_id
        )
        self.fields["valid_to"].required = True
        self.fields["valid_to"].help_text = _("Ett samtycke kan gälla i högst två år.")
        if consent.document:
            self.fields["document"].help_text = _(
                "Lämna tomt för att behålla det inskannade samtycket som finns."
            )


class WithdrawForm(forms.Form):
    how = forms.ChoiceField(
        label=_("Hur personen återkallade samtycket"),
        choices=[(WithdrawnHow.ORAL, _("Muntligt")), (WithdrawnHow.WRITTEN, _("Skriftligt"))],
    )

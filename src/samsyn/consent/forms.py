from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation
from samsyn.consent.models import (
    DIAGNOSIS_REASON_RECIPIENTS,
    PLAIN_CATEGORY_TEXT,
    RECORDED_HOW,
    Category,
    WithdrawnHow,
    default_valid_to,
    needs_diagnosis_reason,
)
from samsyn.directory.models import ContactPerson
from samsyn.directory.selectors import directory_organisations

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _recipients():
    return directory_organisations().select_related("parent").order_by("type", "name")


def _offer_first(field, first_ids) -> None:
    """The recipients in the person's case or consents first, in a group of their own,
    then the rest of the directory (issue 17 §7); the queryset still validates."""
    organisations = list(field.queryset)

    def option(o):
        return (ModelChoiceIteratorValue(o.pk, o), field.label_from_instance(o))

    first = [option(o) for o in organisations if o.pk in first_ids]
    rest = [option(o) for o in organisations if o.pk not in first_ids]
    if first:
        field.choices = [
            ("", field.empty_label),
            (_("I ärendet eller i personens samtycken"), first),
            (_("Övriga i katalogen"), rest),
        ]


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
        label=_("Hur samtycket lämnades"),
        choices=[(h.value, h.label) for h in RECORDED_HOW],
        widget=forms.RadioSelect,
    )
    given_on = forms.DateField(label=_("Lämnat den"), widget=DATE_WIDGET)
    document = forms.FileField(
        label=_("Inskannat samtycke (PDF eller bild, högst 10 MB)"), required=False
    )

    def __init__(self, *args, first=(), **kwargs):
        today = timezone.localdate()
        kwargs.setdefault(
            "initial", {"valid_from": today, "given_on": today, "given_how": "written"}
        )
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = _recipients()
        self.fields["contact_person"].queryset = ContactPerson.objects.active().select_related(
            "organisation", "user"
        )
        if first:
            _offer_first(self.fields["recipient"], first)

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


class OwnConsentForm(forms.Form):
    """A consent the person gives themself, in plain words (issue 13 §5). The recipients
    already in their case come first (issue 17 §7)."""

    recipient = forms.ModelChoiceField(
        label=_("Vem får ta del av uppgifterna?"),
        queryset=Organisation.objects.none(),
        empty_label=_("Välj mottagare"),
        error_messages={"required": _("Välj vem som får ta del av uppgifterna.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Vad får de veta?"),
        choices=[(c, capfirst(text)) for c, text in PLAIN_CATEGORY_TEXT.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst en sak som de får veta.")},
        help_text=_("Välj bara det som behövs. En arbetsgivare behöver inte veta din diagnos."),
    )
    diagnosis_confirmed = forms.BooleanField(
        label=_("Jag vill själv att min arbetsgivare eller företagshälsovård får veta min diagnos"),
        required=False,
    )
    diagnosis_reason = forms.CharField(
        label=_("Varför vill du att de får veta din diagnos?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    valid_to = forms.DateField(
        label=_("Till och med vilket datum?"),
        widget=DATE_WIDGET,
        help_text=_("Samtycket gäller från i dag. Det kan gälla i högst två år."),
    )

    def __init__(self, *args, recipients=((), ()), **kwargs):
        first, rest = recipients
        kwargs.setdefault("initial", {"valid_to": default_valid_to(timezone.localdate())})
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in [*first, *rest]])
        groups = [("", field.empty_label)]
        if first:
            groups.append((gettext("I ditt ärende"), [(o.pk, _org_label(o)) for o in first]))
        if rest:
            groups.append((gettext("Andra"), [(o.pk, _org_label(o)) for o in rest]))
        field.choices = groups

    def clean(self):
        data = super().clean()
        recipient = data.get("recipient")
        if recipient and needs_diagnosis_reason(data.get("categories") or [], recipient.type):
            if not data.get("diagnosis_confirmed"):
                self.add_error(
                    "diagnosis_confirmed",
                    _(
                        "En arbetsgivare eller företagshälsovård får veta din diagnos bara om du "
                        "själv vill det. Kryssa i rutan, eller ta bort diagnosen."
                    ),
                )
            if not (data.get("diagnosis_reason") or "").strip():
                self.add_error(
                    "diagnosis_reason", _("Skriv varför du vill att de får veta din diagnos.")
                )
        return data


def _org_label(organisation) -> str:
    return f"{organisation.name} ({organisation.get_type_display()})"

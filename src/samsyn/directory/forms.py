"""Forms of the actors' directory and of a case's actors."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import (
    EXTERNAL_ORGANISATION_TYPES,
    Organisation,
    OrganisationType,
    User,
)
from samsyn.directory import orgnr
from samsyn.directory.models import ContactPerson, ContactRole, RehabKind
from samsyn.directory.services import MAX_IMPORT_BYTES, ContactData, OrganisationData

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DIRECTORY_TYPES = [
    (value, label)
    for value, label in OrganisationType.choices
    if value in EXTERNAL_ORGANISATION_TYPES
]


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        number = f" ({obj.formatted_org_number})" if obj.org_number else ""
        return f"{obj.name}{number}"


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=100,
        help_text=_("Namn, organisationsnummer eller kontaktperson."),
    )
    type = forms.ChoiceField(
        label=_("Typ"), required=False, choices=[("", _("Alla typer")), *DIRECTORY_TYPES]
    )


class OrganisationForm(forms.Form):
    type = forms.ChoiceField(label=_("Typ"), choices=DIRECTORY_TYPES)
    name = forms.CharField(label=_("Namn"), max_length=200)
    org_number = forms.CharField(
        label=_("Organisationsnummer"),
        required=False,
        max_length=20,
        help_text=_("10 siffror, till exempel 556036-0793."),
    )
    phone = forms.CharField(label=_("Telefon"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-post"), required=False)
    address = forms.CharField(label=_("Adress"), required=False, max_length=200)
    occupational_health = OrganisationChoiceField(
        label=_("Företagshälsovård"),
        required=False,
        queryset=Organisation.objects.none(),
        help_text=_("Bara för arbetsgivare: den företagshälsovård de har avtal med."),
    )
    parent = OrganisationChoiceField(
        label=_("Samordningsförbund"),
        required=False,
        queryset=Organisation.objects.none(),
        help_text=_("Bara för samverkansteam: förbundet teamet hör till."),
    )
    notes = forms.CharField(
        label=_("Anteckningar"), required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args, occupational_health=None, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if occupational_health is not None:
            self.fields["occupational_health"].queryset = occupational_health
        if parents is not None:
            self.fields["parent"].queryset = parents

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict:
        return {
            "type": organisation.type,
            "name": organisation.name,
            "org_number": organisation.formatted_org_number,
            "phone": organisation.phone,
            "email": organisation.email,
            "address": organisation.address,
            "occupational_health": organisation.occupational_health_id,
            "parent": organisation.parent_id,
            "notes": organisation.notes,
        }

    def clean_org_number(self) -> str:
        value = self.cleaned_data["org_number"].strip()
        if not value:
            return ""
        try:
            return orgnr.parse(value)
        except orgnr.OrgNumberError as exc:
            raise forms.ValidationError(gettext(exc.message), code=exc.code) from None

    def clean(self):
        data = super().clean()
        if data.get("occupational_health") and data.get("type") != OrganisationType.EMPLOYER:
            self.add_error(
                "occupational_health", _("Bara arbetsgivare har avtal med företagshälsovård.")
            )
        if data.get("parent") and data.get("type") != OrganisationType.SAMORDNINGSFORBUND:
            self.add_error("parent", _("Bara samverkansteam hör till ett samordningsförbund."))
        return data

    def organisation_data(self) -> OrganisationData:
        return OrganisationData(**self.cleaned_data)


class LoginChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"


class ContactPersonForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    role = forms.ChoiceField(label=_("Roll"), choices=ContactRole.choices)
    title = forms.CharField(label=_("Titel"), required=False, max_length=100)
    phone = forms.CharField(label=_("Telefon"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-post"), required=False)
    care_unit = forms.ModelChoiceField(
        label=_("Kontaktperson för vårdenhet"),
        required=False,
        queryset=Organisation.objects.none(),
        help_text=_("T.ex. Försäkringskassans namngivna kontaktperson för enheten."),
    )
    user = LoginChoiceField(
        label=_("Inloggning i Samsyn"),
        required=False,
        queryset=User.objects.none(),
        help_text=_(
            "Valfri. Kontaktpersonens egen inloggning hos aktören. Ett samtycke som "
            "nämner kontaktpersonen gäller då bara den inloggningen. Om du ändrar eller tar "
            "bort inloggningen får ingen hos aktören ta del av uppgifter genom tidigare "
            "samtycken som nämner kontaktpersonen, förrän enheten som registrerade "
            "samtycket har bekräftat ändringen."
        ),
        # The same words as the service's refusal (services/contacts.py _clean_login).
        error_messages={
            "invalid_choice": _("Välj en inloggning med en aktiv extern roll vid aktören.")
        },
    )
    notes = forms.CharField(
        label=_("Anteckningar"), required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args, care_units=None, logins=None, **kwargs):
        kwargs.setdefault("prefix", "contact")
        super().__init__(*args, **kwargs)
        if care_units is not None:
            self.fields["care_unit"].queryset = care_units
        if logins is not None:
            self.fields["user"].queryset = logins

    @classmethod
    def initial_for(cls, contact: ContactPerson) -> dict:
        names = ("name", "role", "title", "phone", "email", "notes")
        return {
            "care_unit": contact.care_unit_id,
            "user": contact.user_id,
            **{n: getattr(contact, n) for n in names},
        }

    def contact_data(self) -> ContactData:
        return ContactData(**self.cleaned_data)


class ContactLoginConfirmForm(forms.Form):
    """The login the coordinator was shown (empty: no login); the service refuses the
    confirmation when the link has changed since."""

    login = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "Inloggningen har ändrats sedan sidan visades. Kontrollera den och bekräfta igen."
            )
        },
    )

    def __init__(self, *args, contact: ContactPerson, **kwargs):
        kwargs.setdefault("prefix", "confirm")
        kwargs.setdefault("initial", {"login": contact.user_id})
        super().__init__(*args, **kwargs)
        self.fields["login"].queryset = User.objects.filter(pk=contact.user_id)


class OrganisationMergeForm(forms.Form):
    duplicate = OrganisationChoiceField(
        label=_("Dubblett att slå samman med den här aktören"),
        queryset=Organisation.objects.none(),
        help_text=_("Dubbletten försvinner ur katalogen; allt som hör till den flyttas hit."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates=None, **kwargs):
        kwargs.setdefault("prefix", "merge")
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["duplicate"].queryset = candidates


class ContactMergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        label=_("Dubblett att slå samman med den här kontaktpersonen"),
        queryset=ContactPerson.objects.none(),
    )
    confirm = forms.BooleanField(
        label=_("Jag har kontrollerat att det är samma person"), required=True
    )

    def __init__(self, *args, candidates=None, **kwargs):
        kwargs.setdefault("prefix", "merge")
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["duplicate"].queryset = candidates


class DirectoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-fil med aktörer"),
        help_text=_("Semikolon- eller kommaseparerad, UTF-8, högst 5 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Filen är för stor: den får vara högst 5 MB."))
        return upload


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ContactPerson) -> str:
        return f"{obj.name} – {obj.organisation.name}"


class CaseActorTypeForm(forms.Form):
    """The GET filter that narrows the organisations offered for a link."""

    typ = forms.ChoiceField(
        label=_("Typ av aktör"), required=False, choices=[("", _("Alla typer")), *DIRECTORY_TYPES]
    )


class CaseActorLinkForm(forms.Form):
    organisation = OrganisationChoiceField(label=_("Aktör"), queryset=Organisation.objects.none())
    contact_person = ContactChoiceField(
        label=_("Kontaktperson"),
        required=False,
        queryset=ContactPerson.objects.none(),
        help_text=_("Valfri. Ska höra till den valda aktören."),
    )
    responsibility = forms.CharField(label=_("Ansvarar för"), required=False, max_length=300)
    rehab_kind = forms.ChoiceField(label=_("Rehabilitering"), required=False, choices=[])
    started_on = forms.DateField(label=_("Från"), widget=DATE_WIDGET)

    def __init__(self, *args, organisations=None, contacts=None, **kwargs):
        kwargs.setdefault("prefix", "link")
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["rehab_kind"].choices = RehabKind.choices
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        if contacts is not None:
            self.fields["contact_person"].queryset = contacts

    def clean(self):
        data = super().clean()
        organisation, contact = data.get("organisation"), data.get("contact_person")
        if organisation and contact and contact.organisation_id != organisation.pk:
            self.add_error("contact_person", _("Kontaktpersonen hör inte till den valda aktören."))
        return data


class CaseActorEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Till och med"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

"""The registry pages as the walkthrough used them: changing a consent starts from the
current version, the patient sees one card per consent, and withdrawing says what happens."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.tests.factories import UserFactory
from samsyn.cases.tests.helpers import actor_for
from samsyn.consent import services
from samsyn.consent.models import Consent
from samsyn.consent.tests.fixtures import give_consent
from samsyn.directory.models import ContactPerson

pytestmark = pytest.mark.django_db


class _FormState(HTMLParser):
    """What a browser would submit from a page's form: the enabled controls' values."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.disabled: dict[str, list[str]] = {}
        self._select = None  # (name, disabled) of the open <select>
        self._textarea = None

    def _add(self, name, value, disabled=False):
        (self.disabled if disabled else self.values).setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name, off = a.get("name"), "disabled" in a
        if tag == "input" and name and a.get("type") not in {"submit", "file"}:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self._add(name, a.get("value", "on"), off)
            else:
                self._add(name, a.get("value", ""), off)
        elif tag == "select":
            self._select = (name, off)
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select[0], a.get("value", ""), self._select[1])
        elif tag == "textarea":
            self._textarea = (name, off)
            self._add(name, "", off)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            # A browser drops the newline right after <textarea> (Django writes one).
            name, off = self._textarea
            target = self.disabled if off else self.values
            target[name][-1] = target[name][-1].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            target = self.disabled if self._textarea[1] else self.values
            target[self._textarea[0]][-1] += data


def form_state(response) -> _FormState:
    parser = _FormState()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def named_contact(coordinator, employer_org):
    return ContactPerson.objects.create(
        organisation=employer_org,
        name="Kim Närmastechef",
        role="manager",
        user=UserFactory(first_name="Kim"),
        created_by=coordinator,
    )


@pytest.fixture
def named_consent(coordinator, person, case, employer_org, named_contact):
    today = timezone.localdate()
    return give_consent(
        coordinator,
        person,
        employer_org,
        ["work_capacity", "messages"],
        start=today - timedelta(days=30),
        end=today + timedelta(days=200),
        contact_person=named_contact,
        purpose="Anpassa arbetsuppgifterna",
        given_how="oral",
        given_on=today - timedelta(days=31),
        document=SimpleUploadedFile("samtycke.pdf", b"%PDF-1.7\n%...", "application/pdf"),
    )


def test_the_change_form_starts_from_the_current_version(
    coordinator_client, named_consent, named_contact, employer_org
):
    response = coordinator_client.get(reverse("consent:change", args=[named_consent.pk]))
    assert response.status_code == 200
    state = form_state(response)
    assert state.disabled["recipient"] == [str(employer_org.pk)]
    assert state.values["contact_person"] == [str(named_contact.pk)]
    assert state.values["categories"] == ["work_capacity", "messages"]
    assert state.values["purpose"] == ["Anpassa arbetsuppgifterna"]
    assert state.values["valid_from"] == [named_consent.valid_from.isoformat()]
    assert state.values["valid_to"] == [named_consent.valid_to.isoformat()]
    assert state.values["given_how"] == ["oral"]
    assert state.values["given_on"] == [named_consent.given_on.isoformat()]
    page = response.content.decode()
    # The end date is required here (the change has no one-year default) and says so.
    assert "Lämna tomt för ett år" not in page
    assert "Ett samtycke kan gälla i högst två år." in page
    assert "Lämna tomt för att behålla det inskannade samtycket som finns." in page
    assert reverse("consent:document", args=[named_consent.pk]) in page


def test_changing_only_the_purpose_keeps_the_contact_person_and_the_rest(
    coordinator_client, named_consent, named_contact
):
    url = reverse("consent:change", args=[named_consent.pk])
    data = form_state(coordinator_client.get(url)).values
    data["purpose"] = ["Anpassa arbetsuppgifterna och arbetstiden"]
    assert coordinator_client.post(url, data).status_code == 302
    named_consent.refresh_from_db()
    new = named_consent.replaced_by
    assert new.purpose == "Anpassa arbetsuppgifterna och arbetstiden"
    assert new.contact_person == named_contact
    assert new.categories == ["work_capacity", "messages"]
    assert new.recipient_id == named_consent.recipient_id
    assert (new.valid_from, new.valid_to) == (named_consent.valid_from, named_consent.valid_to)
    assert (new.given_how, new.given_on) == ("oral", named_consent.given_on)
    assert new.document.name == named_consent.document.name
    registry = coordinator_client.get(reverse("consent:person", args=[new.person_id]))
    assert "endast Kim Närmastechef" in registry.content.decode()


def test_a_new_scanned_document_replaces_the_old_one_in_the_new_version(
    coordinator_client, named_consent
):
    url = reverse("consent:change", args=[named_consent.pk])
    data = form_state(coordinator_client.get(url)).values
    data["document"] = SimpleUploadedFile("nytt.png", b"\x89PNG\r\n\x1a\n....", "image/png")
    assert coordinator_client.post(url, data).status_code == 302
    named_consent.refresh_from_db()
    new = named_consent.replaced_by
    assert new.document.name.endswith(".png")
    assert new.document.name != named_consent.document.name


def test_a_change_needs_an_end_date(coordinator_client, named_consent):
    url = reverse("consent:change", args=[named_consent.pk])
    data = form_state(coordinator_client.get(url)).values
    data["valid_to"] = [""]
    response = coordinator_client.post(url, data)
    assert response.status_code == 400
    named_consent.refresh_from_db()
    assert named_consent.replaced_at is None
    # What the coordinator had entered is still there.
    assert form_state(response).values["contact_person"] == [str(named_consent.contact_person_id)]


def test_the_patient_sees_only_the_current_version_of_each_consent(
    patient_user, coordinator, coordinator_client, person, case, employer_org, fk_org
):
    today = timezone.localdate()
    first = give_consent(coordinator, person, employer_org, ["contact"], purpose="Första syftet")
    services.change_consent(
        actor=actor_for(coordinator),
        consent=first,
        categories=["contact", "plan"],
        purpose="Andra syftet",
        valid_from=first.valid_from,
        valid_to=first.valid_to,
        given_how="written",
    )
    withdrawn = give_consent(coordinator, person, fk_org, ["messages"], purpose="Återkallat")
    services.withdraw_consent(actor=actor_for(coordinator), consent=withdrawn, how="oral")
    give_consent(
        coordinator,
        person,
        fk_org,
        ["contact"],
        purpose="Gammalt",
        start=today - timedelta(days=400),
        end=today - timedelta(days=40),
    )

    page = verified_client(patient_user).get(reverse("consent:mine")).content.decode()
    assert page.count('<li class="card own-card">') == 3
    assert "Andra syftet" in page
    assert "din plan för återgång i arbete" in page
    assert "Första syftet" not in page
    assert "ersatts" not in page
    assert "Du tog tillbaka samtycket" in page
    assert "Samtycket gick ut" in page

    registry = coordinator_client.get(reverse("consent:person", args=[person.pk]))
    body = registry.content.decode()
    assert "Första syftet" in body
    assert "Ersatt av ny version" in body


def test_after_withdrawing_the_patient_is_told_what_happens_now(
    patient_user, coordinator, person, case, employer_org
):
    consent = give_consent(coordinator, person, employer_org, ["work_capacity"])
    client = verified_client(patient_user)
    response = client.post(reverse("consent:withdraw", args=[consent.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("consent:mine")
    assert "Du har tagit tillbaka samtycket." in page
    assert "Testbygg AB får inte längre ta del av de uppgifter om dig" in page
    assert "Du kan lämna ett nytt samtycke här när du vill." in page


def test_the_coordinator_table_keeps_dates_whole_and_labels_the_withdraw_choice(
    coordinator_client, coordinator, person, case, employer_org
):
    consent = give_consent(coordinator, person, employer_org, ["contact"])
    response = coordinator_client.get(reverse("consent:person", args=[person.pk]))
    date_span = f'<span class="nowrap">{consent.valid_to.isoformat()}</span>'
    label = f'<label for="how-{consent.pk}">Hur personen återkallade samtycket</label>'
    page = response.content.decode()
    assert date_span in page
    assert label in page
    assert f'id="how-{consent.pk}"' in page
    assert Consent.objects.filter(person=person).count() == 1

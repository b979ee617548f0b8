"""The directory search ignores case in every alphabet, on SQLite and PostgreSQL alike.

SQLite's LIKE ignores the case of ASCII letters only, so these failed there before the
folded `Organisation.search_text` (directory/search.py). They run on whichever database
DATABASE_URL names; CI runs them on both.
"""

import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse

from samsyn.accounts.models import Organisation, OrganisationType
from samsyn.accounts.tests.factories import OrganisationFactory
from samsyn.directory import search, selectors, services
from samsyn.directory.models import ContactPerson
from samsyn.directory.services import ContactData, DirectoryError, OrganisationData
from samsyn.directory.tests.helpers import actor_for, make_contact, make_org

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("samsyn.directory.migrations.0002_fill_organisation_search_text")


@pytest.fixture
def directory(coordinator):
    akerstrom = make_org(coordinator, "Åkerströms Snickeri AB", org_number="556036-0793")
    bjorkdalen = make_org(
        coordinator, "Björkdalens kommun, socialtjänsten", OrganisationType.SOCIAL_SERVICES
    )
    fk = make_org(coordinator, "Försäkringskassan Syd", OrganisationType.FK_OFFICE)
    make_contact(coordinator, fk, "Hanna Öberg")
    make_contact(coordinator, akerstrom, "Östen Berg")
    make_org(coordinator, "Volvo AB")
    return {"akerstrom": akerstrom, "bjorkdalen": bjorkdalen, "fk": fk}


@pytest.fixture
def names(coordinator_client):
    def found(q, **params):
        response = coordinator_client.get(reverse("directory:index"), {"q": q, **params})
        assert response.status_code == 200
        return sorted(o.name for o in response.context["organisations"])

    return found


# ---- through HTTP ------------------------------------------------------------------


def test_lower_case_query_finds_upper_case_swedish_letters(directory, names):
    assert names("åkerström") == ["Åkerströms Snickeri AB"]


def test_upper_case_query_finds_lower_case_swedish_letters(directory, names):
    assert names("BJÖRKDALEN") == ["Björkdalens kommun, socialtjänsten"]
    assert names("SOCIALTJÄNST") == ["Björkdalens kommun, socialtjänsten"]


def test_contact_person_with_swedish_letters_in_any_case(directory, names):
    assert names("hanna öberg") == ["Försäkringskassan Syd"]
    assert names("ÖBERG") == ["Försäkringskassan Syd"]
    # Another organisation's contact, "Östen Berg", holds "berg" but not "öberg".
    assert names("öberg") == ["Försäkringskassan Syd"]


def test_every_word_of_the_query_must_match_in_any_order(directory, names):
    assert names("snickeri ÅKERSTRÖMS") == ["Åkerströms Snickeri AB"]
    assert names("öberg  hanna") == ["Försäkringskassan Syd"]
    # Words may match different fields: the name and a contact person.
    assert names("åkerström östen") == ["Åkerströms Snickeri AB"]
    assert names("åkerström volvo") == []
    assert names("hanna snickeri") == []


def test_the_words_as_written_come_first(coordinator, directory, coordinator_client):
    # Hanna and Öberg, two contacts of an organisation that sorts before FK Syd.
    other = make_org(coordinator, "Arbetsförmedlingen Syd", OrganisationType.AF_OFFICE)
    make_contact(coordinator, other, "Hanna Lind")
    make_contact(coordinator, other, "Per Öberg")
    response = coordinator_client.get(reverse("directory:index"), {"q": "hanna öberg"})
    assert [o.name for o in response.context["organisations"]] == [
        "Försäkringskassan Syd",
        "Arbetsförmedlingen Syd",
    ]
    response = coordinator_client.get(reverse("directory:index"), {"q": "syd"})
    assert [o.name for o in response.context["organisations"]] == [
        "Arbetsförmedlingen Syd",
        "Försäkringskassan Syd",
    ]


def test_numbers_hyphen_and_spaces(directory, names):
    assert names("556036-0793") == ["Åkerströms Snickeri AB"]
    assert names("556036 0793") == ["Åkerströms Snickeri AB"]
    assert names("5560360793") == ["Åkerströms Snickeri AB"]
    assert names("åkerströms 556036-0793") == ["Åkerströms Snickeri AB"]


def test_decomposed_input_and_like_wildcards(directory, names):
    # "å" and "ö" as a base letter and a combining mark (as some keyboards send them).
    assert names("A\u030akerstro\u0308m") == ["Åkerströms Snickeri AB"]
    assert names("%") == []
    assert names("_") == []


def test_type_filter_and_search_combine(directory, names):
    assert names("björkdalen", type="fk_office") == []
    assert names("syd", type="fk_office") == ["Försäkringskassan Syd"]


# ---- kept up to date by the services -----------------------------------------------


def test_renaming_and_new_contacts_update_the_search(coordinator, directory, names):
    actor = actor_for(coordinator)
    fk = directory["fk"]
    services.update_organisation(
        actor=actor,
        organisation=fk,
        data=OrganisationData(type=fk.type, name="Lokalt försäkringscenter Älvdalen"),
    )
    assert names("ÄLVDALEN") == ["Lokalt försäkringscenter Älvdalen"]
    assert names("försäkringskassan") == []
    hanna = ContactPerson.objects.get(name="Hanna Öberg")
    services.update_contact_person(
        actor=actor, contact_person=hanna, data=ContactData(name="Hanna Åberg")
    )
    assert names("hanna öberg") == []
    assert names("HANNA ÅBERG") == ["Lokalt försäkringscenter Älvdalen"]
    make_contact(coordinator, fk, "Per Ängström")
    assert names("ängström") == ["Lokalt försäkringscenter Älvdalen"]


def test_merged_contact_persons_and_organisations(coordinator, directory, names):
    actor = actor_for(coordinator)
    fk = directory["fk"]
    keep = ContactPerson.objects.get(name="Hanna Öberg")
    duplicate = make_contact(coordinator, fk, "Hanna Ö. Dubblett")
    services.merge_contact_persons(actor=actor, keep=keep, duplicate=duplicate)
    assert names("dubblett") == []
    assert names("hanna öberg") == ["Försäkringskassan Syd"]

    second_fk = make_org(
        coordinator, "FK Älvsby", OrganisationType.FK_OFFICE, org_number="202100-5521"
    )
    make_contact(coordinator, second_fk, "Ärla Ek")
    services.merge_organisations(actor=actor, keep=fk, duplicate=second_fk)
    # The duplicate is gone from the directory; its contact and number now find keep.
    assert names("älvsby") == []
    assert names("ÄRLA") == ["Försäkringskassan Syd"]
    assert names("202100-5521") == ["Försäkringskassan Syd"]


def test_imported_rows_are_found(coordinator, names):
    text = (
        "typ;namn;organisationsnummer;kontaktperson\n"
        "arbetsgivare;ÖSTBERGS ÅKERI AB;;Åsa Ärlig\n"
        "arbetsgivare;Östbergs Åkeri AB;;ÅSA ÄRLIG\n"
    )
    report = services.import_directory_csv(
        actor=actor_for(coordinator), file=io.BytesIO(text.encode())
    )
    # The second row is the same organisation and contact, whatever the case.
    assert len(report.created) == 1
    assert len(report.contacts_created) == 1
    assert names("östbergs åkeri") == ["ÖSTBERGS ÅKERI AB"]
    assert names("åsa ärlig") == ["ÖSTBERGS ÅKERI AB"]


def test_duplicate_check_ignores_the_case_of_swedish_letters(coordinator, directory):
    with pytest.raises(DirectoryError, match="redan en aktör"):
        make_org(coordinator, "ÅKERSTRÖMS SNICKERI AB", org_number="556036-0793")


def test_search_in_the_selector_is_one_query(coordinator, directory, django_assert_num_queries):
    actor = actor_for(coordinator)
    assert services.may_edit_directory(actor)  # loads the actor's membership
    with django_assert_num_queries(1):
        found = selectors.search_organisations(actor=actor, query="hanna öberg")
    assert [o.name for o in found] == ["Försäkringskassan Syd"]
    assert found[0].contact_count == 1


# ---- the folding -------------------------------------------------------------------


def test_query_terms():
    assert search.query_terms("  Hanna   ÖBERG ") == ["hanna", "öberg"]
    assert search.query_terms("556036-0793") == ["5560360793"]
    assert search.query_terms("556036 0793") == ["5560360793"]
    assert search.query_terms("bygg 556036-0793") == ["bygg", "5560360793"]
    assert search.query_terms("ab AB") == ["ab"]
    assert search.query_terms("") == []


def test_search_text_is_folded_one_field_per_line():
    text = search.organisation_search_text(
        "Åkerströms  Snickeri AB", "5560360793", ["Östen Berg", "ANNA ÅS"]
    )
    assert text == "åkerströms snickeri ab\n5560360793\nanna ås\nösten berg"
    assert search.organisation_search_text("Straße", "", []) == "strasse"


# ---- the migration's backfill ------------------------------------------------------


def test_backfill_fills_existing_rows_like_the_services(coordinator, unit, directory, names):
    # A row written without the services (as before the column existed) and a merged
    # contact person, whose name must not be in the text.
    direct = OrganisationFactory(
        name="Älvsbyns Plåt AB", type=OrganisationType.EMPLOYER, code=None, org_number=""
    )
    akerstrom = directory["akerstrom"]
    merged = make_contact(coordinator, akerstrom, "Gammal Dubblett")
    keep = ContactPerson.objects.get(name="Östen Berg")
    services.merge_contact_persons(actor=actor_for(coordinator), keep=keep, duplicate=merged)
    expected = {
        o.pk: o.search_text for o in Organisation.objects.exclude(type=OrganisationType.CARE_UNIT)
    }
    Organisation.objects.update(search_text="")
    assert names("åkerström") == []

    backfill.fill_search_text(apps, None)

    filled = {
        o.pk: o.search_text for o in Organisation.objects.exclude(type=OrganisationType.CARE_UNIT)
    }
    assert filled == {**expected, direct.pk: "älvsbyns plåt ab"}
    assert "dubblett" not in filled[akerstrom.pk]
    care_units = Organisation.objects.filter(type=OrganisationType.CARE_UNIT)
    assert set(care_units.values_list("search_text", flat=True)) == {""}
    assert names("åkerström") == ["Åkerströms Snickeri AB"]
    assert names("ÄLVSBYNS") == ["Älvsbyns Plåt AB"]
    assert names("hanna öberg") == ["Försäkringskassan Syd"]


def test_backfill_folding_is_the_services_folding():
    """The migration keeps a frozen copy of the folding; if this fails, the folding has
    changed and a new migration must refill the column."""
    samples = ["Åkerströms  Snickeri AB", "Straße", "A\u030a", "ΣΊΣΥΦΟΣ", "ﬁrma", "İzmir"]
    contacts = ["Östen Berg", "anna ås", "Ärla"]
    for sample in samples:
        assert backfill._search_text(sample, "5560360793", contacts) == (
            search.organisation_search_text(sample, "5560360793", contacts)
        )

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samsyn.accounts.models import Organisation, OrganisationType
from samsyn.audit.models import AccessEvent, Action
from samsyn.directory.models import ContactPerson
from samsyn.directory.tests.helpers import make_contact, make_org

pytestmark = pytest.mark.django_db


def test_coordinator_creates_an_organisation(coordinator_client):
    response = coordinator_client.post(
        reverse("directory:create"),
        {"type": "employer", "name": "Volvo AB", "org_number": "556036-0793", "phone": "031-1"},
    )
    org = Organisation.objects.get(name="Volvo AB")
    assert response.status_code == 302
    assert response.url == reverse("directory:detail", args=[org.pk])
    assert org.org_number == "5560360793"
    page = coordinator_client.get(response.url).content.decode()
    assert "556036-0793" in page


def test_bad_input_is_redisplayed_with_swedish_messages(coordinator_client):
    response = coordinator_client.post(
        reverse("directory:create"),
        {"type": "employer", "name": "Felnummer AB", "org_number": "556036-0794", "email": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Felnummer AB"' in page
    assert 'value="556036-0794"' in page
    assert "kontrollsiffran" in page
    assert "Något behöver rättas" in page
    assert not Organisation.objects.filter(name="Felnummer AB").exists()


def test_duplicate_is_refused_in_the_form(coordinator_client, coordinator):
    make_org(coordinator, "Volvo AB", org_number="5560360793")
    response = coordinator_client.post(
        reverse("directory:create"),
        {"type": "employer", "name": "Volvo AB", "org_number": "5560360793"},
    )
    assert response.status_code == 400
    assert "redan en aktör" in response.content.decode()


def test_edit_organisation_and_redisplay_errors(coordinator_client, coordinator):
    org = make_org(coordinator, "Bygg AB")
    url = reverse("directory:detail", args=[org.pk])
    response = coordinator_client.post(url, {"type": "employer", "name": "", "phone": "08-5"})
    assert response.status_code == 400
    assert 'value="08-5"' in response.content.decode()
    response = coordinator_client.post(url, {"type": "employer", "name": "Bygg Nord AB"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Bygg Nord AB"


def test_add_and_edit_contact_person(coordinator_client, coordinator, unit):
    org = make_org(coordinator, "FK Syd", OrganisationType.FK_OFFICE)
    response = coordinator_client.post(
        reverse("directory:contact_add", args=[org.pk]),
        {"contact-name": "Stina", "contact-role": "fk_unit_contact", "contact-care_unit": unit.pk},
    )
    assert response.status_code == 302
    contact = ContactPerson.objects.get(name="Stina")
    assert contact.care_unit == unit
    bad = coordinator_client.post(
        reverse("directory:contact_add", args=[org.pk]),
        {"contact-name": "Utan roll", "contact-email": "inte-epost"},
    )
    assert bad.status_code == 400
    assert 'value="Utan roll"' in bad.content.decode()
    response = coordinator_client.post(
        reverse("directory:contact_edit", args=[contact.pk]),
        {"contact-name": "Stina Svensson", "contact-role": "fk_unit_contact"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "Stina Svensson"


def test_merge_contact_persons_needs_confirmation(coordinator_client, coordinator):
    org = make_org(coordinator)
    keep = make_contact(coordinator, org, "Hanna HR")
    dup = make_contact(coordinator, org, "Hanna H")
    url = reverse("directory:contact_merge", args=[keep.pk])
    assert coordinator_client.post(url, {"merge-duplicate": dup.pk}).status_code == 400
    response = coordinator_client.post(url, {"merge-duplicate": dup.pk, "merge-confirm": "on"})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into == keep


def test_merge_shows_what_moves_before_confirmation(coordinator_client, coordinator):
    keep = make_org(coordinator, "Bygg AB")
    dup = make_org(coordinator, "Bygg Aktiebolag", phone="08-7")
    make_contact(coordinator, dup, "Hanna HR")
    url = reverse("directory:merge", args=[keep.pk])
    preview = coordinator_client.post(url, {"merge-duplicate": dup.pk})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Hanna HR" in page
    assert "Bekräfta sammanslagning" in page
    dup.refresh_from_db()
    assert dup.merged_into is None
    done = coordinator_client.post(url, {"merge-duplicate": dup.pk, "merge-confirm": "on"})
    assert done.status_code == 302
    dup.refresh_from_db()
    keep.refresh_from_db()
    assert dup.merged_into == keep
    assert keep.phone == "08-7"


def test_merge_preview_shows_the_notes_that_stay_and_links_the_duplicate(
    coordinator_client, coordinator
):
    keep = make_org(coordinator, "Nordbygg AB")
    note = "Troligen samma som Nordbygg AB – kontrollera och slå samman"
    dup = make_org(coordinator, "Nordbygg Aktiebolag", notes=note)
    url = reverse("directory:merge", args=[keep.pk])
    page = coordinator_client.post(url, {"merge-duplicate": dup.pk}).content.decode()
    assert "anteckningar flyttas inte" in page
    assert note in page
    assert "Tomma fält som fylls i" not in page
    coordinator_client.post(url, {"merge-duplicate": dup.pk, "merge-confirm": "on"})
    page = coordinator_client.get(reverse("directory:detail", args=[keep.pk])).content.decode()
    assert note not in page
    assert reverse("directory:detail", args=[dup.pk]) in page
    duplicate_page = coordinator_client.get(reverse("directory:detail", args=[dup.pk]))
    assert note in duplicate_page.content.decode()


def test_search_by_name_number_and_contact(coordinator_client, coordinator):
    make_org(coordinator, "Volvo AB", org_number="5560360793")
    fk = make_org(coordinator, "FK Syd", OrganisationType.FK_OFFICE, org_number="2021005521")
    make_contact(coordinator, fk, "Stina Handläggare")
    url = reverse("directory:index")

    def names(**params):
        return [o.name for o in coordinator_client.get(url, params).context["organisations"]]

    assert names(q="volvo") == ["Volvo AB"]
    assert names(q="556036-0793") == ["Volvo AB"]
    assert names(q="5560360793") == ["Volvo AB"]
    assert names(q="stina") == ["FK Syd"]
    assert names(type="fk_office") == ["FK Syd"]
    assert names() == ["FK Syd", "Volvo AB"]
    page = coordinator_client.get(url, {"q": "stina"}).content.decode()
    assert "Ny aktör" in page
    assert "202100-5521" in page


def test_care_units_are_not_in_the_directory(coordinator_client, unit):
    assert unit not in coordinator_client.get(reverse("directory:index")).context["organisations"]
    assert coordinator_client.get(reverse("directory:detail", args=[unit.pk])).status_code == 404


def test_fhv_detail_lists_employers_served(coordinator_client, coordinator):
    fhv = make_org(coordinator, "Hälsan FHV", OrganisationType.OCCUPATIONAL_HEALTH)
    make_org(coordinator, "Bygg AB", occupational_health=fhv)
    page = coordinator_client.get(reverse("directory:detail", args=[fhv.pk])).content.decode()
    assert "Arbetsgivare med avtal" in page
    assert "Bygg AB" in page


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("directory:index"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_directory_list_query_count_is_constant(coordinator_client, coordinator):
    org = make_org(coordinator, "Första AB")
    make_contact(coordinator, org)
    one = _list_queries(coordinator_client)
    for n in range(9):
        make_contact(coordinator, make_org(coordinator, f"Bolag {n} AB"))
    assert _list_queries(coordinator_client) == one
    # 8, and two for the contact logins awaiting the coordinator's confirmation (ADR 008):
    # the coordinator's units with their sub-units, and the contacts.
    assert one <= 10


@pytest.mark.parametrize("fixture", ["physician_client", "employer_client", "outsider_client"])
def test_directory_access_by_role(request, fixture, coordinator):
    org = make_org(coordinator)
    client = request.getfixturevalue(fixture)
    expected = 200 if fixture == "outsider_client" else 403  # outsider: coordinator elsewhere
    for url in [
        reverse("directory:index"),
        reverse("directory:create"),
        reverse("directory:import"),
        reverse("directory:detail", args=[org.pk]),
    ]:
        assert client.get(url).status_code == expected, url


def test_patient_and_admin_get_403(unit, coordinator):
    from conftest import verified_client
    from samsyn.accounts.models import Role
    from samsyn.accounts.tests.factories import MembershipFactory

    for role in (Role.PATIENT, Role.ADMIN):
        user = MembershipFactory(organisation=unit, role=role).user
        assert verified_client(user).get(reverse("directory:index")).status_code == 403


def test_directory_change_post_by_physician_is_403_and_writes_nothing(physician_client):
    response = physician_client.post(reverse("directory:create"), {"type": "employer", "name": "X"})
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="X").exists()
    assert not AccessEvent.objects.filter(action=Action.CREATE, object_type="organisation").exists()

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samsyn.accounts.models import Organisation, OrganisationType
from samsyn.audit.models import AccessEvent, Action
from samsyn.core.testing import run_jobs
from samsyn.directory import services
from samsyn.directory.models import ContactPerson, DirectoryImport
from samsyn.directory.services import DirectoryError
from samsyn.directory.tests.helpers import actor_for, make_org

pytestmark = pytest.mark.django_db

HEADER = (
    "typ;namn;organisationsnummer;telefon;epost;adress;foretagshalsovard;"
    "kontaktperson;kontaktroll;kontakt_telefon;kontakt_epost"
)
FILE = "\n".join(
    [
        HEADER,
        "arbetsgivare;Bygg AB;556036-0793;08-1;info@bygg.se;Storgatan 1;Hälsan FHV;"
        "Hanna HR;hr;08-2;hanna@bygg.se",
        "företagshälsovård;Hälsan FHV;;031-1;;;;;;;",
        "arbetsgivare;Fel AB;556036-0794;;;;;;;;",  # line 4: bad check digit
        "vårdenhet;VC Norr;;;;;;;;;",  # line 5: care unit
        "arbetsgivare;Okänd FHV AB;;;;;Finns Inte;;;;",  # line 6: unknown FHV
        "arbetsgivare;Bygg AB;5560360793;;;;;Nils Chef;Närmaste chef;;",  # same org, 2nd contact
        "arbetsgivare;Mejl AB;;;inte-en-adress;;;;;;",  # line 8: bad e-mail
        "försäkringskassan;FK Syd;202100-5521;;;;;Stina;fk_unit_contact;;",
        ";;;;;;;;;;",  # blank row
        "samordningsförbund;Förbundet Syd;;;;;;;konstig roll;;",  # line 11: no contact name
    ]
)


def _import(user, text, encoding="utf-8"):
    return services.import_directory_csv(
        actor=actor_for(user), file=io.BytesIO(text.encode(encoding))
    )


def test_import_keeps_good_rows_and_reports_bad_ones_with_lines(coordinator):
    report = _import(coordinator, FILE)
    assert [(r.line, r.label) for r in report.rejected] == [
        (4, "Fel AB"),
        (5, "VC Norr"),
        (6, "Okänd FHV AB"),
        (8, "Mejl AB"),
        (11, "Förbundet Syd"),
    ]
    reasons = {r.line: r.reason for r in report.rejected}
    assert "kontrollsiffran" in reasons[4]
    assert "Vårdenheter" in reasons[5]
    assert "Företagshälsovården finns inte" in reasons[6]
    assert "E-postadressen" in reasons[8]
    assert {o.name for o in report.created} == {"Bygg AB", "Hälsan FHV", "FK Syd"}
    bygg = Organisation.objects.get(name="Bygg AB")
    assert bygg.org_number == "5560360793"
    assert bygg.occupational_health.name == "Hälsan FHV"
    assert sorted(bygg.contact_persons.values_list("name", "role")) == [
        ("Hanna HR", "hr"),
        ("Nils Chef", "manager"),
    ]
    assert not Organisation.objects.filter(name__in=["Fel AB", "VC Norr", "Mejl AB"]).exists()
    assert AccessEvent.objects.filter(object_type="organisation", action=Action.CREATE).count() == 3


def test_reimport_creates_nothing_new_and_fills_only_empty_fields(coordinator):
    existing = make_org(coordinator, "Bygg AB", org_number="5560360793", phone="08-999")
    text = HEADER + "\narbetsgivare;bygg ab;556036-0793;08-1;info@bygg.se;;;;;;\n"
    report = _import(coordinator, text)
    existing.refresh_from_db()
    assert report.created == []
    assert report.updated == [existing]
    assert (existing.phone, existing.email) == ("08-999", "info@bygg.se")
    report = _import(coordinator, text)
    assert (report.created, report.updated, report.unchanged) == ([], [], [existing])
    assert Organisation.objects.filter(name__iexact="bygg ab").count() == 1


def test_comma_separated_with_bom_and_existing_fhv_in_database(coordinator):
    fhv = make_org(coordinator, "Hälsan FHV", OrganisationType.OCCUPATIONAL_HEALTH)
    text = '\ufefftyp,namn,foretagshalsovard\nemployer,"Bygg, Montage AB",hälsan fhv\n'
    report = _import(coordinator, text)
    assert report.rejected == []
    assert Organisation.objects.get(name="Bygg, Montage AB").occupational_health == fhv


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "tom"),
        (b"namn;telefon\nBygg;1\n", "typ och namn"),
        ("typ;namn\narbetsgivare;Göta AB\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_whole_file_errors(coordinator, content, message):
    with pytest.raises(DirectoryError, match=message):
        services.import_directory_csv(actor=actor_for(coordinator), file=io.BytesIO(content))


def test_physician_may_not_import(physician):
    with pytest.raises(DirectoryError):
        _import(physician, FILE)
    assert not Organisation.objects.filter(name="Bygg AB").exists()


def _post_and_run(client, content: bytes, **headers):
    """Upload on the import page, run the queued job as a worker does, follow to its page."""
    upload = SimpleUploadedFile("aktorer.csv", content, content_type="text/csv")
    response = client.post(reverse("directory:import"), {"file": upload}, **headers)
    assert response.status_code == 302
    run_jobs(queue_names=["import"])
    return client.get(response["Location"], **headers)


def test_import_page_shows_report(coordinator_client):
    response = _post_and_run(coordinator_client, FILE.encode("utf-8"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Importrapport" in page
    assert "Fel AB" in page
    assert "kontrollsiffran" in page
    assert "Hälsan FHV" in page
    assert ContactPerson.objects.filter(name="Stina").exists()


def test_import_page_lists_rejected_rows_with_line_name_and_translated_reason(coordinator_client):
    response = _post_and_run(coordinator_client, FILE.encode("utf-8"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert '<th scope="col">Name</th>' in page
    assert "<td>5</td>" in page
    assert "<td>VC Norr</td>" in page
    assert "<td>Care units cannot be added to the actor directory.</td>" in page


def test_import_page_a_file_without_its_header_fails_its_job_and_writes_nothing(
    coordinator_client,
):
    response = _post_and_run(coordinator_client, b"namn\nx\n")
    page = response.content.decode()
    assert "typ och namn" in page
    assert "Importen misslyckades. Ingenting ur filen skrevs." in page
    assert DirectoryImport.objects.get().state == "failed"


def test_import_page_a_file_that_is_not_text_is_400_with_message(coordinator_client):
    upload = SimpleUploadedFile("aktorer.csv", "typ;namn\nÅ".encode("latin-1"), "text/csv")
    response = coordinator_client.post(reverse("directory:import"), {"file": upload})
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not DirectoryImport.objects.exists()

"""Importing certificates: the page /intyg/import/ and `samsyn import certificates FILE`."""

from __future__ import annotations

import json

import pytest

from samsyn.audit.models import AccessEvent, Ground
from samsyn.sickleave import forms
from samsyn.sickleave.models import Certificate, CertificateImport, SickLeaveCase
from samsyn.sickleave.tests.importing_helpers import UNKNOWN_PERSON, URL, cert, post_and_run, run
from samsyn.sickleave.tests.importing_helpers import upload as _upload

# ---- the page ---------------------------------------------------------------------------


def test_get_shows_the_upload_form_and_the_formats(coordinator_client):
    response = coordinator_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'for="id_file"' in html
    assert "CSV" in html
    assert "JSON" in html
    assert "http" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_upload_imports_good_rows_and_reports_every_bad_one(
    coordinator_client, anna, bertil, mixed_document
):
    response = post_and_run(coordinator_client, json.dumps(mixed_document))

    assert response.status_code == 200
    result = response.context["result"]
    assert result.imported == 3
    assert result.persons == 2
    assert sorted(Certificate.objects.values_list("external_id", flat=True)) == [
        "A-1",
        "A-4",
        "B-1",
    ]
    rejected = [(r.line, r.label) for r in result.rejected]
    assert rejected == [(2, "A-2"), (4, "X-1"), (5, "A-3"), (7, "A-1")]
    reasons = {r.label + str(r.line): r.reason for r in result.rejected}
    assert "25, 50, 75 eller 100" in reasons["A-22"]
    assert reasons["X-14"] == "Personen finns inte vid din enhet."
    assert reasons["A-35"] == "Okänd diagnoskod U50.0."
    assert "förekommer mer än en gång" in reasons["A-17"]
    html = response.content.decode()
    assert "Importrapport" in html
    for row in result.rejected:
        assert f"<td>{row.line}</td>" in html
    assert "Okänd diagnoskod U50.0." in html
    assert SickLeaveCase.objects.filter(person=anna).count() == 1


def test_report_names_each_rejected_row_by_its_certificate_id(coordinator_client, anna):
    document = [cert("A-1", anna), cert("A-1", anna)]

    response = post_and_run(coordinator_client, json.dumps(document))

    html = response.content.decode()
    assert '<th scope="col">Intygs-id</th>' in html
    assert "<td>2</td>" in html
    assert "<td>A-1</td>" in html
    assert "Intyg som redan importerats avvisas då som dubbletter." in html


def test_upload_csv(coordinator_client, anna):
    text = (
        "id;person;type;signed;status;diagnoses;period_start;period_end;degree\n"
        f"C-1;{anna.personnummer};FK7804;2025-02-03;valid;M54.5;2025-02-03;2025-02-09;100\n"
        f"C-1;{anna.personnummer};FK7804;2025-02-03;valid;M54.5;2025-02-10;2025-02-16;50\n"
        f"C-2;{anna.personnummer};FK7804;2025-02-03;valid;M54.5;2025-03-01;2025-03-09;40\n"
    )

    response = post_and_run(coordinator_client, text, "intyg.csv")

    result = response.context["result"]
    assert result.imported == 1
    assert Certificate.objects.get(external_id="C-1").periods.count() == 2
    assert [(r.line, r.label) for r in result.rejected] == [(4, "C-2")]


def test_outsider_imports_nothing_for_another_unit(outsider_client, anna):
    response = post_and_run(outsider_client, json.dumps([cert("A-1", anna)]))

    result = response.context["result"]
    assert result.imported == 0
    assert [(r.line, r.label) for r in result.rejected] == [(1, "A-1")]
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_employer_gets_403(employer_client, anna, method):
    data = {"file": _upload(json.dumps([cert("A-1", anna)]))}

    response = getattr(employer_client, method)(URL, data)

    assert response.status_code == 403
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("%PDF-1.4", "intyg.pdf", "Filtypen stöds inte."),
        (b"\xff\xfe\x00\x00", "intyg.json", "kunde inte läsas som text (UTF-8)"),
        ("   ", "intyg.json", "Filen är tom."),
    ],
)
def test_unusable_files_are_form_errors(coordinator_client, content, name, message):
    response = coordinator_client.post(URL, {"file": _upload(content, name)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "error-summary" in response.content.decode()
    assert not CertificateImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("{inte json", "intyg.json", "Filen kunde inte läsas: Ogiltig JSON"),
        ("namn,ålder\nA,1\n", "intyg.csv", "Filen kunde inte läsas: Okänd kolumn"),
    ],
)
def test_a_file_unreadable_as_a_whole_fails_its_job_and_writes_nothing(
    coordinator_client, content, name, message
):
    response = post_and_run(coordinator_client, content, name)

    assert response.status_code == 200
    assert response.context["result"] is None
    html = response.content.decode()
    assert message in html
    assert "Importen misslyckades. Ingenting ur filen skrevs." in html
    assert CertificateImport.objects.get().state == "failed"


def test_type_is_sniffed_without_an_extension(coordinator_client, anna):
    response = post_and_run(coordinator_client, json.dumps([cert("A-1", anna)]), "intyg")

    assert response.context["result"].imported == 1


def test_file_over_the_limit_is_refused(coordinator_client, anna, monkeypatch):
    monkeypatch.setattr(forms, "MAX_IMPORT_BYTES", 10)

    response = coordinator_client.post(URL, {"file": _upload(json.dumps([cert("A-1", anna)]))})

    assert "Filen är för stor: den får vara högst 20 MB." in response.content.decode()
    assert not Certificate.objects.exists()


def test_missing_file(coordinator_client):
    response = coordinator_client.post(URL, {})

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


# ---- the command ------------------------------------------------------------------------


def test_command_imports_json_as_the_system_job(json_file, anna, bertil):
    path = json_file([cert("A-1", anna), cert("B-1", bertil)])

    code, out, err = run(path)

    assert code == 0
    assert out.strip() == "Importerade 2 intyg för 2 personer."
    assert err == ""
    certificate = Certificate.objects.get(external_id="A-1")
    assert certificate.care_unit == anna.care_unit
    assert certificate.created_by is None
    assert SickLeaveCase.objects.filter(person=anna).exists()
    event = AccessEvent.objects.get(object_type="certificate", person_id=anna.pk)
    assert event.extra["certificates"] == [str(certificate.pk)]
    assert event.system_job == "import"
    assert event.ground == Ground.SYSTEM


def test_command_imports_for_persons_of_every_unit_as_the_system_job(json_file, anna, stranger):
    code, out, _ = run(json_file([cert("A-1", anna), cert("S-1", stranger)]))

    assert code == 0
    assert Certificate.objects.count() == 2


def test_command_imports_csv(tmp_path, anna):
    path = tmp_path / "intyg.csv"
    path.write_text(
        "id,person,type,signed,status,occupation,diagnoses,period_start,period_end,degree\n"
        f"C-1,{anna.personnummer},FK7804,2025-02-03T09:00,valid,studier,M54.5 F43.2,"
        "2025-02-03,2025-02-09,100\n"
        f"C-2,{anna.personnummer},FK7804,2025-02-03T09:00,valid,,M54.5,"
        "2025-02-10,2025-02-03,100\n",
        encoding="utf-8",
    )

    code, out, _ = run(path)

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Importerade 1 intyg för 1 person."
    assert lines[1].startswith("rad 3, intyg C-2: Perioden slutar")
    certificate = Certificate.objects.get(external_id="C-1")
    assert certificate.occupation == "studier"
    assert certificate.diagnosis_codes == ["M54.5", "F43.2"]


def test_command_reports_every_rejected_row(json_file, anna, bertil, mixed_document):
    code, out, _ = run(json_file(mixed_document))

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Importerade 3 intyg för 2 personer."
    assert lines[1].startswith("rad 2, intyg A-2: Sjukskrivningsgraden ska vara")
    assert lines[2] == "rad 4, intyg X-1: Personen finns inte i Samsyn."
    assert lines[3] == "rad 5, intyg A-3: Okänd diagnoskod U50.0."
    assert lines[4].startswith("rad 7, intyg A-1: Intygs-id 'A-1' förekommer mer än en gång")
    assert len(lines) == 5


def test_one_transaction_per_person_a_bad_row_keeps_the_good_ones(json_file, anna, bertil):
    items = [
        cert("A-1", anna),
        cert("A-2", anna, start="2025-02-17", end="2025-03-02", diagnoses=["Q99.9"]),
        cert("A-3", anna, start="2025-03-03", end="2025-03-16"),
        cert("B-1", bertil),
    ]

    code, out, _ = run(json_file(items))

    assert code == 0
    assert set(Certificate.objects.filter(person=anna).values_list("external_id", flat=True)) == {
        "A-1",
        "A-3",
    }
    assert Certificate.objects.filter(person=bertil).count() == 1
    assert "rad 2, intyg A-2: Okänd diagnoskod Q99.9." in out


def test_the_same_file_again_is_refused_and_exits_2(json_file, anna):
    path = json_file([cert("A-1", anna)])
    run(path)

    code, out, err = run(path)

    assert code == 2
    assert "filen har redan importerats (import " in err
    assert out == ""
    assert Certificate.objects.count() == 1


def test_another_file_with_the_same_certificates_rejects_them_and_exits_1(json_file, anna):
    run(json_file([cert("A-1", anna)]))
    path = json_file([cert("A-1", anna)], name="igen.json")
    path.write_text(json.dumps([cert("A-1", anna)], indent=2), encoding="utf-8")

    code, out, _ = run(path)

    assert code == 1
    assert out.splitlines() == [
        "Importerade 0 intyg för 0 personer.",
        "rad 1, intyg A-1: Intyget A-1 finns redan.",
    ]
    assert Certificate.objects.count() == 1


def test_every_row_rejected_exits_1(json_file, db):
    code, out, _ = run(json_file([cert("X-1", UNKNOWN_PERSON), {"id": "X-2"}]))

    assert code == 1
    assert out.startswith("Importerade 0 intyg för 0 personer.")
    assert "rad 2, intyg X-2: Fältet 'person' saknas." in out


@pytest.mark.parametrize("content", ["", "[]", '{"certificates": []}', "  \n"])
def test_empty_file_exits_0(tmp_path, db, content):
    path = tmp_path / "tom.json"
    path.write_text(content, encoding="utf-8")

    code, out, _ = run(path)

    assert code == 0
    assert out.strip() == "Importerade 0 intyg för 0 personer."


def test_csv_with_only_a_header_exits_0(tmp_path, db):
    path = tmp_path / "tom.csv"
    path.write_text("id,person,type,signed,status,period_start,period_end,degree\n")

    assert run(path)[0] == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("saknas.json", None, "Kan inte läsa"),
        ("intyg.xml", "<intyg/>", "filen måste sluta på .json eller .csv"),
        ("trasig.json", "{inte json", "Ogiltig JSON"),
        ("latin1.csv", "id;namn\nå".encode("latin-1"), "Kan inte läsa"),
        ("rubrik.csv", "namn,ålder\nA,1\n", "Okänd kolumn"),
    ],
)
def test_unreadable_file_exits_2(tmp_path, db, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")

    code, out, err = run(path)

    assert code == 2
    assert message in err
    assert out == ""


def test_as_user_restricts_to_their_unit(json_file, coordinator, anna, stranger):
    code, out, _ = run(
        json_file([cert("A-1", anna), cert("S-1", stranger)]), "--as", coordinator.username
    )

    assert code == 0
    assert "rad 2, intyg S-1: Personen finns inte vid din enhet." in out
    certificate = Certificate.objects.get()
    assert certificate.created_by == coordinator
    assert certificate.care_unit == anna.care_unit


def test_as_unknown_or_external_user_exits_2(json_file, anna, employer_user):
    path = json_file([cert("A-1", anna)])

    assert run(path, "--as", "nobody")[0] == 2
    code, _, err = run(path, "--as", employer_user.username)
    assert code == 2
    assert "är inte läkare eller rehabkoordinator" in err
    assert not Certificate.objects.exists()


def test_progress_bar_on_large_files(json_file, db):
    items = [
        cert(f"X-{i}", UNKNOWN_PERSON, start="2025-01-01", end="2025-01-01") for i in range(1001)
    ]

    code, out, err = run(json_file(items))

    assert code == 1
    assert err.startswith("\r[")
    assert err.rstrip().endswith("[" + "#" * 30 + "] 100 %")
    assert out.count("Personen finns inte i Samsyn.") == 1001


def test_no_progress_bar_on_small_files(json_file, anna):
    _, _, err = run(json_file([cert("A-1", anna)]))

    assert err == ""

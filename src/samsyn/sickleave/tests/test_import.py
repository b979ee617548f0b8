"""Importing certificates: the page /intyg/import/ and `samsyn import certificates FILE`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.audit.models import AccessEvent, Ground
from samsyn.people.tests.factories import PersonFactory
from samsyn.sickleave import forms, jsonformat
from samsyn.sickleave.models import Certificate, SickLeaveCase

URL = reverse("sickleave:certificate_import")
UNKNOWN_PERSON = "191212121212"


def cert(cid, person, *, start="2025-02-03", end="2025-02-16", degree=100, **extra):
    number = person if isinstance(person, str) else person.personnummer
    data = {
        "id": cid,
        "person": number,
        "type": "FK7804",
        "signed": "2025-02-03T09:30:00+01:00",
        "status": "valid",
        "periods": [{"start": start, "end": end, "degree": degree}],
        "diagnoses": ["M54.5"],
    }
    data.update(extra)
    return data


@pytest.fixture
def anna(unit):
    return PersonFactory(care_unit=unit)


@pytest.fixture
def bertil(unit):
    return PersonFactory(care_unit=unit)


@pytest.fixture
def stranger(other_unit):
    return PersonFactory(care_unit=other_unit)


@pytest.fixture
def mixed_document(anna, bertil):
    """Items 1, 3, 6 are good; 2 has a bad degree (parser), 4 an unknown person and 5 an
    unknown diagnosis (service), 7 repeats the id of item 1 (parser)."""
    return [
        cert("A-1", anna),
        cert("A-2", anna, start="2025-02-17", end="2025-03-02", degree=30),
        cert("B-1", bertil, degree=50),
        cert("X-1", UNKNOWN_PERSON),
        cert("A-3", anna, diagnoses=["U50.0"]),
        cert("A-4", anna, start="2025-02-17", end="2025-03-02", degree=50),
        cert("A-1", bertil),
    ]


def _upload(content: str | bytes, name: str = "intyg.json") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


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
    response = coordinator_client.post(URL, {"file": _upload(json.dumps(mixed_document))})

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

    response = coordinator_client.post(URL, {"file": _upload(json.dumps(document))})

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

    response = coordinator_client.post(URL, {"file": _upload(text, "intyg.csv")})

    result = response.context["result"]
    assert result.imported == 1
    assert Certificate.objects.get(external_id="C-1").periods.count() == 2
    assert [(r.line, r.label) for r in result.rejected] == [(4, "C-2")]


def test_outsider_imports_nothing_for_another_unit(outsider_client, anna):
    response = outsider_client.post(URL, {"file": _upload(json.dumps([cert("A-1", anna)]))})

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
        ("{inte json", "intyg.json", "Filen kunde inte läsas: Ogiltig JSON"),
        ("namn,ålder\nA,1\n", "intyg.csv", "Filen kunde inte läsas: Okänd kolumn"),
        ("   ", "intyg.json", "Filen är tom."),
    ],
)
def test_unusable_files_are_form_errors(coordinator_client, content, name, message):
    response = coordinator_client.post(URL, {"file": _upload(content, name)})

    assert response.status_code == 200
    assert response.context["result"] is None
    assert message in response.content.decode()
    assert "error-summary" in response.content.decode()


def test_type_is_sniffed_without_an_extension(coordinator_client, anna):
    response = coordinator_client.post(
        URL, {"file": _upload(json.dumps([cert("A-1", anna)]), "intyg")}
    )

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


def run(*args):
    """Run the command; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "certificates", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def json_file(tmp_path):
    def write(items, name="intyg.json"):
        path = tmp_path / name
        path.write_text(json.dumps(items), encoding="utf-8")
        return path

    return write


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
    event = AccessEvent.objects.get(object_type="certificate", object_id=str(certificate.pk))
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


def test_reimport_rejects_duplicates_and_exits_1(json_file, anna):
    path = json_file([cert("A-1", anna)])
    run(path)

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


# ---- the id's length: the format and the model agree ------------------------------------

LONGEST_ID, TOO_LONG_ID = "a" * 100, "b" * 101
# The format's message, with the field as every parse error in the report names it.
TOO_LONG_REASON = "Intygs-id får vara högst 100 tecken; det här har 101. (fält id)"


def test_the_model_stores_exactly_the_formats_longest_id():
    assert Certificate._meta.get_field("external_id").max_length == jsonformat.MAX_ID_LENGTH
    assert jsonformat.MAX_ID_LENGTH == 100


def test_page_imports_a_json_id_of_100_characters_and_rejects_101(coordinator_client, anna):
    document = [
        cert(LONGEST_ID, anna),
        cert(TOO_LONG_ID, anna, start="2025-03-01", end="2025-03-09"),
    ]

    response = coordinator_client.post(URL, {"file": _upload(json.dumps(document))})

    result = response.context["result"]
    assert result.imported == 1
    assert Certificate.objects.get().external_id == LONGEST_ID
    assert [(r.line, r.reason) for r in result.rejected] == [(2, TOO_LONG_REASON)]
    assert TOO_LONG_REASON in response.content.decode()


def test_page_imports_a_csv_id_of_100_characters_and_rejects_101(coordinator_client, anna):
    text = "id,person,type,signed,status,diagnoses,period_start,period_end,degree\n" + "".join(
        f"{cid},{anna.personnummer},FK7804,2025-02-03,valid,M54.5,2025-02-03,2025-02-09,100\n"
        for cid in (LONGEST_ID, TOO_LONG_ID)
    )

    response = coordinator_client.post(URL, {"file": _upload(text, "intyg.csv")})

    result = response.context["result"]
    assert result.imported == 1
    assert Certificate.objects.get().external_id == LONGEST_ID
    assert [(r.line, r.label, r.reason) for r in result.rejected] == [
        (3, TOO_LONG_ID, TOO_LONG_REASON)
    ]


def test_command_rejects_an_id_of_101_characters(json_file, anna):
    code, out, _ = run(json_file([cert(TOO_LONG_ID, anna)]))

    assert code == 1
    assert out.splitlines()[1] == f"rad 1, intyg –: {TOO_LONG_REASON}"
    assert not Certificate.objects.exists()


# ---- the physician: matched within the importing unit and its sub-units -----------------


def _physician_at(organisation, username):
    user = UserFactory(username=username, first_name="Doktor", last_name=username.title())
    MembershipFactory(user=user, organisation=organisation, role=Role.PHYSICIAN)
    return user


def _links() -> dict[str, tuple]:
    return {
        c.external_id: (c.physician, c.physician_name)
        for c in Certificate.objects.select_related("physician")
    }


def test_page_links_physicians_of_the_unit_and_its_sub_units_only(
    coordinator_client, anna, unit, other_unit
):
    here = _physician_at(unit, "dr_here")
    below = _physician_at(OrganisationFactory(name="Filial", parent=unit), "dr_below")
    _physician_at(other_unit, "dr_elsewhere")
    document = [
        cert("A-1", anna, physician="dr_here"),
        cert("A-2", anna, physician="dr_below"),
        cert("A-3", anna, physician="dr_elsewhere"),
        cert("A-4", anna, physician="nobody"),
        cert("A-5", anna),
    ]

    response = coordinator_client.post(URL, {"file": _upload(json.dumps(document))})

    assert _links() == {
        "A-1": (here, here.display_name),
        "A-2": (below, below.display_name),
        "A-3": (None, "dr_elsewhere"),
        "A-4": (None, "nobody"),
        "A-5": (None, ""),
    }
    result = response.context["result"]
    assert (result.imported, result.rejected, result.physicians_not_linked) == (5, [], 2)
    html = response.content.decode()
    assert "<dt>Intyg där läkaren sparades som text</dt><dd>2</dd>" in html
    assert "Intyget importerades med läkarens namn som text" in html


def test_report_says_nothing_of_physicians_when_every_one_is_linked(coordinator_client, anna, unit):
    _physician_at(unit, "dr_here")

    response = coordinator_client.post(
        URL, {"file": _upload(json.dumps([cert("A-1", anna, physician="dr_here")]))}
    )

    assert response.context["result"].physicians_not_linked == 0
    assert "sparades som text" not in response.content.decode()


def test_system_job_matches_within_the_unit_the_certificate_names(
    json_file, anna, stranger, unit, other_unit
):
    here = _physician_at(unit, "dr_here")
    there = _physician_at(other_unit, "dr_there")
    items = [
        # The unit named in the file decides, not the person's unit.
        cert("A-1", anna, physician="dr_there", unit=other_unit.code),
        cert("A-2", anna, physician="dr_here", unit=other_unit.code),
        # No unit, or one Samsyn does not know: the person's care unit.
        cert("A-3", anna, physician="dr_here"),
        cert("S-1", stranger, physician="dr_here", unit="SE-OKAND-ENHET"),
        cert("S-2", stranger, physician="dr_there", unit="SE-OKAND-ENHET"),
    ]

    code, out, _ = run(json_file(items))

    assert code == 0
    assert _links() == {
        "A-1": (there, there.display_name),
        "A-2": (None, "dr_here"),
        "A-3": (here, here.display_name),
        "S-1": (None, "dr_here"),
        "S-2": (there, there.display_name),
    }
    assert out.splitlines() == [
        "Importerade 5 intyg för 2 personer.",
        "Läkaren sparades som text, utan koppling till en användare, i 2 intyg (ingen "
        "läkare med det användarnamnet vid intygets enhet).",
    ]


def test_import_as_a_user_ignores_the_unit_the_file_names(json_file, coordinator, anna, other_unit):
    _physician_at(other_unit, "dr_there")

    code, _, _ = run(
        json_file([cert("A-1", anna, physician="dr_there", unit=other_unit.code)]),
        "--as",
        coordinator.username,
    )

    assert code == 0
    assert _links() == {"A-1": (None, "dr_there")}

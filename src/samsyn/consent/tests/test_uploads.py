"""Uploaded scans and attachments: stored and served by the type their bytes show, under a
random name, readable by the server's user only (issue 16, uploads)."""

import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samsyn.collaboration.models import Attachment
from samsyn.consent.models import Consent
from samsyn.consent.tests.fixtures import give_consent
from samsyn.core.files import download_name, original_name

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    """Real files on disk (the other tests keep uploads in memory)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_html_file_sent_as_a_scan_is_refused_and_the_form_keeps_the_input(
    coordinator_client, person, case, employer_org
):
    url = reverse("consent:person", args=[person.pk])
    data = {
        "recipient": str(employer_org.pk),
        "categories": ["contact"],
        "purpose": "Planera återgång i arbete",
        "valid_from": "2026-12-04",
        "valid_to": "",
        "given_how": "written",
        "given_on": "2026-12-04",
        "document": SimpleUploadedFile("samtycke.pdf", HTML, "application/pdf"),
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "måste vara en PDF-fil eller en bild" in page
    assert "Planera återgång i arbete" in page
    assert not Consent.objects.filter(person=person).exists()


def test_a_pdf_named_html_is_stored_and_served_as_a_pdf_download(
    coordinator, coordinator_client, person, case, employer_org, media
):
    scan = SimpleUploadedFile("../../etc/samtycke.html", PDF, "text/html")
    consent = give_consent(coordinator, person, employer_org, ["contact"], document=scan)
    stored = Path(consent.document.path)
    assert stored.suffix == ".pdf"
    assert "samtycke" not in stored.name  # the client's name is never part of the path
    assert stored.is_relative_to(media)
    assert consent.document_name == "samtycke.html"
    assert consent.document_type == "application/pdf"
    assert _mode(stored) == 0o600
    assert _mode(stored.parent) == 0o700

    response = coordinator_client.get(reverse("consent:document", args=[consent.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="samtycke.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_a_new_version_keeps_the_scan_its_name_and_type(coordinator, person, case, employer_org):
    from samsyn.cases.tests.helpers import actor_for
    from samsyn.consent import services

    scan = SimpleUploadedFile("underskrift.jpeg", b"\xff\xd8\xff\xe0JFIF", "image/jpeg")
    old = give_consent(coordinator, person, employer_org, ["contact"], document=scan)
    new = services.change_consent(
        actor=actor_for(coordinator),
        consent=old,
        categories=["contact", "work_capacity"],
        purpose=old.purpose,
        valid_from=old.valid_from,
        valid_to=old.valid_to,
        given_how=old.given_how,
    )
    assert new.document.name == old.document.name
    assert (new.document_name, new.document_type) == ("underskrift.jpeg", "image/jpeg")
    assert new.document_download_name == "underskrift.jpg"


def test_an_attachment_is_stored_by_its_sniffed_type_and_downloads_so(
    coordinator, coordinator_client, person, case, employer_org
):
    from samsyn.cases.tests.helpers import actor_for
    from samsyn.collaboration import services

    give_consent(coordinator, person, employer_org, ["messages"])
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    upload = SimpleUploadedFile("bild.html", png, "text/html")
    thread = services.start_thread(
        actor=actor_for(coordinator),
        case=case,
        party=employer_org,
        subject="Arbetsanpassning",
        body="Se bilden.",
        attachments=[upload],
    )
    attachment = Attachment.objects.get(message__thread=thread)
    assert Path(attachment.file.path).suffix == ".png"
    assert "bild" not in Path(attachment.file.path).name
    assert attachment.filename == "bild.html"
    assert _mode(Path(attachment.file.path)) == 0o600
    response = coordinator_client.get(reverse("collaboration:attachment", args=[attachment.pk]))
    assert response["Content-Type"] == "image/png"
    assert 'filename="bild.png"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("C:\\Users\\x\\scan.pdf", "scan.pdf"), ("../../a.html", "a.html"), ("", "samtycke")],
)
def test_the_original_name_is_only_a_name(name, expected):
    assert original_name(SimpleUploadedFile(name or "x", b"x"), "samtycke") == (
        expected if name else "x"
    )


def test_the_download_name_takes_the_sniffed_extension():
    assert download_name("scan.html", "application/pdf", "samtycke") == "scan.pdf"
    assert download_name("", "image/png", "bilaga") == "bilaga.png"
    assert download_name("scan", "", "samtycke") == "scan"

"""The directory's CSV import as a job, through the pages: the upload answers at once with
the job's page, the job checks every row first and writes all good rows in one
transaction, a row the CSV reader cannot read is reported and the rest still read, and
the same file again is refused with a link to the first import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samsyn.accounts.models import Organisation
from samsyn.core.testing import run_jobs
from samsyn.directory.models import DirectoryImport

pytestmark = pytest.mark.django_db

URL = reverse("directory:import")
GOOD_AND_BAD = "\n".join(
    [
        "typ;namn;organisationsnummer",
        "arbetsgivare;Första AB;",
        'arbetsgivare;"Trasig" AB;',  # line 3: a quote the CSV reader cannot read
        "arbetsgivare;Andra AB;556036-0794",  # line 4: bad check digit
        "okänd typ;Tredje AB;",  # line 5
        "arbetsgivare;Fjärde AB;",
    ]
).encode()


def _upload(content: bytes, name: str = "aktorer.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_upload_answers_with_the_waiting_job_and_writes_nothing_yet(coordinator_client):
    response = coordinator_client.post(URL, {"file": _upload(GOOD_AND_BAD)})

    assert response.status_code == 302
    job = DirectoryImport.objects.get()
    assert response["Location"] == reverse("directory:import_job", args=[job.pk])
    page = coordinator_client.get(response["Location"])
    html = page.content.decode()
    assert 'data-state="waiting"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "Uppdatera sidan" in html
    assert not Organisation.objects.filter(name="Första AB").exists()


def test_the_job_reports_every_rejected_row_and_writes_every_good_one(coordinator_client):
    response = coordinator_client.post(URL, {"file": _upload(GOOD_AND_BAD)})
    assert run_jobs(queue_names=["import"]) == 1

    page = coordinator_client.get(response["Location"])

    html = page.content.decode()
    job = DirectoryImport.objects.get()
    assert job.state == "done"
    assert [row[0] for row in job.rejected] == [3, 4, 5]
    assert "Raden kunde inte läsas som CSV." in html
    assert "kontrollsiffran" in html
    assert "Okänd typ av aktör." in html
    assert set(
        Organisation.objects.filter(name__in=["Första AB", "Fjärde AB", "Andra AB"]).values_list(
            "name", flat=True
        )
    ) == {"Första AB", "Fjärde AB"}
    assert 'hx-trigger="every 2s"' not in html  # finished: no more polling


def test_the_status_fragment_for_htmx_is_the_status_alone(coordinator_client):
    response = coordinator_client.post(URL, {"file": _upload(GOOD_AND_BAD)})
    run_jobs(queue_names=["import"])

    fragment = coordinator_client.get(response["Location"], HTTP_HX_REQUEST="true")

    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="import-status"')
    assert "<html" not in html
    assert "Importen är klar." in html


def test_the_same_file_again_is_refused_with_a_link_to_the_first(coordinator_client):
    first = coordinator_client.post(URL, {"file": _upload(GOOD_AND_BAD)})
    run_jobs(queue_names=["import"])

    again = coordinator_client.post(URL, {"file": _upload(GOOD_AND_BAD, "kopia.csv")})

    assert again.status_code == 400
    html = again.content.decode()
    assert "Samma fil har redan lämnats in." in html
    assert f'href="{first["Location"]}"' in html
    assert DirectoryImport.objects.count() == 1
    assert run_jobs(queue_names=["import"]) == 0


def test_a_failed_import_of_a_file_may_be_submitted_again(coordinator_client):
    bad = b"namn;telefon\nBygg;1\n"
    coordinator_client.post(URL, {"file": _upload(bad)})
    run_jobs(queue_names=["import"])
    assert DirectoryImport.objects.get().state == "failed"

    again = coordinator_client.post(URL, {"file": _upload(bad)})

    assert again.status_code == 302
    assert DirectoryImport.objects.count() == 2


def test_another_units_import_is_not_found(coordinator_client, outsider_client):
    response = coordinator_client.post(URL, {"file": _upload(GOOD_AND_BAD)})

    assert outsider_client.get(response["Location"]).status_code == 404

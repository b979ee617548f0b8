"""The certificate import as a job, through the pages: the upload answers at once with the
job's page (htmx polling, a plain reload link), the worker runs it, the page then shows
the report; the same file again is refused with a link to the first import."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from conftest import verified_client
from samsyn.audit.models import AccessEvent
from samsyn.sickleave.models import Certificate, CertificateImport, SickLeaveCase
from samsyn.sickleave.tests.importing_helpers import URL, cert, run_import_jobs, upload

pytestmark = pytest.mark.django_db


def test_the_upload_answers_at_once_with_the_waiting_job(coordinator_client, anna):
    response = coordinator_client.post(URL, {"file": upload(json.dumps([cert("A-1", anna)]))})

    job = CertificateImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sickleave:certificate_import_job", args=[job.pk])
    html = coordinator_client.get(response["Location"]).content.decode()
    assert 'data-state="waiting"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "Uppdatera sidan" in html
    assert job.state == "waiting"
    assert not Certificate.objects.exists()


def test_the_worker_runs_it_and_the_page_shows_the_report(coordinator_client, anna, bertil):
    document = [cert("A-1", anna), cert("B-1", bertil), cert("A-2", anna, degree=33)]
    response = coordinator_client.post(URL, {"file": upload(json.dumps(document))})

    assert run_import_jobs() == 1

    page = coordinator_client.get(response["Location"])
    html = page.content.decode()
    assert "Importen är klar." in html
    assert "<dd data-imported>2</dd>" in html
    assert "<dd data-rejected>1</dd>" in html
    assert "<td>A-2</td>" in html
    assert 'hx-trigger="every 2s"' not in html
    assert Certificate.objects.count() == 2
    assert SickLeaveCase.objects.filter(person__in=[anna, bertil]).count() == 2


def test_one_audit_event_per_person_and_batch(coordinator_client, anna, bertil):
    document = [
        cert("A-1", anna),
        cert("A-2", anna, start="2025-03-03", end="2025-03-16"),
        cert("B-1", bertil),
    ]
    coordinator_client.post(URL, {"file": upload(json.dumps(document))})
    run_import_jobs()

    events = AccessEvent.objects.filter(object_type="certificate").order_by("seq")
    by_person = {e.person_id: e.extra["certificates"] for e in events}
    assert len(events) == 2
    assert sorted(len(ids) for ids in by_person.values()) == [1, 2]
    assert set(by_person[anna.pk]) == {
        str(pk) for pk in Certificate.objects.filter(person=anna).values_list("pk", flat=True)
    }


def test_the_htmx_fragment_is_the_status_alone(coordinator_client, anna):
    response = coordinator_client.post(URL, {"file": upload(json.dumps([cert("A-1", anna)]))})

    fragment = coordinator_client.get(response["Location"], HTTP_HX_REQUEST="true")

    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="import-status"')
    assert "<html" not in html


def test_the_same_file_again_is_refused_with_a_link_to_the_first(coordinator_client, anna):
    content = json.dumps([cert("A-1", anna)])
    first = coordinator_client.post(URL, {"file": upload(content)})

    again = coordinator_client.post(URL, {"file": upload(content, "kopia.json")})

    assert again.status_code == 200
    html = again.content.decode()
    assert "Filen har redan lämnats in för import." in html
    assert f'href="{first["Location"]}"' in html
    assert CertificateImport.objects.count() == 1
    run_import_jobs()
    assert Certificate.objects.count() == 1


def test_a_colleague_sees_the_units_import_and_another_unit_does_not(
    coordinator_client, colleague_same_unit, outsider_client, anna
):
    response = coordinator_client.post(URL, {"file": upload(json.dumps([cert("A-1", anna)]))})

    colleague = verified_client(colleague_same_unit)
    assert colleague.get(response["Location"]).status_code == 200
    assert outsider_client.get(response["Location"]).status_code == 404


def test_the_job_page_costs_a_fixed_number_of_queries(
    coordinator_client, anna, django_assert_max_num_queries
):
    rows = [cert(f"A-{n}", anna, degree=33) for n in range(30)]
    response = coordinator_client.post(URL, {"file": upload(json.dumps(rows))})
    run_import_jobs()

    with django_assert_max_num_queries(12):
        page = coordinator_client.get(response["Location"])

    assert page.content.decode().count("<td>A-") == 30

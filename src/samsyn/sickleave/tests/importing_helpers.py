"""Helpers of the certificate import tests (the page and the command)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from samsyn.core.testing import run_jobs

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


def upload(content: str | bytes, name: str = "intyg.json") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def run(*args):
    """Run the command; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "certificates", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def run_import_jobs() -> int:
    """Run the queued import jobs as `samsyn worker` does (`core.testing.run_jobs`)."""
    return run_jobs(queue_names=["import"])


def post_and_run(client, content, name="intyg.json"):
    """Upload a file on the import page, run the job, and follow to the job's page."""
    response = client.post(URL, {"file": upload(content, name)})
    assert response.status_code == 302, response.content.decode()[:2000]
    run_import_jobs()
    return client.get(response["Location"])

"""/healthz (readiness: database, job queue, static manifest) and /livez (liveness)."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_every_part_works():
    response = Client().get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "queue": "ok", "static": "ok"},
    }


def test_livez_answers_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get(reverse("core:livez"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_naming_the_queue_when_its_table_is_gone():
    table = DBTaskResult._meta.db_table
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(f"ALTER TABLE {table} RENAME TO samsyn_gone")
    response = Client().get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["queue"].startswith("fail: ")


def test_healthz_is_503_naming_static_files_without_a_manifest(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path  # nothing collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = Client().get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "queue": "ok",
        "static": "fail: ValueError",
    }


def test_healthz_is_ok_with_collected_static_files(settings, tmp_path):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    settings.STORAGES = {**settings.STORAGES}  # a fresh storage reads the new manifest
    response = Client().get(reverse("core:healthz"))
    assert response.json()["checks"]["static"] == "ok"
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/livez"])
def test_a_probe_by_address_over_plain_http_is_answered(settings, path):
    settings.ALLOWED_HOSTS = ["samsyn.example.se"]
    settings.SECURE_SSL_REDIRECT = True
    probe = Client(HTTP_HOST="10.0.0.5:8000")
    assert probe.get(path).status_code == 200
    assert probe.get("/").status_code == 400  # any other page: not this host
    assert Client(HTTP_HOST="samsyn.example.se").get("/").status_code == 301  # to HTTPS

from django.urls import path

from samsyn.sickleave import views

app_name = "sickleave"
urlpatterns = [
    path("intyg/nytt/", views.certificate_new, name="certificate_new"),
    path("intyg/import/", views.certificate_import, name="certificate_import"),
    path(
        "intyg/import/<uuid:job_id>/",
        views.certificate_import_job,
        name="certificate_import_job",
    ),
]

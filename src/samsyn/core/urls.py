from django.urls import path

from samsyn.core import operations_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("drift/jobb/", operations_views.jobs_view, name="jobs"),
    path(
        "drift/jobb/skicka-igen/",
        operations_views.resend_emails,
        name="resend_emails",
    ),
    path("livez", views.livez, name="livez"),
]

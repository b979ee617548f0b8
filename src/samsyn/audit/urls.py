from django.urls import path

from samsyn.audit import views

app_name = "audit"

urlpatterns = [
    path("loggkontroll/nekade/", views.denials_view, name="denials"),
]

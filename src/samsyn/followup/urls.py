from django.urls import path

from samsyn.followup import views

app_name = "followup"
urlpatterns = [
    path(
        "uppfoljning/koordinering/",
        views.coordination_report_view,
        name="coordination_report",
    ),
]

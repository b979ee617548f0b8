from django.urls import path

from samsyn.overview import views

app_name = "overview"
urlpatterns = [
    path("ditt-arende/", views.own_case_view, name="own_case"),
    path("arenden/<uuid:case_id>/tidslinje/", views.timeline_view, name="timeline"),
]

from django.urls import path

from samsyn.screening import views

app_name = "screening"
urlpatterns = [
    path("arenden/<uuid:case_id>/screening/", views.case_screening_view, name="case"),
    path(
        "arenden/<uuid:case_id>/screening/<slug:code>/ny/",
        views.response_new_view,
        name="response_new",
    ),
    path("ditt-arende/formular/<slug:code>/", views.own_fill_view, name="own_fill"),
]

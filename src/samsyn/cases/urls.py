from django.urls import path

from samsyn.cases import external_views, views, worklist_views

app_name = "cases"
urlpatterns = [
    path("arbetslista/", worklist_views.worklist_view, name="worklist"),
    path("arbetslista/utskrift/", worklist_views.worklist_print_view, name="worklist_print"),
    path("arbetslista/export.csv", worklist_views.worklist_export_view, name="worklist_export"),
    path("arbetslista/dagar/", worklist_views.worklist_days_view, name="worklist_days"),
    path("arbetslista/kolumner/", worklist_views.worklist_columns_view, name="worklist_columns"),
    path("personsok/", worklist_views.person_search_view, name="person_search"),
    path(
        "inkorg/<str:kind>/<uuid:object_id>/",
        worklist_views.inbox_open_view,
        name="inbox_open",
    ),
    path("inkorg/las-allt/", worklist_views.inbox_clear_view, name="inbox_clear"),
    path("enhetens-installningar/", views.unit_settings_view, name="unit_settings"),
    path("personer/<uuid:person_id>/", views.person_view, name="person"),
    path("personer/<uuid:person_id>/oppna-arende/", views.case_open_view, name="case_open"),
    path("arenden/<uuid:case_id>/status/", views.case_status_view, name="case_status"),
    path("arenden/<uuid:case_id>/overlamna/", views.case_handover_view, name="case_handover"),
    path("arenden/<uuid:case_id>/avsluta/", views.case_close_view, name="case_close"),
    path("arenden/<uuid:case_id>/langd/", views.case_expected_days_view, name="case_expected"),
    path("arenden/<uuid:case_id>/uppgifter/", views.task_add_view, name="task_add"),
    path("uppgifter/<uuid:task_id>/klar/", views.task_done_view, name="task_done"),
    path("delade-arenden/<uuid:case_id>/", external_views.shared_case_view, name="shared_case"),
]

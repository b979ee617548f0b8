from django.urls import path

from samsyn.plans import views

app_name = "plans"
urlpatterns = [
    path("arenden/<uuid:case_id>/planer/", views.case_plans_view, name="case_plans"),
    path("arenden/<uuid:case_id>/planer/ny/<str:kind>/", views.plan_new_view, name="plan_new"),
    path("arenden/<uuid:case_id>/ingen-plan/", views.no_plan_view, name="no_plan"),
    path("ingen-plan/<uuid:decision_id>/upphav/", views.no_plan_revoke_view, name="no_plan_revoke"),
    path("planer/<uuid:plan_id>/", views.plan_view, name="plan"),
    path("planer/<uuid:plan_id>/andra/", views.plan_edit_view, name="plan_edit"),
    path("planer/<uuid:plan_id>/pdf/", views.plan_pdf_view, name="plan_pdf"),
    path("planer/<uuid:plan_id>/jamfor/", views.compare_view, name="compare"),
    path("planer/<uuid:plan_id>/versioner/<int:number>/", views.version_view, name="version"),
    path("planer/<uuid:plan_id>/atgarder/", views.measure_add_view, name="measure_add"),
    path("atgarder/<uuid:measure_id>/", views.measure_update_view, name="measure_update"),
    path(
        "atgarder/<uuid:measure_id>/kommentarer/",
        views.measure_comment_view,
        name="measure_comment",
    ),
    path(
        "planversioner/<uuid:version_id>/godkann/",
        views.version_approve_view,
        name="version_approve",
    ),
    path(
        "planversioner/<uuid:version_id>/avvisa/", views.version_reject_view, name="version_reject"
    ),
]

from django.urls import path

from samsyn.directory import views

app_name = "directory"
urlpatterns = [
    path("katalog/", views.directory_view, name="index"),
    path("katalog/ny/", views.organisation_create_view, name="create"),
    path("katalog/import/", views.directory_import_view, name="import"),
    path("katalog/import/<uuid:job_id>/", views.directory_import_job_view, name="import_job"),
    path("katalog/<uuid:organisation_id>/", views.organisation_detail_view, name="detail"),
    path(
        "katalog/<uuid:organisation_id>/kontaktpersoner/ny/",
        views.contact_add_view,
        name="contact_add",
    ),
    path(
        "katalog/<uuid:organisation_id>/sammanfoga/",
        views.organisation_merge_view,
        name="merge",
    ),
    path(
        "katalog/kontaktpersoner/<uuid:contact_id>/",
        views.contact_edit_view,
        name="contact_edit",
    ),
    path(
        "katalog/kontaktpersoner/<uuid:contact_id>/bekrafta-inloggning/",
        views.contact_login_confirm_view,
        name="contact_login_confirm",
    ),
    path(
        "katalog/kontaktpersoner/<uuid:contact_id>/sammanfoga/",
        views.contact_merge_view,
        name="contact_merge",
    ),
    path("arenden/<uuid:case_id>/aktorer/", views.case_actors_view, name="case_actors"),
    path("arenden/<uuid:case_id>/aktorer/ny/", views.case_actor_link_view, name="case_actor_link"),
    path(
        "arenden/<uuid:case_id>/aktorer/<uuid:link_id>/avsluta/",
        views.case_actor_end_view,
        name="case_actor_end",
    ),
]

from django.urls import path

from samsyn.collaboration import views

app_name = "collaboration"
urlpatterns = [
    path("arenden/<uuid:case_id>/kontakter/", views.contacts_view, name="contacts"),
    path("arenden/<uuid:case_id>/meddelanden/", views.threads_view, name="threads"),
    path(
        "arenden/<uuid:case_id>/mottagare/<str:category>/",
        views.recipient_check_view,
        name="recipient_check",
    ),
    path("meddelanden/<uuid:thread_id>/", views.thread_view, name="thread"),
    path(
        "meddelanden/<uuid:thread_id>/menprovning/",
        views.harm_assessment_view,
        name="harm_assessment",
    ),
    path("fk/fragor/", views.fk_requests_view, name="fk_requests"),
    path("meddelanden/bilagor/<uuid:attachment_id>/", views.attachment_view, name="attachment"),
]

from django.urls import path

from samsyn.consent import own_views, views

app_name = "consent"
urlpatterns = [
    path("personer/<uuid:person_id>/samtycken/", views.person_consents_view, name="person"),
    path("samtycken/<uuid:consent_id>/andra/", views.consent_change_view, name="change"),
    path("samtycken/<uuid:consent_id>/aterkalla/", views.consent_withdraw_view, name="withdraw"),
    path("samtycken/<uuid:consent_id>/dokument/", views.consent_document_view, name="document"),
    path("mina-samtycken/", views.my_consents_view, name="mine"),
    path("mina-samtycken/nytt/", own_views.give_consent_view, name="give"),
    path(
        "mina-samtycken/<uuid:consent_id>/ta-tillbaka/",
        own_views.withdraw_confirm_view,
        name="withdraw_confirm",
    ),
    path(
        "mina-samtycken/avsluta-samverkan/",
        own_views.end_collaboration_view,
        name="end_collaboration",
    ),
]

from django.urls import path

from samsyn.letters import views

app_name = "letters"
urlpatterns = [
    path("arenden/<uuid:case_id>/brev/", views.case_letters_view, name="case_letters"),
    path("arenden/<uuid:case_id>/brev/ny/<slug:key>/", views.letter_new_view, name="letter_new"),
    path("arenden/<uuid:case_id>/samtal/<slug:key>/", views.note_new_view, name="note_new"),
    path("brev/<uuid:letter_id>/", views.letter_view, name="letter"),
    path("brev/<uuid:letter_id>/pdf/", views.letter_pdf_view, name="letter_pdf"),
    path("brev/<uuid:letter_id>/skicka/", views.letter_send_view, name="letter_send"),
    path("brev/<uuid:letter_id>/samtycke/", views.letter_consent_view, name="letter_consent"),
    path("samtal/<uuid:note_id>/", views.note_view, name="note"),
    path("samtal/<uuid:note_id>/till-planen/", views.note_to_plan_view, name="note_to_plan"),
    path("brevmallar/", views.library_view, name="library"),
    path("brevmallar/brev/<slug:key>/", views.template_edit_view, name="template_edit"),
    path("brevmallar/samtal/<slug:key>/", views.guide_edit_view, name="guide_edit"),
]

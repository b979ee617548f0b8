from django.urls import path

from samsyn.meetings import views

app_name = "meetings"
urlpatterns = [
    path("arenden/<uuid:case_id>/moten/", views.case_meetings_view, name="case_meetings"),
    path("arenden/<uuid:case_id>/moten/nytt/", views.book_view, name="book"),
    path("moten/<uuid:meeting_id>/", views.meeting_view, name="meeting"),
    path("moten/<uuid:meeting_id>/kalender.ics", views.ics_view, name="ics"),
    path("moten/<uuid:meeting_id>/svar/", views.answer_view, name="answer"),
    path("moten/<uuid:meeting_id>/bjud-in/", views.invite_view, name="invite"),
    path("moten/<uuid:meeting_id>/flytta/", views.move_view, name="move"),
    path("moten/<uuid:meeting_id>/stall-in/", views.cancel_view, name="cancel"),
    path("moten/<uuid:meeting_id>/fk-beslut/", views.fk_decision_view, name="fk_decision"),
    path("moten/<uuid:meeting_id>/hallet/", views.held_view, name="held"),
    path("moten/<uuid:meeting_id>/protokoll/", views.minutes_view, name="minutes"),
    path("moten/<uuid:meeting_id>/protokoll/faststall/", views.finalise_view, name="finalise"),
    path("moten/<uuid:meeting_id>/protokoll/andra/", views.amend_view, name="amend"),
    path("paminnelser/", views.reminder_choices_view, name="reminders"),
]

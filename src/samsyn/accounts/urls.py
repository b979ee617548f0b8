from django.urls import path

from samsyn.accounts import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.login_view, name="login"),
    path("logga-in/kod/", views.second_factor_view, name="second_factor"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("byt-roll/", views.switch_membership_view, name="switch"),
    path("sparrade-inloggningar/", views.locked_logins_view, name="locked_logins"),
    path("sparrade-inloggningar/las-upp/", views.unlock_login_view, name="unlock_login"),
]

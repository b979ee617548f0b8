from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

# A refused request (too large, too many fields) gets a Swedish page, not Django's own.
handler400 = "samsyn.core.views.bad_request"

urlpatterns = [
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("konto/", include("samsyn.accounts.urls")),
    path("", include("samsyn.core.urls")),
    path("", include("samsyn.audit.urls")),
    path("", include("samsyn.cases.urls")),
    path("", include("samsyn.sickleave.urls")),
    path("", include("samsyn.directory.urls")),
    path("", include("samsyn.consent.urls")),
    path("", include("samsyn.collaboration.urls")),
    path("", include("samsyn.followup.urls")),
    path("", include("samsyn.plans.urls")),
    path("", include("samsyn.overview.urls")),
    path("", include("samsyn.meetings.urls")),
    path("", include("samsyn.letters.urls")),
    path("", include("samsyn.screening.urls")),
]

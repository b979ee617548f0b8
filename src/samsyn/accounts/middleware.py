"""Second factor enforcement and the active membership of each request."""

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from samsyn.accounts import selectors
from samsyn.accounts.roles import PASSWORD_ONLY_ROLES

SESSION_MEMBERSHIP_KEY = "samsyn_membership"


class AccountMiddleware:
    """After authentication: enforce the second factor, then pick the active membership.

    A logged-in user who needs a second factor but whose session is not verified
    (django-otp) is logged out; the login view never creates such a session, so this is
    defence in depth.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.memberships = []
        user = request.user
        if user.is_authenticated:
            memberships = selectors.active_memberships(user=user)
            roles = {m.role for m in memberships}
            needs_otp = user.is_staff or not roles or bool(roles - PASSWORD_ONLY_ROLES)
            if needs_otp and not user.is_verified():
                logout(request)
                return redirect(settings.LOGIN_URL)
            request.memberships = memberships
            wanted = request.session.get(SESSION_MEMBERSHIP_KEY)
            chosen = next((m for m in memberships if str(m.pk) == wanted), None)
            request.membership = chosen or (memberships[0] if memberships else None)
        return self.get_response(request)

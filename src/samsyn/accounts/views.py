"""Login in two steps (password, then second factor), logout and role switching."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from samsyn.accounts import roles, selectors, services
from samsyn.accounts.actor import Actor
from samsyn.accounts.forms import (
    LoginForm,
    LoginUnlockForm,
    MembershipSwitchForm,
    SecondFactorForm,
)
from samsyn.accounts.middleware import SESSION_MEMBERSHIP_KEY
from samsyn.core.decorators import role_required

if TYPE_CHECKING:
    from samsyn.accounts.models import User

PENDING_USER = "samsyn_pending_user"
PENDING_AT = "samsyn_pending_at"
PENDING_NEXT = "samsyn_pending_next"
PENDING_MAX_SECONDS = 300
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _complete_login(request, user: User, device=None):
    target = request.session.get(PENDING_NEXT, "")
    login(request, user, backend=BACKEND)
    if device is not None:
        otp_login(request, device)
    services.record_login(actor=Actor(user=user, request_id=request.request_id))
    return redirect(target or "core:home")


@login_not_required
@sensitive_post_parameters("password")
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.check_password(
                **form.cleaned_data,
                address=services.client_address(request),
                request_id=request.request_id,
                request=request,
            )
        except services.LoginError as exc:
            form.add_error(None, _(str(exc)))
        else:
            request.session.cycle_key()
            request.session[PENDING_NEXT] = _safe_next(request)
            if not result.needs_second_factor:
                return _complete_login(request, result.user)
            request.session[PENDING_USER] = result.user.pk
            request.session[PENDING_AT] = time.time()
            return redirect("accounts:second_factor")
    context = {"form": form, "next": _safe_next(request)}
    return TemplateResponse(request, "accounts/login.html", context)


@login_not_required
@sensitive_post_parameters("token")
def second_factor_view(request):
    started = request.session.get(PENDING_AT, 0)
    user = selectors.active_user(user_id=request.session.get(PENDING_USER))
    if user is None or time.time() - started > PENDING_MAX_SECONDS:
        messages.info(request, _("Logga in med lösenord först."))
        return redirect("accounts:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.check_second_factor(
                user=user,
                token=form.cleaned_data["token"],
                address=services.client_address(request),
                request_id=request.request_id,
            )
        except services.LoginError as exc:
            form.add_error("token", _(str(exc)))
        else:
            for key in (PENDING_USER, PENDING_AT):
                request.session.pop(key, None)
            return _complete_login(request, user, device)
    return TemplateResponse(request, "accounts/second_factor.html", {"form": form})


@require_POST
def logout_view(request):
    services.record_logout(actor=Actor.from_request(request))
    logout(request)
    messages.success(request, _("Du är utloggad."))
    return redirect("accounts:login")


@require_POST
def switch_membership_view(request):
    form = MembershipSwitchForm(request.POST)
    membership = None
    if form.is_valid():
        membership = selectors.active_membership(
            user=request.user, membership_id=form.cleaned_data["membership"]
        )
    if membership is None:
        messages.error(request, _("Du har ingen sådan roll."))
    else:
        request.session[SESSION_MEMBERSHIP_KEY] = str(membership.pk)
        messages.success(request, _("Du arbetar nu som %(m)s.") % {"m": membership})
    return redirect("core:home")


@role_required(*roles.LOGIN_UNLOCK_ROLES)
def locked_logins_view(request):
    actor = Actor.from_request(request)
    locked = selectors.locked_logins(actor=actor, now=timezone.now())
    return TemplateResponse(request, "accounts/locked_logins.html", {"locked": locked})


@require_POST
@role_required(*roles.LOGIN_UNLOCK_ROLES)
def unlock_login_view(request):
    actor = Actor.from_request(request)
    form = LoginUnlockForm(request.POST)
    user_id = form.cleaned_data["user"] if form.is_valid() else None
    user = selectors.unlockable_user(actor=actor, user_id=user_id)
    if user is None:
        raise Http404
    services.unlock_login(actor=actor, user=user)
    messages.success(
        request, _("Inloggningen för %(name)s är upplåst.") % {"name": user.display_name}
    )
    return redirect("accounts:locked_logins")

"""Shared view preconditions."""

from functools import wraps

from django.core.exceptions import PermissionDenied


class RoleRefused(PermissionDenied):
    """The active membership's role may not use this page (logged as a denial with the
    rule `role` by `core.middleware.DenialLogMiddleware`)."""


def role_required(*roles: str):
    """The active membership must have one of `roles` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None or membership.role not in roles:
                raise RoleRefused
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

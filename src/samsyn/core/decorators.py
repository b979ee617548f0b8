"""Shared view preconditions."""

from functools import wraps

from django.core.exceptions import PermissionDenied


def role_required(*roles: str):
    """The active membership must have one of `roles` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None or membership.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

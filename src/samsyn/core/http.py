"""Typed requests and small view helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from samsyn.accounts.actor import Actor
    from samsyn.accounts.models import Membership, User


class AuthenticatedRequest(HttpRequest):
    user: User
    membership: Membership | None
    request_id: str

    @property
    def actor(self) -> Actor:  # pragma: no cover - typing aid
        raise NotImplementedError


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )

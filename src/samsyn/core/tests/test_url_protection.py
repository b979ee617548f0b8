"""Walk every URL pattern: anonymous users never get personal data.

A new URL fails this test until it is protected (login required by default) or added
to PUBLIC_URL_NAMES with a reason.
"""

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Views an anonymous user may reach, with why.
PUBLIC_URL_NAMES = {
    "accounts:login": "the login form",
    "accounts:second_factor": "second login step; redirects without a pending password step",
    "set_language": "language choice on the login page",
    "core:healthz": "load-balancer health check, no data",
    "core:livez": "liveness check, no data",
}

SAMPLE_ARGS = {"uuid": str(uuid.uuid4()), "int": "1", "str": "x", "slug": "x", "path": "x"}


def walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry


def sample_url(route: str) -> str:
    import re

    def replace(match):
        converter = match.group(1) or "str"
        return SAMPLE_ARGS.get(converter, "x")

    url = re.sub(r"<(?:(\w+):)?\w+>", replace, route)
    return "/" + url.lstrip("^").rstrip("$")


ALL_URLS = sorted(walk(get_resolver()))


def test_there_are_urls_to_walk():
    assert len(ALL_URLS) >= 5


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), [(n, r) for n, r, _ in ALL_URLS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_request_never_gets_personal_data(name, route, method, coordinator):
    url = sample_url(route)
    response = getattr(Client(), method)(url)
    body = response.content.decode(errors="replace")
    assert "19121212" not in body
    if name in PUBLIC_URL_NAMES:
        assert response.status_code in {200, 302, 400, 403, 404, 405}
        return
    assert response.status_code in {302, 403, 404, 405}, f"{name} ({url}) is not protected"
    if response.status_code == 302:
        assert response.url.startswith("/konto/logga-in/"), f"{name} redirects elsewhere"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), [(n, r) for n, r, _ in ALL_URLS])
def test_user_without_second_factor_gets_nothing(name, route, coordinator):
    client = Client()
    client.force_login(coordinator)
    response = client.get(sample_url(route))
    if name in PUBLIC_URL_NAMES:
        return
    assert response.status_code in {302, 403, 404, 405}

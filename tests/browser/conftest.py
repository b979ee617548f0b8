"""Browser tests: Debian's Chromium driven by Playwright, with axe-core on every page.

Marked `system`. Playwright's sync API runs an event loop in this thread, so Django's
async-safety check is relaxed for these tests only.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 10_000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.fail("Debian chromium is missing: `make test` installs it with apt-get")
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it from the npm registry")
    from playwright.sync_api import expect, sync_playwright

    # The auto-waiting assertions wait as long as the page's actions (default: 5 s).
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets axe be injected; the app's own pages run under the real CSP otherwise.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="sv-SE")
    context._samsyn_base_url = live_server.url
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core (WCAG 2.2 A/AA) and fail on serious or critical violations.

    Call it only after an `expect(...)` has proved that the page under test is shown; the
    wait here only lets that page finish loading (stylesheets, scripts) before axe runs.
    """
    page.wait_for_load_state()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )
    assert not bad, f"axe violations on {context or page.url}: {details}"
    assert result["passes"], "axe ran no checks"


def login_as(page, user) -> None:
    """Session-cookie login with a verified second factor (the login form has its own story)."""
    from conftest import verified_client

    client = verified_client(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies(
        [{"name": "sessionid", "value": cookie.value, "url": page.context._samsyn_base_url}]
    )

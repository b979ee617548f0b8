"""Every page each demo role reaches, at home on a phone and on a desktop (issue 17 §6).

A bounded crawl from each demo role's start page follows the same-origin GET links (one
page per route: a second person's page adds nothing a first did not show), skipping
logout, downloads (.ics, .pdf, CSV) and Django's admin. Each page is measured at 390×844
and at 1 280×900, and the test fails on

- any sideways scroll of the page (`document.scrollingElement.scrollWidth > innerWidth`);
- any tap target under 24×24 px (WCAG 2.2 SC 2.5.8) - a link inside running text is
  exempt, as the criterion says; buttons, inputs, checkboxes, summaries and standalone
  links are not - and under 44×44 px on the person's (patient's) own pages at 390 px;
- any serious or critical axe violation under WCAG 2.2 AA (run once per page, at 390 px).

All findings of a role are reported together.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from samsyn.accounts.models import User
from tests.browser.conftest import AXE

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# Pages per role: enough for every kind of page a role reaches in the demo, bounded so the
# whole crawl stays within a few minutes.
MAX_PAGES = 24
ROLES = [
    "koordinator",
    "lakare",
    "chef",
    "hr.nordbygg",
    "fhv",
    "fk",
    "af",
    "socialtjanst",
    "admin",
    "patient",
]
SKIP = re.compile(
    r"(logga-ut|/admin/|/static/|/media/|\.ics$|\.pdf$|/pdf/$|\.csv$|csv|export|/dokument/$"
    r"|/bilagor/|/i18n/)",
    re.IGNORECASE,
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

LINKS = """() => [...document.querySelectorAll('a[href]')]
    .filter(a => !a.hasAttribute('download'))
    .map(a => a.href)"""

OVERFLOW = """() => {
  const page = document.scrollingElement;
  const over = page.scrollWidth - window.innerWidth;
  if (over <= 0) return null;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right
                 <= window.innerWidth + 1)
    .slice(0, 4)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0]
         : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
  return {over, wide};
}"""

# A link is "inside running text" when the block it sits in has text of its own besides
# the link (a sentence with a link in it); a link alone in a list item, a cell or a nav
# is a standalone target.
TARGETS = """(minimum) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button]';
  const blockOf = e => {
    let p = e.parentElement;
    while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement;
    return p;
  };
  const inRunningText = a => {
    if (a.tagName !== 'A' || !getComputedStyle(a).display.startsWith('inline')) return false;
    if (getComputedStyle(a).display === 'inline-block') return false;
    const block = blockOf(a);
    if (!block) return false;
    const own = (a.textContent || '').trim().length;
    const all = (block.textContent || '').trim().length;
    return all - own > 2;
  };
  const bad = [];
  for (const e of document.querySelectorAll(selector)) {
    if (e.closest('[hidden], .visually-hidden, details:not([open]) > :not(summary)')) continue;
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    let r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    // A radio or checkbox is tapped through its label too: the target is both together
    // (or the label alone, when the input hides under it in a styled option).
    if (/^(checkbox|radio)$/.test(e.type) && e.labels && e.labels.length) {
      const l = e.labels[0].getBoundingClientRect();
      const hidden = r.width <= 1 || r.height <= 1;
      const left = hidden ? l.left : Math.min(r.left, l.left);
      const top = hidden ? l.top : Math.min(r.top, l.top);
      const right = hidden ? l.right : Math.max(r.right, l.right);
      const bottom = hidden ? l.bottom : Math.max(r.bottom, l.bottom);
      r = {width: right - left, height: bottom - top};
    }
    if (r.width >= minimum - 0.5 && r.height >= minimum - 0.5) continue;
    if (inRunningText(e)) continue;
    const name = (e.textContent || e.getAttribute('aria-label') || e.name || e.type || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 30);
    bad.push(`${e.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return [...new Set(bad)].slice(0, 6);
}"""

AXE_RUN = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id}: ${v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', ')}`);
}"""


def _route(url: str) -> str:
    """One key per route: ids and query strings do not make another kind of page."""
    return UUID.sub("{id}", urlsplit(url).path)


def _crawl(page, base: str, username: str) -> tuple[list[str], list[str]]:
    """Visit up to MAX_PAGES routes from the start page; the findings and the pages seen."""
    problems: list[str] = []
    queue, seen_routes, visited = ["/"], set(), []
    target = 44 if username == "patient" else 24
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        if _route(url) in seen_routes:
            continue
        seen_routes.add(_route(url))
        found = []
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            response = page.goto(url)
            if response is None or response.status >= 400 or not page.url.startswith(base):
                if response is not None and response.status >= 500:
                    problems.append(f"{url}: answers {response.status}")
                break
            page.wait_for_load_state()
            where = f"{urlsplit(page.url).path} ({size})"
            over = page.evaluate(OVERFLOW)
            if over:
                problems.append(f"{where}: scrolls sideways by {over['over']} px {over['wide']}")
            minimum = target if size == "phone" else 24
            small = page.evaluate(TARGETS, minimum)
            if small:
                problems.append(f"{where}: targets under {minimum} px: {small}")
            if size == "phone":
                page.add_script_tag(path=str(AXE))
                for violation in page.evaluate(AXE_RUN):
                    problems.append(f"{where}: axe {violation}")
                found = page.evaluate(LINKS)
        else:
            visited.append(urlsplit(url).path)
        for href in found:
            link = urldefrag(href).url
            if not link.startswith(base) or SKIP.search(link):
                continue
            path = link[len(base) :] or "/"
            if _route(path) not in seen_routes and path not in queue:
                queue.append(path)
    return problems, visited


@pytest.fixture
def demo(transactional_db):
    started = time.monotonic()
    call_command("demo", persons=30, quiet=True)
    return time.monotonic() - started


def test_every_page_of_every_demo_role_is_at_home_on_a_phone_and_a_desktop(
    demo, browser, live_server
):
    from conftest import verified_client

    report, pages = [], 0
    for username in ROLES:
        user = User.objects.get(username=username)
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="sv-SE")
        cookie = verified_client(user).cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            problems, visited = _crawl(page, live_server.url, username)
        finally:
            context.close()
        assert len(visited) >= 2, f"{username} reached only {visited}"
        pages += len(visited)
        report += [f"[{username}] {p}" for p in problems]
    assert not report, f"{len(report)} findings on {pages} pages:\n" + "\n".join(report)

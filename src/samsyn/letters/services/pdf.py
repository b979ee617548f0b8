"""A letter as a PDF: A4, the unit's letterhead, Swedish hyphenation, rendered with
WeasyPrint as the plans' PDF is (ADR 012): a Django template, no outside resources."""

from __future__ import annotations

from django.template.loader import render_to_string

from samsyn.letters import sandbox


def _no_fetch(url: str, *args, **kwargs):
    """The PDF uses no outside resources (no network from the server)."""
    raise ValueError(f"resource not allowed in a letter PDF: {url[:40]}")


def letter_pdf(*, unit, subject: str, text: str, made_on) -> bytes:
    html = render_to_string(
        "letters/pdf.html",
        {"unit": unit, "subject": subject, "body": sandbox.to_html(text), "made_on": made_on},
    )
    from weasyprint import HTML  # imported here: loading it costs a second at start-up

    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()
